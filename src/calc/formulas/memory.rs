//! Formulas: memory — model weights, KV cache (standard, MLA, paged), activation memory
//! (Korthikanti et al. 2023) and training memory (weights, gradients, optimizer, LoRA, ZeRO).

use super::performance::{req_number, req_qty};
use super::FormulaDef;
use crate::base::units::*;
use crate::calc::params::{Out, ParamReader, SolveError};

/// Weight memory: bytes = P · b.
pub fn model_weights(params: f64, bytes_per_param: Information) -> Information {
    bytes_per_param * params
}

/// KV cache of autoregressive decoding: 2 · L · H_kv · d · S · B · b.
pub fn kv_cache_size(
    layers: f64,
    kv_heads: f64,
    head_dim: f64,
    seq_len: f64,
    batch: f64,
    bytes_per_elem: Information,
) -> Information {
    bytes_per_elem * (2.0 * layers * kv_heads * head_dim * seq_len * batch)
}

/// Multi-head latent attention cache (DeepSeek-V2/V3): L · (r_kv + r_rope) · S · B · b (no factor 2).
pub fn mla_cache_size(
    layers: f64,
    kv_lora_rank: f64,
    rope_dim: f64,
    seq_len: f64,
    batch: f64,
    bytes_per_elem: Information,
) -> Information {
    bytes_per_elem * (layers * (kv_lora_rank + rope_dim) * seq_len * batch)
}

/// Geometry of a paged KV cache.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PagedKv {
    /// Layers L.
    pub layers: f64,
    /// KV heads H.
    pub kv_heads: f64,
    /// Head width d.
    pub head_dim: f64,
    /// Tokens per page p.
    pub page_tokens: f64,
}

/// PagedAttention KV cache (Kwon et al. 2023): 2·L·H·d·⌈S/p⌉p·B·b, and the internal fragmentation
/// (⌈S/p⌉p − S)/(⌈S/p⌉p).
pub fn paged_kv_cache_size(
    g: PagedKv,
    seq_len: f64,
    batch: f64,
    bytes_per_elem: Information,
) -> (Information, f64) {
    let padded = (seq_len / g.page_tokens).ceil() * g.page_tokens;
    let frag = if padded > 0.0 {
        (padded - seq_len).max(0.0) / padded
    } else {
        0.0
    };
    (
        kv_cache_size(
            g.layers,
            g.kv_heads,
            g.head_dim,
            padded,
            batch,
            bytes_per_elem,
        ),
        frag,
    )
}

/// Iteration cap of [`capped_exponential_scale`] (a numerical method setting; the safeguarded
/// Newton iteration below converges in well under ten steps).
const CAPPED_EXPONENTIAL_STEPS: usize = 100;

/// The scale μ of exponential request lengths cut off at `max_tokens` whose capped mean is
/// `mean_tokens` (mlsysim's `calc_capped_exponential_scale`): E[min(X, S_max)] = μ(1 − e^(−S_max/μ)).
/// With t = S_max/μ the capped share ρ = mean/S_max is (1 − e^(−t))/t, which falls from 1 to 0, so
/// the root lies in (0, 1/ρ). mlsysim bisects that bracket 100 times; here Newton's method keeps to
/// the same bracket (falling back to bisection when a step leaves it) and stops when a step no
/// longer moves t, which reaches the same root to full `f64` precision in a few steps. Infinite at
/// `mean_tokens == max_tokens` (every request fills the window). The caller checks
/// `0 < mean_tokens ≤ max_tokens`.
pub fn capped_exponential_scale(mean_tokens: f64, max_tokens: f64) -> f64 {
    let rho = mean_tokens / max_tokens;
    if rho >= 1.0 {
        return f64::INFINITY;
    }
    let share = |t: f64| -(-t).exp_m1() / t;
    let (mut lo, mut hi) = (0.0_f64, 1.0 / rho);
    // Start near the root: t ≈ (1 − e^(−1/ρ))/ρ for a short mean (e^(−t) small), and the series
    // 1 − t/2 + … ≈ ρ, t ≈ 2(1 − ρ)/ρ, for a mean near the window.
    let mut t = if rho < 0.5 {
        -(-hi).exp_m1() * hi
    } else {
        2.0 * (1.0 - rho) * hi
    };
    for _ in 0..CAPPED_EXPONENTIAL_STEPS {
        let f = share(t) - rho;
        if f > 0.0 {
            lo = t;
        } else {
            hi = t;
        }
        // d/dt (1 − e^(−t))/t = (t·e^(−t) + expm1(−t)) / t².
        let slope = (t * (-t).exp() + (-t).exp_m1()) / (t * t);
        let newton = t - f / slope;
        let next = if (lo..=hi).contains(&newton) {
            newton
        } else {
            0.5 * (lo + hi)
        };
        // Near the root f is round-off, so Newton wanders by a few ulps: stop within 8 of them.
        let done = (next - t).abs() <= 8.0 * f64::EPSILON * t;
        t = next;
        if done {
            break;
        }
    }
    max_tokens / t
}

