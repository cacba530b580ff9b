//! Figures: every kind's SVG pinned by a snapshot; each SVG parsed as XML and its ridge points,
//! ridge labels, workload points and scorecard bars checked against the solvers; PDF and PNG
//! output; the `figures` command, `build` with figures, and figure errors at their locations.

use mlsysim_book::base::units::{parse_unit, Value};
use mlsysim_book::calc::catalog;
use mlsysim_book::calc::formulas::performance::{ridge_point, Bottleneck};
use mlsysim_book::calc::params::{Out, Param, Params, Precision};
use mlsysim_book::calc::solvers::roofline::{self, RooflineOptions};
use mlsysim_book::present::figure::{parse_request, render_svg, Figure};
use mlsysim_book::present::format::{format_number, format_value, FormatSpec, Style, Target};
use mlsysim_book::registry::{load::embedded, Registry};
use mlsysim_book::syntax::{scan, SourceKind};
use roxmltree::{Document, Node};
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::run;
use std::sync::OnceLock;

fn reg() -> &'static Registry {
    static REG: OnceLock<Registry> = OnceLock::new();
    REG.get_or_init(|| embedded().expect("registry loads"))
}

/// Draws the figure of one directive, written as in a book (`figure="roofline" id=...`).
fn draw(attrs: &str) -> Figure {
    let src = format!("<mlsysim {attrs}/>");
    let scanned = scan(&src, SourceKind::Markdown);
    assert!(scanned.errors.is_empty(), "{:?}", scanned.errors);
    let req = parse_request(&scanned.directives[0].attr_pairs()).expect("request parses");
    render_svg(reg(), &req).expect("figure draws")
}

const H100: &str = r#"figure="roofline" id="fig-h100" hardware="H100" workloads="ResNet50@1, Llama3_8B@1, Llama3_8B@64" caption="c" alt="Roofline of the H100""#;
const GENERATIONS: &str = r#"figure="roofline" id="fig-gen" hardware="A100, H100, B200" workloads="ResNet50@1, Llama3_8B@64" caption="c" alt="Three rooflines""#;
const DERATED: &str = r#"figure="roofline" id="fig-eta" hardware="H100" efficiency="0.5" workloads="ResNet50@1, ResNet50@8, ResNet50@32, ResNet50@256" caption="c" alt="Derated roofline""#;
const FP8: &str = r#"figure="roofline" id="fig-fp8" hardware="A100, H100" precision="fp8" workloads="Llama3_70B@1, Llama3_8B@128" caption="c" alt="FP8 rooflines""#;
const DOORBELL: &str = r#"figure="scorecard" id="fig-bell" scenario="SmartDoorbell" caption="c" alt="Doorbell scorecard""#;
const KWS: &str =
    r#"figure="scorecard" id="fig-kws" scenario="KeywordSpotting" caption="c" alt="KWS scorecard""#;
const CHATBOT: &str = r#"figure="scorecard" id="fig-chat" scenario="ChatbotServing" caption="c" alt="Chatbot scorecard""#;
const FRONTIER: &str = r#"figure="scorecard" id="fig-frontier" scenario="FrontierTraining" caption="c" alt="Frontier scorecard""#;

const ROOFLINES: [&str; 4] = [H100, GENERATIONS, DERATED, FP8];
const SCORECARDS: [&str; 4] = [DOORBELL, KWS, CHATBOT, FRONTIER];

#[test]
fn each_figure_svg_is_pinned() {
    for (name, attrs) in [
        ("roofline_h100", H100),
        ("roofline_generations", GENERATIONS),
        ("roofline_derated", DERATED),
        ("roofline_fp8_fallback", FP8),
        ("scorecard_doorbell", DOORBELL),
        ("scorecard_keyword_spotting", KWS),
        ("scorecard_chatbot", CHATBOT),
        ("scorecard_frontier", FRONTIER),
    ] {
        insta::assert_snapshot!(name, draw(attrs).svg);
    }
}

#[test]
fn figures_are_deterministic_well_formed_and_accessible() {
    for attrs in ROOFLINES.iter().chain(&SCORECARDS) {
        let a = draw(attrs);
        let b = draw(attrs);
        assert_eq!(a.svg, b.svg, "{attrs}");
        let doc = Document::parse(&a.svg).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert!(root.attribute("viewBox").is_some());
        let desc = root
            .children()
            .find(|n| n.has_tag_name("desc"))
            .and_then(|n| n.text());
        let title = root
            .children()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text());
        assert!(desc.is_some_and(|d| d.ends_with("scorecard") || d.contains("ooflin")));
        assert!(title.is_some_and(|t| !t.is_empty()));
        // Every text lies inside the canvas (nothing clipped at the edges).
        let (w, h) = a.size();
        for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
            let x: f64 = t.attribute("x").unwrap().parse().unwrap();
            let y: f64 = t.attribute("y").unwrap().parse().unwrap();
            assert!(x >= 0.0 && x <= w && y >= 0.0 && y <= h, "{attrs}: {t:?}");
        }
        // The outlined copy (PDF/PNG input) has no text left and parses too.
        let outlined = a.outlined_svg();
        assert!(!outlined.contains("<text"));
        Document::parse(&outlined).expect("outlined SVG is well-formed");
    }
}

fn has_class(n: &Node, class: &str) -> bool {
    n.attribute("class")
        .is_some_and(|c| c.split(' ').any(|x| x == class))
}

fn elements<'a>(doc: &'a Document, tag: &str, class: &str) -> Vec<Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && has_class(n, class))
        .collect()
}

fn num(n: &Node, attr: &str) -> f64 {
    n.attribute(attr)
        .unwrap_or_else(|| panic!("{n:?} has no {attr}"))
        .parse()
        .unwrap()
}

/// An axis from the plot group's declared box and domain: pixel = p0 + (t(v) − t(lo)) / (t(hi) −
/// t(lo)) · (p1 − p0), t = log10 on a log axis (plotters maps onto its last pixel, a quarter
/// pixel short of the box).
struct Axis {
    lo: f64,
    hi: f64,
    p0: f64,
    p1: f64,
    log: bool,
}

