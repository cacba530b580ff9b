//! The build manifest `mlsysim-manifest.json`: every printed value of a build, one per line
//! (file, line, column, kind, directive, cell, printed text, raw value, base and display unit,
//! derivation) with the index of its lineage (formulas, inputs, registry values, sources) in a
//! `lineages` table that values with the same provenance share, and the solver warnings behind it
//! (`warnings`, only on values that have some).

use super::model::{Provenance, Record};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// Appends `s` as a JSON string (escaping as serde_json does).
fn push_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let b = s.as_bytes();
    // Most texts (files, printed numbers, units, derivations) need no escaping at all.
    if !b.iter().any(|&c| c == b'"' || c == b'\\' || c < 0x20) {
        out.extend_from_slice(b);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        let esc: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => {
                out.extend_from_slice(&b[start..i]);
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(c >> 4)]);
                out.push(HEX[usize::from(c & 0xf)]);
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&b[start..i]);
        out.extend_from_slice(esc);
        start = i + 1;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

/// The escaped text of the last directive written: the cells of a table share their directive,
/// which is then escaped once.
#[derive(Default)]
struct LastDirective {
    text: Option<std::sync::Arc<str>>,
    json: Vec<u8>,
}

/// Appends one value's line (without the separator before it).
fn push_value(out: &mut Vec<u8>, r: &Record, lineage: usize, last: &mut LastDirective) {
    let mut int = itoa::Buffer::new();
    out.extend_from_slice(b"{\"file\":");
    push_str(out, &r.file);
    out.extend_from_slice(b",\"line\":");
    out.extend_from_slice(int.format(r.line).as_bytes());
    out.extend_from_slice(b",\"column\":");
    out.extend_from_slice(int.format(r.column).as_bytes());
    out.extend_from_slice(b",\"kind\":");
    push_str(out, r.kind.as_str());
    out.extend_from_slice(b",\"directive\":");
    if !last
        .text
        .as_ref()
        .is_some_and(|t| std::sync::Arc::ptr_eq(t, &r.directive))
    {
        last.json.clear();
        push_str(&mut last.json, &r.directive);
        last.text = Some(r.directive.clone());
    }
    out.extend_from_slice(&last.json);
    out.extend_from_slice(b",\"cell\":");
    match &r.cell {
        Some(c) => push_str(out, c),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"printed\":");
    push_str(out, &r.printed);
    out.extend_from_slice(b",\"value\":");
    match r.value {
        Some(v) if v.is_finite() => {
            out.extend_from_slice(ryu::Buffer::new().format_finite(v).as_bytes())
        }
        _ => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"unit\":");
    push_str(out, &r.unit);
    out.extend_from_slice(b",\"display_unit\":");
    push_str(out, &r.display_unit);
    out.extend_from_slice(b",\"derivation\":");
    push_str(out, &r.lineage.derivation);
    out.extend_from_slice(b",\"lineage\":");
    out.extend_from_slice(int.format(lineage).as_bytes());
    if !r.warnings.is_empty() {
        out.extend_from_slice(b",\"warnings\":[");
        for (i, w) in r.warnings.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_str(out, w);
        }
        out.push(b']');
    }
    out.push(b'}');
}

/// Writes the manifest of a build: `values` has one printed value per line (compact, so a
/// line-oriented diff or grep shows single values), each naming its derivation and, by index,
/// its entry in `lineages`, which values with the same provenance share. Values are laid out in
/// parallel.
pub fn write_manifest(w: &mut dyn std::io::Write, records: &[Record]) -> std::io::Result<()> {
    // Number the distinct provenances in order of first use.
    let mut by_ptr: FxHashMap<*const Provenance, usize> = FxHashMap::default();
    let mut by_content: FxHashMap<&Provenance, usize> = FxHashMap::default();
    let mut lineages: Vec<&Provenance> = Vec::new();
    let ids: Vec<usize> = records
        .iter()
        .map(|r| {
            let p: &Provenance = &r.lineage.provenance;
            *by_ptr.entry(p as *const Provenance).or_insert_with(|| {
                *by_content.entry(p).or_insert_with(|| {
                    lineages.push(p);
                    lineages.len() - 1
                })
            })
        })
        .collect();
    const CHUNK: usize = 1024;
    let chunks: Vec<Vec<u8>> = records
        .par_chunks(CHUNK)
        .zip(ids.par_chunks(CHUNK))
        .map(|(rs, is)| {
            let mut out = Vec::with_capacity(rs.len() * 384);
            let mut last = LastDirective::default();
            for (r, i) in rs.iter().zip(is) {
                out.extend_from_slice(b",\n    ");
                push_value(&mut out, r, *i, &mut last);
            }
            out
        })
        .collect();
    write!(
        w,
        "{{\n  \"tool\": \"mlsysim-book\",\n  \"version\": \"{}\",\n  \"values\": [",
        env!("CARGO_PKG_VERSION")
    )?;
    // Each value is preceded by ",\n    "; the first one without its comma.
    for (i, c) in chunks.iter().enumerate() {
        w.write_all(if i == 0 { &c[1..] } else { c })?;
    }
    w.write_all(if records.is_empty() {
        b"],\n  \"lineages\": ["
    } else {
        b"\n  ],\n  \"lineages\": ["
    })?;
    for (i, l) in lineages.iter().enumerate() {
        w.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        serde_json::to_writer(&mut *w, l)?;
    }
    w.write_all(if lineages.is_empty() {
        b"]\n}\n"
    } else {
        b"\n  ]\n}\n"
    })
}

