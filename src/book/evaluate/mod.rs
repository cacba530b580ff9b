//! Evaluating one source file: every directive becomes rendered text spliced into the original,
//! every printed value a [`Record`](crate::book::model::Record) with its lineage, every problem a
//! located error and every solver warning a located warning.
//!
//! [`FileEval`] holds the state of one file (its `let` bindings, citations, records, figures,
//! warnings, and the caches that let the records of a file share strings and provenances). The
//! rules of each directive kind live in a module of their own, each adding methods to `FileEval`:
//! `value` (`value="expr"`), `solve` (`solve=... show=...`), `bind` (`let=`), `table`
//! (`table="namespace"`, `table="sweep"`), `figure` (`figure=`) and `cite` (`cite="true"`: footnote
//! markers and the footnotes of a file). Helpers the kinds share: `attrs` (which attributes a kind
//! takes), `number` (format specs and printing one number), `lineage` (provenances and records),
//! `names` (what a name in an expression stands for) and `solver` (running a solver with the
//! directive's attributes, its errors located at the attribute at fault, its warnings).
//!
//! Rules kept here: a directive has exactly one kind (`let` with `value=` or `solve=`; `solve=`
//! with `table="sweep"`); directives are evaluated in source order, so a `let` binds the names after
//! it only; a directive that fails yields one error and stays unexpanded (the build then writes
//! nothing); escapes (`\<mlsysim`) become their fixed text.

mod attrs;
mod bind;
mod cite;
mod figure;
mod lineage;
mod names;
mod number;
mod solve;
mod solver;
mod table;
mod value;

use super::model::{
    Expansion, FigureOut, FileOutput, Kind, Provenance, Record, Records, RegistryRef,
};
use super::paths;
use super::templates::Templates;
use crate::base::diag::Diagnostic;
use crate::present::format::Target;
use crate::registry::Registry;
use crate::syntax::{scan, Directive, ScanResult, SourceKind};
use lineage::Lineage;
use names::Binding;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

/// What replaces a span of the source.
enum Splice {
    /// An escape's fixed text.
    Fixed(&'static str),
    /// The text of the expansion with this index.
    Expansion(usize),
    /// Text that replaces more than the directive (a table, its caption, then its source note).
    Owned(String),
}

/// A problem in one directive: where (byte span) and what.
struct Problem {
    span: Range<usize>,
    message: String,
    help: Option<String>,
}

fn problem(span: Range<usize>, message: impl Into<String>) -> Problem {
    Problem {
        span,
        message: message.into(),
        help: None,
    }
}

/// The span of a directive's `<mlsysim` (where problems of the whole directive are shown).
fn tag_start(d: &Directive) -> Range<usize> {
    d.span.start..(d.span.start + 8).min(d.span.end)
}

/// Evaluates the directives of one file.
pub struct FileEval<'a> {
    reg: &'a Registry,
    templates: &'a Templates,
    /// Path relative to the book folder (figure links climb from it to `figures/`).
    book_rel: &'a str,
    src: &'a str,
    kind: SourceKind,
    lets: BTreeMap<String, (Binding, u32)>,
    /// Let names bound anywhere in the file, with their line (for "used before it is bound").
    declared: BTreeMap<String, u32>,
    cited: Vec<String>,
    /// Whether printed values are recorded or only counted.
    keep: Records,
    records: Vec<Record>,
    /// Values printed so far.
    values: usize,
    figures: Vec<FigureOut>,
    /// Solver warnings, at the directive whose solver warned.
    warnings: Vec<Diagnostic>,
    /// Shared strings for records (paths, sources, formulas, inputs): one allocation each per file.
    interned: FxHashMap<String, Arc<str>>,
    /// Registry references by leaf id, built once per file.
    refs: FxHashMap<u32, RegistryRef>,
    /// Provenances built so far, by hash of their lineage (records with equal lineage share one).
    provenances: FxHashMap<u64, Vec<(Lineage, Arc<Provenance>)>>,
    /// Solver results of the file, by solver and inputs.
    solved: RefCell<solver::Solved>,
    /// Registry paths resolved so far.
    resolved: RefCell<FxHashMap<Box<str>, Result<paths::Resolved, String>>>,
    /// Messages for unknown names, by name and number of `let`s bound when it was met.
    unknown: RefCell<FxHashMap<(Box<str>, usize), String>>,
    /// Footnote markers already rendered, by source id (Markdown).
    markers_done: FxHashMap<Arc<str>, String>,
    /// Base-unit names by dimension.
    dims: FxHashMap<crate::base::units::Dim, Arc<str>>,
    /// The text of the directive being recorded, shared by its records.
    current: Option<(usize, Arc<str>)>,
    /// The file name, shared by every record.
    file_arc: Arc<str>,
    /// Further problems of the directive being evaluated, reported with its first (every bad
    /// input of a solver at once).
    more_problems: RefCell<Vec<Problem>>,
    /// A table followed by its caption: the span up to the end of the caption and the text of
    /// table, caption and source note (the note goes under the caption, which must follow the
    /// table directly).
    extended: Option<(Range<usize>, String)>,
}

