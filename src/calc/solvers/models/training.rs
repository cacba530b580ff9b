//! Training models that read registry objects: `ScalingModel`, `CheckpointModel`,
//! `TrainingMemoryModel`, `TrainingRunModel`, `ParallelLayoutModel`, `ZeroShardingModel`.

use super::{constant, hardware, model, parameters, peak_at, precision, size_in_bytes};
use super::{Outs, GB, GBPS, HW, MODEL};
use crate::base::units::Dim;
use crate::calc::formulas::communication as comm;
use crate::calc::formulas::memory::{activation_memory, ActivationShape, ActivationStrategy};
use crate::calc::params::{Out, Precision};
use crate::calc::solvers::decl::{
    bandwidth, bytes, input, num, output, time, Args, Ctx, Default as D, Kind, Range, Run,
    SolverDef,
};

const COUNT: Range = Range::AT_LEAST_1;
const ZERO_STAGE: Range = Range::new(0.0, false, 3.0, false);

/// The declarations.
pub const DEFS: &[SolverDef] = &[
    SolverDef {
        name: "scaling",
        class: "ScalingModel",
        doc: "Chinchilla compute-optimal model and data size for a compute budget (C = 6PD, D = 20P), or the tokens a pinned model size affords.",
        inputs: &[
            input("compute_budget", Kind::QtyOr(Dim::OPERATIONS, "flop", Dim::TIME), D::Required, Range::NONNEG, "training budget in FLOPs, or in GPU-days (converted at the reference device's peak × sustained MFU)"),
            input("target_model_size", Kind::Number, D::Absent, Range::NONNEG, "pinned parameter count (0 or absent: compute-optimal)"),
        ],
        outputs: &[
            output("optimal_parameters", "1", "parameters P"),
            output("optimal_tokens", "1", "training tokens D"),
            output("compute_budget_flops", "flop", "budget in FLOPs"),
            output("tokens_per_parameter", "1", "D / P (0 when P = 0)"),
        ],
        run: Run::Model(scaling),
    },
    SolverDef {
        name: "checkpoint",
        class: "CheckpointModel",
        doc: "Checkpoint size of a model's resumable state, its synchronous write time, and the share of each interval it blocks.",
        inputs: &[
            input("model", MODEL, D::Required, Range::ANY, "the model"),
            input("hardware", HW, D::Required, Range::ANY, "the device (its storage bandwidth per writer)"),
            input("optimizer", Kind::Text, D::Text("adam"), Range::ANY, "adam (14 B/param) or anything else (SGD, 4 B/param)"),
            input("checkpoint_interval_hours", Kind::Qty(Dim::TIME, "h"), D::Num(4.0), Range::NONNEG, "time between checkpoints (0: checkpointing continuously)"),
            input("n_writers", Kind::Int, D::Num(1.0), COUNT, "parallel writers"),
            input("filesystem_limit_gbs", GBPS, D::Num(500.0), Range::POSITIVE, "aggregate filesystem write ceiling"),
        ],
        outputs: &[
            output("checkpoint_size", "GB", "parameters × bytes per parameter"),
            output("write_time_seconds", "s", "size / min(storage bandwidth × writers, filesystem limit)"),
            output("max_bandwidth_required", "GB/s", "storage bandwidth of one writer"),
            output("storage_bottleneck", "bool", "write longer than the bottleneck threshold (60 s)"),
            output("mfu_penalty_pct", "1", "write time / interval (a fraction, as mlsysim)"),
        ],
        run: Run::Model(checkpoint),
    },
    SolverDef {
        name: "training-memory",
        class: "TrainingMemoryModel",
        doc: "Per-accelerator training memory by component: weights, gradients, optimizer state, activations, communication buffers (Megatron-LM, ZeRO, Korthikanti et al.).",
        inputs: &[
            input("model", MODEL, D::Required, Range::ANY, "a transformer"),
            input("hardware", HW, D::Required, Range::ANY, "the device (its memory capacity)"),
            input("batch_size", Kind::Int, D::Required, COUNT, "global batch"),
            input("seq_len", Kind::Int, D::Num(2048.0), COUNT, "sequence length"),
            input("precision", Kind::Text, D::Text("fp16"), Range::ANY, "weight and activation precision"),
            input("optimizer", Kind::Text, D::Text("adam"), Range::ANY, "adam, adamw, sgd or none"),
            input("activation_checkpointing", Kind::Text, D::Text("selective"), Range::ANY, "none, selective or full"),
            input("tp_size", Kind::Int, D::Num(1.0), COUNT, "tensor-parallel degree"),
            input("pp_size", Kind::Int, D::Num(1.0), COUNT, "pipeline-parallel degree"),
            input("dp_size", Kind::Int, D::Num(1.0), COUNT, "data-parallel degree"),
            input("ep_size", Kind::Int, D::Num(1.0), COUNT, "expert-parallel degree"),
            input("zero_stage", Kind::Int, D::Num(0.0), ZERO_STAGE, "ZeRO stage 0–3"),
            input("gradient_accumulation_steps", Kind::Int, D::Num(1.0), COUNT, "micro-steps per update"),
            input("trainable_fraction", Kind::Number, D::Num(1.0), Range::FRACTION, "share of parameters trained"),
            input("communication_buffer_fraction", Kind::Number, D::Num(0.05), Range::FRACTION, "gradient bucket as a share of the gradients"),
            input("sequence_parallel", Kind::Bool, D::Bool(true), Range::ANY, "shard activations over TP (Megatron sequence parallelism)"),
        ],
        outputs: &[
            output("feasible", "bool", "total ≤ device memory"),
            output("total_memory", "GB", "sum of the components"),
            output("available_memory", "GB", "device memory capacity"),
            output("memory_utilization", "1", "total / capacity"),
            output("weights", "GB", "weights per rank"),
            output("gradients", "GB", "gradients per rank"),
            output("optimizer_state", "GB", "optimizer state per rank"),
            output("activations", "GB", "stored activations per rank"),
            output("communication_buffers", "GB", "gradient bucket + pipeline send/receive buffers"),
            output("precision", "label", "canonical precision"),
            output("optimizer", "label", "optimizer (lower case)"),
            output("activation_checkpointing", "label", "recomputation strategy"),
        ],
        run: Run::Model(training_memory),
    },
    SolverDef {
        name: "training-run",
        class: "TrainingRunModel",
        doc: "Wall-clock time of a training run: 6PD FLOPs at fleet peak, ÷ local efficiency, ÷ scaling efficiency, × each operational overhead in turn.",
        inputs: &[
            input("model", MODEL, D::Required, Range::ANY, "the model"),
            input("fleet", Kind::Key("fleets"), D::Required, Range::ANY, "the fleet (accelerator and count)"),
            input("local_efficiency", Kind::Number, D::Required, Range::POSITIVE, "share of peak one device sustains"),
            input("scaling_efficiency", Kind::Number, D::Required, Range::POSITIVE, "share kept at fleet scale (communication, bubbles)"),
            input("checkpoint_overhead", Kind::Number, D::Absent, Range::NONNEG, "checkpointing overhead fraction (mlsysim: overheads[...], applied first)"),
            input("failure_overhead", Kind::Number, D::Absent, Range::NONNEG, "failures and restarts overhead fraction (applied second)"),
            input("maintenance_overhead", Kind::Number, D::Absent, Range::NONNEG, "maintenance overhead fraction (applied third)"),
            input("precision", Kind::Text, D::Text("fp8"), Range::ANY, "precision whose peak is used (unknown: peak_flops)"),
            input("tokens", Kind::Number, D::Absent, Range::NONNEG, "training tokens (default: the model's training_tokens)"),
        ],
        outputs: &[
            output("total_flops", "flop", "6·P·D"),
            output("peak_time", "h", "at every device's peak"),
            output("compute_time", "h", "at the local efficiency"),
            output("scaled_time", "h", "÷ scaling efficiency"),
            output("total_time", "h", "× (1 + each overhead)"),
            output("delivered_fraction", "1", "peak time / total time"),
        ],
        run: Run::Model(training_run),
    },
    SolverDef {
        name: "parallel-layout",
        class: "ParallelLayoutModel",
        doc: "One training step of a TP × PP × DP layout: compute, exposed ring AllReduce, pipeline bubble, efficiency and Adam state per device.",
        inputs: &[
            input("model", MODEL, D::Required, Range::ANY, "the model"),
            input("tp_size", Kind::Int, D::Required, COUNT, "tensor-parallel degree"),
            input("pp_size", Kind::Int, D::Required, COUNT, "pipeline stages"),
            input("dp_size", Kind::Int, D::Required, COUNT, "data-parallel replicas"),
            input("microbatches", Kind::Int, D::Required, COUNT, "microbatches per step"),
            input("batch_tokens", Kind::Number, D::Required, Range::POSITIVE, "tokens per update"),
            input("flops_per_param_token", Kind::Number, D::Required, Range::POSITIVE, "FLOPs per parameter per token (6 for training)"),
            input("peak_flops", Kind::Qty(Dim::COMPUTE_RATE, "TFLOP/s"), D::Required, Range::POSITIVE, "peak of one device"),
            input("local_efficiency", Kind::Number, D::Required, Range::POSITIVE, "share of peak one device sustains"),
            input("link_bandwidth", GBPS, D::Required, Range::POSITIVE, "data-parallel link bandwidth"),
            input("overlap_fraction", Kind::Number, D::Required, Range::FRACTION, "share of the AllReduce that can hide under compute"),
            input("gradient_precision", Kind::Text, D::Text("fp16"), Range::ANY, "gradient precision"),
            input("window_resolution", Kind::Qty(Dim::TIME, "s"), D::Absent, Range::POSITIVE, "round the compute window to this resolution"),
            input("device_memory", GB, D::Absent, Range::POSITIVE, "device memory, for the fewest devices that hold the state"),
        ],
        outputs: &[
            output("n_devices", "1", "TP × PP × DP"),
            output("step_flops", "flop", "k · P · tokens"),
            output("compute_time", "s", "step FLOPs / (N · peak · efficiency)"),
            output("gradient_bytes", "GB", "gradients at the gradient precision"),
            output("dp_shard", "GB", "gradients / (TP · PP)"),
            output("ring_bytes", "GB", "2(DP−1)/DP × shard"),
            output("allreduce_time", "s", "2 × shard / link bandwidth"),
            output("hidden_time", "s", "min(AllReduce × overlap, compute)"),
            output("exposed_time", "s", "AllReduce − hidden"),
            output("bubble", "1", "(PP−1)/(M+PP−1)"),
            output("efficiency", "1", "compute / step"),
            output("efficiency_no_overlap", "1", "compute / (stretched compute + AllReduce)"),
            output("overlap_share", "1", "hidden / AllReduce"),
            output("step_time", "s", "compute / (1 − bubble) + exposed"),
            output("state_total", "GB", "16 B per parameter"),
            output("state_per_device", "GB", "state / (TP · PP)"),
            output("zero1_state_per_device", "GB", "weights+gradients / (TP·PP) + optimizer / N"),
            output("fleet_mfu", "1", "local efficiency × efficiency"),
            output("double_counted_mfu", "1", "local efficiency × efficiency² (the mistake)"),
            output("min_devices_for_state", "1", "⌈state / device memory⌉ (when device_memory is given)"),
        ],
        run: Run::Model(parallel_layout),
    },
    SolverDef {
        name: "zero-sharding",
        class: "ZeroShardingModel",
        doc: "Per-device training state at each ZeRO stage (DDP, ZeRO-1/2/3) and the extra weight traffic of full sharding.",
        inputs: &[
            input("model", MODEL, D::Required, Range::ANY, "the model"),
            input("n_devices", Kind::Int, D::Required, COUNT, "data-parallel devices"),
            input("activations", GB, D::Absent, Range::NONNEG, "activations per device (default 0)"),
            input("link_bandwidth", GBPS, D::Absent, Range::POSITIVE, "link bandwidth, for the gather time"),
        ],
        outputs: &[
            output("weights", "GB", "FP16 weights W"),
            output("gradients", "GB", "FP16 gradients G"),
            output("optimizer_state", "GB", "Adam optimizer state O"),
            output("ddp_state", "GB", "W + G + O (mlsysim: stage_state['DDP'])"),
            output("zero1_state", "GB", "W + G + O/N"),
            output("zero2_state", "GB", "W + (G + O)/N"),
            output("zero3_state", "GB", "(W + G + O)/N"),
            output("zero3_traffic_multiple", "1", "ZeRO-3 traffic / DDP traffic (mlsysim: traffic_multiple['ZeRO-3'])"),
            output("activations", "GB", "activations per device"),
            output("zero3_total_per_device", "GB", "ZeRO-3 state + activations"),
            output("gather_traffic", "GB", "3 W per step"),
            output("gather_time", "s", "gather traffic / link bandwidth (when given)"),
        ],
        run: Run::Model(zero_sharding),
    },
];

