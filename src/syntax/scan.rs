//! Finding directives in a Markdown/Quarto or LaTeX source, with exact spans, their context (text
//! or math), backslash escapes and tag errors.
//!
//! Method: (1) every `<mlsysim` / `</mlsysim` candidate in the raw text is read with the tag
//! grammar; (2) each tag is overwritten with `x` bytes (same length), so a tag alone on a line does
//! not become an HTML block that swallows the next line and a `$` in an attribute does not open
//! math; (3) the excluded and math regions of that neutralized text are computed (pulldown-cmark
//! for Markdown, with the code spans of plain paragraphs found without its tree; a small LaTeX
//! lexer for `.tex`); (4) candidates in excluded regions are dropped, the rest become directives,
//! escapes or errors.
//!
//! Escapes: `\<mlsysim …/>` prints the tag literally. [`Escape::replacement`] says what to put in
//! place of the two bytes `\<`: in Markdown text it is `\<` itself (Markdown's own escape renders a
//! literal `<`; without the backslash Pandoc or mdBook would take the tag as raw HTML and hide it);
//! in math and in LaTeX it is `{<}`, which prints `<` and no longer spells `<mlsysim`. So after
//! splicing, an output contains `<mlsysim` only where a directive was left unexpanded, which is
//! what [`find_unexpanded`] reports.

use super::regions::{self, Regions};
pub use super::tag::Attr;
use super::tag::{find_tags, RawTag};
use crate::base::lines::LineIndex;
use std::ops::Range;
use std::path::Path;

/// The syntax of a source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// `.md`, `.qmd`, `.markdown`.
    Markdown,
    /// `.tex` (Beamer slides, LaTeX chapters).
    Latex,
}

impl SourceKind {
    /// The kind of a file by extension, if it is scanned for directives.
    pub fn from_path(path: &Path) -> Option<SourceKind> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "md" | "qmd" | "markdown" => Some(SourceKind::Markdown),
            "tex" => Some(SourceKind::Latex),
            _ => None,
        }
    }
}

/// Where a directive sits: its output must be LaTeX-safe in math.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Context {
    /// Prose, tables, captions, callouts, footnotes.
    Text,
    /// Inside `$…$`, `$$…$$`, `\(…\)`, `\[…\]` or a math environment.
    Math,
}

/// One directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Bytes from `<` through `/>`.
    pub span: Range<usize>,
    /// 1-based line of `<`.
    pub line: u32,
    /// 1-based column of `<`, in characters.
    pub column: u32,
    /// Attributes in source order.
    pub attrs: Vec<Attr>,
    /// Text or math.
    pub context: Context,
    /// Only whitespace before it on its first line and after it on its last line.
    pub alone_on_line: bool,
}

impl Directive {
    /// The attribute called `name`.
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// The value of the attribute called `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attr(name).map(|a| a.value.as_str())
    }

    /// The attributes as (name, value) pairs, in written order.
    pub fn attr_pairs(&self) -> Vec<(String, String)> {
        self.attrs
            .iter()
            .map(|a| (a.name.clone(), a.value.clone()))
            .collect()
    }
}

/// A backslash-escaped tag, `\<mlsysim …/>`, to be printed literally.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Escape {
    /// The two bytes `\<` to replace with [`Escape::replacement`].
    pub span: Range<usize>,
    /// The literal tag, from `<` through `/>` (or the tag name if the tag is malformed).
    pub tag: Range<usize>,
    /// Text or math.
    pub context: Context,
    /// What replaces `span`: `\<` (unchanged) in Markdown text, `{<}` in math and in LaTeX.
    pub replacement: &'static str,
}

/// A malformed tag.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ScanError {
    /// The offending bytes.
    pub span: Range<usize>,
    /// 1-based line of the span start.
    pub line: u32,
    /// 1-based column of the span start, in characters.
    pub column: u32,
    /// What is wrong and what would be right.
    pub message: String,
}

