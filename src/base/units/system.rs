//! A small `uom` system of quantities for ML-systems arithmetic.
//!
//! Base dimensions: length (m), mass (kg), time (s), information (byte), operations (FLOP) and
//! currency (USD). FLOP and dollars are real dimensions, so adding FLOP/s to a clock rate or
//! dollars to joules does not compile.
#![allow(missing_docs, clippy::excessive_precision)]

macro_rules! ml_quantity {
    ($module:ident, $name:ident, $desc:literal, [$l:ident, $m:ident, $t:ident, $b:ident, $f:ident, $c:ident], { $($units:tt)* }) => {
        #[macro_use]
        pub mod $module {
            quantity! {
                #[doc = $desc]
                quantity: $name; $desc;
                #[doc = $desc]
                dimension: Q<$l, $m, $t, $b, $f, $c>;
                units { $($units)* }
            }
        }
    };
}

ml_quantity!(ratio, Ratio, "ratio", [Z0, Z0, Z0, Z0, Z0, Z0], {
    @ratio: 1.0; "", "ratio", "ratio";
    @percent: 1.0E-2; "%", "percent", "percent";
});
ml_quantity!(length, Length, "length", [P1, Z0, Z0, Z0, Z0, Z0], {
    @meter: 1.0; "m", "meter", "meters";
    @kilometer: 1.0E3; "km", "kilometer", "kilometers";
});
ml_quantity!(volume, Volume, "volume", [P3, Z0, Z0, Z0, Z0, Z0], {
    @cubic_meter: 1.0; "m³", "cubic meter", "cubic meters";
    @liter: 1.0E-3; "L", "liter", "liters";
    @kiloliter: 1.0; "kL", "kiloliter", "kiloliters";
});
ml_quantity!(mass, Mass, "mass", [Z0, P1, Z0, Z0, Z0, Z0], {
    @kilogram: 1.0; "kg", "kilogram", "kilograms";
    @gram: 1.0E-3; "g", "gram", "grams";
    @tonne: 1.0E3; "t", "tonne", "tonnes";
});
ml_quantity!(time, Time, "time", [Z0, Z0, P1, Z0, Z0, Z0], {
    @second: 1.0; "s", "second", "seconds";
    @millisecond: 1.0E-3; "ms", "millisecond", "milliseconds";
    @microsecond: 1.0E-6; "μs", "microsecond", "microseconds";
    @nanosecond: 1.0E-9; "ns", "nanosecond", "nanoseconds";
    @minute: 60.0; "min", "minute", "minutes";
    @hour: 3600.0; "h", "hour", "hours";
    @day: 86400.0; "d", "day", "days";
    @year: 31536000.0; "yr", "year", "years";
});
ml_quantity!(frequency, Frequency, "frequency (events per time)", [Z0, Z0, N1, Z0, Z0, Z0], {
    @per_second: 1.0; "1/s", "per second", "per second";
    @per_hour: 1.0 / 3600.0; "1/h", "per hour", "per hour";
});
ml_quantity!(information, Information, "information", [Z0, Z0, Z0, P1, Z0, Z0], {
    @byte: 1.0; "B", "byte", "bytes";
    @kilobyte: 1.0E3; "KB", "kilobyte", "kilobytes";
    @megabyte: 1.0E6; "MB", "megabyte", "megabytes";
    @gigabyte: 1.0E9; "GB", "gigabyte", "gigabytes";
    @terabyte: 1.0E12; "TB", "terabyte", "terabytes";
    @kibibyte: 1024.0; "KiB", "kibibyte", "kibibytes";
    @mebibyte: 1048576.0; "MiB", "mebibyte", "mebibytes";
    @gibibyte: 1073741824.0; "GiB", "gibibyte", "gibibytes";
});
ml_quantity!(bandwidth, Bandwidth, "bandwidth (bytes per time)", [Z0, Z0, N1, P1, Z0, Z0], {
    @byte_per_second: 1.0; "B/s", "byte per second", "bytes per second";
    @gigabyte_per_second: 1.0E9; "GB/s", "gigabyte per second", "gigabytes per second";
    @terabyte_per_second: 1.0E12; "TB/s", "terabyte per second", "terabytes per second";
    @gigabit_per_second: 1.25E8; "Gb/s", "gigabit per second", "gigabits per second";
});
ml_quantity!(operations, Operations, "operations (FLOP)", [Z0, Z0, Z0, Z0, P1, Z0], {
    @flop: 1.0; "FLOP", "floating-point operation", "floating-point operations";
    @gigaflop: 1.0E9; "GFLOP", "gigaflop", "gigaflops";
    @teraflop: 1.0E12; "TFLOP", "teraflop", "teraflops";
    @petaflop: 1.0E15; "PFLOP", "petaflop", "petaflops";
});
ml_quantity!(compute_rate, ComputeRate, "compute rate (FLOP per time)", [Z0, Z0, N1, Z0, P1, Z0], {
    @flop_per_second: 1.0; "FLOP/s", "FLOP per second", "FLOP per second";
    @gigaflop_per_second: 1.0E9; "GFLOP/s", "GFLOP per second", "GFLOP per second";
    @teraflop_per_second: 1.0E12; "TFLOP/s", "TFLOP per second", "TFLOP per second";
    @petaflop_per_second: 1.0E15; "PFLOP/s", "PFLOP per second", "PFLOP per second";
});
ml_quantity!(arithmetic_intensity, ArithmeticIntensity, "arithmetic intensity (FLOP per byte)", [Z0, Z0, Z0, N1, P1, Z0], {
    @flop_per_byte: 1.0; "FLOP/byte", "FLOP per byte", "FLOP per byte";
});
ml_quantity!(energy, Energy, "energy", [P2, P1, N2, Z0, Z0, Z0], {
    @joule: 1.0; "J", "joule", "joules";
    @millijoule: 1.0E-3; "mJ", "millijoule", "millijoules";
    @kilowatt_hour: 3.6E6; "kWh", "kilowatt hour", "kilowatt hours";
    @megawatt_hour: 3.6E9; "MWh", "megawatt hour", "megawatt hours";
});
ml_quantity!(power, Power, "power", [P2, P1, N3, Z0, Z0, Z0], {
    @watt: 1.0; "W", "watt", "watts";
    @milliwatt: 1.0E-3; "mW", "milliwatt", "milliwatts";
    @kilowatt: 1.0E3; "kW", "kilowatt", "kilowatts";
    @megawatt: 1.0E6; "MW", "megawatt", "megawatts";
});
ml_quantity!(carbon_intensity, CarbonIntensity, "carbon intensity (mass per energy)", [N2, Z0, P2, Z0, Z0, Z0], {
    @kilogram_per_joule: 1.0; "kg/J", "kilogram per joule", "kilograms per joule";
    @gram_per_kilowatt_hour: 1.0E-3 / 3.6E6; "g/kWh", "gram per kilowatt hour", "grams per kilowatt hour";
});
ml_quantity!(water_intensity, WaterIntensity, "water intensity (volume per energy)", [P1, N1, P2, Z0, Z0, Z0], {
    @cubic_meter_per_joule: 1.0; "m³/J", "cubic meter per joule", "cubic meters per joule";
    @liter_per_kilowatt_hour: 1.0E-3 / 3.6E6; "L/kWh", "liter per kilowatt hour", "liters per kilowatt hour";
});
ml_quantity!(currency, Currency, "currency (US dollars)", [Z0, Z0, Z0, Z0, Z0, P1], {
    @dollar: 1.0; "$", "dollar", "dollars";
});
ml_quantity!(energy_price, EnergyPrice, "energy price (dollars per energy)", [N2, N1, P2, Z0, Z0, P1], {
    @dollar_per_joule: 1.0; "$/J", "dollar per joule", "dollars per joule";
    @dollar_per_kilowatt_hour: 1.0 / 3.6E6; "$/kWh", "dollar per kilowatt hour", "dollars per kilowatt hour";
});
ml_quantity!(velocity, Velocity, "velocity", [P1, Z0, N1, Z0, Z0, Z0], {
    @meter_per_second: 1.0; "m/s", "meter per second", "meters per second";
    @kilometer_per_second: 1.0E3; "km/s", "kilometer per second", "kilometers per second";
});

system! {
    quantities: Q {
        length: meter, L;
        mass: kilogram, M;
        time: second, T;
        information: byte, B;
        operations: flop, F;
        currency: dollar, C;
    }
    units: U {
        mod ratio::Ratio,
        mod length::Length,
        mod volume::Volume,
        mod mass::Mass,
        mod time::Time,
        mod frequency::Frequency,
        mod information::Information,
        mod bandwidth::Bandwidth,
        mod operations::Operations,
        mod compute_rate::ComputeRate,
        mod arithmetic_intensity::ArithmeticIntensity,
        mod energy::Energy,
        mod power::Power,
        mod carbon_intensity::CarbonIntensity,
        mod water_intensity::WaterIntensity,
        mod currency::Currency,
        mod energy_price::EnergyPrice,
        mod velocity::Velocity,
    }
}

/// `f64` quantity type aliases of the system (`f64::Power`, `f64::Bandwidth`, ...).
pub mod f64 {
    mod sys {
        pub use super::super::*;
    }
    Q!(self::sys, f64);
}
