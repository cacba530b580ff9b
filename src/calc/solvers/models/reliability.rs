//! Reliability and goodput models: `FailureIntervalModel`, `CheckpointIntervalModel`,
//! `GoodputModel`.

use super::{H, S};
use crate::base::units::{base, time as tu, Dim, Time};
use crate::calc::formulas::reliability as f;
use crate::calc::params::{Out, SolveError};
use crate::calc::solvers::decl::{
    input, num, output, time, Args, Ctx, Default as D, Kind, Range, Run, SolverDef,
};

/// The declarations.
pub const DEFS: &[SolverDef] = &[
    SolverDef {
        name: "failure-interval",
        class: "FailureIntervalModel",
        doc: "Interval between failures across N identical, independent components (MTBF / N) and the failures a run expects.",
        inputs: &[
            input("component_mtbf", H, D::Required, Range::POSITIVE, "MTBF of one component"),
            input("n_components", Kind::Int, D::Required, Range::AT_LEAST_1, "number of components"),
            input("run_duration", H, D::Required, Range::POSITIVE, "length of the run"),
        ],
        outputs: &[
            output("interval", "h", "mean time between failures of the whole set"),
            output("expected_failures", "1", "failures expected during the run"),
            output("failures_per_day", "1", "failures per day"),
        ],
        run: Run::Model(failure_interval),
    },
    SolverDef {
        name: "checkpoint-interval",
        class: "CheckpointIntervalModel",
        doc: "Young–Daly checkpoint interval sqrt(2·δ·MTBF) and the share of wall time it wastes (write + rework).",
        inputs: &[
            input("write_time", S, D::Required, Range::POSITIVE, "checkpoint write time δ"),
            input("mtbf", H, D::Required, Range::POSITIVE, "mean time between failures"),
        ],
        outputs: &[
            output("write_time", "s", "δ"),
            output("mtbf", "h", "MTBF"),
            output("interval", "s", "τ* = sqrt(2·δ·MTBF)"),
            output("write_share", "1", "δ / τ"),
            output("rework_share", "1", "τ / (2·MTBF)"),
            output("waste", "1", "write share + rework share"),
        ],
        run: Run::Model(checkpoint_interval),
    },
    SolverDef {
        name: "goodput",
        class: "GoodputModel",
        doc: "ML productivity goodput MPG = S × R × P (scheduling, runtime, program goodput) and where the loss goes.",
        inputs: &[
            input("scheduling", Kind::Number, D::Required, Range::SHARE, "scheduling goodput S"),
            input("runtime", Kind::Number, D::Required, Range::SHARE, "runtime goodput R"),
            input("program", Kind::Number, D::Required, Range::SHARE, "program goodput P"),
            input("device_hour_rate", Kind::Qty(Dim::CURRENCY_RATE, "USD/h"), D::Absent, Range::NONNEG, "offered price of an accelerator-hour"),
        ],
        outputs: &[
            output("mpg", "1", "S·R·P"),
            output("job_product", "1", "R·P"),
            output("after_scheduling", "1", "S"),
            output("after_runtime", "1", "S·R"),
            output("scheduling_share", "1", "1 − S"),
            output("runtime_share", "1", "S·(1 − R)"),
            output("program_share", "1", "S·R·(1 − P)"),
            output("point_value_S", "1", "MPG gained per point of S (R·P)"),
            output("point_value_R", "1", "MPG gained per point of R (S·P)"),
            output("point_value_P", "1", "MPG gained per point of P (S·R)"),
            output("full_scheduling_gain", "1", "MPG gained by S = 1"),
            output("cost_multiple", "1", "1 / MPG"),
            output("job_cost_multiple", "1", "1 / (R·P)"),
            output("runtime_headroom", "1", "1/R − 1"),
            output("useful_rate", "USD/h", "price of a useful accelerator-hour (rate / MPG)"),
        ],
        run: Run::Model(goodput),
    },
];

fn failure_interval(a: &Args, ctx: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    ctx.lin.formula("mtbf_cluster");
    let interval = f::mtbf_cluster(
        base::<Time>(a.f("component_mtbf")),
        a.f("n_components"),
        1.0,
    );
    let run = base::<Time>(a.f("run_duration"));
    let expected = f::expected_failures(interval, run);
    Ok(vec![
        (
            "interval",
            Out::Value(crate::base::units::Typed::value(&interval)),
        ),
        ("expected_failures", num(expected)),
        ("failures_per_day", num(expected / run.get::<tu::day>())),
    ])
}

fn checkpoint_interval(a: &Args, ctx: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let (w, m) = (a.f("write_time"), a.f("mtbf"));
    ctx.lin.formula("young_daly_interval");
    let tau = f::young_daly_interval(base::<Time>(w), base::<Time>(m));
    let t = tau.get::<tu::second>();
    ctx.lin.formula("checkpoint_waste");
    Ok(vec![
        ("write_time", time(w)),
        ("mtbf", time(m)),
        ("interval", time(t)),
        ("write_share", num(w / t)),
        ("rework_share", num(t / (2.0 * m))),
        ("waste", num(f::checkpoint_waste(base(w), tau, base(m)))),
    ])
}

fn goodput(a: &Args, ctx: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let (s, r, p) = (a.f("scheduling"), a.f("runtime"), a.f("program"));
    let mpg = s * r * p;
    ctx.lin.formula("ml_productivity_goodput");
    Ok(vec![
        ("mpg", num(mpg)),
        ("job_product", num(r * p)),
        ("after_scheduling", num(s)),
        ("after_runtime", num(s * r)),
        ("scheduling_share", num(1.0 - s)),
        ("runtime_share", num(s * (1.0 - r))),
        ("program_share", num(s * r * (1.0 - p))),
        ("point_value_S", num(mpg / s)),
        ("point_value_R", num(mpg / r)),
        ("point_value_P", num(mpg / p)),
        ("full_scheduling_gain", num((1.0 - s) * (mpg / s))),
        ("cost_multiple", num(1.0 / mpg)),
        ("job_cost_multiple", num(1.0 / (r * p))),
        ("runtime_headroom", num(1.0 / r - 1.0)),
        (
            "useful_rate",
            a.opt("device_hour_rate")
                .map_or(Out::Missing, |x| Out::qty(x / mpg, Dim::CURRENCY_RATE)),
        ),
    ])
}
