//! Figure files: SVG as drawn, and PDF (slides, print) and PNG (web, previews) converted from the
//! figure with its text outlined in the embedded font, by pure-Rust crates (usvg + resvg +
//! tiny-skia for PNG, svg2pdf for PDF). No external program and no system font is used, so the
//! bytes are the same on every machine. PDF and PNG need the `convert` cargo feature (on by
//! default).

use super::{Figure, FigureError};

/// Pixels per CSS inch: a 760 px wide figure is 7.9 in (20 cm) wide in the PDF.
pub const PDF_DPI: f32 = 96.0;
/// PNG resolution as a multiple of the SVG size (2 → 1520 × 1000 px for a roofline).
pub const PNG_SCALE: f32 = 2.0;

/// An output format of a figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FigFormat {
    /// SVG (web, Quarto/Markdown books).
    Svg,
    /// PDF (LaTeX/Beamer slides, print).
    Pdf,
    /// PNG at twice the SVG size.
    Png,
}

impl FigFormat {
    /// All formats.
    pub const ALL: [FigFormat; 3] = [FigFormat::Svg, FigFormat::Pdf, FigFormat::Png];

    /// The file extension (`svg`).
    pub fn ext(self) -> &'static str {
        match self {
            FigFormat::Svg => "svg",
            FigFormat::Pdf => "pdf",
            FigFormat::Png => "png",
        }
    }

    /// Parses `svg`, `pdf` or `png`.
    pub fn parse(s: &str) -> Option<FigFormat> {
        FigFormat::ALL.into_iter().find(|f| f.ext() == s.trim())
    }
}

/// Whether this binary can write PDF and PNG (the `convert` feature).
pub const CONVERT_AVAILABLE: bool = cfg!(feature = "convert");

/// The bytes of `fig` in `format`.
pub fn encode(fig: &Figure, format: FigFormat) -> Result<Vec<u8>, FigureError> {
    match format {
        FigFormat::Svg => Ok(fig.svg.clone().into_bytes()),
        FigFormat::Pdf => to_pdf(fig),
        FigFormat::Png => to_png(fig, PNG_SCALE),
    }
}

#[cfg(feature = "convert")]
fn tree(fig: &Figure) -> Result<usvg::Tree, FigureError> {
    usvg::Tree::from_str(&fig.outlined_svg(), &usvg::Options::default())
        .map_err(|e| FigureError::general(format!("figure `{}`: cannot read its SVG: {e}", fig.id)))
}

/// A PNG of the figure at `scale` × its size.
#[cfg(feature = "convert")]
pub fn to_png(fig: &Figure, scale: f32) -> Result<Vec<u8>, FigureError> {
    let tree = tree(fig)?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| FigureError::general(format!("figure `{}`: empty size", fig.id)))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| FigureError::general(format!("figure `{}`: empty size", fig.id)))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| FigureError::general(format!("figure `{}`: PNG encoding: {e}", fig.id)))
}

/// A one-page PDF of the figure (vector, text as outlines), 96 px per inch.
#[cfg(feature = "convert")]
pub fn to_pdf(fig: &Figure) -> Result<Vec<u8>, FigureError> {
    let tree = tree(fig)?;
    svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions { dpi: PDF_DPI },
    )
    .map_err(|e| FigureError::general(format!("figure `{}`: PDF conversion: {e}", fig.id)))
}

#[cfg(not(feature = "convert"))]
fn unavailable(fig: &Figure, what: &str) -> FigureError {
    FigureError::general(format!(
        "figure `{}`: {what} output needs mlsysim-book built with the `convert` feature (on by default)",
        fig.id
    ))
}

/// A PNG of the figure (not available: built without the `convert` feature).
#[cfg(not(feature = "convert"))]
pub fn to_png(fig: &Figure, _scale: f32) -> Result<Vec<u8>, FigureError> {
    Err(unavailable(fig, "PNG"))
}

/// A PDF of the figure (not available: built without the `convert` feature).
#[cfg(not(feature = "convert"))]
pub fn to_pdf(fig: &Figure) -> Result<Vec<u8>, FigureError> {
    Err(unavailable(fig, "PDF"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(FigFormat::parse("pdf"), Some(FigFormat::Pdf));
        assert_eq!(FigFormat::parse("jpg"), None);
        assert_eq!(FigFormat::Png.ext(), "png");
    }
}
