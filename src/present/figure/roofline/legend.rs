//! The roofline legend: in a free corner of the plot for one device, below it for several.

use super::super::layout::{BBox, Placer};
use super::super::style as st;
use super::super::svg::{num, Canvas, TextStyle};
use super::super::{fmt, spec, FigureError};
use super::solve::{pick_unit, Device, BW_UNITS};
use super::stroke;
use crate::base::units::{Dim, Value};

pub(super) enum Swatch {
    Line(&'static str, bool),
    Diamond(&'static str),
    Dot(&'static str),
}

/// The legend entries.
pub(super) struct Legend {
    rows: Vec<(Swatch, String)>,
}

const LEGEND_ROW: f64 = 18.0;
const LEGEND_PAD: f64 = 8.0;
const LEGEND_SWATCH: f64 = 24.0;

impl Legend {
    pub(super) fn new(
        devs: &[Device],
        single: bool,
        derated: bool,
        workloads: bool,
        rate_unit: &str,
    ) -> Result<Legend, FigureError> {
        let mut rows: Vec<(Swatch, String)> = Vec::new();
        if single {
            rows.push((Swatch::Line(st::MEMORY, false), "Memory roof".into()));
            rows.push((Swatch::Line(st::COMPUTE, false), "Compute roof".into()));
            if derated {
                rows.push((Swatch::Line(st::COMPUTE, true), "Datasheet roof".into()));
            }
            rows.push((Swatch::Diamond(st::RIDGE), "Ridge point".into()));
            if workloads {
                rows.push((Swatch::Dot(st::WORKLOADS[0]), "Workload on its roof".into()));
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
                rows.push((Swatch::Line(st::MUTED, true), "Datasheet roofs".into()));
            }
            rows.push((
                Swatch::Diamond(st::MUTED),
                "Ridge points (FLOP/byte)".into(),
            ));
            if workloads {
                rows.push((Swatch::Dot(st::MUTED), "Workload on each roof".into()));
            }
        }
        Ok(Legend { rows })
    }

    fn text() -> TextStyle {
        TextStyle::new(st::SMALL_SIZE, st::TEXT)
    }

    /// Width of one entry column.
    fn column_width(&self) -> f64 {
        LEGEND_SWATCH
            + 6.0
            + self
                .rows
                .iter()
                .map(|(_, t)| Legend::text().width(t))
                .fold(0.0, f64::max)
    }

    /// Columns that fit in `width`, and the height they take.
    pub(super) fn columns(&self, width: f64) -> (usize, f64) {
        let cw = self.column_width() + 24.0;
        let cols = ((width / cw).floor() as usize)
            .clamp(1, 3)
            .min(self.rows.len().max(1));
        let per = self.rows.len().div_ceil(cols);
        (cols, LEGEND_ROW * per as f64)
    }

    /// Draws the entries in `cols` columns from (`x`, `y`) (the first row's middle).
    fn draw_rows(&self, c: &mut Canvas, x: f64, y: f64, cols: usize) {
        let per = self.rows.len().div_ceil(cols.max(1));
        let cw = self.column_width() + 24.0;
        let text = Legend::text();
        for (i, (kind, label)) in self.rows.iter().enumerate() {
            let (col, row) = (i / per, i % per);
            let sx = x + cw * col as f64;
            let cy = y + LEGEND_ROW * row as f64;
            let mid = sx + LEGEND_SWATCH / 2.0;
            match kind {
                Swatch::Line(color, dashed) => {
                    let mut a = stroke(color, st::ROOF_WIDTH);
                    if *dashed {
                        a[1].1 = "1.5".into();
                        a.push(("stroke-dasharray", "6 4".into()));
                    }
                    c.line((sx, cy), (sx + LEGEND_SWATCH, cy), a);
                }
                Swatch::Diamond(color) => {
                    let r = st::DIAMOND_R - 1.0;
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
                            ("r", num(st::MARKER_R - 0.5)),
                            ("fill", (*color).into()),
                        ],
                    );
                }
            }
            c.text(
                sx + LEGEND_SWATCH + 6.0,
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
        let w = LEGEND_PAD * 2.0 + self.column_width();
        let h = LEGEND_PAD * 2.0 + LEGEND_ROW * self.rows.len() as f64 - 4.0;
        let m = 10.0;
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
                ("fill", st::BACKGROUND.into()),
                ("fill-opacity", "0.92".into()),
                ("stroke", st::GRID.into()),
                ("rx", "3".into()),
            ],
        );
        self.draw_rows(c, b.x0 + LEGEND_PAD, b.y0 + LEGEND_PAD + 5.0, 1);
        c.close();
    }

    /// Draws the legend below the plot, from `top`, in `cols` columns.
    pub(super) fn draw_below(&self, c: &mut Canvas, x: f64, top: f64, cols: usize) {
        c.open(vec![("class", "legend".into())]);
        self.draw_rows(c, x, top + LEGEND_ROW / 2.0, cols);
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