impl<'a> FileEval<'a> {
    /// Evaluates `src` (the text of `rel`, which is also its path in the book).
    pub fn run(
        reg: &'a Registry,
        templates: &'a Templates,
        rel: &'a str,
        src: &'a str,
        kind: SourceKind,
    ) -> FileOutput {
        FileEval::run_in(reg, templates, rel, rel, src, kind)
    }

    /// Evaluates `src`, shown as `rel` in diagnostics, at `book_rel` in the book.
    pub fn run_in(
        reg: &'a Registry,
        templates: &'a Templates,
        rel: &'a str,
        book_rel: &'a str,
        src: &'a str,
        kind: SourceKind,
    ) -> FileOutput {
        FileEval::run_scanned(
            reg,
            templates,
            rel,
            book_rel,
            src,
            kind,
            Records::Keep,
            None,
        )
    }

    /// [`FileEval::run_in`], keeping the records of printed values or only counting them, of a
    /// text perhaps already scanned (`scanned` is then `scan(src, kind)`).
    #[allow(clippy::too_many_arguments)]
    pub fn run_scanned(
        reg: &'a Registry,
        templates: &'a Templates,
        rel: &'a str,
        book_rel: &'a str,
        src: &'a str,
        kind: SourceKind,
        keep: Records,
        scanned: Option<ScanResult>,
    ) -> FileOutput {
        let _lines = crate::base::lines::scope(src); // one line index for all its diagnostics
        let scanned = scanned.unwrap_or_else(|| scan(src, kind));
        let mut ev = FileEval {
            reg,
            templates,
            book_rel,
            src,
            kind,
            lets: BTreeMap::new(),
            declared: BTreeMap::new(),
            cited: Vec::new(),
            keep,
            records: Vec::new(),
            values: 0,
            figures: Vec::new(),
            warnings: Vec::new(),
            interned: FxHashMap::default(),
            refs: FxHashMap::default(),
            provenances: FxHashMap::default(),
            dims: FxHashMap::default(),
            markers_done: FxHashMap::default(),
            resolved: RefCell::default(),
            solved: RefCell::default(),
            unknown: RefCell::default(),
            current: None,
            file_arc: Arc::from(rel),
            more_problems: RefCell::default(),
            extended: None,
        };
        let mut diags: Vec<Diagnostic> = scanned
            .errors
            .iter()
            .map(|e| Diagnostic::at(rel, src, e.span.clone(), e.message.clone()))
            .collect();
        for d in &scanned.directives {
            if let Some(name) = d.get("let") {
                ev.declared.entry(name.to_string()).or_insert(d.line);
            }
        }
        let mut splices: Vec<(Range<usize>, Splice)> = scanned
            .escapes
            .iter()
            .map(|e| (e.span.clone(), Splice::Fixed(e.replacement)))
            .collect();
        let mut expansions = Vec::with_capacity(scanned.directives.len());
        for d in &scanned.directives {
            match ev.directive(d) {
                Ok((span, text)) => {
                    let directive = match &ev.current {
                        Some((start, t)) if *start == d.span.start => t.clone(),
                        _ => Arc::from(&src[d.span.clone()]),
                    };
                    match ev.extended.take() {
                        Some((wide, text)) => splices.push((wide, Splice::Owned(text))),
                        None => splices.push((span, Splice::Expansion(expansions.len()))),
                    }
                    expansions.push(Expansion {
                        line: d.line,
                        column: d.column,
                        context: d.context,
                        kind: expansion_kind(d),
                        directive,
                        text,
                    });
                }
                Err(p) => {
                    let more = std::mem::take(&mut *ev.more_problems.borrow_mut());
                    for p in std::iter::once(p).chain(more) {
                        let mut diag = Diagnostic::at(rel, src, p.span, p.message);
                        diag.help = p.help;
                        diags.push(diag);
                    }
                }
            }
        }
        splices.sort_by_key(|(r, _)| r.start);
        let mut text = String::with_capacity(src.len() + src.len() / 4);
        let mut at = 0;
        for (r, piece) in &splices {
            text.push_str(&src[at..r.start]);
            text.push_str(match piece {
                Splice::Fixed(fixed) => fixed,
                Splice::Expansion(i) => &expansions[*i].text,
                Splice::Owned(t) => t,
            });
            at = r.end;
        }
        text.push_str(&src[at..]);
        let mut footnotes = String::new();
        if kind == SourceKind::Markdown && !ev.cited.is_empty() {
            match ev.footnotes() {
                Ok(f) => {
                    if !text.ends_with('\n') {
                        text.push('\n');
                    }
                    text.push_str(&f);
                    text.push('\n');
                    footnotes = f;
                }
                Err(e) => diags.push(Diagnostic::file(rel, e)),
            }
        }
        FileOutput {
            rel: rel.to_string(),
            text,
            records: ev.records,
            values: ev.values,
            directives: scanned.directives.len(),
            figures: ev.figures,
            diags,
            warnings: ev.warnings,
            expansions,
            footnotes,
        }
    }

