//! Registry paths in directives: `hardware.H100.memory.bandwidth`, derived fields
//! (`hardware.H100.ridge_point`, `fleets.X.total_accelerators`) and constants (`constants.name`).

use crate::base::text::{closest, did_you_mean};
use crate::base::units::Value;
use crate::registry::query::{field_value, FieldValue};
use crate::registry::{schema, Registry};

/// A registry path resolved to a value and the leaves it rests on.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// The value.
    pub value: Value,
    /// The registry leaves behind it.
    pub leaves: Vec<u32>,
}

/// Derived fields per namespace.
pub fn derived_fields(ns: &str) -> &'static [&'static str] {
    match ns {
        "hardware" => &["ridge_point"],
        "fleets" => &["total_accelerators"],
        _ => &[],
    }
}

/// Whether the first segment of a dotted name is a registry namespace.
pub fn is_namespace(first: &str) -> bool {
    schema::namespace(first).is_some()
}

/// Whether a resolution error says the entry lacks a field other entries have (a table prints
/// the book's `missing` text there) rather than a mistake in the path.
pub fn is_absent(message: &str) -> bool {
    message.contains(ABSENT)
}

/// The words of an "entry lacks the field" error.
const ABSENT: &str = "value in the registry";

/// Resolves a full registry path to a quantity. Errors name the closest existing names.
pub fn resolve(reg: &Registry, path: &str) -> Result<Resolved, String> {
    let mut parts = path.splitn(3, '.');
    let ns = parts.next().unwrap_or("");
    let key = parts.next();
    let field = parts.next();
    let Some(spec) = schema::namespace(ns) else {
        let names = schema::all().map(|n| n.name);
        return Err(format!(
            "unknown registry namespace `{ns}`{}",
            did_you_mean(&closest(ns, names))
        ));
    };
    let Some(key) = key else {
        return Err(format!(
            "`{path}` names a namespace, not a value: write `{ns}.KEY.FIELD`"
        ));
    };
    let Some(entries) = reg.entries.get(ns) else {
        return Err(format!("the registry has no {ns} entries"));
    };
    let Some(entry) = entries.get(key) else {
        return Err(format!(
            "unknown {ns} key `{key}`{}",
            did_you_mean(&closest(key, entries.keys().map(String::as_str)))
        ));
    };
    let field = match (ns, field) {
        ("constants", None) => "value",
        (_, None) if spec.is_groups() && entry.fields.iter().any(|(p, _)| p == "value") => "value",
        (_, Some(f)) => f,
        (_, None) => {
            return Err(format!(
                "`{path}` names an entry, not a value: add a field, e.g. `{path}.{}`",
                entry.fields.first().map_or("name", |(p, _)| p.as_str())
            ))
        }
    };
    match field_value(reg, ns, key, field) {
        Some(FieldValue::Quantity(value, leaves)) => Ok(Resolved { value, leaves }),
        Some(FieldValue::Text(t)) => Err(format!("`{path}` is text (`{t}`), not a number")),
        None => {
            let mut names: Vec<&str> = entry.fields.iter().map(|(p, _)| p.as_str()).collect();
            names.extend(derived_fields(ns));
            let known = spec.field(field).is_some();
            if known {
                Err(format!("{ns} entry `{key}` has no `{field}` {ABSENT}"))
            } else {
                Err(format!(
                    "unknown field `{field}` of {ns}.{key}{}",
                    did_you_mean(&closest(field, names.into_iter()))
                ))
            }
        }
    }
}
