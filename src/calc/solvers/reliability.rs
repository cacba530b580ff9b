//! ReliabilityModel (mlsysim 0.3.0 `engine/solvers/reliability.py`): fleet MTBF, failure
//! probability, Young–Daly checkpoint interval and goodput of a long job.
//!
//! Node MTBF is a series system of its GPUs, NICs and non-redundant PSUs (PSUs count only when
//! `psu_redundancy` is 0); fleet MTBF = node MTBF / nodes; `P_fail = 1 − exp(−T/MTBF)`;
//! `τ* = sqrt(2·δ·MTBF)`; goodput = `max(0, 1 − δ/τ* − R/MTBF)`. mlsysim omits the rework term
//! `τ/(2·MTBF)`; [`ReliabilityOptions::include_rework`] adds it (off by default).

use super::distributed::FleetSpec;
use crate::base::units::*;
use crate::calc::formulas::args::{nonnegative, positive, py_float};
use crate::calc::formulas::reliability as f;
use crate::calc::params::{Lineage, Out, ParamReader, Params, SolveError, SolveOutput};
use crate::calc::solvers::decl::{self, Default as D, Kind, Range};
use crate::calc::solvers::inputs;
use crate::registry::{Calibration, Fleet, Registry};

/// Solver name.
pub const SOLVER: &str = "reliability";

/// Inputs of the reliability solver besides the fleet.
#[derive(Clone, Copy, Debug)]
pub struct ReliabilityOptions {
    /// Job duration T.
    pub job_duration: Time,
    /// Checkpoint write time δ (default `default_checkpoint_time`).
    pub checkpoint_time: Option<Time>,
    /// Recovery time per failure R (default `default_recovery_time`).
    pub recovery_time: Option<Time>,
    /// Also charge the expected rework since the last checkpoint, `τ/(2·MTBF)`, in goodput.
    /// Off by default: mlsysim 0.3.0 leaves it out.
    pub include_rework: bool,
}

/// Reliability figures of a fleet for one job.
#[derive(Clone, Debug, PartialEq)]
pub struct ReliabilityResult {
    /// MTBF of one node.
    pub node_mtbf: Time,
    /// MTBF of the fleet.
    pub fleet_mtbf: Time,
    /// Probability of at least one failure during the job.
    pub failure_probability: f64,
    /// Young–Daly optimal checkpoint interval.
    pub optimal_checkpoint_interval: Time,
    /// Expected failures during the job.
    pub expected_failures: f64,
    /// Fraction of time doing useful work.
    pub goodput_ratio: f64,
    /// Lineage.
    pub lineage: Lineage,
    /// Warnings.
    pub warnings: Vec<String>,
}

/// Computes the reliability figures (see the module docs).
pub fn solve(
    fleet: &Fleet,
    cal: &Calibration,
    opts: &ReliabilityOptions,
) -> Result<ReliabilityResult, SolveError> {
    solve_spec(&FleetSpec::Registry(fleet), cal, opts)
}

/// [`solve`] for a registry fleet or an ad-hoc one (`node` × `node_count`; the fabric plays no
/// part in reliability).
pub fn solve_spec(
    fleet: &FleetSpec,
    cal: &Calibration,
    opts: &ReliabilityOptions,
) -> Result<ReliabilityResult, SolveError> {
    let mut lin = Lineage::new(SOLVER);
    let node = fleet.node();
    let redundant = lin.read(node.psu_redundancy) > 0.0;
    let psus = lin.read(node.psus_per_node);
    let series_psus = if redundant { 0.0 } else { psus };
    lin.formula("mtbf_node");
    let node_mtbf = f::mtbf_node(&[
        (lin.read(node.accelerators_per_node), lin.read(cal.gpu_mttf)),
        (lin.read(node.nics_per_node), lin.read(cal.nic_mttf)),
        (series_psus, lin.read(cal.psu_mttf)),
    ]);
    lin.formula("mtbf_cluster");
    let nodes = positive("fleet.count", fleet.node_count(&mut lin))?;
    let fleet_mtbf = f::mtbf_cluster(node_mtbf, nodes, 1.0);

    let job = opts.job_duration;
    nonnegative("job_duration_hours", job.get::<time::hour>())?;
    lin.input("job_duration", format!("{} h", job.get::<time::hour>()));
    let delta = opts
        .checkpoint_time
        .unwrap_or_else(|| lin.read(cal.default_checkpoint_time));
    let recovery = opts
        .recovery_time
        .unwrap_or_else(|| lin.read(cal.default_recovery_time));
    // mlsysim rejects a zero checkpoint cost (Young–Daly needs δ > 0).
    positive("checkpoint_time_s", delta.get::<time::second>())?;
    nonnegative("avg_recovery_time_s", recovery.get::<time::second>())?;

    lin.formula("failure_probability");
    let p_fail = f::failure_probability(fleet_mtbf, job);
    lin.formula("young_daly_interval");
    let tau = f::young_daly_interval(delta, fleet_mtbf);
    let mut warnings = vec![];
    if f::young_daly_out_of_range(delta, fleet_mtbf) {
        warnings.push(format!(
            "Checkpoint cost ({} s) is at least twice the MTBF ({} s); the Young–Daly approximation assumes δ ≪ MTBF.",
            py_float(delta.get::<time::second>()),
            py_float(fleet_mtbf.get::<time::second>())
        ));
    }
    lin.formula("goodput");
    if opts.include_rework {
        lin.input("include_rework", true);
    }
    let goodput = f::goodput(delta, tau, recovery, fleet_mtbf, opts.include_rework);
    Ok(ReliabilityResult {
        node_mtbf,
        fleet_mtbf,
        failure_probability: p_fail,
        optimal_checkpoint_interval: tau,
        expected_failures: f::expected_failures(fleet_mtbf, job),
        goodput_ratio: goodput,
        lineage: lin,
        warnings,
    })
}

