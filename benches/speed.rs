//! Speed: registry load and solver calls, per call, on this machine; `check` and `build` of a
//! generated 10,000-directive book, in process and as the real command with its peak memory
//! (budget: 100 ms, 50 MB); and `audit` on it (budget: 200 ms). Run with `cargo bench`
//! (`SOLVERS_ONLY=1 cargo bench` for the per-call solver figures alone).

use std::hint::black_box;
use std::time::Instant;

/// The allocator of the `mlsysim-book` binary, so in-process figures match the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    // SOLVERS_ONLY=1: the per-call solver figures alone (skips the books, figures and audit).
    let solvers_only = std::env::var("SOLVERS_ONLY").is_ok();
    if !solvers_only {
        book_commands();
        adversarial_books();
    }
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
                black_box(mlsysim_book::base::units::parse_quantity("3.35 TB/s").unwrap());
            }
        });
    }
    per_call("registry: load embedded (parse + validate)", 50, || {
        black_box(mlsysim_book::registry::load::embedded().expect("registry loads"));
    });
    let reg = mlsysim_book::registry::load::embedded().expect("registry loads");
    let p = |pairs: &[(&str, &str)]| -> mlsysim_book::calc::params::Params {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    mlsysim_book::calc::params::Param::Text(v.to_string()),
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
        (
            "economics: ad-hoc 128 × DGX_H100/365d",
            "economics",
            p(&[
                ("node", "DGX_H100"),
                ("node_count", "128"),
                ("fabric", "InfiniBand_NDR"),
                ("duration_days", "365"),
            ]),
        ),
        (
            "scenario: AutonomousVehicle_Waymo",
            "scenario",
            p(&[("scenario", "AutonomousVehicle_Waymo")]),
        ),
    ];
    if !solvers_only {
        parallelism_search(&reg);
        audit_bench(&reg);
    }
    for (name, solver, params) in &cases {
        if mlsysim_book::calc::catalog::run(&reg, solver, params).is_err() {
            println!("{name:<40} (solver unavailable)");
            continue;
        }
        per_call(name, 20_000, || {
            black_box(mlsysim_book::calc::catalog::run(&reg, solver, params).ok());
        });
    }
    models(&reg, &p);
    typed(&reg);
    if solvers_only {
        return;
    }
    figures(&reg);
    charts(&reg);
    book(&reg);
}

/// The declared mlsysim models, one call each with text inputs (as directives give them).
type MakeParams<'a> = &'a dyn Fn(&[(&str, &str)]) -> mlsysim_book::calc::params::Params;

