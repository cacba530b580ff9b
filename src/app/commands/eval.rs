//! `eval`: run a solver (or a single formula) from the terminal.

use crate::app::format::Format;
use crate::base::units::{Dim, Value};
use crate::calc::params::{Lineage, Out, Param, Params, SolveOutput};
use crate::registry::query::{leaf_text, plain_number};
use crate::registry::Registry;
use serde_json::{json, Map as JsonMap, Value as Json};

/// The unit an output of this dimension is shown in, and in JSON.
pub fn display_unit(dim: Dim) -> &'static str {
    match dim {
        d if d == Dim::TIME => "ms",
        d if d == Dim::INFORMATION => "GB",
        d if d == Dim::BANDWIDTH => "GB/s",
        d if d == Dim::COMPUTE_RATE => "TFLOP/s",
        d if d == Dim::OPERATIONS => "FLOP",
        d if d == Dim::ARITHMETIC_INTENSITY => "FLOP/byte",
        d if d == Dim::ENERGY => "J",
        d if d == Dim::POWER => "W",
        d if d == Dim::MASS => "kg",
        d if d == Dim::VOLUME => "L",
        d if d == Dim::CURRENCY => "USD",
        d if d == Dim::FREQUENCY => "1/s",
        d if d == Dim::CARBON_INTENSITY => "g/kWh",
        _ => "",
    }
}

/// Separates `--explain` and `--format F` written among the solver inputs.
pub fn split_flags(args: &[String]) -> (Vec<String>, bool, Option<String>) {
    let mut rest = Vec::new();
    let mut explain = false;
    let mut format = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--explain" => explain = true,
            "--format" if i + 1 < args.len() => {
                format = Some(args[i + 1].clone());
                i += 1;
            }
            a if a.starts_with("--format=") => format = Some(a["--format=".len()..].to_string()),
            _ => rest.push(args[i].clone()),
        }
        i += 1;
    }
    (rest, explain, format)
}

fn value_of(out: &SolveOutput, name: &str, unit: &str) -> Option<f64> {
    match out.get(name)? {
        Out::Value(v) => v.in_unit(unit).ok(),
        _ => None,
    }
}

fn label_of(out: &SolveOutput, name: &str) -> Option<String> {
    match out.get(name)? {
        Out::Label(s) => Some(s.clone()),
        Out::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn r(x: f64) -> String {
    let a = x.abs();
    if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// One line answering the question a solver is asked: latency and what binds, TTFT and ITL, ...
pub fn headline(solver: &str, out: &SolveOutput) -> Option<String> {
    let fits = |name: &str| match out.get(name) {
        Some(Out::Bool(false)) => ", does NOT fit in memory",
        _ => "",
    };
    Some(match solver {
        "roofline" => format!(
            "latency {} ms, {}-bound{}{}",
            r(value_of(out, "latency", "ms")?),
            label_of(out, "bottleneck")?,
            if label_of(out, "overhead_dominated").as_deref() == Some("true") {
                ", dominated by dispatch/framework overhead"
            } else {
                ""
            },
            fits("feasible")
        ),
        "serving" => format!(
            "TTFT {} ms, ITL {} ms, KV cache {} GB{}",
            r(value_of(out, "ttft", "ms")?),
            r(value_of(out, "itl", "ms")?),
            r(value_of(out, "kv_cache_size", "GB")?),
            fits("feasible")
        ),
        "distributed" => format!(
            "step {} ms, scaling efficiency {}%, bubble {}%{}",
            r(value_of(out, "step_latency_total", "ms")?),
            r(100.0 * value_of(out, "scaling_efficiency", "1")?),
            r(100.0 * value_of(out, "bubble_fraction", "1")?),
            fits("node_feasible")
        ),
        "economics" => format!(
            "TCO ${} (CapEx ${}, energy ${}, maintenance ${})",
            r(value_of(out, "tco_usd", "USD")?),
            r(value_of(out, "capex_usd", "USD")?),
            r(value_of(out, "opex_energy_usd", "USD")?),
            r(value_of(out, "opex_maintenance_usd", "USD")?)
        ),
        "sustainability" => format!(
            "carbon {} t, facility energy {} MWh, PUE {}",
            r(value_of(out, "carbon_footprint", "t")?),
            r(value_of(out, "total_energy", "MWh")?),
            r(value_of(out, "pue", "1")?)
        ),
        "reliability" => format!(
            "fleet MTBF {} h, checkpoint every {} s (Young-Daly), goodput {}%",
            r(value_of(out, "fleet_mtbf", "h")?),
            r(value_of(out, "optimal_checkpoint_interval", "s")?),
            r(100.0 * value_of(out, "goodput_ratio", "1")?)
        ),
        _ => return None,
    })
}

/// Parses `--name value` pairs (`--batch-size 8` → `batch_size`). A flag without a value is `true`.
pub fn parse_inputs(args: &[String]) -> Result<Params, String> {
    let mut params = Params::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let Some(name) = a.strip_prefix("--") else {
            return Err(format!(
                "unexpected argument `{a}`; inputs are written `--name value`"
            ));
        };
        let (name, value) = match name.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (name.to_string(), None),
        };
        let name = name.replace('-', "_");
        let value = match value {
            Some(v) => v,
            None if i + 1 < args.len() && !args[i + 1].starts_with("--") => {
                i += 1;
                args[i].clone()
            }
            None => "true".to_string(),
        };
        if params.insert(name.clone(), Param::Text(value)).is_some() {
            return Err(format!("input `--{}` given twice", name.replace('_', "-")));
        }
        i += 1;
    }
    Ok(params)
}

/// A readable unit for text output: times, sizes and energies scale with their magnitude.
fn text_unit(v: Value) -> &'static str {
    let a = v.si.abs();
    match v.dim {
        d if d == Dim::TIME => match a {
            x if x < 1.0 => "ms",
            x if x < 3600.0 => "s",
            x if x < 10.0 * 86400.0 => "h",
            _ => "d",
        },
        d if d == Dim::INFORMATION && a >= 1e12 => "TB",
        d if d == Dim::INFORMATION && a < 1e6 && a > 0.0 => "KB",
        d if d == Dim::ENERGY && a >= 3.6e9 => "MWh",
        d if d == Dim::ENERGY && a >= 3.6e6 => "kWh",
        d if d == Dim::MASS && a >= 1e4 => "t",
        d => display_unit(d),
    }
}

