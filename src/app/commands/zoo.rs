//! `zoo`: registry entries in the terminal (tables, one entry with its sources) or as JSON.

use crate::app::format::Format;
use crate::base::units::parse_unit;
use crate::registry::query::{field_value, leaf_text, plain_number, FieldValue};
use crate::registry::{schema, LeafValue, Registry};
use serde_json::{json, Map as JsonMap, Value as Json};

/// A column of a namespace table: header, field path, display unit ("" = as written).
type Column = (&'static str, &'static str, &'static str);

fn columns(ns: &str) -> &'static [Column] {
    match ns {
        "hardware" => &[
            ("name", "name", ""),
            ("tier", "tier", ""),
            ("year", "year", ""),
            ("peak TFLOP/s", "compute.peak_flops", "TFLOP/s"),
            ("memory GiB", "memory.capacity", "GiB"),
            ("bandwidth GB/s", "memory.bandwidth", "GB/s"),
            ("TDP W", "tdp", "W"),
            ("ridge FLOP/B", "ridge_point", "FLOP/byte"),
        ],
        "models" => &[
            ("name", "name", ""),
            ("type", "type", ""),
            ("parameters", "parameters", ""),
            ("layers", "layers", ""),
            ("hidden", "hidden_dim", ""),
            ("heads", "heads", ""),
            ("GFLOP/inference", "inference_flops", "GFLOP"),
        ],
        "grids" => &[
            ("name", "name", ""),
            ("g/kWh", "carbon_intensity", "g/kWh"),
            ("PUE", "pue", ""),
            ("WUE L/kWh", "wue", "L/kWh"),
        ],
        "datacenters" => &[
            ("name", "name", ""),
            ("grid", "grid", ""),
            ("PUE", "pue", ""),
        ],
        "cooling" => &[
            ("name", "name", ""),
            ("PUE", "pue", ""),
            ("WUE L/kWh", "wue", "L/kWh"),
        ],
        "nodes" => &[
            ("name", "name", ""),
            ("accelerator", "accelerator", ""),
            ("per node", "accelerators_per_node", ""),
            ("intra GB/s", "intra_node_bw", "GB/s"),
            ("NICs", "nics_per_node", ""),
            ("PSUs", "psus_per_node", ""),
        ],
        "fabrics" => &[
            ("name", "name", ""),
            ("Gb/s", "bandwidth", "Gb/s"),
            ("latency us", "latency", "us"),
            ("oversub", "oversubscription_ratio", ""),
        ],
        "fleets" => &[
            ("name", "name", ""),
            ("node", "node", ""),
            ("nodes", "count", ""),
            ("accelerators", "total_accelerators", ""),
            ("fabric", "fabric", ""),
        ],
        "scenarios" => &[
            ("name", "name", ""),
            ("model", "model", ""),
            ("hardware", "hardware", ""),
            ("fleet", "fleet", ""),
            ("SLA ms", "sla_latency", "ms"),
            ("power W", "power_budget", "W"),
        ],
        "constants" => &[("value", "value", ""), ("description", "description", "")],
        _ => &[],
    }
}

fn cell(reg: &Registry, ns: &str, key: &str, col: &Column) -> String {
    match field_value(reg, ns, key, col.1) {
        None => String::new(),
        Some(FieldValue::Text(t)) => t,
        Some(FieldValue::Quantity(v, ids)) => {
            if col.2.is_empty() {
                if ids.len() == 1 {
                    leaf_text(reg.leaf(ids[0]))
                } else {
                    plain_number(v.si)
                }
            } else {
                v.in_unit(col.2)
                    .map(|x| plain_number(round_sig(x, 6)))
                    .unwrap_or_default()
            }
        }
    }
}

fn round_sig(x: f64, sig: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let mag = x.abs().log10().floor() as i32;
    let p = 10f64.powi(sig - 1 - mag);
    (x * p).round() / p
}

fn table(headers: &[String], rows: &[Vec<String>]) -> String {
    let n = headers.len();
    let mut w: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count().min(60));
        }
    }
    let mut out = String::new();
    let line = |cells: &[String], out: &mut String| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let c: String = if c.chars().count() > 60 {
                c.chars().take(59).chain(['…']).collect()
            } else {
                c.clone()
            };
            let pad = w[i].saturating_sub(c.chars().count());
            s.push_str(&c);
            if i + 1 < n {
                s.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(headers, &mut out);
    line(
        &w.iter().map(|x| "-".repeat(*x)).collect::<Vec<_>>(),
        &mut out,
    );
    for r in rows {
        line(r, &mut out);
    }
    out
}

