//! `build BOOK --emit-cache PATH`: the Quarto pre-render step. Evaluates the book and writes
//! everything the render needs instead of a built copy: the value cache the Lua filter reads and
//! the figures (`figures/<id>.svg` beside the cache), which the cached figure markup points to.

use crate::app::book::{denied, load_lock, print_warnings, setup};
use crate::app::format::Format;
use crate::app::progress::Progress;
use crate::app::{exit, out};
use crate::book::build::evaluate_book_with;
use crate::book::lock::{changed_message, compare, Lock};
use crate::integrate::cache::{figures_dir, markdown_figures, write_figures, Cache};
use std::path::Path;
use std::time::Instant;

/// `build BOOK --emit-cache PATH [--update-lock]`: evaluates the book and writes the Quarto value
/// cache (no built copy). Errors are reported like `build`'s, and like `build` it refuses values
/// that changed since the book's `mlsysim.lock` unless `--update-lock` accepts them; on any error
/// nothing is written. Solver warnings are printed, and fail it with `--deny-warnings`.
#[allow(clippy::too_many_arguments)]
pub fn run(
    book: &Path,
    cache: &Path,
    out: &Path,
    templates: Option<&Path>,
    registry: Option<&Path>,
    format: Format,
    update_lock: bool,
    deny_warnings: bool,
    preset: Option<&str>,
) -> crate::app::Result {
    let t = Instant::now();
    let Some((reg, tpl)) = setup(book, templates, registry, preset) else {
        return Ok(exit::code(exit::FAILURE));
    };
    let tpl = tpl.with_markdown_figures(markdown_figures(book, cache));
    let Ok(lock) = load_lock(book) else {
        return Ok(exit::code(exit::FAILURE));
    };
    let progress = Progress::for_command(format == Format::Json);
    let result = evaluate_book_with(&reg, &tpl, book, out, Some(&progress));
    progress.finish();
    let (summary, _) = match result {
        Ok(r) => r,
        Err(d) => {
            crate::app::report::diagnostics(&d.0);
            eprintln!(
                "error: build failed with {} error(s); the cache was not written",
                d.0.len()
            );
            return Ok(exit::code(exit::FAILURE));
        }
    };
    print_warnings(&summary.warnings);
    let drift = lock.as_ref().map(|l| compare(l, &summary.records));
    match &drift {
        Some(d) if !update_lock && !d.changed.is_empty() => {
            crate::app::report::diagnostics(&d.diagnostics(book));
            eprintln!(
                "error: {}; the cache was not written",
                changed_message(d.changed.len(), book)
            );
            return Ok(exit::code(exit::FAILURE));
        }
        Some(d) if !update_lock => {
            if let Some(n) = d.note(book) {
                eprintln!("note: {n}");
            }
        }
        _ => {}
    }
    if deny_warnings && !summary.warnings.is_empty() {
        eprintln!(
            "error: {}; the cache was not written",
            denied(summary.warnings.len())
        );
        return Ok(exit::code(exit::FAILURE));
    }
    // Nothing is written unless everything can be: a path in the way that the tool did not
    // write (a chapter, say) stops the run before the lock is touched.
    if let Err(e) = crate::book::own::may_replace(cache, crate::book::own::is_tool_json) {
        eprintln!("error: {e}");
        eprintln!("error: the cache was not written");
        return Ok(exit::code(exit::FAILURE));
    }
    if update_lock {
        if let Err(e) = Lock::from_records(&summary.records).write(book) {
            eprintln!("error: {e}");
            return Ok(exit::code(exit::FAILURE));
        }
    }
    let figures = match write_figures(cache, &summary.figures) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(exit::code(exit::FAILURE));
        }
    };
    let c = Cache::new(book, &summary.expanded);
    if let Err(e) = c.write(cache) {
        eprintln!("error: {e}");
        return Ok(exit::code(exit::FAILURE));
    }
    // The bibliography beside the cache, in either citation style (`_quarto.yml` points at it:
    // pandoc-style `[@id]` citations need it, and an author may cite registry sources by hand).
    {
        let dir = cache.parent().unwrap_or(Path::new("."));
        for (name, text) in crate::book::bibliography::files(&reg) {
            if let Err(e) = crate::integrate::cache::write_atomic(&dir.join(name), text.as_bytes())
            {
                eprintln!("error: {e}");
                return Ok(exit::code(exit::FAILURE));
            }
        }
    }
    let entries: usize = c.files.values().map(|f| f.directives.len()).sum();
    if format == Format::Json {
        out::line(format!(
            "{}",
            serde_json::json!({ "status": "ok", "book": book.display().to_string(), "cache": cache.display().to_string(), "sources": summary.sources, "directives": summary.directives, "entries": entries, "figures": figures, "figures_dir": figures_dir(cache).display().to_string() })
        ))?;
    } else {
        out::line(format!(
            "cached {} → {}: {} source files, {} directives ({} distinct per file), {} figure(s) in {}, in {:.0} ms",
            book.display(),
            cache.display(),
            summary.sources,
            summary.directives,
            entries,
            figures,
            figures_dir(cache).display(),
            t.elapsed().as_secs_f64() * 1e3
        ))?;
    }
    Ok(exit::code(exit::OK))
}
