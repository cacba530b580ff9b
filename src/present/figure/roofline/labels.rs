//! Roofline labels: region names, ridge points, roofs and workloads, placed so that none overlap.

use super::super::backend::intern;
use super::super::layout::{self, spots_around, BBox, Placer, Point, Spot, TextBlock};
use super::super::svg::{Anchor, Attrs, Canvas, TextStyle};
use super::super::{fmt, spec, DrawnValue, FigureError};
use super::solve::{bound_text, bounds_summary, pick_unit, Device, Placed, BW_UNITS};
use super::{drawn, stroke, Plot};

/// The spots of [`spots_around`] right beside a point (the rest lie farther, for leader lines).
const NEAR_SPOTS: usize = 8;

/// Ridge points and intensities: one decimal, in FLOP/byte.
fn intensity_spec() -> FormatSpec {
    spec(Some("FLOP/byte"), Some(1))
}
use crate::base::units::{Dim, Value};
use crate::present::format::FormatSpec;

/// The region names (one device), at the bottom of each region.
pub(super) fn regions(c: &mut Canvas, placer: &mut Placer, p: &Plot, devs: &[Device]) {
    let Plot {
        x0,
        x1,
        y1,
        xa,
        single,
        ..
    } = *p;
    if single {
        let xr = xa.px(devs[0].ridge);
        let region = TextStyle::new(p.theme.note_size, intern(&p.theme.region_text));
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
                    block.draw(c, x, top, anchor, &vec![("class", "region-label".into())]);
                }
            }
        }
    }
}

/// A label waiting for [`place`]: what to place, the attributes of its texts, the colour of its
/// leader line.
pub(super) struct Pending {
    /// What the label is of, for the warning when it is left out.
    of: String,
    wanted: layout::Wanted,
    attrs: Attrs,
    leader_color: &'static str,
    leader_width: f64,
}

/// Where a slide cannot hold every label clear of the others and of the markers, labels are left
/// out rather than overlap: ridge labels first (the legend and the diamond's colour name the
/// device, and the axis shows where the ridge lies), then workload labels.
const RIDGE_IMPORTANCE: f64 = 1.0;
/// See [`RIDGE_IMPORTANCE`].
const WORKLOAD_IMPORTANCE: f64 = 2.0;

/// Points with the same bound closer than this many label sizes share one label (24 px in the
/// book's look; farther on slides, where each label takes more room).
const GROUP_REACH: f64 = 2.0;

/// Space between a ridge diamond's tip and the corner spots of its label, in px.
const CORNER_GAP: f64 = 2.0;

/// Owners of ridge labels (see [`layout::Wanted::owner`]) start here, clear of the workloads'.
const RIDGE_OWNERS: usize = 1 << 20;

