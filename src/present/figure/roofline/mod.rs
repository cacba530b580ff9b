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
//!
//! `plotters` draws the coordinates, axes, ticks, grid, roofs and markers on our
//! [`CanvasBackend`](super::backend::CanvasBackend) (log axes as linear axes over log10, ticks at
//! the decades, labelled like the text); the labels and the legend are placed on top by our
//! layout ([`super::layout`]). Every size and colour comes from the figure theme.

mod chart;
mod labels;
mod legend;
mod solve;

use super::axis::{decade_ceil, decade_floor, decade_labels, LogAxis};
use super::backend::{intern, CanvasBackend};
use super::layout::{BBox, Placer};
use super::plot::{self, plotters_error, rgb, Keyed, K};
use super::svg::{num, Attrs, Canvas, TextStyle};
use super::theme::Theme;
use super::{Drawn, DrawnValue, FigureError, FigureRequest};
use crate::base::units::Value;
use crate::calc::params::Lineage;
use crate::present::format::{format_number, FormatSpec, Target};
use legend::Legend;
use plotters::prelude::*;
use solve::{and_list, pick_unit, unit_factor, RATE_UNITS};
use std::cell::RefCell;
use std::rc::Rc;

/// Length of the tick marks at the decades, in tick-label sizes.
const TICK_MARK: f64 = 0.4;
/// Most of the canvas height a full legend below the plot may take; beyond it (large slide
/// text) the legend names the devices only.
const MAX_LEGEND: f64 = 0.2;
/// Length of the minor tick marks (2…9 × a decade), in tick-label sizes.
const MINOR_MARK: f64 = 0.25;

/// The plot's geometry and settings, shared by the drawing steps.
#[derive(Clone, Copy)]
struct Plot<'a> {
    x0: f64,
    x1: f64,
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
    theme: &'a Theme,
}

impl Plot<'_> {
    /// The pixel of (intensity, FLOP/s).
    fn at(&self, ai: f64, perf_si: f64) -> (f64, f64) {
        (self.xa.px(ai), self.ya.px(perf_si / self.rf))
    }

    /// plotters' coordinates of (intensity, FLOP/s): log10 of the axis values.
    fn t(&self, ai: f64, perf_si: f64) -> (f64, f64) {
        (ai.log10(), (perf_si / self.rf).log10())
    }
}

/// The first of `texts` no longer than `room` px in `style` (else the last).
fn first_fitting(texts: &[String], style: TextStyle, room: f64) -> String {
    texts
        .iter()
        .find(|t| style.width(t) <= room)
        .or(texts.last())
        .cloned()
        .unwrap_or_default()
}

