//! Solver: distributed — mlsysim's `DistributedModel`: a training step of one model on a fleet,
//! decomposed into data (DP), tensor (TP), pipeline (PP) and expert (EP) parallelism.
//!
//! One replica of TP·PP·EP accelerators runs a roofline step (the transformer path, with the
//! per-accelerator memory of [`training_memory`]); DP, TP and EP communication, the pipeline bubble,
//! overlap, congestion and stragglers are added on top. A non-transformer workload on a single
//! accelerator per replica is profiled by the roofline solver (`Engine.solve`) instead.

use super::roofline::{self, RooflineOptions};
use crate::base::units::*;
use crate::calc::formulas::communication as comm;
use crate::calc::formulas::memory as mem;
use crate::calc::formulas::performance::{self as perf, Bottleneck};
use crate::calc::params::{Lineage, Out, ParamReader, Params, Precision, SolveError, SolveOutput};
use crate::calc::solvers::decl::{self, Default as D, Kind, Range};
use crate::calc::solvers::inputs;
use crate::registry::types::{Fabric, Fleet, Hardware, Model, Node};
use crate::registry::{Calibration, Registry};

/// Solver name.
pub const SOLVER: &str = "distributed";

/// The declared inputs: mlsysim's `DistributedModel.solve` keywords, plus `node`, `node_count` and
/// `fabric` to compose a fleet instead of naming one (mlsysim's `Fleet(node, count, fabric)`).
pub const DECL_INPUTS: &[decl::Input] = &[
    inputs::MODEL,
    inputs::FLEET[0],
    inputs::FLEET[1],
    inputs::FLEET[2],
    inputs::FLEET[3],
    decl::input(
        "batch_size",
        Kind::Int,
        D::Num(1.0),
        Range::AT_LEAST_1,
        "global batch size B",
    ),
    decl::input(
        "seq_len",
        Kind::Int,
        D::Absent,
        Range::AT_LEAST_1,
        "sequence length (default constants.default_seq_len)",
    ),
    inputs::PRECISION,
    decl::input(
        "efficiency",
        Kind::Number,
        D::Absent,
        Range::new(roofline::MIN_EFFICIENCY, false, 1.0, false),
        "compute efficiency η (default constants.default_efficiency)",
    ),
    decl::input(
        "tp_size",
        Kind::Int,
        D::Num(1.0),
        Range::AT_LEAST_1,
        "tensor-parallel degree",
    ),
    decl::input(
        "pp_size",
        Kind::Int,
        D::Num(1.0),
        Range::AT_LEAST_1,
        "pipeline stages P",
    ),
    decl::input(
        "ep_size",
        Kind::Int,
        D::Num(1.0),
        Range::AT_LEAST_1,
        "expert-parallel degree",
    ),
    decl::input(
        "v_stages",
        Kind::Int,
        D::Num(1.0),
        Range::AT_LEAST_1,
        "virtual (interleaved) stages per device V",
    ),
    decl::input(
        "microbatch_count",
        Kind::Int,
        D::Num(1.0),
        Range::AT_LEAST_1,
        "micro-batches per step M",
    ),
    decl::input(
        "zero_stage",
        Kind::Int,
        D::Num(0.0),
        Range::new(0.0, false, 3.0, false),
        "ZeRO stage 0–3",
    ),
    inputs::IS_LORA,
    inputs::ACTIVATION_RECOMPUTATION,
    inputs::OVERLAP_COMM,
    decl::input(
        "overlap_efficiency",
        Kind::Number,
        D::Absent,
        Range::FRACTION,
        "share of DP communication hidden when overlapping (default constants.overlap_efficiency)",
    ),
    decl::input(
        "congestion_factor",
        Kind::Number,
        D::Num(1.0),
        Range::NONNEG,
        "multiplier on all communication times",
    ),
    decl::input(
        "straggler_factor",
        Kind::Number,
        D::Num(1.0),
        Range::NONNEG,
        "multiplier on the step time (applied when > 1)",
    ),
    decl::input(
        "moe_routing_imbalance_factor",
        Kind::Number,
        D::Num(1.0),
        Range::AT_LEAST_1,
        "multiplier on the expert all-to-all volume",
    ),
    decl::input(
        "gradient_accumulation_steps",
        Kind::Int,
        D::Num(1.0),
        Range::AT_LEAST_1,
        "micro-steps the DP all-reduce is amortized over",
    ),
];

/// The declared outputs (mlsysim's `DistributedResult`; `node_*` are the replica's profile).
pub const DECL_OUTPUTS: &[decl::Output] = &[
    decl::output(
        "step_latency_total",
        "ms",
        "one training step: compute + exposed communication + bubble, × straggler",
    ),
    decl::output("node_latency", "ms", "replica step latency"),
    decl::output("node_latency_compute", "ms", "replica compute time"),
    decl::output("node_latency_memory", "ms", "replica memory time"),
    decl::output(
        "node_memory_footprint",
        "GB",
        "training memory per accelerator",
    ),
    decl::output(
        "node_feasible",
        "bool",
        "the footprint fits in accelerator memory",
    ),
    decl::output("node_bottleneck", "label", "Compute or Memory"),
    decl::output("node_mfu", "1", "replica model FLOP utilization"),
    decl::output("node_hfu", "1", "replica hardware FLOP utilization"),
    decl::output("node_energy", "J", "replica energy per step"),
    decl::output(
        "node_latency_overhead",
        "ms",
        "replica dispatch and layer overhead",
    ),
    decl::output("node_throughput", "1/s", "replica samples per second"),
    decl::output(
        "node_arithmetic_intensity",
        "flop/B",
        "replica ops / bytes moved",
    ),
    decl::output("node_peak_flops_actual", "TFLOP/s", "peak · η"),
    decl::output(
        "node_peak_bw_actual",
        "GB/s",
        "bandwidth of the memory path",
    ),
    decl::output(
        "node_offload_spill_bytes",
        "GB",
        "footprint beyond capacity (when infeasible)",
    ),
    decl::output(
        "node_offload_effective_bw",
        "GB/s",
        "bandwidth of the offload path (when infeasible)",
    ),
    decl::output(
        "node_overhead_dominated",
        "bool",
        "overhead exceeds both roofline terms",
    ),
    decl::output(
        "dp_communication_latency",
        "ms",
        "data-parallel all-reduce (after overlap and accumulation)",
    ),
    decl::output(
        "tp_communication_latency",
        "ms",
        "tensor-parallel all-reduces",
    ),
    decl::output("ep_communication_latency", "ms", "expert all-to-all"),
    decl::output("communication_latency", "ms", "DP + TP + EP communication"),
    decl::output("pipeline_bubble_latency", "ms", "pipeline bubble"),
    decl::output("bubble_fraction", "1", "(P − 1) / (V·M + P − 1)"),
    decl::output("scaling_efficiency", "1", "ideal / actual step time"),
    decl::output(
        "effective_throughput",
        "1/s",
        "samples per second of the fleet",
    ),
    decl::output("dp", "1", "data-parallel replicas N / (TP·PP·EP)"),
    decl::output("tp", "1", "tensor-parallel degree"),
    decl::output("pp", "1", "pipeline stages"),
    decl::output("ep", "1", "expert-parallel degree"),
];

