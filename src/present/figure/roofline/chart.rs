//! The roofline chart itself, drawn by `plotters`: region shading, grid, axes and ticks, roofs,
//! ridge points and workload markers. Each element sits in a group that says what it is
//! (`roof memory`, `ridge-point`, `workload-point`, with the device and bound as data).

use super::super::backend::CanvasBackend;
use super::super::layout::{BBox, Placer, Point};
use super::super::plot::{self, group, plotters_error, rgb, theme_mesh, Chart, K};
use super::super::svg::{Attrs, Canvas};
use super::super::FigureError;
use super::solve::{bound_text, Device, Placed};
use super::{line_style, Plot, MINOR_MARK, TICK_MARK};
use plotters::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

type Shared = Rc<RefCell<Canvas>>;

/// The ridge points in pixels, and each device's memory roof (start, ridge) in pixels.
type Roofs = (Vec<Point>, Vec<(Point, Point)>);

/// A class attribute (and more) for a group.
fn class(name: &str) -> Attrs {
    vec![("class", name.to_string())]
}

/// Draws a straight line (or a path) through points given in plotters' coordinates.
fn path(chart: &mut Chart, pts: Vec<(f64, f64)>, style: ShapeStyle) -> Result<(), FigureError> {
    chart
        .draw_series(std::iter::once(PathElement::new(pts, style)))
        .map_err(plotters_error)?;
    Ok(())
}

/// The corners of a diamond of half-diagonal `r` px, in backend pixels around its centre.
fn diamond(r: f64) -> Vec<(i32, i32)> {
    let r = (r * K).round() as i32;
    vec![(0, -r), (r, 0), (0, r), (-r, 0)]
}

/// Region shading (one device only: with several, the ridges differ), under the grid.
pub(super) fn regions(
    chart: &mut Chart,
    canvas: &Shared,
    p: &Plot,
    devs: &[Device],
) -> Result<(), FigureError> {
    if !p.single {
        return Ok(());
    }
    let (xl, yl) = p.t(p.x_lo, p.y_lo);
    let (xh, yh) = (p.x_hi.log10(), p.ya.hi.log10());
    let xr = devs[0].ridge.log10().clamp(xl, xh);
    for (name, a, b, color) in [
        ("region memory", xl, xr, &p.theme.memory_region),
        ("region compute", xr, xh, &p.theme.compute_region),
    ] {
        group(canvas, class(name), || {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(a, yl), (b, yh)],
                    rgb(color).filled(),
                )))
                .map_err(plotters_error)?;
            Ok(())
        })?;
    }
    Ok(())
}

/// Grid, axes, decade ticks with labels formatted like the text, minor ticks, axis titles and the
/// frame. Each axis is (decades, their labels, title).
pub(super) fn axes(
    chart: &mut Chart,
    canvas: &Shared,
    p: &Plot,
    (xd, xl, xt): (&[f64], &[String], &str),
    (yd, yl, yt): (&[f64], &[String], &str),
) -> Result<(), FigureError> {
    let theme = p.theme;
    let label_of = |decades: &[f64], labels: &[String], v: f64| -> String {
        decades
            .iter()
            .zip(labels)
            .find(|(d, _)| (d.log10() - v).abs() < 1e-9)
            .map_or_else(String::new, |(_, l)| l.clone())
    };
    let xf = |v: &f64| label_of(xd, xl, *v);
    let yf = |v: &f64| label_of(yd, yl, *v);
    group(canvas, class("mesh"), || {
        let mut mesh = chart.configure_mesh();
        theme_mesh(&mut mesh, theme);
        mesh.x_label_formatter(&xf)
            .y_label_formatter(&yf)
            .x_desc(xt)
            .y_desc(yt)
            .set_all_tick_mark_size((theme.tick_size * TICK_MARK * K) as i32)
            .draw()
            .map_err(plotters_error)
    })?;
    // Minor ticks (2…9 × each decade) and the frame.
    let axis = line_style(&theme.axis, 1.0);
    let minor = (theme.tick_size * MINOR_MARK * K) as i32;
    let (xlo, ylo) = p.t(p.x_lo, p.y_lo);
    let (xhi, yhi) = (p.x_hi.log10(), p.ya.hi.log10());
    group(canvas, class("minor-ticks"), || {
        let xs = p.xa.minors().into_iter().map(|v| {
            EmptyElement::<(f64, f64), CanvasBackend>::at((v.log10(), ylo))
                + PathElement::new(vec![(0, 0), (0, minor)], axis)
        });
        chart.draw_series(xs).map_err(plotters_error)?;
        let ys = p.ya.minors().into_iter().map(|v| {
            EmptyElement::<(f64, f64), CanvasBackend>::at((xlo, v.log10()))
                + PathElement::new(vec![(0, 0), (-minor, 0)], axis)
        });
        chart.draw_series(ys).map_err(plotters_error)?;
        Ok(())
    })?;
    group(canvas, class("frame"), || {
        path(
            chart,
            vec![(xlo, ylo), (xlo, yhi), (xhi, yhi), (xhi, ylo), (xlo, ylo)],
            axis,
        )
    })
}

