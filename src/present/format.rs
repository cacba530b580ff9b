//! Number formatting for the book: unit conversion, digits, rounding, grouping, styles, and
//! plain-text or LaTeX-safe output.
//!
//! Rules (see `shared/spec/directives.md`, "Formatting attributes"):
//! - Rounding works on the decimal value as printed: the shortest round-trip representation of the
//!   `f64`, cleaned to 15 significant digits (so 21.45, 429/20 and 21.449999999999996 all round
//!   half-up to 21.5). Never on binary artefacts.
//! - Default digits: enough decimals for 3 significant digits, but no dead zeros: an exact 80 GiB
//!   prints `80`, 2.5 prints `2.5`, 2.4996 prints `2.50`, 295.22 prints `295`.
//! - A non-zero value that would print as zero (`0.04` with `digits="1"`) is an error.
//! - Grouping (`,`) defaults to on for 5+ integer digits (`12,345`, but `1287`).
//! - Negative numbers: U+2212 `−` in [`Target::Text`] and [`Target::Markdown`], `-` in
//!   [`Target::Math`], `\textminus{}` in [`Target::LatexText`].
//! - `$` is `\$` everywhere except [`Target::Text`]: in Markdown a bare `$18` could open inline
//!   math with a later `$` of the paragraph.
//! - A unit follows after one space (`3.35 TB/s`); `$` goes first with no space (`$18,250,000`,
//!   `$0.12/kWh`), after the sign (`−$500`); `%` and `×` follow with no space.

use super::decimal::Decimal;
pub use super::decimal::RoundMode;
use crate::base::escape::latex_text;
use crate::base::text::group_digits;
use crate::base::units::{parse_unit, Dim, UnitError, Value};
use crate::syntax::{Context, SourceKind};
use std::str::FromStr;
use thiserror::Error;

/// How the number is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Style {
    /// `18,250,000`, `3.35 TB/s`.
    #[default]
    Plain,
    /// Scientific: `3.14 × 10²³` (`digits` counts mantissa decimals).
    Sci,
    /// K, M, B, T suffixes: `18.25B`, `$1.8M`. Counts and dollars only.
    Scaled,
    /// A dimensionless ratio × 100, then `%`: 0.636 → `63.6%`.
    Percent,
    /// A dimensionless factor, then `×`: `41×`.
    Multiple,
}

impl Style {
    /// The attribute spellings, for error messages.
    pub const NAMES: &'static str = "plain, sci, scaled, percent, multiple";

    fn name(self) -> &'static str {
        match self {
            Style::Plain => "plain",
            Style::Sci => "sci",
            Style::Scaled => "scaled",
            Style::Percent => "percent",
            Style::Multiple => "multiple",
        }
    }
}

impl FromStr for Style {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s {
            "plain" => Style::Plain,
            "sci" => Style::Sci,
            "scaled" => Style::Scaled,
            "percent" => Style::Percent,
            "multiple" => Style::Multiple,
            _ => return Err(()),
        })
    }
}

/// How the unit is written: its symbol (`5 s`, `5%`) or its word (`5 seconds`, `5 percent`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnitStyle {
    /// The symbol: `961,538.5 s`, `5%`.
    #[default]
    Symbol,
    /// The word: `961,538.5 seconds`, `5 percent`, `1 day` (singular for exactly 1).
    Word,
}

impl UnitStyle {
    /// The attribute spellings, for error messages.
    pub const NAMES: &'static str = "symbol, word";
}

/// The scale suffixes of style `scaled`, by power of 1,000.
const SUFFIX: [&str; 5] = ["", "K", "M", "B", "T"];

/// The word of a unit symbol: (singular, plural).
pub fn unit_word(symbol: &str) -> Option<(&'static str, &'static str)> {
    Some(match symbol {
        "s" => ("second", "seconds"),
        "ms" => ("millisecond", "milliseconds"),
        "μs" | "µs" | "us" => ("microsecond", "microseconds"),
        "ns" => ("nanosecond", "nanoseconds"),
        "min" => ("minute", "minutes"),
        "h" | "hour" | "hours" => ("hour", "hours"),
        "d" | "day" | "days" => ("day", "days"),
        "week" => ("week", "weeks"),
        "month" => ("month", "months"),
        "year" | "yr" | "years" => ("year", "years"),
        "%" => ("percent", "percent"),
        "×" => ("times", "times"),
        "$" => ("dollar", "dollars"),
        "W" => ("watt", "watts"),
        "kW" => ("kilowatt", "kilowatts"),
        "MW" => ("megawatt", "megawatts"),
        "GW" => ("gigawatt", "gigawatts"),
        "J" => ("joule", "joules"),
        "kJ" => ("kilojoule", "kilojoules"),
        "MJ" => ("megajoule", "megajoules"),
        "pJ" => ("picojoule", "picojoules"),
        "nJ" => ("nanojoule", "nanojoules"),
        "μJ" | "µJ" | "uJ" => ("microjoule", "microjoules"),
        "Wh" => ("watt-hour", "watt-hours"),
        "kWh" => ("kilowatt-hour", "kilowatt-hours"),
        "MWh" => ("megawatt-hour", "megawatt-hours"),
        "GWh" => ("gigawatt-hour", "gigawatt-hours"),
        "B" | "byte" | "bytes" => ("byte", "bytes"),
        "KB" | "kB" => ("kilobyte", "kilobytes"),
        "MB" => ("megabyte", "megabytes"),
        "GB" => ("gigabyte", "gigabytes"),
        "TB" => ("terabyte", "terabytes"),
        "PB" => ("petabyte", "petabytes"),
        "KiB" => ("kibibyte", "kibibytes"),
        "MiB" => ("mebibyte", "mebibytes"),
        "GiB" => ("gibibyte", "gibibytes"),
        "TiB" => ("tebibyte", "tebibytes"),
        "g" => ("gram", "grams"),
        "kg" => ("kilogram", "kilograms"),
        "t" => ("tonne", "tonnes"),
        "L" => ("liter", "liters"),
        "kL" => ("kiloliter", "kiloliters"),
        "m" => ("meter", "meters"),
        "km" => ("kilometer", "kilometers"),
        "param" => ("parameter", "parameters"),
        "token" => ("token", "tokens"),
        "count" => ("", ""),
        _ => return None,
    })
}

/// Where the formatted text goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Plain Unicode (`−`, `×`, `10²³`, `μs`, `$`): terminal, JSON, SVG labels.
    Text,
    /// Markdown prose, tables, captions: [`Target::Text`] with `$` escaped as `\$`, so a dollar
    /// amount never pairs with a later `$` into inline math (Pandoc, pulldown-cmark math).
    Markdown,
    /// Inside `$…$` or a LaTeX math environment: `{,}`, `\times 10^{23}`, `\,\mathrm{TB/s}`, `\$`, `\%`.
    Math,
    /// Text mode of a `.tex` source: ASCII with LaTeX escapes (`\$`, `\%`, `\texttimes{}`,
    /// `\textminus{}`, `10\textsuperscript{23}`, `\textmu{}s`).
    LatexText,
}

impl Target {
    /// The target for a directive in `context` of a `kind` source: `Markdown` for Markdown text,
    /// `LatexText` for LaTeX text, `Math` in math.
    pub fn of(context: Context, kind: SourceKind) -> Target {
        match (context, kind) {
            (Context::Math, _) => Target::Math,
            (Context::Text, SourceKind::Markdown) => Target::Markdown,
            (Context::Text, SourceKind::Latex) => Target::LatexText,
        }
    }
}

