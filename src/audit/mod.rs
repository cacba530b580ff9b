//! Layer 6, `audit`: where every printed number comes from, read from the book's records. For each
//! value the book prints: where it is, what is printed, how it was derived and every source behind
//! it; questions about one value, one source or one registry entry; a summary; findings with
//! severities for CI. The drift lock
//! (`mlsysim.lock`) lives in [`crate::book::lock`]: the build owns it, audit reads it.
//!
//! Severities: `error` (a source that cannot be checked at all, such as a datasheet without a
//! URL), `warning` (estimate or illustrative sources, sources verified longer ago than the age
//! limit, dead-looking URLs, one expression with different values, values whose solver warned)
//! and `info` (heuristic sources, values with no registry source, one value rounded differently
//! in different places). `audit --strict` exits 1 when there is any error or
//! warning; info findings never fail.

pub mod findings;
pub mod report;
pub mod select;
pub mod summary;
pub mod text;

use crate::book::model::Record;
use crate::registry::{Leaf, LeafId, Registry, Source, SourceKind};
use std::collections::HashMap;
use std::sync::OnceLock;

pub use crate::base::date::Date;
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

/// The printed values of a book with the registry they rest on, indexed once for every question.
pub struct Audit<'a> {
    /// The registry.
    pub reg: &'a Registry,
    /// Every printed value, sorted by file and position.
    pub records: &'a [Record],
    leaves: FastMap<String, LeafId>,
    /// The registry's sources, in id order.
    sources: Vec<&'a Source>,
    /// Indexes into `sources` of the sources behind each record (record `i` owns
    /// `source_ids[source_at[i]..source_at[i + 1]]`).
    source_ids: Vec<u32>,
    source_at: Vec<usize>,
    /// Per record, bit `k` is set when a source of kind `SourceKind::ALL[k]` is behind it.
    kind_bits: Vec<u16>,
    /// Every registry path the records rest on, sorted (computed on first use).
    all_paths: OnceLock<Vec<&'a str>>,
}

impl<'a> Audit<'a> {
    /// Indexes the registry leaves by path and the sources behind every record.
    pub fn new(reg: &'a Registry, records: &'a [Record]) -> Audit<'a> {
        let leaves = reg
            .leaves
            .iter()
            .enumerate()
            .map(|(i, l)| (l.path(), i as LeafId))
            .collect();
        let sources: Vec<&Source> = reg.sources.values().collect();
        let index: FastMap<&str, u32> = sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i as u32))
            .collect();
        let mut source_ids = Vec::with_capacity(records.len() * 4);
        let mut source_at = Vec::with_capacity(records.len() + 1);
        let mut kind_bits = Vec::with_capacity(records.len());
        source_at.push(0);
        for r in records {
            let mut bits = 0u16;
            for id in &r.lineage.sources {
                if let Some(&i) = index.get(&**id) {
                    source_ids.push(i);
                    bits |= 1 << kind_index(sources[i as usize].kind);
                }
            }
            source_at.push(source_ids.len());
            kind_bits.push(bits);
        }
        Audit {
            reg,
            records,
            leaves,
            sources,
            source_ids,
            source_at,
            kind_bits,
            all_paths: OnceLock::new(),
        }
    }

    /// The registry leaf at a path (`hardware.H100.memory.bandwidth`).
    pub fn leaf(&self, path: &str) -> Option<&'a Leaf> {
        self.leaves.get(path).map(|id| self.reg.leaf(*id))
    }

    /// The sources behind record `i`, in id order.
    pub fn sources_of(&self, i: usize) -> impl Iterator<Item = &'a Source> + '_ {
        self.source_ids[self.source_at[i]..self.source_at[i + 1]]
            .iter()
            .map(|s| self.sources[*s as usize])
    }

    /// Indexes (into the registry's sources in id order) of the sources behind record `i`.
    fn source_indexes(&self, i: usize) -> &[u32] {
        &self.source_ids[self.source_at[i]..self.source_at[i + 1]]
    }

    /// The kinds of source behind record `i`, in [`SourceKind::ALL`] order.
    pub fn kinds_of(&self, i: usize) -> impl Iterator<Item = SourceKind> {
        let bits = self.kind_bits[i];
        SourceKind::ALL
            .into_iter()
            .enumerate()
            .filter(move |(k, _)| bits & (1 << k) != 0)
            .map(|(_, kind)| kind)
    }
}

/// A fast hash for the short string keys of the audit's maps (paths, source ids) and for
/// grouping printed values: the rotate-xor-multiply of rustc's FxHash, eight bytes at a time.
/// SipHash's protection against crafted keys buys nothing here.
#[derive(Clone, Copy, Default)]
pub(crate) struct Fx(u64);

impl Fx {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Builds [`Fx`] hashers.
pub(crate) type FxBuild = std::hash::BuildHasherDefault<Fx>;

/// A hash map with [`Fx`] hashing.
pub(crate) type FastMap<K, V> = HashMap<K, V, FxBuild>;

fn kind_index(k: SourceKind) -> usize {
    SourceKind::ALL
        .iter()
        .position(|x| *x == k)
        .expect("every kind is in ALL")
}

/// The registry entry of a leaf path: `hardware.H100.memory.bandwidth` → `hardware.H100`,
/// `constants.default_seq_len` → itself.
pub fn entry_of(path: &str) -> &str {
    match path.match_indices('.').nth(1) {
        Some((i, _)) => &path[..i],
        None => path,
    }
}
