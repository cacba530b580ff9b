//! Diagnostics: located errors (`file:line:column: error: ...`) with the offending text underlined
//! and an optional hint. Collected, never fatal one by one, so every problem is reported at once.

use crate::base::lines::with_index;
use std::fmt;

/// Longest source line, in bytes, shown under a diagnostic.
const MAX_EXCERPT: usize = 1000;

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
}

impl Diagnostic {
    /// A diagnostic at a byte span of `src`.
    pub fn at(
        file: &str,
        src: &str,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let mut start = span.start.min(src.len());
        while !src.is_char_boundary(start) {
            start -= 1;
        }
        let (line, column, range) = with_index(src, |idx| {
            let (l, c) = idx.line_col(src, start);
            (l, c, idx.line_range(src, start))
        });
        // A line too long to show (a minified or generated file) is located but not excerpted,
        // so N problems on one huge line cost O(N), not O(N × line).
        let source_line = if range.len() <= MAX_EXCERPT {
            src[range.clone()].to_string()
        } else {
            String::new()
        };
        let mut end = span
            .end
            .clamp(start, range.end.max(start))
            .min(start + MAX_EXCERPT);
        while !src.is_char_boundary(end) {
            end -= 1;
        }
        let width = src[start..end].chars().count().max(1) as u32;
        Diagnostic {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
            source_line,
            width,
            help: None,
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
        }
    }

    /// A diagnostic about the file a `PATH: message` text names, when PATH lies under `folder`
    /// (an I/O error inside the output folder), else about `folder` itself.
    pub fn at_path(folder: &str, text: &str) -> Diagnostic {
        match text.split_once(": ") {
            Some((p, m)) if p.starts_with(folder) && !p.contains('\n') => Diagnostic::file(p, m),
            _ => Diagnostic::file(folder, text),
        }
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.file, self.line, self.column, self.message
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
    /// Formatted into one string first, then written at once: stderr is unbuffered, and one
    /// system call per piece made 100,000 errors take seconds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        let mut out = String::with_capacity(self.0.len() * 160);
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            writeln!(out, "{d}")?;
        }
        f.write_str(&out)
    }
}

impl std::error::Error for Diagnostics {}
