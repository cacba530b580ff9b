//! mlsysim 0.3.0's analytical models beyond the core six, each a declared solver: a
//! [`SolverDef`](super::decl::SolverDef) with its inputs and outputs, and a function over validated
//! [`Args`](super::decl::Args). Where mlsysim takes a dict of paths, stages or group sizes, the
//! port takes one (sweeps cover the rest); see the README's deviation table.

pub mod batching;
pub mod facility;
pub mod fleet;
pub mod interconnect;
pub mod operations;
pub mod performance;
pub mod reliability;
pub mod serving;
pub mod storage;
pub mod training;

use super::decl::{Args, Ctx, Kind, Outs, SolverDef};
use crate::base::units::Dim;
use crate::calc::params::{Precision, SolveError};
use crate::registry::types::{Fabric, Fleet, Hardware, Model};

// Input kinds and the result type the models share.

/// A model of the registry.
const MODEL: Kind = Kind::Key("models");
/// A device of the registry.
const HW: Kind = Kind::Key("hardware");
/// A size in GB.
const GB: Kind = Kind::Qty(Dim::INFORMATION, "GB");
/// A size in MB.
const MB: Kind = Kind::Qty(Dim::INFORMATION, "MB");
/// A bandwidth in GB/s.
const GBPS: Kind = Kind::Qty(Dim::BANDWIDTH, "GB/s");
/// A time in µs.
const US: Kind = Kind::Qty(Dim::TIME, "us");
/// A time in ms.
const MS: Kind = Kind::Qty(Dim::TIME, "ms");
/// A time in s.
const S: Kind = Kind::Qty(Dim::TIME, "s");
/// A time in h.
const H: Kind = Kind::Qty(Dim::TIME, "h");
/// A power in W.
const W: Kind = Kind::Qty(Dim::POWER, "W");

/// Every declared model, grouped by domain.
pub const GROUPS: &[&[SolverDef]] = &[
    performance::DEFS,
    reliability::DEFS,
    storage::DEFS,
    interconnect::DEFS,
    training::DEFS,
    serving::DEFS,
    batching::DEFS,
    fleet::DEFS,
    facility::DEFS,
    operations::DEFS,
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

fn key<'a>(a: &Args<'a>, name: &str) -> &'a str {
    a.text(name)
        .unwrap_or_else(|| panic!("registry key `{name}` is declared required"))
}

/// The registry model named by input `name`.
pub fn model<'r>(ctx: &Ctx<'r>, a: &Args, name: &str) -> Result<&'r Model, SolveError> {
    Ok(ctx.reg.model(key(a, name))?)
}

/// The registry hardware named by input `name`.
pub fn hardware<'r>(ctx: &Ctx<'r>, a: &Args, name: &str) -> Result<&'r Hardware, SolveError> {
    Ok(ctx.reg.hardware(key(a, name))?)
}

/// The registry fabric named by input `name`.
pub fn fabric<'r>(ctx: &Ctx<'r>, a: &Args, name: &str) -> Result<&'r Fabric, SolveError> {
    Ok(ctx.reg.fabric(key(a, name))?)
}

/// The registry fleet named by input `name`, if given.
pub fn fleet<'r>(ctx: &Ctx<'r>, a: &Args, name: &str) -> Result<Option<&'r Fleet>, SolveError> {
    match a.text(name) {
        Some(k) => Ok(Some(ctx.reg.fleet(k)?)),
        None => Ok(None),
    }
}

/// The precision named by input `name` (mlsysim's `resolve_precision`).
pub fn precision(a: &Args, name: &str) -> Result<Precision, SolveError> {
    Precision::parse(a.text(name).unwrap_or("fp16"))
}

/// A model's parameter count (required).
pub fn parameters(ctx: &mut Ctx, m: &Model) -> Result<f64, SolveError> {
    ctx.lin
        .read_opt(m.parameters)
        .ok_or_else(|| missing_field(m, "parameters"))
}

/// A model field that a model needs but the registry entry lacks.
pub fn missing_field(m: &Model, field: &str) -> SolveError {
    SolveError::Invalid {
        what: "model".into(),
        message: format!("model `{}` has no {field}", m.key),
    }
}

/// mlsysim's `Workload.size_in_bytes(precision)`: the registry `model_size` at FP16/BF16 when
/// present, else parameters × bytes per element, else `model_size`.
pub fn size_in_bytes(ctx: &mut Ctx, m: &Model, p: Precision) -> Result<f64, SolveError> {
    if matches!(p, Precision::Fp16 | Precision::Bf16) {
        if let Some(s) = ctx.lin.read_opt(m.model_size) {
            return Ok(s.value);
        }
    }
    if let Some(n) = ctx.lin.read_opt(m.parameters) {
        ctx.lin.formula("model_memory");
        return Ok(n * p.bytes());
    }
    ctx.lin
        .read_opt(m.model_size)
        .map(|s| s.value)
        .ok_or_else(|| missing_field(m, "parameters or model_size"))
}

/// A device's peak rate at a precision (`precision_flops[key]`, else `peak_flops`), in FLOP/s.
pub fn peak_at(ctx: &mut Ctx, hw: &Hardware, key: &str) -> f64 {
    let s = hw
        .compute
        .precision_flops
        .get(key)
        .copied()
        .unwrap_or(hw.compute.peak_flops);
    ctx.lin.read(s).value
}
