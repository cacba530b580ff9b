//! Typed entries from validated leaves: the step after [`super::load`] has checked names, units
//! and sources. Problems left here are cross-entry ones (a constant the solvers need is missing).

use super::types::*;
use super::{Entry, Leaf, LeafValue, Registry, Source};
use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::units::{Typed, Value};
use std::collections::BTreeMap;

/// Reads the fields of one entry.
struct View<'a> {
    leaves: &'a [Leaf],
    entry: &'a Entry,
}

impl View<'_> {
    fn id(&self, path: &str) -> Option<LeafId> {
        self.entry
            .fields
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, id)| *id)
    }
    fn qty<T: Typed>(&self, path: &str) -> Option<Sourced<T>> {
        let id = self.id(path)?;
        match &self.leaves[id as usize].value {
            LeafValue::Quantity(v) => v.typed::<T>().ok().map(|v| Sourced { v, leaf: id }),
            _ => None,
        }
    }
    fn num(&self, path: &str) -> Option<Sourced<f64>> {
        let id = self.id(path)?;
        match &self.leaves[id as usize].value {
            LeafValue::Quantity(v) if v.dim.is_none() => Some(Sourced { v: v.si, leaf: id }),
            _ => None,
        }
    }
    fn text(&self, path: &str) -> Option<String> {
        let id = self.id(path)?;
        match &self.leaves[id as usize].value {
            LeafValue::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
    fn flag(&self, path: &str) -> Option<bool> {
        let id = self.id(path)?;
        match &self.leaves[id as usize].value {
            LeafValue::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn tier(&self, prefix: &str) -> Option<MemoryTier> {
        let t = MemoryTier {
            capacity: self.qty(&format!("{prefix}.capacity")),
            bandwidth: self.qty(&format!("{prefix}.bandwidth")),
        };
        (t.capacity.is_some() || t.bandwidth.is_some()).then_some(t)
    }
    fn link(&self, prefix: &str) -> Option<Link> {
        Some(Link {
            name: self.text(&format!("{prefix}.name")),
            bandwidth: self.qty(&format!("{prefix}.bandwidth"))?,
            bidirectional_total: self.text(&format!("{prefix}.direction")).as_deref()
                == Some("bidirectional_total"),
            latency: self.qty(&format!("{prefix}.latency")),
        })
    }
}

fn hardware(key: &str, v: &View) -> Hardware {
    let precision_flops = v
        .entry
        .fields
        .iter()
        .filter_map(|(p, _)| p.strip_prefix("compute.precision_flops."))
        .filter_map(|k| {
            Some((
                k.to_string(),
                v.qty(&format!("compute.precision_flops.{k}"))?,
            ))
        })
        .collect();
    Hardware {
        key: key.to_string(),
        name: v.text("name").unwrap_or_default(),
        tier: v.text("tier").unwrap_or_default(),
        year: v.num("year").map(|y| y.v as u32),
        compute: Compute {
            peak_flops: v.qty("compute.peak_flops").expect("validated"),
            precision_flops,
        },
        memory: v.tier("memory").expect("validated"),
        sram: v.tier("sram"),
        flash: v.tier("flash"),
        interconnect: v.link("interconnect"),
        nvlink: v.link("nvlink"),
        storage_bandwidth: v.qty("storage_bandwidth"),
        tdp: v.qty("tdp"),
        dispatch_tax: v.qty("dispatch_tax").expect("validated"),
        unit_cost: v.qty("unit_cost"),
        unit_cost_max: v.qty("unit_cost_max"),
        embodied_carbon: v.qty("embodied_carbon"),
        accelerator_count: v.num("accelerator_count"),
    }
}

fn model(key: &str, v: &View) -> Model {
    let model_type = match v.text("type").as_deref() {
        Some("Transformer") => ModelType::Transformer,
        Some("SparseTransformer") => ModelType::SparseTransformer,
        Some("CNN") => ModelType::Cnn,
        Some("SSM") => ModelType::Ssm,
        Some("Diffusion") => ModelType::Diffusion,
        Some("Embodied") => ModelType::Embodied,
        _ => ModelType::Workload,
    };
    Model {
        key: key.to_string(),
        name: v.text("name").unwrap_or_default(),
        category: String::new(),
        model_type,
        architecture: v.text("architecture"),
        parameters: v.num("parameters"),
        active_parameters: v.num("active_parameters"),
        layers: v.num("layers"),
        hidden_dim: v.num("hidden_dim"),
        heads: v.num("heads"),
        kv_heads: v.num("kv_heads"),
        head_dim: v.num("head_dim"),
        context_length: v.num("context_length"),
        inference_flops: v.qty("inference_flops"),
        training_ops: v.qty("training_ops"),
        training_tokens: v.num("training_tokens"),
        experts: v.num("experts"),
        active_experts_per_token: v.num("active_experts_per_token"),
        kv_lora_rank: v.num("kv_lora_rank"),
        qk_rope_head_dim: v.num("qk_rope_head_dim"),
        model_size: v.qty("model_size"),
        denoising_steps: v.num("denoising_steps"),
        training_energy: v.qty("training_energy"),
        training_co2e: v.qty("training_co2e"),
    }
}

fn node(key: &str, v: &View) -> Node {
    Node {
        key: key.to_string(),
        name: v.text("name").unwrap_or_default(),
        accelerator: v.text("accelerator").unwrap_or_default(),
        accelerators_per_node: v.num("accelerators_per_node").expect("validated"),
        intra_node_bw: v.qty("intra_node_bw").expect("validated"),
        nics_per_node: v.num("nics_per_node").expect("validated"),
        psus_per_node: v.num("psus_per_node").expect("validated"),
        psu_redundancy: v.num("psu_redundancy").expect("validated"),
        max_power: v.qty("max_power"),
    }
}

fn fabric(key: &str, v: &View) -> Fabric {
    Fabric {
        key: key.to_string(),
        name: v.text("name").unwrap_or_default(),
        bandwidth: v.qty("bandwidth").expect("validated"),
        latency: v.qty("latency"),
        oversubscription_ratio: v.num("oversubscription_ratio").expect("validated"),
    }
}

/// Builds the typed registry from validated parts.
pub(super) fn build(
    sources: BTreeMap<String, Source>,
    leaves: Vec<Leaf>,
    entries: BTreeMap<&'static str, BTreeMap<String, Entry>>,
    root: &str,
) -> Result<Registry, Diagnostics> {
    let empty = BTreeMap::new();
    let ns = |name: &str| entries.get(name).unwrap_or(&empty);
    let view = |e| View {
        leaves: &leaves,
        entry: e,
    };
    let mut hw = BTreeMap::new();
    for (k, e) in ns("hardware") {
        hw.insert(k.clone(), hardware(k, &view(e)));
    }
    let mut models = BTreeMap::new();
    for (k, e) in ns("models") {
        let mut m = model(k, &view(e));
        if let Some((_, id)) = e.fields.first() {
            let file = &leaves[*id as usize].file;
            m.category = file
                .rsplit('/')
                .next()
                .unwrap_or("")
                .trim_end_matches(".toml")
                .to_string();
        }
        models.insert(k.clone(), m);
    }
    let mut grids = BTreeMap::new();
    for (k, e) in ns("grids") {
        let v = view(e);
        grids.insert(
            k.clone(),
            Grid {
                key: k.clone(),
                name: v.text("name").unwrap_or_default(),
                carbon_intensity: v.qty("carbon_intensity").expect("validated"),
                pue: v.num("pue").expect("validated"),
                wue: v.qty("wue"),
            },
        );
    }
    let mut datacenters = BTreeMap::new();
    for (k, e) in ns("datacenters") {
        let v = view(e);
        datacenters.insert(
            k.clone(),
            Datacenter {
                key: k.clone(),
                name: v.text("name").unwrap_or_default(),
                grid: v.text("grid").unwrap_or_default(),
                pue: v.num("pue"),
            },
        );
    }
    let nodes: BTreeMap<String, Node> = ns("nodes")
        .iter()
        .map(|(k, e)| (k.clone(), node(k, &view(e))))
        .collect();
    let fabrics: BTreeMap<String, Fabric> = ns("fabrics")
        .iter()
        .map(|(k, e)| (k.clone(), fabric(k, &view(e))))
        .collect();
    let mut fleets = BTreeMap::new();
    for (k, e) in ns("fleets") {
        let v = view(e);
        let (Some(n), Some(f)) = (
            v.text("node").and_then(|n| nodes.get(&n)),
            v.text("fabric").and_then(|f| fabrics.get(&f)),
        ) else {
            continue;
        };
        fleets.insert(
            k.clone(),
            Fleet {
                key: k.clone(),
                name: v.text("name").unwrap_or_default(),
                node: n.clone(),
                count: v.num("count").expect("validated"),
                fabric: f.clone(),
                datacenter: v.text("datacenter"),
                region: v.text("region"),
            },
        );
    }
    let mut scenarios = BTreeMap::new();
    let mut diags = Vec::new();
    for (k, e) in ns("scenarios") {
        let v = view(e);
        let system = match (v.text("hardware"), v.text("fleet")) {
            (Some(h), None) => System::Hardware(h),
            (None, Some(f)) => System::Fleet(f),
            _ => {
                let at = e.fields.first().map(|(_, id)| &leaves[*id as usize]);
                let file = at.map_or(format!("{root}/scenarios.toml"), |l| l.file.clone());
                diags.push(Diagnostic::file(
                    &file,
                    format!("scenario `{k}` needs exactly one of `hardware` or `fleet`"),
                ));
                continue;
            }
        };
        scenarios.insert(
            k.clone(),
            Scenario {
                key: k.clone(),
                name: v.text("name").unwrap_or_default(),
                application: v.text("application"),
                model: v.text("model").unwrap_or_default(),
                system,
                sla_latency: v.qty("sla_latency"),
                power_budget: v.qty("power_budget"),
                data_rate: v.qty("data_rate"),
                lighthouse: v.flag("lighthouse").unwrap_or(false),
            },
        );
    }
    let mut constants = BTreeMap::new();
    let mut constant_text = BTreeMap::new();
    for (k, e) in ns("constants") {
        let v = view(e);
        if let Some(id) = v.id("value") {
            if let LeafValue::Quantity(q) = leaves[id as usize].value {
                constants.insert(k.clone(), Sourced { v: q, leaf: id });
            }
        }
        if let (Some(id), Some(t)) = (v.id("text"), v.text("text")) {
            constant_text.insert(k.clone(), Sourced { v: t, leaf: id });
        }
    }
    let calibration = match super::calibration::from_constants(&constants, &constant_text) {
        Ok(c) => Some(c),
        Err(missing) => {
            for (name, want) in missing {
                diags.push(
                    Diagnostic::file(&format!("{root}/constants.toml"), format!("constant `{name}` ({want}) is needed by the solvers but missing or of the wrong dimension"))
                );
            }
            None
        }
    };
    if !diags.is_empty() {
        return Err(Diagnostics(diags).sorted());
    }
    Ok(Registry {
        sources,
        leaves,
        entries,
        hardware: hw,
        models,
        grids,
        datacenters,
        nodes,
        fabrics,
        fleets,
        scenarios,
        constants,
        calibration: calibration.expect("no diagnostics"),
    })
}

/// A constant value of a registry, typed.
pub(super) fn typed_constant<T: Typed>(
    c: &BTreeMap<String, Sourced<Value>>,
    name: &str,
) -> Option<Sourced<T>> {
    let s = c.get(name)?;
    s.v.typed::<T>().ok().map(|v| Sourced { v, leaf: s.leaf })
}