/// The fleet a step runs on: a registry fleet, or one composed from a node, a node count and a fabric.
#[derive(Clone, Copy, Debug)]
pub enum FleetSpec<'a> {
    /// A registry fleet (mlsysim `Systems.Clusters.*`).
    Registry(&'a Fleet),
    /// `Fleet(node, count, fabric)` built ad hoc.
    Composed {
        /// Node.
        node: &'a Node,
        /// Number of nodes.
        count: u64,
        /// Fabric.
        fabric: &'a Fabric,
    },
}

impl<'a> FleetSpec<'a> {
    /// The node.
    pub fn node(&self) -> &'a Node {
        match self {
            FleetSpec::Registry(f) => &f.node,
            FleetSpec::Composed { node, .. } => node,
        }
    }

    /// The fabric.
    pub fn fabric(&self) -> &'a Fabric {
        match self {
            FleetSpec::Registry(f) => &f.fabric,
            FleetSpec::Composed { fabric, .. } => fabric,
        }
    }

    /// Number of nodes, recorded in the lineage.
    pub fn node_count(&self, lin: &mut Lineage) -> f64 {
        match self {
            FleetSpec::Registry(f) => lin.read(f.count),
            FleetSpec::Composed { count, .. } => {
                lin.input("node_count", count);
                *count as f64
            }
        }
    }
}

/// Options of [`solve`] (mlsysim's keyword arguments); `None` fields default from [`Calibration`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DistributedOptions {
    /// Global batch size B.
    pub batch_size: u64,
    /// Numeric precision.
    pub precision: Precision,
    /// Compute efficiency η ∈ (0, 1]; default `cal.default_efficiency`.
    pub efficiency: Option<f64>,
    /// Tensor-parallel degree.
    pub tp_size: u64,
    /// Pipeline-parallel degree (stages P).
    pub pp_size: u64,
    /// Expert-parallel degree.
    pub ep_size: u64,
    /// Virtual (interleaved) stages per device V.
    pub v_stages: u64,
    /// Micro-batches per step M.
    pub microbatch_count: u64,
    /// ZeRO stage (0–3).
    pub zero_stage: u32,
    /// LoRA fine-tuning.
    pub is_lora: bool,
    /// Activation recomputation (4× FLOPs, "full" activation memory).
    pub activation_recomputation: bool,
    /// Overlap the DP all-reduce with compute.
    pub overlap_comm: bool,
    /// Fraction of DP communication hidden when overlapping; default `cal.overlap_efficiency`.
    pub overlap_efficiency: Option<f64>,
    /// Multiplier on all communication times.
    pub congestion_factor: f64,
    /// Multiplier on the step time (applied when > 1).
    pub straggler_factor: f64,
    /// Multiplier on the expert all-to-all volume.
    pub moe_routing_imbalance_factor: f64,
    /// Gradient accumulation steps (the DP all-reduce is amortized over them).
    pub gradient_accumulation_steps: u64,
    /// Sequence length; default `cal.default_seq_len`.
    pub seq_len: Option<u64>,
}

impl Default for DistributedOptions {
    fn default() -> Self {
        DistributedOptions {
            batch_size: 1,
            precision: Precision::Fp16,
            efficiency: None,
            tp_size: 1,
            pp_size: 1,
            ep_size: 1,
            v_stages: 1,
            microbatch_count: 1,
            zero_stage: 0,
            is_lora: false,
            activation_recomputation: false,
            overlap_comm: false,
            overlap_efficiency: None,
            congestion_factor: 1.0,
            straggler_factor: 1.0,
            moe_routing_imbalance_factor: 1.0,
            gradient_accumulation_steps: 1,
            seq_len: None,
        }
    }
}

/// The 4D decomposition of the fleet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parallelism {
    /// Data-parallel replicas N / (TP·PP·EP).
    pub dp: u64,
    /// Tensor-parallel degree.
    pub tp: u64,
    /// Pipeline stages.
    pub pp: u64,
    /// Expert-parallel degree.
    pub ep: u64,
}

impl Parallelism {
    /// Accelerators per replica R = TP·PP·EP.
    pub fn replica(&self) -> u64 {
        self.tp * self.pp * self.ep
    }
}

/// The step of one replica (mlsysim's `node_profile`).
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaProfile {
    /// max(T_compute, T_memory) + overhead.
    pub latency: Time,
    /// Compute time.
    pub latency_compute: Time,
    /// Memory time.
    pub latency_memory: Time,
    /// Memory per accelerator.
    pub memory_footprint: Information,
    /// Whether the footprint fits in device memory.
    pub feasible: bool,
    /// The binding ceiling.
    pub bottleneck: Bottleneck,
    /// Model FLOP utilization.
    pub mfu: f64,
    /// Hardware FLOP utilization (counts recomputation).
    pub hfu: f64,
    /// Energy of the replica's step.
    pub energy: Energy,
    /// Dispatch tax + layer tax (× 3 in training).
    pub latency_overhead: Time,
    /// Local samples per second, local batch / latency.
    pub throughput: Frequency,
    /// Operations per byte moved, on one accelerator of the replica.
    pub arithmetic_intensity: ArithmeticIntensity,
    /// Peak × efficiency of one accelerator.
    pub peak_flops_actual: ComputeRate,
    /// Bandwidth of the memory path (HBM, or the offload link when infeasible).
    pub peak_bw_actual: Bandwidth,
    /// Footprint beyond capacity when infeasible.
    pub offload_spill_bytes: Option<Information>,
    /// Offload bandwidth when infeasible.
    pub offload_effective_bw: Option<Bandwidth>,
    /// Overhead exceeds both roofline terms.
    pub overhead_dominated: bool,
}

