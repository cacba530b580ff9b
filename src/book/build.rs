//! `build` and `check`: read and scan every source of a book in parallel (which needs no
//! registry, so it can overlap loading one), then evaluate them in parallel; write the built copy,
//! its manifest and the other files only when there is no error at all. `check` without a drift
//! lock only counts the printed values ([`Records::Count`]).

use super::evaluate::FileEval;
use super::files::{discover, BookFile, FileKind};
use super::manifest::write_manifest;
use super::model::{Expansion, FigureOut, FileOutput, Record, Records};
use super::output::{check_replaceable, write_tree, Content, MANIFEST};
use super::templates::Templates;
use crate::base::diag::{Diagnostic, Diagnostics};
use crate::registry::Registry;
use crate::syntax::{find_unexpanded, ScanResult, SourceKind};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Where a long build reports how far it is: the application draws a progress line from it; the
/// library only counts.
pub trait Progress: Sync {
    /// Starts a phase (`evaluating`, `writing`) of `total` steps (0: no count).
    fn phase(&self, name: &'static str, total: usize);
    /// One step of the phase is done.
    fn tick(&self);
}

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
    /// The evaluated directives of each source, sorted by path.
    pub expanded: Vec<Expanded>,
    /// Figures drawn, by file and position (written to `figures/<id>.<ext>`).
    pub figures: Vec<FigureOut>,
    /// Solver warnings of every directive, sorted by file and position (severity warning).
    pub warnings: Vec<Diagnostic>,
}

/// The directives of one evaluated source file, for toolchains that expand them themselves.
#[derive(Clone, Debug, Default)]
pub struct Expanded {
    /// Path relative to the book folder.
    pub rel: String,
    /// Whether the file is Markdown/Quarto (not LaTeX).
    pub markdown: bool,
    /// Every evaluated directive, in source order.
    pub expansions: Vec<Expansion>,
    /// The footnote definitions the file cites (empty when none).
    pub footnotes: String,
}

/// Evaluates one text: `name` is how diagnostics show the file, `rel` how records name it. A
/// `<mlsysim` tag left in the output is an error (renderers would drop it silently).
pub fn evaluate_text(
    reg: &Registry,
    templates: &Templates,
    name: &str,
    rel: &str,
    text: &str,
    kind: SourceKind,
) -> FileOutput {
    evaluate_scanned(reg, templates, name, rel, text, kind, Records::Keep, None)
}

/// [`evaluate_text`], keeping the records of printed values or only counting them, of a text
/// perhaps already scanned.
#[allow(clippy::too_many_arguments)]
fn evaluate_scanned(
    reg: &Registry,
    templates: &Templates,
    name: &str,
    rel: &str,
    text: &str,
    kind: SourceKind,
    keep: Records,
    scanned: Option<ScanResult>,
) -> FileOutput {
    let mut out = FileEval::run_scanned(reg, templates, name, rel, text, kind, keep, scanned);
    out.rel = rel.to_string();
    let rel_arc: std::sync::Arc<str> = std::sync::Arc::from(rel);
    for r in &mut out.records {
        r.file = rel_arc.clone();
    }
    // The full scan for leftover tags runs only when a tag is there at all.
    if out.diags.is_empty() && out.text.contains("<mlsysim") {
        for (line, column) in find_unexpanded(&out.text, kind) {
            out.diags.push(Diagnostic {
                file: name.to_string(),
                line,
                column,
                message: "a `<mlsysim` tag is left unexpanded in the output (renderers would drop it silently)".into(),
                source_line: out.text.lines().nth(line as usize - 1).unwrap_or("").to_string(),
                width: 8,
                help: None,
                severity: crate::base::diag::Severity::Error,
            });
        }
    }
    out
}

/// Reads and evaluates one source file of `book`. Diagnostics carry paths as `book/rel`.
pub fn evaluate_file(
    reg: &Registry,
    templates: &Templates,
    book: &Path,
    f: &BookFile,
) -> Result<FileOutput, Diagnostic> {
    let read = read_source(book, f)?;
    Ok(evaluate_read_source(reg, templates, f, read, Records::Keep))
}

