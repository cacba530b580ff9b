//! CLI glue for the integrations: `build --emit-cache`, `build --watch`, `mdbook`.

use crate::app::cli::Format;
use crate::app::progress::Progress;
use crate::book::build::evaluate_book_with;
use crate::book::lock::{changed_message, compare, Lock};
use crate::integrate::cache::Cache;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `build BOOK --emit-cache PATH [--update-lock]`: evaluates the book and writes the Quarto value
/// cache (no built copy). Errors are reported like `build`'s, and like `build` it refuses values
/// that changed since the book's `mlsysim.lock` unless `--update-lock` accepts them; on any error
/// nothing is written. Solver warnings are printed, and fail it with `--deny-warnings`.
#[allow(clippy::too_many_arguments)]
pub fn emit_cache(
    book: &Path,
    cache: &Path,
    out: &Path,
    templates: Option<&Path>,
    registry: Option<&Path>,
    format: Format,
    update_lock: bool,
    deny_warnings: bool,
) -> i32 {
    let t = Instant::now();
    let Some((reg, tpl)) = crate::app::commands::build::setup(book, templates, registry) else {
        return 1;
    };
    let Ok(lock) = crate::app::commands::build::load_lock(book) else {
        return 1;
    };
    let progress = Progress::for_command(format == Format::Json);
    let result = evaluate_book_with(&reg, &tpl, book, out, Some(&progress));
    progress.finish();
    let (summary, _) = match result {
        Ok(r) => r,
        Err(d) => {
            eprint!("{d}");
            eprintln!(
                "error: build failed with {} error(s); the cache was not written",
                d.0.len()
            );
            return 1;
        }
    };
    crate::app::commands::build::print_warnings(&summary.warnings);
    let drift = lock.as_ref().map(|l| compare(l, &summary.records));
    match &drift {
        Some(d) if !update_lock && !d.changed.is_empty() => {
            for x in d.diagnostics(book) {
                eprintln!("{x}");
            }
            eprintln!(
                "error: {}; the cache was not written",
                changed_message(d.changed.len(), book)
            );
            return 1;
        }
        Some(d) if !update_lock => {
            if let Some(n) = d.note() {
                eprintln!("note: {n}");
            }
        }
        _ => {}
    }
    if deny_warnings && !summary.warnings.is_empty() {
        eprintln!(
            "error: {}; the cache was not written",
            crate::app::commands::build::denied(summary.warnings.len())
        );
        return 1;
    }
    if update_lock {
        if let Err(e) = Lock::from_records(&summary.records).write(book) {
            eprintln!("error: {e}");
            return 1;
        }
    }
    let c = Cache::new(book, &summary.expanded);
    if let Err(e) = c.write(cache) {
        eprintln!("error: {e}");
        return 1;
    }
    let entries: usize = c.files.values().map(|f| f.directives.len()).sum();
    if format == Format::Json {
        println!(
            "{}",
            serde_json::json!({ "status": "ok", "book": book.display().to_string(), "cache": cache.display().to_string(), "sources": summary.sources, "directives": summary.directives, "entries": entries })
        );
    } else {
        println!(
            "cached {} → {}: {} source files, {} directives ({} distinct per file), in {:.0} ms",
            book.display(),
            cache.display(),
            summary.sources,
            summary.directives,
            entries,
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    0
}

/// `build --watch`.
#[cfg(feature = "watch")]
pub fn watch(
    book: PathBuf,
    out: PathBuf,
    templates: Option<PathBuf>,
    registry: Option<PathBuf>,
    emit_cache: Option<PathBuf>,
    format: Format,
) -> i32 {
    crate::app::commands::watch::run(crate::app::commands::watch::Options {
        book,
        out,
        templates,
        registry,
        emit_cache,
        format,
    })
}

/// `build --watch` in a binary built without the `watch` feature.
#[cfg(not(feature = "watch"))]
pub fn watch(
    _book: PathBuf,
    _out: PathBuf,
    _templates: Option<PathBuf>,
    _registry: Option<PathBuf>,
    _emit_cache: Option<PathBuf>,
    _format: Format,
) -> i32 {
    eprintln!("error: this mlsysim-book was built without the `watch` feature; rebuild it with `cargo install mlsysim-book --features watch`");
    2
}
