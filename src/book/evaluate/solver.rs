//! Running a solver for a directive (`solve=`, `let=... solve=`, `table="sweep"`): the directive's
//! other attributes become the solver's inputs, a solver error is located at the attribute at
//! fault, `show=` picks the output to print, and the solver's warnings become located warnings.
//!
//! Rules: kind and formatting attributes are never inputs; `-` in an attribute name reads as `_`
//! (`batch-size` is `batch_size`); a warning is shown at the directive's `<mlsysim`, once per
//! directive however many times its solver warned (a sweep runs it once per row); a solver runs once
//! per file for the same inputs (its result is shared by the directives that repeat them).

use super::{attrs, problem, tag_start, FileEval, Problem};
use crate::base::diag::Diagnostic;
use crate::base::text::{closest, did_you_mean};
use crate::calc::catalog::{self, SOLVERS};
use crate::calc::params::{Out, Param, Params, SolveError, SolveOutput};
use crate::syntax::Directive;
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// Solver results of one file, by solver and inputs: a solver is a pure function of the registry
/// and its inputs, so directives that repeat a solve (another `show=` of the same inputs, a sweep
/// over the same values) share its result.
pub(super) type Solved = FxHashMap<u64, Vec<(Box<str>, Params, Rc<SolveOutput>)>>;

/// The memo key of a solve: its solver and text inputs (other inputs are compared in full).
fn solve_key(solver: &str, params: &Params) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    solver.hash(&mut h);
    for (name, p) in params {
        name.hash(&mut h);
        if let Param::Text(t) = p {
            t.hash(&mut h);
        }
    }
    h.finish()
}

/// The solver inputs of a directive: every attribute but the kind and formatting ones and
/// `reserved`.
pub(super) fn params(d: &Directive, reserved: &[&str]) -> Params {
    let mut params = Params::new();
    for a in &d.attrs {
        let n = a.name.as_str();
        if reserved.contains(&n) || attrs::is_reserved(n) {
            continue;
        }
        params.insert(n.replace('-', "_"), Param::Text(a.value.clone()));
    }
    params
}

impl FileEval<'_> {
    /// Runs the solver of a `solve=` directive with the directive's other attributes as inputs.
    pub(super) fn run_solver(
        &self,
        d: &Directive,
        reserved: &[&str],
    ) -> Result<Rc<SolveOutput>, Problem> {
        let solve = d.attr("solve").expect("solve attribute");
        self.call_solver(d, &solve.value, &params(d, reserved))
    }

    /// Runs `solver` on `params` (once per file for the same inputs); an error is located at the
    /// attribute it is about.
    pub(super) fn call_solver(
        &self,
        d: &Directive,
        solver: &str,
        params: &Params,
    ) -> Result<Rc<SolveOutput>, Problem> {
        let key = solve_key(solver, params);
        if let Some(known) = self.solved.borrow().get(&key) {
            if let Some((_, _, out)) = known.iter().find(|(s, p, _)| &**s == solver && p == params)
            {
                return Ok(out.clone());
            }
        }
        // Every input problem the declaration can tell, at once; then the solver's own checks.
        let mut found = catalog::problems(self.reg, solver, params).into_iter();
        if let Some(first) = found.next() {
            let more: Vec<Problem> = found.map(|e| self.locate(d, solver, e)).collect();
            self.more_problems.borrow_mut().extend(more);
            return Err(self.locate(d, solver, first));
        }
        let out =
            Rc::new(catalog::run(self.reg, solver, params).map_err(|e| self.locate(d, solver, e))?);
        self.solved.borrow_mut().entry(key).or_default().push((
            solver.into(),
            params.clone(),
            out.clone(),
        ));
        Ok(out)
    }

    /// A solver error located at the attribute it is about.
    fn locate(&self, d: &Directive, solver: &str, e: SolveError) -> Problem {
        let solve = d.attr("solve").expect("solve attribute");
        {
            let by_name = |name: &str| d.attrs.iter().find(|a| a.name.replace('-', "_") == name);
            match &e {
                SolveError::UnknownSolver { .. } => Problem {
                    span: solve.value_span.clone(),
                    message: format!("unknown solver `{solver}`"),
                    help: Some(format!(
                        "solvers: {}{}",
                        SOLVERS.join(", "),
                        did_you_mean(&closest(solver, SOLVERS.into_iter()))
                    )),
                },
                SolveError::UnknownParam { name, valid, .. } => Problem {
                    span: by_name(name).map_or(solve.value_span.clone(), |a| a.name_span.clone()),
                    message: format!(
                        "solver `{solver}` has no input `{name}`{}",
                        did_you_mean(&closest(name, valid.iter().map(String::as_str)))
                    ),
                    help: Some(format!("inputs: {}", valid.join(", "))),
                },
                SolveError::UnknownKey { key, .. } => {
                    let at = d
                        .attrs
                        .iter()
                        .find(|a| &a.value == key)
                        .map_or(solve.value_span.clone(), |a| a.value_span.clone());
                    problem(at, e.to_string())
                }
                SolveError::Invalid { what, .. } => problem(
                    by_name(what).map_or(solve.value_span.clone(), |a| a.value_span.clone()),
                    e.to_string(),
                ),
            }
        }
    }

    /// The output `show=` names.
    pub(super) fn show<'o>(
        &self,
        d: &Directive,
        out: &'o SolveOutput,
    ) -> Result<(&'static str, &'o Out), Problem> {
        let Some(show) = d.attr("show") else {
            return Err(Problem {
                span: d.attr("solve").expect("solve").name_span.clone(),
                message: "a `solve` directive needs `show=` naming the output to print".into(),
                help: Some(format!("outputs: {}", out.names().join(", "))),
            });
        };
        out.outputs
            .iter()
            .find(|(n, _)| *n == show.value)
            .map(|(n, o)| (*n, o))
            .ok_or_else(|| Problem {
                span: show.value_span.clone(),
                message: format!(
                    "solver `{}` has no output `{}`{}",
                    out.lineage.solver,
                    show.value,
                    did_you_mean(&closest(&show.value, out.names().into_iter()))
                ),
                help: Some(format!("outputs: {}", out.names().join(", "))),
            })
    }

    /// Reports the warnings of a solver that ran for `d`, each once per directive.
    pub(super) fn warn(&mut self, d: &Directive, warnings: &[String]) {
        for w in warnings {
            let diag = Diagnostic::at(&self.file_arc, self.src, tag_start(d), w.clone()).warning();
            if !self.warnings.contains(&diag) {
                self.warnings.push(diag);
            }
        }
    }
}