fn scaling(a: &Args, ctx: &mut Ctx) -> Outs {
    let k = constant(ctx, "chinchilla_compute_constant")?;
    let r = constant(ctx, "chinchilla_tokens_per_param")?;
    let c = match a.alt("compute_budget") {
        Some(gpu_seconds) => {
            let peak = constant(ctx, "reference_hardware_flops")?;
            let mfu = constant(ctx, "reference_mfu_sustained")?;
            gpu_seconds * peak * mfu
        }
        None => a.f("compute_budget"),
    };
    let (p, d) = match a.opt("target_model_size").filter(|&p| p != 0.0) {
        Some(p) => (p, c / (k * p)),
        None => {
            ctx.lin.formula("compute_optimal_allocation");
            let p = (c / (k * r)).sqrt();
            (p, r * p)
        }
    };
    Ok(vec![
        ("optimal_parameters", num(p)),
        ("optimal_tokens", num(d)),
        ("compute_budget_flops", Out::qty(c, Dim::OPERATIONS)),
        (
            "tokens_per_parameter",
            num(if p > 0.0 { d / p } else { 0.0 }),
        ),
    ])
}

fn checkpoint(a: &Args, ctx: &mut Ctx) -> Outs {
    let m = model(ctx, a, "model")?;
    let hw = hardware(ctx, a, "hardware")?;
    let adam = a.text("optimizer").unwrap_or("adam").to_lowercase() == "adam";
    let bpp = constant(
        ctx,
        if adam {
            "checkpoint_bytes_adam"
        } else {
            "checkpoint_bytes_sgd"
        },
    )?;
    ctx.lin.formula("checkpoint_size");
    let size = parameters(ctx, m)? * bpp;
    let storage = match ctx.lin.read_opt(hw.storage_bandwidth) {
        Some(bw) if bw.value != 0.0 => bw.value,
        _ => constant(ctx, "fallback_storage_bandwidth")?,
    };
    let write_bw = (storage * a.f("n_writers")).min(a.f("filesystem_limit_gbs"));
    let t = size / write_bw;
    let interval = a.f("checkpoint_interval_hours");
    let penalty = if interval > 0.0 { t / interval } else { 1.0 };
    let threshold = constant(ctx, "checkpoint_bottleneck_threshold")?;
    Ok(vec![
        ("checkpoint_size", bytes(size)),
        ("write_time_seconds", time(t)),
        ("max_bandwidth_required", bandwidth(storage)),
        ("storage_bottleneck", Out::Bool(t > threshold)),
        ("mfu_penalty_pct", num(penalty)),
    ])
}

