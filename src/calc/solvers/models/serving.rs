//! Serving models: `DecodeBoundModel`, `TailLatencyModel`, `WeightStreamingModel`,
//! `InferenceScalingModel`.

use super::{constant, hardware, model, parameters, peak_at, precision, size_in_bytes};
use super::{Outs, HW, MODEL};
use crate::base::units::{base, Dim};
use crate::calc::formulas::performance::calc_bottleneck;
use crate::calc::formulas::queueing::queue_latency_mmc;
use crate::calc::formulas::scaling::transformer_decode_flops;
use crate::calc::params::Out;
use crate::calc::solvers::decl::{
    bytes, input, num, output, time, Args, Ctx, Default as D, Kind, Range, Run, SolverDef,
};
use crate::calc::solvers::serving::{self as core_serving, ServingOptions, ServingSystem};

/// The declarations.
pub const DEFS: &[SolverDef] = &[
    SolverDef {
        name: "decode-bound",
        class: "DecodeBoundModel",
        doc: "Weight-streaming bound of one decode step: 2P FLOPs per request against reading every weight once, on one device.",
        inputs: &[
            input("model", MODEL, D::Required, Range::ANY, "the model"),
            input("hardware", HW, D::Required, Range::ANY, "the device (peak FLOP/s, memory bandwidth)"),
            input("precision", Kind::Text, D::Text("fp16"), Range::ANY, "weight precision"),
            input("batch_size", Kind::Int, D::Num(1.0), Range::AT_LEAST_1, "requests decoded together"),
            input("peak_flops", Kind::Qty(Dim::COMPUTE_RATE, "TFLOP/s"), D::Absent, Range::POSITIVE, "peak to use instead of the device's peak_flops"),
            input("tp_size", Kind::Int, D::Num(1.0), Range::AT_LEAST_1, "tensor-parallel shards (each device holds 1/tp of the weights)"),
        ],
        outputs: &[
            output("weight_bytes", "GB", "weights per device"),
            output("flops_per_step", "flop", "2P × batch / tp"),
            output("compute_time", "ms", "FLOPs / peak"),
            output("memory_time", "ms", "weights / bandwidth"),
            output("memory_share", "1", "memory / (memory + compute)"),
            output("bound_ratio", "1", "memory time / compute time"),
            output("intensity", "flop/B", "FLOPs / weight bytes"),
            output("attainable_flops", "TFLOP/s", "min(peak, bandwidth × intensity)"),
            output("peak_fraction", "1", "attainable / peak"),
            output("bottleneck", "label", "Memory or Compute"),
        ],
        run: Run::Model(decode_bound),
    },
    SolverDef {
        name: "tail-latency",
        class: "TailLatencyModel",
        doc: "P50 and P99 latency of an M/M/c inference queue (Kingman correction for other service-time variability) and the SLO headroom.",
        inputs: &[
            input("arrival_rate_qps", Kind::Number, D::Required, Range::NONNEG, "arrivals per second λ"),
            input("service_latency_ms", Kind::Qty(Dim::TIME, "ms"), D::Required, Range::NONNEG, "mean service time per request"),
            input("num_replicas", Kind::Int, D::Num(1.0), Range::AT_LEAST_1, "servers c"),
            input("service_time_cv", Kind::Number, D::Num(1.0), Range::NONNEG, "coefficient of variation of service time (1: exponential)"),
        ],
        outputs: &[
            output("p50_latency", "ms", "P50 queue wait + mean service (∞ when unstable)"),
            output("p99_latency", "ms", "P99 queue wait + mean service (∞ when unstable)"),
            output("queue_utilization", "1", "ρ = λ / (c·μ) (1 when unstable)"),
            output("is_stable", "bool", "ρ < 1"),
            output("slo_headroom_ratio", "1", "P99 wait / (5 × service time); > 1 violates"),
        ],
        run: Run::Model(tail_latency),
    },
    SolverDef {
        name: "weight-streaming",
        class: "WeightStreamingModel",
        doc: "Wafer-scale inference with weights streamed in layer by layer: KV cache against on-wafer memory, injection against compute per layer.",
        inputs: &[
            input("model", MODEL, D::Required, Range::ANY, "a transformer"),
            input("hardware", HW, D::Required, Range::ANY, "the wafer (memory = on-wafer SRAM, interconnect = injection)"),
            input("seq_len", Kind::Int, D::Required, Range::AT_LEAST_1, "sequence length"),
            input("batch_size", Kind::Int, D::Num(1.0), Range::AT_LEAST_1, "sequences"),
            input("precision", Kind::Text, D::Text("fp16"), Range::ANY, "precision"),
            input("efficiency", Kind::Number, D::Num(0.5), Range::POSITIVE, "compute efficiency"),
            input("phase", Kind::Text, D::Text("decode"), Range::ANY, "prefill, or decode (anything else)"),
        ],
        outputs: &[
            output("feasible", "bool", "KV cache + 10% fits on the wafer"),
            output("throughput_tokens_per_sec", "1", "tokens per second (0 when infeasible)"),
            output("bottleneck", "label", "Compute-Bound or Interconnect-Bandwidth-Bound"),
            output("layer_compute_time", "ms", "layer FLOPs / (peak · η) + dispatch"),
            output("layer_injection_time", "ms", "layer weights / injection bandwidth"),
            output("optimal_batch_size", "1", "batch that balances injection and compute"),
            output("wafer_memory_utilization", "1", "required / on-wafer memory (≤ 1 when feasible)"),
        ],
        run: Run::Model(weight_streaming),
    },
    SolverDef {
        name: "inference-scaling",
        class: "InferenceScalingModel",
        doc: "Cost of chain-of-thought reasoning on one device: ServingModel prefill at the context length, then K reasoning steps of tokens_per_reasoning_step decode tokens each; time and energy per query.",
        inputs: &[
            input("model", MODEL, D::Required, Range::ANY, "a transformer"),
            input("hardware", HW, D::Required, Range::ANY, "the device (TDP prices the energy)"),
            input("reasoning_steps", Kind::Int, D::Num(8.0), Range::NONNEG, "reasoning steps K"),
            input("context_length", Kind::Int, D::Num(2048.0), Range::AT_LEAST_1, "input context in tokens (ServingModel seq_len, batch 1)"),
            input("precision", Kind::Text, D::Text("fp16"), Range::ANY, "precision of weights and KV cache"),
            input("efficiency", Kind::Number, D::Num(0.5), Range::SHARE, "prefill compute efficiency"),
        ],
        outputs: &[
            output("total_reasoning_time", "ms", "TTFT + K × time per step"),
            output("ttft", "ms", "ServingModel time to first token (prefill of the context)"),
            output("itl", "ms", "ServingModel inter-token latency"),
            output("tokens_generated", "1", "K × constants.tokens_per_reasoning_step"),
            output("reasoning_steps", "1", "K"),
            output("time_per_step", "ms", "tokens per step × ITL"),
            output("energy_per_query", "J", "TDP × total reasoning time (0 when the device has no TDP)"),
            output("feasible", "bool", "weights + KV cache fit in device memory (ServingModel)"),
        ],
        run: Run::Model(inference_scaling),
    },
];