/// Draws a roofline.
pub(crate) fn draw(
    reg: &crate::registry::Registry,
    req: &FigureRequest,
) -> Result<Drawn, FigureError> {
    let theme: &Theme = &req.theme;
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
    let probe = |lo: f64, hi: f64| LogAxis {
        lo,
        hi,
        p0: 0.0,
        p1: 1.0,
    };
    let x_decades = probe(x_lo, x_hi).decades();
    let y_decades = probe(y_lo / rf, y_hi / rf).decades();
    let mut x_labels = decade_labels(&x_decades);
    let y_labels = decade_labels(&y_decades);

    // Headings.
    let text = intern(&theme.text);
    let muted = intern(&theme.muted);
    let (w, h) = (theme.width, theme.height);
    let m = theme.margin;
    let prec = req.precision.key().to_ascii_uppercase();
    let eta_text = format_number(eta, &FormatSpec::default(), Target::Text)
        .map_err(|e| FigureError::general(e.to_string()))?;
    let title_style = TextStyle::new(theme.title_size, text).bold();
    let title = match &req.title {
        Some(t) => t.clone(),
        None if single => format!("Roofline of the {} at {prec}", devs[0].hw.name),
        None => {
            let names: Vec<&str> = devs.iter().map(|d| d.hw.name.as_str()).collect();
            let keys: Vec<&str> = devs.iter().map(|d| d.hw.key.as_str()).collect();
            first_fitting(
                &[
                    format!("Rooflines of the {} at {prec}", and_list(&names)),
                    format!("Rooflines of the {} at {prec}", and_list(&keys)),
                ],
                title_style,
                w - 2.0 * m,
            )
        }
    };
    let subtitle =
        format!("{prec} peak × compute efficiency η = {eta_text} · both axes logarithmic");
    let show_title = theme.headings || req.title.is_some();
    let mut c = Canvas::new(w, h, &req.id, &title, &req.alt);
    c.set_font_family(&theme.font_family);
    c.set_background(&theme.background);
    c.rect(0.0, 0.0, w, h, vec![("fill", theme.background.clone())]);
    let mut top = m;
    if show_title {
        c.text(
            m,
            top + title_style.cap_height(),
            &title,
            title_style,
            vec![("class", "title".into())],
        );
        top += theme.title_size * 1.6;
    }
    if theme.headings {
        let st = TextStyle::new(theme.subtitle_size, muted);
        c.text(
            m,
            top + st.cap_height(),
            &subtitle,
            st,
            vec![("class", "subtitle".into())],
        );
        top += theme.subtitle_size * 1.8;
    }

    // Margins: the y labels' area fits the widest tick label and the axis title; the right
    // margin half the last x tick label; several devices have their legend below the plot.
    let tick_style = TextStyle::new(theme.tick_size, text);
    let axis_title = TextStyle::new(theme.axis_title_size, text);
    let widest = y_labels
        .iter()
        .map(|l| tick_style.width(l))
        .fold(0.0, f64::max);
    let last_x = x_labels.last().map_or(0.0, |l| tick_style.width(l));
    let y_area = widest + theme.tick_size + theme.axis_title_size * 1.6;
    let x_area = theme.tick_size * 1.5 + theme.tick_size * TICK_MARK + theme.axis_title_size * 1.6;
    let right = m.max(last_x / 2.0 + theme.tick_size * 0.3);
    let mut legend = Legend::new(
        &devs,
        single,
        eta < 1.0,
        !placed.is_empty(),
        rate_unit,
        theme,
        false,
    )?;
    let (mut legend_cols, mut legend_h) = if single {
        (1, 0.0)
    } else {
        legend.columns(w - 2.0 * m)
    };
    if legend_h > h * MAX_LEGEND {
        legend = Legend::new(&devs, single, eta < 1.0, false, rate_unit, theme, true)?;
        (legend_cols, legend_h) = legend.columns(w - 2.0 * m);
    }
    let bottom = m + if single { 0.0 } else { legend_h + m };
    // Axis titles: the longest that fits along its side of the plot.
    let plot_w = w - m - y_area - right;
    let plot_h = h - top - bottom - x_area;
    // Decade labels that would touch (large slide text) label every other decade; the ticks and
    // grid lines stay.
    let per_decade = plot_w / (x_hi / x_lo).log10();
    let widest_x = x_labels
        .iter()
        .map(|l| tick_style.width(l))
        .fold(0.0, f64::max);
    if widest_x + theme.tick_size > per_decade {
        for (i, l) in x_labels.iter_mut().enumerate() {
            if i % 2 == 1 {
                l.clear();
            }
        }
    }
    let x_title = first_fitting(
        &[
            "Arithmetic intensity (FLOP/byte)".to_string(),
            "Intensity (FLOP/byte)".to_string(),
            "FLOP/byte".to_string(),
        ],
        axis_title,
        plot_w,
    );
    let y_title = first_fitting(
        &[
            format!("Attainable performance ({rate_unit})"),
            format!("Performance ({rate_unit})"),
            rate_unit.to_string(),
        ],
        axis_title,
        plot_h,
    );

    let canvas = Rc::new(RefCell::new(c));
    let root = CanvasBackend::new(canvas.clone(), K).into_drawing_area();
    let mut chart = ChartBuilder::on(&root)
        .margin_top((top * K) as i32)
        .margin_right((right * K) as i32)
        .margin_left((m * K) as i32)
        .margin_bottom((bottom * K) as i32)
        .x_label_area_size((x_area * K) as i32)
        .y_label_area_size((y_area * K) as i32)
        .build_cartesian_2d(
            Keyed::new(
                x_lo.log10()..x_hi.log10(),
                x_decades.iter().map(|v| v.log10()).collect(),
            ),
            Keyed::new(
                (y_lo / rf).log10()..(y_hi / rf).log10(),
                y_decades.iter().map(|v| v.log10()).collect(),
            ),
        )
        .map_err(plotters_error)?;
    let (x0, y0, x1, y1) = plot::plot_box(&chart);
    // The pixel mappings plotters uses (its last pixel is one backend pixel short of the box).
    let xa = LogAxis {
        lo: x_lo,
        hi: x_hi,
        p0: x0,
        p1: x1 - 1.0 / K,
    };
    let ya = LogAxis {
        lo: y_lo / rf,
        hi: y_hi / rf,
        p0: y1 - 1.0 / K,
        p1: y0,
    };
    let p = Plot {
        x0,
        x1,
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
        label_style: TextStyle::new(theme.label_size, text).halo(theme.halo_width),
        small_style: TextStyle::new(theme.note_size, muted).halo(theme.halo_width),
        theme,
    };
    chart::regions(&mut chart, &canvas, &p, &devs)?;
    chart::axes(
        &mut chart,
        &canvas,
        &p,
        (&x_decades, &x_labels, &x_title),
        (&y_decades, &y_labels, &y_title),
    )?;

    canvas.borrow_mut().open(vec![
        ("class", "plot".into()),
        ("data-kind", "roofline".into()),
        (
            "data-plot",
            format!("{} {} {} {}", num(x0), num(y0), num(x1), num(y1)),
        ),
        ("data-x-domain", format!("{x_lo} {x_hi}")),
        ("data-y-domain", format!("{} {}", y_lo / rf, y_hi / rf)),
        ("data-x-scale", "log".into()),
        ("data-y-scale", "log".into()),
        ("data-x-unit", "FLOP/byte".into()),
        ("data-y-unit", rate_unit.into()),
    ]);
    let mut placer = Placer::new(BBox::new(x0 + 3.0, y0 + 3.0, x1 - 3.0, y1 - 3.0));
    let (ridge_px, memory_segment) = chart::roofs(&mut chart, &canvas, &mut placer, &p, &devs)?;
    chart::ridge_points(&mut chart, &canvas, &p, &devs)?;
    let marker_px = chart::markers(&mut chart, &canvas, &mut placer, &p, &devs, &placed)?;
    chart::ridge_outlines(&mut chart, &canvas, &p, &devs, &ridge_px, &marker_px)?;

    let mut values: Vec<DrawnValue> = Vec::new();
    {
        let mut c = canvas.borrow_mut();
        let c = &mut *c;
        c.open(vec![("class", "labels".into())]);
        labels::regions(c, &mut placer, &p, &devs);
        if single {
            if theme.roofline_legend {
                legend.draw_inside(c, &mut placer, (x0, y0, x1, y1));
            }
        } else {
            legend.draw_below(c, m, h - m - legend_h, legend_cols);
        }
        let mut pending = labels::ridges(&p, &devs, &ridge_px, &mut values)?;
        if single {
            // One ridge label: placed before the roof labels, which go where it leaves room.
            warnings.extend(labels::place(c, &mut placer, &pending));
            pending.clear();
            labels::roofs(
                c,
                &mut placer,
                &p,
                &devs,
                &ridge_px,
                &memory_segment,
                &mut values,
            )?;
        }
        pending.extend(labels::workloads(
            &mut placer,
            &p,
            &devs,
            &placed,
            &marker_px,
            &mut values,
        )?);
        warnings.extend(labels::place(c, &mut placer, &pending));
        c.close();
        c.close();
    }
    drop(chart);
    drop(root);
    let canvas = Rc::try_unwrap(canvas)
        .map_err(|_| FigureError::general("the canvas is still shared"))?
        .into_inner();
    Ok(Drawn {
        canvas,
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

/// A plotters line style of a theme colour and a width in px.
fn line_style(color: &str, width: f64) -> ShapeStyle {
    rgb(color).stroke_width(plot::px(width))
}
