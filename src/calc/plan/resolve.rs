//! From a parsed plan to solver inputs: registry lookups, the system (one device or a fleet),
//! options and asserts, with every problem located in the plan file.
//!
//! System rules (mlsysim's `cli/schemas.py` compile step): total accelerators = `node_count` ×
//! `accelerators_per_node`, else `accelerators`, else 1 (both given: they must agree). Above one, a
//! fleet is composed: accelerators per node = explicit, else the device's `accelerator_count`, else
//! 1; intra-node bandwidth = explicit, else NVLink one way, else the host link one way, else the
//! fabric bandwidth; the fabric is `fabric_bandwidth` (default `constants.plan_fabric_bandwidth`),
//! non-blocking, default latency. Additions: `hardware.fleet` (a registry fleet), `hardware.node`
//! with `node_count` (a registry node) and `hardware.fabric` (a registry fabric).
//!
//! A composed fleet is added to a copy of the registry under the key [`PLAN_FLEET`]; the values
//! written in the plan become registry leaves whose location is the plan file, so lineage points
//! at the plan.

use super::asserts::{self, Assert, Field};
use super::parse::locate;
use super::schema::check_number;
use super::{path, PlanSource, Seg};
use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::text::closest;
use crate::base::units::*;
use crate::calc::params::{Precision, SolveError};
use crate::calc::solvers::distributed::DistributedOptions;
use crate::calc::solvers::sustainability::Site;
use crate::registry::{
    Fabric, Fleet, Hardware, Leaf, LeafId, LeafValue, Model, Node, Registry, Sourced,
};
use std::borrow::Cow;

/// Registry key of a fleet composed from a plan.
pub const PLAN_FLEET: &str = "(plan)";

/// Source id of values written in a plan.
pub const PLAN_SOURCE: &str = "plan";

/// What the plan runs on.
#[derive(Clone, Copy, Debug)]
pub enum System<'r> {
    /// One device (inference, the roofline solver).
    Device(&'r Hardware),
    /// A fleet (a training step, the distributed solver) and its accelerator.
    Fleet(&'r Fleet, &'r Hardware),
}

impl<'r> System<'r> {
    /// The accelerator.
    pub fn hardware(&self) -> &'r Hardware {
        match *self {
            System::Device(h) | System::Fleet(_, h) => h,
        }
    }

    /// The fleet, if any.
    pub fn fleet(&self) -> Option<&'r Fleet> {
        match *self {
            System::Device(_) => None,
            System::Fleet(f, _) => Some(f),
        }
    }

    /// Total accelerators.
    pub fn accelerators(&self) -> f64 {
        self.fleet().map_or(1.0, Fleet::total_accelerators)
    }
}

/// The operations section, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Ops {
    /// Grid or datacenter key (validated).
    pub region: Option<String>,
    /// Operating period (the macro level runs only with it).
    pub duration: Option<Time>,
    /// Utilisation driving device power.
    pub mfu: Option<f64>,
    /// Electricity price.
    pub kwh_price: Option<EnergyPrice>,
    /// USD per tonne CO₂e.
    pub carbon_tax: Option<f64>,
    /// Candidate regions for placement (validated keys).
    pub regions: Vec<String>,
}

/// A plan ready to evaluate.
#[derive(Clone, Debug)]
pub struct Resolved<'r> {
    /// Plan name.
    pub name: String,
    /// The workload.
    pub model: &'r Model,
    /// The system.
    pub system: System<'r>,
    /// Options of the distributed solver (batch, precision, efficiency, seq_len, decomposition);
    /// the device path reads batch, precision, efficiency and seq_len from it too.
    pub options: DistributedOptions,
    /// Whether the plan fixes activation recomputation.
    pub recompute_fixed: bool,
    /// Whether the plan fixes the decomposition (any of tp, pp, ep, microbatch_count).
    pub decomposition_fixed: bool,
    /// Operations.
    pub ops: Ops,
    /// Asserts, with the index of each in `constraints.assert`.
    pub asserts: Vec<(usize, Assert)>,
}

impl Resolved<'_> {
    /// Whether the macro level runs.
    pub fn has_macro(&self) -> bool {
        self.ops.duration.is_some()
    }
}

struct Errs<'a> {
    src: &'a PlanSource,
    list: Vec<Diagnostic>,
}

