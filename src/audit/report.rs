//! Rendering an audit: a serializable [`View`] of the selected values with their registry values,
//! sources, summary and findings, written as text (terminal), JSON (machines) or Markdown (the
//! book's "where the numbers come from" appendix, through the `audit.md.j2` template).

use super::findings::Finding;
use super::summary::Summary;
use super::text::plain;
use super::{Audit, Options};
use crate::book::evaluate::Record;
use crate::book::templates::Templates;
use crate::units::parse_unit;
use crate::zoo::{leaf_text, plain_number};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
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
pub struct ValueView {
    /// `path:line:column`, the path as the book folder was given.
    pub at: String,
    /// File relative to the book.
    pub file: String,
    /// Line.
    pub line: u32,
    /// Column.
    pub column: u32,
    /// `value`, `solve` or `table`.
    pub kind: &'static str,
    /// Table cell.
    pub cell: Option<String>,
    /// The directive as written.
    pub directive: String,
    /// The printed text, exactly.
    pub printed: String,
    /// The printed text as a reader sees it (no citation markers, LaTeX rendered as text).
    pub reads: String,
    /// Value in base units (none for labels).
    pub value: Option<f64>,
    /// Base unit.
    pub unit: String,
    /// Display unit.
    pub display_unit: String,
    /// The expression or `solver.output`.
    pub derivation: String,
    /// Formulas applied.
    pub formulas: Vec<String>,
    /// Inputs that are not registry values, as `name = value`.
    pub inputs: Vec<String>,
    /// Registry entries used (`hardware.H100`), in order of first use.
    pub entries: Vec<String>,
    /// Registry values used (paths; details under the view's `registry`).
    pub registry: Vec<String>,
    /// Source ids (details under the view's `sources`).
    pub sources: Vec<String>,
    /// Kinds of the sources, without duplicates.
    pub provenance: Vec<&'static str>,
}

/// One registry value.
#[derive(Clone, Debug, Serialize)]
pub struct LeafView {
    /// As written in the registry (`3.35 TB/s`).
    pub text: String,
    /// Source id.
    pub source: String,
    /// Where it is written (`registry/hardware/cloud/H100.toml:14`).
    pub at: String,
}

/// One source.
#[derive(Clone, Debug, Serialize)]
pub struct SourceView {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: &'static str,
    /// Title or citation.
    pub title: String,
    /// URL.
    pub url: Option<String>,
    /// Date last verified.
    pub verified: String,
    /// Notes.
    pub notes: Option<String>,
    /// Selected values resting on it.
    pub values: usize,
}

/// A printed value named by a finding.
#[derive(Clone, Debug, Serialize)]
pub struct Place {
    /// `path:line:column`.
    pub at: String,
    /// Table cell.
    pub cell: Option<String>,
    /// What a reader sees.
    pub reads: String,
}

/// A finding with its places.
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
    /// The printed values concerned.
    pub values: Vec<Place>,
}

/// Everything a report shows.
#[derive(Clone, Debug, Serialize)]
pub struct View {
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
    pub values: Vec<ValueView>,
    /// The registry values behind them, by path.
    pub registry: BTreeMap<String, LeafView>,
    /// The sources behind them, by id.
    pub sources: Vec<SourceView>,
    /// Counts over the book (full audit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
    /// Findings (full audit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<FindingView>>,
}

fn at(book: &Path, r: &Record) -> String {
    format!("{}:{}:{}", book.join(&*r.file).display(), r.line, r.column)
}

