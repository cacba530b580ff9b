//! Groups of sourced values: the registry's copy of mlsysim's other trees (`tech`, `reference`,
//! `literature`, `infrastructure`, `systems`, `datasets`, `agents`, `agentplatforms`, `embodied`,
//! `actuators`).
//!
//! Each file under `registry/<namespace>/` holds top-level tables, one per group (`[Memory.DRAM]`,
//! `[EnergyAnchors]`); the group (`Memory`) is the entry key and everything below it a field path
//! (`DRAM.energy_per_access`), so `tech.Memory.DRAM.energy_per_access` is a registry path like
//! `hardware.H100.memory.bandwidth`. Values are numbers, quantity strings, text, `{ value = ...,
//! source = "id" }` (a value with its own source) or `{ ref = "tech.Storage.NvmeGen4" }` (another
//! entry); `name` is always text. A table's `source` applies to every value below it, and every number needs one.
//!
//! A table with `kind = "memory_tier"` is an entry of that kind: `kinds.toml` gives each of its
//! fields a unit (its dimension) and whether zero is allowed. Values outside a kind must not be
//! negative. Every problem is a located diagnostic, like the rest of the registry.

use super::load::{Loader, RegistryFile, SourceSite};
use super::schema::{Kind, NamespaceSpec};
use super::{Entry, LeafValue};
use crate::base::diag::Diagnostic;
use crate::base::units::{parse_unit, Dim};
use std::collections::BTreeMap;
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// The file of entry kinds, relative to the registry root.
pub const KINDS_FILE: &str = "kinds.toml";

/// What a field of a kind holds.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldRule {
    /// The unit as written in `kinds.toml` (`pJ`, `1`, `USD/h | USD/GB`).
    pub unit: String,
    /// The dimensions allowed (one per unit of `a | b`).
    pub dims: Vec<Dim>,
    /// Whether zero is allowed (`">= 0"`); negative values never are.
    pub zero_ok: bool,
}

/// Kinds by name, each field path → rule.
pub type Kinds = BTreeMap<String, BTreeMap<String, FieldRule>>;

/// Group entries and references collected while loading, checked once every file is read.
#[derive(Default)]
pub struct Groups {
    entries: Vec<GroupEntry>,
    refs: Vec<RefSite>,
}

struct GroupEntry {
    ns: &'static str,
    key: String,
    entry: Entry,
    file: String,
    span: Range<usize>,
}

struct RefSite {
    file: String,
    span: Range<usize>,
    target: String,
}

/// The kind in force while walking a table: its name, rules and the path of the kinded table.
#[derive(Clone)]
struct InKind<'k> {
    name: &'k str,
    rules: &'k BTreeMap<String, FieldRule>,
    prefix: String,
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn get<'a>(t: &'a DeTable, name: &str) -> Option<&'a Spanned<DeValue<'a>>> {
    t.iter().find(|(k, _)| k.get_ref() == name).map(|(_, v)| v)
}

fn looks_numeric(s: &str) -> bool {
    s.trim_start()
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || "+-.".contains(c))
}

impl Loader {
    /// Reads `kinds.toml`.
    pub(super) fn kinds(&mut self, file: &RegistryFile, table: &DeTable) -> Kinds {
        let mut out = Kinds::new();
        for (k, v) in table {
            let DeValue::Table(t) = v.get_ref() else {
                self.err(
                    file,
                    k.span(),
                    format!("kind `{}` must be a table of field = \"unit\"", k.get_ref()),
                );
                continue;
            };
            let mut rules = BTreeMap::new();
            self.kind_fields(file, "", t, &mut rules);
            out.insert(k.get_ref().to_string(), rules);
        }
        out
    }

