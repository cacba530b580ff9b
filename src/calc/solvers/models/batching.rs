//! Serving deployment models: `ContinuousBatchingModel` (static max-length KV reservation against
//! PagedAttention under continuous batching) and `ServingCapacityModel` (replicas needed for a QPS
//! and P99 target, composing continuous batching, `ServingModel` and an M/M/c tail).

use super::serving::mmc_wait;
use super::{constant, hardware, model, parameters, peak_at, precision, size_in_bytes};
use super::{Outs, HW, MODEL};
use crate::base::units::Dim;
use crate::calc::formulas::memory::expected_paged_kv_tokens;
use crate::calc::formulas::performance::serving_prefill_flops;
use crate::calc::params::{Out, Precision, SolveError};
use crate::calc::solvers::decl::{
    bytes, input, num, output, time, Args, Ctx, Default as D, Kind, Range, Run, SolverDef,
};
use crate::calc::solvers::roofline::{is_transformer, MIN_EFFICIENCY};
use crate::calc::solvers::serving::{self as core_serving, ServingOptions, ServingSystem};
use crate::registry::types::{Hardware, Model};

const EFFICIENCY: Range = Range::new(MIN_EFFICIENCY, false, 1.0, false);

/// The declarations.
pub const DEFS: &[SolverDef] = &[
    SolverDef {
        name: "continuous-batching",
        class: "ContinuousBatchingModel",
        doc: "Continuous batching on one device: requests that fit under static max-length KV reservation against PagedAttention blocks, and the memory-bound decode throughput of each.",
        inputs: &[
            input("model", MODEL, D::Required, Range::ANY, "a transformer"),
            input("hardware", HW, D::Required, Range::ANY, "the device (memory capacity and bandwidth, dispatch tax)"),
            input("max_seq_len", Kind::Int, D::Required, Range::AT_LEAST_1, "longest context a request may reach (prompt + generated tokens)"),
            input("mean_request_tokens", Kind::Number, D::Absent, Range::POSITIVE, "mean KV tokens a request fills, ≤ max_seq_len (default: max_seq_len); lengths are exponential capped at max_seq_len"),
            input("max_batch_size", Kind::Int, D::Num(1.0), Range::AT_LEAST_1, "scheduler cap on concurrent requests"),
            input("page_size", Kind::Int, D::Absent, Range::AT_LEAST_1, "PagedAttention block size in tokens (default constants.paged_attention_block_tokens)"),
            input("precision", Kind::Text, D::Text("fp16"), Range::ANY, "precision of weights and KV cache"),
            input("efficiency", Kind::Number, D::Num(0.5), EFFICIENCY, "software efficiency of prefill compute"),
        ],
        outputs: &[
            output("feasible", "bool", "at least one request fits beside the weights"),
            output("throughput_tokens_per_sec", "1", "paged decode tokens per second"),
            output("max_active_requests", "1", "concurrent requests under paged allocation (capped by max_batch_size)"),
            output("static_throughput_tokens_per_sec", "1", "decode tokens per second under static reservation"),
            output("static_max_active_requests", "1", "concurrent requests under static max-length reservation"),
            output("mean_request_tokens", "1", "mean KV tokens a request fills"),
            output("paged_internal_fragmentation", "1", "expected unused share of the last block"),
            output("static_internal_fragmentation", "1", "1 − mean / max_seq_len"),
            output("paged_kv_cache_size", "GB", "KV allocated under paging"),
            output("static_kv_cache_size", "GB", "KV reserved statically"),
            output("ttft", "ms", "prefill of a full batch of max-length prompts + dispatch tax"),
            output("itl", "ms", "paged decode step: (weights + filled KV) / bandwidth"),
            output("speedup_vs_static", "1", "paged over static throughput (∞ when static fits none)"),
        ],
        run: Run::Model(continuous_batching),
    },
    SolverDef {
        name: "serving-capacity",
        class: "ServingCapacityModel",
        doc: "Replicas an LLM deployment needs for a QPS and a P99 latency target: continuous-batching capacity per replica, ServingModel latency, M/M/c queue wait.",
        inputs: &[
            input("model", MODEL, D::Required, Range::ANY, "a transformer"),
            input("hardware", HW, D::Required, Range::ANY, "the per-replica device"),
            input("qps", Kind::Number, D::Required, Range::POSITIVE, "target aggregate arrival rate (queries per second)"),
            input("target_p99_latency_ms", Kind::Qty(Dim::TIME, "ms"), D::Required, Range::POSITIVE, "end-to-end P99 latency target"),
            input("max_seq_len", Kind::Int, D::Num(2048.0), Range::AT_LEAST_1, "longest context a request may reach"),
            input("mean_request_tokens", Kind::Number, D::Absent, Range::POSITIVE, "mean KV tokens a request fills, ≤ max_seq_len (default: max_seq_len)"),
            input("output_tokens", Kind::Int, D::Num(128.0), Range::AT_LEAST_1, "generated tokens per request"),
            input("max_batch_size", Kind::Int, D::Num(32.0), Range::AT_LEAST_1, "cap on concurrent requests per replica"),
            input("precision", Kind::Text, D::Text("fp16"), Range::ANY, "precision of weights and KV cache"),
            input("efficiency", Kind::Number, D::Num(0.5), EFFICIENCY, "software efficiency"),
            input("max_replicas", Kind::Int, D::Num(1024.0), Range::AT_LEAST_1, "search cap, reported when infeasible"),
            input("service_time_cv", Kind::Number, D::Num(1.0), Range::NONNEG, "coefficient of variation of service time (1: M/M/c)"),
        ],
        outputs: &[
            output("feasible", "bool", "some replica count ≤ max_replicas meets the target"),
            output("required_replicas", "1", "fewest replicas that meet the target (max_replicas when none does)"),
            output("qps_target", "1", "the target QPS"),
            output("qps_capacity", "1", "replicas × per-replica capacity"),
            output("per_replica_qps_capacity", "1", "paged token throughput / output_tokens"),
            output("utilization", "1", "qps / capacity (∞ without capacity)"),
            output("target_p99_latency", "ms", "the target"),
            output("estimated_p99_latency", "ms", "base request latency + P99 queue wait"),
            output("base_request_latency", "ms", "TTFT + ITL × output_tokens"),
            output("queue_wait_p99", "ms", "P99 queue wait at the replica count reported"),
            output("active_batch_size", "1", "requests decoded together per replica"),
            output("ttft", "ms", "ServingModel TTFT at the active batch and mean length"),
            output("itl", "ms", "ServingModel ITL at the active batch and mean length"),
            output("bottleneck", "label", "Memory, Capacity, Tail Latency, Base Latency or Feasible"),
        ],
        run: Run::Model(serving_capacity),
    },
];

