//! Names in expressions: what `value="..."` reads. A name is a `let` binding of the file (a value,
//! or a solver result whose outputs are its members) or a registry path.
//!
//! Rules: `let` bindings come first, then registry namespaces; a name bound later in the file is an
//! error naming the line of its `let`; a solver result is read through one of its outputs
//! (`srv.ttft`), and reading one brings the result's lineage and warnings along; each distinct
//! registry path is resolved once per file.

use super::lineage::Lineage;
use super::{paths, problem, FileEval, Problem};
use crate::base::text::{closest, did_you_mean};
use crate::base::units::Value;
use crate::calc::params::{Out, SolveOutput};
use crate::syntax::expr::{self, EvalError};
use std::cell::RefCell;
use std::ops::Range;

/// Everything a `let` can bind.
#[derive(Clone, Debug)]
pub(super) enum Binding {
    Value { value: Value, lineage: Lineage },
    Solve(std::rc::Rc<SolveOutput>),
}

impl FileEval<'_> {
    /// Resolves names in an expression: `let` bindings (and their members), then registry paths.
    fn resolve(
        &self,
        path: &str,
        span: Range<usize>,
        lineage: &RefCell<Lineage>,
    ) -> Result<Value, EvalError> {
        let (head, rest) = path
            .split_once('.')
            .map_or((path, None), |(h, r)| (h, Some(r)));
        if let Some((binding, _)) = self.lets.get(head) {
            return match (binding, rest) {
                (Binding::Value { value, lineage: l }, None) => {
                    lineage.borrow_mut().absorb(l);
                    Ok(*value)
                }
                (Binding::Value { .. }, Some(_)) => Err(EvalError::new(
                    span,
                    format!(
                        "`{head}` is a value; it has no member `{}`",
                        rest.unwrap_or("")
                    ),
                )),
                (Binding::Solve(out), Some(member)) => match out.get(member) {
                    Some(Out::Value(v)) => {
                        let l = &out.lineage;
                        lineage.borrow_mut().absorb_parts(
                            &l.leaves,
                            &l.formulas,
                            &l.inputs,
                            &out.warnings,
                        );
                        Ok(*v)
                    }
                    Some(Out::Missing) => Err(EvalError::new(
                        span,
                        format!("`{path}` is not applicable for this input"),
                    )),
                    Some(_) => Err(EvalError::new(
                        span,
                        format!("`{path}` is text, not a number"),
                    )),
                    None => Err(EvalError::new(
                        span,
                        format!(
                            "`{head}` has no output `{member}`{}",
                            did_you_mean(&closest(member, out.names().into_iter()))
                        ),
                    )),
                },
                (Binding::Solve(out), None) => Err(EvalError::new(
                    span,
                    format!(
                        "`{head}` is a whole {} result: name an output, e.g. `{head}.{}`",
                        out.lineage.solver,
                        out.names().first().unwrap_or(&"")
                    ),
                )),
            };
        }
        if let Some(line) = self.declared.get(head) {
            return Err(EvalError::new(
                span,
                format!("`{head}` is used before it is bound (its `let` is on line {line})"),
            ));
        }
        if paths::is_namespace(head) {
            return self
                .resolve_path(path, |r| {
                    lineage.borrow_mut().add_leaves(&r.leaves);
                    r.value
                })
                .map_err(|m| EvalError::new(span, m));
        }
        Err(EvalError::new(span, self.unknown_name(head)))
    }

    /// The message for a name that is neither a `let` nor a namespace, with the closest names.
    /// Kept per name and number of `let`s (they only grow), so a file repeating one unknown name
    /// computes its hint once, not once per use.
    fn unknown_name(&self, head: &str) -> String {
        let key = (Box::<str>::from(head), self.lets.len());
        if let Some(m) = self.unknown.borrow().get(&key) {
            return m.clone();
        }
        let mut names: Vec<&str> = self.lets.keys().map(String::as_str).collect();
        names.extend(crate::registry::schema::NAMESPACES.iter().map(|n| n.name));
        let message = format!(
            "unknown name `{head}`: neither a `let` of this file nor a registry namespace{}",
            did_you_mean(&closest(head, names.into_iter()))
        );
        self.unknown.borrow_mut().insert(key, message.clone());
        message
    }

    /// Resolves a registry path (each distinct path once per file) and reads the result.
    pub(super) fn resolve_path<T>(
        &self,
        path: &str,
        read: impl FnOnce(&paths::Resolved) -> T,
    ) -> Result<T, String> {
        if let Some(r) = self.resolved.borrow().get(path) {
            return r.as_ref().map(read).map_err(Clone::clone);
        }
        // Failures are kept too: a path misspelled on every line is looked up (and its closest
        // names computed) once.
        let r = paths::resolve(self.reg, path);
        let out = r.as_ref().map(read).map_err(Clone::clone);
        self.resolved.borrow_mut().insert(path.into(), r);
        out
    }

    /// Evaluates an expression over the fields of one registry entry (a table column such as
    /// `compute.peak_flops / memory.bandwidth`): a name that is neither a `let` nor a namespace is
    /// a field of the entry at `prefix`. Problems are located inside the text at `at`.
    pub(super) fn eval_in_entry(
        &self,
        text: &str,
        at: usize,
        prefix: &str,
    ) -> Result<(Value, Lineage), Problem> {
        let span = |r: Range<usize>| (at + r.start)..(at + r.end.max(r.start + 1));
        let e = expr::parse(text).map_err(|e| problem(span(e.span), e.message))?;
        let lineage = RefCell::new(Lineage::default());
        let v = e
            .eval(&|p: &str, s: Range<usize>| {
                let head = p.split('.').next().unwrap_or(p);
                if self.lets.contains_key(head)
                    || self.declared.contains_key(head)
                    || paths::is_namespace(head)
                {
                    return self.resolve(p, s, &lineage);
                }
                self.resolve_path(&format!("{prefix}.{p}"), |r| {
                    lineage.borrow_mut().add_leaves(&r.leaves);
                    r.value
                })
                .map_err(|m| EvalError::new(s, m))
            })
            .map_err(|e| problem(span(e.span), e.message))?;
        Ok((v, lineage.into_inner()))
    }

    /// Evaluates the expression of an attribute; problems are located inside its value.
    pub(super) fn eval_expr(
        &self,
        attr: &crate::syntax::Attr,
    ) -> Result<(Value, Lineage), Problem> {
        let at = |r: Range<usize>| {
            (attr.value_span.start + r.start)..(attr.value_span.start + r.end.max(r.start + 1))
        };
        let e = expr::parse(&attr.value).map_err(|e| problem(at(e.span), e.message))?;
        let lineage = RefCell::new(Lineage::default());
        let v = e
            .eval(&|p: &str, s: Range<usize>| self.resolve(p, s, &lineage))
            .map_err(|e| problem(at(e.span), e.message))?;
        Ok((v, lineage.into_inner()))
    }
}
