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
    let invalid = |message: String| SolveError::Invalid {
        what: "fleet".into(),
        message: format!("{solver}: {message}"),
    };
    let composed = ["node", "node_count", "fabric"]
        .iter()
        .any(|n| params.contains_key(*n));
    match (r.text("fleet")?, composed) {
        (Some(key), false) => Ok(FleetSpec::Registry(reg.fleet(key)?)),
        (None, true) => Ok(FleetSpec::Composed {
            node: reg.node(r.required_text("node")?)?,
            count: r
                .positive_int("node_count")?
                .ok_or_else(|| invalid("`node_count` is required with `node`".into()))?,
            fabric: reg.fabric(r.required_text("fabric")?)?,
        }),
        (Some(_), true) => Err(invalid(
            "give either `fleet` or `node`, `node_count` and `fabric`, not both".into(),
        )),
        (None, false) => Err(invalid(
            "`fleet` (or `node`, `node_count` and `fabric`) is required".into(),
        )),
    }
}