/// One continuous-batching evaluation (SI units).
struct Batching {
    feasible: bool,
    active: f64,
    throughput: f64,
    static_active: f64,
    static_throughput: f64,
    mean: f64,
    paged_frag: f64,
    static_frag: f64,
    paged_kv: f64,
    static_kv: f64,
    ttft: f64,
    itl: f64,
    speedup: f64,
}

/// The request-length and allocator settings of one evaluation.
struct Shape {
    max_seq: f64,
    mean: Option<f64>,
    max_batch: f64,
    page: Option<f64>,
    prec: Precision,
    eff: f64,
}

fn batching(
    ctx: &mut Ctx,
    m: &Model,
    hw: &Hardware,
    s: &Shape,
    a: &Args,
) -> Result<Batching, SolveError> {
    let mean = s.mean.unwrap_or(s.max_seq);
    if !(mean > 0.0 && mean <= s.max_seq) {
        return Err(a.invalid(
            "mean_request_tokens",
            format!(
                "`mean_request_tokens` must be in (0, max_seq_len = {}], got {mean}",
                s.max_seq
            ),
        ));
    }
    if !is_transformer(m) {
        return Err(a.invalid(
            "model",
            format!(
                "`{}` is a {:?} workload; a KV cache needs a transformer",
                m.key, m.model_type
            ),
        ));
    }
    let page = match s.page {
        Some(p) => p,
        None => constant(ctx, "paged_attention_block_tokens")?,
    };
    let peak = peak_at(ctx, hw, s.prec.key());
    let cal = &ctx.reg.calibration;
    let g = core_serving::geometry(m, cal, &mut ctx.lin);
    let p = parameters(ctx, m)?;
    ctx.lin.formula("serving_prefill_flops");
    let prefill = serving_prefill_flops(p, s.max_seq, s.max_seq, s.max_batch, g).value;
    let ttft = prefill / (peak * s.eff) + ctx.lin.read(hw.dispatch_tax).value;

    let weights = size_in_bytes(ctx, m, s.prec)?;
    let capacity = ctx.lin.read(hw.capacity()).value;
    let kv_budget = capacity - weights;
    if kv_budget <= 0.0 {
        return Ok(Batching {
            feasible: false,
            active: 0.0,
            throughput: 0.0,
            static_active: 0.0,
            static_throughput: 0.0,
            mean,
            paged_frag: 0.0,
            static_frag: 0.0,
            paged_kv: 0.0,
            static_kv: 0.0,
            ttft,
            itl: constant(ctx, "infeasible_decode_step")?,
            speedup: 1.0,
        });
    }
    let per_token = core_serving::kv_cache(m, 1.0, 1.0, s.prec, cal, &mut ctx.lin)?.value;
    let budget_tokens = kv_budget / per_token;
    let static_active = (budget_tokens / s.max_seq).floor().min(s.max_batch);
    let static_frag = 1.0 - mean / s.max_seq;
    ctx.lin.formula("expected_paged_kv_tokens");
    let (paged_tokens, paged_frag) = expected_paged_kv_tokens(mean, s.max_seq, page);
    let pool_blocks = (budget_tokens / page).floor();
    let fit = constant(ctx, "paged_fit_tolerance")?;
    let active = (pool_blocks * page / paged_tokens + fit)
        .floor()
        .min(s.max_batch);
    let bw = ctx.lin.read(hw.bandwidth()).value;
    let step = |n: f64| (weights + per_token * (n * mean)) / bw;
    let rate = |n: f64| if n > 0.0 { n / step(n) } else { 0.0 };
    let (throughput, static_throughput) = (rate(active), rate(static_active));
    let speedup = if static_throughput > 0.0 {
        throughput / static_throughput
    } else if throughput > 0.0 {
        f64::INFINITY
    } else {
        1.0
    };
    Ok(Batching {
        feasible: active > 0.0,
        active,
        throughput,
        static_active,
        static_throughput,
        mean,
        paged_frag,
        static_frag,
        paged_kv: per_token * (active * paged_tokens),
        static_kv: per_token * (static_active * s.max_seq),
        ttft,
        itl: step(active),
        speedup,
    })
}

