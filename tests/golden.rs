//! Golden cases of mlsysim 0.3.0: every case of `tests/data/golden.json` (or of the file named by
//! the environment variable `MLSYSIM_GOLDEN`) runs through our solvers or formula library, and every
//! output must match to a relative error below 1e-9 (labels, booleans and warnings exactly; the
//! recorded error case must fail with the recorded message).

use mlsysim_book::base::units::{parse_quantity, parse_unit, Value};
use mlsysim_book::calc::catalog;
use mlsysim_book::calc::params::{Out, Param, Params, SolveError, SolveOutput};
use mlsysim_book::registry::{load, Registry};
use serde_json::Value as Json;

const REL_TOL: f64 = 1e-9;

/// mlsysim solver class → our solver name.
const SOLVERS: [(&str, &str); 6] = [
    ("SingleNodeModel", "roofline"),
    ("ServingModel", "serving"),
    ("DistributedModel", "distributed"),
    ("EconomicsModel", "economics"),
    ("SustainabilityModel", "sustainability"),
    ("ReliabilityModel", "reliability"),
];

fn golden() -> Json {
    let path = std::env::var("MLSYSIM_GOLDEN")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/golden.json").into());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {path}: {e}"))
}

fn registry() -> Registry {
    load::embedded().unwrap_or_else(|d| panic!("embedded registry: {d:?}"))
}

/// `"Models.Language.Llama3_8B"` → `Llama3_8B`.
fn key(path: &str) -> String {
    path.rsplit('.').next().unwrap_or(path).to_string()
}

/// A golden input value as a solver parameter.
fn param(v: &Json) -> Param {
    match v {
        Json::Bool(b) => Param::Bool(*b),
        Json::Number(n) => Param::Number(n.as_f64().expect("number")),
        Json::String(s) if s.contains('.') && s.starts_with(char::is_uppercase) => {
            Param::Text(key(s))
        }
        Json::String(s) => Param::Text(s.clone()),
        Json::Object(o) if o.contains_key("value") && o.contains_key("unit") => {
            let q = format!("{} {}", o["value"], o["unit"].as_str().expect("unit"));
            Param::Quantity(parse_quantity(&q).unwrap_or_else(|e| panic!("{q}: {e}")))
        }
        other => panic!("unsupported golden input {other}"),
    }
}

/// Golden inputs → params; a composed fleet becomes `node`, `node_count` and `fabric`.
fn params(inputs: &Json) -> Params {
    let mut p = Params::new();
    for (name, v) in inputs.as_object().expect("inputs") {
        match v {
            Json::Object(o) if o.contains_key("compose") => {
                assert_eq!(o["compose"], "Fleet(node, count, fabric)", "{name}");
                p.insert("node".into(), param(&o["node"]));
                p.insert("node_count".into(), param(&o["count"]));
                p.insert("fabric".into(), param(&o["fabric"]));
            }
            _ => {
                p.insert(name.clone(), param(v));
            }
        }
    }
    p
}

/// Compares one output; returns a description of the mismatch.
fn check(name: &str, expected: &Json, got: Option<&Out>) -> Option<String> {
    let got = match got {
        Some(o) => o,
        None => return Some(format!("{name}: missing output")),
    };
    if expected.is_null() || expected["value"].is_null() {
        return (got != &Out::Missing).then(|| format!("{name}: expected null, got {got:?}"));
    }
    let unit = expected["unit"].as_str().expect("unit");
    let value = &expected["value"];
    match (unit, got) {
        ("label", Out::Label(l)) => {
            (value.as_str() != Some(l)).then(|| format!("{name}: expected {value}, got {l}"))
        }
        ("bool", Out::Bool(b)) => {
            (value.as_bool() != Some(*b)).then(|| format!("{name}: expected {value}, got {b}"))
        }
        (_, Out::Value(Value { si, dim })) => {
            let u = parse_unit(unit).unwrap_or_else(|e| panic!("{unit}: {e}"));
            let want = match value {
                Json::String(s) => s.parse::<f64>().expect("inf/nan") * u.factor,
                v => v.as_f64().expect("number") * u.factor,
            };
            if u.dim != *dim {
                return Some(format!("{name}: dimension {dim}, expected {}", u.dim));
            }
            let ok = if want.is_finite() {
                (si - want).abs() <= REL_TOL * want.abs().max(f64::MIN_POSITIVE)
            } else {
                si == &want || (want.is_nan() && si.is_nan())
            };
            (!ok).then(|| {
                format!(
                    "{name}: expected {want}, got {si} (rel {:e})",
                    (si - want) / want
                )
            })
        }
        (_, other) => Some(format!("{name}: expected {unit} {value}, got {other:?}")),
    }
}