/// Expected KV tokens a paged allocator holds per request, and the unused share of that
/// allocation (mlsysim's `calc_expected_paged_kv_tokens`, Kwon et al. 2023): a request of S tokens
/// holds ⌈S/p⌉ blocks; with S capped-exponential ([`capped_exponential_scale`]),
/// E[⌈S/p⌉] = (1 − r^K)/(1 − r), r = e^(−p/μ), K = ⌈S_max/p⌉ (K in the fixed-length limit).
pub fn expected_paged_kv_tokens(
    mean_tokens: f64,
    max_seq_len: f64,
    page_tokens: f64,
) -> (f64, f64) {
    let mu = capped_exponential_scale(mean_tokens, max_seq_len);
    let max_blocks = (max_seq_len / page_tokens).ceil();
    let blocks = if mu.is_infinite() {
        max_blocks
    } else {
        let s = page_tokens / mu;
        (-max_blocks * s).exp_m1() / (-s).exp_m1()
    };
    let allocated = page_tokens * blocks;
    (allocated, (1.0 - mean_tokens / allocated).max(0.0))
}

/// Activation recomputation strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivationStrategy {
    /// Keep everything, including the attention scores.
    None,
    /// Recompute the attention matrices.
    Selective,
    /// Recompute everything; keep layer inputs only.
    Full,
}

impl ActivationStrategy {
    /// Parses `none`, `selective` or `full`.
    pub fn parse(s: &str) -> Result<ActivationStrategy, SolveError> {
        match s {
            "none" => Ok(ActivationStrategy::None),
            "selective" => Ok(ActivationStrategy::Selective),
            "full" => Ok(ActivationStrategy::Full),
            _ => Err(SolveError::Invalid {
                what: "strategy".into(),
                message: format!(
                    "Unknown activation strategy '{s}'; expected 'none', 'selective', or 'full'."
                ),
            }),
        }
    }
}

/// Shape of a transformer training step, for [`activation_memory`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ActivationShape {
    /// Layers L (per device).
    pub layers: f64,
    /// Sequence length s.
    pub seq_len: f64,
    /// Micro-batch b.
    pub batch: f64,
    /// Hidden dimension h.
    pub hidden_dim: f64,
    /// Attention heads a (required for strategy "none").
    pub heads: Option<f64>,
}

/// Activation memory (Korthikanti et al. 2023, §4.1), per layer × L × (bytes/2):
/// none 34·s·b·h + 5·a·s²·b; selective 34·s·b·h; full 2·s·b·h.
pub fn activation_memory(
    shape: ActivationShape,
    precision_bytes: f64,
    strategy: ActivationStrategy,
) -> Result<Information, SolveError> {
    let ActivationShape {
        layers,
        seq_len: s,
        batch: b,
        hidden_dim: h,
        heads,
    } = shape;
    if layers < 1.0 {
        return Err(SolveError::Invalid {
            what: "n_layers".into(),
            message: format!("n_layers must be >= 1, got {layers}"),
        });
    }
    let scale = precision_bytes / 2.0;
    let per_layer = match strategy {
        ActivationStrategy::Full => 2.0 * s * b * h * scale,
        ActivationStrategy::Selective => 34.0 * s * b * h * scale,
        ActivationStrategy::None => {
            let a = heads.ok_or_else(|| SolveError::Invalid {
                what: "n_heads".into(),
                message: "strategy='none' requires n_heads: the dominant 5*a*s^2*b attention term scales with the head count (Korthikanti et al. 2023, Sec. 4.1).".into(),
            })?;
            (34.0 * s * b * h + 5.0 * a * s * s * b) * scale
        }
    };
    Ok(base(layers * per_layer))
}

