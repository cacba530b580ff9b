//! Defaults a canvas starts with before a theme restyles it, and the one text metric the layout
//! shares. Every look of a figure (sizes, colours, widths) comes from the figure theme
//! ([`super::theme`], `templates/figure-theme.toml`).

/// Font stack of a new canvas (a theme's `font_family` replaces it). The first family is the
/// embedded one, whose metrics size all label boxes; the others have similar widths.
pub const FONT_FAMILY: &str = "DejaVu Sans, Verdana, Geneva, sans-serif";

/// Background of a new canvas, the colour of text halos (a theme's `background` replaces it).
pub const BACKGROUND: &str = "#ffffff";

/// Line height as a multiple of the font size.
pub const LINE_HEIGHT: f64 = 1.3;
