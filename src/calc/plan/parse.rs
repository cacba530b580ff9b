//! Reading plan files: TOML or YAML into [`Plan`], with every error located at file:line:column.
//!
//! Syntax and schema errors (unknown keys, wrong types, missing fields) carry the parser's location.
//! Semantic errors found later (an unknown registry key, an unknown metric) are located with
//! [`locate`]: the document is deserialized again with a probe that walks to the offending value
//! and fails there, so the parser itself reports where that value is written — one mechanism for
//! both formats, with no second parser.

use super::{Plan, PlanFormat, PlanSource, Seg};
use crate::base::diag::Diagnostic;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::path::Path;

/// The format a path names by its extension (`.toml`, `.yaml`, `.yml`), if any.
pub fn format_of(path: &str) -> Option<PlanFormat> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".toml") {
        Some(PlanFormat::Toml)
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        Some(PlanFormat::Yaml)
    } else {
        None
    }
}

/// Reads and parses a plan file. A file without a known extension is read as TOML.
pub fn read(path: &Path) -> Result<PlanSource, Diagnostic> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::file(&file, format!("cannot read the plan: {e}")))?;
    let format = format_of(&file).unwrap_or(PlanFormat::Toml);
    parse(&file, text, format)
}

/// Deepest nesting a plan may have (its schema needs four levels). Checked before parsing, so a
/// document nested 100,000 deep is a located error at once instead of seconds of parsing or a
/// stack overflow.
pub const MAX_PLAN_DEPTH: usize = 64;

/// The first place where `text` nests deeper than [`MAX_PLAN_DEPTH`]: flow brackets `[`/`{`
/// outside strings and comments (TOML and YAML), plus block indentation levels and `- ` items
/// (YAML). One pass, no parsing.
fn too_deep_at(text: &str, format: PlanFormat) -> Option<usize> {
    let b = text.as_bytes();
    let mut flow = 0usize;
    let mut quote: Option<u8> = None;
    let mut indents: Vec<usize> = Vec::new();
    let mut line_start = true;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == b'\\' && q == b'"' {
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if line_start && format == PlanFormat::Yaml && flow == 0 {
            line_start = false;
            // Block structure: the indentation of the line, and each `- ` / `? ` after it.
            let mut col = 0;
            let mut j = i;
            loop {
                while j < b.len() && b[j] == b' ' {
                    j += 1;
                    col += 1;
                }
                if j >= b.len() || b[j] == b'\n' || b[j] == b'#' {
                    break;
                }
                while indents.last().is_some_and(|top| *top >= col) {
                    indents.pop();
                }
                indents.push(col);
                if indents.len() > MAX_PLAN_DEPTH {
                    return Some(j);
                }
                if matches!(b[j], b'-' | b'?') && matches!(b.get(j + 1), Some(b' ') | None) {
                    j += 1;
                    col += 1;
                    continue;
                }
                break;
            }
            i = j;
            continue;
        }
        match c {
            b'\n' => line_start = true,
            b'"' | b'\'' => quote = Some(c),
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'[' | b'{' => {
                flow += 1;
                if flow + indents.len() > MAX_PLAN_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => flow = flow.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Parses plan text.
pub fn parse(file: &str, text: String, format: PlanFormat) -> Result<PlanSource, Diagnostic> {
    if let Some(at) = too_deep_at(&text, format) {
        return Err(Diagnostic::at(
            file,
            &text,
            at..at + 1,
            format!("the plan is nested more than {MAX_PLAN_DEPTH} levels deep"),
        ));
    }
    let plan = match format {
        PlanFormat::Toml => {
            toml::from_str::<Plan>(&text).map_err(|e| toml_diag(file, &text, &e))?
        }
        PlanFormat::Yaml => {
            serde_yaml_ng::from_str::<Plan>(&text).map_err(|e| yaml_diag(file, &text, &e))?
        }
    };
    Ok(PlanSource {
        file: file.to_string(),
        text,
        format,
        plan,
    })
}

fn toml_diag(file: &str, text: &str, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim_end().to_string();
    match e.span() {
        Some(span) => Diagnostic::at(file, text, span, message),
        None => Diagnostic::file(file, message),
    }
}

/// The message of a YAML error without serde_yaml's " at line L column C" suffix.
fn yaml_message(e: &serde_yaml_ng::Error) -> String {
    let full = e.to_string();
    match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    }
}

fn yaml_diag(file: &str, text: &str, e: &serde_yaml_ng::Error) -> Diagnostic {
    let message = yaml_message(e);
    match e.location() {
        Some(loc) => {
            let start = loc.index().min(text.len());
            Diagnostic::at(file, text, start..token_end(text, start), message)
        }
        None => Diagnostic::file(file, message),
    }
}

/// End of the token starting at `start`: the rest of the line, without a comment or trailing space.
fn token_end(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let line = match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    };
    start + line.trim_end().len()
}

const MARK: &str = "\u{1}mlsysim-locate";

/// A diagnostic at the value `at` of the plan (falling back to the closest enclosing value that
/// exists, then to the file).
pub fn locate(src: &PlanSource, at: &[Seg], message: impl Into<String>) -> Diagnostic {
    let message = message.into();
    for len in (0..=at.len()).rev() {
        if let Some(span) = span_of(src, &at[..len]) {
            return Diagnostic::at(&src.file, &src.text, span, message);
        }
    }
    Diagnostic::file(&src.file, message)
}

/// Byte span of the value at `at`, if the document has one there.
pub fn span_of(src: &PlanSource, at: &[Seg]) -> Option<std::ops::Range<usize>> {
    if at.is_empty() {
        return None;
    }
    let probe = Probe { path: at };
    match src.format {
        PlanFormat::Toml => {
            let de = toml::de::Deserializer::parse(&src.text).ok()?;
            match probe.deserialize(de) {
                Err(e) if e.message().contains(MARK) => e.span(),
                _ => None,
            }
        }
        PlanFormat::Yaml => {
            let de = serde_yaml_ng::Deserializer::from_str(&src.text);
            match probe.deserialize(de) {
                Err(e) if e.to_string().contains(MARK) => e.location().map(|l| {
                    let start = l.index().min(src.text.len());
                    start..token_end(&src.text, start)
                }),
                _ => None,
            }
        }
    }
}

/// Walks `path` and fails at its end, so the deserializer reports that value's location.
struct Probe<'a> {
    path: &'a [Seg],
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match self.path.first() {
            None => d.deserialize_any(Fail),
            Some(Seg::Key(_)) => d.deserialize_map(self),
            Some(Seg::Index(_)) => d.deserialize_seq(self),
        }
    }
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a table or array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some(Seg::Key(want)) = self.path.first() else {
            return Err(de::Error::custom("not found"));
        };
        while let Some(key) = map.next_key::<String>()? {
            if key == *want {
                return map.next_value_seed(Probe {
                    path: &self.path[1..],
                });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Err(de::Error::custom("not found"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some(Seg::Index(want)) = self.path.first() else {
            return Err(de::Error::custom("not found"));
        };
        for _ in 0..*want {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Err(de::Error::custom("not found"));
            }
        }
        match seq.next_element_seed(Probe {
            path: &self.path[1..],
        })? {
            Some(()) => Ok(()),
            None => Err(de::Error::custom("not found")),
        }
    }
}

/// Fails on any value with the marker message.
struct Fail;

impl<'de> Visitor<'de> for Fail {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(MARK))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(MARK))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(MARK))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(MARK))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(MARK))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(MARK))
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(MARK))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(MARK))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(MARK))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calc::plan::path;

    const TOML: &str = r#"version = "1.0"