fn training_memory(a: &Args, ctx: &mut Ctx) -> Outs {
    let m = model(ctx, a, "model")?;
    let hw = hardware(ctx, a, "hardware")?;
    let prec = precision(a, "precision")?;
    let opt_name = a.text("optimizer").unwrap_or("adam").to_lowercase();
    let opt_bytes = match opt_name.as_str() {
        "adam" | "adamw" => constant(ctx, "optimizer_bytes_adam")?,
        "sgd" => constant(ctx, "optimizer_bytes_sgd")?,
        "none" => 0.0,
        other => {
            return Err(a.invalid(
                "optimizer",
                format!("Unknown optimizer '{other}'. Supported: adam, adamw, none, sgd"),
            ))
        }
    };
    let strategy_name = a.text("activation_checkpointing").unwrap_or("selective");
    let strategy = ActivationStrategy::parse(strategy_name).map_err(|_| {
        a.invalid(
            "activation_checkpointing",
            "activation_checkpointing must be 'none', 'selective', or 'full'".into(),
        )
    })?;
    let (tp, pp, dp, ep) = (
        a.f("tp_size"),
        a.f("pp_size"),
        a.f("dp_size"),
        a.f("ep_size"),
    );
    let zero = a.f("zero_stage");
    let bpp = prec.bytes();
    let per_rank = parameters(ctx, m)? / (tp * pp * ep);
    let trainable = per_rank * a.f("trainable_fraction");
    let mut weights = per_rank * bpp;
    let mut gradients = trainable * bpp;
    let mut optimizer = trainable * opt_bytes;
    if zero >= 1.0 {
        optimizer /= dp;
    }
    if zero >= 2.0 {
        gradients /= dp;
    }
    if zero >= 3.0 {
        weights /= dp;
    }
    let seq = a.f("seq_len");
    let micro = (a.f("batch_size") / (dp * a.f("gradient_accumulation_steps")))
        .ceil()
        .max(1.0);
    let layers = ctx
        .lin
        .read_opt(m.layers)
        .ok_or_else(|| super::missing_field(m, "layers"))?;
    let hidden = match ctx.lin.read_opt(m.hidden_dim) {
        Some(h) if h != 0.0 => h,
        _ => ctx.lin.read(ctx.reg.calibration.fallback_hidden_dim),
    };
    ctx.lin.formula("activation_memory");
    let shape = ActivationShape {
        layers: (layers / pp).ceil().max(1.0),
        seq_len: seq,
        batch: micro,
        hidden_dim: hidden,
        heads: ctx.lin.read_opt(m.heads),
    };
    let mut activations = activation_memory(shape, bpp, strategy)?.value;
    if tp > 1.0 && a.flag("sequence_parallel") {
        activations /= tp;
    }
    let bucket = gradients * a.f("communication_buffer_fraction");
    let pipe = if pp > 1.0 {
        2.0 * micro * seq * hidden * bpp
    } else {
        0.0
    };
    let buffers = bucket + pipe;
    let total = weights + gradients + optimizer + activations + buffers;
    let capacity = ctx.lin.read(hw.capacity()).value;
    let util = if capacity > 0.0 {
        total / capacity
    } else {
        f64::INFINITY
    };
    Ok(vec![
        ("feasible", Out::Bool(total <= capacity)),
        ("total_memory", bytes(total)),
        ("available_memory", bytes(capacity)),
        ("memory_utilization", num(util)),
        ("weights", bytes(weights)),
        ("gradients", bytes(gradients)),
        ("optimizer_state", bytes(optimizer)),
        ("activations", bytes(activations)),
        ("communication_buffers", bytes(buffers)),
        ("precision", Out::Label(prec.key().into())),
        ("optimizer", Out::Label(opt_name)),
        ("activation_checkpointing", Out::Label(strategy_name.into())),
    ])
}