/// The syntax of a source file.
fn source_kind(f: &BookFile) -> SourceKind {
    if f.kind == FileKind::Latex {
        SourceKind::Latex
    } else {
        SourceKind::Markdown
    }
}

/// A source file of a book, read and scanned for directives: the work on it that needs neither
/// registry nor templates (so it can run while they load).
struct ReadSource {
    /// How diagnostics show the file (`book/rel`).
    name: String,
    text: String,
    scanned: ScanResult,
}

/// Reads and scans one source file of `book`.
fn read_source(book: &Path, f: &BookFile) -> Result<ReadSource, Diagnostic> {
    let name = book.join(&f.rel).display().to_string();
    let text = std::fs::read_to_string(&f.path)
        .map_err(|e| Diagnostic::file(&name, format!("cannot read: {e}")))?;
    let scanned = crate::syntax::scan(&text, source_kind(f));
    Ok(ReadSource {
        name,
        text,
        scanned,
    })
}

/// Evaluates a source file read by [`read_source`].
fn evaluate_read_source(
    reg: &Registry,
    templates: &Templates,
    f: &BookFile,
    read: ReadSource,
    keep: Records,
) -> FileOutput {
    let kind = source_kind(f);
    evaluate_scanned(
        reg,
        templates,
        &read.name,
        &f.rel,
        &read.text,
        kind,
        keep,
        Some(read.scanned),
    )
}

/// The files of a book with its sources read and scanned ([`read_book`]), ready to evaluate.
pub struct ReadBook {
    sources: Vec<BookFile>,
    others: Vec<BookFile>,
    read: Vec<Result<ReadSource, Diagnostic>>,
}

/// Finds the files of `book` (skipping `out`) and reads and scans its sources in parallel: all
/// of a build that needs no registry, so it can overlap loading one ([`evaluate_read_book`]
/// does the rest).
pub fn read_book(book: &Path, out: &Path) -> Result<ReadBook, Diagnostics> {
    let files = discover(book, out).map_err(|d| Diagnostics(vec![d]))?;
    let (sources, others): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|f| f.kind != FileKind::Other);
    let read = sources.par_iter().map(|f| read_source(book, f)).collect();
    Ok(ReadBook {
        sources,
        others,
        read,
    })
}

/// Evaluates every source file of `book`. Diagnostics carry paths as `book/rel`.
pub fn evaluate_book(
    reg: &Registry,
    templates: &Templates,
    book: &Path,
    out: &Path,
) -> Result<(Summary, Vec<(String, std::path::PathBuf)>), Diagnostics> {
    evaluate_book_with(reg, templates, book, out, None)
}

/// [`evaluate_book`], counting evaluated files on `progress`.
pub fn evaluate_book_with(
    reg: &Registry,
    templates: &Templates,
    book: &Path,
    out: &Path,
    progress: Option<&dyn Progress>,
) -> Result<(Summary, Vec<(String, std::path::PathBuf)>), Diagnostics> {
    let read = read_book(book, out)?;
    evaluate_read_book(reg, templates, read, progress, Records::Keep)
}

