//! Evaluation of expressions with run-time dimension checks.

use super::{BinOp, EvalError, Expr, ExprKind, Func};
use crate::base::units::{Dim, Value};
use std::ops::Range;

/// Supplies the values of registry paths and `let` names.
pub trait Resolve {
    /// The value of `path` (`hardware.H100.tdp`, `srv.ttft`, `ridge`); `span` locates it in the
    /// expression for the error (unknown name, with suggestions).
    fn resolve(&self, path: &str, span: Range<usize>) -> Result<Value, EvalError>;
}

impl<F> Resolve for F
where
    F: Fn(&str, Range<usize>) -> Result<Value, EvalError>,
{
    fn resolve(&self, path: &str, span: Range<usize>) -> Result<Value, EvalError> {
        self(path, span)
    }
}

/// Multiplies dimensions, failing instead of overflowing the `i8` exponents.
fn dim_mul(a: Dim, b: Dim, k: i32) -> Option<Dim> {
    let mut out = [0i8; 7];
    for (o, (x, y)) in out.iter_mut().zip(a.0.iter().zip(b.0.iter())) {
        *o = i8::try_from(i32::from(*x) + k * i32::from(*y)).ok()?;
    }
    Some(Dim(out))
}

fn dim_pow(a: Dim, n: i64) -> Option<Dim> {
    let mut out = [0i8; 7];
    for (o, x) in out.iter_mut().zip(a.0.iter()) {
        *o = i8::try_from(i64::from(*x).checked_mul(n)?).ok()?;
    }
    Some(Dim(out))
}

fn finite(v: Value, span: &Range<usize>) -> Result<Value, EvalError> {
    if v.si.is_finite() {
        Ok(v)
    } else {
        Err(EvalError::new(
            span.clone(),
            "the result is not a finite number (overflow)",
        ))
    }
}

/// Evaluates `e`.
pub(super) fn eval<R: Resolve + ?Sized>(e: &Expr, r: &R) -> Result<Value, EvalError> {
    let span = &e.span;
    let v = match &e.kind {
        ExprKind::Number { value, .. } => *value,
        ExprKind::Path(p) => {
            let v = r.resolve(p, span.clone())?;
            if !v.si.is_finite() {
                return Err(EvalError::new(
                    span.clone(),
                    format!("`{p}` is not a finite number"),
                ));
            }
            v
        }
        ExprKind::Neg(x) => {
            let v = eval(x, r)?;
            Value::new(-v.si, v.dim)
        }
        ExprKind::Binary { op, lhs, rhs } => {
            let a = eval(lhs, r)?;
            let b = eval(rhs, r)?;
            binary(*op, a, b, span, &rhs.span)?
        }
        ExprKind::Call { func, args } => {
            let vals = args
                .iter()
                .map(|a| eval(a, r))
                .collect::<Result<Vec<_>, _>>()?;
            call(*func, &vals, args, span)?
        }
    };
    finite(v, span)
}

fn binary(
    op: BinOp,
    a: Value,
    b: Value,
    span: &Range<usize>,
    rhs_span: &Range<usize>,
) -> Result<Value, EvalError> {
    let overflow = || EvalError::new(span.clone(), "dimension exponents overflow");
    Ok(match op {
        BinOp::Add | BinOp::Sub => {
            if a.dim != b.dim {
                let msg = if op == BinOp::Add {
                    format!("cannot add {} and {}", a.dim.name(), b.dim.name())
                } else {
                    format!("cannot subtract {} from {}", b.dim.name(), a.dim.name())
                };
                return Err(EvalError::new(span.clone(), msg));
            }
            let s = if op == BinOp::Add {
                a.si + b.si
            } else {
                a.si - b.si
            };
            Value::new(s, a.dim)
        }
        BinOp::Mul => Value::new(a.si * b.si, dim_mul(a.dim, b.dim, 1).ok_or_else(overflow)?),
        BinOp::Div => {
            if b.si == 0.0 {
                return Err(EvalError::new(rhs_span.clone(), "division by zero"));
            }
            Value::new(a.si / b.si, dim_mul(a.dim, b.dim, -1).ok_or_else(overflow)?)
        }
        BinOp::Pow => {
            if !b.dim.is_none() {
                let msg = format!(
                    "an exponent must be dimensionless, but it is {}",
                    b.dim.name()
                );
                return Err(EvalError::new(rhs_span.clone(), msg));
            }
            if a.dim.is_none() {
                Value::number(a.si.powf(b.si))
            } else {
                if b.si.fract() != 0.0 || b.si.abs() > 127.0 {
                    let msg = format!(
                        "a {} value can only be raised to a whole power, not {}; use sqrt() for square roots",
                        a.dim.name(),
                        b.si
                    );
                    return Err(EvalError::new(rhs_span.clone(), msg));
                }
                let n = b.si as i64;
                Value::new(a.si.powi(n as i32), dim_pow(a.dim, n).ok_or_else(overflow)?)
            }
        }
    })
}

