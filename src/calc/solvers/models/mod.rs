//! mlsysim 0.3.0's analytical models beyond the core six, each a declared solver: a
//! [`SolverDef`](super::decl::SolverDef) with its inputs and outputs, and a function over validated
//! [`Args`](super::decl::Args). Where mlsysim takes a dict of paths, stages or group sizes, the
//! port takes one (sweeps cover the rest); see the README's deviation table.

pub mod interconnect;
pub mod performance;
pub mod reliability;
pub mod storage;

use super::decl::{Ctx, SolverDef};
use crate::calc::params::SolveError;

/// Every declared model, grouped by domain.
pub const GROUPS: &[&[SolverDef]] = &[
    performance::DEFS,
    reliability::DEFS,
    storage::DEFS,
    interconnect::DEFS,
];

/// A sourced constant by name (in SI), recorded in the lineage.
pub fn constant(ctx: &mut Ctx, name: &str) -> Result<f64, SolveError> {
    let c = ctx
        .reg
        .constants
        .get(name)
        .copied()
        .ok_or_else(|| SolveError::Invalid {
            what: name.to_string(),
            message: format!("registry constant `{name}` is missing"),
        })?;
    Ok(ctx.lin.read(c).si)
}
