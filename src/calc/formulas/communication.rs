//! Formulas: collective communication (α-β model), pipeline bubbles and network topology counts.
//!
//! Bandwidths are one-way bytes per second (NVLink datasheet totals halved, fabric bandwidth divided
//! by its oversubscription ratio before they get here); α is the per-step startup latency.

use super::FormulaDef;
use crate::base::units::*;
use crate::calc::params::{Out, ParamReader, SolveError};

/// mlsysim's default intra-node α of `calc_hierarchical_allreduce_time` (NVLink class latency).
pub fn default_intra_node_latency() -> Time {
    Time::new::<time::nanosecond>(500.0)
}

/// mlsysim's default inter-node α of `calc_hierarchical_allreduce_time` (InfiniBand NDR class latency).
pub fn default_inter_node_latency() -> Time {
    Time::new::<time::microsecond>(5.0)
}

fn zero_time() -> Time {
    Time::new::<time::second>(0.0)
}

/// Ring all-reduce bandwidth factor: `2(N−1)/N`.
pub fn ring_allreduce_data_factor(n: f64) -> f64 {
    2.0 * (n - 1.0) / n
}

/// Ring all-reduce startup steps: `2(N−1)`.
pub fn ring_allreduce_latency_steps(n: f64) -> f64 {
    2.0 * (n - 1.0)
}

/// Ring all-reduce latency term only: `2(N−1)·α`.
pub fn ring_allreduce_latency_time(n: f64, alpha: Time) -> Time {
    alpha * ring_allreduce_latency_steps(n)
}

/// Single-stage ring collective (reduce-scatter, all-gather) bandwidth factor: `(N−1)/N`.
pub fn ring_collective_data_factor(n: f64) -> f64 {
    (n - 1.0) / n
}

/// Ring all-reduce: `T = 2(N−1)/N · M/β + 2(N−1)·α`; 0 when `N ≤ 1`.
pub fn ring_allreduce_time(message: Information, n: f64, bw: Bandwidth, alpha: Time) -> Time {
    if n <= 1.0 {
        return zero_time();
    }
    message / bw * ring_allreduce_data_factor(n) + ring_allreduce_latency_time(n, alpha)
}

/// Tree all-reduce: `T = 2⌈log₂N⌉ · M/β + 2⌈log₂N⌉ · α`.
pub fn tree_allreduce_time(message: Information, n: f64, bw: Bandwidth, alpha: Time) -> Time {
    let steps = 2.0 * n.log2().ceil();
    message / bw * steps + alpha * steps
}

/// Double binary tree all-reduce (NCCL):
/// `T = k_α · 2log₂N · α + k_β · 2(N−1)/N · M/β` (mlsysim defaults k_α = 1.2, k_β = 1.05).
pub fn double_binary_tree_allreduce_time(
    message: Information,
    n: f64,
    bw: Bandwidth,
    alpha: Time,
    latency_factor: f64,
    bandwidth_factor: f64,
) -> Time {
    alpha * (latency_factor * 2.0 * n.log2())
        + message / bw * (bandwidth_factor * ring_allreduce_data_factor(n))
}

/// Message size where the ring and tree models cost the same: `M* = N·α·β / log₂N`.
pub fn ring_tree_crossover_size(n: f64, alpha: Time, bw: Bandwidth) -> Information {
    alpha * bw * (n / n.log2())
}

/// All-to-all: `T = (N−1)/N · M/β + (N−1)·α` (M = the per-rank buffer).
pub fn all_to_all_time(message: Information, n: f64, bw: Bandwidth, alpha: Time) -> Time {
    message / bw * ring_collective_data_factor(n) + alpha * (n - 1.0)
}

/// Hierarchical all-reduce (intra-node reduce-scatter + all-gather around an inter-node ring):
/// `T = 2[(g−1)/g · M/β_intra + (g−1)·α_intra] + ring(M/g, n_nodes, β_inter, α_inter)`.
pub fn hierarchical_allreduce_time(
    message: Information,
    n_nodes: f64,
    gpus_per_node: f64,
    intra_bw: Bandwidth,
    inter_bw: Bandwidth,
    intra_latency: Time,
    inter_latency: Time,
) -> Time {
    let g = gpus_per_node;
    let intra = message / intra_bw * ring_collective_data_factor(g) + intra_latency * (g - 1.0);
    intra * 2.0 + ring_allreduce_time(message / g, n_nodes, inter_bw, inter_latency)
}

