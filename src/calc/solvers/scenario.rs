//! Scenario evaluation (mlsysim 0.3.0 `engine/scenarios.py::Scenario.evaluate`): a workload on a
//! device or fleet, checked at three levels.
//!
//! * **Feasibility (L1)**: weight bytes at the precision ≤ main-memory capacity of the device (for a
//!   fleet, of its node accelerator).
//! * **Performance (L2)**: the roofline solver for a device, the distributed solver for a fleet;
//!   FAIL when latency (step time for a fleet) exceeds the SLA.
//! * **Macro (L3)**: the economics solver over one year at full utilisation; a device is charged as a
//!   one-device fleet at the default grid and PUE. Always PASS.
//!
//! mlsysim never checks `power_budget`; this port reports `power_ratio = TDP·N / power_budget` and a
//! `power_status` (PASS ≤ 1, FAIL > 1, SKIPPED without budget or TDP) beside the three levels, and
//! counts it in `valid` only with [`ScenarioOptions::check_power_budget`] (off by default).

use super::distributed::{self, DistributedOptions, DistributedResult, FleetSpec};
use super::economics::{self, EconomicsOptions, EconomicsResult};
use super::models::storage::{data_wall, DataWall};
use super::roofline::{self, RooflineOptions, RooflineResult};
use super::sustainability::{Devices, Placement, FULL_UTILIZATION};
use crate::base::units::*;
use crate::calc::params::{Lineage, Out, ParamReader, Params, Precision, SolveError, SolveOutput};
use crate::calc::solvers::decl::{self, Default as D, Kind, Range};
use crate::calc::solvers::inputs;
use crate::registry::{Calibration, Fleet, Hardware, Model, Registry, Scenario, System};

/// Solver name.
pub const SOLVER: &str = "scenario";

/// Outcome of one level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The level's constraint holds.
    Pass,
    /// The level's constraint is violated.
    Fail,
    /// The level could not be evaluated (nothing to check).
    Skipped,
}

impl Status {
    /// mlsysim's label: PASS, FAIL or SKIPPED.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Skipped => "SKIPPED",
        }
    }

    fn of(ok: bool) -> Status {
        if ok {
            Status::Pass
        } else {
            Status::Fail
        }
    }
}

/// What a scenario runs on, resolved from the registry.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    /// One device.
    Device(&'a Hardware),
    /// A fleet and its node accelerator.
    Fleet(&'a Fleet, &'a Hardware),
}

impl<'a> Target<'a> {
    /// The device whose memory and TDP apply.
    pub fn hardware(&self) -> &'a Hardware {
        match *self {
            Target::Device(h) | Target::Fleet(_, h) => h,
        }
    }

    fn devices(&self) -> Devices<'a> {
        match *self {
            Target::Device(h) => Devices::single(h),
            Target::Fleet(f, h) => Devices::fleet(f, h),
        }
    }
}

/// Options of [`evaluate`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScenarioOptions {
    /// Batch size (mlsysim default 1).
    pub batch_size: u64,
    /// Precision (mlsysim default fp16).
    pub precision: Precision,
    /// Count the power budget in `valid` (mlsysim never checks it; off by default).
    pub check_power_budget: bool,
}

impl Default for ScenarioOptions {
    fn default() -> Self {
        ScenarioOptions {
            batch_size: 1,
            precision: Precision::Fp16,
            check_power_budget: false,
        }
    }
}

/// L1: do the weights fit?
#[derive(Clone, Debug, PartialEq)]
pub struct Feasibility {
    /// PASS when the weights fit.
    pub status: Status,
    /// mlsysim's summary ("Model fits in memory (0.5 MB / 4.2 MB)", "OOM: Requires …").
    pub summary: String,
    /// Weight bytes at the precision.
    pub weight_size: Information,
    /// Main-memory capacity of the device.
    pub capacity: Information,
    /// The data-pipeline check, when the workload has a data rate (mlsysim's `DataModel`).
    pub data: Option<DataWall>,
}

impl Feasibility {
    /// mlsysim's `data_stalled`: the data wall binds (false without a data rate).
    pub fn data_stalled(&self) -> bool {
        self.data.as_ref().is_some_and(|d| d.stalled)
    }
}

/// The performance profile behind L2.
#[derive(Clone, Debug, PartialEq)]
pub enum Profile {
    /// Roofline of one device.
    Device(RooflineResult),
    /// Distributed step of a fleet.
    Fleet(DistributedResult),
}