fn training_run(a: &Args, ctx: &mut Ctx) -> Outs {
    let m = model(ctx, a, "model")?;
    let fleet = super::fleet(ctx, a, "fleet")?.expect("fleet is required");
    let hw = ctx.reg.hardware(&fleet.node.accelerator)?;
    let peak = peak_at(ctx, hw, a.text("precision").unwrap_or("fp8"));
    let p = parameters(ctx, m)?;
    let tokens = match a.opt("tokens") {
        Some(t) => t,
        None => ctx
            .lin
            .read_opt(m.training_tokens)
            .ok_or_else(|| super::missing_field(m, "training_tokens (give `tokens`)"))?,
    };
    ctx.lin.formula("transformer_training_flops");
    let flops = crate::calc::formulas::scaling::transformer_training_flops(p, tokens, false).value;
    let n = ctx.lin.read(fleet.count) * ctx.lin.read(fleet.node.accelerators_per_node);
    let t_peak = flops / (n * peak * 1.0);
    let t_compute = flops / (n * peak * a.f("local_efficiency"));
    let scaled = t_compute / a.f("scaling_efficiency");
    let mut t = scaled;
    for name in [
        "checkpoint_overhead",
        "failure_overhead",
        "maintenance_overhead",
    ] {
        if let Some(f) = a.opt(name) {
            t *= 1.0 + f;
        }
    }
    if t == 0.0 {
        return Err(a.invalid(
            "tokens",
            "the run has no work (0 FLOPs): delivered fraction is 0/0".into(),
        ));
    }
    Ok(vec![
        ("total_flops", Out::qty(flops, Dim::OPERATIONS)),
        ("peak_time", time(t_peak)),
        ("compute_time", time(t_compute)),
        ("scaled_time", time(scaled)),
        ("total_time", time(t)),
        ("delivered_fraction", num(t_peak / t)),
    ])
}

