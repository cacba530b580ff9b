//! General charts (line, bar, scatter, heatmap): the book's charts (book-snippets/08-charts.qmd)
//! are drawn, pinned by snapshots, parsed as XML and checked against the solvers and formulas
//! they show: curve points, bars, cells and labels at the right pixels with the right values, tick
//! labels formatted like the text. Then errors at their attributes, themes and the slides preset.

use mlsysim_book::calc::catalog;
use mlsysim_book::calc::params::{Out, Param, Params};
use mlsysim_book::present::figure::theme::Theme;
use mlsysim_book::present::figure::{parse_request, render_svg, Figure, FigureError};
use mlsysim_book::present::format::{format_number, FormatSpec, Target};
use mlsysim_book::registry::{load::embedded, Registry};
use mlsysim_book::syntax::{scan, SourceKind};
use roxmltree::{Document, Node};
use std::sync::OnceLock;

fn reg() -> &'static Registry {
    static REG: OnceLock<Registry> = OnceLock::new();
    REG.get_or_init(|| embedded().expect("registry loads"))
}

const CHAPTER: &str = include_str!("../book-snippets/08-charts.qmd");

/// The chart directives of the book's chapter, by id.
fn book_chart(id: &str) -> Vec<(String, String)> {
    let scanned = scan(CHAPTER, SourceKind::Markdown);
    scanned
        .directives
        .iter()
        .map(|d| d.attr_pairs())
        .find(|a| a.iter().any(|(n, v)| n == "id" && v == id))
        .unwrap_or_else(|| panic!("no chart `{id}` in 08-charts.qmd"))
}

fn draw_attrs(attrs: &[(String, String)]) -> Figure {
    let req = parse_request(attrs).expect("request parses");
    render_svg(reg(), &req).expect("chart draws")
}

fn draw_src(attrs: &str) -> Result<Figure, FigureError> {
    let src = format!("<mlsysim {attrs}/>");
    let scanned = scan(&src, SourceKind::Markdown);
    assert!(scanned.errors.is_empty(), "{:?}", scanned.errors);
    let req = parse_request(&scanned.directives[0].attr_pairs())?;
    render_svg(reg(), &req)
}

const IDS: [&str; 8] = [
    "fig-amdahl",
    "fig-amdahl-map",
    "fig-compute-bandwidth-growth",
    "fig-carbon-region",
    "fig-training-memory",
    "fig-ttft-context",
    "fig-throughput-batch",
    "fig-s-curve",
];

fn has_class(n: &Node, class: &str) -> bool {
    n.attribute("class")
        .is_some_and(|c| c.split(' ').any(|x| x == class))
}

fn groups<'a>(doc: &'a Document, class: &str) -> Vec<Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && has_class(n, class))
        .collect()
}

fn f(n: &Node, attr: &str) -> f64 {
    n.attribute(attr)
        .unwrap_or_else(|| panic!("{n:?} has no {attr}"))
        .parse()
        .unwrap_or_else(|_| panic!("{attr} of {n:?}"))
}

/// The plot box and axis domains the SVG declares.
struct Plot {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    xd: (f64, f64),
    yd: (f64, f64),
    xlog: bool,
    ylog: bool,
}

impl Plot {
    fn of(doc: &Document) -> Plot {
        let g = groups(doc, "plot")[0];
        let p: Vec<f64> = g
            .attribute("data-plot")
            .unwrap()
            .split(' ')
            .map(|s| s.parse().unwrap())
            .collect();
        let d = |a: &str| -> (f64, f64) {
            let v: Vec<f64> = g
                .attribute(a)
                .unwrap()
                .split(' ')
                .map(|s| s.parse().unwrap())
                .collect();
            (v[0], v[1])
        };
        Plot {
            x0: p[0],
            y0: p[1],
            x1: p[2],
            y1: p[3],
            xd: d("data-x-domain"),
            yd: d("data-y-domain"),
            xlog: g.attribute("data-x-scale") == Some("log"),
            ylog: g.attribute("data-y-scale") == Some("log"),
        }
    }