/// Point-to-point transfer: `T = α + M/β`.
pub fn point_to_point_time(message: Information, alpha: Time, bw: Bandwidth) -> Time {
    alpha + message / bw
}

/// α-β crossover size, where latency and transfer time are equal: `M = α·β`.
pub fn alpha_beta_crossover(alpha: Time, bw: Bandwidth) -> Information {
    alpha * bw
}

/// Latency across identical hops: `T = hops · t_hop`.
pub fn hop_latency(hops: f64, hop_latency: Time) -> Time {
    hop_latency * hops
}

/// Pipeline bubble fraction (GPipe / 1F1B / interleaved 1F1B): `f = (P−1)/(V·M + P−1)`.
pub fn pipeline_bubble_fraction(n_stages: f64, n_microbatches: f64, v_stages: f64) -> f64 {
    (n_stages - 1.0) / (v_stages * n_microbatches + n_stages - 1.0)
}

/// Bubble time added to a step whose busy time is `node`: `T = node · f/(1−f)` (= node·(P−1)/(V·M)).
/// 0 when `f = 0` (one stage).
pub fn pipeline_bubble_time(node: Time, fraction: f64) -> Time {
    if fraction <= 0.0 {
        return zero_time();
    }
    node * (fraction / (1.0 - fraction))
}

/// All-reduces per transformer layer per training step under tensor parallelism (Megatron-LM:
/// two in the forward pass, two in the backward pass; mlsysim counts them sequentially).
pub const TP_ALLREDUCES_PER_LAYER: f64 = 4.0;

/// Activation tensor of one layer boundary: `M = B·S·h·b` (the TP all-reduce and EP all-to-all payload).
pub fn activation_message(
    batch: f64,
    seq_len: f64,
    hidden_dim: f64,
    bytes_per_elem: Information,
) -> Information {
    bytes_per_elem * (batch * seq_len * hidden_dim)
}

/// Tensor-parallel communication of a training step over `layers` layers:
/// `T = ring(M, TP, β, α) · 4 · layers`.
pub fn tensor_parallel_allreduce_time(
    message: Information,
    tp: f64,
    bw: Bandwidth,
    alpha: Time,
    layers: f64,
) -> Time {
    ring_allreduce_time(message, tp, bw, alpha) * (TP_ALLREDUCES_PER_LAYER * layers)
}

/// Pipeline send/receive buffers of one stage: `2·B_micro·S·h·b` (one activation in, one out).
pub fn pipeline_p2p_buffer(
    micro_batch: f64,
    seq_len: f64,
    hidden_dim: f64,
    bytes_per_elem: Information,
) -> Information {
    activation_message(micro_batch, seq_len, hidden_dim, bytes_per_elem) * 2.0
}

/// Bisection bandwidth of one cut: `BW = ports · link_bw / oversubscription`.
pub fn bisection_bandwidth(ports: f64, link_bw: Bandwidth, oversubscription: f64) -> Bandwidth {
    link_bw * (ports / oversubscription)
}

/// Throughput penalty of an oversubscribed fabric on a job that spends `f` of its time communicating:
/// relative throughput `1/((1−f) + f·r)` and loss `1 −` that.
pub fn oversubscription_effect(comm_fraction: f64, ratio: f64) -> (f64, f64) {
    let rel = 1.0 / ((1.0 - comm_fraction) + comm_fraction * ratio);
    (rel, 1.0 - rel)
}

/// Hosts of a non-blocking fat-tree of radix-k switches in L tiers: `2(k/2)^L`.
pub fn fat_tree_hosts(radix: f64, tiers: f64) -> f64 {
    2.0 * (radix / 2.0).powf(tiers)
}

/// Switches of a non-blocking L-tier fat-tree of radix-k switches: `(2L−1)(k/2)^(L−1)`.
pub fn fat_tree_switches(radix: f64, tiers: f64) -> f64 {
    (2.0 * tiers - 1.0) * (radix / 2.0).powf(tiers - 1.0)
}

