//! The drift lock, `BOOK/mlsysim.lock`: every value the book prints, as last accepted with
//! `build --update-lock`. `check` and `build` compare the printed values with it and fail, listing
//! old and new text with locations, when one prints differently. A registry correction thus shows
//! every sentence it changes before it ships.
//!
//! The file is TOML, one `[[value]]` per directive (table cells under `cells`), in book order:
//!
//! ```toml
//! version = 2
//!
//! [[value]]
//! at = "01-hardware-acceleration.qmd:23:258"
//! directive = '<mlsysim value="hardware.H100.ridge_point" unit="FLOP/byte" digits="1"/>'
//! printed = '295.2\,\mathrm{FLOP/byte}'
//! ```
//!
//! A value is identified by its file, its directive text, its table cell and its order among
//! identical directives of the file; `at` (line and column) is for readers, so editing or moving
//! the prose around a value does not break the lock. A directive edited only in how it prints or
//! guards its value (`unit`, `digits`, `expect`, `style`, ...) is still the same value: when its
//! printed text changed with it, that is drift ("directive and printed value changed", with the
//! old directive), never hidden as one value removed and another added. Values really added or
//! removed since the lock are not drift: they are noted, and `build --update-lock` records them.

use crate::base::diag::Diagnostic;
use crate::book::model::Record;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// The lock file name, in the book folder.
pub const FILE: &str = "mlsysim.lock";

/// The format version written and read.
const VERSION: u32 = 2;

/// One locked value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// File relative to the book.
    pub file: String,
    /// Line when locked.
    pub line: u32,
    /// Column when locked.
    pub column: u32,
    /// The directive as written.
    pub directive: String,
    /// Table cell, for table values.
    pub cell: Option<String>,
    /// The printed text.
    pub printed: String,
}

/// A lock: the printed values of a book.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lock {
    /// Entries in book order.
    pub entries: Vec<Entry>,
}

/// A table's cells: a `[value.cells]` table of cell → printed text, in table order (version 2),
/// or `[[cell, printed], ...]` pairs (version 1, and version 2 for a table with a cell printed
/// twice).
#[derive(Deserialize, Serialize)]
#[serde(untagged)]
enum Cells {
    Table(toml::Table),
    Pairs(Vec<(String, String)>),
}

impl Cells {
    fn pairs(self) -> Vec<(String, String)> {
        match self {
            Cells::Pairs(p) => p,
            Cells::Table(t) => t
                .into_iter()
                .map(|(k, v)| match v {
                    toml::Value::String(s) => (k, s),
                    other => (k, other.to_string()),
                })
                .collect(),
        }
    }
}