/// Each device's roofs, datasheet roof (η < 1) and ridge guide; returns the ridge points and the
/// memory roofs in pixels.
pub(super) fn roofs(
    chart: &mut Chart,
    canvas: &Shared,
    placer: &mut Placer,
    p: &Plot,
    devs: &[Device],
) -> Result<Roofs, FigureError> {
    let theme = p.theme;
    let mut ridge_px: Vec<Point> = Vec::new();
    let mut memory_segment: Vec<(Point, Point)> = Vec::new();
    for (i, d) in devs.iter().enumerate() {
        // A roof another device already drew (equal bandwidth or equal peak: the H100 and the
        // H200 compute) is dashed over it, so both stay visible.
        let same = |a: f64, b: f64| ((a / b).log10() * p.ya.per_decade()).abs() < 1.5;
        let memory_hidden = devs[..i].iter().any(|o| same(o.bw, d.bw));
        let compute_hidden = devs[..i].iter().any(|o| same(o.ceiling, d.ceiling));
        let x_start = p.x_lo.max(p.y_lo / d.bw);
        let start = (x_start, d.bw * x_start);
        let ridge = (d.ridge, d.ceiling);
        let end = (p.x_hi, d.ceiling);
        let px = |q: (f64, f64)| p.at(q.0, q.1);
        let t = |q: (f64, f64)| p.t(q.0, q.1);
        memory_segment.push((px(start), px(ridge)));
        let (mem_color, comp_color) = if p.single {
            (theme.memory.as_str(), theme.compute.as_str())
        } else {
            (d.color, d.color)
        };
        let roof = line_style(mem_color, theme.line_width);
        let dashed = |mut a: Attrs, yes: bool| {
            if yes {
                a.push(("stroke-dasharray", theme.dash.clone()));
            }
            a
        };
        group(
            canvas,
            vec![
                ("class", "device".into()),
                ("data-hardware", d.hw.key.clone()),
            ],
            || {
                group(canvas, dashed(class("roof memory"), memory_hidden), || {
                    path(chart, vec![t(start), t(ridge)], roof)
                })?;
                group(
                    canvas,
                    dashed(class("roof compute"), compute_hidden),
                    || {
                        path(
                            chart,
                            vec![t(ridge), t(end)],
                            line_style(comp_color, theme.line_width),
                        )
                    },
                )?;
                placer.polyline(&[px(start), px(ridge), px(end)]);
                if p.eta < 1.0 {
                    let dat = (d.peak / d.bw, d.peak);
                    let peak_end = (p.x_hi, d.peak);
                    group(canvas, dashed(class("datasheet-peak"), true), || {
                        path(
                            chart,
                            vec![t(dat), t(peak_end)],
                            line_style(comp_color, theme.limit_width),
                        )
                    })?;
                    group(canvas, dashed(class("datasheet-memory"), true), || {
                        path(
                            chart,
                            vec![t(ridge), t(dat)],
                            line_style(mem_color, theme.limit_width),
                        )
                    })?;
                    placer.polyline(&[px(ridge), px(dat), px(peak_end)]);
                }
                // The ridge: a dotted guide down to the axis.
                let ridge_color = if p.single {
                    theme.ridge.as_str()
                } else {
                    d.color
                };
                let (rx, ry) = px(ridge);
                group(
                    canvas,
                    vec![
                        ("class", "ridge-guide".into()),
                        ("stroke-dasharray", theme.dot.clone()),
                    ],
                    || {
                        path(
                            chart,
                            vec![t(ridge), (d.ridge.log10(), p.ya.lo.log10())],
                            line_style(ridge_color, theme.limit_width * 0.8),
                        )
                    },
                )?;
                placer.polyline(&[(rx, ry), (rx, p.y1)]);
                placer.marker(BBox::around(rx, ry, theme.diamond_radius + 2.0));
                Ok(())
            },
        )?;
        ridge_px.push(px(ridge));
    }
    Ok((ridge_px, memory_segment))
}