/// The declared inputs (mlsysim's `ReliabilityModel.solve` keywords, the ad-hoc fleet, and our
/// `include_rework`).
pub const DECL_INPUTS: &[decl::Input] = &[
    inputs::FLEET[0],
    inputs::FLEET[1],
    inputs::FLEET[2],
    inputs::FLEET[3],
    decl::input("job_duration_hours", Kind::Qty(Dim::TIME, "h"), D::Required, Range::NONNEG, "job duration T"),
    decl::input("checkpoint_time_s", Kind::Qty(Dim::TIME, "s"), D::Absent, Range::POSITIVE, "checkpoint write time δ (default constants.default_checkpoint_time)"),
    decl::input("avg_recovery_time_s", Kind::Qty(Dim::TIME, "s"), D::Absent, Range::NONNEG, "recovery time per failure R (default constants.default_recovery_time)"),
    decl::input("include_rework", Kind::Bool, D::Bool(false), Range::ANY, "also charge the rework since the last checkpoint, τ/(2·MTBF), in goodput (mlsysim leaves it out)"),
];

/// The declared outputs (mlsysim's `ReliabilityResult` fields).
pub const DECL_OUTPUTS: &[decl::Output] = &[
    decl::output("fleet_mtbf", "h", "node MTBF / nodes"),
    decl::output("failure_probability", "1", "1 − exp(−T / MTBF)"),
    decl::output(
        "optimal_checkpoint_interval",
        "s",
        "Young–Daly τ* = sqrt(2·δ·MTBF)",
    ),
    decl::output("expected_failures", "1", "T / MTBF"),
    decl::output("goodput_ratio", "1", "max(0, 1 − δ/τ* − R/MTBF)"),
];

/// Runs the solver on named parameters (mlsysim's names; bare `job_duration_hours` is hours,
/// bare `checkpoint_time_s` and `avg_recovery_time_s` are seconds; `include_rework` is our option).
pub fn run(reg: &Registry, params: &Params) -> Result<SolveOutput, SolveError> {
    let r = ParamReader::declared(SOLVER, params);
    let fleet = super::distributed::read_fleet_spec(reg, params, &r, SOLVER)?;
    let time = |name: &str, bare: &str| -> Result<Option<Time>, SolveError> {
        Ok(r.quantity(name, Dim::TIME, bare)?
            .map(|v| base::<Time>(v.si)))
    };
    let job = time("job_duration_hours", "h")?.ok_or_else(|| SolveError::Invalid {
        what: "job_duration_hours".into(),
        message: format!("{SOLVER}: `job_duration_hours` is required"),
    })?;
    let opts = ReliabilityOptions {
        job_duration: job,
        checkpoint_time: time("checkpoint_time_s", "s")?,
        recovery_time: time("avg_recovery_time_s", "s")?,
        include_rework: r.bool("include_rework")?.unwrap_or(false),
    };
    let res = solve_spec(&fleet, &reg.calibration, &opts)?;
    Ok(SolveOutput {
        outputs: vec![
            ("fleet_mtbf", Out::Value(res.fleet_mtbf.value())),
            ("failure_probability", Out::number(res.failure_probability)),
            (
                "optimal_checkpoint_interval",
                Out::Value(res.optimal_checkpoint_interval.value()),
            ),
            ("expected_failures", Out::number(res.expected_failures)),
            ("goodput_ratio", Out::number(res.goodput_ratio)),
        ],
        lineage: res.lineage,
        warnings: res.warnings,
    })
}
