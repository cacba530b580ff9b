//! Golden cases of mlsysim 0.3.0 for the single-node solvers: `SingleNodeModel` (roofline),
//! `ServingModel` (serving) and the physics formulas they rest on (bottleneck, fiber RTT, KV and
//! MLA cache, activation memory, paged KV, prefill FLOPs). Every output must match to a relative
//! error below 1e-9; labels, booleans, missing values and warnings exactly.
//!
//! `MLSYSIM_GOLDEN=path` runs another golden file instead of `tests/data/golden.json`.

use mlsysim_book::registry::{load, Registry};
use mlsysim_book::solvers::{self, Out, Param, Params, SolveError};
use mlsysim_book::units::{parse_quantity, parse_unit};
use serde_json::Value as Json;

const TOLERANCE: f64 = 1e-9;

/// Physics functions whose formulas live in `formulas::performance` and `formulas::memory`.
const PHYSICS: &[&str] = &[
    "calc_bottleneck",
    "calc_network_latency_ms",
    "calc_kv_cache_size",
    "calc_mla_cache_size",
    "calc_paged_kv_cache_size",
    "calc_activation_memory",
    "calc_transformer_prefill_flops",
    "calc_speculative_expected_tokens",
];

/// Registry namespaces of mlsysim attribute paths (`Hardware.Cloud.H100`).
const NAMESPACES: &[&str] = &["Models", "Hardware", "Systems", "Infrastructure"];

fn golden() -> Json {
    let path = std::env::var("MLSYSIM_GOLDEN")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/golden.json").into());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {path}: {e}"))
}

fn registry() -> Registry {
    load::embedded().unwrap_or_else(|d| panic!("embedded registry must load:\n{d}"))
}

fn to_param(v: &Json) -> Result<Param, String> {
    match v {
        Json::Bool(b) => Ok(Param::Bool(*b)),
        Json::Number(n) => Ok(Param::Number(n.as_f64().ok_or("bad number")?)),
        Json::String(s) => {
            let first = s.split('.').next().unwrap_or("");
            if s.contains('.') && NAMESPACES.contains(&first) {
                Ok(Param::Text(s.rsplit('.').next().unwrap_or(s).to_string()))
            } else {
                Ok(Param::Text(s.clone()))
            }
        }
        Json::Object(o) if o.contains_key("value") && o.contains_key("unit") => {
            let text = format!("{} {}", o["value"], o["unit"].as_str().ok_or("unit")?);
            parse_quantity(&text)
                .map(Param::Quantity)
                .map_err(|e| format!("{text}: {e}"))
        }
        other => Err(format!("unsupported input {other}")),
    }
}

fn to_params(inputs: &Json) -> Result<Params, String> {
    let mut p = Params::new();
    for (k, v) in inputs.as_object().ok_or("inputs must be an object")? {
        p.insert(
            k.clone(),
            to_param(v).map_err(|e| format!("input {k}: {e}"))?,
        );
    }
    Ok(p)
}

fn json_float(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => match s.as_str() {
            "inf" => Some(f64::INFINITY),
            "-inf" => Some(f64::NEG_INFINITY),
            "nan" => Some(f64::NAN),
            _ => None,
        },
        _ => None,
    }
}

fn close(a: f64, b: f64) -> bool {
    if b.is_nan() {
        return a.is_nan();
    }
    if b.is_infinite() || b == 0.0 {
        return a == b || (b == 0.0 && a.abs() < 1e-300);
    }
    (a - b).abs() <= TOLERANCE * b.abs()
}

/// Compares one expected output with ours; `Err` describes the mismatch.
fn compare(name: &str, want: &Json, got: Option<&Out>) -> Result<(), String> {
    let unit = want["unit"].as_str().unwrap_or("");
    let value = &want["value"];
    let got = got.ok_or_else(|| format!("{name}: missing from our outputs"))?;
    match (unit, got) {
        (_, Out::Missing) if value.is_null() => Ok(()),
        (_, _) if value.is_null() => Err(format!("{name}: want null, got {got:?}")),
        ("label", Out::Label(l)) if Some(l.as_str()) == value.as_str() => Ok(()),
        ("bool", Out::Bool(b)) if Some(*b) == value.as_bool() => Ok(()),
        ("label" | "bool", _) => Err(format!("{name}: want {value}, got {got:?}")),
        (_, Out::Value(v)) => {
            let u = parse_unit(unit).map_err(|e| format!("{name}: unit {unit}: {e}"))?;
            let x = json_float(value).ok_or_else(|| format!("{name}: bad value {value}"))?;
            if u.dim != v.dim {
                return Err(format!("{name}: dimension {} vs ours {}", u.dim, v.dim));
            }
            let want_si = x * u.factor;
            if close(v.si, want_si) {
                Ok(())
            } else {
                Err(format!(
                    "{name}: want {want_si:e} (= {x} {unit}), got {:e} (rel {:e})",
                    v.si,
                    ((v.si - want_si) / want_si).abs()
                ))
            }
        }
        _ => Err(format!("{name}: want {value} {unit}, got {got:?}")),
    }
}

