//! The `build` and `check` commands: settings, registry and templates, then the build, then one
//! summary line (or every error and a count).

use super::build::{build_with, evaluate_book};
use super::config::BookConfig;
use super::templates::Templates;
use crate::cli::{registry_or_report, Format};
use std::path::Path;
use std::time::Instant;

/// Book settings, registry and templates for `book`; problems are printed to stderr.
pub(crate) fn setup(
    book: &Path,
    templates: Option<&Path>,
    registry: Option<&Path>,
) -> Option<(crate::registry::Registry, Templates)> {
    let config = match BookConfig::load(book) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return None;
        }
    };
    let reg = registry_or_report(registry.or(config.registry.as_deref()))?;
    match Templates::load(templates.or(config.templates.as_deref())) {
        Ok(t) => Some((reg, t)),
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}

fn ms(t: Instant) -> String {
    format!("{:.0} ms", t.elapsed().as_secs_f64() * 1e3)
}

/// `build BOOK --out DIR`.
pub fn build(
    book: &Path,
    out: &Path,
    templates: Option<&Path>,
    registry: Option<&Path>,
    format: Format,
) -> i32 {
    let t = Instant::now();
    let Some((reg, tpl)) = setup(book, templates, registry) else {
        return 1;
    };
    let progress = crate::integrate::progress::Progress::for_command(format == Format::Json);
    let result = build_with(&reg, &tpl, book, out, Some(&progress));
    progress.finish();
    match result {
        Ok(s) => {
            if format == Format::Json {
                println!(
                    "{}",
                    serde_json::json!({ "status": "ok", "book": book.display().to_string(), "out": out.display().to_string(), "sources": s.sources, "copied": s.copied, "directives": s.directives, "values": s.values })
                );
            } else {
                println!(
                    "built {} → {}: {} source files ({} other files copied), {} directives, {} values printed, in {}",
                    book.display(),
                    out.display(),
                    s.sources,
                    s.copied,
                    s.directives,
                    s.values,
                    ms(t)
                );
            }
            0
        }
        Err(d) => {
            eprint!("{d}");
            eprintln!(
                "error: build failed with {} error(s); nothing was written",
                d.0.len()
            );
            1
        }
    }
}

/// `check BOOK`.
pub fn check(
    book: &Path,
    templates: Option<&Path>,
    registry: Option<&Path>,
    format: Format,
) -> i32 {
    let t = Instant::now();
    let Some((reg, tpl)) = setup(book, templates, registry) else {
        return 1;
    };
    match evaluate_book(&reg, &tpl, book, Path::new("_build")) {
        Ok((s, _)) => {
            if format == Format::Json {
                println!(
                    "{}",
                    serde_json::json!({ "status": "ok", "sources": s.sources, "directives": s.directives, "values": s.values })
                );
            } else {
                println!(
                    "check passed: {} source files, {} directives, {} values, in {}",
                    s.sources,
                    s.directives,
                    s.values,
                    ms(t)
                );
            }
            0
        }
        Err(d) => {
            eprint!("{d}");
            eprintln!("error: check failed with {} error(s)", d.0.len());
            1
        }
    }
}
