//! Loading and validating the registry: TOML text → sourced leaves → typed entries. Every problem
//! (unknown field, wrong dimension, missing or unknown source, duplicate key, bad date, dangling
//! reference) becomes a located [`Diagnostic`]; all of them are reported at once.

use super::schema::{self, Kind, Layout, NamespaceSpec};
use super::source::{Source, SourceKind};
use super::{Entry, Leaf, LeafValue, Registry};
use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::units::{parse_quantity, Dim};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// A registry file: its path relative to the registry root (with `/`), and its text.
#[derive(Clone, Debug)]
pub struct RegistryFile {
    /// Relative path (`hardware/cloud/H100.toml`).
    pub path: String,
    /// Contents.
    pub text: String,
}

mod embedded_files {
    include!(concat!(env!("OUT_DIR"), "/embedded_registry.rs"));
}

/// The files of the registry compiled into the binary.
pub fn embedded_files() -> Vec<RegistryFile> {
    embedded_files::FILES
        .iter()
        .map(|(p, t)| RegistryFile {
            path: p.to_string(),
            text: t.to_string(),
        })
        .collect()
}

/// The registry compiled into the binary (the `registry/` folder of this repository).
pub fn embedded() -> Result<Registry, Diagnostics> {
    load_files(&embedded_files(), "registry")
}

/// Loads a registry folder from disk (`--registry DIR`).
pub fn load_dir(dir: &Path) -> Result<Registry, Diagnostics> {
    let shown = dir.display().to_string();
    if !dir.is_dir() {
        return Err(Diagnostics(vec![Diagnostic::file(
            &shown,
            "registry folder not found",
        )]));
    }
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::file(
                    &shown,
                    format!("cannot read registry folder: {e}"),
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        match std::fs::read_to_string(entry.path()) {
            Ok(text) => files.push(RegistryFile { path: rel, text }),
            Err(e) => diags.push(Diagnostic::file(
                &entry.path().display().to_string(),
                format!("cannot read: {e}"),
            )),
        }
    }
    if !diags.is_empty() {
        return Err(Diagnostics(diags));
    }
    load_files(&files, &shown)
}

