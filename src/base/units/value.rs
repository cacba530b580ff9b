//! A run-time quantity (value in base units + dimension) and the bridge to typed `uom` quantities.

use super::dim::Dim;
use super::parse::{parse_unit, UnitError};
use super::system as sys;
use std::marker::PhantomData;

/// A quantity whose dimension is known at run time. `si` is in base units (m, kg, s, byte, FLOP, USD).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Value {
    /// Magnitude in base units.
    pub si: f64,
    /// Dimension.
    pub dim: Dim,
}

impl Value {
    /// A value in base units.
    pub const fn new(si: f64, dim: Dim) -> Value {
        Value { si, dim }
    }

    /// A dimensionless number.
    pub const fn number(x: f64) -> Value {
        Value {
            si: x,
            dim: Dim::NONE,
        }
    }

    /// Multiplies the magnitude by a plain factor.
    pub fn scale(self, k: f64) -> Value {
        Value::new(self.si * k, self.dim)
    }

    /// The magnitude expressed in `unit`, if the dimensions agree.
    pub fn in_unit(self, unit: &str) -> Result<f64, ConvertError> {
        let u = parse_unit(unit).map_err(ConvertError::Unit)?;
        if u.dim != self.dim {
            return Err(ConvertError::Dimension {
                have: self.dim,
                want: u.dim,
            });
        }
        Ok(self.si / u.factor)
    }

    /// Converts into a typed quantity, checking the dimension.
    pub fn typed<Q: Typed>(self) -> Result<Q, ConvertError> {
        if self.dim != Q::DIM {
            return Err(ConvertError::Dimension {
                have: self.dim,
                want: Q::DIM,
            });
        }
        Ok(Q::from_base(self.si))
    }
}

/// A failed conversion between a run-time value and a unit or typed quantity.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConvertError {
    /// The unit could not be parsed.
    #[error(transparent)]
    Unit(UnitError),
    /// The dimensions differ.
    #[error("expected {}, found {}", want.name(), have.name())]
    Dimension {
        /// Dimension of the value.
        have: Dim,
        /// Dimension asked for.
        want: Dim,
    },
}

/// A compile-time `uom` quantity with a known run-time dimension.
pub trait Typed: Copy {
    /// The run-time dimension of this quantity type.
    const DIM: Dim;
    /// Builds the quantity from a value in base units.
    fn from_base(v: f64) -> Self;
    /// The value in base units.
    fn base(&self) -> f64;
    /// The run-time value.
    fn value(&self) -> Value {
        Value::new(self.base(), Self::DIM)
    }
}

macro_rules! typed {
    ($($t:ident => $d:expr),* $(,)?) => {$(
        impl Typed for sys::f64::$t {
            const DIM: Dim = $d;
            fn from_base(v: f64) -> Self {
                sys::f64::$t { dimension: PhantomData, units: PhantomData, value: v }
            }
            fn base(&self) -> f64 {
                self.value
            }
        }
    )*};
}

typed! {
    Ratio => Dim::NONE,
    Length => Dim::LENGTH,
    Volume => Dim::VOLUME,
    Mass => Dim::MASS,
    Time => Dim::TIME,
    Frequency => Dim::FREQUENCY,
    Information => Dim::INFORMATION,
    Bandwidth => Dim::BANDWIDTH,
    Operations => Dim::OPERATIONS,
    ComputeRate => Dim::COMPUTE_RATE,
    ArithmeticIntensity => Dim::ARITHMETIC_INTENSITY,
    Energy => Dim::ENERGY,
    Power => Dim::POWER,
    CarbonIntensity => Dim::CARBON_INTENSITY,
    WaterIntensity => Dim::WATER_INTENSITY,
    Currency => Dim::CURRENCY,
    EnergyPrice => Dim::ENERGY_PRICE,
    Velocity => Dim::VELOCITY,
}

/// Builds a typed quantity from a value in base units (`base::<Time>(0.5)` is half a second).
pub fn base<Q: Typed>(v: f64) -> Q {
    Q::from_base(v)
}
