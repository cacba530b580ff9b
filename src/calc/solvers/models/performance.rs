//! Single-machine performance models: `IronLawModel`, `AmdahlModel`.

use super::constant;
use super::MS;
use crate::base::units::Dim;
use crate::calc::formulas::queueing::amdahl_speedup;
use crate::calc::params::{Out, SolveError};
use crate::calc::solvers::decl::{
    input, num, output, time, Args, Ctx, Default as D, Kind, Range, Run, SolverDef,
};

/// The declarations.
pub const DEFS: &[SolverDef] = &[
    SolverDef {
        name: "iron-law",
        class: "IronLawModel",
        doc: "Iron law on one machine: sequential (memory + compute + overhead) and overlapped (max + overhead) time, before and after an upgrade.",
        inputs: &[
            input("memory_time", MS, D::Required, Range::NONNEG, "time moving data"),
            input("compute_time", MS, D::Required, Range::NONNEG, "time computing"),
            input("overhead", MS, D::Required, Range::NONNEG, "fixed overhead (launch, framework)"),
            input("memory_speedup", Kind::Number, D::Num(1.0), Range::POSITIVE, "upgrade factor on the memory term"),
            input("compute_speedup", Kind::Number, D::Num(1.0), Range::POSITIVE, "upgrade factor on the compute term"),
        ],
        outputs: &[
            output("memory_time", "ms", "memory term"),
            output("compute_time", "ms", "compute term"),
            output("overhead", "ms", "overhead term"),
            output("sequential_time", "ms", "memory + compute + overhead"),
            output("overlapped_time", "ms", "max(memory, compute) + overhead"),
            output("upgraded_memory_time", "ms", "memory term after the upgrade"),
            output("upgraded_compute_time", "ms", "compute term after the upgrade"),
            output("upgraded_sequential_time", "ms", "sequential time after the upgrade"),
            output("upgraded_overlapped_time", "ms", "overlapped time after the upgrade"),
            output("naive_upgraded_time", "ms", "sequential time divided by both speedups (the naive guess)"),
            output("sequential_reduction", "1", "share of sequential time the upgrade removes"),
        ],
        run: Run::Model(iron_law),
    },
    SolverDef {
        name: "amdahl",
        class: "AmdahlModel",
        doc: "Amdahl's law on a sequential request path: one stage made `speedup` times faster, the rest untouched.",
        inputs: &[
            input("stage_time", MS, D::Required, Range::NONNEG, "time of the stage that is sped up (mlsysim: stages[stage])"),
            input("rest_time", MS, D::Required, Range::POSITIVE, "total time of the other stages (mlsysim: sum of the other stages)"),
            input("speedup", Kind::Number, D::Required, Range::POSITIVE, "speedup of the stage"),
        ],
        outputs: &[
            output("total_time", "ms", "all stages"),
            output("stage_time", "ms", "the stage before"),
            output("upgraded_stage_time", "ms", "the stage after"),
            output("upgraded_total_time", "ms", "all stages after"),
            output("untouched_time", "ms", "the other stages"),
            output("stage_fraction", "1", "the stage's share p of the total"),
            output("overall_speedup", "1", "1 / ((1 − p) + p / s)"),
            output("end_to_end_reduction", "1", "1 − 1 / overall speedup"),
            output("stage_reduction", "1", "1 − 1 / s"),
            output("speedup_bound", "1", "total / untouched: the speedup as s → ∞"),
        ],
        run: Run::Model(amdahl),
    },
    SolverDef {
        name: "efficiency",
        class: "EfficiencyModel",
        doc: "Achievable MFU and FLOP/s by dominant kernel type (attention with or without FlashAttention, FFN, convolution), and the loss split into occupancy and memory stall.",
        inputs: &[
            input("model", Kind::Key("models"), D::Required, Range::ANY, "the model"),
            input("hardware", Kind::Key("hardware"), D::Required, Range::ANY, "the device"),
            input("workload_type", Kind::Text, D::Text("ffn"), Range::ANY, "attention, ffn or conv (anything else: the low MFU)"),
            input("use_flash_attention", Kind::Bool, D::Bool(false), Range::ANY, "FlashAttention (attention only)"),
            input("precision", Kind::Text, D::Text("fp16"), Range::ANY, "precision whose peak is used (unknown: peak_flops)"),
            input("efficiency", Kind::Number, D::Num(0.5), Range::NONNEG, "base compute efficiency"),
        ],
        outputs: &[
            output("mfu", "1", "achievable MFU η, clamped to [0, 1]"),
            output("achievable_flops", "TFLOP/s", "peak × η"),
            output("peak_flops", "TFLOP/s", "peak at the precision"),
            output("workload_type", "label", "kernel type"),
            output("use_flash_attention", "bool", "FlashAttention"),
            output("occupancy_loss", "1", "1 − min(efficiency × 1.1, 1) (mlsysim: overhead_breakdown)"),
            output("memory_stall", "1", "max(0, 1 − η − occupancy loss) (mlsysim: overhead_breakdown)"),
        ],
        run: Run::Model(efficiency),
    },
    SolverDef {
        name: "compression",
        class: "CompressionModel",
        doc: "Quantization or pruning against a baseline precision: size, compression ratio, estimated accuracy delta and inference speedup by roofline regime.",
        inputs: &[
            input("model", Kind::Key("models"), D::Required, Range::ANY, "the model"),
            input("hardware", Kind::Key("hardware"), D::Required, Range::ANY, "the device"),
            input("method", Kind::Text, D::Text("quantization"), Range::ANY, "quantization, pruning (anything else: no-op)"),
            input("target_bitwidth", Kind::Int, D::Num(8.0), Range::AT_LEAST_1, "target bits per weight"),
            input("sparsity", Kind::Number, D::Num(0.0), Range::FRACTION, "pruned share of weights"),
            input("sparsity_type", Kind::Text, D::Text("unstructured"), Range::ANY, "unstructured, structured or n_m (2:4)"),
            input("baseline_precision", Kind::Text, D::Text("fp32"), Range::ANY, "precision the ratios are measured against"),
        ],
        outputs: &[
            output("baseline_precision", "label", "canonical baseline precision"),
            output("original_size_gb", "GB", "weights at the baseline precision"),
            output("compressed_size_gb", "GB", "original / ratio"),
            output("compression_ratio", "1", "baseline bits / target bits, or 1/(1 − sparsity)"),
            output("estimated_accuracy_delta", "1", "signed accuracy change (fraction)"),
            output("memory_savings_pct", "1", "(1 − 1/ratio) × 100"),
            output("inference_speedup", "1", "memory-bound: the ratio; compute-bound: the low-precision path, if any"),
        ],
        run: Run::Model(compression),
    },
];

