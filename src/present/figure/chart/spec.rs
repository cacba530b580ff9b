//! Reading a chart directive (`figure="line|bar|scatter|heatmap"`) into a [`ChartSpec`]. Errors
//! name the attribute at fault.
//!
//! Two sources of data:
//! - a solver (`solve="serving"`): `vary="seq_len=512,1024,…"` is the x axis, one listed attribute
//!   (`hardware="A100, H100, H200"`) makes one series per item, `y="ttft:ms"` names the output(s)
//!   with their display unit; every other attribute is a solver input;
//! - an expression (`y="1 / ((1 - p) + p / G)"`) swept over `x="p=0..1"` (`points`, default 101)
//!   or a list (`x="N=1,7,70"`), with `series="G=2,8,32,247"` as a second variable; a heatmap
//!   sweeps `x` and `y` and colours `z`.

use super::super::request::FigureKind;
use super::super::FigureError;
use crate::base::text::closest;
use crate::base::units::parse_number;
use crate::syntax::expr::{self, Expr};

/// Chart attributes (the others are solver inputs when `solve` is given).
pub const ATTRIBUTES: &[&str] = &[
    "id",
    "caption",
    "alt",
    "title",
    "solve",
    "vary",
    "x",
    "y",
    "z",
    "series",
    "points",
    "x-scale",
    "y-scale",
    "x-label",
    "y-label",
    "z-label",
    "stacked",
    "relative",
    "mark",
    "legend",
    "preset",
    "precision",
];

/// Default points of an expression range.
pub const DEFAULT_POINTS: usize = 101;
/// Default cells per axis of a heatmap range.
pub const DEFAULT_CELLS: usize = 12;
/// Most points of one sweep.
pub const MAX_POINTS: usize = 2001;

/// Linear or logarithmic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Linear.
    Linear,
    /// Logarithmic (positive values only).
    Log,
}

/// The x values of a solver sweep: numbers, or categories (`grid=Quebec,Norway`).
#[derive(Clone, Debug, PartialEq)]
pub struct Vary {
    /// Solver input name (`seq_len`).
    pub name: String,
    /// Values as written (passed to the solver as text).
    pub values: Vec<String>,
    /// The values as numbers, when all of them are.
    pub numbers: Option<Vec<f64>>,
}

/// A swept expression variable (`p=0..1`, `G=2,8,32,247`).
#[derive(Clone, Debug, PartialEq)]
pub struct VarSweep {
    /// Variable name.
    pub name: String,
    /// Values.
    pub values: Vec<f64>,
    /// The attribute it was written in.
    pub attr: &'static str,
}

/// One plotted quantity: a solver output or an expression, with its display unit.
#[derive(Clone, Debug, PartialEq)]
pub struct YSpec {
    /// Output name (`ttft`), or the expression's text.
    pub name: String,
    /// The expression, for expression charts.
    pub expr: Option<Expr>,
    /// Display unit (`ms`), none for a number.
    pub unit: Option<String>,
}

/// Where the data comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A solver swept over `vary`, one series per listed attribute item and per output.
    Solver {
        /// Solver name.
        solver: String,
        /// Fixed inputs (name with `_`, value).
        inputs: Vec<(String, String)>,
        /// The x axis.
        vary: Vary,
        /// The listed attribute (`hardware`, `A100, H100`), if any.
        listed: Option<(String, Vec<String>)>,
    },
    /// An expression swept over `x`, with an optional second variable (`series`, or the heatmap's
    /// `y`).
    Expr {
        /// The x variable.
        x: VarSweep,
        /// The series (line, scatter, bar) or row (heatmap) variable.
        second: Option<VarSweep>,
    },
}

/// A limit line or a labelled point (`mark="y=1: limit; x=0.95; at=0.95"`).
#[derive(Clone, Debug, PartialEq)]
pub enum Mark {
    /// A horizontal line at y (in the y display unit).
    Y(f64, Option<String>),
    /// A vertical line at x.
    X(f64, Option<String>),
    /// Every series' point at x, labelled with its value.
    At(f64, Option<String>),
}

