//! Formulas: performance — roofline terms, bottleneck, ridge point, utilization (MFU/HFU), energy
//! per batch, fiber round-trip time, prefill FLOPs and speculative decoding. (Amdahl's law lives in
//! `queueing`, decode FLOPs in `scaling`.)

use super::FormulaDef;
use crate::base::units::*;
use crate::calc::params::{Out, ParamReader, Precision, SolveError};
use crate::registry::types::Hardware;

/// Signal speed in optical fiber (≈ 2/3 c), km/s (`SPEED_OF_LIGHT_FIBER_KM_S`).
pub const SPEED_OF_LIGHT_FIBER_KM_S: f64 = 200_000.0;

/// Times below this many milliseconds count as zero in [`calc_bottleneck`] (mlsysim's epsilon).
const BOTTLENECK_EPSILON_MS: f64 = 1e-15;

/// Which roofline ceiling binds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bottleneck {
    /// Compute-bound (also the tie).
    Compute,
    /// Memory-bound.
    Memory,
}

impl Bottleneck {
    /// mlsysim's label: "Compute" or "Memory".
    pub fn label(self) -> &'static str {
        match self {
            Bottleneck::Compute => "Compute",
            Bottleneck::Memory => "Memory",
        }
    }
}

/// Result of [`calc_bottleneck`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BottleneckAnalysis {
    /// T_compute = ops / peak.
    pub compute: Time,
    /// T_memory = bytes / bandwidth.
    pub memory: Time,
    /// The binding ceiling.
    pub bottleneck: Bottleneck,
    /// Slower time over the faster one (≥ 1; ∞ when the faster one is zero).
    pub ratio: f64,
    /// Arithmetic intensity ops / bytes.
    pub intensity: ArithmeticIntensity,
}

/// Roofline bottleneck (Williams et al. 2009): T_c = ops/F, T_m = bytes/BW; "Memory" iff T_m > T_c
/// (a tie is "Compute"); both ≈ 0 → "Compute" with ratio 1.
pub fn calc_bottleneck(
    ops: Operations,
    bytes: Information,
    flops: ComputeRate,
    bw: Bandwidth,
) -> BottleneckAnalysis {
    let compute: Time = ops / flops;
    let memory: Time = bytes / bw;
    let (tc, tm) = (
        compute.get::<time::millisecond>(),
        memory.get::<time::millisecond>(),
    );
    let intensity = arithmetic_intensity(ops, bytes);
    if tc < BOTTLENECK_EPSILON_MS && tm < BOTTLENECK_EPSILON_MS {
        return BottleneckAnalysis {
            compute,
            memory,
            bottleneck: Bottleneck::Compute,
            ratio: 1.0,
            intensity,
        };
    }
    let memory_bound = tm > tc;
    let ratio = if memory_bound { tm / tc } else { tc / tm };
    let bottleneck = if memory_bound {
        Bottleneck::Memory
    } else {
        Bottleneck::Compute
    };
    BottleneckAnalysis {
        compute,
        memory,
        bottleneck,
        ratio,
        intensity,
    }
}

/// Arithmetic intensity ops / bytes (0 when there are no ops, ∞ when there are no bytes).
pub fn arithmetic_intensity(ops: Operations, bytes: Information) -> ArithmeticIntensity {
    if ops.value == 0.0 {
        base(0.0)
    } else if bytes.value == 0.0 {
        base(f64::INFINITY)
    } else {
        ops / bytes
    }
}

/// Ridge point of a device: F / BW_HBM, with F = `precision_flops[p]` or `peak_flops`
/// (`HardwareNode.ridge_point(precision=None)`).
pub fn ridge_point(hw: &Hardware, precision: Option<Precision>) -> ArithmeticIntensity {
    let peak = precision
        .and_then(|p| hw.compute.precision_flops.get(p.key()))
        .map(|s| s.v)
        .unwrap_or(hw.compute.peak_flops.v);
    ridge(peak, hw.bandwidth().v)
}

/// Ridge point F / BW in FLOP/byte: the intensity where compute and memory time are equal.
pub fn ridge(peak: ComputeRate, bw: Bandwidth) -> ArithmeticIntensity {
    peak / bw
}

