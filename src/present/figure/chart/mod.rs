//! General charts from the solvers and expressions: `line`, `bar` (grouped or stacked),
//! `scatter` and `heatmap`. [`data`] computes the numbers; this module draws them with `plotters`
//! (coordinates, axes, ticks, series, bars and cells) on our [`CanvasBackend`], then places the
//! legend, limit lines and labelled points on top with our layout ([`super::layout`]).
//!
//! Log axes are drawn as linear axes over log10 of the values (one coordinate type for every
//! chart), with ticks at chosen values ([`ticks`]) whose labels are formatted by
//! [`crate::present::format`] with one grouping for the whole axis (`1,000` beside `10,000`).
//!
//! For tests and tools, the SVG carries its data: the plot group has the axis domains and pixel
//! box (`data-plot`, `data-x-domain`, `data-y-domain`, scales), every series group its name and
//! colour, every marker, bar and cell its values.

pub mod data;
pub mod spec;

use super::backend::{intern, CanvasBackend};
use super::layout::{spots_around, BBox, Placer, TextBlock};
use super::plot::{rgb, theme_mesh, Keyed, K};
use super::request::{FigureKind, FigureRequest};
use super::svg::{num, Anchor, Canvas, TextStyle};
use super::theme::{parse_hex, Theme};
use super::{Drawn, DrawnValue, FigureError};
use crate::present::format::{format_number, format_value, FormatSpec, Style, Target};
use crate::registry::Registry;
use data::Data;
use plotters::element::{Circle, Rectangle};
use plotters::prelude::*;
use spec::{ChartSpec, Mark, Scale};
use std::cell::RefCell;
use std::rc::Rc;

/// Most points that get a marker each (denser sweeps are drawn as curves only).
const MAX_MARKERS: usize = 40;
/// Most heatmap cells that get their value printed.
const MAX_CELL_LABELS: usize = 15 * 15;

/// Axis ticks: values and their labels.
#[derive(Clone, Debug, PartialEq)]
pub struct Ticks {
    /// Tick values (data units).
    pub values: Vec<f64>,
    /// Labels, formatted like the text.
    pub labels: Vec<String>,
}

/// Labels for tick values, formatted like the text with one decimal count and one grouping for
/// the whole axis (so `1,000` stands beside `10,000`), scientific beyond 10⁶ or below 10⁻³.
pub fn tick_labels(values: &[f64]) -> Vec<String> {
    let max = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let min_nonzero = values
        .iter()
        .filter(|v| **v != 0.0)
        .fold(f64::INFINITY, |m, v| m.min(v.abs()));
    if max >= 1e6 || min_nonzero < 1e-3 {
        let spec = FormatSpec {
            sig: Some(2),
            style: Style::Sci,
            ..FormatSpec::default()
        };
        return values
            .iter()
            .map(|v| {
                if *v == 0.0 {
                    "0".to_string()
                } else {
                    format_number(*v, &spec, Target::Text).unwrap_or_else(|_| v.to_string())
                }
            })
            .collect();
    }
    let digits = (0..=6u32)
        .find(|d| {
            let k = 10f64.powi(*d as i32);
            values
                .iter()
                .all(|v| ((v * k).round() / k - v).abs() <= 1e-9 * v.abs().max(1.0))
        })
        .unwrap_or(6);
    let spec = FormatSpec {
        digits: Some(digits),
        group: Some(max >= 1e4),
        ..FormatSpec::default()
    };
    values
        .iter()
        .map(|v| format_number(*v, &spec, Target::Text).unwrap_or_else(|_| v.to_string()))
        .collect()
}

/// Nice linear ticks covering [lo, hi] (steps of 1, 2 or 5 × 10ⁿ), and the rounded range.
pub fn linear_ticks(lo: f64, hi: f64, want: usize) -> (Vec<f64>, f64, f64) {
    let span = (hi - lo).max(f64::MIN_POSITIVE);
    let raw = span / want.max(2) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * 0.999)
        .unwrap_or(10.0 * mag);
    let a = (lo / step + 1e-9).floor() * step;
    let b = (hi / step - 1e-9).ceil() * step;
    let n = ((b - a) / step).round() as i64;
    let vals = (0..=n)
        .map(|i| {
            let v = a + i as f64 * step;
            // Snap to the step's decimals so labels and positions agree.
            let k = 10f64.powi((-step.log10().floor()).max(0.0) as i32 + 1);
            (v * k).round() / k
        })
        .collect();
    (vals, a, b)
}

/// Log ticks within [lo, hi]: powers of ten, with 2 and 5 × when the range is under two decades.
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (a, b) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let few = (hi / lo).log10() < 3.5;
    let mut out = Vec::new();
    for e in a..=b {
        let p = super::axis::pow10(e);
        let ms: &[f64] = if few { &[1.0, 2.0, 5.0] } else { &[1.0] };
        for m in ms {
            let v = m * p;
            if v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9) {
                out.push(v);
            }
        }
    }
    out
}

/// One axis: scale, domain (data units) and ticks.
struct Axis {
    scale: Scale,
    lo: f64,
    hi: f64,
    ticks: Ticks,
}

