//! The formula library: the canonical equations of ML-systems arithmetic, each an individually
//! callable, unit-typed function. Solvers call these; no equation is written twice.
//!
//! Every formula is also listed in [`catalog`] with its mlsysim name and equation, so it can be
//! called by name (golden tests, `eval formula`) with [`Params`](crate::calc::params::Params).

pub mod architecture;
pub mod args;
pub mod communication;
pub mod economics;
pub mod memory;
pub mod performance;
pub mod queueing;
pub mod reliability;
pub mod scaling;
pub mod throughput;

use crate::calc::params::{Out, ParamReader, SolveError};

/// Evaluates a formula on named parameters.
pub type FormulaFn = fn(&ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError>;

/// A formula callable by name.
pub struct FormulaDef {
    /// Our name (`ring_allreduce_time`).
    pub name: &'static str,
    /// The mlsysim 0.3.0 function (`calc_ring_allreduce_time`).
    pub mlsysim: &'static str,
    /// The equation in plain text.
    pub equation: &'static str,
    /// Parameter names, in mlsysim's order.
    pub params: &'static [&'static str],
    /// Evaluates the formula on named parameters; returns named outputs.
    pub eval: FormulaFn,
}

/// Every formula of the library.
pub fn catalog() -> Vec<&'static FormulaDef> {
    [
        performance::CATALOG,
        memory::CATALOG,
        communication::CATALOG,
        reliability::CATALOG,
        economics::CATALOG,
        queueing::CATALOG,
        scaling::CATALOG,
        throughput::CATALOG,
        architecture::CATALOG,
    ]
    .into_iter()
    .flat_map(|c| c.iter().copied())
    .collect()
}

/// Looks a formula up by our name or its mlsysim name.
pub fn find(name: &str) -> Option<&'static FormulaDef> {
    catalog()
        .into_iter()
        .find(|f| f.name == name || f.mlsysim == name)
}

/// Calls a formula by name with named parameters.
pub fn call(
    name: &str,
    params: &crate::calc::params::Params,
) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let def = find(name).ok_or_else(|| SolveError::Invalid {
        what: "formula".into(),
        message: format!(
            "unknown formula `{name}`; formulas: {}",
            catalog()
                .iter()
                .map(|f| f.name)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })?;
    let reader = ParamReader::new(def.name, params, def.params)?;
    (def.eval)(&reader)
}
