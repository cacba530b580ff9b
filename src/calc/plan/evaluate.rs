//! The three-level scorecard of a plan: feasibility (does it fit), performance (how fast, what
//! binds) and macro (TCO and carbon), from the roofline, distributed, economics and sustainability
//! solvers.
//!
//! One device runs the roofline solver (inference, as mlsysim's `SystemEvaluator`); a fleet runs the
//! distributed solver with the plan's decomposition (mlsysim: always TP = PP = 1) and reports the
//! per-accelerator memory as feasibility (mlsysim: SKIPPED). The macro level runs when
//! `ops.duration_days` is given, on the plan's `ops.region` (mlsysim ignores the region and charges
//! US_Avg), with `ops.mfu` (default 1, full TDP, as mlsysim).

use super::asserts::{self, Level, MetricDef, Outcome, FEASIBILITY, MACRO};
use super::resolve::{Resolved, System};
use crate::base::units::*;
use crate::calc::params::SolveError;
use crate::calc::solvers::distributed::{self, FleetSpec};
use crate::calc::solvers::economics::{self, EconomicsOptions, EconomicsResult};
use crate::calc::solvers::roofline::{self, RooflineOptions};
use crate::calc::solvers::scenario::Status;
use crate::calc::solvers::sustainability::{Devices, Placement, FULL_UTILIZATION};
use crate::registry::Registry;

/// One level of the scorecard.
#[derive(Clone, Debug, PartialEq)]
pub struct LevelResult {
    /// Which level.
    pub level: Level,
    /// PASS, FAIL or SKIPPED.
    pub status: Status,
    /// One line: what binds, what it costs.
    pub summary: String,
    /// Metrics with their values in base units.
    pub metrics: Vec<(&'static MetricDef, f64)>,
}

/// A plan's scorecard.
#[derive(Clone, Debug, PartialEq)]
pub struct Scorecard {
    /// Plan name.
    pub name: String,
    /// What was evaluated: `workload`, `system`, `ops` lines.
    pub context: Vec<(&'static str, String)>,
    /// Feasibility, performance, macro.
    pub levels: Vec<LevelResult>,
    /// Warnings of the solvers.
    pub warnings: Vec<String>,
}

impl Scorecard {
    /// A metric's value (base units) by `level.key`.
    pub fn metric(&self, name: &str) -> Option<f64> {
        self.levels
            .iter()
            .flat_map(|l| &l.metrics)
            .find(|(d, _)| d.name() == name)
            .map(|(_, v)| *v)
    }

