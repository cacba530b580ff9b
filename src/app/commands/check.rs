//! `check BOOK`: evaluates everything and writes nothing: the CI gate. Fails on any directive
//! error, any directive left unexpanded, and any printed value that changed since the lock.

use crate::app::book::{
    denied, exit_without_freeing, load_lock, ms, print_drift, print_warnings, setup,
};
use crate::app::format::Format;
use crate::app::{exit, out};
use crate::base::diag::Diagnostics;
use crate::book::build::{evaluate_read_book, read_book};
use crate::book::lock::{changed_message, compare};
use crate::book::model::Records;
use std::path::Path;
use std::time::Instant;

/// `check BOOK`.
pub fn run(
    book: &Path,
    templates: Option<&Path>,
    registry: Option<&Path>,
    format: Format,
    deny_warnings: bool,
) -> crate::app::Result {
    let t = Instant::now();
    // The sources are read and scanned while the registry and templates load (scanning needs
    // neither).
    let (ready, read) = rayon::join(
        || {
            let (reg, tpl) = setup(book, templates, registry, None)?;
            let lock = load_lock(book).ok()?;
            Some((reg, tpl, lock))
        },
        || read_book(book, Path::new("_build")),
    );
    let Some((reg, tpl, lock)) = ready else {
        return Ok(exit::code(exit::FAILURE));
    };
    // Without a lock, no printed value is compared: they are only counted.
    let keep = if lock.is_some() {
        Records::Keep
    } else {
        Records::Count
    };
    match read.and_then(|read| evaluate_read_book(&reg, &tpl, read, None, keep)) {
        Ok((s, _)) => {
            print_warnings(&s.warnings);
            if let Some(d) = lock.map(|l| compare(&l, &s.records)) {
                if !d.changed.is_empty() {
                    print_drift(&Diagnostics(d.diagnostics(book)));
                    eprintln!(
                        "error: check failed: {}",
                        changed_message(d.changed.len(), book)
                    );
                    return Ok(exit::code(exit::FAILURE));
                }
                if let Some(n) = d.note(book) {
                    eprintln!("note: {n}");
                }
            }
            if deny_warnings && !s.warnings.is_empty() {
                eprintln!("error: check failed: {}", denied(s.warnings.len()));
                return Ok(exit::code(exit::FAILURE));
            }
            if format == Format::Json {
                out::line(format!(
                    "{}",
                    serde_json::json!({ "status": "ok", "sources": s.sources, "directives": s.directives, "values": s.values })
                ))?;
            } else {
                out::line(format!(
                    "check passed: {} source files, {} directives, {} values, in {}",
                    s.sources,
                    s.directives,
                    s.values,
                    ms(t)
                ))?;
            }
            exit_without_freeing(s, reg)
        }
        Err(d) => {
            crate::app::report::diagnostics(&d.0);
            eprintln!("error: check failed with {} error(s)", d.0.len());
            Ok(exit::code(exit::FAILURE))
        }
    }
}