/// LoRA trainable fraction: min(2·r·d·4L / P, 1) (adapters on the q, k, v, o projections).
pub fn lora_trainable_fraction(rank: f64, hidden_dim: f64, layers: f64, params: f64) -> f64 {
    (2.0 * rank * hidden_dim * (4.0 * layers) / params).min(1.0)
}

/// Inputs of [`transformer_training_memory`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainingMemoryInputs {
    /// Parameters P.
    pub params: f64,
    /// Bytes per weight/gradient element b.
    pub bytes_per_elem: Information,
    /// Optimizer state per parameter (Adam: 12 B).
    pub optimizer_bytes_per_param: Information,
    /// Activation shape.
    pub shape: ActivationShape,
    /// Recomputation strategy.
    pub strategy: ActivationStrategy,
    /// ZeRO stage (0–3).
    pub zero_stage: u32,
    /// Data-parallel ranks the ZeRO stages shard over.
    pub dp_size: f64,
    /// LoRA trainable fraction, when fine-tuning with LoRA.
    pub lora_fraction: Option<f64>,
}

/// Training memory per device, by component.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainingMemory {
    /// Weights.
    pub weights: Information,
    /// Gradients.
    pub gradients: Information,
    /// Optimizer state.
    pub optimizer: Information,
    /// Activations.
    pub activations: Information,
}

impl TrainingMemory {
    /// Sum of the components.
    pub fn total(&self) -> Information {
        self.weights + self.gradients + self.optimizer + self.activations
    }
}

/// Transformer training memory (Megatron-LM, ZeRO): weights P·b + gradients P·b + optimizer P·o
/// (gradients and optimizer × LoRA fraction; ZeRO ≥ 1 shards the optimizer over DP, ≥ 2 also the
/// gradients, ≥ 3 also the weights) + activations.
pub fn transformer_training_memory(i: TrainingMemoryInputs) -> Result<TrainingMemory, SolveError> {
    let mut weights = model_weights(i.params, i.bytes_per_elem);
    let mut gradients = model_weights(i.params, i.bytes_per_elem);
    let mut optimizer = model_weights(i.params, i.optimizer_bytes_per_param);
    if let Some(f) = i.lora_fraction {
        gradients *= f;
        optimizer *= f;
    }
    if i.zero_stage >= 1 {
        optimizer /= i.dp_size;
    }
    if i.zero_stage >= 2 {
        gradients /= i.dp_size;
    }
    if i.zero_stage >= 3 {
        weights /= i.dp_size;
    }
    let activations = activation_memory(i.shape, i.bytes_per_elem.value, i.strategy)?;
    Ok(TrainingMemory {
        weights,
        gradients,
        optimizer,
        activations,
    })
}

/// Training memory of a workload without a transformer memory model: 2·W + o·(W/b) (weights,
/// gradients, optimizer state per parameter), or W·(1 + LoRA overhead) with LoRA.
pub fn fallback_training_memory(
    weights: Information,
    bytes_per_elem: Information,
    optimizer_bytes_per_param: Information,
    lora_overhead: Option<f64>,
) -> Information {
    match lora_overhead {
        Some(x) => weights * (1.0 + x),
        None => weights * 2.0 + optimizer_bytes_per_param * (weights / bytes_per_elem).value,
    }
}

// ---------------------------------------------------------------------------------------------
// Callable-by-name wrappers.

fn bytes_param(r: &ParamReader, name: &str) -> Result<Information, SolveError> {
    Ok(super::performance::opt_qty(r, name, "B")?.unwrap_or(base(2.0)))
}

/// KV heads, named `n_kv_heads` or (as mlsysim's signature does) `n_heads`.
fn kv_heads(r: &ParamReader) -> Result<f64, SolveError> {
    match r.number("n_heads")? {
        Some(h) => Ok(h),
        None => req_number(r, "n_kv_heads"),
    }
}

