//! `figure="roofline"`: one or more devices' memory and compute roofs on log-log axes, their ridge
//! points, and workloads placed at the arithmetic intensity the roofline solver computes.
//!
//! * Compute roof: the precision's peak (`precision_flops[p]`, else the dense peak, exactly as the
//!   solver reads it) × the efficiency η (default 1, the datasheet roof as in mlsysim's
//!   `plot_roofline`; with η < 1 the datasheet peak is drawn dashed).
//! * Memory roof: main-memory bandwidth × intensity.
//! * Ridge point: [`ridge_point`](crate::calc::formulas::performance::ridge_point) × η (the intensity where the two roofs meet).
//! * Workloads: [`roofline::solve`](crate::calc::solvers::roofline::solve) with the same precision and η; each is drawn on its device's
//!   roof at (arithmetic intensity, min(bandwidth × intensity, peak × η)) with the bottleneck the
//!   solver reports. (A model that does not fit in memory is solved on the offload path; its
//!   point then sits below the HBM roof, and its label says so.)

mod chart;
mod labels;
mod legend;
mod solve;

use super::axis::{decade_ceil, decade_floor, decade_label, decade_labels, LogAxis};
use super::layout::{BBox, Placer};
use super::style as st;
use super::svg::{num, Attrs, Canvas, TextStyle};
use super::{Drawn, DrawnValue, FigureError, FigureRequest};
use crate::base::units::Value;
use crate::calc::params::Lineage;
use crate::present::format::{format_number, FormatSpec, Target};
use legend::Legend;
use solve::{and_list, pick_unit, unit_factor, RATE_UNITS};

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 500.0;
const RIGHT: f64 = 34.0;
const TOP: f64 = 64.0;
const BOTTOM: f64 = 58.0;

/// The plot's geometry and settings, shared by the drawing steps.
#[derive(Clone, Copy)]
struct Plot<'a> {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    xa: LogAxis,
    ya: LogAxis,
    /// Size of the y display unit in FLOP/s.
    rf: f64,
    rate_unit: &'static str,
    single: bool,
    eta: f64,
    eta_text: &'a str,
    x_lo: f64,
    x_hi: f64,
    y_lo: f64,
    label_style: TextStyle,
    small_style: TextStyle,
    tick_style: TextStyle,
}

impl Plot<'_> {
    /// The pixel of (intensity, FLOP/s).
    fn at(&self, ai: f64, perf_si: f64) -> (f64, f64) {
        (self.xa.px(ai), self.ya.px(perf_si / self.rf))
    }
}