/// L2: does latency meet the SLA?
#[derive(Clone, Debug, PartialEq)]
pub struct Performance {
    /// FAIL when latency exceeds the SLA.
    pub status: Status,
    /// mlsysim's summary ("Latency: 101.01 ms (Target: 200 ms)").
    pub summary: String,
    /// Latency (device) or step time (fleet).
    pub latency: Time,
    /// Samples per second.
    pub throughput: Frequency,
    /// The SLA, if any.
    pub sla_latency: Option<Time>,
    /// The solver result.
    pub profile: Profile,
}

/// L3: a year of operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Macro {
    /// Always PASS (mlsysim sets no macro constraint).
    pub status: Status,
    /// mlsysim's summary ("Annual Carbon: 1.7 kg | TCO: $0").
    pub summary: String,
    /// The economics result.
    pub economics: EconomicsResult,
}

/// The power budget against the device TDP (not in mlsysim).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerCheck {
    /// SKIPPED without budget or TDP; else PASS iff ratio ≤ 1.
    pub status: Status,
    /// The budget.
    pub budget: Option<Power>,
    /// TDP × accelerators.
    pub power: Option<Power>,
    /// power / budget.
    pub ratio: Option<f64>,
}

/// A scenario evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioResult {
    /// Scenario name.
    pub name: String,
    /// L1.
    pub feasibility: Feasibility,
    /// L2.
    pub performance: Performance,
    /// L3.
    pub macro_level: Macro,
    /// Power budget check.
    pub power: PowerCheck,
    /// mlsysim's `validate()`: L1 and L2 pass (and power, with `check_power_budget`).
    pub valid: bool,
    /// Lineage.
    pub lineage: Lineage,
    /// Warnings of the sub-solvers.
    pub warnings: Vec<String>,
}

fn feasibility(
    model: &Model,
    hw: &Hardware,
    data_rate: Option<Bandwidth>,
    precision: Precision,
    lin: &mut Lineage,
) -> Result<Feasibility, SolveError> {
    let weights = roofline::lower(model, precision, lin)?.weights;
    let capacity = lin.read(hw.capacity());
    let fits = weights <= capacity;
    let (unit, show): (&str, fn(Information) -> f64) =
        if weights < Information::new::<information::gigabyte>(1.0) {
            ("MB", |x| x.get::<information::megabyte>())
        } else {
            ("GB", |x| x.get::<information::gigabyte>())
        };
    let (w, c) = (show(weights), show(capacity));
    let mut summary = if fits {
        format!("Model fits in memory ({w:.1} {unit} / {c:.1} {unit})")
    } else {
        format!("OOM: Requires {w:.1} {unit} but only has {c:.1} {unit}")
    };
    // The data-pipeline check: the workload's ingest rate against the device's data paths.
    let data = data_rate.map(|r| data_wall(lin, r.value, hw));
    if let Some(d) = &data {
        summary.push_str(&if d.stalled {
            format!(
                " | Data Wall: Pipeline Stalled ({:.1}x capacity)",
                d.utilization
            )
        } else {
            format!(" | Data Pipeline: OK ({:.1}%)", d.utilization * 100.0)
        });
    }
    let stalled = data.as_ref().is_some_and(|d| d.stalled);
    Ok(Feasibility {
        status: Status::of(fits && !stalled),
        summary,
        weight_size: weights,
        capacity,
        data,
    })
}

fn performance(
    model: &Model,
    target: Target,
    sla: Option<Time>,
    cal: &Calibration,
    opts: &ScenarioOptions,
) -> Result<(Performance, Lineage, Vec<String>), SolveError> {
    let (latency, throughput, lin, warnings, profile) = match target {
        Target::Device(hw) => {
            let o = RooflineOptions {
                batch_size: opts.batch_size,
                precision: opts.precision,
                ..Default::default()
            };
            let r = roofline::solve(model, hw, cal, &o)?;
            (
                r.latency,
                r.throughput,
                r.lineage.clone(),
                r.warnings.clone(),
                Profile::Device(r),
            )
        }
        Target::Fleet(fleet, hw) => {
            let o = DistributedOptions {
                batch_size: opts.batch_size,
                precision: opts.precision,
                ..Default::default()
            };
            let r = distributed::solve(model, FleetSpec::Registry(fleet), hw, cal, &o)?;
            let (t, x) = (r.step_latency_total, r.effective_throughput);
            (
                t,
                x,
                r.lineage.clone(),
                r.warnings.clone(),
                Profile::Fleet(r),
            )
        }
    };
    let ok = sla.is_none_or(|s| latency <= s);
    // Rounded to 1e-9 ms so binary noise does not show ("10 ms", not "10.000000000000002 ms").
    let target_text = sla.map_or("N/A".to_string(), |s| {
        format!("{} ms", (s.get::<time::millisecond>() * 1e9).round() / 1e9)
    });
    let summary = format!(
        "Latency: {:.2} ms (Target: {target_text})",
        latency.get::<time::millisecond>()
    );
    let perf = Performance {
        status: Status::of(ok),
        summary,
        latency,
        throughput,
        sla_latency: sla,
        profile,
    };
    Ok((perf, lin, warnings))
}

