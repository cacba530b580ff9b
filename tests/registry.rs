//! The registry: counts and spot values against mlsysim 0.3.0, units and provenance of every
//! value, and located rejection of bad registries.

use mlsysim_book::base::units::*;
use mlsysim_book::registry::{load, schema, LeafValue, Registry};
use std::process::Command;

fn reg() -> Registry {
    load::embedded().unwrap_or_else(|d| panic!("embedded registry must load:\n{d}"))
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs()
}

#[test]
fn counts_match_mlsysim() {
    let r = reg();
    assert_eq!(r.hardware.len(), 52);
    assert_eq!(r.models.len(), 42);
    assert_eq!(r.grids.len(), 12);
    assert_eq!(r.datacenters.len(), 7);
    assert_eq!(r.nodes.len(), 8);
    assert_eq!(r.fabrics.len(), 14);
    assert_eq!(r.fleets.len(), 18);
    let tier = |t: &str| r.hardware.values().filter(|h| h.tier == t).count();
    assert_eq!(
        [
            tier("Cloud"),
            tier("Workstation"),
            tier("Mobile"),
            tier("Edge"),
            tier("Tiny")
        ],
        [31, 3, 4, 8, 6]
    );
    let lighthouse: Vec<&str> = r
        .scenarios
        .values()
        .filter(|s| s.lighthouse)
        .map(|s| s.key.as_str())
        .collect();
    assert_eq!(
        lighthouse,
        [
            "AutonomousVehicle",
            "FrontierTraining",
            "LocalTraining",
            "SmartDoorbell"
        ]
    );
}

#[test]
fn spot_values_match_the_reference() {
    let r = reg();
    let h100 = r.hardware("H100").unwrap();
    assert!(close(
        h100.compute
            .peak_flops
            .v
            .get::<compute_rate::teraflop_per_second>(),
        989.0,
        1e-12
    ));
    assert!(close(
        h100.bandwidth().v.get::<bandwidth::terabyte_per_second>(),
        3.35,
        1e-12
    ));
    assert!(close(
        h100.capacity().v.get::<information::gigabyte>(),
        85.899_345_92,
        1e-12
    ));
    assert!(close(
        h100.capacity().v.get::<information::gibibyte>(),
        80.0,
        1e-12
    ));
    assert!(close(
        h100.tdp.unwrap().v.get::<power::watt>(),
        700.0,
        1e-12
    ));
    let ridge: ArithmeticIntensity = h100.compute.peak_flops.v / h100.bandwidth().v;
    assert!(close(
        ridge.get::<arithmetic_intensity::flop_per_byte>(),
        295.223_880_597,
        1e-9
    ));
    let a100 = r.hardware("A100").unwrap();
    assert!(close(
        a100.bandwidth().v.get::<bandwidth::gigabyte_per_second>(),
        2039.0,
        1e-12
    ));
    let quebec = r.grid("Quebec").unwrap();
    assert!(close(
        quebec
            .carbon_intensity
            .v
            .get::<carbon_intensity::gram_per_kilowatt_hour>(),
        20.0,
        1e-12
    ));
    assert_eq!(quebec.pue.v, 1.06);
    assert_eq!(r.fleet("Frontier_8K").unwrap().total_accelerators(), 8192.0);
    assert_eq!(
        r.fleet("Mega_100K").unwrap().total_accelerators(),
        100_000.0
    );
    let llama = r.model("Llama3_8B").unwrap();
    assert_eq!(llama.parameters.unwrap().v, 8.03e9);
    assert_eq!(llama.kv_heads.unwrap().v, 8.0);
    assert!(close(
        r.model("ResNet50")
            .unwrap()
            .inference_flops
            .unwrap()
            .v
            .get::<operations::gigaflop>(),
        8.2,
        1e-12
    ));
    let esp = r.hardware("ESP32_S3").unwrap();
    assert!(close(
        esp.sram
            .as_ref()
            .unwrap()
            .capacity
            .unwrap()
            .v
            .get::<information::kibibyte>(),
        520.0,
        1e-12
    ));
    assert!(close(
        r.calibration
            .electricity_price
            .v
            .get::<energy_price::dollar_per_kilowatt_hour>(),
        0.12,
        1e-12
    ));
}

