//! Calibration and pricing constants the solvers need, read once from `registry/constants.toml`.
//! Solvers take a `&Calibration` instead of hard-coding numbers, so every default is sourced.

use super::types::Sourced;
use crate::base::units::Value;
use crate::base::units::*;
use std::collections::BTreeMap;

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
    /// Grid key used when neither a datacenter nor a region is known (mlsysim: `US_Avg`).
    pub default_grid: String,
}

fn q<T: Typed>(
    c: &BTreeMap<String, Sourced<Value>>,
    name: &'static str,
    missing: &mut Vec<(&'static str, String)>,
) -> Sourced<T> {
    super::build::typed_constant::<T>(c, name).unwrap_or_else(|| {
        missing.push((name, format!("a quantity of {}", T::DIM.name())));
        Sourced {
            v: T::from_base(f64::NAN),
            leaf: 0,
        }
    })
}

fn num(
    c: &BTreeMap<String, Sourced<Value>>,
    name: &'static str,
    missing: &mut Vec<(&'static str, String)>,
) -> Sourced<f64> {
    match c.get(name) {
        Some(s) if s.v.dim.is_none() => Sourced {
            v: s.v.si,
            leaf: s.leaf,
        },
        _ => {
            missing.push((name, "a dimensionless number".to_string()));
            Sourced {
                v: f64::NAN,
                leaf: 0,
            }
        }
    }
}

/// Reads the calibration from the registry's constants; lists every missing constant.
pub(super) fn from_constants(
    c: &BTreeMap<String, Sourced<Value>>,
    text: &BTreeMap<String, Sourced<String>>,
) -> Result<Calibration, Vec<(&'static str, String)>> {
    let mut missing = Vec::new();
    let cal = Calibration {
        framework_layer_tax: q::<Time>(c, "framework_layer_tax", &mut missing),
        energy_idle_fraction: num(c, "energy_idle_fraction", &mut missing),
        energy_dynamic_fraction: num(c, "energy_dynamic_fraction", &mut missing),
        fallback_pcie_bandwidth: q::<Bandwidth>(c, "fallback_pcie_bandwidth", &mut missing),
        optimizer_bytes_adam: q::<Information>(c, "optimizer_bytes_adam", &mut missing),
        activation_io_fraction: num(c, "activation_io_fraction", &mut missing),
        comm_buffer_fraction: num(c, "comm_buffer_fraction", &mut missing),
        lora_gradient_fraction: num(c, "lora_gradient_fraction", &mut missing),
        electricity_price: q::<EnergyPrice>(c, "electricity_price", &mut missing),
        annual_maintenance_ratio: num(c, "annual_maintenance_ratio", &mut missing),
        amortization_period: q::<Time>(c, "amortization_period", &mut missing),
        infrastructure_multiplier: num(c, "infrastructure_multiplier", &mut missing),
        nvlink_latency: q::<Time>(c, "nvlink_latency", &mut missing),
        default_fabric_latency: q::<Time>(c, "default_fabric_latency", &mut missing),
        default_pue: num(c, "default_pue", &mut missing),
        default_tdp: q::<Power>(c, "default_tdp", &mut missing),
        default_efficiency: num(c, "default_efficiency", &mut missing),
        overlap_efficiency: num(c, "overlap_efficiency", &mut missing),
        default_checkpoint_time: q::<Time>(c, "default_checkpoint_time", &mut missing),
        default_recovery_time: q::<Time>(c, "default_recovery_time", &mut missing),
        default_network_bandwidth: q::<Bandwidth>(c, "default_network_bandwidth", &mut missing),
        draft_acceptance_rate: num(c, "draft_acceptance_rate", &mut missing),
        speculative_gamma: num(c, "speculative_gamma", &mut missing),
        gpu_mttf: q::<Time>(c, "gpu_mttf", &mut missing),
        default_seq_len: num(c, "default_seq_len", &mut missing),
        lora_rank: num(c, "lora_rank", &mut missing),
        lora_memory_overhead: num(c, "lora_memory_overhead", &mut missing),
        fallback_hidden_dim: num(c, "fallback_hidden_dim", &mut missing),
        fallback_heads: num(c, "fallback_heads", &mut missing),
        nic_mttf: q::<Time>(c, "nic_mttf", &mut missing),
        psu_mttf: q::<Time>(c, "psu_mttf", &mut missing),
        default_grid: text
            .get("default_grid")
            .map(|s| s.v.clone())
            .unwrap_or_else(|| {
                missing.push(("default_grid", "a grid key (text)".to_string()));
                String::new()
            }),
    };
    if missing.is_empty() {
        Ok(cal)
    } else {
        Err(missing)
    }
}
