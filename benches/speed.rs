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
    typed(&reg);
    figures(&reg);
    book(&reg);
}

/// Figures: parse the directive's attributes and draw the SVG (the budget is 5 ms per figure);
/// PDF and PNG conversion for comparison.
fn figures(reg: &mlsysim_book::registry::Registry) {
    use mlsysim_book::render::figure::{parse_request, render_svg};
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
    ];
    for (name, r) in &cases {
        per_call(name, 200, || {
            black_box(render_svg(reg, r).expect("figure draws"));
        });
    }
    #[cfg(feature = "convert")]
    {
        use mlsysim_book::render::figure::convert::{encode, FigFormat};
        let fig = render_svg(reg, &cases[0].1).expect("figure draws");
        per_call("figure: roofline SVG → PDF", 20, || {
            black_box(encode(&fig, FigFormat::Pdf).expect("pdf"));
        });
        per_call("figure: roofline SVG → PNG (2×)", 10, || {
            black_box(encode(&fig, FigFormat::Png).expect("png"));
        });
    }
}

/// The solvers themselves, called with typed registry entries (no name lookups or parsing).
fn typed(reg: &mlsysim_book::registry::Registry) {
    use mlsysim_book::solvers::{distributed, roofline, serving};
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
            0 => format!("<mlsysim let=\"s{j}\" solve=\"serving\" model=\"Llama3_8B\" hardware=\"{h}\" seq_len=\"{}\" batch_size=\"1\"/>", 512 * (1 + j % 4)),
            1 => format!("TTFT is <mlsysim value=\"s{}.ttft\" unit=\"ms\" digits=\"1\"/>.", j - 1),
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
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-book");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("bench book dir");
    for i in 0..40 {
        std::fs::write(dir.join(format!("ch{i:02}.qmd")), chapter(i)).expect("write chapter");
    }
    let templates = mlsysim_book::book::templates::Templates::load(None).expect("templates");
    let out = dir.with_file_name("bench-book-out");
    let mut values = 0;
    per_call("book: check 40 × 250 directives", 5, || {
        let (s, _) = mlsysim_book::book::build::evaluate_book(reg, &templates, &dir, &out)
            .expect("bench book evaluates");
        values = s.values;
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