impl Axis {
    fn t(&self, v: f64) -> f64 {
        match self.scale {
            Scale::Linear => v,
            Scale::Log => v.log10(),
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.t(self.lo)..self.t(self.hi)
    }

    fn label_of(&self, tv: f64) -> String {
        // tv is in transformed units: find the tick.
        self.ticks
            .values
            .iter()
            .zip(&self.ticks.labels)
            .find(|(v, _)| (self.t(**v) - tv).abs() < 1e-9 * tv.abs().max(1.0))
            .map_or_else(String::new, |(_, l)| l.clone())
    }
}

fn numeric_axis(scale: Scale, mut lo: f64, mut hi: f64, want: usize, from_zero: bool) -> Axis {
    let (v, a, b) = match scale {
        Scale::Linear => {
            if from_zero {
                lo = lo.min(0.0);
                hi = hi.max(0.0);
            }
            if hi - lo <= 0.0 {
                hi = lo + lo.abs().max(1.0);
            }
            linear_ticks(lo, hi, want)
        }
        Scale::Log => {
            if hi <= lo {
                hi = lo * 10.0;
            }
            // A bound on a power of ten stays there; others get a little room.
            let decade = |v: f64| {
                let d = super::axis::pow10(v.log10().round() as i32);
                ((v / d) - 1.0).abs() < 0.01
            };
            let a = if decade(lo) {
                super::axis::pow10(lo.log10().round() as i32)
            } else {
                lo / 1.2
            };
            let b = if decade(hi) {
                super::axis::pow10(hi.log10().round() as i32)
            } else {
                hi * 1.2
            };
            let mut v = log_ticks(a, b);
            if v.len() < 2 {
                v = vec![lo, hi];
            }
            (v, a, b)
        }
    };
    Axis {
        scale,
        lo: a,
        hi: b,
        ticks: Ticks {
            labels: tick_labels(&v),
            values: v,
        },
    }
}

/// The x axis of a sweep: the swept values as ticks when they are few (so `512`, `1,024`, … all
/// show), else nice ticks.
fn x_axis(spec: &ChartSpec, d: &Data) -> Axis {
    if let Some(cats) = &d.categories {
        let n = cats.len();
        return Axis {
            scale: Scale::Linear,
            lo: -0.5,
            hi: n as f64 - 0.5,
            ticks: Ticks {
                values: (0..n).map(|i| i as f64).collect(),
                labels: cats.iter().map(|c| c.replace('_', " ")).collect(),
            },
        };
    }
    let lo = d.xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = d.xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let listed = matches!(spec.source, spec::Source::Solver { .. }) && d.xs.len() <= 12;
    if listed {
        let mut v = d.xs.clone();
        v.sort_by(f64::total_cmp);
        v.dedup();
        let (lo, hi) = match spec.x_scale {
            Scale::Log => (lo / 1.25, hi * 1.25),
            Scale::Linear => {
                let pad = (hi - lo) * 0.04;
                (lo - pad, hi + pad)
            }
        };
        return Axis {
            scale: spec.x_scale,
            lo,
            hi,
            ticks: Ticks {
                labels: tick_labels(&v),
                values: v,
            },
        };
    }
    let mut a = numeric_axis(spec.x_scale, lo, hi, 6, false);
    if spec.x_scale == Scale::Linear && spec.kind != FigureKind::Scatter {
        // Curves span exactly their sweep.
        a.lo = lo;
        a.hi = hi;
        a.ticks
            .values
            .retain(|v| *v >= lo - 1e-12 && *v <= hi + 1e-12);
        a.ticks.labels = tick_labels(&a.ticks.values);
    }
    a
}

/// Draws a chart.
pub(crate) fn draw(reg: &Registry, req: &FigureRequest) -> Result<Drawn, FigureError> {
    let spec = req
        .chart
        .as_ref()
        .expect("a chart request has a chart spec");
    let theme: &Theme = &req.theme;
    let mut d = data::evaluate(reg, spec)?;
    let heat = spec.kind == FigureKind::Heatmap;
    if let Some(names) = &spec.legend {
        if names.len() != d.series.len() {
            return Err(FigureError::attr(
                "legend",
                format!(
                    "names {} series, but the chart has {}: {}",
                    names.len(),
                    d.series.len(),
                    d.series
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        for (s, n) in d.series.iter_mut().zip(names) {
            s.name = n.clone();
        }
    }
    if !heat && d.series.len() > theme.series.len() {
        let attr = match &spec.source {
            spec::Source::Solver {
                listed: Some((k, _)),
                ..
            } => k.clone(),
            spec::Source::Solver { .. } => "y".to_string(),
            spec::Source::Expr { .. } => "series".to_string(),
        };
        return Err(FigureError::attr(
            &attr,
            format!(
                "{} series, but the figure theme `{}` has {} colours; list fewer or add colours to `series` in figure-theme.toml",
                d.series.len(),
                theme.name,
                theme.series.len()
            ),
        ));
    }
    let mut values = Vec::new();
    let printed = |v: &data::Point| -> String {
        let s = FormatSpec {
            unit: if spec.relative { None } else { d.unit.clone() },
            sig: Some(3),
            style: if spec.relative {
                Style::Multiple
            } else {
                Style::Plain
            },
            show_unit: true,
            ..FormatSpec::default()
        };
        if spec.relative {
            format_number(v.y, &s, Target::Text).unwrap_or_default()
        } else {
            format_value(v.value, &s, Target::Text).unwrap_or_else(|_| data::short(v.y))
        }
    };
    let display_unit = if spec.relative {
        "×".to_string()
    } else {
        d.unit.clone().unwrap_or_else(|| "1".into())
    };
    let solver_points = matches!(spec.source, spec::Source::Solver { .. });
    // Every solver point is a record (its value is what the figure shows).
    if solver_points {
        for s in &d.series {
            for p in &s.points {
                let xname = match &d.categories {
                    Some(c) => c[p.x as usize].clone(),
                    None => data::short(p.x),
                };
                values.push(DrawnValue {
                    name: format!("{} @ {}={}", s.name, d.x_name, xname),
                    value: Some(p.value),
                    printed: printed(p),
                    display_unit: display_unit.clone(),
                    lineage: p.lineage.clone(),
                });
            }
        }
    }

    // Axes (a heatmap of listed values has one evenly spaced column and row per value).
    let cat_heat = heat && d.xs.len() <= 15 && d.row_values.len() <= 15;
    let cat_axis = |vals: &[f64]| Axis {
        scale: Scale::Linear,
        lo: -0.5,
        hi: vals.len() as f64 - 0.5,
        ticks: Ticks {
            values: (0..vals.len()).map(|i| i as f64).collect(),
            labels: tick_labels(vals),
        },
    };
    let xa = if cat_heat {
        cat_axis(&d.xs)
    } else {
        x_axis(spec, &d)
    };
    let ya = if cat_heat {
        cat_axis(&d.row_values)
    } else if heat {
        let rows = &d.row_values;
        let mut v = rows.clone();
        v.sort_by(f64::total_cmp);
        let (lo, hi) = (v[0], v[v.len() - 1]);
        let mut a = numeric_axis(spec.y_scale, lo, hi, 6, false);
        a.lo = lo;
        a.hi = hi;
        a.ticks
            .values
            .retain(|t| *t >= lo * (1.0 - 1e-9) && *t <= hi * (1.0 + 1e-9));
        if a.ticks.values.len() < 2 {
            a.ticks.values = vec![lo, hi];
        }
        a.ticks.labels = tick_labels(&a.ticks.values);
        a
    } else {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        if spec.stacked {
            for i in 0..d.xs.len() {
                let total: f64 = d.series.iter().map(|s| s.points[i].y).sum();
                hi = hi.max(total);
            }
            lo = 0.0;
        } else {
            for s in &d.series {
                for p in &s.points {
                    lo = lo.min(p.y);
                    hi = hi.max(p.y);
                }
            }
        }
        for m in &spec.marks {
            if let Mark::Y(v, _) = m {
                lo = lo.min(*v);
                hi = hi.max(*v);
            }
        }
        if spec.y_scale == Scale::Linear && spec.kind != FigureKind::Scatter {
            // Room above the highest value for its label.
            hi += (hi - lo.min(0.0)).abs() * 0.06;
        }
        numeric_axis(
            spec.y_scale,
            lo,
            hi,
            6,
            spec.kind == FigureKind::Bar
                || (lo >= 0.0
                    && spec.kind == FigureKind::Line
                    && spec.y_scale == Scale::Linear
                    && lo < hi * 0.5),
        )
    };

    // Layout: title, legend (or colour bar) at the right, axes.
    let (w, h) = (theme.width, theme.height);
    let mut canvas = Canvas::new(
        w,
        h,
        &req.id,
        req.title.as_deref().unwrap_or(&req.caption),
        &req.alt,
    );
    canvas.set_font_family(&theme.font_family);
    canvas.set_background(&theme.background);
    canvas.rect(0.0, 0.0, w, h, vec![("fill", theme.background.clone())]);
    let text = intern(&theme.text);
    let muted = intern(&theme.muted);
    let title_h = match &req.title {
        Some(t) => {
            let st = TextStyle::new(theme.title_size, text).bold();
            canvas.text(
                theme.margin,
                theme.margin + st.cap_height(),
                t,
                st,
                vec![("class", "title".into())],
            );
            theme.title_size * 1.6
        }
        None => 0.0,
    };
    let legend_style = TextStyle::new(theme.legend_size, text);
    let swatch = theme.legend_size * 1.6;
    let legend_w = if heat {
        let zl: Vec<String> = heat_ticks(&d).labels;
        let lw = zl
            .iter()
            .map(|l| TextStyle::new(theme.tick_size, text).width(l))
            .fold(0.0, f64::max);
        theme.legend_size
            + 8.0
            + lw
            + 10.0
            + spec
                .z_label
                .as_ref()
                .map_or(0.0, |_| theme.axis_title_size * 1.5)
    } else if d.series.len() > 1 {
        let title_w = d
            .series_name
            .as_ref()
            .map_or(0.0, |n| legend_style.bold().width(&n.replace('_', " ")));
        d.series
            .iter()
            .map(|s| legend_style.width(&s.name))
            .fold(0.0, f64::max)
            .max(title_w - swatch - 6.0)
            + swatch
            + 6.0
            + theme.margin
    } else {
        0.0
    };
    let tick_style = TextStyle::new(theme.tick_size, text);
    // Category names wider than their slot break at spaces (two or more lines).
    let mut xa = xa;
    if let Some(n) = (d.categories.is_some() || cat_heat).then_some(xa.ticks.labels.len()) {
        let slot = (w - 2.0 * theme.margin - legend_w - 80.0) / n as f64 - 6.0;
        for l in &mut xa.ticks.labels {
            if tick_style.width(l) > slot && l.contains(' ') {
                *l = l.replace(' ', "\n");
            }
        }
    }
    let lines = xa
        .ticks
        .labels
        .iter()
        .map(|l| l.lines().count())
        .max()
        .unwrap_or(1) as f64;
    let y_tick_w = ya
        .ticks
        .labels
        .iter()
        .map(|l| tick_style.width(l))
        .fold(0.0, f64::max);
    let y_title = spec.y_label.clone().or_else(|| {
        if heat {
            Some(d.series_name.clone().unwrap_or_default())
        } else if spec.relative {
            Some("growth (×)".into())
        } else {
            let base = if spec.ys.len() == 1 {
                spec.ys[0].name.replace('_', " ")
            } else {
                String::new()
            };
            match &d.unit {
                Some(u) if base.is_empty() => Some(u.clone()),
                Some(u) => Some(format!("{base} ({u})")),
                None => Some(base),
            }
        }
    });
    let x_title = spec
        .x_label
        .clone()
        .unwrap_or_else(|| d.x_name.replace('_', " "));
    let y_area = y_tick_w
        + 10.0
        + if y_title.as_deref().is_some_and(|t| !t.is_empty()) {
            theme.axis_title_size * 1.6
        } else {
            0.0
        };
    let x_area = theme.tick_size * (1.5 + 1.2 * (lines - 1.0)) + 8.0 + theme.axis_title_size * 1.6;

    let colours: Vec<RGBColor> = theme.series.iter().map(|c| rgb(c)).collect();
    let canvas = Rc::new(RefCell::new(canvas));
    let backend = CanvasBackend::new(canvas.clone(), K);
    let root = backend.into_drawing_area();
    let xk: Vec<f64> = xa.ticks.values.iter().map(|v| xa.t(*v)).collect();
    let yk: Vec<f64> = ya.ticks.values.iter().map(|v| ya.t(*v)).collect();
    let pe = |e: DrawingAreaErrorKind<super::backend::NoError>| {
        FigureError::general(format!("plotters: {e}"))
    };
    let mut chart = ChartBuilder::on(&root)
        .margin_top(((theme.margin + title_h) * K) as i32)
        .margin_right(
            ((theme.margin + legend_w + if legend_w > 0.0 { 10.0 } else { 0.0 }) * K) as i32,
        )
        .margin_left((theme.margin * K) as i32)
        .margin_bottom((theme.margin * K) as i32)
        .x_label_area_size((x_area * K) as i32)
        .y_label_area_size((y_area * K) as i32)
        .build_cartesian_2d(Keyed::new(xa.range(), xk), Keyed::new(ya.range(), yk))
        .map_err(pe)?;
    let xf = |v: &f64| xa.label_of(*v);
    let yf = |v: &f64| ya.label_of(*v);
    {
        let mut mesh = chart.configure_mesh();
        theme_mesh(&mut mesh, theme);
        mesh.x_label_formatter(&xf)
            .y_label_formatter(&yf)
            .x_desc(x_title.clone())
            .y_desc(y_title.clone().unwrap_or_default())
            .set_all_tick_mark_size((5.0 * K) as i32);
        if d.categories.is_some() || heat {
            mesh.disable_x_mesh();
        }
        if heat {
            mesh.disable_y_mesh();
        }
        canvas.borrow_mut().open(vec![("class", "mesh".into())]);
        mesh.draw().map_err(pe)?;
        canvas.borrow_mut().close();
    }
    let (px, py) = chart.plotting_area().get_pixel_range();
    let plot = BBox::new(
        f64::from(px.start) / K,
        f64::from(py.start) / K,
        f64::from(px.end) / K,
        f64::from(py.end) / K,
    );
    let coord = chart.as_coord_spec().clone();
    let to_px = |x: f64, y: f64| -> (f64, f64) {
        let (a, b) = coord.translate(&(xa.t(x), ya.t(y)));
        (f64::from(a) / K, f64::from(b) / K)
    };
    let sc = |s: Scale| if s == Scale::Log { "log" } else { "linear" };
    canvas.borrow_mut().open(vec![
        ("class", "plot".into()),
        ("data-kind", spec.kind.name().into()),
        (
            "data-plot",
            format!(
                "{} {} {} {}",
                num(plot.x0),
                num(plot.y0),
                num(plot.x1),
                num(plot.y1)
            ),
        ),
        ("data-x-domain", format!("{} {}", xa.lo, xa.hi)),
        ("data-y-domain", format!("{} {}", ya.lo, ya.hi)),
        ("data-x-scale", sc(xa.scale).into()),
        ("data-y-scale", sc(ya.scale).into()),
    ]);
    let mut placer = Placer::new(plot);
    // A curve that another hides (equal values: the H100 and H200 prefill) is drawn dashed over it,
    // so both stay visible.
    let dash = format!(
        "{} {}",
        num(theme.line_width * 3.0),
        num(theme.line_width * 2.0)
    );
    let dashed: Vec<bool> = (0..d.series.len())
        .map(|i| {
            spec.kind == FigureKind::Line
                && (0..i).any(|j| {
                    d.series[i]
                        .points
                        .iter()
                        .zip(&d.series[j].points)
                        .all(|(a, b)| {
                            let (p, q) = (to_px(a.x, a.y), to_px(b.x, b.y));
                            (p.0 - q.0).abs() <= 1.5 && (p.1 - q.1).abs() <= 1.5
                        })
                })
        })
        .collect();
    let label_style = TextStyle::new(theme.label_size, text).halo(theme.halo_width);
    let lw = (theme.line_width * K).round().max(1.0) as u32;
    let r = (theme.marker_radius * K).round().max(1.0) as i32;

    match spec.kind {
        FigureKind::Heatmap => {
            let ht = heat_ticks(&d);
            let (zlo, zhi) = (ht.values[0], ht.values[ht.values.len() - 1]);
            let nx = d.xs.len();
            let ny = d.row_values.len();
            let edges = |vals: &[f64], ax: &Axis| -> Vec<f64> {
                let t: Vec<f64> = vals.iter().map(|v| ax.t(*v)).collect();
                let mut e = Vec::with_capacity(t.len() + 1);
                e.push(t[0] - (t.get(1).copied().unwrap_or(t[0] + 1.0) - t[0]) / 2.0);
                for w in t.windows(2) {
                    e.push((w[0] + w[1]) / 2.0);
                }
                let n = t.len();
                e.push(t[n - 1] + (t[n - 1] - t[n.saturating_sub(2)]) / 2.0);
                e
            };
            let idx = |n: usize| (0..n).map(|i| i as f64).collect::<Vec<f64>>();
            let (xe, ye) = if cat_heat {
                (edges(&idx(nx), &xa), edges(&idx(ny), &ya))
            } else {
                (edges(&d.xs, &xa), edges(&d.row_values, &ya))
            };
            let label = nx * ny <= MAX_CELL_LABELS && nx <= 15;
            for (j, row) in d.series.iter().enumerate() {
                for (i, p) in row.points.iter().enumerate() {
                    let t = ((p.y - zlo) / (zhi - zlo)).clamp(0.0, 1.0);
                    let (col, dark) = ramp(&theme.heatmap, t);
                    let pr = printed(p);
                    canvas.borrow_mut().open(vec![
                        ("class", "cell".into()),
                        ("data-x", p.x.to_string()),
                        ("data-y", d.row_values[j].to_string()),
                        ("data-z", p.y.to_string()),
                        ("data-printed", pr.clone()),
                    ]);
                    let (x0, x1) = (xe[i].max(xa.t(xa.lo)), xe[i + 1].min(xa.t(xa.hi)));
                    let (y0, y1) = (ye[j].max(ya.t(ya.lo)), ye[j + 1].min(ya.t(ya.hi)));
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(x0, y0), (x1, y1)],
                            col.filled(),
                        )))
                        .map_err(pe)?;
                    if label {
                        let (cx, cy) = {
                            let (a, b) = chart.backend_coord(&((x0 + x1) / 2.0, (y0 + y1) / 2.0));
                            (f64::from(a) / K, f64::from(b) / K)
                        };
                        let st =
                            TextStyle::new(theme.cell_size, if dark { "#ffffff" } else { text })
                                .anchor(Anchor::Middle);
                        let cw = {
                            let (a, _) = chart.backend_coord(&(x1, y0));
                            let (b, _) = chart.backend_coord(&(x0, y0));
                            f64::from(a - b) / K
                        };
                        if st.width(&pr) <= cw - 2.0 {
                            canvas.borrow_mut().text(
                                cx,
                                cy + st.cap_height() / 2.0,
                                &pr,
                                st,
                                vec![],
                            );
                            values.push(DrawnValue {
                                name: format!(
                                    "{} @ {}={}, {}",
                                    spec.ys[0].name,
                                    d.x_name,
                                    data::short(p.x),
                                    row.name
                                ),
                                value: Some(p.value),
                                printed: pr,
                                display_unit: display_unit.clone(),
                                lineage: p.lineage.clone(),
                            });
                        }
                    }
                    canvas.borrow_mut().close();
                }
            }
            // Colour bar.
            let bx = plot.x1 + 14.0;
            let bw = theme.legend_size;
            let steps = 32;
            let mut c = canvas.borrow_mut();
            c.open(vec![("class", "colorbar".into())]);
            for k in 0..steps {
                let t0 = k as f64 / steps as f64;
                let (col, _) = ramp(&theme.heatmap, t0 + 0.5 / steps as f64);
                let y0 = plot.y1 - (k as f64 + 1.0) * plot.height() / steps as f64;
                c.rect(
                    bx,
                    y0,
                    bw,
                    plot.height() / steps as f64 + 0.5,
                    vec![("fill", format!("#{:02x}{:02x}{:02x}", col.0, col.1, col.2))],
                );
            }
            let ts = TextStyle::new(theme.tick_size, text);
            for (v, l) in ht.values.iter().zip(&ht.labels) {
                let y = plot.y1 - (v - zlo) / (zhi - zlo) * plot.height();
                c.line(
                    (bx + bw, y),
                    (bx + bw + 4.0, y),
                    vec![("stroke", theme.axis.clone())],
                );
                c.text(bx + bw + 6.0, y + ts.cap_height() / 2.0, l, ts, vec![]);
            }
            if let Some(zl) = &spec.z_label {
                let st = TextStyle::new(theme.axis_title_size, text).anchor(Anchor::Middle);
                c.text_rotated(
                    w - theme.margin - st.descent(),
                    plot.y0 + plot.height() / 2.0,
                    90.0,
                    zl,
                    st,
                    vec![],
                );
            }
            c.close();
        }
        FigureKind::Bar => {
            let n = d.series.len();
            let group_w = 0.8;
            for (si, s) in d.series.iter().enumerate() {
                let col = colours[si];
                canvas.borrow_mut().open(vec![
                    ("class", "series".into()),
                    ("data-name", s.name.clone()),
                    ("data-color", theme.series[si].clone()),
                ]);
                for (i, p) in s.points.iter().enumerate() {
                    let (x0, x1, b0, b1) = if spec.stacked {
                        let below: f64 = d.series[..si].iter().map(|o| o.points[i].y).sum();
                        (p.x - group_w / 2.0, p.x + group_w / 2.0, below, below + p.y)
                    } else {
                        let bw = group_w / n as f64;
                        let x0 = p.x - group_w / 2.0 + si as f64 * bw;
                        (x0, x0 + bw, 0.0, p.y)
                    };
                    let pr = printed(p);
                    canvas.borrow_mut().open(vec![
                        ("class", "bar".into()),
                        ("data-category", xa.ticks.labels[i].replace('\n', " ")),
                        ("data-y", p.y.to_string()),
                        ("data-printed", pr.clone()),
                    ]);
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(x0, ya.t(b0.max(ya.lo))), (x1, ya.t(b1))],
                            col.filled(),
                        )))
                        .map_err(pe)?;
                    canvas.borrow_mut().close();
                    let (l, t) = chart.backend_coord(&(x0, ya.t(b1)));
                    let (rr, b) = chart.backend_coord(&(x1, ya.t(b0.max(ya.lo))));
                    placer.block(BBox::new(
                        f64::from(l) / K,
                        f64::from(t) / K,
                        f64::from(rr) / K,
                        f64::from(b) / K,
                    ));
                }
                canvas.borrow_mut().close();
            }
            // Value labels: each bar's top (grouped), or each stack's total.
            let mut labels: Vec<(f64, f64, String)> = Vec::new();
            if spec.stacked {
                for i in 0..d.xs.len() {
                    let total: f64 = d.series.iter().map(|s| s.points[i].y).sum();
                    let value = d.series.iter().map(|s| s.points[i].value.si).sum::<f64>();
                    let v = crate::base::units::Value::new(value, d.series[0].points[i].value.dim);
                    let p = data::Point {
                        x: i as f64,
                        y: total,
                        value: v,
                        lineage: d.series[0].points[i].lineage.clone(),
                    };
                    let pr = printed(&p);
                    let mut lineage = crate::calc::params::Lineage::new(p.lineage.solver);
                    for s in &d.series {
                        let l = &s.points[i].lineage;
                        lineage.absorb(l);
                        for inp in &l.inputs {
                            if !lineage.inputs.contains(inp) {
                                lineage.inputs.push(inp.clone());
                            }
                        }
                    }
                    values.push(DrawnValue {
                        name: format!(
                            "total @ {}={}",
                            d.x_name,
                            xa.ticks.labels[i].replace('\n', " ")
                        ),
                        value: Some(v),
                        printed: pr.clone(),
                        display_unit: display_unit.clone(),
                        lineage,
                    });
                    let (x, y) = to_px(i as f64, total);
                    labels.push((x, y, pr));
                }
            } else if n * d.xs.len() <= 16 {
                for (si, s) in d.series.iter().enumerate() {
                    for p in &s.points {
                        let bw = group_w / n as f64;
                        let xc = p.x - group_w / 2.0 + (si as f64 + 0.5) * bw;
                        let (x, y) = chart.backend_coord(&(xc, ya.t(p.y)));
                        labels.push((f64::from(x) / K, f64::from(y) / K, printed(p)));
                    }
                }
            }
            let mut c = canvas.borrow_mut();
            for (x, y, l) in labels {
                let st = TextStyle::new(theme.label_size, text).anchor(Anchor::Middle);
                let b = TextBlock::new(vec![(l.clone(), st)]);
                let top = y - 4.0 - b.height();
                placer.block(b.bbox(x, top, Anchor::Middle));
                c.open(vec![("class", "value".into())]);
                b.draw(&mut c, x, top, Anchor::Middle, &vec![]);
                c.close();
            }
        }
        FigureKind::Line | FigureKind::Scatter => {
            for (si, s) in d.series.iter().enumerate() {
                let col = colours[si];
                let mut attrs = vec![
                    ("class", "series".into()),
                    ("data-name", s.name.clone()),
                    ("data-color", theme.series[si].clone()),
                ];
                if dashed[si] {
                    attrs.push(("stroke-dasharray", dash.clone()));
                }
                canvas.borrow_mut().open(attrs);
                let pts: Vec<(f64, f64)> =
                    s.points.iter().map(|p| (xa.t(p.x), ya.t(p.y))).collect();
                if spec.kind == FigureKind::Line {
                    chart
                        .draw_series(LineSeries::new(pts.clone(), col.stroke_width(lw)))
                        .map_err(pe)?;
                    let px_pts: Vec<(f64, f64)> =
                        s.points.iter().map(|p| to_px(p.x, p.y)).collect();
                    placer.polyline(&px_pts);
                }
                if spec.kind == FigureKind::Scatter || s.points.len() <= MAX_MARKERS {
                    for (p, q) in s.points.iter().zip(&pts) {
                        canvas.borrow_mut().open(vec![
                            ("class", "point".into()),
                            ("data-x", p.x.to_string()),
                            ("data-y", p.y.to_string()),
                            ("data-printed", printed(p)),
                        ]);
                        chart
                            .draw_series(std::iter::once(Circle::new(*q, r, col.filled())))
                            .map_err(pe)?;
                        canvas.borrow_mut().close();
                        let (x, y) = to_px(p.x, p.y);
                        placer.block(BBox::around(x, y, f64::from(r) / K + 1.0));
                    }
                }
                canvas.borrow_mut().close();
            }
        }
        FigureKind::Roofline | FigureKind::Scorecard => unreachable!("not a chart"),
    }

    let _ = &dashed;
    // Limit lines and labelled points.
    let mut mark_labels: Vec<(TextBlock, Vec<super::layout::Spot>, String)> = Vec::new();
    {
        let mut c = canvas.borrow_mut();
        for m in &spec.marks {
            match m {
                Mark::Y(v, label) => {
                    if ya.scale == Scale::Log && *v <= 0.0 {
                        return Err(FigureError::attr(
                            "mark",
                            format!("`y={v}` cannot be shown on a log axis"),
                        ));
                    }
                    let (_, y) = to_px(xa.lo, *v);
                    c.line(
                        (plot.x0, y),
                        (plot.x1, y),
                        vec![
                            ("class", "limit".into()),
                            ("stroke", theme.limit.clone()),
                            ("stroke-width", num(theme.limit_width)),
                            ("stroke-dasharray", "6 4".into()),
                        ],
                    );
                    placer.polyline(&[(plot.x0, y), (plot.x1, y)]);
                    let text = label
                        .clone()
                        .unwrap_or_else(|| tick_labels(&[*v])[0].clone());
                    let b = TextBlock::new(vec![(
                        text.clone(),
                        label_style.fill_of(intern(&theme.limit)),
                    )]);
                    let spots = vec![
                        super::layout::Spot {
                            x: plot.x1 - 4.0,
                            top: y - 4.0 - b.height(),
                            anchor: Anchor::End,
                        },
                        super::layout::Spot {
                            x: plot.x1 - 4.0,
                            top: y + 4.0,
                            anchor: Anchor::End,
                        },
                        super::layout::Spot {
                            x: plot.x0 + 4.0,
                            top: y - 4.0 - b.height(),
                            anchor: Anchor::Start,
                        },
                        super::layout::Spot {
                            x: plot.x0 + 4.0,
                            top: y + 4.0,
                            anchor: Anchor::Start,
                        },
                    ];
                    mark_labels.push((b, spots, "limit".into()));
                }
                Mark::X(v, label) => {
                    let (x, _) = to_px(*v, ya.lo);
                    c.line(
                        (x, plot.y0),
                        (x, plot.y1),
                        vec![
                            ("class", "limit".into()),
                            ("stroke", theme.limit.clone()),
                            ("stroke-width", num(theme.limit_width)),
                            ("stroke-dasharray", "6 4".into()),
                        ],
                    );
                    placer.polyline(&[(x, plot.y0), (x, plot.y1)]);
                    let text = label
                        .clone()
                        .unwrap_or_else(|| format!("{} = {}", d.x_name, data::short(*v)));
                    let b = TextBlock::new(vec![(text, label_style.fill_of(intern(&theme.limit)))]);
                    let spots = vec![
                        super::layout::Spot {
                            x: x + 5.0,
                            top: plot.y0 + 4.0,
                            anchor: Anchor::Start,
                        },
                        super::layout::Spot {
                            x: x - 5.0,
                            top: plot.y0 + 4.0,
                            anchor: Anchor::End,
                        },
                        super::layout::Spot {
                            x: x + 5.0,
                            top: plot.y1 - 4.0 - b.height(),
                            anchor: Anchor::Start,
                        },
                        super::layout::Spot {
                            x: x - 5.0,
                            top: plot.y1 - 4.0 - b.height(),
                            anchor: Anchor::End,
                        },
                    ];
                    mark_labels.push((b, spots, "limit".into()));
                }
                Mark::At(xv, label) => {
                    for (si, s) in d.series.iter().enumerate() {
                        let Some(p) = s
                            .points
                            .iter()
                            .find(|p| (p.x - xv).abs() <= 1e-9 * xv.abs().max(1.0))
                        else {
                            return Err(FigureError::attr(
                                "mark",
                                format!(
                                    "`at={}` is not a swept value of `{}`",
                                    data::short(*xv),
                                    d.x_name
                                ),
                            ));
                        };
                        let (x, y) = to_px(p.x, p.y);
                        c.open(vec![
                            ("class", "point".into()),
                            ("data-x", p.x.to_string()),
                            ("data-y", p.y.to_string()),
                        ]);
                        c.shape(
                            "circle",
                            vec![
                                ("cx", num(x)),
                                ("cy", num(y)),
                                ("r", num(theme.marker_radius + 1.0)),
                                ("fill", theme.series[si % theme.series.len()].clone()),
                                ("stroke", theme.background.clone()),
                                ("stroke-width", "1.5".into()),
                            ],
                        );
                        c.close();
                        placer.block(BBox::around(x, y, theme.marker_radius + 2.0));
                        let pr = printed(p);
                        values.push(DrawnValue {
                            name: format!("{} @ {}={}", s.name, d.x_name, data::short(p.x)),
                            value: Some(p.value),
                            printed: pr.clone(),
                            display_unit: display_unit.clone(),
                            lineage: p.lineage.clone(),
                        });
                        let text = match label {
                            Some(l) => format!("{l} {pr}"),
                            None => pr,
                        };
                        let b = TextBlock::new(vec![(
                            text,
                            label_style.fill_of(intern(&theme.series[si % theme.series.len()])),
                        )]);
                        let spots = spots_around(x, y, &b, theme.marker_radius + 4.0);
                        mark_labels.push((b, spots, s.name.clone()));
                    }
                }
            }
        }
    }
    {
        let mut c = canvas.borrow_mut();
        for (b, spots, name) in mark_labels {
            if let Some(s) = placer.place(&b, &spots) {
                c.open(vec![("class", "label".into()), ("data-name", name)]);
                b.draw(&mut c, s.x, s.top, s.anchor, &vec![]);
                c.close();
            }
        }
        c.close();
        // Legend.
        if !heat && d.series.len() > 1 {
            let x0 = plot.x1 + 14.0;
            let mut y = plot.y0 + 2.0;
            c.open(vec![("class", "legend".into())]);
            if let Some(n) = &d.series_name {
                let st = legend_style.bold();
                c.text(
                    x0,
                    y + st.cap_height(),
                    &n.replace('_', " "),
                    st.fill_of(muted),
                    vec![],
                );
                y += theme.legend_size * 1.5;
            }
            for (si, s) in d.series.iter().enumerate() {
                let cy = y + legend_style.cap_height() / 2.0;
                if spec.kind == FigureKind::Line {
                    let mut a = vec![
                        ("stroke", theme.series[si].clone()),
                        ("stroke-width", num(theme.line_width)),
                    ];
                    if dashed[si] {
                        a.push(("stroke-dasharray", dash.clone()));
                    }
                    c.line((x0, cy), (x0 + swatch, cy), a);
                } else {
                    let sz = theme.legend_size * 0.8;
                    c.rect(
                        x0 + (swatch - sz) / 2.0,
                        cy - sz / 2.0,
                        sz,
                        sz,
                        vec![("fill", theme.series[si].clone())],
                    );
                }
                c.text(
                    x0 + swatch + 6.0,
                    y + legend_style.cap_height(),
                    &s.name,
                    legend_style,
                    vec![("class", "legend-entry".into())],
                );
                y += theme.legend_size * 1.5;
            }
            c.close();
        }
    }
    drop(chart);
    drop(root);
    let canvas = Rc::try_unwrap(canvas)
        .map_err(|_| FigureError::general("the canvas is still shared"))?
        .into_inner();
    Ok(Drawn {
        canvas,
        values,
        warnings: d.warnings,
    })
}