/// Switch traversals on the longest path of an L-tier fat-tree: `2L − 1`.
pub fn fat_tree_path_switches(tiers: f64) -> f64 {
    2.0 * tiers - 1.0
}

/// Links crossing a bisection of a `dims`-dimensional torus of `side` nodes per dimension: `2·side^(dims−1)`.
pub fn torus_bisection_links(side: f64, dims: f64) -> f64 {
    2.0 * side.powf(dims - 1.0)
}

/// Hops on the longest shortest path of a torus: `dims · ⌊side/2⌋`.
pub fn torus_diameter(side: f64, dims: f64) -> f64 {
    dims * (side / 2.0).floor()
}

// ---------------------------------------------------------------------------------------------
// Callable-by-name wrappers.

fn invalid(what: &str, message: String) -> SolveError {
    SolveError::Invalid {
        what: what.to_string(),
        message,
    }
}

fn need<T>(v: Option<T>, formula: &str, name: &str) -> Result<T, SolveError> {
    v.ok_or_else(|| invalid(name, format!("{formula}: `{name}` is required")))
}

fn info(r: &ParamReader, f: &str, name: &str) -> Result<Information, SolveError> {
    need(r.quantity(name, Dim::INFORMATION, "B")?, f, name)?
        .typed()
        .map_err(|e| invalid(name, e.to_string()))
}

fn bw(r: &ParamReader, f: &str, name: &str) -> Result<Bandwidth, SolveError> {
    need(r.quantity(name, Dim::BANDWIDTH, "B/s")?, f, name)?
        .typed()
        .map_err(|e| invalid(name, e.to_string()))
}

fn time_or(
    r: &ParamReader,
    name: &str,
    default: Option<Time>,
    f: &str,
) -> Result<Time, SolveError> {
    match r.quantity(name, Dim::TIME, "s")? {
        Some(v) => v.typed().map_err(|e| invalid(name, e.to_string())),
        None => need(default, f, name),
    }
}

fn time(r: &ParamReader, f: &str, name: &str) -> Result<Time, SolveError> {
    time_or(r, name, None, f)
}

fn count(r: &ParamReader, f: &str, name: &str) -> Result<f64, SolveError> {
    Ok(need(r.positive_int(name)?, f, name)? as f64)
}

fn count_or(r: &ParamReader, name: &str, default: f64) -> Result<f64, SolveError> {
    Ok(r.positive_int(name)?.map(|x| x as f64).unwrap_or(default))
}

fn number(r: &ParamReader, f: &str, name: &str) -> Result<f64, SolveError> {
    need(r.number(name)?, f, name)
}

fn fraction(r: &ParamReader, f: &str, name: &str) -> Result<f64, SolveError> {
    let x = number(r, f, name)?;
    if !(0.0..=1.0).contains(&x) {
        return Err(invalid(
            name,
            format!("{f}: `{name}` must be in [0, 1], got {x}"),
        ));
    }
    Ok(x)
}

fn at_least_two(n: f64, f: &str, name: &str) -> Result<f64, SolveError> {
    if n < 2.0 {
        return Err(invalid(
            name,
            format!("{f}: `{name}` must be ≥ 2 (log₂N is 0 at N = 1), got {n}"),
        ));
    }
    Ok(n)
}

fn out_time(t: Time) -> Vec<(&'static str, Out)> {
    vec![("time", Out::Value(t.value()))]
}

const COLLECTIVE: &[&str] = &["message_bytes", "n_gpus", "bandwidth", "latency"];

/// `calc_ring_allreduce_time`.
pub static RING_ALLREDUCE_TIME: FormulaDef = FormulaDef {
    name: "ring_allreduce_time",
    mlsysim: "calc_ring_allreduce_time",
    equation: "T = 2(N-1)/N * M/beta + 2(N-1)*alpha; 0 if N = 1",
    params: COLLECTIVE,
    eval: |r| {
        let f = "ring_allreduce_time";
        Ok(out_time(ring_allreduce_time(
            info(r, f, "message_bytes")?,
            count(r, f, "n_gpus")?,
            bw(r, f, "bandwidth")?,
            time(r, f, "latency")?,
        )))
    },
};