/// The comment at the top of every lock file.
const HEADER: &str = "# mlsysim.lock: every value this book prints, as accepted by `mlsysim-book build --update-lock`.\n\
# `check` and `build` fail when one of them prints differently. A value is identified by its\n\
# file, directive and table cell; `at` is for readers. Generated: do not edit by hand.\n";

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct LockFile {
    version: u32,
    #[serde(default)]
    value: Vec<LockValue>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct LockValue {
    at: String,
    directive: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    printed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cells: Option<Cells>,
}

impl Lock {
    /// The lock of a book's printed values (records in book order).
    pub fn from_records(records: &[Record]) -> Lock {
        Lock {
            entries: records
                .iter()
                .map(|r| Entry {
                    file: r.file.to_string(),
                    line: r.line,
                    column: r.column,
                    directive: r.directive.to_string(),
                    cell: r.cell.clone(),
                    printed: r.printed.clone(),
                })
                .collect(),
        }
    }

    /// The lock file text (deterministic): a header comment, then the entries serialized by
    /// `toml`, one `[[value]]` per directive with a table's cells together.
    pub fn render(&self) -> String {
        let mut file = LockFile {
            version: VERSION,
            value: Vec::new(),
        };
        let mut i = 0;
        while i < self.entries.len() {
            let e = &self.entries[i];
            let mut j = i + 1;
            while j < self.entries.len() && {
                let n = &self.entries[j];
                (&n.file, n.line, n.column) == (&e.file, e.line, e.column) && n.cell.is_some()
            } {
                j += 1;
            }
            let cells = e.cell.as_ref().map(|_| {
                let pairs: Vec<(String, String)> = self.entries[i..j]
                    .iter()
                    .map(|c| (c.cell.clone().unwrap_or_default(), c.printed.clone()))
                    .collect();
                // A table that prints a cell twice (a row listed twice) keeps both as pairs: a
                // TOML table would keep one of them.
                let names: std::collections::HashSet<&str> =
                    pairs.iter().map(|(c, _)| c.as_str()).collect();
                if names.len() < pairs.len() {
                    Cells::Pairs(pairs)
                } else {
                    Cells::Table(
                        pairs
                            .into_iter()
                            .map(|(c, p)| (c, toml::Value::String(p)))
                            .collect(),
                    )
                }
            });
            file.value.push(LockValue {
                at: format!("{}:{}:{}", e.file, e.line, e.column),
                directive: e.directive.clone(),
                printed: e.cell.is_none().then(|| e.printed.clone()),
                cells,
            });
            i = if e.cell.is_some() { j } else { i + 1 };
        }
        let body = toml::to_string_pretty(&file).expect("a lock serializes");
        format!("{HEADER}{body}")
    }

    /// Reads a lock file's text; `shown` names it in errors.
    pub fn parse(text: &str, shown: &str) -> Result<Lock, Diagnostic> {
        let book = Path::new(shown).parent().unwrap_or(Path::new("."));
        let help = format!("regenerate it with `{}`", update_lock_command(book));
        let f: LockFile = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let mut d = Diagnostic::at(shown, text, span, e.message().trim().to_string());
            d.help = Some(help.clone());
            d
        })?;
        let whole = |m: String| Diagnostic::file(shown, m).with_help(help.clone());
        if !(1..=VERSION).contains(&f.version) {
            return Err(whole(format!(
                "lock format version {} is not supported (this mlsysim-book writes version {VERSION})",
                f.version
            )));
        }
        let mut entries = Vec::new();
        for v in f.value {
            let mut parts = v.at.rsplitn(3, ':');
            let (col, line, file) = (parts.next(), parts.next(), parts.next());
            let (Some(column), Some(line), Some(file)) = (
                col.and_then(|c| c.parse().ok()),
                line.and_then(|l| l.parse().ok()),
                file,
            ) else {
                return Err(whole(format!(
                    "`at = \"{}\"` is not FILE:LINE:COLUMN",
                    v.at
                )));
            };
            let entry = |cell: Option<String>, printed: String| Entry {
                file: file.to_string(),
                line,
                column,
                directive: v.directive.clone(),
                cell,
                printed,
            };
            match (v.printed, v.cells) {
                (Some(p), None) => entries.push(entry(None, p)),
                (None, Some(cells)) => {
                    for (c, p) in cells.pairs() {
                        entries.push(entry(Some(c), p));
                    }
                }
                _ => {
                    return Err(whole(format!(
                        "the value at {} needs exactly one of `printed` and `cells`",
                        v.at
                    )))
                }
            }
        }
        Ok(Lock { entries })
    }

    /// Reads `BOOK/mlsysim.lock`, if the book has one.
    pub fn load(book: &Path) -> Result<Option<Lock>, Diagnostic> {
        let path = book.join(FILE);
        let shown = path.display().to_string();
        if path.is_dir() {
            return Err(Diagnostic::file(
                &shown,
                "is a folder; `mlsysim.lock` is the name of the book's drift lock file: rename the folder",
            ));
        }
        if !path.is_file() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Diagnostic::file(&shown, format!("cannot read: {e}")))?;
        Lock::parse(&text, &shown).map(Some)
    }

    /// Whether `BOOK/mlsysim.lock` can be written (a temporary file is created in the book and
    /// removed), so a build can refuse before it replaces its output rather than after.
    pub fn check_writable(book: &Path) -> Result<(), Diagnostic> {
        let path = book.join(FILE);
        let shown = path.display().to_string();
        if path.is_dir() {
            return Err(Diagnostic::file(
                &shown,
                "is a folder; cannot write the drift lock",
            ));
        }
        let tmp = book.join(format!(".{FILE}.{}.probe", std::process::id()));
        let probe = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp);
        match probe {
            Ok(_) => {
                let _ = std::fs::remove_file(&tmp);
                Ok(())
            }
            Err(e) => Err(Diagnostic::file(
                &shown,
                format!("cannot write the drift lock: {e}"),
            )),
        }
    }

    /// Writes `BOOK/mlsysim.lock` (through a temporary file); false when it was already up to date.
    pub fn write(&self, book: &Path) -> Result<bool, String> {
        let path = book.join(FILE);
        let text = self.render();
        if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
            return Ok(false);
        }
        let tmp = book.join(format!(".{FILE}.{}", std::process::id()));
        std::fs::write(&tmp, &text)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                format!("{}: cannot write: {e}", path.display())
            })?;
        Ok(true)
    }
}

