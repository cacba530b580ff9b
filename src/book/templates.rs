//! The minijinja templates that render numbers, tables and footnotes. The defaults in `templates/`
//! are compiled into the binary; `--templates DIR` (or `templates` in the book config) overrides
//! any of them by file name.

use crate::base::escape;
use crate::present::figure::theme::Theme;
use minijinja::{Environment, UndefinedBehavior};
use std::path::Path;
use std::sync::Arc;

/// The chart theme file a templates folder may hold (not a minijinja template).
pub const FIGURE_THEME: &str = "figure-theme.toml";

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_templates.rs"));
}

/// The names every template set must provide.
pub const NAMES: [&str; 10] = [
    "number.j2",
    "figure.md.j2",
    "figure.mdbook.j2",
    "figure.tex.j2",
    "table.md.j2",
    "table.tex.j2",
    "footnote-marker.md.j2",
    "footnotes.md.j2",
    "footnote.tex.j2",
    "audit.md.j2",
];

/// A loaded template set.
pub struct Templates {
    env: Environment<'static>,
    /// Whether `number.j2` is the built-in one (then numbers skip the template engine).
    default_number: bool,
    /// Whether `footnote-marker.md.j2` is the built-in one (then markers skip the engine too).
    default_marker: bool,
    /// Whether `table.md.j2` is the built-in one (then pipe tables are laid out directly).
    default_table: bool,
    /// The book-wide `[format]` and `[cite]` settings of `mlsysim.toml`.
    pub style: super::config::BookStyle,
    /// How a figure of a Markdown source is printed and where its file is.
    markdown_figures: MarkdownFigures,
    /// The chart themes: the built-in `figure-theme.toml` overridden by the folder's own, and
    /// its slides preset.
    figure_themes: (Arc<Theme>, Arc<Theme>),
    /// Whether figures are drawn with the slides preset (`--preset slides`, `[figures] preset`).
    slides: bool,
}

/// How a figure of a Markdown source is printed: the template (`figure.md.j2`, Pandoc/Quarto
/// image markup, or `figure.mdbook.j2`, an HTML `<figure>` for CommonMark renderers such as mdBook)
/// and the folder of the figure files, relative to the book root (`/` separators).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkdownFigures {
    /// The template's name.
    pub template: &'static str,
    /// The figure folder relative to the book root, e.g. `figures` or `_mlsysim/figures`.
    pub dir: String,
}

impl Default for MarkdownFigures {
    fn default() -> Self {
        MarkdownFigures {
            template: "figure.md.j2",
            dir: "figures".into(),
        }
    }
}

impl Templates {
    /// The default templates, overridden by files of the same name in `dir` if given.
    pub fn load(dir: Option<&Path>) -> Result<Templates, String> {
        let mut env = Environment::new();
        let mut default_number = true;
        let mut default_marker = true;
        let mut default_table = true;
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        for (name, text) in embedded::FILES {
            let text = match dir.map(|d| d.join(name)) {
                Some(p) if p.is_file() => {
                    default_number &= *name != "number.j2";
                    default_marker &= *name != "footnote-marker.md.j2";
                    default_table &= *name != "table.md.j2";
                    std::fs::read_to_string(&p)
                        .map_err(|e| format!("{}: cannot read template: {e}", p.display()))?
                }
                _ => text.to_string(),
            };
            env.add_template_owned(name.to_string(), text)
                .map_err(|e| format!("template {name}: {e:#}"))?;
        }
        if let Some(d) = dir {
            if !d.is_dir() {
                return Err(format!("{}: templates folder not found", d.display()));
            }
        }
        for name in NAMES {
            if env.get_template(name).is_err() {
                return Err(format!("template {name} is missing"));
            }
        }
        let figure_themes = match dir.map(|d| d.join(FIGURE_THEME)) {
            Some(p) if p.is_file() => {
                let text = std::fs::read_to_string(&p)
                    .map_err(|e| format!("{}: cannot read: {e}", p.display()))?;
                let (d, s) =
                    Theme::load(Some(&text)).map_err(|e| format!("{}: {e}", p.display()))?;
                (Arc::new(d), Arc::new(s))
            }
            _ => (Theme::default_arc(), Theme::slides_arc()),
        };
        Ok(Templates {
            env,
            default_number,
            default_marker,
            default_table,
            style: super::config::BookStyle::default(),
            markdown_figures: MarkdownFigures::default(),
            figure_themes,
            slides: false,
        })
    }

    /// The same templates with the book's `[format]` and `[cite]` settings.
    pub fn with_style(mut self, style: super::config::BookStyle) -> Templates {
        self.style = style;
        self
    }

    /// These templates with Markdown figures printed and placed as `figures` says.
    pub fn with_markdown_figures(mut self, figures: MarkdownFigures) -> Templates {
        self.markdown_figures = figures;
        self
    }

    /// How Markdown figures are printed and where their files go.
    pub fn markdown_figures(&self) -> &MarkdownFigures {
        &self.markdown_figures
    }

    /// Draws figures with the slides preset (or not).
    pub fn set_slides(&mut self, slides: bool) {
        self.slides = slides;
    }

    /// The chart theme in force: the book's, in the directive's preset if it names one, else the
    /// book's (`[figures] preset`, `--preset`).
    pub fn figure_theme(&self, preset: Option<&str>) -> Arc<Theme> {
        let slides = preset.map_or(self.slides, |p| p == "slides");
        if slides {
            self.figure_themes.1.clone()
        } else {
            self.figure_themes.0.clone()
        }
    }