fn models(reg: &mlsysim_book::registry::Registry, p: MakeParams) {
    let cases: [(&str, mlsysim_book::calc::params::Params); 36] = [
        (
            "iron-law",
            p(&[
                ("memory_time", "2 ms"),
                ("compute_time", "1 ms"),
                ("overhead", "0.5 ms"),
                ("memory_speedup", "2"),
            ]),
        ),
        (
            "amdahl",
            p(&[
                ("stage_time", "80 ms"),
                ("rest_time", "20 ms"),
                ("speedup", "4"),
            ]),
        ),
        (
            "failure-interval",
            p(&[
                ("component_mtbf", "50000 h"),
                ("n_components", "1000"),
                ("run_duration", "720 h"),
            ]),
        ),
        (
            "checkpoint-interval",
            p(&[("write_time", "30 s"), ("mtbf", "5 h")]),
        ),
        (
            "goodput",
            p(&[
                ("scheduling", "0.9"),
                ("runtime", "0.8"),
                ("program", "0.5"),
                ("device_hour_rate", "2.5 USD/h"),
            ]),
        ),
        (
            "data-stall",
            p(&[("compute_time", "100 ms"), ("io_time", "40 ms")]),
        ),
        (
            "storage-footprint",
            p(&[
                ("parameters", "70e9"),
                ("bytes_per_param", "16 B"),
                ("corpus_bytes", "30 TB"),
                ("source_bytes", "100 TB"),
                ("run_duration", "1440 h"),
                ("save_interval", "3 h"),
                ("shard_bytes", "512 MB"),
                ("archive_every", "10"),
            ]),
        ),
        (
            "tiered-checkpoint",
            p(&[
                ("checkpoint_bytes", "1120 GB"),
                ("nodes", "128"),
                ("local_bandwidth", "5 GB/s"),
                ("durable_bandwidth", "100 GB/s"),
                ("save_interval", "1800 s"),
            ]),
        ),
        (
            "checkpoint-storm",
            p(&[
                ("state_bytes", "1120 GB"),
                ("replicas", "8"),
                ("ingest_bandwidth", "100 GB/s"),
            ]),
        ),
        (
            "alpha-beta",
            p(&[
                ("alpha", "5 us"),
                ("bandwidth", "50 GB/s"),
                ("message", "1 MB"),
            ]),
        ),
        (
            "bisection",
            p(&[
                ("n_devices", "1024"),
                ("link_bandwidth", "50 GB/s"),
                ("oversubscription_ratio", "2"),
                ("payload_per_device", "14 GB"),
                ("communication_fraction", "0.3"),
                ("cluster_cost", "3e8 USD"),
            ]),
        ),
        (
            "incast",
            p(&[
                ("n_senders", "32"),
                ("sender_bandwidth", "50 GB/s"),
                ("egress_bandwidth", "50 GB/s"),
                ("buffer", "64 MB"),
                ("feedback_rtt", "10 us"),
            ]),
        ),
        (
            "allreduce-algorithm",
            p(&[
                ("message", "100 MB"),
                ("group_size", "8"),
                ("alpha", "5 us"),
                ("bandwidth", "50 GB/s"),
            ]),
        ),
        (
            "hierarchical-allreduce",
            p(&[
                ("message", "1000 MB"),
                ("n_nodes", "16"),
                ("gpus_per_node", "8"),
                ("intra_bandwidth", "900 GB/s"),
                ("inter_bandwidth", "50 GB/s"),
                ("inter_alpha", "5 us"),
            ]),
        ),
        ("scaling", p(&[("compute_budget", "1e23 flop")])),
        (
            "checkpoint",
            p(&[
                ("model", "Llama3_70B"),
                ("hardware", "H100"),
                ("n_writers", "64"),
            ]),
        ),
        (
            "training-memory",
            p(&[
                ("model", "Llama3_70B"),
                ("hardware", "H100"),
                ("batch_size", "1024"),
                ("tp_size", "8"),
                ("pp_size", "4"),
                ("dp_size", "32"),
                ("zero_stage", "1"),
            ]),
        ),
        (
            "training-run",
            p(&[
                ("model", "Llama3_70B"),
                ("fleet", "Training_1K"),
                ("local_efficiency", "0.5"),
                ("scaling_efficiency", "0.9"),
                ("tokens", "15e12"),
                ("checkpoint_overhead", "0.05"),
            ]),
        ),
        (
            "parallel-layout",
            p(&[
                ("model", "Llama3_70B"),
                ("tp_size", "8"),
                ("pp_size", "4"),
                ("dp_size", "32"),
                ("microbatches", "16"),
                ("batch_tokens", "4e6"),
                ("flops_per_param_token", "6"),
                ("peak_flops", "989 TFLOP/s"),
                ("local_efficiency", "0.5"),
                ("link_bandwidth", "50 GB/s"),
                ("overlap_fraction", "0.5"),
            ]),
        ),
        (
            "zero-sharding",
            p(&[
                ("model", "Llama3_70B"),
                ("n_devices", "64"),
                ("link_bandwidth", "50 GB/s"),
            ]),
        ),
        (
            "decode-bound",
            p(&[
                ("model", "Llama3_8B"),
                ("hardware", "H100"),
                ("batch_size", "32"),
            ]),
        ),
        (
            "tail-latency",
            p(&[
                ("arrival_rate_qps", "900"),
                ("service_latency_ms", "10"),
                ("num_replicas", "10"),
            ]),
        ),
        (
            "weight-streaming",
            p(&[
                ("model", "Llama3_70B"),
                ("hardware", "Cerebras_CS3"),
                ("seq_len", "4096"),
            ]),
        ),
        (
            "topology",
            p(&[
                ("fabric", "InfiniBand_NDR"),
                ("topology", "torus_3d"),
                ("num_nodes", "4096"),
            ]),
        ),
        (
            "moe-routing",
            p(&[
                ("model", "Mixtral_8x7B"),
                ("batch_size", "32"),
                ("seq_len", "2048"),
                ("ep_size", "8"),
                ("routing_imbalance_factor", "1.5"),
                ("fleet", "Research_256"),
            ]),
        ),
        (
            "gradient-sync",
            p(&[
                ("model", "Llama3_8B"),
                ("precision", "fp16"),
                ("link_bandwidth", "50 GB/s"),
                ("compute_time", "300 ms"),
            ]),
        ),
        (
            "efficiency",
            p(&[
                ("model", "Llama3_8B"),
                ("hardware", "H100"),
                ("workload_type", "attention"),
            ]),
        ),
        (
            "power-transient",
            p(&[
                ("high_power", "700 W"),
                ("low_power", "200 W"),
                ("rail_voltage", "0.8 V"),
                ("loop_inductance", "0.1 nH"),
                ("rise_time", "1 us"),
                ("n_devices", "16384"),
                ("ramp_window", "10 ms"),
            ]),
        ),
        (
            "compression",
            p(&[
                ("model", "Llama3_70B"),
                ("hardware", "H100"),
                ("target_bitwidth", "4"),
            ]),
        ),
        (
            "continuous-batching",
            p(&[
                ("model", "Llama3_8B"),
                ("hardware", "H100"),
                ("max_seq_len", "4096"),
                ("mean_request_tokens", "1000"),
                ("max_batch_size", "256"),
            ]),
        ),
        (
            "serving-capacity",
            p(&[
                ("model", "Llama3_8B"),
                ("hardware", "H100"),
                ("qps", "200"),
                ("target_p99_latency_ms", "3000"),
                ("mean_request_tokens", "600"),
                ("output_tokens", "256"),
                ("max_batch_size", "64"),
            ]),
        ),
        (
            "data-pipeline",
            p(&[("workload_data_rate", "5 GB/s"), ("hardware", "H100")]),
        ),
        (
            "inference-scaling",
            p(&[
                ("model", "Llama3_70B"),
                ("hardware", "H100"),
                ("reasoning_steps", "32"),
                ("context_length", "8192"),
                ("precision", "fp8"),
            ]),
        ),
        (
            "orchestration",
            p(&[
                ("fleet", "Research_256"),
                ("arrival_rate_jobs_per_day", "0.9"),
                ("avg_job_duration_days", "1"),
            ]),
        ),
        (
            "responsible-engineering",
            p(&[
                ("base_training_time", "100 h"),
                ("epsilon", "0.5"),
                ("min_subgroup_prevalence", "0.05"),
            ]),
        ),
        (
            "transformation",
            p(&[
                ("batch_size", "256"),
                ("sample_size_bytes", "150 KB"),
                ("cpu_throughput", "2 GB/s"),
                ("accelerator_step_time", "10 ms"),
            ]),
        ),
    ];
    // ONLY_MODEL=NAME: that model alone (for profiling one solver).
    let only = std::env::var("ONLY_MODEL").ok();
    for (solver, params) in &cases {
        if only.as_deref().is_some_and(|o| o != *solver) {
            continue;
        }
        if let Err(e) = mlsysim_book::calc::catalog::run(reg, solver, params) {
            println!("{solver:<40} error: {e}");
            continue;
        }
        let n = if only.is_some() { 2_000_000 } else { 20_000 };
        per_call(&format!("model: {solver}"), n, || {
            black_box(mlsysim_book::calc::catalog::run(reg, solver, params).ok());
        });
    }
}

