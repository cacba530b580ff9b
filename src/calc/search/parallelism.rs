//! Parallelism search: every TP × PP × EP × DP decomposition of a fleet, every micro-batch count and
//! (unless fixed) activation recomputation on and off, solved with the distributed solver; the
//! configurations that fit in accelerator memory are ranked by the objective (step time by
//! default), the others are listed with the reason and never ranked.
//!
//! The space: TP divides the accelerators per node and the attention heads (tensor parallelism
//! stays inside a node); PP divides the rest and is at most the number of layers (one stage per
//! layer at most; non-transformers run PP = 1); EP, for mixture-of-experts models, divides the rest
//! and the number of experts; DP is what remains and must divide the global batch (each replica
//! gets an equal share of at least one sample). Micro-batch counts are the divisors of the local
//! batch when PP > 1 (one otherwise).
//!
//! mlsysim's `ParallelismOptimizer` ranks by scaling efficiency × η with recomputation always on
//! and reports TP8 PP16 DP128 for Llama-3 405B on 16K H100 (fact sheet §7.2 row 15); here the
//! objective is chosen (`step_time`, `scaling_efficiency`, `mfu`) and recomputation is searched.

use crate::calc::params::{Lineage, Out, ParamReader, Params, SolveError, SolveOutput};
use crate::calc::solvers::decl::{self, Default as D, Kind, Range};
use crate::calc::solvers::distributed::{self, DistributedOptions, FleetSpec};
use crate::calc::solvers::inputs;
use crate::registry::{Calibration, Hardware, Model, ModelType, Registry};

/// Solver name for directives.
pub const SOLVER: &str = "optimize-parallelism";

/// What ranks the feasible configurations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Objective {
    /// Shortest training step (highest throughput at the fixed global batch).
    StepTime,
    /// Highest scaling efficiency (replica time / step time).
    ScalingEfficiency,
    /// Highest fleet MFU (node MFU × scaling efficiency).
    Mfu,
}

impl Objective {
    /// All objectives.
    pub const ALL: [Objective; 3] = [
        Objective::StepTime,
        Objective::ScalingEfficiency,
        Objective::Mfu,
    ];

    /// The name (`step_time`).
    pub fn key(self) -> &'static str {
        match self {
            Objective::StepTime => "step_time",
            Objective::ScalingEfficiency => "scaling_efficiency",
            Objective::Mfu => "mfu",
        }
    }

    /// Parses a name (`-` and `_` are interchangeable).
    pub fn parse(s: &str) -> Result<Objective, SolveError> {
        let s = s.replace('-', "_");
        Objective::ALL
            .into_iter()
            .find(|o| o.key() == s)
            .ok_or_else(|| SolveError::Invalid {
                what: "objective".into(),
                message: format!(
                    "{SOLVER}: unknown objective `{s}`; objectives: step_time, scaling_efficiency, mfu"
                ),
            })
    }
}

/// One configuration of the search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Tensor-parallel degree.
    pub tp: u64,
    /// Pipeline stages.
    pub pp: u64,
    /// Expert-parallel degree.
    pub ep: u64,
    /// Data-parallel replicas.
    pub dp: u64,
    /// Micro-batches per step.
    pub microbatch_count: u64,
    /// Activation recomputation.
    pub recompute: bool,
}

/// A feasible configuration and its step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// The configuration.
    pub config: Config,
    /// Step time, s.
    pub step_latency: f64,
    /// Replica time / step time.
    pub scaling_efficiency: f64,
    /// Fleet MFU.
    pub mfu: f64,
    /// MFU of one replica.
    pub node_mfu: f64,
    /// Pipeline bubble fraction.
    pub bubble_fraction: f64,
    /// Communication per step, s.
    pub communication: f64,
    /// Samples per second.
    pub throughput: f64,
    /// Memory per accelerator, bytes.
    pub memory: f64,
}