    fn t(v: f64, log: bool) -> f64 {
        if log {
            v.log10()
        } else {
            v
        }
    }

    /// Pixel of a data point (plotters maps onto the inclusive pixel range).
    fn px(&self, x: f64, y: f64) -> (f64, f64) {
        let fx = (Self::t(x, self.xlog) - Self::t(self.xd.0, self.xlog))
            / (Self::t(self.xd.1, self.xlog) - Self::t(self.xd.0, self.xlog));
        let fy = (Self::t(y, self.ylog) - Self::t(self.yd.0, self.ylog))
            / (Self::t(self.yd.1, self.ylog) - Self::t(self.yd.0, self.ylog));
        (
            self.x0 + fx * (self.x1 - 0.25 - self.x0),
            self.y1 - 0.25 - fy * (self.y1 - 0.25 - self.y0),
        )
    }
}

fn close(a: (f64, f64), b: (f64, f64), tol: f64) -> bool {
    (a.0 - b.0).abs() <= tol && (a.1 - b.1).abs() <= tol
}

fn sig3(x: f64) -> String {
    let s = FormatSpec {
        sig: Some(3),
        ..FormatSpec::default()
    };
    format_number(x, &s, Target::Text).unwrap()
}

fn series<'a>(doc: &'a Document) -> Vec<(String, Node<'a, 'a>)> {
    groups(doc, "series")
        .into_iter()
        .map(|g| (g.attribute("data-name").unwrap().to_string(), g))
        .collect()
}

