//! Solver: roofline — mlsysim's `SingleNodeModel` (`Engine.solve`): one model on one device,
//! inference or training, bounded by the compute and memory ceilings plus software overhead.

use crate::base::units::*;
use crate::calc::formulas::{memory as mem, performance as perf};
use crate::calc::params::{Lineage, Out, ParamReader, Params, Precision, SolveError, SolveOutput};
use crate::calc::solvers::decl::{self, Default as D, Kind, Range};
use crate::calc::solvers::inputs;
use crate::registry::types::{Hardware, Model, ModelType};
use crate::registry::{Calibration, Registry};

/// Solver name.
pub const SOLVER: &str = "roofline";

/// The declared inputs (mlsysim's `Engine.solve` keywords): type, unit, default, valid range. The
/// solver reads and checks them itself ([`run`]); the declaration is what `eval roofline --help`,
/// the eval flags and the plan schema read.
pub const DECL_INPUTS: &[decl::Input] = &[
    inputs::MODEL,
    inputs::HARDWARE,
    decl::input(
        "batch_size",
        Kind::Int,
        D::Num(1.0),
        Range::AT_LEAST_1,
        "batch size B",
    ),
    inputs::PRECISION,
    decl::input(
        "efficiency",
        Kind::Number,
        D::Absent,
        Range::new(MIN_EFFICIENCY, false, 1.0, false),
        "compute efficiency η (default constants.default_efficiency)",
    ),
    decl::input(
        "is_training",
        Kind::Bool,
        D::Bool(false),
        Range::ANY,
        "a training step (3× or 4× FLOPs, training memory) instead of inference",
    ),
    decl::input(
        "seq_len",
        Kind::Int,
        D::Absent,
        Range::AT_LEAST_1,
        "sequence length for training activations (default constants.default_seq_len)",
    ),
    inputs::ACTIVATION_RECOMPUTATION,
    decl::input(
        "zero_stage",
        Kind::Int,
        D::Num(0.0),
        Range::new(0.0, false, 3.0, false),
        "ZeRO stage 0–3",
    ),
    decl::input(
        "dp_size",
        Kind::Int,
        D::Num(1.0),
        Range::AT_LEAST_1,
        "data-parallel ranks ZeRO shards over",
    ),
    inputs::IS_LORA,
];

/// The declared outputs (mlsysim's `PerformanceProfile` fields).
pub const DECL_OUTPUTS: &[decl::Output] = &[
    decl::output("latency", "ms", "max(T_compute, T_memory) + overhead"),
    decl::output("latency_compute", "ms", "ops / (peak · η)"),
    decl::output("latency_memory", "ms", "bytes moved / bandwidth"),
    decl::output("latency_overhead", "ms", "dispatch tax + layer tax"),
    decl::output("throughput", "1/s", "samples per second"),
    decl::output("bottleneck", "label", "Compute or Memory"),
    decl::output("arithmetic_intensity", "flop/B", "ops / bytes moved"),
    decl::output("energy", "J", "energy of one batch"),
    decl::output(
        "memory_footprint",
        "GB",
        "weights (inference) or training state",
    ),
    decl::output("peak_flops_actual", "TFLOP/s", "peak · η"),
    decl::output("peak_bw_actual", "GB/s", "bandwidth of the memory path"),
    decl::output("mfu", "1", "model FLOP utilization"),
    decl::output("hfu", "1", "hardware FLOP utilization"),
    decl::output("feasible", "bool", "footprint fits in device memory"),
    decl::output(
        "overhead_dominated",
        "bool",
        "overhead exceeds both roofline terms",
    ),
    decl::output(
        "offload_spill_bytes",
        "GB",
        "footprint beyond capacity (when infeasible)",
    ),
    decl::output(
        "offload_effective_bw",
        "GB/s",
        "offload bandwidth (when infeasible)",
    ),
];

/// Options of [`solve`]; `None` fields take their default from [`Calibration`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RooflineOptions {
    /// Batch size B (≥ 1).
    pub batch_size: u64,
    /// Numeric precision.
    pub precision: Precision,
    /// Compute efficiency η ∈ (0, 1]; default `cal.default_efficiency`.
    pub efficiency: Option<f64>,
    /// Model a training step instead of inference.
    pub is_training: bool,
    /// Sequence length for training activations; default `cal.default_seq_len`.
    pub seq_len: Option<u64>,
    /// ZeRO stage (0–3).
    pub zero_stage: u32,
    /// Data-parallel ranks ZeRO shards over.
    pub dp_size: u64,
    /// LoRA fine-tuning.
    pub is_lora: bool,
    /// Activation recomputation (4× instead of 3× FLOPs, "full" activation strategy).
    pub activation_recomputation: bool,
}

