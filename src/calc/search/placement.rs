//! Placement search: the same devices run for the same period in each candidate region (a grid or
//! a datacenter); each is costed with the economics solver (CapEx slice, energy at the region's
//! PUE, maintenance) plus a carbon price on the region's emissions, and the regions are ranked by
//! that total, cheapest first.
//!
//! Grids carry no electricity price (mlsysim's neither), so with no carbon price regions differ
//! only by PUE; the carbon price is what makes a low-carbon grid win. mlsysim's
//! `PlacementOptimizer` defaults to three regions (US_Avg, Quebec, Iowa); here the default is every
//! grid in the registry, and `regions` narrows it.

use crate::base::units::*;
use crate::calc::params::{Lineage, Out, ParamReader, Params, SolveError, SolveOutput};
use crate::calc::solvers::decl::{self, Default as D, Kind, Range};
use crate::calc::solvers::economics::{self, EconomicsOptions};
use crate::calc::solvers::inputs;
use crate::calc::solvers::sustainability::{Devices, Placement, FULL_UTILIZATION};
use crate::registry::{Fleet, Registry};

/// Solver name for directives.
pub const SOLVER: &str = "optimize-placement";

/// Inputs of the search besides devices and regions.
#[derive(Clone, Copy, Debug)]
pub struct PlacementOptions {
    /// Operating period.
    pub duration: Time,
    /// Utilisation driving device power.
    pub mfu: f64,
    /// Electricity price (default `constants.electricity_price`).
    pub kwh_price: Option<EnergyPrice>,
    /// Carbon price, USD per tonne CO₂e.
    pub carbon_tax: f64,
}

/// The cost of operating in one region.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionCost {
    /// Grid or datacenter key.
    pub key: String,
    /// Display name of the region's grid.
    pub name: String,
    /// PUE applied.
    pub pue: f64,
    /// Grid carbon intensity, kg/J (base units).
    pub carbon_intensity: f64,
    /// Facility energy, J.
    pub energy: f64,
    /// Carbon, kg.
    pub carbon: f64,
    /// TCO without the carbon price, USD.
    pub tco: f64,
    /// Carbon × price, USD.
    pub carbon_cost: f64,
    /// TCO + carbon cost, USD.
    pub total: f64,
    /// Lineage of the economics solve.
    pub lineage: Lineage,
}

/// Every grid of the registry (the default candidate regions).
pub fn default_regions(reg: &Registry) -> Vec<String> {
    reg.grids.keys().cloned().collect()
}

/// Costs `devices` in every region and ranks them by total cost (ties: the order listed).
pub fn search(
    reg: &Registry,
    devices: &Devices,
    fleet: Option<&Fleet>,
    regions: &[String],
    o: &PlacementOptions,
) -> Result<Vec<RegionCost>, SolveError> {
    if !(o.carbon_tax.is_finite() && o.carbon_tax >= 0.0) {
        return Err(SolveError::Invalid {
            what: "carbon_tax".into(),
            message: format!(
                "{SOLVER}: carbon_tax must be ≥ 0 USD/t, got {}",
                o.carbon_tax
            ),
        });
    }
    if regions.is_empty() {
        return Err(SolveError::Invalid {
            what: "regions".into(),
            message: format!("{SOLVER}: no candidate regions"),
        });
    }
    let mut out = Vec::with_capacity(regions.len());
    for key in regions {
        let place = Placement::resolve(reg, Some(key), fleet)?;
        let eo = EconomicsOptions {
            duration: o.duration,
            mfu: o.mfu,
            kwh_price: o.kwh_price,
            amortization: None,
            infrastructure_multiplier: None,
        };
        let res = economics::solve(devices, &place, &reg.calibration, &eo)?;
        let carbon = res.energy.carbon_footprint.value().si;
        let carbon_cost = carbon / 1e3 * o.carbon_tax;
        let tco = res.tco.value().si;
        out.push(RegionCost {
            key: key.clone(),
            name: res.energy.region_name.clone(),
            pue: res.energy.pue,
            carbon_intensity: place.region().carbon_intensity.v.value().si,
            energy: res.energy.total_energy.value().si,
            carbon,
            tco,
            carbon_cost,
            total: tco + carbon_cost,
            lineage: res.lineage,
        });
    }
    // A stable sort on the objective alone: ties keep the listed order, as mlsysim's
    // `sorted(candidates, key=objective)` and `min(...)` (the first listed region wins).
    out.sort_by(|a, b| a.total.total_cmp(&b.total));
    Ok(out)
}

