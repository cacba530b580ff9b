//! Formulas: reliability — series-system MTBF, failure probability, Young–Daly checkpointing and
//! goodput (mlsysim `physics/reliability.py` and `ReliabilityModel`).

use super::args::*;
use super::FormulaDef;
use crate::base::units::*;
use crate::calc::params::{Out, ParamReader, SolveError};

/// MTBF of a series system of heterogeneous components: failure rates add,
/// `MTBF = 1 / (n_gpu/MTBF_gpu + n_nic/MTBF_nic + n_psu/MTBF_psu + n_other/MTBF_other)`.
/// Each entry of `components` is (count, component MTBF).
pub fn mtbf_node(components: &[(f64, Time)]) -> Time {
    let rate: Frequency = components.iter().map(|&(n, mtbf)| n / mtbf).sum();
    1.0 / rate
}

/// MTBF of `n` identical independent components: `MTBF_cluster = MTBF / N · correlation_factor`.
pub fn mtbf_cluster(component_mtbf: Time, n: f64, correlation_factor: f64) -> Time {
    component_mtbf / n * correlation_factor
}

/// Probability of at least one failure during a job (exponential failures): `P = 1 − exp(−T/MTBF)`.
pub fn failure_probability(mtbf: Time, job: Time) -> f64 {
    1.0 - (-expected_failures(mtbf, job)).exp()
}

/// Expected number of failures during a job: `T / MTBF`.
pub fn expected_failures(mtbf: Time, job: Time) -> f64 {
    (job / mtbf).get::<ratio::ratio>()
}

/// Young's optimal checkpoint interval: `τ* = sqrt(2·δ·MTBF)`.
pub fn young_daly_interval(checkpoint_cost: Time, mtbf: Time) -> Time {
    (2.0 * checkpoint_cost * mtbf).sqrt()
}

/// Whether the Young–Daly first-order approximation is out of its range (`δ ≥ 2·MTBF`).
pub fn young_daly_out_of_range(checkpoint_cost: Time, mtbf: Time) -> bool {
    checkpoint_cost >= 2.0 * mtbf
}

/// First-order share of wall time lost to checkpointing at interval τ: `W = δ/τ + τ/(2·MTBF)`.
pub fn checkpoint_waste(write_time: Time, interval: Time, mtbf: Time) -> f64 {
    (write_time / interval + interval / (2.0 * mtbf)).get::<ratio::ratio>()
}

/// Goodput ratio of a checkpointed job:
/// `max(0, 1 − δ/τ − R/MTBF)` (mlsysim `ReliabilityModel`), or with `include_rework`
/// `max(0, 1 − δ/τ − τ/(2·MTBF) − R/MTBF)`, which adds the expected rework since the last checkpoint.
/// Zero when τ or MTBF is not positive.
pub fn goodput(
    checkpoint_cost: Time,
    interval: Time,
    recovery: Time,
    mtbf: Time,
    include_rework: bool,
) -> f64 {
    if interval.value <= 0.0 || mtbf.value <= 0.0 {
        return 0.0;
    }
    let mut lost = checkpoint_cost / interval + recovery / mtbf;
    if include_rework {
        lost += interval / (2.0 * mtbf);
    }
    (1.0 - lost.get::<ratio::ratio>()).max(0.0)
}

/// Availability of `k` independent replicas: `1 − (1 − a)^k`.
pub fn availability_stacked(single: f64, replicas: f64) -> f64 {
    1.0 - (1.0 - single).powf(replicas)
}

/// Probability that all of `n` independent components are up: `a^n`.
pub fn all_up_availability(availability: f64, n: f64) -> f64 {
    availability.powf(n)
}

// ---- by-name access -------------------------------------------------------------------------

