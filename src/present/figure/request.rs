//! Reading a figure directive's attributes into a [`FigureRequest`]. Every error names the
//! attribute at fault so the caller can point at it in the source.

use super::FigureError;
use crate::base::text::closest;
use crate::calc::params::Precision;

/// What kind of figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureKind {
    /// Memory and compute ceilings of one or more devices, with workloads placed on them.
    Roofline,
    /// A scenario's demand/supply ratios against the 1.0 limit.
    Scorecard,
    /// Curves of a swept solver output or expression.
    Line,
    /// Bars (grouped, or `stacked`) per category or swept value.
    Bar,
    /// Points without connecting lines.
    Scatter,
    /// A colour grid of an expression over two swept variables.
    Heatmap,
}

impl FigureKind {
    /// The attribute value (`roofline`).
    pub fn name(self) -> &'static str {
        match self {
            FigureKind::Roofline => "roofline",
            FigureKind::Scorecard => "scorecard",
            FigureKind::Line => "line",
            FigureKind::Bar => "bar",
            FigureKind::Scatter => "scatter",
            FigureKind::Heatmap => "heatmap",
        }
    }

    /// Attributes this kind accepts (besides `figure` itself).
    pub fn attributes(self) -> &'static [&'static str] {
        match self {
            FigureKind::Roofline => &[
                "id",
                "caption",
                "alt",
                "title",
                "hardware",
                "precision",
                "efficiency",
                "workloads",
                "preset",
            ],
            FigureKind::Scorecard => &[
                "id",
                "caption",
                "alt",
                "title",
                "scenario",
                "batch_size",
                "precision",
                "preset",
            ],
            FigureKind::Line | FigureKind::Bar | FigureKind::Scatter | FigureKind::Heatmap => {
                super::chart::spec::ATTRIBUTES
            }
        }
    }

    /// Whether this is a general chart (line, bar, scatter, heatmap).
    pub fn is_chart(self) -> bool {
        matches!(
            self,
            FigureKind::Line | FigureKind::Bar | FigureKind::Scatter | FigureKind::Heatmap
        )
    }
}

/// The figure kinds, for error messages.
pub const KINDS: [FigureKind; 6] = [
    FigureKind::Roofline,
    FigureKind::Scorecard,
    FigureKind::Line,
    FigureKind::Bar,
    FigureKind::Scatter,
    FigureKind::Heatmap,
];

/// The figure presets: `default` (print and web) and `slides` (projection).
pub const PRESETS: [&str; 2] = ["default", "slides"];

/// Most devices on one roofline (beyond six the roofs cannot be told apart; the theme must also
/// have a `series` colour for each).
pub const MAX_DEVICES: usize = 6;
/// Most workloads on one roofline (beyond eight the labels cannot all be placed; the theme must
/// also have a `workloads` colour for each).
pub const MAX_WORKLOADS: usize = 8;

/// A model at a batch size (`Llama3_8B@64`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    /// Model key.
    pub model: String,
    /// Batch size (≥ 1).
    pub batch: u64,
}

/// A parsed figure directive.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureRequest {
    /// Kind.
    pub kind: FigureKind,
    /// File name stem and cross-reference label: `[A-Za-z0-9_-]+`.
    pub id: String,
    /// Caption (Markdown / LaTeX side).
    pub caption: String,
    /// Alternative text (also the SVG's description).
    pub alt: String,
    /// Title drawn in the figure (a default is derived when absent).
    pub title: Option<String>,
    /// Hardware keys (roofline), in the order given.
    pub hardware: Vec<String>,
    /// Precision (default fp16).
    pub precision: Precision,
    /// Compute efficiency η ∈ (0, 1] applied to the compute roof (roofline; default 1, the
    /// datasheet roof, as mlsysim's `plot_roofline`).
    pub efficiency: f64,
    /// Workloads to place (roofline).
    pub workloads: Vec<Workload>,
    /// Scenario key (scorecard).
    pub scenario: Option<String>,
    /// Batch size of the scenario evaluation (scorecard; default 1).
    pub batch_size: u64,
    /// What a general chart shows (line, bar, scatter, heatmap).
    pub chart: Option<super::chart::spec::ChartSpec>,
    /// The look: the theme's name as loaded (`default`, `slides`, a book's own).
    pub theme: std::sync::Arc<super::theme::Theme>,
    /// `preset="slides"` (or `default`) on the directive: wins over the book's preset.
    pub preset: Option<String>,
}

fn err(attr: &str, message: impl Into<String>) -> FigureError {
    FigureError {
        attr: Some(attr.to_string()),
        message: message.into(),
    }
}