fn macro_level(target: Target, place: &Placement, cal: &Calibration) -> Result<Macro, SolveError> {
    let opts = EconomicsOptions {
        duration: Time::new::<time::year>(1.0),
        mfu: FULL_UTILIZATION,
        kwh_price: None,
        amortization: None,
        infrastructure_multiplier: None,
    };
    let econ = economics::solve(&target.devices(), place, cal, &opts)?;
    let summary = format!(
        "Annual Carbon: {:.1} kg | TCO: ${}",
        econ.energy.carbon_footprint.get::<mass::kilogram>(),
        crate::base::text::grouped(econ.tco.get::<currency::dollar>(), 0)
    );
    Ok(Macro {
        status: Status::Pass,
        summary,
        economics: econ,
    })
}

fn power_check(scenario: &Scenario, target: Target, lin: &mut Lineage) -> PowerCheck {
    let budget = lin.read_opt(scenario.power_budget);
    let n = target.devices().count(lin);
    let power = lin.read_opt(target.hardware().tdp).map(|tdp| tdp * n);
    let ratio = match (power, budget) {
        (Some(p), Some(b)) if b.value > 0.0 => Some((p / b).get::<ratio::ratio>()),
        _ => None,
    };
    let status = ratio.map_or(Status::Skipped, |r| Status::of(r <= 1.0));
    PowerCheck {
        status,
        budget,
        power,
        ratio,
    }
}

/// Evaluates a scenario on a resolved model and target (see the module docs). `place` is where a
/// fleet runs (a device always runs at `place.default_grid` with the default PUE).
pub fn evaluate(
    scenario: &Scenario,
    model: &Model,
    target: Target,
    place: &Placement,
    cal: &Calibration,
    opts: &ScenarioOptions,
) -> Result<ScenarioResult, SolveError> {
    let mut lin = Lineage::new(SOLVER);
    lin.input("scenario", &scenario.key);
    lin.input("batch_size", opts.batch_size);
    lin.input("precision", opts.precision.key());
    let hw = target.hardware();
    let data_rate = lin.read_opt(scenario.data_rate);
    let l1 = feasibility(model, hw, data_rate, opts.precision, &mut lin)?;
    let sla = lin.read_opt(scenario.sla_latency);
    let (l2, perf_lin, warnings) = performance(model, target, sla, cal, opts)?;
    lin.absorb(&perf_lin);
    let l3_place = match target {
        Target::Device(_) => Placement {
            site: None,
            region: None,
            default_grid: place.default_grid,
        },
        Target::Fleet(..) => *place,
    };
    let l3 = macro_level(target, &l3_place, cal)?;
    lin.absorb(&l3.economics.lineage);
    let power = power_check(scenario, target, &mut lin);
    let power_ok = !opts.check_power_budget || power.status != Status::Fail;
    let valid = l1.status == Status::Pass && l2.status == Status::Pass && power_ok;
    Ok(ScenarioResult {
        name: scenario.name.clone(),
        feasibility: l1,
        performance: l2,
        macro_level: l3,
        power,
        valid,
        lineage: lin,
        warnings,
    })
}

/// Resolves a scenario's model and target from the registry.
pub fn resolve<'a>(
    reg: &'a Registry,
    scenario: &Scenario,
) -> Result<(&'a Model, Target<'a>), SolveError> {
    let model = reg.model(&scenario.model)?;
    let target = match &scenario.system {
        System::Hardware(k) => Target::Device(reg.hardware(k)?),
        System::Fleet(k) => {
            let f = reg.fleet(k)?;
            Target::Fleet(f, reg.hardware(&f.node.accelerator)?)
        }
    };
    Ok((model, target))
}