/// Each ridge point's label, to be placed with the workloads' by [`place`]: the device and the
/// value, or the value alone where that does not fit (the colour names the device).
pub(super) fn ridges(
    p: &Plot,
    devs: &[Device],
    ridge_px: &[Point],
    values: &mut Vec<DrawnValue>,
) -> Result<Vec<Pending>, FigureError> {
    let mut pending = Vec::new();
    let Plot {
        single,
        label_style,
        small_style,
        ..
    } = *p;
    let ridge_spec = intensity_spec();
    for (k, (d, &(x, y))) in devs.iter().zip(ridge_px).enumerate() {
        let text = fmt(Value::new(d.ridge, Dim::ARITHMETIC_INTENSITY), &ridge_spec)?;
        // Several devices: the value only (the legend gives the unit).
        let short = fmt(
            Value::new(d.ridge, Dim::ARITHMETIC_INTENSITY),
            &FormatSpec {
                show_unit: false,
                ..ridge_spec.clone()
            },
        )?;
        let color = if single {
            intern(&p.theme.ridge)
        } else {
            d.color
        };
        let variants = if single {
            vec![
                (
                    TextBlock::new(vec![
                        ("Ridge point".to_string(), label_style.bold().fill_of(color)),
                        (text.clone(), label_style.fill_of(color)),
                    ]),
                    0.0,
                ),
                (
                    TextBlock::new(vec![(text.clone(), label_style.bold().fill_of(color))]),
                    layout::SHORTENED,
                ),
            ]
        } else {
            vec![
                (
                    TextBlock::new(vec![(
                        format!("{}: {short}", d.hw.key),
                        small_style.bold().fill_of(color),
                    )]),
                    0.0,
                ),
                (
                    TextBlock::new(vec![(short.clone(), small_style.bold().fill_of(color))]),
                    layout::SHORTENED,
                ),
            ]
        };
        // First the four corners right next to the diamond.
        let g = p.theme.diamond_radius + CORNER_GAP;
        let first = variants
            .iter()
            .map(|(block, _)| {
                let h = block.height();
                vec![
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
                ]
            })
            .collect();
        pending.push(Pending {
            of: format!("the {} ridge point", d.hw.key),
            wanted: layout::Wanted {
                first,
                variants,
                from: (x, y),
                owner: RIDGE_OWNERS + k,
                gap: p.theme.diamond_radius + p.theme.label_gap,
                importance: RIDGE_IMPORTANCE,
            },
            attrs: vec![
                ("class", "ridge-label".into()),
                ("data-hardware", d.hw.key.clone()),
            ],
            leader_color: color,
            leader_width: p.theme.leader_width,
        });
        values.push(drawn(
            format!("{}.ridge_point", d.hw.key),
            Value::new(d.ridge, Dim::ARITHMETIC_INTENSITY),
            if single { &text } else { &short },
            "FLOP/byte",
            &d.lineage,
        ));
    }
    Ok(pending)
}

/// Places the ridge and workload labels together (see [`layout::place_all`]) and draws them with
/// their leader lines; returns a warning for each label left out (no room clear of the others).
pub(super) fn place(c: &mut Canvas, placer: &mut Placer, pending: &[Pending]) -> Vec<String> {
    let wanted: Vec<layout::Wanted> = pending.iter().map(|l| l.wanted.clone()).collect();
    let placements = layout::place_all(placer, &wanted);
    let mut warnings = Vec::new();
    for (l, at) in pending.iter().zip(&placements) {
        let Some((vi, s)) = *at else {
            warnings.push(format!(
                "no room for the label of {} clear of the other labels and markers; it is left out (show fewer devices or workloads)",
                l.of
            ));
            continue;
        };
        {
            let block = &l.wanted.variants[vi].0;
            block.draw(c, s.x, s.top, s.anchor, &l.attrs);
            leader(
                c,
                l.wanted.from,
                block,
                s,
                (l.leader_color, l.leader_width),
                &l.attrs,
            );
        }
    }
    warnings
}