/// The declared inputs.
pub const DECL_INPUTS: &[decl::Input] = &[
    decl::input(
        "fleet",
        Kind::Key("fleets"),
        D::Absent,
        Range::ANY,
        "a registry fleet (or hardware for one device)",
    ),
    decl::input(
        "hardware",
        Kind::Key("hardware"),
        D::Absent,
        Range::ANY,
        "one device (instead of a fleet)",
    ),
    inputs::DURATION_DAYS,
    decl::input(
        "carbon_tax",
        Kind::Number,
        D::Num(0.0),
        Range::NONNEG,
        "carbon price in USD per tonne CO2e",
    ),
    decl::input(
        "regions",
        Kind::Text,
        D::Absent,
        Range::ANY,
        "comma-separated grid or datacenter keys (default every registry grid)",
    ),
    decl::input(
        "mfu",
        Kind::Number,
        D::Num(FULL_UTILIZATION),
        Range::FRACTION,
        "utilization driving device power (1: full TDP)",
    ),
    inputs::KWH_PRICE,
];

/// The declared outputs: the cheapest and the dearest region.
pub const DECL_OUTPUTS: &[decl::Output] = &[
    decl::output(
        "best_region",
        "label",
        "key of the cheapest region (the first listed wins a tie)",
    ),
    decl::output("best_region_name", "label", "its name"),
    decl::output("best_cost_usd", "USD", "TCO + carbon cost there"),
    decl::output("best_tco_usd", "USD", "TCO there"),
    decl::output("best_carbon_cost_usd", "USD", "carbon × carbon_tax there"),
    decl::output("best_carbon_footprint", "t", "carbon there"),
    decl::output("best_pue", "1", "PUE there"),
    decl::output("worst_region", "label", "key of the dearest region"),
    decl::output("worst_cost_usd", "USD", "TCO + carbon cost there"),
    decl::output("savings_usd", "USD", "worst − best"),
    decl::output("regions_searched", "1", "regions compared"),
];

/// Splits a comma-separated list (`"US_Avg, Quebec, Iowa"`).
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

/// Runs the search on named parameters (a directive): `fleet` (or `hardware` for one device),
/// `duration_days`, `carbon_tax` (USD/t, default 0), `regions` (comma-separated, default every
/// grid), `mfu` (default 1), `kwh_price`.
pub fn run(reg: &Registry, params: &Params) -> Result<SolveOutput, SolveError> {
    let r = ParamReader::declared(SOLVER, params);
    let (fleet, devices) = match (r.text("fleet")?, r.text("hardware")?) {
        (Some(f), None) => {
            let fleet = reg.fleet(f)?;
            let hw = reg.hardware(&fleet.node.accelerator)?;
            (Some(fleet), Devices::fleet(fleet, hw))
        }
        (None, Some(h)) => (None, Devices::single(reg.hardware(h)?)),
        _ => {
            return Err(SolveError::Invalid {
                what: "fleet".into(),
                message: format!("{SOLVER}: give `fleet` or `hardware` (one of them)"),
            })
        }
    };
    let duration = r
        .quantity("duration_days", Dim::TIME, "d")?
        .map(|v| base::<Time>(v.si))
        .ok_or_else(|| SolveError::Invalid {
            what: "duration_days".into(),
            message: format!("{SOLVER}: `duration_days` is required"),
        })?;
    let regions = match r.text("regions")? {
        Some(s) => split_list(s),
        None => default_regions(reg),
    };
    let o = PlacementOptions {
        duration,
        mfu: r.number("mfu")?.unwrap_or(FULL_UTILIZATION),
        kwh_price: r
            .quantity("kwh_price", Dim::ENERGY_PRICE, "$/kWh")?
            .map(|v| base(v.si)),
        carbon_tax: r.number("carbon_tax")?.unwrap_or(0.0),
    };
    let ranked = search(reg, &devices, fleet, &regions, &o)?;
    let best = &ranked[0];
    let worst = &ranked[ranked.len() - 1];
    let mut lin = Lineage::new(SOLVER);
    lin.absorb(&best.lineage);
    lin.input("regions", regions.join(", "));
    lin.input("carbon_tax", format!("{} USD/t", o.carbon_tax));
    let usd = |x: f64| Out::qty(x, Dim::CURRENCY);
    Ok(SolveOutput {
        outputs: vec![
            ("best_region", Out::Label(best.key.clone())),
            ("best_region_name", Out::Label(best.name.clone())),
            ("best_cost_usd", usd(best.total)),
            ("best_tco_usd", usd(best.tco)),
            ("best_carbon_cost_usd", usd(best.carbon_cost)),
            ("best_carbon_footprint", Out::qty(best.carbon, Dim::MASS)),
            ("best_pue", Out::number(best.pue)),
            ("worst_region", Out::Label(worst.key.clone())),
            ("worst_cost_usd", usd(worst.total)),
            ("savings_usd", usd(worst.total - best.total)),
            ("regions_searched", Out::number(ranked.len() as f64)),
        ],
        lineage: lin,
        warnings: vec![],
    })
}
