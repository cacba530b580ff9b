//! Typed registry entries, as the solvers read them. Every number is a `Sourced` quantity that
//! remembers the registry leaf it came from, so lineage survives arithmetic.

use crate::base::units::*;
use std::collections::BTreeMap;

/// Index of one registry leaf (a single sourced field) in [`super::Registry::leaves`].
pub type LeafId = u32;

/// A value read from the registry, with the leaf it came from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sourced<T> {
    /// The value.
    pub v: T,
    /// The leaf it was read from.
    pub leaf: LeafId,
}

/// Compute ceilings of a device.
#[derive(Clone, Debug)]
pub struct Compute {
    /// Peak FLOP/s used when a precision has no entry (by convention dense FP16/BF16).
    pub peak_flops: Sourced<ComputeRate>,
    /// Peak per precision key (`fp32`, `fp8`, `int8`, also non-canonical keys such as `fp16_dense`).
    pub precision_flops: BTreeMap<String, Sourced<ComputeRate>>,
}

/// A memory tier (HBM/DRAM, SRAM, flash).
#[derive(Clone, Debug)]
pub struct MemoryTier {
    /// Capacity.
    pub capacity: Option<Sourced<Information>>,
    /// Bandwidth.
    pub bandwidth: Option<Sourced<Bandwidth>>,
}

/// A link (host interconnect or device-to-device NVLink/ICI).
#[derive(Clone, Debug)]
pub struct Link {
    /// Product name ("NVLink 4.0").
    pub name: Option<String>,
    /// Bandwidth as the datasheet states it.
    pub bandwidth: Sourced<Bandwidth>,
    /// True when `bandwidth` is the bidirectional total (one-way is half).
    pub bidirectional_total: bool,
    /// Latency α, when known.
    pub latency: Option<Sourced<Time>>,
}

impl Link {
    /// One-way bandwidth: the datasheet value, halved when it is a bidirectional total.
    pub fn bandwidth_per_direction(&self) -> Bandwidth {
        if self.bidirectional_total {
            self.bandwidth.v / 2.0
        } else {
            self.bandwidth.v
        }
    }
}

/// An accelerator or device, from the cloud to TinyML.
#[derive(Clone, Debug)]
pub struct Hardware {
    /// Registry key (`H100`).
    pub key: String,
    /// Display name (`NVIDIA H100`).
    pub name: String,
    /// Tier: Cloud, Workstation, Mobile, Edge or Tiny.
    pub tier: String,
    /// Release year.
    pub year: Option<u32>,
    /// Compute ceilings.
    pub compute: Compute,
    /// Main memory (capacity and bandwidth are always present).
    pub memory: MemoryTier,
    /// On-chip SRAM, if modelled.
    pub sram: Option<MemoryTier>,
    /// Flash, if modelled.
    pub flash: Option<MemoryTier>,
    /// Host interconnect (PCIe ...).
    pub interconnect: Option<Link>,
    /// Device-to-device link (NVLink, ICI ...).
    pub nvlink: Option<Link>,
    /// Storage bandwidth.
    pub storage_bandwidth: Option<Sourced<Bandwidth>>,
    /// Thermal design power.
    pub tdp: Option<Sourced<Power>>,
    /// Per-call launch overhead.
    pub dispatch_tax: Sourced<Time>,
    /// Unit cost.
    pub unit_cost: Option<Sourced<Currency>>,
    /// Upper end of the unit cost range.
    pub unit_cost_max: Option<Sourced<Currency>>,
    /// Embodied carbon per device.
    pub embodied_carbon: Option<Sourced<Mass>>,
    /// Accelerators in one registry entry (a whole rack such as GB200 NVL72).
    pub accelerator_count: Option<Sourced<f64>>,
}

impl Hardware {
    /// Main-memory capacity (always present after validation).
    pub fn capacity(&self) -> Sourced<Information> {
        self.memory.capacity.expect("validated: memory.capacity")
    }
    /// Main-memory bandwidth (always present after validation).
    pub fn bandwidth(&self) -> Sourced<Bandwidth> {
        self.memory.bandwidth.expect("validated: memory.bandwidth")
    }
}

/// Workload family; selects how a model lowers to operations and bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelType {
    /// Dense decoder/encoder transformer.
    Transformer,
    /// Mixture-of-experts transformer.
    SparseTransformer,
    /// Convolutional network.
    Cnn,
    /// State-space model.
    Ssm,
    /// Diffusion model.
    Diffusion,
    /// Embodied / robot policy.
    Embodied,
    /// Any other workload.
    Workload,
}

