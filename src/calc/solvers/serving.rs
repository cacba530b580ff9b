//! Solver: serving — mlsysim's `ServingModel`: LLM prefill (TTFT) and decode (ITL) on one device,
//! with chunked prefill, prompt caching, disaggregated decode and speculative decoding.

use super::roofline::{
    is_transformer, lower, memory_wall_trace, parameters, py_float, read_precision,
};
use crate::base::units::*;
use crate::calc::formulas::{memory as mem, performance as perf};
use crate::calc::params::{Lineage, Out, ParamReader, Params, Precision, SolveError, SolveOutput};
use crate::calc::solvers::decl::{self, Default as D, Kind, Range};
use crate::calc::solvers::inputs;
use crate::registry::types::{Hardware, Model};
use crate::registry::{Calibration, Registry};

/// Solver name.
pub const SOLVER: &str = "serving";

/// The declared inputs (mlsysim's `ServingModel.solve` keywords): type, unit, default, valid range.
pub const DECL_INPUTS: &[decl::Input] = &[
    decl::input(
        "model",
        Kind::Key("models"),
        D::Required,
        Range::ANY,
        "a transformer",
    ),
    decl::input(
        "hardware",
        Kind::Key("hardware"),
        D::Required,
        Range::ANY,
        "the prefill device (and decode device unless decode_hardware is given)",
    ),
    decl::input(
        "seq_len",
        Kind::Int,
        D::Required,
        Range::AT_LEAST_1,
        "sequence length S (context window)",
    ),
    decl::input(
        "batch_size",
        Kind::Int,
        D::Num(1.0),
        Range::AT_LEAST_1,
        "concurrent requests B",
    ),
    inputs::PRECISION,
    decl::input(
        "efficiency",
        Kind::Number,
        D::Absent,
        Range::SHARE,
        "prefill compute efficiency η (default constants.default_efficiency)",
    ),
    decl::input(
        "decode_hardware",
        Kind::Key("hardware"),
        D::Absent,
        Range::ANY,
        "separate decode device (disaggregated serving; the KV cache crosses the network)",
    ),
    decl::input(
        "network_bandwidth",
        Kind::Qty(Dim::BANDWIDTH, "GB/s"),
        D::Absent,
        Range::POSITIVE,
        "prefill → decode link (default constants.default_network_bandwidth)",
    ),
    decl::input(
        "draft_model",
        Kind::Key("models"),
        D::Absent,
        Range::ANY,
        "draft model for speculative decoding",
    ),
    decl::input(
        "draft_acceptance_rate",
        Kind::Number,
        D::Absent,
        Range::FRACTION,
        "draft acceptance rate α (default constants.draft_acceptance_rate)",
    ),
    decl::input(
        "cached_prefix_len",
        Kind::Int,
        D::Num(0.0),
        Range::NONNEG,
        "tokens whose KV is already cached (< seq_len)",
    ),
    decl::input(
        "prefill_chunk_tokens",
        Kind::Int,
        D::Absent,
        Range::AT_LEAST_1,
        "chunked prefill: tokens per chunk",
    ),
];

/// The declared outputs (mlsysim's `ServingResult` fields).
pub const DECL_OUTPUTS: &[decl::Output] = &[
    decl::output("feasible", "bool", "weights + KV (+ draft) fit in decode-device memory"),
    decl::output("ttft", "ms", "time to first token: prefill + dispatch (+ KV transfer)"),
    decl::output("itl", "ms", "inter-token latency: (weights + KV) / bandwidth + layer tax (speculative: per accepted token)"),
    decl::output("kv_cache_size", "GB", "KV cache of the full sequence and batch"),
    decl::output("model_weights_size", "GB", "weights of the target model"),
    decl::output("total_memory_required", "GB", "weights + KV (+ draft weights)"),
    decl::output("memory_utilization", "1", "total / decode-device capacity"),
    decl::output("prompt_cache_hit_ratio", "1", "cached_prefix_len / seq_len"),
    decl::output("prefill_chunks", "1", "prefill chunks (1 unless chunked)"),
    decl::output("prefill_chunk_time", "ms", "slowest prefill chunk (chunked prefill only)"),
    decl::output("decode_stall_bound", "ms", "decode stall bound = slowest chunk (chunked prefill only)"),
];

