//! Solver declarations: what a solver is called, which mlsysim class it matches, which inputs it
//! takes (type, unit, default, valid range), which outputs it gives (unit, meaning) and a one-line
//! doc. The catalog ([`crate::calc::catalog`]) is the list of these declarations; it dispatches by
//! name, validates inputs, and is what `eval SOLVER --help`, the plan schema and the author's guide
//! read. Nothing here prints.

use crate::base::units::{parse_quantity, parse_unit, Dim, Value};
use crate::calc::formulas::args::py_float;
use crate::calc::params::{Lineage, Out, Param, Params, SolveError, SolveOutput};
use crate::registry::Registry;

/// The type of one input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A plain number.
    Number,
    /// A whole number.
    Int,
    /// A quantity of a dimension; a bare number is read in the unit given.
    Qty(Dim, &'static str),
    /// A quantity of the first dimension (bare number in the unit given), or of the second
    /// (mlsysim's `compute_budget`: FLOPs or GPU-days); read with [`Args::alt`].
    QtyOr(Dim, &'static str, Dim),
    /// A name (precision, method, ...).
    Text,
    /// A registry key in the namespace given (`models`, `hardware`, `fleets`).
    Key(&'static str),
    /// `true` / `false`.
    Bool,
}

impl Kind {
    /// The type as the help text names it.
    pub fn name(self) -> String {
        match self {
            Kind::Number => "number".into(),
            Kind::Int => "integer".into(),
            Kind::Qty(d, u) => format!("{} (bare number in {u})", d.name()),
            Kind::QtyOr(d, u, alt) => {
                format!("{} (bare number in {u}) or {}", d.name(), alt.name())
            }
            Kind::Text => "name".into(),
            Kind::Key(ns) => format!("{ns} key"),
            Kind::Bool => "true/false".into(),
        }
    }
}

/// An input's default.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Default {
    /// Required: no default.
    Required,
    /// Optional: absent means "not given" (mlsysim's `None`).
    Absent,
    /// A number (in the bare unit of a quantity).
    Num(f64),
    /// A name.
    Text(&'static str),
    /// A boolean.
    Bool(bool),
}

/// The valid range of a numeric input (bounds in SI for quantities).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// Lower bound.
    pub lo: f64,
    /// Whether the lower bound is excluded.
    pub lo_open: bool,
    /// Upper bound.
    pub hi: f64,
    /// Whether the upper bound is excluded.
    pub hi_open: bool,
}

impl Range {
    /// Any value.
    pub const ANY: Range = Range::new(f64::NEG_INFINITY, false, f64::INFINITY, false);
    /// `x > 0`.
    pub const POSITIVE: Range = Range::new(0.0, true, f64::INFINITY, false);
    /// `x ≥ 0`.
    pub const NONNEG: Range = Range::new(0.0, false, f64::INFINITY, false);
    /// `0 ≤ x ≤ 1`.
    pub const FRACTION: Range = Range::new(0.0, false, 1.0, false);
    /// `0 < x ≤ 1`.
    pub const SHARE: Range = Range::new(0.0, true, 1.0, false);
    /// `x ≥ 1`.
    pub const AT_LEAST_1: Range = Range::new(1.0, false, f64::INFINITY, false);
    /// `x ≥ 2`.
    pub const AT_LEAST_2: Range = Range::new(2.0, false, f64::INFINITY, false);

    /// A range.
    pub const fn new(lo: f64, lo_open: bool, hi: f64, hi_open: bool) -> Range {
        Range {
            lo,
            lo_open,
            hi,
            hi_open,
        }
    }

    /// Whether `x` lies in the range.
    pub fn contains(&self, x: f64) -> bool {
        let above = if self.lo_open {
            x > self.lo
        } else {
            x >= self.lo
        };
        let below = if self.hi_open {
            x < self.hi
        } else {
            x <= self.hi
        };
        above && below
    }

    /// The range in words (`> 0`, `in [0, 1]`); empty for [`Range::ANY`].
    pub fn text(&self) -> String {
        let lo = self.lo.is_finite();
        let hi = self.hi.is_finite();
        let (l, h) = (short_num(self.lo), short_num(self.hi));
        match (lo, hi) {
            (false, false) => String::new(),
            (true, false) => format!("{} {l}", if self.lo_open { ">" } else { "≥" }),
            (false, true) => format!("{} {h}", if self.hi_open { "<" } else { "≤" }),
            (true, true) => format!(
                "in {}{l}, {h}{}",
                if self.lo_open { "(" } else { "[" },
                if self.hi_open { ")" } else { "]" }
            ),
        }
    }
}

/// A number as help and messages print it: `1`, `0.5`, `65536`, and `1e-9` or `2.5e12` for the
/// very small and very large.
pub fn short_num(x: f64) -> String {
    let a = x.abs();
    if a != 0.0 && a.is_finite() && !(1e-4..1e15).contains(&a) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// One declared input.
#[derive(Clone, Copy, Debug)]
pub struct Input {
    /// mlsysim's keyword name.
    pub name: &'static str,
    /// Type (and unit).
    pub kind: Kind,
    /// Default.
    pub default: Default,
    /// Valid range (numbers and quantities).
    pub range: Range,
    /// Meaning.
    pub doc: &'static str,
}

/// One declared output.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    /// mlsysim's result field name.
    pub name: &'static str,
    /// The unit it is shown in (`s`, `GB`, `1` for ratios, `label`, `bool`).
    pub unit: &'static str,
    /// Meaning.
    pub doc: &'static str,
}

/// A solver that reads its own parameters (the core six, scenarios and searches).
pub type RunFn = fn(&Registry, &Params) -> Result<SolveOutput, SolveError>;

/// What a declared model returns: its outputs by declared name.
pub type Outs = Result<Vec<(&'static str, Out)>, SolveError>;

/// What a declared model computes from its validated arguments.
pub type ModelFn = fn(&Args, &mut Ctx) -> Outs;

/// How a solver is run.
#[derive(Clone, Copy)]
pub enum Run {
    /// The solver reads its parameters itself (after the catalog checks the names).
    Own(RunFn),
    /// The catalog reads and validates every declared input into [`Args`] first.
    Model(ModelFn),
}

/// A solver's declaration.
#[derive(Clone, Copy)]
pub struct SolverDef {
    /// Our name (`roofline`, `iron-law`).
    pub name: &'static str,
    /// The mlsysim 0.3.0 class (`SingleNodeModel`, `IronLawModel`).
    pub class: &'static str,
    /// One line saying what it answers.
    pub doc: &'static str,
    /// Inputs, in mlsysim's order.
    pub inputs: &'static [Input],
    /// Outputs, in mlsysim's order.
    pub outputs: &'static [Output],
    /// The entry point.
    pub run: Run,
}

impl SolverDef {
    /// Every input name, in declaration order.
    pub fn input_names(&self) -> Vec<String> {
        self.inputs.iter().map(|i| i.name.to_string()).collect()
    }

    /// The declared input of this name.
    pub fn input(&self, name: &str) -> Option<&'static Input> {
        self.inputs.iter().find(|i| i.name == name)
    }
}

/// Shorthand for declaring an input.
pub const fn input(
    name: &'static str,
    kind: Kind,
    default: Default,
    range: Range,
    doc: &'static str,
) -> Input {
    Input {
        name,
        kind,
        default,
        range,
        doc,
    }
}

/// Shorthand for declaring an output.
pub const fn output(name: &'static str, unit: &'static str, doc: &'static str) -> Output {
    Output { name, unit, doc }
}

/// One validated argument.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Arg<'a> {
    /// Not given and no default.
    Absent,
    /// A number (SI for quantities).
    Num(f64),
    /// A quantity of a [`Kind::QtyOr`] input's second dimension (SI).
    Alt(f64),
    /// A name.
    Text(&'a str),
    /// A boolean.
    Bool(bool),
}

/// The validated arguments of one call, in declaration order.
pub struct Args<'a> {
    def: &'static SolverDef,
    vals: Vec<Arg<'a>>,
    /// The text each input was given as (`30 TB`), kept for the lineage.
    texts: Vec<Option<&'a str>>,
}

