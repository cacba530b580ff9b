//! Run-time dimensions: exponents of the six base quantities.

use std::fmt;

/// Exponents of length, mass, time, information, operations, currency and electric current.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, PartialOrd, Ord)]
pub struct Dim(pub [i8; 7]);

const BASE_NAMES: [&str; 7] = ["m", "kg", "s", "byte", "FLOP", "USD", "A"];

impl Dim {
    /// The dimensionless dimension.
    pub const NONE: Dim = Dim([0; 7]);
    /// Length.
    pub const LENGTH: Dim = Dim([1, 0, 0, 0, 0, 0, 0]);
    /// Volume.
    pub const VOLUME: Dim = Dim([3, 0, 0, 0, 0, 0, 0]);
    /// Mass.
    pub const MASS: Dim = Dim([0, 1, 0, 0, 0, 0, 0]);
    /// Time.
    pub const TIME: Dim = Dim([0, 0, 1, 0, 0, 0, 0]);
    /// Frequency (1/s).
    pub const FREQUENCY: Dim = Dim([0, 0, -1, 0, 0, 0, 0]);
    /// Information (bytes).
    pub const INFORMATION: Dim = Dim([0, 0, 0, 1, 0, 0, 0]);
    /// Bandwidth (bytes per second).
    pub const BANDWIDTH: Dim = Dim([0, 0, -1, 1, 0, 0, 0]);
    /// Operations (FLOP).
    pub const OPERATIONS: Dim = Dim([0, 0, 0, 0, 1, 0, 0]);
    /// Compute rate (FLOP per second).
    pub const COMPUTE_RATE: Dim = Dim([0, 0, -1, 0, 1, 0, 0]);
    /// Arithmetic intensity (FLOP per byte).
    pub const ARITHMETIC_INTENSITY: Dim = Dim([0, 0, 0, -1, 1, 0, 0]);
    /// Energy.
    pub const ENERGY: Dim = Dim([2, 1, -2, 0, 0, 0, 0]);
    /// Power.
    pub const POWER: Dim = Dim([2, 1, -3, 0, 0, 0, 0]);
    /// Carbon intensity (mass per energy).
    pub const CARBON_INTENSITY: Dim = Dim([-2, 0, 2, 0, 0, 0, 0]);
    /// Water intensity (volume per energy).
    pub const WATER_INTENSITY: Dim = Dim([1, -1, 2, 0, 0, 0, 0]);
    /// Currency.
    pub const CURRENCY: Dim = Dim([0, 0, 0, 0, 0, 1, 0]);
    /// Energy price (currency per energy).
    pub const ENERGY_PRICE: Dim = Dim([-2, -1, 2, 0, 0, 1, 0]);
    /// Price per time ($/h).
    pub const CURRENCY_RATE: Dim = Dim([0, 0, -1, 0, 0, 1, 0]);
    /// Velocity.
    pub const VELOCITY: Dim = Dim([1, 0, -1, 0, 0, 0, 0]);
    /// Acceleration.
    pub const ACCELERATION: Dim = Dim([1, 0, -2, 0, 0, 0, 0]);
    /// Force (N).
    pub const FORCE: Dim = Dim([1, 1, -2, 0, 0, 0, 0]);
    /// Electric current (A).
    pub const CURRENT: Dim = Dim([0, 0, 0, 0, 0, 0, 1]);
    /// Electric potential (V = W/A).
    pub const VOLTAGE: Dim = Dim([2, 1, -3, 0, 0, 0, -1]);
    /// Electric resistance (Ω = V/A).
    pub const RESISTANCE: Dim = Dim([2, 1, -3, 0, 0, 0, -2]);
    /// Inductance (H = Ω·s).
    pub const INDUCTANCE: Dim = Dim([2, 1, -2, 0, 0, 0, -2]);

    /// Product of two dimensions.
    #[allow(clippy::should_implement_trait)]
    pub fn mul(self, o: Dim) -> Dim {
        let mut r = self.0;
        for (a, b) in r.iter_mut().zip(o.0) {
            *a += b;
        }
        Dim(r)
    }

    /// Quotient of two dimensions.
    #[allow(clippy::should_implement_trait)]
    pub fn div(self, o: Dim) -> Dim {
        self.mul(o.powi(-1))
    }

    /// Integer power of a dimension.
    pub fn powi(self, n: i8) -> Dim {
        Dim(self.0.map(|e| e * n))
    }

    /// Whether this is dimensionless.
    pub fn is_none(self) -> bool {
        self == Dim::NONE
    }

    /// A human name for well-known dimensions ("bandwidth"), else the base-unit formula.
    pub fn name(self) -> String {
        let known = [
            (Dim::NONE, "dimensionless"),
            (Dim::LENGTH, "length"),
            (Dim::VOLUME, "volume"),
            (Dim::MASS, "mass"),
            (Dim::TIME, "time"),
            (Dim::FREQUENCY, "rate (1/s)"),
            (Dim::INFORMATION, "information (bytes)"),
            (Dim::BANDWIDTH, "bandwidth (bytes/s)"),
            (Dim::OPERATIONS, "operations (FLOP)"),
            (Dim::COMPUTE_RATE, "compute rate (FLOP/s)"),
            (
                Dim::ARITHMETIC_INTENSITY,
                "arithmetic intensity (FLOP/byte)",
            ),
            (Dim::ENERGY, "energy"),
            (Dim::POWER, "power"),
            (Dim::CARBON_INTENSITY, "carbon intensity (mass/energy)"),
            (Dim::WATER_INTENSITY, "water intensity (volume/energy)"),
            (Dim::CURRENCY, "currency"),
            (Dim::ENERGY_PRICE, "energy price (currency/energy)"),
            (Dim::CURRENCY_RATE, "currency per time"),
            (Dim::VELOCITY, "velocity"),
            (Dim::ACCELERATION, "acceleration"),
            (Dim::FORCE, "force"),
            (Dim::CURRENT, "electric current"),
            (Dim::VOLTAGE, "voltage"),
            (Dim::RESISTANCE, "resistance"),
            (Dim::INDUCTANCE, "inductance"),
        ];
        known
            .iter()
            .find(|(d, _)| *d == self)
            .map(|(_, n)| n.to_string())
            .unwrap_or_else(|| self.to_string())
    }
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_none() {
            return f.write_str("1");
        }
        let mut first = true;
        for (e, n) in self.0.iter().zip(BASE_NAMES) {
            if *e == 0 {
                continue;
            }
            if !first {
                f.write_str("·")?;
            }
            first = false;
            if *e == 1 {
                write!(f, "{n}")?;
            } else {
                write!(f, "{n}^{e}")?;
            }
        }
        Ok(())
    }
}

impl std::ops::Mul for Dim {
    type Output = Dim;
    fn mul(self, o: Dim) -> Dim {
        Dim::mul(self, o)
    }
}

impl std::ops::Div for Dim {
    type Output = Dim;
    fn div(self, o: Dim) -> Dim {
        Dim::div(self, o)
    }
}
