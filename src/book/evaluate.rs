//! Evaluating one source file: every directive becomes rendered text spliced into the original,
//! every printed value a manifest [`Record`] with its lineage, every problem a located diagnostic.

use super::paths;
use super::templates::Templates;
use crate::base::diag::Diagnostic;
use crate::base::text::closest;
use crate::base::text::did_you_mean;
use crate::base::units::Value;
use crate::calc::catalog::{self, SOLVERS};
use crate::calc::params::{Out, Param, Params, SolveError, SolveOutput};
use crate::present::figure::{self, convert::FigFormat, Figure, FigureError};
use crate::present::format::{display_value, format_value, FormatSpec, Target, FORMAT_ATTRS};
use crate::registry::Registry;
use crate::syntax::expr::{self, EvalError};
use crate::syntax::{scan, Context, Directive, SourceKind};
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

/// A registry value behind a printed value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RegistryRef {
    /// Registry path (`hardware.H100.memory.bandwidth`).
    pub path: Arc<str>,
    /// Source id.
    pub source: Arc<str>,
}

/// Where printed values came from: formulas, inputs, registry values and their sources. Shared
/// (one allocation) by every record of a file with the same provenance, e.g. all cells of one
/// solve.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Provenance {
    /// Formulas applied (solver lineage).
    pub formulas: Vec<Arc<str>>,
    /// Non-registry inputs (`batch_size = 1`).
    pub inputs: Vec<(Arc<str>, Arc<str>)>,
    /// Registry values used.
    pub registry: Vec<RegistryRef>,
    /// Source ids, sorted, without duplicates.
    pub sources: Vec<Arc<str>>,
}

/// How a printed value was derived: its own derivation plus its (shared) provenance, whose fields
/// it exposes directly (`lineage.sources`). Serialized as one flat object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordLineage {
    /// The expression, or `solver.output`.
    pub derivation: String,
    /// Formulas, inputs, registry values and sources.
    pub provenance: Arc<Provenance>,
}

impl std::ops::Deref for RecordLineage {
    type Target = Provenance;
    fn deref(&self) -> &Provenance {
        &self.provenance
    }
}

impl Serialize for RecordLineage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let p = &*self.provenance;
        let mut st = s.serialize_struct("RecordLineage", 5)?;
        st.serialize_field("derivation", &self.derivation)?;
        st.serialize_field("formulas", &p.formulas)?;
        st.serialize_field("inputs", &p.inputs)?;
        st.serialize_field("registry", &p.registry)?;
        st.serialize_field("sources", &p.sources)?;
        st.end()
    }
}

/// One printed value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Record {
    /// Source file, relative to the book folder.
    pub file: Arc<str>,
    /// 1-based line of the directive.
    pub line: u32,
    /// 1-based column of the directive.
    pub column: u32,
    /// `value`, `solve` or `table`.
    pub kind: &'static str,
    /// The directive as written.
    pub directive: Arc<str>,
    /// Table cell (`row/column`), for table records.
    pub cell: Option<String>,
    /// The printed text.
    pub printed: String,
    /// The value in base units (none for labels).
    pub value: Option<f64>,
    /// The base unit of `value` (`byte·s^-1`), or `label`.
    pub unit: Arc<str>,
    /// The display unit.
    pub display_unit: Arc<str>,
    /// Where it came from.
    pub lineage: RecordLineage,
}

/// One evaluated directive and the text that replaced it (what toolchains that expand directives
/// themselves, such as the Quarto filter, look up).
#[derive(Clone, Debug, PartialEq)]
pub struct Expansion {
    /// 1-based line of the directive.
    pub line: u32,
    /// 1-based column of the directive.
    pub column: u32,
    /// Text or math.
    pub context: Context,
    /// `value`, `solve`, `let` or `table`.
    pub kind: &'static str,
    /// The directive as written.
    pub directive: Arc<str>,
    /// What replaced it (empty for `let`; a table keeps the blank lines spliced around it).
    pub text: String,
}

/// A figure drawn for a `figure=` directive, to be written to `figures/<id>.<ext>`.
#[derive(Clone, Debug)]
pub struct FigureOut {
    /// The drawn figure.
    pub figure: Figure,
    /// SVG for Markdown sources, PDF for LaTeX ones.
    pub format: FigFormat,
    /// Where its `id` is written (message empty), for a duplicate-id error.
    pub at: Diagnostic,
}

/// The result of evaluating one file.
#[derive(Clone, Debug, Default)]
pub struct FileOutput {
    /// Path relative to the book folder.
    pub rel: String,
    /// The file with every directive replaced.
    pub text: String,
    /// Printed values.
    pub records: Vec<Record>,
    /// Directives evaluated.
    pub directives: usize,
    /// Figures drawn, in source order.
    pub figures: Vec<FigureOut>,
    /// Problems.
    pub diags: Vec<Diagnostic>,
    /// Every directive that evaluated, in source order.
    pub expansions: Vec<Expansion>,
    /// The footnote definitions appended to `text` (empty when nothing is cited).
    pub footnotes: String,
}

/// Everything a `let` can bind.
#[derive(Clone, Debug)]
enum Binding {
    Value { value: Value, lineage: Lineage },
    Solve(Box<SolveOutput>),
}

/// Lineage gathered while evaluating one expression.
#[derive(Clone, Debug, Default, PartialEq)]
struct Lineage {
    formulas: Vec<&'static str>,
    inputs: Vec<(String, String)>,
    leaves: Vec<u32>,
}