    /// Checks the plan's asserts.
    pub fn check(&self, r: &Resolved) -> Vec<(usize, Outcome)> {
        r.asserts
            .iter()
            .map(|(i, a)| {
                let v = self
                    .metric(&a.metric.name())
                    .expect("asserts are resolved against the metrics the plan produces");
                (*i, asserts::check(a, v))
            })
            .collect()
    }
}

/// A number in `unit` as the scorecard prints it: `$25,548`, `117,842 ms`, `0.953`, `34.76 /s`.
pub fn number(x: f64, unit: &str) -> String {
    let a = x.abs();
    let digits = if a >= 100.0 {
        0
    } else if a >= 1.0 || a == 0.0 {
        2
    } else if a >= 1e-3 {
        3
    } else {
        return match unit {
            "1" => format!("{x:.3e}"),
            "USD" => format!("${x:.3e}"),
            "1/s" => format!("{x:.3e} /s"),
            u => format!("{x:.3e} {u}"),
        };
    };
    let s = grouped(x, digits);
    match unit {
        "1" => s,
        "USD" => format!("${s}"),
        "1/s" => format!("{s} /s"),
        u => format!("{s} {u}"),
    }
}

use crate::base::text::grouped;

/// Bytes in the largest decimal unit that keeps a number ≥ 1 (`520 KB`, `63.83 GB`).
pub fn bytes(x: f64) -> String {
    let (f, u) = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")]
        .into_iter()
        .find(|(f, _)| x.abs() >= *f)
        .unwrap_or((1.0, "B"));
    number(x / f, u)
}

/// Days without a trailing `.0`.
pub fn days(d: f64) -> String {
    if d.fract() == 0.0 {
        format!("{d:.0}")
    } else {
        format!("{d}")
    }
}

fn def(list: &'static [MetricDef], key: &str) -> &'static MetricDef {
    list.iter()
        .find(|d| d.key == key)
        .expect("metric is in the catalog")
}

fn status(ok: bool) -> Status {
    if ok {
        Status::Pass
    } else {
        Status::Fail
    }
}

fn feasibility(used: Information, capacity: Information, per: &str) -> LevelResult {
    let (u, c) = (used.value().si, capacity.value().si);
    let ok = u <= c;
    LevelResult {
        level: Level::Feasibility,
        status: status(ok),
        summary: format!(
            "{} of {}{per}{}",
            bytes(u),
            bytes(c),
            if ok { "" } else { " — does not fit" }
        ),
        metrics: vec![
            (def(FEASIBILITY, "memory_used_gb"), u),
            (def(FEASIBILITY, "memory_capacity_gb"), c),
            (def(FEASIBILITY, "memory_utilization"), u / c),
        ],
    }
}

/// Evaluates a resolved plan.
pub fn evaluate(reg: &Registry, r: &Resolved) -> Result<Scorecard, SolveError> {
    let cal = &reg.calibration;
    let o = &r.options;
    let hw = r.system.hardware();
    let mut warnings = Vec::new();
    let seq = if roofline::is_transformer(r.model) {
        o.seq_len.map_or_else(
            || format!(", seq_len {} (default)", cal.default_seq_len.v),
            |s| format!(", seq_len {s}"),
        )
    } else {
        String::new()
    };
    let mut context = vec![(
        "workload",
        format!(
            "{}, batch {}{seq}, {}",
            r.model.key,
            o.batch_size,
            o.precision.key()
        ),
    )];
    let efficiency = o.efficiency.unwrap_or(cal.default_efficiency.v);
    let (feas, perf) = match r.system {
        System::Device(_) => {
            context.push((
                "system",
                format!("1 × {} ({}), efficiency {efficiency}", hw.key, hw.name),
            ));
            let ro = RooflineOptions {
                batch_size: o.batch_size,
                precision: o.precision,
                efficiency: o.efficiency,
                is_training: false,
                seq_len: o.seq_len,
                ..RooflineOptions::default()
            };
            let res = roofline::solve(r.model, hw, cal, &ro)?;
            warnings.extend(res.warnings.iter().cloned());
            let feas = feasibility(res.memory_footprint, hw.capacity().v, "");
            let p = asserts::PERFORMANCE_DEVICE;
            let perf = LevelResult {
                level: Level::Performance,
                status: status(res.feasible),
                summary: format!(
                    "{}-bound, {} per batch{}",
                    res.bottleneck.label(),
                    number(res.latency.value().si * 1e3, "ms"),
                    if res.feasible {
                        ""
                    } else {
                        " (infeasible: weights offloaded)"
                    }
                ),
                metrics: vec![
                    (def(p, "latency"), res.latency.value().si),
                    (def(p, "throughput"), res.throughput.value().si),
                    (def(p, "mfu"), res.mfu),
                ],
            };
            (feas, perf)
        }
        System::Fleet(fleet, _) => {
            let res = distributed::solve(r.model, FleetSpec::Registry(fleet), hw, cal, o)?;
            let par = res.parallelism;
            context.push((
                "system",
                format!(
                    "{} × {} ({} nodes of {}, {}), efficiency {efficiency}",
                    fleet.total_accelerators(),
                    hw.key,
                    fleet.count.v,
                    fleet.node.accelerators_per_node.v,
                    if fleet.key == super::resolve::PLAN_FLEET {
                        "composed by the plan".to_string()
                    } else {
                        format!("fleet {}", fleet.key)
                    }
                ),
            ));
            context.push((
                "parallelism",
                format!(
                    "TP {} · PP {} · EP {} · DP {}, micro-batches {}{}{}",
                    par.tp,
                    par.pp,
                    par.ep,
                    par.dp,
                    o.microbatch_count,
                    if o.activation_recomputation {
                        ", recomputation"
                    } else {
                        ""
                    },
                    if o.overlap_comm { ", overlap" } else { "" }
                ),
            ));
            warnings.extend(res.warnings.iter().cloned());
            let feas = feasibility(
                res.node.memory_footprint,
                hw.capacity().v,
                " per accelerator",
            );
            let p = asserts::PERFORMANCE_FLEET;
            let mfu = res.node.mfu * res.scaling_efficiency;
            let perf = LevelResult {
                level: Level::Performance,
                status: status(res.node.feasible),
                summary: format!(
                    "step {}, scaling efficiency {}%, {}-bound replica{}",
                    number(res.step_latency_total.value().si * 1e3, "ms"),
                    grouped(res.scaling_efficiency * 100.0, 1),
                    res.node.bottleneck.label(),
                    if res.node.feasible {
                        ""
                    } else {
                        " (infeasible)"
                    }
                ),
                metrics: vec![
                    (def(p, "step_latency"), res.step_latency_total.value().si),
                    (
                        def(p, "comm_overhead"),
                        res.communication_latency.value().si,
                    ),
                    (def(p, "bubble_fraction"), res.bubble_fraction),
                    (
                        def(p, "fleet_throughput"),
                        res.effective_throughput.value().si,
                    ),
                    (def(p, "mfu"), mfu),
                    (def(p, "node_mfu"), res.node.mfu),
                    (def(p, "scaling_efficiency"), res.scaling_efficiency),
                ],
            };
            (feas, perf)
        }
    };
    let macro_level = match r.ops.duration {
        None => LevelResult {
            level: Level::Macro,
            status: Status::Skipped,
            summary: "no ops.duration_days".into(),
            metrics: vec![],
        },
        Some(duration) => {
            let econ = macro_costs(reg, r, duration)?;
            let tax = r.ops.carbon_tax.unwrap_or(0.0);
            let carbon_t = econ.energy.carbon_footprint.value().si / 1e3;
            context.push((
                "ops",
                format!(
                    "{} for {} days{}",
                    econ.energy.region_name,
                    days(duration.value().si / 86_400.0),
                    r.ops
                        .carbon_tax
                        .map(|t| format!(", carbon tax ${}/t", days(t)))
                        .unwrap_or_default()
                ),
            ));
            LevelResult {
                level: Level::Macro,
                status: Status::Pass,
                summary: format!(
                    "TCO {}, carbon {} in {} (PUE {})",
                    number(econ.tco.value().si, "USD"),
                    if carbon_t >= 1.0 {
                        number(carbon_t, "t")
                    } else {
                        number(carbon_t * 1e3, "kg")
                    },
                    econ.energy.region_name,
                    econ.energy.pue
                ),
                metrics: vec![
                    (def(MACRO, "tco_usd"), econ.tco.value().si),
                    (def(MACRO, "capex"), econ.capex.value().si),
                    (def(MACRO, "energy_cost"), econ.opex_energy.value().si),
                    (
                        def(MACRO, "total_energy"),
                        econ.energy.total_energy.value().si,
                    ),
                    (
                        def(MACRO, "carbon_footprint"),
                        econ.energy.carbon_footprint.value().si,
                    ),
                    (def(MACRO, "carbon_cost_usd"), carbon_t * tax),
                ],
            }
        }
    };
    Ok(Scorecard {
        name: r.name.clone(),
        context,
        levels: vec![feas, perf, macro_level],
        warnings,
    })
}

/// The economics of the plan's devices at its region (the macro level).
pub fn macro_costs(
    reg: &Registry,
    r: &Resolved,
    duration: Time,
) -> Result<EconomicsResult, SolveError> {
    let devices = match r.system {
        System::Device(h) => Devices::single(h),
        System::Fleet(f, h) => Devices::fleet(f, h),
    };
    let place = Placement::resolve(reg, r.ops.region.as_deref(), r.system.fleet())?;
    let eo = EconomicsOptions {
        duration,
        mfu: r.ops.mfu.unwrap_or(FULL_UTILIZATION),
        kwh_price: r.ops.kwh_price,
        amortization: None,
        infrastructure_multiplier: None,
    };
    economics::solve(&devices, &place, &reg.calibration, &eo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_a_scorecard() {
        assert_eq!(number(25_548.21, "USD"), "$25,548");
        assert_eq!(number(117_842.06, "ms"), "117,842 ms");
        assert_eq!(number(0.9528, "1"), "0.953");
        assert_eq!(number(34.758, "1/s"), "34.76 /s");
        assert_eq!(number(0.0, "t"), "0.00 t");
        assert_eq!(number(2e-5, "t"), "2.000e-5 t");
        assert_eq!(grouped(-1234.5, 1), "-1,234.5");
        assert_eq!(grouped(-0.001, 1), "0.0");
    }
}
