//! `build` and `check`: evaluate every source of a book in parallel; write the built copy, its
//! manifest and the other files only when there is no error at all.

use super::evaluate::{FileEval, FileOutput, Record};
use super::files::{discover, FileKind};
use super::output::{check_replaceable, write_tree, MANIFEST};
use super::templates::Templates;
use crate::diag::{Diagnostic, Diagnostics};
use crate::directive::{find_unexpanded, SourceKind};
use crate::registry::Registry;
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;

/// What a successful build or check did.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Source files evaluated.
    pub sources: usize,
    /// Other files copied.
    pub copied: usize,
    /// Directives evaluated.
    pub directives: usize,
    /// Values printed.
    pub values: usize,
    /// Every printed value, sorted by file and position.
    pub records: Vec<Record>,
    /// The built sources (relative path, text), sorted by path.
    pub outputs: Vec<(String, String)>,
}

/// The manifest written with each build.
#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    version: &'static str,
    values: &'a [Record],
}

/// Evaluates every source file of `book`. Diagnostics carry paths as `book/rel`.
pub fn evaluate_book(
    reg: &Registry,
    templates: &Templates,
    book: &Path,
    out: &Path,
) -> Result<(Summary, Vec<(String, std::path::PathBuf)>), Diagnostics> {
    let files = discover(book, out)
        .map_err(|e| Diagnostics(vec![Diagnostic::file(&book.display().to_string(), e)]))?;
    let shown = |rel: &str| book.join(rel).display().to_string();
    let (sources, others): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|f| f.kind != FileKind::Other);
    let results: Vec<Result<FileOutput, Diagnostic>> = sources
        .par_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f.path).map_err(|e| Diagnostic::file(&shown(&f.rel), format!("cannot read: {e}")))?;
            let kind = if f.kind == FileKind::Latex { SourceKind::Latex } else { SourceKind::Markdown };
            let name = shown(&f.rel);
            let mut out = FileEval::run(reg, templates, &name, &text, kind);
            out.rel = f.rel.clone();
            let rel: std::sync::Arc<str> = std::sync::Arc::from(f.rel.as_str());
            for r in &mut out.records {
                r.file = rel.clone();
            }
            // The full scan for leftover tags runs only when a tag is there at all.
            if out.diags.is_empty() && out.text.contains("<mlsysim") {
                for (line, column) in find_unexpanded(&out.text, kind) {
                    out.diags.push(Diagnostic {
                        file: name.clone(),
                        line,
                        column,
                        message: "a `<mlsysim` tag is left unexpanded in the output (renderers would drop it silently)".into(),
                        source_line: out.text.lines().nth(line as usize - 1).unwrap_or("").to_string(),
                        width: 8,
                        help: None,
                    });
                }
            }
            Ok(out)
        })
        .collect();
    let mut diags = Vec::new();
    let mut summary = Summary {
        sources: sources.len(),
        copied: others.len(),
        ..Summary::default()
    };
    for r in results {
        match r {
            Ok(o) => {
                diags.extend(o.diags);
                summary.directives += o.directives;
                summary.values += o.records.len();
                summary.records.extend(o.records);
                summary.outputs.push((o.rel, o.text));
            }
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        return Err(Diagnostics(diags).sorted());
    }
    summary.outputs.sort_by(|a, b| a.0.cmp(&b.0));
    summary
        .records
        .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    Ok((
        summary,
        others.into_iter().map(|f| (f.rel, f.path)).collect(),
    ))
}

/// The manifest JSON of a build.
pub fn manifest_json(records: &[Record]) -> String {
    let m = Manifest {
        tool: "mlsysim-book",
        version: env!("CARGO_PKG_VERSION"),
        values: records,
    };
    let mut s = serde_json::to_string_pretty(&m).expect("manifest serializes");
    s.push('\n');
    s
}

/// Builds `book` into `out`: all or nothing.
pub fn build(
    reg: &Registry,
    templates: &Templates,
    book: &Path,
    out: &Path,
) -> Result<Summary, Diagnostics> {
    build_gated(reg, templates, book, out, |_| Ok(()))
}

/// Builds `book` into `out` when `gate` accepts the evaluated book (the drift lock); nothing is
/// written when it refuses.
pub fn build_gated(
    reg: &Registry,
    templates: &Templates,
    book: &Path,
    out: &Path,
    gate: impl FnOnce(&Summary) -> Result<(), Diagnostics>,
) -> Result<Summary, Diagnostics> {
    let fail = |m: String| Diagnostics(vec![Diagnostic::file(&out.display().to_string(), m)]);
    check_replaceable(out, book).map_err(fail)?;
    let (summary, others) = evaluate_book(reg, templates, book, out)?;
    gate(&summary)?;
    let mut files: Vec<(String, Vec<u8>)> = summary
        .outputs
        .iter()
        .map(|(r, t)| (r.clone(), t.as_bytes().to_vec()))
        .collect();
    for (rel, path) in others {
        let bytes = std::fs::read(&path)
            .map_err(|e| fail(format!("{}: cannot read: {e}", path.display())))?;
        files.push((rel, bytes));
    }
    files.push((
        MANIFEST.to_string(),
        manifest_json(&summary.records).into_bytes(),
    ));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    write_tree(out, &files).map_err(fail)?;
    Ok(summary)
}
