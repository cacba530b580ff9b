//! The roofline legend: in a free corner of the plot for one device, below it for several.

use super::super::backend::intern;
use super::super::layout::{BBox, Placer};
use super::super::svg::{num, Canvas, TextStyle};
use super::super::theme::Theme;
use super::super::{fmt, spec, FigureError};
use super::solve::{pick_unit, Device, BW_UNITS};
use super::stroke;
use crate::base::units::{Dim, Value};

pub(super) enum Swatch {
    Line(&'static str, bool),
    Diamond(&'static str),
    Dot(&'static str),
}

/// The legend entries and the look they are drawn in.
pub(super) struct Legend<'a> {
    rows: Vec<(Swatch, String)>,
    theme: &'a Theme,
}

/// Row height, padding and swatch width, in entry text sizes.
const ROW: f64 = 1.6;
const PAD: f64 = 0.7;
const SWATCH: f64 = 2.2;

impl<'a> Legend<'a> {
    pub(super) fn new(
        devs: &[Device],
        single: bool,
        derated: bool,
        workloads: bool,
        rate_unit: &str,
        theme: &'a Theme,
        compact: bool,
    ) -> Result<Legend<'a>, FigureError> {
        let c = |s: &String| intern(s);
        let mut rows: Vec<(Swatch, String)> = Vec::new();
        if single {
            rows.push((Swatch::Line(c(&theme.memory), false), "Memory roof".into()));
            rows.push((
                Swatch::Line(c(&theme.compute), false),
                "Compute roof".into(),
            ));
            if derated {
                rows.push((
                    Swatch::Line(c(&theme.compute), true),
                    "Datasheet roof".into(),
                ));
            }
            rows.push((Swatch::Diamond(c(&theme.ridge)), "Ridge point".into()));
            if workloads {
                rows.push((
                    Swatch::Dot(c(&theme.workloads[0])),
                    "Workload on its roof".into(),
                ));
            }
        } else if compact {
            // Large text (slides): the device names only; the ridge labels carry the numbers.
            for d in devs {
                rows.push((Swatch::Line(d.color, false), d.hw.key.clone()));
            }
        } else {
            for d in devs {
                let bw_unit = pick_unit(d.bw, &BW_UNITS, 1.0);
                let peak = fmt(
                    Value::new(d.ceiling, Dim::COMPUTE_RATE),
                    &spec(Some(rate_unit), None),
                )?;
                let bw = fmt(Value::new(d.bw, Dim::BANDWIDTH), &spec(Some(bw_unit), None))?;
                rows.push((
                    Swatch::Line(d.color, false),
                    format!("{}: {peak}, {bw}", d.hw.name),
                ));
            }
            if derated {
                rows.push((
                    Swatch::Line(c(&theme.muted), true),
                    "Datasheet roofs".into(),
                ));
            }
            rows.push((
                Swatch::Diamond(c(&theme.muted)),
                "Ridge points (FLOP/byte)".into(),
            ));
            if workloads {
                rows.push((Swatch::Dot(c(&theme.muted)), "Workload on each roof".into()));
            }
        }
        Ok(Legend { rows, theme })
    }

    fn text(&self) -> TextStyle {
        TextStyle::new(self.theme.note_size, intern(&self.theme.text))
    }

    fn em(&self) -> f64 {
        self.theme.note_size
    }

    /// Width of one entry column.
    fn column_width(&self) -> f64 {
        let t = self.text();
        self.em() * (SWATCH + 0.5)
            + self
                .rows
                .iter()
                .map(|(_, l)| t.width(l))
                .fold(0.0, f64::max)
    }

    /// Columns that fit in `width`, and the height they take.
    pub(super) fn columns(&self, width: f64) -> (usize, f64) {
        let cw = self.column_width() + self.em() * 2.0;
        let cols = (((width + self.em() * 2.0) / cw).floor() as usize)
            .clamp(1, 6)
            .min(self.rows.len().max(1));
        let per = self.rows.len().div_ceil(cols);
        (cols, self.em() * ROW * per as f64)
    }

    /// Draws the entries in `cols` columns from (`x`, `y`) (the first row's middle).
    fn draw_rows(&self, c: &mut Canvas, x: f64, y: f64, cols: usize) {
        let per = self.rows.len().div_ceil(cols.max(1));
        let cw = self.column_width() + self.em() * 2.0;
        let text = self.text();
        let theme = self.theme;
        let swatch = self.em() * SWATCH;
        for (i, (kind, label)) in self.rows.iter().enumerate() {
            let (col, row) = (i / per, i % per);
            let sx = x + cw * col as f64;
            let cy = y + self.em() * ROW * row as f64;
            let mid = sx + swatch / 2.0;
            match kind {
                Swatch::Line(color, dashed) => {
                    let mut a = stroke(color, theme.line_width);
                    if *dashed {
                        a[1].1 = num(theme.limit_width);
                        a.push(("stroke-dasharray", theme.dash.clone()));
                    }
                    c.line((sx, cy), (sx + swatch, cy), a);
                }
                Swatch::Diamond(color) => {
                    let r = theme.diamond_radius - 1.0;
                    c.shape(
                        "polygon",
                        vec![("points", diamond(mid, cy, r)), ("fill", (*color).into())],
                    );
                }
                Swatch::Dot(color) => {
                    c.shape(
                        "circle",
                        vec![
                            ("cx", num(mid)),
                            ("cy", num(cy)),
                            ("r", num(theme.marker_radius)),
                            ("fill", (*color).into()),
                        ],
                    );
                }
            }
            c.text(
                sx + swatch + self.em() * 0.5,
                cy + text.cap_height() / 2.0,
                label,
                text,
                vec![],
            );
        }
    }

    /// Draws the legend in a box inside the plot, in the first free corner.
    pub(super) fn draw_inside(
        &self,
        c: &mut Canvas,
        placer: &mut Placer,
        (x0, y0, x1, y1): (f64, f64, f64, f64),
    ) {
        let pad = self.em() * PAD;
        let w = pad * 2.0 + self.column_width();
        let h = pad * 2.0 + self.em() * (ROW * self.rows.len() as f64 - 0.4);
        let m = self.em();
        let candidates = [
            BBox::new(x0 + m, y0 + m, x0 + m + w, y0 + m + h),
            BBox::new(x1 - m - w, y1 - m - h, x1 - m, y1 - m),
            BBox::new(x1 - m - w, y0 + m, x1 - m, y0 + m + h),
            BBox::new(x0 + m, y1 - m - h, x0 + m + w, y1 - m),
        ];
        let Some(b) = placer.place_box(&candidates) else {
            return;
        };
        c.open(vec![("class", "legend".into())]);
        c.rect(
            b.x0,
            b.y0,
            w,
            h,
            vec![
                ("fill", self.theme.background.clone()),
                ("fill-opacity", "0.92".into()),
                ("stroke", self.theme.grid.clone()),
                ("rx", "3".into()),
            ],
        );
        self.draw_rows(c, b.x0 + pad, b.y0 + pad + self.em() * 0.45, 1);
        c.close();
    }

    /// Draws the legend below the plot, from `top`, in `cols` columns.
    pub(super) fn draw_below(&self, c: &mut Canvas, x: f64, top: f64, cols: usize) {
        c.open(vec![("class", "legend".into())]);
        self.draw_rows(c, x, top + self.em() * ROW / 2.0, cols);
        c.close();
    }
}

/// The points of a diamond around (x, y).
pub(super) fn diamond(x: f64, y: f64, r: f64) -> String {
    format!(
        "{},{} {},{} {},{} {},{}",
        num(x),
        num(y - r),
        num(x + r),
        num(y),
        num(x),
        num(y + r),
        num(x - r),
        num(y)
    )
}
