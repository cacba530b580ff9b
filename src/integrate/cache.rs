//! The value cache for Quarto: `mlsysim-book build BOOK --emit-cache PATH` writes every evaluated
//! directive of the book's Markdown/Quarto sources with its rendered Markdown, and the Lua filter
//! (`integrations/quarto/_extensions/mlsysim/mlsysim.lua`) only looks them up while Quarto renders.
//!
//! Pandoc hands the filter a directive as the raw text of a `RawInline` (prose, tables, captions,
//! footnotes) or inside the text of a `Math` element, with the author's line breaks and tabs. Keys
//! are therefore the directive as written with every run of whitespace collapsed to one space
//! ([`normalize_key`]); the filter normalizes the same way. Format (version 1):
//!
//! ```json
//! { "tool": "mlsysim-book", "version": "0.1.0", "cache": 1, "root": "/abs/book",
//!   "files": { "ch1.qmd": {
//!       "footnotes": "[^mlsysim-x]: ...",
//!       "directives": { "<mlsysim value=\"...\"/>":
//!           { "kind": "value", "line": 3, "column": 9, "text": "3.35 TB/s", "math": "3.35\\,\\mathrm{TB/s}" } } } } }
//! ```
//!
//! `text` is the Markdown for a directive in prose (a pipe table for `table`, an image with its
//! caption and `#fig-` label for `figure`, empty for `let`), `math` the LaTeX for one inside math;
//! each is present only when the file uses that context.
//!
//! Figures: the render needs their files, so the pre-render step writes each figure of a Markdown
//! source to `figures/<id>.svg` beside the cache (`_mlsysim/figures/` by default: a folder the
//! tool owns, which book discovery skips), and the cached Markdown of a figure points there from
//! its source file ([`figures_rel`]); Quarto copies the referenced files into the site.

use crate::book::build::Expanded;
use crate::book::model::{FigureOut, Kind};
use crate::book::templates::MarkdownFigures;
use crate::present::figure::convert::{encode, FigFormat};
use crate::syntax::Context;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// The cache format version, bumped on incompatible changes (the filter checks it).
pub const FORMAT: u32 = 1;

/// The default cache path, relative to the book folder (the Quarto project).
pub const DEFAULT_PATH: &str = "_mlsysim/values.json";

/// A directive as a cache key: whitespace runs become one space, ends trimmed.
pub fn normalize_key(directive: &str) -> String {
    directive.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One directive of one file.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Entry {
    /// `value`, `solve`, `let`, `table` or `figure`.
    pub kind: Kind,
    /// 1-based line of its first occurrence.
    pub line: u32,
    /// 1-based column of its first occurrence.
    pub column: u32,
    /// Markdown for a text context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// LaTeX for a math context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub math: Option<String>,
}

/// The directives of one file.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FileEntries {
    /// Footnote definitions for the source markers the file's values carry.
    pub footnotes: String,
    /// Entries by normalized directive.
    pub directives: BTreeMap<String, Entry>,
}

/// The whole cache.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cache {
    /// Always `mlsysim-book`.
    pub tool: &'static str,
    /// The version of mlsysim-book that wrote it.
    pub version: &'static str,
    /// [`FORMAT`].
    pub cache: u32,
    /// The book folder, absolute, so the filter can find a file's entries from its path.
    pub root: String,
    /// Entries by file, relative to the book folder with `/` separators.
    pub files: BTreeMap<String, FileEntries>,
}

impl Cache {
    /// The cache of an evaluated book (Markdown/Quarto sources only; LaTeX is not rendered by
    /// pandoc). Files without directives are left out.
    pub fn new(book: &Path, expanded: &[Expanded]) -> Cache {
        let root = book
            .canonicalize()
            .unwrap_or_else(|_| book.to_path_buf())
            .display()
            .to_string();
        let mut files = BTreeMap::new();
        for e in expanded.iter().filter(|e| e.markdown) {
            if e.expansions.is_empty() {
                continue;
            }
            let mut entries = FileEntries {
                footnotes: e.footnotes.trim().to_string(),
                directives: BTreeMap::new(),
            };
            for x in &e.expansions {
                let entry = entries
                    .directives
                    .entry(normalize_key(&x.directive))
                    .or_insert_with(|| Entry {
                        kind: x.kind,
                        line: x.line,
                        column: x.column,
                        ..Entry::default()
                    });
                let slot = match x.context {
                    Context::Text => &mut entry.text,
                    Context::Math => &mut entry.math,
                };
                if slot.is_none() {
                    *slot = Some(match x.kind {
                        Kind::Figure => unquoted_block(&x.text),
                        _ => x.text.trim_matches('\n').to_string(),
                    });
                }
            }
            files.insert(e.rel.clone(), entries);
        }
        Cache {
            tool: "mlsysim-book",
            version: env!("CARGO_PKG_VERSION"),
            cache: FORMAT,
            root,
            files,
        }
    }