/// Figures: parse the directive's attributes and draw the SVG (the budget is 5 ms per figure);
/// PDF and PNG conversion for comparison.
fn figures(reg: &mlsysim_book::registry::Registry) {
    use mlsysim_book::present::figure::{parse_request, render_svg};
    let req = |pairs: &[(&str, &str)]| {
        let attrs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        parse_request(&attrs).expect("figure request parses")
    };
    let common = [("id", "fig"), ("caption", "c"), ("alt", "a")];
    let cases = [
        (
            "figure: roofline H100, 3 workloads",
            req(&[
                &common[..],
                &[
                    ("figure", "roofline"),
                    ("hardware", "H100"),
                    ("workloads", "ResNet50@1, Llama3_8B@1, Llama3_8B@64"),
                ],
            ]
            .concat()),
        ),
        (
            "figure: roofline 3 devices, 4 workloads",
            req(&[
                &common[..],
                &[
                    ("figure", "roofline"),
                    ("hardware", "A100, H100, B200"),
                    ("workloads", "ResNet50@1, ResNet50@256, Llama3_8B@1, Llama3_8B@64"),
                ],
            ]
            .concat()),
        ),
        (
            "figure: roofline H100 η=0.5, 8 workloads",
            req(&[
                &common[..],
                &[
                    ("figure", "roofline"),
                    ("hardware", "H100"),
                    ("efficiency", "0.5"),
                    (
                        "workloads",
                        "ResNet50@1, ResNet50@8, ResNet50@32, ResNet50@256, Llama3_8B@1, Llama3_8B@16, GPT2@1, BERT_Base@8",
                    ),
                ],
            ]
            .concat()),
        ),
        (
            "figure: scorecard SmartDoorbell",
            req(&[
                &common[..],
                &[("figure", "scorecard"), ("scenario", "SmartDoorbell")],
            ]
            .concat()),
        ),
        (
            "figure: roofline 3 devices, slides preset",
            req(&[
                &common[..],
                &[
                    ("figure", "roofline"),
                    ("hardware", "A100, H100, B200"),
                    ("workloads", "ResNet50@1, ResNet50@256, Llama3_8B@1, Llama3_8B@64"),
                    ("preset", "slides"),
                ],
            ]
            .concat()),
        ),
        (
            "figure: scorecard FrontierTraining, slides",
            req(&[
                &common[..],
                &[
                    ("figure", "scorecard"),
                    ("scenario", "FrontierTraining"),
                    ("preset", "slides"),
                ],
            ]
            .concat()),
        ),
    ];
    for (name, r) in &cases {
        per_call(name, 200, || {
            black_box(render_svg(reg, r).expect("figure draws"));
        });
    }
    #[cfg(feature = "convert")]
    {
        use mlsysim_book::present::figure::convert::{encode, FigFormat};
        let fig = render_svg(reg, &cases[0].1).expect("figure draws");
        per_call("figure: roofline SVG → PDF", 20, || {
            black_box(encode(&fig, FigFormat::Pdf).expect("pdf"));
        });
        per_call("figure: roofline SVG → PNG (2×)", 10, || {
            black_box(encode(&fig, FigFormat::Png).expect("png"));
        });
    }
}