impl Audit<'_> {
    fn value_view(&self, book: &Path, r: &Record) -> ValueView {
        let mut entries: Vec<String> = Vec::new();
        for x in &r.lineage.registry {
            if let Some(l) = self.leaf(&x.path) {
                let e = format!("{}.{}", l.namespace, l.key);
                if !entries.contains(&e) {
                    entries.push(e);
                }
            }
        }
        ValueView {
            at: at(book, r),
            file: r.file.to_string(),
            line: r.line,
            column: r.column,
            kind: r.kind,
            cell: r.cell.clone(),
            directive: r.directive.to_string(),
            printed: r.printed.clone(),
            reads: plain(&r.printed),
            value: r.value,
            unit: r.unit.to_string(),
            display_unit: r.display_unit.clone(),
            derivation: r.lineage.derivation.clone(),
            formulas: r.lineage.formulas.iter().map(|f| f.to_string()).collect(),
            inputs: r
                .lineage
                .inputs
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect(),
            entries,
            registry: r
                .lineage
                .registry
                .iter()
                .map(|x| x.path.to_string())
                .collect(),
            sources: r.lineage.sources.iter().map(|x| x.to_string()).collect(),
            provenance: self.kinds(r).into_iter().map(|k| k.name()).collect(),
        }
    }

    /// The view of the values at `selected` (indexes into the records); with `full`, the summary
    /// and the findings too.
    pub fn view(
        &self,
        book: &Path,
        selected: &[usize],
        query: Option<Query>,
        full: Option<&Options>,
    ) -> View {
        let mut registry = BTreeMap::new();
        let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
        for i in selected {
            let r = &self.records[*i];
            for x in &r.lineage.registry {
                if let Some(l) = self.leaf(&x.path) {
                    registry
                        .entry(x.path.to_string())
                        .or_insert_with(|| LeafView {
                            text: leaf_text(l),
                            source: l.source.clone(),
                            at: format!("{}:{}", l.file, l.line),
                        });
                }
            }
            for s in &r.lineage.sources {
                *uses.entry(s).or_default() += 1;
            }
        }
        let sources = uses
            .iter()
            .filter_map(|(id, n)| {
                let s = self.reg.sources.get(*id)?;
                Some(SourceView {
                    id: s.id.clone(),
                    kind: s.kind.name(),
                    title: s.title.clone(),
                    url: s.url.clone(),
                    verified: s.verified.clone(),
                    notes: s.notes.clone(),
                    values: *n,
                })
            })
            .collect();
        let findings = full.map(|o| {
            self.findings(o)
                .iter()
                .map(|f| self.finding_view(book, f))
                .collect()
        });
        View {
            tool: "mlsysim-book",
            version: env!("CARGO_PKG_VERSION"),
            book: book.display().to_string(),
            query,
            as_of: full.map(|o| o.as_of.to_string()),
            max_age_months: full.map(|o| o.max_age_months),
            values: selected
                .iter()
                .map(|i| self.value_view(book, &self.records[*i]))
                .collect(),
            registry,
            sources,
            summary: full.map(|_| self.summary()),
            findings,
        }
    }

    fn finding_view(&self, book: &Path, f: &Finding) -> FindingView {
        FindingView {
            severity: f.severity.name(),
            code: f.code,
            subject: f.subject.clone(),
            message: f.message.clone(),
            values: f
                .values
                .iter()
                .map(|i| {
                    let r = &self.records[*i];
                    Place {
                        at: at(book, r),
                        cell: r.cell.clone(),
                        reads: plain(&r.printed),
                    }
                })
                .collect(),
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
        if let Ok(u) = parse_unit(&v.display_unit) {
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

fn kinds_by_id(view: &View) -> BTreeMap<&str, &str> {
    view.sources
        .iter()
        .map(|s| (s.id.as_str(), s.kind))
        .collect()
}

/// One value in a few lines: position, what a reader sees, derivation, inputs, registry, sources.
fn compact(out: &mut String, v: &ValueView, kinds: &BTreeMap<&str, &str>) {
    out.push_str(&format!("  {}:{}  {}", v.line, v.column, v.reads));
    if let Some(c) = &v.cell {
        out.push_str(&format!("  [{c}]"));
    }
    out.push('\n');
    out.push_str(&format!("      = {}", v.derivation));
    if !v.formulas.is_empty() {
        out.push_str(&format!("  via {}", v.formulas.join(", ")));
    }
    out.push('\n');
    if !v.inputs.is_empty() {
        out.push_str(&format!("      inputs: {}\n", v.inputs.join(", ")));
    }
    if !v.registry.is_empty() && (v.registry.len() != 1 || v.registry[0] != v.derivation) {
        out.push_str(&format!("      registry: {}\n", v.registry.join(", ")));
    }
    let sources: Vec<String> = v
        .sources
        .iter()
        .map(|s| format!("{s} ({})", kinds.get(s.as_str()).unwrap_or(&"unknown")))
        .collect();
    out.push_str(&format!(
        "      sources: {}\n",
        if sources.is_empty() {
            "none".to_string()
        } else {
            sources.join(", ")
        }
    ));
}

/// The values grouped by file.
fn listing(out: &mut String, view: &View) {
    let kinds = kinds_by_id(view);
    let mut i = 0;
    while i < view.values.len() {
        let file = &view.values[i].file;
        let n = view.values[i..]
            .iter()
            .take_while(|v| &v.file == file)
            .count();
        out.push_str(&format!(
            "\n{} ({})\n",
            Path::new(&view.book).join(file).display(),
            count(n, "value", "values")
        ));
        for v in &view.values[i..i + n] {
            compact(out, v, &kinds);
        }
        i += n;
    }
}

fn source_block(out: &mut String, s: &SourceView, indent: &str, uses: bool) {
    out.push_str(&format!(
        "{indent}{}: {}, verified {}",
        s.id, s.kind, s.verified
    ));
    if uses {
        out.push_str(&format!(", behind {}", count(s.values, "value", "values")));
    }
    out.push('\n');
    out.push_str(&format!("{indent}  {}\n", s.title));
    if let Some(u) = &s.url {
        out.push_str(&format!("{indent}  {u}\n"));
    }
    if let Some(n) = &s.notes {
        out.push_str(&format!("{indent}  notes: {n}\n"));
    }
}

fn sources_section(out: &mut String, view: &View) {
    out.push_str(&format!("\nSources ({})\n", view.sources.len()));
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
        out.push_str(&format!("    {:<16} {:>5}\n", k.kind, k.values));
    }
    if s.unsourced > 0 {
        out.push_str(&format!("    {:<16} {:>5}\n", "no source", s.unsourced));
    }
    out.push_str("  Sources by use (printed values resting on each):\n");
    for u in &s.sources {
        out.push_str(&format!("    {:>5}  {} ({})\n", u.values, u.id, u.kind));
    }
    out.push_str("  Registry entries the book never uses:\n");
    if s.unused_entries.is_empty() {
        out.push_str("    none\n");
    }
    for u in &s.unused_entries {
        out.push_str(&format!(
            "    {} ({} of {}): {}\n",
            u.namespace,
            u.keys.len(),
            u.total,
            u.keys.join(", ")
        ));
    }
    out.push_str(&format!(
        "  Registry sources the book never uses: {}\n",
        s.unused_sources.len()
    ));
}

fn findings_section(out: &mut String, findings: &[FindingView]) {
    let n = |sev: &str| findings.iter().filter(|f| f.severity == sev).count();
    out.push_str(&format!(
        "\nFindings: {}, {}, {} (`--strict` fails on errors and warnings)\n",
        count(n("error"), "error", "errors"),
        count(n("warning"), "warning", "warnings"),
        count(n("info"), "info", "info")
    ));
    for f in findings {
        out.push_str(&format!("  {}[{}] {}\n", f.severity, f.code, f.message));
        for p in f.values.iter().take(PLACES) {
            out.push_str(&format!(
                "      {}{}: {}\n",
                p.at,
                p.cell.as_ref().map_or(String::new(), |c| format!(" [{c}]")),
                p.reads
            ));
        }
        if f.values.len() > PLACES {
            out.push_str(&format!(
                "      … and {} more (`--format json` lists all)\n",
                f.values.len() - PLACES
            ));
        }
    }
}

/// The full audit as text.
pub fn text_full(view: &View) -> String {
    let summary = view.summary.as_ref();
    let mut out = format!(
        "Audit of {}: {} in {} rest on {}.\n",
        view.book,
        count(view.values.len(), "printed value", "printed values"),
        count(summary.map_or(0, |s| s.files), "file", "files"),
        count(view.sources.len(), "source", "sources"),
    );
    if let (Some(d), Some(m)) = (&view.as_of, view.max_age_months) {
        out.push_str(&format!(
            "Source ages as of {d}; the limit is {}.\n",
            count(m as usize, "month", "months")
        ));
    }
    listing(&mut out, view);
    sources_section(&mut out, view);
    if let Some(s) = summary {
        summary_section(&mut out, s);
    }
    if let Some(f) = &view.findings {
        findings_section(&mut out, f);
    }
    out
}

/// Every detail of one value.
fn detailed(out: &mut String, v: &ValueView, view: &View) {
    out.push_str(&format!("{}  {}\n", v.at, v.kind));
    let mut row = |k: &str, val: &str| out.push_str(&format!("  {k:<11} {val}\n"));
    row("printed:", &v.printed);
    if v.reads != v.printed {
        row("reads:", &v.reads);
    }
    if let Some(c) = &v.cell {
        row("cell:", c);
    }
    row("directive:", &v.directive);
    if let Some(q) = quantity(v) {
        row("value:", &q);
    }
    row("derivation:", &v.derivation);
    if !v.formulas.is_empty() {
        row("formulas:", &v.formulas.join(", "));
    }
    if !v.inputs.is_empty() {
        row("inputs:", &v.inputs.join(", "));
    }
    if v.registry.is_empty() {
        row("registry:", "none");
    } else {
        out.push_str("  registry:\n");
        for p in &v.registry {
            match view.registry.get(p) {
                Some(l) => {
                    out.push_str(&format!("    {p} = {}  ({}; {})\n", l.text, l.source, l.at))
                }
                None => out.push_str(&format!("    {p}\n")),
            }
        }
    }
    if v.sources.is_empty() {
        out.push_str("  sources:    none\n");
    } else {
        out.push_str("  sources:\n");
        for id in &v.sources {
            if let Some(s) = view.sources.iter().find(|s| &s.id == id) {
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
    let mut i = 0;
    while i < view.values.len() {
        let file = &view.values[i].file;
        let n = view.values[i..]
            .iter()
            .take_while(|v| &v.file == file)
            .count();
        let rows: Vec<serde_json::Value> = view.values[i..i + n]
            .iter()
            .map(|v| {
                let mut how = format!("`{}`", md_code(&v.derivation));
                let mut about: Vec<String> = v
                    .entries
                    .iter()
                    .filter(|e| !v.derivation.contains(e.as_str()) && !e.starts_with("constants."))
                    .map(|e| format!("`{}`", md_code(e)))
                    .collect();
                if !v.formulas.is_empty() {
                    about.extend(v.inputs.iter().map(|i| md(i)));
                }
                if !about.is_empty() {
                    how.push_str(&format!(" ({})", about.join(", ")));
                }
                let sources: Vec<String> = v
                    .sources
                    .iter()
                    .map(|s| format!("{} ({})", md(s), kinds.get(s.as_str()).unwrap_or(&"")))
                    .collect();
                serde_json::json!({
                    "line": v.line,
                    "cell": v.cell.as_deref().map(md),
                    "reads": md(&v.reads),
                    "how": how,
                    "sources": sources,
                })
            })
            .collect();
        files.push(serde_json::json!({ "file": md(file), "values": rows }));
        i += n;
    }
    let sources: Vec<serde_json::Value> = view
        .sources
        .iter()
        .map(|s| {
            serde_json::json!({
                "id": md(&s.id),
                "kind": s.kind,
                "title": md(&s.title),
                "url": s.url,
                "verified": s.verified,
                "notes": s.notes.as_deref().map(md),
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
    let used: BTreeSet<&str> = view.values.iter().map(|v| v.file.as_str()).collect();
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