/// Why a configuration is not ranked.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// DP exceeds the global batch (replicas without a sample).
    DpExceedsBatch,
    /// The global batch does not split evenly over DP.
    BatchNotDivisible,
    /// Memory per accelerator exceeds capacity (bytes needed).
    OutOfMemory(f64),
    /// The solver rejected it.
    Solver(String),
}

impl Reason {
    /// A short label (`out of memory`).
    pub fn label(&self) -> &'static str {
        match self {
            Reason::DpExceedsBatch => "DP > batch",
            Reason::BatchNotDivisible => "batch % DP ≠ 0",
            Reason::OutOfMemory(_) => "out of memory",
            Reason::Solver(_) => "solver error",
        }
    }
}

/// A configuration that is not ranked, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejected {
    /// The configuration (micro-batches 1 and no recomputation when rejected before solving).
    pub config: Config,
    /// Why.
    pub reason: Reason,
}

/// The search result.
#[derive(Clone, Debug, PartialEq)]
pub struct Search {
    /// Accelerators in the fleet.
    pub accelerators: u64,
    /// Memory capacity per accelerator, bytes.
    pub capacity: f64,
    /// The objective.
    pub objective: Objective,
    /// Feasible configurations, best first.
    pub ranked: Vec<Candidate>,
    /// Everything else.
    pub rejected: Vec<Rejected>,
}

impl Search {
    /// Configurations considered.
    pub fn searched(&self) -> usize {
        self.ranked.len() + self.rejected.len()
    }

    /// The best configuration.
    pub fn best(&self) -> Option<&Candidate> {
        self.ranked.first()
    }
}

fn divisors(n: u64) -> Vec<u64> {
    let mut small = Vec::new();
    let mut large = Vec::new();
    let mut d = 1;
    while d * d <= n {
        if n % d == 0 {
            small.push(d);
            if d * d != n {
                large.push(n / d);
            }
        }
        d += 1;
    }
    small.extend(large.into_iter().rev());
    small
}

/// Whether `model` is a mixture of experts with a known expert count.
fn experts(model: &Model) -> Option<u64> {
    (model.model_type == ModelType::SparseTransformer)
        .then(|| model.experts.map(|e| e.v as u64))
        .flatten()
        .filter(|e| *e > 1)
}