/// Runs one case; `Err` lists every mismatch.
fn check_case(reg: &Registry, case: &Json) -> Result<(), String> {
    let params = to_params(&case["inputs"])?;
    let solver = case["solver"].as_str().unwrap_or("");
    let call = case["call"].as_str().unwrap_or("");
    let result: Result<(Vec<(&'static str, Out)>, Vec<String>), SolveError> = match solver {
        "SingleNodeModel" | "ServingModel" => {
            let name = if solver == "ServingModel" {
                "serving"
            } else {
                "roofline"
            };
            solvers::run(reg, name, &params).map(|o| {
                let unknown: Vec<_> = o
                    .lineage
                    .formulas
                    .iter()
                    .filter(|f| mlsysim_book::formulas::find(f).is_none())
                    .collect();
                assert!(
                    unknown.is_empty(),
                    "lineage names unknown formulas {unknown:?}"
                );
                (o.outputs, o.warnings)
            })
        }
        _ => {
            let name = call.split('(').next().unwrap_or(call).trim();
            mlsysim_book::formulas::call(name, &params).map(|o| (o, Vec::new()))
        }
    };
    if let Some(err) = case.get("error").and_then(Json::as_str) {
        let msg = err.split_once(": ").map_or(err, |(_, m)| m);
        return match result {
            Err(e) if e.to_string().contains(msg) => Ok(()),
            Err(e) => Err(format!("error message: want `{msg}`, got `{e}`")),
            Ok(_) => Err(format!("want error `{msg}`, got a result")),
        };
    }
    let (outputs, warnings) = result.map_err(|e| format!("solver error: {e}"))?;
    let mut problems = Vec::new();
    for (name, want) in case["outputs"]
        .as_object()
        .ok_or("outputs must be an object")?
    {
        let got = outputs.iter().find(|(n, _)| n == name).map(|(_, o)| o);
        if let Err(e) = compare(name, want, got) {
            problems.push(e);
        }
    }
    let want_warnings: Vec<String> = case["warnings"]
        .as_array()
        .map(|w| {
            w.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    if want_warnings != warnings {
        problems.push(format!(
            "warnings: want {want_warnings:?}, got {warnings:?}"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn is_mine(case: &Json) -> bool {
    match case["solver"].as_str() {
        Some("SingleNodeModel" | "ServingModel") => true,
        Some("physics") => {
            let call = case["call"].as_str().unwrap_or("");
            PHYSICS.contains(&call.split('(').next().unwrap_or("").trim())
        }
        _ => false,
    }
}

fn run_solver(filter: impl Fn(&Json) -> bool) -> usize {
    let g = golden();
    let reg = registry();
    let cases: Vec<&Json> = g["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| is_mine(c) && filter(c))
        .collect();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            check_case(&reg, c)
                .err()
                .map(|e| format!("{}: {e}", c["id"].as_str().unwrap_or("?")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} golden cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    cases.len()
}

#[test]
fn single_node_model_golden() {
    let n = run_solver(|c| c["solver"] == "SingleNodeModel");
    assert!(n > 0, "no SingleNodeModel cases");
}

#[test]
fn serving_model_golden() {
    let n = run_solver(|c| c["solver"] == "ServingModel");
    assert!(n > 0, "no ServingModel cases");
}

#[test]
fn physics_golden() {
    let n = run_solver(|c| c["solver"] == "physics");
    assert!(n > 0, "no physics cases");
}

#[test]
fn bad_input_is_invalid() {
    let reg = registry();
    let p = |pairs: &[(&str, Param)]| -> Params {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    };
    let text = |s: &str| Param::Text(s.into());
    let base = [("model", text("Llama3_8B")), ("hardware", text("H100"))];
    let cases: Vec<(&str, Params)> = vec![
        (
            "roofline",
            p(&[
                base[0].clone(),
                base[1].clone(),
                ("batch_size", Param::Number(0.0)),
            ]),
        ),
        (
            "roofline",
            p(&[
                base[0].clone(),
                base[1].clone(),
                ("efficiency", Param::Number(1.5)),
            ]),
        ),
        (
            "roofline",
            p(&[
                base[0].clone(),
                base[1].clone(),
                ("efficiency", Param::Number(0.0)),
            ]),
        ),
        (
            "roofline",
            p(&[base[0].clone(), base[1].clone(), ("precision", text("fp7"))]),
        ),
        (
            "roofline",
            p(&[
                base[0].clone(),
                base[1].clone(),
                ("seq_len", Param::Number(0.0)),
            ]),
        ),
        (
            "serving",
            p(&[
                base[0].clone(),
                base[1].clone(),
                ("seq_len", Param::Number(0.0)),
            ]),
        ),
        ("serving", p(&[base[0].clone(), base[1].clone()])),
        (
            "serving",
            p(&[
                base[0].clone(),
                base[1].clone(),
                ("seq_len", Param::Number(512.0)),
                ("cached_prefix_len", Param::Number(512.0)),
            ]),
        ),
        (
            "serving",
            p(&[
                base[0].clone(),
                base[1].clone(),
                ("seq_len", Param::Number(512.0)),
                ("draft_acceptance_rate", Param::Number(1.2)),
            ]),
        ),
        (
            "serving",
            p(&[
                base[0].clone(),
                base[1].clone(),
                ("seq_len", Param::Number(512.0)),
                ("prefill_chunk_tokens", Param::Number(0.0)),
            ]),
        ),
        (
            "serving",
            p(&[
                ("model", text("ResNet50")),
                base[1].clone(),
                ("seq_len", Param::Number(512.0)),
            ]),
        ),
    ];
    for (solver, params) in cases {
        match solvers::run(&reg, solver, &params) {
            Err(SolveError::Invalid { message, .. }) => {
                assert!(!message.contains('\n'), "{message}")
            }
            other => panic!("{solver} {params:?}: want Invalid, got {other:?}"),
        }
    }
    let err = solvers::run(
        &reg,
        "roofline",
        &p(&[base[0].clone(), base[1].clone(), ("precision", text("fp7"))]),
    );
    assert!(err.unwrap_err().to_string().contains(
        "precision 'fp7' is not supported. Supported precision values: bf16, fp16, fp32, fp8, int4, int8, tf32"
    ));
}

fn value(out: &[(&'static str, Out)], name: &str) -> f64 {
    match out.iter().find(|(n, _)| *n == name).map(|(_, o)| o) {
        Some(Out::Value(v)) => v.si,
        other => panic!("{name}: {other:?}"),
    }
}

fn serving(reg: &Registry, pairs: &[(&str, Param)]) -> Vec<(&'static str, Out)> {
    let params: Params = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    solvers::run(reg, "serving", &params)
        .expect("serving runs")
        .outputs
}

#[test]
fn serving_worked_check_and_speculative_decoding() {
    let reg = registry();
    let text = |s: &str| Param::Text(s.into());
    let n = Param::Number;
    // Fact sheet §2.2: Llama3_8B / H100 / S 4096 / B 8 / fp16.
    let out = serving(
        &reg,
        &[
            ("model", text("Llama3_8B")),
            ("hardware", text("H100")),
            ("seq_len", n(4096.0)),
            ("batch_size", n(8.0)),
        ],
    );
    assert!((value(&out, "ttft") * 1e3 - 1206.53).abs() < 0.01);
    assert!((value(&out, "itl") * 1e3 - 6.3961).abs() < 1e-4);
    // Speculative decoding, K = 4: ITL = (K·t_draft + ITL_target) / E, t_draft = (W_d + KV_d)/BW.
    let (bw, tax) = (3.35e12, 0.01e-3);
    let kv = |layers: f64, kvh: f64| 2.0 * layers * kvh * 128.0 * 2048.0 * 2.0;
    let target = (70.6e9 * 2.0 + kv(80.0, 8.0)) / bw + 80.0 * tax;
    let draft = (8.03e9 * 2.0 + kv(32.0, 8.0)) / bw;
    for alpha in [0.7f64, 1.0] {
        let e: f64 = if alpha < 1.0 {
            1.0 + alpha * (1.0 - alpha.powi(4)) / (1.0 - alpha)
        } else {
            5.0
        };
        let out = serving(
            &reg,
            &[
                ("model", text("Llama3_70B")),
                ("hardware", text("H100")),
                ("seq_len", n(2048.0)),
                ("draft_model", text("Llama3_8B")),
                ("draft_acceptance_rate", n(alpha)),
            ],
        );
        let want = (4.0 * draft + target) / e;
        assert!(
            (value(&out, "itl") - want).abs() <= 1e-12 * want,
            "alpha {alpha}"
        );
        let total = 70.6e9 * 2.0 + kv(80.0, 8.0) + 8.03e9 * 2.0;
        assert!((value(&out, "total_memory_required") - total).abs() <= 1e-9 * total);
    }
}

#[test]
fn ridge_point_of_h100() {
    let reg = registry();
    let h100 = reg.hardware("H100").unwrap();
    let r = mlsysim_book::formulas::performance::ridge_point(h100, None);
    assert!((r.value - 295.223_880_597).abs() < 1e-6);
}