    /// Pretty JSON with sorted keys and a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("cache serializes");
        s.push('\n');
        s
    }

    /// Writes the cache to `path` (parents created; replaced in one rename, so a reader never
    /// sees half a file). Skips the write when the file already holds the same bytes.
    pub fn write(&self, path: &Path) -> Result<(), String> {
        let json = self.to_json();
        if std::fs::read(path).is_ok_and(|b| b == json.as_bytes()) {
            return Ok(());
        }
        crate::book::own::may_replace(path, crate::book::own::is_tool_json)?;
        write_atomic(path, json.as_bytes())
    }
}

/// A block as the build spliced it (blank lines around it, and inside a block quote or an
/// indented block each line carrying the container's prefix) as the block alone: the filter
/// places it in the container pandoc already parsed.
fn unquoted_block(text: &str) -> String {
    let blankish = |l: &str| {
        l.trim_start_matches(|c: char| c == '>' || c.is_whitespace())
            .is_empty()
    };
    let lines: Vec<&str> = text.split('\n').collect();
    let Some(first) = lines.iter().position(|l| !blankish(l)) else {
        return String::new();
    };
    let last = lines.iter().rposition(|l| !blankish(l)).unwrap_or(first);
    let l0 = lines[first];
    let prefix = &l0[..l0.len()
        - l0.trim_start_matches(|c: char| c == '>' || c.is_whitespace())
            .len()];
    lines[first..=last]
        .iter()
        .map(|l| {
            l.strip_prefix(prefix)
                .unwrap_or(l.trim_start_matches(|c: char| c == '>' || c.is_whitespace()))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The folder of the figures beside the cache `cache`: `<its folder>/figures`.
pub fn figures_dir(cache: &Path) -> PathBuf {
    cache
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("figures")
}

/// A path made absolute against the working directory and with `.`/`..` resolved by name.
fn lexical_absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// The figure folder of the cache `cache`, relative to the book root with `/` separators (`..`
/// steps when the cache is outside the book): what the cached Markdown of a figure points to.
pub fn figures_rel(book: &Path, cache: &Path) -> String {
    let book = lexical_absolute(book);
    let dir = lexical_absolute(&figures_dir(cache));
    let b: Vec<_> = book.components().collect();
    let d: Vec<_> = dir.components().collect();
    let common = b.iter().zip(&d).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".into(); b.len() - common];
    parts.extend(
        d[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// How figures are printed for the cache `cache`: Pandoc/Quarto image markup, pointing to the
/// figure folder beside the cache.
pub fn markdown_figures(book: &Path, cache: &Path) -> MarkdownFigures {
    MarkdownFigures {
        template: "figure.md.j2",
        dir: figures_rel(book, cache),
    }
}

/// Writes the SVG of every figure of a Markdown source to [`figures_dir`] of `cache`; a file that
/// already holds the same bytes is left alone (no needless rebuild of a watching renderer).
/// Returns how many figures there are.
pub fn write_figures(cache: &Path, figures: &[FigureOut]) -> Result<usize, String> {
    let dir = figures_dir(cache);
    let mut n = 0;
    for f in figures.iter().filter(|f| f.format == FigFormat::Svg) {
        let bytes =
            encode(&f.figure, FigFormat::Svg).map_err(|e| format!("{}: {e}", f.figure.id))?;
        let path = dir.join(format!("{}.svg", f.figure.id));
        if std::fs::read(&path).is_ok_and(|b| b == bytes) {
            n += 1;
            continue;
        }
        write_atomic(&path, &bytes)?;
        n += 1;
    }
    Ok(n)
}

/// Writes `bytes` to `path` through a temporary file beside it and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().to_string());
    let tmp = path.with_file_name(format!(".{name}.mlsysim-tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: {e}", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::model::Expansion;
    use std::sync::Arc;

    fn exp(d: &str, ctx: Context, kind: Kind, text: &str, line: u32) -> Expansion {
        Expansion {
            line,
            column: 1,
            context: ctx,
            kind,
            directive: Arc::from(d),
            text: text.to_string(),
        }
    }

    #[test]
    fn a_figure_is_cached_without_its_container_prefix() {
        assert_eq!(
            unquoted_block("\n> ![c](f.svg){#fig-a}\n>"),
            "![c](f.svg){#fig-a}"
        );
        assert_eq!(unquoted_block("![c](f.svg)"), "![c](f.svg)");
        assert_eq!(
            unquoted_block("\n  <figure>\n  <img>\n  </figure>\n"),
            "<figure>\n<img>\n</figure>"
        );
    }

    #[test]
    fn the_figure_folder_is_beside_the_cache_relative_to_the_book() {
        assert_eq!(
            figures_dir(Path::new("values.json")),
            Path::new("./figures")
        );
        assert_eq!(
            figures_rel(Path::new("/b"), Path::new("/b/_mlsysim/values.json")),
            "_mlsysim/figures"
        );
        assert_eq!(
            figures_rel(Path::new("/b/./"), Path::new("/b/x/../c/v.json")),
            "c/figures"
        );
        assert_eq!(
            figures_rel(Path::new("/b/book"), Path::new("/tmp/v.json")),
            "../../tmp/figures"
        );
    }

    #[test]
    fn keys_collapse_whitespace_as_pandoc_shows_it() {
        assert_eq!(
            normalize_key("<mlsysim value=\"a\"\n\t   unit=\"b\"/>"),
            "<mlsysim value=\"a\" unit=\"b\"/>"
        );
        assert_eq!(
            normalize_key("  <mlsysim  x=\"1\"/> "),
            "<mlsysim x=\"1\"/>"
        );
    }

    #[test]
    fn entries_keep_both_contexts_and_the_first_location() {
        let d = "<mlsysim value=\"hardware.H100.tdp\"\n unit=\"W\"/>";
        let expanded = vec![
            Expanded {
                rel: "a.qmd".into(),
                markdown: true,
                expansions: vec![
                    exp(d, Context::Text, Kind::Value, "700 W", 3),
                    exp(d, Context::Math, Kind::Value, "700\\,\\mathrm{W}", 5),
                    exp(d, Context::Text, Kind::Value, "700 W", 9),
                    exp(
                        "<mlsysim table=\"x\"/>",
                        Context::Text,
                        Kind::Table,
                        "\n| a |\n",
                        7,
                    ),
                ],
                footnotes: "[^m]: Source.\n".into(),
            },
            Expanded {
                rel: "b.tex".into(),
                markdown: false,
                expansions: vec![exp(d, Context::Text, Kind::Value, "700 W", 1)],
                footnotes: String::new(),
            },
            Expanded {
                rel: "c.md".into(),
                markdown: true,
                expansions: vec![],
                footnotes: String::new(),
            },
        ];
        let c = Cache::new(Path::new("."), &expanded);
        assert_eq!(c.files.keys().collect::<Vec<_>>(), ["a.qmd"]);
        let f = &c.files["a.qmd"];
        assert_eq!(f.footnotes, "[^m]: Source.");
        let e = &f.directives["<mlsysim value=\"hardware.H100.tdp\" unit=\"W\"/>"];
        assert_eq!((e.line, e.kind), (3, Kind::Value));
        assert_eq!(e.text.as_deref(), Some("700 W"));
        assert_eq!(e.math.as_deref(), Some("700\\,\\mathrm{W}"));
        assert_eq!(
            f.directives["<mlsysim table=\"x\"/>"].text.as_deref(),
            Some("| a |")
        );
        let json = c.to_json();
        assert!(json.contains("\"cache\": 1"), "{json}");
        assert!(!json.contains("\"math\": null"), "{json}");
    }
}
