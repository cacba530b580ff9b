//! Design-space search over the analytical solvers: parallelism (TP/PP/DP/EP and micro-batches),
//! placement (regions by total cost with a carbon price) and batch size (largest under a latency
//! SLA). Each search is a typed function, a by-name solver for directives
//! (`solve="optimize-placement"`) and an `optimize` subcommand.

pub mod batch;
pub mod parallelism;
pub mod placement;

use crate::calc::params::{ParamReader, Params, SolveError};
use crate::calc::solvers::distributed::FleetSpec;
use crate::registry::Registry;

/// Reads `fleet`, or `node` + `node_count` + `fabric`, as the distributed solver does.
pub(crate) fn read_fleet<'a>(
    reg: &'a Registry,
    params: &Params,
    r: &ParamReader,
    solver: &str,
) -> Result<FleetSpec<'a>, SolveError> {
    crate::calc::solvers::distributed::read_fleet_spec(reg, params, r, solver)
}