/// A distributed training step (`DistributedResult`).
#[derive(Clone, Debug, PartialEq)]
pub struct DistributedResult {
    /// One replica's step.
    pub node: ReplicaProfile,
    /// DP gradient all-reduce time (after congestion and gradient accumulation).
    pub dp_communication_latency: Time,
    /// TP all-reduce time over the stage's layers.
    pub tp_communication_latency: Time,
    /// EP all-to-all time.
    pub ep_communication_latency: Time,
    /// DP + TP + EP, before overlap.
    pub communication_latency: Time,
    /// Pipeline bubble time.
    pub pipeline_bubble_latency: Time,
    /// Pipeline bubble fraction (P−1)/(V·M + P−1), 0 without PP.
    pub bubble_fraction: f64,
    /// Step time.
    pub step_latency_total: Time,
    /// Replica latency / step time.
    pub scaling_efficiency: f64,
    /// Fleet throughput, samples per second.
    pub effective_throughput: Frequency,
    /// The decomposition.
    pub parallelism: Parallelism,
    /// Samples per replica per step, max(1, B // DP).
    pub local_batch: u64,
    /// Lineage.
    pub lineage: Lineage,
    /// Warnings.
    pub warnings: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// TrainingMemoryModel

/// Inputs of [`training_memory`] (mlsysim's `TrainingMemoryModel.solve`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainingMemoryOptions {
    /// Precision of weights, gradients and activations.
    pub precision: Precision,
    /// Global batch size.
    pub batch_size: f64,
    /// Sequence length.
    pub seq_len: f64,
    /// Activation recomputation strategy.
    pub strategy: mem::ActivationStrategy,
    /// Tensor-parallel degree.
    pub tp: f64,
    /// Pipeline stages.
    pub pp: f64,
    /// Data-parallel replicas.
    pub dp: f64,
    /// Expert-parallel degree.
    pub ep: f64,
    /// ZeRO stage.
    pub zero_stage: u32,
    /// Gradient accumulation steps (micro-steps per optimizer step).
    pub gradient_accumulation_steps: f64,
    /// Share of parameters that are trained (LoRA), else `None`.
    pub trainable_fraction: Option<f64>,
    /// Sequence parallelism shards the activations over TP (mlsysim default: on).
    pub sequence_parallel: bool,
}

/// Per-accelerator training memory, by component.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainingMemoryProfile {
    /// Weights, gradients, optimizer state and activations.
    pub parts: mem::TrainingMemory,
    /// Communication buffers (gradient buckets, pipeline send/receive).
    pub buffers: Information,
    /// Micro-batch per accelerator.
    pub micro_batch: f64,
    /// Layers per pipeline stage.
    pub layers_per_stage: f64,
}

impl TrainingMemoryProfile {
    /// Total per accelerator.
    pub fn total(&self) -> Information {
        self.parts.total() + self.buffers
    }
}