/// Charts (the budget is 5 ms each): every chart of book-snippets/08-charts.qmd; then a book of
/// 50 figures (charts and rooflines) built with its SVG files (budget 300 ms).
fn charts(reg: &mlsysim_book::registry::Registry) {
    use mlsysim_book::present::figure::{parse_request, render_svg};
    use mlsysim_book::syntax::{scan, SourceKind};
    let chapter = include_str!("../book-snippets/08-charts.qmd");
    let scanned = scan(chapter, SourceKind::Markdown);
    let mut charts = Vec::new();
    for d in &scanned.directives {
        let attrs = d.attr_pairs();
        if attrs.iter().any(|(n, _)| n == "figure") {
            let id = attrs
                .iter()
                .find(|(n, _)| n == "id")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            charts.push((id, parse_request(&attrs).expect("chart parses")));
        }
    }
    for (id, r) in &charts {
        per_call(&format!("chart: {id}"), 50, || {
            black_box(render_svg(reg, r).expect("chart draws"));
        });
    }
    // A book of 50 figures: the chapter's charts with fresh ids, five times over, plus rooflines.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-figures-book");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("bench figures book");
    let mut n = 0;
    for c in 0..5 {
        let mut text = format!("# Figures {c}\n\n");
        for d in &scanned.directives {
            let src = &chapter[d.span.clone()];
            if src.contains("figure=") {
                let id = d.attr("id").expect("id").value.clone();
                text.push_str(&src.replace(&format!("id=\"{id}\""), &format!("id=\"{id}-{c}\"")));
                text.push_str("\n\n");
                n += 1;
            }
        }
        for w in 0..2 {
            text.push_str(&format!(
                "<mlsysim figure=\"roofline\" id=\"fig-r-{c}-{w}\" hardware=\"A100, H100\" workloads=\"ResNet50@{}, Llama3_8B@64\" caption=\"c\" alt=\"a\"/>\n\n",
                1 << w
            ));
            n += 1;
        }
        std::fs::write(dir.join(format!("ch{c}.md")), text).expect("chapter");
    }
    assert_eq!(n, 50);
    let templates = mlsysim_book::book::templates::Templates::load(None).expect("templates");
    let out = dir.with_file_name("bench-figures-book-out");
    per_call("book: build 50 figures (SVG written)", 5, || {
        black_box(
            mlsysim_book::book::build::build(reg, &templates, &dir, &out)
                .expect("figures book builds"),
        );
    });
}

/// The solvers themselves, called with typed registry entries (no name lookups or parsing).
fn typed(reg: &mlsysim_book::registry::Registry) {
    use mlsysim_book::calc::solvers::{distributed, roofline, serving};
    let cal = &reg.calibration;
    let (resnet, a100) = (
        reg.model("ResNet50").unwrap(),
        reg.hardware("A100").unwrap(),
    );
    let opts = roofline::RooflineOptions::default();
    per_call("typed roofline::solve ResNet50/A100/b1", 200_000, || {
        black_box(roofline::solve(resnet, a100, cal, &opts).ok());
    });
    let (llama8, h100) = (
        reg.model("Llama3_8B").unwrap(),
        reg.hardware("H100").unwrap(),
    );
    let mut sopts = serving::ServingOptions::new(2048);
    sopts.batch_size = 8;
    per_call("typed serving::solve Llama3_8B/H100/b8", 200_000, || {
        let sys = serving::ServingSystem {
            hardware: h100,
            decode: None,
        };
        black_box(serving::solve(llama8, sys, None, cal, &sopts).ok());
    });
    let (llama70, fleet) = (
        reg.model("Llama3_70B").unwrap(),
        reg.fleet("Training_1K").unwrap(),
    );
    let accel = reg.hardware(&fleet.node.accelerator).unwrap();
    let dopts = distributed::DistributedOptions {
        batch_size: 1024,
        tp_size: 8,
        pp_size: 4,
        microbatch_count: 16,
        ..distributed::DistributedOptions::default()
    };
    per_call("typed distributed::solve 70B tp8 pp4 m16", 200_000, || {
        black_box(
            distributed::solve(
                llama70,
                distributed::FleetSpec::Registry(fleet),
                accel,
                cal,
                &dopts,
            )
            .ok(),
        );
    });
}

