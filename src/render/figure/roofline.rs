//! `figure="roofline"`: one or more devices' memory and compute roofs on log-log axes, their ridge
//! points, and workloads placed at the arithmetic intensity the roofline solver computes.
//!
//! * Compute roof: the precision's peak (`precision_flops[p]`, else the dense peak, exactly as the
//!   solver reads it) × the efficiency η (default 1, the datasheet roof as in mlsysim's
//!   `plot_roofline`; with η < 1 the datasheet peak is drawn dashed).
//! * Memory roof: main-memory bandwidth × intensity.
//! * Ridge point: [`ridge_point`] × η (the intensity where the two roofs meet).
//! * Workloads: [`roofline::solve`] with the same precision and η; each is drawn on its device's
//!   roof at (arithmetic intensity, min(bandwidth × intensity, peak × η)) with the bottleneck the
//!   solver reports. (A model that does not fit in memory is solved on the offload path; its
//!   point then sits below the HBM roof, and its label says so.)

use super::axis::{decade_ceil, decade_floor, decade_label, LogAxis};
use super::layout::{self, spots_around, BBox, Placer, Spot, TextBlock};
use super::style as st;
use super::svg::{num, Anchor, Attrs, Canvas, TextStyle};
use super::{fmt, spec, Drawn, DrawnValue, FigureError, FigureRequest};
use crate::formulas::performance::{ridge_point, Bottleneck};
use crate::registry::types::Hardware;
use crate::registry::Registry;
use crate::render::format::{format_number, FormatSpec, Target};
use crate::solvers::roofline::{self, RooflineOptions};
use crate::solvers::Lineage;
use crate::units::{parse_unit, Dim, Value};

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 500.0;
const RIGHT: f64 = 34.0;
const TOP: f64 = 64.0;
const BOTTOM: f64 = 58.0;

/// Display units for the performance axis, smallest first.
const RATE_UNITS: [&str; 5] = ["MFLOP/s", "GFLOP/s", "TFLOP/s", "PFLOP/s", "EFLOP/s"];
/// Display units for bandwidths, smallest first.
const BW_UNITS: [&str; 4] = ["MB/s", "GB/s", "TB/s", "PB/s"];

struct Device<'a> {
    hw: &'a Hardware,
    color: &'static str,
    /// Peak FLOP/s at the precision.
    peak: f64,
    /// peak × η.
    ceiling: f64,
    /// Main-memory bandwidth, byte/s.
    bw: f64,
    /// ceiling / bw, FLOP/byte.
    ridge: f64,
    lineage: Lineage,
}

struct Point {
    ai: f64,
    perf: f64,
    bound: Bottleneck,
    feasible: bool,
    lineage: Lineage,
}

struct Placed {
    label: String,
    name: String,
    model: String,
    model_name: String,
    batch: u64,
    /// One point per device, in device order.
    points: Vec<Point>,
}

fn unit_factor(u: &str) -> f64 {
    parse_unit(u).expect("figure display units parse").factor
}