impl Default for RooflineOptions {
    fn default() -> Self {
        RooflineOptions {
            batch_size: 1,
            precision: Precision::Fp16,
            efficiency: None,
            is_training: false,
            seq_len: None,
            zero_stage: 0,
            dp_size: 1,
            is_lora: false,
            activation_recomputation: false,
        }
    }
}

/// A roofline performance profile (`PerformanceProfile`).
#[derive(Clone, Debug, PartialEq)]
pub struct RooflineResult {
    /// max(T_compute, T_memory) + overhead.
    pub latency: Time,
    /// T_compute = batch_ops / (F·η).
    pub latency_compute: Time,
    /// T_memory = (W + 0.1·W·B) / BW.
    pub latency_memory: Time,
    /// dispatch_tax + layers · layer tax (× 3 in training).
    pub latency_overhead: Time,
    /// Samples per second, B / latency.
    pub throughput: Frequency,
    /// Binding ceiling.
    pub bottleneck: perf::Bottleneck,
    /// batch_ops / bytes moved.
    pub arithmetic_intensity: ArithmeticIntensity,
    /// Energy of one batch.
    pub energy: Energy,
    /// Inference: weights; training: weights + gradients + optimizer + activations.
    pub memory_footprint: Information,
    /// Training a transformer: the footprint by component (weights, gradients, optimizer,
    /// activations).
    pub memory_breakdown: Option<mem::TrainingMemory>,
    /// F·η.
    pub peak_flops_actual: ComputeRate,
    /// Bandwidth of the chosen memory path.
    pub peak_bw_actual: Bandwidth,
    /// Model FLOP utilization.
    pub mfu: f64,
    /// Hardware FLOP utilization (counts recomputation).
    pub hfu: f64,
    /// Footprint fits in device memory.
    pub feasible: bool,
    /// Overhead exceeds both roofline terms.
    pub overhead_dominated: bool,
    /// Footprint beyond capacity when infeasible.
    pub offload_spill_bytes: Option<Information>,
    /// Offload bandwidth when infeasible.
    pub offload_effective_bw: Option<Bandwidth>,
    /// Device memory capacity the footprint was checked against.
    pub capacity: Information,
    /// Lineage.
    pub lineage: Lineage,
    /// Warnings (precision fallback).
    pub warnings: Vec<String>,
}

impl RooflineResult {
    /// Constraint checks, verbatim as mlsysim words them (formatted on demand: solving stays
    /// allocation-light).
    pub fn constraint_trace(&self, hw: &Hardware) -> Vec<String> {
        vec![memory_wall_trace(
            self.memory_footprint,
            self.capacity,
            &hw.name,
            "",
        )]
    }
}

/// Peak FLOP/s for a precision: `precision_flops[key]`, else `peak_flops` (dense FP16). Returns the
/// warning `Engine.solve` emits when it falls back (not for fp16/bf16, nor when the device lists no
/// per-precision peaks). The available keys are listed in registry order.
pub fn precision_peak(
    hw: &Hardware,
    precision: Precision,
    lineage: &mut Lineage,
) -> (ComputeRate, Option<String>) {
    if let Some(s) = hw.compute.precision_flops.get(precision.key()) {
        return (lineage.read(*s), None);
    }
    let peak = lineage.read(hw.compute.peak_flops);
    let silent = matches!(precision, Precision::Fp16 | Precision::Bf16)
        || hw.compute.precision_flops.is_empty();
    if silent {
        return (peak, None);
    }
    let mut keys: Vec<(&String, u32)> = hw
        .compute
        .precision_flops
        .iter()
        .map(|(k, s)| (k, s.leaf))
        .collect();
    keys.sort_by_key(|&(_, leaf)| leaf);
    let list = keys
        .iter()
        .map(|(k, _)| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let warning = format!(
        "Precision '{}' not in {} precision_flops (available: [{list}]); using default peak_flops (FP16). Results may be inaccurate.",
        precision.key(),
        hw.name
    );
    (peak, Some(warning))
}

/// A model lowered to per-sample operations and weight bytes (`Workload.lower`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lowered {
    /// Operations per sample (token, sequence or image).
    pub ops: Operations,
    /// Weight bytes W.
    pub weights: Information,
}

