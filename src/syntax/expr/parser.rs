//! Recursive-descent parser from tokens to [`Expr`].

use super::lexer::{lex, Tok, Token};
use super::{BinOp, Expr, ExprKind, Func, ParseError};
use crate::base::units::table::atom;
use crate::base::units::{parse_number, parse_unit, Value};
use std::ops::Range;

/// Deepest expression tree accepted (a sum of 256 terms is 256 deep): far beyond any formula a
/// book writes, far below what the recursive evaluator can take on a 2 MB thread stack, even
/// unoptimised. Past it the parse stops with a located error.
pub const MAX_DEPTH: u32 = 256;

/// Deepest nesting of `(`, calls, signs and exponents accepted (each level is several frames of
/// the recursive-descent parser).
pub const MAX_NEST: u32 = 64;

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    pos: usize,
    /// Open recursions (parentheses, calls, signs, exponents) of the parse in progress.
    nest: u32,
    /// Tree depth of the expression returned last.
    depth: u32,
}

fn too_deep(span: Range<usize>) -> ParseError {
    err(
        span,
        format!(
            "the expression is nested too deeply (more than {MAX_NEST} levels of parentheses, \
             calls or signs, or {MAX_DEPTH} operators in a row): split it with `let`"
        ),
    )
}

/// Parses a whole expression.
pub(super) fn parse(src: &str) -> Result<Expr, ParseError> {
    let toks = lex(src)?;
    if toks.is_empty() {
        return Err(err(0..src.len(), "empty expression"));
    }
    let mut p = Parser {
        src,
        toks,
        pos: 0,
        nest: 0,
        depth: 0,
    };
    let e = p.sum()?;
    if let Some(t) = p.peek() {
        let what = &src[t.span.clone()];
        let msg = match t.tok {
            Tok::RParen => "unmatched `)`".to_string(),
            Tok::Num(_) | Tok::Ident(_) | Tok::LParen => {
                format!("expected an operator (+ - * / ^) before `{what}`")
            }
            _ => format!("unexpected `{what}`"),
        };
        return Err(err(t.span.clone(), msg));
    }
    Ok(e)
}

fn err(span: Range<usize>, msg: impl Into<String>) -> ParseError {
    ParseError {
        span,
        message: msg.into(),
    }
}

fn node(kind: ExprKind, span: Range<usize>) -> Expr {
    Expr { kind, span }
}

