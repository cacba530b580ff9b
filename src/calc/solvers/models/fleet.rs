//! Fleet and fabric models that read registry objects: `TopologyModel`, `MoERoutingModel`,
//! `GradientSyncModel`.

use super::{constant, fabric, model, precision, size_in_bytes};
use super::{Outs, GBPS, MODEL};
use crate::base::units::{base, Dim};
use crate::calc::formulas::communication::all_to_all_time;
use crate::calc::params::Out;
use crate::calc::solvers::decl::{
    bandwidth, bytes, input, num, output, time, Args, Ctx, Default as D, Kind, Range, Run,
    SolverDef,
};

/// Energy per bit (J/B in SI).
const ENERGY_PER_BIT: Dim = Dim([2, 1, -2, -1, 0, 0, 0]);

/// The declarations.
pub const DEFS: &[SolverDef] = &[
    SolverDef {
        name: "topology",
        class: "TopologyModel",
        doc: "Effective and bisection bandwidth and average hops of a fabric laid out as a fat tree, dragonfly, 3D torus or ring.",
        inputs: &[
            input("fabric", Kind::Key("fabrics"), D::Required, Range::ANY, "the fabric (link bandwidth, oversubscription)"),
            input("topology", Kind::Text, D::Text("fat_tree"), Range::ANY, "fat_tree, dragonfly, torus_3d or ring (anything else: fat tree)"),
            input("num_nodes", Kind::Int, D::Num(64.0), Range::NONNEG, "nodes N"),
        ],
        outputs: &[
            output("effective_bw", "GB/s", "link bandwidth × β / oversubscription"),
            output("bisection_bw", "GB/s", "link bandwidth × β × N/2 / oversubscription (fat-tree-normalized)"),
            output("bisection_bw_fraction", "1", "β relative to a full fat tree"),
            output("hops_avg", "1", "average hops"),
            output("topology", "label", "topology"),
            output("num_nodes", "1", "N"),
        ],
        run: Run::Model(topology),
    },
    SolverDef {
        name: "moe-routing",
        class: "MoERoutingModel",
        doc: "First-order MoE routing imbalance: effective active experts and parameters, routed bytes, and the expert-parallel all-to-all on a fleet's fabric.",
        inputs: &[
            input("model", MODEL, D::Required, Range::ANY, "a mixture-of-experts model"),
            input("batch_size", Kind::Int, D::Required, Range::AT_LEAST_1, "sequences per step"),
            input("seq_len", Kind::Int, D::Required, Range::AT_LEAST_1, "tokens per sequence"),
            input("precision", Kind::Text, D::Text("fp16"), Range::ANY, "activation precision"),
            input("ep_size", Kind::Int, D::Num(1.0), Range::AT_LEAST_1, "expert-parallel group size"),
            input("routing_imbalance_factor", Kind::Number, D::Num(1.0), Range::AT_LEAST_1, "1 = balanced; larger = hot experts"),
            input("fleet", Kind::Key("fleets"), D::Absent, Range::ANY, "fleet whose fabric prices the all-to-all"),
        ],
        outputs: &[
            output("effective_active_experts", "1", "min(experts, top-k × imbalance)"),
            output("effective_active_parameters", "1", "active parameters × multiplier"),
            output("active_parameter_multiplier", "1", "effective experts / top-k"),
            output("routing_imbalance_factor", "1", "the imbalance factor"),
            output("token_dispatch_bytes", "MB", "routed bytes crossing ranks"),
            output("all_to_all_latency", "ms", "all-to-all time on the fleet fabric (with a fleet and ep_size > 1)"),
            output("ep_size", "1", "expert-parallel group size"),
        ],
        run: Run::Model(moe_routing),
    },
    SolverDef {
        name: "gradient-sync",
        class: "GradientSyncModel",
        doc: "One data-parallel step: local compute, then a ring AllReduce (≈ 2× the gradients) over one link; compute share and transfer energy.",
        inputs: &[
            input("model", MODEL, D::Required, Range::ANY, "the model"),
            input("precision", Kind::Text, D::Required, Range::ANY, "gradient precision"),
            input("link_bandwidth", GBPS, D::Required, Range::POSITIVE, "link bandwidth (mlsysim: links[name])"),
            input("compute_time", Kind::Qty(Dim::TIME, "ms"), D::Required, Range::NONNEG, "local compute per step"),
            input("energy_per_bit", Kind::Qty(ENERGY_PER_BIT, "pJ/bit"), D::Absent, Range::NONNEG, "transfer energy per bit"),
            input("steps", Kind::Int, D::Num(1.0), Range::NONNEG, "steps"),
            input("compute_speedup", Kind::Number, D::Num(1.0), Range::POSITIVE, "compute speedup"),
        ],
        outputs: &[
            output("sync_bytes", "GB", "2 × gradient bytes"),
            output("compute_time", "s", "compute / speedup"),
            output("transfer_time", "s", "sync bytes / link bandwidth (mlsysim: transfer_times[name])"),
            output("step_time", "s", "compute + transfer (mlsysim: step_times[name])"),
            output("compute_fraction", "1", "compute / step (mlsysim: compute_fractions[name])"),
            output("energy_per_step", "J", "sync bits × energy per bit (0 without it)"),
            output("energy_total", "J", "energy per step × steps"),
        ],
        run: Run::Model(gradient_sync),
    },
];