/// The largest unit in which `v` is at least `min` (else the smallest unit).
fn pick_unit(v: f64, units: &[&'static str], min: f64) -> &'static str {
    units
        .iter()
        .rev()
        .find(|u| v / unit_factor(u) >= min)
        .copied()
        .unwrap_or(units[0])
}

fn bound_text(b: Bottleneck) -> &'static str {
    match b {
        Bottleneck::Memory => "memory-bound",
        Bottleneck::Compute => "compute-bound",
    }
}

fn solve_err(attr: &str, e: impl std::fmt::Display) -> FigureError {
    FigureError::attr(attr, e.to_string())
}

/// Draws a roofline.
pub(crate) fn draw(reg: &Registry, req: &FigureRequest) -> Result<Drawn, FigureError> {
    let eta = req.efficiency;
    let mut warnings: Vec<String> = Vec::new();
    let single = req.hardware.len() == 1;

    // Devices: roofs and ridge points.
    let mut devs: Vec<Device> = Vec::new();
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
            color: if single { st::MEMORY } else { st::DEVICES[i] },
            peak: peak.value,
            ceiling: peak.value * eta,
            bw: bw.value,
            ridge,
            lineage: lin,
        });
    }

    // Workloads: the solver's intensity and bottleneck on every device.
    let mut placed: Vec<Placed> = Vec::new();
    for w in &req.workloads {
        let model = reg.model(&w.model).map_err(|e| solve_err("workloads", e))?;
        let mut points = Vec::new();
        for d in &devs {
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
    let widest = ya_probe
        .decades()
        .iter()
        .map(|v| tick_style.width(&decade_label(*v)))
        .fold(0.0, f64::max);
    // The right margin fits half the last x tick label.
    let last_x = tick_style.width(&decade_label(decade_floor(x_hi * (1.0 + 1e-9))));
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
    let at = |ai: f64, perf_si: f64| (xa.px(ai), ya.px(perf_si / rf));

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
    // Region shading (one device only: with several, the ridges differ).
    if single {
        let xr = xa.px(devs[0].ridge).clamp(x0, x1);
        c.rect(
            x0,
            y0,
            xr - x0,
            y1 - y0,
            vec![
                ("class", "region memory".into()),
                ("fill", st::MEMORY_REGION.into()),
            ],
        );
        c.rect(
            xr,
            y0,
            x1 - xr,
            y1 - y0,
            vec![
                ("class", "region compute".into()),
                ("fill", st::COMPUTE_REGION.into()),
            ],
        );
    }
    // Grid, frame, ticks.
    c.open(vec![("class", "grid".into())]);
    for v in xa.decades() {
        let x = xa.px(v);
        c.line((x, y0), (x, y1), stroke(st::GRID, 1.0));
    }
    for v in ya.decades() {
        let y = ya.px(v);
        c.line((x0, y), (x1, y), stroke(st::GRID, 1.0));
    }
    c.close();
    c.rect(
        x0,
        y0,
        x1 - x0,
        y1 - y0,
        vec![
            ("class", "frame".into()),
            ("fill", "none".into()),
            ("stroke", st::AXIS.into()),
            ("stroke-width", "1".into()),
        ],
    );
    c.open(vec![
        ("class", "axis x".into()),
        ("data-scale", "log".into()),
    ]);
    for v in xa.minors() {
        let x = xa.px(v);
        c.line((x, y1), (x, y1 + 3.0), stroke(st::AXIS, 1.0));
    }
    for v in xa.decades() {
        let x = xa.px(v);
        let label = decade_label(v);
        let mut a = stroke(st::AXIS, 1.0);
        a.insert(0, ("class", "tick".into()));
        a.push(("data-value", label.clone()));
        c.line((x, y1), (x, y1 + 6.0), a);
        c.text(
            x,
            y1 + 20.0,
            &label,
            tick_style.anchor(Anchor::Middle),
            vec![("class", "tick-label".into())],
        );
    }
    c.text(
        (x0 + x1) / 2.0,
        y1 + 44.0,
        "Arithmetic intensity (FLOP/byte)",
        TextStyle::new(st::AXIS_TITLE_SIZE, st::TEXT).anchor(Anchor::Middle),
        vec![("class", "axis-title".into())],
    );
    c.close();
    c.open(vec![
        ("class", "axis y".into()),
        ("data-scale", "log".into()),
    ]);
    for v in ya.minors() {
        let y = ya.px(v);
        c.line((x0 - 3.0, y), (x0, y), stroke(st::AXIS, 1.0));
    }
    for v in ya.decades() {
        let y = ya.px(v);
        let label = decade_label(v);
        let mut a = stroke(st::AXIS, 1.0);
        a.insert(0, ("class", "tick".into()));
        a.push(("data-value", label.clone()));
        c.line((x0 - 6.0, y), (x0, y), a);
        c.text(
            x0 - 9.0,
            y + tick_style.cap_height() / 2.0,
            &label,
            tick_style.anchor(Anchor::End),
            vec![("class", "tick-label".into())],
        );
    }
    c.text_rotated(
        22.0,
        (y0 + y1) / 2.0,
        -90.0,
        &format!("Attainable performance ({rate_unit})"),
        TextStyle::new(st::AXIS_TITLE_SIZE, st::TEXT).anchor(Anchor::Middle),
        vec![("class", "axis-title".into())],
    );
    c.close();

    let mut placer = Placer::new(BBox::new(x0 + 3.0, y0 + 3.0, x1 - 3.0, y1 - 3.0));
    let label_style = TextStyle::new(st::LABEL_SIZE, st::TEXT).halo();
    let small_style = TextStyle::new(st::SMALL_SIZE, st::MUTED).halo();

    // Roofs, ridge points, datasheet peaks.
    let mut ridge_px: Vec<(f64, f64)> = Vec::new();
    let mut memory_segment: Vec<((f64, f64), (f64, f64))> = Vec::new();
    for d in &devs {
        let x_start = x_lo.max(y_lo / d.bw);
        let p_start = at(x_start, d.bw * x_start);
        let p_ridge = at(d.ridge, d.ceiling);
        let p_end = at(x_hi, d.ceiling);
        memory_segment.push((p_start, p_ridge));
        c.open(vec![
            ("class", "device".into()),
            ("data-hardware", d.hw.key.clone()),
        ]);
        let (mem_color, comp_color) = if single {
            (st::MEMORY, st::COMPUTE)
        } else {
            (d.color, d.color)
        };
        let mut a = stroke(mem_color, st::ROOF_WIDTH);
        a.insert(0, ("class", "roof memory".into()));
        a.push(("stroke-linecap", "round".into()));
        c.polyline(&[p_start, p_ridge], a);
        let mut a = stroke(comp_color, st::ROOF_WIDTH);
        a.insert(0, ("class", "roof compute".into()));
        a.push(("stroke-linecap", "round".into()));
        c.polyline(&[p_ridge, p_end], a);
        placer.polyline(&[p_start, p_ridge, p_end]);
        if eta < 1.0 {
            let x_dat = d.peak / d.bw;
            let q0 = at(x_dat, d.peak);
            let q1 = at(x_hi, d.peak);
            let mut a = stroke(comp_color, 1.5);
            a.insert(0, ("class", "datasheet-peak".into()));
            a.push(("stroke-dasharray", "6 4".into()));
            c.line(q0, q1, a);
            let mut a = stroke(mem_color, 1.5);
            a.insert(0, ("class", "datasheet-memory".into()));
            a.push(("stroke-dasharray", "6 4".into()));
            c.line(p_ridge, q0, a);
            placer.polyline(&[p_ridge, q0, q1]);
        }
        // The ridge: a dotted guide down to the axis and a diamond.
        let ridge_color = if single { st::RIDGE } else { d.color };
        let mut a = stroke(ridge_color, 1.2);
        a.insert(0, ("class", "ridge-guide".into()));
        a.push(("stroke-dasharray", "2 3".into()));
        c.line(p_ridge, (p_ridge.0, y1), a);
        placer.polyline(&[p_ridge, (p_ridge.0, y1)]);
        let r = st::DIAMOND_R;
        let (x, y) = p_ridge;
        placer.block(BBox::around(x, y, r + 2.0));
        ridge_px.push(p_ridge);
        c.close();
    }

    // Ridge points, under the workload markers (a point on the ridge leaves the tips visible).
    for (d, &(x, y)) in devs.iter().zip(&ridge_px) {
        c.shape(
            "polygon",
            vec![
                ("class", "ridge-point".into()),
                ("data-hardware", d.hw.key.clone()),
                ("points", diamond(x, y, st::DIAMOND_R)),
                ("fill", if single { st::RIDGE } else { d.color }.into()),
                ("stroke", st::BACKGROUND.into()),
                ("stroke-width", "1".into()),
            ],
        );
    }

    // Workload markers.
    let mut marker_px: Vec<Vec<(f64, f64)>> = Vec::new();
    for (wi, p) in placed.iter().enumerate() {
        let color = st::WORKLOADS[wi % st::WORKLOADS.len()];
        c.open(vec![
            ("class", "workload".into()),
            ("data-workload", p.label.clone()),
        ]);
        let pts: Vec<(f64, f64)> = p.points.iter().map(|q| at(q.ai, q.perf)).collect();
        if pts.len() > 1 {
            let top = pts.iter().map(|q| q.1).fold(f64::INFINITY, f64::min);
            let bottom = pts.iter().map(|q| q.1).fold(f64::NEG_INFINITY, f64::max);
            let mut a = stroke(st::MUTED, 1.0);
            a.insert(0, ("class", "workload-guide".into()));
            a.push(("stroke-dasharray", "3 3".into()));
            c.line((pts[0].0, top), (pts[0].0, bottom), a);
        }
        for (di, (q, &(x, y))) in p.points.iter().zip(&pts).enumerate() {
            let fill = if single { color } else { devs[di].color };
            c.shape(
                "circle",
                vec![
                    ("class", "workload-point".into()),
                    ("data-hardware", devs[di].hw.key.clone()),
                    ("data-bound", bound_text(q.bound).into()),
                    ("cx", num(x)),
                    ("cy", num(y)),
                    ("r", num(st::MARKER_R)),
                    ("fill", fill.into()),
                    ("stroke", st::BACKGROUND.into()),
                    ("stroke-width", "1.5".into()),
                ],
            );
            placer.block(BBox::around(x, y, st::MARKER_R + 2.0));
        }
        marker_px.push(pts);
        c.close();
    }

    c.open(vec![("class", "labels".into())]);
    // Region names (one device), at the bottom of each region.
    if single {
        let xr = xa.px(devs[0].ridge);
        let region = TextStyle::new(st::SMALL_SIZE, st::REGION_TEXT);
        for (text, x, anchor, room) in [
            (
                "memory-bound region",
                x0 + 8.0,
                Anchor::Start,
                xr - x0 - 16.0,
            ),
            (
                "compute-bound region",
                x1 - 8.0,
                Anchor::End,
                x1 - xr - 16.0,
            ),
        ] {
            let block = TextBlock::new(vec![(text.to_string(), region)]);
            if block.width() <= room {
                let top = y1 - 8.0 - block.height();
                let b = block.bbox(x, top, anchor);
                if placer.cost(&b) == 0.0 {
                    placer.block(b.inflate(2.0));
                    block.draw(
                        &mut c,
                        x,
                        top,
                        anchor,
                        &vec![("class", "region-label".into())],
                    );
                }
            }
        }
    }

    // Legend.
    if single {
        legend.draw_inside(&mut c, &mut placer, (x0, y0, x1, y1));
    } else {
        legend.draw_below(&mut c, x0, HEIGHT + 2.0, legend_cols);
    }

    // Ridge labels.
    let ridge_spec = spec(Some("FLOP/byte"), Some(1));
    for (d, &(x, y)) in devs.iter().zip(&ridge_px) {
        let text = fmt(Value::new(d.ridge, Dim::ARITHMETIC_INTENSITY), &ridge_spec)?;
        // Several devices: the value only (the legend gives the unit).
        let short = fmt(
            Value::new(d.ridge, Dim::ARITHMETIC_INTENSITY),
            &FormatSpec {
                show_unit: false,
                ..ridge_spec.clone()
            },
        )?;
        let color = if single { st::RIDGE } else { d.color };
        let block = if single {
            TextBlock::new(vec![
                ("Ridge point".to_string(), label_style.bold().fill_of(color)),
                (text.clone(), label_style.fill_of(color)),
            ])
        } else {
            TextBlock::new(vec![(
                format!("{}: {short}", d.hw.key),
                small_style.bold().fill_of(color),
            )])
        };
        let h = block.height();
        let g = 9.0;
        let mut spots = vec![
            Spot {
                x: x - g,
                top: y - h - g * 0.6,
                anchor: Anchor::End,
            },
            Spot {
                x: x + g,
                top: y - h - g * 0.6,
                anchor: Anchor::Start,
            },
            Spot {
                x: x - g,
                top: y + g * 0.6,
                anchor: Anchor::End,
            },
            Spot {
                x: x + g,
                top: y + g * 0.6,
                anchor: Anchor::Start,
            },
        ];
        spots.extend(spots_around(x, y, &block, 12.0));
        if let Some(s) = placer.place_near(&block, &spots, Some((x, y)), None) {
            block.draw(
                &mut c,
                s.x,
                s.top,
                s.anchor,
                &vec![
                    ("class", "ridge-label".into()),
                    ("data-hardware", d.hw.key.clone()),
                ],
            );
            leader(&mut c, (x, y), &block, s, color);
        }
        values.push(drawn(
            format!("{}.ridge_point", d.hw.key),
            Value::new(d.ridge, Dim::ARITHMETIC_INTENSITY),
            if single { &text } else { &short },
            "FLOP/byte",
            &d.lineage,
        ));
    }

    // Compute and memory roof labels (one device; the legend carries them for several).
    if single {
        let d = &devs[0];
        let ceiling = fmt(
            Value::new(d.ceiling, Dim::COMPUTE_RATE),
            &spec(Some(rate_unit), None),
        )?;
        let peak_text = fmt(
            Value::new(d.peak, Dim::COMPUTE_RATE),
            &spec(Some(rate_unit), None),
        )?;
        let bw_unit = pick_unit(d.bw, &BW_UNITS, 1.0);
        let bw_text = fmt(Value::new(d.bw, Dim::BANDWIDTH), &spec(Some(bw_unit), None))?;
        let compute_style = label_style.bold().fill_of(st::COMPUTE);
        let (long, short, two) = if eta < 1.0 {
            (
                format!("Compute roof at η = {eta_text}: {ceiling}"),
                format!("{ceiling} at η = {eta_text}"),
                (format!("Compute roof at η = {eta_text}"), ceiling.clone()),
            )
        } else {
            (
                format!("Peak compute {ceiling}"),
                ceiling.clone(),
                ("Peak compute".to_string(), ceiling.clone()),
            )
        };
        let variants = [
            TextBlock::new(vec![(long, compute_style)]),
            TextBlock::new(vec![(short, compute_style)]),
            TextBlock::new(vec![(two.0, compute_style), (two.1, compute_style)]),
        ];
        let (xr, yc) = ridge_px[0];
        // Spots above the roof (`above`), or below it.
        let near = |block: &TextBlock, above: bool| {
            let h = block.height();
            let mut v = Vec::new();
            for gap in [6.0, 10.0, 14.0] {
                let top = if above { yc - h - gap } else { yc + gap };
                v.extend([
                    Spot {
                        x: x1 - 8.0,
                        top,
                        anchor: Anchor::End,
                    },
                    Spot {
                        x: xr + 14.0,
                        top,
                        anchor: Anchor::Start,
                    },
                ]);
            }
            v
        };
        // Above the roof: a clear spot for the long label, then the short one, then two lines,
        // then one over a line (the halo keeps it legible); the same below the roof; else the
        // two-line label wherever it fits best.
        let mut placed_at: Option<(usize, Spot)> = None;
        'search: for above in [true, false] {
            for (i, block) in variants.iter().enumerate() {
                if let Some(s) = placer.place_clear(block, &near(block, above)) {
                    placed_at = Some((i, s));
                    break 'search;
                }
            }
            for (i, block) in variants.iter().enumerate() {
                if let Some(s) = placer.place_over_lines(block, &near(block, above)) {
                    placed_at = Some((i, s));
                    break 'search;
                }
            }
        }
        if placed_at.is_none() {
            let block = &variants[2];
            let spots = spots_around((xr + x1) / 2.0, yc, block, 10.0);
            placed_at = placer.place(block, &spots).map(|s| (2, s));
        }
        if let Some((i, s)) = placed_at {
            variants[i].draw(
                &mut c,
                s.x,
                s.top,
                s.anchor,
                &vec![("class", "compute-label".into())],
            );
        }
        if eta < 1.0 {
            let yp = ya.px(d.peak / rf);
            let block = TextBlock::new(vec![(format!("Datasheet peak {peak_text}"), small_style)]);
            let h = block.height();
            let spots = [
                Spot {
                    x: x1 - 8.0,
                    top: yp - h - 4.0,
                    anchor: Anchor::End,
                },
                Spot {
                    x: x1 - 8.0,
                    top: yp + 4.0,
                    anchor: Anchor::End,
                },
            ]
            .into_iter()
            .chain(spots_around((xr + x1) / 2.0, yp, &block, 10.0))
            .collect::<Vec<_>>();
            if let Some(s) = placer.place(&block, &spots) {
                block.draw(
                    &mut c,
                    s.x,
                    s.top,
                    s.anchor,
                    &vec![("class", "peak-label".into())],
                );
            }
        }
        memory_label(
            &mut c,
            &mut placer,
            memory_segment[0],
            &[format!("Memory bandwidth {bw_text}"), bw_text.clone()],
            label_style.bold().fill_of(st::MEMORY),
        );
        values.push(drawn(
            format!("{}.compute_roof", d.hw.key),
            Value::new(d.ceiling, Dim::COMPUTE_RATE),
            &ceiling,
            rate_unit,
            &d.lineage,
        ));
        values.push(drawn(
            format!("{}.memory_bandwidth", d.hw.key),
            Value::new(d.bw, Dim::BANDWIDTH),
            &bw_text,
            bw_unit,
            &d.lineage,
        ));
        if eta < 1.0 {
            values.push(drawn(
                format!("{}.peak_flops", d.hw.key),
                Value::new(d.peak, Dim::COMPUTE_RATE),
                &peak_text,
                rate_unit,
                &d.lineage,
            ));
        }
    }

    // Workload labels. Points with the same bottleneck that sit within a few pixels of each
    // other (a batch sweep that has saturated, two models of equal intensity) share one label.
    let bounds: Vec<String> = placed
        .iter()
        .map(|p| {
            if single {
                let q = &p.points[0];
                let mut b = bound_text(q.bound).to_string();
                if !q.feasible {
                    b.push_str(", weights offloaded");
                }
                b
            } else {
                bounds_summary(&devs, &p.points)
            }
        })
        .collect();
    let top_of = |pts: &[(f64, f64)]| {
        pts.iter()
            .copied()
            .fold((0.0, f64::INFINITY), |a, q| if q.1 < a.1 { q } else { a })
    };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for wi in 0..placed.len() {
        let (x, y) = top_of(&marker_px[wi]);
        let near = groups.iter_mut().find(|g| {
            bounds[g[0]] == bounds[wi]
                && g.iter().any(|&o| {
                    let (ox, oy) = top_of(&marker_px[o]);
                    ((ox - x).powi(2) + (oy - y).powi(2)).sqrt() < 24.0
                })
        });
        match near {
            Some(g) => g.push(wi),
            None => groups.push(vec![wi]),
        }
    }
    // Each group keeps the space just above and below its points free of the others' labels.
    for (gi, g) in groups.iter().enumerate() {
        for &wi in g {
            for &p in &marker_px[wi] {
                placer.shadow(gi, p, 40.0);
            }
        }
    }
    let ai_number = FormatSpec {
        show_unit: false,
        ..ridge_spec.clone()
    };
    let mut wanted: Vec<layout::Wanted> = Vec::new();
    let mut wanted_ids: Vec<String> = Vec::new();
    for (gi, g) in groups.iter().enumerate() {
        let first = &placed[g[0]];
        let color = st::WORKLOADS[g[0] % st::WORKLOADS.len()];
        let mut ai_texts = Vec::new();
        for &wi in g {
            let p = &placed[wi];
            let v = Value::new(p.points[0].ai, Dim::ARITHMETIC_INTENSITY);
            let text = fmt(
                v,
                if g.len() == 1 {
                    &ridge_spec
                } else {
                    &ai_number
                },
            )?;
            values.push(drawn(
                format!("{}.arithmetic_intensity", p.label),
                v,
                &text,
                "FLOP/byte",
                &p.points[0].lineage,
            ));
            for (d, q) in devs.iter().zip(&p.points) {
                values.push(DrawnValue {
                    name: format!("{} on {}.bottleneck", p.label, d.hw.key),
                    value: None,
                    printed: bound_text(q.bound).to_string(),
                    display_unit: "label".into(),
                    lineage: q.lineage.clone(),
                });
            }
            ai_texts.push(text);
        }
        let one_model = g.iter().all(|&wi| placed[wi].model == first.model);
        let names: Vec<String> = if g.len() == 1 {
            vec![first.name.clone()]
        } else if one_model {
            let batches: Vec<String> = g.iter().map(|&wi| placed[wi].batch.to_string()).collect();
            vec![format!(
                "{} · batch {}",
                first.model_name,
                batches.join(", ")
            )]
        } else {
            g.iter().map(|&wi| placed[wi].name.clone()).collect()
        };
        let ai_text = if g.len() == 1 {
            ai_texts[0].clone()
        } else {
            format!("{} FLOP/byte", ai_texts.join(", "))
        };
        let bound = &bounds[g[0]];
        let head_style = if single && g.len() == 1 {
            label_style.bold().fill_of(color)
        } else {
            label_style.bold()
        };
        let heads = || names.iter().map(|n| (n.clone(), head_style));
        // Two lines, or three narrower ones when that places better.
        let variants = [
            TextBlock::new(
                heads()
                    .chain([(format!("{ai_text} · {bound}"), small_style)])
                    .collect(),
            ),
            TextBlock::new(
                heads()
                    .chain([(ai_text.clone(), small_style), (bound.clone(), small_style)])
                    .collect(),
            ),
        ];
        let all: Vec<(f64, f64)> = g
            .iter()
            .flat_map(|&wi| marker_px[wi].iter().copied())
            .collect();
        let ids: Vec<&str> = g.iter().map(|&wi| placed[wi].label.as_str()).collect();
        wanted.push(layout::Wanted {
            variants: variants.to_vec(),
            from: top_of(&all),
            owner: gi,
        });
        wanted_ids.push(ids.join(" "));
    }
    let placements = layout::place_all(&mut placer, &wanted, 10.0);
    for ((w, ids), p) in wanted.iter().zip(&wanted_ids).zip(&placements) {
        if let Some((vi, s)) = *p {
            let block = &w.variants[vi];
            block.draw(
                &mut c,
                s.x,
                s.top,
                s.anchor,
                &vec![
                    ("class", "workload-label".into()),
                    ("data-workload", ids.clone()),
                ],
            );
            leader(&mut c, w.from, block, s, st::MUTED);
        }
    }
    c.close();
    c.close();

    Ok(Drawn {
        canvas: c,
        values,
        warnings,
    })
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "memory-bound on all", or "compute-bound on A100; memory-bound on H100, B200".
fn bounds_summary(devs: &[Device], points: &[Point]) -> String {
    let mut groups: Vec<(&'static str, Vec<&str>)> = Vec::new();
    for (d, q) in devs.iter().zip(points) {
        let b = bound_text(q.bound);
        match groups.iter_mut().find(|(g, _)| *g == b) {
            Some((_, keys)) => keys.push(d.hw.key.as_str()),
            None => groups.push((b, vec![d.hw.key.as_str()])),
        }
    }
    let mut out = if groups.len() == 1 {
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

/// A thin line from a point to a label placed away from it.
fn leader(c: &mut Canvas, from: (f64, f64), block: &TextBlock, s: Spot, color: &str) {
    if let Some((p, q)) = layout::leader(from, &block.bbox(s.x, s.top, s.anchor)) {
        let mut a = stroke(color, 0.8);
        a.insert(0, ("class", "leader".into()));
        c.line(p, q, a);
    }
}

/// The memory roof's label, written along the sloped line: the first of `texts` that fits, above
/// the line if there is room between the markers, else below it.
fn memory_label(
    c: &mut Canvas,
    placer: &mut Placer,
    (a, b): ((f64, f64), (f64, f64)),
    texts: &[String],
    style: TextStyle,
) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1.0 {
        return;
    }
    let (ux, uy) = (dx / len, dy / len);
    // The normal pointing up-left of the rising line.
    let (nx, ny) = (uy, -ux);
    let angle = uy.atan2(ux).to_degrees();
    let cap = style.cap_height();
    // From the middle of the line outwards, in steps of 1 % of its length.
    let ts: Vec<f64> = (0..=80)
        .map(|i| {
            let k = f64::from((i + 1) / 2) * 0.01;
            if i % 2 == 0 {
                0.5 + k
            } else {
                0.5 - k
            }
        })
        .collect();
    for text in texts {
        let w = style.width(text);
        // Baseline offset along the normal: 5 px above the line, or the cap height + 5 px below.
        for lift in [5.0, -(cap + 6.0)] {
            for &t in &ts {
                let s = len * t;
                if s < w / 2.0 + 10.0 || len - s < w / 2.0 + 10.0 {
                    continue;
                }
                let (cx, cy) = (a.0 + ux * s + nx * lift, a.1 + uy * s + ny * lift);
                // The rotated text as small boxes along its baseline.
                let n = (w / 10.0).ceil() as usize;
                let boxes: Vec<BBox> = (0..n)
                    .map(|i| {
                        let along = -w / 2.0 + (i as f64 + 0.5) * w / n as f64;
                        let mx = cx + ux * along + nx * cap / 2.0;
                        let my = cy + uy * along + ny * cap / 2.0;
                        BBox::around(mx, my, cap / 2.0 + 1.0)
                    })
                    .collect();
                if boxes.iter().all(|bx| placer.cost_of(bx, false) == 0.0) {
                    for bx in boxes {
                        placer.block(bx);
                    }
                    c.text_rotated(
                        cx,
                        cy,
                        angle,
                        text,
                        style.anchor(Anchor::Middle),
                        vec![("class", "memory-label".into())],
                    );
                    return;
                }
            }
        }
    }
}

enum Swatch {
    Line(&'static str, bool),
    Diamond(&'static str),
    Dot(&'static str),
}

/// The legend entries.
struct Legend {
    rows: Vec<(Swatch, String)>,
}

const LEGEND_ROW: f64 = 18.0;
const LEGEND_PAD: f64 = 8.0;
const LEGEND_SWATCH: f64 = 24.0;

impl Legend {
    fn new(
        devs: &[Device],
        single: bool,
        derated: bool,
        workloads: bool,
        rate_unit: &str,
    ) -> Result<Legend, FigureError> {
        let mut rows: Vec<(Swatch, String)> = Vec::new();
        if single {
            rows.push((Swatch::Line(st::MEMORY, false), "Memory roof".into()));
            rows.push((Swatch::Line(st::COMPUTE, false), "Compute roof".into()));
            if derated {
                rows.push((Swatch::Line(st::COMPUTE, true), "Datasheet roof".into()));
            }
            rows.push((Swatch::Diamond(st::RIDGE), "Ridge point".into()));
            if workloads {
                rows.push((Swatch::Dot(st::WORKLOADS[0]), "Workload on its roof".into()));
            }
        } else {
            for d in devs {
                let bw_unit = pick_unit(d.bw, &BW_UNITS, 1.0);
                let peak = fmt(
                    Value::new(d.ceiling, Dim::COMPUTE_RATE),
                    &spec(Some(rate_unit), None),
                )?;
                let bw = fmt(Value::new(d.bw, Dim::BANDWIDTH), &spec(Some(bw_unit), None))?;
                rows.push((
                    Swatch::Line(d.color, false),
                    format!("{}: {peak}, {bw}", d.hw.name),
                ));
            }
            if derated {
                rows.push((Swatch::Line(st::MUTED, true), "Datasheet roofs".into()));
            }
            rows.push((
                Swatch::Diamond(st::MUTED),
                "Ridge points (FLOP/byte)".into(),
            ));
            if workloads {
                rows.push((Swatch::Dot(st::MUTED), "Workload on each roof".into()));
            }
        }
        Ok(Legend { rows })
    }

    fn text() -> TextStyle {
        TextStyle::new(st::SMALL_SIZE, st::TEXT)
    }

    /// Width of one entry column.
    fn column_width(&self) -> f64 {
        LEGEND_SWATCH
            + 6.0
            + self
                .rows
                .iter()
                .map(|(_, t)| Legend::text().width(t))
                .fold(0.0, f64::max)
    }

    /// Columns that fit in `width`, and the height they take.
    fn columns(&self, width: f64) -> (usize, f64) {
        let cw = self.column_width() + 24.0;
        let cols = ((width / cw).floor() as usize)
            .clamp(1, 3)
            .min(self.rows.len().max(1));
        let per = self.rows.len().div_ceil(cols);
        (cols, LEGEND_ROW * per as f64)
    }

    /// Draws the entries in `cols` columns from (`x`, `y`) (the first row's middle).
    fn draw_rows(&self, c: &mut Canvas, x: f64, y: f64, cols: usize) {
        let per = self.rows.len().div_ceil(cols.max(1));
        let cw = self.column_width() + 24.0;
        let text = Legend::text();
        for (i, (kind, label)) in self.rows.iter().enumerate() {
            let (col, row) = (i / per, i % per);
            let sx = x + cw * col as f64;
            let cy = y + LEGEND_ROW * row as f64;
            let mid = sx + LEGEND_SWATCH / 2.0;
            match kind {
                Swatch::Line(color, dashed) => {
                    let mut a = stroke(color, st::ROOF_WIDTH);
                    if *dashed {
                        a[1].1 = "1.5".into();
                        a.push(("stroke-dasharray", "6 4".into()));
                    }
                    c.line((sx, cy), (sx + LEGEND_SWATCH, cy), a);
                }
                Swatch::Diamond(color) => {
                    let r = st::DIAMOND_R - 1.0;
                    c.shape(
                        "polygon",
                        vec![("points", diamond(mid, cy, r)), ("fill", (*color).into())],
                    );
                }
                Swatch::Dot(color) => {
                    c.shape(
                        "circle",
                        vec![
                            ("cx", num(mid)),
                            ("cy", num(cy)),
                            ("r", num(st::MARKER_R - 0.5)),
                            ("fill", (*color).into()),
                        ],
                    );
                }
            }
            c.text(
                sx + LEGEND_SWATCH + 6.0,
                cy + text.cap_height() / 2.0,
                label,
                text,
                vec![],
            );
        }
    }

    /// Draws the legend in a box inside the plot, in the first free corner.
    fn draw_inside(
        &self,
        c: &mut Canvas,
        placer: &mut Placer,
        (x0, y0, x1, y1): (f64, f64, f64, f64),
    ) {
        let w = LEGEND_PAD * 2.0 + self.column_width();
        let h = LEGEND_PAD * 2.0 + LEGEND_ROW * self.rows.len() as f64 - 4.0;
        let m = 10.0;
        let candidates = [
            BBox::new(x0 + m, y0 + m, x0 + m + w, y0 + m + h),
            BBox::new(x1 - m - w, y1 - m - h, x1 - m, y1 - m),
            BBox::new(x1 - m - w, y0 + m, x1 - m, y0 + m + h),
            BBox::new(x0 + m, y1 - m - h, x0 + m + w, y1 - m),
        ];
        let Some(b) = placer.place_box(&candidates) else {
            return;
        };
        c.open(vec![("class", "legend".into())]);
        c.rect(
            b.x0,
            b.y0,
            w,
            h,
            vec![
                ("fill", st::BACKGROUND.into()),
                ("fill-opacity", "0.92".into()),
                ("stroke", st::GRID.into()),
                ("rx", "3".into()),
            ],
        );
        self.draw_rows(c, b.x0 + LEGEND_PAD, b.y0 + LEGEND_PAD + 5.0, 1);
        c.close();
    }

    /// Draws the legend below the plot, from `top`, in `cols` columns.
    fn draw_below(&self, c: &mut Canvas, x: f64, top: f64, cols: usize) {
        c.open(vec![("class", "legend".into())]);
        self.draw_rows(c, x, top + LEGEND_ROW / 2.0, cols);
        c.close();
    }
}

/// The points of a diamond around (x, y).
fn diamond(x: f64, y: f64, r: f64) -> String {
    format!(
        "{},{} {},{} {},{} {},{}",
        num(x),
        num(y - r),
        num(x + r),
        num(y),
        num(x),
        num(y + r),
        num(x - r),
        num(y)
    )
}