/// The named outputs of an evaluation.
pub fn outputs(res: &ScenarioResult) -> Vec<(&'static str, Out)> {
    let v = |x: Value| Out::Value(x);
    let opt = |x: Option<Value>| x.map_or(Out::Missing, Out::Value);
    let label = |s: &str| Out::Label(s.to_string());
    let (f, p, m) = (&res.feasibility, &res.performance, &res.macro_level);
    let (bottleneck, scaling, mfu, node_mfu) = match &p.profile {
        Profile::Device(r) => (
            label(r.bottleneck.label()),
            Out::Missing,
            Out::number(r.mfu),
            Out::Missing,
        ),
        Profile::Fleet(d) => (
            Out::Missing,
            Out::number(d.scaling_efficiency),
            Out::number(d.node.mfu * d.scaling_efficiency),
            Out::number(d.node.mfu),
        ),
    };
    vec![
        ("feasibility_status", label(f.status.label())),
        ("feasibility_summary", label(&f.summary)),
        ("weight_size", v(f.weight_size.value())),
        ("capacity", v(f.capacity.value())),
        ("data_stalled", Out::Bool(f.data_stalled())),
        (
            "data_utilization",
            f.data
                .as_ref()
                .map_or(Out::Missing, |d| Out::number(d.utilization)),
        ),
        (
            "data_demand_bw",
            f.data
                .as_ref()
                .map_or(Out::Missing, |d| Out::qty(d.demand, Dim::BANDWIDTH)),
        ),
        (
            "data_supply_bw",
            f.data
                .as_ref()
                .map_or(Out::Missing, |d| Out::qty(d.supply, Dim::BANDWIDTH)),
        ),
        (
            "data_bottleneck",
            f.data
                .as_ref()
                .map_or(Out::Missing, |d| Out::Label(d.bottleneck.into())),
        ),
        ("performance_status", label(p.status.label())),
        ("performance_summary", label(&p.summary)),
        ("latency", v(p.latency.value())),
        ("throughput", v(p.throughput.value())),
        ("sla_latency", opt(p.sla_latency.map(|t| t.value()))),
        ("bottleneck", bottleneck),
        ("scaling_eff", scaling),
        ("mfu", mfu),
        ("node_mfu", node_mfu),
        ("macro_status", label(m.status.label())),
        ("macro_summary", label(&m.summary)),
        ("carbon_kg", v(m.economics.energy.carbon_footprint.value())),
        ("tco_usd", v(m.economics.tco.value())),
        ("power_budget", opt(res.power.budget.map(|b| b.value()))),
        (
            "power_ratio",
            res.power.ratio.map_or(Out::Missing, Out::number),
        ),
        ("power_status", label(res.power.status.label())),
        ("valid", Out::Bool(res.valid)),
    ]
}

/// The declared inputs (mlsysim's `Scenario.evaluate` keywords, plus our power check).
pub const DECL_INPUTS: &[decl::Input] = &[
    decl::input(
        "scenario",
        Kind::Key("scenarios"),
        D::Required,
        Range::ANY,
        "the registry scenario",
    ),
    decl::input(
        "batch_size",
        Kind::Int,
        D::Num(1.0),
        Range::AT_LEAST_1,
        "batch size",
    ),
    inputs::PRECISION,
    decl::input(
        "check_power_budget",
        Kind::Bool,
        D::Bool(false),
        Range::ANY,
        "count the power budget in `valid` (mlsysim never checks it)",
    ),
];