fn eval_kv(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let b = match super::performance::opt_qty::<Information>(r, "kv_precision_bytes", "B")? {
        Some(b) => b,
        None => bytes_param(r, "bytes_per_elem")?,
    };
    let kv = kv_cache_size(
        req_number(r, "n_layers")?,
        kv_heads(r)?,
        req_number(r, "head_dim")?,
        req_number(r, "seq_len")?,
        req_number(r, "batch_size")?,
        b,
    );
    Ok(vec![("kv_cache", Out::Value(kv.value()))])
}

fn eval_mla(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let c = mla_cache_size(
        req_number(r, "n_layers")?,
        req_number(r, "kv_lora_rank")?,
        req_number(r, "qk_rope_head_dim")?,
        req_number(r, "seq_len")?,
        req_number(r, "batch_size")?,
        bytes_param(r, "bytes_per_elem")?,
    );
    Ok(vec![("mla_cache", Out::Value(c.value()))])
}

fn eval_paged(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let g = PagedKv {
        layers: req_number(r, "n_layers")?,
        kv_heads: kv_heads(r)?,
        head_dim: req_number(r, "head_dim")?,
        page_tokens: r.number("page_size_tokens")?.unwrap_or(16.0),
    };
    let (size, frag) = paged_kv_cache_size(
        g,
        req_number(r, "seq_len")?,
        req_number(r, "batch_size")?,
        bytes_param(r, "bytes_per_elem")?,
    );
    Ok(vec![
        ("kv_cache", Out::Value(size.value())),
        ("frag_pct", Out::number(frag)),
    ])
}

fn eval_activation(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let shape = ActivationShape {
        layers: req_number(r, "n_layers")?,
        seq_len: req_number(r, "seq_len")?,
        batch: req_number(r, "batch_size")?,
        hidden_dim: req_number(r, "hidden_dim")?,
        heads: r.number("n_heads")?,
    };
    let strategy = ActivationStrategy::parse(r.text("strategy")?.unwrap_or("selective"))?;
    let b = bytes_param(r, "precision_bytes")?;
    Ok(vec![(
        "activations",
        Out::Value(activation_memory(shape, b.value, strategy)?.value()),
    )])
}

fn eval_model_memory(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let w = model_weights(
        req_number(r, "params")?,
        req_qty(r, "bytes_per_param", "B")?,
    );
    Ok(vec![("memory", Out::Value(w.value()))])
}

fn eval_lora(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let f = lora_trainable_fraction(
        req_number(r, "lora_rank")?,
        req_number(r, "hidden_dim")?,
        req_number(r, "n_layers")?,
        req_number(r, "n_params")?,
    );
    Ok(vec![("fraction", Out::number(f))])
}

fn eval_training_memory(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let shape = ActivationShape {
        layers: req_number(r, "n_layers")?,
        seq_len: req_number(r, "seq_len")?,
        batch: req_number(r, "batch_size")?,
        hidden_dim: req_number(r, "hidden_dim")?,
        heads: r.number("n_heads")?,
    };
    let m = transformer_training_memory(TrainingMemoryInputs {
        params: req_number(r, "n_params")?,
        bytes_per_elem: bytes_param(r, "precision_bytes")?,
        optimizer_bytes_per_param: req_qty(r, "optimizer_bytes", "B")?,
        shape,
        strategy: ActivationStrategy::parse(r.text("strategy")?.unwrap_or("selective"))?,
        zero_stage: r.nonneg_int("zero_stage")?.unwrap_or(0) as u32,
        dp_size: r.number("dp_size")?.unwrap_or(1.0),
        lora_fraction: r.number("lora_fraction")?,
    })?;
    Ok(vec![
        ("weights", Out::Value(m.weights.value())),
        ("gradients", Out::Value(m.gradients.value())),
        ("optimizer", Out::Value(m.optimizer.value())),
        ("activations", Out::Value(m.activations.value())),
        ("total", Out::Value(m.total().value())),
    ])
}

fn eval_fallback_training(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let m = fallback_training_memory(
        req_qty(r, "weights", "B")?,
        bytes_param(r, "bytes_per_elem")?,
        req_qty(r, "optimizer_bytes", "B")?,
        r.number("lora_overhead")?,
    );
    Ok(vec![("memory", Out::Value(m.value()))])
}