/// Options of [`solve`]; `None` fields take their default from [`Calibration`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServingOptions {
    /// Sequence length S (context window, ≥ 1).
    pub seq_len: u64,
    /// Concurrent requests B (≥ 1).
    pub batch_size: u64,
    /// Numeric precision of weights, KV cache and compute.
    pub precision: Precision,
    /// Prefill compute efficiency η ∈ (0, 1]; default `cal.default_efficiency`.
    pub efficiency: Option<f64>,
    /// Prefill → decode link for disaggregated serving; default `cal.default_network_bandwidth`.
    pub network_bandwidth: Option<Bandwidth>,
    /// Draft acceptance rate α ∈ [0, 1]; default `cal.draft_acceptance_rate`.
    pub draft_acceptance_rate: Option<f64>,
    /// Tokens whose KV is already cached (< S).
    pub cached_prefix_len: u64,
    /// Chunked prefill: tokens per chunk.
    pub prefill_chunk_tokens: Option<u64>,
}

impl ServingOptions {
    /// Options for a sequence length with every other input at its default.
    pub fn new(seq_len: u64) -> ServingOptions {
        ServingOptions {
            seq_len,
            batch_size: 1,
            precision: Precision::Fp16,
            efficiency: None,
            network_bandwidth: None,
            draft_acceptance_rate: None,
            cached_prefix_len: 0,
            prefill_chunk_tokens: None,
        }
    }
}

/// The devices of a serving deployment.
#[derive(Clone, Copy, Debug)]
pub struct ServingSystem<'a> {
    /// Prefill device (and decode device unless `decode` is set).
    pub hardware: &'a Hardware,
    /// Separate decode device (disaggregated serving; KV crosses the network).
    pub decode: Option<&'a Hardware>,
}

/// Serving metrics (`ServingResult`).
#[derive(Clone, Debug, PartialEq)]
pub struct ServingResult {
    /// Time to first token.
    pub ttft: Time,
    /// Inter-token latency.
    pub itl: Time,
    /// KV cache of the full sequence.
    pub kv_cache_size: Information,
    /// Weights of the target model.
    pub model_weights_size: Information,
    /// Weights + KV (+ draft weights).
    pub total_memory_required: Information,
    /// total / decode-device capacity.
    pub memory_utilization: f64,
    /// cached / S.
    pub prompt_cache_hit_ratio: f64,
    /// Prefill chunks.
    pub prefill_chunks: u64,
    /// Slowest prefill chunk, when chunked.
    pub prefill_chunk_time: Option<Time>,
    /// Decode stall bound (= slowest chunk), when chunked.
    pub decode_stall_bound: Option<Time>,
    /// Fits in decode-device memory.
    pub feasible: bool,
    /// Decode-device memory capacity the total was checked against.
    pub capacity: Information,
    /// Tokens per prefill chunk, when chunked.
    pub prefill_chunk_tokens: Option<u64>,
    /// Lineage.
    pub lineage: Lineage,
}

impl ServingResult {
    /// Constraint checks, verbatim as mlsysim words them (formatted on demand).
    pub fn constraint_trace(&self, decode_hw: &Hardware) -> Vec<String> {
        let gb = |x: Information| py_float(x.get::<information::gigabyte>());
        let detail = format!(
            " (Weights: {} GB, KV Cache: {} GB)",
            gb(self.model_weights_size),
            gb(self.kv_cache_size)
        );
        let mut trace = vec![memory_wall_trace(
            self.total_memory_required,
            self.capacity,
            &decode_hw.name,
            &detail,
        )];
        if let (Some(c), Some(t)) = (self.prefill_chunk_tokens, self.prefill_chunk_time) {
            trace.push(format!(
                "Serving Wall: Chunked prefill uses {} chunks of up to {c} tokens; decode interference is bounded by {} ms per prefill chunk.",
                self.prefill_chunks,
                py_float(t.get::<time::millisecond>())
            ));
        }
        trace
    }
}

