//! Plans, `schema` and `optimize`, end to end through the real binary: scorecard and search output
//! (pinned by snapshots), exit codes 0 / 1 / 2 / 3, located plan errors, and the search results on
//! known cases (no infeasible configuration is ever ranked; a high carbon price picks a low-carbon
//! grid).

use serde_json::Value as Json;

mod common;
use common::{ok, run};

const PLANS: &str = "tests/fixtures/plans";

fn json(args: &[&str]) -> Json {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    serde_json::from_str(&ok(&a)).expect("JSON on stdout")
}

fn plan(name: &str) -> String {
    format!("{PLANS}/{name}")
}

// ---------------------------------------------------------------------------------------------
// eval PLAN

#[test]
fn presets_evaluate_and_meet_their_asserts() {
    for p in ["CloudTitan", "EdgeGuardian", "MobileNomad", "TinyPioneer"] {
        let out = ok(&["eval", p]);
        assert!(out.contains("\nasserts\n"), "{out}");
        assert!(!out.contains("FAIL  "), "{out}");
        insta::assert_snapshot!(format!("eval_preset_{p}"), out);
        // The preset files on disk are the built-in presets.
        let file = format!("plans/{p}.toml");
        assert_eq!(ok(&["eval", &file]), ok(&["eval", p]));
    }
}

#[test]
fn device_plan_scorecard_text_and_json() {
    let out = ok(&["eval", &plan("resnet.toml")]);
    insta::assert_snapshot!("eval_device_plan", out);
    let j = json(&["eval", &plan("resnet.toml")]);
    assert_eq!(j["status"], "ok");
    assert_eq!(j["levels"]["feasibility"]["status"], "PASS");
    assert_eq!(
        j["levels"]["performance"]["metrics"]["latency"]["unit"],
        "ms"
    );
    // The region is honoured: France's grid, not mlsysim's fixed US_Avg.
    assert!(j["levels"]["macro"]["summary"]
        .as_str()
        .unwrap()
        .contains("France (Nuclear)"));
    assert_eq!(j["asserts"].as_array().unwrap().len(), 2);
    assert!(j["violations"].as_array().unwrap().is_empty());
}

#[test]
fn violated_assert_exits_3_after_printing_the_scorecard() {
    let (code, out, err) = run(&["eval", &plan("training.yaml")]);
    assert_eq!(code, 3, "{err}");
    insta::assert_snapshot!("eval_violated_assert", out);
    assert_eq!(
        err,
        "error: assert violated: performance.step_latency (117,842 ms) exceeds max (50.00 ms)\n"
    );
    // The mlsysim README numbers on the distributed path (fact sheet §4.4), with Quebec honoured.
    let (code, out, _) = run(&["eval", &plan("training.yaml"), "--format", "json"]);
    assert_eq!(code, 3);
    let j: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(j["status"], "sla_failed");
    assert_eq!(j["violations"].as_array().unwrap().len(), 1);
    let perf = &j["levels"]["performance"]["metrics"];
    assert!((perf["step_latency"]["value"].as_f64().unwrap() - 117_842.060_374).abs() < 1e-3);
    assert!((perf["scaling_efficiency"]["value"].as_f64().unwrap() - 0.952_815).abs() < 1e-6);
    let carbon = j["levels"]["macro"]["metrics"]["carbon_footprint"]["value"]
        .as_f64()
        .unwrap();
    assert!(
        (carbon - 0.319_119).abs() < 1e-5,
        "Quebec 20 g/kWh, PUE 1.06: {carbon}"
    );
}

#[test]
fn toml_and_yaml_plans_are_the_same_plan() {
    let (c1, yaml, _) = run(&["eval", &plan("training.yaml")]);
    let (c2, toml, _) = run(&["eval", &plan("training.toml")]);
    assert_eq!((c1, c2), (3, 3));
    assert_eq!(
        yaml.replace("training.yaml", "X"),
        toml.replace("training.toml", "X")
    );
}

