//! The data model of an evaluated book: what every stage after evaluation reads (the build, the
//! manifest, the drift lock, the Quarto cache, the audit).
//!
//! - A [`Record`] is one printed value: where it is, which [`Kind`] of directive printed it, the
//!   shown text with its display unit (the format settings it was printed with), the value in base
//!   units, its [`RecordLineage`] and the solver warnings behind it.
//! - A [`Provenance`] (formulas, inputs, [`RegistryRef`]s, sources) is shared by every record of a
//!   file with the same lineage; a record adds its own derivation.
//! - An [`Expansion`] is one evaluated directive and the text that replaced it; a [`FigureOut`] a
//!   figure to write; a [`FileOutput`] everything one source file produced ([`Records`]: with a
//!   record of every printed value, or only their count).
//!
//! Rules: kinds are an enum, serialized as the lowercase names the manifest, cache and audit have
//! always written (`value`, `solve`, `let`, `table`, `figure`); warnings are serialized only when
//! there are some, so books without warnings produce the same bytes as before warnings existed.
//! This module holds data only: no evaluation, no I/O.

use crate::base::diag::Diagnostic;
use crate::present::figure::{convert::FigFormat, Figure};
use crate::syntax::Context;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// The kind of a directive (and of the records it prints).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `value="expression"`: an expression over registry values and `let` bindings.
    #[default]
    Value,
    /// `solve="solver" show="output"`: one output of a solver.
    Solve,
    /// `let="name"` with `value=` or `solve=`: binds a name and prints nothing.
    Let,
    /// `table="namespace"` or `table="sweep"`: a table; each of its cells is a record.
    Table,
    /// `figure="kind"`: a drawn figure; each value it shows is a record.
    Figure,
}

impl Kind {
    /// The name written in the manifest, the cache and the audit.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Value => "value",
            Kind::Solve => "solve",
            Kind::Let => "let",
            Kind::Table => "table",
            Kind::Figure => "figure",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A registry value behind a printed value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RegistryRef {
    /// Registry path (`hardware.H100.memory.bandwidth`).
    pub path: Arc<str>,
    /// Source id.
    pub source: Arc<str>,
}

/// Where printed values came from: formulas, inputs, registry values and their sources. Shared
/// (one allocation) by every record of a file with the same provenance, e.g. all cells of one
/// solve.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Provenance {
    /// Formulas applied (solver lineage).
    pub formulas: Vec<Arc<str>>,
    /// Non-registry inputs (`batch_size = 1`).
    pub inputs: Vec<(Arc<str>, Arc<str>)>,
    /// Registry values used.
    pub registry: Vec<RegistryRef>,
    /// Source ids, sorted, without duplicates.
    pub sources: Vec<Arc<str>>,
}

/// How a printed value was derived: its own derivation plus its (shared) provenance, whose fields
/// it exposes directly (`lineage.sources`). Serialized as one flat object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordLineage {
    /// The expression, or `solver.output`.
    pub derivation: String,
    /// Formulas, inputs, registry values and sources.
    pub provenance: Arc<Provenance>,
}

impl std::ops::Deref for RecordLineage {
    type Target = Provenance;
    fn deref(&self) -> &Provenance {
        &self.provenance
    }
}

impl Serialize for RecordLineage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let p = &*self.provenance;
        let mut st = s.serialize_struct("RecordLineage", 5)?;
        st.serialize_field("derivation", &self.derivation)?;
        st.serialize_field("formulas", &p.formulas)?;
        st.serialize_field("inputs", &p.inputs)?;
        st.serialize_field("registry", &p.registry)?;
        st.serialize_field("sources", &p.sources)?;
        st.end()
    }
}

/// One printed value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Record {
    /// Source file, relative to the book folder.
    pub file: Arc<str>,
    /// 1-based line of the directive.
    pub line: u32,
    /// 1-based column of the directive.
    pub column: u32,
    /// The kind of directive that printed it: value, solve, table (a cell) or figure.
    pub kind: Kind,
    /// The directive as written (its format attributes included).
    pub directive: Arc<str>,
    /// Table cell (`row/column`), or the figure value's name.
    pub cell: Option<String>,
    /// The shown text, exactly as printed (with citation markers in Markdown prose).
    pub printed: String,
    /// The value in base units (none for labels).
    pub value: Option<f64>,
    /// The base unit of `value` (`byte·s^-1`), or `label`.
    pub unit: Arc<str>,
    /// The display unit the value was shown in (the directive's `unit=`; empty for none).
    pub display_unit: Arc<str>,
    /// Where it came from.
    pub lineage: RecordLineage,
    /// What the solvers behind it warned about (a precision falling back to the dense peak...),
    /// verbatim, each once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Arc<str>>,
}

/// One evaluated directive and the text that replaced it (what toolchains that expand directives
/// themselves, such as the Quarto filter, look up).
#[derive(Clone, Debug, PartialEq)]
pub struct Expansion {
    /// 1-based line of the directive.
    pub line: u32,
    /// 1-based column of the directive.
    pub column: u32,
    /// Text or math.
    pub context: Context,
    /// Value, solve, let, table or figure.
    pub kind: Kind,
    /// The directive as written.
    pub directive: Arc<str>,
    /// What replaced it (empty for `let`; a table keeps the blank lines spliced around it).
    pub text: String,
}

/// A figure drawn for a `figure=` directive, to be written to `figures/<id>.<ext>`.
#[derive(Clone, Debug)]
pub struct FigureOut {
    /// The drawn figure.
    pub figure: Figure,
    /// SVG for Markdown sources, PDF for LaTeX ones.
    pub format: FigFormat,
    /// Where its `id` is written (message empty), for a duplicate-id error.
    pub at: Diagnostic,
}

/// What evaluation keeps of the values it prints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Records {
    /// A [`Record`] of every printed value, with its lineage (the manifest, the lock, the audit).
    #[default]
    Keep,
    /// Only how many there are (`check` of a book without a drift lock uses nothing else).
    Count,
}

/// The result of evaluating one file.
#[derive(Clone, Debug, Default)]
pub struct FileOutput {
    /// Path relative to the book folder.
    pub rel: String,
    /// The file with every directive replaced.
    pub text: String,
    /// Printed values (none when evaluated with [`Records::Count`]).
    pub records: Vec<Record>,
    /// How many values were printed (with or without their records).
    pub values: usize,
    /// Directives evaluated.
    pub directives: usize,
    /// Figures drawn, in source order.
    pub figures: Vec<FigureOut>,
    /// Problems.
    pub diags: Vec<Diagnostic>,
    /// Solver warnings, located at the directive whose solver warned (severity warning).
    pub warnings: Vec<Diagnostic>,
    /// Every directive that evaluated, in source order.
    pub expansions: Vec<Expansion>,
    /// The footnote definitions appended to `text` (empty when nothing is cited).
    pub footnotes: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialize_as_their_names() {
        for k in [
            Kind::Value,
            Kind::Solve,
            Kind::Let,
            Kind::Table,
            Kind::Figure,
        ] {
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
            assert_eq!(k.to_string(), k.as_str());
        }
    }
}