fn invalid(what: &str, message: String) -> SolveError {
    SolveError::Invalid {
        what: what.to_string(),
        message,
    }
}

/// KV cache of a transformer (`get_kv_cache_size`): MLA when `kv_lora_rank` and `qk_rope_head_dim`
/// are set, else 2·L·H_kv·d·S·B·b with d = head_dim or hidden // heads, H_kv = kv_heads or heads.
pub fn kv_cache(
    model: &Model,
    seq_len: f64,
    batch: f64,
    precision: Precision,
    cal: &Calibration,
    lin: &mut Lineage,
) -> Result<Information, SolveError> {
    let b: Information = base(precision.bytes());
    let layers = lin.read_opt(model.layers).ok_or_else(|| {
        invalid(
            "model",
            format!("transformer `{}` has no layers", model.key),
        )
    })?;
    if let (Some(r), Some(rope)) = (model.kv_lora_rank, model.qk_rope_head_dim) {
        lin.formula("mla_cache");
        return Ok(mem::mla_cache_size(
            layers,
            lin.read(r),
            lin.read(rope),
            seq_len,
            batch,
            b,
        ));
    }
    let g = geometry(model, cal, lin);
    let head_dim = lin.read_opt(model.head_dim).unwrap_or(g.head_dim);
    let kv_heads = lin.read_opt(model.kv_heads).unwrap_or(g.heads);
    lin.formula("kv_cache");
    Ok(mem::kv_cache_size(
        layers, kv_heads, head_dim, seq_len, batch, b,
    ))
}

/// Attention geometry with mlsysim's fallbacks: L = layers or 1, H = heads or 32,
/// d_h = (hidden or 4096) // H (the `head_dim` field is not used here).
pub fn geometry(model: &Model, cal: &Calibration, lin: &mut Lineage) -> perf::AttentionGeometry {
    let layers = lin.read_opt(model.layers).unwrap_or(1.0);
    let heads = match lin.read_opt(model.heads) {
        Some(h) => h,
        None => lin.read(cal.fallback_heads),
    };
    let hidden = match lin.read_opt(model.hidden_dim) {
        Some(h) => h,
        None => lin.read(cal.fallback_hidden_dim),
    };
    perf::AttentionGeometry {
        layers,
        heads,
        head_dim: (hidden / heads).floor(),
    }
}

fn validate(
    o: &ServingOptions,
    efficiency: f64,
    alpha: f64,
    net: Bandwidth,
) -> Result<(), SolveError> {
    let fail = |what: &str, m: String| Err(invalid(what, format!("serving: {m}")));
    if o.seq_len < 1 {
        return fail("seq_len", format!("seq_len ({}) must be >= 1", o.seq_len));
    }
    if o.batch_size < 1 {
        return fail(
            "batch_size",
            format!("batch_size ({}) must be >= 1", o.batch_size),
        );
    }
    if !(efficiency > 0.0 && efficiency <= 1.0) {
        return fail(
            "efficiency",
            format!("efficiency ({efficiency}) must be > 0 and <= 1"),
        );
    }
    if o.cached_prefix_len >= o.seq_len {
        return fail(
            "cached_prefix_len",
            format!(
                "cached_prefix_len ({}) must be < seq_len ({})",
                o.cached_prefix_len, o.seq_len
            ),
        );
    }
    if !(0.0..=1.0).contains(&alpha) {
        return fail(
            "draft_acceptance_rate",
            format!("draft_acceptance_rate ({alpha}) must be between 0 and 1"),
        );
    }
    if o.prefill_chunk_tokens == Some(0) {
        return fail(
            "prefill_chunk_tokens",
            "prefill_chunk_tokens (0) must be positive".into(),
        );
    }
    if net.value <= 0.0 || net.value.is_nan() {
        return fail(
            "network_bandwidth",
            format!("network_bandwidth ({} B/s) must be positive", net.value),
        );
    }
    Ok(())
}

