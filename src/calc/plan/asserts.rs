//! Scorecard metrics and the asserts on them.
//!
//! A metric is `level.key` (mlsysim's names, §2.7 of the fact sheet) with a fixed unit; the set
//! depends on the plan: one device or a fleet, and whether `ops` enables the macro level. An assert
//! on a metric the plan does not produce is a plan error (mlsysim instead fails the SLA with "… is
//! not available in evaluation metrics", exit 3, which is how its own README example always fails).
//! Bounds are numbers in the metric's unit or quantities with a unit (`max = "50 ms"`).

use super::{AssertSpec, Bound};
use crate::base::text::closest;
use crate::base::units::{parse_quantity, parse_unit, Value};

/// The three scorecard levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Does it fit in memory?
    Feasibility,
    /// How fast, and what binds?
    Performance,
    /// What does it cost: TCO and carbon.
    Macro,
}

impl Level {
    /// The name used in metric keys (`performance`).
    pub fn key(self) -> &'static str {
        match self {
            Level::Feasibility => "feasibility",
            Level::Performance => "performance",
            Level::Macro => "macro",
        }
    }

    /// Display title.
    pub fn title(self) -> &'static str {
        match self {
            Level::Feasibility => "Feasibility",
            Level::Performance => "Performance",
            Level::Macro => "Macro",
        }
    }
}

/// One metric of the scorecard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricDef {
    /// Level.
    pub level: Level,
    /// Key inside the level (`step_latency`).
    pub key: &'static str,
    /// Unit of numbers in asserts and in the output (`ms`; `1` for ratios).
    pub unit: &'static str,
    /// What it measures.
    pub what: &'static str,
}

impl MetricDef {
    /// `level.key`.
    pub fn name(&self) -> String {
        format!("{}.{}", self.level.key(), self.key)
    }
}

const fn m(level: Level, key: &'static str, unit: &'static str, what: &'static str) -> MetricDef {
    MetricDef {
        level,
        key,
        unit,
        what,
    }
}

use Level::{Feasibility as F, Macro as M, Performance as P};

/// Feasibility metrics (per accelerator on a fleet).
pub const FEASIBILITY: &[MetricDef] = &[
    m(F, "memory_used_gb", "GB", "memory needed per accelerator"),
    m(
        F,
        "memory_capacity_gb",
        "GB",
        "memory capacity per accelerator",
    ),
    m(F, "memory_utilization", "1", "needed / capacity"),
];

/// Performance metrics of one device (inference, the roofline solver).
pub const PERFORMANCE_DEVICE: &[MetricDef] = &[
    m(P, "latency", "ms", "latency of one batch"),
    m(P, "throughput", "1/s", "samples per second"),
    m(P, "mfu", "1", "model FLOP utilisation"),
];

/// Performance metrics of a fleet (a training step, the distributed solver).
pub const PERFORMANCE_FLEET: &[MetricDef] = &[
    m(P, "step_latency", "ms", "time of one training step"),
    m(
        P,
        "comm_overhead",
        "ms",
        "DP + TP + EP communication per step",
    ),
    m(P, "bubble_fraction", "1", "pipeline bubble fraction"),
    m(
        P,
        "fleet_throughput",
        "1/s",
        "samples per second over the fleet",
    ),
    m(P, "mfu", "1", "fleet MFU = node MFU × scaling efficiency"),
    m(P, "node_mfu", "1", "MFU of one replica"),
    m(P, "scaling_efficiency", "1", "replica time / step time"),
];

/// Macro metrics (with `ops.duration_days`).
pub const MACRO: &[MetricDef] = &[
    m(
        M,
        "tco_usd",
        "USD",
        "total cost of ownership over the period",
    ),
    m(M, "capex", "USD", "CapEx charged to the period"),
    m(M, "energy_cost", "USD", "electricity cost"),
    m(M, "total_energy", "MWh", "facility energy (IT × PUE)"),
    m(M, "carbon_footprint", "t", "operational carbon"),
    m(M, "carbon_cost_usd", "USD", "carbon × ops.carbon_tax"),
];