impl Lineage {
    fn add_leaves(&mut self, ids: &[u32]) {
        for id in ids {
            if !self.leaves.contains(id) {
                self.leaves.push(*id);
            }
        }
    }
    fn absorb_parts(
        &mut self,
        leaves: &[u32],
        formulas: &[&'static str],
        inputs: &[(String, String)],
    ) {
        self.add_leaves(leaves);
        for f in formulas {
            if !self.formulas.contains(f) {
                self.formulas.push(f);
            }
        }
        for i in inputs {
            if !self.inputs.contains(i) {
                self.inputs.push(i.clone());
            }
        }
    }
    fn absorb(&mut self, o: &Lineage) {
        self.absorb_parts(&o.leaves, &o.formulas, &o.inputs);
    }
}

/// What replaces a span of the source.
enum Splice {
    /// An escape's fixed text.
    Fixed(&'static str),
    /// The text of the expansion with this index.
    Expansion(usize),
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

const KINDS: [&str; 5] = ["value", "solve", "table", "figure", "let"];
const EXTRA_FORMAT: [&str; 2] = ["expect", "cite"];

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
    records: Vec<Record>,
    figures: Vec<FigureOut>,
    /// Shared strings for records (paths, sources, formulas, inputs): one allocation each per file.
    interned: FxHashMap<String, Arc<str>>,
    /// Registry references by leaf id, built once per file.
    refs: FxHashMap<u32, RegistryRef>,
    /// Provenances built so far, by hash of their lineage (records with equal lineage share one).
    provenances: FxHashMap<u64, Vec<(Lineage, Arc<Provenance>)>>,
    /// Registry paths resolved so far.
    resolved: RefCell<FxHashMap<Box<str>, paths::Resolved>>,
    /// Footnote markers already rendered, by source id (Markdown).
    markers_done: FxHashMap<Arc<str>, String>,
    /// Base-unit names by dimension.
    dims: FxHashMap<crate::base::units::Dim, Arc<str>>,
    /// The text of the directive being recorded, shared by its records.
    current: Option<(usize, Arc<str>)>,
    /// The file name, shared by every record.
    file_arc: Arc<str>,
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
        let _lines = crate::base::lines::scope(src); // one line index for all its diagnostics
        let scanned = scan(src, kind);
        let mut ev = FileEval {
            reg,
            templates,
            book_rel,
            src,
            kind,
            lets: BTreeMap::new(),
            declared: BTreeMap::new(),
            cited: Vec::new(),
            records: Vec::new(),
            figures: Vec::new(),
            interned: FxHashMap::default(),
            refs: FxHashMap::default(),
            provenances: FxHashMap::default(),
            dims: FxHashMap::default(),
            markers_done: FxHashMap::default(),
            resolved: RefCell::default(),
            current: None,
            file_arc: Arc::from(rel),
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
                    splices.push((span, Splice::Expansion(expansions.len())));
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
                    let mut diag = Diagnostic::at(rel, src, p.span, p.message);
                    diag.help = p.help;
                    diags.push(diag);
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
            directives: scanned.directives.len(),
            figures: ev.figures,
            diags,
            expansions,
            footnotes,
        }
    }

    fn target(&self, d: &Directive) -> Target {
        Target::of(d.context, self.kind)
    }

    fn label(id: &str) -> String {
        format!("mlsysim-{id}")
    }

