//! The solver catalog: one declaration per solver ([`SolverDef`]: name, mlsysim class, inputs with
//! type, unit, default and range, outputs with unit and meaning, a one-line doc). Dispatch
//! ([`run`]), input validation, the `eval` flags and `eval SOLVER --help`, and the plan schema all
//! read it; the names in [`SOLVERS`] are derived from it. It sits above both
//! [`solvers`] and [`search`], so neither needs to know the other.

use super::params::{Params, SolveError, SolveOutput};
use super::solvers::decl::{run_model, validate, Run, SolverDef};
use super::solvers::models::GROUPS;
use super::{search, solvers};
use crate::registry::Registry;

/// A core solver, scenario or search: declared in full (typed inputs, outputs); the catalog
/// validates the parameters against the declaration, then the solver reads them.
const fn declared(
    name: &'static str,
    class: &'static str,
    doc: &'static str,
    inputs: &'static [solvers::decl::Input],
    outputs: &'static [solvers::decl::Output],
    run: solvers::decl::RunFn,
) -> SolverDef {
    SolverDef {
        name,
        class,
        doc,
        inputs,
        outputs,
        run: Run::Own(run),
    }
}

/// The core solvers, scenario and searches (they read their own parameters once validated).
pub const CORE: &[SolverDef] = &[
    declared(solvers::roofline::SOLVER, "SingleNodeModel", "Roofline latency, throughput and memory of one model on one device.", solvers::roofline::DECL_INPUTS, solvers::roofline::DECL_OUTPUTS, solvers::roofline::run),
    declared(solvers::serving::SOLVER, "ServingModel", "LLM serving: TTFT, ITL, KV cache and memory of one model on one device.", solvers::serving::DECL_INPUTS, solvers::serving::DECL_OUTPUTS, solvers::serving::run),
    declared(solvers::distributed::SOLVER, "DistributedModel", "3D/4D-parallel training step on a fleet: compute, communication, bubble, scaling efficiency.", solvers::distributed::DECL_INPUTS, solvers::distributed::DECL_OUTPUTS, solvers::distributed::run),
    declared(solvers::economics::SOLVER, "EconomicsModel", "Total cost of ownership of a fleet: CapEx, energy and maintenance.", solvers::economics::DECL_INPUTS, solvers::economics::DECL_OUTPUTS, solvers::economics::run),
    declared(solvers::sustainability::SOLVER, "SustainabilityModel", "Energy, carbon and water of a fleet over a duration.", solvers::sustainability::DECL_INPUTS, solvers::sustainability::DECL_OUTPUTS, solvers::sustainability::run),
    declared(solvers::reliability::SOLVER, "ReliabilityModel", "Fleet MTBF, failure probability, Young–Daly interval and goodput of a job.", solvers::reliability::DECL_INPUTS, solvers::reliability::DECL_OUTPUTS, solvers::reliability::run),
    declared(solvers::scenario::SOLVER, "Scenario", "A registry scenario evaluated end to end.", solvers::scenario::DECL_INPUTS, solvers::scenario::DECL_OUTPUTS, solvers::scenario::run),
    declared(search::parallelism::SOLVER, "ParallelismOptimizer", "Search of TP × PP × DP layouts for the best step time or efficiency.", search::parallelism::DECL_INPUTS, search::parallelism::DECL_OUTPUTS, search::parallelism::run),
    declared(search::placement::SOLVER, "PlacementOptimizer", "Cheapest region (cost plus carbon tax) for a fleet or device.", search::placement::DECL_INPUTS, search::placement::DECL_OUTPUTS, search::placement::run),
    declared(search::batch::SOLVER, "BatchingOptimizer", "Largest batch that meets a latency SLA.", search::batch::DECL_INPUTS, search::batch::DECL_OUTPUTS, search::batch::run),
];

const fn count() -> usize {
    let mut n = CORE.len();
    let mut g = 0;
    while g < GROUPS.len() {
        n += GROUPS[g].len();
        g += 1;
    }
    n
}

/// How many solvers there are.
pub const N: usize = count();

const fn all() -> [&'static SolverDef; N] {
    let mut out = [&CORE[0]; N];
    let mut i = 0;
    while i < CORE.len() {
        out[i] = &CORE[i];
        i += 1;
    }
    let mut g = 0;
    while g < GROUPS.len() {
        let mut j = 0;
        while j < GROUPS[g].len() {
            out[i] = &GROUPS[g][j];
            i += 1;
            j += 1;
        }
        g += 1;
    }
    out
}

/// Every solver declaration: the core solvers and searches, then the models.
pub static CATALOG: [&SolverDef; N] = all();

const fn names() -> [&'static str; N] {
    let defs = all();
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = defs[i].name;
        i += 1;
    }
    out
}

/// The solver names accepted by [`run`] (derived from the declarations); the `optimize-*` names
/// are the design-space searches.
pub const SOLVERS: [&str; N] = names();

/// The declaration of a solver by our name.
pub fn find(name: &str) -> Option<&'static SolverDef> {
    CATALOG.iter().copied().find(|d| d.name == name)
}

/// The declaration of a solver by its mlsysim class (`IronLawModel`).
pub fn by_class(class: &str) -> Option<&'static SolverDef> {
    CATALOG.iter().copied().find(|d| d.class == class)
}

/// Every problem of a solver's inputs that its declaration can tell before running it, all at
/// once: inputs it does not take, declared required inputs that are missing, registry keys that do
/// not exist. Empty when the solver is unknown (that is [`run`]'s error) or nothing is wrong.
pub fn problems(reg: &Registry, solver: &str, params: &Params) -> Vec<SolveError> {
    use super::params::Param;
    use super::solvers::decl::{Default, Kind};
    let Some(def) = find(solver) else {
        return Vec::new();
    };
    let valid: Vec<&str> = def.inputs.iter().map(|i| i.name).collect();
    let mut out = Vec::new();
    for name in params.keys() {
        if !valid.contains(&name.as_str()) {
            out.push(SolveError::UnknownParam {
                solver: def.name.to_string(),
                name: name.clone(),
                valid: valid.iter().map(|v| v.to_string()).collect(),
            });
        }
    }
    for i in def.inputs {
        match (params.get(i.name), i.default, i.kind) {
            (None, Default::Required, _) => out.push(SolveError::Invalid {
                what: i.name.to_string(),
                message: format!("{}: `{}` is required", def.name, i.name),
            }),
            (Some(Param::Text(key)), _, Kind::Key(ns)) => {
                if let Err(e) = reg.lookup(ns, key) {
                    out.push(e.into());
                }
            }
            _ => {}
        }
    }
    out
}

/// Runs a solver or search by name: checks the inputs against the declaration, then dispatches.
pub fn run(reg: &Registry, solver: &str, params: &Params) -> Result<SolveOutput, SolveError> {
    let def = find(solver).ok_or_else(|| SolveError::UnknownSolver {
        name: solver.to_string(),
        valid: SOLVERS.to_vec(),
    })?;
    match def.run {
        Run::Own(f) => {
            validate(def, params)?;
            f(reg, params)
        }
        Run::Model(f) => run_model(def, f, reg, params),
    }
}
