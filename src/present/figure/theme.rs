//! The look of every figure (rooflines, scorecards and the general charts): font family and
//! sizes, colours, line widths, dash patterns and sizes in px. The built-in theme is
//! `templates/figure-theme.toml`; a book overrides any of its keys with a `figure-theme.toml` in
//! its templates folder (no recompiling), and the `slides` preset enlarges everything for
//! projection.
//!
//! Slides: a Beamer frame is 128 mm wide and is projected like a 10-inch (254 mm) slide, so one
//! point on the Beamer page reads like 1.98 pt on the projected slide. `figure.tex.j2` includes a
//! figure at `0.7\textheight` (about 171 pt on the page): the preset's canvas and sizes are chosen
//! so that its smallest text is at least 18 pt projected ([`Theme::smallest_projected_pt`]).

use serde::Deserialize;
use std::sync::{Arc, OnceLock};

/// The built-in theme (also the file a book copies to start its own).
pub const DEFAULT_TOML: &str = include_str!("../../../templates/figure-theme.toml");

/// Height of a figure on a Beamer slide, in pt: `0.7\textheight` of the default 128 × 96 mm frame.
pub const BEAMER_FIGURE_HEIGHT_PT: f64 = 171.0;
/// How much larger a Beamer page reads when projected than a 10-inch slide: 254 mm / 128 mm.
pub const BEAMER_PROJECTION: f64 = 254.0 / 128.0;

/// A figure theme. Every key may be left out of a book's file: it then keeps the built-in value.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// Name (`default`, `slides`, or the book's).
    pub name: String,
    /// Font stack written into the SVG (the first family's metrics, DejaVu Sans, size the text).
    pub font_family: String,
    /// Canvas width in px.
    pub width: f64,
    /// Canvas height in px.
    pub height: f64,
    /// Margin around the plot in px.
    pub margin: f64,
    /// Title size in px.
    pub title_size: f64,
    /// Axis title size in px.
    pub axis_title_size: f64,
    /// Tick label size in px.
    pub tick_size: f64,
    /// Legend entry size in px.
    pub legend_size: f64,
    /// Annotation (mark and point label) size in px.
    pub label_size: f64,
    /// Heatmap cell value size in px.
    pub cell_size: f64,
    /// Series line width in px.
    pub line_width: f64,
    /// Marker radius in px.
    pub marker_radius: f64,
    /// Limit line width in px.
    pub limit_width: f64,
    /// Background colour.
    pub background: String,
    /// Main text colour.
    pub text: String,
    /// Secondary text colour.
    pub muted: String,
    /// Axis colour.
    pub axis: String,
    /// Grid line colour.
    pub grid: String,
    /// Limit line and mark colour.
    pub limit: String,
    /// One colour per series, in order: a chart with more series is an error.
    pub series: Vec<String>,
    /// Heatmap colour ramp, low to high (two or more colours).
    pub heatmap: Vec<String>,
    /// Whether rooflines and scorecards draw their derived title and subtitle (an explicit
    /// `title=` is always drawn); slides leave the heading to the frame title.
    pub headings: bool,
    /// Subtitle size in px (rooflines, scorecards).
    pub subtitle_size: f64,
    /// Size of secondary text in px: second lines of labels, roofline legend entries, scorecard
    /// row details and notes.
    pub note_size: f64,
    /// Width of the background-coloured outline behind labels drawn over lines, in px.
    pub halo_width: f64,
    /// Dash pattern of dashed lines (datasheet roofs, hidden roofs, limits): SVG dash lengths in px.
    pub dash: String,
    /// Dash pattern of dotted guide lines (ridge guides).
    pub dot: String,
    /// Half-diagonal of a roofline's ridge diamond in px.
    pub diamond_radius: f64,
    /// Space between a roofline marker's edge and the nearest spot for its label, in px.
    pub label_gap: f64,
    /// Width of the leader line from a point to a label placed away from it, in px.
    pub leader_width: f64,
    /// Whether a one-device roofline has a legend (its labels already name the roofs and the
    /// ridge; several devices always have one).
    pub roofline_legend: bool,
    /// Memory roof colour (one device).
    pub memory: String,
    /// Compute roof colour (one device).
    pub compute: String,
    /// Ridge point colour (one device).
    pub ridge: String,
    /// Shading of the memory-bound region (one device).
    pub memory_region: String,
    /// Shading of the compute-bound region (one device).
    pub compute_region: String,
    /// Region names.
    pub region_text: String,
    /// One colour per workload on one-device rooflines (devices of several use `series`).
    pub workloads: Vec<String>,
    /// Scorecard: within the limit.
    pub pass: String,
    /// Scorecard: over the limit.
    pub fail: String,
    /// Scorecard: not evaluated.
    pub skipped: String,
    /// Scorecard: the track behind each bar.
    pub track: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(flatten)]
    base: Partial,
    #[serde(default)]
    slides: Option<Partial>,
}

