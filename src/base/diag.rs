//! Diagnostics: located errors (`file:line:column: error: ...`) and warnings
//! (`file:line:column: warning: ...`) with the offending text underlined and an optional hint.
//! Collected, never fatal one by one, so every problem is reported at once. A diagnostic is an
//! error unless made a warning ([`Diagnostic::warning`]); whether a warning fails a command is the
//! command's decision.

use crate::base::lines::with_index;
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

/// Whether diagnostics are rendered with colours (ANSI). Set once by the application from
/// `--color`, `NO_COLOR` and whether stderr is a terminal; plain text by default.
static COLOR: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Renders diagnostics with colours (`true`) or as plain text.
pub fn set_color(on: bool) {
    COLOR.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// Longest excerpt shown, in columns: a long line is cut to a window around the column.
const EXCERPT_WIDTH: usize = 100;

impl Diagnostic {
    /// The excerpt under the header: the source line with the span underlined, then the hint,
    /// rendered by annotate-snippets (the renderer of rustc and cargo), which cuts a long line to
    /// a window around the column.
    fn excerpt(&self, color: bool) -> String {
        if !color {
            if let Some(plain) = self.plain_excerpt() {
                return plain;
            }
        }
        self.rendered_excerpt(color)
    }

    /// The excerpt of the common case, written directly: no colour, a short line of printable
    /// ASCII without leading or trailing blanks, the span inside it, a one-line hint. Byte for
    /// byte what annotate-snippets renders for it (a property test compares the two); writing it
    /// directly makes 100,000 errors print in a tenth of the time. `None` otherwise.
    fn plain_excerpt(&self) -> Option<String> {
        let line = self.source_line.as_str();
        let printable = |s: &str| s.bytes().all(|b| (b' '..=b'~').contains(&b));
        let start = self.column.checked_sub(1)? as usize;
        let end = start + self.width.max(1) as usize;
        let digits = self.line.max(1).ilog10() as usize + 1;
        let simple = !line.is_empty()
            && printable(line)
            && !line.starts_with(' ')
            && !line.ends_with(' ')
            && digits + 3 + line.len() <= EXCERPT_WIDTH
            && end <= line.len()
            && self
                .help
                .as_deref()
                .is_none_or(|h| printable(h) && !h.is_empty());
        if !simple {
            return None;
        }
        let pad = " ".repeat(digits);
        let mut out = format!(
            "{pad} |\n{} | {line}\n{pad} | {}{}\n",
            self.line,
            " ".repeat(start),
            "^".repeat(end - start)
        );
        if let Some(h) = &self.help {
            out.push_str(&format!("{pad} |\n{pad} = help: {h}\n"));
        }
        out.pop();
        Some(out)
    }

    /// The excerpt as annotate-snippets renders it.
    fn rendered_excerpt(&self, color: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let start: usize = self
            .source_line
            .char_indices()
            .nth(self.column.saturating_sub(1) as usize)
            .map_or(self.source_line.len(), |(i, _)| i);
        let end = self.source_line[start..]
            .char_indices()
            .nth(self.width.max(1) as usize)
            .map_or(self.source_line.len(), |(i, _)| start + i);
        let mut group = Group::with_level(level.clone());
        if !self.source_line.is_empty() {
            group = group.element(
                Snippet::source(self.source_line.as_str())
                    .line_start(self.line as usize)
                    .fold(false)
                    .annotation(AnnotationKind::Primary.span(start..end.max(start))),
            );
        }
        if let Some(h) = &self.help {
            group = group.element(Level::HELP.message(h.as_str()));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.term_width(EXCERPT_WIDTH).render(&[group])
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let color = COLOR.load(std::sync::atomic::Ordering::Relaxed);
        let (on, off) = match (color, self.severity) {
            (false, _) => ("", ""),
            (true, Severity::Error) => ("\x1b[1;31m", "\x1b[0m"),
            (true, Severity::Warning) => ("\x1b[1;33m", "\x1b[0m"),
        };
        write!(
            f,
            "{}:{}:{}: {on}{}{off}: {}",
            self.file,
            self.line,
            self.column,
            self.severity.name(),
            self.message
        )?;
        if self.source_line.is_empty() && self.help.is_none() {
            return Ok(());
        }
        let excerpt = self.excerpt(color);
        if !excerpt.is_empty() {
            write!(f, "\n{}", excerpt.trim_end_matches('\n'))?;
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
        assert!(
            e.plain_excerpt().is_some(),
            "the common case is written directly"
        );
        let w = e.clone().warning();
        assert!(!w.is_error());
        assert_eq!(w.to_string(), shown.replacen(": error: ", ": warning: ", 1));
        assert_eq!(
            Diagnostic::file("ch.md", "unreadable").to_string(),
            "ch.md:1:1: error: unreadable"
        );
    }

    proptest::proptest! {
        /// The directly written excerpt is exactly annotate-snippets' rendering wherever it is
        /// used (and declines the rest).
        #[test]
        fn the_plain_excerpt_is_what_annotate_snippets_renders(
            line in "[ -~]{0,110}",
            col in 0u32..120,
            width in 0u32..40,
            number in proptest::prop_oneof![1u32..20, 1u32..200_000],
            help in proptest::option::of("[ -~]{0,80}"),
        ) {
            let d = Diagnostic {
                file: "f.md".into(),
                line: number,
                column: col,
                message: "m".into(),
                source_line: line,
                width,
                help,
                severity: Severity::Error,
            };
            if let Some(plain) = d.plain_excerpt() {
                proptest::prop_assert_eq!(plain, d.rendered_excerpt(false));
            }
        }
    }
}
