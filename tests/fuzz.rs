//! Property fuzzing on stable Rust (proptest) of the scanner and tag parser, the expression
//! parser and evaluator, the number formatter and the mdBook input: no panic, no abort, and the
//! output either valid or a located error. `cargo test` runs a bounded number of cases (256 per
//! property); the longer run is `PROPTEST_CASES=100000 cargo test --release --test fuzz`
//! (README, "Fuzzing").

use mlsysim_book::base::units::Value;
use mlsysim_book::present::format::{format_number, FormatSpec, Style, Target};
use mlsysim_book::syntax::expr::{parse, Resolve};
use mlsysim_book::syntax::{scan, SourceKind};
use proptest::prelude::*;

/// Pieces that make the scanner's and tag parser's interesting cases likely.
const SOURCE_PIECES: &[&str] = &[
    "<mlsysim",
    "</mlsysim>",
    "<mlsysm",
    "<MLSYSIM",
    "\\<mlsysim",
    " value=\"",
    " unit=\"",
    "hardware.H100.tdp",
    "\"",
    "/>",
    ">",
    "=",
    " ",
    "\u{a0}",
    "\n",
    "\n\n",
    "\r\n",
    "`",
    "```\n",
    "$",
    "$$",
    "\\(",
    "\\)",
    "<!--",
    "-->",
    "---\n",
    "\\begin{equation}",
    "\\end{equation}",
    "\\begin{verbatim}",
    "\\verb|",
    "%",
    "\\",
    "|",
    "x",
    "μ",
    "\u{feff}",
    "    ",
    "> ",
    "[^",
    "]",
];

fn source() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(SOURCE_PIECES), 0..60).prop_map(|v| v.concat())
}

const EXPR_PIECES: &[&str] = &[
    "1", "2.5", "7e9", "1_000", "(", ")", "+", "-", "*", "/", "^", ",", " ", "x", "a.b", "min(",
    "max(", "sqrt(", "ln(", "exp(", "floor(", "ceil(", "TB/s", "ms", "%", "W", "param", "GB",
    "m^3", "e", ".", "0", "-(", "$", "μs",
];

fn expression() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(EXPR_PIECES), 0..40).prop_map(|v| v.concat())
}

/// 256 cases, or `PROPTEST_CASES` for a longer run.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

struct AnyName;

impl Resolve for AnyName {
    fn resolve(
        &self,
        _: &str,
        _: std::ops::Range<usize>,
    ) -> Result<Value, mlsysim_book::syntax::expr::EvalError> {
        Ok(Value::number(3.0))
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// The scanner never panics; every span it reports is inside the text on character
    /// boundaries, and every location is 1-based.
    #[test]
    fn scanner_spans_are_in_bounds(src in source(), latex in any::<bool>()) {
        let kind = if latex { SourceKind::Latex } else { SourceKind::Markdown };
        let r = scan(&src, kind);
        for d in &r.directives {
            prop_assert!(d.span.end <= src.len() && d.span.start < d.span.end);
            prop_assert!(src.is_char_boundary(d.span.start) && src.is_char_boundary(d.span.end));
            prop_assert!(src[d.span.clone()].starts_with('<') && src[d.span.clone()].ends_with("/>"));
            prop_assert!(d.line >= 1 && d.column >= 1);
        }
        for e in &r.errors {
            prop_assert!(e.span.end <= src.len() && e.span.start <= e.span.end);
            prop_assert!(e.line >= 1 && e.column >= 1);
            prop_assert!(!e.message.is_empty());
        }
        for e in &r.escapes {
            prop_assert!(e.span.end <= src.len());
            prop_assert_eq!(&src[e.span.clone()], "\\<");
        }
    }

    /// The expression parser returns a tree or an error whose span is inside the expression;
    /// a tree evaluates to a value or a located error, never a panic.
    #[test]
    fn expressions_parse_or_fail_located(e in expression()) {
        match parse(&e) {
            Ok(tree) => {
                prop_assert!(tree.span.end <= e.len());
                if let Err(err) = tree.eval(&AnyName) {
                    prop_assert!(err.span.end <= e.len());
                }
            }
            Err(err) => {
                prop_assert!(err.span.start <= err.span.end && err.span.end <= e.len());
                prop_assert!(!err.message.is_empty());
            }
        }
    }

    /// Nested to any depth, an expression is a tree or a located "too deep" error.
    #[test]
    fn deep_expressions_are_bounded(depth in 0usize..3000, op in prop::sample::select(&["(", "-", "min(", "2^"][..])) {
        let close = if op.ends_with('(') { ")" } else { "" };
        let e = format!("{}1{}", op.repeat(depth), close.repeat(depth));
        match parse(&e) {
            Ok(t) => { let _ = t.eval(&AnyName); }
            Err(err) => prop_assert!(err.span.end <= e.len()),
        }
    }

    /// The formatter never panics: any number (NaN, infinities, subnormals included), any
    /// digits, any style and target give text or an error.
    #[test]
    fn the_formatter_is_total(
        x in prop_oneof![any::<f64>(), Just(f64::NAN), Just(f64::INFINITY), Just(-0.0), Just(5e-324), -1e30f64..1e30],
        digits in prop::option::of(0u32..40),
        sig in prop::option::of(0u32..40),
        style in prop::sample::select(&[Style::Plain, Style::Sci, Style::Scaled, Style::Percent, Style::Multiple][..]),
        target in prop::sample::select(&[Target::Text, Target::Markdown, Target::Math, Target::LatexText][..]),
        group in prop::option::of(any::<bool>()),
    ) {
        let spec = FormatSpec { digits, sig, style, group, ..FormatSpec::default() };
        if let Ok(s) = format_number(x, &spec, target) {
            prop_assert!(!s.is_empty());
        }
    }

    /// mdBook input: any JSON shape with chapters holding random sources gives a book (valid
    /// JSON) or an error, never a panic.
    #[test]
    fn mdbook_input_is_total(contents in prop::collection::vec(source(), 0..4), shape in 0u8..4) {
        let chapters: Vec<serde_json::Value> = contents
            .iter()
            .enumerate()
            .map(|(i, c)| serde_json::json!({ "Chapter": { "name": format!("c{i}"), "content": c,
                "sub_items": [], "path": format!("c{i}.md"), "source_path": format!("c{i}.md") } }))
            .collect();
        let ctx = serde_json::json!({ "root": "/b", "renderer": "html", "mdbook_version": "0.5.4",
            "config": { "book": { "src": "src" } } });
        let input = match shape {
            0 => serde_json::json!([ctx, { "items": chapters }]).to_string(),
            1 => serde_json::json!([ctx, { "sections": chapters }]).to_string(),
            2 => serde_json::json!([ctx, { "items": [{ "Chapter": { "content": 5, "sub_items": chapters } }] }]).to_string(),
            _ => serde_json::json!([ctx]).to_string(),
        };
        if let Ok(out) = mlsysim_book::integrate::mdbook::expand_json(&input, None) {
            prop_assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok());
        }
    }
}
