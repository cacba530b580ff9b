//! Loading the registry for a command: `--registry DIR`, the book's `registry =`, or the one built
//! into the binary; its problems are printed as located diagnostics.

use crate::registry::Registry;
use std::path::Path;

/// Loads the registry, printing its problems to stderr on failure.
pub fn load_or_report(dir: Option<&Path>) -> Option<Registry> {
    match crate::registry::load::load_or_embedded(dir) {
        Ok(r) => Some(r),
        Err(d) => {
            crate::app::report::diagnostics(&d.0);
            eprintln!("error: the registry has {} problem(s)", d.0.len());
            None
        }
    }
}