fn show(o: &Out) -> String {
    match o {
        Out::Value(v) => {
            let u = text_unit(*v);
            if u.is_empty() && !v.dim.is_none() {
                format!("{} {}", plain_number(v.si), v.dim)
            } else {
                let x = v
                    .in_unit(if u.is_empty() { "1" } else { u })
                    .unwrap_or(v.si);
                let x = if x.abs() >= 1e-3 && x.abs() < 1e12 {
                    format!("{}", (x * 1e4).round() / 1e4)
                } else {
                    format!("{x:.4e}")
                };
                if u.is_empty() {
                    x
                } else {
                    format!("{x} {u}")
                }
            }
        }
        Out::Label(s) => s.clone(),
        Out::Bool(b) => {
            if *b {
                "yes".into()
            } else {
                "no".into()
            }
        }
        Out::Missing => "—".into(),
    }
}

fn out_json(o: &Out) -> Json {
    match o {
        Out::Value(v) => {
            let u = display_unit(v.dim);
            match v.in_unit(if u.is_empty() { "1" } else { u }) {
                Ok(x) => json!({ "value": x, "unit": if u.is_empty() { "1" } else { u } }),
                Err(_) => json!({ "value": v.si, "unit": v.dim.to_string() }),
            }
        }
        Out::Label(s) => json!({ "value": s, "unit": "label" }),
        Out::Bool(b) => json!({ "value": b, "unit": "bool" }),
        Out::Missing => json!({ "value": null }),
    }
}

/// The lineage as text: formulas, inputs and every registry value with its source.
pub fn explain(reg: &Registry, lineage: &Lineage) -> String {
    let mut out = format!("derivation ({} solver)\n", lineage.solver);
    if !lineage.formulas.is_empty() {
        out.push_str(&format!("  formulas: {}\n", lineage.formulas.join(", ")));
    }
    for (n, v) in &lineage.inputs {
        out.push_str(&format!("  input {n} = {v}\n"));
    }
    out.push_str("  registry values:\n");
    for id in &lineage.leaves {
        let leaf = reg.leaf(*id);
        out.push_str(&format!(
            "    {} = {}  [{}]\n",
            leaf.path(),
            leaf_text(leaf),
            leaf.source
        ));
    }
    let mut ids: Vec<&str> = lineage
        .leaves
        .iter()
        .map(|id| reg.leaf(*id).source.as_str())
        .collect();
    ids.sort();
    ids.dedup();
    out.push_str("  sources:\n");
    for id in ids {
        if let Some(s) = reg.sources.get(id) {
            out.push_str(&format!(
                "    [{id}] {} ({}, verified {}){}\n",
                s.title,
                s.kind.name(),
                s.verified,
                s.url.as_ref().map(|u| format!(" {u}")).unwrap_or_default()
            ));
        }
    }
    out
}

