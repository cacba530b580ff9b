//! Where diagnostics go, by `--format`: rendered for people on stderr (`text`, coloured when
//! stderr is a terminal or `--color always`), one JSON object per line on stdout (`json`: severity,
//! file, line, column, message, help), or GitHub Actions workflow commands on stdout (`github`:
//! `::error file=...,line=...,col=...::message`, which GitHub shows on the pull request's diff).
//! Every command prints its diagnostics through [`diagnostics`], so the format holds for all.

use crate::base::diag::{Diagnostic, Severity};
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

/// One diagnostic as a JSON object.
pub fn json(d: &Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "severity": d.severity.name(),
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "message": d.message,
        "help": d.help,
    })
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

/// Writes diagnostics in the chosen format. Write errors on stdout (a closed pipe) are ignored
/// here: the command's own output reports them.
pub fn diagnostics<'a>(ds: impl IntoIterator<Item = &'a Diagnostic>) {
    match format() {
        DiagFormat::Text => {
            let mut text = String::new();
            for (i, d) in ds.into_iter().enumerate() {
                if i > 0 {
                    text.push('\n');
                }
                text.push_str(&d.to_string());
                text.push('\n');
            }
            let _ = std::io::stderr().lock().write_all(text.as_bytes());
        }
        DiagFormat::Json => {
            let mut text = String::new();
            for d in ds {
                text.push_str(&json(d).to_string());
                text.push('\n');
            }
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
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
            json(&d).to_string(),
            r#"{"column":1,"file":"a.md","help":"fix","line":1,"message":"bad","severity":"error"}"#
        );
    }
}
