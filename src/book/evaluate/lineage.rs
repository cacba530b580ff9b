//! Lineage and records: what an expression or a solver result rests on, turned into the
//! [`Provenance`] and [`Record`] of a printed value.
//!
//! Rules: records of one file share their strings (paths, source ids, formulas, inputs, units,
//! warnings: one allocation each per file) and their provenances (records with the same registry
//! values, formulas and inputs share one `Arc`); a provenance lists its source ids sorted and
//! without duplicates; the records of one directive share its text; when records are only counted,
//! what only a record holds (derivation, cell name, shared strings) is not built.

use super::FileEval;
use crate::base::units::Value;
use crate::book::model::{Kind, Provenance, Record, RecordLineage, Records, RegistryRef};
use crate::calc::params::SolveOutput;
use crate::syntax::Directive;
use std::sync::Arc;

/// Lineage gathered while evaluating one expression, and the solver warnings behind it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Lineage {
    pub(super) formulas: Vec<&'static str>,
    pub(super) inputs: Vec<(String, String)>,
    pub(super) leaves: Vec<u32>,
    /// Warnings of the solver results the expression reads (not part of the provenance).
    pub(super) warnings: Vec<String>,
}

impl Lineage {
    pub(super) fn add_leaves(&mut self, ids: &[u32]) {
        for id in ids {
            if !self.leaves.contains(id) {
                self.leaves.push(*id);
            }
        }
    }

    pub(super) fn absorb_parts(
        &mut self,
        leaves: &[u32],
        formulas: &[&'static str],
        inputs: &[(String, String)],
        warnings: &[String],
    ) {
        self.add_leaves(leaves);
        for f in formulas {
            if !self.formulas.contains(f) {
                self.formulas.push(f);
            }
        }
        for i in inputs {
            if !self.inputs.contains(i) {
                self.inputs.push(i.clone());
            }
        }
        for w in warnings {
            if !self.warnings.contains(w) {
                self.warnings.push(w.clone());
            }
        }
    }

    pub(super) fn absorb(&mut self, o: &Lineage) {
        self.absorb_parts(&o.leaves, &o.formulas, &o.inputs, &o.warnings);
    }
}

impl FileEval<'_> {
    pub(super) fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.interned.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        self.interned.insert(s.to_string(), a.clone());
        a
    }

    fn registry_ref(&mut self, id: u32) -> RegistryRef {
        if let Some(r) = self.refs.get(&id) {
            return r.clone();
        }
        let leaf = self.reg.leaf(id);
        let (path, source) = (leaf.path(), leaf.source.clone());
        let r = RegistryRef {
            path: self.intern(&path),
            source: self.intern(&source),
        };
        self.refs.insert(id, r.clone());
        r
    }

    /// The provenance of a lineage: shared with every earlier record of the file with the same
    /// registry values, formulas and inputs.
    pub(super) fn provenance(
        &mut self,
        leaves: &[u32],
        formulas: &[&'static str],
        inputs: &[(String, String)],
    ) -> Arc<Provenance> {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        leaves.hash(&mut h);
        formulas.hash(&mut h);
        inputs.hash(&mut h);
        let key = h.finish();
        if let Some(known) = self.provenances.get(&key) {
            if let Some((_, p)) = known
                .iter()
                .find(|(l, _)| l.leaves == leaves && l.formulas == formulas && l.inputs == inputs)
            {
                return p.clone();
            }
        }
        // Leaves are unique ids, so their registry references are unique too.
        let registry: Vec<RegistryRef> = leaves.iter().map(|id| self.registry_ref(*id)).collect();
        let mut sources: Vec<Arc<str>> = registry.iter().map(|r| r.source.clone()).collect();
        sources.sort();
        sources.dedup();
        let shared = Arc::new(Provenance {
            formulas: formulas.iter().map(|f| self.intern(f)).collect(),
            inputs: inputs
                .iter()
                .map(|(n, v)| (self.intern(n), self.intern(v)))
                .collect(),
            registry,
            sources,
        });
        let lineage = Lineage {
            formulas: formulas.to_vec(),
            inputs: inputs.to_vec(),
            leaves: leaves.to_vec(),
            warnings: Vec::new(),
        };
        self.provenances
            .entry(key)
            .or_default()
            .push((lineage, shared.clone()));
        shared
    }

    /// The provenance of an expression's lineage.
    pub(super) fn lineage_provenance(&mut self, l: &Lineage) -> Arc<Provenance> {
        self.provenance(&l.leaves, &l.formulas, &l.inputs)
    }

    /// The provenance of a solver result.
    pub(super) fn solve_provenance(&mut self, out: &SolveOutput) -> Arc<Provenance> {
        let l = &out.lineage;
        self.provenance(&l.leaves, &l.formulas, &l.inputs)
    }

    /// Whether printed values are recorded (not only counted): what only a record needs (its
    /// derivation, its cell name) is built only then.
    pub(super) fn keeps_records(&self) -> bool {
        self.keep == Records::Keep
    }

    /// Text only a record needs, built only when records are kept.
    pub(super) fn for_record(&self, text: impl FnOnce() -> String) -> String {
        if self.keeps_records() {
            text()
        } else {
            String::new()
        }
    }

    /// Records one printed value of directive `d` (counts it when records are not kept).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn record(
        &mut self,
        d: &Directive,
        kind: Kind,
        cell: Option<String>,
        printed: String,
        v: Option<Value>,
        unit: &str,
        lineage: RecordLineage,
        warnings: &[String],
    ) {
        self.values += 1;
        if !self.keeps_records() {
            return;
        }
        let directive = match &self.current {
            Some((start, text)) if *start == d.span.start => text.clone(),
            _ => {
                let text: Arc<str> = Arc::from(&self.src[d.span.clone()]);
                self.current = Some((d.span.start, text.clone()));
                text
            }
        };
        let base_unit = match v {
            Some(v) => self
                .dims
                .entry(v.dim)
                .or_insert_with(|| Arc::from(v.dim.to_string()))
                .clone(),
            None => self.intern("label"),
        };
        let display_unit = self.intern(unit);
        let warnings = warnings.iter().map(|w| self.intern(w)).collect();
        self.records.push(Record {
            file: self.file_arc.clone(),
            line: d.line,
            column: d.column,
            kind,
            directive,
            cell,
            printed,
            value: v.map(|v| v.si),
            unit: base_unit,
            display_unit,
            lineage,
            warnings,
        });
    }
}
