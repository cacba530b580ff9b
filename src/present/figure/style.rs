//! The look of every figure in one place: font, sizes, colours and spacing.
//!
//! The roof colours and the ridge crimson follow mlsysim's `plot_roofline` (#006395, #E67817,
//! #A51C30); the others are chosen to stay distinct in print and for common colour-vision
//! deficiencies (no red/green pair carries meaning alone: scorecard bars also say PASS or FAIL).

/// Font stack written into every SVG. The first family is the embedded one, whose metrics size all
/// label boxes; the others have similar widths.
pub const FONT_FAMILY: &str = "DejaVu Sans, Verdana, Geneva, sans-serif";

/// Figure title.
pub const TITLE_SIZE: f64 = 16.0;
/// Line under the title.
pub const SUBTITLE_SIZE: f64 = 12.0;
/// Axis titles.
pub const AXIS_TITLE_SIZE: f64 = 13.0;
/// Tick labels.
pub const TICK_SIZE: f64 = 12.0;
/// Labels in the plot.
pub const LABEL_SIZE: f64 = 12.0;
/// Second lines of labels, legend entries.
pub const SMALL_SIZE: f64 = 11.0;
/// Line height as a multiple of the font size.
pub const LINE_HEIGHT: f64 = 1.3;
/// Width of the white outline behind labels.
pub const HALO_WIDTH: f64 = 3.0;

/// Page background.
pub const BACKGROUND: &str = "#ffffff";
/// Main text.
pub const TEXT: &str = "#222222";
/// Secondary text (subtitles, second label lines).
pub const MUTED: &str = "#5f6368";
/// Axis lines and ticks.
pub const AXIS: &str = "#333333";
/// Major grid lines.
pub const GRID: &str = "#dcdcdc";

/// Memory roof (single device).
pub const MEMORY: &str = "#006395";
/// Compute roof (single device).
pub const COMPUTE: &str = "#E67817";
/// Ridge point marker.
pub const RIDGE: &str = "#A51C30";
/// Shading of the memory-bound region.
pub const MEMORY_REGION: &str = "#eaf2f7";
/// Shading of the compute-bound region.
pub const COMPUTE_REGION: &str = "#fdf1e7";
/// Region names.
pub const REGION_TEXT: &str = "#7b8a97";

/// One colour per device on multi-device rooflines.
pub const DEVICES: [&str; 6] = [
    "#006395", "#E67817", "#2E7D32", "#6A1B9A", "#A51C30", "#00838F",
];
/// One colour per workload on single-device rooflines (distinct from the roof colours).
pub const WORKLOADS: [&str; 8] = [
    "#2E7D32", "#6A1B9A", "#00838F", "#8D6E63", "#C2185B", "#455A64", "#9E9D24", "#3949AB",
];

/// Scorecard: within the limit.
pub const PASS: &str = "#2E7D32";
/// Scorecard: over the limit.
pub const FAIL: &str = "#C62828";
/// Scorecard: not evaluated.
pub const SKIPPED: &str = "#8a8a8a";
/// Scorecard: the 1.0 limit line.
pub const LIMIT: &str = "#222222";
/// Scorecard: bar track.
pub const TRACK: &str = "#f1f3f4";

/// Workload marker radius.
pub const MARKER_R: f64 = 5.0;
/// Ridge diamond half-diagonal.
pub const DIAMOND_R: f64 = 7.0;
/// Roof line width.
pub const ROOF_WIDTH: f64 = 2.5;