/// `calc_kv_cache_size`.
pub static KV_CACHE: FormulaDef = FormulaDef {
    name: "kv_cache",
    mlsysim: "calc_kv_cache_size",
    equation: "KV = 2·L·H_kv·d·S·B·b",
    params: &[
        "n_layers",
        "n_kv_heads",
        "n_heads",
        "head_dim",
        "seq_len",
        "batch_size",
        "bytes_per_elem",
        "kv_precision_bytes",
    ],
    eval: eval_kv,
};

/// `calc_mla_cache_size`.
pub static MLA_CACHE: FormulaDef = FormulaDef {
    name: "mla_cache",
    mlsysim: "calc_mla_cache_size",
    equation: "MLA = L·(r_kv + r_rope)·S·B·b",
    params: &[
        "n_layers",
        "kv_lora_rank",
        "qk_rope_head_dim",
        "seq_len",
        "batch_size",
        "bytes_per_elem",
    ],
    eval: eval_mla,
};

/// `calc_paged_kv_cache_size`.
pub static PAGED_KV_CACHE: FormulaDef = FormulaDef {
    name: "paged_kv_cache",
    mlsysim: "calc_paged_kv_cache_size",
    equation: "KV = 2·L·H·d·⌈S/p⌉p·B·b; frag = (⌈S/p⌉p − S)/(⌈S/p⌉p)",
    params: &[
        "n_layers",
        "n_kv_heads",
        "n_heads",
        "head_dim",
        "seq_len",
        "batch_size",
        "page_size_tokens",
        "bytes_per_elem",
    ],
    eval: eval_paged,
};

/// `calc_activation_memory`.
pub static ACTIVATION_MEMORY: FormulaDef = FormulaDef {
    name: "activation_memory",
    mlsysim: "calc_activation_memory",
    equation: "L·(b/2)·{none: 34·s·B·h + 5·a·s²·B; selective: 34·s·B·h; full: 2·s·B·h}",
    params: &[
        "n_layers",
        "seq_len",
        "batch_size",
        "hidden_dim",
        "n_heads",
        "precision_bytes",
        "strategy",
    ],
    eval: eval_activation,
};

/// `model_memory` / `memory_from_params`.
pub static MODEL_MEMORY: FormulaDef = FormulaDef {
    name: "model_memory",
    mlsysim: "model_memory",
    equation: "bytes = P·b",
    params: &["params", "bytes_per_param"],
    eval: eval_model_memory,
};

/// LoRA trainable fraction.
pub static LORA_FRACTION: FormulaDef = FormulaDef {
    name: "lora_trainable_fraction",
    mlsysim: "TransformerWorkload.training_memory lora_fraction",
    equation: "f = min(2·r·d·4L / P, 1)",
    params: &["lora_rank", "hidden_dim", "n_layers", "n_params"],
    eval: eval_lora,
};

/// `TransformerWorkload.training_memory`.
pub static TRAINING_MEMORY: FormulaDef = FormulaDef {
    name: "training_memory",
    mlsysim: "TransformerWorkload.training_memory",
    equation:
        "M = P·b + f·P·b/z2 + f·P·o/z1 + activations (z = DP size when the ZeRO stage applies)",
    params: &[
        "n_params",
        "precision_bytes",
        "optimizer_bytes",
        "n_layers",
        "seq_len",
        "batch_size",
        "hidden_dim",
        "n_heads",
        "strategy",
        "zero_stage",
        "dp_size",
        "lora_fraction",
    ],
    eval: eval_training_memory,
};

/// Engine training footprint of a non-transformer workload.
pub static FALLBACK_TRAINING_MEMORY: FormulaDef = FormulaDef {
    name: "fallback_training_memory",
    mlsysim: "Engine.solve training memory (non-transformer)",
    equation: "M = 2·W + o·(W/b), or W·(1 + x) with LoRA",
    params: &[
        "weights",
        "bytes_per_elem",
        "optimizer_bytes",
        "lora_overhead",
    ],
    eval: eval_fallback_training,
};