fn invalid(solver: &str, name: &str, message: String) -> SolveError {
    SolveError::Invalid {
        what: name.to_string(),
        message: format!("{solver}: {message}"),
    }
}

/// Checks that every parameter is declared.
pub fn check_names(def: &SolverDef, params: &Params) -> Result<(), SolveError> {
    let known = |k: &str| def.input(k).is_some();
    if let Some(bad) = params.keys().find(|k| !known(k)) {
        return Err(SolveError::UnknownParam {
            solver: def.name.to_string(),
            name: bad.clone(),
            valid: def.input_names(),
        });
    }
    Ok(())
}

fn read_number(def: &SolverDef, i: &Input, p: &Param) -> Result<Arg<'static>, SolveError> {
    let bad = |what: String| invalid(def.name, i.name, format!("`{}` must be {what}", i.name));
    let mut alt_dim = false;
    let x = match (i.kind, p) {
        (Kind::Number | Kind::Int, Param::Number(x)) => *x,
        (Kind::Number | Kind::Int, Param::Quantity(v)) if v.dim.is_none() => v.si,
        (Kind::Number | Kind::Int, Param::Text(s)) => parse_quantity(s)
            .ok()
            .filter(|v| v.dim.is_none())
            .map(|v| v.si)
            .ok_or_else(|| bad(format!("a number, got `{s}`")))?,
        (Kind::Qty(dim, bare) | Kind::QtyOr(dim, bare, _), p) => {
            let v = match p {
                Param::Quantity(v) => *v,
                Param::Number(x) => bare_value(*x, bare),
                Param::Text(s) => match parse_quantity(s) {
                    Ok(v) if v.dim.is_none() => bare_value(v.si, bare),
                    Ok(v) => v,
                    Err(e) => return Err(bad(format!("a quantity ({e})"))),
                },
                Param::Bool(_) => return Err(bad("a quantity".into())),
            };
            alt_dim = matches!(i.kind, Kind::QtyOr(_, _, alt) if alt == v.dim);
            if v.dim != dim && !alt_dim {
                return Err(bad(format!("{}, got {}", dim.name(), v.dim.name())));
            }
            v.si
        }
        (_, other) => return Err(bad(format!("a number, got {other:?}"))),
    };
    if i.kind == Kind::Int && x.fract() != 0.0 {
        return Err(bad(format!("a whole number, got {}", py_float(x))));
    }
    if !alt_dim && !i.range.contains(x) {
        let shown = match i.kind {
            Kind::Qty(_, bare) | Kind::QtyOr(_, bare, _) => {
                x / parse_unit(bare).map_or(1.0, |u| u.factor)
            }
            _ => x,
        };
        let whole = if i.kind == Kind::Int {
            "a whole number "
        } else {
            ""
        };
        return Err(bad(format!(
            "{whole}{}, got {}",
            i.range.text(),
            short_num(shown)
        )));
    }
    if alt_dim && (x.is_nan() || x < 0.0) {
        return Err(bad(format!("≥ 0, got {}", short_num(x))));
    }
    Ok(if alt_dim { Arg::Alt(x) } else { Arg::Num(x) })
}