/// One generated chapter: 250 directives mixing values, solves, lets and tables.
fn chapter(i: usize) -> String {
    let hw = ["H100", "A100", "B200", "T4", "MI300X"];
    let models = ["ResNet50", "Llama3_8B", "Llama3_70B", "GPT2", "BERT_Base"];
    let mut s = format!("---\ntitle: \"Chapter {i}\"\n---\n\n# Chapter {i}\n\n");
    for j in 0..250 {
        let h = hw[(i + j) % hw.len()];
        let m = models[(i * 7 + j) % models.len()];
        let line = match j % 10 {
            0 => format!("<mlsysim let=\"c{i}s{j}\" solve=\"serving\" model=\"Llama3_8B\" hardware=\"{h}\" seq_len=\"{}\" batch_size=\"1\"/>", 512 * (1 + j % 4)),
            1 => format!("TTFT is <mlsysim value=\"c{i}s{}.ttft\" unit=\"ms\" digits=\"1\"/>.", j - 1),
            2 => format!("The ridge of the {h} is <mlsysim value=\"hardware.{h}.compute.peak_flops / hardware.{h}.memory.bandwidth\" unit=\"FLOP/byte\" digits=\"1\"/>."),
            3 => format!("{m} on {h} takes <mlsysim solve=\"roofline\" model=\"{m}\" hardware=\"{h}\" batch_size=\"{}\" show=\"latency\" unit=\"ms\"/>.", 1 + j % 64),
            4 => format!("\n<mlsysim table=\"hardware\" rows=\"H100, A100, {h}\" columns=\"compute.peak_flops:TFLOP/s, memory.bandwidth:TB/s, tdp:W\"/>\n"),
            5 => format!("Carbon in Quebec: <mlsysim value=\"hardware.{h}.tdp * 24 h * grids.Quebec.carbon_intensity\" unit=\"g\" digits=\"1\" cite=\"true\"/>."),
            6 => format!("MFU is <mlsysim solve=\"roofline\" model=\"{m}\" hardware=\"{h}\" batch_size=\"32\" show=\"mfu\" style=\"percent\" digits=\"1\"/>."),
            7 => format!("Math: $B = <mlsysim value=\"hardware.{h}.memory.bandwidth\" unit=\"GB/s\" group=\"true\"/>$."),
            8 => "A fleet MTBF: <mlsysim solve=\"reliability\" fleet=\"Frontier_8K\" job_duration_hours=\"720\" show=\"fleet_mtbf\" unit=\"h\" digits=\"2\"/>.".to_string(),
            _ => format!("\n<mlsysim table=\"sweep\" solve=\"roofline\" model=\"{m}\" hardware=\"{h}\" vary=\"batch_size=1,8,32\" columns=\"latency:ms, bottleneck\"/>\n"),
        };
        s.push_str(&line);
        s.push_str("\n\n");
    }
    s
}

/// Builds a generated book of 40 chapters × 250 directives (10,000 directives).
fn book(reg: &mlsysim_book::registry::Registry) {
    let dir = bench_book_dir();
    let templates = mlsysim_book::book::templates::Templates::load(None).expect("templates");
    let out = dir.with_file_name("bench-book-out");
    let mut values = 0;
    per_call("book: check 40 × 250 directives", 5, || {
        let (s, _) = mlsysim_book::book::build::evaluate_book(reg, &templates, &dir, &out)
            .expect("bench book evaluates");
        values = s.values;
    });
    let (summary, _) =
        mlsysim_book::book::build::evaluate_book(reg, &templates, &dir, &out).expect("evaluates");
    per_call("book: manifest of the 22,000 values", 5, || {
        let mut sink = Vec::with_capacity(16 << 20);
        mlsysim_book::book::manifest::write_manifest(&mut sink, &summary.records).expect("writes");
        black_box(sink);
    });
    per_call("book: build 40 × 250 directives (writes)", 5, || {
        black_box(
            mlsysim_book::book::build::build(reg, &templates, &dir, &out)
                .expect("bench book builds"),
        );
    });
    println!(
        "(bench book: {} values printed; {} to build it with the binary)",
        values,
        dir.display()
    );
}