/// Compute time T = ops / (F·η).
pub fn compute_time(ops: Operations, peak: ComputeRate, efficiency: f64) -> Time {
    ops / (peak * efficiency)
}

/// Memory traffic of the Engine roofline: bytes = W + f·W·B, where f is the heuristic activation
/// I/O per sample as a fraction of the weights (mlsysim: 0.1).
pub fn roofline_memory_traffic(
    weights: Information,
    batch: f64,
    activation_io_fraction: f64,
) -> Information {
    weights + weights * activation_io_fraction * batch
}

/// Transfer time T = bytes / BW.
pub fn transfer_time(bytes: Information, bw: Bandwidth) -> Time {
    bytes / bw
}

/// Operations of one training step relative to inference: 3× (forward + 2 backward), 4× with
/// activation recomputation (one more forward).
pub fn training_ops_multiplier(recompute: bool) -> f64 {
    if recompute {
        4.0
    } else {
        3.0
    }
}

/// Kernel launches of a step relative to inference: 3× in training (forward, grad-W, grad-A).
pub fn launch_multiplier(training: bool) -> f64 {
    if training {
        3.0
    } else {
        1.0
    }
}

/// Software overhead T = dispatch_tax + L · tax_per_layer · (3 if training else 1).
pub fn framework_overhead(
    dispatch_tax: Time,
    layers: f64,
    tax_per_layer: Time,
    training: bool,
) -> Time {
    dispatch_tax + tax_per_layer * (layers * launch_multiplier(training))
}

/// FLOP utilization (MFU or HFU) = ops / latency / F, clamped to [0, 1]; 0 if latency or F is 0.
pub fn flops_utilization(ops: Operations, latency: Time, peak: ComputeRate) -> f64 {
    if latency.value <= 0.0 || peak.value <= 0.0 {
        return 0.0;
    }
    let achieved: ComputeRate = ops / latency;
    (achieved.value / peak.value).clamp(0.0, 1.0)
}

/// Energy-proportional device energy E = TDP·(idle + dynamic·u)·t (Barroso & Hölzle 2007).
pub fn energy_per_batch(
    tdp: Power,
    idle_fraction: f64,
    dynamic_fraction: f64,
    utilization: f64,
    latency: Time,
) -> Energy {
    tdp * (idle_fraction + dynamic_fraction * utilization) * latency
}

/// Physical round-trip latency floor of a fiber link: RTT = 2·d / v_fiber.
pub fn network_rtt(distance: Length) -> Time {
    let v: Velocity = base(SPEED_OF_LIGHT_FIBER_KM_S * 1e3);
    distance * 2.0 / v
}

/// Prompt prefill FLOPs of the physics library: 2·P·S + (2 if causal else 4)·L·d·S² (attention term
/// only when L and d are given).
pub fn transformer_prefill_flops(
    params: f64,
    seq_len: f64,
    layers: Option<f64>,
    hidden_dim: Option<f64>,
    causal: bool,
) -> Operations {
    let linear = 2.0 * params * seq_len;
    let attention = match (layers, hidden_dim) {
        (Some(l), Some(d)) => (if causal { 2.0 } else { 4.0 }) * l * d * seq_len * seq_len,
        _ => 0.0,
    };
    base(linear + attention)
}

/// Geometry of the ServingModel prefill: layers L, heads H and head width d_h = hidden // H.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AttentionGeometry {
    /// Layers.
    pub layers: f64,
    /// Attention heads.
    pub heads: f64,
    /// Head width.
    pub head_dim: f64,
}

/// ServingModel prefill FLOPs for `tokens` new tokens attending over a context of `context`:
/// 2·P·n·B + 4·L·H·d_h·n·S·B (non-causal, P = total parameters).
pub fn serving_prefill_flops(
    params: f64,
    tokens: f64,
    context: f64,
    batch: f64,
    g: AttentionGeometry,
) -> Operations {
    let linear = 2.0 * params * tokens * batch;
    let attention = 4.0 * g.layers * g.heads * g.head_dim * tokens * context * batch;
    base(linear + attention)
}

