//! `table="namespace"` (registry values, one row per entry key) and `table="sweep"` (a solver over
//! varied inputs, one row per value of `vary=`), rendered with the table templates.
//!
//! Rules: a table stands alone on its own line (never in math); `columns="field:unit|label"` names
//! each column (its unit shown in the header unless it has a label); every cell is a record
//! (cell `key/field` or `input=value/field`); registry tables cite their cells in Markdown unless
//! `cite="false"`; a sweep's text outputs are left-aligned; in Markdown blank lines are kept
//! around the table; a sweep's solver warnings are shown once at the directive and carried by the
//! cells of the rows whose solve warned.

use super::{attrs, number, problem, solver, FileEval, Problem};
use crate::base::escape::latex_text;
use crate::base::text::{closest, did_you_mean};
use crate::base::units::Value;
use crate::book::config::BookStyle;
use crate::book::model::{Kind, RecordLineage};
use crate::calc::params::{Out, Param};
use crate::present::format::{format_value, unit_word, FormatSpec, Style, UnitStyle};
use crate::syntax::{Context, Directive, SourceKind};
use std::ops::Range;

/// How a registry or compare table cites its sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TableCite {
    /// Each distinct source once, in a note under the table (`cite="true"`, the default).
    Note,
    /// A marker on every cell (`cite="cells"`).
    Cells,
    /// No citation (`cite="false"`).
    None,
}

/// Headers, alignments and rows of a table.
type TableParts = (Vec<String>, Vec<String>, Vec<Vec<String>>);

/// One column of `columns="field:unit|label"`.
struct Column {
    field: String,
    unit: Option<String>,
    label: Option<String>,
    span: Range<usize>,
}

impl Column {
    /// The header: the label (or the humanized field name) and, once, the unit the whole column
    /// shares (`FP16 peak (TFLOP/s)`), in the target's syntax.
    fn header(&self, spec: &FormatSpec, kind: SourceKind) -> String {
        let name = match &self.label {
            Some(l) => l.clone(),
            None if is_path(&self.field) => {
                humanize(self.field.rsplit('.').next().unwrap_or(&self.field))
            }
            None => self.field.clone(),
        };
        let name = if kind == SourceKind::Latex {
            latex_text(&name)
        } else {
            name
        };
        match header_unit(spec, kind) {
            Some(u) if !name.contains(&format!("({u})")) => format!("{name} ({u})"),
            _ => name,
        }
    }
}

/// The unit a column shows once in its header (none for a dimensionless plain column).
fn header_unit(spec: &FormatSpec, kind: SourceKind) -> Option<String> {
    let sym = match spec.style {
        Style::Percent => "%".to_string(),
        Style::Multiple => "×".to_string(),
        _ => spec.unit.clone()?,
    };
    let shown = if spec.unit_style == UnitStyle::Word {
        unit_word(&sym).map_or(sym.clone(), |(_, plural)| plural.to_string())
    } else {
        sym
    };
    let shown = spec.label.clone().unwrap_or(shown);
    Some(if kind == SourceKind::Latex {
        latex_text(&shown)
            .replace('μ', "\\textmu{}")
            .replace('×', "\\texttimes{}")
    } else {
        shown.replace('$', "\\$")
    })
}

fn first_header(ns: &str) -> &'static str {
    match ns {
        "hardware" => "Accelerator",
        "models" => "Model",
        "grids" => "Grid",
        "datacenters" => "Datacenter",
        "nodes" => "Node",
        "fabrics" => "Fabric",
        "fleets" => "Fleet",
        "scenarios" => "Scenario",
        "cooling" => "Cooling",
        _ => "Name",
    }
}

/// `peak_flops` → `Peak flops`; acronyms stay upper-case (`tdp` → `TDP`).
fn humanize(s: &str) -> String {
    let words: Vec<String> = s
        .split('_')
        .map(|w| match w {
            "tdp" | "pue" | "wue" | "ttft" | "itl" | "kv" | "mfu" | "hfu" | "tco" | "usd"
            | "dp" | "tp" | "pp" | "ep" | "mtbf" => w.to_uppercase(),
            _ => w.to_string(),
        })
        .collect();
    let mut out = words.join(" ");
    if let Some(c) = out.get(..1) {
        let up = c.to_uppercase();
        out.replace_range(..1, &up);
    }
    out
}