/// The metrics a plan produces.
pub fn catalog(fleet: bool, with_macro: bool) -> Vec<&'static MetricDef> {
    let perf = if fleet {
        PERFORMANCE_FLEET
    } else {
        PERFORMANCE_DEVICE
    };
    let mut all: Vec<&MetricDef> = FEASIBILITY.iter().chain(perf).collect();
    if with_macro {
        all.extend(MACRO);
    }
    all
}

/// An assert ready to check: bounds in base units of the metric.
#[derive(Clone, Debug, PartialEq)]
pub struct Assert {
    /// The metric.
    pub metric: &'static MetricDef,
    /// Upper bound (base units).
    pub max: Option<f64>,
    /// Lower bound (base units).
    pub min: Option<f64>,
}

/// Which part of an assert is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// `metric`.
    Metric,
    /// `max`.
    Max,
    /// `min`.
    Min,
    /// The assert as a whole.
    Whole,
}

/// Resolves one assert against the metrics of the plan.
pub fn resolve(
    spec: &AssertSpec,
    metrics: &[&'static MetricDef],
    all: &[&'static MetricDef],
) -> Result<Assert, (Field, String, Option<String>)> {
    let Some(metric) = metrics.iter().find(|d| d.name() == spec.metric) else {
        let names: Vec<String> = metrics.iter().map(|d| d.name()).collect();
        let why = if all.iter().any(|d| d.name() == spec.metric) {
            if spec.metric.starts_with("macro.") {
                "it needs `ops.duration_days`".to_string()
            } else {
                "it belongs to the other kind of plan (one device vs a fleet)".to_string()
            }
        } else {
            "no such metric".to_string()
        };
        let suggestions = closest(&spec.metric, names.iter().map(String::as_str));
        let help = if suggestions.is_empty() {
            format!("metrics of this plan: {}", names.join(", "))
        } else {
            format!(
                "did you mean {}? metrics of this plan: {}",
                suggestions.join(", "),
                names.join(", ")
            )
        };
        return Err((
            Field::Metric,
            format!("unknown metric `{}` for this plan: {why}", spec.metric),
            Some(help),
        ));
    };
    if spec.max.is_none() && spec.min.is_none() {
        return Err((
            Field::Whole,
            format!("assert on `{}` has neither `max` nor `min`", spec.metric),
            None,
        ));
    }
    let max = spec
        .max
        .as_ref()
        .map(|b| bound_si(b, metric))
        .transpose()
        .map_err(|e| (Field::Max, e, None))?;
    let min = spec
        .min
        .as_ref()
        .map(|b| bound_si(b, metric))
        .transpose()
        .map_err(|e| (Field::Min, e, None))?;
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            return Err((
                Field::Whole,
                format!("assert on `{}` has min above max", spec.metric),
                None,
            ));
        }
    }
    Ok(Assert { metric, max, min })
}

/// A bound in base units: a number is in the metric's unit, text is a quantity of its dimension.
fn bound_si(b: &Bound, metric: &MetricDef) -> Result<f64, String> {
    let unit = parse_unit(metric.unit).expect("metric units are valid");
    let v = match b {
        Bound::Number(x) => Value::new(x * unit.factor, unit.dim),
        Bound::Text(s) => parse_quantity(s).map_err(|e| format!("bound `{s}`: {e}"))?,
    };
    if v.dim != unit.dim {
        return Err(format!(
            "bound of `{}` must be {} (e.g. a number in {}), got {}",
            metric.name(),
            unit.dim.name(),
            metric.unit,
            v.dim.name()
        ));
    }
    if !v.si.is_finite() {
        return Err("bound must be a finite number".into());
    }
    Ok(v.si)
}

/// The outcome of one assert.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// `level.key`.
    pub metric: String,
    /// Unit of the numbers below.
    pub unit: &'static str,
    /// The metric's value.
    pub value: f64,
    /// Upper bound.
    pub max: Option<f64>,
    /// Lower bound.
    pub min: Option<f64>,
    /// Whether both bounds hold.
    pub pass: bool,
    /// "performance.step_latency (117,842 ms) exceeds max (50 ms)", or the bounds met.
    pub message: String,
}