/// A parsed chart request.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartSpec {
    /// Line, bar, scatter or heatmap.
    pub kind: FigureKind,
    /// The data source.
    pub source: Source,
    /// The plotted quantities (a heatmap: the one `z`).
    pub ys: Vec<YSpec>,
    /// X axis scale.
    pub x_scale: Scale,
    /// Y axis scale.
    pub y_scale: Scale,
    /// X axis title.
    pub x_label: Option<String>,
    /// Y axis title.
    pub y_label: Option<String>,
    /// Colour bar title (heatmap).
    pub z_label: Option<String>,
    /// Stacked bars.
    pub stacked: bool,
    /// Each series divided by its first value (growth, `×`).
    pub relative: bool,
    /// Limit lines and labelled points.
    pub marks: Vec<Mark>,
    /// Series names in the legend, in order (`legend="Compute, Memory bandwidth"`).
    pub legend: Option<Vec<String>>,
}

fn err(attr: &str, message: impl Into<String>) -> FigureError {
    FigureError::attr(attr, message)
}

/// Splits at commas outside parentheses.
fn top_level_split(s: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if c == sep && depth == 0 {
            out.push(cur.trim().to_string());
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    out.push(cur.trim().to_string());
    out.retain(|s| !s.is_empty());
    out
}

fn number(attr: &str, s: &str) -> Result<f64, FigureError> {
    parse_number(s.trim())
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| err(attr, format!("`{}` is not a number", s.trim())))
}

fn scale(attr: &str, v: Option<&str>) -> Result<Scale, FigureError> {
    match v.map(str::trim) {
        None | Some("linear") => Ok(Scale::Linear),
        Some("log") => Ok(Scale::Log),
        Some(o) => Err(err(attr, format!("must be `linear` or `log`, got `{o}`"))),
    }
}

/// `name=lo..hi` (with `points`, spaced on the axis scale) or `name=a,b,c`.
fn var_sweep(
    attr: &'static str,
    v: &str,
    points: usize,
    sc: Scale,
) -> Result<VarSweep, FigureError> {
    let (name, rest) = v.split_once('=').ok_or_else(|| {
        err(
            attr,
            format!("write `name=lo..hi` or `name=a,b,c` (e.g. `p=0..1`), got `{v}`"),
        )
    })?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(err(attr, format!("`{name}` is not a variable name")));
    }
    let values = if let Some((lo, hi)) = rest.split_once("..") {
        let (lo, hi) = (number(attr, lo)?, number(attr, hi)?);
        if lo >= hi {
            return Err(err(
                attr,
                format!("the range `{}` must go from low to high", rest.trim()),
            ));
        }
        if sc == Scale::Log && lo <= 0.0 {
            return Err(err(
                attr,
                format!(
                    "a log axis needs positive values; `{}` starts at {lo}",
                    rest.trim()
                ),
            ));
        }
        (0..points)
            .map(|i| {
                let t = i as f64 / (points - 1) as f64;
                match sc {
                    Scale::Linear => lo + t * (hi - lo),
                    Scale::Log => (lo.ln() + t * (hi.ln() - lo.ln())).exp(),
                }
            })
            .collect::<Vec<f64>>()
    } else {
        rest.split(',')
            .map(|s| number(attr, s))
            .collect::<Result<Vec<f64>, _>>()?
    };
    if attr != "series" && (values.len() < 2 || values.iter().all(|v| *v == values[0])) {
        return Err(err(attr, "a sweep needs at least two different points"));
    }
    Ok(VarSweep {
        name: name.to_string(),
        values,
        attr,
    })
}