fn namespaces() -> Vec<&'static str> {
    let mut v: Vec<&str> = schema::all().map(|n| n.name).collect();
    v.push("sources");
    v
}

fn sort_key(reg: &Registry, ns: &str, key: &str, field: &str) -> Option<f64> {
    match field_value(reg, ns, key, field)? {
        FieldValue::Quantity(v, _) => Some(v.si),
        FieldValue::Text(_) => None,
    }
}

/// Runs `zoo`.
pub fn run(
    reg: &Registry,
    namespace: Option<&str>,
    key: Option<&str>,
    sort: Option<&str>,
    reverse: bool,
    format: Format,
) -> Result<String, String> {
    let Some(ns) = namespace else {
        let rows: Vec<Vec<String>> = namespaces()
            .into_iter()
            .map(|n| {
                let count = if n == "sources" {
                    reg.sources.len()
                } else {
                    reg.entries.get(n).map_or(0, |m| m.len())
                };
                vec![n.to_string(), count.to_string()]
            })
            .collect();
        return Ok(match format {
            Format::Json => {
                let m: JsonMap<String, Json> = rows
                    .iter()
                    .map(|r| (r[0].clone(), json!(r[1].parse::<u64>().unwrap_or(0))))
                    .collect();
                format!("{:#}\n", Json::Object(m))
            }
            Format::Text => table(&["namespace".into(), "entries".into()], &rows),
        });
    };
    if !namespaces().contains(&ns) {
        let close = crate::base::text::closest(ns, namespaces().into_iter());
        return Err(format!(
            "unknown namespace `{ns}`{}; namespaces: {}",
            if close.is_empty() {
                String::new()
            } else {
                format!(" (did you mean {}?)", close.join(", "))
            },
            namespaces().join(", ")
        ));
    }
    if ns == "sources" {
        return sources(reg, key, format);
    }
    let empty = Default::default();
    let entries = reg.entries.get(ns).unwrap_or(&empty);
    if let Some(k) = key {
        let Some(entry) = entries.get(k) else {
            let close = crate::base::text::closest(k, entries.keys().map(String::as_str));
            return Err(format!(
                "unknown {ns} key `{k}`{}",
                if close.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean {}?", close.join(", "))
                }
            ));
        };
        return Ok(one_entry(reg, ns, k, entry, format));
    }
    let mut keys: Vec<&String> = entries.keys().collect();
    if let Some(field) = sort {
        let spec = schema::namespace(ns).expect("known namespace");
        let derived = matches!(
            (ns, field),
            ("hardware", "ridge_point") | ("fleets", "total_accelerators")
        );
        if spec.field(field).is_none() && !derived {
            let close = crate::base::text::closest(field, spec.paths());
            return Err(format!(
                "cannot sort {ns} by `{field}`: no such field{}",
                if close.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean {}?", close.join(", "))
                }
            ));
        }
        keys.sort_by(|a, b| {
            let (x, y) = (sort_key(reg, ns, a, field), sort_key(reg, ns, b, field));
            // Entries without the field go last either way.
            match (x, y) {
                (Some(x), Some(y)) => {
                    let o = y.partial_cmp(&x).unwrap_or(std::cmp::Ordering::Equal);
                    if reverse {
                        o.reverse()
                    } else {
                        o
                    }
                }
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
            .then_with(|| a.cmp(b))
        });
    } else if reverse {
        keys.reverse();
    }
    match format {
        Format::Json => {
            let arr: Vec<Json> = keys
                .iter()
                .map(|k| entry_json(reg, ns, k, &entries[*k]))
                .collect();
            Ok(format!("{:#}\n", Json::Array(arr)))
        }
        Format::Text => {
            let cols = columns(ns);
            let mut headers = vec!["key".to_string()];
            headers.extend(cols.iter().map(|c| c.0.to_string()));
            let rows: Vec<Vec<String>> = keys
                .iter()
                .map(|k| {
                    let mut r = vec![k.to_string()];
                    r.extend(cols.iter().map(|c| cell(reg, ns, k, c)));
                    r
                })
                .collect();
            Ok(format!(
                "{}\n{} {ns} entries. `zoo {ns} KEY` shows one with every field and its source.\n",
                table(&headers, &rows).trim_end(),
                keys.len()
            ))
        }
    }
}

fn source_json(reg: &Registry, id: &str) -> Json {
    match reg.sources.get(id) {
        Some(s) => serde_json::to_value(s).unwrap_or(Json::Null),
        None => json!({ "id": id }),
    }
}