/// mlsysim's `_round_to`: `t` carried at `resolution` (a power of ten rounds to decimal digits).
fn round_to(t: f64, res: f64) -> f64 {
    let digits = (-res.log10()).round_ties_even();
    if (10f64.powf(-digits) - res).abs() < 1e-12 {
        let k = 10f64.powf(digits);
        (t * k).round_ties_even() / k
    } else {
        (t / res).round_ties_even() * res
    }
}

fn parallel_layout(a: &Args, ctx: &mut Ctx) -> Outs {
    let m = model(ctx, a, "model")?;
    let (tp, pp, dp) = (a.f("tp_size"), a.f("pp_size"), a.f("dp_size"));
    let n = tp * pp * dp;
    let p = parameters(ctx, m)?;
    let step_flops = a.f("flops_per_param_token") * p * a.f("batch_tokens");
    let eff = a.f("local_efficiency");
    let mut compute = step_flops / (n * a.f("peak_flops") * eff);
    if let Some(res) = a.opt("window_resolution") {
        compute = round_to(compute, res);
    }
    let grad = size_in_bytes(ctx, m, precision(a, "gradient_precision")?)?;
    let shard = grad / (tp * pp);
    ctx.lin.formula("ring_allreduce_data_factor");
    let ring = comm::ring_allreduce_data_factor(dp) * shard;
    let factor = constant(ctx, "ring_allreduce_factor")?;
    let allreduce = factor * shard / a.f("link_bandwidth");
    let hidden = (allreduce * a.f("overlap_fraction")).min(compute);
    let exposed = allreduce - hidden;
    ctx.lin.formula("pipeline_bubble_fraction");
    let bubble = comm::pipeline_bubble_fraction(pp, a.f("microbatches"), 1.0);
    let stretched = compute / (1.0 - bubble);
    let step = stretched + exposed;
    let efficiency = compute / step;
    let state_bpp = constant(ctx, "training_state_bytes_adam")?;
    let opt_bpp = constant(ctx, "optimizer_bytes_adam")?;
    let state = p * state_bpp;
    let wg = p * (2.0 * Precision::Fp16.bytes());
    let zero1 = wg / (tp * pp) + p * opt_bpp / (tp * pp * dp);
    let min_dev = match a.opt("device_memory") {
        Some(mem) => num((state / mem).ceil()),
        None => Out::Missing,
    };
    Ok(vec![
        ("n_devices", num(n)),
        ("step_flops", Out::qty(step_flops, Dim::OPERATIONS)),
        ("compute_time", time(compute)),
        ("gradient_bytes", bytes(grad)),
        ("dp_shard", bytes(shard)),
        ("ring_bytes", bytes(ring)),
        ("allreduce_time", time(allreduce)),
        ("hidden_time", time(hidden)),
        ("exposed_time", time(exposed)),
        ("bubble", num(bubble)),
        ("efficiency", num(efficiency)),
        (
            "efficiency_no_overlap",
            num(compute / (stretched + allreduce)),
        ),
        ("overlap_share", num(hidden / allreduce)),
        ("step_time", time(step)),
        ("state_total", bytes(state)),
        ("state_per_device", bytes(state / (tp * pp))),
        ("zero1_state_per_device", bytes(zero1)),
        ("fleet_mfu", num(eff * efficiency)),
        ("double_counted_mfu", num(eff * efficiency * efficiency)),
        ("min_devices_for_state", min_dev),
    ])
}

