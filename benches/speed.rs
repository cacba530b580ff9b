//! Speed: registry load and solver calls, per call, on this machine. Run with `cargo bench`.

use std::hint::black_box;
use std::time::Instant;

fn per_call<F: FnMut()>(name: &str, n: u32, mut f: F) {
    f();
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        best = best.min(t.elapsed().as_secs_f64() / f64::from(n));
    }
    let (v, u) = if best < 1e-6 {
        (best * 1e9, "ns")
    } else if best < 1e-3 {
        (best * 1e6, "µs")
    } else {
        (best * 1e3, "ms")
    };
    println!("{name:<40} {v:>10.3} {u}/call  (best of 3 × {n})");
}

fn main() {
    if std::env::var("PARSE_ONLY").is_ok() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/registry");
        let files: Vec<String> = walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect();
        per_call("toml parse only", 50, || {
            for f in &files {
                black_box(toml::de::DeTable::parse(f).unwrap());
            }
        });
        per_call("parse_quantity x1536", 50, || {
            for _ in 0..1536 {
                black_box(mlsysim_book::units::parse_quantity("3.35 TB/s").unwrap());
            }
        });
    }
    per_call("registry: load embedded (parse + validate)", 50, || {
        black_box(mlsysim_book::registry::load::embedded().expect("registry loads"));
    });
    let reg = mlsysim_book::registry::load::embedded().expect("registry loads");
    let p = |pairs: &[(&str, &str)]| -> mlsysim_book::solvers::Params {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    mlsysim_book::solvers::Param::Text(v.to_string()),
                )
            })
            .collect()
    };
    let cases = [
        (
            "roofline: ResNet50/A100/b1",
            "roofline",
            p(&[
                ("model", "ResNet50"),
                ("hardware", "A100"),
                ("batch_size", "1"),
            ]),
        ),
        (
            "serving: Llama3_8B/H100/s2048/b8",
            "serving",
            p(&[
                ("model", "Llama3_8B"),
                ("hardware", "H100"),
                ("seq_len", "2048"),
                ("batch_size", "8"),
            ]),
        ),
        (
            "distributed: Llama3_70B/Training_1K tp8 pp4 m16",
            "distributed",
            p(&[
                ("model", "Llama3_70B"),
                ("fleet", "Training_1K"),
                ("batch_size", "1024"),
                ("tp_size", "8"),
                ("pp_size", "4"),
                ("microbatch_count", "16"),
            ]),
        ),
        (
            "economics: Training_1K/30d",
            "economics",
            p(&[("fleet", "Training_1K"), ("duration_days", "30")]),
        ),
        (
            "sustainability: Frontier_8K/30d",
            "sustainability",
            p(&[("fleet", "Frontier_8K"), ("duration_days", "30")]),
        ),
        (
            "reliability: Frontier_8K/720h",
            "reliability",
            p(&[("fleet", "Frontier_8K"), ("job_duration_hours", "720")]),
        ),
    ];
    parallelism_search(&reg);
    for (name, solver, params) in &cases {
        if mlsysim_book::solvers::run(&reg, solver, params).is_err() {
            println!("{name:<40} (solver unavailable)");
            continue;
        }
        per_call(name, 20_000, || {
            black_box(mlsysim_book::solvers::run(&reg, solver, params).ok());
        });
    }
}
/// The full parallelism space of Llama-3 405B on the 16,384-H100 Meta cluster (batch 2,048 ×
/// 8,192 tokens, bf16, η 0.42, overlap on, recomputation searched): must take under 100 ms.
fn parallelism_search(reg: &mlsysim_book::registry::Registry) {
    use mlsysim_book::optimize::parallelism::{search, Objective};
    use mlsysim_book::solvers::distributed::{DistributedOptions, FleetSpec};
    use mlsysim_book::solvers::Precision;
    let model = reg.model("Llama3_405B").expect("model");
    let fleet = reg.fleet("Meta_Llama3_16K_H100").expect("fleet");
    let acc = reg.hardware(&fleet.node.accelerator).expect("accelerator");
    let base = DistributedOptions {
        batch_size: 2048,
        seq_len: Some(8192),
        precision: Precision::Bf16,
        efficiency: Some(0.42),
        overlap_comm: true,
        ..DistributedOptions::default()
    };
    let run = || {
        search(
            model,
            FleetSpec::Registry(fleet),
            acc,
            &reg.calibration,
            &base,
            None,
            Objective::StepTime,
        )
        .expect("search runs")
    };
    let s = run();
    let best = s.best().expect("a feasible configuration");
    println!(
        "optimize parallelism: 405B on 16,384 H100 — {} configurations, {} feasible, best TP{} PP{} DP{} M{}",
        s.searched(),
        s.ranked.len(),
        best.config.tp,
        best.config.pp,
        best.config.dp,
        best.config.microbatch_count
    );
    per_call("optimize parallelism: 405B / 16K H100", 50, || {
        black_box(run());
    });
}
#[allow(dead_code)]
fn parse_only() {}
