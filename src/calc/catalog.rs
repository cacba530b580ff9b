//! The by-name entry to every calculation: `solve=` in directives, `eval <solver>`, plans and the
//! golden tests run solvers and searches through [`run`], with [`Params`] in and a
//! [`SolveOutput`] out. It sits above both [`solvers`] and
//! [`search`], so neither needs to know the other.

use super::params::{Params, SolveError, SolveOutput};
use super::{search, solvers};
use crate::registry::Registry;

/// The solver names accepted by [`run`]; the `optimize-*` names are the design-space searches.
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

/// Runs a solver or search by name.
pub fn run(reg: &Registry, solver: &str, params: &Params) -> Result<SolveOutput, SolveError> {
    match solver {
        "roofline" => solvers::roofline::run(reg, params),
        "serving" => solvers::serving::run(reg, params),
        "distributed" => solvers::distributed::run(reg, params),
        "economics" => solvers::economics::run(reg, params),
        "sustainability" => solvers::sustainability::run(reg, params),
        "reliability" => solvers::reliability::run(reg, params),
        "scenario" => solvers::scenario::run(reg, params),
        "optimize-parallelism" => search::parallelism::run(reg, params),
        "optimize-placement" => search::placement::run(reg, params),
        "optimize-batch" => search::batch::run(reg, params),
        other => Err(SolveError::UnknownSolver {
            name: other.to_string(),
            valid: SOLVERS.to_vec(),
        }),
    }
}
