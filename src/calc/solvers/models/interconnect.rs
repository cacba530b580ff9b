//! Interconnect models: `AlphaBetaModel`, `BisectionModel`, `IncastModel`,
//! `AllReduceAlgorithmModel`, `HierarchicalAllReduceModel`.

use super::constant;
use super::{GB, GBPS, MB, US};
use crate::base::units::{base, Bandwidth, Dim, Information, Time, Typed};
use crate::calc::formulas::communication as c;
use crate::calc::params::{Out, SolveError};
use crate::calc::solvers::decl::{
    bandwidth, bytes, input, num, output, time, Args, Ctx, Default as D, Kind, Range, Run,
    SolverDef,
};

/// The declarations.
pub const DEFS: &[SolverDef] = &[
    SolverDef {
        name: "alpha-beta",
        class: "AlphaBetaModel",
        doc: "Point-to-point message time α + n/β on one path, and the message size n* = α·β where the two terms are equal.",
        inputs: &[
            input("alpha", US, D::Required, Range::NONNEG, "startup latency α (mlsysim: alphas[path])"),
            input("bandwidth", GBPS, D::Required, Range::POSITIVE, "bandwidth β (mlsysim: bandwidths[path])"),
            input("message", Kind::Qty(Dim::INFORMATION, "B"), D::Required, Range::NONNEG, "message size n (mlsysim: messages[name])"),
        ],
        outputs: &[
            output("time", "us", "α + n/β (mlsysim: times[path][message])"),
            output("transmission_time", "us", "n/β (mlsysim: transmission_times[path][message])"),
            output("crossover", "B", "α·β (mlsysim: crossovers[path])"),
        ],
        run: Run::Model(alpha_beta),
    },
    SolverDef {
        name: "bisection",
        class: "BisectionModel",
        doc: "A ring AllReduce whose every edge crosses the bisection, on a full and an oversubscribed cut, and the capital it idles.",
        inputs: &[
            input("n_devices", Kind::Int, D::Required, Range::AT_LEAST_2, "devices in the ring"),
            input("link_bandwidth", GBPS, D::Required, Range::POSITIVE, "bandwidth of one link"),
            input("oversubscription_ratio", Kind::Number, D::Required, Range::POSITIVE, "oversubscription of the cut"),
            input("payload_per_device", GB, D::Required, Range::NONNEG, "AllReduce buffer per device"),
            input("communication_fraction", Kind::Number, D::Required, Range::FRACTION, "share of the step spent communicating"),
            input("cluster_cost", Kind::Qty(Dim::CURRENCY, "USD"), D::Required, Range::NONNEG, "capital cost of the cluster"),
        ],
        outputs: &[
            output("devices_per_side", "1", "N / 2"),
            output("bisection_full", "GB/s", "full bisection bandwidth"),
            output("bisection_oversubscribed", "GB/s", "oversubscribed bisection bandwidth"),
            output("ring_factor", "1", "2(N−1)/N"),
            output("crossing_bytes", "GB", "bytes crossing the cut"),
            output("time_full", "s", "crossing time on the full cut"),
            output("time_oversubscribed", "s", "crossing time on the oversubscribed cut"),
            output("slowdown", "1", "oversubscribed / full time"),
            output("relative_throughput", "1", "1 / ((1 − f) + f·r)"),
            output("throughput_loss", "1", "1 − relative throughput"),
            output("idle_cost", "USD", "loss × cluster cost"),
        ],
        run: Run::Model(bisection),
    },
    SolverDef {
        name: "incast",
        class: "IncastModel",
        doc: "Many senders converging on one egress port: offered load, buffer fill and overflow time, bandwidth-delay product.",
        inputs: &[
            input("n_senders", Kind::Int, D::Required, Range::AT_LEAST_1, "senders"),
            input("sender_bandwidth", GBPS, D::Required, Range::NONNEG, "rate of each sender"),
            input("egress_bandwidth", GBPS, D::Required, Range::POSITIVE, "egress port rate"),
            input("buffer", MB, D::Required, Range::NONNEG, "switch buffer for the port"),
            input("feedback_rtt", US, D::Required, Range::NONNEG, "congestion-control feedback round trip"),
        ],
        outputs: &[
            output("offered_load", "GB/s", "senders × sender rate"),
            output("oversubscription", "1", "offered / egress"),
            output("net_fill_rate", "GB/s", "offered − egress"),
            output("overflow_time", "us", "buffer / net fill rate (negative: the buffer never fills)"),
            output("drain_time", "us", "buffer / egress"),
            output("bandwidth_delay_product", "KB", "egress × feedback RTT"),
        ],
        run: Run::Model(incast),
    },
    SolverDef {
        name: "allreduce-algorithm",
        class: "AllReduceAlgorithmModel",
        doc: "Ring, simple-tree and parameter-server AllReduce of one buffer at one group size, and the ring/tree crossover.",
        inputs: &[
            input("message", MB, D::Required, Range::NONNEG, "buffer reduced"),
            input("group_size", Kind::Int, D::Required, Range::AT_LEAST_2, "ranks N (mlsysim: one of group_sizes)"),
            input("alpha", US, D::Required, Range::NONNEG, "per-round startup α"),
            input("bandwidth", GBPS, D::Required, Range::POSITIVE, "per-rank bandwidth β"),
        ],
        outputs: &[
            output("chunk", "MB", "M / N"),
            output("ring_factor", "1", "2(N−1)/N"),
            output("ring_rounds", "1", "2(N−1)"),
            output("tree_rounds", "1", "2⌈log₂N⌉"),
            output("ring_byte_time", "s", "ring bandwidth term"),
            output("ring_startup_time", "s", "ring latency term"),
            output("ring_time", "s", "ring total"),
            output("tree_byte_time", "s", "tree bandwidth term"),
            output("tree_startup_time", "s", "tree latency term"),
            output("tree_time", "s", "tree total"),
            output("star_byte_time", "s", "parameter server: N·M/β"),
            output("star_ring_limit", "1", "N / 2"),
            output("crossover_estimate", "B", "N·α·β / log₂N"),
            output("crossover_exact", "B", "buffer where ring and tree cost the same"),
        ],
        run: Run::Model(allreduce_algorithm),
    },
    SolverDef {
        name: "hierarchical-allreduce",
        class: "HierarchicalAllReduceModel",
        doc: "Three-phase hierarchical AllReduce (in-node ReduceScatter, cross-node ring, in-node AllGather) against one flat ring.",
        inputs: &[
            input("message", MB, D::Required, Range::NONNEG, "buffer reduced"),
            input("n_nodes", Kind::Int, D::Required, Range::AT_LEAST_1, "nodes"),
            input("gpus_per_node", Kind::Int, D::Required, Range::AT_LEAST_1, "GPUs per node G"),
            input("intra_bandwidth", GBPS, D::Required, Range::POSITIVE, "in-node link bandwidth"),
            input("inter_bandwidth", GBPS, D::Required, Range::POSITIVE, "inter-node port bandwidth"),
            input("inter_alpha", US, D::Required, Range::NONNEG, "inter-node startup α"),
        ],
        outputs: &[
            output("intra_bytes", "MB", "bytes each GPU sends in the in-node ReduceScatter"),
            output("reduce_scatter_time", "s", "in-node ReduceScatter"),
            output("shard", "MB", "M / G"),
            output("inter_byte_time", "s", "cross-node ring bandwidth term"),
            output("inter_startup_time", "s", "cross-node ring latency term"),
            output("inter_time", "s", "cross-node ring"),
            output("all_gather_time", "s", "in-node AllGather"),
            output("total_time", "s", "all three phases"),
            output("flat_ring_time", "s", "one ring over every GPU at the inter-node port"),
            output("flat_bound_time", "s", "2M/β, the flat ring's large-N byte bound"),
            output("speedup_vs_flat_ring", "1", "flat ring / hierarchical"),
            output("speedup_vs_flat_bound", "1", "flat bound / hierarchical"),
        ],
        run: Run::Model(hierarchical_allreduce),
    },
];