/// Searches the decompositions of `fleet` for `model`. `base` gives everything but TP, PP, EP,
/// micro-batches and (when `recompute` is `None`) activation recomputation.
pub fn search(
    model: &Model,
    fleet: FleetSpec,
    accelerator: &Hardware,
    cal: &Calibration,
    base: &DistributedOptions,
    recompute: Option<bool>,
    objective: Objective,
) -> Result<Search, SolveError> {
    let per_node = fleet.node().accelerators_per_node.v;
    let nodes = match fleet {
        FleetSpec::Registry(f) => f.count.v,
        FleetSpec::Composed { count, .. } => count as f64,
    };
    let total = per_node * nodes;
    if !(total >= 1.0 && total.fract() == 0.0 && per_node.fract() == 0.0) {
        return Err(SolveError::Invalid {
            what: "fleet".into(),
            message: format!(
                "{SOLVER}: the fleet must have a whole number of accelerators, got {total}"
            ),
        });
    }
    let n = total as u64;
    let per_node = per_node as u64;
    let transformer = crate::calc::solvers::roofline::is_transformer(model);
    let heads = model.heads.map(|h| h.v as u64).filter(|h| *h >= 1);
    let layers = if transformer {
        model.layers.map_or(1, |l| l.v.max(1.0) as u64)
    } else {
        1
    };
    let tps: Vec<u64> = divisors(per_node)
        .into_iter()
        .filter(|t| n % t == 0 && heads.is_none_or(|h| !transformer || h % t == 0))
        .collect();
    let recomputes: Vec<bool> = match recompute {
        Some(r) => vec![r],
        None => vec![false, true],
    };
    // Options that no decomposition can fix (efficiency, ZeRO stage, ...) are errors, not rejections.
    distributed::solve(
        model,
        fleet,
        accelerator,
        cal,
        &DistributedOptions {
            tp_size: 1,
            pp_size: 1,
            ep_size: 1,
            microbatch_count: 1,
            ..*base
        },
    )?;
    let b = base.batch_size;
    let mut ranked = Vec::new();
    let mut rejected = Vec::new();
    for &tp in &tps {
        for pp in divisors(n / tp).into_iter().filter(|p| *p <= layers) {
            let eps = match experts(model) {
                Some(e) => divisors(n / (tp * pp))
                    .into_iter()
                    .filter(|x| e % x == 0)
                    .collect(),
                None => vec![1],
            };
            for ep in eps {
                let dp = n / (tp * pp * ep);
                let plain = Config {
                    tp,
                    pp,
                    ep,
                    dp,
                    microbatch_count: 1,
                    recompute: false,
                };
                if dp > b {
                    rejected.push(Rejected {
                        config: plain,
                        reason: Reason::DpExceedsBatch,
                    });
                    continue;
                }
                if b % dp != 0 {
                    rejected.push(Rejected {
                        config: plain,
                        reason: Reason::BatchNotDivisible,
                    });
                    continue;
                }
                let micro = if pp > 1 { divisors(b / dp) } else { vec![1] };
                for &m in &micro {
                    for &rc in &recomputes {
                        let config = Config {
                            microbatch_count: m,
                            recompute: rc,
                            ..plain
                        };
                        let o = DistributedOptions {
                            tp_size: tp,
                            pp_size: pp,
                            ep_size: ep,
                            microbatch_count: m,
                            activation_recomputation: rc,
                            ..*base
                        };
                        match distributed::solve(model, fleet, accelerator, cal, &o) {
                            Ok(res) if res.node.feasible => ranked.push(Candidate {
                                config,
                                step_latency: res.step_latency_total.value,
                                scaling_efficiency: res.scaling_efficiency,
                                mfu: res.node.mfu * res.scaling_efficiency,
                                node_mfu: res.node.mfu,
                                bubble_fraction: res.bubble_fraction,
                                communication: res.communication_latency.value,
                                throughput: res.effective_throughput.value,
                                memory: res.node.memory_footprint.value,
                            }),
                            Ok(res) => rejected.push(Rejected {
                                config,
                                reason: Reason::OutOfMemory(res.node.memory_footprint.value),
                            }),
                            Err(e) => rejected.push(Rejected {
                                config,
                                reason: Reason::Solver(e.to_string()),
                            }),
                        }
                    }
                }
            }
        }
    }
    ranked.sort_by(|a, b| {
        let primary = match objective {
            Objective::StepTime => a.step_latency.total_cmp(&b.step_latency),
            Objective::ScalingEfficiency => b.scaling_efficiency.total_cmp(&a.scaling_efficiency),
            Objective::Mfu => b.mfu.total_cmp(&a.mfu),
        };
        let key = |c: &Candidate| {
            let k = c.config;
            (
                k.tp * k.pp * k.ep,
                k.tp,
                k.pp,
                k.ep,
                k.microbatch_count,
                k.recompute,
            )
        };
        primary
            .then(a.step_latency.total_cmp(&b.step_latency))
            .then(b.scaling_efficiency.total_cmp(&a.scaling_efficiency))
            .then(key(a).cmp(&key(b)))
    });
    Ok(Search {
        accelerators: n,
        capacity: accelerator.capacity().v.value,
        objective,
        ranked,
        rejected,
    })
}