/// Draws a roofline.
pub(crate) fn draw(
    reg: &crate::registry::Registry,
    req: &FigureRequest,
) -> Result<Drawn, FigureError> {
    let eta = req.efficiency;
    let mut warnings: Vec<String> = Vec::new();
    let single = req.hardware.len() == 1;
    let devs = solve::devices(reg, req, &mut warnings)?;
    let placed = solve::workloads(reg, req, &devs, &mut warnings)?;

    // Axis ranges (x in FLOP/byte, y in the display unit).
    let max_ridge = devs.iter().map(|d| d.ridge).fold(0.0, f64::max);
    let ais: Vec<f64> = placed.iter().map(|p| p.points[0].ai).collect();
    let min_ai = ais.iter().copied().fold(f64::INFINITY, f64::min);
    let max_ai = ais.iter().copied().fold(0.0, f64::max);
    let x_lo = decade_floor(0.1f64.min(min_ai / 2.0));
    let x_hi = 1e4f64
        .max(decade_ceil(max_ridge * 30.0))
        .max(decade_ceil(max_ai * 3.0));
    let max_ceiling = devs.iter().map(|d| d.ceiling).fold(0.0, f64::max);
    let max_peak = devs.iter().map(|d| d.peak).fold(0.0, f64::max);
    let y_hi = (max_ceiling * 5.0).max(max_peak * 3.0);
    let mut y_lo = devs
        .iter()
        .map(|d| d.bw * x_lo)
        .chain(placed.iter().flat_map(|p| p.points.iter().map(|q| q.perf)))
        .fold(f64::INFINITY, f64::min)
        / 2.0;
    y_lo = y_lo.max(y_hi / 1e7);
    let rate_unit = pick_unit(max_ceiling, &RATE_UNITS, 10.0);
    let rf = unit_factor(rate_unit);

    // Layout: the left margin fits the widest y tick label.
    let ya_probe = LogAxis {
        lo: y_lo / rf,
        hi: y_hi / rf,
        p0: 0.0,
        p1: 1.0,
    };
    let tick_style = TextStyle::new(st::TICK_SIZE, st::TEXT);
    let widest = decade_labels(&ya_probe.decades())
        .iter()
        .map(|l| tick_style.width(l))
        .fold(0.0, f64::max);
    // The right margin fits half the last x tick label.
    let last_x =
        tick_style.width(&decade_label(decade_floor(x_hi * (1.0 + 1e-9))).replace("000", ",000"));
    let (x0, x1, y0, y1) = (
        (30.0 + widest + 10.0).round(),
        WIDTH - RIGHT.max((last_x / 2.0 + 10.0).round()),
        TOP,
        HEIGHT - BOTTOM,
    );
    let xa = LogAxis {
        lo: x_lo,
        hi: x_hi,
        p0: x0,
        p1: x1,
    };
    let ya = LogAxis {
        lo: y_lo / rf,
        hi: y_hi / rf,
        p0: y1,
        p1: y0,
    };

    // Title and texts.
    let prec = req.precision.key().to_ascii_uppercase();
    let eta_text = format_number(eta, &FormatSpec::default(), Target::Text)
        .map_err(|e| FigureError::general(e.to_string()))?;
    let title = match &req.title {
        Some(t) => t.clone(),
        None if single => format!("Roofline of the {} at {prec}", devs[0].hw.name),
        None => {
            let names: Vec<&str> = devs.iter().map(|d| d.hw.name.as_str()).collect();
            let long = format!("Rooflines of the {} at {prec}", and_list(&names));
            let title_style = TextStyle::new(st::TITLE_SIZE, st::TEXT).bold();
            if title_style.width(&long) <= WIDTH - 32.0 {
                long
            } else {
                let keys: Vec<&str> = devs.iter().map(|d| d.hw.key.as_str()).collect();
                format!("Rooflines of the {} at {prec}", and_list(&keys))
            }
        }
    };
    let subtitle =
        format!("{prec} peak × compute efficiency η = {eta_text} · both axes logarithmic");

    // One device: the legend sits in a free corner of the plot; several: below it.
    let legend = Legend::new(&devs, single, eta < 1.0, !placed.is_empty(), rate_unit)?;
    let (legend_cols, legend_h) = legend.columns(x1 - x0);
    let height = if single {
        HEIGHT
    } else {
        HEIGHT + legend_h + 12.0
    };
    let mut c = Canvas::new(WIDTH, height, &req.id, &title, &req.alt);
    let mut values: Vec<DrawnValue> = Vec::new();
    c.rect(
        0.0,
        0.0,
        WIDTH,
        height,
        vec![("fill", st::BACKGROUND.into())],
    );
    c.text(
        16.0,
        26.0,
        &title,
        TextStyle::new(st::TITLE_SIZE, st::TEXT).bold(),
        vec![("class", "title".into())],
    );
    c.text(
        16.0,
        45.0,
        &subtitle,
        TextStyle::new(st::SUBTITLE_SIZE, st::MUTED),
        vec![("class", "subtitle".into())],
    );

    c.open(vec![
        ("class", "plot".into()),
        ("data-x-unit", "FLOP/byte".into()),
        ("data-y-unit", rate_unit.into()),
    ]);
    let p = Plot {
        x0,
        x1,
        y0,
        y1,
        xa,
        ya,
        rf,
        rate_unit,
        single,
        eta,
        eta_text: &eta_text,
        x_lo,
        x_hi,
        y_lo,
        label_style: TextStyle::new(st::LABEL_SIZE, st::TEXT).halo(),
        small_style: TextStyle::new(st::SMALL_SIZE, st::MUTED).halo(),
        tick_style,
    };
    chart::background(&mut c, &p, &devs);
    let mut placer = Placer::new(BBox::new(x0 + 3.0, y0 + 3.0, x1 - 3.0, y1 - 3.0));
    let (ridge_px, memory_segment) = chart::roofs(&mut c, &mut placer, &p, &devs);
    chart::ridge_points(&mut c, &p, &devs, &ridge_px);
    let marker_px = chart::markers(&mut c, &mut placer, &p, &devs, &placed);
    chart::ridge_outlines(&mut c, &p, &devs, &ridge_px, &marker_px);

    c.open(vec![("class", "labels".into())]);
    labels::regions(&mut c, &mut placer, &p, &devs);
    if single {
        legend.draw_inside(&mut c, &mut placer, (x0, y0, x1, y1));
    } else {
        legend.draw_below(&mut c, x0, HEIGHT + 2.0, legend_cols);
    }
    labels::ridges(&mut c, &mut placer, &p, &devs, &ridge_px, &mut values)?;
    if single {
        labels::roofs(
            &mut c,
            &mut placer,
            &p,
            &devs,
            &ridge_px,
            &memory_segment,
            &mut values,
        )?;
    }
    labels::workloads(
        &mut c,
        &mut placer,
        &p,
        &devs,
        &placed,
        &marker_px,
        &mut values,
    )?;
    c.close();
    c.close();

    Ok(Drawn {
        canvas: c,
        values,
        warnings,
    })
}

fn drawn(name: String, v: Value, printed: &str, unit: &str, lineage: &Lineage) -> DrawnValue {
    DrawnValue {
        name,
        value: Some(v),
        printed: printed.to_string(),
        display_unit: unit.to_string(),
        lineage: lineage.clone(),
    }
}

fn stroke(color: &str, width: f64) -> Attrs {
    vec![("stroke", color.to_string()), ("stroke-width", num(width))]
}