fn call(
    func: Func,
    vals: &[Value],
    args: &[Expr],
    span: &Range<usize>,
) -> Result<Value, EvalError> {
    let name = func.name();
    let dimensionless = |v: Value, arg: &Expr, hint: &str| {
        if v.dim.is_none() {
            Ok(v.si)
        } else {
            let msg = format!(
                "`{name}` needs a dimensionless argument, but it is {}{hint}",
                v.dim.name()
            );
            Err(EvalError::new(arg.span.clone(), msg))
        }
    };
    Ok(match func {
        Func::Min | Func::Max => {
            let first = vals[0];
            let mut best = first.si;
            for (v, a) in vals.iter().zip(args).skip(1) {
                if v.dim != first.dim {
                    let msg = format!(
                        "`{name}` cannot compare {} with {}",
                        first.dim.name(),
                        v.dim.name()
                    );
                    return Err(EvalError::new(a.span.clone(), msg));
                }
                best = if func == Func::Min {
                    best.min(v.si)
                } else {
                    best.max(v.si)
                };
            }
            Value::new(best, first.dim)
        }
        Func::Sqrt => {
            let v = vals[0];
            if v.dim.0.iter().any(|e| e % 2 != 0) {
                let msg = format!(
                    "`sqrt` of {} has no unit: its dimension exponents are not all even",
                    v.dim.name()
                );
                return Err(EvalError::new(args[0].span.clone(), msg));
            }
            if v.si < 0.0 {
                return Err(EvalError::new(
                    args[0].span.clone(),
                    "`sqrt` of a negative number",
                ));
            }
            Value::new(v.si.sqrt(), Dim(v.dim.0.map(|e| e / 2)))
        }
        Func::Exp => Value::number(dimensionless(vals[0], &args[0], "")?.exp()),
        Func::Ln | Func::Log2 | Func::Log10 => {
            let x = dimensionless(vals[0], &args[0], "")?;
            if x <= 0.0 {
                return Err(EvalError::new(
                    args[0].span.clone(),
                    format!("`{name}` needs a positive number, not {x}"),
                ));
            }
            Value::number(match func {
                Func::Ln => x.ln(),
                Func::Log2 => x.log2(),
                _ => x.log10(),
            })
        }
        Func::Abs => Value::new(vals[0].si.abs(), vals[0].dim),
        Func::Round if vals.len() == 1 => {
            let hint = "; divide it by the unit to round in first, as in `round(t / (1 ms))`, or give a step: `round(t, 1 ms)`";
            Value::number(dimensionless(vals[0], &args[0], hint)?.round())
        }
        Func::Round => {
            let (x, step) = (vals[0], vals[1]);
            if step.dim != x.dim {
                let msg = format!(
                    "`round(x, step)`: the step is {} but x is {}; give the step in x's unit",
                    step.dim.name(),
                    x.dim.name()
                );
                return Err(EvalError::new(args[1].span.clone(), msg));
            }
            if step.si.is_nan() || step.si <= 0.0 {
                return Err(EvalError::new(
                    args[1].span.clone(),
                    "`round(x, step)` needs a positive step",
                ));
            }
            // Round the quotient as printed (15 significant digits), so 0.15 / 0.05 is 3, not
            // 2.9999999999999996.
            let q: f64 = format!("{:.14e}", x.si / step.si).parse().unwrap_or(x.si / step.si);
            Value::new(q.round() * step.si, x.dim)
        }
        Func::Floor | Func::Ceil => {
            let hint = "; divide it by the unit to round in first, as in `floor(t / (1 ms))`";
            let x = dimensionless(vals[0], &args[0], hint)?;
            Value::number(if func == Func::Floor {
                x.floor()
            } else {
                x.ceil()
            })
        }
    })
    .and_then(|v| finite(v, span))
}

