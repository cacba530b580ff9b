//! `figure="scorecard"`: a scenario's demand/supply ratios as horizontal bars against the 1.0
//! limit, from [`crate::calc::solvers::scenario`]: memory (weights / capacity, L1), latency (latency /
//! SLA, L2) and power (TDP × devices / budget), green within the limit and red over it, each with
//! its percentage and the level's PASS / FAIL / SKIPPED; L3 (a year of operation) as a text row.
//!
//! The ratio axis is linear from 0, long enough for the largest ratio up to 5 (500 %); longer bars
//! are drawn broken at the axis end and labelled as a multiple (`400×`).

use super::style as st;
use super::svg::{num, Anchor, Attrs, Canvas, TextStyle};
use super::{fmt, spec, Drawn, DrawnValue, FigureError, FigureRequest};
use crate::base::units::{parse_unit, Dim, Value};
use crate::calc::params::Lineage;
use crate::calc::solvers::roofline;
use crate::calc::solvers::scenario::{self, Profile, ScenarioOptions, Target};
use crate::calc::solvers::sustainability::Placement;
use crate::present::format::{FormatSpec, Style};
use crate::registry::{Registry, System};

const WIDTH: f64 = 760.0;
const MARGIN: f64 = 16.0;
const TOP: f64 = 84.0;
const ROW: f64 = 54.0;
const BAR: f64 = 20.0;
const BADGE_W: f64 = 72.0;
/// Longest bar drawn to scale, as a ratio.
const CAP: f64 = 5.0;

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
    fn color(&self) -> &'static str {
        match self {
            Status::Pass => st::PASS,
            Status::Fail => st::FAIL,
            Status::Skipped => st::SKIPPED,
        }
    }
}