#[test]
fn every_value_has_a_unit_of_the_right_dimension_and_a_known_source() {
    let r = reg();
    assert!(r.leaves.len() > 1000);
    for leaf in &r.leaves {
        assert!(
            r.sources.contains_key(&leaf.source),
            "{} cites unknown source {}",
            leaf.path(),
            leaf.source
        );
        let ns = schema::namespace(leaf.namespace).unwrap();
        if ns.is_groups() {
            continue; // checked against kinds.toml; see tests/registry_extra.rs
        }
        let spec = ns.field(&leaf.field).unwrap();
        if let (schema::Kind::Qty(d) | schema::Kind::QtyMap(d), LeafValue::Quantity(v)) =
            (spec.kind, &leaf.value)
        {
            assert_eq!(v.dim, d, "{}", leaf.path());
            assert!(!leaf.unit.is_empty(), "{} has no unit", leaf.path());
        }
        if let LeafValue::Quantity(v) = &leaf.value {
            assert!(v.si.is_finite(), "{}", leaf.path());
        }
    }
    for s in r.sources.values() {
        assert_eq!(s.verified.len(), 10, "{}", s.id);
        if s.kind.needs_url() {
            assert!(s.url.is_some(), "{}", s.id);
        }
        if s.kind.needs_notes() {
            assert!(s.notes.is_some(), "{}", s.id);
        }
    }
}

#[test]
fn a_field_can_override_its_entry_source() {
    let files = vec![
        load::RegistryFile { path: "sources/s.toml".into(), text: "[a]\nkind = \"convention\"\ntitle = \"A\"\nverified = \"2026-01-01\"\n[b]\nkind = \"convention\"\ntitle = \"B\"\nverified = \"2026-01-01\"\n".into() },
        load::RegistryFile { path: "grids.toml".into(), text: "[G]\nname = \"G\"\nsource = \"a\"\ncarbon_intensity = { value = \"20 g/kWh\", source = \"b\" }\npue = 1.1\n".into() },
    ];
    // Loading fails for want of other namespaces, but the leaves are checked first: no source errors.
    let err = load::load_files(&files, "r").unwrap_err().to_string();
    assert!(!err.contains("source"), "{err}");
}

#[test]
fn bad_registry_is_rejected_with_every_problem_located() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bad-registry");
    let err = load::load_dir(std::path::Path::new(dir)).unwrap_err();
    let text = err
        .to_string()
        .replace(env!("CARGO_MANIFEST_DIR"), "[ROOT]");
    let firsts: Vec<&str> = text.lines().filter(|l| l.contains(": error: ")).collect();
    let expect = [
        "fleets.toml:3:8: error: fleets entry `Lab`: `node` names unknown nodes key `DGX_H10`",
        "grids.toml:3:20: error: `carbon_intensity` is a bare number; expected a quantity string with a unit of carbon intensity (mass/energy)",
        "hardware/cloud/Widget.toml:7:1: error: unknown field `fan_speed` in hardware entry `Widget`",
        "hardware/cloud/Widget.toml:10:14: error: `compute.peak_flops` = \"3.35 TB/s\" is bandwidth (bytes/s); expected compute rate (FLOP/s)",
        "hardware/cloud/Widget.toml:14:42: error: unknown source id `missing-source`",
        "models/language.toml:8:2: error: invalid TOML: duplicate key",
        "sources/main.toml:7:2: error: datasheet source `no-url-datasheet` requires a `url`",
        "sources/main.toml:15:12: error: `2026-02-30` is not a valid ISO date (YYYY-MM-DD)",
        "sources/main.toml:17:2: error: estimate source `vague-estimate` requires `notes`",
    ];
    for e in expect {
        assert!(
            firsts.iter().any(|l| l.ends_with(e)),
            "missing `{e}` in:\n{text}"
        );
    }
    insta::assert_snapshot!("bad_registry", text);
}

#[test]
fn cli_refuses_a_bad_registry_with_exit_1() {
    let out = Command::new(env!("CARGO_BIN_EXE_mlsysim-book"))
        .args(["--registry", "tests/fixtures/bad-registry", "zoo"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("tests/fixtures/bad-registry/hardware/cloud/Widget.toml:10:14: error:"),
        "{err}"
    );
    assert!(
        err.contains("error: the registry has 10 problem(s)"),
        "{err}"
    );
}
