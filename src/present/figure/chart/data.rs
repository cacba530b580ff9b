//! The numbers of a chart: a solver run once per swept value (and per listed item), or an
//! expression evaluated over its variables. Values stay in base units with their lineage; `y` is
//! the value in the display unit.

use super::spec::{ChartSpec, Scale, Source, YSpec};
use crate::base::text::{closest, did_you_mean};
use crate::base::units::Value;
use crate::calc::catalog;
use crate::calc::params::{Lineage, Out, Param, Params, SolveError};
use crate::present::figure::FigureError;
use crate::registry::query::{field_value, FieldValue};
use crate::registry::Registry;
use std::ops::Range;

/// One point.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// x: the swept number, or the category's index.
    pub x: f64,
    /// y in the display unit (after `relative`).
    pub y: f64,
    /// The value in base units.
    pub value: Value,
    /// Solver, formulas, leaves and inputs behind it.
    pub lineage: Lineage,
}

/// One series (a heatmap: one row).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend name (`H100`, `G = 8`, `ttft`).
    pub name: String,
    /// Points in x order.
    pub points: Vec<Point>,
}

/// A chart's data.
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    /// Category names when x lists names (bars by region), else none.
    pub categories: Option<Vec<String>>,
    /// The x values (numbers or category indices).
    pub xs: Vec<f64>,
    /// The x variable or input name.
    pub x_name: String,
    /// The series (heatmap: rows, with `row_values`).
    pub series: Vec<Series>,
    /// The heatmap's row values.
    pub row_values: Vec<f64>,
    /// The series variable (heatmap: the row variable).
    pub series_name: Option<String>,
    /// Display unit of y (none for numbers).
    pub unit: Option<String>,
    /// Solver warnings, once each.
    pub warnings: Vec<String>,
}

fn err(attr: &str, m: impl Into<String>) -> FigureError {
    FigureError::attr(attr, m)
}

/// Converts a value to the display unit.
fn display(v: Value, y: &YSpec, attr: &str) -> Result<f64, FigureError> {
    match &y.unit {
        Some(u) => v
            .in_unit(u)
            .map_err(|e| err(attr, format!("`{}`: {e}", y.name))),
        None if v.dim.is_none() => Ok(v.si),
        None => Err(err(
            attr,
            format!(
                "`{}` is a {}: give its display unit after `:` (e.g. `{}:ms`)",
                y.name,
                v.dim.name(),
                y.name
            ),
        )),
    }
}

/// Runs the chart's solver or expression.
pub fn evaluate(reg: &Registry, spec: &ChartSpec) -> Result<Data, FigureError> {
    let mut data = match &spec.source {
        Source::Solver {
            solver,
            inputs,
            vary,
            listed,
        } => solver_data(reg, spec, solver, inputs, vary, listed.as_ref())?,
        Source::Expr { x, second } => {
            let y = spec.ys.first().expect("at least one y");
            let attr = if spec.kind == super::super::FigureKind::Heatmap {
                "z"
            } else {
                "y"
            };
            let rows: Vec<Option<f64>> = match second {
                Some(s) => s.values.iter().copied().map(Some).collect(),
                None => vec![None],
            };
            let mut series = Vec::new();
            for r in &rows {
                for y in &spec.ys {
                    let mut points = Vec::with_capacity(x.values.len());
                    for &xv in &x.values {
                        let e = y.expr.as_ref().expect("an expression chart parses y");
                        let resolve = |path: &str, span: Range<usize>| -> Result<Value, crate::syntax::expr::EvalError> {
                            if path == x.name {
                                return Ok(Value::number(xv));
                            }
                            if let (Some(s), Some(rv)) = (second, r) {
                                if path == s.name {
                                    return Ok(Value::number(*rv));
                                }
                            }
                            registry_path(reg, path).map(|(v, _)| v).ok_or_else(|| {
                                let mut names = vec![x.name.as_str()];
                                if let Some(s) = second {
                                    names.push(s.name.as_str());
                                }
                                crate::syntax::expr::EvalError::new(
                                    span,
                                    format!(
                                        "unknown name `{path}`; the variables are {}{}",
                                        names.join(", "),
                                        did_you_mean(&closest(path, names.iter().copied()))
                                    ),
                                )
                            })
                        };
                        let v = e.eval(&resolve).map_err(|e| err(attr, e.message.clone()))?;
                        let mut lineage = Lineage::new("expression");
                        for (p, _) in e.paths() {
                            if let Some((_, leaves)) = registry_path(reg, p) {
                                for l in leaves {
                                    if !lineage.leaves.contains(&l) {
                                        lineage.leaves.push(l);
                                    }
                                }
                            }
                        }
                        lineage.input(&x.name, xv);
                        if let (Some(s), Some(rv)) = (second, r) {
                            lineage.input(&s.name, rv);
                        }
                        let yv = display(v, y, attr)?;
                        if !yv.is_finite() {
                            return Err(err(
                                attr,
                                format!("`{}` is not finite at {} = {xv}", y.name, x.name),
                            ));
                        }
                        points.push(Point {
                            x: xv,
                            y: yv,
                            value: v,
                            lineage,
                        });
                    }
                    let name = match (second, r) {
                        (Some(s), Some(rv)) if spec.ys.len() == 1 => {
                            format!("{} = {}", s.name, short(*rv))
                        }
                        (Some(s), Some(rv)) => format!("{} ({} = {})", y.name, s.name, short(*rv)),
                        _ => y.name.clone(),
                    };
                    series.push(Series { name, points });
                }
            }
            let _ = y;
            Data {
                categories: None,
                xs: x.values.clone(),
                x_name: x.name.clone(),
                series,
                row_values: second.as_ref().map_or(Vec::new(), |s| s.values.clone()),
                series_name: second.as_ref().map(|s| s.name.clone()),
                unit: spec.ys[0].unit.clone(),
                warnings: Vec::new(),
            }
        }
    };
    if spec.relative {
        for s in &mut data.series {
            let first = s.points.first().map_or(1.0, |p| p.y);
            if first == 0.0 {
                return Err(err(
                    "relative",
                    format!("series `{}` starts at zero", s.name),
                ));
            }
            for p in &mut s.points {
                p.y /= first;
            }
        }
        data.unit = None;
    }
    check_scales(spec, &data)?;
    Ok(data)
}