/// Loads a registry from in-memory files. `root` prefixes file names in diagnostics.
pub fn load_files(files: &[RegistryFile], root: &str) -> Result<Registry, Diagnostics> {
    let mut ld = Loader {
        index: crate::base::lines::LineIndex::new(""),
        index_of: None,
        file_shown: String::new(),
        root: root.trim_end_matches('/').to_string(),
        diags: Vec::new(),
        leaves: Vec::new(),
    };
    // Files parse independently: in parallel (about half of loading the embedded registry).
    let results: Vec<_> = files
        .par_iter()
        .map(|f| (f, DeTable::parse(&f.text)))
        .collect();
    let mut parsed = Vec::new();
    for (file, result) in results {
        match result {
            Ok(t) => parsed.push((file, t)),
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                let msg = e.message().trim().to_string();
                ld.diags.push(Diagnostic::at(
                    &ld.shown(&file.path),
                    &file.text,
                    span,
                    format!("invalid TOML: {msg}"),
                ));
            }
        }
    }
    let mut sources = BTreeMap::new();
    let mut source_sites: Vec<SourceSite> = Vec::new();
    let mut entries: BTreeMap<&'static str, BTreeMap<String, Entry>> = BTreeMap::new();
    let mut entry_sites: BTreeMap<(&'static str, String), String> = BTreeMap::new();
    let kinds = parsed
        .iter()
        .find(|(f, _)| f.path == super::extra::KINDS_FILE)
        .map(|(f, t)| ld.kinds(f, t.get_ref()))
        .unwrap_or_default();
    let mut groups = super::extra::Groups::default();
    for (file, table) in &parsed {
        let path = file.path.as_str();
        if path == super::extra::KINDS_FILE {
            continue;
        }
        if path.starts_with("sources/") {
            ld.sources(file, table.get_ref(), &mut sources);
            continue;
        }
        let Some((ns, per_file)) = classify(path) else {
            if path.ends_with(".toml") {
                ld.diags.push(
                    Diagnostic::file(
                        &ld.shown(path),
                        "file is not part of any registry namespace".to_string(),
                    )
                    .with_help("see registry/README.md for the layout"),
                );
            }
            continue;
        };
        if ns.is_groups() {
            ld.group_file(
                ns,
                file,
                table.get_ref(),
                &kinds,
                &mut groups,
                &mut source_sites,
            );
            continue;
        }
        let mut found: Vec<(String, std::ops::Range<usize>, &DeTable)> = Vec::new();
        if per_file {
            let stem = path
                .rsplit('/')
                .next()
                .unwrap_or(path)
                .trim_end_matches(".toml")
                .to_string();
            found.push((stem, 0..0, table.get_ref()));
        } else {
            for (k, v) in table.get_ref() {
                match v.get_ref() {
                    DeValue::Table(t) => found.push((k.get_ref().to_string(), k.span(), t)),
                    _ => ld.diags.push(Diagnostic::at(
                        &ld.shown(path),
                        &file.text,
                        k.span(),
                        format!(
                            "`{}` must be a table `[{}]` holding one {} entry",
                            k.get_ref(),
                            k.get_ref(),
                            ns.name
                        ),
                    )),
                }
            }
        }
        for (key, key_span, t) in found {
            if let Some(prev) = entry_sites.get(&(ns.name, key.clone())) {
                ld.diags.push(Diagnostic::at(
                    &ld.shown(path),
                    &file.text,
                    key_span,
                    format!(
                        "duplicate {} key `{key}` (already defined in {prev})",
                        ns.name
                    ),
                ));
                continue;
            }
            entry_sites.insert((ns.name, key.clone()), ld.shown(path));
            let entry = ld.entry(ns, &key, key_span, file, t, &mut source_sites);
            entries.entry(ns.name).or_default().insert(key, entry);
        }
    }
    // Sources named by entries and fields must exist.
    for (rel, span, id) in &source_sites {
        if !sources.contains_key(id) {
            let help = crate::base::text::closest(id, sources.keys().map(String::as_str));
            let text = files
                .iter()
                .find(|f| &f.path == rel)
                .map_or("", |f| f.text.as_str());
            let mut d = Diagnostic::at(
                &ld.shown(rel),
                text,
                span.clone(),
                format!("unknown source id `{id}`"),
            );
            if !help.is_empty() {
                d = d.with_help(format!("did you mean {}?", help.join(", ")));
            }
            ld.diags.push(d);
        }
    }
    groups.finish(&mut ld, &mut entries, files);
    ld.check_refs(&entries, files);
    if !ld.diags.is_empty() {
        return Err(Diagnostics(ld.diags).sorted());
    }
    let leaves = ld.leaves;
    super::build::build(sources, leaves, entries, &ld.root)
}

/// Where an entry or field names a source: file, span, id.
pub(super) type SourceSite = (String, std::ops::Range<usize>, String);

fn classify(path: &str) -> Option<(&'static NamespaceSpec, bool)> {
    if let Some(ns) = schema::GROUP_NAMESPACES
        .iter()
        .find(|ns| path.starts_with(&format!("{}/", ns.name)))
    {
        return Some((ns, false));
    }
    schema::NAMESPACES.iter().find_map(|ns| match ns.layout {
        Layout::FilePerEntry(dir) => path.starts_with(&format!("{dir}/")).then_some((ns, true)),
        Layout::TablesInDir(dir) => path.starts_with(&format!("{dir}/")).then_some((ns, false)),
        Layout::TablesInFile(f) => (path == f).then_some((ns, false)),
        Layout::Groups(_) => None,
    })
}

pub(super) struct Loader {
    index: crate::base::lines::LineIndex,
    index_of: Option<String>,
    file_shown: String,
    pub(super) root: String,
    pub(super) diags: Vec<Diagnostic>,
    pub(super) leaves: Vec<Leaf>,
}

fn is_iso_date(s: &str) -> bool {
    crate::base::date::Date::parse(s).is_ok()
}

impl Loader {
    pub(super) fn shown(&self, rel: &str) -> String {
        format!("{}/{}", self.root, rel)
    }

