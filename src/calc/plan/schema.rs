//! The JSON Schema (draft 2020-12) of plan files, for editors and agents (`mlsysim-book schema`).
//!
//! Every plan key that feeds a solver input is declared in [`PLAN_INPUTS`] (plan section and key →
//! solver and input); its type, bounds and meaning come from that input's declaration in the solver
//! catalog. The keys that are the plan's own (ad-hoc fleet sizing, bandwidths, asserts) are written
//! here. A test checks that the schema and the serde types of [`super::Plan`] name the same keys at
//! every level.

use crate::calc::catalog;
use crate::calc::params::Precision;
use crate::calc::solvers::decl::{short_num, Input, Kind, Range};
use serde_json::{json, Map, Value as Json};

/// A plan key that feeds a solver input.
pub struct PlanInput {
    /// Plan section (`workload`, `hardware`, `parallelism`, `ops`).
    pub section: &'static str,
    /// Key in the section (`tp`).
    pub key: &'static str,
    /// The solver whose input it is (`distributed`).
    pub solver: &'static str,
    /// The input (`tp_size`).
    pub input: &'static str,
    /// What the plan adds to the input's meaning (defaults, examples, mlsysim's behaviour).
    pub note: &'static str,
    /// A narrower valid range than the input's, where a plan needs one (a macro period of zero
    /// days means nothing); `None`: the input's.
    pub range: Option<Range>,
    /// The plan writes a list where the input takes comma-separated text (`regions`).
    pub list: bool,
}

const fn pi(
    section: &'static str,
    key: &'static str,
    solver: &'static str,
    input: &'static str,
    note: &'static str,
) -> PlanInput {
    PlanInput {
        section,
        key,
        solver,
        input,
        note,
        range: None,
        list: false,
    }
}

const fn listed(p: PlanInput) -> PlanInput {
    PlanInput { list: true, ..p }
}

const fn narrowed(p: PlanInput, range: Range) -> PlanInput {
    PlanInput {
        range: Some(range),
        ..p
    }
}

/// The declared mapping of plan keys to solver inputs, in the order the schema lists them.
pub const PLAN_INPUTS: &[PlanInput] = &[
    pi(
        "workload",
        "name",
        "roofline",
        "model",
        "e.g. Llama3_70B (see `mlsysim-book zoo models`)",
    ),
    pi("workload", "batch_size", "distributed", "batch_size", ""),
    pi("workload", "seq_len", "distributed", "seq_len", ""),
    pi(
        "hardware",
        "name",
        "roofline",
        "hardware",
        "e.g. H100; optional with `fleet` or `node`, which name the accelerator",
    ),
    pi(
        "hardware",
        "fleet",
        "distributed",
        "fleet",
        "e.g. Meta_Llama3_16K_H100 (addition to mlsysim)",
    ),
    pi(
        "hardware",
        "node",
        "distributed",
        "node",
        "e.g. DGX_H100, with `node_count` (addition)",
    ),
    pi(
        "hardware",
        "fabric",
        "distributed",
        "fabric",
        "e.g. InfiniBand_NDR (addition)",
    ),
    pi("hardware", "node_count", "distributed", "node_count", ""),
    pi("hardware", "precision", "distributed", "precision", ""),
    pi("hardware", "efficiency", "distributed", "efficiency", ""),
    pi("parallelism", "tp", "distributed", "tp_size", ""),
    pi("parallelism", "pp", "distributed", "pp_size", ""),
    pi(
        "parallelism",
        "ep",
        "distributed",
        "ep_size",
        "mixture-of-experts",
    ),
    pi("parallelism", "v_stages", "distributed", "v_stages", ""),
    pi(
        "parallelism",
        "microbatch_count",
        "distributed",
        "microbatch_count",
        "",
    ),
    pi("parallelism", "zero_stage", "distributed", "zero_stage", ""),
    pi(
        "parallelism",
        "activation_recomputation",
        "distributed",
        "activation_recomputation",
        "searched by `optimize parallelism` unless given",
    ),
    pi(
        "parallelism",
        "overlap_comm",
        "distributed",
        "overlap_comm",
        "",
    ),
    pi(
        "ops",
        "region",
        "economics",
        "datacenter",
        "e.g. Quebec (honoured; mlsysim ignores it)",
    ),
    narrowed(
        pi(
            "ops",
            "duration_days",
            "economics",
            "duration_days",
            "enables the macro level (TCO, carbon)",
        ),
        Range::POSITIVE,
    ),
    pi("ops", "mfu", "economics", "mfu", ""),
    narrowed(
        pi("ops", "kwh_price", "economics", "kwh_price", ""),
        Range::NONNEG,
    ),
    pi(
        "ops",
        "carbon_tax",
        "optimize-placement",
        "carbon_tax",
        "also macro.carbon_cost_usd and the default of `optimize placement --carbon-tax`",
    ),
    listed(pi("ops", "regions", "optimize-placement", "regions", "")),
];