fn lineage_json(reg: &Registry, l: &Lineage) -> Json {
    let leaves: Vec<Json> = l
        .leaves
        .iter()
        .map(|id| {
            let leaf = reg.leaf(*id);
            json!({ "path": leaf.path(), "value": leaf_text(leaf), "source": leaf.source })
        })
        .collect();
    json!({
        "solver": l.solver,
        "formulas": l.formulas,
        "inputs": l.inputs.iter().map(|(n, v)| json!({"name": n, "value": v})).collect::<Vec<_>>(),
        "registry": leaves,
    })
}

/// Runs `eval`.
pub fn run(
    reg: &Registry,
    solver: &str,
    args: &[String],
    with_explain: bool,
    format: Format,
) -> Result<String, String> {
    if solver == "formula" {
        let asks_help = |a: &String| a == "--help" || a == "-h";
        if args.first().is_none_or(asks_help) {
            return Ok(formulas_help());
        }
        if args.iter().skip(1).any(asks_help) {
            return formula_help(&args[0]);
        }
        let Some((name, rest)) = args.split_first() else {
            let names: Vec<&str> = crate::calc::formulas::catalog()
                .iter()
                .map(|f| f.name)
                .collect();
            return Err(format!(
                "name a formula: eval formula NAME --input value ...; formulas: {}",
                names.join(", ")
            ));
        };
        let mut params = parse_inputs(rest)?;
        registry_inputs(reg, &mut params)?;
        let outs = crate::calc::formulas::call(name, &params).map_err(|e| e.to_string())?;
        return Ok(render(
            solver,
            &SolveOutput {
                outputs: outs,
                lineage: Lineage::new("formula"),
                warnings: vec![],
            },
            reg,
            false,
            format,
        ));
    }
    if args.iter().any(|a| a == "--help" || a == "-h") {
        return help(solver);
    }
    let mut params = parse_inputs(args)?;
    let leaves = registry_inputs(reg, &mut params)?;
    let mut out = crate::calc::catalog::run(reg, solver, &params).map_err(|e| e.to_string())?;
    for l in leaves {
        if !out.lineage.leaves.contains(&l) {
            out.lineage.leaves.push(l);
        }
    }
    Ok(render(solver, &out, reg, with_explain, format))
}

/// `eval --help`: the command's help, then every solver of the catalog with its inputs and
/// outputs (`eval SOLVER --help` gives their types, defaults, ranges and meanings).
pub fn command_help() -> String {
    use clap::CommandFactory;
    let mut cmd = crate::app::cli::Cli::command();
    cmd.build(); // gives the subcommand its full name (`mlsysim-book eval`) in the usage line
    let mut text = cmd
        .find_subcommand_mut("eval")
        .map(|c| c.render_long_help().to_string())
        .unwrap_or_default();
    text.push_str("\nSolvers (`eval SOLVER --help` for types, defaults, ranges and meanings):\n");
    for def in crate::calc::catalog::CATALOG {
        let inputs: Vec<&str> = def.inputs.iter().map(|i| i.name).collect();
        let outputs: Vec<&str> = def.outputs.iter().map(|o| o.name).collect();
        text.push_str(&format!(
            "\n  {} ({}): {}\n    inputs:  {}\n    outputs: {}\n",
            def.name,
            def.class,
            def.doc,
            inputs.join(", "),
            outputs.join(", ")
        ));
    }
    text
}

/// `eval formula --help`: every formula of the library with its mlsysim name and equation.
fn formulas_help() -> String {
    let mut s = String::from(
        "eval formula NAME --input value ...: one formula of the library (`eval formula NAME --help` for one)\n\n",
    );
    for f in crate::calc::formulas::catalog() {
        s.push_str(&format!("  {:<34} {}\n", f.name, f.equation));
    }
    s
}