/// Per-accelerator memory of transformer training under 4D parallelism: parameters sharded over
/// TP·PP·EP (ZeRO shards further over DP), activations of ⌈L/PP⌉ layers at micro-batch
/// ⌈B/(DP·GAS)⌉ (÷TP with sequence parallelism), buffers = f_buf·gradients (+ pipeline buffers).
pub fn training_memory(
    model: &Model,
    cal: &Calibration,
    o: &TrainingMemoryOptions,
    lin: &mut Lineage,
) -> Result<TrainingMemoryProfile, SolveError> {
    let p = roofline::parameters(model, lin)?;
    let layers = transformer_layers(model, lin)?;
    let hidden = hidden_dim(model, cal, lin);
    let b: Information = base(o.precision.bytes());
    let micro_batch = (o.batch_size / (o.dp * o.gradient_accumulation_steps))
        .ceil()
        .max(1.0);
    let layers_per_stage = (layers / o.pp).ceil().max(1.0);
    lin.formula("training_memory");
    lin.formula("activation_memory");
    let mut parts = mem::transformer_training_memory(mem::TrainingMemoryInputs {
        params: p / (o.tp * o.pp * o.ep),
        bytes_per_elem: b,
        optimizer_bytes_per_param: lin.read(cal.optimizer_bytes_adam),
        shape: mem::ActivationShape {
            layers: layers_per_stage,
            seq_len: o.seq_len,
            batch: micro_batch,
            hidden_dim: hidden,
            heads: lin.read_opt(model.heads),
        },
        strategy: o.strategy,
        zero_stage: o.zero_stage,
        dp_size: o.dp,
        lora_fraction: o.trainable_fraction,
    })?;
    if o.sequence_parallel && o.tp > 1.0 {
        parts.activations /= o.tp;
    }
    let mut buffers = parts.gradients * lin.read(cal.comm_buffer_fraction);
    if o.pp > 1.0 {
        lin.formula("pipeline_p2p_buffer");
        buffers += comm::pipeline_p2p_buffer(micro_batch, o.seq_len, hidden, b);
    }
    Ok(TrainingMemoryProfile {
        parts,
        buffers,
        micro_batch,
        layers_per_stage,
    })
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn invalid(what: &str, message: String) -> SolveError {
    SolveError::Invalid {
        what: what.to_string(),
        message,
    }
}

fn transformer_layers(model: &Model, lin: &mut Lineage) -> Result<f64, SolveError> {
    lin.read_opt(model.layers).ok_or_else(|| {
        invalid(
            "model",
            format!("transformer `{}` has no layers", model.key),
        )
    })
}

fn hidden_dim(model: &Model, cal: &Calibration, lin: &mut Lineage) -> f64 {
    match lin.read_opt(model.hidden_dim) {
        Some(h) => h,
        None => lin.read(cal.fallback_hidden_dim),
    }
}

fn validate(o: &DistributedOptions, efficiency: f64, overlap: f64) -> Result<(), SolveError> {
    let degrees = [
        ("batch_size", o.batch_size),
        ("tp_size", o.tp_size),
        ("pp_size", o.pp_size),
        ("ep_size", o.ep_size),
        ("v_stages", o.v_stages),
        ("microbatch_count", o.microbatch_count),
        ("gradient_accumulation_steps", o.gradient_accumulation_steps),
    ];
    if let Some((name, _)) = degrees.iter().find(|(_, v)| *v < 1) {
        return Err(invalid(
            name,
            format!("{SOLVER}: {name} must be >= 1, got 0"),
        ));
    }
    if o.seq_len == Some(0) {
        return Err(invalid(
            "seq_len",
            format!("{SOLVER}: seq_len must be >= 1, got 0"),
        ));
    }
    if !(roofline::MIN_EFFICIENCY..=1.0).contains(&efficiency) {
        return Err(invalid(
            "efficiency",
            format!(
                "{SOLVER}: efficiency must be in [1e-09, 1.0], got {}",
                crate::calc::formulas::args::py_float(efficiency)
            ),
        ));
    }
    if o.moe_routing_imbalance_factor < 1.0 {
        return Err(invalid(
            "moe_routing_imbalance_factor",
            format!(
                "{SOLVER}: moe_routing_imbalance_factor must be >= 1.0, got {}",
                crate::calc::formulas::args::py_float(o.moe_routing_imbalance_factor)
            ),
        ));
    }
    if !(0.0..=1.0).contains(&overlap) {
        return Err(invalid(
            "overlap_efficiency",
            format!("{SOLVER}: overlap_efficiency must be in [0, 1], got {overlap}"),
        ));
    }
    if o.zero_stage > 3 {
        return Err(invalid(
            "zero_stage",
            format!(
                "{SOLVER}: zero_stage must be 0, 1, 2 or 3, got {}",
                o.zero_stage
            ),
        ));
    }
    let factors = [
        ("congestion_factor", o.congestion_factor),
        ("straggler_factor", o.straggler_factor),
        (
            "moe_routing_imbalance_factor",
            o.moe_routing_imbalance_factor,
        ),
    ];
    if let Some((name, v)) = factors.iter().find(|(_, v)| !(v.is_finite() && *v >= 0.0)) {
        return Err(invalid(
            name,
            format!("{SOLVER}: {name} must be a finite number >= 0, got {v}"),
        ));
    }
    Ok(())
}

/// N = nodes × accelerators per node, split into DP × (TP·PP·EP); mlsysim's ValueError otherwise.
fn decompose(total: u64, o: &DistributedOptions) -> Result<Parallelism, SolveError> {
    let (tp, pp, ep) = (o.tp_size, o.pp_size, o.ep_size);
    let replica = tp.checked_mul(pp).and_then(|x| x.checked_mul(ep));
    match replica {
        Some(r) if r <= total && total % r == 0 => Ok(Parallelism {
            dp: total / r,
            tp,
            pp,
            ep,
        }),
        _ => Err(invalid(
            "tp_size",
            format!(
                "Infeasible 4D Parallelism: TP({tp}) * PP({pp}) * EP({ep}) must divide total accelerators ({total}) exactly."
            ),
        )),
    }
}

/// Links of the fleet as the communication model sees them (one-way bandwidths).
struct Links {
    /// Accelerators per node (decides intra- vs inter-node placement).
    accel_per_node: f64,
    intra_bw: Bandwidth,
    /// α of the accelerator's NVLink (or the calibrated NVLink default).
    intra_alpha: Time,
    inter_bw: Bandwidth,
    inter_alpha: Time,
}

fn links(fleet: &FleetSpec, hw: &Hardware, cal: &Calibration, lin: &mut Lineage) -> Links {
    let node = fleet.node();
    let fabric = fleet.fabric();
    let intra_alpha = match hw.nvlink.as_ref().and_then(|l| l.latency) {
        Some(a) => lin.read(a),
        None => lin.read(cal.nvlink_latency),
    };
    let inter_alpha = match fabric.latency {
        Some(a) => lin.read(a),
        None => lin.read(cal.default_fabric_latency),
    };
    Links {
        accel_per_node: lin.read(node.accelerators_per_node),
        intra_bw: lin.read(node.intra_node_bw),
        intra_alpha,
        inter_bw: lin.read(fabric.bandwidth) / lin.read(fabric.oversubscription_ratio),
        inter_alpha,
    }
}

/// What the replica step needs beyond the profile.
struct Replica {
    profile: ReplicaProfile,
    /// Weight bytes of the whole model.
    weights: Information,
    /// Layers (1 when a workload gives none).
    layers: f64,
}

/// Resolved step inputs shared by the replica and communication models.
#[derive(Clone, Copy)]
struct StepShape {
    par: Parallelism,
    local_batch: f64,
    seq_len: f64,
    efficiency: f64,
}

/// The replica step on the transformer path (and non-transformers with R > 1).
fn replica_profile(
    model: &Model,
    hw: &Hardware,
    cal: &Calibration,
    o: &DistributedOptions,
    step: &StepShape,
    lin: &mut Lineage,
) -> Result<Replica, SolveError> {
    let StepShape {
        par,
        local_batch,
        seq_len,
        efficiency,
    } = *step;
    let transformer = roofline::is_transformer(model);
    let r = par.replica() as f64;
    let (peak, _silent) = roofline::precision_peak(hw, o.precision, lin);
    let lowered = roofline::lower(model, o.precision, lin)?;
    let tokens_per_sample = if transformer { seq_len } else { 1.0 };
    let sample_ops = lowered.ops * tokens_per_sample;
    let model_ops = sample_ops * (perf::training_ops_multiplier(false) * local_batch);
    let hw_ops =
        sample_ops * (perf::training_ops_multiplier(o.activation_recomputation) * local_batch);

    let footprint = if transformer {
        let pp = par.pp as f64;
        let interleave = if par.pp > 1 {
            ((o.microbatch_count / par.pp) as f64).max(1.0)
        } else {
            1.0
        };
        let trainable_fraction = if o.is_lora {
            lin.formula("lora_trainable_fraction");
            let p = roofline::parameters(model, lin)?;
            let hidden = hidden_dim(model, cal, lin);
            let layers = transformer_layers(model, lin)?;
            Some(mem::lora_trainable_fraction(
                lin.read(cal.lora_rank),
                hidden,
                layers,
                p,
            ))
        } else {
            None
        };
        let opts = TrainingMemoryOptions {
            precision: o.precision,
            batch_size: local_batch * par.dp as f64,
            seq_len,
            strategy: if o.activation_recomputation {
                mem::ActivationStrategy::Full
            } else {
                mem::ActivationStrategy::Selective
            },
            tp: par.tp as f64,
            pp,
            dp: par.dp as f64,
            ep: par.ep as f64,
            zero_stage: o.zero_stage,
            gradient_accumulation_steps: o.gradient_accumulation_steps as f64 * interleave,
            trainable_fraction,
            sequence_parallel: true,
        };
        training_memory(model, cal, &opts, lin)?.total()
    } else {
        lin.formula("fallback_training_memory");
        let b: Information = base(o.precision.bytes());
        mem::fallback_training_memory(lowered.weights, b, lin.read(cal.optimizer_bytes_adam), None)
            / r
    };
    let capacity = lin.read(hw.capacity());
    let feasible = footprint <= capacity;
    let bw = if feasible {
        lin.read(hw.bandwidth())
    } else {
        roofline::offload_bandwidth(hw, cal, lin)
    };

    lin.formula("roofline_memory_traffic");
    lin.formula("bottleneck");
    let shard = lowered.weights / r;
    let bytes =
        perf::roofline_memory_traffic(shard, local_batch, lin.read(cal.activation_io_fraction));
    let roof = perf::calc_bottleneck(hw_ops, bytes, peak * (efficiency * r), bw);

    lin.formula("framework_overhead");
    let layers = if transformer {
        transformer_layers(model, lin)?
    } else {
        lin.read_opt(model.layers).unwrap_or(1.0)
    };
    let overhead = perf::framework_overhead(
        lin.read(hw.dispatch_tax),
        layers,
        lin.read(cal.framework_layer_tax),
        true,
    );
    let busy = if roof.compute > roof.memory {
        roof.compute
    } else {
        roof.memory
    };
    let latency = busy + overhead;

    lin.formula("flops_utilization");
    let mfu = perf::flops_utilization(model_ops, latency, peak * r);
    let hfu = perf::flops_utilization(hw_ops, latency, peak * r);
    let energy = match lin.read_opt(hw.tdp) {
        Some(tdp) => {
            lin.formula("energy_per_batch");
            let idle = lin.read(cal.energy_idle_fraction);
            let dynamic = lin.read(cal.energy_dynamic_fraction);
            perf::energy_per_batch(tdp * r, idle, dynamic, hfu, latency)
        }
        None => base(0.0),
    };
    Ok(Replica {
        profile: ReplicaProfile {
            latency,
            latency_compute: roof.compute,
            latency_memory: roof.memory,
            memory_footprint: footprint,
            feasible,
            bottleneck: roof.bottleneck,
            mfu,
            hfu,
            energy,
            latency_overhead: overhead,
            throughput: base(local_batch / latency.value),
            arithmetic_intensity: perf::arithmetic_intensity(hw_ops / r, bytes),
            peak_flops_actual: peak * efficiency,
            peak_bw_actual: bw,
            offload_spill_bytes: (!feasible).then(|| footprint - capacity),
            offload_effective_bw: (!feasible).then_some(bw),
            overhead_dominated: overhead > busy,
        },
        weights: lowered.weights,
        layers,
    })
}

/// The replica step of a non-transformer on one accelerator: `Engine.solve` in training mode.
fn engine_profile(
    model: &Model,
    hw: &Hardware,
    cal: &Calibration,
    o: &DistributedOptions,
    local_batch: u64,
    efficiency: f64,
    lin: &mut Lineage,
) -> Result<Replica, SolveError> {
    let opts = RooflineOptions {
        batch_size: local_batch,
        precision: o.precision,
        efficiency: Some(efficiency),
        is_training: true,
        seq_len: o.seq_len,
        zero_stage: 0,
        dp_size: 1,
        is_lora: o.is_lora,
        activation_recomputation: o.activation_recomputation,
    };
    let res = roofline::solve(model, hw, cal, &opts)?;
    lin.absorb(&res.lineage);
    let weights = roofline::lower(model, o.precision, lin)?.weights;
    Ok(Replica {
        profile: ReplicaProfile {
            latency: res.latency,
            latency_compute: res.latency_compute,
            latency_memory: res.latency_memory,
            memory_footprint: res.memory_footprint,
            feasible: res.feasible,
            bottleneck: res.bottleneck,
            mfu: res.mfu,
            hfu: res.hfu,
            energy: res.energy,
            latency_overhead: res.latency_overhead,
            throughput: res.throughput,
            arithmetic_intensity: res.arithmetic_intensity,
            peak_flops_actual: res.peak_flops_actual,
            peak_bw_actual: res.peak_bw_actual,
            offload_spill_bytes: res.offload_spill_bytes,
            offload_effective_bw: res.offload_effective_bw,
            overhead_dominated: res.overhead_dominated,
        },
        weights,
        layers: lin.read_opt(model.layers).unwrap_or(1.0),
    })
}

/// DP gradient all-reduce: a ring inside one node, a flat ring over the fabric when each node
/// holds one replica, else hierarchical (intra-node ring around an inter-node ring).
fn dp_allreduce(
    gradient: Information,
    par: &Parallelism,
    l: &Links,
    cal: &Calibration,
    lin: &mut Lineage,
) -> Time {
    let dp = par.dp as f64;
    let ranks_per_node = (l.accel_per_node / par.replica() as f64).floor().max(1.0);
    let nodes = (dp / ranks_per_node).ceil();
    if nodes <= 1.0 {
        lin.formula("ring_allreduce_time");
        comm::ring_allreduce_time(gradient, dp, l.intra_bw, l.intra_alpha)
    } else if ranks_per_node <= 1.0 {
        lin.formula("ring_allreduce_time");
        comm::ring_allreduce_time(gradient, dp, l.inter_bw, l.inter_alpha)
    } else {
        lin.formula("hierarchical_allreduce_time");
        comm::hierarchical_allreduce_time(
            gradient,
            nodes,
            ranks_per_node,
            l.intra_bw,
            l.inter_bw,
            lin.read(cal.nvlink_latency),
            l.inter_alpha,
        )
    }
}

/// Communication times of one step, after congestion and gradient accumulation.
struct Collectives {
    dp: Time,
    tp: Time,
    ep: Time,
}

/// DP gradient all-reduce, TP activation all-reduces and EP all-to-all of one step.
fn collectives(
    model: &Model,
    cal: &Calibration,
    o: &DistributedOptions,
    step: &StepShape,
    replica: &Replica,
    links: &Links,
    lin: &mut Lineage,
) -> Collectives {
    let par = step.par;
    let zero = base::<Time>(0.0);
    let mut t_dp = zero;
    if par.dp > 1 {
        let mut gradient = replica.weights / (par.tp * par.pp) as f64;
        if o.is_lora {
            gradient *= lin.read(cal.lora_gradient_fraction);
        }
        t_dp = dp_allreduce(gradient, &par, links, cal, lin);
    }
    let activation = if par.tp > 1 || par.ep > 1 {
        let hidden = hidden_dim(model, cal, lin);
        let b: Information = base(o.precision.bytes());
        comm::activation_message(step.local_batch, step.seq_len, hidden, b)
    } else {
        base(0.0)
    };
    let mut t_tp = zero;
    if par.tp > 1 {
        lin.formula("tensor_parallel_allreduce_time");
        let tp = par.tp as f64;
        let layers = (replica.layers / par.pp as f64).ceil();
        let (bw, alpha) = if tp <= links.accel_per_node {
            (links.intra_bw, links.intra_alpha)
        } else {
            (links.inter_bw, links.inter_alpha)
        };
        t_tp = comm::tensor_parallel_allreduce_time(activation, tp, bw, alpha, layers);
    }
    let mut t_ep = zero;
    if par.ep > 1 {
        lin.formula("all_to_all_time");
        let top_k = lin.read_opt(model.active_experts_per_token).unwrap_or(1.0);
        let message = activation * (top_k * o.moe_routing_imbalance_factor);
        t_ep = comm::all_to_all_time(message, par.ep as f64, links.inter_bw, links.inter_alpha);
    }
    let mut dp = t_dp * o.congestion_factor;
    if o.gradient_accumulation_steps > 1 {
        dp /= o.gradient_accumulation_steps as f64;
    }
    Collectives {
        dp,
        tp: t_tp * o.congestion_factor,
        ep: t_ep * o.congestion_factor,
    }
}

/// Solves a distributed training step of `model` on `fleet`, whose nodes carry `accelerator`.
pub fn solve(
    model: &Model,
    fleet: FleetSpec,
    accelerator: &Hardware,
    cal: &Calibration,
    o: &DistributedOptions,
) -> Result<DistributedResult, SolveError> {
    let mut lin = Lineage::new(SOLVER);
    let efficiency = match o.efficiency {
        Some(e) => e,
        None => lin.read(cal.default_efficiency),
    };
    let overlap_efficiency = match o.overlap_efficiency {
        Some(e) => e,
        None => lin.read(cal.overlap_efficiency),
    };
    validate(o, efficiency, overlap_efficiency)?;
    let seq_len = match o.seq_len {
        Some(s) => s as f64,
        None => lin.read(cal.default_seq_len),
    };

    let accel_per_node = lin.read(fleet.node().accelerators_per_node);
    let total = fleet.node_count(&mut lin) * accel_per_node;
    if !(total.is_finite() && total >= 0.0 && total.fract() == 0.0) {
        return Err(invalid(
            "fleet",
            format!("{SOLVER}: total accelerators must be a whole number, got {total}"),
        ));
    }
    let par = decompose(total as u64, o)?;
    let mut warnings = Vec::new();
    if o.batch_size < par.dp {
        warnings.push(format!(
            "batch_size ({}) is smaller than the data-parallel degree DP ({}); each replica runs a local batch of 1.",
            o.batch_size, par.dp
        ));
    }
    let local_batch = (o.batch_size / par.dp).max(1);
    let lb = local_batch as f64;

    let shape = StepShape {
        par,
        local_batch: lb,
        seq_len,
        efficiency,
    };
    let replica = if !roofline::is_transformer(model) && par.replica() == 1 {
        engine_profile(
            model,
            accelerator,
            cal,
            o,
            local_batch,
            efficiency,
            &mut lin,
        )?
    } else {
        replica_profile(model, accelerator, cal, o, &shape, &mut lin)?
    };
    let node = replica.profile.latency;
    let links = links(&fleet, accelerator, cal, &mut lin);
    let Collectives {
        dp: t_dp,
        tp: t_tp,
        ep: t_ep,
    } = collectives(model, cal, o, &shape, &replica, &links, &mut lin);
    let zero = base::<Time>(0.0);

    let (bubble_fraction, t_bubble) = if par.pp > 1 {
        lin.formula("pipeline_bubble_fraction");
        lin.formula("pipeline_bubble_time");
        let f = comm::pipeline_bubble_fraction(
            par.pp as f64,
            o.microbatch_count as f64,
            o.v_stages as f64,
        );
        (f, comm::pipeline_bubble_time(node, f))
    } else {
        (0.0, zero)
    };

    let communication = t_dp + t_tp + t_ep;
    let exposed_dp = if o.overlap_comm {
        t_dp * (1.0 - overlap_efficiency)
    } else {
        t_dp
    };
    let mut step = node + exposed_dp + t_tp + t_ep + t_bubble;
    if o.straggler_factor > 1.0 {
        step *= o.straggler_factor;
    }
    let scaling_efficiency = (node / step).get::<ratio::ratio>();
    let effective_throughput: Frequency =
        base(par.dp as f64 * (lb / node.get::<time::second>()) * scaling_efficiency);

    Ok(DistributedResult {
        node: replica.profile,
        dp_communication_latency: t_dp,
        tp_communication_latency: t_tp,
        ep_communication_latency: t_ep,
        communication_latency: communication,
        pipeline_bubble_latency: t_bubble,
        bubble_fraction,
        step_latency_total: step,
        scaling_efficiency,
        effective_throughput,
        parallelism: par,
        local_batch,
        lineage: lin,
        warnings,
    })
}

// ---------------------------------------------------------------------------------------------
// By-name entry point

/// Reads `fleet`, or an ad-hoc fleet of `node` + `node_count` + `fabric` (mlsysim's
/// `Fleet(node, count, fabric)`), for any fleet solver; messages start with `solver`.
pub fn read_fleet_spec<'a>(
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

fn read_fleet<'a>(
    reg: &'a Registry,
    params: &Params,
    r: &ParamReader,
) -> Result<FleetSpec<'a>, SolveError> {
    read_fleet_spec(reg, params, r, SOLVER)
}