impl Errs<'_> {
    fn at(&mut self, p: &[Seg], msg: impl Into<String>) {
        self.list.push(locate(self.src, p, msg));
    }

    fn help(&mut self, p: &[Seg], msg: impl Into<String>, help: impl Into<String>) {
        self.list.push(locate(self.src, p, msg).with_help(help));
    }

    fn solve(&mut self, p: &[Seg], e: SolveError) {
        match e {
            SolveError::UnknownKey {
                namespace,
                key,
                suggestions,
            } => {
                let msg = format!("unknown {namespace} key `{key}`");
                if suggestions.is_empty() {
                    self.at(p, msg);
                } else {
                    self.help(p, msg, format!("did you mean {}?", suggestions.join(", ")));
                }
            }
            other => self.at(p, other.to_string()),
        }
    }

    fn finish<T>(self, v: T) -> Result<T, Diagnostics> {
        if self.list.is_empty() {
            Ok(v)
        } else {
            Err(Diagnostics(self.list).sorted())
        }
    }
}

fn unit_value(s: &str, dim: Dim, field: &str) -> Result<Value, String> {
    let v = parse_quantity(s).map_err(|e| format!("`{field}`: {e}"))?;
    if v.dim != dim {
        return Err(format!(
            "`{field}` must be {} (like \"450 GB/s\"), got {}",
            dim.name(),
            v.dim.name()
        ));
    }
    if !(v.si.is_finite() && v.si > 0.0) {
        return Err(format!("`{field}` must be positive, got `{s}`"));
    }
    Ok(v)
}

/// A leaf for a value written in the plan at `p`.
fn plan_leaf(
    reg: &mut Registry,
    src: &PlanSource,
    namespace: &'static str,
    field: &str,
    p: &[Seg],
    value: Value,
    unit: &str,
) -> LeafId {
    let d = locate(src, p, "");
    reg.leaves.push(Leaf {
        namespace,
        key: PLAN_FLEET.to_string(),
        field: field.to_string(),
        value: LeafValue::Quantity(value),
        unit: unit.to_string(),
        source: PLAN_SOURCE.to_string(),
        file: src.file.clone(),
        line: d.line,
        column: d.column,
    });
    (reg.leaves.len() - 1) as LeafId
}

fn sourced<T>(v: T, leaf: LeafId) -> Sourced<T> {
    Sourced { v, leaf }
}