fn binary(op: BinOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.start..rhs.span.end;
    node(
        ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        span,
    )
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }

    fn peek_tok(&self) -> Option<&Tok> {
        self.peek().map(|t| &t.tok)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn end_span(&self) -> Range<usize> {
        self.src.len()..self.src.len()
    }

    /// Enters one level of recursion at `span`, or fails past [`MAX_NEST`].
    fn enter(&mut self, span: &Range<usize>) -> Result<(), ParseError> {
        self.nest += 1;
        if self.nest > MAX_NEST {
            return Err(too_deep(span.clone()));
        }
        Ok(())
    }

    /// Records the tree depth of a node made of children of depth `child`, or fails past
    /// [`MAX_DEPTH`].
    fn grow(&mut self, child: u32, span: &Range<usize>) -> Result<(), ParseError> {
        self.depth = child + 1;
        if self.depth > MAX_DEPTH {
            return Err(too_deep(span.clone()));
        }
        Ok(())
    }

    /// A binary node of `lhs` (tree depth `dl`) and `rhs` (the last depth).
    fn bin(&mut self, op: BinOp, lhs: Expr, dl: u32, rhs: Expr) -> Result<Expr, ParseError> {
        let e = binary(op, lhs, rhs);
        self.grow(dl.max(self.depth), &e.span)?;
        Ok(e)
    }

    fn sum(&mut self) -> Result<Expr, ParseError> {
        let mut lhs = self.product()?;
        loop {
            let op = match self.peek_tok() {
                Some(Tok::Plus) => BinOp::Add,
                Some(Tok::Minus) => BinOp::Sub,
                _ => return Ok(lhs),
            };
            let dl = self.depth;
            self.next();
            let rhs = self.product()?;
            lhs = self.bin(op, lhs, dl, rhs)?;
        }
    }

    fn product(&mut self) -> Result<Expr, ParseError> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek_tok() {
                Some(Tok::Star) => BinOp::Mul,
                Some(Tok::Slash) => BinOp::Div,
                _ => return Ok(lhs),
            };
            let dl = self.depth;
            self.next();
            let rhs = self.unary()?;
            lhs = self.bin(op, lhs, dl, rhs)?;
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        match self.peek_tok() {
            Some(Tok::Minus) => {
                let sign = self.next().map_or(0..0, |t| t.span);
                self.enter(&sign)?;
                let e = self.unary()?;
                self.nest -= 1;
                let span = sign.start..e.span.end;
                self.grow(self.depth, &span)?;
                Ok(node(ExprKind::Neg(Box::new(e)), span))
            }
            Some(Tok::Plus) => {
                let sign = self.next().map_or(0..0, |t| t.span);
                self.enter(&sign)?;
                let mut e = self.unary()?;
                self.nest -= 1;
                e.span.start = sign.start;
                Ok(e)
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> Result<Expr, ParseError> {
        let base = self.primary()?;
        if self.peek_tok() == Some(&Tok::Caret) {
            let db = self.depth;
            let caret = self.next().map_or(0..0, |t| t.span);
            self.enter(&caret)?;
            let exp = self.unary()?;
            self.nest -= 1;
            return self.bin(BinOp::Pow, base, db, exp);
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let Some(t) = self.next() else {
            return Err(err(
                self.end_span(),
                "the expression ends too early: expected a number, name or `(`",
            ));
        };
        match t.tok {
            Tok::Num(text) => {
                self.depth = 1;
                self.number(&text, t.span)
            }
            Tok::Ident(name) => {
                if self.peek_tok() == Some(&Tok::LParen) {
                    self.enter(&t.span)?;
                    let e = self.call(&name, t.span);
                    self.nest -= 1;
                    return e;
                }
                self.depth = 1;
                Ok(node(ExprKind::Path(name), t.span))
            }
            Tok::LParen => {
                self.enter(&t.span)?;
                let mut e = self.sum()?;
                self.nest -= 1;
                match self.next() {
                    Some(Token {
                        tok: Tok::RParen,
                        span,
                    }) => {
                        e.span = t.span.start..span.end;
                        Ok(e)
                    }
                    Some(other) => Err(err(other.span, "expected `)`")),
                    None => Err(err(t.span, "unclosed `(`")),
                }
            }
            _ => {
                let what = &self.src[t.span.clone()];
                Err(err(
                    t.span,
                    format!("expected a number, name or `(`, found `{what}`"),
                ))
            }
        }
    }

    fn call(&mut self, name: &str, name_span: Range<usize>) -> Result<Expr, ParseError> {
        let Some(func) = Func::from_name(name) else {
            let msg = format!(
                "unknown function `{name}`; the functions are {}",
                Func::NAMES
            );
            return Err(err(name_span, msg));
        };
        let open = self.next().map_or(name_span.end..name_span.end, |t| t.span);
        let mut args = Vec::new();
        let mut deepest = 0;
        let end = loop {
            if self.peek_tok() == Some(&Tok::RParen) && args.is_empty() {
                break self.next().map_or(0, |t| t.span.end);
            }
            args.push(self.sum()?);
            deepest = deepest.max(self.depth);
            match self.next() {
                Some(Token {
                    tok: Tok::Comma, ..
                }) => continue,
                Some(Token {
                    tok: Tok::RParen,
                    span,
                }) => break span.end,
                Some(other) => {
                    return Err(err(other.span, "expected `,` or `)` in the argument list"))
                }
                None => return Err(err(open, format!("unclosed `(` of `{name}`"))),
            }
        };
        let span = name_span.start..end;
        let n = args.len();
        let ok = match func {
            Func::Min | Func::Max => n >= 1,
            Func::Round => n == 1 || n == 2,
            _ => n == 1,
        };
        if !ok {
            let want = match func {
                Func::Min | Func::Max => "at least one argument",
                Func::Round => "one or two arguments (`round(x)`, `round(x, step)`)",
                _ => "one argument",
            };
            return Err(err(span, format!("`{name}` takes {want}, found {n}")));
        }
        self.grow(deepest, &span)?;
        Ok(node(ExprKind::Call { func, args }, span))
    }

    /// A number literal and the unit that may follow it.
    fn number(&mut self, text: &str, span: Range<usize>) -> Result<Expr, ParseError> {
        let x = parse_number(text).map_err(|e| err(span.clone(), e.to_string()))?;
        let Some(unit_span) = self.unit_after(span.end)? else {
            return Ok(node(
                ExprKind::Number {
                    value: Value::number(x),
                    unit: None,
                },
                span,
            ));
        };
        let unit = &self.src[unit_span.clone()];
        let u = parse_unit(unit).map_err(|e| err(unit_span.clone(), e.to_string()))?;
        // Divide by 1000 rather than multiply by 0.001: `95%` is exactly 0.95, `5 ms` 0.005.
        let inv = (1.0 / u.factor).round();
        let si = if u.factor < 1.0 && inv > 1.0 && (inv * u.factor - 1.0).abs() < 1e-12 {
            x / inv
        } else {
            x * u.factor
        };
        let value = Value::new(si, u.dim);
        Ok(node(
            ExprKind::Number {
                value,
                unit: Some(unit.to_string()),
            },
            span.start..unit_span.end,
        ))
    }

    /// Consumes a unit after a number: `atom (^int)? (/atom (^int)?)*`, `/` and `^` tight.
    fn unit_after(&mut self, num_end: usize) -> Result<Option<Range<usize>>, ParseError> {
        let first = match self.peek() {
            Some(Token {
                tok: Tok::Percent,
                span,
            }) => {
                let s = span.clone();
                self.next();
                return Ok(Some(s));
            }
            Some(Token {
                tok: Tok::Ident(name),
                span,
            }) => {
                if name.contains('.') || atom(name).is_none() {
                    let num = &self.src[..num_end];
                    let num = num[num
                        .rfind(|c: char| c.is_whitespace() || "+-*/^(,".contains(c))
                        .map_or(0, |k| k + 1)..]
                        .to_string();
                    let msg =
                        format!("`{name}` is not a unit; to multiply, write `{num} * {name}`");
                    return Err(err(span.clone(), msg));
                }
                span.clone()
            }
            // `1000 1/s`: a reciprocal unit after a number, written tight (`1/s`, `1/h`).
            Some(Token {
                tok: Tok::Num(one),
                span,
            }) if one == "1" && span.start > num_end => {
                let (Some(slash), Some(next)) =
                    (self.toks.get(self.pos + 1), self.toks.get(self.pos + 2))
                else {
                    return Ok(None);
                };
                let tight = slash.tok == Tok::Slash
                    && slash.span.start == span.end
                    && next.span.start == slash.span.end;
                if !tight
                    || !matches!(&next.tok, Tok::Ident(n) if !n.contains('.') && atom(n).is_some())
                {
                    return Ok(None);
                }
                span.clone()
            }
            _ => return Ok(None),
        };
        self.next();
        let mut end = first.end;
        loop {
            end = self.unit_exponent(end);
            let (Some(slash), Some(next)) = (self.toks.get(self.pos), self.toks.get(self.pos + 1))
            else {
                break;
            };
            let tight = slash.tok == Tok::Slash
                && slash.span.start == end
                && next.span.start == slash.span.end;
            match &next.tok {
                Tok::Ident(n) if tight && !n.contains('.') && atom(n).is_some() => {
                    end = next.span.end;
                    self.pos += 2;
                }
                _ => break,
            }
        }
        Ok(Some(first.start..end))
    }

    /// Consumes a tight `^int` / `^-int` after a unit atom ending at `end`.
    fn unit_exponent(&mut self, end: usize) -> usize {
        let t = |k: usize| self.toks.get(self.pos + k);
        let Some(caret) = t(0).filter(|c| c.tok == Tok::Caret && c.span.start == end) else {
            return end;
        };
        let mut k = 1;
        let mut at = caret.span.end;
        if let Some(m) = t(1).filter(|m| m.tok == Tok::Minus && m.span.start == at) {
            at = m.span.end;
            k = 2;
        }
        match t(k) {
            Some(Token {
                tok: Tok::Num(n),
                span,
            }) if span.start == at && n.bytes().all(|b| b.is_ascii_digit()) => {
                let e = span.end;
                self.pos += k + 1;
                e
            }
            _ => end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;
    use crate::base::units::Dim;

    /// A compact rendering of the tree: `(+ a (* 2 b))`, numbers as `si[dim]`.
    fn sexp(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Number { value, unit } => match unit {
                Some(u) => format!("{}{{{u}}}", value.si),
                None => format!("{}", value.si),
            },
            ExprKind::Path(p) => p.clone(),
            ExprKind::Neg(x) => format!("(neg {})", sexp(x)),
            ExprKind::Binary { op, lhs, rhs } => {
                let o = match op {
                    BinOp::Add => "+",
                    BinOp::Sub => "-",
                    BinOp::Mul => "*",
                    BinOp::Div => "/",
                    BinOp::Pow => "^",
                };
                format!("({o} {} {})", sexp(lhs), sexp(rhs))
            }
            ExprKind::Call { func, args } => {
                let a: Vec<String> = args.iter().map(sexp).collect();
                format!("({} {})", func.name(), a.join(" "))
            }
        }
    }

    fn p(s: &str) -> String {
        sexp(&parse(s).unwrap_or_else(|e| panic!("{s}: {e}")))
    }

    fn perr(s: &str) -> (Range<usize>, String) {
        let e = parse(s).unwrap_err();
        (e.span, e.message)
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(p("1 + 2 * 3"), "(+ 1 (* 2 3))");
        assert_eq!(p("(1 + 2) * 3"), "(* (+ 1 2) 3)");
        assert_eq!(p("8 / 4 / 2"), "(/ (/ 8 4) 2)");
        assert_eq!(p("1 - 2 - 3"), "(- (- 1 2) 3)");
        assert_eq!(p("2 ^ 3 ^ 2"), "(^ 2 (^ 3 2))");
        assert_eq!(p("-2^2"), "(neg (^ 2 2))");
        assert_eq!(p("2^-1"), "(^ 2 (neg 1))");
        assert_eq!(p("- -x"), "(neg (neg x))");
        assert_eq!(p("+x"), "x");
        assert_eq!(p("a * -b"), "(* a (neg b))");
    }

    #[test]
    fn numbers_with_units() {
        assert_eq!(p("7e9 param"), "7000000000{param}");
        assert_eq!(p("1000 1/s"), "1000{1/s}");
        assert_eq!(p("(2 * 3) * 1000 1/s"), p("(2 * 3) * (1000 1/s)"));
        assert_eq!(p("16 byte"), "16{byte}");
        assert_eq!(
            p("100 km/h"),
            format!("{}{{km/h}}", 100.0 * 1000.0 / 3600.0)
        );
        assert_eq!(p("0.95"), "0.95");
        assert_eq!(p("3.35 TB/s"), "3350000000000{TB/s}");
        assert_eq!(p("95%"), "0.95{%}");
        assert_eq!(p("2 m^3"), "2{m^3}");
        assert_eq!(p("5 μs"), "0.000005{μs}");
        assert_eq!(p("5 ms"), "0.005{ms}");
        // Spaced `/` is division, `*` is never part of a unit.
        assert_eq!(p("16 byte / s"), "(/ 16{byte} s)");
        assert_eq!(p("2 * x"), "(* 2 x)");
        assert_eq!(p("2*x"), "(* 2 x)");
        assert_eq!(p("3 W*h"), "(* 3{W} h)");
        assert_eq!(p("(3 m)^2"), "(^ 3{m} 2)");
        assert_eq!(p("2 s ^ 2"), "(^ 2{s} 2)");
        let e = parse("3.35 TB/s").unwrap();
        match e.kind {
            ExprKind::Number { value, .. } => assert_eq!(value.dim, Dim::BANDWIDTH),
            _ => panic!(),
        }
        assert_eq!(e.span, 0..9);
    }

    #[test]
    fn paths_functions_and_spans() {
        assert_eq!(
            p("hardware.H100.compute.peak_flops / hardware.H100.memory.bandwidth"),
            "(/ hardware.H100.compute.peak_flops hardware.H100.memory.bandwidth)"
        );
        assert_eq!(p("min(a, b, 3)"), "(min a b 3)");
        assert_eq!(p("max(srv.ttft)"), "(max srv.ttft)");
        assert_eq!(
            p("sqrt(x) + ln(2) * exp(1) - floor(y) + ceil(z)"),
            "(+ (- (+ (sqrt x) (* (ln 2) (exp 1))) (floor y)) (ceil z))"
        );
        let e = parse(" (a + b) * 2").unwrap();
        assert_eq!(e.span, 1..12);
        let ExprKind::Binary { lhs, rhs, .. } = &e.kind else {
            panic!()
        };
        assert_eq!((lhs.span.clone(), rhs.span.clone()), (1..8, 11..12));
        let e = parse("-min(a, 2)").unwrap();
        assert_eq!(e.span, 0..10);
    }

    #[test]
    fn errors() {
        assert_eq!(perr(""), (0..0, "empty expression".into()));
        assert_eq!(perr("   "), (0..3, "empty expression".into()));
        assert_eq!(
            perr("2 x"),
            (2..3, "`x` is not a unit; to multiply, write `2 * x`".into())
        );
        assert_eq!(
            perr("(a + 7e9 hardware.H100.tdp)"),
            (
                9..26,
                "`hardware.H100.tdp` is not a unit; to multiply, write `7e9 * hardware.H100.tdp`"
                    .into()
            )
        );
        assert_eq!(
            perr("a b"),
            (2..3, "expected an operator (+ - * / ^) before `b`".into())
        );
        assert_eq!(perr("a )"), (2..3, "unmatched `)`".into()));
        assert_eq!(perr("(a + b"), (0..1, "unclosed `(`".into()));
        assert_eq!(
            perr("a +"),
            (
                3..3,
                "the expression ends too early: expected a number, name or `(`".into()
            )
        );
        assert_eq!(
            perr("a + * b"),
            (4..5, "expected a number, name or `(`, found `*`".into())
        );
        assert_eq!(
            perr("foo(1)"),
            (
                0..3,
                "unknown function `foo`; the functions are min, max, sqrt, exp, ln, log2, log10, floor, ceil, round, abs"
                    .into()
            )
        );
        assert_eq!(
            perr("sqrt(1, 2)"),
            (0..10, "`sqrt` takes one argument, found 2".into())
        );
        assert_eq!(
            perr("min()"),
            (0..5, "`min` takes at least one argument, found 0".into())
        );
        assert_eq!(
            perr("max(1 2)"),
            (6..7, "expected `,` or `)` in the argument list".into())
        );
        assert_eq!(perr("min(1"), (3..4, "unclosed `(` of `min`".into()));
        assert_eq!(perr("2 $").0, 2..3);
    }

    fn no_names(p: &str, _: Range<usize>) -> Result<Value, super::super::EvalError> {
        unreachable!("{p}")
    }

    /// Inputs that once overflowed the stack: each is a located "nested too deeply" error, and
    /// the same shapes within the limit parse.
    #[test]
    fn deep_nesting_is_a_located_error_not_a_stack_overflow() {
        let deep = |e: &str| {
            let err = parse(e).expect_err("too deep");
            assert!(err.message.contains("nested too deeply"), "{}", err.message);
            assert!(err.span.end <= e.len() && err.span.start < err.span.end.max(1));
        };
        deep(&format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000)));
        deep(&format!("{}1", "-".repeat(30_000)));
        deep(&format!("{}1", "+".repeat(30_000)));
        deep(&vec!["1"; 50_000].join(" + "));
        deep(&vec!["2"; 50_000].join(" * "));
        deep(&vec!["2"; 50_000].join("^"));
        deep(&format!("{}1{}", "min(".repeat(5_000), ")".repeat(5_000)));
        let n = MAX_NEST as usize;
        let nested = format!("{}1{}", "(".repeat(n), ")".repeat(n));
        assert!(parse(&nested).is_ok());
        assert!(parse(&format!("{}1", "-".repeat(n))).is_ok());
        let sum = vec!["1"; MAX_DEPTH as usize].join(" + ");
        let v = parse(&sum).unwrap().eval(&no_names).unwrap();
        assert_eq!(v.si, 256.0);
        // Within both limits the evaluator's recursion fits an unoptimised 2 MB thread.
        let deep = format!("{}1{}", "-(".repeat(n / 2), ")".repeat(n / 2));
        let e = parse(&deep).unwrap();
        let v = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || e.eval(&no_names).unwrap().si)
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(v, 1.0);
    }
}
