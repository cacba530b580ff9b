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
use crate::base::text::{closest, did_you_mean};
use crate::base::units::Value;
use crate::book::model::{Kind, RecordLineage};
use crate::calc::params::{Out, Param};
use crate::present::format::{format_value, FormatSpec};
use crate::syntax::{Context, Directive, SourceKind};
use std::ops::Range;

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
    fn header(&self) -> String {
        if let Some(l) = &self.label {
            return l.clone();
        }
        let last = self.field.rsplit('.').next().unwrap_or(&self.field);
        let name = humanize(last);
        match &self.unit {
            Some(u) => format!("{name} ({u})"),
            None => name,
        }
    }
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
fn column_spec(d: &Directive, col: &Column) -> Result<FormatSpec, Problem> {
    let mut spec = number::spec(d)?;
    spec.unit = col.unit.clone();
    if col.label.is_none() && col.unit.is_some() {
        spec.show_unit = false;
    }
    Ok(spec)
}

fn columns(d: &Directive) -> Result<Vec<Column>, Problem> {
    let Some(c) = d.attr("columns") else {
        return Err(problem(
            d.attr("table").expect("table").name_span.clone(),
            "a table needs `columns=`",
        ));
    };
    let mut cols = Vec::new();
    let mut offset = 0;
    for part in c.value.split(',') {
        let lead = part.len() - part.trim_start().len();
        let span = (c.value_span.start + offset + lead)
            ..(c.value_span.start + offset + part.trim_end().len())
                .max(c.value_span.start + offset + lead + 1);
        offset += part.len() + 1;
        let part = part.trim();
        if part.is_empty() {
            return Err(problem(span, "empty column in `columns=`"));
        }
        let (spec, label) = part.split_once('|').map_or((part, None), |(s, l)| {
            (s.trim(), Some(l.trim().to_string()))
        });
        let (field, unit) = spec.split_once(':').map_or((spec, None), |(f, u)| {
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
        let (headers, align, rows) = if t.value == "sweep" {
            self.sweep_table(d)?
        } else {
            self.registry_table(d)?
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
            col.unit.as_deref().unwrap_or(""),
            lineage,
            warnings,
        );
        Ok(printed)
    }

    /// The rows of a registry table: one per entry key of `rows=`.
    fn registry_table(&mut self, d: &Directive) -> Result<TableParts, Problem> {
        attrs::check(d, &["table", "rows", "columns"], true)?;
        let t = d.attr("table").expect("table");
        let ns = t.value.as_str();
        let Some(entries) = self.reg.entries.get(ns) else {
            let mut names: Vec<&str> = crate::registry::schema::NAMESPACES
                .iter()
                .map(|n| n.name)
                .collect();
            names.push("sweep");
            return Err(Problem {
                span: t.value_span.clone(),
                message: format!(
                    "unknown table kind `{ns}`{}",
                    did_you_mean(&closest(ns, names.iter().copied()))
                ),
                help: Some(format!(
                    "tables: {} (registry) or sweep (a solver over varied inputs)",
                    names.join(", ")
                )),
            });
        };
        let Some(rows_attr) = d.attr("rows") else {
            return Err(problem(
                t.name_span.clone(),
                "a registry table needs `rows=` (entry keys, comma-separated)",
            ));
        };
        let cols = columns(d)?;
        let specs = cols
            .iter()
            .map(|c| column_spec(d, c))
            .collect::<Result<Vec<_>, _>>()?;
        let cite_all = !matches!(d.get("cite"), Some("false"));
        let mut headers = vec![first_header(ns).to_string()];
        headers.extend(cols.iter().map(|c| c.header()));
        let mut align = vec!["left".to_string()];
        align.extend(cols.iter().map(|_| "right".to_string()));
        let mut rows = Vec::new();
        let mut offset = 0;
        for key in rows_attr.value.split(',') {
            let lead = key.len() - key.trim_start().len();
            let span = (rows_attr.value_span.start + offset + lead)
                ..(rows_attr.value_span.start + offset + key.trim_end().len());
            offset += key.len() + 1;
            let key = key.trim();
            if !entries.contains_key(key) {
                return Err(problem(
                    span,
                    format!(
                        "unknown {ns} key `{key}`{}",
                        did_you_mean(&closest(key, entries.keys().map(String::as_str)))
                    ),
                ));
            }
            let name = match crate::registry::query::field_value(self.reg, ns, key, "name") {
                Some(crate::registry::query::FieldValue::Text(n)) => n,
                _ => key.to_string(),
            };
            let mut row = vec![name];
            for (col, spec) in cols.iter().zip(&specs) {
                let path = format!("{ns}.{key}.{}", col.field);
                let (value, leaves) = self
                    .resolve_path(&path, |r| (r.value, r.leaves.clone()))
                    .map_err(|m| problem(col.span.clone(), m))?;
                let lineage = RecordLineage {
                    provenance: self.provenance(&leaves, &[], &[]),
                    derivation: path,
                };
                row.push(self.cell(
                    d,
                    col,
                    spec,
                    value,
                    lineage,
                    format!("{key}/{}", col.field),
                    cite_all && self.kind == SourceKind::Markdown,
                    &[],
                )?);
            }
            rows.push(row);
        }
        Ok((headers, align, rows))
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
            .map(|c| column_spec(d, c))
            .collect::<Result<Vec<_>, _>>()?;
        let base = solver::params(d, &["vary", "columns"]);
        let mut headers = vec![humanize(&input)];
        headers.extend(cols.iter().map(|c| c.header()));
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
            let provenance = self.solve_provenance(&out);
            for (col, spec) in cols.iter().zip(&specs) {
                let lineage = RecordLineage {
                    derivation: format!("{}.{} at {input}={v}", solve.value, col.field),
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
                        format!("{input}={v}/{}", col.field),
                        false,
                        &out.warnings,
                    )?,
                    other => {
                        align[row.len()] = "left".to_string();
                        let t = number::out_text(other);
                        self.record(
                            d,
                            Kind::Table,
                            Some(format!("{input}={v}/{}", col.field)),
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