/// A number as a legend shows it (`2`, `0.5`, `247`).
pub fn short(x: f64) -> String {
    crate::present::format::format_number(
        x,
        &crate::present::format::FormatSpec {
            sig: Some(4),
            ..Default::default()
        },
        crate::present::format::Target::Text,
    )
    .map(|s| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    })
    .unwrap_or_else(|_| x.to_string())
}

/// A registry path (`hardware.H100.memory.bandwidth`) as a value and its leaves.
pub fn registry_path(reg: &Registry, path: &str) -> Option<(Value, Vec<u32>)> {
    let mut parts = path.splitn(3, '.');
    let (ns, key, field) = (parts.next()?, parts.next()?, parts.next()?);
    match field_value(reg, ns, key, field)? {
        FieldValue::Quantity(v, leaves) => Some((v, leaves)),
        _ => None,
    }
}

fn check_scales(spec: &ChartSpec, data: &Data) -> Result<(), FigureError> {
    if spec.y_scale == Scale::Log {
        for s in &data.series {
            if let Some(p) = s.points.iter().find(|p| p.y <= 0.0) {
                let attr = if spec.kind == super::super::FigureKind::Heatmap {
                    "z"
                } else {
                    "y-scale"
                };
                if spec.kind != super::super::FigureKind::Heatmap {
                    return Err(err(
                        attr,
                        format!(
                            "a log axis needs positive values, but `{}` is {} at {} = {}",
                            s.name,
                            p.y,
                            data.x_name,
                            short(p.x)
                        ),
                    ));
                }
            }
        }
    }
    if spec.x_scale == Scale::Log {
        if let Some(x) = data.xs.iter().find(|x| **x <= 0.0) {
            return Err(err(
                "x-scale",
                format!("a log axis needs positive values, but x = {x}"),
            ));
        }
    }
    Ok(())
}