fn continuous_batching(a: &Args, ctx: &mut Ctx) -> Outs {
    let m = model(ctx, a, "model")?;
    let hw = hardware(ctx, a, "hardware")?;
    let shape = Shape {
        max_seq: a.f("max_seq_len"),
        mean: a.opt("mean_request_tokens"),
        max_batch: a.f("max_batch_size"),
        page: a.opt("page_size"),
        prec: precision(a, "precision")?,
        eff: a.f("efficiency"),
    };
    let b = batching(ctx, m, hw, &shape, a)?;
    Ok(vec![
        ("feasible", Out::Bool(b.feasible)),
        ("throughput_tokens_per_sec", num(b.throughput)),
        ("max_active_requests", num(b.active)),
        ("static_throughput_tokens_per_sec", num(b.static_throughput)),
        ("static_max_active_requests", num(b.static_active)),
        ("mean_request_tokens", num(b.mean)),
        ("paged_internal_fragmentation", num(b.paged_frag)),
        ("static_internal_fragmentation", num(b.static_frag)),
        ("paged_kv_cache_size", bytes(b.paged_kv)),
        ("static_kv_cache_size", bytes(b.static_kv)),
        ("ttft", time(b.ttft)),
        ("itl", time(b.itl)),
        ("speedup_vs_static", num(b.speedup)),
    ])
}

/// The P99 queue wait of `replicas` servers, each busy `service` seconds per request, at `qps`
/// (the M/M/c wait with the Kingman factor, as `TailLatencyModel` folds it into its P99 and the
/// capacity model strips the service time back out); ∞ when unstable.
fn queue_wait(qps: f64, service: f64, replicas: f64, cv: f64) -> (f64, bool) {
    let w = mmc_wait(qps, service, replicas, cv);
    (((w.p99 + service) - service).max(0.0), w.rho < 1.0)
}

