//! A figure as a list of drawing items, written out as SVG: with `<text>` elements for the web, or
//! with text turned into outlines of the embedded font for PNG and PDF conversion. Coordinates are
//! printed with at most two decimals, so the bytes are the same on every machine.

use super::font::font;
use super::style;
use crate::base::escape::xml;
use std::fmt::Write;

/// Horizontal alignment of a text at its x coordinate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// x is the left end.
    Start,
    /// x is the middle.
    Middle,
    /// x is the right end.
    End,
}

/// How a text looks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextStyle {
    /// Font size in px.
    pub size: f64,
    /// Bold face.
    pub bold: bool,
    /// Fill colour.
    pub fill: &'static str,
    /// Alignment.
    pub anchor: Anchor,
    /// Width of an outline in the canvas' background colour behind the glyphs, so the text stays
    /// legible over lines (0: none).
    pub halo: f64,
}

impl TextStyle {
    /// A regular, left-aligned text without halo.
    pub const fn new(size: f64, fill: &'static str) -> TextStyle {
        TextStyle {
            size,
            bold: false,
            fill,
            anchor: Anchor::Start,
            halo: 0.0,
        }
    }

    /// The same style in bold.
    pub const fn bold(mut self) -> TextStyle {
        self.bold = true;
        self
    }

    /// The same style with another anchor.
    pub const fn anchor(mut self, anchor: Anchor) -> TextStyle {
        self.anchor = anchor;
        self
    }

    /// The same style in another colour.
    pub const fn fill_of(mut self, fill: &'static str) -> TextStyle {
        self.fill = fill;
        self
    }

    /// The same style with a halo `width` px wide.
    pub const fn halo(mut self, width: f64) -> TextStyle {
        self.halo = width;
        self
    }

    /// Width of `text` in this style.
    pub fn width(&self, text: &str) -> f64 {
        font(self.bold).width(text, self.size)
    }

    /// Height of capitals above the baseline.
    pub fn cap_height(&self) -> f64 {
        font(self.bold).cap_height(self.size)
    }

    /// Depth of descenders below the baseline.
    pub fn descent(&self) -> f64 {
        font(self.bold).descent(self.size)
    }
}

/// Attributes of one element, in the order written.
pub type Attrs = Vec<(&'static str, String)>;

/// One drawing item.
#[derive(Clone, Debug, PartialEq)]
enum Item {
    /// `<g …>`.
    Open(Attrs),
    /// `</g>`.
    Close,
    /// An empty element (`line`, `rect`, `circle`, `path`, `polyline`).
    Shape(&'static str, Attrs),
    /// A single-line text with its baseline at (x, y), rotated by `rotate` degrees about (x, y).
    Text {
        x: f64,
        y: f64,
        text: String,
        style: TextStyle,
        rotate: Option<f64>,
        attrs: Attrs,
    },
}

/// How texts are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextMode {
    /// `<text>` elements (web SVG: selectable, searchable, accessible).
    Text,
    /// `<path>` outlines of the embedded font (input of PNG and PDF conversion).
    Outline,
}

/// A figure being drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct Canvas {
    /// Width in px.
    pub width: f64,
    /// Height in px.
    pub height: f64,
    id: String,
    title: String,
    desc: String,
    font_family: String,
    background: String,
    items: Vec<Item>,
}