    fn target(&self, d: &Directive) -> Target {
        Target::of(d.context, self.kind)
    }

    /// Evaluates one directive; returns the span to replace and its text.
    fn directive(&mut self, d: &Directive) -> Result<(Range<usize>, String), Problem> {
        let kinds: Vec<&str> = attrs::KINDS
            .iter()
            .copied()
            .filter(|k| d.attr(k).is_some())
            .collect();
        match kinds.as_slice() {
            [] => Err(Problem {
                span: tag_start(d),
                message: "directive has no kind attribute".into(),
                help: Some(
                    "add one of value=, solve=, table=, figure= (or let= with value= or solve=)"
                        .into(),
                ),
            }),
            ["let"] => Err(problem(
                d.attr("let").expect("let").value_span.clone(),
                "`let` needs a `value=` or `solve=` to bind",
            )),
            ["value", "let"] | ["solve", "let"] => self.bind(d),
            ["solve", "table"] | ["table"] => self.table(d),
            ["value"] => self.value(d),
            ["solve"] => self.solve(d),
            // A chart sweeps a solver: `solve=` is one of its attributes.
            ["figure"] | ["solve", "figure"] => self.figure(d),
            _ => {
                let second = d.attr(kinds[1]).expect("present");
                Err(Problem {
                    span: second.name_span.clone(),
                    message: format!(
                        "a directive has exactly one kind, but this one has {}",
                        kinds.join(" and ")
                    ),
                    help: Some("split it into two directives".into()),
                })
            }
        }
    }
}