fn solver_data(
    reg: &Registry,
    spec: &ChartSpec,
    solver: &str,
    inputs: &[(String, String)],
    vary: &super::spec::Vary,
    listed: Option<&(String, Vec<String>)>,
) -> Result<Data, FigureError> {
    let def = catalog::find(solver).ok_or_else(|| {
        err(
            "solve",
            format!(
                "unknown solver `{solver}`{}",
                did_you_mean(&closest(solver, catalog::SOLVERS.into_iter()))
            ),
        )
    })?;
    let items: Vec<Option<&String>> = match listed {
        Some((_, v)) => v.iter().map(Some).collect(),
        None => vec![None],
    };
    let mut series: Vec<Series> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    for item in &items {
        let mut per_y: Vec<Vec<Point>> = vec![Vec::new(); spec.ys.len()];
        for (i, xv) in vary.values.iter().enumerate() {
            let mut params = Params::new();
            for (k, v) in inputs {
                params.insert(k.clone(), Param::Text(v.clone()));
            }
            if let (Some((k, _)), Some(v)) = (listed, item) {
                params.insert(k.clone(), Param::Text((*v).clone()));
            }
            params.insert(vary.name.clone(), Param::Text(xv.clone()));
            let out =
                catalog::run(reg, def.name, &params).map_err(|e| solve_error(e, vary, listed))?;
            for w in &out.warnings {
                if !warnings.contains(w) {
                    warnings.push(w.clone());
                }
            }
            for (j, y) in spec.ys.iter().enumerate() {
                let o = out.get(&y.name).ok_or_else(|| {
                    let names = out.names();
                    err(
                        "y",
                        format!(
                            "solver `{solver}` has no output `{}`{}; outputs: {}",
                            y.name,
                            did_you_mean(&closest(&y.name, names.iter().copied())),
                            names.join(", ")
                        ),
                    )
                })?;
                let v = match o {
                    Out::Value(v) => *v,
                    Out::Missing => {
                        return Err(err(
                            "y",
                            format!("`{}` has no value at {} = {xv}", y.name, vary.name),
                        ))
                    }
                    _ => {
                        return Err(err(
                            "y",
                            format!(
                                "`{}` is a label, not a number: a chart plots numbers",
                                y.name
                            ),
                        ))
                    }
                };
                let x = match &vary.numbers {
                    Some(n) => n[i],
                    None => i as f64,
                };
                let mut lineage = out.lineage.clone();
                lineage.input(&vary.name, xv);
                per_y[j].push(Point {
                    x,
                    y: display(v, y, "y")?,
                    value: v,
                    lineage,
                });
            }
        }
        for (j, points) in per_y.into_iter().enumerate() {
            let name = match (item, spec.ys.len()) {
                (Some(it), 1) => (*it).clone(),
                (Some(it), _) => format!("{it} {}", spec.ys[j].name.replace('_', " ")),
                (None, _) => spec.ys[j].name.replace('_', " "),
            };
            series.push(Series { name, points });
        }
    }
    let units: Vec<&Option<String>> = spec.ys.iter().map(|y| &y.unit).collect();
    if !spec.relative && units.windows(2).any(|w| w[0] != w[1]) {
        return Err(err(
            "y",
            "the outputs have different units: one axis shows one unit (or write `relative=\"true\"` to compare growth)",
        ));
    }
    Ok(Data {
        categories: if vary.numbers.is_none() || spec.kind == super::super::FigureKind::Bar {
            Some(vary.values.clone())
        } else {
            None
        },
        xs: match (&vary.numbers, spec.kind) {
            (Some(n), k) if k != super::super::FigureKind::Bar => n.clone(),
            _ => (0..vary.values.len()).map(|i| i as f64).collect(),
        },
        x_name: vary.name.clone(),
        series: if spec.kind == super::super::FigureKind::Bar {
            // Bars sit at category indices even when the categories are numbers.
            series
                .into_iter()
                .map(|mut s| {
                    for (i, p) in s.points.iter_mut().enumerate() {
                        p.x = i as f64;
                    }
                    s
                })
                .collect()
        } else {
            series
        },
        row_values: Vec::new(),
        series_name: listed.map(|(k, _)| k.clone()),
        unit: spec.ys[0].unit.clone(),
        warnings,
    })
}

fn solve_error(
    e: SolveError,
    vary: &super::spec::Vary,
    listed: Option<&(String, Vec<String>)>,
) -> FigureError {
    let attr_of = |name: &str| -> String {
        if name == vary.name {
            "vary".to_string()
        } else {
            name.to_string()
        }
    };
    match &e {
        SolveError::UnknownSolver { .. } => err("solve", e.to_string()),
        SolveError::UnknownParam { name, .. } => err(&attr_of(name), e.to_string()),
        SolveError::Invalid { what, .. } => err(&attr_of(what), e.to_string()),
        SolveError::UnknownKey { key, .. } => {
            let attr = if vary.values.contains(key) {
                "vary".to_string()
            } else if let Some((k, _)) = listed.filter(|(_, v)| v.contains(key)) {
                k.clone()
            } else {
                String::new()
            };
            if attr.is_empty() {
                FigureError::general(e.to_string())
            } else {
                err(&attr, e.to_string())
            }
        }
    }
}