/// The format of a table column: the directive's attributes with the column's unit, which is
/// shown in the header unless the column has a custom label.
fn column_spec(d: &Directive, col: &Column, book: &BookStyle) -> Result<FormatSpec, Problem> {
    let mut spec = number::spec(d, book)?;
    if col.unit.is_some() {
        spec.unit = col.unit.clone();
    }
    // The unit is in the header, once: never repeated in the cells.
    spec.show_unit = false;
    Ok(spec)
}

/// Splits `text` at commas outside parentheses; each part with its byte offset.
fn split_top(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let (mut depth, mut from) = (0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth <= 0 => {
                out.push((from, &text[from..i]));
                from = i + 1;
            }
            _ => {}
        }
    }
    out.push((from, &text[from..]));
    out
}

/// `field:unit|label` items of `columns=` (or of `rows=` in a compare table).
fn columns_of(a: &crate::syntax::Attr) -> Result<Vec<Column>, Problem> {
    let mut cols = Vec::new();
    for (offset, part) in split_top(&a.value) {
        let lead = part.len() - part.trim_start().len();
        let span = (a.value_span.start + offset + lead)
            ..(a.value_span.start + offset + part.trim_end().len())
                .max(a.value_span.start + offset + lead + 1);
        let part = part.trim();
        if part.is_empty() {
            return Err(problem(span, format!("empty item in `{}=`", a.name)));
        }
        let (spec, label) = part.rsplit_once('|').map_or((part, None), |(s, l)| {
            (s.trim(), Some(l.trim().to_string()))
        });
        let (field, unit) = spec.rsplit_once(':').map_or((spec, None), |(f, u)| {
            (f.trim(), Some(u.trim().to_string()))
        });
        cols.push(Column {
            field: field.to_string(),
            unit,
            label,
            span,
        });
    }
    Ok(cols)
}

fn columns(d: &Directive) -> Result<Vec<Column>, Problem> {
    let Some(c) = d.attr("columns") else {
        return Err(problem(
            d.attr("table").expect("table").name_span.clone(),
            "a table needs `columns=`",
        ));
    };
    columns_of(c)
}

/// A column no entry has is a mistake in the field name, not missing cells: its error is the
/// first entry's.
fn column_exists<'c>(
    col: &Column,
    mut cells: impl Iterator<Item = &'c Result<(Value, RecordLineage), String>>,
) -> Result<(), Problem> {
    let mut first = None;
    for c in cells.by_ref() {
        match c {
            Ok(_) => return Ok(()),
            Err(m) if first.is_none() => first = Some(m.clone()),
            Err(_) => {}
        }
    }
    match first {
        Some(m) if !crate::book::paths::is_absent(&m) => Err(problem(col.span.clone(), m)),
        _ => Ok(()),
    }
}

/// Whether a column is a plain field path (`memory.bandwidth`) rather than an expression.
fn is_path(field: &str) -> bool {
    !field.is_empty()
        && field
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && !field.starts_with(|c: char| c.is_ascii_digit())
}