/// The ridge diamonds (under the workload markers: a point on the ridge leaves the tips visible).
pub(super) fn ridge_points(
    chart: &mut Chart,
    canvas: &Shared,
    p: &Plot,
    devs: &[Device],
) -> Result<(), FigureError> {
    let theme = p.theme;
    for d in devs {
        let color = if p.single {
            theme.ridge.as_str()
        } else {
            d.color
        };
        let at = p.t(d.ridge, d.ceiling);
        group(
            canvas,
            vec![
                ("class", "ridge-point".into()),
                ("data-hardware", d.hw.key.clone()),
            ],
            || {
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::<(f64, f64), CanvasBackend>::at(at)
                            + Polygon::new(diamond(theme.diamond_radius), rgb(color).filled()),
                    ))
                    .map_err(plotters_error)?;
                let mut ring = diamond(theme.diamond_radius);
                ring.push(ring[0]);
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::<(f64, f64), CanvasBackend>::at(at)
                            + PathElement::new(ring, line_style(&theme.background, 1.0)),
                    ))
                    .map_err(plotters_error)?;
                Ok(())
            },
        )?;
    }
    Ok(())
}

/// A ridge diamond a workload marker covers (the workload sits at or next to the ridge) gets an
/// outline drawn over the marker, a little larger than the diamond, so the ridge stays visible.
pub(super) fn ridge_outlines(
    chart: &mut Chart,
    canvas: &Shared,
    p: &Plot,
    devs: &[Device],
    ridge_px: &[Point],
    marker_px: &[Vec<Point>],
) -> Result<(), FigureError> {
    let theme = p.theme;
    let reach = theme.diamond_radius + theme.marker_radius;
    for (d, &(x, y)) in devs.iter().zip(ridge_px) {
        let covered = marker_px
            .iter()
            .flatten()
            .any(|&(mx, my)| (mx - x).abs() + (my - y).abs() < reach);
        if covered {
            let color = if p.single {
                theme.ridge.as_str()
            } else {
                d.color
            };
            let mut ring = diamond(theme.diamond_radius + theme.marker_radius / 2.0 + 1.0);
            ring.push(ring[0]);
            group(
                canvas,
                vec![
                    ("class", "ridge-outline".into()),
                    ("data-hardware", d.hw.key.clone()),
                ],
                || {
                    chart
                        .draw_series(std::iter::once(
                            EmptyElement::<(f64, f64), CanvasBackend>::at(p.t(d.ridge, d.ceiling))
                                + PathElement::new(ring, line_style(color, theme.limit_width)),
                        ))
                        .map_err(plotters_error)?;
                    Ok(())
                },
            )?;
        }
    }
    Ok(())
}

/// The workload markers, one per device; returns their pixels.
pub(super) fn markers(
    chart: &mut Chart,
    canvas: &Shared,
    placer: &mut Placer,
    p: &Plot,
    devs: &[Device],
    placed: &[Placed],
) -> Result<Vec<Vec<Point>>, FigureError> {
    let theme = p.theme;
    let r = theme.marker_radius;
    let mut marker_px: Vec<Vec<Point>> = Vec::new();
    for (wi, w) in placed.iter().enumerate() {
        let color = theme.workloads[wi % theme.workloads.len()].as_str();
        let pts: Vec<(f64, f64)> = w.points.iter().map(|q| p.at(q.ai, q.perf)).collect();
        group(
            canvas,
            vec![
                ("class", "workload".into()),
                ("data-workload", w.label.clone()),
            ],
            || {
                if pts.len() > 1 {
                    // A guide joining the points of one workload on several devices.
                    let ys: Vec<f64> = w.points.iter().map(|q| p.t(q.ai, q.perf).1).collect();
                    let top = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let bottom = ys.iter().copied().fold(f64::INFINITY, f64::min);
                    let x = w.points[0].ai.log10();
                    group(
                        canvas,
                        vec![
                            ("class", "workload-guide".into()),
                            ("stroke-dasharray", theme.dot.clone()),
                        ],
                        || {
                            path(
                                chart,
                                vec![(x, bottom), (x, top)],
                                line_style(&theme.muted, 1.0),
                            )
                        },
                    )?;
                }
                for (di, q) in w.points.iter().enumerate() {
                    let fill = if p.single { color } else { devs[di].color };
                    group(
                        canvas,
                        vec![
                            ("class", "workload-point".into()),
                            ("data-hardware", devs[di].hw.key.clone()),
                            ("data-bound", bound_text(q.bound).into()),
                        ],
                        || {
                            let at = p.t(q.ai, q.perf);
                            let outline = plot::px(r + theme.limit_width) as i32;
                            let dot = plot::px(r) as i32;
                            chart
                                .draw_series([
                                    EmptyElement::<(f64, f64), CanvasBackend>::at(at)
                                        + Circle::new(
                                            (0, 0),
                                            outline,
                                            rgb(&theme.background).filled(),
                                        ),
                                    EmptyElement::at(at)
                                        + Circle::new((0, 0), dot, rgb(fill).filled()),
                                ])
                                .map_err(plotters_error)?;
                            Ok(())
                        },
                    )?;
                }
                Ok(())
            },
        )?;
        for &(x, y) in &pts {
            placer.marker(BBox::around(x, y, r + 2.0));
        }
        marker_px.push(pts);
    }
    Ok(marker_px)
}