/// A theme file's keys, all optional.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Partial {
    name: Option<String>,
    font_family: Option<String>,
    width: Option<f64>,
    height: Option<f64>,
    margin: Option<f64>,
    title_size: Option<f64>,
    axis_title_size: Option<f64>,
    tick_size: Option<f64>,
    legend_size: Option<f64>,
    label_size: Option<f64>,
    cell_size: Option<f64>,
    line_width: Option<f64>,
    marker_radius: Option<f64>,
    limit_width: Option<f64>,
    background: Option<String>,
    text: Option<String>,
    muted: Option<String>,
    axis: Option<String>,
    grid: Option<String>,
    limit: Option<String>,
    series: Option<Vec<String>>,
    heatmap: Option<Vec<String>>,
    headings: Option<bool>,
    subtitle_size: Option<f64>,
    note_size: Option<f64>,
    halo_width: Option<f64>,
    dash: Option<String>,
    dot: Option<String>,
    diamond_radius: Option<f64>,
    label_gap: Option<f64>,
    leader_width: Option<f64>,
    roofline_legend: Option<bool>,
    memory: Option<String>,
    compute: Option<String>,
    ridge: Option<String>,
    memory_region: Option<String>,
    compute_region: Option<String>,
    region_text: Option<String>,
    workloads: Option<Vec<String>>,
    pass: Option<String>,
    fail: Option<String>,
    skipped: Option<String>,
    track: Option<String>,
}

macro_rules! apply {
    ($t:ident, $p:ident, $($f:ident),*) => { $( if let Some(v) = $p.$f.clone() { $t.$f = v; } )* };
}

impl Partial {
    fn apply(&self, t: &mut Theme) {
        apply!(
            t,
            self,
            name,
            font_family,
            width,
            height,
            margin,
            title_size,
            axis_title_size,
            tick_size,
            legend_size,
            label_size,
            cell_size,
            line_width,
            marker_radius,
            limit_width,
            background,
            text,
            muted,
            axis,
            grid,
            limit,
            series,
            heatmap,
            headings,
            subtitle_size,
            note_size,
            halo_width,
            dash,
            dot,
            diamond_radius,
            label_gap,
            leader_width,
            roofline_legend,
            memory,
            compute,
            ridge,
            memory_region,
            compute_region,
            region_text,
            workloads,
            pass,
            fail,
            skipped,
            track
        );
    }
}

/// The two built-in themes, parsed once.
fn builtin() -> &'static (Arc<Theme>, Arc<Theme>) {
    static T: OnceLock<(Arc<Theme>, Arc<Theme>)> = OnceLock::new();
    T.get_or_init(|| {
        let (d, s) = Theme::load(None).expect("the built-in figure theme is valid");
        (Arc::new(d), Arc::new(s))
    })
}

impl Theme {
    /// The built-in default theme.
    pub fn default_arc() -> Arc<Theme> {
        builtin().0.clone()
    }

    /// The built-in slides preset.
    pub fn slides_arc() -> Arc<Theme> {
        builtin().1.clone()
    }

