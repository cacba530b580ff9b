//! Findings: what a reviewer should look at before the book ships, each with a severity.
//!
//! | code | severity | what |
//! |---|---|---|
//! | `missing-url` | error | a datasheet, literature or industry-report source without a URL |
//! | `weak-source` | warning (estimate, illustrative) / info (heuristic) | printed values resting on such a source |
//! | `stale-source` | warning | a source verified more than the age limit before the audit date |
//! | `future-verified` | warning | a `verified` date after the audit date (or not a date) |
//! | `dead-url` | warning | a URL that looks dead: not https, localhost or placeholder domains, malformed |
//! | `disagreement` | warning | one expression over the same registry values with different values in different places |
//! | `rounding` | info | one value printed with different digits in different places (295 and 295.2) |
//! | `solver-warning` | warning | printed values resting on a solver result that warned (one finding per warning) |
//! | `unsourced` | info | printed values resting on no registry value (literals only) |
//!
//! Only sources behind printed values are examined: the audit is about the book.

use super::text::{number, plain};
use super::{Audit, Date, FastMap, Fx, Options};
use crate::book::model::Record;
use crate::registry::{Source, SourceKind};
use crate::syntax::{scan, SourceKind as DocKind};
use serde::Serialize;
use std::collections::BTreeMap;

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails.
    Info,
    /// Fails `audit --strict`.
    Warning,
    /// Fails `audit --strict`; the number cannot be checked at all.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Severity.
    pub severity: Severity,
    /// Stable code (`stale-source`).
    pub code: &'static str,
    /// What it is about: a source id, a derivation.
    pub subject: String,
    /// One sentence.
    pub message: String,
    /// The printed values concerned (indexes into the audit's records), in book order.
    #[serde(skip)]
    pub values: Vec<usize>,
}

/// Why a URL looks dead, if it does. No network access: only the text is examined.
pub fn url_problem(url: &str) -> Option<String> {
    if url.chars().any(char::is_whitespace) {
        return Some("contains whitespace".into());
    }
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(r) = lower.strip_prefix("https://") {
        r
    } else if lower.starts_with("http://") {
        return Some("uses http://, not https://".into());
    } else {
        return Some("is not an http(s) URL".into());
    };
    for p in [
        "todo", "tbd", "fixme", "xxx", "...", "…", "<", ">", "{", "}", "\"", "`",
    ] {
        if lower.contains(p) {
            return Some(format!("contains `{p}`, which looks like a placeholder"));
        }
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    if host_port.starts_with('[') {
        return Some("points to an IP address, not a domain".into());
    }
    let host = host_port.split(':').next().unwrap_or("");
    if host.is_empty() {
        return Some("has no host".into());
    }
    if host == "localhost" || host.ends_with(".localhost") {
        return Some("points to localhost".into());
    }
    if host
        .split('.')
        .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some("points to an IP address, not a domain".into());
    }
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 {
        return Some(format!("host `{host}` has no domain"));
    }
    if labels.iter().any(|l| l.is_empty())
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return Some(format!("host `{host}` is malformed"));
    }
    let tld = labels[labels.len() - 1];
    let sld = labels[labels.len() - 2];
    if ["example", "test", "invalid", "local", "localdomain"].contains(&tld)
        || (sld == "example" && ["com", "org", "net"].contains(&tld))
    {
        return Some(format!("`{host}` is a placeholder domain"));
    }
    if tld.len() < 2 || !tld.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Some(format!("host `{host}` has no valid top-level domain"));
    }
    None
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Source-level findings for one source used by `values`.
fn source_findings(s: &Source, values: &[usize], opts: &Options, out: &mut Vec<Finding>) {
    let mut push = |severity, code, message: String| {
        out.push(Finding {
            severity,
            code,
            subject: s.id.clone(),
            message,
            values: values.to_vec(),
        })
    };
    let n = plural(values.len(), "printed value rests", "printed values rest");
    match s.kind {
        SourceKind::Estimate | SourceKind::Illustrative => push(
            Severity::Warning,
            "weak-source",
            format!("{n} on {} source `{}`: {}", s.kind.name(), s.id, s.title),
        ),
        SourceKind::Unsourced => push(
            Severity::Warning,
            "no-known-source",
            format!(
                "{n} on `{}`, a value with no known source: {}",
                s.id, s.title
            ),
        ),
        SourceKind::Heuristic => push(
            Severity::Info,
            "weak-source",
            format!("{n} on heuristic source `{}`: {}", s.id, s.title),
        ),
        _ => {}
    }
    match Date::parse(&s.verified) {
        Ok(d) if d > opts.as_of => push(
            Severity::Warning,
            "future-verified",
            format!(
                "source `{}` says it was verified on {d}, after the audit date {}",
                s.id, opts.as_of
            ),
        ),
        Ok(d) => {
            if opts.as_of > d.add_months(opts.max_age_months) {
                push(
                    Severity::Warning,
                    "stale-source",
                    format!(
                        "source `{}` was last verified on {d}, more than {} months before {}",
                        s.id, opts.max_age_months, opts.as_of
                    ),
                );
            }
        }
        Err(_) => push(
            Severity::Warning,
            "future-verified",
            format!(
                "source `{}` has no valid verified date (`{}`)",
                s.id, s.verified
            ),
        ),
    }
    match s.url.as_deref().map(str::trim) {
        None | Some("") if s.kind.needs_url() => push(
            Severity::Error,
            "missing-url",
            format!(
                "{} source `{}` has no URL: a reader cannot check it",
                s.kind.name(),
                s.id
            ),
        ),
        None | Some("") => {}
        Some(u) => {
            if let Some(why) = url_problem(u) {
                push(
                    Severity::Warning,
                    "dead-url",
                    format!("the URL of source `{}` looks dead: `{u}` {why}", s.id),
                );
            }
        }
    }
}

