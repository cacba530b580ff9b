//! The `<mlsysim …/>` directive language: finding directives in sources ([`scan()`]) and the
//! `value=` expression language ([`expr`]).

pub mod expr;
mod regions;
pub mod scan;
mod tag;

pub use scan::{
    find_unexpanded, scan, Attr, Context, Directive, Escape, ScanError, ScanResult, SourceKind,
};
