//! Calibration and pricing constants the solvers need, read once from `registry/constants.toml`.
//! Solvers take a `&Calibration` instead of hard-coding numbers, so every default is sourced.

use super::types::Sourced;
use crate::units::*;

/// Sourced constants used inside solver formulas.
#[derive(Clone, Debug)]
pub struct Calibration {
    /// Framework overhead per layer per pass (`FRAMEWORK_LAYER_TAX_MS`).
    pub framework_layer_tax: Sourced<Time>,
    /// Idle share of TDP drawn regardless of utilisation.
    pub energy_idle_fraction: Sourced<f64>,
    /// Dynamic share of TDP, scaled by utilisation.
    pub energy_dynamic_fraction: Sourced<f64>,
    /// Offload bandwidth when a device has no host interconnect.
    pub fallback_pcie_bandwidth: Sourced<Bandwidth>,
    /// Adam optimizer state per parameter.
    pub optimizer_bytes_adam: Sourced<Information>,
    /// Activation I/O per sample as a fraction of weights (Engine heuristic).
    pub activation_io_fraction: Sourced<f64>,
    /// Communication buffer as a fraction of gradients.
    pub comm_buffer_fraction: Sourced<f64>,
    /// Gradient traffic fraction under LoRA.
    pub lora_gradient_fraction: Sourced<f64>,
    /// Default electricity price.
    pub electricity_price: Sourced<EnergyPrice>,
    /// Annual maintenance as a fraction of CapEx.
    pub annual_maintenance_ratio: Sourced<f64>,
    /// Default amortization period.
    pub amortization_period: Sourced<Time>,
    /// Default infrastructure multiplier on CapEx.
    pub infrastructure_multiplier: Sourced<f64>,
    /// NVLink latency α (intra-node default).
    pub nvlink_latency: Sourced<Time>,
    /// Fabric latency α when a fabric gives none (IB NDR).
    pub default_fabric_latency: Sourced<Time>,
    /// PUE when neither datacenter nor region is known (best air-cooled).
    pub default_pue: Sourced<f64>,
    /// TDP assumed when a device has none (H100).
    pub default_tdp: Sourced<Power>,
    /// Default compute efficiency η.
    pub default_efficiency: Sourced<f64>,
    /// Default fraction of DP communication hidden under compute when overlap is on.
    pub overlap_efficiency: Sourced<f64>,
    /// Default checkpoint write time δ.
    pub default_checkpoint_time: Sourced<Time>,
    /// Default recovery time R after a failure.
    pub default_recovery_time: Sourced<Time>,
    /// Default prefill→decode network bandwidth (disaggregated serving).
    pub default_network_bandwidth: Sourced<Bandwidth>,
    /// Default draft acceptance rate α (speculative decoding).
    pub draft_acceptance_rate: Sourced<f64>,
    /// Draft tokens per verification step K.
    pub speculative_gamma: Sourced<f64>,
    /// GPU MTTF.
    pub gpu_mttf: Sourced<Time>,
    /// Default sequence length for single-node and distributed training memory (`seq_len=2048`).
    pub default_seq_len: Sourced<f64>,
    /// LoRA adapter rank r used for the trainable fraction 2·r·d·4L/P (`lora_rank=16`).
    pub lora_rank: Sourced<f64>,
    /// Extra memory of LoRA on a non-transformer workload, as a fraction of weights (footprint 1.1·W).
    pub lora_memory_overhead: Sourced<f64>,
    /// Hidden dimension assumed when a transformer gives none (4096).
    pub fallback_hidden_dim: Sourced<f64>,
    /// Attention heads assumed when a transformer gives none (32).
    pub fallback_heads: Sourced<f64>,
    /// NIC MTTF.
    pub nic_mttf: Sourced<Time>,
    /// PSU MTTF.
    pub psu_mttf: Sourced<Time>,
}