fn eval_mtbf_node(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let mut parts = vec![
        (num(r, "n_gpus")?, arg::<Time>(r, "gpu_mtbf", "h")?),
        (num(r, "n_nics")?, arg::<Time>(r, "nic_mtbf", "h")?),
        (num(r, "n_psus")?, arg::<Time>(r, "psu_mtbf", "h")?),
    ];
    let n_other = r.number("n_other")?.unwrap_or(0.0);
    if let (Some(other), true) = (opt_arg::<Time>(r, "other_mtbf", "h")?, n_other > 0.0) {
        parts.push((n_other, other));
    }
    for (_, m) in &parts {
        positive("component MTBF", m.value)?;
    }
    Ok(vec![("node_mtbf", q(mtbf_node(&parts)))])
}

fn eval_mtbf_cluster(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let m = arg::<Time>(r, "component_mtbf", "h")?;
    let n = positive("n_components", num(r, "n_components")?)?;
    let cf = r.number("correlation_factor")?.unwrap_or(1.0);
    Ok(vec![("cluster_mtbf", q(mtbf_cluster(m, n, cf)))])
}

fn eval_failure_probability(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let mtbf = arg::<Time>(r, "mtbf", "h")?;
    positive("mtbf", mtbf.value)?;
    let job = arg::<Time>(r, "job_duration", "h")?;
    Ok(vec![(
        "p_fail",
        Out::number(failure_probability(mtbf, job)),
    )])
}

fn eval_young_daly(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let delta = arg::<Time>(r, "checkpoint_cost", "s")?;
    let mtbf = arg::<Time>(r, "mtbf", "s")?;
    Ok(vec![("interval", q(young_daly_interval(delta, mtbf)))])
}

fn eval_checkpoint_waste(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let w = arg::<Time>(r, "write_time", "s")?;
    let tau = arg::<Time>(r, "interval", "s")?;
    positive("interval", tau.value)?;
    let mtbf = arg::<Time>(r, "mtbf", "s")?;
    positive("mtbf", mtbf.value)?;
    Ok(vec![("waste", Out::number(checkpoint_waste(w, tau, mtbf)))])
}

fn eval_goodput(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let delta = arg::<Time>(r, "checkpoint_cost", "s")?;
    let tau = arg::<Time>(r, "interval", "s")?;
    let recovery = arg::<Time>(r, "recovery_time", "s")?;
    let mtbf = arg::<Time>(r, "mtbf", "s")?;
    let rework = r.bool("include_rework")?.unwrap_or(false);
    Ok(vec![(
        "goodput",
        Out::number(goodput(delta, tau, recovery, mtbf, rework)),
    )])
}

fn eval_availability_stacked(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let a = in_range(
        "single_availability",
        num(r, "single_availability")?,
        0.0,
        1.0,
    )?;
    let k = num(r, "n_replicas")?;
    Ok(vec![(
        "availability",
        Out::number(availability_stacked(a, k)),
    )])
}

fn eval_all_up(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let a = in_range("availability", num(r, "availability")?, 0.0, 1.0)?;
    let n = num(r, "n_components")?;
    Ok(vec![(
        "availability",
        Out::number(all_up_availability(a, n)),
    )])
}

/// `calc_mtbf_node`.
pub static MTBF_NODE: FormulaDef = FormulaDef {
    name: "mtbf_node",
    mlsysim: "calc_mtbf_node",
    equation:
        "MTBF_node = 1 / (n_gpu/MTBF_gpu + n_nic/MTBF_nic + n_psu/MTBF_psu + n_other/MTBF_other)",
    params: &[
        "gpu_mtbf",
        "n_gpus",
        "nic_mtbf",
        "n_nics",
        "psu_mtbf",
        "n_psus",
        "other_mtbf",
        "n_other",
    ],
    eval: eval_mtbf_node,
};

/// `calc_mtbf_cluster`.
pub static MTBF_CLUSTER: FormulaDef = FormulaDef {
    name: "mtbf_cluster",
    mlsysim: "calc_mtbf_cluster",
    equation: "MTBF_cluster = MTBF_component / N · correlation_factor",
    params: &["component_mtbf", "n_components", "correlation_factor"],
    eval: eval_mtbf_cluster,
};