fn decode_bound(a: &Args, ctx: &mut Ctx) -> Outs {
    let m = model(ctx, a, "model")?;
    let hw = hardware(ctx, a, "hardware")?;
    let prec = precision(a, "precision")?;
    let tp = a.f("tp_size");
    let weights = size_in_bytes(ctx, m, prec)? / tp;
    ctx.lin.formula("transformer_decode_flops");
    let flops = transformer_decode_flops(parameters(ctx, m)?, 1.0).value * a.f("batch_size") / tp;
    let peak = match a.opt("peak_flops") {
        Some(p) => p,
        None => ctx.lin.read(hw.compute.peak_flops).value,
    };
    let bw = ctx.lin.read(hw.bandwidth()).value;
    ctx.lin.formula("bottleneck");
    let b = calc_bottleneck(base(flops), base(weights), base(peak), base(bw));
    let (c, mt) = (b.compute.value, b.memory.value);
    let intensity = flops / weights;
    let attainable = peak.min(bw * intensity);
    Ok(vec![
        ("weight_bytes", bytes(weights)),
        ("flops_per_step", Out::qty(flops, Dim::OPERATIONS)),
        ("compute_time", time(c)),
        ("memory_time", time(mt)),
        ("memory_share", num(mt / (mt + c))),
        ("bound_ratio", num(mt / c)),
        ("intensity", Out::qty(intensity, Dim::ARITHMETIC_INTENSITY)),
        ("attainable_flops", Out::qty(attainable, Dim::COMPUTE_RATE)),
        ("peak_fraction", num(attainable / peak)),
        ("bottleneck", Out::Label(b.bottleneck.label().into())),
    ])
}

