//! SustainabilityModel (mlsysim 0.3.0 `engine/solvers/economics.py`): energy, carbon and water of a
//! fleet over a period.
//!
//! `P_dev = TDP·(idle + dynamic·mfu)`; `E_IT = P_dev·N·t`; `E = E_IT·PUE`;
//! `carbon = E·CI + embodied·N`; `water = E·WUE` (charged on facility energy, as mlsysim does).
//! Site resolution follows mlsysim: the explicit datacenter or grid, else the fleet's datacenter;
//! the region is that site's grid, else the fleet's region, else the default grid. PUE is the site's,
//! else the fleet's effective PUE (region PUE, else `default_pue`).

use super::distributed::{read_fleet_spec, FleetSpec};
use crate::base::text::closest;
use crate::base::units::*;
use crate::calc::formulas::args::{in_range, nonnegative};
use crate::calc::formulas::economics as f;
use crate::calc::params::{Lineage, Out, ParamReader, Params, SolveError, SolveOutput};
use crate::calc::solvers::decl::{self, Default as D, Kind, Range};
use crate::calc::solvers::inputs;
use crate::registry::types::Node;
use crate::registry::{Calibration, Datacenter, Fleet, Grid, Hardware, Registry, Sourced};

/// Solver name.
pub const SOLVER: &str = "sustainability";

/// The accelerators a macro solver charges for: one device type and how many.
#[derive(Clone, Copy, Debug)]
pub struct Devices<'a> {
    /// The accelerator.
    pub accelerator: &'a Hardware,
    /// Nodes (`None`: one stand-alone device).
    pub nodes: Option<Sourced<f64>>,
    /// Accelerators per node (`None`: one).
    pub per_node: Option<Sourced<f64>>,
    /// Nodes given as an input (an ad-hoc fleet), instead of a registry count.
    pub given_nodes: Option<u64>,
}

impl<'a> Devices<'a> {
    /// The accelerators of a fleet; `accelerator` is the hardware of `fleet.node.accelerator`.
    pub fn fleet(fleet: &Fleet, accelerator: &'a Hardware) -> Devices<'a> {
        Devices {
            accelerator,
            nodes: Some(fleet.count),
            per_node: Some(fleet.node.accelerators_per_node),
            given_nodes: None,
        }
    }

    /// The accelerators of an ad-hoc fleet, mlsysim's `Fleet(node, count, fabric)`; `accelerator`
    /// is the hardware of `node.accelerator`.
    pub fn composed(node: &Node, count: u64, accelerator: &'a Hardware) -> Devices<'a> {
        Devices {
            accelerator,
            nodes: None,
            per_node: Some(node.accelerators_per_node),
            given_nodes: Some(count),
        }
    }

    /// One stand-alone device (mlsysim wraps it as a one-node, one-accelerator fleet).
    pub fn single(accelerator: &'a Hardware) -> Devices<'a> {
        Devices {
            accelerator,
            nodes: None,
            per_node: None,
            given_nodes: None,
        }
    }

    /// Total accelerators, recording the counts read.
    pub fn count(&self, lin: &mut Lineage) -> f64 {
        let nodes = match self.given_nodes {
            Some(n) => {
                lin.input("node_count", n);
                n as f64
            }
            None => lin.read_opt(self.nodes).unwrap_or(1.0),
        };
        nodes * lin.read_opt(self.per_node).unwrap_or(1.0)
    }
}

/// A site with known PUE: a datacenter (with its grid) or a bare grid region.
#[derive(Clone, Copy, Debug)]
pub enum Site<'a> {
    /// A datacenter and the grid it draws from.
    Datacenter(&'a Datacenter, &'a Grid),
    /// A grid region.
    Grid(&'a Grid),
}

impl<'a> Site<'a> {
    /// The grid the site draws from.
    pub fn grid(&self) -> &'a Grid {
        match *self {
            Site::Datacenter(_, g) | Site::Grid(g) => g,
        }
    }

    /// The site's PUE: the datacenter override, else its grid's PUE.
    pub fn pue(&self, lin: &mut Lineage) -> f64 {
        match *self {
            Site::Datacenter(dc, g) => lin.read_opt(dc.pue).unwrap_or_else(|| lin.read(g.pue)),
            Site::Grid(g) => lin.read(g.pue),
        }
    }

    /// Resolves a key against datacenters first, then grids (mlsysim accepts either as `datacenter`).
    pub fn lookup(reg: &'a Registry, key: &str) -> Result<Site<'a>, SolveError> {
        if let Some(dc) = reg.datacenters.get(key) {
            return Ok(Site::Datacenter(dc, reg.grid(&dc.grid)?));
        }
        if let Some(g) = reg.grids.get(key) {
            return Ok(Site::Grid(g));
        }
        let names = reg
            .datacenters
            .keys()
            .chain(reg.grids.keys())
            .map(String::as_str);
        Err(SolveError::UnknownKey {
            namespace: "datacenters or grids".into(),
            key: key.to_string(),
            suggestions: closest(key, names),
        })
    }
}

/// Where the devices run, resolved from the registry.
#[derive(Clone, Copy, Debug)]
pub struct Placement<'a> {
    /// The site given explicitly, else the fleet's datacenter.
    pub site: Option<Site<'a>>,
    /// The fleet's region, used when there is no site.
    pub region: Option<&'a Grid>,
    /// The grid used when neither is known.
    pub default_grid: &'a Grid,
}

impl<'a> Placement<'a> {
    /// Resolves mlsysim's chain: `explicit` site key, else the fleet's datacenter; the fleet's region;
    /// and `cal.default_grid`.
    pub fn resolve(
        reg: &'a Registry,
        explicit: Option<&str>,
        fleet: Option<&Fleet>,
    ) -> Result<Placement<'a>, SolveError> {
        let fleet_dc = fleet.and_then(|f| f.datacenter.as_deref());
        let site = explicit
            .or(fleet_dc)
            .map(|k| Site::lookup(reg, k))
            .transpose()?;
        let region = fleet
            .and_then(|f| f.region.as_deref())
            .map(|k| reg.grid(k))
            .transpose()?;
        let default_grid = reg.grid(&reg.calibration.default_grid)?;
        Ok(Placement {
            site,
            region,
            default_grid,
        })
    }

    /// The grid whose carbon intensity and WUE apply.
    pub fn region(&self) -> &'a Grid {
        self.site
            .map(|s| s.grid())
            .or(self.region)
            .unwrap_or(self.default_grid)
    }

