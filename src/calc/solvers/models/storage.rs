//! Storage and data-pipeline models: `DataStallModel`, `DataModel` (the data wall),
//! `TransformationModel` (the CPU preprocessing wall), `StorageFootprintModel`,
//! `TieredCheckpointModel`, `CheckpointStormModel`.

use super::hardware;
use super::{GB, GBPS, H, MS, S};
use crate::base::units::Dim;
use crate::calc::params::{Lineage, Out, SolveError};
use crate::calc::solvers::decl::{
    bandwidth, bytes, input, num, output, time, Args, Ctx, Default as D, Kind, Range, Run,
    SolverDef,
};
use crate::registry::types::Hardware;

/// The declarations.
pub const DEFS: &[SolverDef] = &[
    SolverDef {
        name: "data-stall",
        class: "DataStallModel",
        doc: "Input wait per step when data delivery and compute run in sequence or overlap.",
        inputs: &[
            input("compute_time", MS, D::Required, Range::NONNEG, "compute time per step"),
            input("io_time", MS, D::Required, Range::NONNEG, "data delivery time per step"),
        ],
        outputs: &[
            output("sequential_step", "ms", "delivery + compute"),
            output("sequential_stall", "1", "share of the sequential step spent waiting"),
            output("overlapped_step", "ms", "max(delivery, compute)"),
            output("overlapped_stall", "1", "share of the overlapped step spent waiting"),
        ],
        run: Run::Model(data_stall),
    },
    SolverDef {
        name: "data-pipeline",
        class: "DataModel",
        doc: "The data wall of one device: the workload's ingest rate against the slowest described data path (storage, host interconnect).",
        inputs: &[
            input("workload_data_rate", GBPS, D::Required, Range::NONNEG, "data the workload must ingest per second"),
            input("hardware", Kind::Key("hardware"), D::Required, Range::ANY, "the device (storage bandwidth, host interconnect)"),
        ],
        outputs: &[
            output("is_stalled", "bool", "demand exceeds the slowest path (utilization > 1)"),
            output("utilization", "1", "demand / supply (∞ when no path is described)"),
            output("demand_bw", "GB/s", "the workload's data rate"),
            output("supply_bw", "GB/s", "bandwidth of the slowest described path (0 when none)"),
            output("bottleneck", "label", "Storage, Interconnect or Unknown"),
            output("margin", "GB/s", "supply − demand"),
        ],
        run: Run::Model(data_pipeline),
    },
    SolverDef {
        name: "transformation",
        class: "TransformationModel",
        doc: "The transformation wall: CPU preprocessing of a batch against the accelerator step, with prefetch overlapping the two (step = the slower stage).",
        inputs: &[
            input("batch_size", Kind::Int, D::Required, Range::NONNEG, "samples per batch"),
            input("sample_size_bytes", Kind::Qty(Dim::INFORMATION, "B"), D::Required, Range::NONNEG, "size of one sample"),
            input("cpu_throughput", GBPS, D::Required, Range::POSITIVE, "CPU preprocessing throughput"),
            input("accelerator_step_time", MS, D::Required, Range::NONNEG, "one accelerator training step"),
        ],
        outputs: &[
            output("transform_time", "ms", "batch × sample size / CPU throughput"),
            output("accelerator_step_time", "ms", "the accelerator step"),
            output("is_bottleneck", "bool", "preprocessing takes longer than the accelerator step"),
            output("accelerator_utilization", "1", "accelerator step / max(transform, step) (0 when both are 0)"),
            output("slowdown_factor", "1", "max(transform, step) / accelerator step (∞ when the step is 0)"),
        ],
        run: Run::Model(transformation),
    },
    SolverDef {
        name: "storage-footprint",
        class: "StorageFootprintModel",
        doc: "Bytes a training run reads once (corpus) against the checkpoint bytes it writes again and again, and the archive it keeps.",
        inputs: &[
            input("parameters", Kind::Number, D::Required, Range::POSITIVE, "model parameters"),
            input("bytes_per_param", Kind::Qty(Dim::INFORMATION, "B"), D::Required, Range::POSITIVE, "resumable checkpoint bytes per parameter"),
            input("corpus_bytes", GB, D::Required, Range::POSITIVE, "tokenized corpus, read once"),
            input("source_bytes", GB, D::Required, Range::NONNEG, "raw source data kept in the archive"),
            input("run_duration", H, D::Required, Range::POSITIVE, "length of the run"),
            input("save_interval", H, D::Required, Range::POSITIVE, "time between checkpoints"),
            input("shard_bytes", Kind::Qty(Dim::INFORMATION, "MB"), D::Required, Range::POSITIVE, "size of one corpus shard"),
            input("archive_every", Kind::Int, D::Required, Range::AT_LEAST_1, "keep every n-th checkpoint"),
        ],
        outputs: &[
            output("checkpoint_bytes", "GB", "one checkpoint"),
            output("saves", "1", "checkpoints written (whole intervals in the run)"),
            output("checkpoint_bytes_written", "GB", "all checkpoints written"),
            output("write_read_ratio", "1", "bytes written / corpus bytes"),
            output("average_read_rate", "MB/s", "corpus / run duration"),
            output("shard_count", "1", "corpus / shard size, rounded"),
            output("archived_checkpoints", "1", "checkpoints kept"),
            output("archive_bytes", "GB", "kept checkpoints + source + corpus"),
        ],
        run: Run::Model(storage_footprint),
    },
    SolverDef {
        name: "tiered-checkpoint",
        class: "TieredCheckpointModel",
        doc: "Checkpoint staged on each node's local storage (the pause), then drained to a durable tier in the background.",
        inputs: &[
            input("checkpoint_bytes", GB, D::Required, Range::POSITIVE, "whole checkpoint"),
            input("nodes", Kind::Int, D::Required, Range::AT_LEAST_1, "nodes writing a shard each"),
            input("local_bandwidth", GBPS, D::Required, Range::POSITIVE, "per-node local write bandwidth"),
            input("durable_bandwidth", GBPS, D::Required, Range::POSITIVE, "aggregate bandwidth of the durable tier"),
            input("save_interval", S, D::Required, Range::POSITIVE, "time between checkpoints"),
        ],
        outputs: &[
            output("checkpoint_bytes", "GB", "whole checkpoint"),
            output("per_node_shard", "GB", "checkpoint / nodes"),
            output("local_write_time", "s", "training pause: shard / local bandwidth"),
            output("drain_time", "s", "checkpoint / durable bandwidth"),
            output("durable_share_per_node", "GB/s", "durable bandwidth / nodes"),
            output("pause_fraction", "1", "pause / save interval"),
        ],
        run: Run::Model(tiered_checkpoint),
    },
    SolverDef {
        name: "checkpoint-storm",
        class: "CheckpointStormModel",
        doc: "Synchronized saves where every replica writes its own copy, against one logical copy, over one ingest bandwidth.",
        inputs: &[
            input("state_bytes", GB, D::Required, Range::POSITIVE, "full resumable state"),
            input("replicas", Kind::Int, D::Required, Range::AT_LEAST_1, "copies written"),
            input("ingest_bandwidth", GBPS, D::Required, Range::POSITIVE, "shared storage ingest bandwidth"),
        ],
        outputs: &[
            output("state_bytes", "GB", "one copy"),
            output("storm_bytes", "GB", "state × replicas"),
            output("storm_time", "s", "storm bytes / ingest"),
            output("single_copy_time", "s", "state / ingest"),
            output("slowdown", "1", "storm time / single-copy time"),
        ],
        run: Run::Model(checkpoint_storm),
    },
];