/// The kind an evaluated directive is known by: table (also a sweep), let, value, solve or figure.
fn expansion_kind(d: &Directive) -> Kind {
    [
        ("table", Kind::Table),
        ("let", Kind::Let),
        ("value", Kind::Value),
        ("figure", Kind::Figure),
        ("solve", Kind::Solve),
    ]
    .into_iter()
    .find(|(name, _)| d.attr(name).is_some())
    .map_or(Kind::Value, |(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(src: &str) -> FileOutput {
        let reg = crate::registry::load::embedded().expect("registry loads");
        let tpl = Templates::load(None).expect("templates load");
        FileEval::run(&reg, &tpl, "ch.md", src, SourceKind::Markdown)
    }

    #[test]
    fn counting_values_prints_and_reports_what_recording_them_does() {
        let reg = crate::registry::load::embedded().expect("registry loads");
        let tpl = Templates::load(None).expect("templates load");
        let src = concat!(
            "<mlsysim let=\"s\" solve=\"serving\" model=\"Llama3_8B\" hardware=\"H100\" seq_len=\"512\"/>\n",
            "TTFT <mlsysim value=\"s.ttft\" unit=\"ms\" cite=\"true\"/>, ",
            "<mlsysim solve=\"roofline\" model=\"ResNet50\" hardware=\"H100\" precision=\"int4\" show=\"latency\" unit=\"ms\"/>, ",
            "<mlsysim solve=\"roofline\" model=\"ResNet50\" hardware=\"H100\" precision=\"int4\" show=\"mfu\"/>.\n\n",
            "<mlsysim table=\"hardware\" rows=\"H100, A100\" columns=\"tdp:W, memory.bandwidth:TB/s\"/>\n\n",
            "<mlsysim table=\"sweep\" solve=\"roofline\" model=\"ResNet50\" hardware=\"H100\" vary=\"batch_size=1,8,1\" columns=\"latency:ms, bottleneck\"/>\n\n",
            "<mlsysim value=\"nope.x\"/>\n",
        );
        let run = |keep, scanned| {
            FileEval::run_scanned(
                &reg,
                &tpl,
                "ch.md",
                "ch.md",
                src,
                SourceKind::Markdown,
                keep,
                scanned,
            )
        };
        let (kept, counted) = (
            run(Records::Keep, None),
            run(Records::Count, Some(scan(src, SourceKind::Markdown))),
        );
        assert_eq!(kept.text, counted.text);
        assert_eq!(kept.diags, counted.diags);
        assert_eq!(kept.warnings, counted.warnings);
        assert_eq!(kept.expansions, counted.expansions);
        assert_eq!(kept.footnotes, counted.footnotes);
        assert_eq!(kept.values, kept.records.len());
        assert_eq!(counted.values, kept.values);
        assert!(counted.records.is_empty());
        assert_eq!(kept.diags.len(), 1, "{:?}", kept.diags);
        assert_eq!(kept.warnings.len(), 2, "{:?}", kept.warnings);
        // A repeated solve (another output, the same sweep value) is the same result.
        let cells: Vec<&str> = kept
            .records
            .iter()
            .filter(|r| {
                r.kind == Kind::Table && r.cell.as_deref().unwrap_or("").starts_with("batch_size")
            })
            .map(|r| r.printed.as_str())
            .collect();
        assert_eq!(cells.len(), 6);
        assert_eq!(cells[0..2], cells[4..6]);
    }

    #[test]
    fn each_directive_and_record_has_its_kind() {
        let o = eval(concat!(
            "<mlsysim let=\"s\" solve=\"roofline\" model=\"ResNet50\" hardware=\"H100\"/>\n",
            "A <mlsysim value=\"s.latency\" unit=\"ms\"/> is ",
            "<mlsysim solve=\"roofline\" model=\"ResNet50\" hardware=\"H100\" show=\"bottleneck\"/>.\n\n",
            "<mlsysim table=\"hardware\" rows=\"H100\" columns=\"tdp:W\"/>\n",
        ));
        assert!(o.diags.is_empty(), "{:?}", o.diags);
        let kinds: Vec<Kind> = o.expansions.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [Kind::Let, Kind::Value, Kind::Solve, Kind::Table]);
        let kinds: Vec<Kind> = o.records.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, [Kind::Value, Kind::Solve, Kind::Table]);
        assert!(o.warnings.is_empty() && o.records.iter().all(|r| r.warnings.is_empty()));
    }

    #[test]
    fn solver_warnings_are_located_once_per_directive_and_carried_by_records() {
        let o = eval(concat!(
            "At INT4: <mlsysim solve=\"roofline\" model=\"ResNet50\" hardware=\"H100\" ",
            "precision=\"int4\" show=\"latency\" unit=\"ms\"/>.\n\n",
            "<mlsysim table=\"sweep\" solve=\"roofline\" model=\"ResNet50\" hardware=\"H100\" ",
            "precision=\"int4\" vary=\"batch_size=1,8\" columns=\"latency:ms\"/>\n",
        ));
        assert!(o.diags.is_empty(), "{:?}", o.diags);
        let at: Vec<(u32, u32)> = o.warnings.iter().map(|w| (w.line, w.column)).collect();
        assert_eq!(
            at,
            [(1, 10), (3, 1)],
            "one per directive, not per sweep row"
        );
        for w in &o.warnings {
            assert!(!w.is_error());
            assert!(
                w.message.starts_with("Precision 'int4' not in NVIDIA H100"),
                "{w}"
            );
            assert_eq!(w.width, 8, "the tag is underlined");
        }
        assert_eq!(o.records.len(), 3);
        for r in &o.records {
            assert_eq!(r.warnings.len(), 1);
            assert_eq!(&*r.warnings[0], o.warnings[0].message.as_str());
        }
    }
}