    pub(super) fn err(
        &mut self,
        file: &RegistryFile,
        span: std::ops::Range<usize>,
        msg: String,
    ) -> &mut Diagnostic {
        let d = Diagnostic::at(&self.shown(&file.path), &file.text, span, msg);
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }

    fn sources(
        &mut self,
        file: &RegistryFile,
        table: &DeTable,
        out: &mut BTreeMap<String, Source>,
    ) {
        for (id, v) in table {
            let idname = id.get_ref().to_string();
            let DeValue::Table(t) = v.get_ref() else {
                self.err(
                    file,
                    id.span(),
                    format!("source `{idname}` must be a table"),
                );
                continue;
            };
            if out.contains_key(&idname) {
                self.err(file, id.span(), format!("duplicate source id `{idname}`"));
                continue;
            }
            let get = |name: &str| -> Option<(String, std::ops::Range<usize>)> {
                t.iter()
                    .find(|(k, _)| k.get_ref() == name)
                    .map(|(_, v)| match v.get_ref() {
                        DeValue::String(s) => (s.to_string(), v.span()),
                        DeValue::Datetime(d) => (d.to_string(), v.span()),
                        _ => (String::new(), v.span()),
                    })
            };
            let kind = get("kind");
            let title = get("title");
            let url = get("url");
            let verified = get("verified");
            let notes = get("notes");
            for (k, _) in t {
                if !["kind", "title", "url", "verified", "notes"].contains(&k.get_ref().as_ref()) {
                    let name = k.get_ref().to_string();
                    self.err(
                        file,
                        k.span(),
                        format!("unknown field `{name}` in source `{idname}`"),
                    )
                    .help = Some("source fields: kind, title, url, verified, notes".into());
                }
            }
            let kind = match kind {
                None => {
                    self.err(file, id.span(), format!("source `{idname}` has no `kind`"));
                    None
                }
                Some((k, span)) => match SourceKind::parse(&k) {
                    Some(k) => Some(k),
                    None => {
                        self.err(file, span, format!("unknown source kind `{k}`"))
                            .help = Some(format!(
                            "kinds: {}",
                            SourceKind::ALL.map(|k| k.name()).join(", ")
                        ));
                        None
                    }
                },
            };
            if title.as_ref().is_none_or(|(t, _)| t.trim().is_empty()) {
                self.err(file, id.span(), format!("source `{idname}` has no `title`"));
            }
            match &verified {
                None => {
                    self.err(
                        file,
                        id.span(),
                        format!("source `{idname}` has no `verified` date"),
                    )
                    .help = Some(
                        "write the date the value was last checked: verified = \"2026-03-06\""
                            .into(),
                    );
                }
                Some((d, span)) if !is_iso_date(d) => {
                    self.err(
                        file,
                        span.clone(),
                        format!("`{d}` is not a valid ISO date (YYYY-MM-DD)"),
                    );
                }
                _ => {}
            }
            if let Some(k) = kind {
                if k.needs_url() && url.as_ref().is_none_or(|(u, _)| u.trim().is_empty()) {
                    self.err(
                        file,
                        id.span(),
                        format!("{} source `{idname}` requires a `url`", k.name()),
                    );
                }
                if k.needs_notes() && notes.as_ref().is_none_or(|(n, _)| n.trim().is_empty()) {
                    self.err(
                        file,
                        id.span(),
                        format!("{} source `{idname}` requires `notes`", k.name()),
                    );
                }
                if let Some((u, span)) = &url {
                    if !(u.starts_with("https://") || u.starts_with("http://")) {
                        self.err(
                            file,
                            span.clone(),
                            format!("url `{u}` must start with https:// or http://"),
                        );
                    }
                }
                out.insert(
                    idname.clone(),
                    Source {
                        id: idname,
                        kind: k,
                        title: title.map(|t| t.0).unwrap_or_default(),
                        url: url.map(|u| u.0),
                        verified: verified.map(|v| v.0).unwrap_or_default(),
                        notes: notes.map(|n| n.0),
                    },
                );
            }
        }
    }