/// The declaration a plan key feeds.
pub fn declaration(p: &PlanInput) -> &'static Input {
    catalog::find(p.solver)
        .and_then(|d| d.input(p.input))
        .unwrap_or_else(|| {
            panic!(
                "plan key {}.{}: no input `{}` of `{}`",
                p.section, p.key, p.input, p.solver
            )
        })
}

/// The declared mapping of a plan key.
fn plan_input(section: &str, key: &str) -> &'static PlanInput {
    PLAN_INPUTS
        .iter()
        .find(|p| p.section == section && p.key == key)
        .unwrap_or_else(|| panic!("plan key {section}.{key} is not declared"))
}

/// The valid range of a plan key: its own, else the solver input's.
pub fn range_of(section: &str, key: &str) -> Range {
    let p = plan_input(section, key);
    p.range.unwrap_or(declaration(p).range)
}

/// Checks a number written for a plan key against its valid range; the error names the key
/// (`` `ops.mfu` must be in [0, 1], got 1.5 ``).
pub fn check_number(section: &str, key: &str, x: f64) -> Result<f64, String> {
    let r = range_of(section, key);
    if x.is_finite() && r.contains(x) {
        Ok(x)
    } else {
        Err(format!(
            "`{section}.{key}` must be {}, got {}",
            r.text(),
            short_num(x)
        ))
    }
}

/// The schema of one plan key, from the solver input it feeds: JSON type and bounds from the
/// input's kind and range (a quantity is a bare number in its unit, as plans write it; a
/// comma-separated list is an array), the meaning from its doc.
fn from_input(p: &PlanInput) -> Json {
    let i = declaration(p);
    let mut o = Map::new();
    let bare = match i.kind {
        Kind::Qty(_, u) | Kind::QtyOr(_, u, _) => format!(" In {u}."),
        _ => String::new(),
    };
    let note = if p.note.is_empty() {
        String::new()
    } else {
        format!("; {}", p.note)
    };
    o.insert(
        "description".into(),
        json!(format!(
            "{}{note}.{bare} Solver input: `{}` `{}`.",
            i.doc, p.solver, p.input
        )),
    );
    match i.kind {
        Kind::Int => {
            o.insert("type".into(), json!("integer"));
        }
        Kind::Number | Kind::Qty(..) | Kind::QtyOr(..) => {
            o.insert("type".into(), json!("number"));
        }
        Kind::Bool => {
            o.insert("type".into(), json!("boolean"));
        }
        Kind::Text | Kind::Key(_) if p.list => {
            o.insert("type".into(), json!("array"));
            o.insert("items".into(), json!({ "type": "string" }));
            o.insert("minItems".into(), json!(1));
            o.insert("uniqueItems".into(), json!(true));
        }
        Kind::Text | Kind::Key(_) => {
            o.insert("type".into(), json!("string"));
            if i.name == "precision" {
                o.insert("enum".into(), json!(Precision::ALL.map(|p| p.key())));
            }
        }
    }
    let r = p.range.unwrap_or(i.range);
    let num = |x: f64| -> Json {
        if x.fract() == 0.0 && x.abs() < 9e15 {
            json!(x as i64)
        } else {
            short_num(x).parse::<f64>().map_or(json!(x), |v| json!(v))
        }
    };
    if r.lo.is_finite() {
        let k = if r.lo_open {
            "exclusiveMinimum"
        } else {
            "minimum"
        };
        o.insert(k.into(), num(r.lo));
    }
    if r.hi.is_finite() {
        let k = if r.hi_open {
            "exclusiveMaximum"
        } else {
            "maximum"
        };
        o.insert(k.into(), num(r.hi));
    }
    Json::Object(o)
}