/// `calc_failure_probability`.
pub static FAILURE_PROBABILITY: FormulaDef = FormulaDef {
    name: "failure_probability",
    mlsysim: "calc_failure_probability",
    equation: "P = 1 − exp(−T / MTBF)",
    params: &["mtbf", "job_duration"],
    eval: eval_failure_probability,
};

/// `calc_young_daly_interval`.
pub static YOUNG_DALY_INTERVAL: FormulaDef = FormulaDef {
    name: "young_daly_interval",
    mlsysim: "calc_young_daly_interval",
    equation: "τ* = sqrt(2 · δ · MTBF)",
    params: &["checkpoint_cost", "mtbf"],
    eval: eval_young_daly,
};

/// `calc_checkpoint_waste`.
pub static CHECKPOINT_WASTE: FormulaDef = FormulaDef {
    name: "checkpoint_waste",
    mlsysim: "calc_checkpoint_waste",
    equation: "W = δ/τ + τ/(2 · MTBF)",
    params: &["write_time", "interval", "mtbf"],
    eval: eval_checkpoint_waste,
};

/// Goodput of `ReliabilityModel` (no mlsysim formula function; the solver writes it inline).
pub static GOODPUT: FormulaDef = FormulaDef {
    name: "goodput",
    mlsysim: "ReliabilityModel.goodput_ratio",
    equation: "goodput = max(0, 1 − δ/τ − R/MTBF [− τ/(2·MTBF) with include_rework])",
    params: &[
        "checkpoint_cost",
        "interval",
        "recovery_time",
        "mtbf",
        "include_rework",
    ],
    eval: eval_goodput,
};

/// `calc_availability_stacked`.
pub static AVAILABILITY_STACKED: FormulaDef = FormulaDef {
    name: "availability_stacked",
    mlsysim: "calc_availability_stacked",
    equation: "A = 1 − (1 − a)^k",
    params: &["single_availability", "n_replicas"],
    eval: eval_availability_stacked,
};

/// `calc_all_up_availability`.
pub static ALL_UP_AVAILABILITY: FormulaDef = FormulaDef {
    name: "all_up_availability",
    mlsysim: "calc_all_up_availability",
    equation: "A = a^N",
    params: &["availability", "n_components"],
    eval: eval_all_up,
};

/// The formulas of this module, callable by name.
pub const CATALOG: &[&FormulaDef] = &[
    &MTBF_NODE,
    &MTBF_CLUSTER,
    &FAILURE_PROBABILITY,
    &YOUNG_DALY_INTERVAL,
    &CHECKPOINT_WASTE,
    &GOODPUT,
    &AVAILABILITY_STACKED,
    &ALL_UP_AVAILABILITY,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn h(x: f64) -> Time {
        Time::new::<time::hour>(x)
    }

    #[test]
    fn dgx_node_mtbf() {
        let m = mtbf_node(&[(8.0, h(50_000.0)), (8.0, h(150_000.0)), (0.0, h(100_000.0))]);
        assert!((m.get::<time::hour>() - 4687.5).abs() < 1e-9);
    }

    #[test]
    fn frontier_young_daly_and_goodput() {
        let fleet = mtbf_cluster(h(4687.5), 1024.0, 1.0);
        assert!((fleet.get::<time::hour>() - 4.577_636_718_75).abs() < 1e-12);
        let d = Time::new::<time::second>(300.0);
        let tau = young_daly_interval(d, fleet);
        assert!((tau.get::<time::second>() - 3144.5).abs() < 0.1);
        let g = goodput(d, tau, d, fleet, false);
        assert!((g - 0.88639).abs() < 1e-5);
        let with_rework = goodput(d, tau, d, fleet, true);
        assert!((g - with_rework - (tau / (2.0 * fleet)).value).abs() < 1e-12);
    }
}
