//! Parity of the registry's mlsysim trees (`tech`, `reference`, `literature`, ...) with the facts
//! dumped from mlsysim 0.3.0 into tests/data/mlsysim-registry-extra.json (see
//! tests/data/dump_mlsysim_registry.py): every numeric value equal after unit conversion, the same
//! number of values per group, every reference to another entry kept.

use mlsysim_book::registry::extra::KINDS_FILE;
use mlsysim_book::registry::load::{embedded, load_files, RegistryFile};
use mlsysim_book::registry::{schema, LeafValue, Registry, SourceKind};
use serde_json::Value as Json;
use std::collections::BTreeMap;

fn facts() -> Json {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/mlsysim-registry-extra.json"
    ))
    .expect("fact file");
    serde_json::from_str(&text).expect("fact file is JSON")
}

fn group_of(path: &str) -> String {
    path.splitn(3, '.').take(2).collect::<Vec<_>>().join(".")
}

fn is_group_ns(ns: &str) -> bool {
    schema::GROUP_NAMESPACES.iter().any(|n| n.name == ns)
}

#[test]
fn every_mlsysim_value_matches_after_unit_conversion() {
    let reg = embedded().expect("registry loads");
    let ours: BTreeMap<String, &mlsysim_book::registry::Leaf> =
        reg.leaves.iter().map(|l| (l.path(), l)).collect();
    let facts = facts();
    let values = facts["values"].as_array().expect("values");
    assert!(values.len() > 1000, "{} facts", values.len());
    let mut problems = Vec::new();
    for f in values {
        let path = f["path"].as_str().expect("path");
        let Some(leaf) = ours.get(path) else {
            problems.push(format!("{path}: missing"));
            continue;
        };
        let LeafValue::Quantity(q) = &leaf.value else {
            problems.push(format!("{path}: not a number"));
            continue;
        };
        let unit = f["unit"].as_str().unwrap_or("");
        // A unit with a half power (noise densities, motor constants) is kept as a plain number in
        // mlsysim's unit, named by the leaf's unit label.
        let (want, have) = if unit.contains("⁰⋅⁵") {
            assert_eq!(leaf.unit, unit, "{path}: unit label");
            (f["value"].as_f64().expect("value"), q.si)
        } else {
            (f["si"].as_f64().expect("si"), q.si)
        };
        let rel = if want == 0.0 {
            have.abs()
        } else {
            ((have - want) / want).abs()
        };
        if rel > 1e-12 {
            problems.push(format!(
                "{path}: ours {have} vs mlsysim {want} (SI), written `{}`",
                leaf.unit
            ));
        }
        let source = f["source"]["id"].as_str();
        match source {
            None => {
                let kind = reg.leaf_source_kind(leaf);
                if kind != Some(SourceKind::Unsourced) {
                    problems.push(format!("{path}: mlsysim gives no source, ours is {kind:?}"));
                }
            }
            Some(_) if leaf.source.is_empty() => problems.push(format!("{path}: no source")),
            Some(_) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

trait SourceKindOf {
    fn leaf_source_kind(&self, leaf: &mlsysim_book::registry::Leaf) -> Option<SourceKind>;
}
impl SourceKindOf for Registry {
    fn leaf_source_kind(&self, leaf: &mlsysim_book::registry::Leaf) -> Option<SourceKind> {
        self.sources.get(&leaf.source).map(|s| s.kind)
    }
}

#[test]
fn counts_per_group_match() {
    let reg = embedded().expect("registry loads");
    let facts = facts();
    let mut want: BTreeMap<String, usize> = BTreeMap::new();
    for f in facts["values"].as_array().expect("values") {
        *want
            .entry(group_of(f["path"].as_str().expect("path")))
            .or_default() += 1;
    }
    let mut have: BTreeMap<String, usize> = BTreeMap::new();
    for l in &reg.leaves {
        if is_group_ns(l.namespace) && matches!(l.value, LeafValue::Quantity(_)) {
            *have
                .entry(format!("{}.{}", l.namespace, l.key))
                .or_default() += 1;
        }
    }
    assert_eq!(have, want);
    let total: usize = have.values().sum();
    assert_eq!(total, facts["values"].as_array().expect("values").len());
}

#[test]
fn references_to_other_entries_are_kept() {
    let reg = embedded().expect("registry loads");
    let ours: BTreeMap<String, &LeafValue> =
        reg.leaves.iter().map(|l| (l.path(), &l.value)).collect();
    for r in facts()["refs"].as_array().expect("refs") {
        let path = r["path"].as_str().expect("path");
        let target = r["ref"].as_str().expect("ref");
        assert_eq!(
            ours.get(path),
            Some(&&LeafValue::Text(target.to_string())),
            "{path}"
        );
    }
}

fn with_file(path: &str, text: &str) -> Vec<RegistryFile> {
    let mut files: Vec<RegistryFile> = mlsysim_book::registry::load::embedded_files()
        .into_iter()
        .filter(|f| f.path != path)
        .collect();
    files.push(RegistryFile {
        path: path.to_string(),
        text: text.to_string(),
    });
    files
}

fn errors(files: &[RegistryFile]) -> String {
    match load_files(files, "registry") {
        Ok(_) => String::new(),
        Err(d) => d.to_string(),
    }
}

#[test]
fn group_values_are_validated_with_located_errors() {
    let bad = "[Memory.DRAM]\nkind = \"memory_tier\"\nsource = \"horowitz-2014\"\nenergy_per_access = \"640 GB/s\"\nlatancy = \"1 ns\"\n\n[Memory.L1]\nkind = \"memory_tier\"\nlatency = \"1 ns\"\n\n[Memory.L2]\nkind = \"memory_tier\"\nsource = \"nope-source\"\nlatency = \"-4 ns\"\nstorage = { ref = \"tech.Storage.NoSuchTier\" }\n";
    let e = errors(&with_file("tech/memory.toml", bad));
    assert!(e.contains("registry/tech/memory.toml:4:21"), "{e}");
    assert!(
        e.contains("a memory_tier `energy_per_access` is energy"),
        "{e}"
    );
    assert!(
        e.contains("unknown field `latancy` of a memory_tier entry"),
        "{e}"
    );
    assert!(e.contains("did you mean latency"), "{e}");
    assert!(e.contains("value `Memory.L1.latency` has no source"), "{e}");
    assert!(e.contains("unknown source id `nope-source`"), "{e}");
    assert!(e.contains("must be more than zero"), "{e}");
    assert!(
        e.contains("`tech.Storage.NoSuchTier` names no registry entry"),
        "{e}"
    );
    let kinds = "[memory_tier]\nlatency = \"parsecs\"\n";
    let e = errors(&with_file(KINDS_FILE, kinds));
    assert!(e.contains("registry/kinds.toml:2:11"), "{e}");
    assert!(e.contains("unknown unit"), "{e}");
}

#[test]
fn unsourced_values_are_flagged() {
    let reg = embedded().expect("registry loads");
    let unsourced: Vec<String> = reg
        .leaves
        .iter()
        .filter(|l| {
            reg.sources
                .get(&l.source)
                .is_some_and(|s| s.kind == SourceKind::Unsourced)
        })
        .map(|l| l.path())
        .collect();
    assert_eq!(unsourced, ["systems.Reliability.SdcRatePerGpuHr"]);
}
