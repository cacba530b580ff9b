//! Every figure of a book without its text (the `figures` command): every `.md`, `.qmd` and
//! `.tex` source is scanned for `figure=` directives, and every `.toml` file with a `figure` key
//! is read as one ([`toml_file`]: a course's `figures/` folder of slide figures); each is drawn
//! and written to `DIR/figures/<id>.<ext>`. Any problem (a bad attribute, an unknown key, two
//! figures with one id) is a located diagnostic, and then nothing is written.

pub mod toml_file;

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::book::files::{discover, FileKind};
use crate::present::figure::convert::{encode, FigFormat};
use crate::present::figure::{parse_request, render_svg, Figure, FigureError, FigureRequest};
use crate::registry::Registry;
use crate::syntax::{scan, Directive, SourceKind};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Files to write: (path relative to the output folder, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// What `figures` wrote.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// Source files scanned.
    pub sources: usize,
    /// Figures drawn.
    pub figures: usize,
    /// Files written, relative to the output folder (`figures/<id>.svg`), sorted.
    pub files: Vec<String>,
    /// Solver warnings.
    pub warnings: Vec<String>,
}

/// A figure directive found in a book, with where it is.
#[derive(Clone, Debug)]
pub struct Found {
    /// Source path as shown in diagnostics (`book/ch1.qmd`).
    pub file: String,
    /// Source text.
    pub text: std::sync::Arc<String>,
    /// The directive.
    pub directive: Directive,
    /// The parsed request.
    pub request: FigureRequest,
    /// Where its `id` is written (message empty).
    pub at: Diagnostic,
}

/// A diagnostic for a figure error: at the attribute it names, else at the tag.
pub fn figure_diagnostic(file: &str, src: &str, d: &Directive, e: &FigureError) -> Diagnostic {
    let span = e
        .attr
        .as_deref()
        .and_then(|a| d.attr(a))
        .map_or(d.span.start..(d.span.start + 8).min(d.span.end), |a| {
            a.value_span.clone()
        });
    Diagnostic::at(file, src, span, e.to_string())
}

/// Every figure directive of a book that parses (ids unique across the book), the number of
/// sources scanned, and the problems found: malformed tags, bad attributes, repeated ids.
pub fn find_figures(
    book: &Path,
    out: &Path,
) -> Result<(usize, Vec<Found>, Vec<Diagnostic>), Diagnostics> {
    let files = discover(book, out).map_err(|d| Diagnostics(vec![d]))?;
    let mut diags = Vec::new();
    let mut found: Vec<Found> = Vec::new();
    let mut ids: std::collections::HashMap<String, usize> = Default::default();
    let mut sources = 0;
    for f in files {
        let kind = match f.kind {
            FileKind::Markdown => Some(SourceKind::Markdown),
            FileKind::Latex => Some(SourceKind::Latex),
            FileKind::Other if toml_file::may_be_figure(&f.path) => None,
            FileKind::Other => continue,
        };
        sources += 1;
        let shown = book.join(&f.rel).display().to_string();
        let text = match std::fs::read_to_string(&f.path) {
            Ok(t) => std::sync::Arc::new(t),
            Err(e) => {
                diags.push(Diagnostic::file(&shown, format!("cannot read: {e}")));
                continue;
            }
        };
        let _lines = crate::base::lines::scope(&text); // one line index for its diagnostics
        let directives = match kind {
            Some(kind) => {
                let scanned = scan(&text, kind);
                for e in &scanned.errors {
                    diags.push(Diagnostic::at(
                        &shown,
                        &text,
                        e.span.clone(),
                        e.message.clone(),
                    ));
                }
                scanned.directives
            }
            None => match toml_file::read(&shown, &text) {
                Ok(Some(d)) => vec![d],
                Ok(None) => {
                    sources -= 1;
                    continue;
                }
                Err(e) => {
                    diags.extend(e);
                    continue;
                }
            },
        };
        for d in directives {
            if d.attr("figure").is_none() {
                continue;
            }
            match parse_request(&d.attr_pairs()) {
                Ok(request) => {
                    let id_span = d
                        .attr("id")
                        .map_or(d.span.clone(), |a| a.value_span.clone());
                    let at = Diagnostic::at(&shown, &text, id_span, "");
                    if let Some(first) = ids.get(&request.id).map(|k| &found[*k]) {
                        let mut dup = at;
                        dup.message = format!(
                            "figure id `{}` is already used at {}:{}:{}; ids name files and cross-references, so they must be unique in the book",
                            request.id, first.at.file, first.at.line, first.at.column
                        );
                        diags.push(dup);
                        continue;
                    }
                    ids.insert(request.id.clone(), found.len());
                    found.push(Found {
                        file: shown.clone(),
                        text: text.clone(),
                        directive: d,
                        request,
                        at,
                    });
                }
                Err(e) => diags.push(figure_diagnostic(&shown, &text, &d, &e)),
            }
        }
    }
    Ok((sources, found, diags))
}