fn bare_value(x: f64, bare: &str) -> Value {
    let u = parse_unit(bare).expect("declared bare unit is valid");
    Value::new(x * u.factor, u.dim)
}

/// Reads one given parameter against its declaration (type, unit, range).
fn read_given<'a>(def: &SolverDef, i: &Input, p: &'a Param) -> Result<Arg<'a>, SolveError> {
    Ok(match (i.kind, p) {
        (Kind::Text | Kind::Key(_), Param::Text(s)) => Arg::Text(s.as_str()),
        (Kind::Bool, Param::Bool(b)) => Arg::Bool(*b),
        (Kind::Bool, Param::Text(s)) => match s.as_str() {
            "true" | "yes" => Arg::Bool(true),
            "false" | "no" => Arg::Bool(false),
            _ => {
                return Err(invalid(
                    def.name,
                    i.name,
                    format!("`{}` must be true or false, got `{s}`", i.name),
                ))
            }
        },
        (Kind::Text | Kind::Key(_) | Kind::Bool, other) => {
            return Err(invalid(
                def.name,
                i.name,
                format!("`{}` must be {}, got {other:?}", i.name, i.kind.name()),
            ))
        }
        _ => read_number(def, i, p)?,
    })
}

/// Validates parameters against a declaration without keeping the values (for the solvers that
/// read their parameters themselves once validated): unknown names, then each given value's type
/// and range, then missing required inputs. Walks the parameters given, not every declared input.
pub fn validate(def: &SolverDef, params: &Params) -> Result<(), SolveError> {
    for (name, p) in params {
        let i = def.input(name).ok_or_else(|| SolveError::UnknownParam {
            solver: def.name.to_string(),
            name: name.clone(),
            valid: def.input_names(),
        })?;
        read_given(def, i, p)?;
    }
    match def
        .inputs
        .iter()
        .find(|i| i.default == Default::Required && !params.contains_key(i.name))
    {
        Some(i) => Err(invalid(
            def.name,
            i.name,
            format!("`{}` is required", i.name),
        )),
        None => Ok(()),
    }
}

