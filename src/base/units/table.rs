//! The unit table shared by the registry loader, directive expressions and number formatting.

use super::dim::Dim;

/// One named unit: its symbol, its factor to the base units, and its dimension.
#[derive(Clone, Copy, Debug)]
pub struct UnitDef {
    /// Symbol as written (`TB/s`, `GiB`, `g/kWh`).
    pub symbol: &'static str,
    /// Multiply a value in this unit by `factor` to get base units (m, kg, s, byte, FLOP, USD).
    pub factor: f64,
    /// Dimension.
    pub dim: Dim,
}

const fn u(symbol: &'static str, factor: f64, dim: Dim) -> UnitDef {
    UnitDef {
        symbol,
        factor,
        dim,
    }
}

const KWH: f64 = 3.6e6;
const N: Dim = Dim::NONE;

/// Atomic units. Compound units (`TB/s`, `g/kWh`) are parsed from these with `/`, `*` and `^`.
/// Counts (`param`, `token`) are dimensionless; `B` is byte and `b` is bit.
pub const ATOMS: &[UnitDef] = &[
    // dimensionless counts
    u("1", 1.0, N),
    u("count", 1.0, N),
    u("param", 1.0, N),
    u("Kparam", 1e3, N),
    u("Mparam", 1e6, N),
    u("Bparam", 1e9, N),
    u("Tparam", 1e12, N),
    u("token", 1.0, N),
    u("Ktoken", 1e3, N),
    u("Mtoken", 1e6, N),
    u("Btoken", 1e9, N),
    u("Ttoken", 1e12, N),
    u("%", 1e-2, N),
    // length and volume
    u("m", 1.0, Dim::LENGTH),
    u("km", 1e3, Dim::LENGTH),
    u("L", 1e-3, Dim::VOLUME),
    u("kL", 1.0, Dim::VOLUME),
    u("ML", 1e3, Dim::VOLUME),
    u("m3", 1.0, Dim::VOLUME),
    u("mm", 1e-3, Dim::LENGTH),
    u("cm", 1e-2, Dim::LENGTH),
    u("um", 1e-6, Dim::LENGTH),
    u("μm", 1e-6, Dim::LENGTH),
    u("nm", 1e-9, Dim::LENGTH),
    // angles (radians are dimensionless) and parts per million
    u("rad", 1.0, N),
    u("deg", std::f64::consts::PI / 180.0, N),
    u("turn", 2.0 * std::f64::consts::PI, N),
    u("rpm", 2.0 * std::f64::consts::PI / 60.0, Dim::FREQUENCY),
    u("ppm", 1e-6, N),
    // force, acceleration, electricity
    u("N", 1.0, Dim::FORCE),
    u("kN", 1e3, Dim::FORCE),
    u("g0", 9.80665, Dim::ACCELERATION),
    u("A", 1.0, Dim::CURRENT),
    u("mA", 1e-3, Dim::CURRENT),
    u("V", 1.0, Dim::VOLTAGE),
    u("mV", 1e-3, Dim::VOLTAGE),
    u("kV", 1e3, Dim::VOLTAGE),
    u("ohm", 1.0, Dim::RESISTANCE),
    u("Ω", 1.0, Dim::RESISTANCE),
    u("mohm", 1e-3, Dim::RESISTANCE),
    u("mΩ", 1e-3, Dim::RESISTANCE),
    u("H", 1.0, Dim::INDUCTANCE),
    u("mH", 1e-3, Dim::INDUCTANCE),
    u("uH", 1e-6, Dim::INDUCTANCE),
    u("μH", 1e-6, Dim::INDUCTANCE),
    u("nH", 1e-9, Dim::INDUCTANCE),
    u("pH", 1e-12, Dim::INDUCTANCE),
    // mass
    u("mg", 1e-6, Dim::MASS),
    u("g", 1e-3, Dim::MASS),
    u("kg", 1.0, Dim::MASS),
    u("t", 1e3, Dim::MASS),
    u("kt", 1e6, Dim::MASS),
    u("Mt", 1e9, Dim::MASS),
    u("kgCO2e", 1.0, Dim::MASS),
    u("tCO2e", 1e3, Dim::MASS),
    // time
    u("s", 1.0, Dim::TIME),
    u("ms", 1e-3, Dim::TIME),
    u("μs", 1e-6, Dim::TIME),
    u("µs", 1e-6, Dim::TIME),
    u("us", 1e-6, Dim::TIME),
    u("ns", 1e-9, Dim::TIME),
    u("min", 60.0, Dim::TIME),
    u("h", 3600.0, Dim::TIME),
    u("hour", 3600.0, Dim::TIME),
    u("hours", 3600.0, Dim::TIME),
    u("d", 86400.0, Dim::TIME),
    u("day", 86400.0, Dim::TIME),
    u("days", 86400.0, Dim::TIME),
    // `yr` is the registry's and the economics solvers' 365-day accounting year; `year` is the
    // calendar year of mlsysim's display (pint): 365.25 d, as `month` = year / 12.
    u("yr", 8760.0 * 3600.0, Dim::TIME),
    u("year", 365.25 * 86400.0, Dim::TIME),
    u("years", 365.25 * 86400.0, Dim::TIME),
    u("week", 7.0 * 86400.0, Dim::TIME),
    u("weeks", 7.0 * 86400.0, Dim::TIME),
    u("months", 365.25 * 86400.0 / 12.0, Dim::TIME),
    // month = 365.25 d / 12, as mlsysim (pint)
    u("month", 365.25 * 86400.0 / 12.0, Dim::TIME),
    u("Hz", 1.0, Dim::FREQUENCY),
    u("kHz", 1e3, Dim::FREQUENCY),
    u("MHz", 1e6, Dim::FREQUENCY),
    u("GHz", 1e9, Dim::FREQUENCY),
    // information (decimal and binary)
    u("B", 1.0, Dim::INFORMATION),
    u("byte", 1.0, Dim::INFORMATION),
    u("bytes", 1.0, Dim::INFORMATION),
    u("KB", 1e3, Dim::INFORMATION),
    u("kB", 1e3, Dim::INFORMATION),
    u("MB", 1e6, Dim::INFORMATION),
    u("GB", 1e9, Dim::INFORMATION),
    u("TB", 1e12, Dim::INFORMATION),
    u("PB", 1e15, Dim::INFORMATION),
    u("EB", 1e18, Dim::INFORMATION),
    u("KiB", 1024.0, Dim::INFORMATION),
    u("MiB", 1048576.0, Dim::INFORMATION),
    u("GiB", 1073741824.0, Dim::INFORMATION),
    u("TiB", 1099511627776.0, Dim::INFORMATION),
    u("PiB", 1125899906842624.0, Dim::INFORMATION),
    u("bit", 0.125, Dim::INFORMATION),
    u("b", 0.125, Dim::INFORMATION),
    u("Kb", 125.0, Dim::INFORMATION),
    u("Mb", 1.25e5, Dim::INFORMATION),
    u("Gb", 1.25e8, Dim::INFORMATION),
    u("Tb", 1.25e11, Dim::INFORMATION),
    u("Mbps", 1.25e5, Dim::BANDWIDTH),
    u("Gbps", 1.25e8, Dim::BANDWIDTH),
    u("Tbps", 1.25e11, Dim::BANDWIDTH),
    // operations
    u("FLOP", 1.0, Dim::OPERATIONS),
    u("flop", 1.0, Dim::OPERATIONS),
    u("FLOPs", 1.0, Dim::OPERATIONS),
    u("KFLOP", 1e3, Dim::OPERATIONS),
    u("MFLOP", 1e6, Dim::OPERATIONS),
    u("GFLOP", 1e9, Dim::OPERATIONS),
    u("TFLOP", 1e12, Dim::OPERATIONS),
    u("PFLOP", 1e15, Dim::OPERATIONS),
    u("EFLOP", 1e18, Dim::OPERATIONS),
    u("ZFLOP", 1e21, Dim::OPERATIONS),
    u("MFLOPs", 1e6, Dim::OPERATIONS),
    u("GFLOPs", 1e9, Dim::OPERATIONS),
    u("TFLOPs", 1e12, Dim::OPERATIONS),
    u("PFLOPs", 1e15, Dim::OPERATIONS),
    u("OPS", 1.0, Dim::COMPUTE_RATE),
    u("KOPS", 1e3, Dim::COMPUTE_RATE),
    u("MOPS", 1e6, Dim::COMPUTE_RATE),
    u("GOPS", 1e9, Dim::COMPUTE_RATE),
    u("TOPS", 1e12, Dim::COMPUTE_RATE),
    u("POPS", 1e15, Dim::COMPUTE_RATE),
    // energy and power
    u("J", 1.0, Dim::ENERGY),
    u("mJ", 1e-3, Dim::ENERGY),
    u("μJ", 1e-6, Dim::ENERGY),
    u("uJ", 1e-6, Dim::ENERGY),
    u("nJ", 1e-9, Dim::ENERGY),
    u("pJ", 1e-12, Dim::ENERGY),
    u("kJ", 1e3, Dim::ENERGY),
    u("MJ", 1e6, Dim::ENERGY),
    u("GJ", 1e9, Dim::ENERGY),
    u("Wh", 3600.0, Dim::ENERGY),
    u("kWh", KWH, Dim::ENERGY),
    u("MWh", KWH * 1e3, Dim::ENERGY),
    u("GWh", KWH * 1e6, Dim::ENERGY),
    u("TWh", KWH * 1e9, Dim::ENERGY),
    u("W", 1.0, Dim::POWER),
    u("mW", 1e-3, Dim::POWER),
    u("μW", 1e-6, Dim::POWER),
    u("uW", 1e-6, Dim::POWER),
    u("kW", 1e3, Dim::POWER),
    u("MW", 1e6, Dim::POWER),
    u("GW", 1e9, Dim::POWER),
    // currency
    u("$", 1.0, Dim::CURRENCY),
    u("USD", 1.0, Dim::CURRENCY),
    u("dollar", 1.0, Dim::CURRENCY),
    u("EUR", 1.0, Dim::CURRENCY),
    u("k$", 1e3, Dim::CURRENCY),
    u("M$", 1e6, Dim::CURRENCY),
];

/// Looks up an atomic unit by its exact symbol (through an index built on first use: the
/// registry loader and every printed value parse units).
pub fn atom(symbol: &str) -> Option<&'static UnitDef> {
    static INDEX: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, &'static UnitDef>> =
        std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| {
            let mut m = rustc_hash::FxHashMap::default();
            for d in ATOMS {
                // The first definition of a symbol wins, as in a linear search.
                m.entry(d.symbol).or_insert(d);
            }
            m
        })
        .get(symbol)
        .copied()
}