fn invalid(what: &str, message: String) -> SolveError {
    SolveError::Invalid {
        what: what.to_string(),
        message,
    }
}

/// Total parameters of a model, or an error naming the model.
pub fn parameters(model: &Model, lineage: &mut Lineage) -> Result<f64, SolveError> {
    lineage
        .read_opt(model.parameters)
        .ok_or_else(|| invalid("model", format!("model `{}` has no parameters", model.key)))
}

/// Lowers a model at a precision: ops per sample and weight bytes, per workload family.
pub fn lower(
    model: &Model,
    precision: Precision,
    lineage: &mut Lineage,
) -> Result<Lowered, SolveError> {
    let b: Information = base(precision.bytes());
    let flops = lineage.read_opt(model.inference_flops);
    let params = lineage.read_opt(model.parameters);
    if model.model_type == ModelType::Workload && params.is_none() {
        if let Some(size) = lineage.read_opt(model.model_size) {
            return Ok(Lowered {
                ops: flops.unwrap_or(base(0.0)),
                weights: size,
            });
        }
    }
    let p = params.ok_or_else(|| {
        invalid(
            "model",
            format!("model `{}` has no parameters or model_size", model.key),
        )
    })?;
    lineage.formula("model_memory");
    let mut weights = mem::model_weights(p, b);
    if flops.is_none() {
        lineage.formula("transformer_decode_flops");
    }
    let decode = |n: f64| crate::calc::formulas::scaling::transformer_decode_flops(n, 1.0);
    let ops = match model.model_type {
        ModelType::Cnn => flops.ok_or_else(|| {
            invalid(
                "model",
                format!("CNN `{}` has no inference_flops", model.key),
            )
        })?,
        ModelType::SparseTransformer => match flops {
            Some(f) => f,
            None => decode(lineage.read_opt(model.active_parameters).unwrap_or(p)),
        },
        ModelType::Diffusion => {
            let steps = lineage.read_opt(model.denoising_steps).unwrap_or(1.0);
            flops.unwrap_or_else(|| decode(p)) * steps
        }
        _ => flops.unwrap_or_else(|| decode(p)),
    };
    if model.model_type == ModelType::Transformer
        && matches!(precision, Precision::Fp16 | Precision::Bf16)
    {
        if let Some(size) = lineage.read_opt(model.model_size) {
            weights = size;
        }
    }
    Ok(Lowered { ops, weights })
}

/// Whether a model has mlsysim's transformer memory model (`training_memory`).
pub fn is_transformer(model: &Model) -> bool {
    matches!(
        model.model_type,
        ModelType::Transformer | ModelType::SparseTransformer
    )
}

/// Inputs of [`training_footprint`] beyond the model and calibration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainingSetup {
    /// Precision.
    pub precision: Precision,
    /// Micro-batch.
    pub batch_size: f64,
    /// Sequence length.
    pub seq_len: f64,
    /// Activation strategy.
    pub strategy: mem::ActivationStrategy,
    /// ZeRO stage.
    pub zero_stage: u32,
    /// DP ranks for ZeRO.
    pub dp_size: f64,
    /// LoRA.
    pub is_lora: bool,
}

/// Training memory of a transformer (`TransformerWorkload.training_memory`).
pub fn transformer_training_memory(
    model: &Model,
    cal: &Calibration,
    s: TrainingSetup,
    lineage: &mut Lineage,
) -> Result<mem::TrainingMemory, SolveError> {
    let p = parameters(model, lineage)?;
    let layers = lineage.read_opt(model.layers).ok_or_else(|| {
        invalid(
            "model",
            format!("transformer `{}` has no layers", model.key),
        )
    })?;
    let hidden = match lineage.read_opt(model.hidden_dim) {
        Some(h) => h,
        None => lineage.read(cal.fallback_hidden_dim),
    };
    let heads = lineage.read_opt(model.heads);
    let lora_fraction = if s.is_lora {
        lineage.formula("lora_trainable_fraction");
        Some(mem::lora_trainable_fraction(
            lineage.read(cal.lora_rank),
            hidden,
            layers,
            p,
        ))
    } else {
        None
    };
    lineage.formula("training_memory");
    lineage.formula("activation_memory");
    mem::transformer_training_memory(mem::TrainingMemoryInputs {
        params: p,
        bytes_per_elem: base(s.precision.bytes()),
        optimizer_bytes_per_param: lineage.read(cal.optimizer_bytes_adam),
        shape: mem::ActivationShape {
            layers,
            seq_len: s.seq_len,
            batch: s.batch_size,
            hidden_dim: hidden,
            heads,
        },
        strategy: s.strategy,
        zero_stage: s.zero_stage,
        dp_size: s.dp_size,
        lora_fraction,
    })
}