/// Expected tokens per speculative-decoding step (Leviathan et al. 2023):
/// E = 1 + α(1 − α^K)/(1 − α), and 1 + K when α = 1.
pub fn speculative_expected_tokens(alpha: f64, k: f64) -> f64 {
    if alpha < 1.0 {
        1.0 + alpha * (1.0 - alpha.powf(k)) / (1.0 - alpha)
    } else {
        1.0 + k
    }
}

// ---------------------------------------------------------------------------------------------
// Callable-by-name wrappers.

fn invalid(what: &str, message: String) -> SolveError {
    SolveError::Invalid {
        what: what.to_string(),
        message,
    }
}

/// A required plain number.
pub(crate) fn req_number(r: &ParamReader, name: &str) -> Result<f64, SolveError> {
    r.number(name)?
        .ok_or_else(|| invalid(name, format!("`{name}` is required")))
}

/// A required quantity of type `T`; a bare number is read in `bare_unit`.
pub(crate) fn req_qty<T: Typed>(
    r: &ParamReader,
    name: &str,
    bare_unit: &str,
) -> Result<T, SolveError> {
    opt_qty(r, name, bare_unit)?.ok_or_else(|| invalid(name, format!("`{name}` is required")))
}

/// An optional quantity of type `T`; a bare number is read in `bare_unit`.
pub(crate) fn opt_qty<T: Typed>(
    r: &ParamReader,
    name: &str,
    bare_unit: &str,
) -> Result<Option<T>, SolveError> {
    Ok(r.quantity(name, T::DIM, bare_unit)?
        .map(|v| base::<T>(v.si)))
}

fn eval_bottleneck(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let a = calc_bottleneck(
        req_qty(r, "ops", "FLOP")?,
        req_qty(r, "bytes", "B")?,
        req_qty(r, "flops", "FLOP/s")?,
        req_qty(r, "bw", "B/s")?,
    );
    Ok(vec![
        ("compute_ms", Out::Value(a.compute.value())),
        ("memory_ms", Out::Value(a.memory.value())),
        ("bottleneck", Out::Label(a.bottleneck.label().into())),
        ("ratio", Out::number(a.ratio)),
        ("intensity", Out::Value(a.intensity.value())),
    ])
}

fn eval_ridge(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let x = ridge(
        req_qty(r, "peak_flops", "FLOP/s")?,
        req_qty(r, "bandwidth", "B/s")?,
    );
    Ok(vec![("ridge_point", Out::Value(x.value()))])
}

fn eval_network_latency(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    Ok(vec![(
        "rtt",
        Out::Value(network_rtt(req_qty(r, "distance", "km")?).value()),
    )])
}

fn eval_prefill(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let f = transformer_prefill_flops(
        req_number(r, "n_params")?,
        req_number(r, "seq_len")?,
        r.number("n_layers")?,
        r.number("hidden_dim")?,
        r.bool("causal")?.unwrap_or(true),
    );
    Ok(vec![
        ("flops", Out::Value(f.value())),
        ("prefill_flops", Out::Value(f.value())),
    ])
}

fn eval_speculative(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let (a, k) = (req_number(r, "alpha")?, req_number(r, "k")?);
    if !(0.0..=1.0).contains(&a) {
        return Err(invalid(
            "alpha",
            format!("alpha must be in [0, 1], got {a}"),
        ));
    }
    Ok(vec![(
        "expected_tokens",
        Out::number(speculative_expected_tokens(a, k)),
    )])
}

fn eval_compute_time(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let eta = r.number("efficiency")?.unwrap_or(1.0);
    let t = compute_time(
        req_qty(r, "ops", "FLOP")?,
        req_qty(r, "peak_flops", "FLOP/s")?,
        eta,
    );
    Ok(vec![("time", Out::Value(t.value()))])
}

fn eval_transfer_time(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let t = transfer_time(req_qty(r, "bytes", "B")?, req_qty(r, "bandwidth", "B/s")?);
    Ok(vec![("time", Out::Value(t.value()))])
}

