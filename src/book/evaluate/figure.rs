//! `figure="roofline"` or `figure="scorecard"`: draws the figure (written later to
//! `figures/<id>.svg` for Markdown, `.pdf` for LaTeX) and prints its reference, a Markdown image or
//! a LaTeX figure, through the figure templates.
//!
//! Rules: a figure cannot be placed inside math; in Markdown it stands alone on its own line and
//! is printed as a block of its own (blank lines are added around it, so two figures on adjacent
//! lines stay two figures); an error is located at the attribute it names,
//! else at the tag; every value the figure shows is a record (cell: the value's name); the
//! figure's solver warnings are shown at the directive and carried by its records; ids are checked
//! for uniqueness across the book by the build, from where each `id` is written.

use super::{problem, tag_start, FileEval, Problem};
use crate::base::diag::Diagnostic;
use crate::base::escape::{latex_text, md_attr, md_bracket, xml};
use crate::book::model::{FigureOut, Kind, RecordLineage};
use crate::present::figure::{self, convert::FigFormat, FigureError};
use crate::syntax::{Context, Directive, SourceKind};
use std::ops::Range;

impl FileEval<'_> {
    /// A `figure=` directive: draws the figure and prints its reference (a Markdown image, or a
    /// LaTeX figure including the PDF).
    pub(super) fn figure(&mut self, d: &Directive) -> Result<(Range<usize>, String), Problem> {
        let at = |e: &FigureError| {
            e.attr
                .as_deref()
                .and_then(|a| d.attr(a))
                .map_or(tag_start(d), |a| a.value_span.clone())
        };
        if d.context == Context::Math {
            return Err(problem(
                d.attr("figure").expect("figure").value_span.clone(),
                "a figure cannot be placed inside math",
            ));
        }
        if self.kind == SourceKind::Markdown && !self.alone_in_block(d) {
            return Err(Problem {
                span: d.attr("figure").expect("figure").name_span.clone(),
                message: "a figure directive must stand alone on its own line".into(),
                help: Some(
                    "put the directive on a line of its own; it becomes a figure with its caption"
                        .into(),
                ),
            });
        }
        let mut req =
            figure::parse_request(&d.attr_pairs()).map_err(|e| problem(at(&e), e.to_string()))?;
        req.theme = self.templates.figure_theme(req.preset.as_deref());
        let fig = figure::render_svg(self.reg, &req).map_err(|e| problem(at(&e), e.to_string()))?;
        let (format, template, ctx) = match self.kind {
            SourceKind::Markdown => {
                let md = self.templates.markdown_figures();
                let href = markdown_href(self.book_rel, &md.dir, &req.id);
                let ctx = if md.template == "figure.mdbook.j2" {
                    serde_json::json!({
                        "id": xml(&req.id),
                        "href": xml(&href),
                        "caption": xml(&req.caption),
                        "alt": xml(&req.alt),
                    })
                } else {
                    serde_json::json!({
                        "id": req.id,
                        "href": href,
                        // `<` too: a caption is text, never raw HTML.
                        "caption": md_bracket(&req.caption),
                        "alt": md_attr(&req.alt),
                    })
                };
                (FigFormat::Svg, md.template, ctx)
            }
            SourceKind::Latex => (
                FigFormat::Pdf,
                "figure.tex.j2",
                serde_json::json!({
                    "id": req.id,
                    "href": figure::figure_href(self.book_rel, &req.id, "pdf"),
                    "caption": latex_text(&req.caption),
                    "alt": latex_text(&req.alt),
                }),
            ),
        };
        let mut text = self
            .templates
            .render(template, ctx)
            .map_err(|e| problem(d.span.clone(), e))?;
        if self.kind == SourceKind::Markdown {
            text = self.own_block(d, text);
        }
        for v in &fig.values {
            let l = &v.lineage;
            let lineage = RecordLineage {
                derivation: format!("figure {}: {}", req.id, v.name),
                provenance: self.provenance(&l.leaves, &l.formulas, &l.inputs),
            };
            self.record(
                d,
                Kind::Figure,
                Some(v.name.clone()),
                v.printed.clone(),
                v.value,
                &v.display_unit,
                lineage,
                &fig.warnings,
            );
        }
        self.warn(d, &fig.warnings);
        let id_span = d
            .attr("id")
            .map_or(d.span.clone(), |a| a.value_span.clone());
        self.figures.push(FigureOut {
            figure: fig,
            format,
            at: Diagnostic::at(&self.file_arc, self.src, id_span, ""),
        });
        Ok((d.span.clone(), text))
    }

    /// Only whitespace (or a block quote's `>`) before the directive on its line, only whitespace
    /// after it.
    fn alone_in_block(&self, d: &Directive) -> bool {
        let line_start = self.src[..d.span.start].rfind('\n').map_or(0, |i| i + 1);
        let rest = self.src[d.span.end..].split('\n').next().unwrap_or("");
        self.src[line_start..d.span.start]
            .trim_start_matches(|c: char| c == '>' || c.is_whitespace())
            .is_empty()
            && rest.trim().is_empty()
    }

    /// `text` as a block of its own: a blank line before it unless the source has one, and after
    /// it unless one follows. Inside a block quote or an indented block the blank lines keep the
    /// line's prefix (`> `, spaces), so the figure stays in its container.
    fn own_block(&self, d: &Directive, text: String) -> String {
        let text = text.trim_matches('\n');
        let line_start = self.src[..d.span.start].rfind('\n').map_or(0, |i| i + 1);
        let prefix = &self.src[line_start..d.span.start];
        let blank = prefix.trim_end();
        // Lines of the figure after the first keep the prefix too.
        let body = text.replace('\n', &format!("\n{prefix}"));
        let blankish = |l: &str| {
            l.trim_start_matches(|c: char| c == '>' || c.is_whitespace())
                .is_empty()
        };
        let prev_blank = self.src[..line_start]
            .strip_suffix('\n')
            .is_none_or(|b| blankish(b.rsplit('\n').next().unwrap_or("")));
        let next = self.src[d.span.end..]
            .split_once('\n')
            .map(|(_, rest)| rest);
        let next_blank =
            next.is_none_or(|n| n.is_empty() || blankish(n.split('\n').next().unwrap_or("")));
        let mut out = String::with_capacity(body.len() + 2 * prefix.len() + 4);
        if !prev_blank {
            // The directive's line holds only the prefix: it becomes the blank line.
            out.push('\n');
            out.push_str(prefix);
        }
        out.push_str(&body);
        if !next_blank {
            out.push('\n');
            out.push_str(blank);
        }
        out
    }
}