/// Formatting attributes of a `value`, `solve` or table column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatSpec {
    /// Display unit (`ms`, `TB/s`, `$`); required unless the value is dimensionless.
    pub unit: Option<String>,
    /// Decimals after the point.
    pub digits: Option<u32>,
    /// Significant digits (instead of `digits`).
    pub sig: Option<u32>,
    /// Rounding mode.
    pub round: RoundMode,
    /// Thousands separator; `None` means on for 5+ integer digits.
    pub group: Option<bool>,
    /// Display style.
    pub style: Style,
    /// Whether to show the unit symbol (and `$`, `%`, `×`).
    pub show_unit: bool,
    /// Symbol or word.
    pub unit_style: UnitStyle,
    /// Text shown instead of the unit symbol (`QPS` for `1/s`).
    pub label: Option<String>,
    /// A forced `scaled` suffix: 1 = K, 2 = M, 3 = B, 4 = T.
    pub scale: Option<u8>,
    /// Integer digits from which thousands are grouped when `group` is not given (book-wide
    /// `group-from`; 5 in v1).
    pub group_from: u8,
    /// Whether `style` was given (a `scale` then needs it to be `scaled`).
    pub style_given: bool,
}

impl Default for FormatSpec {
    fn default() -> Self {
        FormatSpec {
            unit: None,
            digits: None,
            sig: None,
            round: RoundMode::HalfUp,
            group: None,
            style: Style::Plain,
            show_unit: true,
            unit_style: UnitStyle::Symbol,
            label: None,
            scale: None,
            group_from: 5,
            style_given: false,
        }
    }
}

/// Largest accepted `digits`.
pub const MAX_DIGITS: u32 = 20;
/// Largest accepted `sig` (an `f64` holds about 15-17 significant digits).
pub const MAX_SIG: u32 = 15;

/// Formatting attribute names handled by [`FormatSpec::apply`].
pub const FORMAT_ATTRS: &[&str] = &[
    "unit",
    "digits",
    "sig",
    "round",
    "group",
    "style",
    "show-unit",
    "unit-style",
    "label",
    "scale",
];

impl FormatSpec {
    /// A spec with only a display unit.
    pub fn unit(unit: &str) -> FormatSpec {
        FormatSpec {
            unit: Some(unit.to_string()),
            ..FormatSpec::default()
        }
    }

    /// Applies one directive attribute. Returns `Ok(false)` for names that are not formatting
    /// attributes (see [`FORMAT_ATTRS`]), an error for a bad value.
    pub fn apply(&mut self, name: &str, value: &str) -> Result<bool, FormatError> {
        let bad = |expected: &str| FormatError::BadAttribute {
            name: name.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        };
        let boolean = |v: &str| match v {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(bad("`true` or `false`")),
        };
        match name {
            "unit" => {
                let u = value.trim();
                parse_unit(u).map_err(|source| bad_unit(u, source))?;
                self.unit = Some(u.to_string());
            }
            "digits" => {
                let n = value
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n <= MAX_DIGITS);
                self.digits = Some(n.ok_or_else(|| bad("a whole number from 0 to 20"))?);
            }
            "sig" => {
                let n = value
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=MAX_SIG).contains(n));
                self.sig = Some(n.ok_or_else(|| bad("a whole number from 1 to 15"))?);
            }
            "round" => self.round = value.trim().parse().map_err(|_| bad(RoundMode::NAMES))?,
            "style" => {
                self.style = value.trim().parse().map_err(|_| bad(Style::NAMES))?;
                self.style_given = true;
                if self.scale.is_some() && self.style != Style::Scaled {
                    return Err(FormatError::ScaleNeedsScaled {
                        style: self.style.name(),
                    });
                }
            }
            "unit-style" => {
                self.unit_style = match value.trim() {
                    "symbol" => UnitStyle::Symbol,
                    "word" => UnitStyle::Word,
                    _ => return Err(bad(UnitStyle::NAMES)),
                }
            }
            "label" => self.label = Some(value.trim().to_string()),
            "scale" => {
                let k = SUFFIX[1..]
                    .iter()
                    .position(|x| *x == value.trim())
                    .ok_or_else(|| bad("K, M, B, T"))?;
                if self.style_given && self.style != Style::Scaled {
                    return Err(FormatError::ScaleNeedsScaled {
                        style: self.style.name(),
                    });
                }
                self.scale = Some(k as u8 + 1);
                self.style = Style::Scaled;
            }
            "group" => self.group = Some(boolean(value.trim())?),
            "show-unit" => self.show_unit = boolean(value.trim())?,
            _ => return Ok(false),
        }
        if self.digits.is_some() && self.sig.is_some() {
            return Err(FormatError::DigitsAndSig);
        }
        Ok(true)
    }
}

/// A value that cannot be formatted as asked.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FormatError {
    /// NaN or infinity.
    #[error("the value is not a finite number ({0})")]
    NotFinite(f64),
    /// A dimensioned value without a display unit.
    #[error("the value is {}, so it needs a display unit: add unit=\"…\" ({suggest})", dim.name())]
    UnitRequired {
        /// Dimension of the value.
        dim: Dim,
        /// Display units of that dimension.
        suggest: String,
    },
    /// The display unit does not parse.
    #[error("display unit `{unit}`: {source}{}", unit_hint(.close))]
    BadUnit {
        /// The unit as written.
        unit: String,
        /// Why it does not parse.
        source: UnitError,
        /// Known units closest to it.
        close: Vec<String>,
    },
    /// The display unit measures something else than the value.
    #[error("display unit `{unit}` measures {}, but the value is {} ({suggest})", want.name(), have.name())]
    WrongDimension {
        /// The unit as written.
        unit: String,
        /// Dimension of the value.
        have: Dim,
        /// Dimension of the unit.
        want: Dim,
        /// Display units that would fit.
        suggest: String,
    },
    /// Both `digits` and `sig`.
    #[error("`digits` and `sig` cannot both be given; keep one")]
    DigitsAndSig,
    /// `percent` or `multiple` of a dimensioned value.
    #[error("style `{style}` shows a dimensionless ratio, but the value is {}", dim.name())]
    NeedsRatio {
        /// The style.
        style: &'static str,
        /// Dimension of the value.
        dim: Dim,
    },
    /// `percent` or `multiple` together with a unit.
    #[error("style `{style}` prints its own symbol; remove unit=\"{unit}\"")]
    StyleWithUnit {
        /// The style.
        style: &'static str,
        /// The unit as written.
        unit: String,
    },
    /// `scaled` with a physical unit.
    #[error("style `scaled` (K, M, B, T) is for counts and dollars; for `{unit}` use a prefixed unit instead (MW rather than a scaled W)")]
    ScaledUnit {
        /// The unit as written.
        unit: String,
    },
    /// A non-zero value that would print as zero.
    #[error("{value} would print as {shown}; give more `digits`, or use `sig`")]
    RoundsToZero {
        /// The value in the display unit.
        value: String,
        /// What would be printed.
        shown: String,
    },
    /// `scale` with a style other than `scaled`.
    #[error("`scale` forces the suffix of style `scaled` (K, M, B, T), but the style is `{style}`; remove `scale` or write style=\"scaled\"")]
    ScaleNeedsScaled {
        /// The style given.
        style: &'static str,
    },
    /// `unit-style="word"` for a unit without a word.
    #[error("`{unit}` has no word for unit-style=\"word\"; use unit-style=\"symbol\" or a `label` (units with words: s, ms, μs, ns, min, h, d, week, month, year, %, $, W, kW, MW, J, kJ, pJ, Wh, kWh, MWh, B, KB, MB, GB, TB, GiB, g, kg, t, L, km, param, token)")]
    NoUnitWord {
        /// The unit.
        unit: String,
    },
    /// A range whose ends do not print with the same unit.
    #[error("the range end `to` is {}, but the value is {}; both ends need the same dimension", to.name(), from.name())]
    RangeDimension {
        /// Dimension of the value.
        from: Dim,
        /// Dimension of `to`.
        to: Dim,
    },
    /// A formatting attribute with a bad value.
    #[error("`{name}=\"{value}\"` is not valid: expected {expected}")]
    BadAttribute {
        /// Attribute name.
        name: String,
        /// Attribute value.
        value: String,
        /// What is accepted.
        expected: String,
    },
}

