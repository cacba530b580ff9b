//! The real binary, end to end: `zoo` and `eval` output (pinned by snapshots), JSON output, and
//! exit codes for bad input.

mod common;

use common::{ok, run};

#[test]
fn zoo_tables() {
    insta::assert_snapshot!("zoo_namespaces", ok(&["zoo"]));
    for ns in [
        "hardware",
        "models",
        "grids",
        "datacenters",
        "cooling",
        "nodes",
        "fabrics",
        "fleets",
        "scenarios",
        "constants",
        "sources",
    ] {
        insta::assert_snapshot!(format!("zoo_{ns}"), ok(&["zoo", ns]));
    }
    insta::assert_snapshot!(
        "zoo_hardware_sorted",
        ok(&["zoo", "hardware", "--sort", "compute.peak_flops"])
    );
    insta::assert_snapshot!(
        "zoo_hardware_ridge_ascending",
        ok(&["zoo", "hardware", "--sort", "ridge_point", "--reverse"])
    );
}

#[test]
fn zoo_one_entry_shows_every_field_and_its_source() {
    let h100 = ok(&["zoo", "hardware", "H100"]);
    assert!(
        h100.contains("memory.bandwidth                     3.35 TB/s"),
        "{h100}"
    );
    assert!(
        h100.contains("nvidia-h100-datasheet (datasheet, verified"),
        "{h100}"
    );
    insta::assert_snapshot!("zoo_hardware_h100", h100);
    insta::assert_snapshot!("zoo_grids_quebec", ok(&["zoo", "grids", "Quebec"]));
    insta::assert_snapshot!("zoo_source", ok(&["zoo", "sources", "hydro-quebec-grid"]));
}

#[test]
fn zoo_json_is_machine_readable() {
    let v: serde_json::Value =
        serde_json::from_str(&ok(&["zoo", "hardware", "--format", "json"])).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 52);
    let h100 = arr.iter().find(|e| e["key"] == "H100").unwrap();
    assert_eq!(h100["fields"]["memory.bandwidth"]["value"], 3.35);
    assert_eq!(h100["fields"]["memory.bandwidth"]["unit"], "TB/s");
    assert_eq!(h100["fields"]["memory.bandwidth"]["base_value"], 3.35e12);
    assert_eq!(h100["fields"]["tdp"]["source"], "nvidia-h100-datasheet");
    let one: serde_json::Value =
        serde_json::from_str(&ok(&["zoo", "hardware", "H100", "--format", "json"])).unwrap();
    assert_eq!(one["sources"][0]["kind"], "datasheet");
}

