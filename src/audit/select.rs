//! The questions `audit` answers: one value (`--value FILE:LINE`), every value resting on a source
//! (`--source ID`) or on a registry entry or field (`--entry hardware.H100`).

use super::Audit;
use crate::base::text::closest;
use std::fmt;
use std::path::Path;

/// A place in the book: `FILE:LINE` or `FILE:LINE:COLUMN`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueLoc {
    /// File, as given.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, if given.
    pub column: Option<u32>,
}

impl std::str::FromStr for ValueLoc {
    type Err = String;
    fn from_str(s: &str) -> Result<ValueLoc, String> {
        let bad = || format!("`{s}` is not a location: write FILE:LINE or FILE:LINE:COLUMN");
        let num = |p: &str| p.parse::<u32>().ok().filter(|n| *n > 0);
        let parts: Vec<&str> = s.rsplitn(3, ':').collect();
        match parts.as_slice() {
            [c, l, f] if num(c).is_some() && num(l).is_some() && !f.is_empty() => Ok(ValueLoc {
                file: f.to_string(),
                line: num(l).expect("checked"),
                column: num(c),
            }),
            [l, rest @ ..] if num(l).is_some() && !rest.is_empty() => {
                let file = s[..s.len() - l.len() - 1].to_string();
                if file.is_empty() {
                    return Err(bad());
                }
                Ok(ValueLoc {
                    file,
                    line: num(l).expect("checked"),
                    column: None,
                })
            }
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for ValueLoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(c) = self.column {
            write!(f, ":{c}")?;
        }
        Ok(())
    }
}

/// `FILE` relative to the book folder: `book-snippets/ch.qmd`, `./ch.qmd` and `ch.qmd` all name
/// `ch.qmd` of the book `book-snippets`.
fn relative(file: &str, book: &Path) -> String {
    let file = file.replace('\\', "/");
    let book = book.to_string_lossy().replace('\\', "/");
    let book = book.trim_start_matches("./").trim_end_matches('/');
    let mut f = file.trim_start_matches("./");
    if !book.is_empty() && book != "." {
        if let Some(rest) = f.strip_prefix(book).and_then(|r| r.strip_prefix('/')) {
            f = rest;
        }
    }
    f.to_string()
}

impl Audit<'_> {
    /// The values printed at a location (every value on the line when no column is given).
    pub fn select_value(&self, loc: &ValueLoc, book: &Path) -> Result<Vec<usize>, String> {
        let file = relative(&loc.file, book);
        let in_file: Vec<usize> = (0..self.records.len())
            .filter(|i| *self.records[*i].file == *file)
            .collect();
        if in_file.is_empty() {
            let mut files: Vec<&str> = self.records.iter().map(|r| &*r.file).collect();
            files.dedup();
            let close = closest(&file, files.iter().copied());
            return Err(format!(
                "no printed value in `{file}`{}; files with values: {}",
                if close.is_empty() {
                    String::new()
                } else {
                    format!(" (did you mean `{}`?)", close[0])
                },
                files.join(", ")
            ));
        }
        let hits: Vec<usize> = in_file
            .iter()
            .copied()
            .filter(|i| {
                let r = &self.records[*i];
                r.line == loc.line && loc.column.is_none_or(|c| c == r.column)
            })
            .collect();
        if hits.is_empty() {
            let mut lines: Vec<u32> = in_file.iter().map(|i| self.records[*i].line).collect();
            lines.dedup();
            lines.sort_by_key(|l| (l.abs_diff(loc.line), *l));
            lines.truncate(5);
            lines.sort();
            let near: Vec<String> = lines.iter().map(u32::to_string).collect();
            let what = match loc.column {
                Some(c) => format!("at {file}:{}:{c}", loc.line),
                None => format!("on {file}:{}", loc.line),
            };
            return Err(format!(
                "no printed value {what}; nearest lines with values: {}",
                near.join(", ")
            ));
        }
        Ok(hits)
    }

    /// The values resting on source `id`.
    pub fn select_source(&self, id: &str) -> Result<Vec<usize>, String> {
        if !self.reg.sources.contains_key(id) {
            let close = closest(id, self.reg.sources.keys().map(String::as_str));
            return Err(format!(
                "unknown source `{id}`{}",
                if close.is_empty() {
                    "; `mlsysim-book zoo sources` lists them".to_string()
                } else {
                    format!("; did you mean {}?", quoted(&close))
                }
            ));
        }
        Ok((0..self.records.len())
            .filter(|i| self.records[*i].lineage.sources.iter().any(|s| **s == *id))
            .collect())
    }

