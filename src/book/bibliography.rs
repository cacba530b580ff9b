//! The bibliography of `[cite] style = "pandoc"`: every registry source as BibLaTeX
//! (`mlsysim.bib`) and CSL JSON (`mlsysim-references.json`), written into the build (and beside the
//! Quarto value cache), so that citeproc numbers, merges and lists the `[@id]` citations.
//!
//! Rules: one entry per source, keyed by its registry id, sorted by id (deterministic bytes);
//! sources with a URL are `@online` / `webpage` (the URL is what a reader follows), others
//! `@misc` / `document`; the `verified` date is the access date; the kind and notes go to the
//! note. Every BibTeX field value is escaped by [`latex_text`].

use crate::base::escape::latex_text;
use crate::registry::source::{Source, SourceKind};
use crate::registry::Registry;

/// File name of the BibLaTeX bibliography.
pub const BIB: &str = "mlsysim.bib";
/// File name of the CSL JSON bibliography.
pub const CSL: &str = "mlsysim-references.json";

fn note(s: &Source) -> String {
    match &s.notes {
        Some(n) => format!("{}. {n}", s.kind.name()),
        None => s.kind.name().to_string(),
    }
}

/// The registry's sources as BibLaTeX.
pub fn biblatex(reg: &Registry) -> String {
    let mut out =
        String::from("% Written by mlsysim-book from the registry's sources; do not edit.\n");
    for s in reg.sources.values() {
        let ty = if s.url.is_some() { "online" } else { "misc" };
        out.push_str(&format!("\n@{ty}{{{},\n", s.id));
        out.push_str(&format!("  title = {{{{{}}}}},\n", latex_text(&s.title)));
        if let Some(u) = &s.url {
            out.push_str(&format!("  url = {{{u}}},\n"));
        }
        if s.kind == SourceKind::Literature || s.kind == SourceKind::Datasheet {
            out.push_str(&format!("  howpublished = {{{}}},\n", s.kind.name()));
        }
        out.push_str(&format!("  urldate = {{{}}},\n", s.verified));
        out.push_str(&format!("  note = {{{}}}\n}}\n", latex_text(&note(s))));
    }
    out
}

/// The registry's sources as CSL JSON.
pub fn csl_json(reg: &Registry) -> String {
    let items: Vec<serde_json::Value> = reg
        .sources
        .values()
        .map(|s| {
            let date: Vec<u32> = s
                .verified
                .split('-')
                .filter_map(|p| p.parse().ok())
                .collect();
            let mut item = serde_json::json!({
                "id": s.id,
                "type": if s.url.is_some() { "webpage" } else { "document" },
                "title": s.title,
                "accessed": { "date-parts": [date] },
                "note": note(s),
            });
            if let Some(u) = &s.url {
                item["URL"] = serde_json::Value::String(u.clone());
            }
            item
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}

/// Both files, by name.
pub fn files(reg: &Registry) -> [(&'static str, String); 2] {
    [(BIB, biblatex(reg)), (CSL, csl_json(reg))]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_once_with_escapes() {
        let reg = crate::registry::load::embedded().unwrap();
        let bib = biblatex(&reg);
        assert_eq!(bib.matches("\n@").count(), reg.sources.len());
        assert!(bib.contains("@online{nvidia-h100-datasheet,\n  title = {{NVIDIA H100 datasheet;"));
        let csl: serde_json::Value = serde_json::from_str(&csl_json(&reg)).unwrap();
        assert_eq!(csl.as_array().unwrap().len(), reg.sources.len());
        assert_eq!(latex_text("50% & $5_x"), "50\\% \\& \\$5\\_x");
    }
}
