//! Roofline data: each device's roofs and ridge point, and each workload's point on every device,
//! from the registry and the roofline solver.

use super::super::backend::intern;
use super::super::FigureError;
use super::FigureRequest;
use crate::base::units::parse_unit;
use crate::calc::formulas::performance::{ridge_point, Bottleneck};
use crate::calc::params::Lineage;
use crate::calc::solvers::roofline::{self, RooflineOptions};
use crate::registry::types::Hardware;
use crate::registry::Registry;

/// Display units for the performance axis, smallest first.
pub(super) const RATE_UNITS: [&str; 5] = ["MFLOP/s", "GFLOP/s", "TFLOP/s", "PFLOP/s", "EFLOP/s"];
/// Display units for bandwidths, smallest first.
pub(super) const BW_UNITS: [&str; 4] = ["MB/s", "GB/s", "TB/s", "PB/s"];

pub(super) struct Device<'a> {
    pub(super) hw: &'a Hardware,
    pub(super) color: &'static str,
    /// Peak FLOP/s at the precision.
    pub(super) peak: f64,
    /// peak × η.
    pub(super) ceiling: f64,
    /// Main-memory bandwidth, byte/s.
    pub(super) bw: f64,
    /// ceiling / bw, FLOP/byte.
    pub(super) ridge: f64,
    pub(super) lineage: Lineage,
}

pub(super) struct Point {
    pub(super) ai: f64,
    pub(super) perf: f64,
    pub(super) bound: Bottleneck,
    pub(super) feasible: bool,
    pub(super) lineage: Lineage,
}

pub(super) struct Placed {
    pub(super) label: String,
    pub(super) name: String,
    pub(super) model: String,
    pub(super) model_name: String,
    pub(super) batch: u64,
    /// One point per device, in device order.
    pub(super) points: Vec<Point>,
}

pub(super) fn unit_factor(u: &str) -> f64 {
    parse_unit(u).expect("figure display units parse").factor
}

/// The largest unit in which `v` is at least `min` (else the smallest unit).
pub(super) fn pick_unit(v: f64, units: &[&'static str], min: f64) -> &'static str {
    units
        .iter()
        .rev()
        .find(|u| v / unit_factor(u) >= min)
        .copied()
        .unwrap_or(units[0])
}

pub(super) fn bound_text(b: Bottleneck) -> &'static str {
    match b {
        Bottleneck::Memory => "memory-bound",
        Bottleneck::Compute => "compute-bound",
    }
}

fn solve_err(attr: &str, e: impl std::fmt::Display) -> FigureError {
    FigureError::attr(attr, e.to_string())
}

/// The devices of a request: peak at the precision, bandwidth, ridge point × η, lineage.
pub(super) fn devices<'a>(
    reg: &'a Registry,
    req: &FigureRequest,
    warnings: &mut Vec<String>,
) -> Result<Vec<Device<'a>>, FigureError> {
    let eta = req.efficiency;
    let single = req.hardware.len() == 1;
    let theme = &req.theme;
    if !single && req.hardware.len() > theme.series.len() {
        return Err(FigureError::attr(
            "hardware",
            format!(
                "{} devices, but the figure theme `{}` has {} colours; list fewer or add colours to `series` in figure-theme.toml",
                req.hardware.len(),
                theme.name,
                theme.series.len()
            ),
        ));
    }
    if req.workloads.len() > theme.workloads.len() {
        return Err(FigureError::attr(
            "workloads",
            format!(
                "{} workloads, but the figure theme `{}` has {} workload colours; list fewer or add colours to `workloads` in figure-theme.toml",
                req.workloads.len(),
                theme.name,
                theme.workloads.len()
            ),
        ));
    }
    let mut devs: Vec<Device<'a>> = Vec::new();
    for (i, key) in req.hardware.iter().enumerate() {
        let hw = reg.hardware(key).map_err(|e| solve_err("hardware", e))?;
        let mut lin = Lineage::new("roofline");
        let (peak, warn) = roofline::precision_peak(hw, req.precision, &mut lin);
        warnings.extend(warn);
        let bw = lin.read(hw.bandwidth());
        lin.formula("ridge_point");
        lin.input("precision", req.precision.key());
        lin.input("efficiency", eta);
        let ridge = ridge_point(hw, Some(req.precision)).value * eta;
        devs.push(Device {
            hw,
            color: intern(if single {
                &theme.memory
            } else {
                &theme.series[i]
            }),
            peak: peak.value,
            ceiling: peak.value * eta,
            bw: bw.value,
            ridge,
            lineage: lin,
        });
    }

    Ok(devs)
}

