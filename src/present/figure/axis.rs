//! Axes: value ↔ pixel mappings and tick positions (logarithmic decades for rooflines, linear
//! steps for scorecards). Tick labels are formatted by [`crate::present::format`], like the text.

use crate::present::format::{format_number, FormatSpec, Style, Target};

/// A logarithmic axis from `lo` to `hi` drawn from pixel `p0` to `p1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogAxis {
    /// Smallest value.
    pub lo: f64,
    /// Largest value.
    pub hi: f64,
    /// Pixel of `lo`.
    pub p0: f64,
    /// Pixel of `hi`.
    pub p1: f64,
}

impl LogAxis {
    /// The pixel of `v` (values outside the range map outside the pixel range).
    pub fn px(&self, v: f64) -> f64 {
        let (a, b) = (self.lo.log10(), self.hi.log10());
        self.p0 + (v.log10() - a) / (b - a) * (self.p1 - self.p0)
    }

    /// Pixels per factor of ten.
    pub fn per_decade(&self) -> f64 {
        (self.p1 - self.p0) / (self.hi.log10() - self.lo.log10())
    }

    fn in_range(&self, v: f64) -> bool {
        v >= self.lo * (1.0 - 1e-9) && v <= self.hi * (1.0 + 1e-9)
    }

    /// Powers of ten within the range.
    pub fn decades(&self) -> Vec<f64> {
        let (a, b) = (
            self.lo.log10().floor() as i32,
            self.hi.log10().ceil() as i32,
        );
        (a..=b).map(pow10).filter(|v| self.in_range(*v)).collect()
    }

    /// 2…9 × each power of ten within the range.
    pub fn minors(&self) -> Vec<f64> {
        let (a, b) = (
            self.lo.log10().floor() as i32,
            self.hi.log10().ceil() as i32,
        );
        let mut out = Vec::new();
        for e in a..=b {
            for m in 2..=9 {
                let v = f64::from(m) * pow10(e);
                if self.in_range(v) {
                    out.push(v);
                }
            }
        }
        out
    }
}

/// 10^e, exact for the decades used on axes.
pub fn pow10(e: i32) -> f64 {
    // Parsing gives the correctly rounded value (`10f64.powi(-3)` is not 0.001 exactly).
    format!("1e{e}").parse().expect("a power of ten parses")
}

/// The label of a decade tick: plain (`0.1`, `1`, `10,000`) from 0.001 to 10,000, scientific
/// (`1 × 10⁶`) beyond.
pub fn decade_label(v: f64) -> String {
    grouped_decade_label(v, None)
}

/// The labels of an axis' decade ticks, grouped alike: when one plain label reaches 10,000, the
/// thousands get their separator too (`1,000` beside `10,000`, never `1000` beside `10,000`).
pub fn decade_labels(values: &[f64]) -> Vec<String> {
    let group = values.iter().any(|v| v.log10().round() as i32 == 4);
    values
        .iter()
        .map(|v| grouped_decade_label(*v, Some(group)))
        .collect()
}

fn grouped_decade_label(v: f64, group: Option<bool>) -> String {
    let e = v.log10().round() as i32;
    let spec = if (-3..=4).contains(&e) {
        FormatSpec {
            digits: Some((-e).max(0) as u32),
            group,
            ..FormatSpec::default()
        }
    } else {
        FormatSpec {
            digits: Some(0),
            style: Style::Sci,
            ..FormatSpec::default()
        }
    };
    format_number(v, &spec, Target::Text).expect("a power of ten formats")
}

/// The smallest power of ten ≥ `v`'s decade floor: 10^floor(log10 v).
pub fn decade_floor(v: f64) -> f64 {
    pow10(v.log10().floor() as i32)
}

/// 10^ceil(log10 v).
pub fn decade_ceil(v: f64) -> f64 {
    pow10((v.log10() - 1e-12).ceil() as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_axis_maps_decades_evenly() {
        let a = LogAxis {
            lo: 0.1,
            hi: 1e4,
            p0: 100.0,
            p1: 600.0,
        };
        assert!((a.px(0.1) - 100.0).abs() < 1e-9);
        assert!((a.px(1.0) - 200.0).abs() < 1e-9);
        assert!((a.px(1e4) - 600.0).abs() < 1e-9);
        assert_eq!(a.decades(), vec![0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0]);
        assert_eq!(a.minors().len(), 5 * 8);
        assert!((a.per_decade() - 100.0).abs() < 1e-9);
    }

    #[test]
    fn labels_use_the_book_formatting() {
        assert_eq!(decade_label(0.1), "0.1");
        assert_eq!(decade_label(0.001), "0.001");
        assert_eq!(decade_label(1000.0), "1000");
        assert_eq!(decade_label(10000.0), "10,000");
        assert_eq!(decade_label(1e6), "1 × 10⁶");
        assert_eq!(
            decade_labels(&[100.0, 1000.0, 10000.0]),
            ["100", "1,000", "10,000"]
        );
        assert_eq!(decade_labels(&[100.0, 1000.0]), ["100", "1000"]);
        assert_eq!(decade_label(1e-5), "1 × 10⁻⁵");
        assert_eq!(decade_floor(295.0), 100.0);
        assert_eq!(decade_ceil(295.0), 1000.0);
        assert_eq!(decade_ceil(1000.0), 1000.0);
    }
}
