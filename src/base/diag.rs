//! Diagnostics: located errors (`file:line:column: error: ...`) and warnings
//! (`file:line:column: warning: ...`) with the offending text underlined and an optional hint.
//! Collected, never fatal one by one, so every problem is reported at once. A diagnostic is an
//! error unless made a warning ([`Diagnostic::warning`]); whether a warning fails a command is the
//! command's decision.

use crate::base::lines::line_col;
use std::fmt;

/// How much a diagnostic matters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something to look at; fails only where warnings are denied.
    Warning,
    /// Something wrong: the command fails.
    #[default]
    Error,
}

impl Severity {
    /// `error` or `warning`, as printed.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One located problem.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// File path as shown to the user.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
    /// What is wrong, and what would be right.
    pub message: String,
    /// The source line, for the excerpt (empty when unknown).
    pub source_line: String,
    /// Characters to underline from `column` (at least 1).
    pub width: u32,
    /// A hint (closest key, valid names, expected dimension).
    pub help: Option<String>,
    /// Error or warning.
    pub severity: Severity,
}

impl Diagnostic {
    /// A diagnostic at a byte span of `src`.
    pub fn at(
        file: &str,
        src: &str,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let start = span.start.min(src.len());
        let (line, column) = line_col(src, start);
        let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
        let source_line = src[line_start..line_end].trim_end_matches('\r').to_string();
        let end = span.end.clamp(start, line_end);
        let width = src[start..end].chars().count().max(1) as u32;
        Diagnostic {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
            source_line,
            width,
            help: None,
            severity: Severity::Error,
        }
    }

    /// A diagnostic about a whole file (line 1, column 1, no excerpt).
    pub fn file(file: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_string(),
            line: 1,
            column: 1,
            message: message.into(),
            source_line: String::new(),
            width: 1,
            help: None,
            severity: Severity::Error,
        }
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// The same diagnostic as a warning.
    pub fn warning(mut self) -> Diagnostic {
        self.severity = Severity::Warning;
        self
    }

    /// Whether it is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file,
            self.line,
            self.column,
            self.severity.name(),
            self.message
        )?;
        if !self.source_line.is_empty() {
            let gutter = self.line.to_string().len();
            let pad: String = self
                .source_line
                .chars()
                .take(self.column.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(
                f,
                "\n{:gutter$} |\n{} | {}\n{:gutter$} | {}{}",
                "",
                self.line,
                self.source_line,
                "",
                pad,
                "^".repeat(self.width as usize)
            )?;
        }
        if let Some(h) = &self.help {
            write!(f, "\n  = help: {h}")?;
        }
        Ok(())
    }
}

/// Several diagnostics, shown one after another, sorted by location.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Sorts by file, line and column (deterministic output).
    pub fn sorted(mut self) -> Diagnostics {
        self.0.sort();
        self.0.dedup();
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_and_warnings_differ_only_in_their_word() {
        let src = "a\nsome <mlsysim solve=\"x\"/> text\n";
        let e = Diagnostic::at("ch.md", src, 7..15, "it failed");
        assert!(e.is_error());
        let shown = e.to_string();
        assert_eq!(
            shown,
            "ch.md:2:6: error: it failed\n  |\n2 | some <mlsysim solve=\"x\"/> text\n  |      ^^^^^^^^"
        );
        let w = e.clone().warning();
        assert!(!w.is_error());
        assert_eq!(w.to_string(), shown.replacen(": error: ", ": warning: ", 1));
        assert_eq!(
            Diagnostic::file("ch.md", "unreadable").to_string(),
            "ch.md:1:1: error: unreadable"
        );
    }
}