/// `output:unit` items (or expressions with an optional `:unit`).
fn y_specs(attr: &str, v: &str, exprs: bool) -> Result<Vec<YSpec>, FigureError> {
    let items = if exprs {
        top_level_split(v, ',')
    } else {
        v.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    if items.is_empty() {
        return Err(err(
            attr,
            "is empty; name an output with its unit, e.g. `ttft:ms`",
        ));
    }
    items
        .into_iter()
        .map(|item| {
            let (name, unit) = match item.rsplit_once(':') {
                Some((n, u)) => (n.trim().to_string(), Some(u.trim().to_string())),
                None => (item.trim().to_string(), None),
            };
            let unit = unit.filter(|u| !u.is_empty() && u != "1");
            let expr = if exprs {
                Some(expr::parse(&name).map_err(|e| err(attr, format!("`{name}`: {e}")))?)
            } else {
                None
            };
            Ok(YSpec { name, expr, unit })
        })
        .collect()
}

fn marks(v: &str) -> Result<Vec<Mark>, FigureError> {
    let mut out = Vec::new();
    for item in v.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (head, label) = match item.split_once(':') {
            Some((h, l)) => (
                h.trim(),
                Some(l.trim().to_string()).filter(|l| !l.is_empty()),
            ),
            None => (item, None),
        };
        let (k, x) = head.split_once('=').ok_or_else(|| {
            err(
                "mark",
                format!("`{item}`: write `y=1: limit`, `x=0.95` or `at=0.95`"),
            )
        })?;
        let x = number("mark", x)?;
        out.push(match k.trim() {
            "y" => Mark::Y(x, label),
            "x" => Mark::X(x, label),
            "at" => Mark::At(x, label),
            o => {
                return Err(err(
                    "mark",
                    format!("`{o}=`: a mark is `y=` (limit line), `x=` (vertical line) or `at=` (labelled points)"),
                ))
            }
        });
    }
    Ok(out)
}