/// Everything found in one source, each list in source order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScanResult {
    /// Well-formed directives outside code.
    pub directives: Vec<Directive>,
    /// Backslash-escaped tags outside code.
    pub escapes: Vec<Escape>,
    /// Malformed tags outside code.
    pub errors: Vec<ScanError>,
}

/// A tag candidate outside excluded regions, with its context.
struct Found {
    tag: RawTag,
    context: Context,
}

fn classify(src: &str, kind: SourceKind) -> Vec<Found> {
    let tags = find_tags(src);
    if tags.is_empty() {
        return Vec::new(); // no tag: the regions (a full Markdown parse) are not needed
    }
    let neutral = neutralize(src, &tags);
    let regions: Regions = match kind {
        SourceKind::Markdown => regions::markdown(&neutral),
        SourceKind::Latex => regions::latex(&neutral),
    };
    let regions = regions.index();
    // Sized once: growing a vector of 100,000 tags by doubling copied it a dozen times.
    let mut found = Vec::with_capacity(tags.len());
    for t in tags {
        if regions.is_excluded(t.start) {
            continue;
        }
        let context = if regions.is_math(t.start) {
            Context::Math
        } else {
            Context::Text
        };
        found.push(Found { tag: t, context });
    }
    found
}

/// Overwrites every tag (or, for a malformed one, its name) with `x`, keeping line breaks and
/// byte offsets.
fn neutralize(src: &str, tags: &[RawTag]) -> String {
    let mut bytes = src.as_bytes().to_vec();
    for t in tags {
        for r in std::iter::once(t.start..t.end).chain(t.swallowed_close.clone()) {
            for b in &mut bytes[r] {
                if *b != b'\n' && *b != b'\r' {
                    *b = b'x';
                }
            }
        }
    }
    // Tags start and end on ASCII bytes, so whole characters were replaced by ASCII.
    String::from_utf8(bytes).unwrap_or_else(|_| src.to_string())
}

/// Finds every directive, escape and tag error of `src`.
pub fn scan(src: &str, kind: SourceKind) -> ScanResult {
    crate::base::lines::with_index(src, |lines| scan_with(src, kind, lines))
}

fn scan_with(src: &str, kind: SourceKind, lines: &LineIndex) -> ScanResult {
    let mut out = ScanResult::default();
    let found = classify(src, kind);
    out.directives.reserve(found.len());
    for Found { tag, context } in found {
        if tag.escaped {
            let keep = kind == SourceKind::Markdown && context == Context::Text;
            out.escapes.push(Escape {
                span: tag.start - 1..tag.start + 1,
                tag: tag.start..tag.end,
                context,
                replacement: if keep { "\\<" } else { "{<}" },
            });
            continue;
        }
        if let Some((span, message)) = tag.error {
            let (line, column) = lines.line_col(src, span.start);
            out.errors.push(ScanError {
                span,
                line,
                column,
                message,
            });
            continue;
        }
        let (line, column) = lines.line_col(src, tag.start);
        let first = lines.line_range(src, tag.start);
        let last = lines.line_range(src, tag.end.saturating_sub(1));
        let alone_on_line = src[first.start..tag.start].trim().is_empty()
            && src[tag.end..last.end.max(tag.end)].trim().is_empty();
        out.directives.push(Directive {
            span: tag.start..tag.end,
            line,
            column,
            attrs: tag.attrs,
            context,
            alone_on_line,
        });
    }
    out
}