/// Checks an assert against the metric's value (base units).
pub fn check(a: &Assert, value_si: f64) -> Outcome {
    let factor = parse_unit(a.metric.unit)
        .expect("metric units are valid")
        .factor;
    let v = value_si / factor;
    let max = a.max.map(|x| x / factor);
    let min = a.min.map(|x| x / factor);
    let name = a.metric.name();
    let show = |x: f64| super::evaluate::number(x, a.metric.unit);
    let over = max.filter(|hi| v > *hi);
    let under = min.filter(|lo| v < *lo);
    let message = match (over, under) {
        (Some(hi), _) => format!("{name} ({}) exceeds max ({})", show(v), show(hi)),
        (_, Some(lo)) => format!("{name} ({}) is below min ({})", show(v), show(lo)),
        _ => {
            let mut parts = Vec::new();
            if let Some(lo) = min {
                parts.push(format!("{} ≤", show(lo)));
            }
            parts.push(format!("{name} ({})", show(v)));
            if let Some(hi) = max {
                parts.push(format!("≤ {}", show(hi)));
            }
            parts.join(" ")
        }
    };
    Outcome {
        metric: name,
        unit: a.metric.unit,
        value: v,
        max,
        min,
        pass: over.is_none() && under.is_none(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(metric: &str, max: Option<Bound>, min: Option<Bound>) -> AssertSpec {
        AssertSpec {
            metric: metric.into(),
            max,
            min,
        }
    }

    #[test]
    fn unknown_metric_names_the_reason_and_the_valid_ones() {
        let fleet = catalog(true, false);
        let all: Vec<_> = catalog(true, true)
            .into_iter()
            .chain(PERFORMANCE_DEVICE)
            .collect();
        let (field, msg, help) = resolve(
            &spec("performance.latency", Some(Bound::Number(50.0)), None),
            &fleet,
            &all,
        )
        .unwrap_err();
        assert_eq!(field, Field::Metric);
        assert!(msg.contains("other kind of plan"), "{msg}");
        assert!(help.unwrap().contains("performance.step_latency"));
        let (_, msg, _) = resolve(
            &spec("macro.tco_usd", Some(Bound::Number(1.0)), None),
            &fleet,
            &all,
        )
        .unwrap_err();
        assert!(msg.contains("ops.duration_days"), "{msg}");
        let (_, _, help) = resolve(
            &spec("performance.step_latncy", Some(Bound::Number(1.0)), None),
            &fleet,
            &all,
        )
        .unwrap_err();
        assert!(help
            .unwrap()
            .starts_with("did you mean performance.step_latency"));
    }

    #[test]
    fn bounds_in_metric_unit_or_with_units() {
        let dev = catalog(false, false);
        let a = resolve(
            &spec(
                "performance.latency",
                Some(Bound::Text("0.05 s".into())),
                None,
            ),
            &dev,
            &dev,
        )
        .unwrap();
        assert!((a.max.unwrap() - 0.05).abs() < 1e-12);
        let o = check(&a, 0.0501);
        assert!(!o.pass);
        assert_eq!(
            o.message,
            "performance.latency (50.10 ms) exceeds max (50.00 ms)"
        );
        let a = resolve(
            &spec(
                "feasibility.memory_utilization",
                Some(Bound::Number(1.0)),
                Some(Bound::Text("10%".into())),
            ),
            &dev,
            &dev,
        )
        .unwrap();
        assert!(check(&a, 0.5).pass);
        assert!(!check(&a, 0.05).pass);
        let bad = resolve(
            &spec(
                "performance.latency",
                Some(Bound::Text("5 GB".into())),
                None,
            ),
            &dev,
            &dev,
        );
        assert_eq!(bad.unwrap_err().0, Field::Max);
        let none = resolve(&spec("performance.latency", None, None), &dev, &dev);
        assert_eq!(none.unwrap_err().0, Field::Whole);
    }
}