/// The manifest of a build, as text (see [`write_manifest`]).
pub fn manifest_json(records: &[Record]) -> String {
    let mut out = Vec::with_capacity(records.len() * 512);
    write_manifest(&mut out, records).expect("writing to memory");
    String::from_utf8(out).expect("JSON is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::model::{Kind, RecordLineage, RegistryRef};
    use std::sync::Arc;

    fn record(file: &str, line: u32, provenance: Arc<Provenance>) -> Record {
        Record {
            file: file.into(),
            line,
            column: 1,
            kind: Kind::Value,
            directive: "<mlsysim value=\"x\"/>".into(),
            cell: None,
            printed: "1 \"ms\"".into(),
            value: Some(0.001),
            unit: "s".into(),
            display_unit: "ms".into(),
            lineage: RecordLineage {
                derivation: format!("d{line}"),
                provenance,
            },
            warnings: Vec::new(),
        }
    }

    #[test]
    fn manifest_shares_equal_lineages_and_is_json() {
        let p = |path: &str| {
            Arc::new(Provenance {
                registry: vec![RegistryRef {
                    path: path.into(),
                    source: "s".into(),
                }],
                sources: vec!["s".into()],
                ..Provenance::default()
            })
        };
        let (a, b) = (p("hardware.H100.tdp"), p("hardware.A100.tdp"));
        // Equal content from another file (another allocation) shares the entry too.
        let recs = vec![
            record("a.md", 1, a.clone()),
            record("a.md", 2, b.clone()),
            record("a.md", 3, a),
            record("b.md", 1, p("hardware.A100.tdp")),
        ];
        let text = manifest_json(&recs);
        let m: serde_json::Value = serde_json::from_str(&text).unwrap();
        let ids: Vec<u64> = m["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["lineage"].as_u64().unwrap())
            .collect();
        assert_eq!(ids, [0, 1, 0, 1]);
        assert_eq!(m["lineages"][1]["registry"][0]["path"], "hardware.A100.tdp");
        assert_eq!(m["values"][1]["derivation"], "d2");
        assert_eq!(m["values"][0]["printed"], "1 \"ms\"");
        // One value per line.
        assert_eq!(text.lines().filter(|l| l.contains("\"file\"")).count(), 4);
        let empty: serde_json::Value = serde_json::from_str(&manifest_json(&[])).unwrap();
        assert_eq!(empty["values"].as_array().unwrap().len(), 0);
        assert_eq!(empty["lineages"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn values_are_valid_json_whatever_their_text() {
        let mut r = record("dir/a \"b\".md", 7, Arc::new(Provenance::default()));
        r.directive = "<mlsysim value=\"x\" cite=\"a\\b\"\n\t\r\u{1}\u{1f}/>".into();
        r.printed = "1 × 10²³ μs".into();
        r.cell = Some("batch=1/latency".into());
        r.value = Some(-1.5e-300);
        let mut out = Vec::new();
        push_value(&mut out, &r, 12, &mut LastDirective::default());
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["file"], "dir/a \"b\".md");
        assert_eq!(v["directive"], &*r.directive);
        assert_eq!(v["printed"], "1 × 10²³ μs");
        assert_eq!(v["cell"], "batch=1/latency");
        // Shortest round-trip digits (ryu, as serde_json writes floats).
        assert!(String::from_utf8_lossy(&out).contains("\"value\":-1.5e-300,"));
        assert_eq!(v["lineage"], 12);
        // Escaped exactly as serde_json escapes.
        let mut s = Vec::new();
        push_str(&mut s, &r.directive);
        assert_eq!(s, serde_json::to_vec(&*r.directive).unwrap());
        r.value = None;
        r.cell = None;
        let mut out = Vec::new();
        push_value(&mut out, &r, 0, &mut LastDirective::default());
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert!(v["value"].is_null() && v["cell"].is_null());
    }

    #[test]
    fn warnings_are_written_only_when_there_are_some() {
        let mut r = record("a.md", 1, Arc::new(Provenance::default()));
        let mut out = Vec::new();
        push_value(&mut out, &r, 0, &mut LastDirective::default());
        assert!(
            out.ends_with(b",\"lineage\":0}"),
            "{}",
            String::from_utf8_lossy(&out)
        );
        r.warnings = vec!["Precision 'int4' \"x\"".into(), "second".into()];
        let mut out = Vec::new();
        push_value(&mut out, &r, 0, &mut LastDirective::default());
        assert!(out.ends_with(
            b",\"lineage\":0,\"warnings\":[\"Precision 'int4' \\\"x\\\"\",\"second\"]}"
        ));
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["warnings"][0], "Precision 'int4' \"x\"");
        assert_eq!(v["warnings"][1], "second");
        // Records serialize with serde the same way.
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["warnings"], v["warnings"]);
        r.warnings.clear();
        assert!(serde_json::to_value(&r).unwrap().get("warnings").is_none());
    }
}