/// `eval formula NAME --help`: a formula's mlsysim name, equation and inputs.
fn formula_help(name: &str) -> Result<String, String> {
    let f = crate::calc::formulas::find(name).ok_or_else(|| {
        let names: Vec<&str> = crate::calc::formulas::catalog()
            .iter()
            .map(|f| f.name)
            .collect();
        format!(
            "unknown formula `{name}`{}",
            crate::base::text::did_you_mean(&crate::base::text::closest(name, names.into_iter()))
        )
    })?;
    let inputs: Vec<String> = f
        .params
        .iter()
        .map(|p| format!("--{}", p.replace('_', "-")))
        .collect();
    Ok(format!(
        "{} (mlsysim {}): {}\n\ninputs: {}\n",
        f.name,
        f.mlsysim,
        f.equation,
        inputs.join(" ")
    ))
}

/// `eval SOLVER --help`: the catalog's declaration of the solver, its inputs and its outputs.
pub fn help(solver: &str) -> Result<String, String> {
    use crate::calc::solvers::decl::Default as D;
    let def = crate::calc::catalog::find(solver).ok_or_else(|| {
        format!(
            "unknown solver `{solver}`; solvers: {}",
            crate::calc::catalog::SOLVERS.join(", ")
        )
    })?;
    let mut s = format!(
        "{} (mlsysim {}): {}\n\ninputs:\n",
        def.name, def.class, def.doc
    );
    for i in def.inputs {
        let default = match i.default {
            D::Required => "required".to_string(),
            D::Absent => "optional".to_string(),
            D::Num(x) => format!("default {x}"),
            D::Text(t) => format!("default {t}"),
            D::Bool(b) => format!("default {b}"),
        };
        let range = i.range.text();
        let range = if range.is_empty() {
            String::new()
        } else {
            format!(", {range}")
        };
        s.push_str(&format!(
            "  --{:<24} {}; {default}{range}. {}\n",
            i.name.replace('_', "-"),
            i.kind.name(),
            i.doc
        ));
    }
    if !def.outputs.is_empty() {
        s.push_str("\noutputs:\n");
        for o in def.outputs {
            s.push_str(&format!("  {:<26} [{}] {}\n", o.name, o.unit, o.doc));
        }
    }
    Ok(s)
}

/// Inputs written as registry paths (`--electricity-price
/// infrastructure.Pricing.Cloud.ElectricityPerKwh.rate`) become the quantity they name; returns
/// the registry leaves read, for the lineage.
fn registry_inputs(reg: &Registry, params: &mut Params) -> Result<Vec<u32>, String> {
    let mut leaves = Vec::new();
    for (name, p) in params.iter_mut() {
        let Param::Text(text) = p else { continue };
        let first = text.split('.').next().unwrap_or("");
        if !text.contains('.') || !crate::book::paths::is_namespace(first) {
            continue;
        }
        let r = crate::book::paths::resolve(reg, text)
            .map_err(|e| format!("input `--{}`: {e}", name.replace('_', "-")))?;
        leaves.extend(r.leaves);
        *p = Param::Quantity(r.value);
    }
    Ok(leaves)
}

fn render(
    solver: &str,
    out: &SolveOutput,
    reg: &Registry,
    with_explain: bool,
    format: Format,
) -> String {
    match format {
        Format::Json => {
            let mut outputs = JsonMap::new();
            for (n, o) in &out.outputs {
                outputs.insert(n.to_string(), out_json(o));
            }
            let mut j = json!({ "solver": solver, "outputs": outputs, "warnings": out.warnings });
            if with_explain || solver != "formula" {
                j["lineage"] = lineage_json(reg, &out.lineage);
            }
            format!("{j:#}\n")
        }
        Format::Text => {
            let w = out.outputs.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
            let mut s = String::new();
            if let Some(h) = headline(solver, out) {
                s.push_str(&format!("{solver}: {h}\n\n"));
            }
            for (n, o) in &out.outputs {
                s.push_str(&format!("{n:<w$}  {}\n", show(o)));
            }
            for warning in &out.warnings {
                s.push_str(&format!("warning: {warning}\n"));
            }
            if with_explain {
                s.push('\n');
                s.push_str(&explain(reg, &out.lineage));
            }
            s
        }
    }
}

/// A value shown in its display unit (used by summaries).
pub fn show_value(v: Value) -> String {
    show(&Out::Value(v))
}
