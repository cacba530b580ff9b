//! Sources: where a registry value comes from, with the rules each kind must satisfy.

use serde::Serialize;

/// Kinds of provenance, as in mlsysim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A vendor datasheet or product documentation.
    Datasheet,
    /// A paper or book.
    Literature,
    /// An industry report.
    IndustryReport,
    /// A convention of the book or tool.
    Convention,
    /// An estimate.
    Estimate,
    /// Derived from other sourced values.
    Derived,
    /// An illustrative value for teaching.
    Illustrative,
    /// A modelling heuristic.
    Heuristic,
    /// No source is known: mlsysim gives the value none and no public one is known. `audit` flags
    /// every printed value that rests on it.
    Unsourced,
}

impl SourceKind {
    /// All kinds.
    pub const ALL: [SourceKind; 9] = [
        SourceKind::Datasheet,
        SourceKind::Literature,
        SourceKind::IndustryReport,
        SourceKind::Convention,
        SourceKind::Estimate,
        SourceKind::Derived,
        SourceKind::Illustrative,
        SourceKind::Heuristic,
        SourceKind::Unsourced,
    ];

    /// The name as written in TOML.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Datasheet => "datasheet",
            SourceKind::Literature => "literature",
            SourceKind::IndustryReport => "industry_report",
            SourceKind::Convention => "convention",
            SourceKind::Estimate => "estimate",
            SourceKind::Derived => "derived",
            SourceKind::Illustrative => "illustrative",
            SourceKind::Heuristic => "heuristic",
            SourceKind::Unsourced => "unsourced",
        }
    }

    /// Parses a kind name.
    pub fn parse(s: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// Whether this kind must carry a URL.
    pub fn needs_url(self) -> bool {
        matches!(
            self,
            SourceKind::Datasheet | SourceKind::Literature | SourceKind::IndustryReport
        )
    }

    /// Whether this kind must carry notes.
    pub fn needs_notes(self) -> bool {
        matches!(self, SourceKind::Estimate | SourceKind::Derived)
    }
}

/// One source, defined once in `registry/sources/*.toml`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Source {
    /// Stable id (`nvidia-h100-datasheet`).
    pub id: String,
    /// Kind.
    pub kind: SourceKind,
    /// Title or citation.
    pub title: String,
    /// URL, if any.
    pub url: Option<String>,
    /// ISO date the value was last checked against the source.
    pub verified: String,
    /// Notes.
    pub notes: Option<String>,
}