/// Display units from the directive spec; used to suggest a unit of the right dimension.
pub const DISPLAY_UNITS: &[&str] = &[
    "s",
    "ms",
    "μs",
    "ns",
    "min",
    "h",
    "d",
    "week",
    "month",
    "year",
    "B",
    "KB",
    "MB",
    "GB",
    "TB",
    "PB",
    "KiB",
    "MiB",
    "GiB",
    "TiB",
    "B/s",
    "KB/s",
    "MB/s",
    "GB/s",
    "TB/s",
    "PB/s",
    "Gb/s",
    "FLOP",
    "GFLOP",
    "TFLOP",
    "PFLOP",
    "EFLOP",
    "ZFLOP",
    "FLOP/s",
    "GFLOP/s",
    "TFLOP/s",
    "PFLOP/s",
    "EFLOP/s",
    "TOPS",
    "FLOP/byte",
    "W",
    "kW",
    "MW",
    "GW",
    "pJ",
    "nJ",
    "μJ",
    "J",
    "kJ",
    "MJ",
    "Wh",
    "kWh",
    "MWh",
    "GWh",
    "g",
    "kg",
    "t",
    "g/kWh",
    "kg/kWh",
    "L",
    "kL",
    "$",
    "$/kWh",
    "$/h",
    "1/s",
    "pJ/B",
    "pJ/FLOP",
    "km/ms",
];

/// A display unit that does not parse, with the known units closest to it (`TFLOPS` →
/// `TFLOP/s`).
fn bad_unit(unit: &str, source: UnitError) -> FormatError {
    let mut known: Vec<&str> = DISPLAY_UNITS
        .iter()
        .copied()
        .chain(crate::base::units::table::ATOMS.iter().map(|a| a.symbol))
        .collect();
    known.sort_unstable();
    known.dedup();
    let mut close = crate::base::text::closest(unit, known.into_iter());
    // `TFLOPS`, `GBps`: a rate written without its slash.
    let stem = unit
        .strip_suffix("ps")
        .or_else(|| unit.strip_suffix('S'))
        .or_else(|| unit.strip_suffix('s'));
    if let Some(rate) = stem
        .map(|s| format!("{s}/s"))
        .filter(|r| parse_unit(r).is_ok())
    {
        close.retain(|c| *c != rate);
        close.insert(0, rate);
        close.truncate(3);
    }
    FormatError::BadUnit {
        unit: unit.to_string(),
        source,
        close,
    }
}

/// `; did you mean `TFLOPs` (operations), `TFLOP/s` (compute rate)?`: each close unit with what it
/// measures, since a near-miss often names another dimension.
fn unit_hint(close: &[String]) -> String {
    let named: Vec<String> = close
        .iter()
        .map(|u| match parse_unit(u) {
            Ok(p) => format!("`{u}` for {}", p.dim.name()),
            Err(_) => format!("`{u}`"),
        })
        .collect();
    if named.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", named.join(", "))
    }
}

/// The display units of a dimension, as a hint: "for example ms, s, min".
pub fn suggest_units(dim: Dim) -> String {
    if dim == Dim::NONE {
        return "a count or ratio: leave `unit` out, or use style=\"scaled\" (8.03B) or \
                style=\"percent\""
            .into();
    }
    let fits: Vec<&str> = DISPLAY_UNITS
        .iter()
        .copied()
        .filter(|u| parse_unit(u).is_ok_and(|p| p.dim == dim))
        .take(6)
        .collect();
    if fits.is_empty() {
        format!("no listed display unit fits {dim}; write one in base units")
    } else {
        format!("for example {}", fits.join(", "))
    }
}

/// The magnitude that would be shown, in the display unit (× 100 for `percent`), before rounding.
/// This is what an `expect="lo..hi"` guard compares against.
pub fn display_value(v: Value, spec: &FormatSpec) -> Result<f64, FormatError> {
    let x = magnitude(v, spec)?;
    Ok(if spec.style == Style::Percent {
        x * 100.0
    } else {
        x
    })
}

/// Formats a value: converts it to `spec.unit` (checking the dimension), rounds and decorates it.
pub fn format_value(v: Value, spec: &FormatSpec, target: Target) -> Result<String, FormatError> {
    let x = magnitude(v, spec)?;
    format_number(x, spec, target)
}

/// Formats a number already expressed in `spec.unit` (no conversion or dimension check).
pub fn format_number(x: f64, spec: &FormatSpec, target: Target) -> Result<String, FormatError> {
    let body = body(x, spec, spec.scale.map(usize::from))?;
    assemble(&body, spec, target)
}

/// Formats a range `lo`–`hi` (a second expression, `to=`): both ends rounded alike, in the same
/// scale, grouped alike, the `$` and the unit once: `156–312×`, `3–5 W`, `$1.2–1.8M`. The dash is
/// an en dash in text, `--` in LaTeX text and `\text{--}` in math.
pub fn format_range(
    lo: Value,
    hi: Value,
    spec: &FormatSpec,
    target: Target,
) -> Result<String, FormatError> {
    if lo.dim != hi.dim {
        return Err(FormatError::RangeDimension {
            from: lo.dim,
            to: hi.dim,
        });
    }
    let (a, b) = (magnitude(lo, spec)?, magnitude(hi, spec)?);
    // One scale for both ends: the one the larger end would take.
    let k = match (spec.style, spec.scale) {
        (_, Some(k)) => Some(usize::from(k)),
        (Style::Scaled, None) => {
            let big = if a.abs() > b.abs() { a } else { b };
            Some(body(big, spec, None)?.scale_index())
        }
        _ => None,
    };
    let (lb, hb) = (body(a, spec, k)?, body(b, spec, k)?);
    let grouped = groups(&lb, spec) || groups(&hb, spec);
    let (mut lp, hp) = (
        parts(&lb, spec, target, grouped)?,
        parts(&hb, spec, target, grouped)?,
    );
    // The scale once, like the unit: `1.2–1.8M`.
    if !lb.scale.is_empty() && lb.scale == hb.scale {
        let shown = match target {
            Target::Math => format!("\\mathrm{{{}}}", lb.scale),
            _ => lb.scale.to_string(),
        };
        if let Some(n) = lp.number.strip_suffix(&shown) {
            lp.number = n.to_string();
        }
    }
    let dash = match target {
        Target::Text | Target::Markdown => "\u{2013}",
        Target::LatexText => "--",
        Target::Math => "\\text{--}",
    };
    let mut out = String::new();
    out.push_str(lp.sign);
    out.push_str(lp.prefix);
    out.push_str(&lp.number);
    out.push_str(dash);
    out.push_str(hp.sign);
    if !hp.sign.is_empty() {
        out.push_str(hp.prefix);
    }
    out.push_str(&hp.number);
    out.push_str(&hp.suffix);
    Ok(out)
}

/// The rounded body of a number in the display unit (`k`: a forced scale index).
fn body(x: f64, spec: &FormatSpec, k: Option<usize>) -> Result<Body, FormatError> {
    if !x.is_finite() {
        return Err(FormatError::NotFinite(x));
    }
    if spec.digits.is_some() && spec.sig.is_some() {
        return Err(FormatError::DigitsAndSig);
    }
    let mut d = Decimal::from_f64(x);
    if spec.style == Style::Percent {
        d = d.shift(2);
    }
    Ok(match spec.style {
        Style::Sci => sci_body(&d, spec)?,
        Style::Scaled => scaled_body(&d, spec, k)?,
        _ => {
            let (r, dec) = round_for_display(&d, spec)?;
            Body {
                num: r,
                decimals: dec,
                exp10: None,
                scale: "",
            }
        }
    })
}

/// A plain dimensionless number with `digits` decimals, half-up, default grouping, as text.
pub fn format_number_plain(x: f64, digits: u32) -> Result<String, FormatError> {
    let spec = FormatSpec {
        digits: Some(digits),
        ..FormatSpec::default()
    };
    format_number(x, &spec, Target::Text)
}