/// An M/M/c queue's wait quantiles (seconds) and utilization.
pub struct Wait {
    /// P50 queue wait.
    pub p50: f64,
    /// P99 queue wait.
    pub p99: f64,
    /// Utilization ρ (1 when unstable).
    pub rho: f64,
}

/// The wait of `replicas` servers, each busy `service` seconds per request on average, at `qps`
/// arrivals per second (`queue_latency_mmc`), scaled by Kingman's (cv² + 1)/2 when the service
/// time's coefficient of variation `cv` is not 1 (as `TailLatencyModel` does); ∞ when unstable.
pub fn mmc_wait(qps: f64, service: f64, replicas: f64, cv: f64) -> Wait {
    let mu = if service > 0.0 { 1.0 / service } else { 0.0 };
    let w = queue_latency_mmc(base(qps), base(mu), replicas as u64);
    let (mut p50, mut p99) = (w.p50.value, w.p99.value);
    if cv != 1.0 {
        let kingman = (cv * cv + 1.0) / 2.0;
        p50 *= kingman;
        p99 *= kingman;
    }
    Wait {
        p50,
        p99,
        rho: w.rho,
    }
}

fn tail_latency(a: &Args, ctx: &mut Ctx) -> Outs {
    let service = a.f("service_latency_ms");
    ctx.lin.formula("queue_latency_mmc");
    let w = mmc_wait(
        a.f("arrival_rate_qps"),
        service,
        a.f("num_replicas"),
        a.f("service_time_cv"),
    );
    let (p50, p99) = (w.p50, w.p99);
    let stable = w.rho < 1.0;
    let slo = service * constant(ctx, "tail_slo_wait_multiple")?;
    let headroom = if !stable {
        1.0
    } else if slo > 0.0 {
        p99 / slo
    } else {
        0.0
    };
    Ok(vec![
        ("p50_latency", time(p50 + service)),
        ("p99_latency", time(p99 + service)),
        ("queue_utilization", num(w.rho)),
        ("is_stable", Out::Bool(stable)),
        ("slo_headroom_ratio", num(headroom.max(0.0))),
    ])
}