/// Where the generated book is written.
fn bench_book_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-book")
}

/// Writes the generated book of 40 chapters × 250 directives.
fn write_bench_book() {
    let dir = bench_book_dir();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("bench book dir");
    for i in 0..40 {
        std::fs::write(dir.join(format!("ch{i:02}.qmd")), chapter(i)).expect("write chapter");
    }
}

/// `check` and `build` of the generated book as the real command, with peak memory. Runs first,
/// while this process is small: a child's peak memory counts the parent's pages it started with.
fn book_commands() {
    write_bench_book();
    let dir = bench_book_dir();
    let out = dir.with_file_name("bench-book-out");
    let _ = std::fs::remove_dir_all(&out);
    command(&["check", &dir.display().to_string()]);
    // A book with nothing in it: process start, registry load, templates (budget 15 ms).
    let empty = dir.with_file_name("bench-empty-book");
    let _ = std::fs::remove_dir_all(&empty);
    std::fs::create_dir_all(&empty).expect("empty book dir");
    std::fs::write(empty.join("index.md"), "# Nothing to compute\n").expect("write index");
    command(&["check", &empty.display().to_string()]);
    command(&[
        "build",
        &dir.display().to_string(),
        "--out",
        &out.display().to_string(),
    ]);
}

/// Adversarial single-file books (issue 19), each checked by the real command, best of 3;
/// budget 200 ms each: linear time in the input, never a rescan per tag, span or error.
fn adversarial_books() {
    let tag = r#"<mlsysim value="hardware.H100.tdp" unit="W"/>"#;
    let mut cases: Vec<(&str, String, bool)> = vec![
        (
            "4 MB of code spans holding directives",
            format!("`{tag}` ").repeat(4_000_000 / (tag.len() + 3)),
            true,
        ),
        (
            "4 MB of code spans, a directive per line",
            format!("{}{tag}\n", "`a` ".repeat(137)).repeat(4_000_000 / 594),
            true,
        ),
        (
            "100,000 $$x$$ spans, 1,000 directives",
            "$$x$$ ".repeat(100_000) + &format!("\n\n{tag}\n").repeat(1_000),
            true,
        ),
        (
            "40,000 paired tags (40,000 errors)",
            r#"<mlsysim value="hardware.H100.tdp">x</mlsysim> "#.repeat(40_000),
            false,
        ),
        (
            "100,000 errors",
            "<mlsysim value=\"nope.x\"/>\n".repeat(100_000),
            false,
        ),
        (
            "100,000 errors on one 2.6 MB line",
            "<mlsysim value=\"nope.x\"/> ".repeat(100_000),
            false,
        ),
    ];
    // The generated chapters in one file (front matter but the first dropped): 140 chapters,
    // 35,000 directives, 4 MB.
    let single: String = (0..140)
        .map(|i| {
            let c = chapter(i);
            match i {
                0 => c,
                _ => c.splitn(3, "---\n").nth(2).unwrap_or_default().to_string(),
            }
        })
        .collect();
    cases.push(("4 MB single-file book of 35,000 directives", single, true));
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-adversarial");
    for (name, text, ok) in cases {
        let dir = base.join(name.replace([' ', ',', '$'], "_"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("bench dir");
        std::fs::write(dir.join("book.md"), &text).expect("write");
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            let t = Instant::now();
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_mlsysim-book"))
                .args(["check", &dir.display().to_string()])
                .output()
                .expect("runs mlsysim-book");
            best = best.min(t.elapsed().as_secs_f64() * 1e3);
            assert_eq!(
                out.status.success(),
                ok,
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
                    .chars()
                    .take(500)
                    .collect::<String>()
            );
        }
        println!(
            "{:<40} {:>10.1} ms best of 3 ({:.1} MB; budget 200 ms){}",
            format!("check: {name}"),
            best,
            text.len() as f64 / 1e6,
            if best > 200.0 { "  OVER BUDGET" } else { "" }
        );
    }
}

/// Runs the `mlsysim-book` binary 11 times with `args`: median and best wall time, and the peak
/// resident memory of the runs (the largest `ru_maxrss` of the waited-for children).
fn command(args: &[&str]) {
    let bin = env!("CARGO_BIN_EXE_mlsysim-book");
    let mut times = Vec::new();
    for _ in 0..11 {
        let t = Instant::now();
        let out = std::process::Command::new(bin)
            .args(args)
            .output()
            .expect("runs mlsysim-book");
        times.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    times.sort_by(f64::total_cmp);
    // SAFETY: getrusage only writes the struct it is given.
    let peak_kib = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut u);
        u.ru_maxrss
    };
    println!(
        "{:<40} {:>10.1} ms median, {:.1} ms best of 11; peak memory {:.1} MB",
        format!(
            "command: mlsysim-book {} {}",
            args[0],
            std::path::Path::new(args[1])
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned())
        ),
        times[5],
        times[0],
        peak_kib as f64 * 1024.0 / 1e6
    );
}