/// The value in the display unit, after all dimension checks.
fn magnitude(v: Value, spec: &FormatSpec) -> Result<f64, FormatError> {
    if !v.si.is_finite() {
        return Err(FormatError::NotFinite(v.si));
    }
    if matches!(spec.style, Style::Percent | Style::Multiple) {
        let style = spec.style.name();
        if let Some(u) = &spec.unit {
            return Err(FormatError::StyleWithUnit {
                style,
                unit: u.clone(),
            });
        }
        if !v.dim.is_none() {
            return Err(FormatError::NeedsRatio { style, dim: v.dim });
        }
        return Ok(v.si);
    }
    let Some(unit) = spec.unit.as_deref() else {
        if v.dim.is_none() {
            return Ok(v.si);
        }
        return Err(FormatError::UnitRequired {
            dim: v.dim,
            suggest: suggest_units(v.dim),
        });
    };
    let u = parse_unit(unit).map_err(|source| bad_unit(unit, source))?;
    if u.dim != v.dim {
        return Err(FormatError::WrongDimension {
            unit: unit.to_string(),
            have: v.dim,
            want: u.dim,
            suggest: suggest_units(v.dim),
        });
    }
    if spec.style == Style::Scaled && !(unit.starts_with('$') || u.dim.is_none()) {
        return Err(FormatError::ScaledUnit {
            unit: unit.to_string(),
        });
    }
    Ok(v.si / u.factor)
}

/// A rounded number ready to print: `num` with `decimals` places, optional `× 10^exp10`, and a
/// scale suffix (K, M, B, T).
struct Body {
    num: Decimal,
    decimals: i32,
    exp10: Option<i32>,
    scale: &'static str,
}

impl Body {
    /// The index of the scale suffix (0 for none).
    fn scale_index(&self) -> usize {
        SUFFIX.iter().position(|s| *s == self.scale).unwrap_or(0)
    }
}

/// Rounds for display following `digits` / `sig` / the default rule; returns the decimals shown.
fn round_for_display(d: &Decimal, spec: &FormatSpec) -> Result<(Decimal, i32), FormatError> {
    let mode = spec.round;
    let (mut r, mut dec, carry_ok) = match (spec.digits, spec.sig) {
        (Some(n), _) => {
            let n = n as i32;
            (d.round(n, mode), n, false)
        }
        (None, Some(s)) => {
            let dec = s as i32 - 1 - d.lead();
            (d.round(dec, mode), dec, true)
        }
        (None, None) => {
            let natural = d.round_sig(12, RoundMode::HalfEven).needed_decimals();
            let dec = (2 - d.lead()).max(0).min(natural);
            (d.round(dec, mode), dec, dec > 0)
        }
    };
    // 9.996 to 3 significant digits is 10.0, not 10.00.
    if carry_ok && !r.is_zero() && !d.is_zero() && r.lead() > d.lead() {
        dec -= 1;
        r = r.round(dec, mode);
    }
    if r.is_zero() && !d.is_zero() {
        let (i, f) = r.fixed_parts(dec);
        let shown = if f.is_empty() { i } else { format!("{i}.{f}") };
        let sign = if d.neg { -1.0 } else { 1.0 };
        let value = format!("{}", sign * decimal_to_f64(d));
        return Err(FormatError::RoundsToZero { value, shown });
    }
    Ok((r, dec))
}

fn decimal_to_f64(d: &Decimal) -> f64 {
    let digits: String = d.digits.iter().map(|x| char::from(b'0' + x)).collect();
    format!("{digits}e{}", d.exp).parse().unwrap_or(0.0)
}

/// Scientific notation: the mantissa is rounded like a plain number with default 2 decimals
/// (dead zeros dropped: `1 × 10⁹`), `sig` meaning mantissa significant digits.
fn sci_body(d: &Decimal, spec: &FormatSpec) -> Result<Body, FormatError> {
    if d.is_zero() {
        let dec = spec
            .digits
            .map(|n| n as i32)
            .or(spec.sig.map(|s| s as i32 - 1))
            .unwrap_or(0);
        return Ok(Body {
            num: d.clone(),
            decimals: dec,
            exp10: Some(0),
            scale: "",
        });
    }
    let mut e = d.lead();
    let m = d.clone().shift(-e);
    let mode = spec.round;
    let dec = match (spec.digits, spec.sig) {
        (Some(n), _) => n as i32,
        (None, Some(s)) => s as i32 - 1,
        (None, None) => 2.min(m.round_sig(12, RoundMode::HalfEven).needed_decimals()),
    };
    let mut r = m.round(dec, mode);
    if r.is_zero() {
        // Floor/trunc cannot reach zero from a mantissa ≥ 1; guard anyway.
        return Err(FormatError::RoundsToZero {
            value: format!("{}", decimal_to_f64(d)),
            shown: "0".into(),
        });
    }
    if r.lead() >= 1 {
        e += 1;
        r = r.shift(-1).round(dec, mode);
    }
    Ok(Body {
        num: r,
        decimals: dec,
        exp10: Some(e),
        scale: "",
    })
}

/// K, M, B, T scaling, chosen so the shown number is below 1,000 (moving up after rounding:
/// 999,960 with 3 significant digits is `1.00M`).
fn scaled_body(d: &Decimal, spec: &FormatSpec, forced: Option<usize>) -> Result<Body, FormatError> {
    if let Some(k) = forced {
        let y = d.clone().shift(-3 * k as i32);
        let (r, dec) = round_for_display(&y, spec)?;
        return Ok(Body {
            num: r,
            decimals: dec,
            exp10: None,
            scale: SUFFIX[k],
        });
    }
    let mut k = if d.is_zero() || d.lead() < 3 {
        0
    } else {
        (d.lead() / 3).min(4) as usize
    };
    loop {
        let y = d.clone().shift(-3 * k as i32);
        let (r, dec) = round_for_display(&y, spec)?;
        if k < 4 && !r.is_zero() && r.lead() >= 3 {
            k += 1;
            continue;
        }
        return Ok(Body {
            num: r,
            decimals: dec,
            exp10: None,
            scale: SUFFIX[k],
        });
    }
}

fn superscript(e: i32) -> String {
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut s = String::new();
    if e < 0 {
        s.push('⁻');
    }
    for c in e.unsigned_abs().to_string().bytes() {
        s.push(SUP[(c - b'0') as usize]);
    }
    s
}

/// A unit symbol in math: `\mathrm{TB/s}`, `\mu\mathrm{s}`, `\%`.
fn math_unit(u: &str) -> String {
    let mut out = String::new();
    for (i, part) in u.split(['μ', 'µ']).enumerate() {
        if i > 0 {
            out.push_str("\\mu");
        }
        if !part.is_empty() {
            let esc = part.replace('%', "\\%").replace('$', "\\$");
            out.push_str(&format!("\\mathrm{{{esc}}}"));
        }
    }
    out
}

/// A unit symbol in LaTeX text mode.
fn latex_text_unit(u: &str) -> String {
    u.replace(['μ', 'µ'], "\\textmu{}")
        .replace('%', "\\%")
        .replace('$', "\\$")
}

/// A printed number in pieces: sign, `$` prefix, the number itself (digits, exponent, scale) and
/// the unit suffix (with its space), each already in the target's syntax. A range prints the
/// prefix and the suffix once.
struct Parts {
    sign: &'static str,
    prefix: &'static str,
    number: String,
    suffix: String,
}

impl Parts {
    fn join(&self) -> String {
        let mut out = String::with_capacity(
            self.sign.len() + self.prefix.len() + self.number.len() + self.suffix.len(),
        );
        out.push_str(self.sign);
        out.push_str(self.prefix);
        out.push_str(&self.number);
        out.push_str(&self.suffix);
        out
    }
}