/// Training footprint as `Engine.solve` computes it: the transformer memory model, else
/// 2·W + 12·(W/b) (or 1.1·W with LoRA).
pub fn training_footprint(
    model: &Model,
    lowered: &Lowered,
    cal: &Calibration,
    s: TrainingSetup,
    lineage: &mut Lineage,
) -> Result<Information, SolveError> {
    if is_transformer(model) {
        return Ok(transformer_training_memory(model, cal, s, lineage)?.total());
    }
    lineage.formula("fallback_training_memory");
    let lora = if s.is_lora {
        Some(lineage.read(cal.lora_memory_overhead))
    } else {
        None
    };
    Ok(mem::fallback_training_memory(
        lowered.weights,
        base(s.precision.bytes()),
        lineage.read(cal.optimizer_bytes_adam),
        lora,
    ))
}

/// Offload bandwidth when a model spills out of device memory: min(HBM, host link one-way, or
/// the calibrated PCIe fallback).
pub fn offload_bandwidth(hw: &Hardware, cal: &Calibration, lineage: &mut Lineage) -> Bandwidth {
    let hbm = lineage.read(hw.bandwidth());
    let link = match &hw.interconnect {
        Some(l) => {
            lineage.read(l.bandwidth);
            l.bandwidth_per_direction()
        }
        None => lineage.read(cal.fallback_pcie_bandwidth),
    };
    if link < hbm {
        link
    } else {
        hbm
    }
}

/// Bandwidth of the memory path: offload if infeasible, else SRAM when the weights fit in it,
/// else flash when the device streams weights from flash, else main memory.
fn memory_path(
    hw: &Hardware,
    weights: Information,
    feasible: bool,
    cal: &Calibration,
    lineage: &mut Lineage,
) -> Bandwidth {
    if !feasible {
        return offload_bandwidth(hw, cal, lineage);
    }
    if let Some(sram) = &hw.sram {
        if let (Some(cap), Some(bw)) = (sram.capacity, sram.bandwidth) {
            if weights <= lineage.read(cap) {
                return lineage.read(bw);
            }
        }
    }
    if let Some(bw) = hw.flash.as_ref().and_then(|f| f.bandwidth) {
        return lineage.read(bw);
    }
    lineage.read(hw.bandwidth())
}

/// The smallest efficiency mlsysim's `Engine.solve` and `DistributedModel` accept
/// (`validate_range(efficiency, 1e-9, 1.0)`): a validation bound, not a calibration.
pub const MIN_EFFICIENCY: f64 = 1e-9;

fn validate(opts: &RooflineOptions, efficiency: f64) -> Result<(), SolveError> {
    if !(MIN_EFFICIENCY..=1.0).contains(&efficiency) {
        return Err(invalid(
            "efficiency",
            format!(
                "roofline: efficiency must be in [1e-09, 1.0], got {}",
                crate::calc::formulas::args::py_float(efficiency)
            ),
        ));
    }
    if opts.batch_size < 1 {
        return Err(invalid(
            "batch_size",
            "roofline: batch_size must be >= 1, got 0".into(),
        ));
    }
    if opts.dp_size < 1 {
        return Err(invalid(
            "dp_size",
            "roofline: dp_size must be >= 1, got 0".into(),
        ));
    }
    if opts.seq_len == Some(0) {
        return Err(invalid(
            "seq_len",
            "roofline: seq_len must be >= 1, got 0".into(),
        ));
    }
    Ok(())
}

