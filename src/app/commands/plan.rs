//! CLI glue for plans: `eval PLAN` (scorecard, asserts, exit codes) and `schema`.
//!
//! Exit codes: 0 the plan evaluated and every assert holds; 1 the registry failed to load or a
//! solver could not evaluate the plan; 2 the plan is malformed (syntax, schema, unknown keys or
//! metrics; located as file:line:column) or the command line is wrong; 3 an assert is violated.

use crate::app::exit;
use crate::app::format::Format;
use crate::app::out;
use crate::app::registry::load_or_report as registry_or_report;
use crate::base::diag::Diagnostic;
use crate::calc::plan::evaluate::{evaluate, number, Scorecard};
use crate::calc::plan::parse::{format_of, read};
use crate::calc::plan::resolve::{prepare, resolve, unknown, Resolved};
use crate::calc::plan::{presets, PlanSource};
use crate::registry::Registry;
use serde_json::{json, Map, Value as Json};
use std::borrow::Cow;
use std::path::Path;

/// Whether `eval`'s first argument names a plan rather than a solver: an existing file, a
/// `.toml`/`.yaml`/`.yml` path, or a preset name (solver names always mean the solver).
pub fn is_plan_arg(arg: &str) -> bool {
    if arg == "formula" || crate::calc::catalog::SOLVERS.contains(&arg) {
        return false;
    }
    Path::new(arg).is_file() || format_of(arg).is_some() || presets::names().contains(&arg)
}

/// Loads a plan from a path or a preset name.
pub fn load(arg: &str) -> Result<PlanSource, Diagnostic> {
    let p = Path::new(arg);
    if p.is_file() {
        return read(p);
    }
    if let Some(src) = presets::get(arg) {
        return src;
    }
    if format_of(arg).is_some() {
        return Err(Diagnostic::file(arg, "no such plan file"));
    }
    Err(Diagnostic::file(
        arg,
        unknown("plan (file or preset)", arg, &presets::names()),
    ))
}

/// Loads a plan and a registry prepared for it, reporting problems; `Err` is the exit code.
pub fn open(arg: &str, registry: Option<&Path>) -> Result<(PlanSource, Registry), u8> {
    let src = load(arg).map_err(|d| {
        crate::app::report::diagnostics([&d]);
        exit::USAGE
    })?;
    let reg = registry_or_report(registry).ok_or(exit::FAILURE)?;
    let prepared = match prepare(&reg, &src) {
        Ok(Cow::Borrowed(_)) => None,
        Ok(Cow::Owned(r)) => Some(r),
        Err(d) => {
            report_plan_errors(&d);
            return Err(exit::USAGE);
        }
    };
    Ok((src, prepared.unwrap_or(reg)))
}

/// Resolves a plan against a prepared registry, reporting problems; `Err` is the exit code.
pub fn resolved<'r>(reg: &'r Registry, src: &PlanSource) -> Result<Resolved<'r>, u8> {
    resolve(reg, src).map_err(|d| {
        report_plan_errors(&d);
        exit::USAGE
    })
}

fn report_plan_errors(d: &crate::base::diag::Diagnostics) {
    crate::app::report::diagnostics(&d.0);
    eprintln!("error: the plan has {} problem(s)", d.0.len());
}

