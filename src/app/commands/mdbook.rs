//! `mlsysim-book mdbook`: the mdBook preprocessor's command: reads `[context, book]` on stdin,
//! prints the expanded book on stdout, errors on stderr (which mdBook shows).

use crate::app::{exit, out};
use crate::integrate::mdbook::{expand_json, supports, Failure};
use exit::{code, FAILURE, OK};
use std::path::Path;

/// `mlsysim-book mdbook [supports RENDERER]`: the exit status (0 ok, 1 errors). Errors go to
/// stderr, which mdBook shows; stdout carries only the book JSON.
pub fn run(supports_renderer: Option<&str>, registry_flag: Option<&Path>) -> crate::app::Result {
    if let Some(r) = supports_renderer {
        return Ok(code(if supports(r) { OK } else { FAILURE }));
    }
    let mut json = String::new();
    if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut json) {
        eprintln!("error: mlsysim-book mdbook: cannot read stdin: {e}");
        return Ok(exit::code(exit::FAILURE));
    }
    match expand_json(&json, registry_flag) {
        Ok(book) => {
            out::line(&book)?;
            Ok(exit::code(exit::OK))
        }
        Err(Failure::Message(m)) => {
            eprintln!("error: mlsysim-book mdbook: {m}");
            Ok(exit::code(exit::FAILURE))
        }
        Err(Failure::Registry(d)) => {
            crate::app::report::diagnostics(&d.0);
            eprintln!("error: the registry has {} problem(s)", d.0.len());
            Ok(exit::code(exit::FAILURE))
        }
        Err(Failure::Book(d)) => {
            crate::app::report::diagnostics(&d.0);
            eprintln!(
                "error: mlsysim-book mdbook: {} error(s) in the book's directives",
                d.0.len()
            );
            Ok(exit::code(exit::FAILURE))
        }
    }
}