/// Draws every figure of `book` and writes it to `out/figures/<id>.<ext>` for each format (SVG
/// when `formats` is empty). All or nothing: on any error nothing is written.
pub fn draw_book_figures(
    reg: &Registry,
    templates: &crate::book::templates::Templates,
    book: &Path,
    out: &Path,
    formats: &[FigFormat],
) -> Result<Summary, Diagnostics> {
    let mut formats: Vec<FigFormat> = if formats.is_empty() {
        vec![FigFormat::Svg]
    } else {
        formats.to_vec()
    };
    formats.sort();
    formats.dedup();
    let (sources, found, mut diags) = find_figures(book, out)?;
    let drawn: Vec<Result<(Figure, Files), Diagnostic>> = found
        .par_iter()
        .map(|f| {
            let at = |e: FigureError| figure_diagnostic(&f.file, &f.text, &f.directive, &e);
            let mut req = f.request.clone();
            req.theme = templates.figure_theme(req.preset.as_deref());
            let fig = render_svg(reg, &req).map_err(at)?;
            let mut files = Vec::new();
            for fmt in &formats {
                let bytes = encode(&fig, *fmt).map_err(at)?;
                files.push((format!("figures/{}.{}", fig.id, fmt.ext()), bytes));
            }
            Ok((fig, files))
        })
        .collect();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut summary = Summary {
        sources,
        ..Summary::default()
    };
    for r in drawn {
        match r {
            Ok((fig, f)) => {
                summary.figures += 1;
                summary.warnings.extend(fig.warnings);
                files.extend(f);
            }
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        return Err(Diagnostics(diags).sorted());
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    write_files(out, &files).map_err(|e| at_paths(&e, out))?;
    summary.files = files.into_iter().map(|(r, _)| r).collect();
    Ok(summary)
}

/// Diagnostics for `path: message` lines, each at the file it names (else at `out`).
fn at_paths(e: &str, out: &Path) -> Diagnostics {
    let folder = out.display().to_string();
    Diagnostics(e.lines().map(|l| Diagnostic::at_path(&folder, l)).collect())
}

/// The start of the message of a failure that happened after figure files were replaced.
pub const PARTLY_WRITTEN: &str = "some figure files were replaced before this error";

/// Writes every file to a temporary name beside it, then renames them all, so a reader never
/// sees half a figure and a failed write (a full disk) replaces nothing. A file in the way that
/// no earlier run wrote (the author's own drawing) stops the run before anything is written; the
/// files are recorded as the tool's before they are renamed into place.
fn write_files(out: &Path, files: &[(String, Vec<u8>)]) -> Result<(), String> {
    let dir = out.join("figures");
    let names: Vec<String> = files
        .iter()
        .filter_map(|(rel, _)| rel.strip_prefix("figures/").map(str::to_string))
        .collect();
    crate::book::own::check_figures(&dir, &names)?;
    let tmp_of = |p: &Path| {
        let name = p
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().to_string());
        p.with_file_name(format!(".{name}.mlsysim-tmp-{}", std::process::id()))
    };
    let mut written: Vec<PathBuf> = Vec::new();
    let staged = files.iter().try_for_each(|(rel, bytes)| {
        let path: PathBuf = out.join(rel);
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
        }
        let tmp = tmp_of(&path);
        written.push(tmp.clone());
        std::fs::write(&tmp, bytes).map_err(|e| format!("{}: {e}", tmp.display()))
    });
    let staged = staged.and_then(|()| {
        if files.is_empty() {
            Ok(())
        } else {
            crate::book::own::record_figures(&dir, &names)
        }
    });
    if let Err(e) = staged {
        for t in &written {
            let _ = std::fs::remove_file(t);
        }
        return Err(e);
    }
    for (k, (rel, _)) in files.iter().enumerate() {
        let path = out.join(rel);
        if let Err(e) = std::fs::rename(tmp_of(&path), &path) {
            for t in &written[k..] {
                let _ = std::fs::remove_file(t);
            }
            return Err(format!(
                "{PARTLY_WRITTEN} ({k} of {}): {}: {e}",
                files.len(),
                path.display()
            ));
        }
    }
    Ok(())
}