fn polyline(g: &Node) -> Vec<(f64, f64)> {
    let p = g
        .descendants()
        .find(|n| n.has_tag_name("polyline"))
        .expect("a curve");
    p.attribute("points")
        .unwrap()
        .split(' ')
        .map(|xy| {
            let (x, y) = xy.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

fn solve(solver: &str, inputs: &[(&str, &str)], output: &str, unit: &str) -> f64 {
    let mut p = Params::new();
    for (k, v) in inputs {
        p.insert(k.to_string(), Param::Text(v.to_string()));
    }
    match catalog::run(reg(), solver, &p)
        .unwrap()
        .get(output)
        .unwrap()
    {
        Out::Value(v) => v.in_unit(unit).unwrap(),
        o => panic!("{o:?}"),
    }
}

#[test]
fn the_book_charts_are_pinned_deterministic_and_well_formed() {
    for id in IDS {
        let a = draw_attrs(&book_chart(id));
        let b = draw_attrs(&book_chart(id));
        assert_eq!(a.svg, b.svg, "{id}: not deterministic");
        insta::assert_snapshot!(format!("chart_{id}"), a.svg);
        let doc = Document::parse(&a.svg).expect("well-formed XML");
        let root = doc.root_element();
        assert!(root
            .attribute("font-family")
            .unwrap()
            .starts_with("DejaVu Sans"));
        let (w, h) = a.size();
        for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
            let x = f(&t, "x");
            let y = f(&t, "y");
            assert!(x >= 0.0 && x <= w && y >= 0.0 && y <= h, "{id}: {t:?}");
        }
        let outlined = a.outlined_svg();
        assert!(!outlined.contains("<text"));
        Document::parse(&outlined).expect("outlined SVG parses");
    }
}

/// Tick labels sit at the pixels of the values they print, and every axis groups its labels one
/// way (`1,000` beside `10,000`).
#[test]
fn tick_labels_sit_at_their_values_and_group_consistently() {
    for id in IDS {
        let fig = draw_attrs(&book_chart(id));
        let doc = Document::parse(&fig.svg).unwrap();
        let p = Plot::of(&doc);
        let mesh = groups(&doc, "mesh")[0];
        let texts: Vec<(f64, f64, String)> = mesh
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| (f(&n, "x"), f(&n, "y"), n.text().unwrap().to_string()))
            .collect();
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for (x, y, t) in &texts {
            let Ok(v) = t.replace(',', "").parse::<f64>() else {
                continue;
            };
            if *y > p.y1 && *x >= p.x0 - 2.0 && *x <= p.x1 + 2.0 {
                xs.push((v, *x, t.clone()));
            } else if *x < p.x0 && *y <= p.y1 + 8.0 {
                ys.push((v, *y, t.clone()));
            }
        }
        let categorical = !groups(&doc, "bar").is_empty() || !groups(&doc, "cell").is_empty();
        if !categorical && !id.contains("growth") {
            for (v, x, t) in &xs {
                let (ex, _) = p.px(*v, p.yd.0);
                assert!(
                    (ex - x).abs() <= 1.5,
                    "{id}: x tick {t} at {x}, expected {ex}"
                );
            }
        }
        if groups(&doc, "cell").is_empty() {
            for (v, y, t) in &ys {
                let (_, ey) = p.px(p.xd.0, *v);
                // The label's baseline is half a cap height below its tick.
                assert!(
                    (ey - y).abs() <= 6.0,
                    "{id}: y tick {t} at {y}, expected {ey}"
                );
            }
        }
        for axis in [&xs, &ys] {
            let big = axis.iter().any(|(v, _, _)| *v >= 1e4);
            for (v, _, t) in axis.iter() {
                if *v >= 1000.0 && *v < 1e6 {
                    assert_eq!(t.contains(','), big, "{id}: `{t}` grouped unlike its axis");
                }
            }
        }
    }
}

#[test]
fn amdahl_curves_follow_the_formula_and_label_p_095() {
    let fig = draw_attrs(&book_chart("fig-amdahl"));
    let doc = Document::parse(&fig.svg).unwrap();
    let p = Plot::of(&doc);
    let s = series(&doc);
    assert_eq!(
        s.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        ["G = 2", "G = 8", "G = 32", "G = 247"]
    );
    for ((_, g), big_g) in s.iter().zip([2.0, 8.0, 32.0, 247.0]) {
        let amdahl = |x: f64| 1.0 / ((1.0 - x) + x / big_g);
        let pts = polyline(g);
        assert!(pts.len() >= 101);
        for k in [0usize, 25, 50, 75, 100] {
            let x = k as f64 / 100.0;
            let want = p.px(x, amdahl(x));
            assert!(
                pts.iter().any(|q| close(*q, want, 1.5)),
                "G={big_g}: no curve point near {want:?} for p={x}"
            );
        }
    }
    // The labelled points at p = 0.95: one per curve, value formatted like the text, a record each.
    let labels = groups(&doc, "label");
    assert_eq!(labels.len(), 4);
    for big_g in [2.0, 8.0, 32.0, 247.0] {
        let v = 1.0 / (0.05 + 0.95 / big_g);
        let shown = sig3(v);
        assert!(
            labels
                .iter()
                .any(|l| l.descendants().any(|t| t.text() == Some(shown.as_str()))),
            "no label {shown}"
        );
        assert!(fig
            .values
            .iter()
            .any(|d| d.printed == shown && (d.value.unwrap().si - v).abs() < 1e-9));
    }
    assert_labels_clear(&doc);
}

/// No label box overlaps another label, a marker or crosses a curve.
fn assert_labels_clear(doc: &Document) {
    use mlsysim_book::present::figure::font::font;
    let boxes: Vec<(f64, f64, f64, f64)> = groups(doc, "label")
        .iter()
        .map(|g| {
            let texts: Vec<Node> = g.descendants().filter(|n| n.has_tag_name("text")).collect();
            let mut b = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
            for t in texts {
                let size = f(&t, "font-size");
                let w = font(false).width(t.text().unwrap(), size);
                let x = f(&t, "x");
                let x0 = match t.attribute("text-anchor") {
                    Some("end") => x - w,
                    Some("middle") => x - w / 2.0,
                    _ => x,
                };
                let y = f(&t, "y");
                b = (
                    b.0.min(x0),
                    b.1.min(y - size * 0.73),
                    b.2.max(x0 + w),
                    b.3.max(y + size * 0.24),
                );
            }
            b
        })
        .collect();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let ov = a.2.min(b.2) > a.0.max(b.0) && a.3.min(b.3) > a.1.max(b.1);
            assert!(!ov, "labels {a:?} and {b:?} overlap");
        }
        for c in doc.descendants().filter(|n| n.has_tag_name("circle")) {
            let (cx, cy, r) = (f(&c, "cx"), f(&c, "cy"), f(&c, "r"));
            let inside = cx + r > a.0 && cx - r < a.2 && cy + r > a.1 && cy - r < a.3;
            assert!(!inside, "label {a:?} covers the marker at ({cx}, {cy})");
        }
    }
}

