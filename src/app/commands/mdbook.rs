//! `mlsysim-book mdbook`: the mdBook preprocessor's command: reads `[context, book]` on stdin,
//! prints the expanded book on stdout, errors on stderr (which mdBook shows).

use crate::integrate::mdbook::{run, supports, Failure};
use std::path::Path;

/// `mlsysim-book mdbook [supports RENDERER]`: the exit status (0 ok, 1 errors). Errors go to
/// stderr, which mdBook shows; stdout carries only the book JSON.
pub fn run_command(supports_renderer: Option<&str>, registry_flag: Option<&Path>) -> i32 {
    if let Some(r) = supports_renderer {
        return if supports(r) { 0 } else { 1 };
    }
    let mut json = String::new();
    if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut json) {
        eprintln!("error: mlsysim-book mdbook: cannot read stdin: {e}");
        return 1;
    }
    match run(&json, registry_flag) {
        Ok(book) => {
            println!("{book}");
            0
        }
        Err(Failure::Message(m)) => {
            eprintln!("error: mlsysim-book mdbook: {m}");
            1
        }
        Err(Failure::Registry(d)) => {
            eprint!("{d}");
            eprintln!("error: the registry has {} problem(s)", d.0.len());
            1
        }
        Err(Failure::Book(d)) => {
            eprint!("{d}");
            eprintln!(
                "error: mlsysim-book mdbook: {} error(s) in the book's directives",
                d.0.len()
            );
            1
        }
    }
}