fn require_transformer(model: &Model, role: &str) -> Result<(), SolveError> {
    if is_transformer(model) {
        Ok(())
    } else {
        Err(invalid(
            role,
            format!(
                "serving: `{}` is a {:?} workload; ServingModel needs a transformer (LLM)",
                model.key, model.model_type
            ),
        ))
    }
}

/// Prefill phase: (TTFT without KV transfer, chunks, slowest chunk).
struct Prefill {
    time: Time,
    chunks: u64,
    slowest_chunk: Option<Time>,
}

fn prefill(
    p: f64,
    g: perf::AttentionGeometry,
    o: &ServingOptions,
    rate: ComputeRate,
    dispatch: Time,
    lin: &mut Lineage,
) -> Prefill {
    lin.formula("serving_prefill_flops");
    lin.formula("compute_time");
    let (seq, batch) = (o.seq_len as f64, o.batch_size as f64);
    let new_tokens = o.seq_len.saturating_sub(o.cached_prefix_len).max(1);
    let flops = perf::serving_prefill_flops(p, new_tokens as f64, seq, batch, g);
    let compute = perf::compute_time(flops, rate, 1.0);
    let (chunks, slowest_chunk) = match o.prefill_chunk_tokens {
        Some(c) => {
            let first = c.min(new_tokens) as f64;
            let t = perf::compute_time(
                perf::serving_prefill_flops(p, first, seq, batch, g),
                rate,
                1.0,
            ) + dispatch;
            (new_tokens.div_ceil(c).max(1), Some(t))
        }
        None => (1, None),
    };
    Prefill {
        time: compute + dispatch * chunks as f64,
        chunks,
        slowest_chunk,
    }
}

/// Solves LLM serving of `model` on `sys` (optionally with a speculative `draft` model).
pub fn solve(
    model: &Model,
    sys: ServingSystem,
    draft: Option<&Model>,
    cal: &Calibration,
    o: &ServingOptions,
) -> Result<ServingResult, SolveError> {
    let mut lin = Lineage::new(SOLVER);
    let efficiency = match o.efficiency {
        Some(e) => e,
        None => lin.read(cal.default_efficiency),
    };
    let alpha = match o.draft_acceptance_rate {
        Some(a) => a,
        None => lin.read(cal.draft_acceptance_rate),
    };
    let net = match o.network_bandwidth {
        Some(n) => n,
        None => lin.read(cal.default_network_bandwidth),
    };
    validate(o, efficiency, alpha, net)?;
    require_transformer(model, "model")?;
    if let Some(d) = draft {
        require_transformer(d, "draft_model")?;
    }
    let (seq, batch) = (o.seq_len as f64, o.batch_size as f64);

    // Prefill on `hardware` (silent precision fallback).
    let hw = sys.hardware;
    let peak = match hw.compute.precision_flops.get(o.precision.key()) {
        Some(s) => lin.read(*s),
        None => lin.read(hw.compute.peak_flops),
    };
    let p = parameters(model, &mut lin)?;
    let g = geometry(model, cal, &mut lin);
    let pre = prefill(
        p,
        g,
        o,
        peak * efficiency,
        lin.read(hw.dispatch_tax),
        &mut lin,
    );

    let kv = kv_cache(model, seq, batch, o.precision, cal, &mut lin)?;
    let mut ttft = pre.time;
    let decode_hw = match sys.decode {
        Some(d) => {
            lin.formula("transfer_time");
            ttft += perf::transfer_time(kv, net);
            d
        }
        None => hw,
    };

    // Decode: stream weights + KV per step, plus the per-layer framework tax.
    lin.formula("model_memory");
    lin.formula("transfer_time");
    let weights = lower(model, o.precision, &mut lin)?.weights;
    let bw = lin.read(decode_hw.bandwidth());
    let layers = lin.read_opt(model.layers).ok_or_else(|| {
        invalid(
            "model",
            format!("transformer `{}` has no layers", model.key),
        )
    })?;
    let target_step =
        perf::transfer_time(weights + kv, bw) + lin.read(cal.framework_layer_tax) * layers;
    let mut total = weights + kv;
    let itl = match draft {
        None => target_step,
        Some(d) => {
            lin.formula("speculative_expected_tokens");
            let dw = lower(d, o.precision, &mut lin)?.weights;
            let dkv = kv_cache(d, seq, batch, o.precision, cal, &mut lin)?;
            let k = lin.read(cal.speculative_gamma);
            total += dw;
            (perf::transfer_time(dw + dkv, bw) * k + target_step)
                / perf::speculative_expected_tokens(alpha, k)
        }
    };

    let capacity = lin.read(decode_hw.capacity());
    let feasible = total <= capacity;
    Ok(ServingResult {
        ttft,
        itl,
        kv_cache_size: kv,
        model_weights_size: weights,
        total_memory_required: total,
        memory_utilization: (total / capacity).value,
        prompt_cache_hit_ratio: o.cached_prefix_len as f64 / seq,
        prefill_chunks: pre.chunks,
        prefill_chunk_time: pre.slowest_chunk,
        decode_stall_bound: pre.slowest_chunk,
        feasible,
        capacity,
        prefill_chunk_tokens: o
            .prefill_chunk_tokens
            .filter(|_| pre.slowest_chunk.is_some()),
        lineage: lin,
    })
}