impl FileEval<'_> {
    /// Evaluates a `table=` directive: the table's text, blank lines kept around it in Markdown.
    pub(super) fn table(&mut self, d: &Directive) -> Result<(Range<usize>, String), Problem> {
        let t = d.attr("table").expect("table");
        if !d.alone_on_line || d.context == Context::Math {
            return Err(Problem {
                span: t.name_span.clone(),
                message: "a table directive must stand alone on its own line".into(),
                help: Some(
                    "put the directive on a line of its own, with blank lines around it".into(),
                ),
            });
        }
        let ((headers, align, rows), note) = if t.value == "sweep" {
            (self.sweep_table(d)?, String::new())
        } else {
            let cite = self.table_cite(d)?;
            let (parts, sources) = if t.value == "compare" {
                self.compare_table(d, cite)?
            } else {
                self.registry_table(d, cite)?
            };
            let note = if cite == TableCite::Note {
                self.source_note(&sources, d)?
            } else {
                String::new()
            };
            (parts, note)
        };
        let mut text = if self.kind == SourceKind::Latex {
            self.templates.tex_table(&headers, &align, &rows)
        } else {
            self.templates.md_table(&headers, &align, &rows)
        }
        .map_err(|e| problem(d.span.clone(), e))?;
        while text.ends_with('\n') {
            text.pop();
        }
        if !note.is_empty() && self.kind == SourceKind::Latex {
            text.push_str(&format!("\n\n{{\\footnotesize {note}\\par}}"));
        } else if !note.is_empty() {
            // A caption (`: ...` or `Table: ...`) must follow the table directly: the note goes
            // under it.
            if let Some((end, caption)) = self.caption_after(d.span.end) {
                self.extended = Some((
                    d.span.start..end,
                    format!("{}\n\n{caption}\n\n{note}", text.trim_start_matches('\n')),
                ));
                let lead = if text.starts_with('\n') { "\n" } else { "" };
                if let Some((_, t)) = &mut self.extended {
                    t.insert_str(0, lead);
                }
            }
            text.push_str(&format!("\n\n{note}"));
        }
        let line_start = self.src[..d.span.start].rfind('\n').map_or(0, |i| i + 1);
        let before = &self.src[..line_start];
        if self.kind == SourceKind::Markdown && !before.is_empty() && !before.ends_with("\n\n") {
            text.insert(0, '\n');
        }
        let after = &self.src[d.span.end..];
        let next = after.split_once('\n').map_or("", |(_, rest)| rest);
        if self.kind == SourceKind::Markdown && !next.is_empty() && !next.starts_with('\n') {
            text.push('\n');
        }
        Ok((d.span.clone(), text))
    }

    /// The caption line right after a table directive (one blank line between at most): where it
    /// ends and its text. None when the caption holds a directive of its own.
    fn caption_after(&self, end: usize) -> Option<(usize, String)> {
        let rest = &self.src[end..];
        let rest_trim = rest.strip_prefix('\n')?;
        let (skip, body) = match rest_trim.strip_prefix('\n') {
            Some(b) => (2, b),
            None => (1, rest_trim),
        };
        let line = body.split('\n').next().unwrap_or("");
        let is_caption = line.starts_with(": ") || line.starts_with("Table: ");
        if !is_caption || line.contains("<mlsysim") {
            return None;
        }
        Some((end + skip + line.len(), line.to_string()))
    }

    /// Prints and records one numeric cell (with citation markers when `cite`).
    #[allow(clippy::too_many_arguments)]
    fn cell(
        &mut self,
        d: &Directive,
        col: &Column,
        spec: &FormatSpec,
        v: Value,
        lineage: RecordLineage,
        cell: String,
        cite: bool,
        warnings: &[String],
    ) -> Result<String, Problem> {
        let text = format_value(v, spec, self.target(d))
            .map_err(|e| problem(col.span.clone(), format!("column `{}`: {e}", col.field)))?;
        let mut printed = text.clone();
        if cite {
            printed.push_str(&self.markers(&lineage.sources, d)?);
        }
        self.record(
            d,
            Kind::Table,
            Some(cell),
            text,
            Some(v),
            spec.unit.as_deref().unwrap_or(""),
            lineage,
            warnings,
        );
        Ok(printed)
    }

    /// The entries of a registry or compare table: (path prefix, key, shown name).
    fn table_entries(
        &self,
        base: &str,
        base_span: Range<usize>,
        list: &crate::syntax::Attr,
    ) -> Result<Vec<(String, String, String)>, Problem> {
        let (ns, group) = base
            .split_once('.')
            .map_or((base, None), |(n, g)| (n, Some(g)));
        let Some(entries) = self.reg.entries.get(ns) else {
            let mut names: Vec<&str> = crate::registry::schema::NAMESPACES
                .iter()
                .map(|n| n.name)
                .collect();
            names.extend(["sweep", "compare"]);
            return Err(Problem {
                span: base_span,
                message: format!(
                    "unknown table kind `{ns}`{}",
                    did_you_mean(&closest(ns, names.iter().copied()))
                ),
                help: Some(format!(
                    "tables: {} (registry, or a group of one: tech.Memory), sweep (a solver over varied inputs) or compare (one column per entry)",
                    names.join(", ")
                )),
            });
        };
        if let Some(g) = group {
            if !entries.contains_key(g) {
                return Err(problem(
                    base_span,
                    format!(
                        "unknown {ns} group `{g}`{}",
                        did_you_mean(&closest(g, entries.keys().map(String::as_str)))
                    ),
                ));
            }
        }
        let mut out = Vec::new();
        for (offset, key) in split_top(&list.value) {
            let lead = key.len() - key.trim_start().len();
            let span = (list.value_span.start + offset + lead)
                ..(list.value_span.start + offset + key.trim_end().len())
                    .max(list.value_span.start + offset + lead + 1);
            let key = key.trim();
            if group.is_none() && !entries.contains_key(key) {
                return Err(problem(
                    span,
                    format!(
                        "unknown {ns} key `{key}`{}",
                        did_you_mean(&closest(key, entries.keys().map(String::as_str)))
                    ),
                ));
            }
            let name = match group {
                None => match crate::registry::query::field_value(self.reg, ns, key, "name") {
                    Some(crate::registry::query::FieldValue::Text(n)) => n,
                    _ => key.to_string(),
                },
                Some(_) => key.to_string(),
            };
            out.push((format!("{base}.{key}"), key.to_string(), name));
        }
        Ok(out)
    }

    /// One cell of an entry: the column's field (or expression over the entry's fields), `None`
    /// when the entry lacks a field (with why).
    fn entry_value(
        &mut self,
        prefix: &str,
        col: &Column,
    ) -> Result<Result<(Value, RecordLineage), String>, Problem> {
        if is_path(&col.field) {
            let path = format!("{prefix}.{}", col.field);
            return Ok(
                match self.resolve_path(&path, |r| (r.value, r.leaves.clone())) {
                    Ok((value, leaves)) => Ok((
                        value,
                        RecordLineage {
                            provenance: self.provenance(&leaves, &[], &[]),
                            derivation: path,
                        },
                    )),
                    // An unknown field may be one other entries of a group have (tech.Memory.DRAM
                    // has no latency): the table decides once it has seen the whole column.
                    Err(m)
                        if crate::book::paths::is_absent(&m) || m.starts_with("unknown field") =>
                    {
                        Err(m)
                    }
                    Err(m) => return Err(problem(col.span.clone(), m)),
                },
            );
        }
        match self.eval_in_entry(&col.field, col.span.start, prefix) {
            Ok((v, l)) => Ok(Ok((
                v,
                RecordLineage {
                    derivation: self.for_record(|| format!("{} of {prefix}", col.field)),
                    provenance: self.lineage_provenance(&l),
                },
            ))),
            Err(p) if crate::book::paths::is_absent(&p.message) => Ok(Err(p.message)),
            Err(p) => Err(p),
        }
    }

    /// Records a missing cell (the entry lacks the field): printed as the book's `missing` text,
    /// reported by `audit`.
    /// The cell of a registry entry's field: its value, recorded with its sources (collected for
    /// the table's source note), or the book's `missing` text when the entry lacks the field.
    #[allow(clippy::too_many_arguments)]
    fn entry_cell(
        &mut self,
        d: &Directive,
        col: &Column,
        spec: &FormatSpec,
        (prefix, key): (&str, &str),
        value: Result<(Value, RecordLineage), String>,
        cite_cells: bool,
        sources: &mut Vec<std::sync::Arc<str>>,
    ) -> Result<String, Problem> {
        let cell = self.for_record(|| format!("{key}/{}", col.field));
        match value {
            Ok((v, lineage)) => {
                for s in &lineage.sources {
                    if !sources.contains(s) {
                        sources.push(s.clone());
                    }
                }
                let marker = cite_cells && self.kind == SourceKind::Markdown;
                self.cell(d, col, spec, v, lineage, cell, marker, &[])
            }
            Err(_) => {
                let why = self
                    .for_record(|| format!("`{prefix}` has no `{}` in the registry", col.field));
                Ok(self.missing_cell(d, cell, why))
            }
        }
    }

    fn missing_cell(&mut self, d: &Directive, cell: String, why: String) -> String {
        let text = if self.kind == SourceKind::Latex && self.templates.style.missing == "\u{2014}" {
            "---".to_string()
        } else {
            self.templates.style.missing.clone()
        };
        let lineage = RecordLineage {
            derivation: why,
            provenance: self.provenance(&[], &[], &[]),
        };
        self.record(
            d,
            Kind::Table,
            Some(cell),
            text.clone(),
            None,
            "missing",
            lineage,
            &[],
        );
        text
    }

    /// How a registry table cites: `note` (default: each source once, under the table), `cells`
    /// or none.
    fn table_cite(&self, d: &Directive) -> Result<TableCite, Problem> {
        Ok(match d.attr("cite") {
            None => TableCite::Note,
            Some(a) => match a.value.as_str() {
                "true" => TableCite::Note,
                "cells" => TableCite::Cells,
                "false" => TableCite::None,
                other => {
                    return Err(problem(
                        a.value_span.clone(),
                        format!("`cite=\"{other}\"` is not valid for a table: expected true (one source note under the table), cells (a marker per cell), false"),
                    ))
                }
            },
        })
    }

    /// The rows of a registry table (`table="hardware"`, or a group: `table="tech.Memory"`): one
    /// per entry of `rows=`, one column per item of `columns=`. Returns the parts and the sources
    /// its cells rest on, in order of first appearance.
    fn registry_table(
        &mut self,
        d: &Directive,
        cite: TableCite,
    ) -> Result<(TableParts, Vec<std::sync::Arc<str>>), Problem> {
        attrs::check(d, &["table", "rows", "columns"], true)?;
        let t = d.attr("table").expect("table");
        let Some(rows_attr) = d.attr("rows") else {
            return Err(problem(
                t.name_span.clone(),
                "a registry table needs `rows=` (entry keys, comma-separated)",
            ));
        };
        let entries = self.table_entries(&t.value, t.value_span.clone(), rows_attr)?;
        let ns = t.value.split('.').next().unwrap_or("");
        let cols = columns(d)?;
        let specs = cols
            .iter()
            .map(|c| column_spec(d, c, &self.templates.style))
            .collect::<Result<Vec<_>, _>>()?;
        let mut headers = vec![if t.value.contains('.') {
            "Name".to_string()
        } else {
            first_header(ns).to_string()
        }];
        headers.extend(cols.iter().zip(&specs).map(|(c, s)| c.header(s, self.kind)));
        let mut align = vec!["left".to_string()];
        align.extend(cols.iter().map(|_| "right".to_string()));
        let mut cells: Vec<Vec<Result<(Value, RecordLineage), String>>> = Vec::new();
        for (prefix, _, _) in &entries {
            let mut row = Vec::new();
            for col in &cols {
                row.push(self.entry_value(prefix, col)?);
            }
            cells.push(row);
        }
        for (i, col) in cols.iter().enumerate() {
            column_exists(col, cells.iter().map(|r| &r[i]))?;
        }
        let mut sources = Vec::new();
        let mut rows = Vec::new();
        for ((prefix, key, name), row_cells) in entries.iter().zip(cells) {
            let mut row = vec![self.cell_text(name)];
            for ((col, spec), c) in cols.iter().zip(&specs).zip(row_cells) {
                let cells = cite == TableCite::Cells;
                row.push(self.entry_cell(d, col, spec, (prefix, key), c, cells, &mut sources)?);
            }
            rows.push(row);
        }
        Ok(((headers, align, rows), sources))
    }

    /// A spec sheet: `table="compare" entries="H100, TPUv5p" rows="field:unit|label, ..."`, one
    /// column per entry (of `namespace=`, default `hardware`), one row per field or expression,
    /// the unit of a row once in its label.
    fn compare_table(
        &mut self,
        d: &Directive,
        cite: TableCite,
    ) -> Result<(TableParts, Vec<std::sync::Arc<str>>), Problem> {
        attrs::check(d, &["table", "entries", "rows", "namespace"], true)?;
        let t = d.attr("table").expect("table");
        let Some(list) = d.attr("entries") else {
            return Err(problem(
                t.value_span.clone(),
                "a compare table needs `entries=` (one column each) and `rows=` (fields, one row each)",
            ));
        };
        let Some(rows_attr) = d.attr("rows") else {
            return Err(problem(
                t.value_span.clone(),
                "a compare table needs `rows=\"field:unit|label, ...\"` (one row each)",
            ));
        };
        let (base, base_span) = match d.attr("namespace") {
            Some(a) => (a.value.trim().to_string(), a.value_span.clone()),
            None => ("hardware".to_string(), t.value_span.clone()),
        };
        let entries = self.table_entries(&base, base_span, list)?;
        let fields = columns_of(rows_attr)?;
        let specs = fields
            .iter()
            .map(|c| column_spec(d, c, &self.templates.style))
            .collect::<Result<Vec<_>, _>>()?;
        let mut headers = vec![String::new()];
        headers.extend(entries.iter().map(|(_, _, name)| self.cell_text(name)));
        let mut align = vec!["left".to_string()];
        align.extend(entries.iter().map(|_| "right".to_string()));
        let mut sources = Vec::new();
        let mut rows = Vec::new();
        for (col, spec) in fields.iter().zip(&specs) {
            let mut row = vec![col.header(spec, self.kind)];
            let mut values = Vec::new();
            for (prefix, _, _) in &entries {
                values.push(self.entry_value(prefix, col)?);
            }
            column_exists(col, values.iter())?;
            for ((prefix, key, _), value) in entries.iter().zip(values) {
                let cells = cite == TableCite::Cells;
                row.push(self.entry_cell(
                    d,
                    col,
                    spec,
                    (prefix, key),
                    value,
                    cells,
                    &mut sources,
                )?);
            }
            rows.push(row);
        }
        Ok(((headers, align, rows), sources))
    }

    /// An entry name as cell text (escaped in LaTeX).
    fn cell_text(&self, name: &str) -> String {
        if self.kind == SourceKind::Latex {
            latex_text(name)
        } else {
            name.to_string()
        }
    }

    /// The rows of a sweep: one solve per value of `vary=`.
    fn sweep_table(&mut self, d: &Directive) -> Result<TableParts, Problem> {
        let t = d.attr("table").expect("table");
        let Some(solve) = d.attr("solve") else {
            return Err(problem(
                t.value_span.clone(),
                "a sweep table needs `solve=` and `vary=`",
            ));
        };
        let Some(vary) = d.attr("vary") else {
            return Err(problem(
                t.value_span.clone(),
                "a sweep table needs `vary=\"input=v1,v2,...\"`",
            ));
        };
        let Some((input, values)) = vary.value.split_once('=') else {
            return Err(problem(
                vary.value_span.clone(),
                "write vary=\"input=v1,v2,...\"",
            ));
        };
        let input = input.trim().replace('-', "_");
        let cols = columns(d)?;
        let specs = cols
            .iter()
            .map(|c| column_spec(d, c, &self.templates.style))
            .collect::<Result<Vec<_>, _>>()?;
        let base = solver::params(d, &["vary", "columns"]);
        let mut headers = vec![humanize(&input)];
        headers.extend(cols.iter().zip(&specs).map(|(c, s)| c.header(s, self.kind)));
        let mut align = vec!["right".to_string(); cols.len() + 1];
        let mut rows = Vec::new();
        for v in values.split(',').map(str::trim) {
            let mut params = base.clone();
            params.insert(input.clone(), Param::Text(v.to_string()));
            let out = self
                .call_solver(d, &solve.value, &params)
                .map_err(|mut p| {
                    if p.span == solve.value_span {
                        p.span = vary.value_span.clone();
                        p.message = format!("{input}={v}: {}", p.message);
                    }
                    p
                })?;
            self.warn(d, &out.warnings);
            let mut row = vec![v.to_string()];
            // Sweep cells cite nothing: only their records need the provenance.
            let provenance = if self.keeps_records() {
                self.solve_provenance(&out)
            } else {
                std::sync::Arc::default()
            };
            for (col, spec) in cols.iter().zip(&specs) {
                let lineage = RecordLineage {
                    derivation: self
                        .for_record(|| format!("{}.{} at {input}={v}", solve.value, col.field)),
                    provenance: provenance.clone(),
                };
                let o = out.get(&col.field).ok_or_else(|| Problem {
                    span: col.span.clone(),
                    message: format!(
                        "solver `{}` has no output `{}`{}",
                        solve.value,
                        col.field,
                        did_you_mean(&closest(&col.field, out.names().into_iter()))
                    ),
                    help: Some(format!("outputs: {}", out.names().join(", "))),
                })?;
                let text = match o {
                    Out::Value(val) => self.cell(
                        d,
                        col,
                        spec,
                        *val,
                        lineage,
                        self.for_record(|| format!("{input}={v}/{}", col.field)),
                        false,
                        &out.warnings,
                    )?,
                    other => {
                        align[row.len()] = "left".to_string();
                        let t = number::out_text(other);
                        self.record(
                            d,
                            Kind::Table,
                            Some(self.for_record(|| format!("{input}={v}/{}", col.field))),
                            t.clone(),
                            None,
                            "",
                            lineage,
                            &out.warnings,
                        );
                        t
                    }
                };
                row.push(text);
            }
            rows.push(row);
        }
        Ok((headers, align, rows))
    }
}