impl<'a> Args<'a> {
    /// Reads and validates every declared input: names, types, defaults, ranges. A value given
    /// wrong is reported before a required input that is missing.
    pub fn read(def: &'static SolverDef, params: &'a Params) -> Result<Args<'a>, SolveError> {
        check_names(def, params)?;
        let mut vals = Vec::with_capacity(def.inputs.len());
        let mut texts = Vec::with_capacity(def.inputs.len());
        let mut missing = None;
        for i in def.inputs {
            let given = params.get(i.name);
            texts.push(match given {
                Some(Param::Text(s)) => Some(s.as_str()),
                _ => None,
            });
            let v = match given {
                Some(p) => read_given(def, i, p)?,
                None => match i.default {
                    Default::Required => {
                        missing = missing.or(Some(i.name));
                        Arg::Absent
                    }
                    Default::Absent => Arg::Absent,
                    Default::Num(x) => Arg::Num(match i.kind {
                        Kind::Qty(_, bare) | Kind::QtyOr(_, bare, _) => bare_value(x, bare).si,
                        _ => x,
                    }),
                    Default::Text(s) => Arg::Text(s),
                    Default::Bool(b) => Arg::Bool(b),
                },
            };
            vals.push(v);
        }
        if let Some(name) = missing {
            return Err(invalid(def.name, name, format!("`{name}` is required")));
        }
        Ok(Args { def, vals, texts })
    }

    fn get(&self, name: &str) -> Arg<'a> {
        let at = self
            .def
            .inputs
            .iter()
            // Call sites pass the declaring literal, usually the same pointer: compare that first.
            .position(|i| std::ptr::eq(i.name, name) || i.name == name)
            .unwrap_or_else(|| panic!("{}: undeclared input `{name}`", self.def.name));
        self.vals[at]
    }

    /// A number or quantity (SI); a required input or one with a default.
    pub fn f(&self, name: &str) -> f64 {
        self.opt(name)
            .unwrap_or_else(|| panic!("{}: `{name}` has no value", self.def.name))
    }

    /// An optional number or quantity (SI).
    pub fn opt(&self, name: &str) -> Option<f64> {
        match self.get(name) {
            Arg::Num(x) => Some(x),
            _ => None,
        }
    }

    /// A [`Kind::QtyOr`] input given in its second dimension (SI).
    pub fn alt(&self, name: &str) -> Option<f64> {
        match self.get(name) {
            Arg::Alt(x) => Some(x),
            _ => None,
        }
    }

    /// A name or registry key.
    pub fn text(&self, name: &str) -> Option<&'a str> {
        match self.get(name) {
            Arg::Text(s) => Some(s),
            _ => None,
        }
    }

    /// A boolean (false when absent).
    pub fn flag(&self, name: &str) -> bool {
        matches!(self.get(name), Arg::Bool(true))
    }

    /// The inputs given or defaulted, for the lineage. An input given as text is recorded as
    /// written (`30 TB`): no number is formatted on the way, which keeps a call cheap.
    pub fn record(&self, lin: &mut Lineage) {
        lin.inputs.reserve(self.vals.len());
        for ((i, v), text) in self.def.inputs.iter().zip(&self.vals).zip(&self.texts) {
            if let Some(s) = text {
                lin.inputs.push((i.name.to_string(), s.to_string()));
                continue;
            }
            match v {
                Arg::Absent => {}
                Arg::Num(x) => match i.kind {
                    Kind::Qty(d, _) | Kind::QtyOr(d, _, _) => {
                        lin.input(i.name, format!("{} {}", num_text(*x), si_unit(d)))
                    }
                    _ => lin.input(i.name, num_text(*x)),
                },
                Arg::Alt(x) => match i.kind {
                    Kind::QtyOr(_, _, d) => {
                        lin.input(i.name, format!("{} {}", num_text(*x), si_unit(d)))
                    }
                    _ => lin.input(i.name, num_text(*x)),
                },
                Arg::Text(s) => lin.input(i.name, s),
                Arg::Bool(b) => lin.input(i.name, b),
            }
        }
    }

    /// An error about one input, in the catalog's words.
    pub fn invalid(&self, name: &str, message: String) -> SolveError {
        invalid(self.def.name, name, message)
    }
}