/// A coordinate or length with at most two decimals (`12.5`, `3`, `-0.25`).
pub fn num(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    let r = if r == 0.0 { 0.0 } else { r };
    let s = format!("{r:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

impl Canvas {
    /// An empty figure. `id` prefixes the ids of its title and description; `title` and `desc`
    /// (the alt text) are written as the SVG's accessible name and description.
    pub fn new(width: f64, height: f64, id: &str, title: &str, desc: &str) -> Canvas {
        Canvas {
            width,
            height,
            id: id.to_string(),
            title: title.to_string(),
            desc: desc.to_string(),
            font_family: style::FONT_FAMILY.to_string(),
            background: style::BACKGROUND.to_string(),
            items: Vec::new(),
        }
    }

    /// Sets the font stack written on the root element (a theme's `font_family`).
    pub fn set_font_family(&mut self, family: &str) {
        self.font_family = family.to_string();
    }

    /// Sets the background colour (a theme's `background`): the colour of text halos.
    pub fn set_background(&mut self, color: &str) {
        self.background = color.to_string();
    }

    /// Opens a group with the given attributes (`class`, data attributes).
    pub fn open(&mut self, attrs: Attrs) {
        self.items.push(Item::Open(attrs));
    }

    /// Closes the innermost group.
    pub fn close(&mut self) {
        self.items.push(Item::Close);
    }

    /// An empty element with its attributes.
    pub fn shape(&mut self, tag: &'static str, attrs: Attrs) {
        self.items.push(Item::Shape(tag, attrs));
    }

    /// A straight line.
    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), mut attrs: Attrs) {
        let mut a = vec![
            ("x1", num(x1)),
            ("y1", num(y1)),
            ("x2", num(x2)),
            ("y2", num(y2)),
        ];
        a.append(&mut attrs);
        self.shape("line", a);
    }

    /// A rectangle.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, mut attrs: Attrs) {
        let mut a = vec![
            ("x", num(x)),
            ("y", num(y)),
            ("width", num(w)),
            ("height", num(h)),
        ];
        a.append(&mut attrs);
        self.shape("rect", a);
    }

    /// A polyline through `pts`.
    pub fn polyline(&mut self, pts: &[(f64, f64)], mut attrs: Attrs) {
        let p = pts
            .iter()
            .map(|&(x, y)| format!("{},{}", num(x), num(y)))
            .collect::<Vec<_>>()
            .join(" ");
        let mut a = vec![("points", p), ("fill", "none".to_string())];
        a.append(&mut attrs);
        self.shape("polyline", a);
    }

    /// A text.
    pub fn text(&mut self, x: f64, y: f64, text: &str, style: TextStyle, attrs: Attrs) {
        self.items.push(Item::Text {
            x,
            y,
            text: text.to_string(),
            style,
            rotate: None,
            attrs,
        });
    }

    /// A text rotated by `degrees` (clockwise, as SVG) about its anchor point.
    pub fn text_rotated(
        &mut self,
        x: f64,
        y: f64,
        degrees: f64,
        text: &str,
        style: TextStyle,
        attrs: Attrs,
    ) {
        self.items.push(Item::Text {
            x,
            y,
            text: text.to_string(),
            style,
            rotate: Some(degrees),
            attrs,
        });
    }

    /// The SVG document.
    pub fn to_svg(&self, mode: TextMode) -> String {
        let mut s = String::with_capacity(16_384);
        let (w, h) = (num(self.width), num(self.height));
        let _ = writeln!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"{}\">",
            xml(&self.font_family),
            id = xml(&self.id)
        );
        let _ = writeln!(
            s,
            "<title id=\"{}-title\">{}</title>",
            xml(&self.id),
            xml(&self.title)
        );
        let _ = writeln!(
            s,
            "<desc id=\"{}-desc\">{}</desc>",
            xml(&self.id),
            xml(&self.desc)
        );
        let mut depth = 0usize;
        for item in &self.items {
            match item {
                Item::Open(attrs) => {
                    indent(&mut s, depth);
                    s.push_str("<g");
                    push_attrs(&mut s, attrs);
                    s.push_str(">\n");
                    depth += 1;
                }
                Item::Close => {
                    depth = depth.saturating_sub(1);
                    indent(&mut s, depth);
                    s.push_str("</g>\n");
                }
                Item::Shape(tag, attrs) => {
                    indent(&mut s, depth);
                    s.push('<');
                    s.push_str(tag);
                    push_attrs(&mut s, attrs);
                    s.push_str("/>\n");
                }
                Item::Text {
                    x,
                    y,
                    text,
                    style,
                    rotate,
                    attrs,
                } => {
                    indent(&mut s, depth);
                    write_text(
                        &mut s,
                        *x,
                        *y,
                        text,
                        style,
                        *rotate,
                        attrs,
                        mode,
                        &self.background,
                    );
                }
            }
        }
        s.push_str("</svg>\n");
        s
    }
}

