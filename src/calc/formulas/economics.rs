//! Formulas: economics and sustainability — device power, energy, carbon, water, CapEx and OpEx
//! (mlsysim `EconomicsModel`, `SustainabilityModel`, `physics/economics.py`, `physics/quantities.py`).

use super::args::{arg, in_range, invalid, nonnegative, num, q};
use super::FormulaDef;
use crate::base::units::*;
use crate::calc::params::{Out, ParamReader, SolveError};

/// Power drawn by one device at utilisation `u`: `P = TDP·(idle + dynamic·u)`.
pub fn device_power(
    tdp: Power,
    idle_fraction: f64,
    dynamic_fraction: f64,
    utilization: f64,
) -> Power {
    tdp * idle_fraction + tdp * dynamic_fraction * utilization
}

/// Energy of constant power over a duration: `E = P·t`.
pub fn energy_from_power(power: Power, duration: Time) -> Energy {
    power * duration
}

/// IT energy of `n` devices each drawing `power` for `duration`: `E_IT = P·N·t`.
pub fn it_energy(power_per_device: Power, n_devices: f64, duration: Time) -> Energy {
    energy_from_power(power_per_device * n_devices, duration)
}

/// Facility energy: `E_facility = E_IT · PUE`.
pub fn facility_energy(it_energy: Energy, pue: f64) -> Energy {
    it_energy * pue
}

/// Carbon mass of energy on a grid: `m = E · CI`.
pub fn carbon_from_energy(energy: Energy, carbon_intensity: CarbonIntensity) -> Mass {
    energy * carbon_intensity
}

/// Water drawn for facility energy: `V = E_facility · WUE`.
pub fn water_usage(energy: Energy, wue: WaterIntensity) -> Volume {
    energy * wue
}

/// Embodied carbon of a fleet: `m = m_device · N`.
pub fn embodied_carbon(per_device: Mass, n_devices: f64) -> Mass {
    per_device * n_devices
}

/// Cost of energy: `C = E · price`.
pub fn energy_cost(energy: Energy, price: EnergyPrice) -> Currency {
    energy * price
}

/// Total CapEx: `C = unit_cost · N · infrastructure_multiplier`.
pub fn capex_total(
    unit_cost: Currency,
    n_devices: f64,
    infrastructure_multiplier: f64,
) -> Currency {
    unit_cost * n_devices * infrastructure_multiplier
}

/// CapEx charged to a period under straight-line amortisation: `C_total / T_amort · t`.
pub fn capex_amortized(capex_total: Currency, amortization: Time, duration: Time) -> Currency {
    capex_total / amortization * duration
}

/// Maintenance over a period, a fraction of the *full* CapEx per year:
/// `C_total · ratio · t / 1 yr` (mlsysim applies it to the full CapEx, not the amortised slice).
pub fn maintenance_cost(capex_total: Currency, annual_ratio: f64, duration: Time) -> Currency {
    capex_total * annual_ratio * (duration / Time::new::<time::year>(1.0))
}

/// Fleet TCO of `calc_fleet_tco`: `unit·q + P·q·years·price` (no PUE, maintenance or amortisation).
pub fn fleet_tco(
    unit_cost: Currency,
    power: Power,
    quantity: f64,
    years: Time,
    kwh_price: EnergyPrice,
) -> Currency {
    unit_cost * quantity + energy_cost(it_energy(power, quantity, years), kwh_price)
}

/// The year of `calc_payback_period`'s result: pint's `year`, the Julian year of 365.25 days
/// (mlsysim returns `(cost / savings).to(ureg.year)`; our `yr` unit is 365 days).
pub const JULIAN_YEAR_S: f64 = 365.25 * 86_400.0;

/// Simple payback period: `t = C_upfront / savings per year`, in Julian years (365.25 d), as
/// mlsysim.
pub fn payback_period(upfront: Currency, annual_savings: Currency) -> Time {
    upfront / annual_savings * Time::new::<time::second>(JULIAN_YEAR_S)
}

fn eval_fleet_tco(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let tco = fleet_tco(
        arg(r, "unit_cost", "USD")?,
        arg(r, "power", "W")?,
        num(r, "quantity")?,
        arg(r, "years", "yr")?,
        arg(r, "kwh_price", "USD/kWh")?,
    );
    Ok(vec![("tco", q(tco))])
}

fn eval_device_power(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let u = in_range("utilization", num(r, "utilization")?, 0.0, 1.0)?;
    let p = device_power(
        arg(r, "tdp", "W")?,
        num(r, "idle_fraction")?,
        num(r, "dynamic_fraction")?,
        u,
    );
    Ok(vec![("power", q(p))])
}

fn eval_energy_from_power(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    Ok(vec![(
        "energy",
        q(energy_from_power(
            arg(r, "power", "W")?,
            arg(r, "duration", "s")?,
        )),
    )])
}