fn zero_sharding(a: &Args, ctx: &mut Ctx) -> Outs {
    let m = model(ctx, a, "model")?;
    let w = size_in_bytes(ctx, m, Precision::Fp16)?;
    let g = w;
    let o = parameters(ctx, m)? * constant(ctx, "optimizer_bytes_adam")?;
    let n = a.f("n_devices");
    let ddp_bytes = constant(ctx, "ring_allreduce_factor")? * w;
    let gather = constant(ctx, "zero3_traffic_passes")? * w;
    let act = a.opt("activations").unwrap_or(0.0);
    let zero3 = (w + g + o) / n;
    let gather_time = match a.opt("link_bandwidth") {
        Some(bw) => time(gather / bw),
        None => Out::Missing,
    };
    Ok(vec![
        ("weights", bytes(w)),
        ("gradients", bytes(g)),
        ("optimizer_state", bytes(o)),
        ("ddp_state", bytes(w + g + o)),
        ("zero1_state", bytes(w + g + o / n)),
        ("zero2_state", bytes(w + (g + o) / n)),
        ("zero3_state", bytes(zero3)),
        ("zero3_traffic_multiple", num(gather / ddp_bytes)),
        ("activations", bytes(act)),
        ("zero3_total_per_device", bytes(zero3 + act)),
        ("gather_traffic", bytes(gather)),
        ("gather_time", gather_time),
    ])
}

#[cfg(test)]
mod tests {
    use super::round_to;

    #[test]
    fn round_to_powers_of_ten_and_others() {
        assert_eq!(round_to(3.34618, 0.001), 3.346);
        assert_eq!(round_to(3.34618, 0.1), 3.3);
        assert!((round_to(3.34618, 0.25) - 3.25).abs() < 1e-15);
    }
}
