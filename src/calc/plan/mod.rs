//! Plan files: a declarative "will it fit, what binds, what does it cost" question, in TOML or YAML.
//!
//! The schema is mlsysim 0.3.0's `MlsysPlanSchema` (`version`, `name`, `workload`, `hardware`, `ops`,
//! `constraints.assert`; unknown keys are errors at every level), so existing `mlsys.yaml` files
//! load unchanged, plus a few additions a book needs: `hardware.fleet` / `hardware.node` /
//! `hardware.fabric` (registry systems instead of ad-hoc ones), a `parallelism` table, and
//! `ops.mfu`, `ops.kwh_price`, `ops.carbon_tax`, `ops.regions`.
//!
//! Where mlsysim is wrong this module does what a book author expects (each is repeated where it
//! is implemented): `ops.region` is honoured by the macro level (mlsysim ignores it and always
//! charges US_Avg), `workload.seq_len` is honoured by the distributed path (mlsysim uses 2048),
//! an assert naming a metric the plan does not produce is a located plan error (exit 2; mlsysim
//! reports it as a violated SLA, exit 3), a distributed plan reports per-accelerator memory
//! feasibility (mlsysim: SKIPPED), and a single device with `ops` gets a macro level (mlsysim
//! needs a fleet).

pub mod asserts;
pub mod evaluate;
pub mod parse;
pub mod presets;
pub mod resolve;
pub mod schema;

use serde::Deserialize;

/// A plan file as written (every level rejects unknown keys, like mlsysim's `extra="forbid"`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Schema version (mlsysim writes `"1.0"`).
    pub version: String,
    /// Display name of the plan.
    pub name: String,
    /// What runs.
    pub workload: WorkloadSpec,
    /// Where it runs.
    pub hardware: HardwareSpec,
    /// How a fleet is decomposed (addition; mlsysim's eval always uses TP = PP = 1).
    #[serde(default)]
    pub parallelism: Option<ParallelismSpec>,
    /// Where and for how long it operates (enables the macro level).
    #[serde(default)]
    pub ops: Option<OpsSpec>,
    /// Asserts on scorecard metrics.
    #[serde(default)]
    pub constraints: Option<ConstraintsSpec>,
}

/// `workload`: a registry model and its batch.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WorkloadSpec {
    /// Registry model key (`Llama3_70B`).
    pub name: String,
    /// Global batch size (default 1).
    #[serde(default)]
    pub batch_size: Option<u64>,
    /// Sequence length (default `constants.default_seq_len`).
    #[serde(default)]
    pub seq_len: Option<u64>,
}

/// `hardware`: one device, an ad-hoc fleet of it (mlsysim), or a registry fleet / node (additions).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HardwareSpec {
    /// Registry hardware key (`H100`); optional when `fleet` or `node` names the accelerator.
    #[serde(default)]
    pub name: Option<String>,
    /// Registry fleet key (addition).
    #[serde(default)]
    pub fleet: Option<String>,
    /// Registry node key, with `node_count` and `fabric` (addition).
    #[serde(default)]
    pub node: Option<String>,
    /// Registry fabric key for `node` (addition).
    #[serde(default)]
    pub fabric: Option<String>,
    /// Total accelerators.
    #[serde(default)]
    pub accelerators: Option<u64>,
    /// Nodes.
    #[serde(default)]
    pub node_count: Option<u64>,
    /// Accelerators per node.
    #[serde(default)]
    pub accelerators_per_node: Option<u64>,
    /// Intra-node bandwidth, one way (`"450 GB/s"`).
    #[serde(default)]
    pub intra_node_bw: Option<String>,
    /// Inter-node fabric bandwidth (`"50 GB/s"`; default `constants.plan_fabric_bandwidth`).
    #[serde(default)]
    pub fabric_bandwidth: Option<String>,
    /// Precision (default fp16).
    #[serde(default)]
    pub precision: Option<String>,
    /// Compute efficiency η in (0, 1] (default `constants.default_efficiency`).
    #[serde(default)]
    pub efficiency: Option<f64>,
}

/// `parallelism` (addition): the decomposition of a fleet and its training options.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ParallelismSpec {
    /// Tensor-parallel degree.
    #[serde(default)]
    pub tp: Option<u64>,
    /// Pipeline stages.
    #[serde(default)]
    pub pp: Option<u64>,
    /// Expert-parallel degree.
    #[serde(default)]
    pub ep: Option<u64>,
    /// Virtual stages per device.
    #[serde(default)]
    pub v_stages: Option<u64>,
    /// Micro-batches per step.
    #[serde(default)]
    pub microbatch_count: Option<u64>,
    /// ZeRO stage 0–3.
    #[serde(default)]
    pub zero_stage: Option<u64>,
    /// Activation recomputation (fixed; `optimize parallelism` tries both when absent).
    #[serde(default)]
    pub activation_recomputation: Option<bool>,
    /// Overlap the DP all-reduce with compute.
    #[serde(default)]
    pub overlap_comm: Option<bool>,
}

/// `ops`: operation site and period.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OpsSpec {
    /// Grid or datacenter key (honoured; mlsysim ignores it).
    #[serde(default)]
    pub region: Option<String>,
    /// Operating period in days.
    #[serde(default)]
    pub duration_days: Option<f64>,
    /// Utilisation driving device power in [0, 1] (addition; default 1 as in mlsysim).
    #[serde(default)]
    pub mfu: Option<f64>,
    /// Electricity price in USD/kWh (addition; default `constants.electricity_price`).
    #[serde(default)]
    pub kwh_price: Option<f64>,
    /// Carbon price in USD per tonne CO₂e (addition; macro `carbon_cost_usd`, placement default).
    #[serde(default)]
    pub carbon_tax: Option<f64>,
    /// Candidate regions for `optimize placement` (addition; default every registry grid).
    #[serde(default)]
    pub regions: Option<Vec<String>>,
}

/// `constraints`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConstraintsSpec {
    /// The asserts, checked after evaluation.
    #[serde(default, rename = "assert")]
    pub asserts: Vec<AssertSpec>,
}

/// One assert: `metric` (`level.key`) with an upper and/or lower bound.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AssertSpec {
    /// `feasibility.memory_utilization`, `performance.step_latency`, `macro.tco_usd`, ...
    pub metric: String,
    /// Upper bound: a number in the metric's unit, or a quantity (`"50 ms"`).
    #[serde(default)]
    pub max: Option<Bound>,
    /// Lower bound, same forms.
    #[serde(default)]
    pub min: Option<Bound>,
}

/// A bound as written.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Bound {
    /// A number in the metric's unit.
    Number(f64),
    /// A quantity with a unit (`"50 ms"`, `"2 t"`).
    Text(String),
}

/// The file format of a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanFormat {
    /// TOML.
    Toml,
    /// YAML (mlsysim's format).
    Yaml,
}

/// A plan with its source text, for located errors.
#[derive(Clone, Debug)]
pub struct PlanSource {
    /// Path as shown to the user (or `preset:Name`).
    pub file: String,
    /// The text.
    pub text: String,
    /// Format.
    pub format: PlanFormat,
    /// The parsed plan.
    pub plan: Plan,
}

/// One step of a path inside a plan (`constraints.assert[0].metric`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A table key.
    Key(&'static str),
    /// An array index.
    Index(usize),
}

/// Shorthand for a path of keys.
pub fn path(keys: &[&'static str]) -> Vec<Seg> {
    keys.iter().map(|k| Seg::Key(k)).collect()
}

/// Shows a path as `constraints.assert[0].metric`.
pub fn path_text(p: &[Seg]) -> String {
    let mut s = String::new();
    for seg in p {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}