fn data_stall(a: &Args, _: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let (c, io) = (a.f("compute_time"), a.f("io_time"));
    let seq = io + c;
    let ovl = c.max(io);
    if seq == 0.0 {
        return Err(a.invalid(
            "compute_time",
            "compute and delivery are both zero: the stall shares are 0/0".into(),
        ));
    }
    Ok(vec![
        ("sequential_step", time(seq)),
        ("sequential_stall", num(io / seq)),
        ("overlapped_step", time(ovl)),
        ("overlapped_stall", num((ovl - c) / ovl)),
    ])
}

fn storage_footprint(a: &Args, ctx: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    ctx.lin.formula("checkpoint_size");
    let ckpt = a.f("parameters") * a.f("bytes_per_param");
    let corpus = a.f("corpus_bytes");
    let run = a.f("run_duration");
    let saves = (run / a.f("save_interval")).trunc();
    let written = ckpt * saves;
    let every = a.f("archive_every");
    let archived = (saves / every).floor() + if saves % every != 0.0 { 1.0 } else { 0.0 };
    Ok(vec![
        ("checkpoint_bytes", bytes(ckpt)),
        ("saves", num(saves)),
        ("checkpoint_bytes_written", bytes(written)),
        ("write_read_ratio", num(written / corpus)),
        ("average_read_rate", bandwidth(corpus / run)),
        (
            "shard_count",
            num((corpus / a.f("shard_bytes")).round_ties_even()),
        ),
        ("archived_checkpoints", num(archived)),
        (
            "archive_bytes",
            bytes(archived * ckpt + a.f("source_bytes") + corpus),
        ),
    ])
}

