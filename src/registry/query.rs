//! Reading the registry by path: a field of an entry (derived fields included) with the leaves it
//! rests on, and a leaf's value as written. Shared by directives, `zoo`, `eval` and `audit`.

use super::{Leaf, LeafValue, Registry};
use crate::base::units::{parse_unit, Value};

/// Shortest readable form of a float: at most 10 significant digits, no float noise.
pub fn plain_number(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let s = format!("{:.9e}", x);
    let v: f64 = s.parse().unwrap_or(x);
    let a = v.abs();
    if (1e-4..1e15).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// The value of a leaf as written (number in its written unit, then the unit).
pub fn leaf_text(leaf: &Leaf) -> String {
    match &leaf.value {
        LeafValue::Text(t) => t.clone(),
        LeafValue::Bool(b) => b.to_string(),
        LeafValue::Quantity(v) => {
            if leaf.unit.is_empty() {
                plain_number(v.si)
            } else {
                let f = parse_unit(&leaf.unit).map(|u| u.factor).unwrap_or(1.0);
                format!("{} {}", plain_number(v.si / f), leaf.unit)
            }
        }
    }
}

/// A field of an entry, including derived fields (`ridge_point`, `total_accelerators`).
pub fn field_value(reg: &Registry, ns: &str, key: &str, path: &str) -> Option<FieldValue> {
    let entry = reg.entries.get(ns)?.get(key)?;
    if let Some((_, id)) = entry.fields.iter().find(|(p, _)| p == path) {
        let leaf = reg.leaf(*id);
        return Some(match &leaf.value {
            LeafValue::Quantity(v) => FieldValue::Quantity(*v, vec![*id]),
            LeafValue::Text(t) => FieldValue::Text(t.clone()),
            LeafValue::Bool(b) => FieldValue::Text(b.to_string()),
        });
    }
    match (ns, path) {
        ("hardware", "ridge_point") => {
            let h = reg.hardware.get(key)?;
            let peak = h.compute.peak_flops;
            let bw = h.bandwidth();
            let ridge: crate::base::units::ArithmeticIntensity = peak.v / bw.v;
            use crate::base::units::Typed;
            Some(FieldValue::Quantity(
                ridge.value(),
                vec![peak.leaf, bw.leaf],
            ))
        }
        ("fleets", "total_accelerators") => {
            let f = reg.fleets.get(key)?;
            Some(FieldValue::Quantity(
                Value::number(f.total_accelerators()),
                vec![f.count.leaf, f.node.accelerators_per_node.leaf],
            ))
        }
        _ => None,
    }
}

/// A field's value with the leaves it rests on.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// A quantity and the leaves it was computed from.
    Quantity(Value, Vec<u32>),
    /// Text.
    Text(String),
}