/// Every workload of a request solved on every device.
pub(super) fn workloads(
    reg: &Registry,
    req: &FigureRequest,
    devs: &[Device],
    warnings: &mut Vec<String>,
) -> Result<Vec<Placed>, FigureError> {
    let eta = req.efficiency;
    let mut placed: Vec<Placed> = Vec::new();
    for w in &req.workloads {
        let model = reg.model(&w.model).map_err(|e| solve_err("workloads", e))?;
        let mut points = Vec::new();
        for d in devs {
            let opts = RooflineOptions {
                batch_size: w.batch,
                precision: req.precision,
                efficiency: Some(eta),
                ..RooflineOptions::default()
            };
            let mut r = roofline::solve(model, d.hw, &reg.calibration, &opts).map_err(|e| {
                FigureError::attr(
                    "workloads",
                    format!("`{}@{}` on {}: {e}", w.model, w.batch, d.hw.key),
                )
            })?;
            for wn in &r.warnings {
                if !warnings.contains(wn) {
                    warnings.push(wn.clone());
                }
            }
            let ai = r.arithmetic_intensity.value;
            if !(ai.is_finite() && ai > 0.0) {
                return Err(FigureError::attr(
                    "workloads",
                    format!(
                        "`{}@{}` has no finite arithmetic intensity on {} (no operations or no bytes)",
                        w.model, w.batch, d.hw.key
                    ),
                ));
            }
            let (peak, bw) = (r.peak_flops_actual.value, r.peak_bw_actual.value);
            r.lineage.input("batch_size", w.batch);
            r.lineage.input("precision", req.precision.key());
            r.lineage.input("efficiency", eta);
            points.push(Point {
                ai,
                perf: (ai * bw).min(peak),
                bound: r.bottleneck,
                feasible: r.feasible,
                lineage: r.lineage,
            });
        }
        placed.push(Placed {
            label: format!("{}@{}", w.model, w.batch),
            name: format!("{} · batch {}", model.name, w.batch),
            model: w.model.clone(),
            model_name: model.name.clone(),
            batch: w.batch,
            points,
        });
    }

    Ok(placed)
}

/// `a`, `a and b`, `a, b and c`.
pub(super) fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "memory-bound on all", or "compute-bound on A100; memory-bound on H100, B200".
pub(super) fn bounds_summary(devs: &[Device], points: &[Point]) -> String {
    let mut groups: Vec<(&'static str, Vec<&str>)> = Vec::new();
    for (d, q) in devs.iter().zip(points) {
        let b = bound_text(q.bound);
        match groups.iter_mut().find(|(g, _)| *g == b) {
            Some((_, keys)) => keys.push(d.hw.key.as_str()),
            None => groups.push((b, vec![d.hw.key.as_str()])),
        }
    }
    let mut out = if groups.len() == 1 && devs.len() == 2 {
        format!("{} on both", groups[0].0)
    } else if groups.len() == 1 {
        format!("{} on all {}", groups[0].0, devs.len())
    } else {
        groups
            .iter()
            .map(|(b, keys)| format!("{b} on {}", keys.join(", ")))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let offloaded: Vec<&str> = devs
        .iter()
        .zip(points)
        .filter(|(_, q)| !q.feasible)
        .map(|(d, _)| d.hw.key.as_str())
        .collect();
    if offloaded.len() == devs.len() {
        out.push_str(", weights offloaded on all");
    } else if !offloaded.is_empty() {
        out.push_str(&format!(", weights offloaded on {}", offloaded.join(", ")));
    }
    out
}
