//! Layer 1, the base: physical units and dimensions, located diagnostics, the line index, calendar
//! dates and text helpers (thousands grouping, "did you mean"). Depends on nothing of the crate.

pub mod date;
pub mod diag;
pub mod escape;
pub mod lines;
pub mod text;
pub mod units;