    /// Renders one printed value through `number.j2`. The built-in template is the plain
    /// concatenation of text and markers, so it is applied without the template engine.
    pub fn number(
        &self,
        text: &str,
        markers: &str,
        value: f64,
        unit: Option<&str>,
    ) -> Result<String, String> {
        if self.default_number {
            return Ok(format!("{text}{markers}"));
        }
        self.render(
            "number.j2",
            serde_json::json!({ "text": text, "markers": markers, "value": value, "unit": unit }),
        )
    }

    /// Renders a footnote reference through `footnote-marker.md.j2` (built-in: `[^label]`).
    pub fn marker(&self, label: &str) -> Result<String, String> {
        if self.default_marker {
            return Ok(format!("[^{label}]"));
        }
        self.render(
            "footnote-marker.md.j2",
            serde_json::json!({ "label": label }),
        )
    }

    /// Renders a Markdown pipe table through `table.md.j2`; the built-in layout is produced
    /// directly (byte-identical, see the tests).
    pub fn md_table(
        &self,
        headers: &[String],
        align: &[String],
        rows: &[Vec<String>],
    ) -> Result<String, String> {
        // Headers and cells are text in a pipe table: a `|` or a line break would break it.
        let headers: Vec<String> = headers.iter().map(|h| escape::md_cell(h)).collect();
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(|c| escape::md_cell(c)).collect())
            .collect();
        if !self.default_table {
            return self.render(
                "table.md.j2",
                serde_json::json!({ "headers": headers, "align": align, "rows": rows }),
            );
        }
        let mut out = String::with_capacity(64 * (rows.len() + 2));
        out.push_str("| ");
        out.push_str(&headers.join(" | "));
        out.push_str(" |\n|");
        for a in align {
            out.push_str(if a == "right" { "---:|" } else { ":---|" });
        }
        out.push('\n');
        for row in &rows {
            out.push_str("| ");
            out.push_str(&row.join(" | "));
            out.push_str(" |\n");
        }
        Ok(out)
    }

    /// Renders a LaTeX tabular through `table.tex.j2`. Headers are text (column labels, registry
    /// names) and are LaTeX-escaped here; cells are formatted for LaTeX already.
    pub fn tex_table(
        &self,
        headers: &[String],
        align: &[String],
        rows: &[Vec<String>],
    ) -> Result<String, String> {
        let headers: Vec<String> = headers.iter().map(|h| escape::latex_text(h)).collect();
        self.render(
            "table.tex.j2",
            serde_json::json!({ "headers": headers, "align": align, "rows": rows }),
        )
    }

    /// Renders a template with a serializable context.
    pub fn render<S: serde::Serialize>(&self, name: &str, ctx: S) -> Result<String, String> {
        let t = self
            .env
            .get_template(name)
            .map_err(|e| format!("template {name}: {e}"))?;
        t.render(minijinja::value::Serde(&ctx))
            .map_err(|e| format!("template {name}: {e:#}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Column labels are text: LaTeX specials and a `|` in Markdown cannot break the table.
    #[test]
    fn table_headers_are_escaped_for_their_target() {
        let t = Templates::load(None).unwrap();
        let headers = vec!["MFU (%) & $/h".to_string(), "a_b | c".to_string()];
        let align = vec!["left".to_string(), "right".to_string()];
        let rows = vec![vec!["H100".to_string(), "1".to_string()]];
        let tex = t.tex_table(&headers, &align, &rows).unwrap();
        assert!(
            tex.contains("MFU (\\%) \\& \\$/h & a\\_b | c \\\\"),
            "{tex}"
        );
        let md = t.md_table(&headers, &align, &rows).unwrap();
        assert!(md.starts_with("| MFU (%) & $/h | a_b \\| c |\n"), "{md}");
        assert_eq!(md.lines().nth(2), Some("| H100 | 1 |"));
    }

    #[test]
    fn direct_layouts_match_the_builtin_templates() {
        let t = Templates::load(None).unwrap();
        let headers = vec!["Accelerator".to_string(), "TDP (W)".to_string()];
        let align = vec!["left".to_string(), "right".to_string()];
        let rows = vec![
            vec!["H100".to_string(), "700".to_string()],
            vec!["A100".to_string(), "400".to_string()],
        ];
        let direct = t.md_table(&headers, &align, &rows).unwrap();
        let via = t
            .render(
                "table.md.j2",
                serde_json::json!({ "headers": headers, "align": align, "rows": rows }),
            )
            .unwrap();
        assert_eq!(direct.trim_end(), via.trim_end());
        assert_eq!(
            direct,
            "| Accelerator | TDP (W) |\n|:---|---:|\n| H100 | 700 |\n| A100 | 400 |\n"
        );
        assert_eq!(
            t.marker("x").unwrap(),
            t.render("footnote-marker.md.j2", serde_json::json!({ "label": "x" }))
                .unwrap()
        );
        assert_eq!(
            t.number("3.35 TB/s", "[^a]", 3.35e12, Some("TB/s")).unwrap(),
            t.render("number.j2", serde_json::json!({ "text": "3.35 TB/s", "markers": "[^a]", "value": 3.35e12, "unit": "TB/s" })).unwrap()
        );
    }
}