fn eval_it_energy(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let e = it_energy(
        arg(r, "power", "W")?,
        num(r, "n_devices")?,
        arg(r, "duration", "h")?,
    );
    Ok(vec![("it_energy", q(e))])
}

fn eval_facility_energy(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    Ok(vec![(
        "total_energy",
        q(facility_energy(arg(r, "it_energy", "kWh")?, num(r, "pue")?)),
    )])
}

fn eval_embodied(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let m = embodied_carbon(arg(r, "per_device", "kg")?, num(r, "n_devices")?);
    Ok(vec![("embodied_carbon", q(m))])
}

fn eval_energy_cost(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    Ok(vec![(
        "cost",
        q(energy_cost(
            arg(r, "energy", "kWh")?,
            arg(r, "price", "USD/kWh")?,
        )),
    )])
}

fn eval_carbon_from_energy(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let m = carbon_from_energy(
        arg(r, "energy", "kWh")?,
        arg(r, "carbon_intensity", "g/kWh")?,
    );
    Ok(vec![("carbon", q(m))])
}

fn eval_water(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    Ok(vec![(
        "water",
        q(water_usage(
            arg(r, "energy", "kWh")?,
            arg(r, "wue", "L/kWh")?,
        )),
    )])
}

fn eval_capex(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let total = capex_total(
        arg(r, "unit_cost", "USD")?,
        num(r, "quantity")?,
        r.number("infrastructure_multiplier")?.unwrap_or(1.0),
    );
    let period = capex_amortized(
        total,
        arg(r, "amortization", "yr")?,
        arg(r, "duration", "d")?,
    );
    Ok(vec![("capex_total", q(total)), ("capex_period", q(period))])
}

fn eval_maintenance(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let c = maintenance_cost(
        arg(r, "capex_total", "USD")?,
        num(r, "annual_ratio")?,
        arg(r, "duration", "d")?,
    );
    Ok(vec![("maintenance", q(c))])
}

fn eval_payback(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let upfront: Currency = arg(r, "upfront_cost", "USD")?;
    let savings: Currency = arg(r, "annual_savings", "USD")?;
    nonnegative("upfront_cost", upfront.value)?;
    if savings.value <= 0.0 {
        return Err(invalid(
            "annual_savings",
            "annual_savings must be positive for the cost to pay back".into(),
        ));
    }
    let t = payback_period(upfront, savings);
    Ok(vec![("payback", q(t))])
}

/// `calc_fleet_tco`.
pub static FLEET_TCO: FormulaDef = FormulaDef {
    name: "fleet_tco",
    mlsysim: "calc_fleet_tco",
    equation: "TCO = unit_cost·q + P·q·years·price",
    params: &["unit_cost", "power", "quantity", "years", "kwh_price"],
    eval: eval_fleet_tco,
};

/// Device power of `SustainabilityModel`.
pub static DEVICE_POWER: FormulaDef = FormulaDef {
    name: "device_power",
    mlsysim: "SustainabilityModel.effective_power_per_chip",
    equation: "P = TDP·(idle + dynamic·u)",
    params: &["tdp", "idle_fraction", "dynamic_fraction", "utilization"],
    eval: eval_device_power,
};

/// `energy_from_power`.
pub static ENERGY_FROM_POWER: FormulaDef = FormulaDef {
    name: "energy_from_power",
    mlsysim: "energy_from_power",
    equation: "E = P·t",
    params: &["power", "duration"],
    eval: eval_energy_from_power,
};

/// IT energy of `SustainabilityModel`.
pub static IT_ENERGY: FormulaDef = FormulaDef {
    name: "it_energy",
    mlsysim: "SustainabilityModel.it_energy_kwh",
    equation: "E_IT = P_dev·N·t",
    params: &["power", "n_devices", "duration"],
    eval: eval_it_energy,
};

/// Facility energy of `SustainabilityModel`.
pub static FACILITY_ENERGY: FormulaDef = FormulaDef {
    name: "facility_energy",
    mlsysim: "SustainabilityModel.total_energy_kwh",
    equation: "E = E_IT·PUE",
    params: &["it_energy", "pue"],
    eval: eval_facility_energy,
};

/// Embodied carbon of `SustainabilityModel`.
pub static EMBODIED_CARBON: FormulaDef = FormulaDef {
    name: "embodied_carbon",
    mlsysim: "SustainabilityModel.embodied_carbon_kg",
    equation: "m = m_device·N",
    params: &["per_device", "n_devices"],
    eval: eval_embodied,
};

/// Energy OpEx of `EconomicsModel`.
pub static ENERGY_COST: FormulaDef = FormulaDef {
    name: "energy_cost",
    mlsysim: "EconomicsModel.opex_energy_usd",
    equation: "C = E·price",
    params: &["energy", "price"],
    eval: eval_energy_cost,
};