    fn kind_fields(
        &mut self,
        file: &RegistryFile,
        prefix: &str,
        t: &DeTable,
        rules: &mut BTreeMap<String, FieldRule>,
    ) {
        for (k, v) in t {
            let path = join(prefix, k.get_ref());
            match v.get_ref() {
                DeValue::Table(inner) => self.kind_fields(file, &path, inner, rules),
                DeValue::String(s) => {
                    let (unit, zero_ok) = match s.split_once(">=") {
                        Some((u, z)) if z.trim() == "0" => (u.trim(), true),
                        Some(_) => {
                            self.err(
                                file,
                                v.span(),
                                format!("`{path}`: only `>= 0` may follow the unit"),
                            );
                            continue;
                        }
                        None => (s.trim(), false),
                    };
                    let dims: Result<Vec<Dim>, _> = unit
                        .split('|')
                        .map(|u| parse_unit(u.trim()).map(|u| u.dim))
                        .collect();
                    match dims {
                        Ok(dims) => {
                            rules.insert(
                                path,
                                FieldRule {
                                    unit: unit.to_string(),
                                    dims,
                                    zero_ok,
                                },
                            );
                        }
                        Err(e) => {
                            self.err(file, v.span(), format!("`{path}` = \"{s}\": {e}"));
                        }
                    }
                }
                _ => {
                    self.err(
                        file,
                        v.span(),
                        format!("`{path}` must be a unit string (\"pJ\", \"1\", \"s >= 0\")"),
                    );
                }
            }
        }
    }