/// `calc_tree_allreduce_time`.
pub static TREE_ALLREDUCE_TIME: FormulaDef = FormulaDef {
    name: "tree_allreduce_time",
    mlsysim: "calc_tree_allreduce_time",
    equation: "T = 2*ceil(log2 N) * M/beta + 2*ceil(log2 N)*alpha",
    params: COLLECTIVE,
    eval: |r| {
        let f = "tree_allreduce_time";
        Ok(out_time(tree_allreduce_time(
            info(r, f, "message_bytes")?,
            count(r, f, "n_gpus")?,
            bw(r, f, "bandwidth")?,
            time(r, f, "latency")?,
        )))
    },
};

/// `calc_double_binary_tree_allreduce_time`.
pub static DOUBLE_BINARY_TREE_ALLREDUCE_TIME: FormulaDef = FormulaDef {
    name: "double_binary_tree_allreduce_time",
    mlsysim: "calc_double_binary_tree_allreduce_time",
    equation: "T = k_alpha * 2 log2(N) * alpha + k_beta * 2(N-1)/N * M/beta (k_alpha = 1.2, k_beta = 1.05)",
    params: &["message_bytes", "n_gpus", "bandwidth", "latency", "latency_factor", "bandwidth_factor"],
    eval: |r| {
        let f = "double_binary_tree_allreduce_time";
        Ok(out_time(double_binary_tree_allreduce_time(
            info(r, f, "message_bytes")?,
            count(r, f, "n_gpus")?,
            bw(r, f, "bandwidth")?,
            time(r, f, "latency")?,
            r.number("latency_factor")?.unwrap_or(1.2),
            r.number("bandwidth_factor")?.unwrap_or(1.05),
        )))
    },
};

/// `calc_ring_tree_crossover_size`.
pub static RING_TREE_CROSSOVER_SIZE: FormulaDef = FormulaDef {
    name: "ring_tree_crossover_size",
    mlsysim: "calc_ring_tree_crossover_size",
    equation: "M* = N * alpha * beta / log2 N",
    params: &["n_gpus", "alpha", "bandwidth"],
    eval: |r| {
        let f = "ring_tree_crossover_size";
        let n = at_least_two(count(r, f, "n_gpus")?, f, "n_gpus")?;
        let m = ring_tree_crossover_size(n, time(r, f, "alpha")?, bw(r, f, "bandwidth")?);
        Ok(vec![("size", Out::Value(m.value()))])
    },
};

/// `calc_all_to_all_time`.
pub static ALL_TO_ALL_TIME: FormulaDef = FormulaDef {
    name: "all_to_all_time",
    mlsysim: "calc_all_to_all_time",
    equation: "T = (N-1)/N * M/beta + (N-1)*alpha",
    params: COLLECTIVE,
    eval: |r| {
        let f = "all_to_all_time";
        Ok(out_time(all_to_all_time(
            info(r, f, "message_bytes")?,
            count(r, f, "n_gpus")?,
            bw(r, f, "bandwidth")?,
            time(r, f, "latency")?,
        )))
    },
};

/// `calc_hierarchical_allreduce_time`.
pub static HIERARCHICAL_ALLREDUCE_TIME: FormulaDef = FormulaDef {
    name: "hierarchical_allreduce_time",
    mlsysim: "calc_hierarchical_allreduce_time",
    equation: "T = 2[(g-1)/g * M/beta_intra + (g-1)*alpha_intra] + ring(M/g, n_nodes, beta_inter, alpha_inter) \
               (alpha_intra = 500 ns, alpha_inter = 5 us by default)",
    params: &[
        "message_bytes",
        "n_nodes",
        "gpus_per_node",
        "intra_node_bw",
        "inter_node_bw",
        "intra_node_lat",
        "inter_node_lat",
    ],
    eval: |r| {
        let f = "hierarchical_allreduce_time";
        Ok(out_time(hierarchical_allreduce_time(
            info(r, f, "message_bytes")?,
            count(r, f, "n_nodes")?,
            count(r, f, "gpus_per_node")?,
            bw(r, f, "intra_node_bw")?,
            bw(r, f, "inter_node_bw")?,
            time_or(r, "intra_node_lat", Some(default_intra_node_latency()), f)?,
            time_or(r, "inter_node_lat", Some(default_inter_node_latency()), f)?,
        )))
    },
};