fn iron_law(a: &Args, ctx: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let (m, c, o) = (a.f("memory_time"), a.f("compute_time"), a.f("overhead"));
    let (ms, cs) = (a.f("memory_speedup"), a.f("compute_speedup"));
    let (m2, c2) = (m / ms, c / cs);
    let (seq, seq2) = (m + c + o, m2 + c2 + o);
    ctx.lin.formula("iron_law");
    Ok(vec![
        ("memory_time", time(m)),
        ("compute_time", time(c)),
        ("overhead", time(o)),
        ("sequential_time", time(seq)),
        ("overlapped_time", time(m.max(c) + o)),
        ("upgraded_memory_time", time(m2)),
        ("upgraded_compute_time", time(c2)),
        ("upgraded_sequential_time", time(seq2)),
        ("upgraded_overlapped_time", time(m2.max(c2) + o)),
        ("naive_upgraded_time", time(seq / (ms * cs))),
        ("sequential_reduction", num(1.0 - seq2 / seq)),
    ])
}

fn amdahl(a: &Args, ctx: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let (part, rest, s) = (a.f("stage_time"), a.f("rest_time"), a.f("speedup"));
    let total = part + rest;
    let p = part / total;
    ctx.lin.formula("amdahl_speedup");
    let overall = amdahl_speedup(p, s);
    Ok(vec![
        ("total_time", time(total)),
        ("stage_time", time(part)),
        ("upgraded_stage_time", time(part / s)),
        ("upgraded_total_time", time(rest + part / s)),
        ("untouched_time", time(rest)),
        ("stage_fraction", num(p)),
        ("overall_speedup", num(overall)),
        ("end_to_end_reduction", num(1.0 - 1.0 / overall)),
        ("stage_reduction", num(1.0 - 1.0 / s)),
        ("speedup_bound", num(total / rest)),
    ])
}

