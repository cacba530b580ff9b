//! The registry schema: the namespaces, where their files live, and each field's kind and
//! dimension. The loader rejects anything not listed here.

use crate::base::units::Dim;

/// What a field holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A quantity string of this dimension (`"700 W"`).
    Qty(Dim),
    /// A dimensionless number (`pue = 1.12`, `parameters = 8.03e9` or `"8.03e9 param"`).
    Num,
    /// Text.
    Text,
    /// A flag.
    Bool,
    /// A key of another namespace.
    Ref(&'static str),
    /// A table of quantities with free keys (`compute.precision_flops.fp8`).
    QtyMap(Dim),
    /// A quantity or number of any dimension (a constant's `value`).
    AnyQty,
}

/// One field of a namespace.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    /// Dotted path inside the entry.
    pub path: &'static str,
    /// Kind.
    pub kind: Kind,
    /// Whether every entry must have it.
    pub required: bool,
}

/// How a namespace's entries are laid out in files.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Layout {
    /// One entry per file under this folder (any depth); the key is the file stem.
    FilePerEntry(&'static str),
    /// Entries are top-level tables of files under this folder.
    TablesInDir(&'static str),
    /// Entries are top-level tables of files under this folder, each a group of sourced values
    /// with free field paths, checked against `kinds.toml` (see [`super::extra`]).
    Groups(&'static str),
    /// Entries are top-level tables of this file.
    TablesInFile(&'static str),
}

/// A namespace of the registry.
#[derive(Clone, Copy, Debug)]
pub struct NamespaceSpec {
    /// Name (`hardware`).
    pub name: &'static str,
    /// Where its files are.
    pub layout: Layout,
    /// Its fields.
    pub fields: &'static [FieldSpec],
}

impl NamespaceSpec {
    /// The spec of a field path, if any (map fields match any key below them).
    pub fn field(&self, path: &str) -> Option<FieldSpec> {
        self.fields.iter().copied().find(|f| match f.kind {
            Kind::QtyMap(_) => path.strip_prefix(f.path).is_some_and(|r| {
                r.strip_prefix('.')
                    .is_some_and(|k| !k.is_empty() && !k.contains('.'))
            }),
            _ => f.path == path,
        })
    }

    /// Whether `path` is a table that contains fields (`compute`, `compute.precision_flops`).
    pub fn is_group(&self, path: &str) -> bool {
        let prefix = format!("{path}.");
        self.fields.iter().any(|f| {
            f.path.starts_with(&prefix) || (f.path == path && matches!(f.kind, Kind::QtyMap(_)))
        })
    }

    /// All field paths, for "did you mean".
    pub fn paths(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields.iter().map(|f| f.path)
    }
}

const fn f(path: &'static str, kind: Kind) -> FieldSpec {
    FieldSpec {
        path,
        kind,
        required: false,
    }
}
const fn req(path: &'static str, kind: Kind) -> FieldSpec {
    FieldSpec {
        path,
        kind,
        required: true,
    }
}

use Kind::*;

const HARDWARE: &[FieldSpec] = &[
    req("name", Text),
    req("tier", Text),
    f("year", Num),
    f("description", Text),
    req("compute.peak_flops", Qty(Dim::COMPUTE_RATE)),
    f("compute.precision_flops", QtyMap(Dim::COMPUTE_RATE)),
    req("memory.capacity", Qty(Dim::INFORMATION)),
    req("memory.bandwidth", Qty(Dim::BANDWIDTH)),
    f("sram.capacity", Qty(Dim::INFORMATION)),
    f("sram.bandwidth", Qty(Dim::BANDWIDTH)),
    f("flash.capacity", Qty(Dim::INFORMATION)),
    f("flash.bandwidth", Qty(Dim::BANDWIDTH)),
    f("interconnect.name", Text),
    f("interconnect.bandwidth", Qty(Dim::BANDWIDTH)),
    f("interconnect.direction", Text),
    f("interconnect.latency", Qty(Dim::TIME)),
    f("nvlink.name", Text),
    f("nvlink.bandwidth", Qty(Dim::BANDWIDTH)),
    f("nvlink.direction", Text),
    f("nvlink.latency", Qty(Dim::TIME)),
    f("storage_bandwidth", Qty(Dim::BANDWIDTH)),
    f("tdp", Qty(Dim::POWER)),
    req("dispatch_tax", Qty(Dim::TIME)),
    f("unit_cost", Qty(Dim::CURRENCY)),
    f("unit_cost_max", Qty(Dim::CURRENCY)),
    f("embodied_carbon", Qty(Dim::MASS)),
    f("accelerator_count", Num),
];

const MODELS: &[FieldSpec] = &[
    req("name", Text),
    req("type", Text),
    f("architecture", Text),
    f("description", Text),
    f("parameters", Num),
    f("active_parameters", Num),
    f("layers", Num),
    f("hidden_dim", Num),
    f("heads", Num),
    f("kv_heads", Num),
    f("head_dim", Num),
    f("context_length", Num),
    f("inference_flops", Qty(Dim::OPERATIONS)),
    f("training_ops", Qty(Dim::OPERATIONS)),
    f("training_tokens", Num),
    f("experts", Num),
    f("active_experts_per_token", Num),
    f("kv_lora_rank", Num),
    f("qk_rope_head_dim", Num),
    f("model_size", Qty(Dim::INFORMATION)),
    f("embedding_entries", Num),
    f("state_size", Num),
    f("denoising_steps", Num),
    f("resolution", Num),
    f("action_chunk_horizon", Num),
    f("action_dim", Num),
    f("vocab_size", Num),
    f("width_multiplier", Num),
    f("inference_energy", Qty(Dim::ENERGY)),
    f("release_year", Num),
    f("training_accelerators_ref", Num),
    f("training_days_ref", Qty(Dim::TIME)),
    f("training_gpu_days", Num),
    f("training_energy", Qty(Dim::ENERGY)),
    f("training_co2e", Qty(Dim::MASS)),
    f("training_dataset_size", Qty(Dim::INFORMATION)),
];

const GRIDS: &[FieldSpec] = &[
    req("name", Text),
    req("carbon_intensity", Qty(Dim::CARBON_INTENSITY)),
    req("pue", Num),
    f("wue", Qty(Dim::WATER_INTENSITY)),
    f("primary_source", Text),
    f("renewable_share", Num),
    f("latitude", Num),
    f("longitude", Num),
];

const DATACENTERS: &[FieldSpec] = &[
    req("name", Text),
    req("grid", Ref("grids")),
    f("pue", Num),
    f("description", Text),
];

const COOLING: &[FieldSpec] = &[
    req("name", Text),
    req("pue", Num),
    f("wue", Qty(Dim::WATER_INTENSITY)),
    f("description", Text),
];

const NODES: &[FieldSpec] = &[
    req("name", Text),
    req("accelerator", Ref("hardware")),
    req("accelerators_per_node", Num),
    req("intra_node_bw", Qty(Dim::BANDWIDTH)),
    req("nics_per_node", Num),
    req("psus_per_node", Num),
    req("psu_redundancy", Num),
    f("max_power", Qty(Dim::POWER)),
    f("host_memory", Qty(Dim::INFORMATION)),
    f("description", Text),
];

const FABRICS: &[FieldSpec] = &[
    req("name", Text),
    f("topology", Text),
    req("bandwidth", Qty(Dim::BANDWIDTH)),
    f("latency", Qty(Dim::TIME)),
    req("oversubscription_ratio", Num),
    f("description", Text),
];

const FLEETS: &[FieldSpec] = &[
    req("name", Text),
    req("node", Ref("nodes")),
    req("count", Num),
    req("fabric", Ref("fabrics")),
    f("datacenter", Ref("datacenters")),
    f("region", Ref("grids")),
    f("description", Text),
];

const SCENARIOS: &[FieldSpec] = &[
    req("name", Text),
    f("application", Text),
    f("tier", Text),
    f("lighthouse", Bool),
    req("model", Ref("models")),
    f("hardware", Ref("hardware")),
    f("fleet", Ref("fleets")),
    f("sla_latency", Qty(Dim::TIME)),
    f("power_budget", Qty(Dim::POWER)),
    f("workload_name", Text),
    f("data_rate", Qty(Dim::BANDWIDTH)),
    f("description", Text),
];

const CONSTANTS: &[FieldSpec] = &[
    f("value", AnyQty),
    f("text", Text),
    f("name", Text),
    f("description", Text),
];

/// Every namespace, in load order (references point to earlier namespaces or are checked after).
pub const NAMESPACES: &[NamespaceSpec] = &[
    NamespaceSpec {
        name: "hardware",
        layout: Layout::FilePerEntry("hardware"),
        fields: HARDWARE,
    },
    NamespaceSpec {
        name: "models",
        layout: Layout::TablesInDir("models"),
        fields: MODELS,
    },
    NamespaceSpec {
        name: "grids",
        layout: Layout::TablesInFile("grids.toml"),
        fields: GRIDS,
    },
    NamespaceSpec {
        name: "datacenters",
        layout: Layout::TablesInFile("datacenters.toml"),
        fields: DATACENTERS,
    },
    NamespaceSpec {
        name: "cooling",
        layout: Layout::TablesInFile("cooling.toml"),
        fields: COOLING,
    },
    NamespaceSpec {
        name: "nodes",
        layout: Layout::TablesInFile("nodes.toml"),
        fields: NODES,
    },
    NamespaceSpec {
        name: "fabrics",
        layout: Layout::TablesInFile("fabrics.toml"),
        fields: FABRICS,
    },
    NamespaceSpec {
        name: "fleets",
        layout: Layout::TablesInFile("fleets.toml"),
        fields: FLEETS,
    },
    NamespaceSpec {
        name: "scenarios",
        layout: Layout::TablesInFile("scenarios.toml"),
        fields: SCENARIOS,
    },
    NamespaceSpec {
        name: "constants",
        layout: Layout::TablesInFile("constants.toml"),
        fields: CONSTANTS,
    },
];

const fn groups(name: &'static str) -> NamespaceSpec {
    NamespaceSpec {
        name,
        layout: Layout::Groups(name),
        fields: &[],
    }
}

/// The namespaces of mlsysim's other trees (`tech`, `reference`, ...): groups of sourced values.
pub const GROUP_NAMESPACES: &[NamespaceSpec] = &[
    groups("tech"),
    groups("reference"),
    groups("literature"),
    groups("infrastructure"),
    groups("systems"),
    groups("datasets"),
    groups("agents"),
    groups("agentplatforms"),
    groups("embodied"),
    groups("actuators"),
];

/// The spec of a namespace by name.
pub fn namespace(name: &str) -> Option<&'static NamespaceSpec> {
    all().find(|n| n.name == name)
}

/// Every namespace: [`NAMESPACES`], then [`GROUP_NAMESPACES`].
pub fn all() -> impl Iterator<Item = &'static NamespaceSpec> {
    NAMESPACES.iter().chain(GROUP_NAMESPACES)
}

impl NamespaceSpec {
    /// Whether entries are groups with free field paths.
    pub fn is_groups(&self) -> bool {
        matches!(self.layout, Layout::Groups(_))
    }
}
