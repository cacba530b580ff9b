//! Printing one number: the format spec a directive's attributes describe, the `expect` range
//! check, citation markers, the number template, and the record of what was printed.
//!
//! Rules: `digits` and `sig` exclude each other; `expect="lo..hi"` is checked against the value in
//! its display unit, before citation markers are added; a solver output that is not a number
//! (a label, a yes/no, not applicable) prints as text (`yes`, `no`, `n/a`).

use super::{problem, FileEval, Problem};
use crate::base::units::Value;
use crate::book::config::BookStyle;
use crate::book::model::{Kind, Provenance, RecordLineage};
use crate::calc::params::Out;
use crate::present::format::{display_value, format_range, format_value, FormatSpec};
use crate::syntax::Directive;

/// The format spec of a directive's formatting attributes over the book's `[format]` defaults.
pub(super) fn spec(d: &Directive, book: &BookStyle) -> Result<FormatSpec, Problem> {
    let mut spec = FormatSpec {
        round: book.round,
        group_from: book.group_from,
        ..FormatSpec::default()
    };
    for a in &d.attrs {
        spec.apply(&a.name, &a.value)
            .map_err(|e| problem(a.value_span.clone(), e.to_string()))?;
    }
    if let (Some(_), Some(s)) = (spec.digits, d.attr("sig")) {
        return Err(problem(
            s.name_span.clone(),
            "`digits` and `sig` cannot both be given; keep one",
        ));
    }
    Ok(spec)
}

/// The text of a solver output that is not a number.
pub(super) fn out_text(o: &Out) -> String {
    match o {
        Out::Label(s) => s.clone(),
        Out::Bool(true) => "yes".into(),
        Out::Bool(false) => "no".into(),
        Out::Missing => "n/a".into(),
        Out::Value(v) => format!("{}", v.si),
    }
}

/// The provenance of both ends of a range.
fn union(a: &Provenance, b: &Provenance) -> Provenance {
    let mut p = a.clone();
    for f in &b.formulas {
        if !p.formulas.contains(f) {
            p.formulas.push(f.clone());
        }
    }
    for i in &b.inputs {
        if !p.inputs.contains(i) {
            p.inputs.push(i.clone());
        }
    }
    for r in &b.registry {
        if !p.registry.contains(r) {
            p.registry.push(r.clone());
        }
    }
    p.sources.extend(b.sources.iter().cloned());
    p.sources.sort();
    p.sources.dedup();
    p
}

/// `lo..hi` with plain or exponent numbers.
fn parse_range(s: &str) -> Option<(f64, f64)> {
    let (lo, hi) = s.split_once("..")?;
    let p = |x: &str| {
        x.trim()
            .replace(['_', ','], "")
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
    };
    let (lo, hi) = (p(lo)?, p(hi)?);
    (lo <= hi).then_some((lo, hi))
}

impl FileEval<'_> {
    /// Formats a value with the directive's attributes (a range when `to=` is given), checks
    /// `expect` (on both ends of a range), adds citation markers and records it (with the solver
    /// `warnings` behind it).
    pub(super) fn print_value(
        &mut self,
        d: &Directive,
        v: Value,
        mut lineage: RecordLineage,
        kind: Kind,
        warnings: &[String],
    ) -> Result<String, Problem> {
        let spec = spec(d, &self.templates.style)?;
        let target = self.target(d);
        let unit_at = |d: &Directive| {
            d.attr("unit")
                .map_or(d.span.start..d.span.start + 8, |a| a.value_span.clone())
        };
        let mut ends = vec![v];
        let text = if let Some(to) = d.attr("to") {
            let (hi, hi_lineage) = self.eval_expr(to)?;
            if hi.dim != v.dim {
                return Err(Problem {
                    span: to.value_span.clone(),
                    message: format!(
                        "`to` is {}, but the value is {}: both ends of a range need the same dimension",
                        hi.dim.name(),
                        v.dim.name()
                    ),
                    help: Some("give `to` in the unit of the value, e.g. to=\"5 W\" after value=\"3 W\"".into()),
                });
            }
            ends.push(hi);
            let hi_prov = self.lineage_provenance(&hi_lineage);
            lineage = RecordLineage {
                derivation: format!("{} to {}", lineage.derivation, to.value),
                provenance: std::sync::Arc::new(union(&lineage.provenance, &hi_prov)),
            };
            format_range(v, hi, &spec, target).map_err(|e| problem(unit_at(d), e.to_string()))?
        } else {
            format_value(v, &spec, target).map_err(|e| problem(unit_at(d), e.to_string()))?
        };
        if let Some(expect) = d.attr("expect") {
            for v in &ends {
                let shown = display_value(*v, &spec)
                    .map_err(|e| problem(expect.value_span.clone(), e.to_string()))?;
                let (lo, hi) = parse_range(&expect.value).ok_or_else(|| Problem {
                    span: expect.value_span.clone(),
                    message: format!("`expect=\"{}\"` is not a range", expect.value),
                    help: Some(
                        "write expect=\"lo..hi\" in the display unit, e.g. expect=\"290..300\""
                            .into(),
                    ),
                })?;
                if !(lo..=hi).contains(&shown) {
                    return Err(problem(
                        expect.value_span.clone(),
                        format!(
                            "value {text} is outside the expected range {}..{} (expect=\"{}\")",
                            expect.value.split("..").next().unwrap_or("").trim(),
                            expect.value.split("..").nth(1).unwrap_or("").trim(),
                            expect.value
                        ),
                    ));
                }
            }
        }
        let markers = if self.cite(d)? {
            self.markers(&lineage.sources, d)?
        } else {
            String::new()
        };
        let printed = self
            .templates
            .number(&text, &markers, v.si, spec.unit.as_deref())
            .map_err(|e| problem(d.span.clone(), e))?;
        self.record(
            d,
            kind,
            None,
            printed.clone(),
            Some(v),
            spec.unit.as_deref().unwrap_or(""),
            lineage,
            warnings,
        );
        Ok(printed)
    }
}
