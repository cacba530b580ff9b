//! `figure="roofline"` or `figure="scorecard"`: draws the figure (written later to
//! `figures/<id>.svg` for Markdown, `.pdf` for LaTeX) and prints its reference, a Markdown image or
//! a LaTeX figure, through the figure templates.
//!
//! Rules: a figure cannot be placed inside math; an error is located at the attribute it names,
//! else at the tag; every value the figure shows is a record (cell: the value's name); the
//! figure's solver warnings are shown at the directive and carried by its records; ids are checked
//! for uniqueness across the book by the build, from where each `id` is written.

use super::cite::latex_escape;
use super::{problem, tag_start, FileEval, Problem};
use crate::base::diag::Diagnostic;
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
        let mut req =
            figure::parse_request(&d.attr_pairs()).map_err(|e| problem(at(&e), e.to_string()))?;
        req.theme = self.templates.figure_theme(req.preset.as_deref());
        let fig = figure::render_svg(self.reg, &req).map_err(|e| problem(at(&e), e.to_string()))?;
        let (format, template, ctx) = match self.kind {
            SourceKind::Markdown => (
                FigFormat::Svg,
                "figure.md.j2",
                serde_json::json!({
                    "id": req.id,
                    "href": figure::figure_href(self.book_rel, &req.id, "svg"),
                    "caption": figure::markdown_text_escape(&req.caption),
                    "alt": figure::markdown_attr_escape(&req.alt),
                }),
            ),
            SourceKind::Latex => (
                FigFormat::Pdf,
                "figure.tex.j2",
                serde_json::json!({
                    "id": req.id,
                    "href": figure::figure_href(self.book_rel, &req.id, "pdf"),
                    "caption": latex_escape(&req.caption),
                    "alt": latex_escape(&req.alt),
                }),
            ),
        };
        let text = self
            .templates
            .render(template, ctx)
            .map_err(|e| problem(d.span.clone(), e))?;
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
}