/// `calc_ring_allreduce_data_factor`.
pub static RING_ALLREDUCE_DATA_FACTOR: FormulaDef = FormulaDef {
    name: "ring_allreduce_data_factor",
    mlsysim: "calc_ring_allreduce_data_factor",
    equation: "2(N-1)/N",
    params: &["n_gpus"],
    eval: |r| {
        let n = count(r, "ring_allreduce_data_factor", "n_gpus")?;
        Ok(vec![("factor", Out::number(ring_allreduce_data_factor(n)))])
    },
};

/// `calc_ring_allreduce_latency_steps`.
pub static RING_ALLREDUCE_LATENCY_STEPS: FormulaDef = FormulaDef {
    name: "ring_allreduce_latency_steps",
    mlsysim: "calc_ring_allreduce_latency_steps",
    equation: "2(N-1)",
    params: &["n_gpus"],
    eval: |r| {
        let n = count(r, "ring_allreduce_latency_steps", "n_gpus")?;
        Ok(vec![(
            "steps",
            Out::number(ring_allreduce_latency_steps(n)),
        )])
    },
};

/// `calc_ring_allreduce_latency_time`.
pub static RING_ALLREDUCE_LATENCY_TIME: FormulaDef = FormulaDef {
    name: "ring_allreduce_latency_time",
    mlsysim: "calc_ring_allreduce_latency_time",
    equation: "2(N-1)*alpha",
    params: &["n_gpus", "latency"],
    eval: |r| {
        let f = "ring_allreduce_latency_time";
        Ok(out_time(ring_allreduce_latency_time(
            count(r, f, "n_gpus")?,
            time(r, f, "latency")?,
        )))
    },
};

/// `calc_ring_collective_data_factor`.
pub static RING_COLLECTIVE_DATA_FACTOR: FormulaDef = FormulaDef {
    name: "ring_collective_data_factor",
    mlsysim: "calc_ring_collective_data_factor",
    equation: "(N-1)/N",
    params: &["n_gpus"],
    eval: |r| {
        let n = count(r, "ring_collective_data_factor", "n_gpus")?;
        Ok(vec![(
            "factor",
            Out::number(ring_collective_data_factor(n)),
        )])
    },
};

/// `calc_point_to_point_time`.
pub static POINT_TO_POINT_TIME: FormulaDef = FormulaDef {
    name: "point_to_point_time",
    mlsysim: "calc_point_to_point_time",
    equation: "T = alpha + M/beta",
    params: &["message_bytes", "alpha", "bandwidth"],
    eval: |r| {
        let f = "point_to_point_time";
        Ok(out_time(point_to_point_time(
            info(r, f, "message_bytes")?,
            time(r, f, "alpha")?,
            bw(r, f, "bandwidth")?,
        )))
    },
};

/// `calc_alpha_beta_crossover`.
pub static ALPHA_BETA_CROSSOVER: FormulaDef = FormulaDef {
    name: "alpha_beta_crossover",
    mlsysim: "calc_alpha_beta_crossover",
    equation: "M = alpha * beta",
    params: &["alpha", "bandwidth"],
    eval: |r| {
        let f = "alpha_beta_crossover";
        let m = alpha_beta_crossover(time(r, f, "alpha")?, bw(r, f, "bandwidth")?);
        Ok(vec![("size", Out::Value(m.value()))])
    },
};

/// `calc_hop_latency`.
pub static HOP_LATENCY: FormulaDef = FormulaDef {
    name: "hop_latency",
    mlsysim: "calc_hop_latency",
    equation: "T = hops * t_hop",
    params: &["hops", "hop_latency"],
    eval: |r| {
        let f = "hop_latency";
        let hops = need(r.nonneg_int("hops")?, f, "hops")? as f64;
        Ok(out_time(hop_latency(hops, time(r, f, "hop_latency")?)))
    },
};

/// `calc_pipeline_bubble`.
pub static PIPELINE_BUBBLE: FormulaDef = FormulaDef {
    name: "pipeline_bubble_fraction",
    mlsysim: "calc_pipeline_bubble",
    equation: "f = (P-1)/(V*M + P-1)",
    params: &["n_stages", "n_microbatches", "v_stages"],
    eval: |r| {
        let f = "pipeline_bubble_fraction";
        let frac = pipeline_bubble_fraction(
            count(r, f, "n_stages")?,
            count(r, f, "n_microbatches")?,
            count_or(r, "v_stages", 1.0)?,
        );
        Ok(vec![("bubble_fraction", Out::number(frac))])
    },
};