/// The figure's SVG from the source at `book_rel`: `dir/<id>.svg` under the book root.
fn markdown_href(book_rel: &str, dir: &str, id: &str) -> String {
    let depth = book_rel.split('/').count().saturating_sub(1);
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() {
        format!("{}{id}.svg", "../".repeat(depth))
    } else {
        format!("{}{dir}/{id}.svg", "../".repeat(depth))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::evaluate::FileEval;
    use crate::book::templates::{MarkdownFigures, Templates};

    fn fig(id: &str) -> String {
        format!("<mlsysim figure=\"scorecard\" id=\"{id}\" scenario=\"SmartDoorbell\" caption=\"C {id}\" alt=\"A {id}\"/>")
    }

    fn eval(src: &str, tpl: &Templates) -> crate::book::model::FileOutput {
        let reg = crate::registry::load::embedded().expect("registry loads");
        FileEval::run(&reg, tpl, "ch/a.md", src, SourceKind::Markdown)
    }

    #[test]
    fn each_figure_is_a_block_of_its_own_whatever_the_spacing() {
        let tpl = Templates::load(None).unwrap();
        let src = format!(
            "Text.\n{}\n{}\nMore.\n\n> Quote:\n> {}\n> more.\n",
            fig("f1"),
            fig("f2"),
            fig("f3")
        );
        let o = eval(&src, &tpl);
        assert!(o.diags.is_empty(), "{:?}", o.diags);
        let img = |id: &str| {
            format!("![C {id}](../figures/{id}.svg){{#{id} fig-alt=\"A {id}\" alt=\"A {id}\"}}")
        };
        assert_eq!(
            o.text,
            format!(
                "Text.\n\n{}\n\n\n{}\n\nMore.\n\n> Quote:\n> \n> {}\n>\n> more.\n",
                img("f1"),
                img("f2"),
                img("f3")
            )
        );
        // Text before or after it on its line is an error, as for tables.
        let o = eval(&format!("See {}\n", fig("f4")), &tpl);
        assert!(
            o.diags[0].message.contains("must stand alone"),
            "{:?}",
            o.diags
        );
    }

    #[test]
    fn the_mdbook_template_prints_an_html_figure() {
        let tpl = Templates::load(None)
            .unwrap()
            .with_markdown_figures(MarkdownFigures {
                template: "figure.mdbook.j2",
                dir: "_mlsysim/figures".into(),
            });
        let src = fig("f1").replace("C f1", "A & B <c>");
        let o = eval(&format!("# T\n{src}\n"), &tpl);
        assert!(o.diags.is_empty(), "{:?}", o.diags);
        assert!(o.text.starts_with("# T\n\n<figure id=\"f1\" class=\"mlsysim-figure\">\n<img src=\"../_mlsysim/figures/f1.svg\" alt=\""), "{}", o.text);
        assert!(
            o.text
                .contains("<figcaption>A &amp; B &lt;c&gt;</figcaption>\n</figure>"),
            "{}",
            o.text
        );
    }

    #[test]
    fn hrefs_climb_from_the_source_to_the_figure_folder() {
        assert_eq!(markdown_href("a.md", "figures", "f"), "figures/f.svg");
        assert_eq!(
            markdown_href("ch/a.md", "_mlsysim/figures", "f"),
            "../_mlsysim/figures/f.svg"
        );
        assert_eq!(markdown_href("a.md", "", "f"), "f.svg");
        assert_eq!(xml("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
    }
}