/// The declared outputs: the three levels of mlsysim's `SystemEvaluation`, and the power check.
pub const DECL_OUTPUTS: &[decl::Output] = &[
    decl::output(
        "feasibility_status",
        "label",
        "L1: PASS when the weights fit in device memory",
    ),
    decl::output("feasibility_summary", "label", "L1 in mlsysim's words"),
    decl::output("weight_size", "GB", "weights at the precision"),
    decl::output("capacity", "GB", "device memory capacity"),
    decl::output("data_stalled", "bool", "L1 data-pipeline check: the workload's data rate exceeds the slowest data path (false without a data rate)"),
    decl::output("data_utilization", "1", "data rate / slowest path (absent without a data rate)"),
    decl::output("data_demand_bw", "GB/s", "the workload's data rate (absent without one)"),
    decl::output("data_supply_bw", "GB/s", "the slowest described data path, storage or host interconnect (0 when none)"),
    decl::output("data_bottleneck", "label", "Storage, Interconnect or Unknown (absent without a data rate)"),
    decl::output(
        "performance_status",
        "label",
        "L2: PASS when latency (fleet: step time) meets the SLA",
    ),
    decl::output("performance_summary", "label", "L2 in mlsysim's words"),
    decl::output(
        "latency",
        "ms",
        "roofline latency (device) or step time (fleet)",
    ),
    decl::output("throughput", "1/s", "samples per second"),
    decl::output(
        "sla_latency",
        "ms",
        "the scenario's SLA (absent without one)",
    ),
    decl::output("bottleneck", "label", "Compute or Memory (device only)"),
    decl::output("scaling_eff", "1", "scaling efficiency (fleet only)"),
    decl::output(
        "mfu",
        "1",
        "model FLOP utilization (fleet: node MFU × scaling efficiency)",
    ),
    decl::output("node_mfu", "1", "replica MFU (fleet only)"),
    decl::output("macro_status", "label", "L3: always PASS"),
    decl::output("macro_summary", "label", "L3 in mlsysim's words"),
    decl::output("carbon_kg", "t", "carbon of one year at full utilization"),
    decl::output("tco_usd", "USD", "TCO of one year"),
    decl::output(
        "power_budget",
        "W",
        "the scenario's power budget (absent without one)",
    ),
    decl::output("power_ratio", "1", "TDP × accelerators / budget"),
    decl::output(
        "power_status",
        "label",
        "PASS ≤ 1, FAIL > 1, SKIPPED without a budget or TDP",
    ),
    decl::output(
        "valid",
        "bool",
        "L1 and L2 pass (and the power check, when asked)",
    ),
];

/// Runs the evaluation on named parameters: `scenario` (key), `batch_size` (default 1), `precision`
/// (default fp16), `check_power_budget` (default false).
pub fn run(reg: &Registry, params: &Params) -> Result<SolveOutput, SolveError> {
    let r = ParamReader::declared(SOLVER, params);
    let scenario = reg.scenario(r.required_text("scenario")?)?;
    let opts = ScenarioOptions {
        batch_size: r.positive_int("batch_size")?.unwrap_or(1),
        precision: roofline::read_precision(&r)?,
        check_power_budget: r.bool("check_power_budget")?.unwrap_or(false),
    };
    let (model, target) = resolve(reg, scenario)?;
    let fleet = match target {
        Target::Fleet(f, _) => Some(f),
        Target::Device(_) => None,
    };
    let place = Placement::resolve(reg, None, fleet)?;
    let res = evaluate(scenario, model, target, &place, &reg.calibration, &opts)?;
    let outputs = outputs(&res);
    Ok(SolveOutput {
        outputs,
        lineage: res.lineage,
        warnings: res.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::load;

    /// The data-pipeline check in L1, both ways, as mlsysim 0.3.0 words it (checked against the
    /// package with ChatbotServing's workload given a data rate: Llama3_8B on an H100, whose
    /// storage path is 7 GB/s).
    #[test]
    fn data_pipeline_check_passes_or_stalls_as_mlsysim_words_it() {
        let reg = load::embedded().expect("registry");
        let model = reg.model("Llama3_8B").unwrap();
        let hw = reg.hardware("H100").unwrap();
        let gbps = |x: f64| base::<Bandwidth>(x * 1e9);
        let check = |rate: f64| {
            let mut lin = Lineage::new(SOLVER);
            feasibility(model, hw, Some(gbps(rate)), Precision::Fp16, &mut lin).unwrap()
        };
        let ok = check(5.0);
        assert_eq!(
            ok.summary,
            "Model fits in memory (16.1 GB / 85.9 GB) | Data Pipeline: OK (71.4%)"
        );
        assert_eq!((ok.status, ok.data_stalled()), (Status::Pass, false));
        let stalled = check(50.0);
        assert_eq!(
            stalled.summary,
            "Model fits in memory (16.1 GB / 85.9 GB) | Data Wall: Pipeline Stalled (7.1x capacity)"
        );
        assert_eq!(
            (stalled.status, stalled.data_stalled()),
            (Status::Fail, true)
        );
        let none =
            feasibility(model, hw, None, Precision::Fp16, &mut Lineage::new(SOLVER)).unwrap();
        assert!(none.data.is_none() && !none.data_stalled());
    }
}