/// Ticks of the heatmap's colour scale.
fn heat_ticks(d: &Data) -> Ticks {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for s in &d.series {
        for p in &s.points {
            lo = lo.min(p.y);
            hi = hi.max(p.y);
        }
    }
    let (v, _, _) = linear_ticks(lo, hi, 5);
    let v: Vec<f64> = v;
    Ticks {
        labels: tick_labels(&v),
        values: v,
    }
}

/// The ramp's colour at t ∈ [0, 1], and whether it is dark (white text on it).
fn ramp(stops: &[String], t: f64) -> (RGBColor, bool) {
    let n = stops.len() - 1;
    let f = t.clamp(0.0, 1.0) * n as f64;
    let i = (f.floor() as usize).min(n - 1);
    let u = f - i as f64;
    let (a, b) = (
        parse_hex(&stops[i]).unwrap_or_default(),
        parse_hex(&stops[i + 1]).unwrap_or_default(),
    );
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * u).round() as u8;
    let c = RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2));
    let lum = 0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2);
    (c, lum < 140.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_group_consistently() {
        assert_eq!(tick_labels(&[1000.0, 10000.0]), ["1,000", "10,000"]);
        assert_eq!(tick_labels(&[100.0, 1000.0]), ["100", "1000"]);
        assert_eq!(tick_labels(&[0.0, 0.25, 0.5]), ["0.00", "0.25", "0.50"]);
        assert_eq!(
            tick_labels(&[512.0, 1024.0, 32768.0]),
            ["512", "1,024", "32,768"]
        );
    }

    #[test]
    fn linear_ticks_are_nice() {
        let (v, a, b) = linear_ticks(0.0, 9.3, 5);
        assert_eq!(a, 0.0);
        assert_eq!(b, 10.0);
        assert_eq!(v, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(log_ticks(1.0, 1e4), [1.0, 10.0, 100.0, 1000.0, 1e4]);
        assert_eq!(log_ticks(1.0, 20.0), [1.0, 2.0, 5.0, 10.0, 20.0]);
    }
}
