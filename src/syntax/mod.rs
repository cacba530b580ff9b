//! Layer 2, the `<mlsysim …/>` directive language: finding directives in sources ([`scan()`]) and
//! the `value=` expression language ([`expr`]). Syntax only: what a directive means is decided by
//! the book layer, how its number is printed by the presentation layer.

mod code_spans;
pub mod expr;
mod regions;
pub mod scan;
mod tag;

pub use scan::{
    find_unexpanded, scan, Attr, Context, Directive, Escape, ScanError, ScanResult, SourceKind,
};