/// Reads a chart directive's attributes.
pub fn parse(kind: FigureKind, attrs: &[(String, String)]) -> Result<ChartSpec, FigureError> {
    let get = |name: &str| {
        attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let x_scale = scale("x-scale", get("x-scale"))?;
    let y_scale = scale("y-scale", get("y-scale"))?;
    let stacked = match get("stacked").map(str::trim) {
        None | Some("false") => false,
        Some("true") => true,
        Some(o) => {
            return Err(err(
                "stacked",
                format!("must be `true` or `false`, got `{o}`"),
            ))
        }
    };
    let relative = match get("relative").map(str::trim) {
        None | Some("false") => false,
        Some("true") => true,
        Some(o) => {
            return Err(err(
                "relative",
                format!("must be `true` or `false`, got `{o}`"),
            ))
        }
    };
    if stacked && kind != FigureKind::Bar {
        return Err(err("stacked", "only bars stack; use `figure=\"bar\"`"));
    }
    if stacked && y_scale == Scale::Log {
        return Err(err("y-scale", "stacked bars need a linear axis"));
    }
    let text = |n: &str| {
        get(n)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let heat = kind == FigureKind::Heatmap;
    let points = match get("points") {
        Some(p) => p
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (2..=MAX_POINTS).contains(n))
            .ok_or_else(|| {
                err(
                    "points",
                    format!("must be a whole number from 2 to {MAX_POINTS}, got `{p}`"),
                )
            })?,
        None if heat => DEFAULT_CELLS,
        None => DEFAULT_POINTS,
    };
    let (source, ys) = if let Some(solver) = get("solve") {
        if heat {
            return Err(err(
                "solve",
                "a heatmap sweeps an expression: write `x`, `y` and `z`",
            ));
        }
        let vary = get("vary").ok_or_else(|| {
            err(
                "vary",
                "is required with `solve`: the x axis, e.g. `vary=\"seq_len=512,1024,2048\"`",
            )
        })?;
        let (vname, vvals) = vary
            .split_once('=')
            .ok_or_else(|| err("vary", format!("write `input=a,b,c`, got `{vary}`")))?;
        let values: Vec<String> = vvals
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if values.len() < 2 || values.iter().all(|v| *v == values[0]) {
            return Err(err("vary", "a sweep needs at least two different points"));
        }
        let numbers: Option<Vec<f64>> = values.iter().map(|v| parse_number(v).ok()).collect();
        if numbers.is_none() && x_scale == Scale::Log {
            return Err(err(
                "x-scale",
                "a log axis needs numbers; `vary` lists names",
            ));
        }
        if let (Some(n), Scale::Log) = (&numbers, x_scale) {
            if let Some(bad) = n.iter().find(|v| **v <= 0.0) {
                return Err(err(
                    "vary",
                    format!("a log axis needs positive values, got {bad}"),
                ));
            }
        }
        let mut inputs = Vec::new();
        let mut listed: Option<(String, Vec<String>)> = None;
        for (n, v) in attrs {
            if n == "figure" || n == "solve" || ATTRIBUTES.contains(&n.as_str()) && n != "precision"
            {
                continue;
            }
            let key = n.replace('-', "_");
            if v.contains(',') {
                if let Some((first, _)) = &listed {
                    return Err(err(
                        n,
                        format!(
                            "only one attribute may list values (series); `{first}` already does"
                        ),
                    ));
                }
                let items: Vec<String> = v
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                listed = Some((key, items));
            } else {
                inputs.push((key, v.trim().to_string()));
            }
        }
        let y = get("y").ok_or_else(|| {
            err(
                "y",
                "is required: the output and its unit, e.g. `y=\"ttft:ms\"`",
            )
        })?;
        (
            Source::Solver {
                solver: solver.trim().to_string(),
                inputs,
                vary: Vary {
                    name: vname.trim().replace('-', "_"),
                    values,
                    numbers,
                },
                listed,
            },
            y_specs("y", y, false)?,
        )
    } else {
        for (n, _) in attrs {
            if n != "figure" && !ATTRIBUTES.contains(&n.as_str()) {
                let close = closest(n, ATTRIBUTES.iter().copied());
                let hint = close
                    .first()
                    .map_or(String::new(), |c| format!("did you mean `{c}`? "));
                return Err(err(
                    n,
                    format!(
                        "unknown attribute `{n}` for a {} chart of an expression; {hint}add `solve=` to sweep a solver",
                        kind.name()
                    ),
                ));
            }
        }
        let xv = get("x").ok_or_else(|| {
            err(
                "x",
                "is required: the swept variable, e.g. `x=\"p=0..1\"` (or `solve=` with `vary=`)",
            )
        })?;
        let x = var_sweep("x", xv, points, x_scale)?;
        if heat {
            let yv = get("y").ok_or_else(|| {
                err(
                    "y",
                    "is required: the second variable, e.g. `y=\"G=1..1000\"`",
                )
            })?;
            let y = var_sweep("y", yv, points, y_scale)?;
            let z = get("z").ok_or_else(|| {
                err(
                    "z",
                    "is required: the expression coloured, e.g. `z=\"1 / ((1 - p) + p / G)\"`",
                )
            })?;
            let zs = y_specs("z", z, true)?;
            if zs.len() != 1 {
                return Err(err("z", "a heatmap colours one expression"));
            }
            (Source::Expr { x, second: Some(y) }, zs)
        } else {
            let second = match get("series") {
                Some(s) => Some(var_sweep("series", s, points, Scale::Linear)?),
                None => None,
            };
            let y = get("y").ok_or_else(|| {
                err(
                    "y",
                    "is required: the expression plotted, e.g. `y=\"1 / ((1 - p) + p / G)\"`",
                )
            })?;
            (Source::Expr { x, second }, y_specs("y", y, true)?)
        }
    };
    if ys.len() > 1
        && !stacked
        && kind == FigureKind::Bar
        && matches!(
            source,
            Source::Solver {
                listed: Some(_),
                ..
            }
        )
    {
        return Err(err(
            "y",
            "several outputs and a listed attribute: stack them (`stacked=\"true\"`) or list one",
        ));
    }
    Ok(ChartSpec {
        kind,
        source,
        ys,
        x_scale,
        y_scale,
        x_label: text("x-label"),
        y_label: text("y-label"),
        z_label: text("z-label"),
        stacked,
        relative,
        legend: get("legend").map(|l| {
            l.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        }),
        marks: match get("mark") {
            Some(m) => marks(m)?,
            None => Vec::new(),
        },
    })
}
