//! The book's own settings, `mlsysim.toml` in the book folder (all optional):
//!
//! ```toml
//! registry = "registry"    # the book's copy of the registry, relative to the book folder
//! templates = "templates"  # template overrides
//! max_age_months = 18      # audit: sources verified longer ago are findings
//!
//! [format]                 # book-wide formatting defaults, overridden per directive
//! group-from = 4           # integer digits from which thousands are grouped (v1: 5)
//! round = "half-up"        # half-up, half-even, floor, ceil, trunc
//! missing = "—"            # what a table cell prints when its entry lacks the field
//!
//! [cite]
//! style = "footnote"       # footnotes written by the tool; "pandoc": `[@id]` and a bibliography
//! [figures]
//! preset = "slides"        # charts drawn for projection (default: "default")
//! ```

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// File name of the book configuration.
pub const FILE: &str = "mlsysim.toml";

/// Book settings.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookConfig {
    /// Registry folder, relative to the book.
    pub registry: Option<PathBuf>,
    /// Templates folder, relative to the book.
    pub templates: Option<PathBuf>,
    /// `audit`: the age limit of `verified` dates, in months (default 18).
    pub max_age_months: Option<u32>,
    /// Book-wide formatting defaults.
    #[serde(default)]
    pub format: FormatConfig,
    /// How sources are cited.
    #[serde(default)]
    pub cite: CiteConfig,
    /// Figure settings.
    pub figures: Option<FiguresConfig>,
}

/// `[format]`: book-wide formatting defaults.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FormatConfig {
    /// Integer digits from which thousands are grouped (default 5).
    pub group_from: Option<u8>,
    /// Rounding mode (default `half-up`).
    pub round: Option<String>,
    /// What a table cell prints when its entry lacks the field (default `—`).
    pub missing: Option<String>,
}

/// `[cite]`: how sources are cited.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CiteConfig {
    /// `footnote` (default) or `pandoc`.
    pub style: Option<String>,
}

/// How citations are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CiteStyle {
    /// Footnotes written by the tool (`[^mlsysim-id]` and their definitions), one per source and file.
    #[default]
    Footnote,
    /// `[@id]` (Markdown) and `\cite{id}` (LaTeX), with `mlsysim.bib` and `mlsysim-references.json`.
    Pandoc,
}

/// The book-wide settings that change how directives print.
#[derive(Clone, Debug)]
pub struct BookStyle {
    /// Integer digits from which thousands are grouped.
    pub group_from: u8,
    /// Default rounding mode.
    pub round: crate::present::format::RoundMode,
    /// Missing table cells.
    pub missing: String,
    /// Citation style.
    pub cite: CiteStyle,
}

impl Default for BookStyle {
    fn default() -> Self {
        BookStyle {
            group_from: 5,
            round: crate::present::format::RoundMode::HalfUp,
            missing: "\u{2014}".into(),
            cite: CiteStyle::Footnote,
        }
    }
}

/// `[figures]` in `mlsysim.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiguresConfig {
    /// `default` or `slides`.
    pub preset: Option<String>,
}

impl BookConfig {
    /// Whether the book's figures use the slides preset.
    pub fn slides(&self) -> bool {
        self.figures
            .as_ref()
            .and_then(|f| f.preset.as_deref())
            .is_some_and(|p| p == "slides")
    }
}

impl BookConfig {
    /// The book-wide style of `[format]` and `[cite]`; an error names the bad setting and the
    /// valid choices.
    pub fn style(&self) -> Result<BookStyle, String> {
        let mut st = BookStyle::default();
        if let Some(g) = self.format.group_from {
            if !(1..=20).contains(&g) {
                return Err(format!(
                    "{FILE}: [format] group-from = {g} is not valid: expected a whole number from 1 to 20 (4 groups 1,898; 5 is the v1 rule)"
                ));
            }
            st.group_from = g;
        }
        if let Some(r) = &self.format.round {
            st.round = r.parse().map_err(|_| {
                format!(
                    "{FILE}: [format] round = \"{r}\" is not valid: expected {}",
                    crate::present::format::RoundMode::NAMES
                )
            })?;
        }
        if let Some(m) = &self.format.missing {
            st.missing = m.clone();
        }
        if let Some(c) = &self.cite.style {
            st.cite = match c.as_str() {
                "footnote" => CiteStyle::Footnote,
                "pandoc" => CiteStyle::Pandoc,
                _ => {
                    return Err(format!(
                        "{FILE}: [cite] style = \"{c}\" is not valid: expected footnote, pandoc"
                    ))
                }
            };
        }
        Ok(st)
    }

    /// Reads `BOOK/mlsysim.toml` if present; paths come back resolved against the book folder.
    pub fn load(book: &Path) -> Result<BookConfig, String> {
        let path = book.join(FILE);
        if !path.is_file() {
            return Ok(BookConfig::default());
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut c: BookConfig = toml::from_str(&text).map_err(|e| {
            let (line, col) = e
                .span()
                .map_or((1, 1), |s| crate::base::lines::line_col(&text, s.start));
            format!("{}:{line}:{col}: error: {}", path.display(), e.message())
        })?;
        if let Some(p) = c.figures.as_ref().and_then(|f| f.preset.as_deref()) {
            if !crate::present::figure::request::PRESETS.contains(&p) {
                return Err(format!(
                    "{}: error: `[figures] preset = \"{p}\"`: presets are default, slides",
                    path.display()
                ));
            }
        }
        c.registry = c.registry.map(|p| book.join(p));
        c.templates = c.templates.map(|p| book.join(p));
        Ok(c)
    }
}
