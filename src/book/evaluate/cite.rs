//! Citations: `cite="true"` on a printed value adds a marker for every source behind it. In
//! Markdown a marker is a footnote reference (`[^mlsysim-<id>]`) and the file's footnote
//! definitions are appended at its end; in LaTeX each marker is an inline `\footnote`.
//!
//! Rules: `cite` is `true` or `false` and impossible inside math; a source is defined once per
//! Markdown file, in order of first citation, and its marker is the same wherever it is cited;
//! registry tables cite their cells unless `cite="false"` (see the table module); source titles are
//! escaped for LaTeX.

use super::{problem, FileEval, Problem};
use crate::syntax::{Context, Directive, SourceKind};
use std::sync::Arc;

/// The footnote label of a source.
fn label(id: &str) -> String {
    format!("mlsysim-{id}")
}

/// Escapes LaTeX specials in plain text (source titles in `\footnote`, figure captions).
pub(super) fn latex_escape(s: &str) -> String {
    crate::base::escape::latex_text(s)
}

impl FileEval<'_> {
    /// Whether the directive asks for citation markers (`cite="true"`).
    pub(super) fn cite(&self, d: &Directive) -> Result<bool, Problem> {
        match d.attr("cite") {
            None => Ok(false),
            Some(a) => match a.value.as_str() {
                "true" => {
                    if d.context == Context::Math {
                        Err(problem(a.name_span.clone(), "`cite` is not possible inside math: cite the value in the surrounding text"))
                    } else {
                        Ok(true)
                    }
                }
                "false" => Ok(false),
                _ => Err(problem(
                    a.value_span.clone(),
                    format!(
                        "`cite=\"{}\"` is not valid: expected true or false",
                        a.value
                    ),
                )),
            },
        }
    }

    /// Footnote markers (Markdown) or inline footnotes (LaTeX) for `sources` (sorted ids).
    pub(super) fn markers(
        &mut self,
        sources: &[Arc<str>],
        d: &Directive,
    ) -> Result<String, Problem> {
        let mut out = String::new();
        for id in sources {
            if let Some(m) = self.markers_done.get(id) {
                out.push_str(m);
                continue;
            }
            let Some(s) = self.reg.sources.get(&**id) else {
                continue;
            };
            let text = if self.kind == SourceKind::Latex {
                self.templates.render(
                    "footnote.tex.j2",
                    serde_json::json!({ "title": latex_escape(&s.title), "kind": s.kind.name(), "url": s.url.as_deref().map(crate::base::escape::latex_url), "verified": s.verified }),
                )
            } else {
                if !self.cited.iter().any(|c| c == &**id) {
                    self.cited.push(id.to_string());
                }
                self.templates.marker(&label(id))
            };
            let text = text.map_err(|e| problem(d.span.clone(), e))?;
            out.push_str(&text);
            if self.kind == SourceKind::Markdown {
                // The marker of a source is the same wherever it is cited in the file.
                self.markers_done.insert(id.clone(), text);
            }
        }
        Ok(out)
    }

    /// The footnote definitions of the sources cited in a Markdown file, in order of citation.
    pub(super) fn footnotes(&self) -> Result<String, String> {
        let sources: Vec<serde_json::Value> = self
            .cited
            .iter()
            .filter_map(|id| self.reg.sources.get(id))
            .map(|s| serde_json::json!({ "label": label(&s.id), "id": s.id, "title": crate::base::escape::md_text(&s.title), "kind": s.kind.name(), "url": s.url.as_deref().map(crate::base::escape::md_url), "verified": s.verified }))
            .collect();
        self.templates
            .render("footnotes.md.j2", serde_json::json!({ "sources": sources }))
    }
}