/// Adds the fleet a plan composes (if it composes one) to a copy of the registry; otherwise
/// borrows the registry unchanged.
pub fn prepare<'r>(reg: &'r Registry, src: &PlanSource) -> Result<Cow<'r, Registry>, Diagnostics> {
    let h = &src.plan.hardware;
    let mut e = Errs {
        src,
        list: Vec::new(),
    };
    let hw_path = |k: &'static str| path(&["hardware", k]);
    if let Some(fleet) = &h.fleet {
        for (name, given) in [
            ("node", h.node.is_some()),
            ("fabric", h.fabric.is_some()),
            ("accelerators", h.accelerators.is_some()),
            ("node_count", h.node_count.is_some()),
            ("accelerators_per_node", h.accelerators_per_node.is_some()),
            ("intra_node_bw", h.intra_node_bw.is_some()),
            ("fabric_bandwidth", h.fabric_bandwidth.is_some()),
        ] {
            if given {
                e.at(
                    &hw_path(name),
                    format!("`hardware.{name}` cannot be combined with `hardware.fleet`: the registry fleet defines it"),
                );
            }
        }
        if let Err(err) = reg.fleet(fleet) {
            e.solve(&hw_path("fleet"), err.into());
        }
        return e.finish(Cow::Borrowed(reg));
    }

    // Accelerator and counts.
    let node = match &h.node {
        Some(k) => match reg.node(k) {
            Ok(n) => Some(n),
            Err(err) => {
                e.solve(&hw_path("node"), err.into());
                return e.finish(Cow::Borrowed(reg));
            }
        },
        None => None,
    };
    let hw_key = match (&h.name, node) {
        (Some(n), _) => n.clone(),
        (None, Some(n)) => n.accelerator.clone(),
        (None, None) => {
            e.at(
                &path(&["hardware"]),
                "`hardware` needs `name` (a device), `fleet` or `node`",
            );
            return e.finish(Cow::Borrowed(reg));
        }
    };
    let hw = match reg.hardware(&hw_key) {
        Ok(hw) => hw,
        Err(err) => {
            e.solve(&hw_path("name"), err.into());
            return e.finish(Cow::Borrowed(reg));
        }
    };
    for (name, v) in [
        ("accelerators", h.accelerators),
        ("node_count", h.node_count),
        ("accelerators_per_node", h.accelerators_per_node),
    ] {
        if v == Some(0) {
            e.at(&hw_path(name), format!("`hardware.{name}` must be ≥ 1"));
        }
    }
    if !e.list.is_empty() {
        return e.finish(Cow::Borrowed(reg));
    }
    if let Some(n) = node {
        if n.accelerator != hw.key {
            e.at(
                &hw_path("name"),
                format!(
                    "`hardware.name` is `{}` but node `{}` carries `{}`",
                    hw.key, n.key, n.accelerator
                ),
            );
        }
        for name in ["accelerators_per_node", "intra_node_bw"] {
            let given = match name {
                "accelerators_per_node" => h.accelerators_per_node.is_some(),
                _ => h.intra_node_bw.is_some(),
            };
            if given {
                e.at(
                    &hw_path(name),
                    format!("`hardware.{name}` cannot be combined with `hardware.node`: the registry node defines it"),
                );
            }
        }
        if h.node_count.is_none() {
            e.at(&hw_path("node"), "`hardware.node` needs `node_count`");
        }
    } else if h.node_count.is_some() && h.accelerators_per_node.is_none() {
        e.at(
            &hw_path("node_count"),
            "`hardware.node_count` needs `accelerators_per_node` (or a registry `node`)",
        );
    }
    if h.fabric.is_some() && h.fabric_bandwidth.is_some() {
        e.at(
            &hw_path("fabric_bandwidth"),
            "give `hardware.fabric` (a registry fabric) or `hardware.fabric_bandwidth`, not both",
        );
    }
    if !e.list.is_empty() {
        return e.finish(Cow::Borrowed(reg));
    }
    let per_node_explicit = node
        .map(|n| n.accelerators_per_node.v as u64)
        .or(h.accelerators_per_node);
    let total = match (h.node_count, per_node_explicit) {
        (Some(c), Some(p)) => c * p,
        _ => h.accelerators.unwrap_or(1),
    };
    if let (Some(a), Some(_)) = (h.accelerators, h.node_count) {
        if a != total {
            e.at(
                &hw_path("accelerators"),
                format!("`hardware.accelerators` is {a} but node_count × accelerators_per_node is {total}"),
            );
            return e.finish(Cow::Borrowed(reg));
        }
    }
    if total <= 1 && node.is_none() {
        for name in ["fabric", "fabric_bandwidth", "intra_node_bw"] {
            let given = match name {
                "fabric" => h.fabric.is_some(),
                "fabric_bandwidth" => h.fabric_bandwidth.is_some(),
                _ => h.intra_node_bw.is_some(),
            };
            if given {
                e.at(
                    &hw_path(name),
                    format!("`hardware.{name}` needs more than one accelerator"),
                );
            }
        }
        return e.finish(Cow::Borrowed(reg));
    }

    // Compose the fleet.
    let mut out = reg.clone();
    let per_node: Sourced<f64> = match (node, h.accelerators_per_node) {
        (Some(n), _) => n.accelerators_per_node,
        (None, Some(p)) => {
            let l = plan_leaf(
                &mut out,
                src,
                "nodes",
                "accelerators_per_node",
                &hw_path("accelerators_per_node"),
                Value::number(p as f64),
                "",
            );
            sourced(p as f64, l)
        }
        (None, None) => match hw.accelerator_count {
            Some(c) => c,
            None => {
                let l = plan_leaf(
                    &mut out,
                    src,
                    "nodes",
                    "accelerators_per_node",
                    &hw_path("name"),
                    Value::number(1.0),
                    "",
                );
                sourced(1.0, l)
            }
        },
    };
    let per = per_node.v;
    if !(per >= 1.0 && per.fract() == 0.0) || total % (per as u64) != 0 {
        e.at(
            &hw_path("accelerators"),
            format!("{total} accelerators do not split into nodes of {per}"),
        );
        return e.finish(Cow::Borrowed(reg));
    }
    let nodes = (total / per as u64) as f64;
    let count_path = if h.node_count.is_some() {
        hw_path("node_count")
    } else {
        hw_path("accelerators")
    };
    let count_leaf = plan_leaf(
        &mut out,
        src,
        "fleets",
        "count",
        &count_path,
        Value::number(nodes),
        "",
    );

    let fabric: Fabric = match &h.fabric {
        Some(k) => match reg.fabric(k) {
            Ok(f) => f.clone(),
            Err(err) => {
                e.solve(&hw_path("fabric"), err.into());
                return e.finish(Cow::Borrowed(reg));
            }
        },
        None => {
            let bandwidth = match &h.fabric_bandwidth {
                Some(s) => match unit_value(s, Dim::BANDWIDTH, "hardware.fabric_bandwidth") {
                    Ok(v) => {
                        let l = plan_leaf(
                            &mut out,
                            src,
                            "fabrics",
                            "bandwidth",
                            &hw_path("fabric_bandwidth"),
                            v,
                            "",
                        );
                        sourced(base::<Bandwidth>(v.si), l)
                    }
                    Err(m) => {
                        e.at(&hw_path("fabric_bandwidth"), m);
                        return e.finish(Cow::Borrowed(reg));
                    }
                },
                None => match reg.constants.get("plan_fabric_bandwidth") {
                    Some(c) if c.v.dim == Dim::BANDWIDTH => sourced(base(c.v.si), c.leaf),
                    _ => {
                        e.at(
                            &hw_path("fabric_bandwidth"),
                            "`hardware.fabric_bandwidth` is needed: the registry has no constant `plan_fabric_bandwidth`",
                        );
                        return e.finish(Cow::Borrowed(reg));
                    }
                },
            };
            let ratio = plan_leaf(
                &mut out,
                src,
                "fabrics",
                "oversubscription_ratio",
                &path(&["hardware"]),
                Value::number(1.0),
                "",
            );
            Fabric {
                key: PLAN_FLEET.to_string(),
                name: "Plan fabric".into(),
                bandwidth,
                latency: None,
                oversubscription_ratio: sourced(1.0, ratio),
            }
        }
    };

    let node: Node = match node {
        Some(n) => n.clone(),
        None => {
            let intra: Sourced<Bandwidth> = match &h.intra_node_bw {
                Some(s) => match unit_value(s, Dim::BANDWIDTH, "hardware.intra_node_bw") {
                    Ok(v) => {
                        let l = plan_leaf(
                            &mut out,
                            src,
                            "nodes",
                            "intra_node_bw",
                            &hw_path("intra_node_bw"),
                            v,
                            "",
                        );
                        sourced(base(v.si), l)
                    }
                    Err(m) => {
                        e.at(&hw_path("intra_node_bw"), m);
                        return e.finish(Cow::Borrowed(reg));
                    }
                },
                None => match hw.nvlink.as_ref().or(hw.interconnect.as_ref()) {
                    Some(link) => sourced(link.bandwidth_per_direction(), link.bandwidth.leaf),
                    None => fabric.bandwidth,
                },
            };
            let one = plan_leaf(
                &mut out,
                src,
                "nodes",
                "nics_per_node",
                &path(&["hardware"]),
                Value::number(1.0),
                "",
            );
            let zero = plan_leaf(
                &mut out,
                src,
                "nodes",
                "psu_redundancy",
                &path(&["hardware"]),
                Value::number(0.0),
                "",
            );
            Node {
                key: PLAN_FLEET.to_string(),
                name: format!("{} × {}", per, hw.name),
                accelerator: hw.key.clone(),
                accelerators_per_node: per_node,
                intra_node_bw: intra,
                nics_per_node: sourced(1.0, one),
                psus_per_node: sourced(1.0, one),
                psu_redundancy: sourced(0.0, zero),
                max_power: None,
            }
        }
    };
    let fleet = Fleet {
        key: PLAN_FLEET.to_string(),
        name: format!("{} × {} ({} nodes)", total, hw.name, nodes),
        node,
        count: sourced(nodes, count_leaf),
        fabric,
        datacenter: None,
        region: None,
    };
    out.fleets.insert(PLAN_FLEET.to_string(), fleet);
    e.finish(Cow::Owned(out))
}