#[test]
fn amdahl_heatmap_cells_are_the_formula() {
    let fig = draw_attrs(&book_chart("fig-amdahl-map"));
    let doc = Document::parse(&fig.svg).unwrap();
    let cells = groups(&doc, "cell");
    assert_eq!(cells.len(), 25);
    for c in &cells {
        let (p, g, z) = (f(c, "data-x"), f(c, "data-y"), f(c, "data-z"));
        let want = 1.0 / ((1.0 - p) + p / g);
        assert!((z - want).abs() < 1e-9 * want, "p={p} G={g}: {z} vs {want}");
        let printed = c.attribute("data-printed").unwrap();
        assert_eq!(printed, sig3(want));
        // The value is printed in the cell.
        assert!(c.descendants().any(|t| t.text() == Some(printed)));
    }
    assert_eq!(fig.values.len(), 25, "one record per printed cell");
}

#[test]
fn carbon_bars_are_the_sustainability_solver() {
    let fig = draw_attrs(&book_chart("fig-carbon-region"));
    let doc = Document::parse(&fig.svg).unwrap();
    let p = Plot::of(&doc);
    let bars = groups(&doc, "bar");
    let grids = ["Quebec", "Norway", "France", "US_Avg", "Poland"];
    assert_eq!(bars.len(), grids.len());
    for (b, grid) in bars.iter().zip(grids) {
        let want = solve(
            "sustainability",
            &[
                ("fleet", "Frontier_8K"),
                ("duration_days", "30"),
                ("mfu", "0.4"),
                ("grid", grid),
            ],
            "carbon_footprint",
            "t",
        );
        assert_eq!(
            b.attribute("data-category"),
            Some(grid.replace('_', " ").as_str())
        );
        assert!((f(b, "data-y") - want).abs() < 1e-9 * want);
        let rect = b.descendants().find(|n| n.has_tag_name("rect")).unwrap();
        let (_, top) = p.px(0.0, want);
        assert!((f(&rect, "y") - top).abs() <= 1.5, "{grid}: bar top");
    }
    // Every bar's value is printed above it and recorded with its lineage.
    let printed: Vec<&str> = groups(&doc, "value")
        .iter()
        .filter_map(|g| g.descendants().find_map(|t| t.text()))
        .collect();
    assert_eq!(printed.len(), 5);
    assert!(fig
        .values
        .iter()
        .all(|v| v.lineage.solver == "sustainability" && !v.lineage.leaves.is_empty()));
}

#[test]
fn training_memory_stacks_the_roofline_breakdown() {
    let fig = draw_attrs(&book_chart("fig-training-memory"));
    let doc = Document::parse(&fig.svg).unwrap();
    let s = series(&doc);
    let outs = [
        "weights_memory",
        "gradients_memory",
        "optimizer_memory",
        "activations_memory",
    ];
    assert_eq!(s.len(), 4);
    let models = ["GPT2", "Llama2_7B", "Llama3_8B", "Llama2_13B"];
    for ((_, g), out) in s.iter().zip(outs) {
        let bars: Vec<Node> = g.children().filter(|n| has_class(n, "bar")).collect();
        assert_eq!(bars.len(), 4);
        for (b, m) in bars.iter().zip(models) {
            let want = solve(
                "roofline",
                &[
                    ("model", m),
                    ("hardware", "H100"),
                    ("precision", "fp16"),
                    ("is_training", "true"),
                    ("batch_size", "1"),
                    ("seq_len", "2048"),
                ],
                out,
                "GB",
            );
            assert!((f(b, "data-y") - want).abs() < 1e-9 * want, "{m} {out}");
        }
    }
    // The totals printed on top are the memory footprint.
    for m in models {
        let total = solve(
            "roofline",
            &[
                ("model", m),
                ("hardware", "H100"),
                ("precision", "fp16"),
                ("is_training", "true"),
                ("batch_size", "1"),
                ("seq_len", "2048"),
            ],
            "memory_footprint",
            "GB",
        );
        let shown = format!("{} GB", sig3(total));
        assert!(
            fig.values.iter().any(|v| v.printed == shown),
            "{m}: no total {shown}"
        );
    }
}

