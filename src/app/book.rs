//! Opening a book for a command: its settings (`mlsysim.toml`), registry, templates and drift
//! lock, each problem printed as a located diagnostic; and the helpers every book command shares.

use crate::app::exit;
use crate::app::registry::load_or_report;
use crate::base::diag::{Diagnostic, Diagnostics};
use crate::book::config::BookConfig;
use crate::book::lock::Lock;
use crate::book::templates::Templates;
use std::path::Path;
use std::time::Instant;

/// Book settings, registry and templates for `book`; problems are printed to stderr. `preset`
/// (`--preset`) wins over the book's `[figures] preset`.
pub(crate) fn setup(
    book: &Path,
    templates: Option<&Path>,
    registry: Option<&Path>,
    preset: Option<&str>,
) -> Option<(crate::registry::Registry, Templates)> {
    let config = match BookConfig::load(book) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return None;
        }
    };
    let reg = load_or_report(registry.or(config.registry.as_deref()))?;
    let style = match config.style() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return None;
        }
    };
    match Templates::load(templates.or(config.templates.as_deref())) {
        Ok(t) => {
            let mut t = t.with_style(style);
            t.set_slides(preset.map_or(config.slides(), |p| p == "slides"));
            Some((reg, t))
        }
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}

pub(crate) fn ms(t: Instant) -> String {
    format!("{:.0} ms", t.elapsed().as_secs_f64() * 1e3)
}

/// Ends a command that succeeded (exit code 0) without freeing its summary and registry one
/// allocation at a time: the process exits right after, and freeing the records of a large book
/// costs several milliseconds on the main thread.
pub(crate) fn exit_without_freeing(
    s: crate::book::build::Summary,
    reg: crate::registry::Registry,
) -> crate::app::Result {
    std::mem::forget(s);
    std::mem::forget(reg);
    Ok(exit::code(exit::OK))
}

/// Solver warnings, to stderr (each with its excerpt, like errors).
pub(crate) fn print_warnings(warnings: &[Diagnostic]) {
    crate::app::report::diagnostics(warnings);
}

/// Why a run with `--deny-warnings` failed.
pub(crate) fn denied(n: usize) -> String {
    format!("{n} warning(s) denied by --deny-warnings")
}

/// Drift diagnostics, one line each (they have no excerpt).
pub(crate) fn print_drift(d: &Diagnostics) {
    crate::app::report::diagnostics(&d.0);
}

/// Reads the book's drift lock (None without one); prints the problem when it cannot be read.
pub(crate) fn load_lock(book: &Path) -> Result<Option<Lock>, ()> {
    Lock::load(book).map_err(|d| crate::app::report::diagnostics([&d]))
}

/// The book folder of a command: the one given, else the nearest folder upwards from the current
/// directory that has an `mlsysim.toml`, else `book-snippets` when it exists. `None` (after
/// printing why) when there is none.
pub fn locate(given: Option<std::path::PathBuf>) -> Option<std::path::PathBuf> {
    if let Some(b) = given {
        return Some(b);
    }
    let cwd = std::env::current_dir().ok()?;
    for dir in cwd.ancestors() {
        if dir.join(crate::book::config::FILE).is_file() {
            // Shown relative to the current directory when it is the current directory or above.
            let up = cwd.ancestors().position(|a| a == dir).unwrap_or(0);
            return Some(if up == 0 {
                ".".into()
            } else {
                std::iter::repeat_n("..", up)
                    .collect::<Vec<_>>()
                    .join("/")
                    .into()
            });
        }
    }
    let fallback = Path::new("book-snippets");
    if fallback.is_dir() {
        return Some(fallback.to_path_buf());
    }
    eprintln!(
        "error: no book folder given, no `{}` here or in a folder above, and no `book-snippets/`",
        crate::book::config::FILE
    );
    eprintln!("  = help: name the book folder (`mlsysim-book check my-book`), or start one with `mlsysim-book init my-book`");
    None
}