/// Resolves a plan against a registry returned by [`prepare`].
pub fn resolve<'r>(reg: &'r Registry, src: &PlanSource) -> Result<Resolved<'r>, Diagnostics> {
    let plan = &src.plan;
    let mut e = Errs {
        src,
        list: Vec::new(),
    };
    let wl = |k: &'static str| path(&["workload", k]);
    let hw = |k: &'static str| path(&["hardware", k]);

    let model = reg
        .model(&plan.workload.name)
        .map_err(|err| e.solve(&wl("name"), err.into()))
        .ok();
    let system = if let Some(f) = plan
        .hardware
        .fleet
        .as_deref()
        .or_else(|| reg.fleets.contains_key(PLAN_FLEET).then_some(PLAN_FLEET))
    {
        match reg.fleet(f) {
            Ok(fleet) => match reg.hardware(&fleet.node.accelerator) {
                Ok(acc) => {
                    if let Some(n) = plan.hardware.name.as_deref() {
                        if n != acc.key {
                            e.at(
                                &hw("name"),
                                format!(
                                    "`hardware.name` is `{n}` but fleet `{}` carries `{}`",
                                    fleet.key, acc.key
                                ),
                            );
                        }
                    }
                    Some(System::Fleet(fleet, acc))
                }
                Err(err) => {
                    e.solve(&hw("fleet"), err.into());
                    None
                }
            },
            Err(err) => {
                e.solve(&hw("fleet"), err.into());
                None
            }
        }
    } else {
        match plan.hardware.name.as_deref().map(|n| reg.hardware(n)) {
            Some(Ok(h)) => Some(System::Device(h)),
            Some(Err(err)) => {
                e.solve(&hw("name"), err.into());
                None
            }
            None => {
                e.at(
                    &path(&["hardware"]),
                    "`hardware` needs `name` (a device), `fleet` or `node`",
                );
                None
            }
        }
    };

    let mut o = DistributedOptions::default();
    match plan.workload.batch_size {
        Some(0) => e.at(&wl("batch_size"), "`workload.batch_size` must be ≥ 1"),
        Some(b) => o.batch_size = b,
        None => {}
    }
    match plan.workload.seq_len {
        Some(0) => e.at(&wl("seq_len"), "`workload.seq_len` must be ≥ 1"),
        s => o.seq_len = s,
    }
    if let Some(p) = &plan.hardware.precision {
        match Precision::parse(p) {
            Ok(p) => o.precision = p,
            Err(err) => e.at(&hw("precision"), err.to_string()),
        }
    }
    if let Some(eta) = plan.hardware.efficiency {
        match check_number("hardware", "efficiency", eta) {
            Ok(eta) => o.efficiency = Some(eta),
            Err(m) => e.at(&hw("efficiency"), m),
        }
    }

    let par = plan.parallelism.clone().unwrap_or_default();
    let pp_path = |k: &'static str| path(&["parallelism", k]);
    let mut decomposition_fixed = false;
    if plan.parallelism.is_some() {
        if let Some(System::Device(h)) = system {
            e.at(
                &path(&["parallelism"]),
                format!(
                    "`parallelism` applies to a fleet; this plan runs on one {} (set `hardware.accelerators`, `node` or `fleet`)",
                    h.key
                ),
            );
        }
        for (name, v, slot) in [
            ("tp", par.tp, &mut o.tp_size),
            ("pp", par.pp, &mut o.pp_size),
            ("ep", par.ep, &mut o.ep_size),
            ("v_stages", par.v_stages, &mut o.v_stages),
            (
                "microbatch_count",
                par.microbatch_count,
                &mut o.microbatch_count,
            ),
        ] {
            match v {
                Some(0) => e.at(&pp_path(name), format!("`parallelism.{name}` must be ≥ 1")),
                Some(x) => {
                    *slot = x;
                    if name != "v_stages" {
                        decomposition_fixed = true;
                    }
                }
                None => {}
            }
        }
        match par.zero_stage {
            Some(z) if z > 3 => e.at(
                &pp_path("zero_stage"),
                format!("`parallelism.zero_stage` must be 0, 1, 2 or 3, got {z}"),
            ),
            Some(z) => o.zero_stage = z as u32,
            None => {}
        }
        o.activation_recomputation = par.activation_recomputation.unwrap_or(false);
        o.overlap_comm = par.overlap_comm.unwrap_or(false);
        if let Some(System::Fleet(f, _)) = system {
            let n = f.total_accelerators() as u64;
            let r = o
                .tp_size
                .saturating_mul(o.pp_size)
                .saturating_mul(o.ep_size);
            if r == 0 || n % r != 0 {
                let at = [("tp", par.tp), ("pp", par.pp), ("ep", par.ep)]
                    .into_iter()
                    .find(|(_, v)| v.is_some_and(|v| v > 1))
                    .map_or("tp", |(k, _)| k);
                e.at(
                    &pp_path(at),
                    format!(
                        "TP({}) × PP({}) × EP({}) = {r} must divide the {n} accelerators",
                        o.tp_size, o.pp_size, o.ep_size
                    ),
                );
            }
        }
    }

    let ops = resolve_ops(reg, src, &mut e);
    let mut asserts = Vec::new();
    if let (Some(system), Some(c)) = (system, &plan.constraints) {
        let fleet = matches!(system, System::Fleet(..));
        let metrics = asserts::catalog(fleet, ops.duration.is_some());
        let all: Vec<_> = asserts::catalog(true, true)
            .into_iter()
            .chain(asserts::PERFORMANCE_DEVICE)
            .collect();
        for (i, a) in c.asserts.iter().enumerate() {
            let at = |k: Option<&'static str>| {
                let mut p = vec![Seg::Key("constraints"), Seg::Key("assert"), Seg::Index(i)];
                p.extend(k.map(Seg::Key));
                p
            };
            match asserts::resolve(a, &metrics, &all) {
                Ok(r) => asserts.push((i, r)),
                Err((field, msg, help)) => {
                    let p = match field {
                        Field::Metric => at(Some("metric")),
                        Field::Max => at(Some("max")),
                        Field::Min => at(Some("min")),
                        Field::Whole => at(None),
                    };
                    match help {
                        Some(h) => e.help(&p, msg, h),
                        None => e.at(&p, msg),
                    }
                }
            }
        }
    }
    let (Some(model), Some(system), true) = (model, system, e.list.is_empty()) else {
        return Err(Diagnostics(e.list).sorted());
    };
    Ok(Resolved {
        name: plan.name.clone(),
        model,
        system,
        options: o,
        recompute_fixed: par.activation_recomputation.is_some(),
        decomposition_fixed,
        ops,
        asserts,
    })
}

