//! EconomicsModel (mlsysim 0.3.0 `engine/solvers/economics.py`): total cost of ownership of a fleet
//! over a period.
//!
//! Energy comes from the sustainability solver (same PUE and grid); `opex_energy = E_facility·price`
//! with the price `kwh_price` or `electricity_price` (mlsysim grids carry no price);
//! `capex_total = unit_cost·N·infrastructure_multiplier` (unit cost 0 when unknown);
//! `capex = capex_total / amortization · t`; `maintenance = capex_total·ratio·t / 1 yr` (on the full
//! CapEx); `tco = capex + opex_energy + maintenance`.

use super::sustainability::{
    self as sust, Devices, Placement, SustainabilityOptions, SustainabilityResult,
};
use crate::base::units::*;
use crate::calc::formulas::args::positive;
use crate::calc::formulas::economics as f;
use crate::calc::params::{Lineage, Out, ParamReader, Params, SolveError, SolveOutput};
use crate::calc::solvers::decl::{self, Default as D, Kind, Range};
use crate::calc::solvers::inputs;
use crate::registry::{Calibration, Registry};

/// Solver name.
pub const SOLVER: &str = "economics";

/// Inputs of the economics solver besides devices and site.
#[derive(Clone, Copy, Debug)]
pub struct EconomicsOptions {
    /// Operating period.
    pub duration: Time,
    /// Utilisation driving device power (mlsysim default 1).
    pub mfu: f64,
    /// Electricity price (default `electricity_price`).
    pub kwh_price: Option<EnergyPrice>,
    /// Amortisation period (default `amortization_period`).
    pub amortization: Option<Time>,
    /// CapEx multiplier for networking, cooling, facility and staff (default `infrastructure_multiplier`).
    pub infrastructure_multiplier: Option<f64>,
}

/// Cost of a fleet over a period, with the energy figures it was priced on.
#[derive(Clone, Debug, PartialEq)]
pub struct EconomicsResult {
    /// CapEx charged to the period.
    pub capex: Currency,
    /// Energy OpEx.
    pub opex_energy: Currency,
    /// Maintenance OpEx.
    pub opex_maintenance: Currency,
    /// Energy plus maintenance.
    pub total_opex: Currency,
    /// CapEx slice plus OpEx.
    pub tco: Currency,
    /// Energy, carbon and water of the period.
    pub energy: SustainabilityResult,
    /// Lineage (including the sustainability sub-solve).
    pub lineage: Lineage,
}

/// Computes the TCO (see the module docs).
pub fn solve(
    devices: &Devices,
    place: &Placement,
    cal: &Calibration,
    opts: &EconomicsOptions,
) -> Result<EconomicsResult, SolveError> {
    let sopts = SustainabilityOptions {
        duration: opts.duration,
        mfu: opts.mfu,
        embodied_per_device: base::<Mass>(0.0),
    };
    let energy = sust::solve(devices, place, cal, &sopts)?;
    let mut lin = Lineage::new(SOLVER);
    lin.absorb(&energy.lineage);
    lin.inputs.extend(energy.lineage.inputs.iter().cloned());
    let price = match opts.kwh_price {
        Some(p) => {
            lin.input(
                "kwh_price",
                format!(
                    "{} $/kWh",
                    p.get::<energy_price::dollar_per_kilowatt_hour>()
                ),
            );
            p
        }
        None => lin.read(cal.electricity_price),
    };
    let amort = match opts.amortization {
        Some(t) => t,
        None => lin.read(cal.amortization_period),
    };
    positive("amortization_years", amort.get::<time::year>())?;
    let multiplier = match opts.infrastructure_multiplier {
        Some(m) => m,
        None => lin.read(cal.infrastructure_multiplier),
    };
    lin.formula("energy_cost");
    let opex_energy = f::energy_cost(energy.total_energy, price);
    let unit_cost = lin
        .read_opt(devices.accelerator.unit_cost)
        .unwrap_or(base::<Currency>(0.0));
    let n = devices.count(&mut lin);
    lin.formula("capex");
    let capex_total = f::capex_total(unit_cost, n, multiplier);
    let capex = f::capex_amortized(capex_total, amort, opts.duration);
    lin.formula("maintenance_cost");
    let ratio = lin.read(cal.annual_maintenance_ratio);
    let maintenance = f::maintenance_cost(capex_total, ratio, opts.duration);
    let total_opex = opex_energy + maintenance;
    Ok(EconomicsResult {
        capex,
        opex_energy,
        opex_maintenance: maintenance,
        total_opex,
        tco: capex + total_opex,
        energy,
        lineage: lin,
    })
}