/// The properties of a plan section: its declared solver inputs, then `own` plan keys.
fn section(name: &str, own: Vec<(&str, Json)>) -> Vec<(String, Json)> {
    PLAN_INPUTS
        .iter()
        .filter(|p| p.section == name)
        .map(|p| (p.key.to_string(), from_input(p)))
        .chain(own.into_iter().map(|(k, v)| (k.to_string(), v)))
        .collect()
}

fn obj(description: &str, required: &[&str], props: Vec<(String, Json)>) -> Json {
    let mut p = Map::new();
    for (k, v) in props {
        p.insert(k, v);
    }
    json!({
        "type": "object",
        "description": description,
        "additionalProperties": false,
        "required": required,
        "properties": p,
    })
}

fn own(props: Vec<(&str, Json)>) -> Vec<(String, Json)> {
    props.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn string(description: &str) -> Json {
    json!({ "type": "string", "description": description })
}

fn quantity(description: &str, example: &str) -> Json {
    json!({ "type": "string", "description": description, "examples": [example] })
}

fn int_min(description: &str, minimum: u64) -> Json {
    json!({ "type": "integer", "minimum": minimum, "description": description })
}

fn bound(description: &str) -> Json {
    json!({
        "description": description,
        "oneOf": [
            { "type": "number" },
            { "type": "string", "examples": ["50 ms", "2 t", "80 GB"] }
        ]
    })
}

/// The plan's JSON Schema.
pub fn plan_schema() -> Json {
    let workload = obj(
        "What runs: a registry model and its batch.",
        &["name"],
        section("workload", vec![]),
    );
    let hardware = obj(
        "Where it runs: one device (`name`), an ad-hoc fleet of it (`accelerators`, or `node_count` × `accelerators_per_node`), a registry fleet (`fleet`) or a registry node (`node` with `node_count`).",
        &[],
        section(
            "hardware",
            vec![
                ("accelerators", int_min("Total accelerators of an ad-hoc fleet of `name`.", 1)),
                ("accelerators_per_node", int_min("Accelerators per node (default the device's accelerator_count, else 1).", 1)),
                ("intra_node_bw", quantity("Intra-node bandwidth, one way (default NVLink, else the host link).", "450 GB/s")),
                ("fabric_bandwidth", quantity("Inter-node bandwidth per accelerator (default constants.plan_fabric_bandwidth).", "50 GB/s")),
            ],
        ),
    );
    let parallelism = obj(
        "How a fleet is decomposed (addition; mlsysim's eval always uses TP = PP = 1). `optimize parallelism` searches TP, PP, EP and micro-batches, and recomputation unless it is given here.",
        &[],
        section("parallelism", vec![]),
    );
    let ops = obj(
        "Where and how long it operates; `duration_days` enables the macro level (TCO, carbon).",
        &[],
        section("ops", vec![]),
    );
    let assert = obj(
        "An assert on a scorecard metric; a violated assert makes `eval` exit with code 3.",
        &["metric"],
        own(vec![
            ("metric", json!({
                "type": "string",
                "pattern": "^(feasibility|performance|macro)\\.[a-z_]+$",
                "description": "level.key: feasibility.{memory_used_gb, memory_capacity_gb, memory_utilization}; performance.{latency, throughput, mfu} on one device or performance.{step_latency, comm_overhead, bubble_fraction, fleet_throughput, mfu, node_mfu, scaling_efficiency} on a fleet; macro.{tco_usd, capex, energy_cost, total_energy, carbon_footprint, carbon_cost_usd} with ops.duration_days. Any other name is an error.",
            })),
            ("max", bound("Upper bound: a number in the metric's unit (ms, GB, USD, t, MWh, 1/s, ratio) or a quantity string.")),
            ("min", bound("Lower bound, same forms.")),
        ]),
    );
    let constraints = obj(
        "Asserts checked after evaluation.",
        &[],
        own(vec![(
            "assert",
            json!({ "type": "array", "items": assert }),
        )]),
    );
    let mut root = obj(
        "An mlsysim-book plan (TOML or YAML; the YAML form reads mlsysim 0.3.0's mlsys.yaml plans).",
        &["version", "name", "workload", "hardware"],
        own(vec![
            ("version", json!({ "type": "string", "description": "Schema version.", "examples": ["1.0"] })),
            ("name", string("Display name of the plan.")),
            ("workload", workload),
            ("hardware", hardware),
            ("parallelism", parallelism),
            ("ops", ops),
            ("constraints", constraints),
        ]),
    );
    let m = root.as_object_mut().expect("object");
    m.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    m.insert("title".into(), json!("mlsysim-book plan"));
    root
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calc::plan::parse::parse;
    use crate::calc::plan::PlanFormat;

    /// The keys serde accepts in a table, read from its "unknown field" message.
    fn serde_keys(toml_prefix: &str, table: &str) -> Vec<String> {
        let text = format!("{toml_prefix}\n{table}zzz_unknown = 1\n");
        let e = parse("t.toml", text, PlanFormat::Toml).unwrap_err();
        let list = e
            .message
            .split("expected one of ")
            .nth(1)
            .or_else(|| e.message.split("expected ").nth(1))
            .unwrap_or_else(|| panic!("{}", e.message));
        let mut keys: Vec<String> = list
            .split(", ")
            .map(|k| k.trim().trim_matches('`').to_string())
            .collect();
        keys.sort();
        keys
    }

    fn schema_keys(s: &Json) -> Vec<String> {
        let mut k: Vec<String> = s["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    }

    #[test]
    fn schema_names_the_same_keys_as_the_parser() {
        let s = plan_schema();
        let head =
            "version = \"1\"\nname = \"n\"\n[workload]\nname = \"m\"\n[hardware]\nname = \"h\"\n";
        assert_eq!(serde_keys("", ""), schema_keys(&s));
        for t in ["workload", "hardware", "parallelism", "ops", "constraints"] {
            let (prefix, table) = match t {
                "workload" => (
                    "version = \"1\"\nname = \"n\"\n[hardware]\nname = \"h\"\n",
                    "[workload]\nname = \"m\"\n",
                ),
                "hardware" => (
                    "version = \"1\"\nname = \"n\"\n[workload]\nname = \"m\"\n",
                    "[hardware]\n",
                ),
                _ => (head, ""),
            };
            let table = if table.is_empty() {
                format!("[{t}]\n")
            } else {
                table.to_string()
            };
            assert_eq!(
                serde_keys(prefix, &table),
                schema_keys(&s["properties"][t]),
                "{t}"
            );
        }
        let assert = &s["properties"]["constraints"]["properties"]["assert"]["items"];
        assert_eq!(
            serde_keys(head, "[[constraints.assert]]\nmetric = \"x\"\n"),
            schema_keys(assert)
        );
        assert_eq!(s["additionalProperties"], json!(false));
    }

    /// Every declared plan key names a solver input that exists, and its schema follows the
    /// input's declaration (`parallelism.tp` is distributed's `tp_size`: an integer ≥ 1).
    #[test]
    fn plan_keys_follow_the_solver_declarations() {
        let s = plan_schema();
        for p in PLAN_INPUTS {
            let d = declaration(p);
            let k = &s["properties"][p.section]["properties"][p.key];
            assert!(k.is_object(), "{}.{}", p.section, p.key);
            assert!(k["description"].as_str().unwrap().contains(p.input));
            if d.kind == Kind::Int {
                assert_eq!(k["type"], "integer", "{}.{}", p.section, p.key);
            }
        }
        let tp = &s["properties"]["parallelism"]["properties"]["tp"];
        assert_eq!(tp["minimum"], json!(1));
        let eff = &s["properties"]["hardware"]["properties"]["efficiency"];
        assert_eq!(eff["minimum"], json!(1e-9));
        assert_eq!(eff["maximum"], json!(1));
    }
}
