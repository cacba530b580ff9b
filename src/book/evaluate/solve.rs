//! `solve="solver" show="output"`: runs a solver with the directive's other attributes as inputs
//! and prints one of its outputs.
//!
//! Rules: `show=` is required and must name an output of the solver; a number is printed with the
//! formatting attributes, a label, yes/no or not-applicable output as text; the derivation is
//! `solver.output`; the solver's warnings are shown at the directive and carried by its record.

use super::number::out_text;
use super::{FileEval, Problem};
use crate::book::model::{Kind, RecordLineage};
use crate::calc::params::Out;
use crate::syntax::Directive;
use std::ops::Range;

impl FileEval<'_> {
    /// Evaluates and prints a `solve=` directive.
    pub(super) fn solve(&mut self, d: &Directive) -> Result<(Range<usize>, String), Problem> {
        let out = self.run_solver(d, &["show"])?;
        self.warn(d, &out.warnings);
        let (name, o) = self.show(d, &out)?;
        let lineage = RecordLineage {
            derivation: self.for_record(|| format!("{}.{name}", out.lineage.solver)),
            provenance: self.solve_provenance(&out),
        };
        let text = match o {
            Out::Value(v) => self.print_value(d, *v, lineage, Kind::Solve, &out.warnings)?,
            other => {
                let t = out_text(other);
                self.record(
                    d,
                    Kind::Solve,
                    None,
                    t.clone(),
                    None,
                    "",
                    lineage,
                    &out.warnings,
                );
                t
            }
        };
        Ok((d.span.clone(), text))
    }
}
