//! A figure written as a small TOML file instead of a directive (`figures/roofline-h100.toml`):
//! the directive's attributes are its top-level keys, with the same names and meanings.
//!
//! ```toml
//! figure = "roofline"
//! id = "slide-roofline-h100"
//! hardware = "H100"                           # or a list: ["A100", "H100"]
//! workloads = ["ResNet50@1", "Llama3_8B@64"]  # a list is the comma-separated attribute
//! efficiency = 0.5                            # numbers and booleans as written
//! caption = "The H100 roofline."
//! alt = "..."
//! ```
//!
//! A file is read as a figure when it has a top-level `figure` key; a file with `id` and
//! `caption` but no `figure` is an error (it looks like a figure). Every key becomes an
//! attribute whose value span is the TOML value's, so a bad value is reported at its line and
//! column like a bad directive attribute.

use crate::base::diag::Diagnostic;
use crate::syntax::{Attr, Context, Directive};
use std::path::Path;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Whether a path may hold a figure: a `.toml` file other than the book's settings
/// (`mlsysim.toml`) and mdBook's `book.toml`.
pub fn may_be_figure(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    path.extension().is_some_and(|e| e == "toml") && name != "mlsysim.toml" && name != "book.toml"
}

/// The figure of a TOML file as a directive (`None` when the file is not a figure), or the
/// problems found, each at its place in `file`.
pub fn read(file: &str, text: &str) -> Result<Option<Directive>, Vec<Diagnostic>> {
    let table = DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        vec![Diagnostic::at(
            file,
            text,
            span,
            format!("not valid TOML: {}", e.message().trim()),
        )]
    })?;
    let table = table.get_ref();
    let key = |name: &str| table.iter().find(|(k, _)| k.get_ref() == name);
    let Some((fk, fv)) = key("figure") else {
        if key("id").is_some() && key("caption").is_some() {
            return Err(vec![Diagnostic::at(
                file,
                text,
                0..0,
                "a figure file needs a `figure` key naming its kind (`figure = \"roofline\"`)",
            )]);
        }
        return Ok(None);
    };
    let mut attrs = Vec::new();
    let mut errors = Vec::new();
    for (k, v) in table.iter() {
        match value_text(text, v) {
            Ok(value) => attrs.push(Attr {
                name: k.get_ref().to_string(),
                value,
                name_span: k.span(),
                value_span: v.span(),
            }),
            Err(message) => errors.push(Diagnostic::at(
                file,
                text,
                v.span(),
                format!("`{}`: {message}", k.get_ref()),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let start = fk.span().start;
    let (line, column) = line_col(text, start);
    Ok(Some(Directive {
        span: start..fv.span().end,
        line,
        column,
        attrs,
        context: Context::Text,
        alone_on_line: true,
    }))
}

/// An attribute value from a TOML value: strings as they are, numbers and booleans as written,
/// a list of those joined by `, ` (the directive's list syntax).
fn value_text(src: &str, v: &Spanned<DeValue>) -> Result<String, String> {
    match v.get_ref() {
        DeValue::String(s) => Ok(s.to_string()),
        DeValue::Integer(_) | DeValue::Float(_) | DeValue::Boolean(_) => {
            Ok(src[v.span()].trim().to_string())
        }
        DeValue::Array(items) => {
            let parts: Result<Vec<String>, String> = items
                .iter()
                .map(|i| match i.get_ref() {
                    DeValue::Array(_) | DeValue::Table(_) => {
                        Err("a list holds strings or numbers only".to_string())
                    }
                    _ => value_text(src, i),
                })
                .collect();
            Ok(parts?.join(", "))
        }
        DeValue::Datetime(_) | DeValue::Table(_) => {
            Err("must be a string, a number, a boolean or a list of them".to_string())
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, at: usize) -> (u32, u32) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_become_attributes() {
        let src = "figure = \"roofline\"\nid = \"r\"\nhardware = [\"A100\", \"H100\"]\nefficiency = 0.5\ncaption = \"C\"\nalt = \"A\"\n";
        let d = read("f.toml", src).unwrap().unwrap();
        assert_eq!(d.get("hardware"), Some("A100, H100"));
        assert_eq!(d.get("efficiency"), Some("0.5"));
        assert_eq!(d.line, 1);
        let a = d.attr("efficiency").unwrap();
        assert_eq!(&src[a.value_span.clone()], "0.5");
    }

    #[test]
    fn errors_are_located_and_other_files_ignored() {
        assert!(read("f.toml", "title = \"x\"\n").unwrap().is_none());
        let e = read("f.toml", "figure = \"line\"\nid = [[1]]\n").unwrap_err();
        assert_eq!(e[0].line, 2, "{e:?}");
        let e = read("f.toml", "figure = \"line\nid = 1\n").unwrap_err();
        assert!(e[0].message.contains("TOML"), "{e:?}");
        let e = read("f.toml", "id = \"x\"\ncaption = \"c\"\n").unwrap_err();
        assert!(e[0].message.contains("`figure`"), "{e:?}");
        assert!(may_be_figure(Path::new("figures/a.toml")));
        assert!(!may_be_figure(Path::new("figures/mlsysim.toml")));
        assert!(!may_be_figure(Path::new("a.md")));
    }
}