fn weight_streaming(a: &Args, ctx: &mut Ctx) -> Outs {
    let m = model(ctx, a, "model")?;
    let hw = hardware(ctx, a, "hardware")?;
    let prec = precision(a, "precision")?;
    let bpp = prec.bytes();
    let peak = peak_at(ctx, hw, prec.key());
    let (seq, batch, eff) = (a.f("seq_len"), a.f("batch_size"), a.f("efficiency"));
    let fallback_heads = ctx.lin.read(ctx.reg.calibration.fallback_heads);
    let nonzero = |x: Option<f64>| x.filter(|&v| v != 0.0);
    let heads = nonzero(ctx.lin.read_opt(m.heads));
    let kv_heads = nonzero(ctx.lin.read_opt(m.kv_heads))
        .or(heads)
        .unwrap_or(fallback_heads);
    let hidden = match nonzero(ctx.lin.read_opt(m.hidden_dim)) {
        Some(h) => h,
        None => ctx.lin.read(ctx.reg.calibration.fallback_hidden_dim),
    };
    let head_dim = (hidden / heads.unwrap_or(fallback_heads)).floor();
    let layers = ctx
        .lin
        .read_opt(m.layers)
        .ok_or_else(|| super::missing_field(m, "layers"))?;
    ctx.lin.formula("kv_cache");
    let kv = seq * kv_heads * head_dim * 2.0 * bpp * layers * batch;
    let required = kv * constant(ctx, "kv_working_set_headroom")?;
    let capacity = ctx.lin.read(hw.capacity()).value;
    let feasible = required <= capacity;
    let util = if capacity > 0.0 {
        required / capacity
    } else {
        1.0
    };
    let layer_params = parameters(ctx, m)? / layers;
    let layer_bytes = layer_params * bpp;
    let injection = match &hw.interconnect {
        Some(link) if ctx.lin.read(link.bandwidth).value != 0.0 => link.bandwidth.v.value,
        _ => constant(ctx, "fallback_interconnect_bandwidth")?,
    };
    let t_inject = layer_bytes / injection;
    let per_param = constant(ctx, "decode_flops_per_param")?;
    let prefill = a.text("phase") == Some("prefill");
    let layer_flops = if prefill {
        let linear = per_param * layer_params * seq * batch;
        let attention = 2.0 * kv_heads * seq * seq * head_dim;
        linear + attention * batch
    } else {
        per_param * layer_params * batch
    };
    let dispatch = ctx.lin.read(hw.dispatch_tax).value;
    let t_compute = layer_flops / (peak * eff) + dispatch;
    let (bottleneck, layer_time) = if t_compute >= t_inject {
        ("Compute-Bound", t_compute)
    } else {
        ("Interconnect-Bandwidth-Bound", t_inject)
    };
    let token_time = layer_time * layers;
    let tokens = if prefill { batch * seq } else { batch };
    let tps = if feasible && token_time > 0.0 {
        tokens / token_time
    } else {
        0.0
    };
    let optimal = (t_inject * peak * eff / (per_param * layer_params))
        .trunc()
        .max(1.0);
    Ok(vec![
        ("feasible", Out::Bool(feasible)),
        ("throughput_tokens_per_sec", num(tps)),
        ("bottleneck", Out::Label(bottleneck.into())),
        ("layer_compute_time", time(t_compute)),
        ("layer_injection_time", time(t_inject)),
        ("optimal_batch_size", num(optimal)),
        (
            "wafer_memory_utilization",
            num(if feasible { util.min(1.0) } else { util }),
        ),
    ])
}

fn inference_scaling(a: &Args, ctx: &mut Ctx) -> Outs {
    let m = model(ctx, a, "model")?;
    let hw = hardware(ctx, a, "hardware")?;
    let steps = a.f("reasoning_steps");
    let mut opts = ServingOptions::new(a.f("context_length") as u64);
    opts.precision = precision(a, "precision")?;
    opts.efficiency = Some(a.f("efficiency"));
    let sys = ServingSystem {
        hardware: hw,
        decode: None,
    };
    let s = core_serving::solve(m, sys, None, &ctx.reg.calibration, &opts)?;
    ctx.lin.absorb(&s.lineage);
    let (ttft, itl) = (s.ttft.value, s.itl.value);
    let per_step = constant(ctx, "tokens_per_reasoning_step")?;
    let step_time = per_step * itl;
    let total = ttft + steps * step_time;
    let energy = match hw.tdp {
        Some(p) => ctx.lin.read(p).value * total,
        None => 0.0,
    };
    Ok(vec![
        ("total_reasoning_time", time(total)),
        ("ttft", time(ttft)),
        ("itl", time(itl)),
        ("tokens_generated", num(steps * per_step)),
        ("reasoning_steps", num(steps)),
        ("time_per_step", time(step_time)),
        ("energy_per_query", Out::qty(energy, Dim::ENERGY)),
        ("feasible", Out::Bool(s.feasible)),
    ])
}
