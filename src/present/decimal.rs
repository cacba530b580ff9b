//! Exact decimal rounding of `f64` values, done on their shortest decimal representation so that
//! binary artefacts never decide a rounding (21.45 → 21.5 with half-up, not 21.4).

use smallvec::SmallVec;
use std::io::Write;
use std::str::FromStr;

/// Decimal digits, on the stack for every number a book prints.
pub(crate) type Digits = SmallVec<[u8; 32]>;

/// How a value is rounded to the shown number of digits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RoundMode {
    /// Ties away from zero (2.5 → 3, −2.5 → −3). The book's default.
    #[default]
    HalfUp,
    /// Ties to the even neighbour (2.5 → 2, 3.5 → 4).
    HalfEven,
    /// Towards −∞.
    Floor,
    /// Towards +∞.
    Ceil,
    /// Towards zero.
    Trunc,
}

impl RoundMode {
    /// The attribute spellings, for error messages.
    pub const NAMES: &'static str = "half-up, half-even, floor, ceil, trunc";
}

impl FromStr for RoundMode {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s {
            "half-up" => RoundMode::HalfUp,
            "half-even" => RoundMode::HalfEven,
            "floor" => RoundMode::Floor,
            "ceil" => RoundMode::Ceil,
            "trunc" => RoundMode::Trunc,
            _ => return Err(()),
        })
    }
}

/// A finite decimal number `±digits × 10^exp`. `digits` has no leading zeros; it is empty for zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Decimal {
    pub neg: bool,
    pub digits: Digits,
    pub exp: i32,
}

/// Significant digits kept from an `f64` before any display rounding. The shortest round-trip
/// representation has up to 17 digits; the last one or two carry conversion noise
/// (21.449999999999996 for 21.45 after a unit change), which must not decide a tie.
const CLEAN_SIG: i32 = 15;