/// A value to 12 significant digits, as (mantissa, exponent).
fn value_key(v: f64) -> (i64, i32) {
    if v == 0.0 || !v.is_finite() {
        (0, 0)
    } else {
        let e = v.abs().log10().floor() as i32;
        ((v * 10f64.powi(11 - e)).round() as i64, e)
    }
}

/// The hash of the quantity a printed number stands for (see [`same_quantity`]).
fn quantity_hash(r: &Record) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let mut h = Fx::default();
    value_key(r.value?).hash(&mut h);
    r.unit.hash(&mut h);
    r.display_unit.hash(&mut h);
    for x in &r.lineage.registry {
        x.path.hash(&mut h);
    }
    r.lineage.formulas.hash(&mut h);
    r.lineage.inputs.hash(&mut h);
    if r.lineage.registry.is_empty() {
        for w in r.lineage.derivation.split_whitespace() {
            w.hash(&mut h);
        }
    }
    Some(h.finish())
}

/// Whether two printed values stand for the same quantity: the same value (to 12 significant
/// digits), unit and display unit, resting on the same registry values through the same formulas
/// and inputs; the expression text counts only when no registry value is involved.
fn same_quantity(a: &Record, b: &Record) -> bool {
    let (la, lb) = (&a.lineage, &b.lineage);
    a.value.map(value_key) == b.value.map(value_key)
        && a.unit == b.unit
        && a.display_unit == b.display_unit
        && la.registry.len() == lb.registry.len()
        && la
            .registry
            .iter()
            .zip(&lb.registry)
            .all(|(x, y)| x.path == y.path)
        && la.formulas == lb.formulas
        && la.inputs == lb.inputs
        && (!la.registry.is_empty()
            || la
                .derivation
                .split_whitespace()
                .eq(lb.derivation.split_whitespace()))
}

/// How a directive presents its number apart from precision: its `style` (`percent`, `scaled`...)
/// and `round` (`floor`...) attributes. Printings that differ here differ on purpose.
fn presentation(directive: &str) -> String {
    let scanned = scan(directive, DocKind::Markdown);
    let d = scanned.directives.first();
    let get = |name| d.and_then(|d| d.get(name)).unwrap_or("");
    format!("{}|{}", get("style"), get("round"))
}