#[allow(clippy::too_many_arguments)]
/// The compute roof, datasheet peak and memory roof labels of one device (the legend carries
/// them for several).
pub(super) fn roofs(
    c: &mut Canvas,
    placer: &mut Placer,
    p: &Plot,
    devs: &[Device],
    ridge_px: &[Point],
    memory_segment: &[(Point, Point)],
    values: &mut Vec<DrawnValue>,
) -> Result<(), FigureError> {
    let Plot {
        x1,
        ya,
        rf,
        rate_unit,
        single,
        eta,
        label_style,
        small_style,
        ..
    } = *p;
    let eta_text = &p.eta_text;
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
        let compute_style = label_style.bold().fill_of(intern(&p.theme.compute));
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
            TextBlock::new(vec![(ceiling.clone(), compute_style)]),
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
        // A clear spot above the roof for the long label, then the short one, then two lines;
        // then the same over a line (the halo keeps it legible); the same below the roof; then
        // the value alone, above or below; else the value alone next to the roof, wherever it
        // fits best.
        let mut placed_at: Option<(usize, Spot)> = None;
        // The full labels first, then the value alone.
        let passes = [(0..3, true), (0..3, false), (3..4, true), (3..4, false)];
        'search: for (range, above) in passes {
            for clear in [true, false] {
                for (i, block) in variants
                    .iter()
                    .enumerate()
                    .take(range.end)
                    .skip(range.start)
                {
                    let spots = near(block, above);
                    let s = if clear {
                        placer.place_clear(block, &spots)
                    } else {
                        placer.place_over_lines(block, &spots)
                    };
                    if let Some(s) = s {
                        placed_at = Some((i, s));
                        break 'search;
                    }
                }
            }
        }
        if placed_at.is_none() {
            let block = &variants[3];
            let spots = spots_around((xr + x1) / 2.0, yc, block, 10.0);
            placed_at = placer.place(block, &spots[..NEAR_SPOTS]).map(|s| (3, s));
        }
        if let Some((i, s)) = placed_at {
            variants[i].draw(
                c,
                s.x,
                s.top,
                s.anchor,
                &vec![("class", "compute-label".into())],
            );
        }
        if eta < 1.0 {
            // Just above or below the datasheet roof, or not at all (its dashed line and the
            // legend say what it is).
            let yp = ya.px(d.peak / rf);
            let spots = |block: &TextBlock| {
                let h = block.height();
                [yp - h - 4.0, yp + 4.0].map(|top| Spot {
                    x: x1 - 8.0,
                    top,
                    anchor: Anchor::End,
                })
            };
            let variants = [
                TextBlock::new(vec![(format!("Datasheet peak {peak_text}"), small_style)]),
                TextBlock::new(vec![(format!("{peak_text} datasheet"), small_style)]),
            ];
            let found = variants
                .iter()
                .find_map(|b| placer.place_clear(b, &spots(b)).map(|s| (b, s)))
                .or_else(|| {
                    variants
                        .iter()
                        .find_map(|b| placer.place_over_lines(b, &spots(b)).map(|s| (b, s)))
                });
            if let Some((block, s)) = found {
                block.draw(
                    c,
                    s.x,
                    s.top,
                    s.anchor,
                    &vec![("class", "peak-label".into())],
                );
            }
        }
        memory_label(
            c,
            placer,
            memory_segment[0],
            &[format!("Memory bandwidth {bw_text}"), bw_text.clone()],
            label_style.bold().fill_of(intern(&p.theme.memory)),
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

    Ok(())
}