/// The named outputs of a result, in mlsysim's order.
pub fn outputs(res: &EconomicsResult) -> Vec<(&'static str, Out)> {
    let e = &res.energy;
    vec![
        ("capex_usd", Out::Value(res.capex.value())),
        ("opex_energy_usd", Out::Value(res.opex_energy.value())),
        (
            "opex_maintenance_usd",
            Out::Value(res.opex_maintenance.value()),
        ),
        ("total_opex_usd", Out::Value(res.total_opex.value())),
        ("tco_usd", Out::Value(res.tco.value())),
        ("it_energy", Out::Value(e.it_energy.value())),
        ("total_energy", Out::Value(e.total_energy.value())),
        ("carbon_footprint", Out::Value(e.carbon_footprint.value())),
        ("water_usage", sust::water_out(e.water_usage)),
        ("pue", Out::number(e.pue)),
        ("region_name", Out::Label(e.region_name.clone())),
    ]
}

/// The declared inputs (mlsysim's `EconomicsModel.solve` keywords, plus the ad-hoc fleet).
pub const DECL_INPUTS: &[decl::Input] = &[
    inputs::FLEET[0],
    inputs::FLEET[1],
    inputs::FLEET[2],
    inputs::FLEET[3],
    inputs::DURATION_DAYS,
    inputs::KWH_PRICE,
    inputs::DATACENTER,
    inputs::GRID,
    decl::input(
        "mfu",
        Kind::Number,
        D::Num(sust::FULL_UTILIZATION),
        Range::FRACTION,
        "utilization driving device power (1: full TDP, as mlsysim)",
    ),
    decl::input(
        "amortization_years",
        Kind::Qty(Dim::TIME, "yr"),
        D::Absent,
        Range::POSITIVE,
        "CapEx amortization period (default constants.amortization_period)",
    ),
    decl::input(
        "infrastructure_multiplier",
        Kind::Number,
        D::Absent,
        Range::ANY,
        "CapEx multiplier for facility and network (default constants.infrastructure_multiplier)",
    ),
];

/// The declared outputs (mlsysim's `EconomicsResult` fields).
pub const DECL_OUTPUTS: &[decl::Output] = &[
    decl::output("capex_usd", "USD", "amortized CapEx over the period"),
    decl::output("opex_energy_usd", "USD", "energy cost over the period"),
    decl::output("opex_maintenance_usd", "USD", "maintenance over the period"),
    decl::output("total_opex_usd", "USD", "energy + maintenance"),
    decl::output("tco_usd", "USD", "CapEx + OpEx"),
    decl::output("it_energy", "MWh", "accelerator energy over the period"),
    decl::output("total_energy", "MWh", "IT energy × PUE"),
    decl::output("carbon_footprint", "t", "total energy × grid intensity"),
    decl::output(
        "water_usage",
        "L",
        "total energy × WUE (absent when the region has no WUE)",
    ),
    decl::output("pue", "1", "power usage effectiveness applied"),
    decl::output("region_name", "label", "the grid region charged"),
];

/// Runs the solver on named parameters (mlsysim's names; `kwh_price` bare is USD/kWh,
/// `amortization_years` bare is years; `datacenter`/`grid` take a datacenter or grid key).
pub fn run(reg: &Registry, params: &Params) -> Result<SolveOutput, SolveError> {
    let r = ParamReader::declared(SOLVER, params);
    let (fleet, devices) = sust::read_devices(reg, params, &r, SOLVER)?;
    let explicit = r.text("datacenter")?.or(r.text("grid")?);
    let place = Placement::resolve(reg, explicit, fleet)?;
    let opts = EconomicsOptions {
        duration: sust::duration_days(&r)?,
        mfu: r.number("mfu")?.unwrap_or(sust::FULL_UTILIZATION),
        kwh_price: r
            .quantity("kwh_price", Dim::ENERGY_PRICE, "$/kWh")?
            .map(|v| base(v.si)),
        amortization: r
            .quantity("amortization_years", Dim::TIME, "yr")?
            .map(|v| base(v.si)),
        infrastructure_multiplier: r.number("infrastructure_multiplier")?,
    };
    let res = solve(&devices, &place, &reg.calibration, &opts)?;
    Ok(SolveOutput {
        outputs: outputs(&res),
        lineage: res.lineage,
        warnings: vec![],
    })
}