    /// The PUE: the site's, else the fleet's effective PUE (region, else `default_pue`).
    pub fn pue(&self, cal: &Calibration, lin: &mut Lineage) -> f64 {
        match (self.site, self.region) {
            (Some(site), _) => site.pue(lin),
            (None, Some(g)) => lin.read(g.pue),
            (None, None) => lin.read(cal.default_pue),
        }
    }
}

/// Inputs of the sustainability solver besides devices and site.
#[derive(Clone, Copy, Debug)]
pub struct SustainabilityOptions {
    /// Operating period.
    pub duration: Time,
    /// Utilisation driving the dynamic share of power, in [0, 1] (mlsysim default 1).
    pub mfu: f64,
    /// Embodied carbon per device (mlsysim default 0).
    pub embodied_per_device: Mass,
}

/// Energy, carbon and water of a fleet over a period.
#[derive(Clone, Debug, PartialEq)]
pub struct SustainabilityResult {
    /// IT energy (devices only).
    pub it_energy: Energy,
    /// Facility energy (IT × PUE).
    pub total_energy: Energy,
    /// Operational plus embodied carbon.
    pub carbon_footprint: Mass,
    /// Embodied carbon.
    pub embodied_carbon: Mass,
    /// Water; `None` when the region has no WUE.
    pub water_usage: Option<Volume>,
    /// PUE applied.
    pub pue: f64,
    /// Display name of the region.
    pub region_name: String,
    /// Lineage.
    pub lineage: Lineage,
}

/// Full utilisation: mlsysim's default `mfu`, so devices draw their whole TDP.
pub const FULL_UTILIZATION: f64 = 1.0;

/// Computes energy, carbon and water (see the module docs).
pub fn solve(
    devices: &Devices,
    place: &Placement,
    cal: &Calibration,
    opts: &SustainabilityOptions,
) -> Result<SustainabilityResult, SolveError> {
    in_range("mfu", opts.mfu, 0.0, 1.0)?;
    nonnegative(
        "embodied_carbon_per_device",
        opts.embodied_per_device.get::<mass::kilogram>(),
    )?;
    nonnegative("duration_days", opts.duration.get::<time::day>())?;
    let mut lin = Lineage::new(SOLVER);
    lin.input(
        "duration",
        format!("{} d", opts.duration.get::<time::day>()),
    );
    lin.input("mfu", opts.mfu);
    let tdp = lin
        .read_opt(devices.accelerator.tdp)
        .unwrap_or_else(|| lin.read(cal.default_tdp));
    let idle = lin.read(cal.energy_idle_fraction);
    let dynamic = lin.read(cal.energy_dynamic_fraction);
    let n = devices.count(&mut lin);
    lin.formula("device_power");
    let p_dev = f::device_power(tdp, idle, dynamic, opts.mfu);
    lin.formula("it_energy");
    let it = f::it_energy(p_dev, n, opts.duration);
    let pue = place.pue(cal, &mut lin);
    lin.formula("facility_energy");
    let total = f::facility_energy(it, pue);
    let region = place.region();
    let ci = lin.read(region.carbon_intensity);
    lin.formula("carbon_from_energy");
    lin.formula("embodied_carbon");
    let embodied = f::embodied_carbon(opts.embodied_per_device, n);
    let carbon = f::carbon_from_energy(total, ci) + embodied;
    let water = lin.read_opt(region.wue).map(|w| {
        lin.formula("water_usage");
        f::water_usage(total, w)
    });
    Ok(SustainabilityResult {
        it_energy: it,
        total_energy: total,
        carbon_footprint: carbon,
        embodied_carbon: embodied,
        water_usage: water,
        pue,
        region_name: region.name.clone(),
        lineage: lin,
    })
}