impl Decimal {
    /// The decimal value of a finite `f64`: its shortest round-trip representation (Rust's `{}`),
    /// then rounded half-even to 15 significant digits to drop conversion noise.
    pub fn from_f64(x: f64) -> Decimal {
        debug_assert!(x.is_finite());
        // `{:e}` of an f64 is at most 24 bytes (`-1.7976931348623157e308`).
        let mut buf = [0u8; 32];
        let mut w = &mut buf[..];
        write!(w, "{:e}", x.abs()).expect("fits");
        let n = 32 - w.len();
        let s = std::str::from_utf8(&buf[..n]).expect("ASCII");
        let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let frac_len = mant.split_once('.').map_or(0, |(_, f)| f.len()) as i32;
        let digits: Digits = mant
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        let d = Decimal {
            neg: x < 0.0,
            digits,
            exp: exp - frac_len,
        }
        .normalized();
        if d.is_zero() {
            return d;
        }
        d.round_sig(CLEAN_SIG, RoundMode::HalfEven).trimmed()
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// Exponent of the leading digit (`floor(log10(|x|))`); 0 for zero.
    pub fn lead(&self) -> i32 {
        if self.is_zero() {
            0
        } else {
            self.digits.len() as i32 - 1 + self.exp
        }
    }

    /// Multiplies by `10^k`, exactly.
    pub fn shift(mut self, k: i32) -> Decimal {
        self.exp += k;
        self
    }

    /// Removes trailing zero digits (raising `exp`), keeping the value.
    pub fn trimmed(mut self) -> Decimal {
        while self.digits.last() == Some(&0) {
            self.digits.pop();
            self.exp += 1;
        }
        self
    }

    fn normalized(mut self) -> Decimal {
        let lead_zeros = self.digits.iter().take_while(|d| **d == 0).count();
        self.digits.drain(..lead_zeros);
        if self.digits.is_empty() {
            self.neg = false;
            self.exp = 0;
        }
        self
    }

    /// Number of decimals the value needs once trimmed (0 for integers).
    pub fn needed_decimals(&self) -> i32 {
        if self.is_zero() {
            return 0;
        }
        (-self.clone().trimmed().exp).max(0)
    }

    /// Rounds to `sig` significant digits.
    pub fn round_sig(&self, sig: i32, mode: RoundMode) -> Decimal {
        self.round(sig - 1 - self.lead(), mode)
    }

    /// Rounds to `decimals` digits after the point (negative: to tens, hundreds…). The result has
    /// `exp == -decimals` unless it is zero.
    pub fn round(&self, decimals: i32, mode: RoundMode) -> Decimal {
        let target = -decimals;
        if self.is_zero() {
            return Decimal {
                neg: false,
                digits: Digits::new(),
                exp: target,
            };
        }
        if self.exp >= target {
            let mut digits = self.digits.clone();
            digits.resize(digits.len() + (self.exp - target) as usize, 0);
            return Decimal {
                neg: self.neg,
                digits,
                exp: target,
            };
        }
        let drop = (target - self.exp) as usize;
        let n = self.digits.len();
        let (kept, first, rest_nonzero) = if drop <= n {
            let k = n - drop;
            let rest = self.digits[k + 1..].iter().any(|d| *d != 0);
            (&self.digits[..k], self.digits[k], rest)
        } else {
            // Everything is dropped and the first dropped place is an implicit zero.
            (&self.digits[..0], 0, true)
        };
        let any_nonzero = first != 0 || rest_nonzero;
        let last_odd = kept.last().is_some_and(|d| d % 2 == 1);
        let up = match mode {
            RoundMode::Trunc => false,
            RoundMode::HalfUp => first >= 5,
            RoundMode::HalfEven => first > 5 || (first == 5 && (rest_nonzero || last_odd)),
            RoundMode::Floor => self.neg && any_nonzero,
            RoundMode::Ceil => !self.neg && any_nonzero,
        };
        let mut digits = Digits::from_slice(kept);
        if up {
            let mut i = digits.len();
            loop {
                if i == 0 {
                    digits.insert(0, 1);
                    break;
                }
                i -= 1;
                if digits[i] == 9 {
                    digits[i] = 0;
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
        let r = Decimal {
            neg: self.neg,
            digits,
            exp: target,
        }
        .normalized();
        if r.is_zero() {
            Decimal {
                neg: false,
                digits: Digits::new(),
                exp: target,
            }
        } else {
            r
        }
    }

    /// Integer and fraction digits for exactly `decimals` places (call after `round(decimals)`).
    pub fn fixed_parts(&self, decimals: i32) -> (String, String) {
        let r = if self.exp == -decimals {
            self.clone()
        } else {
            self.round(decimals, RoundMode::HalfUp)
        };
        let mut s: String = r.digits.iter().map(|d| char::from(b'0' + d)).collect();
        if decimals <= 0 {
            if s.is_empty() {
                return ("0".into(), String::new());
            }
            s.extend(std::iter::repeat_n('0', (-decimals) as usize));
            return (s, String::new());
        }
        let d = decimals as usize;
        if s.len() < d + 1 {
            s = format!("{}{}", "0".repeat(d + 1 - s.len()), s);
        }
        let frac = s.split_off(s.len() - d);
        (s, frac)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(x: f64, decimals: i32, mode: RoundMode) -> String {
        let d = Decimal::from_f64(x).round(decimals, mode);
        let (i, f) = d.fixed_parts(decimals);
        let sign = if d.neg { "-" } else { "" };
        if f.is_empty() {
            format!("{sign}{i}")
        } else {
            format!("{sign}{i}.{f}")
        }
    }

    #[test]
    fn from_f64_uses_shortest_repr() {
        let d = Decimal::from_f64(2.675);
        assert_eq!((d.digits.as_slice(), d.exp), (&[2, 6, 7, 5][..], -3));
        let d = Decimal::from_f64(1e23);
        assert_eq!((d.digits.as_slice(), d.exp), (&[1][..], 23));
        assert!(Decimal::from_f64(0.0).is_zero());
        assert!(!Decimal::from_f64(-0.0).neg);
        // Conversion noise is cleaned at 15 significant digits.
        assert_eq!(Decimal::from_f64(0.1 + 0.2), Decimal::from_f64(0.3));
        assert_eq!(
            Decimal::from_f64(3350.0000000000005),
            Decimal::from_f64(3350.0)
        );
        assert_eq!(
            Decimal::from_f64(21.449999999999996),
            Decimal::from_f64(21.45)
        );
    }

    #[test]
    fn half_up_on_decimal_not_binary() {
        use RoundMode::*;
        assert_eq!(fixed(21.45, 1, HalfUp), "21.5");
        assert_eq!(fixed(429.0 / 20.0, 1, HalfUp), "21.5");
        assert_eq!(fixed(2.675, 2, HalfUp), "2.68");
        assert_eq!(fixed(1.005, 2, HalfUp), "1.01");
        assert_eq!(fixed(-2.5, 0, HalfUp), "-3");
        assert_eq!(fixed(0.05, 1, HalfUp), "0.1");
        assert_eq!(fixed(0.04, 1, HalfUp), "0.0");
        assert_eq!(fixed(999.96, 1, HalfUp), "1000.0");
    }

    #[test]
    fn other_modes() {
        use RoundMode::*;
        assert_eq!(fixed(0.125, 2, HalfEven), "0.12");
        assert_eq!(fixed(0.375, 2, HalfEven), "0.38");
        assert_eq!(fixed(0.1251, 2, HalfEven), "0.13");
        assert_eq!(fixed(2.5, 0, HalfEven), "2");
        assert_eq!(fixed(3.5, 0, HalfEven), "4");
        assert_eq!(fixed(2.19, 1, Floor), "2.1");
        assert_eq!(fixed(-2.11, 1, Floor), "-2.2");
        assert_eq!(fixed(2.11, 1, Ceil), "2.2");
        assert_eq!(fixed(-2.19, 1, Ceil), "-2.1");
        assert_eq!(fixed(-2.19, 1, Trunc), "-2.1");
        assert_eq!(fixed(2.19, 1, Trunc), "2.1");
        assert_eq!(fixed(0.001, 1, Ceil), "0.1");
        assert_eq!(fixed(-0.001, 1, Ceil), "0.0");
        assert_eq!(fixed(0.001, 1, Floor), "0.0");
        assert_eq!(fixed(-0.001, 1, Floor), "-0.1");
    }

    #[test]
    fn negative_decimals_and_padding() {
        use RoundMode::*;
        assert_eq!(fixed(123456.0, -3, HalfUp), "123000");
        assert_eq!(fixed(123500.0, -3, HalfEven), "124000");
        assert_eq!(fixed(499.0, -3, HalfUp), "0");
        assert_eq!(fixed(500.0, -3, HalfUp), "1000");
        assert_eq!(fixed(0.000123, 6, HalfUp), "0.000123");
        assert_eq!(fixed(7.0, 3, HalfUp), "7.000");
        assert_eq!(fixed(0.0, 2, HalfUp), "0.00");
    }

    #[test]
    fn lead_sig_and_needed_decimals() {
        let d = Decimal::from_f64(0.000123);
        assert_eq!(d.lead(), -4);
        assert_eq!(d.needed_decimals(), 6);
        assert_eq!(Decimal::from_f64(295.2).lead(), 2);
        assert_eq!(Decimal::from_f64(80.0).needed_decimals(), 0);
        let r = Decimal::from_f64(9.996).round_sig(3, RoundMode::HalfUp);
        assert_eq!(r.lead(), 1);
        assert_eq!(
            Decimal::from_f64(1.5).shift(2),
            Decimal::from_f64(150.0).trimmed().shift(0)
        );
    }
}