impl Axis {
    /// The x and y axes of the figure's plot group.
    fn of(doc: &Document) -> (Axis, Axis) {
        let g = doc
            .descendants()
            .find(|n| n.has_tag_name("g") && has_class(n, "plot"))
            .expect("a plot group");
        let nums = |a: &str| -> Vec<f64> {
            g.attribute(a)
                .unwrap_or_else(|| panic!("plot has no {a}"))
                .split(' ')
                .map(|s| s.parse().unwrap())
                .collect()
        };
        let b = nums("data-plot");
        let xd = nums("data-x-domain");
        let yd = g.attribute("data-y-domain").map(|_| nums("data-y-domain"));
        let x = Axis {
            lo: xd[0],
            hi: xd[1],
            p0: b[0],
            p1: b[2] - 0.25,
            log: g.attribute("data-x-scale") == Some("log"),
        };
        let y = match yd {
            Some(yd) => Axis {
                lo: yd[0],
                hi: yd[1],
                p0: b[3] - 0.25,
                p1: b[1],
                log: g.attribute("data-y-scale") == Some("log"),
            },
            None => Axis {
                lo: 0.0,
                hi: 1.0,
                p0: b[3],
                p1: b[1],
                log: false,
            },
        };
        (x, y)
    }

    fn px(&self, v: f64) -> f64 {
        let t = |v: f64| if self.log { v.log10() } else { v };
        self.p0 + (t(v) - t(self.lo)) / (t(self.hi) - t(self.lo)) * (self.p1 - self.p0)
    }
}

/// The group of class `class` (whose `data-hardware` is `key`, when given).
fn group_of<'a>(doc: &'a Document, class: &str, key: Option<&str>) -> Option<Node<'a, 'a>> {
    doc.descendants().find(|n| {
        n.has_tag_name("g")
            && has_class(n, class)
            && key.is_none_or(|k| n.attribute("data-hardware") == Some(k))
    })
}

/// Centre and radius of the last circle in a group (a marker drawn over its outline).
fn circle_in(g: &Node) -> (f64, f64, f64) {
    let c = g
        .descendants()
        .rfind(|n| n.has_tag_name("circle"))
        .expect("a circle");
    (num(&c, "cx"), num(&c, "cy"), num(&c, "r"))
}

fn attr_of<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("{name}=\"");
    let start = attrs.find(&key)? + key.len();
    Some(&attrs[start..start + attrs[start..].find('"')?])
}

fn texts(nodes: &[Node]) -> String {
    nodes
        .iter()
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" | ")
}

fn bound_text(b: Bottleneck) -> &'static str {
    match b {
        Bottleneck::Memory => "memory-bound",
        Bottleneck::Compute => "compute-bound",
    }
}

#[test]
fn roofline_positions_and_labels_match_the_solvers() {
    for attrs in ROOFLINES {
        let fig = draw(attrs);
        let doc = Document::parse(&fig.svg).unwrap();
        let precision =
            attr_of(attrs, "precision").map_or(Precision::Fp16, |p| Precision::parse(p).unwrap());
        let eta: f64 = attr_of(attrs, "efficiency").map_or(1.0, |e| e.parse().unwrap());
        let (x, y) = Axis::of(&doc);
        let plot = doc.descendants().find(|n| has_class(n, "plot")).unwrap();
        let unit = parse_unit(plot.attribute("data-y-unit").unwrap())
            .unwrap()
            .factor;
        let keys: Vec<&str> = attr_of(attrs, "hardware")
            .unwrap()
            .split(',')
            .map(str::trim)
            .collect();
        let single = keys.len() == 1;

        // Ridge points: position and label.
        for key in &keys {
            let hw = reg().hardware(key).unwrap();
            let ridge = ridge_point(hw, Some(precision)).value * eta;
            let mut lin = mlsysim_book::calc::params::Lineage::default();
            let (peak, _) = roofline::precision_peak(hw, precision, &mut lin);
            let ceiling = peak.value * eta;
            let diamond = group_of(&doc, "ridge-point", Some(key))
                .and_then(|g| g.descendants().find(|n| n.has_tag_name("polygon")))
                .unwrap_or_else(|| panic!("{attrs}: no ridge point for {key}"));
            let pts: Vec<f64> = diamond
                .attribute("points")
                .unwrap()
                .split([' ', ','])
                .map(|s| s.parse().unwrap())
                .collect();
            let (cx, cy) = (pts[0], pts[3]);
            assert!((cx - x.px(ridge)).abs() < 0.3, "{attrs}: {key} ridge x");
            assert!(
                (cy - y.px(ceiling / unit)).abs() < 0.3,
                "{attrs}: {key} ridge y"
            );
            let label = texts(
                &elements(&doc, "text", "ridge-label")
                    .into_iter()
                    .filter(|n| n.attribute("data-hardware") == Some(key))
                    .collect::<Vec<_>>(),
            );
            let spec = FormatSpec {
                unit: single.then(|| "FLOP/byte".to_string()),
                digits: Some(1),
                ..FormatSpec::default()
            };
            let want = if single {
                format_value(
                    Value::new(ridge, mlsysim_book::base::units::Dim::ARITHMETIC_INTENSITY),
                    &spec,
                    Target::Text,
                )
                .unwrap()
            } else {
                format_number(ridge, &spec, Target::Text).unwrap()
            };
            assert!(
                label.contains(&want),
                "{attrs}: {key} ridge label `{label}` lacks {want}"
            );
        }
        if attrs == H100 {
            let label = texts(&elements(&doc, "text", "ridge-label"));
            assert!(label.contains("295.2 FLOP/byte"), "{label}");
        }

        // Workloads: each point where the roofline solver puts it, with its bottleneck.
        let mut checked = 0;
        for g in doc
            .descendants()
            .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("workload"))
        {
            let id = g.attribute("data-workload").unwrap();
            let (model, batch) = id.split_once('@').unwrap();
            let model = reg().model(model).unwrap();
            for c in g.children().filter(|n| has_class(n, "workload-point")) {
                let hw = reg()
                    .hardware(c.attribute("data-hardware").unwrap())
                    .unwrap();
                let opts = RooflineOptions {
                    batch_size: batch.parse().unwrap(),
                    precision,
                    efficiency: Some(eta),
                    ..RooflineOptions::default()
                };
                let r = roofline::solve(model, hw, &reg().calibration, &opts).unwrap();
                let ai = r.arithmetic_intensity.value;
                let perf = (ai * r.peak_bw_actual.value).min(r.peak_flops_actual.value);
                let (cx, cy, _) = circle_in(&c);
                assert!((cx - x.px(ai)).abs() < 0.3, "{attrs}: {id} x");
                assert!((cy - y.px(perf / unit)).abs() < 0.3, "{attrs}: {id} y");
                assert_eq!(c.attribute("data-bound"), Some(bound_text(r.bottleneck)));
                let label = texts(
                    &elements(&doc, "text", "workload-label")
                        .into_iter()
                        .filter(|n| {
                            n.attribute("data-workload")
                                .is_some_and(|w| w.split(' ').any(|x| x == id))
                        })
                        .collect::<Vec<_>>(),
                );
                let digits = FormatSpec {
                    digits: Some(1),
                    ..FormatSpec::default()
                };
                let want = format_number(ai, &digits, Target::Text).unwrap();
                assert!(
                    label.contains(&want),
                    "{attrs}: {id} label `{label}` lacks {want}"
                );
                assert!(label.contains(bound_text(r.bottleneck)), "{attrs}: {label}");
                checked += 1;
            }
        }
        let workloads = attr_of(attrs, "workloads").unwrap().split(',').count();
        assert_eq!(checked, workloads * keys.len(), "{attrs}");
    }
}

