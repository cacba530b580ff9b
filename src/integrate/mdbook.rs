//! `mlsysim-book mdbook`: an mdBook preprocessor. mdBook first runs `mlsysim-book mdbook supports
//! RENDERER` (exit 0: supported), then `mlsysim-book mdbook` with `[context, book]` as JSON on
//! stdin, in the book root; stdout must be the book JSON with every chapter's directives expanded.
//!
//! The book is walked as plain JSON, so both mdBook 0.4 (`{"sections": [...]}`) and 0.5
//! (`{"items": [...]}`) input work and every field this code does not know is passed through:
//! each `{"Chapter": {"content": ..., "sub_items": [...]}}` at any depth has its `content`
//! evaluated as Markdown; separators and part titles are left alone.
//!
//! Figures: a `figure=` directive becomes an HTML `<figure>` with its `<img alt>` and
//! `<figcaption>` (template `figure.mdbook.j2`; mdBook renders Markdown, so Pandoc's
//! `{#fig-x fig-alt=...}` attribute syntax would show as text), and its SVG is written to
//! `SRC/_mlsysim/figures/<id>.svg`, which mdBook copies into the site with the other files of
//! `SRC`. A file is written only when its bytes change, so under `mdbook serve` writing figures
//! triggers at most one extra rebuild, never a loop. Figure ids are unique across the book.
//!
//! Footnotes: a chapter cites each source with one footnote definition (appended once per
//! chapter by the evaluator); every marker of that source in the chapter refers to it.
//!
//! Settings (`book.toml`, paths relative to the book root):
//!
//! ```toml
//! [preprocessor.mlsysim]
//! command = "mlsysim-book mdbook"
//! registry = "registry"     # optional: the book's registry instead of the built-in one
//! templates = "templates"   # optional: template overrides
//! ```

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::book::build::{duplicate_figure_ids, evaluate_text};
use crate::book::model::FigureOut;
use crate::book::templates::{MarkdownFigures, Templates};
use crate::integrate::cache::write_atomic;
use crate::present::figure::convert::{encode, FigFormat};
use crate::registry::Registry;
use crate::syntax::SourceKind;
use rayon::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Whether the preprocessor supports `renderer`: every renderer reads the Markdown it produces.
pub fn supports(_renderer: &str) -> bool {
    true
}

/// The preprocessor's settings from `[preprocessor.mlsysim]`, resolved against the book root.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    /// Registry folder.
    pub registry: Option<PathBuf>,
    /// Templates folder.
    pub templates: Option<PathBuf>,
}

/// A parsed preprocessor input.
#[derive(Clone, Debug)]
pub struct Input {
    /// The book root (`context.root`).
    pub root: PathBuf,
    /// The chapter folder relative to the root (`book.src`, default `src`).
    pub src: String,
    /// The `mdbook_version` mdBook reported.
    pub mdbook_version: String,
    /// `[preprocessor.mlsysim]`.
    pub settings: Settings,
    /// The book, as given.
    pub book: Value,
}

/// What the preprocessor did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Chapters whose content held a directive.
    pub chapters: usize,
    /// Directives evaluated.
    pub directives: usize,
}

/// Reads `[context, book]`.
pub fn parse_input(json: &str) -> Result<Input, String> {
    let v: Value = serde_json::from_str(json)
        .map_err(|e| format!("mdBook preprocessor input is not JSON: {e}"))?;
    let Value::Array(mut parts) = v else {
        return Err("mdBook preprocessor input must be a JSON array [context, book]".into());
    };
    if parts.len() != 2 {
        return Err(format!(
            "mdBook preprocessor input must be [context, book], got {} element(s)",
            parts.len()
        ));
    }
    let book = parts.pop().expect("two parts");
    let ctx = parts.pop().expect("two parts");
    if items_key(&book).is_none() {
        return Err(
            "mdBook book JSON has neither `items` (mdBook 0.5) nor `sections` (mdBook 0.4)".into(),
        );
    }
    let root = PathBuf::from(ctx["root"].as_str().unwrap_or("."));
    let config = &ctx["config"];
    let src = config["book"]["src"]
        .as_str()
        .unwrap_or("src")
        .trim_end_matches('/')
        .to_string();
    let own = &config["preprocessor"]["mlsysim"];
    let path = |key: &str| -> Result<Option<PathBuf>, String> {
        match &own[key] {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(root.join(s))),
            other => Err(format!(
                "book.toml: `preprocessor.mlsysim.{key}` must be a path string, not {other}"
            )),
        }
    };
    let settings = Settings {
        registry: path("registry")?,
        templates: path("templates")?,
    };
    Ok(Input {
        mdbook_version: ctx["mdbook_version"].as_str().unwrap_or("").to_string(),
        root,
        src,
        settings,
        book,
    })
}

/// `items` (0.5) or `sections` (0.4).
fn items_key(book: &Value) -> Option<&'static str> {
    ["items", "sections"]
        .into_iter()
        .find(|k| book.get(k).is_some_and(Value::is_array))
}