fn report(failures: Vec<String>, n: usize) {
    assert!(
        failures.is_empty(),
        "{} of {n} golden cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(n > 0, "no golden cases found");
}

/// Runs one case: a solver by name, or a physics formula by its mlsysim name.
fn run(reg: &Registry, case: &Json) -> Result<SolveOutput, String> {
    let solver = case["solver"].as_str().expect("solver");
    let p = params(&case["inputs"]);
    if solver == "physics" {
        let call = case["call"].as_str().expect("call");
        let name = call.split('(').next().unwrap_or(call).trim();
        return mlsysim_book::calc::formulas::call(name, &p)
            .map(|outputs| SolveOutput {
                outputs,
                lineage: Default::default(),
                warnings: vec![],
            })
            .map_err(|e| e.to_string());
    }
    let Some((_, ours)) = SOLVERS.iter().find(|(m, _)| *m == solver) else {
        return Err(format!("no solver for mlsysim `{solver}`"));
    };
    catalog::run(reg, ours, &p).map_err(|e| match e {
        SolveError::Invalid { message, .. } => message,
        other => other.to_string(),
    })
}

#[test]
fn every_golden_case_matches() {
    let g = golden();
    let reg = registry();
    let mut failures = Vec::new();
    let cases = g["cases"].as_array().expect("cases");
    for case in cases {
        let id = case["id"].as_str().unwrap_or("?");
        let res = run(&reg, case);
        if let Some(err) = case.get("error").and_then(Json::as_str) {
            let want = err.split_once(": ").map_or(err, |(_, m)| m);
            match res {
                Err(message) if message == want => {}
                Err(e) => failures.push(format!("{id}: error `{e}`, expected `{want}`")),
                Ok(_) => failures.push(format!("{id}: no error, expected `{want}`")),
            }
            continue;
        }
        let out = match res {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{id}: {e}"));
                continue;
            }
        };
        let expected = case["outputs"].as_object().expect("outputs");
        let mut bad: Vec<String> = expected
            .iter()
            .filter_map(|(name, v)| check(name, v, out.get(name)))
            .collect();
        if case["solver"] != "physics" {
            let warnings: Vec<&str> = case["warnings"]
                .as_array()
                .map(|w| w.iter().filter_map(Json::as_str).collect())
                .unwrap_or_default();
            if warnings != out.warnings {
                bad.push(format!(
                    "warnings {:?}, expected {warnings:?}",
                    out.warnings
                ));
            }
        }
        if !bad.is_empty() {
            failures.push(format!("{id}:\n  {}", bad.join("\n  ")));
        }
    }
    report(failures, cases.len());
    eprintln!("{} golden cases match", cases.len());
}

/// The models beyond the core six (`tests/data/golden-models.json`, generated by
/// `tests/data/gen_golden_models.py`): each case's mlsysim class is looked up in the solver
/// catalog. A case where mlsysim raises must be rejected by ours too (mlsysim's exception text, often
/// Python's own `ZeroDivisionError`, is not compared).
#[test]
fn every_model_golden_case_matches() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/golden-models.json");
    let g: Json =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("parse");
    let reg = registry();
    let mut failures = Vec::new();
    let cases = g["cases"].as_array().expect("cases");
    for case in cases {
        let id = case["id"].as_str().unwrap_or("?");
        let class = case["solver"].as_str().expect("solver");
        let Some(def) = catalog::by_class(class) else {
            failures.push(format!("{id}: no solver declares class `{class}`"));
            continue;
        };
        let res = catalog::run(&reg, def.name, &params(&case["inputs"]));
        if case.get("error").is_some() {
            if let Ok(o) = res {
                failures.push(format!(
                    "{id}: accepted, mlsysim raises; got {:?}",
                    o.outputs
                ));
            }
            continue;
        }
        let out = match res {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{id}: {e}"));
                continue;
            }
        };
        let bad: Vec<String> = case["outputs"]
            .as_object()
            .expect("outputs")
            .iter()
            .filter_map(|(name, v)| check(name, v, out.get(name)))
            .collect();
        if !bad.is_empty() {
            failures.push(format!("{id}:\n  {}", bad.join("\n  ")));
        }
        for d in def.outputs {
            if out.get(d.name).is_none() {
                failures.push(format!("{id}: declared output `{}` missing", d.name));
            }
        }
    }
    report(failures, cases.len());
    eprintln!("{} model golden cases match", cases.len());
}