#[test]
fn ttft_points_are_the_serving_solver_on_log_axes() {
    let fig = draw_attrs(&book_chart("fig-ttft-context"));
    let doc = Document::parse(&fig.svg).unwrap();
    let p = Plot::of(&doc);
    assert!(p.xlog && p.ylog);
    for (name, g) in series(&doc) {
        let pts: Vec<Node> = g.children().filter(|n| has_class(n, "point")).collect();
        assert_eq!(pts.len(), 7, "{name}");
        for pt in pts {
            let x = f(&pt, "data-x");
            let want = solve(
                "serving",
                &[
                    ("model", "Llama3_8B"),
                    ("hardware", &name),
                    ("precision", "fp16"),
                    ("batch_size", "1"),
                    ("seq_len", &format!("{x}")),
                ],
                "ttft",
                "ms",
            );
            assert!((f(&pt, "data-y") - want).abs() < 1e-9 * want);
            let c = pt.descendants().find(|n| n.has_tag_name("circle")).unwrap();
            assert!(
                close((f(&c, "cx"), f(&c, "cy")), p.px(x, want), 1.5),
                "{name} at {x}"
            );
        }
    }
    // Records: 3 devices × 7 lengths, each with the serving solver's lineage.
    assert_eq!(fig.values.len(), 21);
    assert!(fig.values.iter().all(|v| v.lineage.solver == "serving"));
}

#[test]
fn growth_and_scatter_and_s_curve() {
    let fig = draw_attrs(&book_chart("fig-compute-bandwidth-growth"));
    let doc = Document::parse(&fig.svg).unwrap();
    let s = series(&doc);
    assert_eq!(s.len(), 2);
    let first = |out: &str, unit: &str, hw: &str| {
        solve(
            "roofline",
            &[
                ("model", "ResNet50"),
                ("hardware", hw),
                ("precision", "fp16"),
            ],
            out,
            unit,
        )
    };
    let pts: Vec<Node> = s[0]
        .1
        .children()
        .filter(|n| has_class(n, "point"))
        .collect();
    let want = first("peak_flops_actual", "TFLOP/s", "B200")
        / first("peak_flops_actual", "TFLOP/s", "P100");
    assert!((f(&pts[4], "data-y") - want).abs() < 1e-9 * want);

    let fig = draw_attrs(&book_chart("fig-throughput-batch"));
    let doc = Document::parse(&fig.svg).unwrap();
    assert!(
        groups(&doc, "series")
            .iter()
            .all(|g| g.descendants().all(|n| !n.has_tag_name("polyline"))),
        "a scatter has no lines"
    );
    assert_eq!(groups(&doc, "point").len(), 18);

    let fig = draw_attrs(&book_chart("fig-s-curve"));
    let doc = Document::parse(&fig.svg).unwrap();
    let p = Plot::of(&doc);
    let limit = doc
        .descendants()
        .find(|n| n.has_tag_name("line") && has_class(n, "limit"))
        .unwrap();
    assert!((f(&limit, "y1") - p.px(2010.0, 50.0).1).abs() <= 1.5);
    assert!(doc.descendants().any(|t| t.text() == Some("half adopted")));
}

