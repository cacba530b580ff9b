//! `build BOOK --out DIR [--update-lock]`: evaluates the book, writes a built copy (all or
//! nothing) and one summary line, or every error and a count. Printed values are compared with the
//! book's drift lock (`mlsysim.lock`) when it has one.

use crate::app::book::{
    denied, exit_without_freeing, load_lock, ms, print_drift, print_warnings, setup,
};
use crate::app::format::Format;
use crate::app::{exit, out};
use crate::base::diag::{Diagnostic, Diagnostics};
use crate::book::build::build_gated_with;
use crate::book::lock::{changed_message, compare, Drift, Lock};
use std::path::Path;
use std::time::Instant;

/// `build BOOK --out DIR [--update-lock]`: fails, writing nothing, when a printed value changed
/// since `BOOK/mlsysim.lock`, unless `--update-lock` accepts the change and rewrites the lock.
/// `preset` (`--preset`) wins over the book's `[figures] preset`.
#[allow(clippy::too_many_arguments)]
pub fn run(
    book: &Path,
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
    let Ok(lock) = load_lock(book) else {
        return Ok(exit::code(exit::FAILURE));
    };
    let mut drift: Option<Drift> = None;
    let mut warnings: Vec<Diagnostic> = Vec::new();
    let mut denied_warnings = false;
    let gate = |s: &crate::book::build::Summary| {
        warnings.clone_from(&s.warnings);
        let d = lock.as_ref().map(|l| compare(l, &s.records));
        let refused = match &d {
            Some(d) if !update_lock && !d.changed.is_empty() => {
                Err(Diagnostics(d.diagnostics(book)))
            }
            _ if deny_warnings && !s.warnings.is_empty() => {
                denied_warnings = true;
                Err(Diagnostics(Vec::new()))
            }
            // The lock is written after the output: make sure it can be, before the output is.
            _ if update_lock => Lock::check_writable(book).map_err(|e| Diagnostics(vec![e])),
            _ => Ok(()),
        };
        drift = d;
        refused
    };
    let progress = crate::app::progress::Progress::for_command(format == Format::Json);
    let result = build_gated_with(&reg, &tpl, book, out, Some(&progress), gate);
    progress.finish();
    print_warnings(&warnings);
    match result {
        Ok(s) => {
            let mut lock_json = serde_json::Value::Null;
            let mut lock_line = None;
            if update_lock {
                let written = match Lock::from_records(&s.records).write(book) {
                    Ok(w) => w,
                    Err(e) => {
                        eprintln!("error: {e}");
                        return Ok(exit::code(exit::FAILURE));
                    }
                };
                let d = drift.clone().unwrap_or(Drift {
                    added: s.records.len(),
                    ..Drift::default()
                });
                lock_json = serde_json::json!({ "file": book.join(crate::book::lock::FILE).display().to_string(), "written": written, "changed": d.changed.len(), "added": d.added, "removed": d.removed });
                lock_line = Some(if written && drift.is_none() {
                    format!(
                        "lock: wrote {} (new, {} values)",
                        book.join(crate::book::lock::FILE).display(),
                        s.records.len()
                    )
                } else if written {
                    format!(
                        "lock: wrote {} ({} values; {} changed, {} added, {} removed)",
                        book.join(crate::book::lock::FILE).display(),
                        s.records.len(),
                        d.changed.len(),
                        d.added,
                        d.removed
                    )
                } else {
                    format!(
                        "lock: {} is up to date ({} values)",
                        book.join(crate::book::lock::FILE).display(),
                        s.records.len()
                    )
                });
            } else if let Some(n) = drift.as_ref().and_then(|d| d.note(book)) {
                eprintln!("note: {n}");
            }
            if format == Format::Json {
                out::line(format!(
                    "{}",
                    serde_json::json!({ "status": "ok", "book": book.display().to_string(), "out": out.display().to_string(), "sources": s.sources, "copied": s.copied, "directives": s.directives, "values": s.values, "lock": lock_json })
                ))?;
            } else {
                out::line(format!(
                    "built {} → {}: {} source files ({} other files copied), {} directives, {} values printed, in {}",
                    book.display(),
                    out.display(),
                    s.sources,
                    s.copied,
                    s.directives,
                    s.values,
                    ms(t)
                ))?;
                if let Some(l) = lock_line {
                    out::line(&l)?;
                }
            }
            exit_without_freeing(s, reg)
        }
        Err(d) => {
            match drift {
                Some(dr) if !update_lock && !dr.changed.is_empty() => {
                    print_drift(&d);
                    eprintln!(
                        "error: build failed: {}; nothing was written",
                        changed_message(dr.changed.len(), book)
                    );
                }
                _ if denied_warnings => {
                    eprintln!(
                        "error: build failed: {}; nothing was written",
                        denied(warnings.len())
                    );
                }
                _ => {
                    crate::app::report::diagnostics(&d.0);
                    eprintln!(
                        "error: build failed with {} error(s); nothing was written",
                        d.0.len()
                    );
                }
            }
            Ok(exit::code(exit::FAILURE))
        }
    }
}