/// Runs the solver on named parameters.
pub fn run(reg: &Registry, params: &Params) -> Result<SolveOutput, SolveError> {
    let r = ParamReader::declared(SOLVER, params);
    let model = reg.model(r.required_text("model")?)?;
    let hardware = reg.hardware(r.required_text("hardware")?)?;
    let decode = r
        .text("decode_hardware")?
        .map(|k| reg.hardware(k))
        .transpose()?;
    let draft = r.text("draft_model")?.map(|k| reg.model(k)).transpose()?;
    let seq_len = r
        .positive_int("seq_len")?
        .ok_or_else(|| invalid("seq_len", "serving: `seq_len` is required".into()))?;
    let net = r.quantity("network_bandwidth", Dim::BANDWIDTH, "GB/s")?;
    let o = ServingOptions {
        seq_len,
        batch_size: r.positive_int("batch_size")?.unwrap_or(1),
        precision: read_precision(&r)?,
        efficiency: r.number("efficiency")?,
        network_bandwidth: net.map(|v| base(v.si)),
        draft_acceptance_rate: r.number("draft_acceptance_rate")?,
        cached_prefix_len: r.nonneg_int("cached_prefix_len")?.unwrap_or(0),
        prefill_chunk_tokens: r.positive_int("prefill_chunk_tokens")?,
    };
    let mut res = solve(
        model,
        ServingSystem { hardware, decode },
        draft,
        &reg.calibration,
        &o,
    )?;
    res.lineage.input("seq_len", o.seq_len);
    res.lineage.input("batch_size", o.batch_size);
    res.lineage.input("precision", o.precision.key());
    let outputs = outputs(&res);
    Ok(SolveOutput {
        outputs,
        lineage: res.lineage,
        warnings: Vec::new(),
    })
}

/// The outputs of a serving result under mlsysim's names.
pub fn outputs(res: &ServingResult) -> Vec<(&'static str, Out)> {
    let opt = |t: Option<Time>| t.map_or(Out::Missing, |t| Out::Value(t.value()));
    vec![
        ("feasible", Out::Bool(res.feasible)),
        ("ttft", Out::Value(res.ttft.value())),
        ("itl", Out::Value(res.itl.value())),
        ("kv_cache_size", Out::Value(res.kv_cache_size.value())),
        (
            "model_weights_size",
            Out::Value(res.model_weights_size.value()),
        ),
        (
            "total_memory_required",
            Out::Value(res.total_memory_required.value()),
        ),
        ("memory_utilization", Out::number(res.memory_utilization)),
        (
            "prompt_cache_hit_ratio",
            Out::number(res.prompt_cache_hit_ratio),
        ),
        ("prefill_chunks", Out::number(res.prefill_chunks as f64)),
        ("prefill_chunk_time", opt(res.prefill_chunk_time)),
        ("decode_stall_bound", opt(res.decode_stall_bound)),
    ]
}
