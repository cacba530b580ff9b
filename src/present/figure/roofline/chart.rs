//! The roofline chart itself: background, grid and axes, roofs, ridge points and workload markers.

use super::super::axis::decade_labels;
use super::super::layout::{BBox, Placer, Point};
use super::super::style as st;
use super::super::svg::{num, Anchor, Canvas, TextStyle};
use super::legend::diamond;
use super::solve::{bound_text, Device, Placed};
use super::{stroke, Plot};

/// Region shading (one device), grid, frame, ticks and axis titles.
pub(super) fn background(c: &mut Canvas, p: &Plot, devs: &[Device]) {
    let Plot {
        x0,
        x1,
        y0,
        y1,
        xa,
        ya,
        rate_unit,
        single,
        tick_style,
        ..
    } = *p;
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
    let xd = xa.decades();
    for (v, label) in xd.iter().copied().zip(decade_labels(&xd)) {
        let x = xa.px(v);
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
    let yd = ya.decades();
    for (v, label) in yd.iter().copied().zip(decade_labels(&yd)) {
        let y = ya.px(v);
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
}

/// Each device's roofs, datasheet roof (η < 1) and ridge guide; returns the ridge points and the
/// memory roofs in pixels.
pub(super) fn roofs(
    c: &mut Canvas,
    placer: &mut Placer,
    p: &Plot,
    devs: &[Device],
) -> (Vec<Point>, Vec<(Point, Point)>) {
    let Plot {
        y1,
        single,
        eta,
        x_lo,
        x_hi,
        y_lo,
        ..
    } = *p;
    let at = |ai: f64, perf_si: f64| p.at(ai, perf_si);
    let mut ridge_px: Vec<Point> = Vec::new();
    let mut memory_segment: Vec<(Point, Point)> = Vec::new();
    for (i, d) in devs.iter().enumerate() {
        // A roof another device already drew (equal bandwidth or equal peak: the H100 and the
        // H200 compute) is dashed over it, so both stay visible.
        let same = |a: f64, b: f64| ((a / b).log10() * (p.ya.per_decade())).abs() < 1.5;
        let memory_hidden = devs[..i].iter().any(|o| same(o.bw, d.bw));
        let compute_hidden = devs[..i].iter().any(|o| same(o.ceiling, d.ceiling));
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
        if memory_hidden {
            a.push(("stroke-dasharray", "7 5".into()));
        }
        c.polyline(&[p_start, p_ridge], a);
        let mut a = stroke(comp_color, st::ROOF_WIDTH);
        a.insert(0, ("class", "roof compute".into()));
        a.push(("stroke-linecap", "round".into()));
        if compute_hidden {
            a.push(("stroke-dasharray", "7 5".into()));
        }
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

    (ridge_px, memory_segment)
}

/// The ridge diamonds (under the workload markers: a point on the ridge leaves the tips visible).
pub(super) fn ridge_points(c: &mut Canvas, p: &Plot, devs: &[Device], ridge_px: &[Point]) {
    let Plot { single, .. } = *p;
    for (d, &(x, y)) in devs.iter().zip(ridge_px) {
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
}

/// A ridge diamond a workload marker covers (the workload sits at or next to the ridge) gets an
/// outline drawn over the marker, a little larger than the diamond, so the ridge stays visible.
pub(super) fn ridge_outlines(
    c: &mut Canvas,
    p: &Plot,
    devs: &[Device],
    ridge_px: &[Point],
    marker_px: &[Vec<Point>],
) {
    let Plot { single, .. } = *p;
    let reach = st::DIAMOND_R + st::MARKER_R;
    for (d, &(x, y)) in devs.iter().zip(ridge_px) {
        let covered = marker_px
            .iter()
            .flatten()
            .any(|&(mx, my)| (mx - x).abs() + (my - y).abs() < reach);
        if covered {
            c.shape(
                "polygon",
                vec![
                    ("class", "ridge-outline".into()),
                    ("data-hardware", d.hw.key.clone()),
                    ("points", diamond(x, y, st::DIAMOND_R + 3.0)),
                    ("fill", "none".into()),
                    ("stroke", if single { st::RIDGE } else { d.color }.into()),
                    ("stroke-width", "1.8".into()),
                ],
            );
        }
    }
}

/// The workload markers, one per device; returns their pixels.
pub(super) fn markers(
    c: &mut Canvas,
    placer: &mut Placer,
    p: &Plot,
    devs: &[Device],
    placed: &[Placed],
) -> Vec<Vec<Point>> {
    let Plot { single, .. } = *p;
    let at = |ai: f64, perf_si: f64| p.at(ai, perf_si);
    let mut marker_px: Vec<Vec<Point>> = Vec::new();
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

    marker_px
}
