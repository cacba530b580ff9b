//! The layering of `src/` stays true: every module imports only from its own subtree or from a
//! layer below it (README, "Layout"). The test reads each source file's `crate::` and `super::`
//! paths (comments and `#[cfg(test)] mod tests` left out: tests may reach anywhere), maps the
//! importing and the imported module to their layer, and fails on any import that points
//! sideways or upwards.

use std::path::{Path, PathBuf};

/// Module path prefixes and their rank, bottom to top. A module belongs to the longest prefix
/// that matches it; it may import from modules of its own prefix or of a strictly lower rank.
const LAYERS: &[(&str, f64)] = &[
    // 1. base: units, line index, dates, text helpers; diagnostics on top of the line index.
    ("base::units", 1.0),
    ("base::lines", 1.0),
    ("base::date", 1.0),
    ("base::text", 1.0),
    ("base::escape", 1.0),
    ("base::diag", 1.1),
    ("base", 1.2),
    // 2. the registry and the directive syntax, side by side.
    ("registry", 2.0),
    ("syntax", 2.0),
    // 3. calculation, in the order data flows.
    ("calc::params", 3.0),
    ("calc::formulas", 3.1),
    ("calc::solvers", 3.2),
    ("calc::search", 3.3),
    ("calc::catalog", 3.4),
    ("calc::plan", 3.5),
    ("calc", 3.6),
    // 4. presentation.
    ("present::decimal", 4.0),
    ("present::format", 4.1),
    ("present::figure", 4.2),
    ("present", 4.3),
    // 5. the book: settings, paths, templates, the output folder and the ownership rule of what
    // the tool writes; the records every later
    // stage reads; the lock over them; evaluation, the manifest and file discovery; figures of a
    // book; the build that puts it together.
    ("book::config", 5.0),
    ("book::bibliography", 5.0),
    ("book::paths", 5.0),
    // The templates carry the book's `[format]` / `[cite]` style, read by the config.
    ("book::templates", 5.01),
    ("book::output", 5.0),
    ("book::own", 5.0),
    ("book::model", 5.1),
    ("book::lock", 5.2),
    ("book::evaluate", 5.3),
    ("book::manifest", 5.3),
    ("book::files", 5.3),
    ("book::figures", 5.4),
    ("book::build", 5.5),
    ("book", 5.6),
    // 6. audit and toolchain integrations, side by side.
    ("audit", 6.0),
    ("integrate", 6.0),
    // 7. the application.
    ("app", 7.0),
];

fn layer(module: &str) -> (&'static str, f64) {
    LAYERS
        .iter()
        .filter(|(p, _)| module == *p || module.starts_with(&format!("{p}::")))
        .max_by_key(|(p, _)| p.len())
        .map(|(p, r)| (*p, *r))
        .unwrap_or_else(|| panic!("module `{module}` is in no layer: add it to LAYERS"))
}