/// One chapter's place and text, collected before evaluation.
struct Chapter {
    name: String,
    path: Option<String>,
    content: String,
}

fn collect(items: &[Value], out: &mut Vec<Chapter>) {
    for item in items {
        let Some(ch) = item.get("Chapter") else {
            continue;
        };
        out.push(Chapter {
            name: ch["name"].as_str().unwrap_or("").to_string(),
            path: ch["path"].as_str().map(str::to_string),
            content: ch["content"].as_str().unwrap_or("").to_string(),
        });
        if let Some(sub) = ch["sub_items"].as_array() {
            collect(sub, out);
        }
    }
}

/// Writes new contents back in the order [`collect`] found the chapters.
fn replace(items: &mut [Value], texts: &mut std::vec::IntoIter<Option<String>>) {
    for item in items {
        let Some(ch) = item.get_mut("Chapter") else {
            continue;
        };
        if let Some(Some(text)) = texts.next() {
            ch["content"] = Value::String(text);
        }
        if let Some(sub) = ch.get_mut("sub_items").and_then(Value::as_array_mut) {
            replace(sub, texts);
        }
    }
}

/// The figure folder, relative to the chapter folder `SRC`.
pub const FIGURES_DIR: &str = "_mlsysim/figures";

/// How the preprocessor prints figures: an HTML `<figure>`, the SVG under [`FIGURES_DIR`].
pub fn markdown_figures() -> MarkdownFigures {
    MarkdownFigures {
        template: "figure.mdbook.j2",
        dir: FIGURES_DIR.into(),
    }
}

/// Expands every chapter of `input.book` in place and returns the figures drawn. On any error
/// nothing is changed and every problem is returned, located as `SRC/PATH:line:column` relative
/// to the book root. `templates` should print figures as [`markdown_figures`] says.
pub fn expand(
    reg: &Registry,
    templates: &Templates,
    input: &mut Input,
) -> Result<(Stats, Vec<FigureOut>), Diagnostics> {
    let key = items_key(&input.book).expect("checked by parse_input");
    let mut chapters = Vec::new();
    collect(
        input.book[key].as_array().expect("checked array"),
        &mut chapters,
    );
    let src = &input.src;
    let results: Vec<Option<crate::book::model::FileOutput>> = chapters
        .par_iter()
        .map(|c| {
            // `\<mlsysim` escapes need the evaluator too, so test for the name alone.
            if !c.content.contains("mlsysim") {
                return None;
            }
            let rel = c.path.clone().unwrap_or_else(|| c.name.clone());
            let name = if src.is_empty() || src == "." || c.path.is_none() {
                rel.clone()
            } else {
                format!("{src}/{rel}")
            };
            Some(evaluate_text(
                reg,
                templates,
                &name,
                &rel,
                &c.content,
                SourceKind::Markdown,
            ))
        })
        .collect();
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut stats = Stats::default();
    let mut texts = Vec::with_capacity(results.len());
    let mut figures = Vec::new();
    for r in results {
        match r {
            Some(o) => {
                stats.chapters += 1;
                stats.directives += o.directives;
                diags.extend(o.diags);
                figures.extend(o.figures);
                texts.push(Some(o.text));
            }
            None => texts.push(None),
        }
    }
    diags.extend(duplicate_figure_ids(&figures));
    if !diags.is_empty() {
        return Err(Diagnostics(diags).sorted());
    }
    let mut texts = texts.into_iter();
    replace(
        input.book[key].as_array_mut().expect("checked array"),
        &mut texts,
    );
    Ok((stats, figures))
}

/// Writes the SVG of every figure to `dir` (created when needed). A file that already holds the
/// same bytes is not touched, so `mdbook serve` sees no change. Returns the files written.
pub fn write_figures(dir: &Path, figures: &[FigureOut]) -> Result<usize, String> {
    let mut written = 0;
    for f in figures {
        let bytes =
            encode(&f.figure, FigFormat::Svg).map_err(|e| format!("{}: {e}", f.figure.id))?;
        let path = dir.join(format!("{}.svg", f.figure.id));
        if std::fs::read(&path).is_ok_and(|b| b == bytes) {
            continue;
        }
        write_atomic(&path, &bytes)?;
        written += 1;
    }
    Ok(written)
}

/// Loads the registry and templates (`--registry` first, then `book.toml`, then the built-in
/// ones), expands the book, and returns the book JSON for stdout.
pub fn expand_json(json: &str, registry_flag: Option<&Path>) -> Result<String, Failure> {
    let mut input = parse_input(json).map_err(Failure::Message)?;
    let registry = registry_flag.or(input.settings.registry.as_deref());
    let reg = crate::registry::load::load_or_embedded(registry).map_err(Failure::Registry)?;
    let templates = Templates::load(input.settings.templates.as_deref())
        .map_err(|e| Failure::Message(format!("templates: {e}")))?
        .with_markdown_figures(markdown_figures());
    let (_, figures) = expand(&reg, &templates, &mut input).map_err(Failure::Book)?;
    if !figures.is_empty() {
        let dir = input.root.join(&input.src).join(FIGURES_DIR);
        write_figures(&dir, &figures).map_err(|e| Failure::Message(format!("figures: {e}")))?;
    }
    Ok(serde_json::to_string(&input.book).expect("JSON serializes"))
}