/// A number as `f64`'s `Display` writes it, through integer formatting when it is a whole number
/// (most defaults: 1, 0, 2048), which is several times cheaper than float formatting.
fn num_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 9e15 && !(x == 0.0 && x.is_sign_negative()) {
        (x as i64).to_string()
    } else {
        x.to_string()
    }
}

/// The SI unit of a dimension, as the lineage writes it.
fn si_unit(d: Dim) -> &'static str {
    match d {
        d if d == Dim::TIME => "s",
        d if d == Dim::INFORMATION => "B",
        d if d == Dim::BANDWIDTH => "B/s",
        d if d == Dim::POWER => "W",
        d if d == Dim::ENERGY => "J",
        d if d == Dim::CURRENCY => "USD",
        d if d == Dim::CURRENCY_RATE => "USD/s",
        d if d == Dim::COMPUTE_RATE => "flop/s",
        d if d == Dim::OPERATIONS => "flop",
        _ => "SI",
    }
}

/// What a model may use besides its arguments: the registry, the lineage and the warnings.
pub struct Ctx<'r> {
    /// The registry.
    pub reg: &'r Registry,
    /// Lineage being built.
    pub lin: Lineage,
    /// Warnings.
    pub warnings: Vec<String>,
}

/// Runs a declared model: validates the arguments, computes, attaches lineage and warnings.
pub fn run_model(
    def: &'static SolverDef,
    f: ModelFn,
    reg: &Registry,
    params: &Params,
) -> Result<SolveOutput, SolveError> {
    let args = Args::read(def, params)?;
    let mut ctx = Ctx {
        reg,
        lin: Lineage::new(def.name),
        warnings: vec![],
    };
    args.record(&mut ctx.lin);
    let outputs = f(&args, &mut ctx)?;
    Ok(SolveOutput {
        outputs,
        lineage: ctx.lin,
        warnings: ctx.warnings,
    })
}

/// A time output (seconds).
pub fn time(si: f64) -> Out {
    Out::qty(si, Dim::TIME)
}

/// A size output (bytes).
pub fn bytes(si: f64) -> Out {
    Out::qty(si, Dim::INFORMATION)
}

/// A bandwidth output (bytes per second).
pub fn bandwidth(si: f64) -> Out {
    Out::qty(si, Dim::BANDWIDTH)
}

/// A dimensionless output.
pub fn num(x: f64) -> Out {
    Out::number(x)
}

#[cfg(test)]
mod tests {
    use super::num_text;

    #[test]
    fn num_text_matches_display() {
        for x in [
            0.0,
            -0.0,
            1.0,
            2048.0,
            14400.0,
            1e15,
            1e20,
            0.5,
            -3.25,
            7e10,
            f64::INFINITY,
        ] {
            assert_eq!(num_text(x), x.to_string(), "{x}");
        }
    }
}
