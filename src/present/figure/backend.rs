//! A `plotters` drawing backend that draws into our [`Canvas`]: plotters lays out coordinates,
//! axes, ticks and series; every text it asks to measure is measured with the embedded DejaVu
//! metrics ([`super::font`]), and every text it draws becomes a [`Canvas`] text, so the SVG has
//! `<text>` elements for the web and outlines for PDF and PNG, byte-identical on every machine.
//! No system font is ever consulted.

use super::svg::{num, Anchor, Canvas, TextStyle};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle, FontTransform,
};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Mutex;

/// The backend never fails.
#[derive(Debug)]
pub struct NoError;

impl std::fmt::Display for NoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("canvas backend error")
    }
}

impl std::error::Error for NoError {}

/// A colour as a `&'static str` (`#rrggbb`), interned: text styles hold static colours, and a
/// theme's colours are few.
pub fn intern(s: &str) -> &'static str {
    static SEEN: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(x) = seen.iter().find(|x| **x == s) {
        return x;
    }
    let leaked: &'static str = Box::leak(s.to_string().into_boxed_str());
    seen.push(leaked);
    leaked
}

/// `#rrggbb` of a plotters colour.
pub fn hex(c: BackendColor) -> String {
    let (r, g, b) = c.rgb;
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Draws into a shared canvas (the chart code keeps a handle to add groups and labels between
/// plotters' calls).
///
/// plotters works in whole pixels; the backend presents a canvas `scale` times larger and divides
/// every coordinate, length and font size by `scale`, so curves keep sub-pixel precision.
pub struct CanvasBackend {
    /// The canvas.
    pub canvas: Rc<RefCell<Canvas>>,
    size: (u32, u32),
    scale: f64,
}

impl CanvasBackend {
    /// A backend of the canvas' size times `scale`.
    pub fn new(canvas: Rc<RefCell<Canvas>>, scale: f64) -> CanvasBackend {
        let size = {
            let c = canvas.borrow();
            (
                (c.width * scale).round() as u32,
                (c.height * scale).round() as u32,
            )
        };
        CanvasBackend {
            canvas,
            size,
            scale,
        }
    }

    fn p(&self, (x, y): BackendCoord) -> (f64, f64) {
        (f64::from(x) / self.scale, f64::from(y) / self.scale)
    }

    fn stroke<S: BackendStyle>(&self, s: &S) -> Vec<(&'static str, String)> {
        let c = s.color();
        let mut a = vec![
            ("stroke", hex(c)),
            (
                "stroke-width",
                num((f64::from(s.stroke_width()) / self.scale).max(0.5)),
            ),
        ];
        if c.alpha < 1.0 {
            a.push(("stroke-opacity", num(c.alpha)));
        }
        a
    }

    /// Our text style for a plotters text style (size divided by the scale).
    fn text_style<T: BackendTextStyle>(&self, style: &T) -> TextStyle {
        let mut t = TextStyle::new(style.size() / self.scale, intern(&hex(style.color())));
        if matches!(style.style(), FontStyle::Bold) {
            t = t.bold();
        }
        t
    }
}

fn paint(c: BackendColor) -> Vec<(&'static str, String)> {
    let mut a = vec![("fill", hex(c))];
    if c.alpha < 1.0 {
        a.push(("fill-opacity", num(c.alpha)));
    }
    a
}

impl DrawingBackend for CanvasBackend {
    type ErrorType = NoError;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<NoError>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<NoError>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        if color.alpha > 0.0 {
            let (x, y) = self.p(point);
            let d = 1.0 / self.scale;
            self.canvas.borrow_mut().rect(x, y, d, d, paint(color));
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        if style.color().alpha > 0.0 {
            let a = self.stroke(style);
            self.canvas.borrow_mut().line(self.p(from), self.p(to), a);
        }
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        ul: BackendCoord,
        br: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        if style.color().alpha <= 0.0 {
            return Ok(());
        }
        let (x0, y0) = self.p((ul.0.min(br.0), ul.1.min(br.1)));
        let (w, h) = self.p(((br.0 - ul.0).abs(), (br.1 - ul.1).abs()));
        let attrs = if fill {
            paint(style.color())
        } else {
            let mut a = vec![("fill", "none".to_string())];
            a.extend(self.stroke(style));
            a
        };
        self.canvas.borrow_mut().rect(x0, y0, w, h, attrs);
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        if style.color().alpha <= 0.0 {
            return Ok(());
        }
        let pts: Vec<(f64, f64)> = path.into_iter().map(|q| self.p(q)).collect();
        let mut a = self.stroke(style);
        a.push(("stroke-linejoin", "round".into()));
        self.canvas.borrow_mut().polyline(&pts, a);
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        if style.color().alpha <= 0.0 {
            return Ok(());
        }
        let (x, y) = self.p(center);
        let mut a = vec![
            ("cx", num(x)),
            ("cy", num(y)),
            ("r", num(f64::from(radius) / self.scale)),
        ];
        if fill {
            a.extend(paint(style.color()));
        } else {
            a.push(("fill", "none".into()));
            a.extend(self.stroke(style));
        }
        self.canvas.borrow_mut().shape("circle", a);
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        if style.color().alpha <= 0.0 {
            return Ok(());
        }
        let p = vert
            .into_iter()
            .map(|q| {
                let (x, y) = self.p(q);
                format!("{},{}", num(x), num(y))
            })
            .collect::<Vec<_>>()
            .join(" ");
        let mut a = vec![("points", p)];
        a.extend(paint(style.color()));
        self.canvas.borrow_mut().shape("polygon", a);
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        (x, y): BackendCoord,
    ) -> Result<(), DrawingErrorKind<NoError>> {
        if text.is_empty() {
            // An axis key left unlabelled.
            return Ok(());
        }
        let t = self.text_style(style);
        let anchor = style.anchor();
        let a = match anchor.h_pos {
            HPos::Left => Anchor::Start,
            HPos::Center => Anchor::Middle,
            HPos::Right => Anchor::End,
        };
        let (cap, desc) = (t.cap_height(), t.descent());
        // Baseline offset from the anchor point, measured across the text's line.
        let shift = match anchor.v_pos {
            VPos::Top => cap,
            VPos::Center => cap / 2.0,
            VPos::Bottom => -desc,
        };
        let (x, y) = self.p((x, y));
        if text.contains('\n') {
            // Several lines: stacked below the anchor (plotters' labels are single lines).
            let step = t.size * 1.2;
            let lines: Vec<&str> = text.lines().collect();
            let first = match anchor.v_pos {
                VPos::Top => y + cap,
                VPos::Center => y + cap / 2.0 - step * (lines.len() - 1) as f64 / 2.0,
                VPos::Bottom => y - desc - step * (lines.len() - 1) as f64,
            };
            let mut c = self.canvas.borrow_mut();
            for (i, l) in lines.iter().enumerate() {
                c.text(x, first + step * i as f64, l, t.anchor(a), vec![]);
            }
            return Ok(());
        }
        let mut c = self.canvas.borrow_mut();
        match style.transform() {
            FontTransform::Rotate270 => {
                c.text_rotated(x + shift, y, -90.0, text, t.anchor(a), vec![]);
            }
            FontTransform::Rotate90 => {
                c.text_rotated(x - shift, y, 90.0, text, t.anchor(a), vec![]);
            }
            FontTransform::Rotate180 => {
                c.text_rotated(x, y - shift, 180.0, text, t.anchor(a), vec![]);
            }
            FontTransform::None => c.text(x, y + shift, text, t.anchor(a), vec![]),
        }
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<NoError>> {
        let t = self.text_style(style);
        let n = text.lines().count().max(1) as f64;
        let widest = text.lines().map(|l| t.width(l)).fold(0.0, f64::max);
        let w = (widest * self.scale).ceil() as u32;
        let h =
            ((t.cap_height() + t.descent() + (n - 1.0) * t.size * 1.2) * self.scale).ceil() as u32;
        Ok(match style.transform() {
            FontTransform::Rotate90 | FontTransform::Rotate270 => (h, w),
            _ => (w, h),
        })
    }
}
