//! `mlsysim-book figures BOOK --out DIR --format svg,pdf,png`: regenerates every figure of a book
//! without building its text, and prints one summary line (or every error and a count).

use crate::app::{exit, out};
use crate::book::figures::draw_book_figures;
use crate::present::figure::convert::FigFormat;
use std::path::Path;

/// The `figures` command line: book settings, registry, figures, one summary line (or every
/// error and a count). Returns the exit status.
pub fn run(
    book: &Path,
    out: &Path,
    formats: &[FigFormat],
    registry: Option<&Path>,
    preset: Option<&str>,
    json: bool,
) -> crate::app::Result {
    let t = std::time::Instant::now();
    let config = match crate::book::config::BookConfig::load(book) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return Ok(exit::code(exit::FAILURE));
        }
    };
    let Some(reg) = crate::app::registry::load_or_report(registry.or(config.registry.as_deref()))
    else {
        return Ok(exit::code(exit::FAILURE));
    };
    let mut templates = match crate::book::templates::Templates::load(config.templates.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(exit::code(exit::FAILURE));
        }
    };
    templates.set_slides(preset.map_or(config.slides(), |p| p == "slides"));
    match draw_book_figures(&reg, &templates, book, out, formats) {
        Ok(s) => {
            for w in &s.warnings {
                eprintln!("warning: {w}");
            }
            if json {
                out::line(format!(
                    "{}",
                    serde_json::json!({ "status": "ok", "book": book.display().to_string(), "out": out.display().to_string(), "sources": s.sources, "figures": s.figures, "files": s.files })
                ))?;
            } else {
                let mut exts: Vec<&str> = formats.iter().map(|f| f.ext()).collect();
                if exts.is_empty() {
                    exts.push("svg");
                }
                exts.sort_unstable();
                exts.dedup();
                out::line(format!(
                    "figures {} → {}: {} figures from {} source files, {} files ({}), in {:.0} ms",
                    book.display(),
                    out.join("figures").display(),
                    s.figures,
                    s.sources,
                    s.files.len(),
                    exts.join(", "),
                    t.elapsed().as_secs_f64() * 1e3
                ))?;
            }
            Ok(exit::code(exit::OK))
        }
        Err(d) => {
            crate::app::report::diagnostics(&d.0);
            // "Nothing was written" only when it is true.
            let partly =
                d.0.iter()
                    .any(|x| x.message.starts_with(crate::book::figures::PARTLY_WRITTEN));
            eprintln!(
                "error: figures failed with {} error(s){}",
                d.0.len(),
                if partly { "" } else { "; nothing was written" }
            );
            Ok(exit::code(exit::FAILURE))
        }
    }
}