    /// Reads one file of a group namespace.
    pub(super) fn group_file(
        &mut self,
        ns: &'static NamespaceSpec,
        file: &RegistryFile,
        table: &DeTable,
        kinds: &Kinds,
        groups: &mut Groups,
        source_sites: &mut Vec<SourceSite>,
    ) {
        for (k, v) in table {
            let key = k.get_ref().to_string();
            let DeValue::Table(t) = v.get_ref() else {
                self.err(
                    file,
                    k.span(),
                    format!(
                        "`{key}` must be a table `[{key}]` holding one {} group",
                        ns.name
                    ),
                );
                continue;
            };
            let mut entry = Entry::default();
            self.group_table(
                ns,
                &key,
                "",
                file,
                t,
                None,
                None,
                kinds,
                &mut entry,
                groups,
                source_sites,
            );
            groups.entries.push(GroupEntry {
                ns: ns.name,
                key,
                entry,
                file: file.path.clone(),
                span: k.span(),
            });
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn group_table<'k>(
        &mut self,
        ns: &'static NamespaceSpec,
        key: &str,
        prefix: &str,
        file: &RegistryFile,
        table: &DeTable,
        source: Option<String>,
        kind: Option<InKind<'k>>,
        kinds: &'k Kinds,
        entry: &mut Entry,
        groups: &mut Groups,
        source_sites: &mut Vec<SourceSite>,
    ) {
        let mut source = source;
        if let Some(v) = get(table, "source") {
            match v.get_ref() {
                DeValue::String(s) => {
                    source_sites.push((file.path.clone(), v.span(), s.to_string()));
                    if entry.source.is_empty() {
                        entry.source = s.to_string();
                    }
                    source = Some(s.to_string());
                }
                _ => {
                    self.err(file, v.span(), "`source` must be a source id string".into());
                }
            }
        }
        let mut kind = kind;
        if let Some(v) = get(table, "kind") {
            match v.get_ref() {
                DeValue::String(s) => match kinds.get_key_value(s.as_ref()) {
                    Some((name, rules)) => {
                        kind = Some(InKind {
                            name,
                            rules,
                            prefix: prefix.to_string(),
                        })
                    }
                    None => {
                        let close = super::closest(s, kinds.keys().map(String::as_str));
                        let d = self.err(
                            file,
                            v.span(),
                            format!("unknown kind `{s}` (kinds are defined in {KINDS_FILE})"),
                        );
                        if !close.is_empty() {
                            d.help = Some(format!("did you mean {}?", close.join(", ")));
                        }
                    }
                },
                _ => {
                    self.err(file, v.span(), "`kind` must be a kind name string".into());
                }
            }
        }
        for (k, v) in table {
            let name = k.get_ref();
            if name == "source" || name == "kind" {
                continue;
            }
            let path = join(prefix, name);
            match v.get_ref() {
                DeValue::Table(t) if get(t, "ref").is_some() => {
                    self.group_ref(ns, key, &path, file, t, &source, entry, groups);
                }
                DeValue::Table(t) if get(t, "value").is_some() => {
                    let mut src = source.clone();
                    let mut label = None;
                    for (ik, iv) in t {
                        match (ik.get_ref().as_ref(), iv.get_ref()) {
                            ("value", _) => {}
                            ("source", DeValue::String(s)) => {
                                source_sites.push((file.path.clone(), iv.span(), s.to_string()));
                                src = Some(s.to_string());
                            }
                            ("unit", DeValue::String(s)) => label = Some(s.to_string()),
                            (other, _) => {
                                self.err(file, ik.span(), format!("unknown key `{other}` in `{path}`"))
                                    .help = Some("a value with its own source is written { value = ..., source = \"id\" }; `unit` labels a plain number whose unit the registry cannot express".into());
                            }
                        }
                    }
                    let value = get(t, "value").expect("checked");
                    self.group_value(
                        ns,
                        key,
                        &path,
                        file,
                        value,
                        src,
                        label,
                        kind.as_ref(),
                        entry,
                    );
                }
                DeValue::Table(t) => self.group_table(
                    ns,
                    key,
                    &path,
                    file,
                    t,
                    source.clone(),
                    kind.clone(),
                    kinds,
                    entry,
                    groups,
                    source_sites,
                ),
                DeValue::String(s) if !looks_numeric(s) || name == "name" => {
                    let src = source.clone().unwrap_or_default();
                    self.leaf(
                        ns,
                        key,
                        &path,
                        Kind::Text,
                        file,
                        v,
                        &src,
                        entry,
                        &mut Vec::new(),
                    );
                }
                DeValue::Boolean(_) => {
                    let src = source.clone().unwrap_or_default();
                    self.leaf(
                        ns,
                        key,
                        &path,
                        Kind::Bool,
                        file,
                        v,
                        &src,
                        entry,
                        &mut Vec::new(),
                    );
                }
                DeValue::String(_) | DeValue::Integer(_) | DeValue::Float(_) => {
                    self.group_value(
                        ns,
                        key,
                        &path,
                        file,
                        v,
                        source.clone(),
                        None,
                        kind.as_ref(),
                        entry,
                    );
                }
                DeValue::Array(_) | DeValue::Datetime(_) => {
                    self.err(
                        file,
                        v.span(),
                        format!("`{path}` must be a number, a quantity, text or a table"),
                    );
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn group_ref(
        &mut self,
        ns: &'static NamespaceSpec,
        key: &str,
        path: &str,
        file: &RegistryFile,
        t: &DeTable,
        source: &Option<String>,
        entry: &mut Entry,
        groups: &mut Groups,
    ) {
        let v = get(t, "ref").expect("checked");
        if t.len() > 1 {
            self.err(
                file,
                v.span(),
                format!("`{path}`: a reference is written {{ ref = \"namespace.key\" }} alone"),
            );
        }
        let DeValue::String(target) = v.get_ref() else {
            self.err(
                file,
                v.span(),
                format!("`{path}`: `ref` must be a registry path string"),
            );
            return;
        };
        groups.refs.push(RefSite {
            file: file.path.clone(),
            span: v.span(),
            target: target.to_string(),
        });
        let src = source.clone().unwrap_or_default();
        self.leaf(
            ns,
            key,
            path,
            Kind::Text,
            file,
            v,
            &src,
            entry,
            &mut Vec::new(),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn group_value(
        &mut self,
        ns: &'static NamespaceSpec,
        key: &str,
        path: &str,
        file: &RegistryFile,
        v: &Spanned<DeValue>,
        source: Option<String>,
        label: Option<String>,
        kind: Option<&InKind>,
        entry: &mut Entry,
    ) {
        let Some(source) = source else {
            self.err(
                file,
                v.span(),
                format!("{} value `{key}.{path}` has no source", ns.name),
            )
            .help = Some(
                "give the table a `source = \"id\"`, or the value { value = ..., source = \"id\" }"
                    .into(),
            );
            return;
        };
        let before = self.leaves.len();
        self.leaf(
            ns,
            key,
            path,
            Kind::AnyQty,
            file,
            v,
            &source,
            entry,
            &mut Vec::new(),
        );
        if self.leaves.len() == before {
            return; // reported by `leaf`
        }
        let LeafValue::Quantity(q) = self.leaves[before].value else {
            return;
        };
        if let Some(label) = label {
            if !q.dim.is_none() {
                self.err(
                    file,
                    v.span(),
                    format!("`{path}` has a `unit` label, so its value must be a plain number"),
                );
            }
            self.leaves[before].unit = label;
        }
        let zero_ok = match kind {
            Some(k) => {
                let rel = path
                    .strip_prefix(&k.prefix)
                    .map(|r| r.trim_start_matches('.'))
                    .unwrap_or(path);
                let Some(rule) = k.rules.get(rel) else {
                    let close = super::closest(rel, k.rules.keys().map(String::as_str));
                    let d = self.err(
                        file,
                        v.span(),
                        format!("unknown field `{rel}` of a {} entry", k.name),
                    );
                    d.help = Some(if close.is_empty() {
                        format!("the fields of `{}` are listed in {KINDS_FILE}", k.name)
                    } else {
                        format!("did you mean {}?", close.join(", "))
                    });
                    return;
                };
                if !rule.dims.contains(&q.dim) {
                    let have = if q.dim.is_none() {
                        "a plain number".to_string()
                    } else {
                        q.dim.name()
                    };
                    self.err(
                        file,
                        v.span(),
                        format!(
                            "`{path}` is {have}; a {} `{rel}` is {} (a unit like {})",
                            k.name,
                            rule.dims
                                .iter()
                                .map(|d| d.name())
                                .collect::<Vec<_>>()
                                .join(" or "),
                            rule.unit
                        ),
                    );
                    return;
                }
                rule.zero_ok
            }
            None => true,
        };
        if q.si < 0.0 || (q.si == 0.0 && !zero_ok) {
            self.err(
                file,
                v.span(),
                format!(
                    "`{path}` must be {}",
                    if zero_ok {
                        "zero or more"
                    } else {
                        "more than zero"
                    }
                ),
            );
        }
    }
}

impl Groups {
    /// Adds the group entries to `entries` (a group defined twice is an error) and checks that
    /// every reference names an existing entry.
    pub(super) fn finish(
        self,
        ld: &mut Loader,
        entries: &mut BTreeMap<&'static str, BTreeMap<String, Entry>>,
        files: &[RegistryFile],
    ) {
        let text_of = |rel: &str| {
            files
                .iter()
                .find(|f| f.path == rel)
                .map_or("", |f| f.text.as_str())
        };
        let mut defined_in: BTreeMap<(&str, String), String> = BTreeMap::new();
        for g in self.entries {
            if let Some(prev) = defined_in.get(&(g.ns, g.key.clone())) {
                let d = Diagnostic::at(
                    &ld.shown(&g.file),
                    text_of(&g.file),
                    g.span,
                    format!("{} group `{}` is already defined in {prev}", g.ns, g.key),
                );
                ld.diags.push(d);
                continue;
            }
            defined_in.insert((g.ns, g.key.clone()), ld.shown(&g.file));
            entries.entry(g.ns).or_default().insert(g.key, g.entry);
        }
        for r in self.refs {
            if !ref_exists(entries, &r.target) {
                let d = Diagnostic::at(
                    &ld.shown(&r.file),
                    text_of(&r.file),
                    r.span,
                    format!("`{}` names no registry entry", r.target),
                );
                ld.diags.push(d);
            }
        }
    }
}

/// Whether `target` (`hardware.H100`, `tech.Storage.NvmeGen4`) names an entry, or a sub-table of
/// a group.
fn ref_exists(entries: &BTreeMap<&'static str, BTreeMap<String, Entry>>, target: &str) -> bool {
    let mut parts = target.splitn(3, '.');
    let (Some(ns), Some(key)) = (parts.next(), parts.next()) else {
        return false;
    };
    let Some(entry) = entries.get(ns).and_then(|m| m.get(key)) else {
        return false;
    };
    match parts.next() {
        None => true,
        Some(rest) => {
            let prefix = format!("{rest}.");
            entry
                .fields
                .iter()
                .any(|(p, _)| p == rest || p.starts_with(&prefix))
        }
    }
}