/// The declared inputs: the distributed solver's system and workload inputs plus `objective`.
pub const DECL_INPUTS: &[decl::Input] = &[
    distributed::DECL_INPUTS[0],
    distributed::DECL_INPUTS[1],
    distributed::DECL_INPUTS[2],
    distributed::DECL_INPUTS[3],
    distributed::DECL_INPUTS[4],
    distributed::DECL_INPUTS[5],
    distributed::DECL_INPUTS[6],
    distributed::DECL_INPUTS[7],
    distributed::DECL_INPUTS[8],
    decl::input(
        "v_stages",
        Kind::Int,
        D::Num(1.0),
        Range::AT_LEAST_1,
        "virtual (interleaved) stages per device",
    ),
    decl::input(
        "zero_stage",
        Kind::Int,
        D::Num(0.0),
        Range::new(0.0, false, 3.0, false),
        "ZeRO stage 0–3",
    ),
    inputs::OVERLAP_COMM,
    decl::input(
        "activation_recomputation",
        Kind::Bool,
        D::Absent,
        Range::ANY,
        "fix recomputation on or off (default: searched)",
    ),
    decl::input(
        "objective",
        Kind::Text,
        D::Text("step_time"),
        Range::ANY,
        "step_time, scaling_efficiency or mfu",
    ),
];

/// The declared outputs: the best configuration and the size of the search.
pub const DECL_OUTPUTS: &[decl::Output] = &[
    decl::output("best_tp", "1", "tensor-parallel degree"),
    decl::output("best_pp", "1", "pipeline stages"),
    decl::output("best_ep", "1", "expert-parallel degree"),
    decl::output("best_dp", "1", "data-parallel replicas"),
    decl::output("best_microbatch_count", "1", "micro-batches per step"),
    decl::output("best_activation_recomputation", "bool", "recomputation on"),
    decl::output(
        "best_step_latency",
        "ms",
        "step time of the best configuration",
    ),
    decl::output("best_scaling_efficiency", "1", "its scaling efficiency"),
    decl::output("best_mfu", "1", "its model FLOP utilization"),
    decl::output("best_memory_footprint", "GB", "its memory per accelerator"),
    decl::output("feasible_count", "1", "configurations that fit in memory"),
    decl::output("searched_count", "1", "configurations tried"),
];