fn eval_memory_traffic(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let b = roofline_memory_traffic(
        req_qty(r, "weights", "B")?,
        req_number(r, "batch_size")?,
        req_number(r, "activation_io_fraction")?,
    );
    Ok(vec![("bytes", Out::Value(b.value()))])
}

fn eval_overhead(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let t = framework_overhead(
        req_qty(r, "dispatch_tax", "ms")?,
        req_number(r, "layers")?,
        req_qty(r, "layer_tax", "ms")?,
        r.bool("is_training")?.unwrap_or(false),
    );
    Ok(vec![("overhead", Out::Value(t.value()))])
}

fn eval_utilization(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let u = flops_utilization(
        req_qty(r, "ops", "FLOP")?,
        req_qty(r, "latency", "s")?,
        req_qty(r, "peak_flops", "FLOP/s")?,
    );
    Ok(vec![("utilization", Out::number(u))])
}

fn eval_energy(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let e = energy_per_batch(
        req_qty(r, "tdp", "W")?,
        req_number(r, "idle_fraction")?,
        req_number(r, "dynamic_fraction")?,
        req_number(r, "utilization")?,
        req_qty(r, "latency", "s")?,
    );
    Ok(vec![("energy", Out::Value(e.value()))])
}

fn eval_serving_prefill(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let g = AttentionGeometry {
        layers: req_number(r, "n_layers")?,
        heads: req_number(r, "n_heads")?,
        head_dim: req_number(r, "head_dim")?,
    };
    let seq = req_number(r, "seq_len")?;
    let new = r.number("new_tokens")?.unwrap_or(seq);
    let batch = r.number("batch_size")?.unwrap_or(1.0);
    let f = serving_prefill_flops(req_number(r, "n_params")?, new, seq, batch, g);
    Ok(vec![("flops", Out::Value(f.value()))])
}

/// `calc_bottleneck`.
pub static BOTTLENECK: FormulaDef = FormulaDef {
    name: "bottleneck",
    mlsysim: "calc_bottleneck",
    equation: "T_c = ops/F, T_m = bytes/BW; Memory iff T_m > T_c; intensity = ops/bytes",
    params: &["ops", "bytes", "flops", "bw"],
    eval: eval_bottleneck,
};

/// `HardwareNode.ridge_point`.
pub static RIDGE_POINT: FormulaDef = FormulaDef {
    name: "ridge_point",
    mlsysim: "ridge_point",
    equation: "I* = F / BW",
    params: &["peak_flops", "bandwidth"],
    eval: eval_ridge,
};

/// `calc_network_latency_ms`.
pub static NETWORK_LATENCY: FormulaDef = FormulaDef {
    name: "network_latency",
    mlsysim: "calc_network_latency_ms",
    equation: "RTT = 2·d / v_fiber, v_fiber = 200,000 km/s",
    params: &["distance"],
    eval: eval_network_latency,
};

/// `calc_transformer_prefill_flops`.
pub static PREFILL_FLOPS: FormulaDef = FormulaDef {
    name: "transformer_prefill_flops",
    mlsysim: "calc_transformer_prefill_flops",
    equation: "FLOPs = 2·P·S + (2 if causal else 4)·L·d·S²",
    params: &["n_params", "seq_len", "n_layers", "hidden_dim", "causal"],
    eval: eval_prefill,
};

/// `calc_speculative_expected_tokens`.
pub static SPECULATIVE_TOKENS: FormulaDef = FormulaDef {
    name: "speculative_expected_tokens",
    mlsysim: "calc_speculative_expected_tokens",
    equation: "E = 1 + α(1 − α^K)/(1 − α); 1 + K if α = 1",
    params: &["alpha", "k"],
    eval: eval_speculative,
};

/// Compute time (`Engine.solve`, `dTime` for one device).
pub static COMPUTE_TIME: FormulaDef = FormulaDef {
    name: "compute_time",
    mlsysim: "compute_time",
    equation: "T = ops / (F·η)",
    params: &["ops", "peak_flops", "efficiency"],
    eval: eval_compute_time,
};

/// Transfer time (memory streaming, KV transfer).
pub static TRANSFER_TIME: FormulaDef = FormulaDef {
    name: "transfer_time",
    mlsysim: "transfer_time",
    equation: "T = bytes / BW",
    params: &["bytes", "bandwidth"],
    eval: eval_transfer_time,
};