    fn entry(
        &mut self,
        ns: &'static NamespaceSpec,
        key: &str,
        key_span: std::ops::Range<usize>,
        file: &RegistryFile,
        table: &DeTable,
        source_sites: &mut Vec<SourceSite>,
    ) -> Entry {
        let mut entry = Entry::default();
        match table.iter().find(|(k, _)| k.get_ref() == "source") {
            Some((_, v)) => match v.get_ref() {
                DeValue::String(s) => {
                    entry.source = s.to_string();
                    source_sites.push((file.path.clone(), v.span(), s.to_string()));
                }
                _ => {
                    self.err(file, v.span(), "`source` must be a source id string".into());
                }
            },
            None => {
                self.err(
                    file,
                    key_span.clone(),
                    format!("{} entry `{key}` has no `source`", ns.name),
                )
                .help = Some(
                    "every entry names its source: source = \"<id in registry/sources/>\"".into(),
                );
            }
        }
        let mut seen = Vec::new();
        self.walk(
            ns,
            key,
            "",
            file,
            table,
            &entry.source.clone(),
            &mut entry,
            &mut seen,
            source_sites,
        );
        for spec in ns.fields.iter().filter(|f| f.required) {
            if !seen.iter().any(|p: &String| p == spec.path) {
                self.err(
                    file,
                    key_span.clone(),
                    format!(
                        "{} entry `{key}` lacks required field `{}`",
                        ns.name, spec.path
                    ),
                );
            }
        }
        if ns.name == "constants" {
            let has_value = seen.iter().any(|p| p == "value" || p == "text");
            if !has_value {
                self.err(
                    file,
                    key_span,
                    format!("constant `{key}` needs a `value` (or `text`)"),
                );
            }
        }
        entry
    }

