//! Citations: `cite="true"` on a printed value adds a marker for every source behind it. In
//! Markdown a marker is a footnote reference (`[^mlsysim-<id>]`) and the file's footnote
//! definitions are appended at its end; in LaTeX each marker is an inline `\footnote`.
//!
//! In pandoc style (`[cite] style = "pandoc"` in `mlsysim.toml`) a marker is `[@id]` (Markdown) or
//! `\cite{id}` (LaTeX) and the build writes the bibliography (`mlsysim.bib`, CSL JSON).
//!
//! Rules: `cite` is `true` or `false` and impossible inside math; in footnote style a source is
//! defined once per Markdown file, in order of first citation, and referenced once, at its first
//! citation (one footnote per source and file in every renderer); registry tables cite each
//! distinct source once in a note under the table (`cite="cells"`: a marker per cell,
//! `cite="false"`: none); source titles are escaped for LaTeX.

use super::{problem, FileEval, Problem};
use crate::base::escape::latex_text;
use crate::book::config::CiteStyle;
use crate::syntax::{Context, Directive, SourceKind};
use std::sync::Arc;

/// The footnote label of a source.
fn label(id: &str) -> String {
    format!("mlsysim-{id}")
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

    /// Citation markers for `sources` (sorted ids). Footnote style: a footnote reference in
    /// Markdown, only at the first citation of a source in the file (pandoc and Quarto make one
    /// footnote per reference, so a source cited ten times would be ten footnotes), an inline
    /// `\footnote` in LaTeX. Pandoc style: `[@a; @b]` in Markdown, `\cite{a,b}` in LaTeX.
    pub(super) fn markers(
        &mut self,
        sources: &[Arc<str>],
        d: &Directive,
    ) -> Result<String, Problem> {
        let known: Vec<&Arc<str>> = sources
            .iter()
            .filter(|id| self.reg.sources.contains_key(&***id))
            .collect();
        if self.templates.style.cite == CiteStyle::Pandoc {
            if known.is_empty() {
                return Ok(String::new());
            }
            let ids: Vec<&str> = known.iter().map(|id| &***id).collect();
            return Ok(if self.kind == SourceKind::Latex {
                format!("\\cite{{{}}}", ids.join(","))
            } else {
                format!(
                    "[{}]",
                    ids.iter()
                        .map(|i| format!("@{i}"))
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            });
        }
        let mut out = String::new();
        for id in known {
            let s = &self.reg.sources[&**id];
            if self.kind == SourceKind::Latex {
                let text = self.templates.render(
                    "footnote.tex.j2",
                    serde_json::json!({ "title": latex_text(&s.title), "kind": s.kind.name(), "url": s.url.as_deref().map(crate::base::escape::latex_url), "verified": s.verified }),
                );
                out.push_str(&text.map_err(|e| problem(d.span.clone(), e))?);
                continue;
            }
            if self.markers_done.contains_key(id) {
                // One footnote per source and file: cited once, at its first use.
                continue;
            }
            self.cited.push(id.to_string());
            let text = self
                .templates
                .marker(&label(id))
                .map_err(|e| problem(d.span.clone(), e))?;
            out.push_str(&text);
            self.markers_done.insert(id.clone(), text);
        }
        Ok(out)
    }

    /// The source note under a table: each distinct source once, its title then its marker
    /// (`Sources: NVIDIA H100 datasheet[^mlsysim-x]; ...`), in order of first appearance.
    pub(super) fn source_note(
        &mut self,
        sources: &[Arc<str>],
        d: &Directive,
    ) -> Result<String, Problem> {
        let mut parts = Vec::new();
        for id in sources {
            let Some(s) = self.reg.sources.get(&**id) else {
                continue;
            };
            let title = if self.kind == SourceKind::Latex {
                latex_text(&s.title)
            } else {
                s.title.clone()
            };
            let m = self.markers(std::slice::from_ref(id), d)?;
            let sep = if self.templates.style.cite == CiteStyle::Pandoc
                && self.kind != SourceKind::Latex
            {
                " "
            } else {
                ""
            };
            parts.push(if m.is_empty() {
                title
            } else {
                format!("{title}{sep}{m}")
            });
        }
        if parts.is_empty() {
            return Ok(String::new());
        }
        let word = if parts.len() == 1 {
            "Source"
        } else {
            "Sources"
        };
        Ok(format!("{word}: {}.", parts.join("; ")))
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
