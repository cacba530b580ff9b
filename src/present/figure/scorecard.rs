//! `figure="scorecard"`: a scenario's demand/supply ratios as horizontal bars against the 1.0
//! limit, from [`crate::calc::solvers::scenario`]: memory (weights / capacity, L1), latency (latency /
//! SLA, L2) and power (TDP × devices / budget), green within the limit and red over it, each with
//! its percentage and the level's PASS / FAIL / SKIPPED; L3 (a year of operation) as a text row.
//!
//! The ratio axis is linear from 0, long enough for the largest ratio up to 5 (500 %); longer bars
//! are drawn broken at the axis end and labelled as a multiple (`400×`).
//!
//! `plotters` draws the ratio axis, its grid and ticks, the tracks, bars and the limit line on our
//! [`CanvasBackend`]; row titles, percentages, badges and notes are placed around them. Every
//! size and colour comes from the figure theme; the geometry is measured in its text sizes.

use super::backend::{intern, CanvasBackend};
use super::plot::{self, group, plotters_error, rgb, Keyed, K};
use super::svg::{num, Anchor, Canvas, TextStyle};
use super::theme::Theme;
use super::{fmt, spec, Drawn, DrawnValue, FigureError, FigureRequest};
use crate::base::units::{parse_unit, Dim, Value};
use crate::calc::params::Lineage;
use crate::calc::solvers::roofline;
use crate::calc::solvers::scenario::{self, Profile, ScenarioOptions, Target};
use crate::calc::solvers::sustainability::Placement;
use crate::present::format::{FormatSpec, Style};
use crate::registry::{Registry, System};
use plotters::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

/// Longest bar drawn to scale, as a ratio.
const CAP: f64 = 5.0;
/// Space between rows, in label sizes.
const ROW_GAP: f64 = 0.8;
/// Bar height, in label sizes.
const BAR: f64 = 1.6;
/// Line height, in text sizes.
const LINE: f64 = 1.3;
/// The least share of the width the bars keep; below it rows take their short titles.
const MIN_BARS: f64 = 0.4;
/// Badge padding around its word, in badge text sizes.
const BADGE_PAD: f64 = 1.6;

const TIME_UNITS: [&str; 5] = ["μs", "ms", "s", "min", "h"];
const BYTE_UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
const POWER_UNITS: [&str; 4] = ["mW", "W", "kW", "MW"];
const MASS_UNITS: [&str; 3] = ["g", "kg", "t"];