/// Bubble time of DistributedModel (not a `mlsysim.physics` function).
pub static PIPELINE_BUBBLE_TIME: FormulaDef = FormulaDef {
    name: "pipeline_bubble_time",
    mlsysim: "",
    equation: "T_bubble = T_node * f/(1-f)",
    params: &["node_latency", "bubble_fraction"],
    eval: |r| {
        let f = "pipeline_bubble_time";
        let frac = number(r, f, "bubble_fraction")?;
        if !(0.0..1.0).contains(&frac) {
            return Err(invalid(
                "bubble_fraction",
                format!("{f}: `bubble_fraction` must be in [0, 1), got {frac}"),
            ));
        }
        Ok(out_time(pipeline_bubble_time(
            time(r, f, "node_latency")?,
            frac,
        )))
    },
};

/// Tensor-parallel all-reduce time of DistributedModel (not a `mlsysim.physics` function).
pub static TENSOR_PARALLEL_ALLREDUCE_TIME: FormulaDef = FormulaDef {
    name: "tensor_parallel_allreduce_time",
    mlsysim: "",
    equation: "T_tp = ring(B*S*h*b, TP, beta, alpha) * 4 * layers",
    params: &[
        "message_bytes",
        "tp_size",
        "bandwidth",
        "latency",
        "n_layers",
    ],
    eval: |r| {
        let f = "tensor_parallel_allreduce_time";
        Ok(out_time(tensor_parallel_allreduce_time(
            info(r, f, "message_bytes")?,
            count(r, f, "tp_size")?,
            bw(r, f, "bandwidth")?,
            time(r, f, "latency")?,
            count(r, f, "n_layers")?,
        )))
    },
};

/// `calc_bisection_bandwidth`.
pub static BISECTION_BANDWIDTH: FormulaDef = FormulaDef {
    name: "bisection_bandwidth",
    mlsysim: "calc_bisection_bandwidth",
    equation: "BW_bisect = num_ports * link_bw / oversubscription_ratio",
    params: &["num_ports", "link_bandwidth", "oversubscription_ratio"],
    eval: |r| {
        let f = "bisection_bandwidth";
        let ratio = r.number("oversubscription_ratio")?.unwrap_or(1.0);
        if ratio <= 0.0 {
            return Err(invalid(
                "oversubscription_ratio",
                format!("{f}: `oversubscription_ratio` must be > 0"),
            ));
        }
        let b = bisection_bandwidth(
            count(r, f, "num_ports")?,
            bw(r, f, "link_bandwidth")?,
            ratio,
        );
        Ok(vec![("bandwidth", Out::Value(b.value()))])
    },
};

/// `calc_oversubscription_effect`.
pub static OVERSUBSCRIPTION_EFFECT: FormulaDef = FormulaDef {
    name: "oversubscription_effect",
    mlsysim: "calc_oversubscription_effect",
    equation: "rel = 1/((1-f) + f*r); loss = 1 - rel",
    params: &["comm_fraction", "oversubscription_ratio"],
    eval: |r| {
        let f = "oversubscription_effect";
        let (rel, loss) = oversubscription_effect(
            fraction(r, f, "comm_fraction")?,
            number(r, f, "oversubscription_ratio")?,
        );
        Ok(vec![
            ("relative_throughput", Out::number(rel)),
            ("loss", Out::number(loss)),
        ])
    },
};

/// `calc_fat_tree_hosts`.
pub static FAT_TREE_HOSTS: FormulaDef = FormulaDef {
    name: "fat_tree_hosts",
    mlsysim: "calc_fat_tree_hosts",
    equation: "hosts = 2 (k/2)^L",
    params: &["radix", "tiers"],
    eval: |r| {
        let f = "fat_tree_hosts";
        Ok(vec![(
            "hosts",
            Out::number(fat_tree_hosts(count(r, f, "radix")?, count(r, f, "tiers")?)),
        )])
    },
};

