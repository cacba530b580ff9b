//! Figures from the registry and the solvers: rooflines and scenario scorecards as SVG, with
//! PDF and PNG conversion for slides and the web.
//!
//! A `figure=` directive is read by [`parse_request`] and drawn by [`render_svg`]. Positions come
//! from the same solvers as the text (roofline workload points from [`crate::calc::solvers::roofline`],
//! ridge points from [`crate::calc::formulas::performance::ridge_point`], scorecard ratios from
//! [`crate::calc::solvers::scenario`]) and every number drawn is formatted by [`crate::present::format`]
//! (target [`Target::Text`]), so a figure can never disagree with the prose.
//!
//! General charts (line, bar, scatter, heatmap; [`chart`]) are drawn with `plotters` on our
//! [`backend::CanvasBackend`]; label boxes are measured with the embedded DejaVu Sans metrics
//! ([`font`]) and placed so that no two overlap ([`layout`]). Output bytes are the same on every
//! machine.

pub mod axis;
pub mod backend;
pub mod chart;
pub mod convert;
pub mod font;
pub mod layout;
pub mod plot;
pub mod request;
pub mod roofline;
pub mod scorecard;
pub mod style;
pub mod svg;
pub mod theme;

pub use request::{parse_request, valid_id, FigureKind, FigureRequest, Workload};

use crate::base::units::Value;
use crate::calc::params::Lineage;
use crate::present::format::{format_value, FormatSpec, Target};
use crate::registry::Registry;
use svg::{Canvas, TextMode};

/// A figure directive that cannot be drawn. `attr` names the attribute at fault, when there is
/// one, so the caller can point at it in the source.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}{message}", .attr.as_ref().map_or(String::new(), |a| format!("`{a}`: ")))]
pub struct FigureError {
    /// The attribute at fault.
    pub attr: Option<String>,
    /// What is wrong, and what would be right.
    pub message: String,
}

impl FigureError {
    /// An error about attribute `attr`.
    pub fn attr(attr: &str, message: impl Into<String>) -> FigureError {
        FigureError {
            attr: Some(attr.to_string()),
            message: message.into(),
        }
    }

    /// An error about the figure as a whole.
    pub fn general(message: impl Into<String>) -> FigureError {
        FigureError {
            attr: None,
            message: message.into(),
        }
    }
}

/// One value printed in a figure, for the build manifest.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnValue {
    /// What it is (`H100.ridge_point`, `ResNet50@1 on H100.arithmetic_intensity`, `memory_ratio`).
    pub name: String,
    /// The value in base units (none for text such as `memory-bound` or `PASS`).
    pub value: Option<Value>,
    /// The text drawn.
    pub printed: String,
    /// Display unit (`FLOP/byte`, `%`), or `label`.
    pub display_unit: String,
    /// Solver, formulas, registry leaves and inputs behind it.
    pub lineage: Lineage,
}

/// A drawn figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// The figure id (file stem).
    pub id: String,
    /// The SVG for the web: `<text>` elements, the font stack named, deterministic bytes.
    pub svg: String,
    /// Every value printed in the figure.
    pub values: Vec<DrawnValue>,
    /// Solver warnings (a precision falling back to the dense peak, …).
    pub warnings: Vec<String>,
    canvas: Canvas,
}

impl Figure {
    /// The same figure with every text turned into outlines of the embedded font (the input of
    /// PDF and PNG conversion, which then needs no font at all).
    pub fn outlined_svg(&self) -> String {
        self.canvas.to_svg(TextMode::Outline)
    }

    /// Width and height in px (CSS pixels, 96 per inch).
    pub fn size(&self) -> (f64, f64) {
        (self.canvas.width, self.canvas.height)
    }
}

/// Draws the figure a request describes.
pub fn render_svg(reg: &Registry, req: &FigureRequest) -> Result<Figure, FigureError> {
    let drawn = match req.kind {
        FigureKind::Roofline => roofline::draw(reg, req)?,
        FigureKind::Scorecard => scorecard::draw(reg, req)?,
        FigureKind::Line | FigureKind::Bar | FigureKind::Scatter | FigureKind::Heatmap => {
            chart::draw(reg, req)?
        }
    };
    Ok(Figure {
        id: req.id.clone(),
        svg: drawn.canvas.to_svg(TextMode::Text),
        values: drawn.values,
        warnings: drawn
            .warnings
            .into_iter()
            .map(|w| format!("figure `{}`: {w}", req.id))
            .collect(),
        canvas: drawn.canvas,
    })
}

/// What a figure kind's `draw` returns.
pub(crate) struct Drawn {
    pub canvas: Canvas,
    pub values: Vec<DrawnValue>,
    pub warnings: Vec<String>,
}

/// Formats a value for a figure: the book's formatting, plain Unicode text.
pub(crate) fn fmt(v: Value, spec: &FormatSpec) -> Result<String, FigureError> {
    format_value(v, spec, Target::Text)
        .map_err(|e| FigureError::general(format!("cannot format a figure value: {e}")))
}

/// A spec with a unit and, optionally, fixed decimals.
pub(crate) fn spec(unit: Option<&str>, digits: Option<u32>) -> FormatSpec {
    FormatSpec {
        unit: unit.map(str::to_string),
        digits,
        ..FormatSpec::default()
    }
}

/// The path of a figure file as seen from a source file: `source_rel` is the source's path
/// relative to the book folder (`slides/roofline.tex`), figures live in `figures/` at the top of
/// the output (`../figures/<id>.pdf` from there).
pub fn figure_href(source_rel: &str, id: &str, ext: &str) -> String {
    let depth = source_rel.split('/').count().saturating_sub(1);
    format!("{}figures/{id}.{ext}", "../".repeat(depth))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_climb_to_the_output_root() {
        assert_eq!(figure_href("ch1.qmd", "f", "svg"), "figures/f.svg");
        assert_eq!(
            figure_href("slides/roofline.tex", "f", "pdf"),
            "../figures/f.pdf"
        );
        assert_eq!(figure_href("a/b/c.md", "f", "svg"), "../../figures/f.svg");
    }
}