/// The module path of a file under `src/` (`calc/solvers/mod.rs` → `calc::solvers`).
fn module_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The code of a file without comments and without its `#[cfg(test)]` modules.
fn code(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("#[cfg(test)]") {
        kept.push_str(&rest[..i]);
        let after = &rest[i..];
        let Some(open) = after.find('{').filter(|&o| after[..o].contains("mod ")) else {
            kept.push_str("#[cfg(test)]");
            rest = &after["#[cfg(test)]".len()..];
            continue;
        };
        let mut depth = 0usize;
        let mut end = after.len();
        for (k, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    kept.push_str(rest);
    kept.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every module a file's code names through `crate::` or `super::` (groups `crate::{a, b::c}`
/// included), as full module paths.
fn imports(module: &str, code: &str) -> Vec<String> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let text = code;
    for (start, kw) in [("crate::", true), ("super::", false)] {
        let mut from = 0;
        while let Some(i) = text[from..].find(start).map(|i| i + from) {
            from = i + start.len();
            if text[..i].ends_with("::") || text[..i].chars().next_back().is_some_and(ident) {
                continue;
            }
            // The base the path is relative to.
            let mut base: Vec<&str> = if kw {
                Vec::new()
            } else {
                // `super` is the parent module, whether the file is `x.rs` or `x/mod.rs`.
                let mut b: Vec<&str> = module.split("::").collect();
                b.pop();
                b
            };
            let mut rest = &text[from..];
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
            let mut paths = Vec::new();
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    paths.push(item.trim().to_string());
                }
            } else {
                let end = rest
                    .find(|c: char| !(ident(c) || c == ':'))
                    .unwrap_or(rest.len());
                paths.push(rest[..end].to_string());
            }
            for p in paths {
                let segs: Vec<&str> = p
                    .split("::")
                    .take_while(|s| s.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                    .filter(|s| !s.is_empty() && *s != "self")
                    .collect();
                let mut full = base.clone();
                full.extend(segs);
                if !full.is_empty() {
                    out.push(full.join("::"));
                }
            }
        }
    }
    out
}

/// The imports of `module` that break the layering, as `importer → imported` lines.
fn violations(module: &str, text: &str) -> Vec<String> {
    let (own, rank) = layer(module);
    let mut bad = Vec::new();
    for target in imports(module, &code(text)) {
        // A path naming only a layer's parent (`crate::calc`) resolves to its first child.
        let Some((tl, tr)) = LAYERS
            .iter()
            .filter(|(p, _)| target == *p || target.starts_with(&format!("{p}::")))
            .max_by_key(|(p, _)| p.len())
            .map(|(p, r)| (*p, *r))
        else {
            continue; // a local item reached through `super::` (`super::Foo`)
        };
        // An ancestor of the importer (`super::super::*` in an inline module) is its own tree.
        if tl == own || tr < rank || module.starts_with(&format!("{target}::")) {
            continue;
        }
        bad.push(format!("{module} (layer {rank}) → {target} (layer {tr})"));
    }
    bad
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src/ is readable") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut bad = Vec::new();
    let mut checked = 0;
    for f in &files {
        let rel = f.strip_prefix(&src).expect("under src");
        if rel == Path::new("lib.rs") || rel == Path::new("main.rs") {
            continue;
        }
        let module = module_of(rel);
        let text = std::fs::read_to_string(f).expect("readable source");
        bad.extend(violations(&module, &text));
        checked += 1;
    }
    assert!(checked > 50, "only {checked} modules found under src/");
    assert!(
        bad.is_empty(),
        "imports from a layer above (or beside) the importer:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_checker_sees_upward_sideways_and_relative_imports() {
    // Upward, through a plain path, a group and `super::`.
    assert_eq!(
        violations("calc::solvers::roofline", "use crate::app::cli::Format;"),
        ["calc::solvers::roofline (layer 3.2) → app::cli (layer 7)"]
    );
    assert_eq!(
        violations(
            "calc::formulas::memory",
            "use crate::{base::units, calc::solvers::Lineage};"
        )
        .len(),
        1
    );
    assert_eq!(
        violations("calc::formulas::memory", "use super::super::catalog::run;"),
        ["calc::formulas::memory (layer 3.1) → calc::catalog::run (layer 3.4)"]
    );
    // Sideways between siblings of one rank.
    assert_eq!(
        violations("registry::load", "use crate::syntax::scan;").len(),
        1
    );
    // Downward, inside one's own subtree, comments and tests: fine.
    let ok = "use crate::base::units::Value; // crate::app\nuse super::params::Out;\n\
              #[cfg(test)]\nmod tests {\n use crate::app::cli;\n}\nuse crate::base::diag;";
    assert!(violations("calc::solvers", ok).is_empty());
    assert!(violations("book::evaluate::table", "use crate::book::model::Record;").is_empty());
    assert_eq!(
        violations("book::model", "use crate::book::evaluate::FileEval;").len(),
        1
    );
}
