//! The figure font: DejaVu Sans (regular and bold), embedded from `assets/fonts/`. Its advance
//! widths size every label box, so the layout is the same on every machine, and its outlines turn
//! text into paths for PNG and PDF output (no system font is ever consulted).

use std::sync::OnceLock;
use ttf_parser::{Face, GlyphId, OutlineBuilder};

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Characters whose advances are looked up once, when the face is loaded (Latin, Greek,
/// punctuation, super- and subscripts, arrows and math operators).
const TABLE: usize = 0x2300;

/// One parsed face.
pub struct Font {
    face: Face<'static>,
    scale_units: f64,
    /// Advance widths of the first [`TABLE`] code points, in font units.
    advances: Vec<u16>,
}

/// The regular or bold face.
pub fn font(bold: bool) -> &'static Font {
    static FACES: OnceLock<[Font; 2]> = OnceLock::new();
    let faces = FACES.get_or_init(|| {
        let load = |data: &'static [u8]| {
            let face = Face::parse(data, 0).expect("the embedded DejaVu Sans font parses");
            let advances = (0..TABLE as u32)
                .map(|u| {
                    let g = char::from_u32(u)
                        .and_then(|c| face.glyph_index(c))
                        .unwrap_or(GlyphId(0));
                    face.glyph_hor_advance(g).unwrap_or(0)
                })
                .collect();
            Font {
                scale_units: f64::from(face.units_per_em()),
                face,
                advances,
            }
        };
        [load(REGULAR), load(BOLD)]
    });
    &faces[usize::from(bold)]
}

impl Font {
    fn glyph(&self, c: char) -> GlyphId {
        self.face.glyph_index(c).unwrap_or(GlyphId(0))
    }

    fn advance(&self, g: GlyphId) -> f64 {
        f64::from(self.face.glyph_hor_advance(g).unwrap_or(0))
    }

    /// Width of `text` at `size` px (sum of advances; no kerning, as in the outlines).
    pub fn width(&self, text: &str, size: f64) -> f64 {
        let units: f64 = text
            .chars()
            .map(|c| match self.advances.get(c as usize) {
                Some(a) => f64::from(*a),
                None => self.advance(self.glyph(c)),
            })
            .sum();
        units * size / self.scale_units
    }

    /// Height above the baseline of capital letters at `size` px.
    pub fn cap_height(&self, size: f64) -> f64 {
        let cap = self
            .face
            .capital_height()
            .map_or(0.73 * self.scale_units, f64::from);
        cap * size / self.scale_units
    }

    /// Depth below the baseline of descenders at `size` px (positive).
    pub fn descent(&self, size: f64) -> f64 {
        -f64::from(self.face.descender()) * size / self.scale_units
    }

    /// SVG path data of `text` with its baseline starting at (`x`, `y`).
    pub fn outline(&self, text: &str, x: f64, y: f64, size: f64) -> String {
        let s = size / self.scale_units;
        let mut out = PathData {
            d: String::new(),
            x0: x,
            y0: y,
            pen: 0.0,
            s,
        };
        for c in text.chars() {
            let g = self.glyph(c);
            self.face.outline_glyph(g, &mut out);
            out.pen += self.advance(g);
        }
        out.d
    }
}

/// Collects glyph outlines as SVG path commands in figure pixels.
struct PathData {
    d: String,
    x0: f64,
    y0: f64,
    pen: f64,
    s: f64,
}

impl PathData {
    fn pt(&mut self, x: f32, y: f32) {
        let px = self.x0 + (self.pen + f64::from(x)) * self.s;
        let py = self.y0 - f64::from(y) * self.s;
        self.d.push_str(&super::svg::num(px));
        self.d.push(' ');
        self.d.push_str(&super::svg::num(py));
    }
}

impl OutlineBuilder for PathData {
    fn move_to(&mut self, x: f32, y: f32) {
        self.d.push('M');
        self.pt(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.d.push('L');
        self.pt(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.d.push('Q');
        self.pt(x1, y1);
        self.d.push(' ');
        self.pt(x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.d.push('C');
        self.pt(x1, y1);
        self.d.push(' ');
        self.pt(x2, y2);
        self.d.push(' ');
        self.pt(x, y);
    }
    fn close(&mut self) {
        self.d.push('Z');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_font_metrics() {
        let f = font(false);
        // DejaVu Sans: 2048 units per em, digits advance 1303 units.
        assert!((f.width("0", 2048.0) - 1303.0).abs() < 1e-9);
        assert!(f.width("WWW", 12.0) > f.width("iii", 12.0) * 2.0);
        assert!(font(true).width("Roofline", 12.0) > f.width("Roofline", 12.0));
        assert_eq!(f.width("", 12.0), 0.0);
    }

    #[test]
    fn outlines_are_paths() {
        let d = font(false).outline("H1", 10.0, 20.0, 12.0);
        assert!(d.starts_with('M') && d.contains('Z'), "{d}");
        assert!(font(false).outline(" ", 0.0, 0.0, 12.0).is_empty());
    }
}