fn tiered_checkpoint(a: &Args, _: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let (ckpt, nodes) = (a.f("checkpoint_bytes"), a.f("nodes"));
    let durable = a.f("durable_bandwidth");
    let shard = ckpt / nodes;
    let pause = shard / a.f("local_bandwidth");
    Ok(vec![
        ("checkpoint_bytes", bytes(ckpt)),
        ("per_node_shard", bytes(shard)),
        ("local_write_time", time(pause)),
        ("drain_time", time(ckpt / durable)),
        ("durable_share_per_node", bandwidth(durable / nodes)),
        ("pause_fraction", num(pause / a.f("save_interval"))),
    ])
}

fn checkpoint_storm(a: &Args, _: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let (state, bw) = (a.f("state_bytes"), a.f("ingest_bandwidth"));
    let storm = state * a.f("replicas");
    let (storm_t, once_t) = (storm / bw, state / bw);
    Ok(vec![
        ("state_bytes", bytes(state)),
        ("storm_bytes", bytes(storm)),
        ("storm_time", time(storm_t)),
        ("single_copy_time", time(once_t)),
        ("slowdown", num(storm_t / once_t)),
    ])
}

/// The data wall of one device (mlsysim's `DataModel`), in SI units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DataWall {
    /// Demand exceeds supply.
    pub stalled: bool,
    /// Demand / supply (∞ without a described path).
    pub utilization: f64,
    /// Demand (B/s).
    pub demand: f64,
    /// Supply of the slowest described path (B/s; 0 when none).
    pub supply: f64,
    /// Which path binds: `Storage`, `Interconnect` or `Unknown`.
    pub bottleneck: &'static str,
}

/// Demand `rate` (B/s) against the slowest of the device's described data paths, storage and
/// host interconnect; a path the registry does not describe is left out rather than read as 0
/// (a tie goes to storage, as mlsysim lists it first).
pub fn data_wall(lin: &mut Lineage, rate: f64, hw: &Hardware) -> DataWall {
    lin.formula("data_wall");
    let storage = hw
        .storage_bandwidth
        .map(|s| lin.read(s).value)
        .filter(|&b| b > 0.0);
    let io = hw
        .interconnect
        .as_ref()
        .map(|l| lin.read(l.bandwidth).value)
        .filter(|&b| b > 0.0);
    let (bottleneck, supply) = match (storage, io) {
        (Some(s), Some(i)) if i < s => ("Interconnect", i),
        (Some(s), _) => ("Storage", s),
        (None, Some(i)) => ("Interconnect", i),
        (None, None) => ("Unknown", 0.0),
    };
    let utilization = if supply > 0.0 {
        rate / supply
    } else {
        f64::INFINITY
    };
    DataWall {
        stalled: utilization > 1.0,
        utilization,
        demand: rate,
        supply,
        bottleneck,
    }
}

fn data_pipeline(a: &Args, ctx: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let hw = hardware(ctx, a, "hardware")?;
    let w = data_wall(&mut ctx.lin, a.f("workload_data_rate"), hw);
    Ok(vec![
        ("is_stalled", Out::Bool(w.stalled)),
        ("utilization", num(w.utilization)),
        ("demand_bw", bandwidth(w.demand)),
        ("supply_bw", bandwidth(w.supply)),
        ("bottleneck", Out::Label(w.bottleneck.into())),
        ("margin", bandwidth(w.supply - w.demand)),
    ])
}

fn transformation(a: &Args, _: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let transform = a.f("batch_size") * a.f("sample_size_bytes") / a.f("cpu_throughput");
    let step = a.f("accelerator_step_time");
    // Prefetch overlaps preprocessing with the step: the steady step is the slower stage.
    let total = transform.max(step);
    let util = if total > 0.0 { step / total } else { 0.0 };
    let slowdown = if step > 0.0 {
        total / step
    } else {
        f64::INFINITY
    };
    Ok(vec![
        ("transform_time", time(transform)),
        ("accelerator_step_time", time(step)),
        ("is_bottleneck", Out::Bool(transform > step)),
        ("accelerator_utilization", num(util)),
        ("slowdown_factor", num(slowdown)),
    ])
}