/// The identity of what a printed number says, apart from its value: the expression, the
/// registry values, formulas and inputs behind it, and its unit.
fn subject_key(r: &Record) -> (&str, &str, Vec<&str>, &[std::sync::Arc<str>], String) {
    let l = &r.lineage;
    (
        &r.unit,
        &r.display_unit,
        l.registry.iter().map(|x| &*x.path).collect(),
        &l.formulas,
        format!(
            "{:?}|{}",
            l.inputs,
            l.derivation
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        ),
    )
}

/// One finding per subject (see [`subject_key`]) printed with different values: the same
/// expression over the same registry values should print the same number everywhere.
fn disagreements(records: &[Record], out: &mut Vec<Finding>) {
    let mut by_subject: BTreeMap<_, Vec<usize>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        if r.value.is_some() {
            by_subject.entry(subject_key(r)).or_default().push(i);
        }
    }
    let mut found = Vec::new();
    for members in by_subject.into_values() {
        let mut variants: Vec<((i64, i32), String, usize)> = Vec::new();
        for &i in &members {
            let k = value_key(records[i].value.unwrap_or(0.0));
            match variants.iter_mut().find(|(v, _, _)| *v == k) {
                Some(v) => v.2 += 1,
                None => variants.push((k, records[i].printed.clone(), 1)),
            }
        }
        if variants.len() < 2 {
            continue;
        }
        let first = &records[members[0]];
        let list: Vec<String> = variants
            .iter()
            .map(|(_, p, n)| format!("{} ({})", plain(p), plural(*n, "place", "places")))
            .collect();
        let subject = first.lineage.derivation.to_string();
        found.push(Finding {
            severity: Severity::Warning,
            code: "disagreement",
            message: format!(
                "`{subject}` has different values: {}: the same expression over the same registry values",
                join_and(&list)
            ),
            subject,
            values: members,
        });
    }
    found.sort_by(|a, b| a.values.cmp(&b.values));
    out.extend(found);
}

