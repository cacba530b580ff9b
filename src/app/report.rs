//! Where diagnostics go, by `--format`: rendered for people on stderr (`text`, coloured when
//! stderr is a terminal or `--color always`), one JSON object per line on stdout (`json`: severity,
//! file, line, column, message, help), or GitHub Actions workflow commands on stdout (`github`:
//! `::error file=...,line=...,col=...::message`, which GitHub shows on the pull request's diff).
//! Every command prints its diagnostics through [`diagnostics`], so the format holds for all.

use crate::base::diag::{Diagnostic, Severity};
use std::fmt::Write as _;
use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

/// How diagnostics are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagFormat {
    /// Rendered text on stderr.
    Text,
    /// JSON lines on stdout.
    Json,
    /// GitHub Actions annotations on stdout.
    Github,
}

static FORMAT: AtomicU8 = AtomicU8::new(0);

/// Sets the format for the rest of the process.
pub fn set_format(f: DiagFormat) {
    FORMAT.store(f as u8, Ordering::Relaxed);
}

fn format() -> DiagFormat {
    match FORMAT.load(Ordering::Relaxed) {
        1 => DiagFormat::Json,
        2 => DiagFormat::Github,
        _ => DiagFormat::Text,
    }
}

/// A GitHub Actions workflow command for one diagnostic.
pub fn github(d: &Diagnostic) -> String {
    // https://docs.github.com: data escapes % CR LF; properties also : and ,.
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let prop = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let message = match &d.help {
        Some(h) => format!("{}\n{h}", d.message),
        None => d.message.clone(),
    };
    format!(
        "::{level} file={},line={},col={},title=mlsysim-book::{}",
        prop(&d.file),
        d.line,
        d.column,
        data(&message)
    )
}

/// One diagnostic as JSON, written straight from its fields (no intermediate JSON value).
/// Fields in alphabetical order, as earlier releases printed them.
#[derive(serde::Serialize)]
struct JsonDiagnostic<'a> {
    column: u32,
    file: &'a str,
    help: Option<&'a str>,
    line: u32,
    message: &'a str,
    severity: &'static str,
}

impl<'a> JsonDiagnostic<'a> {
    /// The JSON form of `d`.
    fn of(d: &'a Diagnostic) -> JsonDiagnostic<'a> {
        JsonDiagnostic {
            column: d.column,
            file: &d.file,
            help: d.help.as_deref(),
            line: d.line,
            message: &d.message,
            severity: d.severity.name(),
        }
    }
}

/// Writes diagnostics in the chosen format. Write errors on stdout (a closed pipe) are ignored
/// here: the command's own output reports them. The text is built first and written at once
/// (stderr is unbuffered); the excerpts of many diagnostics are rendered on every core, in order.
pub fn diagnostics<'a>(ds: impl IntoIterator<Item = &'a Diagnostic>) {
    use rayon::prelude::*;
    let ds: Vec<&Diagnostic> = ds.into_iter().collect();
    match format() {
        DiagFormat::Text => {
            let mut parts: Vec<String> = ds
                .par_chunks(1024)
                .map(|chunk| {
                    let mut text = String::with_capacity(chunk.len() * 200);
                    for d in chunk {
                        let _ = writeln!(text, "{d}\n");
                    }
                    text
                })
                .collect();
            // One blank line between diagnostics, none after the last.
            if let Some(last) = parts.last_mut() {
                last.pop();
            }
            // One write per chunk of 1,024 diagnostics: few system calls, no copy of the whole.
            let mut err = std::io::stderr().lock();
            for part in &parts {
                if err.write_all(part.as_bytes()).is_err() {
                    break;
                }
            }
        }
        DiagFormat::Json => {
            let mut out = Vec::with_capacity(ds.len() * 160);
            for d in ds {
                let _ = serde_json::to_writer(&mut out, &JsonDiagnostic::of(d));
                out.push(b'\n');
            }
            let _ = std::io::stdout().lock().write_all(&out);
        }
        DiagFormat::Github => {
            let mut text = String::new();
            for d in ds {
                text.push_str(&github(d));
                text.push('\n');
            }
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_annotations_escape_their_data_and_properties() {
        let mut d = Diagnostic::file("book/a,b.md", "50% off:\nnext line").with_help("try x");
        d.line = 3;
        d.column = 7;
        assert_eq!(
            github(&d),
            "::error file=book/a%2Cb.md,line=3,col=7,title=mlsysim-book::50%25 off:%0Anext line%0Atry x"
        );
        assert_eq!(
            github(&d.clone().warning()),
            "::warning file=book/a%2Cb.md,line=3,col=7,title=mlsysim-book::50%25 off:%0Anext line%0Atry x"
        );
    }

    #[test]
    fn json_diagnostics_carry_every_field() {
        let d = Diagnostic::file("a.md", "bad").with_help("fix");
        assert_eq!(
            serde_json::to_string(&JsonDiagnostic::of(&d)).unwrap(),
            r#"{"column":1,"file":"a.md","help":"fix","line":1,"message":"bad","severity":"error"}"#
        );
    }
}