#[cfg(test)]
mod tests {
    use super::super::{eval_str, parse};
    use super::*;
    use crate::base::units::parse_quantity;

    /// A resolver with a few registry-like entries.
    fn reg(path: &str, span: Range<usize>) -> Result<Value, EvalError> {
        let q = |s: &str| parse_quantity(s).unwrap();
        Ok(match path {
            "hardware.H100.compute.peak_flops" => q("989 TFLOP/s"),
            "hardware.H100.memory.bandwidth" => q("3.35 TB/s"),
            "hardware.H100.tdp" => q("700 W"),
            "srv.ttft" => q("71 ms"),
            "ridge" => q("295.2 FLOP/byte"),
            "models.Llama3_70B.parameters" => q("70e9 param"),
            "n" => Value::number(4.0),
            "bad" => Value::number(f64::NAN),
            _ => return Err(EvalError::new(span, format!("unknown name `{path}`"))),
        })
    }

    fn ev(s: &str) -> Value {
        eval_str(s, &reg).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn everr(s: &str) -> (Range<usize>, String) {
        let e = eval_str(s, &reg).unwrap_err();
        (e.span, e.message)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1e-300)
    }

    #[test]
    fn rounding_and_logarithm_functions() {
        assert_eq!(ev("round(2.5)").si, 3.0);
        assert_eq!(ev("round(-2.5)").si, -3.0);
        assert_eq!(ev("round(312345, 100000)").si, 300_000.0);
        assert!(close(ev("round(0.15, 0.05)").si, 0.15));
        let t = ev("round(71.4 ms, 5 ms)");
        assert!(close(t.si, 0.070) && t.dim == parse_quantity("1 s").unwrap().dim);
        assert_eq!(ev("abs(-3 W)").si, 3.0);
        assert_eq!(ev("log2(1024)").si, 10.0);
        assert_eq!(ev("log10(1e6)").si, 6.0);
        assert_eq!(
            everr("round(1 s)").1,
            "`round` needs a dimensionless argument, but it is time; divide it by the unit to round in first, as in `round(t / (1 ms))`, or give a step: `round(t, 1 ms)`"
        );
        assert_eq!(
            everr("round(1 s, 2 W)"),
            (
                11..14,
                "`round(x, step)`: the step is power but x is time; give the step in x's unit"
                    .into()
            )
        );
        assert_eq!(
            everr("round(1, 0)").1,
            "`round(x, step)` needs a positive step"
        );
        assert_eq!(
            everr("log10(0)").1,
            "`log10` needs a positive number, not 0"
        );
        assert_eq!(
            everr("log2(8 B)").1,
            "`log2` needs a dimensionless argument, but it is information (bytes)"
        );
        assert!(everr("round(1, 2, 3)").1.contains("one or two arguments"));
    }

    #[test]
    fn registry_arithmetic() {
        let v = ev("hardware.H100.compute.peak_flops / hardware.H100.memory.bandwidth");
        assert_eq!(v.dim, Dim::ARITHMETIC_INTENSITY);
        assert!(close(v.si, 989.0 / 3.35));
        let v = ev("models.Llama3_70B.parameters * 2 byte");
        assert_eq!(v.dim, Dim::INFORMATION);
        assert!(close(v.si, 140e9));
        let v = ev("srv.ttft * 2 + 10 ms");
        assert!(close(v.si, 0.152));
        assert_eq!(ev("ridge * 2").dim, Dim::ARITHMETIC_INTENSITY);
        let v = ev("100 km/h * 2 h");
        assert_eq!(v.dim, Dim::LENGTH);
        assert!(close(v.si, 200_000.0));
        assert!(close(ev("0.95").si, 0.95));
        assert!(close(ev("95%").si, 0.95));
        assert!(close(ev("-2^2").si, -4.0));
        assert!(close(ev("2^-1").si, 0.5));
        assert!(close(ev("2^3^2").si, 512.0));
        assert!(close(ev("2^0.5").si, 2f64.sqrt()));
    }