/// Evaluates a book read by [`read_book`] (see [`evaluate_book`]), keeping the records of printed
/// values or only counting them (`summary.records` is then empty; `summary.values` counts them
/// all the same).
pub fn evaluate_read_book(
    reg: &Registry,
    templates: &Templates,
    read: ReadBook,
    progress: Option<&dyn Progress>,
    keep: Records,
) -> Result<(Summary, Vec<(String, std::path::PathBuf)>), Diagnostics> {
    let ReadBook {
        sources,
        others,
        read,
    } = read;
    if let Some(p) = progress {
        p.phase("evaluating", sources.len());
    }
    let results: Vec<Result<FileOutput, Diagnostic>> = sources
        .par_iter()
        .zip(read)
        .map(|(f, r)| {
            let r = r.map(|r| evaluate_read_source(reg, templates, f, r, keep));
            if let Some(p) = progress {
                p.tick();
            }
            r
        })
        .collect();
    let mut diags = Vec::new();
    let mut summary = Summary {
        sources: sources.len(),
        copied: others.len(),
        ..Summary::default()
    };
    let total: usize = results
        .iter()
        .map(|r| r.as_ref().map_or(0, |o| o.records.len()))
        .sum();
    summary.records.reserve_exact(total);
    summary.outputs.reserve_exact(results.len());
    summary.expanded.reserve_exact(results.len());
    for (r, f) in results.into_iter().zip(&sources) {
        match r {
            Ok(o) => {
                if diags.is_empty() {
                    diags = o.diags; // moved, not copied (one file may hold 100,000 errors)
                } else {
                    diags.extend(o.diags);
                }
                summary.warnings.extend(o.warnings);
                summary.directives += o.directives;
                summary.values += o.values;
                summary.records.extend(o.records);
                summary.expanded.push(Expanded {
                    rel: o.rel.clone(),
                    markdown: f.kind == FileKind::Markdown,
                    expansions: o.expansions,
                    footnotes: o.footnotes,
                });
                summary.figures.extend(o.figures);
                summary.outputs.push((o.rel, o.text));
            }
            Err(d) => diags.push(d),
        }
    }
    summary.figures.sort_by(|a, b| {
        (&a.at.file, a.at.line, a.at.column).cmp(&(&b.at.file, b.at.line, b.at.column))
    });
    diags.extend(duplicate_figure_ids(&summary.figures));
    if !diags.is_empty() {
        return Err(Diagnostics(diags).sorted());
    }
    summary.outputs.sort_by(|a, b| a.0.cmp(&b.0));
    if !summary.warnings.is_empty() {
        summary.warnings = Diagnostics(std::mem::take(&mut summary.warnings))
            .sorted()
            .0;
    }
    summary.expanded.sort_by(|a, b| a.rel.cmp(&b.rel));
    let by_place =
        |a: &Record, b: &Record| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column));
    // Files are evaluated in path order and each in source order, so this is usually a check.
    if !summary.records.is_sorted_by(|a, b| by_place(a, b).is_le()) {
        summary.records.sort_by(by_place);
    }
    Ok((
        summary,
        others.into_iter().map(|f| (f.rel, f.path)).collect(),
    ))
}

/// Figure ids name files and cross-references, so each is used once per book.
pub fn duplicate_figure_ids(figures: &[FigureOut]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut first_of: std::collections::HashMap<&str, &FigureOut> = Default::default();
    for f in figures {
        let first = *first_of.entry(f.figure.id.as_str()).or_insert(f);
        if !std::ptr::eq(first, f) {
            let mut d = f.at.clone();
            d.message = format!(
                "figure id `{}` is already used at {}:{}:{}; ids name files and cross-references, so they must be unique in the book",
                f.figure.id, first.at.file, first.at.line, first.at.column
            );
            out.push(d);
        }
    }
    out
}

/// Where a figure's file goes in the output: `figures/<id>.svg` for Markdown, `.pdf` for LaTeX.
pub fn figure_path(f: &FigureOut) -> String {
    format!("figures/{}.{}", f.figure.id, f.format.ext())
}

/// The files of the figures: `figures/<id>.svg` for Markdown, `.pdf` for LaTeX.
pub fn figure_files(figures: &[FigureOut]) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let results: Vec<Result<(String, Vec<u8>), Diagnostic>> = figures
        .par_iter()
        .map(|f| {
            let bytes =
                crate::present::figure::convert::encode(&f.figure, f.format).map_err(|e| {
                    let mut d = f.at.clone();
                    d.message = e.to_string();
                    d
                })?;
            Ok((figure_path(f), bytes))
        })
        .collect();
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(d) => diags.push(d),
        }
    }
    if diags.is_empty() {
        Ok(files)
    } else {
        Err(Diagnostics(diags).sorted())
    }
}

