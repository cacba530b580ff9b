//! The summary of an audit: printed values by provenance kind, sources by use, and the registry
//! entries and sources the book never uses.

use super::Audit;
use crate::registry::SourceKind;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

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

impl Audit<'_> {
    /// The summary of every printed value.
    pub fn summary(&self) -> Summary {
        let mut by_kind: BTreeMap<SourceKind, usize> = BTreeMap::new();
        let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
        let mut used_entries: BTreeSet<(&str, &str)> = BTreeSet::new();
        let mut files: BTreeSet<&str> = BTreeSet::new();
        let mut unsourced = 0;
        for r in self.records {
            files.insert(&r.file);
            for k in self.kinds(r) {
                *by_kind.entry(k).or_default() += 1;
            }
            if r.lineage.sources.is_empty() {
                unsourced += 1;
            }
            for s in &r.lineage.sources {
                *uses.entry(s).or_default() += 1;
            }
            for reg in &r.lineage.registry {
                if let Some(l) = self.leaf(&reg.path) {
                    used_entries.insert((l.namespace, l.key.as_str()));
                }
            }
        }
        let mut sources: Vec<SourceUse> = uses
            .iter()
            .map(|(id, n)| SourceUse {
                id: id.to_string(),
                kind: self
                    .reg
                    .sources
                    .get(*id)
                    .map_or("unknown", |s| s.kind.name()),
                values: *n,
            })
            .collect();
        sources.sort_by(|a, b| b.values.cmp(&a.values).then_with(|| a.id.cmp(&b.id)));
        let unused_sources = self
            .reg
            .sources
            .keys()
            .filter(|id| !uses.contains_key(id.as_str()))
            .cloned()
            .collect();
        let unused_entries = crate::registry::schema::NAMESPACES
            .iter()
            .filter_map(|ns| {
                let entries = self.reg.entries.get(ns.name)?;
                let keys: Vec<String> = entries
                    .keys()
                    .filter(|k| !used_entries.contains(&(ns.name, k.as_str())))
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
            values: self.records.len(),
            files: files.len(),
            by_kind: by_kind
                .into_iter()
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
