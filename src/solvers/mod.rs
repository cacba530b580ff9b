//! The analytical solvers: pure functions over typed registry entries, matching mlsysim 0.3.0.
//!
//! Each solver has a typed entry point (`roofline::solve`, ...) and a by-name entry point used by
//! directives, `eval` and the golden tests ([`run`]), which takes [`Params`] and returns a
//! [`SolveOutput`]: every output by its mlsysim name, plus the lineage.

pub mod common;
pub mod distributed;
pub mod economics;
pub mod reliability;
pub mod roofline;
pub mod scenario;
pub mod serving;
pub mod sustainability;

pub use common::*;

use crate::registry::Registry;

/// The solver names accepted by [`run`] (`solve=` in directives, `eval <solver>`); the
/// `optimize-*` names are the design-space searches of [`crate::optimize`].
pub const SOLVERS: [&str; 10] = [
    "roofline",
    "serving",
    "distributed",
    "economics",
    "sustainability",
    "reliability",
    "scenario",
    "optimize-parallelism",
    "optimize-placement",
    "optimize-batch",
];

/// Runs a solver by name.
pub fn run(reg: &Registry, solver: &str, params: &Params) -> Result<SolveOutput, SolveError> {
    match solver {
        "roofline" => roofline::run(reg, params),
        "serving" => serving::run(reg, params),
        "distributed" => distributed::run(reg, params),
        "economics" => economics::run(reg, params),
        "sustainability" => sustainability::run(reg, params),
        "reliability" => reliability::run(reg, params),
        "scenario" => scenario::run(reg, params),
        "optimize-parallelism" => crate::optimize::parallelism::run(reg, params),
        "optimize-placement" => crate::optimize::placement::run(reg, params),
        "optimize-batch" => crate::optimize::batch::run(reg, params),
        other => Err(SolveError::UnknownSolver(other.to_string())),
    }
}
