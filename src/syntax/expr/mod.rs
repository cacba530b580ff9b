//! The `value=` expression language.
//!
//! Grammar (lowest precedence first; `^` is right-associative and binds tighter than unary minus,
//! so `-2^2` is −4 and `2^-1` is 0.5):
//!
//! ```text
//! expr    = sum
//! sum     = product (("+" | "-") product)*
//! product = unary (("*" | "/") unary)*
//! unary   = ("-" | "+") unary | power
//! power   = primary ("^" unary)?
//! primary = number unit? | path | func "(" expr ("," expr)* ")" | "(" expr ")"
//! number  = digits ("_" digits)* ("." digits)? (("e" | "E") ("+" | "-")? digits)?
//! path    = ident ("." segment)*            e.g. hardware.H100.memory.bandwidth, srv.ttft, ridge
//! unit    = atom ("^" int)? ("/" atom ("^" int)?)*     e.g. param, TB/s, km/h, g/kWh, m^3, %
//! func    = min | max | sqrt | exp | ln | log2 | log10 | floor | ceil | round | abs
//! ```
//!
//! A unit follows a number after optional spaces (`7e9 param`, `16 byte`, `3.35 TB/s`) and must be
//! a unit symbol of the unit table; inside a unit, `/` and `^` are written without spaces. So
//! `100 km/h` is a speed while `a / h` divides by a name `h`, and `2 * x` is never a unit. A number
//! followed by a name that is not a unit (`2 x`) is an error that suggests `2 * x`.
//!
//! Evaluation checks dimensions at run time: `+`, `-`, `min` and `max` need equal dimensions; `^`
//! needs a dimensionless exponent, which must be a whole number unless the base is dimensionless;
//! `sqrt` needs even dimension exponents; `exp`, `ln`, `log2`, `log10`, `floor`, `ceil` and
//! `round(x)` need a dimensionless argument; `abs` keeps the dimension; `round(x, step)` rounds to
//! the nearest multiple of `step` (half away from zero), which has the dimension of `x`
//! (`round(r, 100000)` → 300,000, `round(t, 1 ms)`). `floor`/`ceil` of a dimensioned value would round in base units (seconds, bytes),
//! which is never what is meant: divide by the wanted unit first, `floor(t / (1 ms))`.

mod eval;
mod lexer;
mod parser;

pub use eval::Resolve;

use crate::base::units::Value;
use std::ops::Range;

/// An expression node with its byte span in the expression string.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// Bytes of the expression string this node covers (parentheses included).
    pub span: Range<usize>,
}

/// Expression node kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A literal with its optional unit: `7e9 param` is 7e9 (dimensionless), `3.35 TB/s` is
    /// 3.35e12 B/s.
    Number {
        /// The value in base units.
        value: Value,
        /// The unit as written, if any.
        unit: Option<String>,
    },
    /// A registry path or `let` name (`hardware.H100.tdp`, `srv.ttft`, `ridge`).
    Path(String),
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation.
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// A function call.
    Call {
        /// The function.
        func: Func,
        /// Arguments.
        args: Vec<Expr>,
    },
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^`
    Pow,
}

/// Built-in functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// n-ary minimum.
    Min,
    /// n-ary maximum.
    Max,
    /// Square root.
    Sqrt,
    /// e^x.
    Exp,
    /// Natural logarithm.
    Ln,
    /// Round down.
    Floor,
    /// Round up.
    Ceil,
    /// Round to the nearest whole number, or to the nearest multiple of a step.
    Round,
    /// Absolute value.
    Abs,
    /// Base-2 logarithm.
    Log2,
    /// Base-10 logarithm.
    Log10,
}

impl Func {
    /// All functions, for error messages.
    pub const NAMES: &'static str = "min, max, sqrt, exp, ln, log2, log10, floor, ceil, round, abs";

    /// The function called `name`.
    pub fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "min" => Func::Min,
            "max" => Func::Max,
            "sqrt" => Func::Sqrt,
            "exp" => Func::Exp,
            "ln" => Func::Ln,
            "floor" => Func::Floor,
            "ceil" => Func::Ceil,
            "round" => Func::Round,
            "abs" => Func::Abs,
            "log2" => Func::Log2,
            "log10" => Func::Log10,
            _ => return None,
        })
    }

    /// The function's name.
    pub fn name(self) -> &'static str {
        match self {
            Func::Min => "min",
            Func::Max => "max",
            Func::Sqrt => "sqrt",
            Func::Exp => "exp",
            Func::Ln => "ln",
            Func::Floor => "floor",
            Func::Ceil => "ceil",
            Func::Round => "round",
            Func::Abs => "abs",
            Func::Log2 => "log2",
            Func::Log10 => "log10",
        }
    }
}

/// An expression that does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// Offending bytes of the expression string.
    pub span: Range<usize>,
    /// What is wrong and what would be right.
    pub message: String,
}

/// An expression that does not evaluate (unknown name, dimension mismatch, domain error).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EvalError {
    /// Offending bytes of the expression string.
    pub span: Range<usize>,
    /// What is wrong and what would be right.
    pub message: String,
}

impl EvalError {
    /// An error for `span`.
    pub fn new(span: Range<usize>, message: impl Into<String>) -> EvalError {
        EvalError {
            span,
            message: message.into(),
        }
    }
}

/// Parses an expression. Spans are byte offsets into `src`.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    parser::parse(src)
}

impl Expr {
    /// Evaluates with `r` resolving paths and `let` names.
    pub fn eval<R: Resolve + ?Sized>(&self, r: &R) -> Result<Value, EvalError> {
        eval::eval(self, r)
    }

    /// Every path the expression reads, in source order, with its span.
    pub fn paths(&self) -> Vec<(&str, Range<usize>)> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let ExprKind::Path(p) = &e.kind {
                out.push((p.as_str(), e.span.clone()));
            }
        });
        out
    }

    /// The path, if the whole expression is a single path (`srv.bottleneck`), so the caller can
    /// print non-numeric outputs.
    pub fn as_path(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Path(p) => Some(p),
            _ => None,
        }
    }

    fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Number { .. } | ExprKind::Path(_) => {}
            ExprKind::Neg(e) => e.walk(f),
            ExprKind::Binary { lhs, rhs, .. } => {
                lhs.walk(f);
                rhs.walk(f);
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|a| a.walk(f)),
        }
    }
}

/// Parses and evaluates `src` in one step.
pub fn eval_str<R: Resolve + ?Sized>(src: &str, r: &R) -> Result<Value, EvalError> {
    let e = parse(src).map_err(|p| EvalError {
        span: p.span,
        message: p.message,
    })?;
    e.eval(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_as_path() {
        let e = parse("min(a.b, 2 * c) + hardware.H100.tdp").unwrap();
        let p: Vec<_> = e.paths();
        assert_eq!(
            p,
            vec![("a.b", 4..7), ("c", 13..14), ("hardware.H100.tdp", 18..35)]
        );
        assert_eq!(
            parse(" srv.bottleneck ").unwrap().as_path(),
            Some("srv.bottleneck")
        );
        assert_eq!(parse("-x").unwrap().as_path(), None);
    }
}