fn topology(a: &Args, ctx: &mut Ctx) -> Outs {
    let f = fabric(ctx, a, "fabric")?;
    let topo = a.text("topology").unwrap_or("fat_tree");
    let n = a.f("num_nodes");
    if topo == "torus_3d" && n == 0.0 {
        return Err(a.invalid(
            "num_nodes",
            "a 3D torus of 0 nodes has no bisection (0^(-1/3))".into(),
        ));
    }
    // Ring: the bisection cuts 2 of N links; 3D torus: 2·N^(2/3) of N links (Dally & Towles 2003).
    let beta = match topo {
        "ring" => 2.0 / n.max(1.0),
        "torus_3d" => 2.0 * n.powf(-1.0 / 3.0),
        "dragonfly" => constant(ctx, "dragonfly_bisection_fraction")?,
        _ => 1.0,
    };
    let bw = ctx.lin.read(f.bandwidth).value;
    let over = ctx.lin.read(f.oversubscription_ratio);
    // Average hops: 3D torus ≈ ¾·N^(1/3), ring ≈ N/4 (geometry).
    let hops = match topo {
        "dragonfly" => constant(ctx, "dragonfly_average_hops")?,
        "torus_3d" => 0.75 * n.powf(1.0 / 3.0),
        "ring" => n / 4.0,
        _ => constant(ctx, "fat_tree_average_hops")?,
    };
    Ok(vec![
        ("effective_bw", bandwidth(bw * beta / over)),
        ("bisection_bw", bandwidth(bw * beta * n / 2.0 / over)),
        ("bisection_bw_fraction", num(beta)),
        ("hops_avg", num(hops)),
        ("topology", Out::Label(topo.into())),
        ("num_nodes", num(n)),
    ])
}

fn moe_routing(a: &Args, ctx: &mut Ctx) -> Outs {
    let m = model(ctx, a, "model")?;
    let prec = precision(a, "precision")?;
    let top_k = ctx
        .lin
        .read_opt(m.active_experts_per_token)
        .ok_or_else(|| {
            super::missing_field(m, "active_experts_per_token (not a mixture of experts)")
        })?
        .max(1.0);
    let experts = ctx
        .lin
        .read_opt(m.experts)
        .ok_or_else(|| super::missing_field(m, "experts"))?;
    let active = ctx
        .lin
        .read_opt(m.active_parameters)
        .ok_or_else(|| super::missing_field(m, "active_parameters"))?;
    let imbalance = a.f("routing_imbalance_factor");
    let effective = experts.min(top_k * imbalance);
    let mult = effective / top_k;
    let hidden = match ctx.lin.read_opt(m.hidden_dim) {
        Some(h) if h != 0.0 => h,
        _ => ctx.lin.read(ctx.reg.calibration.fallback_hidden_dim),
    };
    let ep = a.f("ep_size");
    let routed = if ep > 1.0 { (ep - 1.0) / ep } else { 0.0 };
    let payload = a.f("batch_size") * a.f("seq_len") * hidden * prec.bytes() * top_k * mult;
    let latency = match super::fleet(ctx, a, "fleet")? {
        Some(fl) if ep > 1.0 => {
            let bw =
                ctx.lin.read(fl.fabric.bandwidth) / ctx.lin.read(fl.fabric.oversubscription_ratio);
            let alpha = match fl.fabric.latency {
                Some(l) => ctx.lin.read(l),
                None => ctx.lin.read(ctx.reg.calibration.default_fabric_latency),
            };
            ctx.lin.formula("all_to_all_time");
            time(all_to_all_time(base(payload), ep, bw, alpha).value)
        }
        _ => Out::Missing,
    };
    Ok(vec![
        ("effective_active_experts", num(effective)),
        ("effective_active_parameters", num(active * mult)),
        ("active_parameter_multiplier", num(mult)),
        ("routing_imbalance_factor", num(imbalance)),
        ("token_dispatch_bytes", bytes(payload * routed)),
        ("all_to_all_latency", latency),
        ("ep_size", num(ep)),
    ])
}

fn gradient_sync(a: &Args, ctx: &mut Ctx) -> Outs {
    let m = model(ctx, a, "model")?;
    let prec = precision(a, "precision")?;
    let sync = constant(ctx, "ring_allreduce_factor")? * size_in_bytes(ctx, m, prec)?;
    let comp = a.f("compute_time") / a.f("compute_speedup");
    let transfer = sync / a.f("link_bandwidth");
    let step = comp + transfer;
    let e = a.opt("energy_per_bit").map_or(0.0, |epb| sync * epb);
    Ok(vec![
        ("sync_bytes", bytes(sync)),
        ("compute_time", time(comp)),
        ("transfer_time", time(transfer)),
        ("step_time", time(step)),
        ("compute_fraction", num(comp / step)),
        ("energy_per_step", Out::qty(e, Dim::ENERGY)),
        ("energy_total", Out::qty(e * a.f("steps"), Dim::ENERGY)),
    ])
}