/// One finding per quantity printed as different numbers (in the same unit, style and rounding):
/// the same value shown with different digits, which a reader may take for a contradiction.
fn roundings(records: &[Record], out: &mut Vec<Finding>) {
    let mut by_hash: FastMap<u64, Vec<usize>> = FastMap::default();
    for (i, r) in records.iter().enumerate() {
        if let Some(h) = quantity_hash(r) {
            by_hash.entry(h).or_default().push(i);
        }
    }
    // Split each hash group into quantities (a collision would put two in one group); a group
    // printed alike everywhere cannot disagree.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for members in by_hash.into_values().filter(|m| {
        m.len() > 1
            && m.iter()
                .any(|i| records[*i].printed != records[m[0]].printed)
    }) {
        let mut classes: Vec<Vec<usize>> = Vec::new();
        for i in members {
            match classes
                .iter_mut()
                .find(|c| same_quantity(&records[c[0]], &records[i]))
            {
                Some(c) => c.push(i),
                None => classes.push(vec![i]),
            }
        }
        groups.extend(classes);
    }
    let mut found: Vec<Finding> = Vec::new();
    for members in groups.into_iter().filter(|m| m.len() > 1) {
        let first_printed = &records[members[0]].printed;
        if members
            .iter()
            .all(|i| &records[*i].printed == first_printed)
        {
            continue;
        }
        // The number each distinct printed text shows (a quantity is mostly printed alike).
        let mut seen: FastMap<&str, Option<String>> = FastMap::default();
        let numbers: Vec<Option<String>> = members
            .iter()
            .map(|i| {
                let p = records[*i].printed.as_str();
                seen.entry(p).or_insert_with(|| number(&plain(p))).clone()
            })
            .collect();
        if numbers.iter().all(|n| *n == numbers[0]) {
            continue;
        }
        // Directives of one quantity repeat too: read each one's presentation once.
        let mut presentations: FastMap<&str, String> = FastMap::default();
        let mut by_presentation: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
        for (i, n) in members.iter().zip(numbers) {
            if let Some(n) = n {
                let d: &str = &records[*i].directive;
                let key = presentations
                    .entry(d)
                    .or_insert_with(|| presentation(d))
                    .clone();
                by_presentation.entry(key).or_default().push((*i, n));
            }
        }
        for (_, vals) in by_presentation {
            let mut variants: Vec<(String, usize)> = Vec::new();
            for (_, n) in &vals {
                match variants.iter_mut().find(|(v, _)| v == n) {
                    Some(v) => v.1 += 1,
                    None => variants.push((n.clone(), 1)),
                }
            }
            if variants.len() < 2 {
                continue;
            }
            let first = &records[vals[0].0];
            let subject = vals
                .iter()
                .map(|(i, _)| records[*i].lineage.derivation.as_str())
                .min_by_key(|d| (d.len(), *d))
                .unwrap_or("")
                .to_string();
            let list: Vec<String> = variants
                .iter()
                .map(|(v, n)| format!("{v} ({})", plural(*n, "place", "places")))
                .collect();
            let unit = if first.display_unit.is_empty() {
                String::new()
            } else {
                format!(" {}", first.display_unit)
            };
            found.push(Finding {
                severity: Severity::Info,
                code: "rounding",
                message: format!(
                    "`{subject}` is printed as {}{unit}: one value, rounded differently",
                    join_and(&list)
                ),
                subject,
                values: vals.iter().map(|(i, _)| *i).collect(),
            });
        }
    }
    found.sort_by(|a, b| a.values.cmp(&b.values));
    out.extend(found);
}

/// One finding per distinct solver warning, with the printed values resting on it (book order).
fn solver_warnings(records: &[Record], out: &mut Vec<Finding>) {
    let mut by_text: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        for w in &r.warnings {
            match by_text.iter_mut().find(|(t, _)| *t == &**w) {
                Some((_, values)) => values.push(i),
                None => by_text.push((w, vec![i])),
            }
        }
    }
    for (text, values) in by_text {
        out.push(Finding {
            severity: Severity::Warning,
            code: "solver-warning",
            subject: text.to_string(),
            message: format!(
                "{} on a solver result that warned: {text}",
                plural(values.len(), "printed value rests", "printed values rest")
            ),
            values,
        });
    }
}