/// `calc_fat_tree_switches`.
pub static FAT_TREE_SWITCHES: FormulaDef = FormulaDef {
    name: "fat_tree_switches",
    mlsysim: "calc_fat_tree_switches",
    equation: "switches = (2L-1)(k/2)^(L-1)",
    params: &["radix", "tiers"],
    eval: |r| {
        let f = "fat_tree_switches";
        Ok(vec![(
            "switches",
            Out::number(fat_tree_switches(
                count(r, f, "radix")?,
                count(r, f, "tiers")?,
            )),
        )])
    },
};

/// `calc_fat_tree_path_switches`.
pub static FAT_TREE_PATH_SWITCHES: FormulaDef = FormulaDef {
    name: "fat_tree_path_switches",
    mlsysim: "calc_fat_tree_path_switches",
    equation: "switches on the longest path = 2L - 1",
    params: &["tiers"],
    eval: |r| {
        let tiers = count(r, "fat_tree_path_switches", "tiers")?;
        Ok(vec![(
            "switches",
            Out::number(fat_tree_path_switches(tiers)),
        )])
    },
};

/// `calc_torus_bisection_links`.
pub static TORUS_BISECTION_LINKS: FormulaDef = FormulaDef {
    name: "torus_bisection_links",
    mlsysim: "calc_torus_bisection_links",
    equation: "links = 2 side^(dims-1)",
    params: &["side", "dims"],
    eval: |r| {
        let f = "torus_bisection_links";
        let links = torus_bisection_links(count(r, f, "side")?, count_or(r, "dims", 3.0)?);
        Ok(vec![("links", Out::number(links))])
    },
};

/// `calc_torus_diameter`.
pub static TORUS_DIAMETER: FormulaDef = FormulaDef {
    name: "torus_diameter",
    mlsysim: "calc_torus_diameter",
    equation: "diameter = dims * floor(side/2)",
    params: &["side", "dims"],
    eval: |r| {
        let f = "torus_diameter";
        let hops = torus_diameter(count(r, f, "side")?, count_or(r, "dims", 3.0)?);
        Ok(vec![("hops", Out::number(hops))])
    },
};