    #[allow(clippy::too_many_arguments)]
    fn walk(
        &mut self,
        ns: &'static NamespaceSpec,
        key: &str,
        prefix: &str,
        file: &RegistryFile,
        table: &DeTable,
        entry_source: &str,
        entry: &mut Entry,
        seen: &mut Vec<String>,
        source_sites: &mut Vec<SourceSite>,
    ) {
        for (k, v) in table {
            let name = k.get_ref().to_string();
            if prefix.is_empty() && name == "source" {
                continue;
            }
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            let spec = ns.field(&path);
            match (spec, v.get_ref()) {
                (Some(spec), DeValue::Table(t))
                    if t.iter().any(|(k, _)| k.get_ref() == "value")
                        && !matches!(spec.kind, Kind::QtyMap(_)) =>
                {
                    // Field-level source override: { value = "...", source = "id" }.
                    let mut src = entry_source.to_string();
                    let mut value = None;
                    for (ik, iv) in t {
                        match ik.get_ref().as_ref() {
                            "value" => value = Some(iv),
                            "source" => match iv.get_ref() {
                                DeValue::String(s) => {
                                    src = s.to_string();
                                    source_sites.push((file.path.clone(), iv.span(), src.clone()));
                                }
                                _ => {
                                    self.err(
                                        file,
                                        iv.span(),
                                        "`source` must be a source id string".into(),
                                    );
                                }
                            },
                            other => {
                                self.err(file, ik.span(), format!("unknown key `{other}` in field `{path}`")).help =
                                    Some("a field with its own source is written { value = \"...\", source = \"id\" }".into());
                            }
                        }
                    }
                    if let Some(value) = value {
                        self.leaf(ns, key, &path, spec.kind, file, value, &src, entry, seen);
                    }
                }
                (_, DeValue::Table(t)) if ns.is_group(&path) => {
                    self.walk(
                        ns,
                        key,
                        &path,
                        file,
                        t,
                        entry_source,
                        entry,
                        seen,
                        source_sites,
                    );
                }
                (Some(spec), _) => {
                    self.leaf(
                        ns,
                        key,
                        &path,
                        spec.kind,
                        file,
                        v,
                        entry_source,
                        entry,
                        seen,
                    );
                }
                (None, _) => {
                    let candidates: Vec<&str> = ns.paths().collect();
                    let close = crate::base::text::closest(&path, candidates.iter().copied());
                    let d = self.err(
                        file,
                        k.span(),
                        format!("unknown field `{path}` in {} entry `{key}`", ns.name),
                    );
                    if !close.is_empty() {
                        d.help = Some(format!("did you mean {}?", close.join(", ")));
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn leaf(
        &mut self,
        ns: &'static NamespaceSpec,
        key: &str,
        path: &str,
        kind: Kind,
        file: &RegistryFile,
        v: &Spanned<DeValue>,
        source: &str,
        entry: &mut Entry,
        seen: &mut Vec<String>,
    ) {
        let span = v.span();
        seen.push(path.to_string());
        let (value, unit) = match (kind, v.get_ref()) {
            (Kind::Text | Kind::Ref(_), DeValue::String(s)) => {
                (LeafValue::Text(s.to_string()), String::new())
            }
            (Kind::Bool, DeValue::Boolean(b)) => (LeafValue::Bool(*b), String::new()),
            (Kind::Num | Kind::AnyQty, DeValue::Integer(i)) => {
                match i.as_str().replace('_', "").parse::<f64>() {
                    Ok(x) => (
                        LeafValue::Quantity(crate::base::units::Value::number(x)),
                        String::new(),
                    ),
                    Err(_) => {
                        self.err(
                            file,
                            span,
                            format!("`{path}`: `{}` is not a number", i.as_str()),
                        );
                        return;
                    }
                }
            }
            (Kind::Num | Kind::AnyQty, DeValue::Float(x)) => {
                match x.as_str().replace('_', "").parse::<f64>() {
                    Ok(x) if x.is_finite() => (
                        LeafValue::Quantity(crate::base::units::Value::number(x)),
                        String::new(),
                    ),
                    _ => {
                        self.err(
                            file,
                            span,
                            format!("`{path}`: `{}` is not a finite number", x.as_str()),
                        );
                        return;
                    }
                }
            }
            (Kind::Num | Kind::Qty(_) | Kind::QtyMap(_) | Kind::AnyQty, DeValue::String(s)) => {
                let want = match kind {
                    Kind::Qty(d) | Kind::QtyMap(d) => Some(d),
                    Kind::Num => Some(Dim::NONE),
                    _ => None,
                };
                match parse_quantity(s) {
                    Ok(q) => {
                        if let Some(d) = want {
                            if q.dim != d {
                                let msg = if q.dim.is_none() {
                                    format!("`{path}` = \"{s}\" has no unit; expected {}", d.name())
                                } else {
                                    format!(
                                        "`{path}` = \"{s}\" is {}; expected {}",
                                        q.dim.name(),
                                        d.name()
                                    )
                                };
                                self.err(file, span, msg);
                                return;
                            }
                            // Physical ranges: a rate or a size is positive; no quantity of
                            // the registry is negative.
                            let positive =
                                [Dim::BANDWIDTH, Dim::INFORMATION, Dim::COMPUTE_RATE].contains(&d);
                            let bad = if positive {
                                q.si <= 0.0 || q.si.is_nan()
                            } else {
                                q.si < 0.0
                            };
                            if d != Dim::NONE && bad {
                                let msg = format!(
                                    "`{path}` = \"{s}\" is out of range: {} must be {}",
                                    d.name(),
                                    if positive { "positive" } else { "zero or more" }
                                );
                                self.err(file, span, msg);
                                return;
                            }
                        }
                        let unit = s
                            .trim()
                            .trim_start_matches(|c: char| {
                                c.is_ascii_digit() || ".eE+-_".contains(c)
                            })
                            .trim();
                        (LeafValue::Quantity(q), unit.to_string())
                    }
                    Err(e) => {
                        self.err(file, span, format!("`{path}` = \"{s}\": {e}"))
                            .help =
                            Some("write a number, a space and a unit: \"3.35 TB/s\"".into());
                        return;
                    }
                }
            }
            (Kind::Qty(d) | Kind::QtyMap(d), DeValue::Integer(_) | DeValue::Float(_)) => {
                self.err(
                    file,
                    span,
                    format!(
                        "`{path}` is a bare number; expected a quantity string with a unit of {}",
                        d.name()
                    ),
                )
                .help = Some("write it as a string with a unit, e.g. \"700 W\"".into());
                return;
            }
            (_, other) => {
                let want = match kind {
                    Kind::Text => "text".to_string(),
                    Kind::Ref(n) => format!("a {n} key"),
                    Kind::Bool => "true or false".to_string(),
                    Kind::Num => "a number".to_string(),
                    Kind::Qty(d) | Kind::QtyMap(d) => format!("a quantity of {}", d.name()),
                    Kind::AnyQty => "a quantity or number".to_string(),
                };
                let have = match other {
                    DeValue::String(_) => "a string",
                    DeValue::Integer(_) | DeValue::Float(_) => "a number",
                    DeValue::Boolean(_) => "a boolean",
                    DeValue::Datetime(_) => "a date",
                    DeValue::Array(_) => "an array",
                    DeValue::Table(_) => "a table",
                };
                self.err(file, span, format!("`{path}` must be {want}, found {have}"));
                return;
            }
        };
        if self.index_of.as_deref() != Some(file.path.as_str()) {
            self.index = crate::base::lines::LineIndex::new(&file.text);
            self.index_of = Some(file.path.clone());
            self.file_shown = self.shown(&file.path);
        }
        let (line, column) = self.index.line_col(&file.text, span.start);
        let id = self.leaves.len() as u32;
        self.leaves.push(Leaf {
            namespace: ns.name,
            key: key.to_string(),
            field: path.to_string(),
            value,
            unit,
            source: source.to_string(),
            file: self.file_shown.clone(),
            line,
            column,
        });
        entry.fields.push((path.to_string(), id));
    }

    fn check_refs(
        &mut self,
        entries: &BTreeMap<&'static str, BTreeMap<String, Entry>>,
        files: &[RegistryFile],
    ) {
        for ns in schema::NAMESPACES {
            let Some(map) = entries.get(ns.name) else {
                continue;
            };
            for (key, entry) in map {
                for (path, id) in &entry.fields {
                    let Some(spec) = ns.field(path) else { continue };
                    let Kind::Ref(target) = spec.kind else {
                        continue;
                    };
                    let leaf = &self.leaves[*id as usize];
                    let LeafValue::Text(t) = &leaf.value else {
                        continue;
                    };
                    let exists = entries.get(target).is_some_and(|m| m.contains_key(t));
                    if !exists {
                        let close = entries
                            .get(target)
                            .map(|m| crate::base::text::closest(t, m.keys().map(String::as_str)))
                            .unwrap_or_default();
                        let rel = leaf
                            .file
                            .strip_prefix(&format!("{}/", self.root))
                            .unwrap_or(&leaf.file);
                        let text = files
                            .iter()
                            .find(|f| f.path == rel)
                            .map(|f| f.text.as_str())
                            .unwrap_or("");
                        let off = offset_of(text, leaf.line, leaf.column);
                        let mut d = Diagnostic::at(
                            &leaf.file,
                            text,
                            off..off + t.len() + 2,
                            format!(
                                "{} entry `{key}`: `{path}` names unknown {target} key `{t}`",
                                ns.name
                            ),
                        );
                        if !close.is_empty() {
                            d = d.with_help(format!("did you mean {}?", close.join(", ")));
                        }
                        self.diags.push(d);
                    }
                }
            }
        }
        for ns in ["hardware", "models", "grids", "fleets", "constants"] {
            if self.diags.is_empty() && !entries.contains_key(ns) {
                self.diags.push(Diagnostic::file(
                    &self.root,
                    format!("the registry has no {ns} entries"),
                ));
            }
        }
    }
}

fn offset_of(text: &str, line: u32, column: u32) -> usize {
    let start = text
        .split_inclusive('\n')
        .take(line as usize - 1)
        .map(str::len)
        .sum::<usize>();
    start
        + text[start..]
            .chars()
            .take(column as usize - 1)
            .map(char::len_utf8)
            .sum::<usize>()
}

/// The registry in `dir`, or the one built into the binary when `dir` is `None`.
pub fn load_or_embedded(dir: Option<&Path>) -> Result<Registry, Diagnostics> {
    match dir {
        Some(d) => load_dir(d),
        None => embedded(),
    }
}