#[test]
fn errors_name_the_attribute() {
    let attr_of = |attrs: &str| -> (String, String) {
        let e = draw_src(attrs).map(|_| ()).expect_err(attrs);
        (e.attr.unwrap_or_default(), e.message)
    };
    let base = r#"id="f" caption="c" alt="a""#;
    // An output the solver does not have.
    let (a, m) = attr_of(&format!(
        r#"figure="line" {base} solve="serving" model="Llama3_8B" hardware="H100" vary="seq_len=512,1024" y="ttfb:ms""#
    ));
    assert_eq!(a, "y");
    assert!(m.contains("did you mean `ttft`"), "{m}");
    // A sweep with one point.
    let (a, _) = attr_of(&format!(
        r#"figure="line" {base} solve="serving" model="Llama3_8B" hardware="H100" vary="seq_len=512" y="ttft:ms""#
    ));
    assert_eq!(a, "vary");
    let (a, _) = attr_of(&format!(r#"figure="line" {base} x="p=1,1" y="p""#));
    assert_eq!(a, "x");
    let (a, _) = attr_of(&format!(r#"figure="line" {base} x="p=5" y="p""#));
    assert_eq!(a, "x");
    // A log axis over zero or negative values.
    let (a, m) = attr_of(&format!(
        r#"figure="line" {base} x="p=0..1" y="p - 0.5" y-scale="log""#
    ));
    assert_eq!(a, "y-scale");
    assert!(m.contains("log axis"), "{m}");
    let (a, _) = attr_of(&format!(
        r#"figure="line" {base} x="p=0..1" x-scale="log" y="p""#
    ));
    assert_eq!(a, "x");
    // More series than the theme has colours.
    let (a, m) = attr_of(&format!(
        r#"figure="line" {base} x="p=0..1" y="p * G" series="G=1,2,3,4,5,6,7,8,9""#
    ));
    assert_eq!(a, "series");
    assert!(m.contains("colours"), "{m}");
    // A unit that does not fit, an unknown variable, an unknown solver or input, a bad key.
    let (a, _) = attr_of(&format!(
        r#"figure="line" {base} solve="serving" model="Llama3_8B" hardware="H100" vary="seq_len=512,1024" y="ttft:GB""#
    ));
    assert_eq!(a, "y");
    let (a, m) = attr_of(&format!(r#"figure="line" {base} x="p=0..1" y="q""#));
    assert_eq!(a, "y");
    assert!(m.contains("`q`"), "{m}");
    let (a, _) = attr_of(&format!(
        r#"figure="bar" {base} solve="servin" vary="seq_len=512,1024" y="ttft:ms""#
    ));
    assert_eq!(a, "solve");
    let (a, _) = attr_of(&format!(
        r#"figure="bar" {base} solve="serving" model="Llama3_8B" hardware="H100" colour="red" vary="seq_len=512,1024" y="ttft:ms""#
    ));
    assert_eq!(a, "colour");
    let (a, _) = attr_of(&format!(
        r#"figure="bar" {base} solve="serving" model="Llama3_8B" hardware="H100, X200" vary="seq_len=512,1024" y="ttft:ms""#
    ));
    assert_eq!(a, "hardware");
    let (a, _) = attr_of(&format!(
        r#"figure="line" {base} x="p=0..1" y="p" stacked="true""#
    ));
    assert_eq!(a, "stacked");
    let (a, _) = attr_of(&format!(
        r#"figure="line" {base} x="p=0..1" y="p" colour="red""#
    ));
    assert_eq!(a, "colour");
    let (a, _) = attr_of(&format!(
        r#"figure="line" {base} x="p=0..1" y="p" mark="z=1""#
    ));
    assert_eq!(a, "mark");
}

#[test]
fn a_theme_restyles_and_the_slides_preset_reads_at_18_pt() {
    let (mine, slides) = Theme::load(Some(
        "series = [\"#111111\", \"#222222\", \"#333333\", \"#444444\"]\ntick_size = 15\n",
    ))
    .unwrap();
    let mut req = parse_request(&book_chart("fig-amdahl")).unwrap();
    req.theme = std::sync::Arc::new(mine);
    let fig = render_svg(reg(), &req).unwrap();
    let doc = Document::parse(&fig.svg).unwrap();
    let colours: Vec<&str> = groups(&doc, "series")
        .iter()
        .map(|g| g.attribute("data-color").unwrap())
        .collect();
    assert_eq!(colours, ["#111111", "#222222", "#333333", "#444444"]);
    assert!(fig.svg.contains("font-size=\"15\""));
    // Slides: every text, at the size the Beamer template shows the figure, reads ≥ 18 pt projected.
    for id in IDS {
        let mut req = parse_request(&book_chart(id)).unwrap();
        req.theme = std::sync::Arc::new(slides.clone());
        let fig = render_svg(reg(), &req).unwrap();
        let doc = Document::parse(&fig.svg).unwrap();
        let (w, h) = fig.size();
        let scale = (171.0 / h).min(307.0 / w) * 254.0 / 128.0;
        for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
            let size = f(&t, "font-size");
            assert!(
                size * scale >= 18.0,
                "{id}: {size} px reads {} pt",
                size * scale
            );
        }
    }
}

mod common;

fn smallest_font(svg: &str) -> f64 {
    let doc = Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|t| f(&t, "font-size"))
        .fold(f64::INFINITY, f64::min)
}

/// The course's `figures/` folder regenerates with the slides preset of its `mlsysim.toml`;
/// `--preset default` overrides it; a book's `figure-theme.toml` restyles its charts.
#[test]
fn slide_figures_folder_presets_and_book_themes() {
    let tmp = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("charts-presets");
    let _ = std::fs::remove_dir_all(&tmp);
    let out = tmp.join("slides");
    let (code, stdout, stderr) = common::run(&[
        "figures",
        "figures",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "svg,pdf",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("6 figures"), "{stdout}");
    // The TOML figure files are drawn like the directive files.
    for id in ["slide-roofline-h100", "slide-doorbell"] {
        assert!(out.join(format!("figures/{id}.pdf")).is_file(), "{id}");
    }
    let slides = Theme::slides_arc();
    for id in [
        "slide-amdahl",
        "slide-ttft-context",
        "slide-carbon-region",
        "slide-training-memory",
    ] {
        let svg = std::fs::read_to_string(out.join(format!("figures/{id}.svg"))).unwrap();
        assert!(smallest_font(&svg) >= slides.smallest_text(), "{id}");
        assert!(out.join(format!("figures/{id}.pdf")).is_file());
    }
    let plain = tmp.join("plain");
    let (code, _, stderr) = common::run(&[
        "figures",
        "figures",
        "--out",
        plain.to_str().unwrap(),
        "--preset",
        "default",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let svg = std::fs::read_to_string(plain.join("figures/slide-amdahl.svg")).unwrap();
    assert!(smallest_font(&svg) < slides.smallest_text());

    // A book with its own theme in its templates folder.
    let book = tmp.join("book");
    std::fs::create_dir_all(book.join("t")).unwrap();
    std::fs::write(book.join("mlsysim.toml"), "templates = \"t\"\n").unwrap();
    std::fs::write(
        book.join("t/figure-theme.toml"),
        "series = [\"#101010\", \"#202020\", \"#303030\", \"#404040\"]\n",
    )
    .unwrap();
    std::fs::copy("figures/amdahl.md", book.join("ch.md")).unwrap();
    let (code, _, stderr) = common::run(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        tmp.join("b").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let svg = std::fs::read_to_string(tmp.join("b/figures/slide-amdahl.svg")).unwrap();
    assert!(
        svg.contains("data-color=\"#404040\""),
        "the book's theme is not used"
    );
    // A bad theme is an error naming the file and the key.
    std::fs::write(book.join("t/figure-theme.toml"), "tick_size = 0\n").unwrap();
    let (code, _, stderr) = common::run(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        tmp.join("c").to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("figure-theme.toml") && stderr.contains("tick_size"),
        "{stderr}"
    );
}

/// `build --preset slides` draws the book's figures for projection, like `[figures] preset` in
/// `mlsysim.toml`; `--preset default` wins over the book's setting.
#[test]
fn build_takes_the_slides_preset_from_the_command_line() {
    let tmp = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("charts-build-preset");
    let _ = std::fs::remove_dir_all(&tmp);
    let book = tmp.join("book");
    std::fs::create_dir_all(&book).unwrap();
    std::fs::copy("figures/amdahl.md", book.join("ch.md")).unwrap();
    let slides = Theme::slides_arc();
    let build = |extra: &[&str], out: &str| -> f64 {
        let out = tmp.join(out);
        let mut args = vec![
            "build",
            book.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        let (code, _, stderr) = common::run(&args);
        assert_eq!(code, 0, "{stderr}");
        smallest_font(&std::fs::read_to_string(out.join("figures/slide-amdahl.svg")).unwrap())
    };
    assert!(build(&[], "plain") < slides.smallest_text());
    assert!(build(&["--preset", "slides"], "slides") >= slides.smallest_text());
    std::fs::write(
        book.join("mlsysim.toml"),
        "[figures]\npreset = \"slides\"\n",
    )
    .unwrap();
    assert!(build(&[], "config") >= slides.smallest_text());
    assert!(build(&["--preset", "default"], "override") < slides.smallest_text());
    let (code, _, stderr) = common::run(&[
        "build",
        book.to_str().unwrap(),
        "--out",
        tmp.join("bad").to_str().unwrap(),
        "--preset",
        "huge",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("slides"), "{stderr}");
}

/// The slides preset draws differently but prints the same values: `book-snippets`, locked with
/// the default preset, builds with `--preset slides` with no drift (a roofline that grouped its
/// labels differently on a slide recorded `713.0` for `713.0 FLOP/byte`).
#[test]
fn a_locked_book_builds_with_the_slides_preset() {
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("charts-locked-slides");
    let _ = std::fs::remove_dir_all(&out);
    let (code, _, stderr) = common::run(&[
        "build",
        "book-snippets",
        "--preset",
        "slides",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("changed"), "{stderr}");
}

/// A figure file in TOML: keys are the directive's attributes (lists for listed values); a bad
/// value is reported at its line and column in the `.toml` file, and nothing is written.
#[test]
fn toml_figure_files_draw_and_report_errors_at_their_keys() {
    let tmp = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("charts-toml-figures");
    let _ = std::fs::remove_dir_all(&tmp);
    let book = tmp.join("slides");
    std::fs::create_dir_all(&book).unwrap();
    std::fs::write(
        book.join("gen.toml"),
        "figure = \"roofline\"\nid = \"gen\"\nhardware = [\"A100\", \"H100\"]\nefficiency = 0.5\ncaption = \"c\"\nalt = \"a\"\n",
    )
    .unwrap();
    std::fs::write(book.join("notes.toml"), "title = \"not a figure\"\n").unwrap();
    let out = tmp.join("out");
    let (code, stdout, stderr) = common::run(&[
        "figures",
        book.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("1 figures"), "{stdout}");
    let svg = std::fs::read_to_string(out.join("figures/gen.svg")).unwrap();
    assert!(svg.contains("data-hardware=\"A100\"") && svg.contains("η = 0.5"));
    // A bad value: located at its key's value; nothing written.
    std::fs::write(
        book.join("gen.toml"),
        "figure = \"roofline\"\nid = \"gen2\"\nhardware = \"H100\"\nefficiency = 1.5\ncaption = \"c\"\nalt = \"a\"\n",
    )
    .unwrap();
    std::fs::write(
        book.join("bad.toml"),
        "figure = \"line\"\nid = \"b\nalt = 1\n",
    )
    .unwrap();
    let out2 = tmp.join("out2");
    let (code, _, stderr) = common::run(&[
        "figures",
        book.to_str().unwrap(),
        "--out",
        out2.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("gen.toml:4:14"), "{stderr}");
    assert!(stderr.contains("efficiency"), "{stderr}");
    assert!(stderr.contains("bad.toml:2"), "{stderr}");
    assert!(!out2.join("figures").exists());
}