struct Row {
    key: &'static str,
    title: String,
    detail: String,
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

fn stroke(color: &str, width: f64) -> Attrs {
    vec![("stroke", color.to_string()), ("stroke-width", num(width))]
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
        ratio: (cap.si > 0.0).then(|| w.si / cap.si),
        note: String::new(),
        status: f.status.label().to_string(),
        lineage: mem_lin.clone(),
    });
    let p = &res.performance;
    let lat = Value::new(p.latency.value, Dim::TIME);
    let (detail, ratio, note) = match p.sla_latency.map(|t| Value::new(t.value, Dim::TIME)) {
        Some(sla) if sla.si > 0.0 => {
            let (lt, stt, u) = pair(lat, sla, &TIME_UNITS)?;
            record("latency", Some(lat), &lt, u, &perf_lin);
            record("sla_latency", Some(sla), &stt, u, &perf_lin);
            (
                format!("{lt} against a {stt} SLA"),
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
                None,
                "no latency SLA set: nothing to check".to_string(),
            )
        }
    };
    rows.push(Row {
        key: "latency",
        title: "Latency (L2 performance)".into(),
        detail,
        ratio,
        note,
        status: p.status.label().to_string(),
        lineage: perf_lin.clone(),
    });
    let pw = &res.power;
    let budget = pw.budget.map(|b| Value::new(b.value, Dim::POWER));
    let (detail, note) = match (
        budget,
        pw.power.map(|x| Value::new(x.value, Dim::POWER)),
        pw.ratio,
    ) {
        (Some(b), Some(power), Some(_)) => {
            let (pt, bt, u) = pair(power, b, &POWER_UNITS)?;
            record("power", Some(power), &pt, u, &power_lin);
            record("power_budget", Some(b), &bt, u, &power_lin);
            (format!("{pt} against a {bt} budget"), String::new())
        }
        (Some(b), _, _) => {
            let u = pick_unit(b.si, &POWER_UNITS);
            let bt = fmt(b, &spec(Some(u), None))?;
            record("power_budget", Some(b), &bt, u, &power_lin);
            (
                format!("budget {bt}, device power unknown"),
                "no device power (TDP) to check".to_string(),
            )
        }
        _ => (
            "no power budget".to_string(),
            "no power budget set: nothing to check".to_string(),
        ),
    };
    rows.push(Row {
        key: "power",
        title: "Power (budget)".into(),
        detail,
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

    // Geometry.
    let title_style = TextStyle::new(st::AXIS_TITLE_SIZE, st::TEXT).bold();
    let detail_style = TextStyle::new(st::SMALL_SIZE, st::MUTED);
    let label_w = rows
        .iter()
        .map(|r| {
            title_style
                .width(&r.title)
                .max(detail_style.width(&r.detail))
        })
        .fold(0.0, f64::max);
    let bx0 = (MARGIN + label_w + 18.0).round();
    let bx1 = WIDTH - MARGIN - BADGE_W - 18.0;
    let ratios: Vec<f64> = rows.iter().filter_map(|r| r.ratio).collect();
    let m = ratios.iter().copied().fold(1.0, f64::max);
    let (axis_max, step) = if m * 1.1 <= 1.5 {
        (((m * 1.1) / 0.25).ceil().max(5.0) * 0.25, 0.25)
    } else if m * 1.1 <= 3.0 {
        (((m * 1.1) / 0.5).ceil() * 0.5, 0.5)
    } else {
        (((m * 1.1).ceil()).min(CAP), 1.0)
    };
    let px = |r: f64| bx0 + r.min(axis_max) / axis_max * (bx1 - bx0);
    let rows_bottom = TOP + ROW * rows.len() as f64;
    let height = rows_bottom + 92.0;

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

    let mut c = Canvas::new(WIDTH, height, &req.id, &name, &req.alt);
    c.rect(
        0.0,
        0.0,
        WIDTH,
        height,
        vec![("fill", st::BACKGROUND.into())],
    );
    c.text(
        MARGIN,
        26.0,
        &name,
        TextStyle::new(st::TITLE_SIZE, st::TEXT).bold(),
        vec![("class", "title".into())],
    );
    c.text(
        MARGIN,
        45.0,
        &subtitle,
        TextStyle::new(st::SUBTITLE_SIZE, st::MUTED),
        vec![("class", "subtitle".into())],
    );

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
    let vstyle = TextStyle::new(st::LABEL_SIZE, st::BACKGROUND)
        .bold()
        .anchor(Anchor::Middle);
    let vw = vstyle.width(verdict) + 20.0;
    let vx = WIDTH - MARGIN - vw;
    c.open(vec![
        ("class", "verdict".into()),
        ("data-valid", valid.to_string()),
    ]);
    c.rect(
        vx,
        12.0,
        vw,
        22.0,
        vec![
            ("fill", if valid { st::PASS } else { st::FAIL }.into()),
            ("rx", "4".into()),
        ],
    );
    c.text(
        vx + vw / 2.0,
        12.0 + 11.0 + vstyle.cap_height() / 2.0,
        verdict,
        vstyle,
        vec![],
    );
    c.text(
        WIDTH - MARGIN,
        50.0,
        "mlsysim verdict: L1 and L2 must pass",
        TextStyle::new(st::SMALL_SIZE, st::MUTED).anchor(Anchor::End),
        vec![],
    );
    c.close();

    // Axis: grid and ticks under the bars.
    c.open(vec![
        ("class", "axis x".into()),
        ("data-scale", "linear".into()),
        ("data-max", num(axis_max)),
    ]);
    let n_ticks = (axis_max / step).round() as usize;
    let tick_style = TextStyle::new(st::TICK_SIZE, st::TEXT).anchor(Anchor::Middle);
    let pct = FormatSpec {
        style: Style::Percent,
        digits: Some(0),
        ..FormatSpec::default()
    };
    for i in 0..=n_ticks {
        let r = step * i as f64;
        let x = px(r);
        c.line((x, TOP - 6.0), (x, rows_bottom), stroke(st::GRID, 1.0));
        let t = fmt(Value::number(r), &pct)?;
        c.line(
            (x, rows_bottom),
            (x, rows_bottom + 5.0),
            vec![
                ("class", "tick".into()),
                ("data-value", t.clone()),
                ("stroke", st::AXIS.into()),
                ("stroke-width", "1".into()),
            ],
        );
        c.text(
            x,
            rows_bottom + 19.0,
            &t,
            tick_style,
            vec![("class", "tick-label".into())],
        );
    }
    c.line(
        (bx0, rows_bottom),
        (bx1, rows_bottom),
        stroke(st::AXIS, 1.0),
    );
    c.text(
        (bx0 + bx1) / 2.0,
        rows_bottom + 42.0,
        "Demand / supply (100% = the limit)",
        TextStyle::new(st::AXIS_TITLE_SIZE, st::TEXT).anchor(Anchor::Middle),
        vec![("class", "axis-title".into())],
    );
    c.close();

    // Rows: titles, tracks and bars.
    let mids: Vec<f64> = (0..rows.len())
        .map(|i| TOP + ROW * i as f64 + ROW / 2.0)
        .collect();
    let xl = px(1.0);
    for (row, &mid) in rows.iter().zip(&mids) {
        c.open(vec![
            ("class", format!("row {}", row.key)),
            ("data-status", row.status.clone()),
        ]);
        c.text(
            MARGIN,
            mid - 4.0,
            &row.title,
            title_style,
            vec![("class", "row-title".into())],
        );
        c.text(
            MARGIN,
            mid + 12.0,
            &row.detail,
            detail_style,
            vec![("class", "row-detail".into())],
        );
        c.rect(
            bx0,
            mid - BAR / 2.0,
            bx1 - bx0,
            BAR,
            vec![("fill", st::TRACK.into())],
        );
        if let Some(r) = row.ratio {
            let color = if r > 1.0 { st::FAIL } else { st::PASS };
            let x_end = px(r);
            c.rect(
                bx0,
                mid - BAR / 2.0,
                (x_end - bx0).max(1.0),
                BAR,
                vec![("class", "bar".into()), ("fill", color.into())],
            );
            if r > axis_max {
                // Two white slashes: the bar continues beyond the axis.
                for dx in [-16.0, -10.0] {
                    c.line(
                        (x_end + dx - 3.0, mid + BAR / 2.0 + 2.0),
                        (x_end + dx + 3.0, mid - BAR / 2.0 - 2.0),
                        stroke(st::BACKGROUND, 2.5),
                    );
                }
            }
        }
        c.close();
    }
    // The limit line, over the bars and under their labels.
    c.open(vec![("class", "limit".into()), ("data-x", num(xl))]);
    let mut a = stroke(st::LIMIT, 1.5);
    a.push(("stroke-dasharray", "5 3".into()));
    // In pieces: rows without a bar carry a note the line must not cross.
    let mut from = TOP - 6.0;
    for (row, &mid) in rows.iter().zip(&mids) {
        if row.ratio.is_none() {
            c.line((xl, from), (xl, mid - BAR / 2.0 - 2.0), a.clone());
            from = mid + BAR / 2.0 + 2.0;
        }
    }
    c.line((xl, from), (xl, rows_bottom), a);
    c.text(
        xl,
        TOP - 10.0,
        "limit",
        TextStyle::new(st::SMALL_SIZE, st::TEXT)
            .bold()
            .anchor(Anchor::Middle),
        vec![],
    );
    c.close();
    // Percentages, notes and status badges.
    let badge_style = TextStyle::new(st::SMALL_SIZE, st::BACKGROUND)
        .bold()
        .anchor(Anchor::Middle);
    let badge = |c: &mut Canvas, x: f64, mid: f64, status: &str, key: &str| {
        c.rect(
            x,
            mid - 11.0,
            BADGE_W,
            22.0,
            vec![
                ("class", "badge".into()),
                ("data-row", key.to_string()),
                ("fill", Status::of(status).color().into()),
                ("rx", "4".into()),
            ],
        );
        c.text(
            x + BADGE_W / 2.0,
            mid + badge_style.cap_height() / 2.0,
            status,
            badge_style,
            vec![("class", "status".into()), ("data-row", key.to_string())],
        );
    };
    for (row, &mid) in rows.iter().zip(&mids) {
        match row.ratio {
            Some(r) => {
                let broken = r > axis_max;
                let x_end = px(r);
                let printed = ratio_text(r)?;
                record(
                    &format!("{}_ratio", row.key),
                    Some(Value::number(r)),
                    &printed,
                    if r < 10.0 { "%" } else { "×" },
                    &row.lineage,
                );
                let ls = TextStyle::new(st::LABEL_SIZE, st::TEXT).bold();
                let lw = ls.width(&printed);
                let base = mid + ls.cap_height() / 2.0;
                let attrs = vec![
                    ("class", "bar-label".into()),
                    ("data-row", row.key.to_string()),
                ];
                let mut x = x_end + 6.0;
                if x <= xl + 3.0 && x + lw >= xl - 3.0 {
                    // Keep the label clear of the limit line.
                    x = xl + 6.0;
                }
                if !broken && x + lw <= bx1 - 2.0 {
                    c.text(x, base, &printed, ls.halo(), attrs);
                } else {
                    let mut x = if broken { x_end - 24.0 } else { x_end - 6.0 };
                    if x - lw <= xl + 3.0 && x >= xl - 3.0 {
                        x = xl - 6.0;
                    }
                    c.text(
                        x,
                        base,
                        &printed,
                        ls.fill_of(st::BACKGROUND).anchor(Anchor::End),
                        attrs,
                    );
                }
            }
            None => {
                let ns = TextStyle::new(st::SMALL_SIZE, st::MUTED).halo();
                c.text(
                    bx0 + 8.0,
                    mid + ns.cap_height() / 2.0,
                    &row.note,
                    ns,
                    vec![
                        ("class", "bar-note".into()),
                        ("data-row", row.key.to_string()),
                    ],
                );
            }
        }
        badge(&mut c, WIDTH - MARGIN - BADGE_W, mid, &row.status, row.key);
        record(
            &format!("{}_status", row.key),
            None,
            &row.status,
            "label",
            &row.lineage,
        );
    }
    // L3: a year of operation (no ratio: mlsysim sets no macro limit).
    let fy = rows_bottom + 72.0;
    c.open(vec![
        ("class", "row macro".into()),
        ("data-status", macro_status.clone()),
    ]);
    badge(&mut c, MARGIN, fy, &macro_status, "macro");
    let mut footer = "L3 macro, one year at full load on the default grid".to_string();
    if !macro_note.is_empty() {
        footer.push_str(": ");
        footer.push_str(&macro_note.join(" · "));
    }
    let fs = TextStyle::new(st::SMALL_SIZE + 1.0, st::TEXT);
    c.text(
        MARGIN + BADGE_W + 10.0,
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
