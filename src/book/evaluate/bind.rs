//! `let="name"` with `value="expression"` or `solve="solver"`: binds a name for the directives after
//! it in the same file, and prints nothing (a `let` alone on its line is removed with its line).
//!
//! Rules: a name is letters, digits and `_`, not starting with a digit; it cannot be a registry
//! namespace; it is bound once per file; a value `let` takes only `let` and `value`; a solver `let`
//! binds the whole result (read as `name.output`), and its solver's warnings are shown here.

use super::names::Binding;
use super::{attrs, paths, problem, FileEval, Problem};
use crate::syntax::Directive;
use std::ops::Range;

impl FileEval<'_> {
    /// Evaluates a `let=` directive and binds its name.
    pub(super) fn bind(&mut self, d: &Directive) -> Result<(Range<usize>, String), Problem> {
        let name_attr = d.attr("let").expect("let");
        let name = name_attr.value.trim().to_string();
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(problem(
                name_attr.value_span.clone(),
                format!("`{name}` is not a valid name: use letters, digits and `_`"),
            ));
        }
        if paths::is_namespace(&name) {
            return Err(problem(
                name_attr.value_span.clone(),
                format!("`{name}` is a registry namespace; choose another name"),
            ));
        }
        if let Some((_, line)) = self.lets.get(&name) {
            return Err(problem(
                name_attr.value_span.clone(),
                format!("`{name}` is already bound on line {line}; a name is bound once per file"),
            ));
        }
        let binding = if d.attr("value").is_some() {
            attrs::check(d, &["let", "value"], false)?;
            let (value, lineage) = self.eval_expr(d.attr("value").expect("value"))?;
            Binding::Value { value, lineage }
        } else {
            let out = self.run_solver(d, &["let"])?;
            self.warn(d, &out.warnings);
            Binding::Solve(out)
        };
        self.lets.insert(name, (binding, d.line));
        Ok((self.whole_line_or_span(d), String::new()))
    }

    /// A directive alone on its line is removed with its line; otherwise just the tag.
    fn whole_line_or_span(&self, d: &Directive) -> Range<usize> {
        if !d.alone_on_line {
            return d.span.clone();
        }
        let start = self.src[..d.span.start].rfind('\n').map_or(0, |i| i + 1);
        let end = self.src[d.span.end..]
            .find('\n')
            .map_or(self.src.len(), |i| d.span.end + i + 1);
        start..end
    }
}