#[test]
fn zoo_errors_name_the_valid_choices() {
    let (code, out, err) = run(&["zoo", "hardwre"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert_eq!(err, "error: unknown namespace `hardwre` (did you mean hardware?); namespaces: hardware, models, grids, datacenters, cooling, nodes, fabrics, fleets, scenarios, constants, tech, reference, literature, infrastructure, systems, datasets, agents, agentplatforms, embodied, actuators, sources\n");
    let (code, _, err) = run(&["zoo", "hardware", "H10"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: unknown hardware key `H10`; did you mean H100"),
        "{err}"
    );
    let (code, _, err) = run(&["zoo", "hardware", "--sort", "compute.peak"]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean compute.peak_flops"), "{err}");
    let (code, _, _) = run(&["zoo", "--format", "yaml"]);
    assert_eq!(code, 2, "usage errors exit 2");
}

#[test]
fn eval_summaries() {
    insta::assert_snapshot!(
        "eval_roofline",
        ok(&[
            "eval",
            "roofline",
            "--model",
            "ResNet50",
            "--hardware",
            "A100",
            "--batch-size",
            "1"
        ])
    );
    insta::assert_snapshot!(
        "eval_serving_explain",
        ok(&[
            "eval",
            "serving",
            "--model",
            "Llama3_8B",
            "--hardware",
            "H100",
            "--seq-len",
            "2048",
            "--explain"
        ])
    );
    insta::assert_snapshot!(
        "eval_distributed",
        ok(&[
            "eval",
            "distributed",
            "--model",
            "Llama3_70B",
            "--fleet",
            "Training_1K",
            "--batch-size",
            "1024",
            "--tp-size",
            "8",
            "--pp-size",
            "4",
            "--microbatch-count",
            "16"
        ])
    );
    insta::assert_snapshot!(
        "eval_economics",
        ok(&[
            "eval",
            "economics",
            "--fleet",
            "Training_1K",
            "--duration-days",
            "30"
        ])
    );
    insta::assert_snapshot!(
        "eval_sustainability",
        ok(&[
            "eval",
            "sustainability",
            "--fleet",
            "Frontier_8K",
            "--duration-days",
            "30",
            "--datacenter",
            "Quebec",
            "--mfu",
            "0.4"
        ])
    );
    insta::assert_snapshot!(
        "eval_reliability",
        ok(&[
            "eval",
            "reliability",
            "--fleet",
            "Frontier_8K",
            "--job-duration-hours",
            "720",
            "--checkpoint-time-s",
            "300"
        ])
    );
    insta::assert_snapshot!(
        "eval_scenario",
        ok(&["eval", "scenario", "--scenario", "SmartDoorbell"])
    );
    insta::assert_snapshot!(
        "eval_formula",
        ok(&[
            "eval",
            "formula",
            "ring_allreduce_time",
            "--message-bytes",
            "16 GB",
            "--n-gpus",
            "8",
            "--bandwidth",
            "450 GB/s",
            "--latency",
            "500 ns"
        ])
    );
}

#[test]
fn eval_json_has_every_output_with_its_unit_and_the_lineage() {
    let v: serde_json::Value = serde_json::from_str(&ok(&[
        "eval",
        "roofline",
        "--model",
        "ResNet50",
        "--hardware",
        "A100",
        "--batch-size",
        "1",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(v["outputs"]["bottleneck"]["value"], "Compute");
    assert_eq!(v["outputs"]["latency"]["unit"], "ms");
    let latency = v["outputs"]["latency"]["value"].as_f64().unwrap();
    assert!((latency - 0.567_564_102_564_102_6).abs() < 1e-12);
    let paths: Vec<&str> = v["lineage"]["registry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"hardware.A100.memory.bandwidth"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"models.ResNet50.inference_flops"),
        "{paths:?}"
    );
}

#[test]
fn eval_bad_input_is_one_line_and_exit_1() {
    let cases: [(&[&str], &str); 5] = [
        (&["eval", "roofline", "--model", "ResNet5", "--hardware", "A100"], "error: unknown models key `ResNet5`; did you mean ResNet50"),
        (&["eval", "roofline", "--model", "ResNet50", "--hardware", "A100", "--precision", "fp7"], "error: precision 'fp7' is not supported. Supported precision values: bf16, fp16, fp32, fp8, int4, int8, tf32"),
        (&["eval", "roofline", "--model", "ResNet50", "--hardware", "A100", "--batch-size", "0"], "error: roofline: `batch_size` must be a whole number ≥ 1, got 0"),
        (&["eval", "distributed", "--model", "Llama3_8B", "--fleet", "Lab_64_H100", "--tp-size", "3"], "error: Infeasible 4D Parallelism: TP(3) * PP(1) * EP(1) must divide total accelerators (64) exactly."),
        (&["eval", "warp", "--model", "ResNet50"], "error: unknown solver `warp`; solvers: roofline, serving, distributed, economics, sustainability, reliability, scenario"),
    ];
    for (args, want) in cases {
        let (code, out, err) = run(args);
        assert_eq!(code, 1, "{args:?}");
        assert!(out.is_empty(), "{args:?}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with(want), "{args:?}: {err}");
    }
}

/// Runs `mlsysim-book ARGS` with its stdout closed before it writes: exit status and stderr.
fn with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_mlsysim-book"))
        .args(args)
        .current_dir(common::root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    drop(child.stdout.take()); // the reader goes away, as `| head` does once it has its lines
    let out = child.wait_with_output().expect("binary ends");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_ends_quietly_with_status_0() {
    for args in [
        &["zoo", "hardware"][..],
        &["zoo", "--format", "json"],
        &["audit"],
        &["schema"],
        &[
            "eval",
            "roofline",
            "--model",
            "ResNet50",
            "--hardware",
            "A100",
        ],
        &["check"],
    ] {
        let (code, err) = with_closed_stdout(args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?} wrote to stderr: {err}");
    }
}

#[test]
fn eval_inputs_may_be_registry_paths_traced_to_their_source() {
    let out = ok(&[
        "eval",
        "economics",
        "--fleet",
        "Frontier_8K",
        "--duration-days",
        "30",
        "--kwh-price",
        "infrastructure.Pricing.Cloud.ElectricityPerKwh.rate",
        "--explain",
    ]);
    assert!(out.contains("input kwh_price = 0.12 $/kWh"), "{out}");
    assert!(
        out.contains("infrastructure.Pricing.Cloud.ElectricityPerKwh.rate = 0.12 USD/kWh  [cloud-pricing-2024]"),
        "{out}"
    );
    let (code, _, err) = run(&[
        "eval",
        "economics",
        "--fleet",
        "Frontier_8K",
        "--kwh-price",
        "infrastructure.Pricing.Cloud.ElectricityPerKwx.rate",
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("input `--kwh-price`: unknown field `Cloud.ElectricityPerKwx.rate`")
            && err.contains("did you mean `Cloud.ElectricityPerKwh.rate`"),
        "{err}"
    );
}

/// A fresh scratch folder under target/.
fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

#[test]
fn init_makes_a_book_that_checks_and_never_overwrites() {
    let dir = scratch("init");
    let book = dir.join("new-book");
    let (code, out, err) = common::run_in(&dir, &["init", "new-book"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("new book in new-book: 7 files"), "{out}");
    for f in [
        "mlsysim.toml",
        "index.qmd",
        "index.md",
        "SUMMARY.md",
        "book.toml",
        "_quarto.yml",
        ".github/workflows/mlsysim.yml",
    ] {
        assert!(book.join(f).is_file(), "{f} missing");
    }
    // Every hint it prints works: check, then lock.
    let (code, out, err) = common::run_in(&dir, &["check", "new-book"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("check passed: 3 source files"), "{out}");
    let (code, _, err) = common::run_in(&dir, &["build", "new-book", "--update-lock"]);
    assert_eq!(code, 0, "{err}");
    assert!(book.join("mlsysim.lock").is_file());
    // A second init writes nothing and names every file in the way.
    std::fs::write(book.join("index.qmd"), "mine").unwrap();
    let (code, _, err) = common::run_in(&dir, &["init", "new-book"]);
    assert_eq!(code, 1);
    assert!(err.contains("index.qmd: error: already exists"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(
        std::fs::read_to_string(book.join("index.qmd")).unwrap(),
        "mine"
    );
}

#[test]
fn without_a_book_folder_commands_look_upwards_for_mlsysim_toml() {
    let dir = scratch("discover");
    common::run_in(&dir, &["init", "b"]);
    let deep = dir.join("b/chapters/draft");
    std::fs::create_dir_all(&deep).unwrap();
    let (code, out, err) = common::run_in(&deep, &["check"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("check passed: 3 source files"), "{out}");
    // Nothing upwards and no book-snippets: a usage error that says what to do.
    let lonely = scratch("lonely");
    let (code, _, err) = common::run_in(&lonely, &["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("mlsysim-book init my-book"), "{err}");
}

#[test]
fn drift_hints_name_the_book_so_they_work_when_pasted() {
    let dir = scratch("hint");
    common::run_in(&dir, &["init", "my book"]);
    let (code, _, err) = common::run_in(&dir, &["build", "my book", "--update-lock"]);
    assert_eq!(code, 0, "{err}");
    // Change a locked value in the chapter: the failure's hint is a command for this book.
    let ch = dir.join("my book/index.qmd");
    let text = std::fs::read_to_string(&ch).unwrap();
    std::fs::write(&ch, text.replace("seq_len=\"2048\"", "seq_len=\"4096\"")).unwrap();
    let (code, _, err) = common::run_in(&dir, &["check", "my book"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("accept with `mlsysim-book build 'my book' --update-lock`"),
        "{err}"
    );
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = ok(&["completions", shell]);
        assert!(out.contains("mlsysim-book"), "{shell}: {out}");
        assert!(out.contains("update-lock"), "{shell}");
    }
}

#[test]
fn eval_help_lists_every_solver_with_its_inputs_and_outputs() {
    for flag in ["--help", "-h"] {
        let out = ok(&["eval", flag]);
        assert!(out.contains("Usage: mlsysim-book eval"), "{out}");
        for def in mlsysim_book::calc::catalog::CATALOG {
            let inputs: Vec<&str> = def.inputs.iter().map(|i| i.name).collect();
            let outputs: Vec<&str> = def.outputs.iter().map(|o| o.name).collect();
            let block = format!(
                "  {} ({}): {}\n    inputs:  {}\n    outputs: {}\n",
                def.name,
                def.class,
                def.doc,
                inputs.join(", "),
                outputs.join(", ")
            );
            assert!(out.contains(&block), "{flag}: no block for {}", def.name);
            assert!(!outputs.is_empty(), "{} declares its outputs", def.name);
        }
    }
}

#[test]
fn eval_formula_help_names_the_equation_and_inputs() {
    let out = ok(&["eval", "formula", "ridge_point", "--help"]);
    assert_eq!(
        out,
        "ridge_point (mlsysim ridge_point): I* = F / BW\n\ninputs: --peak-flops --bandwidth\n"
    );
    let all = ok(&["eval", "formula", "--help"]);
    assert!(all.contains("ring_allreduce_time"), "{all}");
    let (code, _, err) = run(&["eval", "formula", "ridge_pont", "--help"]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean `ridge_point`?"), "{err}");
}