/// The formulas of this module, callable by name.
pub const CATALOG: &[&FormulaDef] = &[
    &RING_ALLREDUCE_TIME,
    &TREE_ALLREDUCE_TIME,
    &DOUBLE_BINARY_TREE_ALLREDUCE_TIME,
    &RING_TREE_CROSSOVER_SIZE,
    &ALL_TO_ALL_TIME,
    &HIERARCHICAL_ALLREDUCE_TIME,
    &RING_ALLREDUCE_DATA_FACTOR,
    &RING_ALLREDUCE_LATENCY_STEPS,
    &RING_ALLREDUCE_LATENCY_TIME,
    &RING_COLLECTIVE_DATA_FACTOR,
    &POINT_TO_POINT_TIME,
    &ALPHA_BETA_CROSSOVER,
    &HOP_LATENCY,
    &PIPELINE_BUBBLE,
    &PIPELINE_BUBBLE_TIME,
    &TENSOR_PARALLEL_ALLREDUCE_TIME,
    &BISECTION_BANDWIDTH,
    &OVERSUBSCRIPTION_EFFECT,
    &FAT_TREE_HOSTS,
    &FAT_TREE_SWITCHES,
    &FAT_TREE_PATH_SWITCHES,
    &TORUS_BISECTION_LINKS,
    &TORUS_DIAMETER,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calc::params::{Param, Params};

    fn q(s: &str) -> Param {
        Param::Quantity(parse_quantity(s).unwrap())
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1e-300)
    }

    fn secs(t: Time) -> f64 {
        t.get::<time::second>()
    }

    #[test]
    fn ring_matches_worked_values() {
        let gb = Information::new::<information::gigabyte>(16.0);
        let bw = Bandwidth::new::<bandwidth::gigabyte_per_second>(450.0);
        let t = ring_allreduce_time(gb, 8.0, bw, default_intra_node_latency());
        assert!(close(secs(t), 0.06222922222222222));
        assert_eq!(
            secs(ring_allreduce_time(
                gb,
                1.0,
                bw,
                default_intra_node_latency()
            )),
            0.0
        );
    }

    #[test]
    fn tree_hierarchical_all_to_all() {
        let m = Information::new::<information::gigabyte>(1.0);
        let b = Bandwidth::new::<bandwidth::gigabyte_per_second>(50.0);
        let a = default_inter_node_latency();
        assert!(close(secs(tree_allreduce_time(m, 64.0, b, a)), 0.24006));
        assert!(close(secs(all_to_all_time(m, 8.0, b, a)), 0.017535));
        let h = hierarchical_allreduce_time(
            m * 16.0,
            16.0,
            8.0,
            Bandwidth::new::<bandwidth::gigabyte_per_second>(450.0),
            b,
            default_intra_node_latency(),
            a,
        );
        assert!(close(secs(h), 0.1373792222222222));
    }

    #[test]
    fn bubble_fraction_and_time() {
        assert_eq!(pipeline_bubble_fraction(8.0, 1.0, 1.0), 0.875);
        let f = pipeline_bubble_fraction(4.0, 16.0, 1.0);
        assert!(close(f, 3.0 / 19.0));
        let node = Time::new::<time::millisecond>(16.0);
        assert!(close(
            pipeline_bubble_time(node, f).get::<time::millisecond>(),
            3.0
        ));
        assert_eq!(secs(pipeline_bubble_time(node, 0.0)), 0.0);
    }

    #[test]
    fn topology_counts() {
        assert_eq!(fat_tree_hosts(64.0, 3.0), 65536.0);
        assert_eq!(fat_tree_switches(64.0, 3.0), 5120.0);
        assert_eq!(fat_tree_path_switches(3.0), 5.0);
        assert_eq!(torus_bisection_links(4.0, 3.0), 32.0);
        assert_eq!(torus_diameter(5.0, 3.0), 6.0);
        let (rel, loss) = oversubscription_effect(0.5, 3.0);
        assert!(close(rel, 0.5) && close(loss, 0.5));
    }

    #[test]
    fn callable_by_mlsysim_name() {
        let mut p = Params::new();
        p.insert("message_bytes".into(), q("2.0075 GB"));
        p.insert("n_gpus".into(), Param::Number(128.0));
        p.insert("bandwidth".into(), q("50 GB/s"));
        p.insert("latency".into(), q("7 us"));
        let out = crate::calc::formulas::call("calc_ring_allreduce_time", &p).unwrap();
        let Out::Value(v) = &out[0].1 else { panic!() };
        assert!(close(v.si, 0.08145065624999999));
        assert_eq!(v.dim, Dim::TIME);

        let mut p = Params::new();
        p.insert("message_bytes".into(), q("16 GB"));
        p.insert("n_nodes".into(), Param::Number(16.0));
        p.insert("gpus_per_node".into(), Param::Number(8.0));
        p.insert("intra_node_bw".into(), q("450 GB/s"));
        p.insert("inter_node_bw".into(), q("50 GB/s"));
        let out = crate::calc::formulas::call("calc_hierarchical_allreduce_time", &p).unwrap();
        let Out::Value(v) = &out[0].1 else { panic!() };
        assert!(close(v.si, 0.1373792222222222));

        let mut p = Params::new();
        p.insert("n_stages".into(), Param::Number(4.0));
        p.insert("n_microbatches".into(), Param::Number(16.0));
        let out = crate::calc::formulas::call("calc_pipeline_bubble", &p).unwrap();
        assert_eq!(out[0].0, "bubble_fraction");
    }

    #[test]
    fn bad_input_is_an_error() {
        let mut p = Params::new();
        p.insert("message_bytes".into(), q("1 GB/s"));
        p.insert("n_gpus".into(), Param::Number(8.0));
        p.insert("bandwidth".into(), q("50 GB/s"));
        p.insert("latency".into(), q("5 us"));
        assert!(crate::calc::formulas::call("calc_all_to_all_time", &p).is_err());
        p.insert("message_bytes".into(), q("1 GB"));
        p.insert("n_gpus".into(), Param::Number(0.0));
        assert!(crate::calc::formulas::call("calc_all_to_all_time", &p).is_err());
        let mut p = Params::new();
        p.insert("n_gpus".into(), Param::Number(1.0));
        p.insert("alpha".into(), q("5 us"));
        p.insert("bandwidth".into(), q("50 GB/s"));
        assert!(crate::calc::formulas::call("ring_tree_crossover_size", &p).is_err());
    }
}
