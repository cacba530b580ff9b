//! Rendering an audit: a serializable [`View`] of the selected values with their registry values,
//! sources, summary and findings, written as text (terminal), JSON (machines) or Markdown (the
//! book's "where the numbers come from" appendix, through the `audit.md.j2` template).

use super::summary::Summary;
use super::text::plain;
use super::{entry_of, Audit, Options};
use crate::base::units::parse_unit;
use crate::book::model::{Kind, Record, RegistryRef};
use crate::book::templates::Templates;
use crate::registry::query::{leaf_text, plain_number};
use crate::registry::{Source, SourceKind};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::Path;

/// The question a partial audit answers.
#[derive(Clone, Debug, Serialize)]
pub struct Query {
    /// `value`, `source` or `entry`.
    pub kind: &'static str,
    /// The argument (`01-hardware-acceleration.qmd:23`, `nvidia-h100-datasheet`, `hardware.H100`).
    pub arg: String,
}

/// One printed value with its derivation.
#[derive(Clone, Debug, Serialize)]
pub struct ValueView<'a> {
    /// `path:line:column`, the path as the book folder was given.
    pub at: String,
    /// File relative to the book.
    pub file: &'a str,
    /// Line.
    pub line: u32,
    /// Column.
    pub column: u32,
    /// `value`, `solve`, `table` or `figure`.
    pub kind: Kind,
    /// Table cell.
    pub cell: Option<&'a str>,
    /// The directive as written.
    pub directive: &'a str,
    /// The printed text, exactly.
    pub printed: &'a str,
    /// The printed text as a reader sees it (no citation markers, LaTeX rendered as text).
    pub reads: Cow<'a, str>,
    /// Value in base units (none for labels).
    pub value: Option<f64>,
    /// Base unit.
    pub unit: &'a str,
    /// Display unit.
    pub display_unit: &'a str,
    /// The expression or `solver.output`.
    pub derivation: &'a str,
    /// Formulas applied.
    pub formulas: &'a [std::sync::Arc<str>],
    /// Inputs that are not registry values (JSON: an object, in input order).
    #[serde(serialize_with = "pairs_as_map")]
    pub inputs: &'a [(std::sync::Arc<str>, std::sync::Arc<str>)],
    /// Registry entries used (`hardware.H100`), in order of first use.
    pub entries: Entries<'a>,
    /// Registry values used (paths; details under the view's `registry`).
    pub registry: Paths<'a>,
    /// Source ids (details under the view's `sources`).
    pub sources: &'a [std::sync::Arc<str>],
    /// Kinds of the sources, without duplicates.
    pub provenance: Provenance,
    /// What the solvers behind it warned about (JSON: only when there is a warning).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub warnings: &'a [std::sync::Arc<str>],
    /// Each source with its kind (for the text report).
    #[serde(skip)]
    pub sourced: Sourced<'a>,
}

/// The registry paths of a value, serialized as a list (no copy).
#[derive(Clone, Copy, Debug)]
pub struct Paths<'a>(pub &'a [RegistryRef]);

impl<'a> Paths<'a> {
    /// The paths in lineage order.
    pub fn iter(self) -> impl Iterator<Item = &'a str> {
        self.0.iter().map(|r| &*r.path)
    }
}

impl Serialize for Paths<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// The registry entries of a value (`hardware.H100`), each once, in order of first use.
#[derive(Clone, Copy, Debug)]
pub struct Entries<'a>(pub &'a [RegistryRef]);

impl<'a> Entries<'a> {
    /// The entries, each once.
    pub fn iter(self) -> impl Iterator<Item = &'a str> {
        let refs = self.0;
        refs.iter().enumerate().filter_map(move |(i, r)| {
            let e = entry_of(&r.path);
            (!refs[..i].iter().any(|p| entry_of(&p.path) == e)).then_some(e)
        })
    }
}

impl Serialize for Entries<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// The kinds of source behind a value, as a bit set over [`SourceKind::ALL`].
#[derive(Clone, Copy, Debug)]
pub struct Provenance(pub u16);

impl Provenance {
    /// The kind names, in registry order.
    pub fn iter(self) -> impl Iterator<Item = &'static str> {
        SourceKind::ALL
            .into_iter()
            .enumerate()
            .filter(move |(k, _)| self.0 & (1 << k) != 0)
            .map(|(_, k)| k.name())
    }
}

impl Serialize for Provenance {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// The sources of a value with their kinds.
#[derive(Clone, Copy, Debug)]
pub struct Sourced<'a> {
    ids: &'a [u32],
    table: &'a [&'a Source],
}