/// A printed value that differs from the lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// File relative to the book.
    pub file: String,
    /// Line now.
    pub line: u32,
    /// Column now.
    pub column: u32,
    /// Table cell.
    pub cell: Option<String>,
    /// Locked text.
    pub old: String,
    /// Printed now.
    pub new: String,
    /// The directive as locked, when it was edited since (the value changed with it).
    pub old_directive: Option<String>,
}

/// How a book's printed values differ from its lock.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Drift {
    /// Values that print differently, in the order of the records compared (book order).
    pub changed: Vec<Change>,
    /// Printed values the lock does not know.
    pub added: usize,
    /// Locked values no longer printed.
    pub removed: usize,
}

impl Drift {
    /// No value changed, none added or removed.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.added == 0 && self.removed == 0
    }

    /// One `file:line:column: error: printed value changed: "old" → "new" (was locked)` per changed
    /// value; paths are shown under `book`.
    pub fn diagnostics(&self, book: &Path) -> Vec<Diagnostic> {
        self.changed
            .iter()
            .map(|c| {
                let cell = c
                    .cell
                    .as_ref()
                    .map_or(String::new(), |c| format!(" in cell {c}"));
                let what = if c.old_directive.is_some() {
                    "directive and printed value changed"
                } else {
                    "printed value changed"
                };
                let mut d = Diagnostic::file(
                    &book.join(&c.file).display().to_string(),
                    format!("{what}{cell}: \"{}\" → \"{}\" (was locked)", c.old, c.new),
                );
                if let Some(old) = &c.old_directive {
                    d.help = Some(format!("the locked directive was {old}"));
                }
                d.line = c.line;
                d.column = c.column;
                d
            })
            .collect()
    }

    /// The note about values added or removed since the lock, if any.
    pub fn note(&self, book: &Path) -> Option<String> {
        if self.added == 0 && self.removed == 0 {
            return None;
        }
        let mut parts = Vec::new();
        if self.added > 0 {
            parts.push(format!(
                "{} not locked yet",
                if self.added == 1 {
                    "1 printed value is".to_string()
                } else {
                    format!("{} printed values are", self.added)
                }
            ));
        }
        if self.removed > 0 {
            parts.push(format!(
                "{} no longer printed",
                if self.removed == 1 {
                    "1 locked value is".to_string()
                } else {
                    format!("{} locked values are", self.removed)
                }
            ));
        }
        Some(format!(
            "{FILE} is out of date: {}; `{}` records them",
            parts.join(", "),
            update_lock_command(book)
        ))
    }
}

/// The command that accepts the printed values of `book`, ready to paste into a shell.
pub fn update_lock_command(book: &Path) -> String {
    let shown = book.display().to_string();
    let safe = !shown.is_empty()
        && shown
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%".contains(c));
    let arg = if safe {
        shown
    } else {
        format!("'{}'", shown.replace('\'', "'\\''"))
    };
    format!("mlsysim-book build {arg} --update-lock")
}

/// The closing line of a drift failure.
pub fn changed_message(changed: usize, book: &Path) -> String {
    format!(
        "{changed} printed value{} changed since {}; review each sentence, then accept with `{}`",
        if changed == 1 { "" } else { "s" },
        book.join(FILE).display(),
        update_lock_command(book)
    )
}