/// The full parallelism space of Llama-3 405B on the 16,384-H100 Meta cluster (batch 2,048 ×
/// 8,192 tokens, bf16, η 0.42, overlap on, recomputation searched): must take under 100 ms.
fn parallelism_search(reg: &mlsysim_book::registry::Registry) {
    use mlsysim_book::calc::params::Precision;
    use mlsysim_book::calc::search::parallelism::{search, Objective};
    use mlsysim_book::calc::solvers::distributed::{DistributedOptions, FleetSpec};
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

/// CPU time of this process and its finished children, in ms: the threads' run time from
/// `/proc/self/task/*/schedstat` (ns) plus the children's user and system time from
/// `/proc/self/stat` (clock ticks of 10 ms).
fn cpu_ms() -> f64 {
    let threads: f64 = std::fs::read_dir("/proc/self/task")
        .map(|d| {
            d.flatten()
                .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
                .filter_map(|s| s.split_whitespace().next()?.parse::<f64>().ok())
                .sum::<f64>()
                / 1e6
        })
        .unwrap_or(0.0);
    let children: f64 = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let fields: Vec<&str> = s.rsplit_once(')')?.1.split_whitespace().collect();
            // After the command name: state is field 3, so cutime (16) and cstime (17) are at 13, 14.
            Some(fields.get(13)?.parse::<f64>().ok()? + fields.get(14)?.parse::<f64>().ok()?)
        })
        .unwrap_or(0.0)
        * 10.0;
    threads + children
}

/// Chapters and directives per chapter of the generated book.
const CHAPTERS: usize = 40;
const PER_CHAPTER: usize = 250;

/// Writes a book of `CHAPTERS` chapters of `PER_CHAPTER` directives each into `dir`: registry
/// values and expressions, `let`-bound solver results and their members, inline solves, registry
/// tables and sweep tables, over the devices for which the roofline solver runs.
fn generate_book(reg: &mlsysim_book::registry::Registry, dir: &std::path::Path) -> usize {
    use mlsysim_book::calc::catalog::run;
    use mlsysim_book::calc::params::{Param, Params};
    let roofline = |hw: &str, batch: &str| -> Params {
        [
            ("model", "ResNet50"),
            ("hardware", hw),
            ("batch_size", batch),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), Param::Text(v.to_string())))
        .collect()
    };
    let devices: Vec<&str> = reg
        .hardware
        .keys()
        .map(String::as_str)
        .filter(|k| run(reg, "roofline", &roofline(k, "8")).is_ok())
        .collect();
    assert!(devices.len() >= 8, "devices: {devices:?}");
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let mut total = 0;
    for c in 0..CHAPTERS {
        let mut text = format!("# Chapter {c}\n\n");
        let mut n = 0;
        let hw = |i: usize| devices[(c * 7 + i) % devices.len()];
        // 5 lets, each used below.
        for b in 0..5 {
            text.push_str(&format!(
                "<mlsysim let=\"r{b}\" solve=\"roofline\" model=\"ResNet50\" hardware=\"{}\" batch_size=\"{}\"/>\n",
                hw(b),
                1 << (2 * b)
            ));
            n += 1;
        }
        text.push('\n');
        let mut i = 0;
        while n < PER_CHAPTER {
            let h = hw(i);
            match i % 25 {
                // A registry table and a sweep table, alone in their paragraphs.
                0 => text.push_str(&format!(
                    "\n<mlsysim table=\"hardware\" rows=\"{}, {}, {}\" columns=\"compute.peak_flops:TFLOP/s, memory.bandwidth:GB/s, ridge_point:FLOP/byte\" sig=\"3\"/>\n\n",
                    hw(i), hw(i + 1), hw(i + 2)
                )),
                12 => text.push_str(&format!(
                    "\n<mlsysim table=\"sweep\" solve=\"roofline\" model=\"ResNet50\" hardware=\"{h}\" vary=\"batch_size=1,8,64\" columns=\"latency:ms, throughput:1/s, bottleneck\" sig=\"3\"/>\n\n"
                )),
                // Inline solves.
                3 | 9 | 17 => text.push_str(&format!(
                    "The latency is <mlsysim solve=\"roofline\" model=\"ResNet50\" hardware=\"{h}\" batch_size=\"{}\" show=\"latency\" unit=\"ms\" sig=\"3\"/>.\n",
                    1 + i % 16
                )),
                // Members of the lets.
                5 | 21 => text.push_str(&format!(
                    "Batch {} runs at <mlsysim value=\"r{}.throughput\" unit=\"1/s\" sig=\"3\"/>.\n",
                    i % 5,
                    i % 5
                )),
                14 => text.push_str(&format!(
                    "Its MFU is <mlsysim value=\"r{}.mfu\" style=\"percent\" digits=\"1\"/>.\n",
                    i % 5
                )),
                // Expressions over registry values.
                7 | 19 => text.push_str(&format!(
                    "The ratio is <mlsysim value=\"hardware.{h}.compute.peak_flops / hardware.{}.compute.peak_flops\" style=\"multiple\" sig=\"2\"/>.\n",
                    hw(i + 3)
                )),
                // Plain registry values.
                k => {
                    let (field, unit) = [
                        ("compute.peak_flops", "TFLOP/s"),
                        ("memory.bandwidth", "GB/s"),
                        ("memory.capacity", "GiB"),
                        ("ridge_point", "FLOP/byte"),
                    ][k % 4];
                    text.push_str(&format!(
                        "The {field} of the {h} is <mlsysim value=\"hardware.{h}.{field}\" unit=\"{unit}\" sig=\"3\"/>.\n"
                    ));
                }
            }
            n += 1;
            i += 1;
        }
        total += n;
        std::fs::write(dir.join(format!("ch{c:02}.qmd")), text).unwrap();
    }
    total
}