    /// The values resting on a registry entry (`hardware.H100`, `constants.default_seq_len`) or on
    /// one field or group of fields of it (`hardware.H100.memory`, `hardware.H100.memory.bandwidth`).
    pub fn select_entry(&self, path: &str) -> Result<Vec<usize>, String> {
        let mut parts = path.splitn(3, '.');
        let (ns, key, field) = (parts.next().unwrap_or(""), parts.next(), parts.next());
        let Some(entries) = self.reg.entries.get(ns) else {
            let names: Vec<&str> = self.reg.entries.keys().copied().collect();
            let close = closest(ns, names.iter().copied());
            return Err(format!(
                "unknown registry namespace `{ns}`{}; write NAMESPACE.KEY, e.g. hardware.H100",
                if close.is_empty() {
                    String::new()
                } else {
                    format!(" (did you mean {}?)", quoted(&close))
                }
            ));
        };
        let Some(key) = key else {
            return Err(format!(
                "`{path}` is a namespace: name an entry, e.g. {ns}.{}",
                entries.keys().next().map_or("KEY", String::as_str)
            ));
        };
        let Some(entry) = entries.get(key) else {
            let close = closest(key, entries.keys().map(String::as_str));
            return Err(format!(
                "unknown {ns} key `{key}`{}",
                if close.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean {}?", quoted(&close))
                }
            ));
        };
        let prefix = match field {
            None => format!("{ns}.{key}"),
            Some(f) => {
                let known = entry
                    .fields
                    .iter()
                    .any(|(p, _)| p == f || p.starts_with(&format!("{f}.")));
                if !known {
                    let names: Vec<&str> = entry.fields.iter().map(|(p, _)| p.as_str()).collect();
                    let derived = crate::book::paths::derived_fields(ns).contains(&f);
                    return Err(if derived {
                        format!(
                            "`{f}` is derived from other fields of {ns}.{key}; ask about those (fields: {})",
                            names.join(", ")
                        )
                    } else {
                        let close = closest(f, names.iter().copied());
                        format!(
                            "{ns}.{key} has no field `{f}`{}; fields: {}",
                            if close.is_empty() {
                                String::new()
                            } else {
                                format!(" (did you mean {}?)", quoted(&close))
                            },
                            names.join(", ")
                        )
                    });
                }
                if ns == "constants" && f == "value" {
                    format!("{ns}.{key}")
                } else {
                    format!("{ns}.{key}.{f}")
                }
            }
        };
        Ok((0..self.records.len())
            .filter(|i| {
                self.records[*i].lineage.registry.iter().any(|r| {
                    *r.path == *prefix
                        || (r.path.len() > prefix.len()
                            && r.path.starts_with(&prefix)
                            && r.path.as_bytes()[prefix.len()] == b'.')
                })
            })
            .collect())
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse() {
        let l: ValueLoc = "ch/01.qmd:23".parse().unwrap();
        assert_eq!((l.file.as_str(), l.line, l.column), ("ch/01.qmd", 23, None));
        let l: ValueLoc = "01.qmd:23:258".parse().unwrap();
        assert_eq!(
            (l.file.as_str(), l.line, l.column),
            ("01.qmd", 23, Some(258))
        );
        assert_eq!(l.to_string(), "01.qmd:23:258");
        assert!("01.qmd".parse::<ValueLoc>().is_err());
        assert!("01.qmd:x".parse::<ValueLoc>().is_err());
        assert!(":12".parse::<ValueLoc>().is_err());
        assert!("a.qmd:0".parse::<ValueLoc>().is_err());
    }

    #[test]
    fn files_relative_to_the_book() {
        let b = Path::new("book-snippets");
        assert_eq!(relative("book-snippets/01.qmd", b), "01.qmd");
        assert_eq!(relative("./01.qmd", b), "01.qmd");
        assert_eq!(relative("slides/roofline.tex", b), "slides/roofline.tex");
        assert_eq!(relative("01.qmd", Path::new("./book-snippets/")), "01.qmd");
    }
}