    /// The default and slides themes: the built-in file, overridden key by key by `book`'s
    /// `figure-theme.toml` text when given (its `[slides]` table overrides the slides preset).
    pub fn load(book: Option<&str>) -> Result<(Theme, Theme), String> {
        let parse = |text: &str, what: &str| -> Result<File, String> {
            toml::from_str::<File>(text).map_err(|e| format!("{what}: {e}"))
        };
        let builtin = parse(DEFAULT_TOML, "built-in figure-theme.toml")?;
        let mut t = Theme {
            name: String::new(),
            font_family: String::new(),
            width: 0.0,
            height: 0.0,
            margin: 0.0,
            title_size: 0.0,
            axis_title_size: 0.0,
            tick_size: 0.0,
            legend_size: 0.0,
            label_size: 0.0,
            cell_size: 0.0,
            line_width: 0.0,
            marker_radius: 0.0,
            limit_width: 0.0,
            background: String::new(),
            text: String::new(),
            muted: String::new(),
            axis: String::new(),
            grid: String::new(),
            limit: String::new(),
            series: Vec::new(),
            heatmap: Vec::new(),
            headings: true,
            subtitle_size: 0.0,
            note_size: 0.0,
            halo_width: 0.0,
            dash: String::new(),
            dot: String::new(),
            diamond_radius: 0.0,
            label_gap: 0.0,
            leader_width: 0.0,
            roofline_legend: true,
            memory: String::new(),
            compute: String::new(),
            ridge: String::new(),
            memory_region: String::new(),
            compute_region: String::new(),
            region_text: String::new(),
            workloads: Vec::new(),
            pass: String::new(),
            fail: String::new(),
            skipped: String::new(),
            track: String::new(),
        };
        builtin.base.apply(&mut t);
        let book = book.map(|b| parse(b, "figure-theme.toml")).transpose()?;
        if let Some(b) = &book {
            b.base.apply(&mut t);
        }
        let mut s = t.clone();
        s.name = "slides".into();
        if let Some(p) = &builtin.slides {
            p.apply(&mut s);
        }
        if let Some(p) = book.as_ref().and_then(|b| b.slides.as_ref()) {
            p.apply(&mut s);
        }
        t.check()?;
        s.check()?;
        Ok((t, s))
    }

    fn check(&self) -> Result<(), String> {
        let sizes = [
            ("width", self.width),
            ("height", self.height),
            ("title_size", self.title_size),
            ("axis_title_size", self.axis_title_size),
            ("tick_size", self.tick_size),
            ("legend_size", self.legend_size),
            ("label_size", self.label_size),
            ("cell_size", self.cell_size),
            ("line_width", self.line_width),
            ("marker_radius", self.marker_radius),
            ("limit_width", self.limit_width),
            ("subtitle_size", self.subtitle_size),
            ("note_size", self.note_size),
            ("halo_width", self.halo_width),
            ("diamond_radius", self.diamond_radius),
            ("label_gap", self.label_gap),
            ("leader_width", self.leader_width),
        ];
        for (k, v) in sizes {
            if !(v.is_finite() && v > 0.0) {
                return Err(format!(
                    "figure theme `{}`: `{k}` must be a positive size in px, got {v}",
                    self.name
                ));
            }
        }
        if self.series.is_empty() {
            return Err(format!(
                "figure theme `{}`: `series` needs at least one colour",
                self.name
            ));
        }
        if self.workloads.is_empty() {
            return Err(format!(
                "figure theme `{}`: `workloads` needs at least one colour",
                self.name
            ));
        }
        for (k, d) in [("dash", &self.dash), ("dot", &self.dot)] {
            let ok = !d.trim().is_empty()
                && d.split_whitespace()
                    .all(|x| x.parse::<f64>().is_ok_and(|v| v.is_finite() && v > 0.0));
            if !ok {
                return Err(format!(
                    "figure theme `{}`: `{k}` = \"{d}\" must be dash lengths in px (`6 4`)",
                    self.name
                ));
            }
        }
        if self.heatmap.len() < 2 {
            return Err(format!(
                "figure theme `{}`: `heatmap` needs two or more colours (low to high)",
                self.name
            ));
        }
        for c in self
            .series
            .iter()
            .chain(&self.heatmap)
            .chain(&self.workloads)
            .chain([
                &self.background,
                &self.text,
                &self.muted,
                &self.axis,
                &self.grid,
                &self.limit,
                &self.memory,
                &self.compute,
                &self.ridge,
                &self.memory_region,
                &self.compute_region,
                &self.region_text,
                &self.pass,
                &self.fail,
                &self.skipped,
                &self.track,
            ])
        {
            if parse_hex(c).is_none() {
                return Err(format!(
                    "figure theme `{}`: `{c}` is not a colour; write `#rrggbb`",
                    self.name
                ));
            }
        }
        Ok(())
    }