/// `audit` on the generated book: in-process (evaluate, trace, summary, findings, JSON) and the
/// whole command (`mlsysim-book audit DIR --format json`), best of 5.
fn audit_bench(reg: &mlsysim_book::registry::Registry) {
    use mlsysim_book::audit::{report, Audit, Date, Options};
    use mlsysim_book::book::{build::evaluate_book, templates::Templates};
    let dir = std::env::temp_dir().join(format!("mlsysim-bench-book-{}", std::process::id()));
    let directives = generate_book(reg, &dir);
    let templates = Templates::load(None).unwrap();
    let opts = Options {
        as_of: Date::parse("2026-11-23").unwrap(),
        max_age_months: 18,
    };
    let (summary, _) =
        evaluate_book(reg, &templates, &dir, &dir.join("_build")).expect("book evaluates");
    assert_eq!(summary.directives, directives);
    let values = summary.records.len();
    // Wall time (best of 5) and CPU time (mean of 5): the machine is shared, so CPU time is the
    // steadier figure.
    let best = |f: &mut dyn FnMut()| {
        let cpu0 = cpu_ms();
        let wall = (0..5)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .fold(f64::INFINITY, f64::min);
        (wall, (cpu_ms() - cpu0) / 5.0)
    };
    let all: Vec<usize> = (0..values).collect();
    let evaluate_ms = best(&mut || {
        black_box(evaluate_book(reg, &templates, &dir, &dir.join("_build")).is_ok());
    });
    let view_ms = best(&mut || {
        let a = Audit::new(reg, &summary.records);
        black_box(a.view(&dir, &all, None, Some(&opts)).values.len());
    });
    let text_ms = best(&mut || {
        let a = Audit::new(reg, &summary.records);
        black_box(report::text_full(&a.view(&dir, &all, None, Some(&opts))).len());
    });
    let json_ms = best(&mut || {
        let a = Audit::new(reg, &summary.records);
        black_box(report::json(&a.view(&dir, &all, None, Some(&opts))).len());
    });
    let command = |format: &str| {
        best(&mut || {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_mlsysim-book"))
                .args([
                    "audit",
                    dir.to_str().unwrap(),
                    "--as-of",
                    "2026-11-23",
                    "--format",
                    format,
                ])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            black_box(out.stdout.len());
        })
    };
    let (text_cmd_ms, json_cmd_ms) = (command("text"), command("json"));
    println!(
        "audit: generated book of {CHAPTERS} chapters, {directives} directives, {values} printed values (best of 5)"
    );
    let line = |what: &str, (wall, cpu): (f64, f64)| {
        println!("{what:<40} {wall:>10.1} ms wall {cpu:>10.1} ms CPU")
    };
    line("audit: evaluating the book (as check)", evaluate_ms);
    line("audit: trace, summary, findings", view_ms);
    line("audit: trace ... and text report", text_ms);
    line("audit: trace ... and JSON report", json_ms);
    line("audit: whole command, text", text_cmd_ms);
    line("audit: whole command, JSON", json_cmd_ms);
    println!(
        "audit: whole command, text: {:.1} ms wall against the 200 ms budget: {}",
        text_cmd_ms.0,
        if text_cmd_ms.0 < 200.0 {
            "met"
        } else {
            "MISSED"
        }
    );
    let _ = std::fs::remove_dir_all(&dir);
}