/// A model (workload). Counts are plain `f64` because they are dimensionless.
#[derive(Clone, Debug)]
pub struct Model {
    /// Registry key (`Llama3_8B`).
    pub key: String,
    /// Display name.
    pub name: String,
    /// Category (Language, Vision, ...).
    pub category: String,
    /// Family.
    pub model_type: ModelType,
    /// Architecture label.
    pub architecture: Option<String>,
    /// Total parameters.
    pub parameters: Option<Sourced<f64>>,
    /// Active parameters per token (MoE).
    pub active_parameters: Option<Sourced<f64>>,
    /// Layers.
    pub layers: Option<Sourced<f64>>,
    /// Hidden dimension.
    pub hidden_dim: Option<Sourced<f64>>,
    /// Attention heads.
    pub heads: Option<Sourced<f64>>,
    /// KV heads (GQA).
    pub kv_heads: Option<Sourced<f64>>,
    /// Head dimension.
    pub head_dim: Option<Sourced<f64>>,
    /// Context length.
    pub context_length: Option<Sourced<f64>>,
    /// Inference FLOPs per sample (token, sequence or image).
    pub inference_flops: Option<Sourced<Operations>>,
    /// Training compute.
    pub training_ops: Option<Sourced<Operations>>,
    /// Training tokens.
    pub training_tokens: Option<Sourced<f64>>,
    /// Experts (MoE).
    pub experts: Option<Sourced<f64>>,
    /// Experts routed per token (MoE top-k).
    pub active_experts_per_token: Option<Sourced<f64>>,
    /// MLA KV LoRA rank.
    pub kv_lora_rank: Option<Sourced<f64>>,
    /// MLA rotary head dimension.
    pub qk_rope_head_dim: Option<Sourced<f64>>,
    /// Stored model size, when parameters are not the measure (DLRM).
    pub model_size: Option<Sourced<Information>>,
    /// Diffusion denoising steps.
    pub denoising_steps: Option<Sourced<f64>>,
    /// Training energy reference.
    pub training_energy: Option<Sourced<Energy>>,
    /// Training emissions reference.
    pub training_co2e: Option<Sourced<Mass>>,
}

/// An electricity grid region.
#[derive(Clone, Debug)]
pub struct Grid {
    /// Registry key.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Carbon intensity.
    pub carbon_intensity: Sourced<CarbonIntensity>,
    /// Power usage effectiveness of a typical facility there.
    pub pue: Sourced<f64>,
    /// Water usage effectiveness.
    pub wue: Option<Sourced<WaterIntensity>>,
}

/// A datacenter: a grid plus an optional PUE override.
#[derive(Clone, Debug)]
pub struct Datacenter {
    /// Registry key.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Grid key.
    pub grid: String,
    /// PUE override.
    pub pue: Option<Sourced<f64>>,
}

/// A server node.
#[derive(Clone, Debug)]
pub struct Node {
    /// Registry key.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Accelerator hardware key.
    pub accelerator: String,
    /// Accelerators per node.
    pub accelerators_per_node: Sourced<f64>,
    /// Intra-node bandwidth, one way.
    pub intra_node_bw: Sourced<Bandwidth>,
    /// NICs per node.
    pub nics_per_node: Sourced<f64>,
    /// PSUs per node.
    pub psus_per_node: Sourced<f64>,
    /// Redundant PSUs (0 = none: every PSU is in series for reliability).
    pub psu_redundancy: Sourced<f64>,
    /// Maximum node power.
    pub max_power: Option<Sourced<Power>>,
}

/// A network fabric.
#[derive(Clone, Debug)]
pub struct Fabric {
    /// Registry key.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Bandwidth per port, one way.
    pub bandwidth: Sourced<Bandwidth>,
    /// Latency α, if known.
    pub latency: Option<Sourced<Time>>,
    /// Oversubscription ratio (1 = non-blocking).
    pub oversubscription_ratio: Sourced<f64>,
}

/// A fleet (mlsysim's cluster): nodes on a fabric.
#[derive(Clone, Debug)]
pub struct Fleet {
    /// Registry key (empty for a fleet composed ad hoc).
    pub key: String,
    /// Display name.
    pub name: String,
    /// Node.
    pub node: Node,
    /// Number of nodes.
    pub count: Sourced<f64>,
    /// Fabric.
    pub fabric: Fabric,
    /// Datacenter key.
    pub datacenter: Option<String>,
    /// Region (grid) key.
    pub region: Option<String>,
}

impl Fleet {
    /// Total accelerators: nodes × accelerators per node.
    pub fn total_accelerators(&self) -> f64 {
        self.count.v * self.node.accelerators_per_node.v
    }
}

/// What a scenario runs on.
#[derive(Clone, Debug)]
pub enum System {
    /// One device.
    Hardware(String),
    /// A fleet.
    Fleet(String),
}

/// A scenario: workload + system + SLA.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Registry key.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Application.
    pub application: Option<String>,
    /// Model key.
    pub model: String,
    /// System.
    pub system: System,
    /// Latency SLA.
    pub sla_latency: Option<Sourced<Time>>,
    /// Power budget.
    pub power_budget: Option<Sourced<Power>>,
    /// Data the workload must ingest per second (mlsysim's `workload.data_rate`), if any.
    pub data_rate: Option<Sourced<Bandwidth>>,
    /// One of the four lighthouse scenarios.
    pub lighthouse: bool,
}