fn alpha_beta(a: &Args, ctx: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let (alpha, bw, n) = (a.f("alpha"), a.f("bandwidth"), a.f("message"));
    ctx.lin.formula("point_to_point_time");
    ctx.lin.formula("alpha_beta_crossover");
    let t = c::point_to_point_time(base(n), base(alpha), base(bw));
    let x = c::alpha_beta_crossover(base(alpha), base(bw));
    Ok(vec![
        ("time", Out::Value(t.value())),
        ("transmission_time", time(n / bw)),
        ("crossover", Out::Value(x.value())),
    ])
}

fn bisection(a: &Args, ctx: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let n = a.f("n_devices");
    let side = (n / 2.0).floor();
    let link: Bandwidth = base(a.f("link_bandwidth"));
    let r = a.f("oversubscription_ratio");
    ctx.lin.formula("bisection_bandwidth");
    let full = c::bisection_bandwidth(side, link, 1.0).value().si;
    let over = c::bisection_bandwidth(side, link, r).value().si;
    ctx.lin.formula("ring_allreduce_data_factor");
    let factor = c::ring_allreduce_data_factor(n);
    let crossing = side * a.f("payload_per_device") * factor;
    let (t_full, t_over) = (crossing / full, crossing / over);
    ctx.lin.formula("oversubscription_effect");
    let (rel, loss) = c::oversubscription_effect(a.f("communication_fraction"), r);
    Ok(vec![
        ("devices_per_side", num(side)),
        ("bisection_full", bandwidth(full)),
        ("bisection_oversubscribed", bandwidth(over)),
        ("ring_factor", num(factor)),
        ("crossing_bytes", bytes(crossing)),
        ("time_full", time(t_full)),
        ("time_oversubscribed", time(t_over)),
        ("slowdown", num(t_over / t_full)),
        ("relative_throughput", num(rel)),
        ("throughput_loss", num(loss)),
        (
            "idle_cost",
            Out::qty(loss * a.f("cluster_cost"), Dim::CURRENCY),
        ),
    ])
}