/// `carbon_from_energy`.
pub static CARBON_FROM_ENERGY: FormulaDef = FormulaDef {
    name: "carbon_from_energy",
    mlsysim: "carbon_from_energy",
    equation: "m = E·CI",
    params: &["energy", "carbon_intensity"],
    eval: eval_carbon_from_energy,
};

/// Water of `SustainabilityModel`.
pub static WATER_USAGE: FormulaDef = FormulaDef {
    name: "water_usage",
    mlsysim: "SustainabilityModel.water_usage_liters",
    equation: "V = E_facility·WUE",
    params: &["energy", "wue"],
    eval: eval_water,
};

/// CapEx of `EconomicsModel`.
pub static CAPEX: FormulaDef = FormulaDef {
    name: "capex",
    mlsysim: "EconomicsModel.capex_usd",
    equation: "C_total = unit_cost·N·multiplier; C_period = C_total / T_amort · t",
    params: &[
        "unit_cost",
        "quantity",
        "infrastructure_multiplier",
        "amortization",
        "duration",
    ],
    eval: eval_capex,
};

/// Maintenance OpEx of `EconomicsModel`.
pub static MAINTENANCE: FormulaDef = FormulaDef {
    name: "maintenance_cost",
    mlsysim: "EconomicsModel.opex_maintenance_usd",
    equation: "C_maint = C_total·ratio·t / 1 yr",
    params: &["capex_total", "annual_ratio", "duration"],
    eval: eval_maintenance,
};

/// `calc_payback_period`.
pub static PAYBACK_PERIOD: FormulaDef = FormulaDef {
    name: "payback_period",
    mlsysim: "calc_payback_period",
    equation: "t = C_upfront / savings per year",
    params: &["upfront_cost", "annual_savings"],
    eval: eval_payback,
};

/// Monthly cost of sustained egress: `rate · 30 d · price per byte` (mlsysim's 30-day month).
pub fn monthly_egress_cost(rate: Bandwidth, price_per_byte: f64) -> Currency {
    let month = Time::new::<time::day>(30.0);
    Currency::new::<currency::dollar>((rate * month).get::<information::byte>() * price_per_byte)
}

fn eval_egress(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let per_byte = crate::base::units::Dim::CURRENCY.div(crate::base::units::Dim::INFORMATION);
    let price = r
        .quantity("price_per_gb", per_byte, "$/GB")?
        .ok_or_else(|| SolveError::Invalid {
            what: "price_per_gb".into(),
            message: "`price_per_gb` is required".into(),
        })?;
    Ok(vec![(
        "cost",
        q(monthly_egress_cost(arg(r, "egress_rate", "B/s")?, price.si)),
    )])
}

/// `calc_monthly_egress_cost`.
pub static MONTHLY_EGRESS_COST: FormulaDef = FormulaDef {
    name: "monthly_egress_cost",
    mlsysim: "calc_monthly_egress_cost",
    equation: "cost = rate · 30 d · price",
    params: &["egress_rate", "price_per_gb"],
    eval: eval_egress,
};

/// The formulas of this module, callable by name.
pub const CATALOG: &[&FormulaDef] = &[
    &MONTHLY_EGRESS_COST,
    &FLEET_TCO,
    &DEVICE_POWER,
    &ENERGY_FROM_POWER,
    &IT_ENERGY,
    &FACILITY_ENERGY,
    &CARBON_FROM_ENERGY,
    &EMBODIED_CARBON,
    &ENERGY_COST,
    &WATER_USAGE,
    &CAPEX,
    &MAINTENANCE,
    &PAYBACK_PERIOD,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fleet_tco_h100() {
        let tco = fleet_tco(
            Currency::new::<currency::dollar>(25_000.0),
            Power::new::<power::watt>(700.0),
            1024.0,
            Time::new::<time::year>(3.0),
            EnergyPrice::new::<energy_price::dollar_per_kilowatt_hour>(0.12),
        );
        assert!((tco.get::<currency::dollar>() - 27_860_500.48).abs() < 1e-6);
    }

    #[test]
    fn capex_slice_and_maintenance() {
        let total = capex_total(Currency::new::<currency::dollar>(25_000.0), 1024.0, 1.0);
        let d = Time::new::<time::day>(30.0);
        let slice = capex_amortized(total, Time::new::<time::year>(3.0), d);
        assert!((slice.value - 701_369.863_013_698_6).abs() < 1e-6);
        assert!((maintenance_cost(total, 0.05, d).value - 105_205.479_452_054_79).abs() < 1e-6);
    }

    /// mlsysim 0.3.0: `calc_payback_period(1e6 USD, 250000 USD/year).to("day")` is 1461.0 d.
    #[test]
    fn payback_in_julian_years() {
        let t = payback_period(
            Currency::new::<currency::dollar>(1e6),
            Currency::new::<currency::dollar>(250_000.0),
        );
        assert_eq!(t.get::<time::day>(), 1461.0);
    }
}