type Identity<'a> = (&'a str, &'a str, Option<&'a str>);

/// Attributes that only shape how a value is printed or guarded, not which value it is. A
/// directive edited in these (or in nothing else) is still the same value, so a change of its
/// printed text is reported, not hidden as one value removed and another added.
const PRESENTATION: [&str; 17] = [
    "unit",
    "digits",
    "sig",
    "round",
    "group",
    "style",
    "show-unit",
    "expect",
    "cite",
    "label",
    "scale",
    "unit-style",
    "to",
    "caption",
    "alt",
    "header",
    "missing",
];

/// What a directive computes: its attributes apart from [`PRESENTATION`], sorted by name.
fn essence(directive: &str) -> String {
    let scanned = crate::syntax::scan(directive, crate::syntax::SourceKind::Markdown);
    let Some(d) = scanned.directives.first() else {
        return directive.to_string();
    };
    let mut attrs: Vec<(&str, &str)> = d
        .attrs
        .iter()
        .filter(|a| !PRESENTATION.contains(&a.name.as_str()))
        .map(|a| (a.name.as_str(), a.value.as_str()))
        .collect();
    attrs.sort_unstable();
    attrs
        .iter()
        .map(|(n, v)| format!("{n}={v:?}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Compares printed values with a lock. Values are paired by identity (file, directive, cell);
/// among identical directives of a file, equal texts pair first, the rest in book order. A value
/// whose directive was edited pairs with the locked value of the same file and cell that computes
/// the same thing (the directive apart from its presentation attributes), so a printed value
/// that changed together with its directive is reported, with the old directive. Where a value
/// stands in the file (its line) never matters: a moved paragraph is no change.
pub fn compare(lock: &Lock, records: &[Record]) -> Drift {
    let mut locked: HashMap<Identity, Vec<&Entry>> = HashMap::new();
    for e in &lock.entries {
        locked
            .entry((&e.file, &e.directive, e.cell.as_deref()))
            .or_default()
            .push(e);
    }
    let mut current: HashMap<Identity, Vec<usize>> = HashMap::new();
    let mut order: Vec<Identity> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let id = (&*r.file, &*r.directive, r.cell.as_deref());
        let list = current.entry(id).or_default();
        if list.is_empty() {
            order.push(id);
        }
        list.push(i);
    }
    let mut drift = Drift::default();
    let mut changed: Vec<(usize, Change)> = Vec::new();
    let change = |r: &Record, e: &Entry, edited: bool| Change {
        file: r.file.to_string(),
        line: r.line,
        column: r.column,
        cell: r.cell.clone(),
        old: e.printed.clone(),
        new: r.printed.clone(),
        old_directive: edited.then(|| e.directive.clone()),
    };
    let mut added: Vec<usize> = Vec::new();
    let mut removed: Vec<&Entry> = Vec::new();
    for id in order {
        let was = locked.remove(&id).unwrap_or_default();
        let mut used = vec![false; was.len()];
        let mut unmatched: Vec<usize> = Vec::new();
        for &i in &current[&id] {
            match (0..was.len()).find(|k| !used[*k] && was[*k].printed == records[i].printed) {
                Some(k) => used[k] = true,
                None => unmatched.push(i),
            }
        }
        let mut left = (0..was.len()).filter(|k| !used[*k]).map(|k| was[k]);
        for i in unmatched {
            match left.next() {
                Some(e) => changed.push((i, change(&records[i], e, false))),
                None => added.push(i),
            }
        }
        removed.extend(left);
    }
    removed.extend(locked.into_values().flatten());
    // Edited directives: pair what was added with what was removed, by file, cell and essence,
    // in book order.
    let mut gone: HashMap<(&str, Option<&str>, String), Vec<&Entry>> = HashMap::new();
    removed.sort_by_key(|e| (&e.file, e.line, e.column));
    for e in removed {
        gone.entry((&e.file, e.cell.as_deref(), essence(&e.directive)))
            .or_default()
            .push(e);
    }
    for i in added {
        let r = &records[i];
        let key = (&*r.file, r.cell.as_deref(), essence(&r.directive));
        match gone.get_mut(&key).filter(|v| !v.is_empty()) {
            Some(v) => {
                let e = v.remove(0);
                if e.printed != r.printed {
                    changed.push((i, change(r, e, true)));
                }
            }
            None => drift.added += 1,
        }
    }
    drift.removed += gone.values().map(Vec::len).sum::<usize>();
    changed.sort_by_key(|(i, _)| *i);
    drift.changed = changed.into_iter().map(|(_, c)| c).collect();
    drift
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::model::{Kind, RecordLineage};

    fn rec(file: &str, line: u32, directive: &str, cell: Option<&str>, printed: &str) -> Record {
        Record {
            file: file.into(),
            line,
            column: 1,
            kind: if cell.is_some() {
                Kind::Table
            } else {
                Kind::Value
            },
            directive: directive.into(),
            cell: cell.map(str::to_string),
            printed: printed.into(),
            value: Some(1.0),
            unit: "1".into(),
            display_unit: "".into(),
            lineage: RecordLineage::default(),
            warnings: Vec::new(),
        }
    }

    fn book() -> Vec<Record> {
        vec![
            rec(
                "a.qmd",
                3,
                r#"<mlsysim value="x" unit="TB/s"/>"#,
                None,
                "3.35 TB/s",
            ),
            rec("a.qmd", 5, "<mlsysim table='t'/>", Some("H100/bw"), "3.35"),
            rec("a.qmd", 5, "<mlsysim table='t'/>", Some("A100/bw"), "2.04"),
            rec(
                "a.qmd",
                9,
                r#"<mlsysim value="x" unit="TB/s"/>"#,
                None,
                "3.35\\,\\mathrm{TB/s}",
            ),
            rec(
                "b/c.tex",
                1,
                "<mlsysim value=\"y\"\n  digits=\"1\"/>",
                None,
                "it's 25.5\\%",
            ),
        ]
    }

    #[test]
    fn render_parse_round_trip() {
        let lock = Lock::from_records(&book());
        let text = lock.render();
        assert!(
            text.contains("printed = '3.35\\,\\mathrm{TB/s}'\n"),
            "{text}"
        );
        assert!(
            text.contains("[value.cells]\n\"H100/bw\" = \"3.35\"\n\"A100/bw\" = \"2.04\"\n"),
            "{text}"
        );
        assert!(
            text.contains("directive = \"\"\"\n<mlsysim value=\"y\"\n  digits=\"1\"/>\"\"\"\n"),
            "{text}"
        );
        assert_eq!(Lock::parse(&text, "x").unwrap(), lock);
        assert_eq!(text, lock.render());
    }

    #[test]
    fn a_table_printing_a_cell_twice_keeps_both_in_the_lock() {
        let t = "<mlsysim table='hardware' rows='H100, A100, H100'/>";
        let records = vec![
            rec("a.qmd", 5, t, Some("H100/bw"), "3.35"),
            rec("a.qmd", 5, t, Some("A100/bw"), "2.04"),
            rec("a.qmd", 5, t, Some("H100/bw"), "3.35"),
        ];
        let lock = Lock::from_records(&records);
        let text = lock.render();
        let read = Lock::parse(&text, "x").unwrap();
        assert_eq!(read, lock, "{text}");
        assert_eq!(read.entries.len(), 3);
        assert!(compare(&read, &records).is_empty());
    }

    #[test]
    fn version_1_locks_with_cell_pairs_still_read() {
        let v1 = "version = 1\n[[value]]\nat = 'a.md:1:1'\ndirective = '<t/>'\ncells = [\n    ['H100/bw', '3.35'],\n]\n";
        let lock = Lock::parse(v1, "x").unwrap();
        assert_eq!(lock.entries.len(), 1);
        assert_eq!(lock.entries[0].cell.as_deref(), Some("H100/bw"));
        assert_eq!(lock.entries[0].printed, "3.35");
    }

    #[test]
    fn unchanged_book_has_no_drift() {
        let lock = Lock::from_records(&book());
        assert!(compare(&lock, &book()).is_empty());
        // Moving every value down (prose edited above them) is not drift.
        let moved: Vec<Record> = book()
            .into_iter()
            .map(|mut r| {
                r.line += 10;
                r
            })
            .collect();
        assert!(compare(&lock, &moved).is_empty());
    }

    #[test]
    fn a_value_changed_with_its_directive_is_reported_with_the_old_directive() {
        // The registry value and the directive's `expect` changed together (43% → 46%).
        let old = "<mlsysim value=\"u\" style=\"percent\" expect=\"0.4..0.45\"/>";
        let new = "<mlsysim value=\"u\" style=\"percent\" expect=\"0.44..0.48\"/>";
        let lock = Lock::from_records(&[rec("a.qmd", 3, old, None, "43%")]);
        // Moved down two lines too: position never matters.
        let d = compare(&lock, &[rec("a.qmd", 5, new, None, "46%")]);
        assert_eq!((d.added, d.removed), (0, 0));
        let msgs: Vec<String> = d
            .diagnostics(Path::new("bk"))
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            msgs,
            [format!(
                "bk/a.qmd:5:1: error: directive and printed value changed: \"43%\" → \"46%\" (was locked)\n = help: the locked directive was {old}"
            )]
        );
        // Only the digits edited, the value prints the same: no drift at all.
        let same = "<mlsysim value=\"u\" style=\"percent\" digits=\"0\"/>";
        let d = compare(&lock, &[rec("a.qmd", 3, same, None, "43%")]);
        assert!(d.is_empty(), "{d:?}");
        // A directive that computes something else is a new value, the old one is gone.
        let other = "<mlsysim value=\"v\" style=\"percent\"/>";
        let d = compare(&lock, &[rec("a.qmd", 3, other, None, "46%")]);
        assert_eq!((d.changed.len(), d.added, d.removed), (0, 1, 1));
    }

    #[test]
    fn changed_values_are_listed_with_old_and_new_text() {
        let lock = Lock::from_records(&book());
        let mut now = book();
        now[1].printed = "3.50".into();
        now[3].printed = "3.5\\,\\mathrm{TB/s}".into();
        let d = compare(&lock, &now);
        assert_eq!((d.added, d.removed), (0, 0));
        let msgs: Vec<String> = d
            .diagnostics(Path::new("bk"))
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            msgs,
            [
                "bk/a.qmd:5:1: error: printed value changed in cell H100/bw: \"3.35\" → \"3.50\" (was locked)",
                "bk/a.qmd:9:1: error: printed value changed: \"3.35\\,\\mathrm{TB/s}\" → \"3.5\\,\\mathrm{TB/s}\" (was locked)",
            ]
        );
    }

    #[test]
    fn added_and_removed_values_are_noted_not_drift() {
        let lock = Lock::from_records(&book());
        let mut now = book();
        now.remove(4);
        now.push(rec("a.qmd", 12, r#"<mlsysim value="z"/>"#, None, "7"));
        now.push(rec(
            "a.qmd",
            14,
            r#"<mlsysim value="x" unit="TB/s"/>"#,
            None,
            "3.35 TB/s",
        ));
        let d = compare(&lock, &now);
        assert!(d.changed.is_empty(), "{d:?}");
        assert_eq!((d.added, d.removed), (2, 1));
        assert!(d
            .note(Path::new("b"))
            .unwrap()
            .contains("2 printed values are not locked yet, 1 locked value is no longer printed"));
    }

    #[test]
    fn bad_lock_files_are_located_errors() {
        let e = Lock::parse("version = 1\n[[value]]\nat = 3\n", "bk/mlsysim.lock").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("bk/mlsysim.lock", 3));
        let e = Lock::parse("version = 9\n", "l").unwrap_err();
        assert!(e.message.contains("version 9"), "{}", e.message);
        let e = Lock::parse(
            "version = 1\n[[value]]\nat = 'a:1:1'\ndirective = 'd'\n",
            "l",
        )
        .unwrap_err();
        assert!(e.message.contains("exactly one of"), "{}", e.message);
    }
}