/// Engine memory traffic with the activation I/O heuristic.
pub static ROOFLINE_MEMORY_TRAFFIC: FormulaDef = FormulaDef {
    name: "roofline_memory_traffic",
    mlsysim: "Engine.solve memory traffic",
    equation: "bytes = W + f·W·B (f = 0.1: activation I/O per sample)",
    params: &["weights", "batch_size", "activation_io_fraction"],
    eval: eval_memory_traffic,
};

/// Dispatch tax plus per-layer framework tax.
pub static FRAMEWORK_OVERHEAD: FormulaDef = FormulaDef {
    name: "framework_overhead",
    mlsysim: "Engine.solve overhead",
    equation: "T = dispatch_tax + L·tax·(3 if training else 1)",
    params: &["dispatch_tax", "layers", "layer_tax", "is_training"],
    eval: eval_overhead,
};

/// MFU/HFU.
pub static FLOPS_UTILIZATION: FormulaDef = FormulaDef {
    name: "flops_utilization",
    mlsysim: "Engine.solve mfu/hfu",
    equation: "U = clamp01(ops / latency / F)",
    params: &["ops", "latency", "peak_flops"],
    eval: eval_utilization,
};

/// Energy-proportional energy of one batch.
pub static ENERGY_PER_BATCH: FormulaDef = FormulaDef {
    name: "energy_per_batch",
    mlsysim: "Engine.solve energy",
    equation: "E = TDP·(idle + dynamic·U)·t",
    params: &[
        "tdp",
        "idle_fraction",
        "dynamic_fraction",
        "utilization",
        "latency",
    ],
    eval: eval_energy,
};

/// ServingModel prefill FLOPs.
pub static SERVING_PREFILL_FLOPS: FormulaDef = FormulaDef {
    name: "serving_prefill_flops",
    mlsysim: "ServingModel.solve prefill",
    equation: "FLOPs = 2·P·n·B + 4·L·H·d_h·n·S·B",
    params: &[
        "n_params",
        "new_tokens",
        "seq_len",
        "batch_size",
        "n_layers",
        "n_heads",
        "head_dim",
    ],
    eval: eval_serving_prefill,
};

/// The formulas of this module, callable by name.
pub const CATALOG: &[&FormulaDef] = &[
    &BOTTLENECK,
    &RIDGE_POINT,
    &NETWORK_LATENCY,
    &PREFILL_FLOPS,
    &SPECULATIVE_TOKENS,
    &COMPUTE_TIME,
    &TRANSFER_TIME,
    &ROOFLINE_MEMORY_TRAFFIC,
    &FRAMEWORK_OVERHEAD,
    &FLOPS_UTILIZATION,
    &ENERGY_PER_BATCH,
    &SERVING_PREFILL_FLOPS,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn q<T: Typed>(s: &str) -> T {
        parse_quantity(s).unwrap().typed().unwrap()
    }

    #[test]
    fn bottleneck_golden() {
        let a = calc_bottleneck(q("1 TFLOP"), q("1 GB"), q("989 TFLOP/s"), q("3.35 TB/s"));
        assert_eq!(a.bottleneck, Bottleneck::Compute);
        assert!((a.compute.get::<time::millisecond>() - 1.011_122_345_803_842_3).abs() < 1e-12);
        assert!((a.ratio - 3.387_259_858_442_872).abs() < 1e-12);
        assert!((a.intensity.value - 1000.0).abs() < 1e-9);
    }

    #[test]
    fn rtt_1000km_is_10ms() {
        let t = network_rtt(q("1000 km"));
        assert!((t.get::<time::millisecond>() - 10.0).abs() < 1e-12);
    }

    #[test]
    fn speculative_tokens() {
        assert_eq!(speculative_expected_tokens(1.0, 4.0), 5.0);
        assert!(
            (speculative_expected_tokens(0.7, 4.0) - (1.0 + 0.7 * (1.0 - 0.7f64.powi(4)) / 0.3))
                .abs()
                < 1e-12
        );
    }
}
