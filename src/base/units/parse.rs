//! Parsing of unit expressions (`TB/s`, `g/kWh`, `FLOP/byte`) and quantity strings (`3.35 TB/s`).

use super::dim::Dim;
use super::table::atom;
use super::value::Value;
use thiserror::Error;

/// A unit or quantity string that could not be read.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum UnitError {
    /// A unit symbol that is not in the table.
    #[error("unknown unit `{0}`")]
    UnknownUnit(String),
    /// A number that could not be read.
    #[error("`{0}` is not a number")]
    BadNumber(String),
    /// An empty unit expression or a dangling operator.
    #[error("malformed unit expression `{0}`")]
    Malformed(String),
}

/// A parsed unit expression: factor to base units and dimension.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unit {
    /// Multiply by this to convert to base units.
    pub factor: f64,
    /// Dimension of the unit.
    pub dim: Dim,
}

impl Unit {
    /// The dimensionless unit 1.
    pub const ONE: Unit = Unit {
        factor: 1.0,
        dim: Dim::NONE,
    };
}

/// Parses a unit expression made of table atoms joined by `/`, `*`, `·` or spaces, with optional
/// integer exponents (`m^3`). `a/b/c` means `a/(b·c)`.
pub fn parse_unit(expr: &str) -> Result<Unit, UnitError> {
    let s = expr.trim();
    if s.is_empty() {
        return Err(UnitError::Malformed(expr.to_string()));
    }
    let mut factor = 1.0;
    let mut dim = Dim::NONE;
    let mut dividing = false;
    let mut expect_term = true;
    let mut chars = s.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        match c {
            ' ' | '\t' => {
                chars.next();
            }
            '/' => {
                if expect_term {
                    return Err(UnitError::Malformed(expr.to_string()));
                }
                dividing = true;
                expect_term = true;
                chars.next();
            }
            '*' | '·' | '⋅' => {
                if expect_term {
                    return Err(UnitError::Malformed(expr.to_string()));
                }
                expect_term = true;
                chars.next();
            }
            _ => {
                let start = i;
                let mut end = s.len();
                while let Some(&(j, c)) = chars.peek() {
                    if matches!(c, ' ' | '\t' | '/' | '*' | '·' | '⋅' | '^') {
                        end = j;
                        break;
                    }
                    chars.next();
                }
                let sym = &s[start..end];
                let def = atom(sym).ok_or_else(|| UnitError::UnknownUnit(sym.to_string()))?;
                let mut exp: i32 = 1;
                if let Some(&(_, '^')) = chars.peek() {
                    chars.next();
                    let mut num = String::new();
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_ascii_digit() || (c == '-' && num.is_empty()) {
                            num.push(c);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    exp = num
                        .parse()
                        .map_err(|_| UnitError::Malformed(expr.to_string()))?;
                }
                if dividing {
                    exp = -exp;
                }
                factor *= def.factor.powi(exp);
                dim = dim.mul(def.dim.powi(exp as i8));
                expect_term = false;
            }
        }
    }
    if expect_term {
        return Err(UnitError::Malformed(expr.to_string()));
    }
    Ok(Unit { factor, dim })
}

/// Parses a number as written in the registry or a directive: digits, `.`, exponent, `_` separators.
pub fn parse_number(s: &str) -> Result<f64, UnitError> {
    let cleaned: String = s.chars().filter(|c| *c != '_').collect();
    let ok = !cleaned.is_empty()
        && cleaned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if !ok {
        return Err(UnitError::BadNumber(s.to_string()));
    }
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| UnitError::BadNumber(s.to_string()))
}

/// Parses a quantity string: a number followed by an optional unit expression (`3.35 TB/s`,
/// `80 GiB`, `0.12 $/kWh`, `$25000`, `0.95`).
pub fn parse_quantity(s: &str) -> Result<Value, UnitError> {
    let t = s.trim();
    // `$25,000`-style currency prefix.
    if let Some(rest) = t.strip_prefix('$') {
        let n = parse_number(&rest.replace(',', ""))?;
        return Ok(Value::new(n, Dim::CURRENCY));
    }
    let split = t
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_digit()
                || c == '.'
                || c == '_'
                || ((c == '+' || c == '-')
                    && (i == 0 || matches!(t.as_bytes()[i - 1], b'e' | b'E')))
                || ((c == 'e' || c == 'E')
                    && t[i + 1..]
                        .starts_with(|n: char| n.is_ascii_digit() || n == '-' || n == '+')
                    && i > 0))
        })
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n = parse_number(num.trim())?;
    let unit = unit.trim();
    if unit.is_empty() {
        return Ok(Value::new(n, Dim::NONE));
    }
    let u = parse_unit(unit)?;
    Ok(Value::new(n * u.factor, u.dim))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1e-300)
    }

    #[test]
    fn decimal_and_binary_prefixes() {
        assert!(close(
            parse_quantity("80 GiB").unwrap().si,
            85_899_345_920.0
        ));
        assert!(close(parse_quantity("1 KB").unwrap().si, 1000.0));
        assert!(close(parse_quantity("1 KiB").unwrap().si, 1024.0));
        assert!(close(parse_quantity("3.35 TB/s").unwrap().si, 3.35e12));
        assert_eq!(parse_quantity("3.35 TB / s").unwrap().dim, Dim::BANDWIDTH);
    }

    #[test]
    fn rates_and_intensities() {
        let tops = parse_quantity("275 TOPS").unwrap();
        assert_eq!(tops.dim, Dim::COMPUTE_RATE);
        assert!(close(tops.si, 275e12));
        let gbps = parse_quantity("400 Gb/s").unwrap();
        assert!(close(gbps.si, 50e9));
        assert_eq!(parse_quantity("100 Gbps").unwrap(), gbps.scale(0.25));
        let ci = parse_quantity("20 g/kWh").unwrap();
        assert_eq!(ci.dim, Dim::CARBON_INTENSITY);
        assert!(close(ci.si, 20e-3 / 3.6e6));
        let price = parse_quantity("0.12 $/kWh").unwrap();
        assert_eq!(price.dim, Dim::ENERGY_PRICE);
        assert_eq!(
            parse_quantity("989 TFLOP/s").unwrap().dim,
            Dim::COMPUTE_RATE
        );
        assert_eq!(
            parse_quantity("295 FLOP/byte").unwrap().dim,
            Dim::ARITHMETIC_INTENSITY
        );
        assert_eq!(parse_quantity("10 1/s").unwrap().dim, Dim::FREQUENCY);
    }

    #[test]
    fn numbers_and_errors() {
        assert_eq!(parse_quantity("1e-3").unwrap().si, 1e-3);
        assert_eq!(
            parse_quantity("6.4e-5 TFLOP/s").unwrap().dim,
            Dim::COMPUTE_RATE
        );
        assert_eq!(parse_quantity("25_000 USD").unwrap().si, 25000.0);
        assert_eq!(parse_quantity("$25,000").unwrap().dim, Dim::CURRENCY);
        assert!(matches!(
            parse_quantity("3 furlongs"),
            Err(UnitError::UnknownUnit(_))
        ));
        assert!(matches!(
            parse_quantity("abc GB"),
            Err(UnitError::BadNumber(_))
        ));
        assert!(matches!(parse_unit("GB/"), Err(UnitError::Malformed(_))));
        assert_eq!(parse_unit("m^3").unwrap().dim, Dim::VOLUME);
    }
}