/// Formats a float as Python's `repr` does (`16.06`, `85.0`, `1e-05`).
pub fn py_float(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return if x.is_nan() {
            "nan".into()
        } else if x.is_infinite() {
            if x > 0.0 {
                "inf".into()
            } else {
                "-inf".into()
            }
        } else {
            "0.0".into()
        };
    }
    let exp = x.abs().log10().floor() as i32;
    if !(-4..16).contains(&exp) {
        let s = format!("{x:e}");
        let (mant, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        let sign = if e < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", e.abs());
    }
    let s = format!("{x}");
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

/// mlsysim's memory-wall trace line.
pub fn memory_wall_trace(
    required: Information,
    capacity: Information,
    device: &str,
    detail: &str,
) -> String {
    let gb = |x: Information| py_float(x.get::<information::gigabyte>());
    if required <= capacity {
        format!(
            "Memory Wall: Passed. Required {} GB{detail} <= Available {} GB on {device}.",
            gb(required),
            gb(capacity)
        )
    } else {
        format!(
            "Memory Wall: FAILED. Required {} GB{detail} > Available {} GB on {device}.",
            gb(required),
            gb(capacity)
        )
    }
}

/// Solves the roofline profile of `model` on `hw`.
pub fn solve(
    model: &Model,
    hw: &Hardware,
    cal: &Calibration,
    opts: &RooflineOptions,
) -> Result<RooflineResult, SolveError> {
    let mut lin = Lineage::new(SOLVER);
    let efficiency = match opts.efficiency {
        Some(e) => e,
        None => lin.read(cal.default_efficiency),
    };
    validate(opts, efficiency)?;
    let seq_len = match opts.seq_len {
        Some(s) => s as f64,
        None => lin.read(cal.default_seq_len),
    };
    let batch = opts.batch_size as f64;
    let (peak, warning) = precision_peak(hw, opts.precision, &mut lin);
    let lowered = lower(model, opts.precision, &mut lin)?;

    let model_mult = if opts.is_training {
        perf::training_ops_multiplier(false)
    } else {
        1.0
    };
    let hw_mult = if opts.is_training {
        perf::training_ops_multiplier(opts.activation_recomputation)
    } else {
        1.0
    };
    let batch_ops = lowered.ops * (hw_mult * batch);
    let model_ops = lowered.ops * (model_mult * batch);

    let mut breakdown = None;
    let footprint = if opts.is_training {
        let strategy = if opts.activation_recomputation {
            mem::ActivationStrategy::Full
        } else {
            mem::ActivationStrategy::None
        };
        let setup = TrainingSetup {
            precision: opts.precision,
            batch_size: batch,
            seq_len,
            strategy,
            zero_stage: opts.zero_stage,
            dp_size: opts.dp_size as f64,
            is_lora: opts.is_lora,
        };
        if is_transformer(model) {
            let b = transformer_training_memory(model, cal, setup, &mut lin)?;
            breakdown = Some(b);
            b.total()
        } else {
            training_footprint(model, &lowered, cal, setup, &mut lin)?
        }
    } else {
        lowered.weights
    };
    let capacity = lin.read(hw.capacity());
    let feasible = footprint <= capacity;
    let bw = memory_path(hw, lowered.weights, feasible, cal, &mut lin);
    let (spill, offload_bw) = if feasible {
        (None, None)
    } else {
        (Some(footprint - capacity), Some(bw))
    };

    lin.formula("roofline_memory_traffic");
    lin.formula("bottleneck");
    let bytes =
        perf::roofline_memory_traffic(lowered.weights, batch, lin.read(cal.activation_io_fraction));
    let effective_peak = peak * efficiency;
    let roof = perf::calc_bottleneck(batch_ops, bytes, effective_peak, bw);
    let (t_c, t_m) = (roof.compute, roof.memory);

    lin.formula("framework_overhead");
    let layers = lin.read_opt(model.layers).unwrap_or(1.0);
    let overhead = perf::framework_overhead(
        lin.read(hw.dispatch_tax),
        layers,
        lin.read(cal.framework_layer_tax),
        opts.is_training,
    );
    let busy = if t_c > t_m { t_c } else { t_m };
    let latency = busy + overhead;
    let throughput: Frequency = if latency.value > 0.0 {
        base(batch / latency.value)
    } else {
        base(0.0)
    };

    lin.formula("flops_utilization");
    let mfu = perf::flops_utilization(model_ops, latency, peak);
    let hfu = perf::flops_utilization(batch_ops, latency, peak);
    let energy = match lin.read_opt(hw.tdp) {
        Some(tdp) => {
            lin.formula("energy_per_batch");
            let (idle, dynamic) = (
                lin.read(cal.energy_idle_fraction),
                lin.read(cal.energy_dynamic_fraction),
            );
            perf::energy_per_batch(tdp, idle, dynamic, hfu, latency)
        }
        None => base(0.0),
    };

    Ok(RooflineResult {
        latency,
        latency_compute: t_c,
        latency_memory: t_m,
        latency_overhead: overhead,
        throughput,
        bottleneck: roof.bottleneck,
        arithmetic_intensity: roof.intensity,
        energy,
        memory_footprint: footprint,
        memory_breakdown: breakdown,
        peak_flops_actual: effective_peak,
        peak_bw_actual: bw,
        mfu,
        hfu,
        feasible,
        overhead_dominated: overhead > busy,
        offload_spill_bytes: spill,
        offload_effective_bw: offload_bw,
        capacity,
        lineage: lin,
        warnings: warning.into_iter().collect(),
    })
}

/// Reads the precision parameter (default fp16).
pub fn read_precision(r: &ParamReader) -> Result<Precision, SolveError> {
    r.text("precision")?
        .map(Precision::parse)
        .transpose()
        .map(|p| p.unwrap_or(Precision::Fp16))
}

/// Runs the solver on named parameters.
pub fn run(reg: &Registry, params: &Params) -> Result<SolveOutput, SolveError> {
    let r = ParamReader::declared(SOLVER, params);
    let model = reg.model(r.required_text("model")?)?;
    let hw = reg.hardware(r.required_text("hardware")?)?;
    let opts = RooflineOptions {
        batch_size: r.positive_int("batch_size")?.unwrap_or(1),
        precision: read_precision(&r)?,
        efficiency: r.number("efficiency")?,
        is_training: r.bool("is_training")?.unwrap_or(false),
        seq_len: r.positive_int("seq_len")?,
        zero_stage: r.nonneg_int("zero_stage")?.unwrap_or(0) as u32,
        dp_size: r.positive_int("dp_size")?.unwrap_or(1),
        is_lora: r.bool("is_lora")?.unwrap_or(false),
        activation_recomputation: r.bool("activation_recomputation")?.unwrap_or(false),
    };
    let mut res = solve(model, hw, &reg.calibration, &opts)?;
    res.lineage.input("batch_size", opts.batch_size);
    res.lineage.input("precision", opts.precision.key());
    res.lineage.input("is_training", opts.is_training);
    let outputs = outputs(&res);
    Ok(SolveOutput {
        outputs,
        lineage: res.lineage,
        warnings: res.warnings,
    })
}

/// The outputs of a profile under mlsysim's names.
pub fn outputs(res: &RooflineResult) -> Vec<(&'static str, Out)> {
    let v = |x: Value| Out::Value(x);
    let part = |f: fn(&mem::TrainingMemory) -> Information| {
        res.memory_breakdown
            .as_ref()
            .map_or(Out::Missing, |b| Out::Value(f(b).value()))
    };
    vec![
        ("latency", v(res.latency.value())),
        ("latency_compute", v(res.latency_compute.value())),
        ("latency_memory", v(res.latency_memory.value())),
        ("latency_overhead", v(res.latency_overhead.value())),
        ("throughput", v(res.throughput.value())),
        ("bottleneck", Out::Label(res.bottleneck.label().into())),
        ("arithmetic_intensity", v(res.arithmetic_intensity.value())),
        ("energy", v(res.energy.value())),
        ("memory_footprint", v(res.memory_footprint.value())),
        ("weights_memory", part(|b| b.weights)),
        ("gradients_memory", part(|b| b.gradients)),
        ("optimizer_memory", part(|b| b.optimizer)),
        ("activations_memory", part(|b| b.activations)),
        ("peak_flops_actual", v(res.peak_flops_actual.value())),
        ("peak_bw_actual", v(res.peak_bw_actual.value())),
        ("mfu", Out::number(res.mfu)),
        ("hfu", Out::number(res.hfu)),
        ("feasible", Out::Bool(res.feasible)),
        ("overhead_dominated", Out::Bool(res.overhead_dominated)),
        (
            "offload_spill_bytes",
            res.offload_spill_bytes
                .map_or(Out::Missing, |s| Out::Value(s.value())),
        ),
        (
            "offload_effective_bw",
            res.offload_effective_bw
                .map_or(Out::Missing, |b| Out::Value(b.value())),
        ),
    ]
}