impl<'a> Sourced<'a> {
    /// `(id, kind)` of each source, in id order.
    pub fn iter(self) -> impl Iterator<Item = (&'a str, &'static str)> {
        self.ids.iter().map(move |i| {
            let s = self.table[*i as usize];
            (s.id.as_str(), s.kind.name())
        })
    }
}

fn pairs_as_map<S: serde::Serializer>(
    pairs: &&[(std::sync::Arc<str>, std::sync::Arc<str>)],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}

/// One registry value.
#[derive(Clone, Debug, Serialize)]
pub struct LeafView<'a> {
    /// As written in the registry (`3.35 TB/s`).
    pub text: String,
    /// Source id.
    pub source: &'a str,
    /// Where it is written (`registry/hardware/cloud/H100.toml:14`).
    pub at: String,
}

/// One source.
#[derive(Clone, Debug, Serialize)]
pub struct SourceView<'a> {
    /// Id.
    pub id: &'a str,
    /// Kind.
    pub kind: &'static str,
    /// Title or citation.
    pub title: &'a str,
    /// URL.
    pub url: Option<&'a str>,
    /// Date last verified.
    pub verified: &'a str,
    /// Notes.
    pub notes: Option<&'a str>,
    /// Selected values resting on it.
    pub values: usize,
}

/// A finding with the values it concerns.
#[derive(Clone, Debug, Serialize)]
pub struct FindingView {
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// Code.
    pub code: &'static str,
    /// Source id or derivation.
    pub subject: String,
    /// One sentence.
    pub message: String,
    /// The printed values concerned, as indexes into the view's `values`.
    pub values: Vec<usize>,
}

/// Everything a report shows.
#[derive(Clone, Debug, Serialize)]
pub struct View<'a> {
    /// `mlsysim-book`.
    pub tool: &'static str,
    /// Tool version.
    pub version: &'static str,
    /// The book folder, as given.
    pub book: String,
    /// The question, for a partial audit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<Query>,
    /// The date source ages are measured to (full audit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// The age limit (full audit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age_months: Option<u32>,
    /// The selected printed values, in book order.
    pub values: Vec<ValueView<'a>>,
    /// The registry values behind them, by path.
    pub registry: BTreeMap<&'a str, LeafView<'a>>,
    /// The sources behind them, in id order.
    pub sources: Vec<SourceView<'a>>,
    /// Counts over the book (full audit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
    /// Findings (full audit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<FindingView>>,
}

impl<'a> Audit<'a> {
    fn value_view<'s>(&'s self, prefix: &str, i: usize) -> ValueView<'s> {
        let r: &'s Record = &self.records[i];
        ValueView {
            at: format!("{prefix}{}:{}:{}", r.file, r.line, r.column),
            file: &r.file,
            line: r.line,
            column: r.column,
            kind: r.kind,
            cell: r.cell.as_deref(),
            directive: &r.directive,
            printed: &r.printed,
            reads: plain(&r.printed),
            value: r.value,
            unit: &r.unit,
            display_unit: &r.display_unit,
            derivation: &r.lineage.derivation,
            formulas: &r.lineage.formulas,
            inputs: &r.lineage.inputs,
            entries: Entries(&r.lineage.registry),
            registry: Paths(&r.lineage.registry),
            sources: &r.lineage.sources,
            provenance: Provenance(self.kind_bits[i]),
            warnings: &r.warnings,
            sourced: Sourced {
                ids: self.source_indexes(i),
                table: &self.sources,
            },
        }
    }

    /// The view of the values at `selected` (indexes into the records, in book order); with
    /// `full`, the summary and the findings too.
    pub fn view(
        &self,
        book: &Path,
        selected: &[usize],
        query: Option<Query>,
        full: Option<&Options>,
    ) -> View<'_> {
        let shown = book.display().to_string();
        let prefix = if shown.is_empty() || shown.ends_with('/') {
            shown.clone()
        } else {
            format!("{shown}/")
        };
        let registry = self
            .paths_used(selected)
            .into_iter()
            .filter_map(|p| {
                let l = self.leaf(p)?;
                Some((
                    p,
                    LeafView {
                        text: leaf_text(l),
                        source: &l.source,
                        at: format!("{}:{}", l.file, l.line),
                    },
                ))
            })
            .collect();
        let mut uses = vec![0usize; self.sources.len()];
        for i in selected {
            for s in self.source_indexes(*i) {
                uses[*s as usize] += 1;
            }
        }
        let sources = self
            .sources
            .iter()
            .zip(uses)
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| SourceView {
                id: &s.id,
                kind: s.kind.name(),
                title: &s.title,
                url: s.url.as_deref(),
                verified: &s.verified,
                notes: s.notes.as_deref(),
                values: n,
            })
            .collect();
        // The values on one side, findings and summary on the other (each a pass over all records).
        let (values, (findings, summary)) = rayon::join(
            || {
                selected
                    .par_iter()
                    .map(|i| self.value_view(&prefix, *i))
                    .collect()
            },
            || {
                rayon::join(
                    || {
                        full.map(|o| {
                            self.findings(o)
                                .into_iter()
                                .map(|f| FindingView {
                                    severity: f.severity.name(),
                                    code: f.code,
                                    subject: f.subject,
                                    message: f.message,
                                    values: f.values,
                                })
                                .collect()
                        })
                    },
                    || full.map(|_| self.summary()),
                )
            },
        );
        View {
            tool: "mlsysim-book",
            version: env!("CARGO_PKG_VERSION"),
            book: shown,
            query,
            as_of: full.map(|o| o.as_of.to_string()),
            max_age_months: full.map(|o| o.max_age_months),
            values,
            registry,
            sources,
            summary,
            findings,
        }
    }
}

