//! The `<mlsysim …/>` directive language: finding directives in sources ([`scan()`]) and the
//! `value=` expression language ([`expr`]).

pub mod expr;
pub mod lines;
mod regions;
pub mod scan;
mod tag;

pub use lines::{line_col, LineIndex};
pub use scan::{
    find_unexpanded, scan, Attr, Context, Directive, Escape, ScanError, ScanResult, SourceKind,
};