fn resolve_ops(reg: &Registry, src: &PlanSource, e: &mut Errs) -> Ops {
    let spec = src.plan.ops.clone().unwrap_or_default();
    let op = |k: &'static str| path(&["ops", k]);
    let site = |key: &str, p: &[Seg], e: &mut Errs| -> bool {
        match Site::lookup(reg, key) {
            Ok(_) => true,
            Err(err) => {
                e.solve(p, err);
                false
            }
        }
    };
    let region = spec.region.clone().filter(|r| site(r, &op("region"), e));
    let mut checked = |key: &'static str, v: Option<f64>| {
        v.and_then(|x| match check_number("ops", key, x) {
            Ok(x) => Some(x),
            Err(m) => {
                e.at(&op(key), m);
                None
            }
        })
    };
    let duration = checked("duration_days", spec.duration_days).map(|d| base::<Time>(d * 86_400.0));
    let mfu = checked("mfu", spec.mfu);
    let kwh_price = checked("kwh_price", spec.kwh_price).map(|p| {
        let u = parse_unit("$/kWh").expect("unit");
        base::<EnergyPrice>(p * u.factor)
    });
    let carbon_tax = checked("carbon_tax", spec.carbon_tax);
    let mut regions = Vec::new();
    for (i, r) in spec.regions.iter().flatten().enumerate() {
        let p = [Seg::Key("ops"), Seg::Key("regions"), Seg::Index(i)];
        if regions.contains(r) {
            e.at(&p, format!("region `{r}` is listed twice"));
        } else if site(r, &p, e) {
            regions.push(r.clone());
        }
    }
    if spec.regions.as_ref().is_some_and(Vec::is_empty) {
        e.at(&op("regions"), "`ops.regions` is empty");
    }
    Ops {
        region,
        duration,
        mfu,
        kwh_price,
        carbon_tax,
        regions,
    }
}

/// "unknown WHAT `key`; did you mean …?" (or the known names when none is close).
pub fn unknown(what: &str, key: &str, candidates: &[&str]) -> String {
    let s = closest(key, candidates.iter().copied());
    if s.is_empty() {
        format!("unknown {what} `{key}`; known: {}", candidates.join(", "))
    } else {
        format!("unknown {what} `{key}`; did you mean {}?", s.join(", "))
    }
}