fn efficiency(a: &Args, ctx: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    super::model(ctx, a, "model")?;
    let hw = super::hardware(ctx, a, "hardware")?;
    let peak = super::peak_at(ctx, hw, a.text("precision").unwrap_or("fp16"));
    let eff = a.f("efficiency");
    let low = constant(ctx, "mfu_low")?;
    let high = constant(ctx, "mfu_high")?;
    let scale = eff / constant(ctx, "mfu_reference_efficiency")?;
    let kind = a.text("workload_type").unwrap_or("ffn");
    let flash = a.flag("use_flash_attention");
    let eta = match kind {
        "attention" if flash => (constant(ctx, "mfu_flash_attention")? * scale)
            .min(constant(ctx, "mfu_flash_attention_cap")?),
        "ffn" => (high * scale).min(constant(ctx, "mfu_ffn_cap")?),
        "conv" => ((low + high) / 2.0 * scale).min(constant(ctx, "mfu_conv_cap")?),
        _ => low * scale,
    }
    .clamp(0.0, 1.0);
    let occupancy = 1.0 - (eff * constant(ctx, "sm_occupancy_headroom")?).min(1.0);
    Ok(vec![
        ("mfu", num(eta)),
        ("achievable_flops", Out::qty(peak * eta, Dim::COMPUTE_RATE)),
        ("peak_flops", Out::qty(peak, Dim::COMPUTE_RATE)),
        ("workload_type", Out::Label(kind.into())),
        ("use_flash_attention", Out::Bool(flash)),
        ("occupancy_loss", num(occupancy)),
        ("memory_stall", num((1.0 - eta - occupancy).max(0.0))),
    ])
}

fn compression(a: &Args, ctx: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let m = super::model(ctx, a, "model")?;
    let hw = super::hardware(ctx, a, "hardware")?;
    let baseline = super::precision(a, "baseline_precision")?;
    // Bits per byte: a unit conversion.
    let baseline_bits = baseline.bytes() * 8.0;
    let original = super::size_in_bytes(ctx, m, baseline)?;
    let bits = a.f("target_bitwidth");
    let sparsity = a.f("sparsity");
    let (ratio, delta, speedup) = match a.text("method").unwrap_or("quantization") {
        "quantization" => {
            let ratio = baseline_bits / bits;
            let delta = if bits >= 16.0 {
                0.0
            } else if bits == 8.0 {
                constant(ctx, "quant_accuracy_delta_fp8")?
            } else if bits >= 4.0 {
                constant(ctx, "quant_accuracy_delta_int4")?
            } else {
                constant(ctx, "quant_accuracy_delta_sub_int4")?
            };
            let graph = crate::calc::solvers::roofline::lower(m, baseline, &mut ctx.lin)?;
            let peak = ctx.lin.read(hw.compute.peak_flops);
            let bw = ctx.lin.read(hw.bandwidth());
            ctx.lin.formula("bottleneck");
            let b = crate::calc::formulas::performance::calc_bottleneck(
                graph.ops,
                graph.weights,
                peak,
                bw,
            );
            let speedup = if b.bottleneck.label() == "Memory" {
                ratio
            } else {
                let key = if bits <= 8.0 {
                    format!("int{bits}")
                } else {
                    format!("fp{bits}")
                };
                match hw.compute.precision_flops.get(&key) {
                    Some(&pf) => (ctx.lin.read(pf).value / peak.value).min(ratio),
                    None => 1.0,
                }
            };
            (ratio, delta, speedup)
        }
        "pruning" => {
            let ratio = if sparsity < 1.0 {
                1.0 / (1.0 - sparsity)
            } else {
                constant(ctx, "pruning_full_sparsity_ratio")?
            };
            let delta = if sparsity <= constant(ctx, "pruning_accuracy_threshold")? {
                constant(ctx, "pruning_mild_delta")?
            } else {
                -constant(ctx, "pruning_steep_coefficient")?
                    * (sparsity * constant(ctx, "pruning_steep_exponent")?).exp()
            };
            let speedup = match a.text("sparsity_type").unwrap_or("unstructured") {
                "structured" => ratio,
                "n_m" => {
                    let target = constant(ctx, "nm_sparsity_target")?;
                    if (sparsity - target).abs() < constant(ctx, "nm_sparsity_tolerance")? {
                        constant(ctx, "nm_sparsity_speedup")?
                    } else {
                        1.0
                    }
                }
                _ => 1.0,
            };
            (ratio, delta, speedup)
        }
        _ => (1.0, 0.0, 1.0),
    };
    Ok(vec![
        ("baseline_precision", Out::Label(baseline.key().into())),
        (
            "original_size_gb",
            crate::calc::solvers::decl::bytes(original),
        ),
        (
            "compressed_size_gb",
            crate::calc::solvers::decl::bytes(original / ratio),
        ),
        ("compression_ratio", num(ratio)),
        ("estimated_accuracy_delta", num(delta)),
        ("memory_savings_pct", num((1.0 - 1.0 / ratio) * 100.0)),
        ("inference_speedup", num(speedup)),
    ])
}
