//! The `audit` command: evaluate the book (as `check` does), then answer the question asked, or
//! report every value with the summary and the findings.

use crate::app::registry::load_or_report as registry_or_report;
use crate::app::{exit, out};
use crate::audit::findings::Severity;
use crate::audit::report::{self, Query};
use crate::audit::select::ValueLoc;
use crate::audit::{Audit, Date, Options, DEFAULT_MAX_AGE_MONTHS};
use crate::book::build::evaluate_book;
use crate::book::config::BookConfig;
use crate::book::templates::Templates;
use std::path::{Path, PathBuf};

/// Output formats of `audit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditFormat {
    /// For the terminal.
    Text,
    /// For machines.
    Json,
    /// The book's appendix page.
    Markdown,
}

/// What `audit` was asked.
#[derive(Clone, Debug, Default)]
pub struct Args {
    /// The book folder.
    pub book: PathBuf,
    /// One value: `FILE:LINE[:COLUMN]`.
    pub value: Option<ValueLoc>,
    /// Every value resting on a source.
    pub source: Option<String>,
    /// Every value resting on a registry entry or field.
    pub entry: Option<String>,
    /// Exit 1 when a finding is a warning or an error.
    pub strict: bool,
    /// Age limit for `verified` dates (overrides the book config).
    pub max_age_months: Option<u32>,
    /// The date ages are measured to (default: today).
    pub as_of: Option<Date>,
    /// Template overrides.
    pub templates: Option<PathBuf>,
}

fn fail(msg: impl std::fmt::Display) -> crate::app::Result {
    eprintln!("error: {msg}");
    Ok(exit::code(exit::FAILURE))
}

/// Runs `audit`; returns the exit status.
pub fn run(args: &Args, registry: Option<&Path>, format: AuditFormat) -> crate::app::Result {
    let book = args.book.as_path();
    let config = match BookConfig::load(book) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return Ok(exit::code(exit::FAILURE));
        }
    };
    let Some(reg) = registry_or_report(registry.or(config.registry.as_deref())) else {
        return Ok(exit::code(exit::FAILURE));
    };
    let templates = match Templates::load(args.templates.as_deref().or(config.templates.as_deref()))
    {
        Ok(t) => match config.style() {
            Ok(s) => t.with_style(s),
            Err(e) => return fail(e),
        },
        Err(e) => return fail(e),
    };
    let summary = match evaluate_book(&reg, &templates, book, Path::new("_build")) {
        Ok((s, _)) => s,
        Err(d) => {
            crate::app::report::diagnostics(&d.0);
            return fail(format!(
                "the book has {} error(s); fix them to audit it",
                d.0.len()
            ));
        }
    };
    let audit = Audit::new(&reg, &summary.records);
    let asked = if let Some(loc) = &args.value {
        Some(("value", loc.to_string(), audit.select_value(loc, book)))
    } else if let Some(id) = &args.source {
        Some(("source", id.clone(), audit.select_source(id)))
    } else {
        args.entry
            .as_ref()
            .map(|e| ("entry", e.clone(), audit.select_entry(e)))
    };
    let (selected, query, options) = match asked {
        Some((kind, arg, Ok(sel))) => (sel, Some(Query { kind, arg }), None),
        Some((_, _, Err(e))) => return fail(e),
        None => (
            (0..summary.records.len()).collect::<Vec<_>>(),
            None,
            Some(Options {
                as_of: args.as_of.unwrap_or_else(Date::today),
                max_age_months: args
                    .max_age_months
                    .or(config.max_age_months)
                    .unwrap_or(DEFAULT_MAX_AGE_MONTHS),
            }),
        ),
    };
    let view = audit.view(book, &selected, query.clone(), options.as_ref());
    let out = match format {
        AuditFormat::Json => report::json(&view),
        AuditFormat::Markdown => match report::markdown(&view, &templates) {
            Ok(s) => s,
            Err(e) => return fail(e),
        },
        AuditFormat::Text => match &query {
            None => report::text_full(&view),
            Some(q) => report::text_query(&view, &heading(&audit, q, view.values.len())),
        },
    };
    // A closed pipe (`audit | head`) is not an error.
    out::print(&out)?;
    let failing = view.findings.as_ref().map_or(0, |f| {
        f.iter()
            .filter(|f| f.severity != Severity::Info.name())
            .count()
    });
    if args.strict && failing > 0 {
        eprintln!("error: --strict: {failing} finding(s) at warning or error severity");
        return Ok(exit::code(exit::FAILURE));
    }
    Ok(exit::code(exit::OK))
}

/// The first line of a partial audit in text.
fn heading(audit: &Audit, q: &Query, n: usize) -> String {
    let values = if n == 1 {
        "1 printed value rests".to_string()
    } else if n == 0 {
        "No printed value rests".to_string()
    } else {
        format!("{n} printed values rest")
    };
    match q.kind {
        "value" => format!(
            "{} at {}",
            if n == 1 {
                "1 printed value".to_string()
            } else {
                format!("{n} printed values")
            },
            q.arg
        ),
        "source" => {
            let s = &audit.reg.sources[&q.arg];
            format!(
                "{values} on source `{}` ({}, verified {}): {}",
                s.id,
                s.kind.name(),
                s.verified,
                s.title
            )
        }
        _ => format!("{values} on registry entry `{}`", q.arg),
    }
}