/// Runs the search on named parameters (a directive): outputs the best configuration.
pub fn run(reg: &Registry, params: &Params) -> Result<SolveOutput, SolveError> {
    let r = ParamReader::declared(SOLVER, params);
    let objective = r
        .text("objective")?
        .map(Objective::parse)
        .transpose()?
        .unwrap_or(Objective::StepTime);
    let recompute = r.bool("activation_recomputation")?;
    let model = reg.model(r.required_text("model")?)?;
    let fleet = super::read_fleet(reg, params, &r, SOLVER)?;
    let acc = reg.hardware(&fleet.node().accelerator)?;
    let base = DistributedOptions {
        batch_size: r.positive_int("batch_size")?.unwrap_or(1),
        seq_len: r.positive_int("seq_len")?,
        precision: crate::calc::solvers::roofline::read_precision(&r)?,
        efficiency: r.number("efficiency")?,
        v_stages: r.positive_int("v_stages")?.unwrap_or(1),
        zero_stage: r
            .nonneg_int("zero_stage")?
            .map_or(0, |z| z.min(u64::from(u32::MAX)) as u32),
        overlap_comm: r.bool("overlap_comm")?.unwrap_or(false),
        ..DistributedOptions::default()
    };
    let s = search(
        model,
        fleet,
        acc,
        &reg.calibration,
        &base,
        recompute,
        objective,
    )?;
    let best = s.best().ok_or_else(|| SolveError::Invalid {
        what: "model".into(),
        message: format!(
            "{SOLVER}: none of the {} configurations of {} on {} accelerators fits in memory",
            s.searched(),
            model.key,
            s.accelerators
        ),
    })?;
    let k = best.config;
    let mut lin = Lineage::new(SOLVER);
    let o = DistributedOptions {
        tp_size: k.tp,
        pp_size: k.pp,
        ep_size: k.ep,
        microbatch_count: k.microbatch_count,
        activation_recomputation: k.recompute,
        ..base
    };
    let res = distributed::solve(model, fleet, acc, &reg.calibration, &o)?;
    lin.absorb(&res.lineage);
    lin.input("objective", objective.key());
    lin.input("searched", s.searched());
    let count = |x: u64| Out::number(x as f64);
    let secs = |x: f64| Out::qty(x, crate::base::units::Dim::TIME);
    Ok(SolveOutput {
        outputs: vec![
            ("best_tp", count(k.tp)),
            ("best_pp", count(k.pp)),
            ("best_ep", count(k.ep)),
            ("best_dp", count(k.dp)),
            ("best_microbatch_count", count(k.microbatch_count)),
            ("best_activation_recomputation", Out::Bool(k.recompute)),
            ("best_step_latency", secs(best.step_latency)),
            (
                "best_scaling_efficiency",
                Out::number(best.scaling_efficiency),
            ),
            ("best_mfu", Out::number(best.mfu)),
            (
                "best_memory_footprint",
                Out::qty(best.memory, crate::base::units::Dim::INFORMATION),
            ),
            ("feasible_count", count(s.ranked.len() as u64)),
            ("searched_count", count(s.searched() as u64)),
        ],
        lineage: lin,
        warnings: vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisors_in_order() {
        assert_eq!(divisors(12), vec![1, 2, 3, 4, 6, 12]);
        assert_eq!(divisors(16), vec![1, 2, 4, 8, 16]);
        assert_eq!(divisors(1), vec![1]);
    }

    #[test]
    fn never_ranks_an_infeasible_configuration() {
        let reg = crate::registry::load::embedded().unwrap();
        let model = reg.model("Llama3_70B").unwrap();
        let fleet = reg.fleet("Lab_64_H100").unwrap();
        let acc = reg.hardware("H100").unwrap();
        let base = DistributedOptions {
            batch_size: 256,
            ..DistributedOptions::default()
        };
        let s = search(
            model,
            FleetSpec::Registry(fleet),
            acc,
            &reg.calibration,
            &base,
            None,
            Objective::StepTime,
        )
        .unwrap();
        assert!(!s.ranked.is_empty());
        assert!(s
            .rejected
            .iter()
            .any(|r| matches!(r.reason, Reason::OutOfMemory(_))));
        for c in &s.ranked {
            assert!(c.memory <= s.capacity);
            let k = c.config;
            assert_eq!(k.tp * k.pp * k.ep * k.dp, 64);
        }
        for w in s.ranked.windows(2) {
            assert!(w[0].step_latency <= w[1].step_latency);
        }
    }
}

#[cfg(test)]
mod frontier {
    use super::*;
    use crate::calc::params::Precision;

    /// The full 405B / 16,384-GPU space: 154 configurations searched, TP8 PP16 DP128 with 16
    /// microbatches picked. Its speed is measured by `cargo bench` (benches/speed.rs), never here.
    #[test]
    fn frontier_space_search_picks_tp8_pp16_dp128() {
        let reg = crate::registry::load::embedded().unwrap();
        let fleet = reg.fleet("Meta_Llama3_16K_H100").unwrap();
        let base = DistributedOptions {
            batch_size: 2048,
            seq_len: Some(8192),
            precision: Precision::Bf16,
            efficiency: Some(0.42),
            overlap_comm: true,
            ..DistributedOptions::default()
        };
        let s = search(
            reg.model("Llama3_405B").unwrap(),
            FleetSpec::Registry(fleet),
            reg.hardware("H100").unwrap(),
            &reg.calibration,
            &base,
            None,
            Objective::StepTime,
        )
        .unwrap();
        assert_eq!(s.searched(), 154);
        let b = s.best().unwrap().config;
        assert_eq!((b.tp, b.pp, b.dp, b.microbatch_count), (8, 16, 128, 16));
    }
}