name = "t"

[workload]
name = "Llama3_8B"
batch_size = 4

[hardware]
name = "H999"

[[constraints.assert]]
metric = "performance.latency"
max = 50
"#;

    const YAML: &str = "version: \"1.0\"\nname: t\nworkload:\n  name: Llama3_8B\n  batch_size: 4\nhardware:\n  name: H999   # typo\nconstraints:\n  assert:\n    - metric: performance.latency\n      max: 50\n";

    fn at(src: &PlanSource, p: &[Seg]) -> (u32, u32, String) {
        let d = locate(src, p, "m");
        (
            d.line,
            d.column,
            d.source_line[d.column as usize - 1..].to_string(),
        )
    }

    #[test]
    fn locates_values_in_both_formats() {
        let t = parse("p.toml", TOML.into(), PlanFormat::Toml).unwrap();
        let y = parse("p.yaml", YAML.into(), PlanFormat::Yaml).unwrap();
        assert_eq!(t.plan, y.plan);
        let name = path(&["hardware", "name"]);
        assert_eq!(at(&t, &name), (9, 8, "\"H999\"".into()));
        let d = locate(&y, &name, "m");
        assert_eq!((d.line, d.column, d.width), (7, 9, 4));
        let metric = [
            Seg::Key("constraints"),
            Seg::Key("assert"),
            Seg::Index(0),
            Seg::Key("metric"),
        ];
        assert_eq!(at(&t, &metric).0, 12);
        assert_eq!(at(&y, &metric).0, 10);
        // A missing value falls back to its table.
        assert_eq!(at(&y, &path(&["hardware", "precision"])).0, 7);
    }

    #[test]
    fn deep_nesting_is_a_located_error_before_parsing() {
        let cases = [
            (
                format!("a = {}1{}", "[".repeat(100_000), "]".repeat(100_000)),
                PlanFormat::Toml,
            ),
            (format!("a = {}", "{b = ".repeat(100_000)), PlanFormat::Toml),
            (
                format!("a: {}1{}", "[".repeat(100_000), "]".repeat(100_000)),
                PlanFormat::Yaml,
            ),
            (format!("{}x", "- ".repeat(100_000)), PlanFormat::Yaml),
            (
                (0..100)
                    .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
                    .collect(),
                PlanFormat::Yaml,
            ),
        ];
        for (text, format) in cases {
            let d = parse("p", text, format).expect_err("too deep");
            assert!(d.message.contains("nested more than 64"), "{}", d.message);
            assert_eq!(d.file, "p");
            assert!(d.line >= 1 && d.column > 1, "{d:?}");
        }
        // Quoted brackets and comments do not count.
        let text = format!("a = \"{}\" # {}\n", "[".repeat(100), "{".repeat(100));
        assert!(too_deep_at(&text, PlanFormat::Toml).is_none());
    }

    #[test]
    fn schema_errors_are_located() {
        let bad = TOML.replace("batch_size = 4", "batch_size = 4\nbatchsize = 2");
        let e = parse("p.toml", bad, PlanFormat::Toml).unwrap_err();
        assert_eq!((e.line, e.column), (7, 1));
        assert!(
            e.message.contains("unknown field `batchsize`"),
            "{}",
            e.message
        );
        let bad = YAML.replace("batch_size: 4", "batch_size: -4");
        let e = parse("p.yaml", bad, PlanFormat::Yaml).unwrap_err();
        assert_eq!(e.line, 5);
        assert!(!e.message.contains(" at line "), "{}", e.message);
        let e = parse("p.yaml", "version: [\n".into(), PlanFormat::Yaml).unwrap_err();
        assert!(e.line >= 1);
    }
}