    /// Evaluates one directive; returns the span to replace and its text.
    fn directive(&mut self, d: &Directive) -> Result<(Range<usize>, String), Problem> {
        let kinds: Vec<&str> = KINDS
            .iter()
            .copied()
            .filter(|k| d.attr(k).is_some())
            .collect();
        let tag_start = d.span.start..(d.span.start + 8).min(d.span.end);
        match kinds.as_slice() {
            [] => Err(Problem {
                span: tag_start,
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
            ["figure"] => self.figure(d),
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

    /// Rejects attributes outside `allowed` (plus formatting ones when `format` is set).
    fn check_attrs(&self, d: &Directive, allowed: &[&str], format: bool) -> Result<(), Problem> {
        for a in &d.attrs {
            let ok = allowed.contains(&a.name.as_str())
                || (format
                    && (FORMAT_ATTRS.contains(&a.name.as_str())
                        || EXTRA_FORMAT.contains(&a.name.as_str())));
            if !ok {
                let mut names: Vec<&str> = allowed.to_vec();
                if format {
                    names.extend(FORMAT_ATTRS);
                    names.extend(EXTRA_FORMAT);
                }
                let close = closest(&a.name, names.iter().copied());
                return Err(Problem {
                    span: a.name_span.clone(),
                    message: format!("unknown attribute `{}`", a.name),
                    help: Some(if close.is_empty() {
                        format!("attributes here: {}", names.join(", "))
                    } else {
                        format!(
                            "did you mean `{}`? attributes here: {}",
                            close[0],
                            names.join(", ")
                        )
                    }),
                });
            }
        }
        Ok(())
    }

    fn spec(&self, d: &Directive) -> Result<FormatSpec, Problem> {
        let mut spec = FormatSpec::default();
        for a in &d.attrs {
            spec.apply(&a.name, &a.value)
                .map_err(|e| problem(a.value_span.clone(), e.to_string()))?;
        }
        if let (Some(_), Some(s)) = (spec.digits, d.attr("sig")) {
            return Err(problem(
                s.name_span.clone(),
                "`digits` and `sig` cannot both be given; keep one",
            ));
        }
        Ok(spec)
    }

    /// Resolves names in an expression: `let` bindings (and their members), then registry paths.
    fn resolve(
        &self,
        path: &str,
        span: Range<usize>,
        lineage: &RefCell<Lineage>,
    ) -> Result<Value, EvalError> {
        let (head, rest) = path
            .split_once('.')
            .map_or((path, None), |(h, r)| (h, Some(r)));
        if let Some((binding, _)) = self.lets.get(head) {
            return match (binding, rest) {
                (Binding::Value { value, lineage: l }, None) => {
                    lineage.borrow_mut().absorb(l);
                    Ok(*value)
                }
                (Binding::Value { .. }, Some(_)) => Err(EvalError::new(
                    span,
                    format!(
                        "`{head}` is a value; it has no member `{}`",
                        rest.unwrap_or("")
                    ),
                )),
                (Binding::Solve(out), Some(member)) => match out.get(member) {
                    Some(Out::Value(v)) => {
                        let l = &out.lineage;
                        lineage
                            .borrow_mut()
                            .absorb_parts(&l.leaves, &l.formulas, &l.inputs);
                        Ok(*v)
                    }
                    Some(Out::Missing) => Err(EvalError::new(
                        span,
                        format!("`{path}` is not applicable for this input"),
                    )),
                    Some(_) => Err(EvalError::new(
                        span,
                        format!("`{path}` is text, not a number"),
                    )),
                    None => Err(EvalError::new(
                        span,
                        format!(
                            "`{head}` has no output `{member}`{}",
                            did_you_mean(&closest(member, out.names().into_iter()))
                        ),
                    )),
                },
                (Binding::Solve(out), None) => Err(EvalError::new(
                    span,
                    format!(
                        "`{head}` is a whole {} result: name an output, e.g. `{head}.{}`",
                        out.lineage.solver,
                        out.names().first().unwrap_or(&"")
                    ),
                )),
            };
        }
        if let Some(line) = self.declared.get(head) {
            return Err(EvalError::new(
                span,
                format!("`{head}` is used before it is bound (its `let` is on line {line})"),
            ));
        }
        if paths::is_namespace(head) {
            return self
                .resolve_path(path, |r| {
                    lineage.borrow_mut().add_leaves(&r.leaves);
                    r.value
                })
                .map_err(|m| EvalError::new(span, m));
        }
        let mut names: Vec<&str> = self.lets.keys().map(String::as_str).collect();
        names.extend(crate::registry::schema::NAMESPACES.iter().map(|n| n.name));
        Err(EvalError::new(
            span,
            format!(
                "unknown name `{head}`: neither a `let` of this file nor a registry namespace{}",
                did_you_mean(&closest(head, names.into_iter()))
            ),
        ))
    }

    /// Resolves a registry path (each distinct path once per file) and reads the result.
    fn resolve_path<T>(
        &self,
        path: &str,
        read: impl FnOnce(&paths::Resolved) -> T,
    ) -> Result<T, String> {
        if let Some(r) = self.resolved.borrow().get(path) {
            return Ok(read(r));
        }
        let r = paths::resolve(self.reg, path)?;
        let out = read(&r);
        self.resolved.borrow_mut().insert(path.into(), r);
        Ok(out)
    }

    fn eval_expr(&self, attr: &crate::syntax::Attr) -> Result<(Value, Lineage), Problem> {
        let at = |r: Range<usize>| {
            (attr.value_span.start + r.start)..(attr.value_span.start + r.end.max(r.start + 1))
        };
        let e = expr::parse(&attr.value).map_err(|e| problem(at(e.span), e.message))?;
        let lineage = RefCell::new(Lineage::default());
        let v = e
            .eval(&|p: &str, s: Range<usize>| self.resolve(p, s, &lineage))
            .map_err(|e| problem(at(e.span), e.message))?;
        Ok((v, lineage.into_inner()))
    }

    /// Runs the solver of a `solve=` directive with the directive's other attributes as inputs.
    fn run_solver(&self, d: &Directive, reserved: &[&str]) -> Result<SolveOutput, Problem> {
        let solve = d.attr("solve").expect("solve attribute");
        let mut params = Params::new();
        for a in &d.attrs {
            let n = a.name.as_str();
            if reserved.contains(&n)
                || FORMAT_ATTRS.contains(&n)
                || EXTRA_FORMAT.contains(&n)
                || KINDS.contains(&n)
            {
                continue;
            }
            params.insert(n.replace('-', "_"), Param::Text(a.value.clone()));
        }
        self.call_solver(d, &solve.value, &params)
    }

    fn call_solver(
        &self,
        d: &Directive,
        solver: &str,
        params: &Params,
    ) -> Result<SolveOutput, Problem> {
        let solve = d.attr("solve").expect("solve attribute");
        catalog::run(self.reg, solver, params).map_err(|e| {
            let by_name = |name: &str| d.attrs.iter().find(|a| a.name.replace('-', "_") == name);
            match &e {
                SolveError::UnknownSolver { .. } => Problem {
                    span: solve.value_span.clone(),
                    message: format!("unknown solver `{solver}`"),
                    help: Some(format!(
                        "solvers: {}{}",
                        SOLVERS.join(", "),
                        did_you_mean(&closest(solver, SOLVERS.into_iter()))
                    )),
                },
                SolveError::UnknownParam { name, valid, .. } => Problem {
                    span: by_name(name).map_or(solve.value_span.clone(), |a| a.name_span.clone()),
                    message: format!("solver `{solver}` has no input `{name}`"),
                    help: Some(format!("inputs: {}", valid.join(", "))),
                },
                SolveError::UnknownKey { key, .. } => {
                    let at = d
                        .attrs
                        .iter()
                        .find(|a| &a.value == key)
                        .map_or(solve.value_span.clone(), |a| a.value_span.clone());
                    problem(at, e.to_string())
                }
                SolveError::Invalid { what, .. } => problem(
                    by_name(what).map_or(solve.value_span.clone(), |a| a.value_span.clone()),
                    e.to_string(),
                ),
            }
        })
    }

    fn show<'o>(
        &self,
        d: &Directive,
        out: &'o SolveOutput,
    ) -> Result<(&'static str, &'o Out), Problem> {
        let Some(show) = d.attr("show") else {
            return Err(Problem {
                span: d.attr("solve").expect("solve").name_span.clone(),
                message: "a `solve` directive needs `show=` naming the output to print".into(),
                help: Some(format!("outputs: {}", out.names().join(", "))),
            });
        };
        out.outputs
            .iter()
            .find(|(n, _)| *n == show.value)
            .map(|(n, o)| (*n, o))
            .ok_or_else(|| Problem {
                span: show.value_span.clone(),
                message: format!(
                    "solver `{}` has no output `{}`{}",
                    out.lineage.solver,
                    show.value,
                    did_you_mean(&closest(&show.value, out.names().into_iter()))
                ),
                help: Some(format!("outputs: {}", out.names().join(", "))),
            })
    }

    /// Formats a value with the directive's attributes, checks `expect`, adds citation markers.
    fn print_value(
        &mut self,
        d: &Directive,
        v: Value,
        lineage: RecordLineage,
        kind: &'static str,
    ) -> Result<String, Problem> {
        let spec = self.spec(d)?;
        let target = self.target(d);
        let text = format_value(v, &spec, target).map_err(|e| {
            let at = d
                .attr("unit")
                .map_or(d.span.start..d.span.start + 8, |a| a.value_span.clone());
            problem(at, e.to_string())
        })?;
        if let Some(expect) = d.attr("expect") {
            let shown = display_value(v, &spec)
                .map_err(|e| problem(expect.value_span.clone(), e.to_string()))?;
            let (lo, hi) = parse_range(&expect.value).ok_or_else(|| Problem {
                span: expect.value_span.clone(),
                message: format!("`expect=\"{}\"` is not a range", expect.value),
                help: Some(
                    "write expect=\"lo..hi\" in the display unit, e.g. expect=\"290..300\"".into(),
                ),
            })?;
            if !(lo..=hi).contains(&shown) {
                return Err(problem(
                    expect.value_span.clone(),
                    format!(
                        "value {text} is outside the expected range {}..{} (expect=\"{}\")",
                        expect.value.split("..").next().unwrap_or("").trim(),
                        expect.value.split("..").nth(1).unwrap_or("").trim(),
                        expect.value
                    ),
                ));
            }
        }
        let markers = if self.cite(d)? {
            self.markers(&lineage.sources, d)?
        } else {
            String::new()
        };
        let printed = self
            .templates
            .number(&text, &markers, v.si, spec.unit.as_deref())
            .map_err(|e| problem(d.span.clone(), e))?;
        self.record(
            d,
            kind,
            None,
            printed.clone(),
            Some(v),
            spec.unit.as_deref().unwrap_or(""),
            lineage,
        );
        Ok(printed)
    }

    fn cite(&self, d: &Directive) -> Result<bool, Problem> {
        match d.attr("cite") {
            None => Ok(false),
            Some(a) => match a.value.as_str() {
                "true" => {
                    if d.context == Context::Math {
                        Err(problem(a.name_span.clone(), "`cite` is not possible inside math: cite the value in the surrounding text"))
                    } else {
                        Ok(true)
                    }
                }
                "false" => Ok(false),
                _ => Err(problem(
                    a.value_span.clone(),
                    format!(
                        "`cite=\"{}\"` is not valid: expected true or false",
                        a.value
                    ),
                )),
            },
        }
    }

    /// Footnote markers (Markdown) or inline footnotes (LaTeX) for `sources` (sorted ids).
    fn markers(&mut self, sources: &[Arc<str>], d: &Directive) -> Result<String, Problem> {
        let mut out = String::new();
        for id in sources {
            if let Some(m) = self.markers_done.get(id) {
                out.push_str(m);
                continue;
            }
            let Some(s) = self.reg.sources.get(&**id) else {
                continue;
            };
            let text = if self.kind == SourceKind::Latex {
                self.templates.render(
                    "footnote.tex.j2",
                    serde_json::json!({ "title": latex_escape(&s.title), "kind": s.kind.name(), "url": s.url.as_deref().map(crate::base::escape::latex_url), "verified": s.verified }),
                )
            } else {
                if !self.cited.iter().any(|c| c == &**id) {
                    self.cited.push(id.to_string());
                }
                self.templates.marker(&Self::label(id))
            };
            let text = text.map_err(|e| problem(d.span.clone(), e))?;
            out.push_str(&text);
            if self.kind == SourceKind::Markdown {
                // The marker of a source is the same wherever it is cited in the file.
                self.markers_done.insert(id.clone(), text);
            }
        }
        Ok(out)
    }

    fn footnotes(&self) -> Result<String, String> {
        let sources: Vec<serde_json::Value> = self
            .cited
            .iter()
            .filter_map(|id| self.reg.sources.get(id))
            .map(|s| serde_json::json!({ "label": Self::label(&s.id), "id": s.id, "title": crate::base::escape::md_text(&s.title), "kind": s.kind.name(), "url": s.url.as_deref().map(crate::base::escape::md_url), "verified": s.verified }))
            .collect();
        self.templates
            .render("footnotes.md.j2", serde_json::json!({ "sources": sources }))
    }

    fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.interned.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        self.interned.insert(s.to_string(), a.clone());
        a
    }

    fn registry_ref(&mut self, id: u32) -> RegistryRef {
        if let Some(r) = self.refs.get(&id) {
            return r.clone();
        }
        let leaf = self.reg.leaf(id);
        let (path, source) = (leaf.path(), leaf.source.clone());
        let r = RegistryRef {
            path: self.intern(&path),
            source: self.intern(&source),
        };
        self.refs.insert(id, r.clone());
        r
    }

    /// The provenance of a lineage: shared with every earlier record of the file with the same
    /// registry values, formulas and inputs.
    fn provenance(
        &mut self,
        leaves: &[u32],
        formulas: &[&'static str],
        inputs: &[(String, String)],
    ) -> Arc<Provenance> {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        leaves.hash(&mut h);
        formulas.hash(&mut h);
        inputs.hash(&mut h);
        let key = h.finish();
        if let Some(known) = self.provenances.get(&key) {
            if let Some((_, p)) = known
                .iter()
                .find(|(l, _)| l.leaves == leaves && l.formulas == formulas && l.inputs == inputs)
            {
                return p.clone();
            }
        }
        // Leaves are unique ids, so their registry references are unique too.
        let registry: Vec<RegistryRef> = leaves.iter().map(|id| self.registry_ref(*id)).collect();
        let mut sources: Vec<Arc<str>> = registry.iter().map(|r| r.source.clone()).collect();
        sources.sort();
        sources.dedup();
        let shared = Arc::new(Provenance {
            formulas: formulas.iter().map(|f| self.intern(f)).collect(),
            inputs: inputs
                .iter()
                .map(|(n, v)| (self.intern(n), self.intern(v)))
                .collect(),
            registry,
            sources,
        });
        let lineage = Lineage {
            formulas: formulas.to_vec(),
            inputs: inputs.to_vec(),
            leaves: leaves.to_vec(),
        };
        self.provenances
            .entry(key)
            .or_default()
            .push((lineage, shared.clone()));
        shared
    }

    /// The provenance of an expression's lineage.
    fn lineage_provenance(&mut self, l: &Lineage) -> Arc<Provenance> {
        self.provenance(&l.leaves, &l.formulas, &l.inputs)
    }

    /// The provenance of a solver result.
    fn solve_provenance(&mut self, out: &SolveOutput) -> Arc<Provenance> {
        let l = &out.lineage;
        self.provenance(&l.leaves, &l.formulas, &l.inputs)
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        d: &Directive,
        kind: &'static str,
        cell: Option<String>,
        printed: String,
        v: Option<Value>,
        unit: &str,
        lineage: RecordLineage,
    ) {
        let directive = match &self.current {
            Some((start, text)) if *start == d.span.start => text.clone(),
            _ => {
                let text: Arc<str> = Arc::from(&self.src[d.span.clone()]);
                self.current = Some((d.span.start, text.clone()));
                text
            }
        };
        let base_unit = match v {
            Some(v) => self
                .dims
                .entry(v.dim)
                .or_insert_with(|| Arc::from(v.dim.to_string()))
                .clone(),
            None => self.intern("label"),
        };
        let display_unit = self.intern(unit);
        self.records.push(Record {
            file: self.file_arc.clone(),
            line: d.line,
            column: d.column,
            kind,
            directive,
            cell,
            printed,
            value: v.map(|v| v.si),
            unit: base_unit,
            display_unit,
            lineage,
        });
    }

    /// A `figure=` directive: draws the figure and prints its reference (a Markdown image, or a
    /// LaTeX figure including the PDF).
    fn figure(&mut self, d: &Directive) -> Result<(Range<usize>, String), Problem> {
        let at = |e: &FigureError| {
            e.attr
                .as_deref()
                .and_then(|a| d.attr(a))
                .map_or(d.span.start..(d.span.start + 8).min(d.span.end), |a| {
                    a.value_span.clone()
                })
        };
        if d.context == Context::Math {
            return Err(problem(
                d.attr("figure").expect("figure").value_span.clone(),
                "a figure cannot be placed inside math",
            ));
        }
        let req =
            figure::parse_request(&d.attr_pairs()).map_err(|e| problem(at(&e), e.to_string()))?;
        let fig = figure::render_svg(self.reg, &req).map_err(|e| problem(at(&e), e.to_string()))?;
        let (format, template, ctx) = match self.kind {
            SourceKind::Markdown => (
                FigFormat::Svg,
                "figure.md.j2",
                serde_json::json!({
                    "id": req.id,
                    "href": figure::figure_href(self.book_rel, &req.id, "svg"),
                    "caption": figure::markdown_text_escape(&req.caption),
                    "alt": figure::markdown_attr_escape(&req.alt),
                }),
            ),
            SourceKind::Latex => (
                FigFormat::Pdf,
                "figure.tex.j2",
                serde_json::json!({
                    "id": req.id,
                    "href": figure::figure_href(self.book_rel, &req.id, "pdf"),
                    "caption": latex_escape(&req.caption),
                    "alt": latex_escape(&req.alt),
                }),
            ),
        };
        let text = self
            .templates
            .render(template, ctx)
            .map_err(|e| problem(d.span.clone(), e))?;
        for v in &fig.values {
            let l = &v.lineage;
            let lineage = RecordLineage {
                derivation: format!("figure {}: {}", req.id, v.name),
                provenance: self.provenance(&l.leaves, &l.formulas, &l.inputs),
            };
            self.record(
                d,
                "figure",
                Some(v.name.clone()),
                v.printed.clone(),
                v.value,
                &v.display_unit,
                lineage,
            );
        }
        let id_span = d
            .attr("id")
            .map_or(d.span.clone(), |a| a.value_span.clone());
        self.figures.push(FigureOut {
            figure: fig,
            format,
            at: Diagnostic::at(&self.file_arc, self.src, id_span, ""),
        });
        Ok((d.span.clone(), text))
    }

    fn value(&mut self, d: &Directive) -> Result<(Range<usize>, String), Problem> {
        self.check_attrs(d, &["value"], true)?;
        let attr = d.attr("value").expect("value");
        let (v, lineage) = self.eval_expr(attr)?;
        let lineage = RecordLineage {
            derivation: attr.value.clone(),
            provenance: self.lineage_provenance(&lineage),
        };
        let text = self.print_value(d, v, lineage, "value")?;
        Ok((d.span.clone(), text))
    }

    fn solve(&mut self, d: &Directive) -> Result<(Range<usize>, String), Problem> {
        let out = self.run_solver(d, &["show"])?;
        let (name, o) = self.show(d, &out)?;
        let lineage = RecordLineage {
            derivation: format!("{}.{name}", out.lineage.solver),
            provenance: self.solve_provenance(&out),
        };
        let text = match o {
            Out::Value(v) => self.print_value(d, *v, lineage, "solve")?,
            other => {
                let t = out_text(other);
                self.record(d, "solve", None, t.clone(), None, "", lineage);
                t
            }
        };
        Ok((d.span.clone(), text))
    }

    fn bind(&mut self, d: &Directive) -> Result<(Range<usize>, String), Problem> {
        let name_attr = d.attr("let").expect("let");
        let name = name_attr.value.trim().to_string();
        let valid = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(problem(
                name_attr.value_span.clone(),
                format!("`{name}` is not a valid name: use letters, digits and `_`"),
            ));
        }
        if paths::is_namespace(&name) {
            return Err(problem(
                name_attr.value_span.clone(),
                format!("`{name}` is a registry namespace; choose another name"),
            ));
        }
        if let Some((_, line)) = self.lets.get(&name) {
            return Err(problem(
                name_attr.value_span.clone(),
                format!("`{name}` is already bound on line {line}; a name is bound once per file"),
            ));
        }
        let binding = if d.attr("value").is_some() {
            self.check_attrs(d, &["let", "value"], false)?;
            let (value, lineage) = self.eval_expr(d.attr("value").expect("value"))?;
            Binding::Value { value, lineage }
        } else {
            let out = self.run_solver(d, &["let"])?;
            Binding::Solve(Box::new(out))
        };
        self.lets.insert(name, (binding, d.line));
        Ok((self.whole_line_or_span(d), String::new()))
    }

    /// A directive alone on its line is removed with its line; otherwise just the tag.
    fn whole_line_or_span(&self, d: &Directive) -> Range<usize> {
        if !d.alone_on_line {
            return d.span.clone();
        }
        let start = self.src[..d.span.start].rfind('\n').map_or(0, |i| i + 1);
        let end = self.src[d.span.end..]
            .find('\n')
            .map_or(self.src.len(), |i| d.span.end + i + 1);
        start..end
    }

    fn table(&mut self, d: &Directive) -> Result<(Range<usize>, String), Problem> {
        let t = d.attr("table").expect("table");
        if !d.alone_on_line || d.context == Context::Math {
            return Err(Problem {
                span: t.name_span.clone(),
                message: "a table directive must stand alone on its own line".into(),
                help: Some(
                    "put the directive on a line of its own, with blank lines around it".into(),
                ),
            });
        }
        let (headers, align, rows) = if t.value == "sweep" {
            self.sweep_table(d)?
        } else {
            self.registry_table(d)?
        };
        let mut text = if self.kind == SourceKind::Latex {
            self.templates.tex_table(&headers, &align, &rows)
        } else {
            self.templates.md_table(&headers, &align, &rows)
        }
        .map_err(|e| problem(d.span.clone(), e))?;
        while text.ends_with('\n') {
            text.pop();
        }
        let line_start = self.src[..d.span.start].rfind('\n').map_or(0, |i| i + 1);
        let before = &self.src[..line_start];
        if self.kind == SourceKind::Markdown && !before.is_empty() && !before.ends_with("\n\n") {
            text.insert(0, '\n');
        }
        let after = &self.src[d.span.end..];
        let next = after.split_once('\n').map_or("", |(_, rest)| rest);
        if self.kind == SourceKind::Markdown && !next.is_empty() && !next.starts_with('\n') {
            text.push('\n');
        }
        Ok((d.span.clone(), text))
    }

    fn columns(&self, d: &Directive) -> Result<Vec<Column>, Problem> {
        let Some(c) = d.attr("columns") else {
            return Err(problem(
                d.attr("table").expect("table").name_span.clone(),
                "a table needs `columns=`",
            ));
        };
        let mut cols = Vec::new();
        let mut offset = 0;
        for part in c.value.split(',') {
            let lead = part.len() - part.trim_start().len();
            let span = (c.value_span.start + offset + lead)
                ..(c.value_span.start + offset + part.trim_end().len())
                    .max(c.value_span.start + offset + lead + 1);
            offset += part.len() + 1;
            let part = part.trim();
            if part.is_empty() {
                return Err(problem(span, "empty column in `columns=`"));
            }
            let (spec, label) = part.split_once('|').map_or((part, None), |(s, l)| {
                (s.trim(), Some(l.trim().to_string()))
            });
            let (field, unit) = spec.split_once(':').map_or((spec, None), |(f, u)| {
                (f.trim(), Some(u.trim().to_string()))
            });
            cols.push(Column {
                field: field.to_string(),
                unit,
                label,
                span,
            });
        }
        Ok(cols)
    }

    /// The format of a table column: the directive's attributes with the column's unit, which is
    /// shown in the header unless the column has a custom label.
    fn column_spec(&self, d: &Directive, col: &Column) -> Result<FormatSpec, Problem> {
        let mut spec = self.spec(d)?;
        spec.unit = col.unit.clone();
        if col.label.is_none() && col.unit.is_some() {
            spec.show_unit = false;
        }
        Ok(spec)
    }

    #[allow(clippy::too_many_arguments)]
    fn cell(
        &mut self,
        d: &Directive,
        col: &Column,
        spec: &FormatSpec,
        v: Value,
        lineage: RecordLineage,
        cell: String,
        cite: bool,
    ) -> Result<String, Problem> {
        let text = format_value(v, spec, self.target(d))
            .map_err(|e| problem(col.span.clone(), format!("column `{}`: {e}", col.field)))?;
        let mut printed = text.clone();
        if cite {
            printed.push_str(&self.markers(&lineage.sources, d)?);
        }
        self.record(
            d,
            "table",
            Some(cell),
            text,
            Some(v),
            col.unit.as_deref().unwrap_or(""),
            lineage,
        );
        Ok(printed)
    }

    fn registry_table(&mut self, d: &Directive) -> Result<TableParts, Problem> {
        self.check_attrs(d, &["table", "rows", "columns"], true)?;
        let t = d.attr("table").expect("table");
        let ns = t.value.as_str();
        let Some(entries) = self.reg.entries.get(ns) else {
            let mut names: Vec<&str> = crate::registry::schema::NAMESPACES
                .iter()
                .map(|n| n.name)
                .collect();
            names.push("sweep");
            return Err(Problem {
                span: t.value_span.clone(),
                message: format!(
                    "unknown table kind `{ns}`{}",
                    did_you_mean(&closest(ns, names.iter().copied()))
                ),
                help: Some(format!(
                    "tables: {} (registry) or sweep (a solver over varied inputs)",
                    names.join(", ")
                )),
            });
        };
        let Some(rows_attr) = d.attr("rows") else {
            return Err(problem(
                t.name_span.clone(),
                "a registry table needs `rows=` (entry keys, comma-separated)",
            ));
        };
        let cols = self.columns(d)?;
        let specs = cols
            .iter()
            .map(|c| self.column_spec(d, c))
            .collect::<Result<Vec<_>, _>>()?;
        let cite_all = !matches!(d.get("cite"), Some("false"));
        let mut headers = vec![first_header(ns).to_string()];
        headers.extend(cols.iter().map(|c| c.header()));
        let mut align = vec!["left".to_string()];
        align.extend(cols.iter().map(|_| "right".to_string()));
        let mut rows = Vec::new();
        let mut offset = 0;
        for key in rows_attr.value.split(',') {
            let lead = key.len() - key.trim_start().len();
            let span = (rows_attr.value_span.start + offset + lead)
                ..(rows_attr.value_span.start + offset + key.trim_end().len());
            offset += key.len() + 1;
            let key = key.trim();
            if !entries.contains_key(key) {
                return Err(problem(
                    span,
                    format!(
                        "unknown {ns} key `{key}`{}",
                        did_you_mean(&closest(key, entries.keys().map(String::as_str)))
                    ),
                ));
            }
            let name = match crate::registry::query::field_value(self.reg, ns, key, "name") {
                Some(crate::registry::query::FieldValue::Text(n)) => n,
                _ => key.to_string(),
            };
            let mut row = vec![name];
            for (col, spec) in cols.iter().zip(&specs) {
                let path = format!("{ns}.{key}.{}", col.field);
                let (value, leaves) = self
                    .resolve_path(&path, |r| (r.value, r.leaves.clone()))
                    .map_err(|m| problem(col.span.clone(), m))?;
                let lineage = RecordLineage {
                    provenance: self.provenance(&leaves, &[], &[]),
                    derivation: path,
                };
                row.push(self.cell(
                    d,
                    col,
                    spec,
                    value,
                    lineage,
                    format!("{key}/{}", col.field),
                    cite_all && self.kind == SourceKind::Markdown,
                )?);
            }
            rows.push(row);
        }
        Ok((headers, align, rows))
    }

    fn sweep_table(&mut self, d: &Directive) -> Result<TableParts, Problem> {
        let t = d.attr("table").expect("table");
        let Some(solve) = d.attr("solve") else {
            return Err(problem(
                t.value_span.clone(),
                "a sweep table needs `solve=` and `vary=`",
            ));
        };
        let Some(vary) = d.attr("vary") else {
            return Err(problem(
                t.value_span.clone(),
                "a sweep table needs `vary=\"input=v1,v2,...\"`",
            ));
        };
        let Some((input, values)) = vary.value.split_once('=') else {
            return Err(problem(
                vary.value_span.clone(),
                "write vary=\"input=v1,v2,...\"",
            ));
        };
        let input = input.trim().replace('-', "_");
        let cols = self.columns(d)?;
        let specs = cols
            .iter()
            .map(|c| self.column_spec(d, c))
            .collect::<Result<Vec<_>, _>>()?;
        let mut base = Params::new();
        for a in &d.attrs {
            let n = a.name.as_str();
            if ["table", "solve", "vary", "columns", "cite"].contains(&n)
                || KINDS.contains(&n)
                || FORMAT_ATTRS.contains(&n)
                || n == "expect"
            {
                continue;
            }
            base.insert(n.replace('-', "_"), Param::Text(a.value.clone()));
        }
        let mut headers = vec![humanize(&input)];
        headers.extend(cols.iter().map(|c| c.header()));
        let mut align = vec!["right".to_string(); cols.len() + 1];
        let mut rows = Vec::new();
        for v in values.split(',').map(str::trim) {
            let mut params = base.clone();
            params.insert(input.clone(), Param::Text(v.to_string()));
            let out = self
                .call_solver(d, &solve.value, &params)
                .map_err(|mut p| {
                    if p.span == solve.value_span {
                        p.span = vary.value_span.clone();
                        p.message = format!("{input}={v}: {}", p.message);
                    }
                    p
                })?;
            let mut row = vec![v.to_string()];
            let provenance = self.solve_provenance(&out);
            for (col, spec) in cols.iter().zip(&specs) {
                let lineage = RecordLineage {
                    derivation: format!("{}.{} at {input}={v}", solve.value, col.field),
                    provenance: provenance.clone(),
                };
                let o = out.get(&col.field).ok_or_else(|| Problem {
                    span: col.span.clone(),
                    message: format!(
                        "solver `{}` has no output `{}`{}",
                        solve.value,
                        col.field,
                        did_you_mean(&closest(&col.field, out.names().into_iter()))
                    ),
                    help: Some(format!("outputs: {}", out.names().join(", "))),
                })?;
                let text = match o {
                    Out::Value(val) => self.cell(
                        d,
                        col,
                        spec,
                        *val,
                        lineage,
                        format!("{input}={v}/{}", col.field),
                        false,
                    )?,
                    other => {
                        align[row.len()] = "left".to_string();
                        let t = out_text(other);
                        self.record(
                            d,
                            "table",
                            Some(format!("{input}={v}/{}", col.field)),
                            t.clone(),
                            None,
                            "",
                            lineage,
                        );
                        t
                    }
                };
                row.push(text);
            }
            rows.push(row);
        }
        Ok((headers, align, rows))
    }
}

/// The kind an evaluated directive is known by: `table` (also a sweep), `let`, `value` or `solve`.
fn expansion_kind(d: &Directive) -> &'static str {
    ["table", "let", "value", "solve", "figure"]
        .into_iter()
        .find(|k| d.attr(k).is_some())
        .unwrap_or("value")
}

/// Headers, alignments and rows of a table.
type TableParts = (Vec<String>, Vec<String>, Vec<Vec<String>>);

/// One column of `columns="field:unit|label"`.
struct Column {
    field: String,
    unit: Option<String>,
    label: Option<String>,
    span: Range<usize>,
}

impl Column {
    fn header(&self) -> String {
        if let Some(l) = &self.label {
            return l.clone();
        }
        let last = self.field.rsplit('.').next().unwrap_or(&self.field);
        let name = humanize(last);
        match &self.unit {
            Some(u) => format!("{name} ({u})"),
            None => name,
        }
    }
}

fn first_header(ns: &str) -> &'static str {
    match ns {
        "hardware" => "Accelerator",
        "models" => "Model",
        "grids" => "Grid",
        "datacenters" => "Datacenter",
        "nodes" => "Node",
        "fabrics" => "Fabric",
        "fleets" => "Fleet",
        "scenarios" => "Scenario",
        "cooling" => "Cooling",
        _ => "Name",
    }
}

/// `peak_flops` → `Peak flops`; acronyms stay upper-case (`tdp` → `TDP`).
fn humanize(s: &str) -> String {
    let words: Vec<String> = s
        .split('_')
        .map(|w| match w {
            "tdp" | "pue" | "wue" | "ttft" | "itl" | "kv" | "mfu" | "hfu" | "tco" | "usd"
            | "dp" | "tp" | "pp" | "ep" | "mtbf" => w.to_uppercase(),
            _ => w.to_string(),
        })
        .collect();
    let mut out = words.join(" ");
    if let Some(c) = out.get(..1) {
        let up = c.to_uppercase();
        out.replace_range(..1, &up);
    }
    out
}

fn out_text(o: &Out) -> String {
    match o {
        Out::Label(s) => s.clone(),
        Out::Bool(true) => "yes".into(),
        Out::Bool(false) => "no".into(),
        Out::Missing => "n/a".into(),
        Out::Value(v) => format!("{}", v.si),
    }
}

/// `lo..hi` with plain or exponent numbers.
fn parse_range(s: &str) -> Option<(f64, f64)> {
    let (lo, hi) = s.split_once("..")?;
    let p = |x: &str| {
        x.trim()
            .replace(['_', ','], "")
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
    };
    let (lo, hi) = (p(lo)?, p(hi)?);
    (lo <= hi).then_some((lo, hi))
}

/// Escapes LaTeX specials in plain text (source titles in `\footnote`).
fn latex_escape(s: &str) -> String {
    crate::base::escape::latex_text(s)
}