fn scenario(key: &str) -> mlsysim_book::calc::params::SolveOutput {
    let mut p = Params::new();
    p.insert("scenario".into(), Param::Text(key.into()));
    catalog::run(reg(), "scenario", &p).unwrap()
}

fn out_si(o: &mlsysim_book::calc::params::SolveOutput, name: &str) -> Option<f64> {
    match o.get(name) {
        Some(Out::Value(v)) => Some(v.si),
        _ => None,
    }
}

fn out_label(o: &mlsysim_book::calc::params::SolveOutput, name: &str) -> String {
    match o.get(name) {
        Some(Out::Label(s)) => s.clone(),
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn scorecard_bars_and_statuses_match_the_scenario_solver() {
    for attrs in SCORECARDS {
        let key = attr_of(attrs, "scenario").unwrap();
        let out = scenario(key);
        let fig = draw(attrs);
        let doc = Document::parse(&fig.svg).unwrap();
        // The linear ratio axis the plot group declares; its 0% and 100% tick labels sit there.
        let (axis, _) = Axis::of(&doc);
        let max = axis.hi;
        let (x0, x100) = (axis.px(0.0), axis.px(1.0));
        let mesh = group_of(&doc, "mesh", None).unwrap();
        for (label, at) in [("0%", x0), ("100%", x100)] {
            let t = mesh
                .descendants()
                .find(|n| n.has_tag_name("text") && n.text() == Some(label))
                .unwrap_or_else(|| panic!("{attrs}: no {label} tick label"));
            assert!((num(&t, "x") - at).abs() < 0.5, "{attrs}: {label} tick");
        }
        let limit = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("limit"))
            .unwrap();
        assert!(
            (num(&limit, "data-x") - x100).abs() < 0.3,
            "{attrs}: limit line"
        );
        let weight = out_si(&out, "weight_size").unwrap();
        let capacity = out_si(&out, "capacity").unwrap();
        let latency = out_si(&out, "latency").unwrap();
        let rows = [
            (
                "memory",
                Some(weight / capacity),
                out_label(&out, "feasibility_status"),
            ),
            (
                "latency",
                out_si(&out, "sla_latency").map(|s| latency / s),
                out_label(&out, "performance_status"),
            ),
            (
                "power",
                out_si(&out, "power_ratio"),
                out_label(&out, "power_status"),
            ),
        ];
        for (row, ratio, status) in rows {
            let g = doc
                .descendants()
                .find(|n| n.attribute("class") == Some(&format!("row {row}")))
                .unwrap();
            assert_eq!(g.attribute("data-status"), Some(status.as_str()), "{attrs}");
            let shown = doc
                .descendants()
                .find(|n| has_class(n, "status") && n.attribute("data-row") == Some(row))
                .and_then(|n| n.text());
            assert_eq!(shown, Some(status.as_str()), "{attrs}: {row} status");
            let bar = g
                .children()
                .find(|n| has_class(n, "bar"))
                .and_then(|b| b.descendants().find(|n| n.has_tag_name("rect")));
            let label = doc
                .descendants()
                .find(|n| has_class(n, "bar-label") && n.attribute("data-row") == Some(row));
            match ratio {
                Some(r) => {
                    let bar = bar.unwrap_or_else(|| panic!("{attrs}: no {row} bar"));
                    let end = num(&bar, "x") + num(&bar, "width");
                    let want = x0 + r.min(max) * (x100 - x0);
                    assert!(
                        (end - want).abs() < 0.3,
                        "{attrs}: {row} bar ends at {end}, not {want}"
                    );
                    let fill = bar.attribute("fill").unwrap();
                    let fail = &mlsysim_book::present::figure::theme::Theme::default_arc().fail;
                    assert_eq!(
                        fill.eq_ignore_ascii_case(fail),
                        r > 1.0,
                        "{attrs}: {row} colour"
                    );
                    let style = if r < 10.0 {
                        Style::Percent
                    } else {
                        Style::Multiple
                    };
                    let spec = FormatSpec {
                        style,
                        ..FormatSpec::default()
                    };
                    let want = format_number(r, &spec, Target::Text).unwrap();
                    assert_eq!(
                        label.and_then(|n| n.text()),
                        Some(want.as_str()),
                        "{attrs}: {row}"
                    );
                }
                None => {
                    assert!(
                        bar.is_none() && label.is_none(),
                        "{attrs}: {row} has no ratio"
                    );
                    let note = doc
                        .descendants()
                        .find(|n| has_class(n, "bar-note") && n.attribute("data-row") == Some(row))
                        .and_then(|n| n.text())
                        .unwrap();
                    assert!(note.contains("nothing to check"), "{note}");
                }
            }
        }
    }
    // The lighthouse example: memory 11.9%, latency 50.5%, power 400% (FAIL) but mlsysim says valid.
    let svg = draw(DOORBELL).svg;
    for s in [
        ">11.9%<",
        ">50.5%<",
        ">400%<",
        ">FAIL<",
        ">VALID<",
        "0.5 MB of 4.19 MB",
    ] {
        assert!(svg.contains(s), "doorbell lacks {s}");
    }
}

#[test]
fn drawn_values_carry_their_lineage() {
    let fig = draw(H100);
    let ridge = fig
        .values
        .iter()
        .find(|v| v.name == "H100.ridge_point")
        .unwrap();
    assert_eq!(ridge.printed, "295.2 FLOP/byte");
    let paths: Vec<String> = ridge
        .lineage
        .leaves
        .iter()
        .map(|l| reg().leaf(*l).path())
        .collect();
    assert_eq!(
        paths,
        [
            "hardware.H100.compute.peak_flops",
            "hardware.H100.memory.bandwidth"
        ]
    );
    let bell = draw(DOORBELL);
    let mem = bell
        .values
        .iter()
        .find(|v| v.name == "memory_ratio")
        .unwrap();
    assert_eq!(mem.printed, "11.9%");
    let paths: Vec<String> = mem
        .lineage
        .leaves
        .iter()
        .map(|l| reg().leaf(*l).path())
        .collect();
    assert!(
        paths
            .iter()
            .any(|p| p == "hardware.ESP32_S3.memory.capacity"),
        "{paths:?}"
    );
    assert!(!paths.iter().any(|p| p.contains("price")), "{paths:?}");
    // A precision the device does not list falls back to its dense peak, with a warning.
    let fp8 = draw(FP8);
    assert!(fp8
        .warnings
        .iter()
        .any(|w| w.contains("fig-fp8") && w.contains("NVIDIA A100")));
}

#[cfg(feature = "convert")]
#[test]
fn pdf_and_png_are_converted_deterministically() {
    use mlsysim_book::present::figure::convert::{encode, FigFormat};
    for attrs in [H100, DOORBELL] {
        let fig = draw(attrs);
        let pdf = encode(&fig, FigFormat::Pdf).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(pdf, encode(&fig, FigFormat::Pdf).unwrap());
        let png = encode(&fig, FigFormat::Png).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        let (w, h) = fig.size();
        assert_eq!((f64::from(width), f64::from(height)), (w * 2.0, h * 2.0));
        assert_eq!(png, encode(&fig, FigFormat::Png).unwrap());
    }
}

// ---- the binary: `figures`, `build`, errors ----

fn scratch(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("figures-{name}"));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[cfg(feature = "convert")]
#[test]
fn figures_command_writes_every_figure_of_the_book() {
    let out = scratch("cmd");
    let (code, stdout, stderr) = run(&[
        "figures",
        "book-snippets",
        "--out",
        s(&out),
        "--format",
        "svg,pdf,png",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("figures book-snippets → "), "{stdout}");
    assert!(
        stdout.contains(": 15 figures from ")
            && stdout.contains(" source files, 45 files (pdf, png, svg)"),
        "{stdout}"
    );
    for id in [
        "fig-hw-generations",
        "fig-hw-resnet-roofline",
        "fig-edge-doorbell",
        "fig-slides-h100",
        "fig-slides-doorbell",
    ] {
        let svg = std::fs::read_to_string(out.join(format!("figures/{id}.svg"))).unwrap();
        Document::parse(&svg).unwrap();
        assert!(std::fs::read(out.join(format!("figures/{id}.pdf")))
            .unwrap()
            .starts_with(b"%PDF-"));
        assert!(std::fs::read(out.join(format!("figures/{id}.png")))
            .unwrap()
            .starts_with(b"\x89PNG"));
    }
    // Only figures are written: the text is not built.
    assert!(!out.join("01-hardware-acceleration.qmd").exists());
    // The same SVG as the build writes.
    let built = scratch("cmd-build");
    let (code, _, err) = run(&["build", "book-snippets", "--out", s(&built)]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(built.join("figures/fig-hw-generations.svg")).unwrap(),
        std::fs::read(out.join("figures/fig-hw-generations.svg")).unwrap()
    );
    assert!(built.join("figures/fig-slides-h100.pdf").is_file());
    // JSON summary, and `--formats` (the flag `--format svg,...` is read as).
    let (code, stdout, err) = run(&[
        "--format",
        "json",
        "figures",
        "book-snippets",
        "--out",
        s(&out),
        "--formats",
        "svg",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["figures"], 15);
    assert_eq!(v["files"].as_array().unwrap().len(), 15);
    let (code, _, err) = run(&[
        "figures",
        "book-snippets",
        "--out",
        s(&out),
        "--format",
        "gif",
    ]);
    assert_eq!(code, 2, "{err}");
}

/// Writes a one-file book and returns its folder.
fn book(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = scratch(name);
    let book = dir.join("book");
    for (rel, text) in files {
        let p = book.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    book
}

#[test]
fn figure_errors_are_located_and_nothing_is_written() {
    let text = [
        r#"<mlsysim figure="roofline" id="../evil" hardware="H100" caption="c" alt="a"/>"#,
        r#"<mlsysim figure="roofline" id="bad-hw" hardware="H100, H1000" caption="c" alt="a"/>"#,
        r#"<mlsysim figure="roofline" id="bad-model" hardware="H100" workloads="ResNet5@1" caption="c" alt="a"/>"#,
        r#"<mlsysim figure="scorecard" id="bad-scenario" scenario="SmartDorbell" caption="c" alt="a"/>"#,
        r#"<mlsysim figure="roofline" id="no-caption" hardware="H100" alt="a"/>"#,
        r#"<mlsysim figure="scorecard" id="no-alt" scenario="SmartDoorbell" caption="c"/>"#,
        r#"<mlsysim figure="pie" id="kind" caption="c" alt="a"/>"#,
        r#"<mlsysim figure="roofline" id="same" hardware="H100" caption="c" alt="a"/>"#,
        r#"<mlsysim figure="roofline" id="same" hardware="A100" caption="c" alt="a"/>"#,
        r#"<mlsysim figure="roofline" id="extra" hardware="H100" scenario="X" caption="c" alt="a"/>"#,
        "",
    ]
    .join("\n\n");
    let b = book("errors", &[("ch.md", &text)]);
    let f = s(&b);
    let expected = [
        (1, 32, "`id`: `../evil` is not a valid figure id"),
        (
            3,
            50,
            "`hardware`: unknown hardware key `H1000`; did you mean H100",
        ),
        (
            5,
            70,
            "`workloads`: unknown models key `ResNet5`; did you mean ResNet50",
        ),
        (
            7,
            57,
            "`scenario`: unknown scenarios key `SmartDorbell`; did you mean SmartDoorbell",
        ),
        (9, 1, "`caption`: is required"),
        (11, 1, "`alt`: is required"),
        (
            13,
            18,
            "`figure`: unknown figure kind `pie`; did you mean `line`? kinds: roofline, scorecard, line, bar, scatter, heatmap",
        ),
        (17, 32, "figure id `same` is already used at "),
        (
            19,
            65,
            "`scenario`: unknown attribute `scenario` for a roofline figure",
        ),
    ];
    for cmd in ["figures", "build"] {
        let out = b.parent().unwrap().join(format!("out-{cmd}"));
        let (code, stdout, err) = run(&[cmd, f, "--out", s(&out)]);
        assert_eq!(code, 1, "{cmd}: {stdout}{err}");
        assert!(
            err.contains(&format!("{f}/ch.md:15:32; ids name files")),
            "{err}"
        );
        assert!(
            err.contains("failed with 9 error(s); nothing was written"),
            "{err}"
        );
        for (line, col, msg) in expected {
            let at = format!("{f}/ch.md:{line}:{col}: error: {msg}");
            assert!(err.contains(&at), "{cmd}: missing `{at}` in\n{err}");
        }
        assert!(!out.exists(), "{cmd} wrote output despite errors");
    }
}

#[test]
fn build_writes_svg_for_markdown_and_pdf_for_latex() {
    let b = book(
        "build",
        &[
            (
                "ch/one.qmd",
                "# One\n\n<mlsysim figure=\"roofline\" id=\"fig-one\" hardware=\"H100\" caption=\"The [H100] roof\" alt=\"Alt text\"/>\n",
            ),
            (
                "slides/deck.tex",
                "\\begin{frame}\n<mlsysim figure=\"scorecard\" id=\"fig_two\" scenario=\"SmartDoorbell\" caption=\"Power 400% & more\" alt=\"a\"/>\n\\end{frame}\n",
            ),
        ],
    );
    let out = b.parent().unwrap().join("out");
    let (code, _, err) = run(&["build", s(&b), "--out", s(&out)]);
    if cfg!(feature = "convert") {
        assert_eq!(code, 0, "{err}");
    } else {
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("`convert` feature"), "{err}");
        return;
    }
    let md = std::fs::read_to_string(out.join("ch/one.qmd")).unwrap();
    assert!(
        md.contains(
            "![The \\[H100\\] roof](../figures/fig-one.svg){#fig-one fig-alt=\"Alt text\" alt=\"Alt text\"}"
        ),
        "{md}"
    );
    let tex = std::fs::read_to_string(out.join("slides/deck.tex")).unwrap();
    assert!(tex.contains("{../figures/fig_two.pdf}"), "{tex}");
    assert!(tex.contains("\\caption{Power 400\\% \\& more}"), "{tex}");
    assert!(tex.contains("\\label{fig_two}"), "{tex}");
    assert!(out.join("figures/fig-one.svg").is_file());
    assert!(std::fs::read(out.join("figures/fig_two.pdf"))
        .unwrap()
        .starts_with(b"%PDF-"));
    assert!(!out.join("figures/fig_two.svg").exists());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("mlsysim-manifest.json")).unwrap()).unwrap();
    let figure_values: Vec<&serde_json::Value> = manifest["values"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["kind"] == "figure")
        .collect();
    assert!(figure_values
        .iter()
        .any(|v| v["cell"] == "H100.ridge_point" && v["printed"] == "295.2 FLOP/byte"));
    assert!(figure_values
        .iter()
        .any(|v| v["cell"] == "power_ratio" && v["printed"] == "400%"));
    // `check` evaluates figures too (without converting), and a figure inside math is an error.
    let (code, _, err) = run(&["check", s(&b)]);
    assert_eq!(code, 0, "{err}");
    let m = book(
        "math",
        &[("m.md", "$x = <mlsysim figure=\"roofline\" id=\"f\" hardware=\"H100\" caption=\"c\" alt=\"a\"/>$\n")],
    );
    let (code, _, err) = run(&["check", s(&m)]);
    assert_eq!(code, 1);
    assert!(
        err.contains("a figure cannot be placed inside math"),
        "{err}"
    );
}

/// `build --watch` writes figures with the text and redraws a figure when its directive changes.
#[cfg(feature = "watch")]
#[test]
fn watch_redraws_changed_figures() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    struct Killed(std::process::Child);
    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let wait_for = |path: &Path, pred: &dyn Fn(&str) -> bool| {
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(20) {
            if std::fs::read_to_string(path).is_ok_and(|s| pred(&s)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("{} never reached the expected content", path.display());
    };
    let b = book(
        "watch",
        &[(
            "a.md",
            "# A\n\n<mlsysim figure=\"roofline\" id=\"fig-a\" hardware=\"H100\" caption=\"c\" alt=\"a\"/>\n",
        )],
    );
    let out = b.parent().unwrap().join("out");
    let child = Command::new(env!("CARGO_BIN_EXE_mlsysim-book"))
        .args(["build", s(&b), "--out", s(&out), "--watch"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary runs");
    let _guard = Killed(child);
    let svg = out.join("figures/fig-a.svg");
    wait_for(&svg, &|s| {
        s.contains("NVIDIA H100") && s.ends_with("</svg>\n")
    });
    let src = b.join("a.md");
    let text = std::fs::read_to_string(&src).unwrap();
    std::fs::write(&src, text.replace("H100", "B200")).unwrap();
    wait_for(&svg, &|s| {
        s.contains("NVIDIA B200") && s.ends_with("</svg>\n")
    });
}

/// The box of one `<text>` (embedded metrics), with its halo.
fn text_box(t: &Node) -> (f64, f64, f64, f64) {
    use mlsysim_book::present::figure::font::font;
    let size = num(t, "font-size");
    let bold = t.attribute("font-weight") == Some("bold");
    let w = font(bold).width(t.text().unwrap_or(""), size);
    let x = num(t, "x");
    let y = num(t, "y");
    let x0 = match t.attribute("text-anchor") {
        Some("end") => x - w,
        Some("middle") => x - w / 2.0,
        _ => x,
    };
    (
        x0,
        y - font(bold).cap_height(size),
        x0 + w,
        y + font(bold).descent(size),
    )
}

fn boxes_overlap(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.2.min(b.2) - a.0.max(b.0) > 0.5 && a.3.min(b.3) - a.1.max(b.1) > 0.5
}

/// Whether segment p–q passes through the box (shrunk by a pixel: touching is fine).
fn segment_hits(b: (f64, f64, f64, f64), p: (f64, f64), q: (f64, f64)) -> bool {
    let b = (b.0 + 1.0, b.1 + 1.0, b.2 - 1.0, b.3 - 1.0);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    for (pp, qq) in [
        (-dx, p.0 - b.0),
        (dx, b.2 - p.0),
        (-dy, p.1 - b.1),
        (dy, b.3 - p.1),
    ] {
        if pp == 0.0 {
            if qq < 0.0 {
                return false;
            }
        } else {
            let r = qq / pp;
            if pp < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    t0 <= t1
}

/// Which label a text or leader line belongs to: its workloads, or the device of a ridge label.
fn owner_of(n: &Node) -> String {
    n.attribute("data-workload")
        .or_else(|| n.attribute("data-hardware"))
        .unwrap_or_else(|| panic!("{n:?} has no owner"))
        .to_string()
}

fn points_of(n: &Node) -> Vec<(f64, f64)> {
    n.attribute("points")
        .unwrap()
        .split(' ')
        .map(|xy| {
            let (x, y) = xy.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

/// Roofline layout faults, one check each: label boxes never overlap each other, a marker, a roof
/// or a ridge guide line; leader lines cross no other label and no marker; devices with equal
/// roofs stay visible; tick labels group alike.
fn assert_roofline_layout(attrs: &str) {
    assert_roofline_labels(attrs, true);
}

/// [`assert_roofline_layout`], with the roofs and guides checked only when `lines` is set.
fn assert_roofline_labels(attrs: &str, lines: bool) {
    let fig = draw(attrs);
    let doc = Document::parse(&fig.svg).unwrap();
    let owned: Vec<(String, (f64, f64, f64, f64))> = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("text")
                && (has_class(n, "ridge-label") || has_class(n, "workload-label"))
        })
        .map(|t| (owner_of(&t), text_box(&t)))
        .collect();
    let labels: Vec<(f64, f64, f64, f64)> = owned.iter().map(|(_, b)| *b).collect();
    // The book's look has room for every label (only large slide text sheds some).
    assert!(
        !lines || !fig.warnings.iter().any(|w| w.contains("left out")),
        "{attrs}: {:?}",
        fig.warnings
    );
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            assert!(
                !boxes_overlap(*a, *b),
                "{attrs}: labels {a:?} and {b:?} overlap"
            );
        }
    }
    let in_class = |n: &Node, class: &str| n.parent().is_some_and(|g| has_class(&g, class));
    let mut markers: Vec<(f64, f64, f64, f64)> = Vec::new();
    for n in doc.descendants() {
        let marker = if n.has_tag_name("g") && has_class(&n, "workload-point") {
            let (x, y, r) = circle_in(&n);
            Some((x - r, y - r, x + r, y + r))
        } else if n.has_tag_name("polygon") && in_class(&n, "ridge-point") {
            let p = points_of(&n);
            Some((p[3].0, p[0].1, p[1].0, p[2].1))
        } else {
            None
        };
        if let Some(m) = marker {
            for l in &labels {
                assert!(
                    !boxes_overlap(*l, m),
                    "{attrs}: label {l:?} covers a marker {m:?}"
                );
            }
            markers.push(m);
        }
        let segs: Vec<((f64, f64), (f64, f64))> = if n.has_tag_name("polyline")
            && ["roof", "ridge-guide", "datasheet-peak", "datasheet-memory"]
                .iter()
                .any(|c| in_class(&n, c))
        {
            points_of(&n).windows(2).map(|w| (w[0], w[1])).collect()
        } else {
            vec![]
        };
        for (p, q) in segs.into_iter().filter(|_| lines) {
            for l in &labels {
                assert!(
                    !segment_hits(*l, p, q),
                    "{attrs}: a {} line {p:?}–{q:?} crosses the label {l:?}",
                    n.parent().unwrap().attribute("class").unwrap()
                );
            }
        }
    }
    // Leader lines cross no other label (any line of it) and no marker but those at the point
    // they start from (the ridge diamond a workload sits on): their first pixels are left out
    // (`LEADER_SKIP`, 8 px).
    let leaders = elements(&doc, "line", "leader");
    for l in &leaders {
        let me = owner_of(l);
        let (p, q) = ((num(l, "x1"), num(l, "y1")), (num(l, "x2"), num(l, "y2")));
        let len = (q.0 - p.0).hypot(q.1 - p.1);
        let start = (p.0 - (q.0 - p.0) / len * 8.0, p.1 - (q.1 - p.1) / len * 8.0);
        for (other, b) in owned.iter().filter(|(o, _)| *o != me) {
            assert!(
                !segment_hits(*b, p, q),
                "{attrs}: the leader {p:?}–{q:?} of `{me}` crosses a line of `{other}` {b:?}"
            );
        }
        for m in &markers {
            let dx = (m.0 - start.0).max(start.0 - m.2).max(0.0);
            let dy = (m.1 - start.1).max(start.1 - m.3).max(0.0);
            if dx.hypot(dy) > 8.0 {
                assert!(
                    !segment_hits(*m, p, q),
                    "{attrs}: the leader {p:?}–{q:?} of `{me}` crosses a marker {m:?}"
                );
            }
        }
    }
    // Tick labels of one axis group alike: `1,000` beside `10,000` (x labels below the plot,
    // y labels left of it).
    let (xa, ya) = Axis::of(&doc);
    let mesh = group_of(&doc, "mesh", None).unwrap();
    let mesh_texts: Vec<(f64, f64, String)> = mesh
        .descendants()
        .filter(|t| t.has_tag_name("text"))
        .map(|t| (num(&t, "x"), num(&t, "y"), t.text().unwrap().to_string()))
        .collect();
    for below in [true, false] {
        let ticks: Vec<String> = mesh_texts
            .iter()
            .filter(|(x, y, _)| if below { *y > ya.p0 } else { *x < xa.p0 })
            .map(|(_, _, t)| t.clone())
            .collect();
        assert!(ticks.len() >= 3, "{attrs}: {ticks:?}");
        let plain: Vec<&String> = ticks.iter().filter(|t| !t.contains('×')).collect();
        let values: Vec<f64> = plain
            .iter()
            .filter_map(|t| t.replace(',', "").parse::<f64>().ok())
            .collect();
        // Labels on every other decade (large slide text): the unlabelled decade after the last
        // label groups the axis too.
        let every_other = values
            .windows(2)
            .any(|w| (w[1] / w[0] - 100.0).abs() < 1e-6);
        let top = values.iter().copied().fold(0.0, f64::max);
        let big = top >= 1e4 || (every_other && top * 10.0 >= 1e4);
        for t in plain {
            if t.replace(',', "").parse::<f64>().is_ok_and(|v| v >= 1000.0) {
                assert_eq!(
                    t.contains(','),
                    big,
                    "{attrs}: tick `{t}` grouped unlike its axis"
                );
            }
        }
    }
}

#[test]
fn roofline_labels_never_collide_and_equal_roofs_stay_visible() {
    for attrs in [H100, GENERATIONS, FP8] {
        assert_roofline_layout(attrs);
    }
    assert_roofline_layout(
        r#"figure="roofline" id="f" hardware="H100, H200" workloads="ResNet50@1, Llama3_8B@64" caption="c" alt="a""#,
    );
    assert_roofline_layout(
        r#"figure="roofline" id="f" hardware="A100, H100, H200, B200" workloads="ResNet50@1, Llama3_8B@1, Llama3_8B@64, GPT2@8" caption="c" alt="a""#,
    );
    // Equal compute roofs (the H100 and the H200): the second is drawn dashed over the first.
    let fig = draw(r#"figure="roofline" id="f" hardware="H100, H200" caption="c" alt="a""#);
    let doc = Document::parse(&fig.svg).unwrap();
    let computes: Vec<Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && has_class(n, "compute"))
        .collect();
    assert_eq!(computes.len(), 2);
    let line = |g: &Node| {
        points_of(
            &g.descendants()
                .find(|n| n.has_tag_name("polyline"))
                .unwrap(),
        )
    };
    assert_eq!(line(&computes[0])[0].1, line(&computes[1])[0].1);
    assert!(computes[0].attribute("stroke-dasharray").is_none());
    assert!(
        computes[1].attribute("stroke-dasharray").is_some(),
        "the hidden roof is not dashed"
    );
}

/// A ridge diamond under a workload marker (the A100 and ResNet-50 at batch 1, 145.8 vs 153
/// FLOP/byte) gets an outline on top, so it stays visible; a free ridge gets none.
#[test]
fn a_covered_ridge_point_stays_visible() {
    let fig = draw(GENERATIONS);
    let doc = Document::parse(&fig.svg).unwrap();
    let outlines: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && has_class(n, "ridge-outline"))
        .map(|n| n.attribute("data-hardware").unwrap())
        .collect();
    assert_eq!(outlines, ["A100"]);
    // Drawn after (over) the workload markers.
    let order: Vec<String> = doc
        .descendants()
        .filter(|n| has_class(n, "ridge-outline") || has_class(n, "workload-point"))
        .map(|n| n.attribute("class").unwrap().to_string())
        .collect();
    assert_eq!(order.last().map(String::as_str), Some("ridge-outline"));
}

/// With η = 0.5 and four ResNet-50 batches, no label crosses a roof, the datasheet roofs or a
/// ridge guide (the `batch 8` label once crossed the memory roof), and no leader line crosses
/// another label (the `batch 32, 256` leader once ran through the second line of `batch 8`).
#[test]
fn derated_roofline_labels_clear_the_roofs() {
    assert_roofline_layout(DERATED);
}

/// The slides preset, for every figure kind: each text of the slide SVG, at the size a Beamer
/// slide shows the figure, reads 18 pt or more. The size assumed (stated in figure-theme.toml):
/// the figure at 0.7\textheight of the default 128 mm × 96 mm (4:3) frame, about 171 pt high and
/// at most \linewidth (about 307 pt) wide, the frame projected like a 10-inch (254 mm) slide.
#[test]
fn every_figure_kind_reads_at_18_pt_on_a_slide() {
    use mlsysim_book::present::figure::theme::Theme;
    const FIGURE_HEIGHT_PT: f64 = 0.7 * 244.0;
    const LINE_WIDTH_PT: f64 = 307.0;
    const PROJECTION: f64 = 254.0 / 128.0;
    let charts = std::fs::read_to_string("book-snippets/08-charts.qmd").unwrap();
    let scanned = scan(&charts, SourceKind::Markdown);
    let mut all: Vec<Vec<(String, String)>> = scanned
        .directives
        .iter()
        .filter(|d| d.attr("figure").is_some())
        .map(|d| d.attr_pairs())
        .collect();
    for attrs in ROOFLINES.iter().chain(&SCORECARDS).chain([
        &r#"figure="roofline" id="f4" hardware="A100, H100, H200, B200" workloads="ResNet50@1, Llama3_8B@1, Llama3_8B@64, GPT2@8" caption="c" alt="a""#,
    ]) {
        let src = format!("<mlsysim {attrs}/>");
        all.push(scan(&src, SourceKind::Markdown).directives[0].attr_pairs());
    }
    let mut kinds = std::collections::BTreeSet::new();
    for attrs in all {
        let mut req = parse_request(&attrs).unwrap();
        req.theme = Theme::slides_arc();
        kinds.insert(req.kind.name());
        let fig = render_svg(reg(), &req).unwrap();
        let doc = Document::parse(&fig.svg).unwrap();
        let root = doc.root_element();
        let (w, h) = (num(&root, "width"), num(&root, "height"));
        // The figure is scaled to the slide's figure height, or less when it would be too wide.
        let scale = (FIGURE_HEIGHT_PT / h).min(LINE_WIDTH_PT / w) * PROJECTION;
        let mut texts = 0;
        for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
            let pt = num(&t, "font-size") * scale;
            assert!(
                pt >= 18.0,
                "{}: `{}` reads {pt:.1} pt on a slide",
                req.id,
                t.text().unwrap_or("")
            );
            texts += 1;
        }
        assert!(texts > 0, "{}", req.id);
    }
    assert_eq!(kinds.len(), 6, "{kinds:?}");
    // `preset="slides"` on a roofline or scorecard directive picks the slides theme.
    for attrs in [H100, DOORBELL] {
        let src = format!("<mlsysim {attrs} preset=\"slides\"/>");
        let req = parse_request(&scan(&src, SourceKind::Markdown).directives[0].attr_pairs())
            .expect("preset is an attribute");
        assert_eq!(req.theme.name, "slides");
    }
}

/// On slides (large text, a smaller canvas) labels may cross a roof or a guide under their halo,
/// but they never cover each other or a marker, and no leader crosses another label.
#[test]
fn slide_roofline_labels_never_collide() {
    for attrs in [H100, DERATED] {
        assert_roofline_labels(&format!("{attrs} preset=\"slides\""), false);
    }
}

/// Where a slide cannot hold every label, the least important text goes first: a workload label
/// that shows its bound shows its intensity with the unit, one that shows the unit shows the
/// numbers; a label left out altogether is named in a warning. (The dense slides below do run
/// out of room.)
#[test]
fn slide_labels_drop_the_least_important_text_first() {
    let mut shortened = 0;
    for attrs in SLIDE_ROOFLINES {
        let attrs = format!("{attrs} preset=\"slides\"");
        let fig = draw(&attrs);
        let doc = Document::parse(&fig.svg).unwrap();
        let precision =
            attr_of(&attrs, "precision").map_or(Precision::Fp16, |p| Precision::parse(p).unwrap());
        let eta: f64 = attr_of(&attrs, "efficiency").map_or(1.0, |e| e.parse().unwrap());
        let left_out = |what: &str| {
            fig.warnings
                .iter()
                .any(|w| w.contains(&format!("the label of {what} ")) && w.contains("left out"))
        };
        for key in attr_of(&attrs, "hardware").unwrap().split(", ") {
            let shown = elements(&doc, "text", "ridge-label")
                .iter()
                .any(|n| n.attribute("data-hardware") == Some(key));
            assert!(
                shown || left_out(&format!("the {key} ridge point")),
                "{attrs}: the {key} ridge label is missing without a warning"
            );
        }
        for id in attr_of(&attrs, "workloads").unwrap().split(", ") {
            let label = texts(
                &elements(&doc, "text", "workload-label")
                    .into_iter()
                    .filter(|n| {
                        n.attribute("data-workload")
                            .is_some_and(|w| w.split(' ').any(|x| x == id))
                    })
                    .collect::<Vec<_>>(),
            );
            if label.is_empty() {
                assert!(
                    fig.warnings
                        .iter()
                        .any(|w| w.contains(id) && w.contains("left out")),
                    "{attrs}: {id} has no label and no warning: {:?}",
                    fig.warnings
                );
                shortened += 1;
                continue;
            }
            let (model, batch) = id.split_once('@').unwrap();
            let hw = reg()
                .hardware(
                    attr_of(&attrs, "hardware")
                        .unwrap()
                        .split(", ")
                        .next()
                        .unwrap(),
                )
                .unwrap();
            let opts = RooflineOptions {
                batch_size: batch.parse().unwrap(),
                precision,
                efficiency: Some(eta),
                ..RooflineOptions::default()
            };
            let r = roofline::solve(reg().model(model).unwrap(), hw, &reg().calibration, &opts)
                .unwrap();
            let digits = FormatSpec {
                digits: Some(1),
                ..FormatSpec::default()
            };
            let number =
                format_number(r.arithmetic_intensity.value, &digits, Target::Text).unwrap();
            let (bound, unit, value) = (
                label.contains("-bound"),
                label.contains("FLOP/byte"),
                label.contains(&number),
            );
            assert!(
                !bound || unit,
                "{attrs}: `{label}` keeps the bound, not the unit"
            );
            assert!(
                !unit || value,
                "{attrs}: `{label}` keeps the unit, not the number"
            );
            if !bound {
                shortened += 1;
            }
        }
    }
    assert!(
        shortened > 0,
        "no slide needed shortening: the rule is untested"
    );
}

/// Slide rooflines: several devices and workloads, and one device with four.
const SLIDE_ROOFLINES: [&str; 8] = [
    H100,
    DERATED,
    GENERATIONS,
    FP8,
    r#"figure="roofline" id="f" hardware="H100, H200" workloads="ResNet50@1, Llama3_8B@64" caption="c" alt="a""#,
    r#"figure="roofline" id="f" hardware="A100, H100, B200" workloads="ResNet50@1, Llama3_8B@1, Llama3_8B@64, GPT2@8" caption="c" alt="a""#,
    r#"figure="roofline" id="f" hardware="A100, H100, B200" efficiency="0.5" workloads="ResNet50@1, ResNet50@32, Llama3_8B@64, Llama3_70B@1" caption="c" alt="a""#,
    r#"figure="roofline" id="f" hardware="A100, H100" precision="fp8" workloads="Llama3_70B@1, Llama3_8B@128, ResNet50@8, GPT2@1" caption="c" alt="a""#,
];

/// Slide rooflines of up to three devices and four workloads: each workload's label must clear
/// a column of markers, so the placer drops the least important text first (see
/// `slide_labels_drop_the_least_important_text_first`) rather than cover a marker or a label.
#[test]
fn slide_rooflines_of_several_devices_never_collide() {
    for attrs in &SLIDE_ROOFLINES[2..] {
        assert_roofline_labels(&format!("{attrs} preset=\"slides\""), false);
    }
}
