//! Solver: economics.

use super::{Params, SolveError, SolveOutput};
use crate::registry::Registry;

/// Runs the solver on named parameters.
pub fn run(_reg: &Registry, _params: &Params) -> Result<SolveOutput, SolveError> {
    Err(SolveError::UnknownSolver(
        "economics (not yet implemented)".into(),
    ))
}