/// Line and column of every `<mlsysim` tag (well-formed or not) left in an output of the build:
/// outside code, comments and front matter, and not backslash-escaped. Escapes spliced with
/// [`Escape::replacement`] are not reported (`\<` in Markdown text, `{<}` elsewhere).
pub fn find_unexpanded(output: &str, kind: SourceKind) -> Vec<(u32, u32)> {
    let lines = LineIndex::new(output);
    classify(output, kind)
        .into_iter()
        .filter(|f| !f.tag.escaped)
        .map(|f| lines.line_col(output, f.tag.start))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::lines::line_col;

    fn md(src: &str) -> ScanResult {
        scan(src, SourceKind::Markdown)
    }

    fn tex(src: &str) -> ScanResult {
        scan(src, SourceKind::Latex)
    }

    /// (text of span, line, column, context) for each directive.
    fn found(r: &ScanResult, src: &str) -> Vec<(String, u32, u32, Context)> {
        r.directives
            .iter()
            .map(|d| (src[d.span.clone()].to_string(), d.line, d.column, d.context))
            .collect()
    }

    fn at(src: &str, needle: &str, nth: usize) -> usize {
        src.match_indices(needle).nth(nth).expect("needle").0
    }

    const T: Context = Context::Text;
    const M: Context = Context::Math;

    #[test]
    fn inline_in_prose() {
        let s = "An H100 has <mlsysim value=\"hardware.H100.memory.bandwidth\" unit=\"TB/s\"/> of bandwidth.\n";
        let r = md(s);
        assert!(r.errors.is_empty() && r.escapes.is_empty());
        assert_eq!(r.directives.len(), 1);
        let d = &r.directives[0];
        assert_eq!(d.span, 12..73);
        assert_eq!(
            (d.line, d.column, d.context, d.alone_on_line),
            (1, 13, T, false)
        );
        assert_eq!(d.get("value"), Some("hardware.H100.memory.bandwidth"));
        let a = d.attr("unit").unwrap();
        assert_eq!(&s[a.value_span.clone()], "TB/s");
        assert_eq!(&s[a.name_span.clone()], "unit");
    }

    #[test]
    fn alone_on_line_followed_by_text_does_not_swallow_it() {
        // CommonMark would make the first line an HTML block swallowing the second one, and the
        // code span on line 2 would not be seen as code.
        let s = "<mlsysim let=\"x\" value=\"1\"/>\nThe value `<mlsysim value=\"x\"/>` is <mlsysim value=\"x\"/>.\n";
        let r = md(s);
        let f = found(&r, s);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0], ("<mlsysim let=\"x\" value=\"1\"/>".into(), 1, 1, T));
        assert_eq!(f[1], ("<mlsysim value=\"x\"/>".into(), 2, 37, T));
        assert!(r.directives[0].alone_on_line);
        assert!(!r.directives[1].alone_on_line);
        // A fence right after a directive line is still a code block.
        let s = "<mlsysim let=\"x\" value=\"1\"/>\n```\n<mlsysim value=\"x\"/>\n```\n";
        assert_eq!(md(s).directives.len(), 1);
    }

    #[test]
    fn multi_line_tag() {
        let s = "Peak is <mlsysim\n    value=\"hardware.H100.compute.peak_flops\"\n    unit=\"TFLOP/s\"/> today.";
        let r = md(s);
        assert_eq!(r.directives.len(), 1);
        let d = &r.directives[0];
        assert_eq!((d.line, d.column), (1, 9));
        assert_eq!(d.span, 8..at(s, " today", 0));
        assert_eq!(d.attrs[1].value, "TFLOP/s");
        let (l, c) = line_col(s, d.attrs[1].name_span.start);
        assert_eq!((l, c), (3, 5));
    }

    #[test]
    fn excluded_code_comments_front_matter() {
        let s = concat!(
            "---\n",
            "title: \"<mlsysim value=\\\"x\\\"/>\"\n",
            "---\n",
            "\n",
            "Use `<mlsysim value=\"x\"/>` like this.\n",
            "\n",
            "```{python}\n",
            "<mlsysim value=\"x\"/>\n",
            "```\n",
            "\n",
            "~~~markdown\n",
            "<mlsysim value=\"x\"/> and <mlsysim broken\n",
            "~~~\n",
            "\n",
            "    <mlsysim value=\"indented\"/>\n",
            "\n",
            "<!-- <mlsysim value=\"commented\"/> -->\n",
            "Text <!-- <mlsysim value=\"c2\"/> --> <mlsysim value=\"real\"/>\n",
        );
        let r = md(s);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let f = found(&r, s);
        assert_eq!(f, vec![("<mlsysim value=\"real\"/>".into(), 18, 37, T)]);
    }

    #[test]
    fn containers_tables_lists_quotes_footnotes_callouts() {
        let s = concat!(
            "| GPU | BW |\n",
            "|---|---|\n",
            "| H100 | <mlsysim value=\"a\" columns=\"x:TB/s|BW\"/> |\n",
            "\n",
            "- item <mlsysim value=\"b\"/>\n",
            "  1. nested <mlsysim value=\"c\"/>\n",
            "\n",
            "> quoted <mlsysim value=\"d\"/>\n",
            "\n",
            "Claim.[^n]\n",
            "\n",
            "[^n]: Footnote <mlsysim value=\"e\"/>.\n",
            "\n",
            "::: {.callout-note}\n",
            "<mlsysim value=\"f\"/>\n",
            ":::\n",
            "\n",
            "::: {#fig-x fig-cap=\"Peak <mlsysim value=\"g\" unit=\"TFLOP/s\"/>\"}\n",
            "![Alt <mlsysim value=\"h\"/>](x.png)\n",
            ":::\n",
            "\n",
            "~~struck <mlsysim value=\"i\"/>~~\n",
            "\n",
            "# Heading <mlsysim value=\"j\"/> {#sec-x}\n",
        );
        let r = md(s);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let vals: Vec<_> = r
            .directives
            .iter()
            .map(|d| (d.get("value").unwrap(), d.line, d.column))
            .collect();
        assert_eq!(
            vals,
            vec![
                ("a", 3, 10),
                ("b", 5, 8),
                ("c", 6, 13),
                ("d", 8, 10),
                ("e", 12, 16),
                ("f", 15, 1),
                ("g", 18, 27),
                ("h", 19, 7),
                ("i", 22, 10),
                ("j", 24, 11)
            ]
        );
        assert!(r.directives.iter().all(|d| d.context == T));
        assert!(r.directives[5].alone_on_line);
    }

    #[test]
    fn math_context() {
        let s = concat!(
            "Inline $P = <mlsysim value=\"a\" unit=\"W\"/> \\times 2$ and text <mlsysim value=\"b\"/>.\n",
            "\n",
            "$$\n",
            "R = <mlsysim value=\"c\" unit=\"$\"/>\n",
            "$$\n",
            "\n",
            "A dollar unit <mlsysim value=\"d\" unit=\"$\"/> then $x$ and <mlsysim value=\"e\" unit=\"$\"/>.\n",
            "\n",
            "\\begin{align}\n",
            "y &= <mlsysim value=\"f\"/>\n",
            "\\end{align}\n",            "\n",
            "It costs $5 and <mlsysim value=\"g\"/> and $10 more; $ a <mlsysim value=\"h\"/> $ is no math.\n",
        );
        let r = md(s);
        let ctx: Vec<_> = r
            .directives
            .iter()
            .map(|d| (d.get("value").unwrap(), d.context))
            .collect();
        assert_eq!(
            ctx,
            vec![
                ("a", M),
                ("b", T),
                ("c", M),
                ("d", T),
                ("e", T),
                ("f", M),
                ("g", T),
                ("h", T)
            ]
        );
    }

    #[test]
    fn escapes() {
        let s = "Write \\<mlsysim value=\"x\"/> to show a tag; \\\\<mlsysim value=\"y\"/> is real. `\\<mlsysim/>` is code. $\\<mlsysim a=\"1\"/>$\n";
        let r = md(s);
        assert_eq!(r.escapes.len(), 2, "{:?}", r.escapes);
        let e = &r.escapes[0];
        assert_eq!(&s[e.span.clone()], "\\<");
        assert_eq!(&s[e.tag.clone()], "<mlsysim value=\"x\"/>");
        assert_eq!((e.context, e.replacement), (T, "\\<"));
        assert_eq!((r.escapes[1].context, r.escapes[1].replacement), (M, "{<}"));
        assert_eq!(found(&r, s).len(), 1);
        assert_eq!(r.directives[0].get("value"), Some("y"));
        // An escaped malformed tag is not an error.
        let r = md("See \\<mlsysim ...> in the docs.");
        assert!(r.errors.is_empty() && r.directives.is_empty());
        assert_eq!(r.escapes.len(), 1);
        let r = tex("\\<mlsysim a=\"1\"/>");
        assert_eq!(r.escapes[0].replacement, "{<}");
    }

    #[test]
    fn errors_with_positions() {
        let s = concat!(
            "Line one <mlsysim value=\"x\">\n",
            "then <mlsysim value=\"x\" value=\"y\"/>\n",
            "and <mlsysim value=x/> and <mlsysim unit/>\n",
            "a stray </mlsysim> here\n",
            "<mlsysim a=\"1\">content</mlsysim>\n",
            "\n",
            "last <mlsysim value=\"x\"",
        );
        let r = md(s);
        assert!(r.directives.is_empty(), "{:?}", r.directives);
        let e: Vec<_> = r
            .errors
            .iter()
            .map(|e| (e.line, e.column, &s[e.span.clone()]))
            .collect();
        assert_eq!(
            e,
            vec![
                (1, 10, "<mlsysim value=\"x\">"),
                (2, 25, "value"),
                (3, 20, "x"),
                (3, 37, "unit"),
                (4, 9, "</mlsysim>"),
                (5, 1, "<mlsysim a=\"1\">content</mlsysim>"),
                (7, 6, "<mlsysim"),
            ]
        );
        assert!(r.errors[0].message.contains("self-closing"));
        assert!(r.errors[1].message.contains("duplicate attribute `value`"));
        assert!(r.errors[6].message.contains("unterminated"));
        assert_eq!(
            r.errors[0].to_string(),
            format!("1:10: {}", r.errors[0].message)
        );
    }

    #[test]
    fn latex_sources() {
        let s = concat!(
            "\\begin{frame}{Roofline}\n",
            "Peak: <mlsysim value=\"a\" unit=\"TFLOP/s\"/> % <mlsysim value=\"comment\"/>\n",
            "Cost: <mlsysim value=\"b\" unit=\"$\"/> and 50\\% of <mlsysim value=\"c\" style=\"percent\"/>\n",
            "$r = <mlsysim value=\"d\"/>$, \\(<mlsysim value=\"e\"/>\\), \\[<mlsysim value=\"f\"/>\\]\n",
            "\\begin{equation}\n",
            "  x = <mlsysim value=\"g\"/>\n",
            "\\end{equation}\n",
            "\\begin{lstlisting}\n",
            "<mlsysim value=\"listing\"/>\n",
            "\\end{lstlisting}\n",
            "\\begin{verbatim}\n",
            "<mlsysim value=\"verbatim\"\n",
            "\\end{verbatim}\n",
            "\\verb|<mlsysim value=\"verb\"/>| <mlsysim value=\"h\"/>\n",
            "\\end{frame}\n",
        );
        let r = tex(s);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let v: Vec<_> = r
            .directives
            .iter()
            .map(|d| (d.get("value").unwrap(), d.line, d.column, d.context))
            .collect();
        assert_eq!(
            v,
            vec![
                ("a", 2, 7, T),
                ("b", 3, 7, T),
                ("c", 3, 49, T),
                ("d", 4, 6, M),
                ("e", 4, 31, M),
                ("f", 4, 57, M),
                ("g", 6, 7, M),
                ("h", 14, 32, T),
            ]
        );
    }

    #[test]
    fn quarto_fixture() {
        let s = include_str!("testdata/chapter.qmd");
        let r = md(s);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let v: Vec<_> = r
            .directives
            .iter()
            .map(|d| {
                let kind = ["let", "value", "solve", "table", "figure"]
                    .into_iter()
                    .find(|k| d.attr(k).is_some())
                    .unwrap();
                (kind, d.line, d.column, d.context, d.alone_on_line)
            })
            .collect();
        assert_eq!(
            v,
            vec![
                ("let", 14, 1, T, true),
                ("value", 15, 9, T, false),
                ("value", 15, 93, T, false),
                ("value", 19, 12, M, false),
                ("value", 22, 5, M, false),
                ("table", 27, 1, T, true),
                ("value", 30, 15, T, false),
                ("value", 34, 12, T, false),
                ("value", 36, 32, T, false),
                ("value", 40, 16, T, false),
                ("figure", 43, 1, T, true),
                ("value", 47, 31, T, false),
            ]
        );
        assert_eq!(r.escapes.len(), 1);
        assert_eq!(line_col(s, r.escapes[0].span.start), (49, 23));
        for d in &r.directives {
            assert!(s[d.span.clone()].starts_with("<mlsysim") && s[d.span.clone()].ends_with("/>"));
        }
    }

    #[test]
    fn unexpanded_in_output() {
        let out = "Done 3.35 TB/s. Left <mlsysim value=\"x\"/>.\n`<mlsysim/>` is code; \\<mlsysim a=\"1\"/> is escaped.\n\n<mlsysim broken\n\n$a = {<}mlsysim b=\"1\"/>$\n";
        assert_eq!(
            find_unexpanded(out, SourceKind::Markdown),
            vec![(1, 22), (4, 1)]
        );
        let tex_out = "A {<}mlsysim a=\"1\"/> and % <mlsysim/>\n<mlsysim value=\"x\"/>";
        assert_eq!(find_unexpanded(tex_out, SourceKind::Latex), vec![(2, 1)]);
        assert!(find_unexpanded("clean", SourceKind::Markdown).is_empty());
    }

    #[test]
    fn splicing_escapes_leaves_nothing_unexpanded() {
        let src = "Show \\<mlsysim value=\"x\"/> and $\\<mlsysim a=\"1\"/>$.";
        let r = md(src);
        let mut out = src.to_string();
        for e in r.escapes.iter().rev() {
            out.replace_range(e.span.clone(), e.replacement);
        }
        assert_eq!(
            out,
            "Show \\<mlsysim value=\"x\"/> and ${<}mlsysim a=\"1\"/>$."
        );
        assert!(find_unexpanded(&out, SourceKind::Markdown).is_empty());
    }

    #[test]
    fn unicode_columns_crlf_and_adjacency() {
        let s = "Δ = μ <mlsysim value=\"x\"/>\r\nx<mlsysim value=\"y\"/>y\r\n";
        let r = md(s);
        let f = found(&r, s);
        assert_eq!((f[0].1, f[0].2), (1, 7));
        assert_eq!((f[1].1, f[1].2), (2, 2));
        assert_eq!(r.directives[0].span.start, at(s, "<mlsysim", 0));
        let r = tex("Costs \\$5 and <mlsysim value=\"a\" unit=\"$\"/> then $x$.\r\n");
        assert_eq!(r.directives[0].context, T);
        assert_eq!((r.directives[0].line, r.directives[0].column), (1, 15));
    }

    #[test]
    fn source_kind_from_path() {
        assert_eq!(
            SourceKind::from_path(Path::new("a/b.qmd")),
            Some(SourceKind::Markdown)
        );
        assert_eq!(
            SourceKind::from_path(Path::new("a/b.MD")),
            Some(SourceKind::Markdown)
        );
        assert_eq!(
            SourceKind::from_path(Path::new("s.tex")),
            Some(SourceKind::Latex)
        );
        assert_eq!(SourceKind::from_path(Path::new("x.svg")), None);
    }
}
