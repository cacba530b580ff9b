//! Roofline and serving solvers beyond the golden cases: bad input is a one-line `Invalid` error,
//! the reference's worked checks, speculative decoding, and the H100 ridge point.

use mlsysim_book::calc::catalog;
use mlsysim_book::calc::params::{Out, Param, Params, SolveError};
use mlsysim_book::registry::{load, Registry};

fn registry() -> Registry {
    load::embedded().unwrap_or_else(|d| panic!("embedded registry: {d}"))
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
        match catalog::run(&reg, solver, &params) {
            Err(SolveError::Invalid { message, .. }) => {
                assert!(!message.contains('\n'), "{message}")
            }
            other => panic!("{solver} {params:?}: want Invalid, got {other:?}"),
        }
    }
    let err = catalog::run(
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
    catalog::run(reg, "serving", &params)
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
    let r = mlsysim_book::calc::formulas::performance::ridge_point(h100, None);
    assert!((r.value - 295.223_880_597).abs() < 1e-6);
}

/// Every solver is declared in full, and the declaration is what the catalog checks: an unknown
/// input name, a missing required input, a wrong type and a value outside the declared range are
/// each rejected before the solver runs, naming the input.
#[test]
fn every_solver_checks_its_declaration() {
    use mlsysim_book::calc::solvers::decl::{Default, Kind};
    let reg = registry();
    for def in catalog::CATALOG.iter() {
        assert!(!def.inputs.is_empty(), "{}: no inputs declared", def.name);
        assert!(!def.outputs.is_empty(), "{}: no outputs declared", def.name);
        let mut p = Params::new();
        p.insert("no_such_input".into(), Param::Number(1.0));
        match catalog::run(&reg, def.name, &p) {
            Err(SolveError::UnknownParam { valid, .. }) => {
                assert_eq!(valid, def.input_names(), "{}", def.name)
            }
            other => panic!("{}: unknown input accepted: {other:?}", def.name),
        }
        if let Some(req) = def.inputs.iter().find(|i| i.default == Default::Required) {
            let e = catalog::run(&reg, def.name, &Params::new()).unwrap_err();
            assert!(e.to_string().contains(req.name), "{}: {e}", def.name);
        }
        for i in def.inputs {
            if matches!(i.kind, Kind::Int | Kind::Number) && i.range.lo.is_finite() {
                let mut p = Params::new();
                p.insert(i.name.into(), Param::Number(i.range.lo - 1.0));
                let e = catalog::run(&reg, def.name, &p).unwrap_err();
                assert!(
                    matches!(&e, SolveError::Invalid { .. }) && e.to_string().contains(i.name),
                    "{} {}: {e}",
                    def.name,
                    i.name
                );
            }
        }
    }
}