    #[test]
    fn functions() {
        assert_eq!(
            ev("min(3 ms, srv.ttft, 1 s)"),
            parse_quantity("3 ms").unwrap()
        );
        assert!(close(ev("max(srv.ttft, 1 s)").si, 1.0));
        let v = ev("sqrt(4 m^2)");
        assert_eq!(v.dim, Dim::LENGTH);
        assert!(close(v.si, 2.0));
        assert!(close(ev("exp(ln(n))").si, 4.0));
        assert!(close(ev("floor(srv.ttft / (1 ms) / 2)").si, 35.0));
        assert!(close(ev("ceil(7 / 2)").si, 4.0));
        assert!(close(ev("min(n)").si, 4.0));
        let v = ev("(hardware.H100.tdp)^2");
        assert_eq!(v.dim, Dim::POWER.powi(2));
        assert!(close(v.si, 490_000.0));
        assert_eq!(ev("hardware.H100.tdp ^ (n - 4)").dim, Dim::NONE);
    }

    #[test]
    fn dimension_errors_name_both() {
        let s = "hardware.H100.tdp + hardware.H100.memory.bandwidth";
        assert_eq!(
            everr(s),
            (
                0..s.len(),
                "cannot add power and bandwidth (bytes/s)".into()
            )
        );
        assert_eq!(
            everr("1 s - 1 W"),
            (0..9, "cannot subtract power from time".into())
        );
        assert_eq!(
            everr("min(1 s, 1 byte)"),
            (
                9..15,
                "`min` cannot compare time with information (bytes)".into()
            )
        );
        assert_eq!(
            everr("2 ^ (1 s)"),
            (
                4..9,
                "an exponent must be dimensionless, but it is time".into()
            )
        );
        assert_eq!(
            everr("(1 s)^0.5"),
            (6..9, "a time value can only be raised to a whole power, not 0.5; use sqrt() for square roots".into())
        );
        assert_eq!(
            everr("sqrt(1 s)"),
            (
                5..8,
                "`sqrt` of time has no unit: its dimension exponents are not all even".into()
            )
        );
        assert_eq!(
            everr("exp(1 W)"),
            (
                4..7,
                "`exp` needs a dimensionless argument, but it is power".into()
            )
        );
        assert_eq!(
            everr("floor(srv.ttft)"),
            (
                6..14,
                "`floor` needs a dimensionless argument, but it is time; divide it by the unit to round in first, as in `floor(t / (1 ms))`".into()
            )
        );
        assert!(everr("ceil(1 W)")
            .1
            .starts_with("`ceil` needs a dimensionless argument"));
    }

    #[test]
    fn domain_and_name_errors() {
        assert_eq!(everr("1 / (n - 4)"), (4..11, "division by zero".into()));
        assert_eq!(
            everr("ln(0)"),
            (3..4, "`ln` needs a positive number, not 0".into())
        );
        assert_eq!(
            everr("sqrt(-4)"),
            (5..7, "`sqrt` of a negative number".into())
        );
        assert_eq!(
            everr("exp(1000)"),
            (0..9, "the result is not a finite number (overflow)".into())
        );
        assert_eq!(everr("2 * nope.x"), (4..10, "unknown name `nope.x`".into()));
        assert_eq!(
            everr("bad + 1"),
            (0..3, "`bad` is not a finite number".into())
        );
        assert_eq!(
            everr("(1 s)^100 * (1 s)^100"),
            (0..21, "dimension exponents overflow".into())
        );
        // Parse errors come through eval_str with their span.
        assert_eq!(everr("2 x").0, 2..3);
    }

    #[test]
    fn closure_and_struct_resolvers() {
        struct Fixed;
        impl Resolve for Fixed {
            fn resolve(&self, _: &str, _: Range<usize>) -> Result<Value, EvalError> {
                Ok(Value::number(2.0))
            }
        }
        let e = parse("a * b + 1").unwrap();
        assert!(close(e.eval(&Fixed).unwrap().si, 5.0));
        let dynr: &dyn Resolve = &Fixed;
        assert!(close(e.eval(dynr).unwrap().si, 5.0));
    }
}
