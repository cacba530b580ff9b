//! The JSON Schema (draft 2020-12) of plan files, for editors and agents (`mlsysim-book schema`).
//!
//! Written by hand beside the serde types of [`super::Plan`]; a test checks that both name the same
//! keys at every level and that every example in the schema parses.

use serde_json::{json, Map, Value as Json};

fn obj(description: &str, required: &[&str], props: Vec<(&str, Json)>) -> Json {
    let mut p = Map::new();
    for (k, v) in props {
        p.insert(k.to_string(), v);
    }
    json!({
        "type": "object",
        "description": description,
        "additionalProperties": false,
        "required": required,
        "properties": p,
    })
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
        vec![
            (
                "name",
                string("Registry model key, e.g. Llama3_70B (see `mlsysim-book zoo models`)."),
            ),
            ("batch_size", int_min("Global batch size (default 1).", 1)),
            (
                "seq_len",
                int_min("Sequence length (default constants.default_seq_len).", 1),
            ),
        ],
    );
    let hardware = obj(
        "Where it runs: one device (`name`), an ad-hoc fleet of it (`accelerators`, or `node_count` × `accelerators_per_node`), a registry fleet (`fleet`) or a registry node (`node` with `node_count`).",
        &[],
        vec![
            ("name", string("Registry hardware key, e.g. H100; optional with `fleet` or `node`, which name the accelerator.")),
            ("fleet", string("Registry fleet key, e.g. Meta_Llama3_16K_H100 (addition to mlsysim).")),
            ("node", string("Registry node key, e.g. DGX_H100, with `node_count` (addition).")),
            ("fabric", string("Registry fabric key, e.g. InfiniBand_NDR (addition).")),
            ("accelerators", int_min("Total accelerators.", 1)),
            ("node_count", int_min("Nodes.", 1)),
            ("accelerators_per_node", int_min("Accelerators per node (default the device's accelerator_count, else 1).", 1)),
            ("intra_node_bw", quantity("Intra-node bandwidth, one way (default NVLink, else the host link).", "450 GB/s")),
            ("fabric_bandwidth", quantity("Inter-node bandwidth per accelerator (default constants.plan_fabric_bandwidth).", "50 GB/s")),
            ("precision", json!({ "type": "string", "enum": ["fp32", "tf32", "bf16", "fp16", "fp8", "int8", "int4"], "description": "Numeric precision (default fp16)." })),
            ("efficiency", json!({ "type": "number", "exclusiveMinimum": 0, "maximum": 1, "description": "Compute efficiency η (default constants.default_efficiency)." })),
        ],
    );
    let parallelism = obj(
        "How a fleet is decomposed (addition; mlsysim's eval always uses TP = PP = 1). `optimize parallelism` searches TP, PP, EP and micro-batches, and recomputation unless it is given here.",
        &[],
        vec![
            ("tp", int_min("Tensor-parallel degree.", 1)),
            ("pp", int_min("Pipeline stages.", 1)),
            ("ep", int_min("Expert-parallel degree (mixture-of-experts).", 1)),
            ("v_stages", int_min("Virtual (interleaved) stages per device.", 1)),
            ("microbatch_count", int_min("Micro-batches per step.", 1)),
            ("zero_stage", json!({ "type": "integer", "minimum": 0, "maximum": 3, "description": "ZeRO stage." })),
            ("activation_recomputation", json!({ "type": "boolean", "description": "Recompute activations in the backward pass." })),
            ("overlap_comm", json!({ "type": "boolean", "description": "Overlap the data-parallel all-reduce with compute." })),
        ],
    );
    let ops = obj(
        "Where and how long it operates; `duration_days` enables the macro level (TCO, carbon).",
        &[],
        vec![
            (
                "region",
                string("Grid or datacenter key, e.g. Quebec (honoured; mlsysim ignores it)."),
            ),
            (
                "duration_days",
                json!({ "type": "number", "exclusiveMinimum": 0, "description": "Operating period in days." }),
            ),
            (
                "mfu",
                json!({ "type": "number", "minimum": 0, "maximum": 1, "description": "Utilisation driving device power (default 1: full TDP, as mlsysim)." }),
            ),
            (
                "kwh_price",
                json!({ "type": "number", "minimum": 0, "description": "Electricity price in USD/kWh (default constants.electricity_price)." }),
            ),
            (
                "carbon_tax",
                json!({ "type": "number", "minimum": 0, "description": "Carbon price in USD per tonne CO2e: macro.carbon_cost_usd and the default of `optimize placement --carbon-tax`." }),
            ),
            (
                "regions",
                json!({ "type": "array", "items": { "type": "string" }, "minItems": 1, "uniqueItems": true, "description": "Candidate grids or datacenters for `optimize placement` (default every registry grid)." }),
            ),
        ],
    );
    let assert = obj(
        "An assert on a scorecard metric; a violated assert makes `eval` exit with code 3.",
        &["metric"],
        vec![
            ("metric", json!({
                "type": "string",
                "pattern": "^(feasibility|performance|macro)\\.[a-z_]+$",
                "description": "level.key: feasibility.{memory_used_gb, memory_capacity_gb, memory_utilization}; performance.{latency, throughput, mfu} on one device or performance.{step_latency, comm_overhead, bubble_fraction, fleet_throughput, mfu, node_mfu, scaling_efficiency} on a fleet; macro.{tco_usd, capex, energy_cost, total_energy, carbon_footprint, carbon_cost_usd} with ops.duration_days. Any other name is an error.",
            })),
            ("max", bound("Upper bound: a number in the metric's unit (ms, GB, USD, t, MWh, 1/s, ratio) or a quantity string.")),
            ("min", bound("Lower bound, same forms.")),
        ],
    );
    let constraints = obj(
        "Asserts checked after evaluation.",
        &[],
        vec![("assert", json!({ "type": "array", "items": assert }))],
    );
    let mut root = obj(
        "An mlsysim-book plan (TOML or YAML; the YAML form reads mlsysim 0.3.0's mlsys.yaml plans).",
        &["version", "name", "workload", "hardware"],
        vec![
            ("version", json!({ "type": "string", "description": "Schema version.", "examples": ["1.0"] })),
            ("name", string("Display name of the plan.")),
            ("workload", workload),
            ("hardware", hardware),
            ("parallelism", parallelism),
            ("ops", ops),
            ("constraints", constraints),
        ],
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
}