/// Whether `id` is a safe figure id: ASCII letters, digits, `_` and `-` only (so `figures/<id>.svg`
/// can never leave the figures folder).
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn workloads(value: &str) -> Result<Vec<Workload>, FigureError> {
    let mut out = Vec::new();
    for item in list(value) {
        let (model, batch) = match item.split_once('@') {
            Some((m, b)) => {
                let b = b.trim();
                let batch = b.parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    err(
                        "workloads",
                        format!("`{item}`: the batch size after `@` must be a whole number ≥ 1, got `{b}`"),
                    )
                })?;
                (m.trim().to_string(), batch)
            }
            None => (item.clone(), 1),
        };
        if model.is_empty() {
            return Err(err(
                "workloads",
                format!("`{item}`: write a model key before `@` (`ResNet50@1`)"),
            ));
        }
        let w = Workload { model, batch };
        if out.contains(&w) {
            return Err(err("workloads", format!("`{item}` is listed twice")));
        }
        out.push(w);
    }
    if out.is_empty() {
        return Err(err(
            "workloads",
            "is empty; list models as `Model@batch`, e.g. `ResNet50@1, Llama3_8B@64`",
        ));
    }
    if out.len() > MAX_WORKLOADS {
        return Err(err(
            "workloads",
            format!(
                "lists {} workloads; a roofline stays legible with at most {MAX_WORKLOADS}",
                out.len()
            ),
        ));
    }
    Ok(out)
}