/// The files of a built book, by path: built sources and figures from memory, the book's other
/// files copied, and the manifest.
pub fn book_files<'a>(
    sources: impl Iterator<Item = (&'a String, &'a str)>,
    figures: &'a [(String, Vec<u8>)],
    others: impl Iterator<Item = (&'a String, &'a PathBuf)>,
    manifest: Content<'a>,
) -> Vec<(String, Content<'a>)> {
    let mut files: Vec<(String, Content)> = sources
        .map(|(r, t)| (r.clone(), Content::Bytes(t.as_bytes())))
        .collect();
    files.extend(figures.iter().map(|(r, b)| (r.clone(), Content::Bytes(b))));
    files.extend(others.map(|(r, p)| (r.clone(), Content::Copy(p))));
    files.push((MANIFEST.to_string(), manifest));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// The names of the bibliography files the build writes (pandoc citations), without making them.
pub fn bibliography_names(templates: &Templates) -> &'static [&'static str] {
    if templates.style.cite == super::config::CiteStyle::Pandoc {
        &[super::bibliography::BIB, super::bibliography::CSL]
    } else {
        &[]
    }
}

/// The bibliography files the build writes beside the book (`mlsysim.bib` and CSL JSON) when
/// citations are in pandoc style; none otherwise.
pub fn bibliography_files(reg: &Registry, templates: &Templates) -> Vec<(String, String)> {
    if templates.style.cite != super::config::CiteStyle::Pandoc {
        return Vec::new();
    }
    super::bibliography::files(reg)
        .into_iter()
        .map(|(n, t)| (n.to_string(), t))
        .collect()
}

/// The ownership rule's second half: a file of the book never takes the place of one the build
/// generates (the manifest, always; the figure and bibliography files in `generated`). One error
/// per book file (`book_rels`, book-relative) that would.
pub fn shadowing<'a>(
    book: &Path,
    generated: impl Iterator<Item = &'a str>,
    book_rels: impl Iterator<Item = &'a String>,
) -> Vec<Diagnostic> {
    let generated: std::collections::HashSet<&str> = generated.chain([MANIFEST]).collect();
    book_rels
        .filter(|rel| generated.contains(rel.as_str()))
        .map(|rel| {
            Diagnostic::file(
                &book.join(rel).display().to_string(),
                format!("the build generates `{rel}` itself; rename this file of the book (or the figure id)"),
            )
        })
        .collect()
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
    build_gated_with(reg, templates, book, out, None, gate)
}

/// [`build_gated`], counting evaluated files on `progress`.
pub fn build_gated_with(
    reg: &Registry,
    templates: &Templates,
    book: &Path,
    out: &Path,
    progress: Option<&dyn Progress>,
    gate: impl FnOnce(&Summary) -> Result<(), Diagnostics>,
) -> Result<Summary, Diagnostics> {
    let fail = |m: String| Diagnostics(vec![Diagnostic::at_path(&out.display().to_string(), &m)]);
    crate::book::output::recover(out); // an interrupted earlier write: finish or undo it
    check_replaceable(out, book).map_err(fail)?;
    let (summary, others) = evaluate_book_with(reg, templates, book, out, progress)?;
    gate(&summary)?;
    if let Some(p) = progress {
        p.phase("writing", 0);
    }
    let figure_files = figure_files(&summary.figures)?;
    let bib = bibliography_files(reg, templates);
    let generated = figure_files
        .iter()
        .map(|(f, _)| f.as_str())
        .chain(bib.iter().map(|(n, _)| n.as_str()));
    let book_rels = others
        .iter()
        .map(|(rel, _)| rel)
        .chain(summary.outputs.iter().map(|(rel, _)| rel));
    let shadowing = shadowing(book, generated, book_rels);
    if !shadowing.is_empty() {
        return Err(Diagnostics(shadowing).sorted());
    }
    let records = &summary.records;
    let mut files = book_files(
        summary.outputs.iter().map(|(r, t)| (r, t.as_str())),
        &figure_files,
        others.iter().map(|(r, p)| (r, p)),
        Content::Stream(Box::new(move |w| write_manifest(w, records))),
    );
    files.extend(
        bib.iter()
            .map(|(n, t)| (n.clone(), Content::Bytes(t.as_bytes()))),
    );
    files.sort_by(|a, b| a.0.cmp(&b.0));
    write_tree(out, &files).map_err(fail)?;
    // The manifest's writer borrows the records until here.
    drop(files);
    Ok(summary)
}