/// The fleet a macro solver charges for: a registry `fleet` (returned too, for its datacenter and
/// region), or an ad-hoc one from `node`, `node_count` and `fabric` (mlsysim's
/// `Fleet(node, count, fabric)`, which has neither, so the default grid and PUE apply).
pub(crate) fn read_devices<'a>(
    reg: &'a Registry,
    params: &Params,
    r: &ParamReader,
    solver: &str,
) -> Result<(Option<&'a Fleet>, Devices<'a>), SolveError> {
    Ok(match read_fleet_spec(reg, params, r, solver)? {
        FleetSpec::Registry(fleet) => {
            let hw = reg.hardware(&fleet.node.accelerator)?;
            (Some(fleet), Devices::fleet(fleet, hw))
        }
        FleetSpec::Composed { node, count, .. } => {
            let hw = reg.hardware(&node.accelerator)?;
            (None, Devices::composed(node, count, hw))
        }
    })
}

/// `duration_days` (a bare number is days), required.
pub(crate) fn duration_days(r: &ParamReader) -> Result<Time, SolveError> {
    r.quantity("duration_days", Dim::TIME, "d")?
        .map(|v| base::<Time>(v.si))
        .ok_or_else(|| SolveError::Invalid {
            what: "duration_days".into(),
            message: format!("{SOLVER}: `duration_days` is required"),
        })
}

/// Water as an output (`Missing` when the region has no WUE).
pub(crate) fn water_out(w: Option<Volume>) -> Out {
    w.map_or(Out::Missing, |w| Out::Value(w.value()))
}

/// The declared inputs (mlsysim's `SustainabilityModel.solve` keywords, plus the ad-hoc fleet).
pub const DECL_INPUTS: &[decl::Input] = &[
    inputs::FLEET[0],
    inputs::FLEET[1],
    inputs::FLEET[2],
    inputs::FLEET[3],
    inputs::DURATION_DAYS,
    inputs::DATACENTER,
    inputs::GRID,
    decl::input(
        "mfu",
        Kind::Number,
        D::Num(FULL_UTILIZATION),
        Range::FRACTION,
        "utilization driving device power (1: full TDP, as mlsysim)",
    ),
    decl::input(
        "embodied_carbon_per_device",
        Kind::Qty(Dim::MASS, "kg"),
        D::Num(0.0),
        Range::NONNEG,
        "manufacturing carbon per accelerator",
    ),
];

/// The declared outputs (mlsysim's `SustainabilityResult` fields).
pub const DECL_OUTPUTS: &[decl::Output] = &[
    decl::output("it_energy", "MWh", "accelerator energy over the period"),
    decl::output("total_energy", "MWh", "IT energy × PUE"),
    decl::output(
        "carbon_footprint",
        "t",
        "operational carbon: total energy × grid intensity (+ embodied)",
    ),
    decl::output("embodied_carbon", "t", "embodied carbon × accelerators"),
    decl::output(
        "water_usage",
        "L",
        "total energy × WUE (absent when the region has no WUE)",
    ),
    decl::output("pue", "1", "power usage effectiveness applied"),
    decl::output("region_name", "label", "the grid region charged"),
];

/// Runs the solver on named parameters (mlsysim's names: `fleet`, `duration_days`, `datacenter`
/// (a datacenter or grid key; `grid` is accepted too), `mfu`, `embodied_carbon_per_device` in kg).
pub fn run(reg: &Registry, params: &Params) -> Result<SolveOutput, SolveError> {
    let r = ParamReader::declared(SOLVER, params);
    let (fleet, devices) = read_devices(reg, params, &r, SOLVER)?;
    let explicit = r.text("datacenter")?.or(r.text("grid")?);
    let place = Placement::resolve(reg, explicit, fleet)?;
    let embodied = r.quantity("embodied_carbon_per_device", Dim::MASS, "kg")?;
    let opts = SustainabilityOptions {
        duration: duration_days(&r)?,
        mfu: r.number("mfu")?.unwrap_or(FULL_UTILIZATION),
        embodied_per_device: base::<Mass>(embodied.map_or(0.0, |v| v.si)),
    };
    let res = solve(&devices, &place, &reg.calibration, &opts)?;
    Ok(SolveOutput {
        outputs: vec![
            ("it_energy", Out::Value(res.it_energy.value())),
            ("total_energy", Out::Value(res.total_energy.value())),
            ("carbon_footprint", Out::Value(res.carbon_footprint.value())),
            ("embodied_carbon", Out::Value(res.embodied_carbon.value())),
            ("water_usage", water_out(res.water_usage)),
            ("pue", Out::number(res.pue)),
            ("region_name", Out::Label(res.region_name)),
        ],
        lineage: res.lineage,
        warnings: vec![],
    })
}