/// Checkpoint size: `P · bytes per parameter` (14 B with Adam: FP32 master weights, two moments
/// and the FP16 weights; 4 B with SGD).
pub fn checkpoint_size(params: f64, bytes_per_param: Information) -> Information {
    bytes_per_param * params
}

fn eval_checkpoint_size(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let bytes = r
        .quantity("bytes_per_param", crate::base::units::Dim::INFORMATION, "B")?
        .ok_or_else(|| SolveError::Invalid {
            what: "bytes_per_param".into(),
            message: "`bytes_per_param` is required (14 B for Adam, 4 B for SGD)".into(),
        })?;
    let size = checkpoint_size(req_number(r, "n_params")?, base(bytes.si));
    Ok(vec![("bytes", Out::Value(size.value()))])
}

/// `calc_checkpoint_size`.
pub static CHECKPOINT_SIZE: FormulaDef = FormulaDef {
    name: "checkpoint_size",
    mlsysim: "calc_checkpoint_size",
    equation: "size = P · bytes_per_param",
    params: &["n_params", "bytes_per_param"],
    eval: eval_checkpoint_size,
};

/// The formulas of this module, callable by name.
pub const CATALOG: &[&FormulaDef] = &[
    &CHECKPOINT_SIZE,
    &KV_CACHE,
    &MLA_CACHE,
    &PAGED_KV_CACHE,
    &ACTIVATION_MEMORY,
    &MODEL_MEMORY,
    &LORA_FRACTION,
    &TRAINING_MEMORY,
    &FALLBACK_TRAINING_MEMORY,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The Newton solve lands on the root mlsysim's 100-step bisection finds, to 1e-12.
    #[test]
    fn capped_exponential_scale_matches_bisection() {
        let bisect = |mean: f64, max: f64| {
            let rho = mean / max;
            let (mut lo, mut hi) = (0.0_f64, 1.0 / rho);
            for _ in 0..100 {
                let mid = 0.5 * (lo + hi);
                if -(-mid).exp_m1() / mid > rho {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            max / (0.5 * (lo + hi))
        };
        for (mean, max) in [
            (1000.0, 4096.0),
            (700.5, 2048.0),
            (1.0, 100_000.0),
            (2047.0, 2048.0),
            (0.001, 1.0),
            (99.99, 100.0),
            (600.0, 2048.0),
        ] {
            let (ours, theirs) = (capped_exponential_scale(mean, max), bisect(mean, max));
            assert!(
                (ours - theirs).abs() <= 1e-12 * theirs,
                "{mean}/{max}: {ours} vs {theirs}"
            );
        }
        assert!(capped_exponential_scale(5.0, 5.0).is_infinite());
    }

    #[test]
    fn kv_and_mla_golden() {
        let kv = kv_cache_size(80.0, 8.0, 128.0, 8192.0, 16.0, base(2.0));
        assert_eq!(kv.value, 42_949_672_960.0);
        let mla = mla_cache_size(61.0, 512.0, 64.0, 4096.0, 1.0, base(2.0));
        assert_eq!(mla.value, 287_834_112.0);
    }

    #[test]
    fn activation_golden() {
        let shape = ActivationShape {
            layers: 32.0,
            seq_len: 2048.0,
            batch: 1.0,
            hidden_dim: 4096.0,
            heads: Some(32.0),
        };
        assert_eq!(
            activation_memory(shape, 2.0, ActivationStrategy::None)
                .unwrap()
                .value,
            30_601_641_984.0
        );
        assert_eq!(
            activation_memory(shape, 2.0, ActivationStrategy::Selective)
                .unwrap()
                .value,
            9_126_805_504.0
        );
        let no_heads = ActivationShape {
            heads: None,
            ..shape
        };
        assert!(activation_memory(no_heads, 2.0, ActivationStrategy::None).is_err());
    }

    #[test]
    fn paged_rounds_up() {
        let g = PagedKv {
            layers: 1.0,
            kv_heads: 1.0,
            head_dim: 1.0,
            page_tokens: 16.0,
        };
        let (s, f) = paged_kv_cache_size(g, 20.0, 1.0, base(2.0));
        assert_eq!(s.value, 2.0 * 32.0 * 2.0);
        assert!((f - 12.0 / 32.0).abs() < 1e-15);
    }
}
