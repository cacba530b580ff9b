//! The summary of an audit: printed values by provenance kind, sources by use, and the registry
//! entries and sources the book never uses.

use super::Audit;
use crate::book::model::Record;
use crate::registry::SourceKind;
use serde::Serialize;
use std::collections::{BTreeSet, HashSet};

/// How many printed values rest on one source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceUse {
    /// Source id.
    pub id: String,
    /// Its kind.
    pub kind: &'static str,
    /// Printed values resting on it.
    pub values: usize,
}

/// How many printed values rest on one kind of source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KindCount {
    /// Source kind (`datasheet`).
    pub kind: &'static str,
    /// Printed values resting on at least one source of this kind.
    pub values: usize,
}

/// The entries of one namespace the book never uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unused {
    /// Namespace.
    pub namespace: &'static str,
    /// Entries in the namespace.
    pub total: usize,
    /// Keys of the unused entries, sorted.
    pub keys: Vec<String>,
}

/// Counts over the whole book.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Printed values.
    pub values: usize,
    /// Source files with printed values.
    pub files: usize,
    /// Printed values per kind of source behind them (a value counts once under every kind it rests
    /// on); kinds in registry order, only those in use.
    pub by_kind: Vec<KindCount>,
    /// Printed values with no registry source at all (literals only).
    pub unsourced: usize,
    /// Sources in use, most used first (ties by id).
    pub sources: Vec<SourceUse>,
    /// Sources of the registry no printed value rests on.
    pub unused_sources: Vec<String>,
    /// Per namespace, the registry entries no printed value rests on (namespaces with none left out).
    pub unused_entries: Vec<Unused>,
}

impl<'a> Audit<'a> {
    /// The registry paths the records at `selected` rest on, each once, sorted.
    pub(crate) fn paths_used(&self, selected: &[usize]) -> Vec<&'a str> {
        let collect = |selected: &mut dyn Iterator<Item = usize>| {
            let mut set: HashSet<&'a str, super::FxBuild> = HashSet::default();
            for i in selected {
                let rec: &'a Record = &self.records[i];
                set.extend(rec.lineage.registry.iter().map(|r| &*r.path));
            }
            let mut v: Vec<&'a str> = set.into_iter().collect();
            v.sort_unstable();
            v
        };
        if selected.len() == self.records.len() {
            // Every record (indexes are distinct): computed once for the view and the summary.
            return self
                .all_paths
                .get_or_init(|| collect(&mut (0..self.records.len())))
                .clone();
        }
        collect(&mut selected.iter().copied())
    }

    /// The summary of every printed value.
    pub fn summary(&self) -> Summary {
        let n = self.records.len();
        let mut by_kind = [0usize; SourceKind::ALL.len()];
        let mut uses = vec![0usize; self.sources.len()];
        let mut unsourced = 0;
        let mut files = 0;
        for i in 0..n {
            if i == 0 || self.records[i].file != self.records[i - 1].file {
                files += 1;
            }
            for k in self.kinds_of(i) {
                by_kind[super::kind_index(k)] += 1;
            }
            let ids = self.source_indexes(i);
            if ids.is_empty() {
                unsourced += 1;
            }
            for s in ids {
                uses[*s as usize] += 1;
            }
        }
        let all: Vec<usize> = (0..n).collect();
        let used_entries: BTreeSet<&str> = self
            .paths_used(&all)
            .into_iter()
            .map(super::entry_of)
            .collect();
        let mut sources: Vec<SourceUse> = uses
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| SourceUse {
                id: self.sources[i].id.clone(),
                kind: self.sources[i].kind.name(),
                values: *n,
            })
            .collect();
        sources.sort_by(|a, b| b.values.cmp(&a.values).then_with(|| a.id.cmp(&b.id)));
        let unused_sources = uses
            .iter()
            .enumerate()
            .filter(|(_, n)| **n == 0)
            .map(|(i, _)| self.sources[i].id.clone())
            .collect();
        let unused_entries = crate::registry::schema::NAMESPACES
            .iter()
            .filter_map(|ns| {
                let entries = self.reg.entries.get(ns.name)?;
                let keys: Vec<String> = entries
                    .keys()
                    .filter(|k| !used_entries.contains(format!("{}.{k}", ns.name).as_str()))
                    .cloned()
                    .collect();
                (!keys.is_empty()).then_some(Unused {
                    namespace: ns.name,
                    total: entries.len(),
                    keys,
                })
            })
            .collect();
        Summary {
            values: n,
            files,
            by_kind: SourceKind::ALL
                .iter()
                .zip(by_kind)
                .filter(|(_, n)| *n > 0)
                .map(|(k, n)| KindCount {
                    kind: k.name(),
                    values: n,
                })
                .collect(),
            unsourced,
            sources,
            unused_sources,
            unused_entries,
        }
    }
}