/// One finding per table cell printed as the book's `missing` text (its entry lacks the field).
fn missing_cells(records: &[Record], out: &mut Vec<Finding>) {
    for (i, r) in records.iter().enumerate() {
        if r.value.is_none() && &*r.display_unit == "missing" {
            out.push(Finding {
                severity: Severity::Warning,
                code: "missing-cell",
                subject: format!("{}:{} {}", r.file, r.line, r.cell.as_deref().unwrap_or("")),
                message: format!(
                    "table cell `{}` prints `{}`: {}",
                    r.cell.as_deref().unwrap_or(""),
                    r.printed,
                    r.lineage.derivation
                ),
                values: vec![i],
            });
        }
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl Audit<'_> {
    /// Every finding, most severe first, then by code and subject.
    pub fn findings(&self, opts: &Options) -> Vec<Finding> {
        let mut uses: Vec<Vec<usize>> = vec![Vec::new(); self.sources.len()];
        let mut unsourced = Vec::new();
        for i in 0..self.records.len() {
            let ids = self.source_indexes(i);
            for s in ids {
                uses[*s as usize].push(i);
            }
            if ids.is_empty() && self.records[i].value.is_some() {
                unsourced.push(i);
            }
        }
        let mut out = Vec::new();
        for (s, values) in self.sources.iter().zip(&uses) {
            if !values.is_empty() {
                source_findings(s, values, opts, &mut out);
            }
        }
        disagreements(self.records, &mut out);
        roundings(self.records, &mut out);
        solver_warnings(self.records, &mut out);
        missing_cells(self.records, &mut out);
        if !unsourced.is_empty() {
            out.push(Finding {
                severity: Severity::Info,
                code: "unsourced",
                subject: String::new(),
                message: format!(
                    "{} on no registry value: only numbers written in the directive",
                    plural(
                        unsourced.len(),
                        "printed value rests",
                        "printed values rest"
                    )
                ),
                values: unsourced,
            });
        }
        // Stable sort: within a code, sources stay in id order and disagreements in book order.
        out.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.code.cmp(b.code)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dead_looking_urls() {
        assert_eq!(
            url_problem("https://www.nvidia.com/en-us/data-center/h100/"),
            None
        );
        assert_eq!(url_problem("https://arxiv.org/abs/2104.04473"), None);
        assert_eq!(
            url_problem("https://doi.org/10.1109/ISSCC.2014.6757323"),
            None
        );
        for (u, why) in [
            ("http://www.nvidia.com/x", "http://"),
            ("ftp://x.org/a", "not an http(s) URL"),
            ("https://localhost:8080/a", "localhost"),
            ("https://127.0.0.1/a", "IP address"),
            ("https://[::1]/a", "IP address"),
            ("https://example.com/datasheet.pdf", "placeholder domain"),
            ("https://docs.example/x", "placeholder domain"),
            ("https://intranet/x", "no domain"),
            ("https://www.nvidia.com/TODO", "placeholder"),
            ("https://www.nvidia.com/a b", "whitespace"),
            ("https:///path", "no host"),
            ("https://www..com/", "malformed"),
            ("https://www.nvidia.c0m/", "top-level domain"),
        ] {
            let p = url_problem(u).unwrap_or_default();
            assert!(p.contains(why), "{u}: {p:?} should mention {why}");
        }
    }

    #[test]
    fn severities_order() {
        assert!(Severity::Error > Severity::Warning && Severity::Warning > Severity::Info);
    }

    fn printed(directive: &str, text: &str, value: f64, paths: &[&str]) -> Record {
        use crate::book::model::{Kind, Provenance, RecordLineage, RegistryRef};
        Record {
            file: "a.qmd".into(),
            line: 1,
            column: 1,
            kind: Kind::Value,
            directive: directive.into(),
            cell: None,
            printed: text.into(),
            value: Some(value),
            unit: "byte^-1·FLOP".into(),
            display_unit: "FLOP/byte".into(),
            lineage: RecordLineage {
                derivation: "hardware.H100.ridge_point".into(),
                provenance: Provenance {
                    registry: paths
                        .iter()
                        .map(|p| RegistryRef {
                            path: (*p).into(),
                            source: "s".into(),
                        })
                        .collect(),
                    ..Provenance::default()
                }
                .into(),
            },
            warnings: Vec::new(),
        }
    }

    #[test]
    fn one_finding_per_solver_warning_with_its_values() {
        let mut records: Vec<Record> = (0..3)
            .map(|i| printed("<mlsysim value=\"x\"/>", "1", f64::from(i), &[]))
            .collect();
        records[0].warnings = vec!["int4 falls back".into()];
        records[2].warnings = vec!["int4 falls back".into(), "other".into()];
        let mut out = Vec::new();
        solver_warnings(&records, &mut out);
        let got: Vec<(Severity, &str, &str, Vec<usize>)> = out
            .iter()
            .map(|f| (f.severity, f.code, f.subject.as_str(), f.values.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Severity::Warning,
                    "solver-warning",
                    "int4 falls back",
                    vec![0, 2]
                ),
                (Severity::Warning, "solver-warning", "other", vec![2]),
            ]
        );
        assert_eq!(
            out[1].message,
            "1 printed value rests on a solver result that warned: other"
        );
    }

    #[test]
    fn one_quantity_printed_as_different_numbers() {
        let ridge = [
            "hardware.H100.compute.peak_flops",
            "hardware.H100.memory.bandwidth",
        ];
        let v = 295.223_880_597_014_9;
        let d = |digits: &str| {
            format!("<mlsysim value=\"hardware.H100.ridge_point\" digits=\"{digits}\"/>")
        };
        let records = vec![
            printed(&d("0"), "295 FLOP/byte", v, &ridge),
            printed(&d("1"), "295.2\\,\\mathrm{FLOP/byte}", v, &ridge),
            printed(&d("1"), "295.2 FLOP/byte[^mlsysim-s]", v, &ridge),
            // Rounded down on purpose: a different presentation, not a disagreement.
            printed(
                "<mlsysim value=\"hardware.H100.ridge_point\" digits=\"0\" round=\"floor\"/>",
                "295 FLOP/byte",
                v,
                &ridge,
            ),
            // Another quantity with the same printed text.
            printed(&d("1"), "295.2 FLOP/byte", v * 1.5, &ridge),
        ];
        let mut out = Vec::new();
        roundings(&records, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].values, [0, 1, 2]);
        assert_eq!(out[0].severity, Severity::Info);
        assert_eq!(
            out[0].message,
            "`hardware.H100.ridge_point` is printed as 295 (1 place) and 295.2 (2 places) FLOP/byte: one value, rounded differently"
        );
        // Printed alike everywhere: nothing to report.
        let mut out = Vec::new();
        roundings(&records[1..3], &mut out);
        assert!(out.is_empty());
        // The same expression over the same registry values with another value: a disagreement,
        // the only one of these that is a warning.
        let mut out = Vec::new();
        disagreements(&records, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].severity, Severity::Warning);
        assert_eq!(out[0].values, [0, 1, 2, 3, 4]);
        assert_eq!(
            out[0].message,
            "`hardware.H100.ridge_point` has different values: 295 FLOP/byte (4 places) and 295.2 FLOP/byte (1 place): the same expression over the same registry values"
        );
        // Rounding alone is no disagreement.
        let mut out = Vec::new();
        disagreements(&records[..4], &mut out);
        assert!(out.is_empty(), "{out:?}");
    }

    fn source(kind: SourceKind, url: Option<&str>, verified: &str) -> Source {
        Source {
            id: "s".into(),
            kind,
            title: "T".into(),
            url: url.map(str::to_string),
            verified: verified.into(),
            notes: None,
        }
    }

    #[test]
    fn source_rules() {
        let opts = Options {
            as_of: Date::parse("2026-11-23").unwrap(),
            max_age_months: 18,
        };
        let codes = |s: &Source| {
            let mut v = Vec::new();
            source_findings(s, &[0], &opts, &mut v);
            v.iter()
                .map(|f| format!("{}:{}", f.severity.name(), f.code))
                .collect::<Vec<_>>()
        };
        let ok = "https://www.nvidia.com/a";
        assert!(codes(&source(SourceKind::Datasheet, Some(ok), "2026-03-06")).is_empty());
        assert_eq!(
            codes(&source(SourceKind::Datasheet, None, "2026-03-06")),
            ["error:missing-url"]
        );
        assert!(codes(&source(SourceKind::Convention, None, "2026-03-06")).is_empty());
        assert_eq!(
            codes(&source(SourceKind::Datasheet, Some(ok), "2025-05-22")),
            ["warning:stale-source"]
        );
        assert!(codes(&source(SourceKind::Datasheet, Some(ok), "2025-05-23")).is_empty());
        assert_eq!(
            codes(&source(SourceKind::Literature, Some(ok), "2026-11-24")),
            ["warning:future-verified"]
        );
        assert_eq!(
            codes(&source(
                SourceKind::Estimate,
                Some("http://x.org/"),
                "2026-01-01"
            )),
            ["warning:weak-source", "warning:dead-url"]
        );
        assert_eq!(
            codes(&source(SourceKind::Heuristic, None, "2026-01-01")),
            ["info:weak-source"]
        );
    }
}
