//! Layer 2, the vetted registry: TOML files of hardware, models, grids, systems, scenarios and
//! constants, each value with a unit and a source, loaded into typed entries. Imports only
//! [`crate::base`]; a missing key is a [`LookupError`], which the solvers convert to their own.

mod build;
pub mod calibration;
pub mod extra;
pub mod load;
pub mod query;
pub mod schema;
pub mod source;
pub mod types;

pub use calibration::Calibration;
pub use source::{Source, SourceKind};
pub use types::*;

use crate::base::text::closest;
use crate::base::units::Value;
use std::collections::BTreeMap;

/// The value of one registry leaf.
#[derive(Clone, Debug, PartialEq)]
pub enum LeafValue {
    /// A quantity (counts are dimensionless quantities).
    Quantity(Value),
    /// Text (names, references to other entries).
    Text(String),
    /// A flag.
    Bool(bool),
}

/// One sourced field of the registry: `hardware.H100.memory.bandwidth`.
#[derive(Clone, Debug, PartialEq)]
pub struct Leaf {
    /// Namespace (`hardware`).
    pub namespace: &'static str,
    /// Entry key (`H100`).
    pub key: String,
    /// Field path inside the entry (`memory.bandwidth`).
    pub field: String,
    /// The value.
    pub value: LeafValue,
    /// The unit as written in the registry (`TB/s`), empty for numbers and text.
    pub unit: String,
    /// Source id.
    pub source: String,
    /// File (relative to the registry root), line and column where it is written.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl Leaf {
    /// The full dotted path (`hardware.H100.memory.bandwidth`).
    pub fn path(&self) -> String {
        let bare = self.namespace == "constants"
            || schema::GROUP_NAMESPACES
                .iter()
                .any(|n| n.name == self.namespace);
        if bare && self.field == "value" {
            format!("{}.{}", self.namespace, self.key)
        } else {
            format!("{}.{}.{}", self.namespace, self.key, self.field)
        }
    }
}

/// One entry of a namespace, as a list of its leaves (the generic view used by `zoo` and directives).
#[derive(Clone, Debug, Default)]
pub struct Entry {
    /// Entry-level source id.
    pub source: String,
    /// Field path → leaf id, in file order.
    pub fields: Vec<(String, LeafId)>,
}

/// The loaded registry.
#[derive(Clone, Debug)]
pub struct Registry {
    /// Sources by id.
    pub sources: BTreeMap<String, Source>,
    /// Every sourced field.
    pub leaves: Vec<Leaf>,
    /// Generic entries: namespace → key → entry.
    pub entries: BTreeMap<&'static str, BTreeMap<String, Entry>>,
    /// Devices by key.
    pub hardware: BTreeMap<String, Hardware>,
    /// Models by key.
    pub models: BTreeMap<String, Model>,
    /// Grids by key.
    pub grids: BTreeMap<String, Grid>,
    /// Datacenters by key.
    pub datacenters: BTreeMap<String, Datacenter>,
    /// Nodes by key.
    pub nodes: BTreeMap<String, Node>,
    /// Fabrics by key.
    pub fabrics: BTreeMap<String, Fabric>,
    /// Fleets by key.
    pub fleets: BTreeMap<String, Fleet>,
    /// Scenarios by key.
    pub scenarios: BTreeMap<String, Scenario>,
    /// Constants by name.
    pub constants: BTreeMap<String, Sourced<Value>>,
    /// Solver calibration, read from the constants.
    pub calibration: Calibration,
}

/// A registry key that does not exist.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("unknown {namespace} key `{key}`{}", suggest(.suggestions))]
pub struct LookupError {
    /// Namespace (`models`).
    pub namespace: String,
    /// The key given.
    pub key: String,
    /// Closest existing keys.
    pub suggestions: Vec<String>,
}

fn suggest(s: &[String]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", s.join(", "))
    }
}

fn find<'a, T>(
    map: &'a BTreeMap<String, T>,
    namespace: &str,
    key: &str,
) -> Result<&'a T, LookupError> {
    map.get(key).ok_or_else(|| LookupError {
        namespace: namespace.to_string(),
        key: key.to_string(),
        suggestions: closest(key, map.keys().map(String::as_str)),
    })
}

impl Registry {
    /// Whether `key` exists in namespace `ns` (any namespace, typed or generic).
    pub fn lookup(&self, ns: &str, key: &str) -> Result<(), LookupError> {
        let keys = self.entries.get(ns);
        if keys.is_some_and(|k| k.contains_key(key)) {
            return Ok(());
        }
        Err(LookupError {
            namespace: ns.to_string(),
            key: key.to_string(),
            suggestions: keys.map_or_else(Vec::new, |k| closest(key, k.keys().map(String::as_str))),
        })
    }

    /// A device by key.
    pub fn hardware(&self, key: &str) -> Result<&Hardware, LookupError> {
        find(&self.hardware, "hardware", key)
    }
    /// A model by key.
    pub fn model(&self, key: &str) -> Result<&Model, LookupError> {
        find(&self.models, "models", key)
    }
    /// A grid by key.
    pub fn grid(&self, key: &str) -> Result<&Grid, LookupError> {
        find(&self.grids, "grids", key)
    }
    /// A datacenter by key.
    pub fn datacenter(&self, key: &str) -> Result<&Datacenter, LookupError> {
        find(&self.datacenters, "datacenters", key)
    }
    /// A node by key.
    pub fn node(&self, key: &str) -> Result<&Node, LookupError> {
        find(&self.nodes, "nodes", key)
    }
    /// A fabric by key.
    pub fn fabric(&self, key: &str) -> Result<&Fabric, LookupError> {
        find(&self.fabrics, "fabrics", key)
    }
    /// A fleet by key.
    pub fn fleet(&self, key: &str) -> Result<&Fleet, LookupError> {
        find(&self.fleets, "fleets", key)
    }
    /// A scenario by key.
    pub fn scenario(&self, key: &str) -> Result<&Scenario, LookupError> {
        find(&self.scenarios, "scenarios", key)
    }
    /// A leaf by id.
    pub fn leaf(&self, id: LeafId) -> &Leaf {
        &self.leaves[id as usize]
    }
    /// The source of a leaf.
    pub fn leaf_source(&self, id: LeafId) -> Option<&Source> {
        self.sources.get(&self.leaf(id).source)
    }
}
