//! What every plotters-drawn figure shares: the sub-pixel factor of the [`CanvasBackend`], theme
//! colours as plotters colours, an axis whose ticks are chosen by us ([`Keyed`]), the chart
//! context type, and groups around what plotters draws (so the SVG says what each element is).

use super::backend::CanvasBackend;
use super::svg::{Attrs, Canvas};
use super::theme::{parse_hex, Theme};
use super::FigureError;
use plotters::chart::{ChartContext, MeshStyle};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

/// plotters draws in whole pixels: it gets a canvas this many times larger (see
/// [`CanvasBackend`]), so positions keep a quarter-pixel precision.
pub const K: f64 = 4.0;

/// A theme colour (`#rrggbb`) as a plotters colour (black if malformed: themes are checked when
/// loaded).
pub fn rgb(c: &str) -> RGBColor {
    let (r, g, b) = parse_hex(c).unwrap_or((0, 0, 0));
    RGBColor(r, g, b)
}

/// Gives a mesh the theme's look: tick labels and axis titles in the theme's sizes and text
/// colour, the grid and axis lines in theme colours, no light grid. Tick marks and what is shown
/// stay the caller's.
pub fn theme_mesh<X: Ranged, Y: Ranged, DB: DrawingBackend>(
    mesh: &mut MeshStyle<'_, '_, X, Y, DB>,
    theme: &Theme,
) {
    let text = rgb(&theme.text);
    mesh.label_style(("sans-serif", theme.tick_size * K).into_font().color(&text))
        .axis_desc_style(
            ("sans-serif", theme.axis_title_size * K)
                .into_font()
                .color(&text),
        )
        .bold_line_style(rgb(&theme.grid).stroke_width(K as u32))
        .light_line_style(TRANSPARENT)
        .axis_style(rgb(&theme.axis).stroke_width(K as u32));
}

/// A length in px as plotters' whole backend pixels (at least one).
pub fn px(v: f64) -> u32 {
    (v * K).round().max(1.0) as u32
}

/// A linear plotters axis (over values, or over log10 of values) whose ticks are ours.
#[derive(Clone)]
pub struct Keyed {
    inner: RangedCoordf64,
    keys: Vec<f64>,
}

impl Keyed {
    /// An axis over `range` with ticks at `keys` (both in the axis' own units: log10 of the
    /// values on a log axis).
    pub fn new(range: std::ops::Range<f64>, keys: Vec<f64>) -> Keyed {
        Keyed {
            inner: range.into(),
            keys,
        }
    }
}

impl Ranged for Keyed {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.keys.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

/// The root drawing area of a canvas.
pub type Root = DrawingArea<CanvasBackend, Shift>;

/// A chart on our backend with our axes.
pub type Chart<'a> = ChartContext<'a, CanvasBackend, Cartesian2d<Keyed, Keyed>>;

/// A plotters error as a figure error.
pub fn plotters_error<E: std::fmt::Debug + std::error::Error + Send + Sync>(
    e: DrawingAreaErrorKind<E>,
) -> FigureError {
    FigureError::general(format!("plotters: {e}"))
}

/// Runs `draw` inside a `<g>` with `attrs` (the class and data of what plotters draws there).
pub fn group<T>(
    canvas: &Rc<RefCell<Canvas>>,
    attrs: Attrs,
    draw: impl FnOnce() -> Result<T, FigureError>,
) -> Result<T, FigureError> {
    canvas.borrow_mut().open(attrs);
    let r = draw();
    canvas.borrow_mut().close();
    r
}

/// The plot box in px (x0, y0, x1, y1) of a chart.
pub fn plot_box(chart: &Chart) -> (f64, f64, f64, f64) {
    let (x, y) = chart.plotting_area().get_pixel_range();
    (
        f64::from(x.start) / K,
        f64::from(y.start) / K,
        f64::from(x.end) / K,
        f64::from(y.end) / K,
    )
}

/// The pixel (px) of a point in the chart's own coordinates.
pub fn to_px(chart: &Chart, x: f64, y: f64) -> (f64, f64) {
    let (a, b) = chart.as_coord_spec().translate(&(x, y));
    (f64::from(a) / K, f64::from(b) / K)
}