fn serving_capacity(a: &Args, ctx: &mut Ctx) -> Outs {
    let m = model(ctx, a, "model")?;
    let hw = hardware(ctx, a, "hardware")?;
    let prec = precision(a, "precision")?;
    let (qps, target, out_tokens) = (
        a.f("qps"),
        a.f("target_p99_latency_ms"),
        a.f("output_tokens"),
    );
    let max_replicas = a.f("max_replicas");
    let shape = Shape {
        max_seq: a.f("max_seq_len"),
        mean: a.opt("mean_request_tokens"),
        max_batch: a.f("max_batch_size"),
        page: None,
        prec,
        eff: a.f("efficiency"),
    };
    let b = batching(ctx, m, hw, &shape, a)?;
    let active = b.active.max(1.0);
    let mut opts = ServingOptions::new(b.mean.floor().max(1.0) as u64);
    opts.batch_size = active as u64;
    opts.precision = prec;
    opts.efficiency = Some(shape.eff);
    let sys = ServingSystem {
        hardware: hw,
        decode: None,
    };
    let s = core_serving::solve(m, sys, None, &ctx.reg.calibration, &opts)?;
    ctx.lin.absorb(&s.lineage);
    let (ttft, itl) = (s.ttft.value, s.itl.value);
    let per_replica = b.throughput / out_tokens;
    let base = ttft + itl * out_tokens;
    let ms = |x: f64| time(x);
    let outs =
        |feasible: bool, replicas: f64, per: f64, util: f64, p99: f64, wait: f64, neck: &str| {
            vec![
                ("feasible", Out::Bool(feasible)),
                ("required_replicas", num(replicas)),
                ("qps_target", num(qps)),
                ("qps_capacity", num(replicas * per)),
                ("per_replica_qps_capacity", num(per)),
                ("utilization", num(util)),
                ("target_p99_latency", ms(target)),
                ("estimated_p99_latency", ms(p99)),
                ("base_request_latency", ms(base)),
                ("queue_wait_p99", ms(wait)),
                ("active_batch_size", num(active)),
                ("ttft", ms(ttft)),
                ("itl", ms(itl)),
                ("bottleneck", Out::Label(neck.into())),
            ]
        };
    if !s.feasible || !b.feasible || per_replica <= 0.0 {
        let neck = if !s.feasible || !b.feasible {
            "Memory"
        } else {
            "Capacity"
        };
        let inf = f64::INFINITY;
        return Ok(outs(false, max_replicas, 0.0, inf, inf, inf, neck));
    }
    ctx.lin.formula("queue_latency_mmc");
    let service = 1.0 / per_replica;
    let cv = a.f("service_time_cv");
    // Replica counts below `first` leave the queue unstable and cannot meet the target; with the
    // base latency already over target no count can. Either way the scan ends at max_replicas.
    let first = first_stable(qps, service).min(max_replicas);
    let reachable = base <= target;
    let mut replicas = if reachable { first } else { max_replicas };
    let (wait, stable, feasible) = loop {
        let (wait, stable) = queue_wait(qps, service, replicas, cv);
        if stable && base + wait <= target {
            break (wait, stable, true);
        }
        if replicas >= max_replicas {
            break (wait, stable, false);
        }
        replicas += 1.0;
    };
    let capacity = replicas * per_replica;
    let util = if capacity > 0.0 {
        qps / capacity
    } else {
        f64::INFINITY
    };
    let neck = match (feasible, stable) {
        (false, true) => "Tail Latency",
        (false, false) => "Capacity",
        // As mlsysim words it; a count that meets the target has base ≤ target, so this arm
        // is kept for parity of the labels rather than reached.
        (true, _) if base > target => "Base Latency",
        (true, _) => "Feasible",
    };
    Ok(outs(
        feasible,
        replicas,
        per_replica,
        util,
        base + wait,
        wait,
        neck,
    ))
}

/// The fewest servers, each `service` seconds per request, for which arrivals at `qps` leave the
/// M/M/c queue stable (the same test the queue formula makes: λ < c·μ).
fn first_stable(qps: f64, service: f64) -> f64 {
    let mu = 1.0 / service;
    let mut c = (qps / mu).floor().max(1.0);
    while c > 1.0 && qps < mu * (c - 1.0) {
        c -= 1.0;
    }
    while qps >= mu * c {
        c += 1.0;
    }
    c
}
