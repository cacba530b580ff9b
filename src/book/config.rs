//! The book's own settings, `mlsysim.toml` in the book folder (all optional):
//!
//! ```toml
//! registry = "registry"    # the book's copy of the registry, relative to the book folder
//! templates = "templates"  # template overrides
//! max_age_months = 18      # audit: sources verified longer ago are findings
//!
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
    /// Figure settings.
    pub figures: Option<FiguresConfig>,
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
