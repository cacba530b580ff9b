//! The `build` and `check` commands: settings, registry and templates, then the build, then one
//! summary line (or every error and a count). Both compare the printed values with the book's drift
//! lock (`mlsysim.lock`) when it has one, and print solver warnings (`file:line:column: warning:
//! ...`), which fail them with `--deny-warnings`.

use crate::app::cli::{registry_or_report, Format};
use crate::base::diag::{Diagnostic, Diagnostics};
use crate::book::build::{build_gated_with, evaluate_book};
use crate::book::config::BookConfig;
use crate::book::lock::{changed_message, compare, Drift, Lock};
use crate::book::templates::Templates;
use std::path::Path;
use std::time::Instant;

/// Book settings, registry and templates for `book`; problems are printed to stderr.
pub(crate) fn setup(
    book: &Path,
    templates: Option<&Path>,
    registry: Option<&Path>,
) -> Option<(crate::registry::Registry, Templates)> {
    let config = match BookConfig::load(book) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return None;
        }
    };
    let reg = registry_or_report(registry.or(config.registry.as_deref()))?;
    match Templates::load(templates.or(config.templates.as_deref())) {
        Ok(t) => Some((reg, t)),
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}

fn ms(t: Instant) -> String {
    format!("{:.0} ms", t.elapsed().as_secs_f64() * 1e3)
}

/// Ends a command that succeeded (exit code 0) without freeing its summary and registry one
/// allocation at a time: the process exits right after, and freeing the records of a large book
/// costs several milliseconds on the main thread.
fn exit_without_freeing(s: crate::book::build::Summary, reg: crate::registry::Registry) -> i32 {
    std::mem::forget(s);
    std::mem::forget(reg);
    0
}

/// Drift diagnostics, one line each (they have no excerpt).
fn print_drift(d: &Diagnostics) {
    for x in &d.0 {
        eprintln!("{x}");
    }
}

/// Solver warnings, to stderr (each with its excerpt, like errors).
pub(crate) fn print_warnings(warnings: &[Diagnostic]) {
    for (i, w) in warnings.iter().enumerate() {
        if i > 0 {
            eprintln!();
        }
        eprintln!("{w}");
    }
}

/// Why a run with `--deny-warnings` failed.
pub(crate) fn denied(n: usize) -> String {
    format!("{n} warning(s) denied by --deny-warnings")
}

/// Reads the book's drift lock (None without one); prints the problem when it cannot be read.
pub(crate) fn load_lock(book: &Path) -> Result<Option<Lock>, ()> {
    Lock::load(book).map_err(|d| eprintln!("{d}"))
}

/// `build BOOK --out DIR [--update-lock] [--deny-warnings]`: fails, writing nothing, when a
/// printed value changed since `BOOK/mlsysim.lock`, unless `--update-lock` accepts the change and
/// rewrites the lock; with `--deny-warnings`, also when a solver warned.
pub fn build(
    book: &Path,
    out: &Path,
    templates: Option<&Path>,
    registry: Option<&Path>,
    format: Format,
    update_lock: bool,
    deny_warnings: bool,
) -> i32 {
    let t = Instant::now();
    let Some((reg, tpl)) = setup(book, templates, registry) else {
        return 1;
    };
    let Ok(lock) = load_lock(book) else {
        return 1;
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
                        return 1;
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
            } else if let Some(n) = drift.as_ref().and_then(Drift::note) {
                eprintln!("note: {n}");
            }
            if format == Format::Json {
                println!(
                    "{}",
                    serde_json::json!({ "status": "ok", "book": book.display().to_string(), "out": out.display().to_string(), "sources": s.sources, "copied": s.copied, "directives": s.directives, "values": s.values, "lock": lock_json })
                );
            } else {
                println!(
                    "built {} → {}: {} source files ({} other files copied), {} directives, {} values printed, in {}",
                    book.display(),
                    out.display(),
                    s.sources,
                    s.copied,
                    s.directives,
                    s.values,
                    ms(t)
                );
                if let Some(l) = lock_line {
                    println!("{l}");
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
                    eprint!("{d}");
                    eprintln!(
                        "error: build failed with {} error(s); nothing was written",
                        d.0.len()
                    );
                }
            }
            1
        }
    }
}

/// `check BOOK [--deny-warnings]`.
pub fn check(
    book: &Path,
    templates: Option<&Path>,
    registry: Option<&Path>,
    format: Format,
    deny_warnings: bool,
) -> i32 {
    let t = Instant::now();
    let Some((reg, tpl)) = setup(book, templates, registry) else {
        return 1;
    };
    let Ok(lock) = load_lock(book) else {
        return 1;
    };
    match evaluate_book(&reg, &tpl, book, Path::new("_build")) {
        Ok((s, _)) => {
            print_warnings(&s.warnings);
            if let Some(d) = lock.map(|l| compare(&l, &s.records)) {
                if !d.changed.is_empty() {
                    print_drift(&Diagnostics(d.diagnostics(book)));
                    eprintln!(
                        "error: check failed: {}",
                        changed_message(d.changed.len(), book)
                    );
                    return 1;
                }
                if let Some(n) = d.note() {
                    eprintln!("note: {n}");
                }
            }
            if deny_warnings && !s.warnings.is_empty() {
                eprintln!("error: check failed: {}", denied(s.warnings.len()));
                return 1;
            }
            if format == Format::Json {
                println!(
                    "{}",
                    serde_json::json!({ "status": "ok", "sources": s.sources, "directives": s.directives, "values": s.values })
                );
            } else {
                println!(
                    "check passed: {} source files, {} directives, {} values, in {}",
                    s.sources,
                    s.directives,
                    s.values,
                    ms(t)
                );
            }
            exit_without_freeing(s, reg)
        }
        Err(d) => {
            eprint!("{d}");
            eprintln!("error: check failed with {} error(s)", d.0.len());
            1
        }
    }
}