/// Free text (a `label`, a unit word) in the target's syntax. Every escape of this module's
/// free text goes through here (LaTeX text: [`latex_text`], the book's one LaTeX escape).
fn free_text(t: &str, target: Target) -> String {
    match target {
        Target::Text | Target::Markdown => t.to_string(),
        Target::Math => format!("\\text{{{}}}", latex_text(t)),
        Target::LatexText => latex_text(t),
    }
}

/// The unit suffix: a label, a unit word (singular when `one`), or the symbol.
fn suffix(spec: &FormatSpec, target: Target, one: bool) -> Result<(bool, String), FormatError> {
    if !spec.show_unit {
        return Ok((false, String::new()));
    }
    let symbol = match (spec.style, spec.unit.as_deref()) {
        (Style::Percent, _) => Some("%"),
        (Style::Multiple, _) => Some("×"),
        (_, u) => u,
    };
    if let Some(label) = &spec.label {
        let sep = if target == Target::Math { "\\," } else { " " };
        return Ok((false, format!("{sep}{}", free_text(label, target))));
    }
    if spec.unit_style == UnitStyle::Word {
        let Some(sym) = symbol else {
            return Ok((false, String::new()));
        };
        let (singular, plural) = unit_word(sym).ok_or_else(|| FormatError::NoUnitWord {
            unit: sym.to_string(),
        })?;
        let w = if one { singular } else { plural };
        if w.is_empty() {
            return Ok((false, String::new()));
        }
        let sep = if target == Target::Math { "\\," } else { " " };
        return Ok((false, format!("{sep}{}", free_text(w, target))));
    }
    // The `$` prefix (true) and the symbol after the number, with or without a space.
    let (dollar, rest, spaced): (bool, &str, bool) = match symbol {
        Some("%") => (false, "%", false),
        Some("×") => (false, "×", false),
        Some(u) if u.starts_with('$') => (true, &u[1..], false),
        Some(u) => (false, u, true),
        None => (false, "", false),
    };
    let mut out = String::new();
    if !rest.is_empty() {
        match target {
            Target::Text | Target::Markdown => {
                if spaced {
                    out.push(' ');
                }
                out.push_str(&rest.replace('µ', "μ"));
            }
            Target::Math => match rest {
                "%" => out.push_str("\\%"),
                "×" => out.push_str("\\times"),
                u => {
                    if spaced {
                        out.push_str("\\,");
                    }
                    out.push_str(&math_unit(u));
                }
            },
            Target::LatexText => match rest {
                "×" => out.push_str("\\texttimes{}"),
                u => {
                    if spaced {
                        out.push(' ');
                    }
                    out.push_str(&latex_text_unit(u));
                }
            },
        }
    }
    Ok((dollar, out))
}

/// Whether the integer part of `b` is grouped (`group`, else the book's `group-from`).
fn groups(b: &Body, spec: &FormatSpec) -> bool {
    let int_len = b.num.fixed_parts(b.decimals).0.len();
    spec.group.unwrap_or(int_len >= spec.group_from as usize) && b.exp10.is_none()
}

fn parts(b: &Body, spec: &FormatSpec, target: Target, grouped: bool) -> Result<Parts, FormatError> {
    let (int, frac) = b.num.fixed_parts(b.decimals);
    let sep = if target == Target::Math { "{,}" } else { "," };
    let sign = if b.num.neg {
        match target {
            Target::Text | Target::Markdown => "\u{2212}",
            Target::Math => "-",
            Target::LatexText => "\\textminus{}",
        }
    } else {
        ""
    };
    let mut out = String::new();
    out.push_str(&if grouped {
        group_digits(&int, sep)
    } else {
        int
    });
    if !frac.is_empty() {
        out.push('.');
        out.push_str(&frac);
    }
    if let Some(e) = b.exp10 {
        out.push_str(&match target {
            Target::Text | Target::Markdown => format!(" × 10{}", superscript(e)),
            Target::Math => format!(" \\times 10^{{{e}}}"),
            Target::LatexText => {
                let e = if e < 0 {
                    format!("\\textminus{{}}{}", -e)
                } else {
                    e.to_string()
                };
                format!(" \\texttimes{{}} 10\\textsuperscript{{{e}}}")
            }
        });
    }
    if !b.scale.is_empty() {
        out.push_str(&match target {
            Target::Math => format!("\\mathrm{{{}}}", b.scale),
            _ => b.scale.to_string(),
        });
    }
    let one = out == "1" && sign.is_empty();
    let (dollar, suffix) = suffix(spec, target, one)?;
    let prefix = match (dollar, target) {
        (false, _) => "",
        (true, Target::Text) => "$",
        (true, _) => "\\$",
    };
    Ok(Parts {
        sign,
        prefix,
        number: out,
        suffix,
    })
}