fn indent(s: &mut String, depth: usize) {
    for _ in 0..depth {
        s.push_str("  ");
    }
}

fn push_attrs(s: &mut String, attrs: &Attrs) {
    for (k, v) in attrs {
        let _ = write!(s, " {k}=\"{}\"", xml(v));
    }
}

#[allow(clippy::too_many_arguments)]
fn write_text(
    s: &mut String,
    x: f64,
    y: f64,
    text: &str,
    st: &TextStyle,
    rotate: Option<f64>,
    attrs: &Attrs,
    mode: TextMode,
    halo_color: &str,
) {
    let mut a: Attrs = Vec::new();
    a.extend(attrs.iter().cloned());
    if st.halo > 0.0 {
        a.push(("stroke", halo_color.to_string()));
        a.push(("stroke-width", num(st.halo)));
        a.push(("stroke-linejoin", "round".to_string()));
        a.push(("paint-order", "stroke".to_string()));
    }
    if let Some(deg) = rotate {
        a.push((
            "transform",
            format!("rotate({} {} {})", num(deg), num(x), num(y)),
        ));
    }
    match mode {
        TextMode::Text => {
            let mut head: Attrs = vec![("x", num(x)), ("y", num(y))];
            head.push(("font-size", num(st.size)));
            if st.bold {
                head.push(("font-weight", "bold".to_string()));
            }
            match st.anchor {
                Anchor::Start => {}
                Anchor::Middle => head.push(("text-anchor", "middle".to_string())),
                Anchor::End => head.push(("text-anchor", "end".to_string())),
            }
            head.push(("fill", st.fill.to_string()));
            head.extend(a);
            s.push_str("<text");
            push_attrs(s, &head);
            let _ = writeln!(s, ">{}</text>", xml(text));
        }
        TextMode::Outline => {
            let w = st.width(text);
            let x0 = match st.anchor {
                Anchor::Start => x,
                Anchor::Middle => x - w / 2.0,
                Anchor::End => x - w,
            };
            let d = font(st.bold).outline(text, x0, y, st.size);
            if d.is_empty() {
                return;
            }
            let mut head: Attrs = vec![("d", d), ("fill", st.fill.to_string())];
            head.extend(a);
            s.push_str("<path");
            push_attrs(s, &head);
            s.push_str("/>\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_at_most_two_decimals() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.35");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(0.1 + 0.2), "0.3");
        assert_eq!(num(-3.5), "-3.5");
    }

    #[test]
    fn text_and_outline_modes() {
        let mut c = Canvas::new(100.0, 50.0, "f", "T <1>", "alt & more");
        c.text(
            10.0,
            20.0,
            "A&B",
            TextStyle::new(12.0, "#000")
                .anchor(Anchor::Middle)
                .halo(3.0),
            vec![("class", "label".into())],
        );
        let t = c.to_svg(TextMode::Text);
        assert!(
            t.contains("<title id=\"f-title\">T &lt;1&gt;</title>"),
            "{t}"
        );
        assert!(
            t.contains("<desc id=\"f-desc\">alt &amp; more</desc>"),
            "{t}"
        );
        assert!(t.contains("text-anchor=\"middle\""), "{t}");
        assert!(t.contains(">A&amp;B</text>"), "{t}");
        let o = c.to_svg(TextMode::Outline);
        assert!(!o.contains("<text"), "{o}");
        assert!(o.contains("<path d=\"M"), "{o}");
        assert!(o.contains("paint-order=\"stroke\""), "{o}");
    }
}