/// `eval PLAN [--format F]`: prints the scorecard and checks the asserts.
pub fn eval(
    arg: &str,
    explain: bool,
    rest: &[String],
    registry: Option<&Path>,
    format: Format,
) -> crate::app::Result {
    let (rest, late_explain, late_format) = crate::app::commands::eval::split_flags(rest);
    if explain || late_explain {
        eprintln!("error: --explain applies to solvers, not plans; run `eval <solver> --explain` on one level's inputs");
        return Ok(exit::code(exit::USAGE));
    }
    if let Some(extra) = rest.first() {
        eprintln!("error: unexpected argument `{extra}` after the plan; usage: eval PLAN [--format text|json]");
        return Ok(exit::code(exit::USAGE));
    }
    let format = match late_format.as_deref().map(Format::from_str_arg).transpose() {
        Ok(f) => f.unwrap_or(format),
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(exit::code(exit::USAGE));
        }
    };
    let (src, reg) = match open(arg, registry) {
        Ok(x) => x,
        Err(code) => return Ok(exit::code(code)),
    };
    let r = match resolved(&reg, &src) {
        Ok(r) => r,
        Err(code) => return Ok(exit::code(code)),
    };
    let card = match evaluate(&reg, &r) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {}: cannot evaluate the plan: {e}", src.file);
            return Ok(exit::code(exit::FAILURE));
        }
    };
    let outcomes = card.check(&r);
    let violated: Vec<&str> = outcomes
        .iter()
        .filter(|(_, o)| !o.pass)
        .map(|(_, o)| o.message.as_str())
        .collect();
    match format {
        Format::Text => out::print(&text(&src, &card, &outcomes))?,
        Format::Json => out::line(format!("{:#}", to_json(&src, &card, &outcomes)))?,
    }
    if violated.is_empty() {
        Ok(exit::code(exit::OK))
    } else {
        for v in &violated {
            eprintln!("error: assert violated: {v}");
        }
        Ok(exit::code(exit::VIOLATED))
    }
}

/// The scorecard as text.
pub fn text(
    src: &PlanSource,
    card: &Scorecard,
    outcomes: &[(usize, crate::calc::plan::asserts::Outcome)],
) -> String {
    let mut s = format!("plan: {} ({})\n", card.name, src.file);
    let w = card.context.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in &card.context {
        s.push_str(&format!("  {k:<w$}  {v}\n"));
    }
    for (i, l) in card.levels.iter().enumerate() {
        s.push_str(&format!(
            "\nLevel {}  {:<11}  {:<7}  {}\n",
            i + 1,
            l.level.title(),
            l.status.label(),
            l.summary
        ));
        let w = l
            .metrics
            .iter()
            .map(|(d, _)| d.key.len())
            .max()
            .unwrap_or(0);
        for (d, v) in &l.metrics {
            let unit = crate::base::units::parse_unit(d.unit)
                .expect("metric unit")
                .factor;
            s.push_str(&format!("  {:<w$}  {}\n", d.key, number(v / unit, d.unit)));
        }
    }
    if !outcomes.is_empty() {
        s.push_str("\nasserts\n");
        for (_, o) in outcomes {
            s.push_str(&format!(
                "  {}  {}\n",
                if o.pass { "PASS" } else { "FAIL" },
                o.message
            ));
        }
    }
    for w in &card.warnings {
        s.push_str(&format!("\nwarning: {w}\n"));
    }
    s
}

/// The scorecard as JSON: levels with metrics in their units, asserts, status and violations.
pub fn to_json(
    src: &PlanSource,
    card: &Scorecard,
    outcomes: &[(usize, crate::calc::plan::asserts::Outcome)],
) -> Json {
    let mut levels = Map::new();
    for l in &card.levels {
        let mut metrics = Map::new();
        for (d, v) in &l.metrics {
            let unit = crate::base::units::parse_unit(d.unit)
                .expect("metric unit")
                .factor;
            metrics.insert(d.key.into(), json!({ "value": v / unit, "unit": d.unit }));
        }
        levels.insert(
            l.level.key().into(),
            json!({ "status": l.status.label(), "summary": l.summary, "metrics": metrics }),
        );
    }
    let mut context = Map::new();
    for (k, v) in &card.context {
        context.insert((*k).into(), json!(v));
    }
    let asserts: Vec<Json> = outcomes
        .iter()
        .map(|(i, o)| {
            json!({
                "index": i, "metric": o.metric, "value": o.value, "unit": o.unit,
                "max": o.max, "min": o.min, "pass": o.pass, "message": o.message,
            })
        })
        .collect();
    let violations: Vec<&str> = outcomes
        .iter()
        .filter(|(_, o)| !o.pass)
        .map(|(_, o)| o.message.as_str())
        .collect();
    json!({
        "plan": card.name,
        "file": src.file,
        "status": if violations.is_empty() { "ok" } else { "sla_failed" },
        "context": context,
        "levels": levels,
        "asserts": asserts,
        "violations": violations,
        "warnings": card.warnings,
    })
}