fn read_options(r: &ParamReader) -> Result<DistributedOptions, SolveError> {
    let d = DistributedOptions::default();
    let int = |name: &str, default: u64| -> Result<u64, SolveError> {
        Ok(r.positive_int(name)?.unwrap_or(default))
    };
    let flag = |name: &str| -> Result<bool, SolveError> { Ok(r.bool(name)?.unwrap_or(false)) };
    let factor = |name: &str, default: f64| -> Result<f64, SolveError> {
        Ok(r.number(name)?.unwrap_or(default))
    };
    Ok(DistributedOptions {
        batch_size: int("batch_size", d.batch_size)?,
        precision: roofline::read_precision(r)?,
        efficiency: r.number("efficiency")?,
        tp_size: int("tp_size", d.tp_size)?,
        pp_size: int("pp_size", d.pp_size)?,
        ep_size: int("ep_size", d.ep_size)?,
        v_stages: int("v_stages", d.v_stages)?,
        microbatch_count: int("microbatch_count", d.microbatch_count)?,
        zero_stage: r
            .nonneg_int("zero_stage")?
            .map_or(0, |z| z.min(u64::from(u32::MAX)) as u32),
        is_lora: flag("is_lora")?,
        activation_recomputation: flag("activation_recomputation")?,
        overlap_comm: flag("overlap_comm")?,
        overlap_efficiency: r.number("overlap_efficiency")?,
        congestion_factor: factor("congestion_factor", d.congestion_factor)?,
        straggler_factor: factor("straggler_factor", d.straggler_factor)?,
        moe_routing_imbalance_factor: factor(
            "moe_routing_imbalance_factor",
            d.moe_routing_imbalance_factor,
        )?,
        gradient_accumulation_steps: int(
            "gradient_accumulation_steps",
            d.gradient_accumulation_steps,
        )?,
        seq_len: r.positive_int("seq_len")?,
    })
}