/// The view as pretty JSON, with a final newline.
pub fn json(view: &View) -> String {
    let mut s = serde_json::to_string_pretty(view).expect("audit view serializes");
    s.push('\n');
    s
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The value in its display unit when that unit fits, else in base units.
fn quantity(v: &ValueView) -> Option<String> {
    let x = v.value?;
    if !v.display_unit.is_empty() {
        if let Ok(u) = parse_unit(v.display_unit) {
            if u.dim.to_string() == v.unit {
                return Some(format!("{} {}", plain_number(x / u.factor), v.display_unit));
            }
        }
    }
    Some(if v.unit == "1" {
        plain_number(x)
    } else {
        format!("{} {}", plain_number(x), v.unit)
    })
}

fn inputs(v: &ValueView) -> String {
    v.inputs
        .iter()
        .map(|(k, x)| format!("{k} = {x}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn kinds_by_id<'v>(view: &'v View) -> BTreeMap<&'v str, &'static str> {
    view.sources.iter().map(|s| (s.id, s.kind)).collect()
}

/// One value in a few lines: position, what a reader sees, derivation, inputs, registry, sources.
fn compact(out: &mut String, v: &ValueView) {
    let _ = write!(out, "  {}:{}  {}", v.line, v.column, v.reads);
    if let Some(c) = v.cell {
        let _ = write!(out, "  [{c}]");
    }
    let _ = write!(out, "\n      = {}", v.derivation);
    if !v.formulas.is_empty() {
        let _ = write!(out, "  via {}", v.formulas.join(", "));
    }
    out.push('\n');
    if !v.inputs.is_empty() {
        let _ = writeln!(out, "      inputs: {}", inputs(v));
    }
    let paths = v.registry.0;
    if !paths.is_empty() && (paths.len() != 1 || *paths[0].path != *v.derivation) {
        out.push_str("      registry: ");
        for (i, p) in v.registry.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(p);
        }
        out.push('\n');
    }
    out.push_str("      sources: ");
    if v.sourced.ids.is_empty() {
        out.push_str("none");
    }
    for (i, (id, kind)) in v.sourced.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(id);
        out.push_str(" (");
        out.push_str(kind);
        out.push(')');
    }
    out.push('\n');
    for w in v.warnings {
        let _ = writeln!(out, "      warning: {w}");
    }
}

/// The ranges of `values` that share a file.
fn by_file(values: &[ValueView]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < values.len() {
        let file = values[i].file;
        let n = values[i..].iter().take_while(|v| v.file == file).count();
        out.push(i..i + n);
        i += n;
    }
    out
}

/// The values grouped by file (files rendered in parallel).
fn listing(out: &mut String, view: &View) {
    let parts: Vec<String> = by_file(&view.values)
        .into_par_iter()
        .map(|r| {
            let values = &view.values[r];
            let mut s = String::with_capacity(values.len() * 300);
            let _ = writeln!(
                s,
                "\n{} ({})",
                Path::new(&view.book).join(values[0].file).display(),
                count(values.len(), "value", "values")
            );
            for v in values {
                compact(&mut s, v);
            }
            s
        })
        .collect();
    out.reserve(parts.iter().map(String::len).sum());
    for p in parts {
        out.push_str(&p);
    }
}

fn source_block(out: &mut String, s: &SourceView, indent: &str, uses: bool) {
    let _ = write!(out, "{indent}{}: {}, verified {}", s.id, s.kind, s.verified);
    if uses {
        let _ = write!(out, ", behind {}", count(s.values, "value", "values"));
    }
    let _ = writeln!(out, "\n{indent}  {}", s.title);
    if let Some(u) = s.url {
        let _ = writeln!(out, "{indent}  {u}");
    }
    if let Some(n) = s.notes {
        let _ = writeln!(out, "{indent}  notes: {n}");
    }
}

fn sources_section(out: &mut String, view: &View) {
    let _ = writeln!(out, "\nSources ({})", view.sources.len());
    for s in &view.sources {
        source_block(out, s, "  ", true);
    }
}

/// Places listed per finding in text; JSON lists all.
const PLACES: usize = 8;

fn summary_section(out: &mut String, s: &Summary) {
    out.push_str("\nSummary\n");
    out.push_str(
        "  Printed values by kind of source (a value counts under every kind behind it):\n",
    );
    for k in &s.by_kind {
        let _ = writeln!(out, "    {:<16} {:>5}", k.kind, k.values);
    }
    if s.unsourced > 0 {
        let _ = writeln!(out, "    {:<16} {:>5}", "no source", s.unsourced);
    }
    out.push_str("  Sources by use (printed values resting on each):\n");
    for u in &s.sources {
        let _ = writeln!(out, "    {:>5}  {} ({})", u.values, u.id, u.kind);
    }
    out.push_str("  Registry entries the book never uses:\n");
    if s.unused_entries.is_empty() {
        out.push_str("    none\n");
    }
    for u in &s.unused_entries {
        let _ = writeln!(
            out,
            "    {} ({} of {}): {}",
            u.namespace,
            u.keys.len(),
            u.total,
            u.keys.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "  Registry sources the book never uses: {}",
        s.unused_sources.len()
    );
}

fn findings_section(out: &mut String, view: &View, findings: &[FindingView]) {
    let n = |sev: &str| findings.iter().filter(|f| f.severity == sev).count();
    let _ = writeln!(
        out,
        "\nFindings: {}, {}, {} (`--strict` fails on errors and warnings)",
        count(n("error"), "error", "errors"),
        count(n("warning"), "warning", "warnings"),
        count(n("info"), "info", "info")
    );
    for f in findings {
        let _ = writeln!(out, "  {}[{}] {}", f.severity, f.code, f.message);
        for v in f
            .values
            .iter()
            .take(PLACES)
            .filter_map(|i| view.values.get(*i))
        {
            let _ = write!(out, "      {}", v.at);
            if let Some(c) = v.cell {
                let _ = write!(out, " [{c}]");
            }
            let _ = writeln!(out, ": {}", v.reads);
        }
        if f.values.len() > PLACES {
            let _ = writeln!(
                out,
                "      … and {} more (`--format json` lists all)",
                f.values.len() - PLACES
            );
        }
    }
}

/// The full audit as text.
pub fn text_full(view: &View) -> String {
    let summary = view.summary.as_ref();
    let mut out = String::with_capacity(view.values.len() * 200);
    let _ = writeln!(
        out,
        "Audit of {}: {} in {} rest on {}.",
        view.book,
        count(view.values.len(), "printed value", "printed values"),
        count(summary.map_or(0, |s| s.files), "file", "files"),
        count(view.sources.len(), "source", "sources"),
    );
    if let (Some(d), Some(m)) = (&view.as_of, view.max_age_months) {
        let _ = writeln!(
            out,
            "Source ages as of {d}; the limit is {}.",
            count(m as usize, "month", "months")
        );
    }
    listing(&mut out, view);
    sources_section(&mut out, view);
    if let Some(s) = summary {
        summary_section(&mut out, s);
    }
    if let Some(f) = &view.findings {
        findings_section(&mut out, view, f);
    }
    out
}

/// Every detail of one value.
fn detailed(out: &mut String, v: &ValueView, view: &View) {
    let _ = writeln!(out, "{}  {}", v.at, v.kind);
    let mut row = |k: &str, val: &str| {
        let _ = writeln!(out, "  {k:<11} {val}");
    };
    row("printed:", v.printed);
    if v.reads != v.printed {
        row("reads:", &v.reads);
    }
    if let Some(c) = v.cell {
        row("cell:", c);
    }
    row("directive:", v.directive);
    if let Some(q) = quantity(v) {
        row("value:", &q);
    }
    row("derivation:", v.derivation);
    if !v.formulas.is_empty() {
        row("formulas:", &v.formulas.join(", "));
    }
    if !v.inputs.is_empty() {
        row("inputs:", &inputs(v));
    }
    if v.registry.0.is_empty() {
        row("registry:", "none");
    } else {
        out.push_str("  registry:\n");
        for p in v.registry.iter() {
            match view.registry.get(p) {
                Some(l) => {
                    let _ = writeln!(out, "    {p} = {}  ({}; {})", l.text, l.source, l.at);
                }
                None => {
                    let _ = writeln!(out, "    {p}");
                }
            }
        }
    }
    for w in v.warnings {
        let _ = writeln!(out, "  {:<11} {w}", "warning:");
    }
    if v.sources.is_empty() {
        out.push_str("  sources:    none\n");
    } else {
        out.push_str("  sources:\n");
        for id in v.sources {
            if let Some(s) = view.sources.iter().find(|s| *s.id == **id) {
                source_block(out, s, "    ", false);
            }
        }
    }
}

/// A partial audit as text: one value in every detail, or the values resting on a source or entry.
pub fn text_query(view: &View, heading: &str) -> String {
    let mut out = format!("{heading}\n");
    if view.query.as_ref().is_some_and(|q| q.kind == "value") {
        for v in &view.values {
            out.push('\n');
            detailed(&mut out, v, view);
        }
        return out;
    }
    if view.values.is_empty() {
        return out;
    }
    listing(&mut out, view);
    sources_section(&mut out, view);
    out
}

/// Escapes text for a Markdown (Pandoc, CommonMark) table cell.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '$' | '@' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for a code span inside a table cell.
fn md_code(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r', '`'], " ")
}

/// The Markdown appendix, rendered with the `audit.md.j2` template.
pub fn markdown(view: &View, templates: &Templates) -> Result<String, String> {
    let kinds = kinds_by_id(view);
    let mut files: Vec<serde_json::Value> = Vec::new();
    for range in by_file(&view.values) {
        let file = view.values[range.start].file;
        let rows: Vec<serde_json::Value> = view.values[range]
            .iter()
            .map(|v| {
                let mut how = format!("`{}`", md_code(v.derivation));
                let mut about: Vec<String> = v
                    .entries
                    .iter()
                    .filter(|e| !v.derivation.contains(e) && !e.starts_with("constants."))
                    .map(|e| format!("`{}`", md_code(e)))
                    .collect();
                if !v.formulas.is_empty() {
                    about.extend(v.inputs.iter().map(|(k, x)| md(&format!("{k} = {x}"))));
                }
                if !about.is_empty() {
                    how.push_str(&format!(" ({})", about.join(", ")));
                }
                let sources: Vec<String> = v
                    .sources
                    .iter()
                    .map(|s| format!("{} ({})", md(s), kinds.get(&**s).unwrap_or(&"")))
                    .collect();
                serde_json::json!({
                    "line": v.line,
                    "cell": v.cell.map(md),
                    "reads": md(&v.reads),
                    "how": how,
                    "sources": sources,
                })
            })
            .collect();
        files.push(serde_json::json!({ "file": md(file), "values": rows }));
    }
    let sources: Vec<serde_json::Value> = view
        .sources
        .iter()
        .map(|s| {
            serde_json::json!({
                "id": md(s.id),
                "kind": s.kind,
                "title": md(s.title),
                "url": s.url,
                "verified": s.verified,
                "notes": s.notes.map(md),
                "values": s.values,
            })
        })
        .collect();
    let by_kind: Vec<serde_json::Value> = view.summary.as_ref().map_or(Vec::new(), |s| {
        let mut v: Vec<serde_json::Value> = s
            .by_kind
            .iter()
            .map(|k| serde_json::json!({ "kind": k.kind, "values": k.values }))
            .collect();
        if s.unsourced > 0 {
            v.push(serde_json::json!({ "kind": "no source", "values": s.unsourced }));
        }
        v
    });
    let used: BTreeSet<&str> = view.values.iter().map(|v| v.file).collect();
    templates.render(
        "audit.md.j2",
        serde_json::json!({
            "book": view.book,
            "query": view.query,
            "as_of": view.as_of,
            "values": view.values.len(),
            "file_count": used.len(),
            "files": files,
            "sources": sources,
            "by_kind": by_kind,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes() {
        assert_eq!(md("$18,250,000"), "\\$18,250,000");
        assert_eq!(md("a | b"), "a \\| b");
        assert_eq!(md("FRAMEWORK_LAYER_TAX"), "FRAMEWORK\\_LAYER\\_TAX");
        assert_eq!(md_code("a|b"), "a\\|b");
    }
}