fn entry_json(reg: &Registry, ns: &str, key: &str, entry: &crate::registry::Entry) -> Json {
    let mut fields = JsonMap::new();
    for (path, id) in &entry.fields {
        let leaf = reg.leaf(*id);
        let v = match &leaf.value {
            LeafValue::Text(t) => json!({ "text": t, "source": leaf.source }),
            LeafValue::Bool(b) => json!({ "bool": b, "source": leaf.source }),
            LeafValue::Quantity(q) => {
                let f = if leaf.unit.is_empty() {
                    1.0
                } else {
                    parse_unit(&leaf.unit).map(|u| u.factor).unwrap_or(1.0)
                };
                json!({ "value": q.si / f, "unit": leaf.unit, "base_value": q.si, "base_unit": q.dim.to_string(), "source": leaf.source })
            }
        };
        fields.insert(path.clone(), v);
    }
    json!({ "namespace": ns, "key": key, "source": entry.source, "fields": fields })
}

fn one_entry(
    reg: &Registry,
    ns: &str,
    key: &str,
    entry: &crate::registry::Entry,
    format: Format,
) -> String {
    if format == Format::Json {
        let mut j = entry_json(reg, ns, key, entry);
        let mut ids: Vec<String> = entry
            .fields
            .iter()
            .map(|(_, id)| reg.leaf(*id).source.clone())
            .collect();
        ids.sort();
        ids.dedup();
        j["sources"] = Json::Array(ids.iter().map(|id| source_json(reg, id)).collect());
        return format!("{j:#}\n");
    }
    let mut out = format!("{ns}.{key}\n");
    let rows: Vec<Vec<String>> = entry
        .fields
        .iter()
        .map(|(path, id)| {
            let leaf = reg.leaf(*id);
            vec![
                path.clone(),
                leaf_text(leaf),
                leaf.source.clone(),
                format!("{}:{}", leaf.file, leaf.line),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "field".into(),
            "value".into(),
            "source".into(),
            "defined at".into(),
        ],
        &rows,
    ));
    let mut ids: Vec<&str> = entry
        .fields
        .iter()
        .map(|(_, id)| reg.leaf(*id).source.as_str())
        .collect();
    ids.sort();
    ids.dedup();
    out.push_str("\nsources:\n");
    for id in ids {
        if let Some(s) = reg.sources.get(id) {
            out.push_str(&format!(
                "  {id} ({}, verified {}): {}{}\n",
                s.kind.name(),
                s.verified,
                s.title,
                s.url
                    .as_ref()
                    .map(|u| format!("\n    {u}"))
                    .unwrap_or_default()
            ));
        }
    }
    out
}

fn sources(reg: &Registry, id: Option<&str>, format: Format) -> Result<String, String> {
    if let Some(id) = id {
        let s = reg.sources.get(id).ok_or_else(|| {
            let close = crate::base::text::closest(id, reg.sources.keys().map(String::as_str));
            format!(
                "unknown source `{id}`{}",
                if close.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean {}?", close.join(", "))
                }
            )
        })?;
        let used = reg.leaves.iter().filter(|l| l.source == id).count();
        return Ok(match format {
            Format::Json => format!("{:#}\n", serde_json::to_value(s).unwrap_or(Json::Null)),
            Format::Text => format!(
                "{id}\n  kind: {}\n  title: {}\n  url: {}\n  verified: {}\n  notes: {}\n  registry values citing it: {used}\n",
                s.kind.name(),
                s.title,
                s.url.as_deref().unwrap_or("-"),
                s.verified,
                s.notes.as_deref().unwrap_or("-")
            ),
        });
    }
    match format {
        Format::Json => Ok(format!(
            "{:#}\n",
            serde_json::to_value(reg.sources.values().collect::<Vec<_>>()).unwrap_or(Json::Null)
        )),
        Format::Text => {
            let rows: Vec<Vec<String>> = reg
                .sources
                .values()
                .map(|s| {
                    vec![
                        s.id.clone(),
                        s.kind.name().to_string(),
                        s.verified.clone(),
                        s.title.clone(),
                    ]
                })
                .collect();
            Ok(format!(
                "{}\n{} sources.\n",
                table(
                    &[
                        "id".into(),
                        "kind".into(),
                        "verified".into(),
                        "title".into()
                    ],
                    &rows
                )
                .trim_end(),
                rows.len()
            ))
        }
    }
}
