//! `value="expression"`: an expression over registry paths, `let` bindings, numbers with units and
//! arithmetic, printed with the directive's formatting attributes.
//!
//! Rules: only `value` and formatting attributes are accepted; the record's derivation is the
//! expression as written, its provenance the registry values and solver results the expression
//! read, its warnings those of the solver results it read through `let` bindings (the `let` is
//! where they are shown).

use super::{attrs, FileEval, Problem};
use crate::book::model::{Kind, RecordLineage};
use crate::syntax::Directive;
use std::ops::Range;

impl FileEval<'_> {
    /// Evaluates and prints a `value=` directive.
    pub(super) fn value(&mut self, d: &Directive) -> Result<(Range<usize>, String), Problem> {
        attrs::check(d, &["value"], true)?;
        let attr = d.attr("value").expect("value");
        let (v, lineage) = self.eval_expr(attr)?;
        let record_lineage = RecordLineage {
            derivation: self.for_record(|| attr.value.clone()),
            provenance: self.lineage_provenance(&lineage),
        };
        let text = self.print_value(d, v, record_lineage, Kind::Value, &lineage.warnings)?;
        Ok((d.span.clone(), text))
    }
}