/// Why the preprocessor failed.
#[derive(Debug)]
pub enum Failure {
    /// Bad input or settings.
    Message(String),
    /// The registry has problems.
    Registry(Diagnostics),
    /// Directive errors in chapters.
    Book(Diagnostics),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapter(name: &str, path: &str, content: &str, sub: Vec<Value>) -> Value {
        serde_json::json!({ "Chapter": {
            "name": name, "content": content, "number": [1], "sub_items": sub,
            "path": path, "source_path": path, "parent_names": []
        }})
    }

    fn input(version: &str, key: &str) -> String {
        let items = vec![
            chapter(
                "Intro",
                "intro.md",
                "H100 TDP: <mlsysim value=\"hardware.H100.tdp\" unit=\"W\" digits=\"0\"/>.\n",
                vec![chapter(
                    "Nested",
                    "nested/deep.md",
                    "`<mlsysim value=\"x\"/>` stays; \\<mlsysim value=\"y\"/> too.\n",
                    vec![],
                )],
            ),
            Value::String("Separator".into()),
            serde_json::json!({ "PartTitle": "Part II" }),
            chapter("Plain", "plain.md", "No directives here.\n", vec![]),
        ];
        let mut book = serde_json::json!({});
        book[key] = Value::Array(items);
        if key == "sections" {
            book["__non_exhaustive"] = Value::Null;
        }
        let ctx = serde_json::json!({
            "root": "/books/demo", "renderer": "html", "mdbook_version": version,
            "config": { "book": { "src": "src", "title": "Demo" },
                        "preprocessor": { "mlsysim": { "command": "mlsysim-book mdbook" } } }
        });
        serde_json::to_string(&serde_json::json!([ctx, book])).unwrap()
    }

    fn contents(book: &Value, key: &str) -> Vec<String> {
        let mut c = Vec::new();
        collect(book[key].as_array().unwrap(), &mut c);
        c.into_iter().map(|c| c.content).collect()
    }

    fn expand_json(json: &str) -> Result<Value, Failure> {
        super::expand_json(json, None).map(|s| serde_json::from_str(&s).unwrap())
    }

    #[test]
    fn mdbook_0_4_and_0_5_books_are_both_expanded() {
        for (version, key) in [("0.4.40", "sections"), ("0.5.4", "items")] {
            let out = expand_json(&input(version, key)).unwrap_or_else(|e| panic!("{e:?}"));
            let c = contents(&out, key);
            assert_eq!(c[0], "H100 TDP: 700 W.\n", "{version}");
            assert_eq!(
                c[1], "`<mlsysim value=\"x\"/>` stays; \\<mlsysim value=\"y\"/> too.\n",
                "{version}"
            );
            assert_eq!(c[2], "No directives here.\n");
            // Everything else passes through unchanged.
            let items = out[key].as_array().unwrap();
            assert_eq!(items[1], "Separator");
            assert_eq!(items[2]["PartTitle"], "Part II");
            assert_eq!(items[0]["Chapter"]["number"], serde_json::json!([1]));
            if key == "sections" {
                assert!(out.get("__non_exhaustive").is_some());
            }
        }
    }

    #[test]
    fn errors_name_the_chapter_file_under_src() {
        let json = input("0.5.4", "items").replace("hardware.H100.tdp", "hardware.H999.tdp");
        match expand_json(&json) {
            Err(Failure::Book(d)) => {
                let text = d.to_string();
                assert!(text.starts_with("src/intro.md:1:"), "{text}");
                assert!(text.contains("H999"), "{text}");
            }
            other => panic!("expected directive errors, got {other:?}"),
        }
    }

    #[test]
    fn settings_resolve_against_the_root_and_bad_input_is_explained() {
        let json = input("0.5.4", "items").replace(
            "\"command\":\"mlsysim-book mdbook\"",
            "\"command\":\"x\",\"registry\":\"reg\",\"templates\":\"tpl\"",
        );
        let i = parse_input(&json).unwrap();
        assert_eq!(i.settings.registry, Some(PathBuf::from("/books/demo/reg")));
        assert_eq!(i.settings.templates, Some(PathBuf::from("/books/demo/tpl")));
        assert_eq!(i.src, "src");
        assert_eq!(i.mdbook_version, "0.5.4");
        assert!(parse_input("{}").unwrap_err().contains("[context, book]"));
        assert!(parse_input("[{}, {\"chapters\": []}]")
            .unwrap_err()
            .contains("neither `items`"));
        assert!(parse_input("nope").unwrap_err().contains("not JSON"));
        assert!(supports("html") && supports("markdown"));
    }
}