#[allow(clippy::too_many_arguments)]
/// The workload labels. Points with the same bottleneck that sit within two label sizes of each
/// other (a batch sweep that has saturated, two models of equal intensity) share one label.
pub(super) fn workloads(
    placer: &mut Placer,
    p: &Plot,
    devs: &[Device],
    placed: &[Placed],
    marker_px: &[Vec<Point>],
    values: &mut Vec<DrawnValue>,
) -> Result<Vec<Pending>, FigureError> {
    let Plot {
        single,
        label_style,
        small_style,
        theme,
        ..
    } = *p;
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
                bounds_summary(devs, &p.points)
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
                    ((ox - x).powi(2) + (oy - y).powi(2)).sqrt() < GROUP_REACH * theme.label_size
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
    let ridge_spec = intensity_spec();
    let ai_number = FormatSpec {
        show_unit: false,
        ..ridge_spec.clone()
    };
    let mut pending: Vec<Pending> = Vec::new();
    for (gi, g) in groups.iter().enumerate() {
        let first = &placed[g[0]];
        let color = intern(&theme.workloads[g[0] % theme.workloads.len()]);
        let mut ai_texts = Vec::new();
        for &wi in g {
            let p = &placed[wi];
            let v = Value::new(p.points[0].ai, Dim::ARITHMETIC_INTENSITY);
            // The record is the value with its unit, however the label groups or shortens it
            // (so a preset that groups differently prints the same values).
            let text = fmt(v, &ridge_spec)?;
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
        // The numbers alone (the axis names the unit).
        let ai_plain = g
            .iter()
            .map(|&wi| {
                let v = Value::new(placed[wi].points[0].ai, Dim::ARITHMETIC_INTENSITY);
                fmt(v, &ai_number)
            })
            .collect::<Result<Vec<_>, _>>()?
            .join(", ");
        let ai_text = if g.len() == 1 {
            ai_texts[0].clone()
        } else {
            format!("{ai_plain} FLOP/byte")
        };
        let bound = &bounds[g[0]];
        let head_style = if single && g.len() == 1 {
            label_style.bold().fill_of(color)
        } else {
            label_style.bold()
        };
        let heads = || names.iter().map(|n| (n.clone(), head_style));
        // The names on one line each, the last followed by `: {number}`.
        let names_then = |number: &str| {
            TextBlock::new(
                names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        let last = i + 1 == names.len();
                        (
                            if last {
                                format!("{n}: {number}")
                            } else {
                                n.clone()
                            },
                            head_style,
                        )
                    })
                    .collect(),
            )
        };
        // Two lines, or three narrower ones when that places better. Where neither fits clear of
        // the lines, labels and markers (large slide text), the least important text goes first:
        // the bound, then the layout on two lines (name and intensity on one), then the
        // intensity's unit (the axis names it), then the intensity (the point's x position shows
        // it); only then is the label left out (see `layout::place_all`).
        let variants = [
            (
                TextBlock::new(
                    heads()
                        .chain([(format!("{ai_text} · {bound}"), small_style)])
                        .collect(),
                ),
                0.0,
            ),
            (
                TextBlock::new(
                    heads()
                        .chain([(ai_text.clone(), small_style), (bound.clone(), small_style)])
                        .collect(),
                ),
                0.0,
            ),
            (
                TextBlock::new(heads().chain([(ai_text.clone(), small_style)]).collect()),
                layout::SHORTENED,
            ),
            (names_then(&ai_text), layout::SHORTENED * 1.2),
            (names_then(&ai_plain), layout::DROPPED_NUMBER * 0.5),
            (TextBlock::new(heads().collect()), layout::DROPPED_NUMBER),
        ];
        let all: Vec<(f64, f64)> = g
            .iter()
            .flat_map(|&wi| marker_px[wi].iter().copied())
            .collect();
        let ids: Vec<&str> = g.iter().map(|&wi| placed[wi].label.as_str()).collect();
        pending.push(Pending {
            of: ids.join(", "),
            wanted: layout::Wanted {
                variants: variants.to_vec(),
                from: top_of(&all),
                owner: gi,
                first: Vec::new(),
                gap: theme.marker_radius + theme.label_gap,
                importance: WORKLOAD_IMPORTANCE,
            },
            attrs: vec![
                ("class", "workload-label".into()),
                ("data-workload", ids.join(" ")),
            ],
            leader_color: intern(&theme.muted),
            leader_width: theme.leader_width,
        });
    }
    Ok(pending)
}

/// A thin line from a point to a label placed away from it; it carries the label's data
/// attributes (which label it leads to).
fn leader(
    c: &mut Canvas,
    from: (f64, f64),
    block: &TextBlock,
    s: Spot,
    (color, width): (&str, f64),
    label: &Attrs,
) {
    if let Some((p, q)) = layout::leader(from, &block.bbox(s.x, s.top, s.anchor)) {
        let mut a: Attrs = vec![("class", "leader".into())];
        a.extend(
            label
                .iter()
                .filter(|(k, _)| k.starts_with("data-"))
                .cloned(),
        );
        a.extend(stroke(color, width));
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
                // Clear of the ends, and a line's height farther from the ridge: leader lines
                // from points at the ridge pass there.
                if s < w / 2.0 + 10.0 || len - s < w / 2.0 + 10.0 + style.size {
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
                        // Squares that hold the glyphs at any angle, with their halo.
                        BBox::around(mx, my, cap * 0.75 + style.halo / 2.0)
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