/// Reads the attributes of a `figure=` directive (name, value pairs in source order).
pub fn parse_request(attrs: &[(String, String)]) -> Result<FigureRequest, FigureError> {
    let get = |name: &str| {
        attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let kind_name = get("figure").ok_or_else(|| err("figure", "is missing"))?;
    let kind = KINDS
        .into_iter()
        .find(|k| k.name() == kind_name.trim())
        .ok_or_else(|| {
            let names: Vec<&str> = KINDS.iter().map(|k| k.name()).collect();
            let close = closest(kind_name.trim(), names.iter().copied());
            let hint = close
                .first()
                .map_or(String::new(), |c| format!("did you mean `{c}`? "));
            err(
                "figure",
                format!(
                    "unknown figure kind `{kind_name}`; {hint}kinds: {}",
                    names.join(", ")
                ),
            )
        })?;
    let allowed = kind.attributes();
    let solver_inputs = kind.is_chart() && get("solve").is_some();
    for (name, _) in attrs {
        if name != "figure" && !allowed.contains(&name.as_str()) && !solver_inputs {
            let close = closest(name, allowed.iter().copied());
            let hint = close
                .first()
                .map_or(String::new(), |c| format!("did you mean `{c}`? "));
            return Err(err(
                name,
                format!(
                    "unknown attribute `{name}` for a {} figure; {hint}attributes: {}",
                    kind.name(),
                    allowed.join(", ")
                ),
            ));
        }
    }
    let id = get("id").ok_or_else(|| {
        err(
            "id",
            "is required: it names `figures/<id>.svg` and the cross-reference label",
        )
    })?;
    if !valid_id(id) {
        return Err(err(
            "id",
            format!("`{id}` is not a valid figure id: use only letters, digits, `-` and `_` (e.g. `fig-roofline-h100`), so the file stays inside `figures/`"),
        ));
    }
    let text = |name: &str, what: &str| -> Result<String, FigureError> {
        match get(name).map(str::trim) {
            Some(v) if !v.is_empty() => Ok(v.to_string()),
            Some(_) => Err(err(name, format!("is empty; {what}"))),
            None => Err(err(name, format!("is required; {what}"))),
        }
    };
    let caption = text("caption", "every figure needs a caption")?;
    let alt = text(
        "alt",
        "every figure needs alternative text describing what it shows",
    )?;
    let title = get("title")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    let precision = match get("precision") {
        Some(p) => Precision::parse(p.trim()).map_err(|e| err("precision", e.to_string()))?,
        None => Precision::Fp16,
    };
    let mut req = FigureRequest {
        kind,
        id: id.to_string(),
        caption,
        alt,
        title,
        hardware: Vec::new(),
        precision,
        efficiency: 1.0,
        workloads: Vec::new(),
        scenario: None,
        batch_size: 1,
        chart: None,
        theme: super::theme::Theme::default_arc(),
        preset: None,
    };
    if let Some(p) = get("preset").map(str::trim) {
        if !PRESETS.contains(&p) {
            return Err(err(
                "preset",
                format!("unknown preset `{p}`; presets: {}", PRESETS.join(", ")),
            ));
        }
        req.theme = if p == "slides" {
            super::theme::Theme::slides_arc()
        } else {
            super::theme::Theme::default_arc()
        };
        req.preset = Some(p.to_string());
    }
    match kind {
        FigureKind::Roofline => {
            let hw = get("hardware").ok_or_else(|| {
                err(
                    "hardware",
                    "is required: one device or a list (`A100, H100, B200`)",
                )
            })?;
            req.hardware = list(hw);
            if req.hardware.is_empty() {
                return Err(err("hardware", "is empty; name one device or a list"));
            }
            if req.hardware.len() > MAX_DEVICES {
                return Err(err(
                    "hardware",
                    format!(
                        "lists {} devices; one roofline holds at most {MAX_DEVICES}",
                        req.hardware.len()
                    ),
                ));
            }
            for (i, h) in req.hardware.iter().enumerate() {
                if req.hardware[..i].contains(h) {
                    return Err(err("hardware", format!("`{h}` is listed twice")));
                }
            }
            if let Some(e) = get("efficiency") {
                req.efficiency = e
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| *x > 0.0 && *x <= 1.0)
                    .ok_or_else(|| {
                        err(
                            "efficiency",
                            format!("must be a number in (0, 1], got `{e}`"),
                        )
                    })?;
            }
            if let Some(w) = get("workloads") {
                req.workloads = workloads(w)?;
            }
        }
        FigureKind::Scorecard => {
            req.scenario = Some(text(
                "scenario",
                "name a scenario key (`mlsysim-book zoo scenarios` lists them)",
            )?);
            if let Some(b) = get("batch_size") {
                req.batch_size = b
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| {
                        err(
                            "batch_size",
                            format!("must be a whole number ≥ 1, got `{b}`"),
                        )
                    })?;
            }
        }
        FigureKind::Line | FigureKind::Bar | FigureKind::Scatter | FigureKind::Heatmap => {
            req.chart = Some(super::chart::spec::parse(kind, attrs)?);
        }
    }
    Ok(req)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn roofline(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut a = attrs(&[
            ("figure", "roofline"),
            ("id", "fig-r"),
            ("hardware", "H100"),
            ("caption", "C"),
            ("alt", "A"),
        ]);
        for (k, v) in extra {
            match a.iter_mut().find(|(n, _)| n == k) {
                Some(slot) => slot.1 = v.to_string(),
                None => a.push((k.to_string(), v.to_string())),
            }
        }
        a
    }

    fn attr_of(a: Vec<(String, String)>) -> String {
        parse_request(&a).unwrap_err().attr.unwrap_or_default()
    }

    #[test]
    fn reads_a_roofline() {
        let r = parse_request(&roofline(&[
            ("hardware", "A100, H100 ,B200"),
            ("workloads", "ResNet50@1, Llama3_8B@64, GPT2"),
            ("precision", "FP8"),
            ("efficiency", "0.5"),
        ]))
        .unwrap();
        assert_eq!(r.kind, FigureKind::Roofline);
        assert_eq!(r.hardware, ["A100", "H100", "B200"]);
        assert_eq!(r.precision, Precision::Fp8);
        assert_eq!(r.efficiency, 0.5);
        assert_eq!(
            r.workloads[1],
            Workload {
                model: "Llama3_8B".into(),
                batch: 64
            }
        );
        assert_eq!(r.workloads[2].batch, 1);
    }

    #[test]
    fn errors_name_the_attribute() {
        assert_eq!(attr_of(roofline(&[("id", "../x")])), "id");
        assert_eq!(attr_of(roofline(&[("id", "a b")])), "id");
        assert_eq!(attr_of(roofline(&[("caption", " ")])), "caption");
        assert_eq!(attr_of(roofline(&[("efficiency", "1.5")])), "efficiency");
        assert_eq!(attr_of(roofline(&[("precision", "fp12")])), "precision");
        assert_eq!(
            attr_of(roofline(&[("workloads", "ResNet50@0")])),
            "workloads"
        );
        assert_eq!(attr_of(roofline(&[("workloads", "@4")])), "workloads");
        assert_eq!(attr_of(roofline(&[("hardware", "H100, H100")])), "hardware");
        assert_eq!(attr_of(roofline(&[("scenario", "X")])), "scenario");
        assert_eq!(attr_of(roofline(&[("figure", "rooflin")])), "figure");
        let mut no_alt = roofline(&[]);
        no_alt.retain(|(n, _)| n != "alt");
        assert_eq!(attr_of(no_alt), "alt");
        let e = parse_request(&roofline(&[("figure", "rooflin")])).unwrap_err();
        assert!(e.message.contains("did you mean `roofline`"), "{e}");
    }

    #[test]
    fn reads_a_scorecard() {
        let r = parse_request(&attrs(&[
            ("figure", "scorecard"),
            ("id", "fig_s"),
            ("scenario", "SmartDoorbell"),
            ("caption", "C"),
            ("alt", "A"),
            ("batch_size", "4"),
        ]))
        .unwrap();
        assert_eq!(r.scenario.as_deref(), Some("SmartDoorbell"));
        assert_eq!(r.batch_size, 4);
        let e = parse_request(&attrs(&[
            ("figure", "scorecard"),
            ("id", "s"),
            ("caption", "C"),
            ("alt", "A"),
        ]))
        .unwrap_err();
        assert_eq!(e.attr.as_deref(), Some("scenario"));
        assert!(valid_id("fig-A_1") && !valid_id("") && !valid_id("a/b") && !valid_id("é"));
    }
}