#[test]
fn unknown_metric_is_a_located_plan_error() {
    // mlsysim's README plan asserts `performance.latency`, which a fleet does not produce.
    let (code, out, err) = run(&["eval", &plan("readme.yaml")]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    insta::assert_snapshot!("eval_unknown_metric", err);
    assert!(err.starts_with("tests/fixtures/plans/readme.yaml:14:15: error: unknown metric"));
    assert!(err.contains("did you mean performance.step_latency"));
}

#[test]
fn malformed_plans_exit_2_with_every_problem_located() {
    let (code, _, err) = run(&["eval", &plan("syntax.toml")]);
    assert_eq!(code, 2);
    insta::assert_snapshot!("eval_syntax_error", err);
    let (code, _, err) = run(&["eval", &plan("unknown-key.yaml")]);
    assert_eq!(code, 2);
    assert!(err.starts_with(
        "tests/fixtures/plans/unknown-key.yaml:5:3: error: workload: unknown field `batchsize`"
    ));
    let (code, _, err) = run(&["eval", &plan("bad-values.toml")]);
    assert_eq!(code, 2);
    insta::assert_snapshot!("eval_bad_values", err);
    assert!(err.ends_with("error: the plan has 8 problem(s)\n"), "{err}");
    for at in [
        ":5:8:", ":6:14:", ":11:13:", ":12:14:", ":15:6:", ":18:10:", ":23:7:", ":26:10:",
    ] {
        assert!(
            err.contains(&format!("bad-values.toml{at} error:")),
            "{at}: {err}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["eval", "tests/fixtures/plans/missing.toml"],
        vec!["eval", "CloudTitn.toml"],
        vec!["eval", "CloudTitan", "--explain"],
        vec!["eval", "CloudTitan", "--batch-size", "4"],
        vec!["optimize", "parallelism", "EdgeGuardian"],
        vec!["optimize", "batch", "CloudTitan"],
        vec!["optimize", "placement", "MobileNomad"],
        vec!["optimize", "batch", "MobileNomad", "--metric", "ttft"],
        vec![
            "optimize",
            "placement",
            "CloudTitan",
            "--regions",
            "Quebec,Mars",
        ],
        vec!["optimize", "parallelism"],
    ] {
        let (code, out, err) = run(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(!err.is_empty(), "{args:?}");
    }
    let (_, _, err) = run(&["optimize", "parallelism", "EdgeGuardian"]);
    assert!(
        err.starts_with("plans/EdgeGuardian.toml:12:1: error: optimize parallelism needs a fleet"),
        "{err}"
    );
}

#[test]
fn a_broken_registry_exits_1() {
    let (code, _, err) = run(&[
        "--registry",
        "tests/fixtures/bad-registry",
        "eval",
        "CloudTitan",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error: the registry has"), "{err}");
}

#[test]
fn composed_fleet_from_a_registry_node() {
    let j = json(&["eval", &plan("llama8b-fleet.toml")]);
    assert_eq!(
        j["context"]["system"],
        "32 × H100 (4 nodes of 8, composed by the plan), efficiency 0.5"
    );
    // TP = PP = 1 does not fit an 8B model's training state; the scorecard says so, exit 0.
    assert_eq!(j["levels"]["feasibility"]["status"], "FAIL");
    assert_eq!(
        j["levels"]["macro"]["metrics"]["carbon_cost_usd"]["unit"],
        "USD"
    );
}

#[test]
fn the_solver_form_of_eval_still_works() {
    let out = ok(&[
        "eval",
        "roofline",
        "--model",
        "ResNet50",
        "--hardware",
        "A100",
    ]);
    assert!(out.starts_with("roofline: latency 0.568 ms"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// schema

#[test]
fn schema_is_json_schema_of_the_plan() {
    let out = ok(&["schema"]);
    let s: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(
        s["required"],
        serde_json::json!(["version", "name", "workload", "hardware"])
    );
    assert_eq!(s["properties"]["workload"]["additionalProperties"], false);
    insta::assert_snapshot!("schema", out);
}

// ---------------------------------------------------------------------------------------------
// optimize parallelism

#[test]
fn parallelism_search_ranks_only_configurations_that_fit() {
    let out = ok(&["optimize", "parallelism", &plan("llama8b-fleet.toml")]);
    insta::assert_snapshot!("optimize_parallelism", out);
    let j = json(&["optimize", "parallelism", &plan("llama8b-fleet.toml")]);
    let cap = j["memory_capacity_gb"].as_f64().unwrap();
    let ranked = j["ranked"].as_array().unwrap();
    let rejected = j["rejected"].as_array().unwrap();
    assert_eq!(
        j["searched"].as_u64().unwrap() as usize,
        ranked.len() + rejected.len()
    );
    assert!(!ranked.is_empty() && !rejected.is_empty());
    let key = |c: &Json| {
        (
            c["tp"].as_u64().unwrap(),
            c["pp"].as_u64().unwrap(),
            c["ep"].as_u64().unwrap(),
            c["microbatch_count"].as_u64().unwrap(),
            c["activation_recomputation"].as_bool().unwrap(),
        )
    };
    for c in ranked {
        assert!(c["memory_gb"].as_f64().unwrap() <= cap, "{c}");
        let (tp, pp, ep, _, _) = key(c);
        assert_eq!(tp * pp * ep * c["dp"].as_u64().unwrap(), 32);
    }
    for r in rejected {
        assert!(
            ranked.iter().all(|c| key(c) != key(r)),
            "rejected and ranked: {r}"
        );
        if r["reason"] == "out of memory" {
            assert!(r["memory_gb"].as_f64().unwrap() > cap, "{r}");
        }
    }
    for w in ranked.windows(2) {
        assert!(w[0]["step_latency_ms"].as_f64() <= w[1]["step_latency_ms"].as_f64());
    }
    // The winner, re-solved by the distributed solver, fits and gives the same step.
    let best = &ranked[0];
    let (tp, pp, ep, m, rc) = key(best);
    let d = json(&[
        "eval",
        "distributed",
        "--model",
        "Llama3_8B",
        "--node",
        "DGX_H100",
        "--node-count",
        "4",
        "--fabric",
        "InfiniBand_NDR",
        "--batch-size",
        "256",
        "--seq-len",
        "4096",
        "--tp-size",
        &tp.to_string(),
        "--pp-size",
        &pp.to_string(),
        "--ep-size",
        &ep.to_string(),
        "--microbatch-count",
        &m.to_string(),
        "--activation-recomputation",
        &rc.to_string(),
    ]);
    assert_eq!(d["outputs"]["node_feasible"]["value"], true);
    let step = d["outputs"]["step_latency_total"]["value"]
        .as_f64()
        .unwrap();
    assert!((step - best["step_latency_ms"].as_f64().unwrap()).abs() < 1e-9 * step);
}

#[test]
fn parallelism_objectives_order_by_their_metric() {
    let j = json(&[
        "optimize",
        "parallelism",
        &plan("llama8b-fleet.toml"),
        "--objective",
        "scaling-efficiency",
    ]);
    assert_eq!(j["objective"], "scaling_efficiency");
    let r = j["ranked"].as_array().unwrap();
    for w in r.windows(2) {
        assert!(w[0]["scaling_efficiency"].as_f64() >= w[1]["scaling_efficiency"].as_f64());
    }
}

#[test]
fn frontier_search_matches_the_optimizer_pick() {
    // CloudTitan: Llama 3 405B on 16,384 H100; the search finds TP8 PP16 DP128 (mlsysim's
    // ParallelismOptimizer pick, fact sheet §7.2 row 15) and ranks nothing that overflows 80 GB.
    let j = json(&["optimize", "parallelism", "CloudTitan"]);
    let best = &j["ranked"][0];
    assert_eq!(
        (
            best["tp"].as_u64(),
            best["pp"].as_u64(),
            best["dp"].as_u64()
        ),
        (Some(8), Some(16), Some(128))
    );
    let cap = j["memory_capacity_gb"].as_f64().unwrap();
    assert!(j["ranked"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["memory_gb"].as_f64().unwrap() <= cap));
    assert!(j["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["reason"] == "out of memory"));
}

// ---------------------------------------------------------------------------------------------
// optimize placement

#[test]
fn placement_with_a_high_carbon_price_picks_a_low_carbon_grid() {
    let out = ok(&[
        "optimize",
        "placement",
        &plan("llama8b-fleet.toml"),
        "--top",
        "4",
    ]);
    insta::assert_snapshot!("optimize_placement", out);
    let j = json(&["optimize", "placement", &plan("llama8b-fleet.toml")]);
    assert_eq!(j["best_region"], "Norway");
    let ranked = j["ranked"].as_array().unwrap();
    assert_eq!(ranked.len(), 12);
    let ci = |c: &Json| c["carbon_intensity_g_per_kwh"].as_f64().unwrap();
    assert!(ranked.iter().all(|c| ci(&ranked[0]) <= ci(c)));
    // mlsysim's three regions with the book's carbon price: Quebec.
    let j = json(&[
        "optimize",
        "placement",
        &plan("llama8b-fleet.toml"),
        "--regions",
        "US_Avg,Quebec,Iowa",
        "--carbon-tax",
        "100",
    ]);
    assert_eq!(j["best_region"], "Quebec");
    assert_eq!(j["ranked"][2]["region"], "Iowa");
    // Without a carbon price only PUE separates regions: the low-PUE grids tie on cost.
    let j = json(&[
        "optimize",
        "placement",
        &plan("llama8b-fleet.toml"),
        "--carbon-tax",
        "0",
        "--regions",
        "Iowa,Quebec",
    ]);
    assert_eq!(j["best_region"], "Quebec");
    let r = j["ranked"].as_array().unwrap();
    assert_eq!(r[0]["carbon_cost_usd"], 0.0);
    assert!(r[0]["total_usd"].as_f64() < r[1]["total_usd"].as_f64());
}

#[test]
fn placement_directive_prints_the_books_answer() {
    // vol2 sustainable_ai `AutoPlacement`: Frontier_8K for 10,000 MWh at 143 MW … "selects Quebec",
    // "$0.66M (including carbon penalty)".
    let j = json(&[
        "eval",
        "optimize-placement",
        "--fleet",
        "Frontier_8K",
        "--duration-days",
        "2.9137529",
        "--regions",
        "US_Avg, Quebec, Iowa",
        "--carbon-tax",
        "100",
        "--mfu",
        "0.5",
    ]);
    assert_eq!(j["outputs"]["best_region"]["value"], "Quebec");
    let cost = j["outputs"]["best_cost_usd"]["value"].as_f64().unwrap();
    assert!((cost / 1e6 - 0.66).abs() < 0.005, "{cost}");
    let j = json(&[
        "eval",
        "optimize-placement",
        "--fleet",
        "Training_1K",
        "--duration-days",
        "30",
        "--carbon-tax",
        "100",
    ]);
    assert_eq!(j["outputs"]["regions_searched"]["value"], 12.0);
    assert_eq!(j["outputs"]["best_region"]["value"], "Norway");
}

// ---------------------------------------------------------------------------------------------
// optimize batch

#[test]
fn batch_search_finds_the_largest_batch_under_the_sla() {
    let out = ok(&["optimize", "batch", &plan("resnet.toml"), "--top", "3"]);
    insta::assert_snapshot!("optimize_batch", out);
    let j = json(&["optimize", "batch", &plan("resnet.toml")]);
    assert_eq!(
        j["sla_ms"], 10.0,
        "the SLA comes from the plan's latency assert"
    );
    let best = j["best_batch"].as_u64().unwrap();
    let latency = |b: u64| {
        let r = json(&[
            "eval",
            "roofline",
            "--model",
            "ResNet50",
            "--hardware",
            "A100",
            "--batch-size",
            &b.to_string(),
        ]);
        r["outputs"]["latency"]["value"].as_f64().unwrap()
    };
    assert!(latency(best) <= 10.0);
    assert!(latency(best + 1) > 10.0);
    let ranked = j["meeting"].as_array().unwrap();
    assert_eq!(ranked.len() as u64, best, "every batch 1..=best meets it");
    // LLM decode: the inter-token latency bound, with memory as the other limit.
    let j = json(&[
        "eval",
        "optimize-batch",
        "--model",
        "Llama3_8B",
        "--hardware",
        "H100",
        "--metric",
        "itl",
        "--sla",
        "20 ms",
        "--seq-len",
        "4096",
    ]);
    let b = j["outputs"]["best_batch"]["value"].as_f64().unwrap();
    assert!(b >= 1.0);
    assert!(j["outputs"]["best_latency"]["value"].as_f64().unwrap() <= 20.0);
}

#[test]
fn nothing_qualifies_exits_1() {
    let (code, out, err) = run(&["optimize", "batch", &plan("resnet.toml"), "--sla-ms", "0.1"]);
    assert_eq!(code, 1);
    assert!(out.contains("0 batch sizes meet the SLA"), "{out}");
    assert_eq!(err, "error: no batch size meets the SLA\n");
}