fn incast(a: &Args, _: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let offered = a.f("n_senders") * a.f("sender_bandwidth");
    let egress = a.f("egress_bandwidth");
    let net = offered - egress;
    let buffer = a.f("buffer");
    if net == 0.0 {
        return Err(a.invalid(
            "sender_bandwidth",
            "the offered load equals the egress bandwidth, so the buffer never fills (mlsysim divides by zero)".into(),
        ));
    }
    Ok(vec![
        ("offered_load", bandwidth(offered)),
        ("oversubscription", num(offered / egress)),
        ("net_fill_rate", bandwidth(net)),
        ("overflow_time", time(buffer / net)),
        ("drain_time", time(buffer / egress)),
        (
            "bandwidth_delay_product",
            bytes(egress * a.f("feedback_rtt")),
        ),
    ])
}

fn allreduce_algorithm(a: &Args, ctx: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let n = a.f("group_size");
    let m: Information = base(a.f("message"));
    let alpha: Time = base(a.f("alpha"));
    let bw: Bandwidth = base(a.f("bandwidth"));
    let zero: Time = base(0.0);
    let ring_rounds = c::ring_allreduce_latency_steps(n);
    let tree_rounds = 2.0 * n.log2().ceil();
    let factor = c::ring_allreduce_data_factor(n);
    for f in [
        "ring_allreduce_time",
        "tree_allreduce_time",
        "ring_tree_crossover_size",
    ] {
        ctx.lin.formula(f);
    }
    let s = |t: Time| time(t.value().si);
    let (al, b) = (alpha.value().si, bw.value().si);
    Ok(vec![
        ("chunk", bytes(m.value().si / n)),
        ("ring_factor", num(factor)),
        ("ring_rounds", num(ring_rounds)),
        ("tree_rounds", num(tree_rounds)),
        ("ring_byte_time", s(c::ring_allreduce_time(m, n, bw, zero))),
        ("ring_startup_time", time(ring_rounds * al)),
        ("ring_time", s(c::ring_allreduce_time(m, n, bw, alpha))),
        ("tree_byte_time", s(c::tree_allreduce_time(m, n, bw, zero))),
        ("tree_startup_time", time(tree_rounds * al)),
        ("tree_time", s(c::tree_allreduce_time(m, n, bw, alpha))),
        ("star_byte_time", time(n * m.value().si / b)),
        ("star_ring_limit", num(n / 2.0)),
        (
            "crossover_estimate",
            Out::Value(c::ring_tree_crossover_size(n, alpha, bw).value()),
        ),
        (
            "crossover_exact",
            bytes((ring_rounds - tree_rounds) * al * b / (tree_rounds - factor)),
        ),
    ])
}

fn hierarchical_allreduce(a: &Args, ctx: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let m = a.f("message");
    let (nodes, g) = (a.f("n_nodes"), a.f("gpus_per_node"));
    let inter_bw: Bandwidth = base(a.f("inter_bandwidth"));
    let alpha: Time = base(a.f("inter_alpha"));
    ctx.lin.formula("ring_collective_data_factor");
    let intra = m * c::ring_collective_data_factor(g);
    let rs = intra / a.f("intra_bandwidth");
    let shard = m / g;
    ctx.lin.formula("ring_allreduce_time");
    let inter_bytes = c::ring_allreduce_time(base(shard), nodes, inter_bw, base(0.0))
        .value()
        .si;
    ctx.lin.formula("ring_allreduce_latency_time");
    let inter_startup = c::ring_allreduce_latency_time(nodes, alpha).value().si;
    let inter = inter_bytes + inter_startup;
    let total = rs + inter + rs;
    let flat = c::ring_allreduce_time(base(m), nodes * g, inter_bw, alpha)
        .value()
        .si;
    let bound = constant(ctx, "ring_allreduce_factor")? * m / inter_bw.value().si;
    Ok(vec![
        ("intra_bytes", bytes(intra)),
        ("reduce_scatter_time", time(rs)),
        ("shard", bytes(shard)),
        ("inter_byte_time", time(inter_bytes)),
        ("inter_startup_time", time(inter_startup)),
        ("inter_time", time(inter)),
        ("all_gather_time", time(rs)),
        ("total_time", time(total)),
        ("flat_ring_time", time(flat)),
        ("flat_bound_time", time(bound)),
        ("speedup_vs_flat_ring", num(flat / total)),
        ("speedup_vs_flat_bound", num(bound / total)),
    ])
}