fn assemble(b: &Body, spec: &FormatSpec, target: Target) -> Result<String, FormatError> {
    Ok(parts(b, spec, target, groups(b, spec))?.join())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_units_suggest_close_ones_with_what_they_measure() {
        let e = FormatSpec::default().apply("unit", "TFLOPS").unwrap_err();
        assert_eq!(
            e.to_string(),
            "display unit `TFLOPS`: unknown unit `TFLOPS`; did you mean `TFLOP/s` for compute rate (FLOP/s), `TFLOPs` for operations (FLOP), `FLOP` for operations (FLOP)?"
        );
        let e = FormatSpec::default().apply("unit", "GBps").unwrap_err();
        assert!(e.to_string().contains("did you mean `GB/s` for"), "{e}");
        // A count shown in bytes: the message says what the value is and what fits it.
        let count = crate::base::units::Value::number(8.03e9);
        let e = format_value(count, &FormatSpec::unit("GB"), Target::Text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "display unit `GB` measures information (bytes), but the value is dimensionless (a count or ratio: leave `unit` out, or use style=\"scaled\" (8.03B) or style=\"percent\")"
        );
    }

    #[test]
    fn formatting_target_per_context() {
        use crate::syntax::{Context as C, SourceKind as K};
        assert_eq!(Target::of(C::Text, K::Markdown), Target::Markdown);
        assert_eq!(Target::of(C::Text, K::Latex), Target::LatexText);
        assert_eq!(Target::of(C::Math, K::Markdown), Target::Math);
        assert_eq!(Target::of(C::Math, K::Latex), Target::Math);
    }
    use crate::base::units::parse_quantity;

    fn q(s: &str) -> Value {
        parse_quantity(s).unwrap()
    }

    fn spec(attrs: &[(&str, &str)]) -> FormatSpec {
        let mut s = FormatSpec::default();
        for (k, v) in attrs {
            assert!(s.apply(k, v).unwrap(), "{k} is a format attribute");
        }
        s
    }

    fn text(v: Value, attrs: &[(&str, &str)]) -> String {
        format_value(v, &spec(attrs), Target::Text).unwrap()
    }

    fn math(v: Value, attrs: &[(&str, &str)]) -> String {
        format_value(v, &spec(attrs), Target::Math).unwrap()
    }

    fn n(x: f64) -> Value {
        Value::number(x)
    }

    #[test]
    fn rounding_on_printed_decimal() {
        assert_eq!(text(n(21.45), &[("digits", "1")]), "21.5");
        assert_eq!(text(n(429.0 / 20.0), &[("digits", "1")]), "21.5");
        assert_eq!(text(n(2.675), &[("digits", "2")]), "2.68");
        assert_eq!(
            text(n(21.45), &[("digits", "1"), ("round", "half-even")]),
            "21.4"
        );
        assert_eq!(
            text(n(21.35), &[("digits", "1"), ("round", "half-even")]),
            "21.4"
        );
        assert_eq!(text(n(21.49), &[("digits", "0"), ("round", "ceil")]), "22");
        assert_eq!(text(n(21.99), &[("digits", "0"), ("round", "floor")]), "21");
        assert_eq!(
            text(n(-21.99), &[("digits", "0"), ("round", "trunc")]),
            "\u{2212}21"
        );
        // Converted values round on their decimal value too: 21.45 kW stored as 21450 W.
        assert_eq!(
            text(q("21450 W"), &[("unit", "kW"), ("digits", "1")]),
            "21.5 kW"
        );
    }

    #[test]
    fn default_digits_show_three_significant() {
        assert_eq!(
            text(q("989 TFLOP/s"), &[("unit", "TFLOP/s")]),
            "989 TFLOP/s"
        );
        assert_eq!(text(q("3.35 TB/s"), &[("unit", "TB/s")]), "3.35 TB/s");
        assert_eq!(text(q("3.35 TB/s"), &[("unit", "GB/s")]), "3350 GB/s");
        assert_eq!(text(q("80 GiB"), &[("unit", "GiB")]), "80 GiB");
        assert_eq!(text(n(989.0 / 3.35), &[]), "295");
        assert_eq!(text(n(2.5), &[]), "2.5");
        assert_eq!(text(n(2.4996), &[]), "2.50");
        assert_eq!(text(n(0.1 + 0.2), &[]), "0.3");
        assert_eq!(text(n(1.0 / 3.0), &[]), "0.333");
        assert_eq!(text(n(0.000123456), &[]), "0.000123");
        assert_eq!(text(n(9.996), &[]), "10.0");
        assert_eq!(text(n(999.6), &[]), "1000");
        assert_eq!(text(n(552_123.4), &[]), "552,123");
        assert_eq!(text(n(0.0), &[]), "0");
    }

    #[test]
    fn explicit_digits_and_sig() {
        assert_eq!(
            text(q("989 TFLOP/s"), &[("unit", "TFLOP/s"), ("digits", "0")]),
            "989 TFLOP/s"
        );
        assert_eq!(text(n(989.0 / 3.35), &[("digits", "1")]), "295.2");
        assert_eq!(text(n(7.0), &[("digits", "2")]), "7.00");
        assert_eq!(text(n(0.000123), &[("sig", "2")]), "0.00012");
        assert_eq!(text(n(0.000123), &[("sig", "3")]), "0.000123");
        assert_eq!(text(n(0.000123), &[("sig", "5")]), "0.00012300");
        assert_eq!(text(n(123_456.0), &[("sig", "2")]), "120,000");
        assert_eq!(text(n(80.0), &[("sig", "3")]), "80.0");
        assert_eq!(text(n(9.996), &[("sig", "3")]), "10.0");
        assert_eq!(text(n(999.96), &[("digits", "1")]), "1000.0");
        assert_eq!(
            text(n(999.96), &[("digits", "1"), ("group", "true")]),
            "1,000.0"
        );
        assert_eq!(text(n(99_999.96), &[("digits", "1")]), "100,000.0");
        assert_eq!(text(n(0.0), &[("digits", "2")]), "0.00");
        assert_eq!(text(n(0.0), &[("sig", "3")]), "0.00");
    }

    #[test]
    fn grouping() {
        assert_eq!(
            text(n(4096.0 / 3.0), &[("digits", "1"), ("group", "true")]),
            "1,365.3"
        );
        assert_eq!(
            math(n(4096.0 / 3.0), &[("digits", "1"), ("group", "true")]),
            "1{,}365.3"
        );
        assert_eq!(text(n(4096.0 / 3.0), &[("digits", "1")]), "1365.3");
        assert_eq!(text(n(12_345.0), &[]), "12,345");
        assert_eq!(text(n(12_345.0), &[("group", "false")]), "12345");
        assert_eq!(text(n(1287.0), &[]), "1287");
        assert_eq!(text(n(1_234_567.891), &[("digits", "2")]), "1,234,567.89");
        assert_eq!(math(n(-25_000.0), &[]), "-25{,}000");
    }

    #[test]
    fn units_and_dollars() {
        assert_eq!(
            text(q("3.35 TB/s"), &[("unit", "TB/s"), ("digits", "2")]),
            "3.35 TB/s"
        );
        assert_eq!(
            math(q("3.35 TB/s"), &[("unit", "TB/s"), ("digits", "2")]),
            "3.35\\,\\mathrm{TB/s}"
        );
        assert_eq!(text(q("18250000 USD"), &[("unit", "$")]), "$18,250,000");
        assert_eq!(
            math(q("18250000 USD"), &[("unit", "$")]),
            "\\$18{,}250{,}000"
        );
        assert_eq!(text(q("-500 USD"), &[("unit", "$")]), "\u{2212}$500");
        assert_eq!(math(q("-500 USD"), &[("unit", "$")]), "-\\$500");
        assert_eq!(text(q("0.12 $/kWh"), &[("unit", "$/kWh")]), "$0.12/kWh");
        assert_eq!(
            math(q("0.12 $/kWh"), &[("unit", "$/kWh")]),
            "\\$0.12\\mathrm{/kWh}"
        );
        assert_eq!(
            text(q("2.5 $/h"), &[("unit", "$/h"), ("digits", "2")]),
            "$2.50/h"
        );
        assert_eq!(text(q("0.54 ms"), &[("unit", "μs")]), "540 μs");
        assert_eq!(text(q("0.54 ms"), &[("unit", "µs")]), "540 μs");
        assert_eq!(
            math(q("0.54 ms"), &[("unit", "μs")]),
            "540\\,\\mu\\mathrm{s}"
        );
        assert_eq!(
            text(q("7232 kg"), &[("unit", "t"), ("digits", "1")]),
            "7.2 t"
        );
        assert_eq!(text(q("429 g/kWh"), &[("unit", "g/kWh")]), "429 g/kWh");
        assert_eq!(text(q("100 1/s"), &[("unit", "1/s")]), "100 1/s");
        assert_eq!(
            text(q("3.35 TB/s"), &[("unit", "TB/s"), ("show-unit", "false")]),
            "3.35"
        );
        assert_eq!(
            text(q("500 USD"), &[("unit", "$"), ("show-unit", "false")]),
            "500"
        );
        assert_eq!(text(n(0.636), &[("unit", "%")]), "63.6%");
        assert_eq!(text(n(7e9), &[("unit", "param")]), "7,000,000,000 param");
    }

    #[test]
    fn negative_numbers() {
        assert_eq!(text(n(-3.5), &[]), "\u{2212}3.5");
        assert_eq!(math(n(-3.5), &[]), "-3.5");
        assert_eq!(
            format_value(n(-3.5), &spec(&[]), Target::LatexText).unwrap(),
            "\\textminus{}3.5"
        );
        // A negative value that rounds to zero (with floor it would not) prints without sign.
        assert_eq!(
            text(n(-0.04), &[("digits", "1"), ("round", "floor")]),
            "\u{2212}0.1"
        );
        assert_eq!(text(n(-12_345.6), &[("digits", "1")]), "\u{2212}12,345.6");
    }

    #[test]
    fn sci_style() {
        assert_eq!(
            text(n(3.14e23), &[("style", "sci"), ("digits", "2")]),
            "3.14 × 10²³"
        );
        assert_eq!(
            math(n(3.14e23), &[("style", "sci"), ("digits", "2")]),
            "3.14 \\times 10^{23}"
        );
        assert_eq!(
            text(n(4.1e9), &[("style", "sci"), ("digits", "2")]),
            "4.10 × 10⁹"
        );
        assert_eq!(text(n(4.1e9), &[("style", "sci")]), "4.1 × 10⁹");
        assert_eq!(text(n(1e9), &[("style", "sci")]), "1 × 10⁹");
        assert_eq!(
            text(n(6.4e-5), &[("style", "sci"), ("digits", "1")]),
            "6.4 × 10⁻⁵"
        );
        assert_eq!(
            math(n(6.4e-5), &[("style", "sci"), ("digits", "1")]),
            "6.4 \\times 10^{-5}"
        );
        assert_eq!(
            text(n(9.996e3), &[("style", "sci"), ("digits", "2")]),
            "1.00 × 10⁴"
        );
        assert_eq!(
            text(n(-2.2e10), &[("style", "sci"), ("sig", "2")]),
            "\u{2212}2.2 × 10¹⁰"
        );
        assert_eq!(
            text(q("3.14e23 FLOP"), &[("style", "sci"), ("unit", "FLOP")]),
            "3.14 × 10²³ FLOP"
        );
        assert_eq!(
            math(q("3.14e23 FLOP"), &[("style", "sci"), ("unit", "FLOP")]),
            "3.14 \\times 10^{23}\\,\\mathrm{FLOP}"
        );
        assert_eq!(text(n(0.0), &[("style", "sci")]), "0 × 10⁰");
        assert_eq!(
            format_value(
                n(6.4e-5),
                &spec(&[("style", "sci"), ("digits", "1")]),
                Target::LatexText
            )
            .unwrap(),
            "6.4 \\texttimes{} 10\\textsuperscript{\\textminus{}5}"
        );
    }

    #[test]
    fn scaled_style() {
        assert_eq!(
            text(n(18.25e9), &[("style", "scaled"), ("digits", "2")]),
            "18.25B"
        );
        assert_eq!(
            text(
                q("1.825e6 USD"),
                &[("style", "scaled"), ("unit", "$"), ("digits", "1")]
            ),
            "$1.8M"
        );
        assert_eq!(
            math(
                q("1.825e6 USD"),
                &[("style", "scaled"), ("unit", "$"), ("digits", "1")]
            ),
            "\\$1.8\\mathrm{M}"
        );
        assert_eq!(text(n(70e9), &[("style", "scaled")]), "70B");
        assert_eq!(text(n(5300.0), &[("style", "scaled")]), "5.3K");
        assert_eq!(
            text(n(999_960.0), &[("style", "scaled"), ("sig", "3")]),
            "1.00M"
        );
        assert_eq!(
            text(n(999_960.0), &[("style", "scaled"), ("digits", "1")]),
            "1.0M"
        );
        assert_eq!(text(n(950.0), &[("style", "scaled")]), "950");
        assert_eq!(
            text(q("70e9 param"), &[("style", "scaled"), ("unit", "param")]),
            "70B param"
        );
        assert_eq!(text(n(2.5e15), &[("style", "scaled")]), "2500T");
        assert_eq!(
            text(
                q("-660000 USD"),
                &[("style", "scaled"), ("unit", "$"), ("digits", "2")]
            ),
            "\u{2212}$660.00K"
        );
        let e = format_value(
            q("5 MW"),
            &spec(&[("style", "scaled"), ("unit", "W")]),
            Target::Text,
        );
        assert!(matches!(e, Err(FormatError::ScaledUnit { .. })));
    }

    #[test]
    fn percent_and_multiple() {
        assert_eq!(text(n(0.636), &[("style", "percent")]), "63.6%");
        assert_eq!(math(n(0.636), &[("style", "percent")]), "63.6\\%");
        assert_eq!(
            text(n(0.853), &[("style", "percent"), ("digits", "0")]),
            "85%"
        );
        assert_eq!(text(n(0.5), &[("style", "percent")]), "50%");
        assert_eq!(
            text(n(0.12345), &[("style", "percent"), ("digits", "2")]),
            "12.35%"
        );
        assert_eq!(text(n(41.0), &[("style", "multiple")]), "41×");
        assert_eq!(math(n(41.0), &[("style", "multiple")]), "41\\times");
        assert_eq!(
            text(n(9.1234), &[("style", "multiple"), ("digits", "1")]),
            "9.1×"
        );
        assert_eq!(
            text(n(0.636), &[("style", "percent"), ("show-unit", "false")]),
            "63.6"
        );
        let e = format_value(q("1 s"), &spec(&[("style", "percent")]), Target::Text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "style `percent` shows a dimensionless ratio, but the value is time"
        );
        let e = format_value(
            n(0.5),
            &spec(&[("style", "multiple"), ("unit", "W")]),
            Target::Text,
        );
        assert!(matches!(e, Err(FormatError::StyleWithUnit { .. })));
        assert_eq!(
            format_value(n(0.636), &spec(&[("style", "percent")]), Target::LatexText).unwrap(),
            "63.6\\%"
        );
        assert_eq!(
            format_value(n(41.0), &spec(&[("style", "multiple")]), Target::LatexText).unwrap(),
            "41\\texttimes{}"
        );
    }

    #[test]
    fn markdown_target_escapes_dollars_only() {
        let md =
            |v: Value, a: &[(&str, &str)]| format_value(v, &spec(a), Target::Markdown).unwrap();
        assert_eq!(md(q("18250000 USD"), &[("unit", "$")]), "\\$18,250,000");
        assert_eq!(md(q("-500 USD"), &[("unit", "$")]), "\u{2212}\\$500");
        assert_eq!(
            md(
                q("1.825e6 USD"),
                &[("style", "scaled"), ("unit", "$"), ("digits", "1")]
            ),
            "\\$1.8M"
        );
        assert_eq!(md(q("3.35 TB/s"), &[("unit", "TB/s")]), "3.35 TB/s");
        assert_eq!(
            md(n(3.14e23), &[("style", "sci"), ("digits", "2")]),
            "3.14 × 10²³"
        );
        assert_eq!(md(n(0.636), &[("style", "percent")]), "63.6%");
    }

    #[test]
    fn latex_text_target() {
        let lt =
            |v: Value, a: &[(&str, &str)]| format_value(v, &spec(a), Target::LatexText).unwrap();
        assert_eq!(lt(q("18250000 USD"), &[("unit", "$")]), "\\$18,250,000");
        assert_eq!(lt(q("0.54 ms"), &[("unit", "μs")]), "540 \\textmu{}s");
        assert_eq!(lt(q("3.35 TB/s"), &[("unit", "TB/s")]), "3.35 TB/s");
    }

    #[test]
    fn errors() {
        let e = format_value(n(f64::NAN), &FormatSpec::default(), Target::Text).unwrap_err();
        assert!(matches!(e, FormatError::NotFinite(_)));
        assert!(format_value(n(f64::INFINITY), &FormatSpec::default(), Target::Text).is_err());
        assert!(format_number_plain(f64::NEG_INFINITY, 1).is_err());
        let e = format_value(q("700 W"), &FormatSpec::default(), Target::Text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the value is power, so it needs a display unit: add unit=\"…\" (for example W, kW, MW, GW)"
        );
        let e = format_value(q("700 W"), &FormatSpec::unit("TB/s"), Target::Text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "display unit `TB/s` measures bandwidth (bytes/s), but the value is power (for example W, kW, MW, GW)"
        );
        let e = format_value(q("700 W"), &FormatSpec::unit("furlong"), Target::Text).unwrap_err();
        assert!(matches!(e, FormatError::BadUnit { .. }));
        let e = format_value(n(0.04), &spec(&[("digits", "1")]), Target::Text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "0.04 would print as 0.0; give more `digits`, or use `sig`"
        );
        let e = format_value(n(-0.000123), &spec(&[("digits", "2")]), Target::Text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "-0.000123 would print as 0.00; give more `digits`, or use `sig`"
        );
    }

    #[test]
    fn apply_attributes() {
        let mut s = FormatSpec::default();
        assert!(!s.apply("value", "x").unwrap());
        assert!(!s.apply("expect", "1..2").unwrap());
        assert!(s.apply("digits", "1").unwrap());
        assert_eq!(s.apply("sig", "2").unwrap_err(), FormatError::DigitsAndSig);
        let e = FormatSpec::default().apply("round", "up").unwrap_err();
        assert_eq!(
            e.to_string(),
            "`round=\"up\"` is not valid: expected half-up, half-even, floor, ceil, trunc"
        );
        assert!(FormatSpec::default().apply("digits", "-1").is_err());
        assert!(FormatSpec::default().apply("digits", "21").is_err());
        assert!(FormatSpec::default().apply("sig", "0").is_err());
        assert!(FormatSpec::default().apply("group", "yes").is_err());
        assert!(FormatSpec::default().apply("style", "fancy").is_err());
        assert!(FormatSpec::default().apply("unit", "TB/").is_err());
        let s = spec(&[
            ("unit", "ms"),
            ("style", "sci"),
            ("round", "trunc"),
            ("group", "false"),
            ("show-unit", "false"),
        ]);
        assert_eq!(s.unit.as_deref(), Some("ms"));
        assert_eq!(
            (s.style, s.round, s.group, s.show_unit),
            (Style::Sci, RoundMode::Trunc, Some(false), false)
        );
    }

    #[test]
    fn ranges_print_the_unit_once() {
        let r = |lo: Value, hi: Value, a: &[(&str, &str)], t: Target| {
            format_range(lo, hi, &spec(a), t).unwrap()
        };
        let m = [("style", "multiple"), ("digits", "0")];
        assert_eq!(r(n(156.0), n(312.0), &m, Target::Text), "156–312×");
        assert_eq!(
            r(n(156.0), n(312.0), &m, Target::LatexText),
            "156--312\\texttimes{}"
        );
        assert_eq!(
            r(n(156.0), n(312.0), &m, Target::Math),
            "156\\text{--}312\\times"
        );
        assert_eq!(
            r(q("3 W"), q("5 W"), &[("unit", "W")], Target::Text),
            "3–5 W"
        );
        let d = [("unit", "$"), ("style", "scaled"), ("digits", "1")];
        assert_eq!(
            r(q("1.2e6 USD"), q("1.8e6 USD"), &d, Target::Text),
            "$1.2–1.8M"
        );
        assert_eq!(
            r(q("1.2e6 USD"), q("1.8e6 USD"), &d, Target::Markdown),
            "\\$1.2–1.8M"
        );
        // One scale for both ends, the larger one's.
        assert_eq!(
            r(q("800e3 USD"), q("1.8e6 USD"), &d, Target::Text),
            "$0.8–1.8M"
        );
        // Grouped alike.
        assert_eq!(r(n(1000.0), n(20_000.0), &[], Target::Text), "1,000–20,000");
        assert_eq!(
            r(
                q("3 s"),
                q("5 s"),
                &[("unit", "s"), ("unit-style", "word")],
                Target::Text
            ),
            "3–5 seconds"
        );
        let e = format_range(q("1 s"), q("1 W"), &spec(&[("unit", "s")]), Target::Text);
        assert_eq!(
            e.unwrap_err().to_string(),
            "the range end `to` is power, but the value is time; both ends need the same dimension"
        );
    }

    #[test]
    fn unit_words_labels_and_forced_scale() {
        let w = |v: Value, unit: &str| {
            text(
                v,
                &[("unit", unit), ("unit-style", "word"), ("digits", "1")],
            )
        };
        assert_eq!(w(q("961538.5 s"), "s"), "961,538.5 seconds");
        assert_eq!(
            text(q("1 d"), &[("unit", "d"), ("unit-style", "word")]),
            "1 day"
        );
        assert_eq!(
            text(q("2 d"), &[("unit", "d"), ("unit-style", "word")]),
            "2 days"
        );
        assert_eq!(w(q("140 d"), "month"), "4.6 months");
        assert_eq!(
            text(n(0.05), &[("style", "percent"), ("unit-style", "word")]),
            "5 percent"
        );
        assert_eq!(
            math(n(0.05), &[("style", "percent"), ("unit-style", "word")]),
            "5\\,\\text{percent}"
        );
        assert_eq!(
            format_value(
                q("5 s"),
                &spec(&[("unit", "s"), ("unit-style", "word")]),
                Target::LatexText
            )
            .unwrap(),
            "5 seconds"
        );
        assert_eq!(
            text(q("500 USD"), &[("unit", "$"), ("unit-style", "word")]),
            "500 dollars"
        );
        let e = format_value(
            q("1 TB/s"),
            &spec(&[("unit", "TB/s"), ("unit-style", "word")]),
            Target::Text,
        );
        assert!(matches!(e, Err(FormatError::NoUnitWord { .. })));
        let e = FormatSpec::default()
            .apply("unit-style", "long")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "`unit-style=\"long\"` is not valid: expected symbol, word"
        );

        assert_eq!(
            text(q("200 1/s"), &[("unit", "1/s"), ("label", "QPS")]),
            "200 QPS"
        );
        assert_eq!(
            math(q("200 1/s"), &[("unit", "1/s"), ("label", "tokens/s")]),
            "200\\,\\text{tokens/s}"
        );
        assert_eq!(
            format_value(
                q("200 1/s"),
                &spec(&[("unit", "1/s"), ("label", "req_s")]),
                Target::LatexText
            )
            .unwrap(),
            "200 req\\_s"
        );

        let m = [("unit", "$"), ("scale", "M"), ("digits", "2")];
        assert_eq!(text(q("660420 USD"), &m), "$0.66M");
        assert_eq!(math(q("660420 USD"), &m), "\\$0.66\\mathrm{M}");
        assert_eq!(
            text(n(18.25e9), &[("scale", "T"), ("digits", "3")]),
            "0.018T"
        );
        assert_eq!(
            text(n(18.25e9), &[("scale", "K"), ("style", "scaled")]),
            "18,250,000K"
        );
        let e = FormatSpec::default().apply("scale", "G").unwrap_err();
        assert_eq!(
            e.to_string(),
            "`scale=\"G\"` is not valid: expected K, M, B, T"
        );
        let mut s = FormatSpec::default();
        s.apply("style", "plain").unwrap();
        assert_eq!(
            s.apply("scale", "M").unwrap_err().to_string(),
            "`scale` forces the suffix of style `scaled` (K, M, B, T), but the style is `plain`; remove `scale` or write style=\"scaled\""
        );
        let mut s = FormatSpec::default();
        s.apply("scale", "M").unwrap();
        assert!(s.apply("style", "percent").is_err());
    }

    #[test]
    fn group_from_and_new_display_units() {
        let g4 = |x: f64| {
            let s = FormatSpec {
                group_from: 4,
                ..FormatSpec::default()
            };
            format_number(x, &s, Target::Text).unwrap()
        };
        assert_eq!(g4(1898.0), "1,898");
        assert_eq!(g4(989.0), "989");
        assert_eq!(text(n(1898.0), &[]), "1898");
        assert_eq!(
            text(q("1 year"), &[("unit", "d"), ("digits", "2")]),
            "365.25 d"
        );
        assert_eq!(text(q("1 yr"), &[("unit", "d")]), "365 d");
        assert_eq!(text(q("1 year"), &[("unit", "month")]), "12 month");
        assert_eq!(text(q("14 d"), &[("unit", "week")]), "2 week");
        assert_eq!(text(q("640 pJ"), &[("unit", "nJ")]), "0.64 nJ");
        assert_eq!(
            text(q("3.7 pJ/FLOP"), &[("unit", "pJ/FLOP")]),
            "3.7 pJ/FLOP"
        );
        assert_eq!(text(q("200 km/ms"), &[("unit", "km/ms")]), "200 km/ms");
        assert_eq!(math(q("1 μJ"), &[("unit", "μJ")]), "1\\,\\mu\\mathrm{J}");
    }

    #[test]
    fn display_value_for_guards() {
        let x = display_value(q("3.35 TB/s"), &FormatSpec::unit("GB/s")).unwrap();
        assert!((x - 3350.0).abs() < 1e-9);
        let p = display_value(n(0.636), &spec(&[("style", "percent")])).unwrap();
        assert!((p - 63.6).abs() < 1e-9);
    }

    #[test]
    fn number_helpers() {
        assert_eq!(format_number_plain(1234.5678, 2).unwrap(), "1234.57");
        assert_eq!(format_number_plain(12345.5, 0).unwrap(), "12,346");
        assert_eq!(
            format_number(63.6, &FormatSpec::unit("%"), Target::Math).unwrap(),
            "63.6\\%"
        );
    }
}