/// Runs the solver on named parameters.
pub fn run(reg: &Registry, params: &Params) -> Result<SolveOutput, SolveError> {
    let r = ParamReader::declared(SOLVER, params);
    let model = reg.model(r.required_text("model")?)?;
    let fleet = read_fleet(reg, params, &r)?;
    let accelerator = reg.hardware(&fleet.node().accelerator)?;
    let opts = read_options(&r)?;
    let mut res = solve(model, fleet, accelerator, &reg.calibration, &opts)?;
    res.lineage.input("batch_size", opts.batch_size);
    res.lineage.input("precision", opts.precision.key());
    for (name, v) in [
        ("tp_size", opts.tp_size),
        ("pp_size", opts.pp_size),
        ("ep_size", opts.ep_size),
        ("microbatch_count", opts.microbatch_count),
    ] {
        res.lineage.input(name, v);
    }
    let outputs = outputs(&res);
    Ok(SolveOutput {
        outputs,
        lineage: res.lineage,
        warnings: res.warnings,
    })
}

/// The outputs of a distributed step under mlsysim's names (`node_*` = the replica profile).
pub fn outputs(res: &DistributedResult) -> Vec<(&'static str, Out)> {
    let n = &res.node;
    let v = |x: Value| Out::Value(x);
    let count = |x: u64| Out::number(x as f64);
    vec![
        ("step_latency_total", v(res.step_latency_total.value())),
        ("node_latency", v(n.latency.value())),
        ("node_latency_compute", v(n.latency_compute.value())),
        ("node_latency_memory", v(n.latency_memory.value())),
        ("node_memory_footprint", v(n.memory_footprint.value())),
        ("node_feasible", Out::Bool(n.feasible)),
        ("node_bottleneck", Out::Label(n.bottleneck.label().into())),
        ("node_mfu", Out::number(n.mfu)),
        ("node_hfu", Out::number(n.hfu)),
        ("node_energy", v(n.energy.value())),
        ("node_latency_overhead", v(n.latency_overhead.value())),
        ("node_throughput", v(n.throughput.value())),
        (
            "node_arithmetic_intensity",
            v(n.arithmetic_intensity.value()),
        ),
        ("node_peak_flops_actual", v(n.peak_flops_actual.value())),
        ("node_peak_bw_actual", v(n.peak_bw_actual.value())),
        (
            "node_offload_spill_bytes",
            n.offload_spill_bytes.map_or(Out::Missing, |x| v(x.value())),
        ),
        (
            "node_offload_effective_bw",
            n.offload_effective_bw
                .map_or(Out::Missing, |x| v(x.value())),
        ),
        ("node_overhead_dominated", Out::Bool(n.overhead_dominated)),
        (
            "dp_communication_latency",
            v(res.dp_communication_latency.value()),
        ),
        (
            "tp_communication_latency",
            v(res.tp_communication_latency.value()),
        ),
        (
            "ep_communication_latency",
            v(res.ep_communication_latency.value()),
        ),
        (
            "communication_latency",
            v(res.communication_latency.value()),
        ),
        (
            "pipeline_bubble_latency",
            v(res.pipeline_bubble_latency.value()),
        ),
        ("bubble_fraction", Out::number(res.bubble_fraction)),
        ("scaling_efficiency", Out::number(res.scaling_efficiency)),
        ("effective_throughput", v(res.effective_throughput.value())),
        ("dp", count(res.parallelism.dp)),
        ("tp", count(res.parallelism.tp)),
        ("pp", count(res.parallelism.pp)),
        ("ep", count(res.parallelism.ep)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calc::params::Param;
    use crate::registry::load;

    fn reg() -> Registry {
        load::embedded().expect("embedded registry")
    }

    fn p(pairs: &[(&str, Param)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn text(s: &str) -> Param {
        Param::Text(s.into())
    }

    fn num(x: f64) -> Param {
        Param::Number(x)
    }

    fn value(out: &SolveOutput, name: &str) -> f64 {
        match out.get(name) {
            Some(Out::Value(v)) => v.si,
            other => panic!("{name}: {other:?}"),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs()
    }

    #[test]
    fn training_memory_worked_check() {
        // Llama3_70B, TP8 PP4 DP32, B 1024, M 16 (GAS×4): 47.466 GB per GPU (fact sheet §7.1).
        let reg = reg();
        let model = reg.model("Llama3_70B").unwrap();
        let mut lin = Lineage::new(SOLVER);
        let o = TrainingMemoryOptions {
            precision: Precision::Fp16,
            batch_size: 1024.0,
            seq_len: 2048.0,
            strategy: mem::ActivationStrategy::Selective,
            tp: 8.0,
            pp: 4.0,
            dp: 32.0,
            ep: 1.0,
            zero_stage: 0,
            gradient_accumulation_steps: 4.0,
            trainable_fraction: None,
            sequence_parallel: true,
        };
        let m = training_memory(model, &reg.calibration, &o, &mut lin).unwrap();
        assert_eq!(m.micro_batch, 8.0);
        assert_eq!(m.layers_per_stage, 20.0);
        assert!(close(m.total().value, 47_466_002_792.0));
        assert!(lin.formulas.contains(&"training_memory"));
    }

    #[test]
    fn non_dividing_decomposition_is_mlsysim_error() {
        let reg = reg();
        let err = run(
            &reg,
            &p(&[
                ("model", text("Llama3_8B")),
                ("fleet", text("Lab_64_H100")),
                ("tp_size", num(3.0)),
            ]),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Infeasible 4D Parallelism: TP(3) * PP(1) * EP(1) must divide total accelerators (64) exactly."
        );
        let err = run(
            &reg,
            &p(&[
                ("model", text("Llama3_8B")),
                ("fleet", text("Lab_64_H100")),
                ("tp_size", num(8.0)),
                ("pp_size", num(16.0)),
            ]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("TP(8) * PP(16) * EP(1)"));
    }

    #[test]
    fn composed_fleet_equals_registry_fleet() {
        let reg = reg();
        let common = [
            ("model", text("Llama3_8B")),
            ("batch_size", num(256.0)),
            ("tp_size", num(8.0)),
        ];
        let mut a = p(&common);
        a.insert("fleet".into(), text("Lab_64_H100"));
        let mut b = p(&common);
        b.insert("node".into(), text("DGX_H100"));
        b.insert("node_count".into(), num(8.0));
        b.insert("fabric".into(), text("InfiniBand_HDR"));
        let (a, b) = (run(&reg, &a).unwrap(), run(&reg, &b).unwrap());
        assert_eq!(a.outputs, b.outputs);
        assert!(b.lineage.inputs.iter().any(|(k, _)| k == "node_count"));
    }

    #[test]
    fn bad_fleet_inputs_are_errors() {
        let reg = reg();
        let both = p(&[
            ("model", text("Llama3_8B")),
            ("fleet", text("Lab_64_H100")),
            ("node", text("DGX_H100")),
        ]);
        assert!(run(&reg, &both)
            .unwrap_err()
            .to_string()
            .contains("not both"));
        let none = p(&[("model", text("Llama3_8B"))]);
        assert!(run(&reg, &none)
            .unwrap_err()
            .to_string()
            .contains("required"));
        let partial = p(&[("model", text("Llama3_8B")), ("node", text("DGX_H100"))]);
        assert!(run(&reg, &partial).is_err());
        let unknown = p(&[("model", text("Llama3_8B")), ("fleet", text("Lab64"))]);
        assert!(matches!(
            run(&reg, &unknown),
            Err(SolveError::UnknownKey { .. })
        ));
        // Unknown names (`tp` for `tp_size`) are the catalog's to reject, against the declaration
        // (tests/solvers.rs `every_solver_checks_its_declaration`).
    }

    #[test]
    fn bad_options_are_errors() {
        let reg = reg();
        let base = [("model", text("Llama3_8B")), ("fleet", text("Lab_64_H100"))];
        for (name, v) in [
            ("tp_size", num(0.0)),
            ("efficiency", num(1.5)),
            ("overlap_efficiency", num(-0.1)),
            ("zero_stage", num(4.0)),
            ("congestion_factor", num(-1.0)),
            ("precision", text("fp7")),
            ("batch_size", num(2.5)),
        ] {
            let mut params = p(&base);
            params.insert(name.into(), v);
            assert!(run(&reg, &params).is_err(), "{name}");
        }
    }

    #[test]
    fn small_batch_warns_and_clamps() {
        let reg = reg();
        let out = run(
            &reg,
            &p(&[("model", text("Llama3_8B")), ("fleet", text("Lab_64_H100"))]),
        )
        .unwrap();
        assert_eq!(out.warnings.len(), 1);
        assert_eq!(value(&out, "dp"), 64.0);
    }

    #[test]
    fn pipeline_bubble_uses_f_over_one_minus_f() {
        let reg = reg();
        let out = run(
            &reg,
            &p(&[
                ("model", text("Llama3_70B")),
                ("fleet", text("Training_1K")),
                ("batch_size", num(1024.0)),
                ("tp_size", num(8.0)),
                ("pp_size", num(4.0)),
                ("microbatch_count", num(16.0)),
                ("v_stages", num(2.0)),
            ]),
        )
        .unwrap();
        let f = value(&out, "bubble_fraction");
        assert!(close(f, 3.0 / 35.0));
        let node = value(&out, "node_latency");
        assert!(close(
            value(&out, "pipeline_bubble_latency"),
            node * 3.0 / 32.0
        ));
    }

    #[test]
    fn non_transformer_replica_path() {
        // ResNet50 with TP2: the replica path with one token per sample and sharded fallback memory.
        let reg = reg();
        let out = run(
            &reg,
            &p(&[
                ("model", text("ResNet50")),
                ("fleet", text("Lab_64_H100")),
                ("batch_size", num(4096.0)),
                ("tp_size", num(2.0)),
            ]),
        )
        .unwrap();
        let w = 25_557_032.0 * 2.0;
        assert!(close(
            value(&out, "node_memory_footprint"),
            (2.0 * w + 12.0 * w / 2.0) / 2.0
        ));
        assert_eq!(value(&out, "dp"), 32.0);
        assert!(value(&out, "tp_communication_latency") > 0.0);
    }

    #[test]
    fn overlap_hides_only_dp() {
        let reg = reg();
        let mut params = p(&[
            ("model", text("Llama3_8B")),
            ("fleet", text("Training_1K")),
            ("batch_size", num(1024.0)),
            ("tp_size", num(8.0)),
        ]);
        let plain = run(&reg, &params).unwrap();
        params.insert("overlap_comm".into(), Param::Bool(true));
        let overlapped = run(&reg, &params).unwrap();
        let dp = value(&plain, "dp_communication_latency");
        let saved = value(&plain, "step_latency_total") - value(&overlapped, "step_latency_total");
        assert!(close(saved, dp * 0.85));
        assert_eq!(
            plain.get("communication_latency"),
            overlapped.get("communication_latency")
        );
    }
}
