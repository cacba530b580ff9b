//! Units: a compile-time `uom` system for solver arithmetic, and a run-time dimension table for
//! parsing quantity strings from the registry and from directive expressions. Both share the
//! same base units (m, kg, s, byte, FLOP, USD).
//!
//! FLOP and dollars are dimensions of their own, so mixing them up does not compile:
//!
//! ```compile_fail
//! use mlsysim_book::base::units::*;
//! let peak = ComputeRate::new::<compute_rate::teraflop_per_second>(989.0);
//! let clock = Frequency::new::<frequency::per_second>(1.98e9);
//! let nonsense = peak + clock; // FLOP/s + 1/s: rejected by the compiler
//! ```
//!
//! ```compile_fail
//! use mlsysim_book::base::units::*;
//! let capex = Currency::new::<currency::dollar>(25_000.0);
//! let energy = Energy::new::<energy::kilowatt_hour>(1.0);
//! let nonsense = capex + energy; // $ + kWh: rejected by the compiler
//! ```
//!
//! while the same quantities combine where physics allows:
//!
//! ```
//! use mlsysim_book::base::units::*;
//! let peak = ComputeRate::new::<compute_rate::teraflop_per_second>(989.0);
//! let bw = Bandwidth::new::<bandwidth::terabyte_per_second>(3.35);
//! let ridge: ArithmeticIntensity = peak / bw;
//! assert!((ridge.get::<arithmetic_intensity::flop_per_byte>() - 295.2).abs() < 0.1);
//! ```

pub mod dim;
pub mod parse;
pub mod system;
pub mod table;
pub mod value;

pub use dim::Dim;
pub use parse::{parse_number, parse_quantity, parse_unit, Unit, UnitError};
pub use system::f64::*;
pub use value::{base, ConvertError, Typed, Value};

/// Unit modules for `get::<unit>()` and `new::<unit>()` on typed quantities.
pub use system::{
    arithmetic_intensity, bandwidth, carbon_intensity, compute_rate, currency, energy,
    energy_price, frequency, information, length, mass, operations, power, ratio, time, velocity,
    volume, water_intensity,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_arithmetic_keeps_dimensions() {
        let peak: ComputeRate = parse_quantity("989 TFLOP/s").unwrap().typed().unwrap();
        let bw: Bandwidth = parse_quantity("3.35 TB/s").unwrap().typed().unwrap();
        let ridge: ArithmeticIntensity = peak / bw;
        assert!(
            (ridge.get::<arithmetic_intensity::flop_per_byte>() - 295.223_880_597).abs() < 1e-6
        );
        let e: Energy = parse_quantity("1287 MWh").unwrap().typed().unwrap();
        let ci: CarbonIntensity = parse_quantity("429 g/kWh").unwrap().typed().unwrap();
        let m: Mass = e * ci;
        assert!((m.get::<mass::tonne>() - 552.123).abs() < 1e-6);
    }

    #[test]
    fn typed_rejects_wrong_dimension() {
        let bw = parse_quantity("3.35 TB/s").unwrap();
        assert!(bw.typed::<ComputeRate>().is_err());
        assert_eq!(bw.in_unit("GB/s").unwrap(), 3350.0);
        assert!(bw.in_unit("W").is_err());
    }
}