/// The largest unit in which `v` is at least 1 (else the smallest).
fn pick_unit(v: f64, units: &[&'static str]) -> &'static str {
    pick_unit_pair(v, v, units)
}

/// The largest unit in which the larger of two values is at least 1 and the smaller at least
/// 0.1 (`0.5 MB of 4.19 MB`, `3520 GB of 85.9 GB`); else the smallest unit.
fn pick_unit_pair(a: f64, b: f64, units: &[&'static str]) -> &'static str {
    let f = |u: &str| parse_unit(u).expect("scorecard units parse").factor;
    let (lo, hi) = (a.min(b), a.max(b));
    units
        .iter()
        .rev()
        .find(|u| hi / f(u) >= 1.0 && lo / f(u) >= 0.1)
        .copied()
        .unwrap_or(units[0])
}

enum Status {
    Pass,
    Fail,
    Skipped,
}

impl Status {
    fn of(label: &str) -> Status {
        match label {
            "PASS" => Status::Pass,
            "FAIL" => Status::Fail,
            _ => Status::Skipped,
        }
    }
    fn color(&self, theme: &Theme) -> &'static str {
        intern(match self {
            Status::Pass => &theme.pass,
            Status::Fail => &theme.fail,
            Status::Skipped => &theme.skipped,
        })
    }
}

struct Row {
    key: &'static str,
    title: String,
    detail: String,
    /// Title and detail for narrow room (large slide text): `Memory (L1)`, `0.5 MB of 4.19 MB`.
    short: (String, String),
    ratio: Option<f64>,
    /// Text in the bar area when there is no ratio.
    note: String,
    status: String,
    lineage: Lineage,
}

/// Demand and supply in one unit chosen from the supply.
fn pair(
    demand: Value,
    supply: Value,
    units: &[&'static str],
) -> Result<(String, String, &'static str), FigureError> {
    let u = pick_unit_pair(supply.si, demand.si, units);
    Ok((
        fmt(demand, &spec(Some(u), None))?,
        fmt(supply, &spec(Some(u), None))?,
        u,
    ))
}

fn ratio_text(r: f64) -> Result<String, FigureError> {
    let s = FormatSpec {
        style: if r < 10.0 {
            Style::Percent
        } else {
            Style::Multiple
        },
        ..FormatSpec::default()
    };
    fmt(Value::number(r), &s)
}

/// Draws a scenario scorecard.
pub(crate) fn draw(reg: &Registry, req: &FigureRequest) -> Result<Drawn, FigureError> {
    let key = req.scenario.as_deref().unwrap_or_default();
    let sc = reg
        .scenario(key)
        .map_err(|e| FigureError::attr("scenario", e.to_string()))?;
    let (model, target) = scenario::resolve(reg, sc)
        .map_err(|e| FigureError::attr("scenario", format!("`{key}`: {e}")))?;
    let fleet = match target {
        Target::Fleet(f, _) => Some(f),
        Target::Device(_) => None,
    };
    let place = Placement::resolve(reg, None, fleet)
        .map_err(|e| FigureError::attr("scenario", format!("`{key}`: {e}")))?;
    let opts = ScenarioOptions {
        batch_size: req.batch_size,
        precision: req.precision,
        check_power_budget: false,
    };
    let res = scenario::evaluate(sc, model, target, &place, &reg.calibration, &opts)
        .map_err(|e| FigureError::attr("scenario", format!("`{key}`: {e}")))?;

    // What each row rests on (narrower than the whole evaluation's lineage).
    let hw = target.hardware();
    let inputs = |l: &mut Lineage| {
        l.input("scenario", key);
        l.input("batch_size", req.batch_size);
        l.input("precision", req.precision.key());
    };
    let mut mem_lin = Lineage::new(scenario::SOLVER);
    inputs(&mut mem_lin);
    roofline::lower(model, req.precision, &mut mem_lin)
        .map_err(|e| FigureError::attr("scenario", format!("`{key}`: {e}")))?;
    mem_lin.read(hw.capacity());
    let mut perf_lin = Lineage::new(scenario::SOLVER);
    inputs(&mut perf_lin);
    perf_lin.absorb(match &res.performance.profile {
        Profile::Device(r) => &r.lineage,
        Profile::Fleet(d) => &d.lineage,
    });
    perf_lin.read_opt(sc.sla_latency);
    let mut power_lin = Lineage::new(scenario::SOLVER);
    inputs(&mut power_lin);
    power_lin.read_opt(hw.tdp);
    power_lin.read_opt(sc.power_budget);
    if let Some(f) = fleet {
        power_lin.read(f.count);
        power_lin.read(f.node.accelerators_per_node);
    }
    let mut macro_lin = res.macro_level.economics.lineage.clone();
    inputs(&mut macro_lin);
    let mut verdict_lin = mem_lin.clone();
    verdict_lin.absorb(&perf_lin);

    let mut values: Vec<DrawnValue> = Vec::new();
    let mut record = |name: &str, v: Option<Value>, printed: &str, unit: &str, lin: &Lineage| {
        values.push(DrawnValue {
            name: name.to_string(),
            value: v,
            printed: printed.to_string(),
            display_unit: unit.to_string(),
            lineage: lin.clone(),
        });
    };

    // Rows.
    let mut rows: Vec<Row> = Vec::new();
    let f = &res.feasibility;
    let (w, cap) = (
        Value::new(f.weight_size.value, Dim::INFORMATION),
        Value::new(f.capacity.value, Dim::INFORMATION),
    );
    let (wt, ct, u) = pair(w, cap, &BYTE_UNITS)?;
    record("weight_size", Some(w), &wt, u, &mem_lin);
    record("capacity", Some(cap), &ct, u, &mem_lin);
    rows.push(Row {
        key: "memory",
        title: "Memory (L1 feasibility)".into(),
        detail: format!("weights {wt} of {ct}"),
        short: ("Memory (L1)".into(), format!("{wt} of {ct}")),
        ratio: (cap.si > 0.0).then(|| w.si / cap.si),
        note: String::new(),
        status: f.status.label().to_string(),
        lineage: mem_lin.clone(),
    });
    let p = &res.performance;
    let lat = Value::new(p.latency.value, Dim::TIME);
    let (detail, short, ratio, note) = match p.sla_latency.map(|t| Value::new(t.value, Dim::TIME)) {
        Some(sla) if sla.si > 0.0 => {
            let (lt, stt, u) = pair(lat, sla, &TIME_UNITS)?;
            record("latency", Some(lat), &lt, u, &perf_lin);
            record("sla_latency", Some(sla), &stt, u, &perf_lin);
            (
                format!("{lt} against a {stt} SLA"),
                format!("{lt} of {stt}"),
                Some(lat.si / sla.si),
                String::new(),
            )
        }
        _ => {
            let u = pick_unit(lat.si, &TIME_UNITS);
            let lt = fmt(lat, &spec(Some(u), None))?;
            record("latency", Some(lat), &lt, u, &perf_lin);
            (
                format!("{lt}, no SLA"),
                format!("{lt}, no SLA"),
                None,
                "no latency SLA set: nothing to check".to_string(),
            )
        }
    };
    rows.push(Row {
        key: "latency",
        title: "Latency (L2 performance)".into(),
        detail,
        short: ("Latency (L2)".into(), short),
        ratio,
        note,
        status: p.status.label().to_string(),
        lineage: perf_lin.clone(),
    });
    let pw = &res.power;
    let budget = pw.budget.map(|b| Value::new(b.value, Dim::POWER));
    let (detail, short, note) = match (
        budget,
        pw.power.map(|x| Value::new(x.value, Dim::POWER)),
        pw.ratio,
    ) {
        (Some(b), Some(power), Some(_)) => {
            let (pt, bt, u) = pair(power, b, &POWER_UNITS)?;
            record("power", Some(power), &pt, u, &power_lin);
            record("power_budget", Some(b), &bt, u, &power_lin);
            (
                format!("{pt} against a {bt} budget"),
                format!("{pt} of {bt}"),
                String::new(),
            )
        }
        (Some(b), _, _) => {
            let u = pick_unit(b.si, &POWER_UNITS);
            let bt = fmt(b, &spec(Some(u), None))?;
            record("power_budget", Some(b), &bt, u, &power_lin);
            (
                format!("budget {bt}, device power unknown"),
                format!("budget {bt}"),
                "no device power (TDP) to check".to_string(),
            )
        }
        _ => (
            "no power budget".to_string(),
            "no budget".to_string(),
            "no power budget set: nothing to check".to_string(),
        ),
    };
    rows.push(Row {
        key: "power",
        title: "Power (budget)".into(),
        detail,
        short: ("Power".into(), short),
        ratio: pw.ratio,
        note,
        status: pw.status.label().to_string(),
        lineage: power_lin.clone(),
    });
    let econ = &res.macro_level.economics;
    let mut macro_note = Vec::new();
    let cv = Value::new(econ.energy.carbon_footprint.value, Dim::MASS);
    let u = pick_unit(cv.si, &MASS_UNITS);
    let t = fmt(cv, &spec(Some(u), None))?;
    record("carbon", Some(cv), &t, u, &macro_lin);
    macro_note.push(format!("{t} CO₂e"));
    let tv = Value::new(econ.tco.value, Dim::CURRENCY);
    let t = fmt(tv, &spec(Some("$"), None))?;
    record("tco", Some(tv), &t, "$", &macro_lin);
    macro_note.push(format!("TCO {t}"));
    let macro_status = res.macro_level.status.label().to_string();
    record("macro_status", None, &macro_status, "label", &macro_lin);

    // Geometry, in the theme's text sizes.
    let theme: &Theme = &req.theme;
    let (w, m) = (theme.width, theme.margin);
    let text = intern(&theme.text);
    let muted = intern(&theme.muted);
    let on_colour = intern(&theme.background);
    let title_style = TextStyle::new(theme.axis_title_size, text).bold();
    let detail_style = TextStyle::new(theme.note_size, muted);
    let badge_style = TextStyle::new(theme.note_size, on_colour)
        .bold()
        .anchor(Anchor::Middle);
    let label_style = TextStyle::new(theme.label_size, text).bold();
    let badge_w = rows
        .iter()
        .map(|r| r.status.as_str())
        .chain([macro_status.as_str()])
        .map(|s| badge_style.width(s))
        .fold(0.0, f64::max)
        + theme.note_size * BADGE_PAD;
    let badge_h = theme.note_size * BADGE_PAD;
    let gap = theme.label_size * ROW_GAP;
    let label_w = |rows: &[Row]| {
        rows.iter()
            .map(|r| {
                title_style
                    .width(&r.title)
                    .max(detail_style.width(&r.detail))
            })
            .fold(0.0, f64::max)
    };
    if w - 2.0 * m - badge_w - 2.0 * gap - label_w(&rows) < (w - 2.0 * m) * MIN_BARS {
        for r in &mut rows {
            (r.title, r.detail) = r.short.clone();
        }
    }
    let label_w = label_w(&rows);
    let bx0 = (m + label_w + gap).round();
    let bx1 = w - m - badge_w - gap;
    let ratios: Vec<f64> = rows.iter().filter_map(|r| r.ratio).collect();
    let mx = ratios.iter().copied().fold(1.0, f64::max);
    let (axis_max, step) = if mx * 1.1 <= 1.5 {
        (((mx * 1.1) / 0.25).ceil().max(5.0) * 0.25, 0.25)
    } else if mx * 1.1 <= 3.0 {
        (((mx * 1.1) / 0.5).ceil() * 0.5, 0.5)
    } else {
        (((mx * 1.1).ceil()).min(CAP), 1.0)
    };
    let row_h = (theme.axis_title_size + theme.note_size) * LINE + gap;
    let bar_h = theme.label_size * BAR;

    let name = req
        .title
        .clone()
        .unwrap_or_else(|| format!("Scorecard: {}", sc.name));
    let system = match &sc.system {
        System::Hardware(k) => reg
            .hardware(k)
            .map(|h| h.name.clone())
            .unwrap_or_else(|_| k.clone()),
        System::Fleet(k) => reg
            .fleet(k)
            .map(|f| f.name.clone())
            .unwrap_or_else(|_| k.clone()),
    };
    let model = reg
        .model(&sc.model)
        .map(|m| m.name.clone())
        .unwrap_or_else(|_| sc.model.clone());
    let subtitle = format!(
        "{model} on {system} · batch {} · {}",
        req.batch_size,
        req.precision.key().to_ascii_uppercase()
    );
    let show_title = theme.headings || req.title.is_some();
    // The heading: the title, the subtitle and the verdict at the right (without a heading, the
    // verdict joins the L3 line at the bottom).
    let heading_h = if show_title || theme.headings {
        (if show_title {
            theme.title_size * 1.6
        } else {
            0.0
        }) + (if theme.headings {
            theme.subtitle_size * 1.8
        } else {
            0.0
        }) + theme.label_size
    } else {
        0.0
    };
    let limit_style = TextStyle::new(theme.note_size, text)
        .bold()
        .anchor(Anchor::Middle);
    let rows_top = m + heading_h + limit_style.size * LINE;
    let rows_bottom = rows_top + row_h * rows.len() as f64;
    let axis_title_style = TextStyle::new(theme.axis_title_size, text);
    let x_area = theme.tick_size * 1.7 + theme.axis_title_size * 1.4;
    let footer_h = badge_h.max(theme.note_size * LINE) + gap;
    let height = (rows_bottom + x_area + footer_h + m).round();

    let mut c = Canvas::new(w, height, &req.id, &name, &req.alt);
    c.set_font_family(&theme.font_family);
    c.set_background(&theme.background);
    c.rect(
        0.0,
        0.0,
        w,
        height,
        vec![("fill", theme.background.clone())],
    );
    let mut y = m;
    if show_title {
        let st = TextStyle::new(theme.title_size, text).bold();
        c.text(
            m,
            y + st.cap_height(),
            &name,
            st,
            vec![("class", "title".into())],
        );
        y += theme.title_size * 1.6;
    }
    if theme.headings {
        let st = TextStyle::new(theme.subtitle_size, muted);
        c.text(
            m,
            y + st.cap_height(),
            &subtitle,
            st,
            vec![("class", "subtitle".into())],
        );
    }

    // Verdict (mlsysim's validate(): L1 and L2).
    let valid = res.valid;
    record(
        "valid",
        None,
        if valid { "valid" } else { "not valid" },
        "label",
        &verdict_lin,
    );
    let verdict = if valid { "VALID" } else { "NOT VALID" };
    let vstyle = TextStyle::new(theme.label_size, on_colour)
        .bold()
        .anchor(Anchor::Middle);
    let vw = vstyle.width(verdict) + theme.label_size * BADGE_PAD;
    let vh = theme.label_size * BADGE_PAD;
    let fy = rows_bottom + x_area + gap / 2.0 + badge_h / 2.0;
    let (vx, vy) = if heading_h > 0.0 {
        (w - m - vw, m)
    } else {
        (w - m - vw, fy - vh / 2.0)
    };
    c.open(vec![
        ("class", "verdict".into()),
        ("data-valid", valid.to_string()),
    ]);
    c.rect(
        vx,
        vy,
        vw,
        vh,
        vec![
            (
                "fill",
                if valid { &theme.pass } else { &theme.fail }.clone(),
            ),
            ("rx", "4".into()),
        ],
    );
    c.text(
        vx + vw / 2.0,
        vy + vh / 2.0 + vstyle.cap_height() / 2.0,
        verdict,
        vstyle,
        vec![],
    );
    if theme.headings {
        c.text(
            w - m,
            vy + vh + theme.note_size * LINE,
            "mlsysim verdict: L1 and L2 must pass",
            TextStyle::new(theme.note_size, muted).anchor(Anchor::End),
            vec![],
        );
    }
    c.close();

    // The ratio axis, tracks, bars and the limit line: plotters, rows as bands of height 1 from
    // the top (row i spans n - i - 1 .. n - i).
    let n = rows.len() as f64;
    let pct = FormatSpec {
        style: Style::Percent,
        digits: Some(0),
        ..FormatSpec::default()
    };
    // Every step labelled, or every second, fifth… when the labels would touch.
    let n_ticks = (axis_max / step).round() as usize;
    let widest = TextStyle::new(theme.tick_size, text).width(&fmt(Value::number(axis_max), &pct)?);
    let every = [1, 2, 4, 5, 10]
        .into_iter()
        .find(|k| (bx1 - bx0) / n_ticks as f64 * *k as f64 >= widest + theme.tick_size)
        .unwrap_or(n_ticks.max(1));
    let ticks: Vec<f64> = (0..=n_ticks)
        .step_by(every)
        .map(|i| step * i as f64)
        .collect();
    let tick_labels: Vec<String> = ticks
        .iter()
        .map(|r| fmt(Value::number(*r), &pct))
        .collect::<Result<_, _>>()?;
    let axis_title = [
        "Demand / supply (100% = the limit)",
        "Demand / supply",
        "Demand/supply",
    ]
    .into_iter()
    .find(|t| axis_title_style.width(t) <= bx1 - bx0)
    .unwrap_or("Demand/supply");
    let canvas = Rc::new(RefCell::new(c));
    let root = CanvasBackend::new(canvas.clone(), K).into_drawing_area();
    let mut chart = ChartBuilder::on(&root)
        .margin_top((rows_top * K) as i32)
        .margin_left((bx0 * K) as i32)
        .margin_right(((w - bx1) * K) as i32)
        .margin_bottom(((height - rows_bottom - x_area) * K) as i32)
        .x_label_area_size((x_area * K) as i32)
        .build_cartesian_2d(
            Keyed::new(0.0..axis_max, ticks.clone()),
            Keyed::new(0.0..n, Vec::new()),
        )
        .map_err(plotters_error)?;
    let label_of = |v: &f64| {
        ticks
            .iter()
            .zip(&tick_labels)
            .find(|(t, _)| (*t - v).abs() < 1e-9)
            .map_or_else(String::new, |(_, l)| l.clone())
    };
    group(&canvas, vec![("class", "mesh".into())], || {
        let mut mesh = chart.configure_mesh();
        plot::theme_mesh(&mut mesh, theme);
        mesh.disable_y_mesh()
            .disable_y_axis()
            .x_label_formatter(&label_of)
            .x_desc(axis_title)
            .set_all_tick_mark_size((theme.tick_size * 0.4 * K) as i32)
            .draw()
            .map_err(plotters_error)
    })?;
    let (px0, py0, px1, py1) = plot::plot_box(&chart);
    let px = |r: f64| plot::to_px(&chart, r.min(axis_max), 0.0).0;
    let xl = px(1.0);
    canvas.borrow_mut().open(vec![
        ("class", "plot".into()),
        ("data-kind", "scorecard".into()),
        (
            "data-plot",
            format!("{} {} {} {}", num(px0), num(py0), num(px1), num(py1)),
        ),
        ("data-x-domain", format!("0 {}", num(axis_max))),
        ("data-x-scale", "linear".into()),
    ]);
    let band = |i: usize| n - i as f64 - 0.5;
    let half = bar_h / 2.0 / row_h;
    let mids: Vec<f64> = (0..rows.len())
        .map(|i| plot::to_px(&chart, 0.0, band(i)).1)
        .collect();
    for (i, row) in rows.iter().enumerate() {
        let yc = band(i);
        group(
            &canvas,
            vec![
                ("class", format!("row {}", row.key)),
                ("data-status", row.status.clone()),
            ],
            || {
                group(&canvas, vec![("class", "track".into())], || {
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(0.0, yc - half), (axis_max, yc + half)],
                            rgb(&theme.track).filled(),
                        )))
                        .map_err(plotters_error)
                })?;
                if let Some(r) = row.ratio {
                    let color = if r > 1.0 { &theme.fail } else { &theme.pass };
                    group(
                        &canvas,
                        vec![("class", "bar".into()), ("fill", color.clone())],
                        || {
                            chart
                                .draw_series(std::iter::once(Rectangle::new(
                                    [(0.0, yc - half), (r.min(axis_max), yc + half)],
                                    rgb(color).filled(),
                                )))
                                .map_err(plotters_error)
                        },
                    )?;
                    if r > axis_max {
                        // Two slashes: the bar continues beyond the axis.
                        let hb = (bar_h / 2.0 * K) as i32 + (2.0 * K) as i32;
                        let slant = (theme.label_size * 0.25 * K) as i32;
                        let step = (theme.label_size * 0.5 * K) as i32;
                        let slash = |dx: i32| {
                            EmptyElement::<(f64, f64), CanvasBackend>::at((axis_max, yc))
                                + PathElement::new(
                                    vec![(dx - slant, hb), (dx + slant, -hb)],
                                    rgb(&theme.background)
                                        .stroke_width(plot::px(theme.limit_width)),
                                )
                        };
                        group(&canvas, vec![("class", "broken".into())], || {
                            chart
                                .draw_series([slash(-3 * step), slash(-2 * step)])
                                .map_err(plotters_error)
                        })?;
                    }
                }
                Ok(())
            },
        )?;
    }
    // The limit line, over the bars and under their labels; in pieces: rows without a bar carry a
    // note the line must not cross.
    group(
        &canvas,
        vec![
            ("class", "limit".into()),
            ("data-x", num(xl)),
            ("stroke-dasharray", theme.dash.clone()),
        ],
        || {
            let mut from = n + 0.5 * (limit_style.size * LINE / row_h).min(0.5);
            let mut pieces = Vec::new();
            for (i, row) in rows.iter().enumerate() {
                if row.ratio.is_none() {
                    pieces.push((from, band(i) + half));
                    from = band(i) - half;
                }
            }
            pieces.push((from, 0.0));
            chart
                .draw_series(pieces.into_iter().map(|(a, b)| {
                    PathElement::new(
                        vec![(1.0, a), (1.0, b)],
                        rgb(&theme.text).stroke_width(plot::px(theme.limit_width)),
                    )
                }))
                .map_err(plotters_error)
        },
    )?;
    drop(chart);
    drop(root);
    let mut c = Rc::try_unwrap(canvas)
        .map_err(|_| FigureError::general("the canvas is still shared"))?
        .into_inner();
    c.close();
    c.text(
        xl,
        rows_top - limit_style.size * 0.5,
        "limit",
        limit_style,
        vec![("class", "limit-label".into())],
    );

    // Row titles, percentages, notes and status badges.
    let badge = |c: &mut Canvas, x: f64, mid: f64, status: &str, key: &str| {
        c.rect(
            x,
            mid - badge_h / 2.0,
            badge_w,
            badge_h,
            vec![
                ("class", "badge".into()),
                ("data-row", key.to_string()),
                ("fill", Status::of(status).color(theme).into()),
                ("rx", "4".into()),
            ],
        );
        c.text(
            x + badge_w / 2.0,
            mid + badge_style.cap_height() / 2.0,
            status,
            badge_style,
            vec![("class", "status".into()), ("data-row", key.to_string())],
        );
    };
    let bar_end = |r: f64| bx0 + r.min(axis_max) / axis_max * (bx1 - bx0);
    let pad = theme.label_size * 0.5;
    for (row, &mid) in rows.iter().zip(&mids) {
        let block_h = (theme.axis_title_size + theme.note_size) * LINE;
        let top = mid - block_h / 2.0;
        c.text(
            m,
            top + title_style.cap_height(),
            &row.title,
            title_style,
            vec![("class", "row-title".into())],
        );
        c.text(
            m,
            top + theme.axis_title_size * LINE + detail_style.cap_height(),
            &row.detail,
            detail_style,
            vec![("class", "row-detail".into())],
        );
        match row.ratio {
            Some(r) => {
                let broken = r > axis_max;
                let x_end = bar_end(r);
                let printed = ratio_text(r)?;
                record(
                    &format!("{}_ratio", row.key),
                    Some(Value::number(r)),
                    &printed,
                    if r < 10.0 { "%" } else { "×" },
                    &row.lineage,
                );
                let lw = label_style.width(&printed);
                let base = mid + label_style.cap_height() / 2.0;
                let attrs = vec![
                    ("class", "bar-label".into()),
                    ("data-row", row.key.to_string()),
                ];
                let mut x = x_end + pad;
                if x <= xl + pad / 2.0 && x + lw >= xl - pad / 2.0 {
                    // Keep the label clear of the limit line.
                    x = xl + pad;
                }
                if !broken && x + lw <= bx1 - 2.0 {
                    c.text(x, base, &printed, label_style.halo(theme.halo_width), attrs);
                } else {
                    let mut x = if broken {
                        x_end - theme.label_size * 2.0
                    } else {
                        x_end - pad
                    };
                    if x - lw <= xl + pad / 2.0 && x >= xl - pad / 2.0 {
                        x = xl - pad;
                    }
                    c.text(
                        x,
                        base,
                        &printed,
                        label_style.fill_of(on_colour).anchor(Anchor::End),
                        attrs,
                    );
                }
            }
            None => {
                let ns = TextStyle::new(theme.note_size, muted).halo(theme.halo_width);
                let note = [row.note.as_str(), "nothing to check"]
                    .into_iter()
                    .find(|t| ns.width(t) <= bx1 - bx0 - pad * 2.0)
                    .unwrap_or("nothing to check");
                c.text(
                    bx0 + pad,
                    mid + ns.cap_height() / 2.0,
                    note,
                    ns,
                    vec![
                        ("class", "bar-note".into()),
                        ("data-row", row.key.to_string()),
                    ],
                );
            }
        }
        badge(&mut c, w - m - badge_w, mid, &row.status, row.key);
        record(
            &format!("{}_status", row.key),
            None,
            &row.status,
            "label",
            &row.lineage,
        );
    }
    // L3: a year of operation (no ratio: mlsysim sets no macro limit).
    c.open(vec![
        ("class", "row macro".into()),
        ("data-status", macro_status.clone()),
    ]);
    badge(&mut c, m, fy, &macro_status, "macro");
    let fs = TextStyle::new(theme.note_size, text);
    let room = if heading_h > 0.0 { w - m } else { vx - gap } - (m + badge_w + gap / 2.0);
    let numbers = macro_note.join(" · ");
    let footer = [
        format!("L3 macro, one year at full load on the default grid: {numbers}"),
        format!("L3, one year: {numbers}"),
        numbers.clone(),
    ]
    .into_iter()
    .chain(macro_note.first().cloned())
    .find(|t| fs.width(t) <= room)
    .unwrap_or_default();
    c.text(
        m + badge_w + gap / 2.0,
        fy + fs.cap_height() / 2.0,
        &footer,
        fs,
        vec![("class", "row-detail".into())],
    );
    c.close();

    Ok(Drawn {
        canvas: c,
        values,
        warnings: res.warnings.clone(),
    })
}