    /// The smallest text size in px.
    pub fn smallest_text(&self) -> f64 {
        [
            self.title_size,
            self.axis_title_size,
            self.tick_size,
            self.legend_size,
            self.label_size,
            self.cell_size,
            self.subtitle_size,
            self.note_size,
        ]
        .into_iter()
        .fold(f64::INFINITY, f64::min)
    }

    /// The smallest text as it reads projected, in pt, when the figure is shown on a Beamer slide
    /// at [`BEAMER_FIGURE_HEIGHT_PT`] (or less high when its width would not fit `width_pt`).
    pub fn smallest_projected_pt(&self, width_pt: f64) -> f64 {
        let scale = (BEAMER_FIGURE_HEIGHT_PT / self.height).min(width_pt / self.width);
        self.smallest_text() * scale * BEAMER_PROJECTION
    }
}

/// `#rrggbb` as (r, g, b).
pub fn parse_hex(c: &str) -> Option<(u8, u8, u8)> {
    let h = c.strip_prefix('#')?;
    if h.len() != 6 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let p = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some((p(0)?, p(2)?, p(4)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_themes_load_and_slides_read_at_18_pt() {
        let (d, s) = Theme::load(None).unwrap();
        assert_eq!(d.name, "default");
        assert_eq!(s.name, "slides");
        assert!(s.smallest_text() > d.smallest_text());
        // The Beamer frame's \linewidth is about 307 pt.
        assert!(
            s.smallest_projected_pt(307.0) >= 18.0,
            "{}",
            s.smallest_projected_pt(307.0)
        );
    }

    #[test]
    fn a_book_overrides_keys_and_errors_name_them() {
        let (d, s) = Theme::load(Some(
            "tick_size = 14\nseries = [\"#000000\"]\n[slides]\nwidth = 700\n",
        ))
        .unwrap();
        assert_eq!(d.tick_size, 14.0);
        assert_eq!(d.series, ["#000000"]);
        assert_eq!(s.width, 700.0);
        assert_eq!(s.series, ["#000000"]);
        let e = Theme::load(Some("tick_size = -1")).unwrap_err();
        assert!(e.contains("tick_size"), "{e}");
        let e = Theme::load(Some("colour = 1")).unwrap_err();
        assert!(e.contains("colour"), "{e}");
        let e = Theme::load(Some("grid = \"grey\"")).unwrap_err();
        assert!(e.contains("grey"), "{e}");
        let e = Theme::load(Some("dash = \"6 x\"")).unwrap_err();
        assert!(e.contains("dash"), "{e}");
        let e = Theme::load(Some("workloads = []")).unwrap_err();
        assert!(e.contains("workloads"), "{e}");
        let (d, s) =
            Theme::load(Some("memory = \"#123456\"\n[slides]\nheadings = true\n")).unwrap();
        assert_eq!(
            (d.memory.as_str(), s.memory.as_str()),
            ("#123456", "#123456")
        );
        assert!(s.headings && !s.roofline_legend);
    }
}
