//! `audit`: where every printed number comes from. For each value the book prints: where it is,
//! what is printed, how it was derived and every source behind it; questions about one value, one
//! source or one registry entry; a summary; findings with severities for CI; and the drift lock
//! (`mlsysim.lock`) that `check` and `build` compare printed values against.
//!
//! Severities: `error` (a source that cannot be checked at all, such as a datasheet without a
//! URL), `warning` (estimate or illustrative sources, sources verified longer ago than the age
//! limit, dead-looking URLs, one quantity printed as different numbers) and `info` (heuristic
//! sources, values with no registry source). `audit --strict` exits 1 when there is any error or
//! warning; info findings never fail.

pub mod cmd;
pub mod date;
pub mod findings;
pub mod lock;
pub mod report;
pub mod select;
pub mod summary;
pub mod text;

use crate::book::evaluate::Record;
use crate::registry::{Leaf, LeafId, Registry, Source, SourceKind};
use std::collections::HashMap;

pub use date::Date;
pub use findings::{Finding, Severity};
pub use summary::Summary;

/// The default age limit for `verified` dates, in months.
pub const DEFAULT_MAX_AGE_MONTHS: u32 = 18;

/// Settings of the findings.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The date ages are measured to.
    pub as_of: Date,
    /// Sources verified more than this many whole months before `as_of` are findings.
    pub max_age_months: u32,
}

/// The printed values of a book with the registry they rest on, indexed for questions.
pub struct Audit<'a> {
    /// The registry.
    pub reg: &'a Registry,
    /// Every printed value, sorted by file and position.
    pub records: &'a [Record],
    leaves: HashMap<String, LeafId>,
}

impl<'a> Audit<'a> {
    /// Indexes the registry leaves by path.
    pub fn new(reg: &'a Registry, records: &'a [Record]) -> Audit<'a> {
        let leaves = reg
            .leaves
            .iter()
            .enumerate()
            .map(|(i, l)| (l.path(), i as LeafId))
            .collect();
        Audit {
            reg,
            records,
            leaves,
        }
    }

    /// The registry leaf at a path (`hardware.H100.memory.bandwidth`).
    pub fn leaf(&self, path: &str) -> Option<&'a Leaf> {
        self.leaves.get(path).map(|id| self.reg.leaf(*id))
    }

    /// The sources behind a printed value, in id order.
    pub fn sources<'r>(&'r self, r: &'r Record) -> impl Iterator<Item = &'a Source> + 'r {
        r.lineage
            .sources
            .iter()
            .filter_map(|id| self.reg.sources.get(&**id))
    }

    /// The kinds of source behind a printed value, without duplicates, in [`SourceKind::ALL`] order.
    pub fn kinds(&self, r: &Record) -> Vec<SourceKind> {
        let mut k: Vec<SourceKind> = self.sources(r).map(|s| s.kind).collect();
        k.sort();
        k.dedup();
        k
    }
}
