//! `build --watch`: build once, then rebuild whenever a file of the book, its templates or its
//! registry changes. Only what changed is evaluated again (a changed template, registry file or
//! `mlsysim.toml` re-evaluates every source) and only the output files that differ are rewritten,
//! each in one rename, so a rebuild lands within tens of milliseconds of the save (a burst of
//! notifications is gathered until the file system has been quiet for [`DEBOUNCE`]). A rebuild
//! with errors prints them all and writes nothing: the last good output stays in place until the
//! errors are fixed.
//!
//! Notifications come from `notify` directly rather than through `notify-debouncer-mini`: notify 8
//! reports file opens on Linux, and the mini debouncer drops the event kind, so a rebuild's own
//! reads of the sources would trigger the next rebuild. Access events are ignored here.

use crate::app::format::Format;
use crate::app::progress::Progress;
use crate::app::{exit, out};
use crate::base::diag::{Diagnostic, Diagnostics};
use crate::book::build::{
    bibliography_files, bibliography_names, book_files, duplicate_figure_ids, evaluate_file,
    figure_files, figure_path, shadowing, Expanded,
};
use crate::book::config::BookConfig;
use crate::book::files::{discover, BookFile, FileKind};
use crate::book::manifest::manifest_json;
use crate::book::model::{FigureOut, FileOutput};
use crate::book::output::{check_replaceable, write_tree, Content, MANIFEST};
use crate::book::templates::Templates;
use crate::integrate::cache::{figures_dir, markdown_figures, write_atomic, write_figures, Cache};
use crate::registry::Registry;
use notify::{EventKind, RecursiveMode, Watcher};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long the file system must be quiet before a rebuild starts.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// What `build --watch` was asked to do.
#[derive(Clone, Debug)]
pub struct Options {
    /// The book folder.
    pub book: PathBuf,
    /// The output folder.
    pub out: PathBuf,
    /// `--templates`.
    pub templates: Option<PathBuf>,
    /// `--registry`.
    pub registry: Option<PathBuf>,
    /// `--emit-cache`: keep the Quarto cache up to date instead of writing a built copy.
    pub emit_cache: Option<PathBuf>,
    /// Output format of the status lines.
    pub format: Format,
    /// `--preset` (wins over the book's `[figures] preset`).
    pub preset: Option<String>,
}

/// The registry, templates and the folders they come from.
struct Setup {
    reg: Registry,
    templates: Templates,
    registry_dir: Option<PathBuf>,
    templates_dir: Option<PathBuf>,
}

fn setup(o: &Options) -> Result<Setup, String> {
    let config = BookConfig::load(&o.book)?;
    let slides = o
        .preset
        .as_deref()
        .map_or(config.slides(), |p| p == "slides");
    let style = config.style().map_err(|e| format!("error: {e}"))?;
    let registry_dir = o.registry.clone().or(config.registry);
    let templates_dir = o.templates.clone().or(config.templates);
    let reg = crate::registry::load::load_or_embedded(registry_dir.as_deref()).map_err(|d| {
        format!(
            "{d}error: the registry has {} problem(s); fix it and save again",
            d.0.len()
        )
    })?;
    let mut templates = Templates::load(templates_dir.as_deref())
        .map_err(|e| format!("error: {e}"))?
        .with_style(style);
    templates.set_slides(slides);
    if let Some(cache) = &o.emit_cache {
        templates = templates.with_markdown_figures(markdown_figures(&o.book, cache));
    }
    Ok(Setup {
        reg,
        templates,
        registry_dir,
        templates_dir,
    })
}

/// The absolute form of a path that may not exist yet.
fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    let base = if p.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    match (p.parent(), p.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => absolute(parent).join(name),
        _ => base.join(p),
    }
}

/// A watch session: the last evaluation of every file and what the output still lacks.
struct Session {
    o: Options,
    setup: Setup,
    book_abs: PathBuf,
    out_abs: PathBuf,
    cache_abs: Option<PathBuf>,
    /// Every source's last evaluation, good or not.
    sources: BTreeMap<String, (FileOutput, bool)>,
    /// Every other file of the book.
    others: BTreeMap<String, PathBuf>,
    /// Output paths that must be rewritten (or removed) at the next good rebuild.
    dirty: BTreeSet<String>,
    /// Whether the output folder holds a complete build of this session.
    written: bool,
}

/// What a batch of file events asks for.
#[derive(Debug, Default, PartialEq, Eq)]
struct Changes {
    /// Registry, templates or book settings changed: evaluate everything.
    reload: bool,
    /// Book-relative paths (files or folders) that changed.
    paths: BTreeSet<String>,
}

impl Session {
    /// Adds one notification to a batch; reads (opens) are not changes.
    fn absorb(&self, event: notify::Result<notify::Event>, changes: &mut Changes) {
        match event {
            Ok(e) if matches!(e.kind, EventKind::Access(_)) => {}
            Ok(e) => {
                for p in &e.paths {
                    self.classify(p, changes);
                }
            }
            Err(e) => eprintln!("warning: file watching: {e}"),
        }
    }

    fn classify(&self, path: &Path, changes: &mut Changes) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let cache_figures = self
            .o
            .emit_cache
            .as_deref()
            .is_some_and(|c| path.starts_with(absolute(&figures_dir(c))));
        if path.starts_with(&self.out_abs)
            || self.cache_abs.as_deref() == Some(path.as_path())
            || cache_figures
        {
            return;
        }
        let under = |dir: &Option<PathBuf>| {
            dir.as_deref()
                .is_some_and(|d| path.starts_with(absolute(d)))
        };
        if under(&self.setup.registry_dir) || under(&self.setup.templates_dir) {
            changes.reload = true;
        }
        if let Ok(rel) = path.strip_prefix(&self.book_abs) {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if rel == crate::book::config::FILE {
                changes.reload = true;
            }
            if !rel.is_empty() && !rel.split('/').any(|c| c.starts_with('.')) {
                changes.paths.insert(rel);
            }
        }
    }

    /// Re-reads the book's file list and evaluates what `changes` touches (everything on reload).
    /// Returns the relative paths evaluated or copied, or the setup error.
    fn update(
        &mut self,
        changes: &Changes,
        progress: Option<&Progress>,
    ) -> Result<Vec<String>, String> {
        if changes.reload {
            self.setup = setup(&self.o)?;
        }
        let files = discover(&self.o.book, &self.o.out).map_err(|d| d.to_string())?;
        let touched = |rel: &str| {
            changes
                .paths
                .iter()
                .any(|p| rel == p || rel.starts_with(&format!("{p}/")))
        };
        let mut to_eval: Vec<&BookFile> = Vec::new();
        let mut seen_sources = BTreeSet::new();
        let mut seen_others = BTreeMap::new();
        let mut changed = Vec::new();
        for f in &files {
            if f.kind == FileKind::Other {
                if touched(&f.rel) || !self.others.contains_key(&f.rel) {
                    self.dirty.insert(f.rel.clone());
                    changed.push(f.rel.clone());
                }
                seen_others.insert(f.rel.clone(), f.path.clone());
            } else {
                if changes.reload || touched(&f.rel) || !self.sources.contains_key(&f.rel) {
                    to_eval.push(f);
                }
                seen_sources.insert(f.rel.clone());
            }
        }
        for gone in self
            .sources
            .keys()
            .filter(|r| !seen_sources.contains(*r))
            .chain(self.others.keys().filter(|r| !seen_others.contains_key(*r)))
            .cloned()
            .collect::<Vec<_>>()
        {
            self.sources.remove(&gone);
            self.dirty.insert(gone.clone());
            changed.push(gone);
        }
        self.others = seen_others;
        if let Some(p) = progress {
            p.phase("evaluating", to_eval.len());
        }
        let (reg, tpl, book) = (&self.setup.reg, &self.setup.templates, &self.o.book);
        let results: Vec<(String, bool, FileOutput)> = to_eval
            .par_iter()
            .map(|f| {
                let out = evaluate_file(reg, tpl, book, f).unwrap_or_else(|d| FileOutput {
                    rel: f.rel.clone(),
                    diags: vec![d],
                    ..FileOutput::default()
                });
                if let Some(p) = progress {
                    p.tick();
                }
                (f.rel.clone(), f.kind == FileKind::Markdown, out)
            })
            .collect();
        for (rel, markdown, out) in results {
            let same = self.sources.get(&rel).is_some_and(|(old, _)| {
                old.diags.is_empty()
                    && old.text == out.text
                    && old.figures.len() == out.figures.len()
                    && old
                        .figures
                        .iter()
                        .zip(&out.figures)
                        .all(|(a, b)| a.figure.svg == b.figure.svg && a.format == b.format)
            });
            if !same {
                self.dirty.insert(rel.clone());
            }
            changed.push(rel.clone());
            self.sources.insert(rel, (out, markdown));
        }
        changed.sort();
        changed.dedup();
        Ok(changed)
    }

    fn diagnostics(&self) -> Diagnostics {
        let mut d: Vec<Diagnostic> = self
            .sources
            .values()
            .flat_map(|(o, _)| o.diags.iter().cloned())
            .collect();
        let figures = self.figures();
        d.extend(duplicate_figure_ids(&figures));
        if self.o.emit_cache.is_none() {
            // Checked at every rebuild: a file added to the book later may not shadow one the
            // build generates either.
            let paths: Vec<String> = figures.iter().map(figure_path).collect();
            let generated = paths
                .iter()
                .map(String::as_str)
                .chain(bibliography_names(&self.setup.templates).iter().copied());
            d.extend(shadowing(
                &self.o.book,
                generated,
                self.sources.keys().chain(self.others.keys()),
            ));
        }
        Diagnostics(d).sorted()
    }

    /// The figures of every source, by file and position.
    fn figures(&self) -> Vec<FigureOut> {
        let mut f: Vec<FigureOut> = self
            .sources
            .values()
            .flat_map(|(o, _)| o.figures.iter().cloned())
            .collect();
        f.sort_by(|a, b| {
            (&a.at.file, a.at.line, a.at.column).cmp(&(&b.at.file, b.at.line, b.at.column))
        });
        f
    }

    fn cache(&self) -> Cache {
        let expanded: Vec<Expanded> = self
            .sources
            .iter()
            .map(|(rel, (o, markdown))| Expanded {
                rel: rel.clone(),
                markdown: *markdown,
                expansions: o.expansions.clone(),
                footnotes: o.footnotes.clone(),
            })
            .collect();
        Cache::new(&self.o.book, &expanded)
    }

    fn manifest(&self) -> String {
        let mut records: Vec<_> = self
            .sources
            .values()
            .flat_map(|(o, _)| o.records.iter().cloned())
            .collect();
        records.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        manifest_json(&records)
    }

    /// Writes what is dirty (everything the first time). Assumes there are no errors.
    fn write(&mut self) -> Result<(), String> {
        if let Some(cache) = &self.o.emit_cache {
            write_figures(cache, &self.figures())?;
            self.cache().write(cache)?;
            self.dirty.clear();
            return Ok(());
        }
        let out = &self.o.out;
        if !self.written {
            check_replaceable(out, &self.o.book)?;
            let figures = figure_files(&self.figures()).map_err(|d| d.to_string())?;
            let manifest = self.manifest();
            let bib = bibliography_files(&self.setup.reg, &self.setup.templates);
            let mut files = book_files(
                self.sources
                    .iter()
                    .map(|(rel, (o, _))| (rel, o.text.as_str())),
                &figures,
                self.others.iter(),
                Content::Bytes(manifest.as_bytes()),
            );
            files.extend(
                bib.iter()
                    .map(|(n, t)| (n.clone(), Content::Bytes(t.as_bytes()))),
            );
            files.sort_by(|a, b| a.0.cmp(&b.0));
            write_tree(out, &files)?;
            self.written = true;
            self.dirty.clear();
            return Ok(());
        }
        let dirty = std::mem::take(&mut self.dirty);
        let all_figures = self.figures();
        let bib = bibliography_files(&self.setup.reg, &self.setup.templates);
        // Paths the build generates: a book file of that name that went away (it was refused
        // while it existed) leaves the generated file, never removes it.
        let generated: BTreeSet<String> = all_figures
            .iter()
            .map(figure_path)
            .chain(bib.iter().map(|(n, _)| n.clone()))
            .chain([MANIFEST.to_string()])
            .collect();
        for rel in &dirty {
            let target = out.join(rel);
            if let Some((o, _)) = self.sources.get(rel) {
                write_atomic(&target, o.text.as_bytes())?;
            } else if let Some(path) = self.others.get(rel) {
                let bytes = std::fs::read(path)
                    .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
                write_atomic(&target, &bytes)?;
            } else if target.is_file() && !generated.contains(rel) {
                std::fs::remove_file(&target).map_err(|e| format!("{}: {e}", target.display()))?;
            }
        }
        // The figures of the sources evaluated again, and any whose file was touched.
        let dirty = &dirty;
        let redraw: Vec<FigureOut> = self
            .sources
            .iter()
            .flat_map(|(rel, (o, _))| {
                let all = dirty.contains(rel);
                o.figures
                    .iter()
                    .filter(move |f| all || dirty.contains(&figure_path(f)))
            })
            .cloned()
            .collect();
        for (rel, bytes) in figure_files(&redraw).map_err(|d| d.to_string())? {
            let target = out.join(&rel);
            if std::fs::read(&target).map_or(true, |b| b != bytes) {
                if let Some(dir) = target.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                }
                write_atomic(&target, &bytes)?;
            }
        }
        let manifest = self.manifest();
        for (rel, bytes) in [(MANIFEST.to_string(), manifest)].into_iter().chain(bib) {
            let path = out.join(rel);
            if std::fs::read(&path).map_or(true, |b| b != bytes.as_bytes()) {
                write_atomic(&path, bytes.as_bytes())?;
            }
        }
        Ok(())
    }

    /// One rebuild: evaluate, then write or report. Prints one status line.
    fn rebuild(&mut self, changes: &Changes, first: bool) {
        let t = Instant::now();
        let json = self.o.format == Format::Json;
        let progress = first.then(|| Progress::for_command(json));
        let changed = match self.update(changes, progress.as_ref()) {
            Ok(c) => c,
            Err(e) => {
                drop(progress);
                eprintln!("{e}");
                self.report_error(1);
                return;
            }
        };
        if let Some(p) = &progress {
            p.phase("writing", 0);
        }
        if !first && changed.is_empty() && !changes.reload {
            return;
        }
        let diags = self.diagnostics();
        if !diags.0.is_empty() {
            drop(progress);
            crate::app::report::diagnostics(&diags.0);
            self.report_error(diags.0.len());
            return;
        }
        let written = self.write();
        drop(progress);
        if let Err(e) = written {
            eprintln!("error: {e}");
            self.report_error(1);
            return;
        }
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let target = self.o.emit_cache.as_ref().unwrap_or(&self.o.out);
        if json {
            let _ = out::line(format!(
                "{}",
                serde_json::json!({ "status": "ok", "event": if first { "build" } else { "rebuild" }, "files": changed, "out": target.display().to_string(), "ms": (ms * 10.0).round() / 10.0 })
            ));
        } else if first {
            let _ = out::line(format!(
                "built {} → {}: {} source files, {} other files, in {ms:.0} ms",
                self.o.book.display(),
                target.display(),
                self.sources.len(),
                self.others.len()
            ));
        } else {
            let shown: Vec<&str> = changed.iter().take(5).map(String::as_str).collect();
            let more = changed.len().saturating_sub(shown.len());
            let _ = out::line(format!(
                "rebuilt {}{} in {ms:.0} ms",
                if changes.reload && changed.len() > 5 {
                    "everything (registry, templates or settings changed)".to_string()
                } else {
                    shown.join(", ")
                },
                if more > 0 && !changes.reload {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ));
        }
    }

    fn report_error(&self, n: usize) {
        let target = self.o.emit_cache.as_ref().unwrap_or(&self.o.out);
        let kept = if self.written || self.o.emit_cache.is_some() && target.exists() {
            format!("the last good output in {} is kept", target.display())
        } else {
            "nothing was written".to_string()
        };
        if self.o.format == Format::Json {
            let _ = out::line(format!(
                "{}",
                serde_json::json!({ "status": "error", "errors": n, "out": target.display().to_string() })
            ));
        } else {
            eprintln!("error: {n} error(s); {kept}; watching for the fix");
        }
    }
}

/// Runs `build --watch` until interrupted. Returns 1 when watching cannot start.
pub fn run(o: Options) -> crate::app::Result {
    let setup = match setup(&o) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return Ok(exit::code(exit::FAILURE));
        }
    };
    if !o.book.is_dir() {
        eprintln!("error: {}: book folder not found", o.book.display());
        return Ok(exit::code(exit::FAILURE));
    }
    let mut s = Session {
        book_abs: absolute(&o.book),
        out_abs: absolute(&o.out),
        cache_abs: o.emit_cache.as_deref().map(absolute),
        o,
        setup,
        sources: BTreeMap::new(),
        others: BTreeMap::new(),
        dirty: BTreeSet::new(),
        written: false,
    };
    let (tx, rx) = channel::<notify::Result<notify::Event>>();
    let mut watcher = match notify::recommended_watcher(tx) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch files: {e}");
            return Ok(exit::code(exit::FAILURE));
        }
    };
    let mut watched: Vec<PathBuf> = vec![s.book_abs.clone()];
    for dir in [&s.setup.registry_dir, &s.setup.templates_dir]
        .into_iter()
        .flatten()
    {
        let d = absolute(dir);
        if d.exists() && !watched.iter().any(|w| d.starts_with(w)) {
            watched.push(d);
        }
    }
    for w in &watched {
        if let Err(e) = watcher.watch(w, RecursiveMode::Recursive) {
            eprintln!("error: cannot watch {}: {e}", w.display());
            return Ok(exit::code(exit::FAILURE));
        }
    }
    s.rebuild(&Changes::default(), true);
    if s.o.format == Format::Text {
        out::line(format!(
            "watching {} for changes (Ctrl-C to stop)",
            watched
                .iter()
                .map(|w| w.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))?;
    }
    // One batch: the first event, then everything until the file system is quiet.
    while let Ok(first) = rx.recv() {
        let mut changes = Changes::default();
        s.absorb(first, &mut changes);
        loop {
            match rx.recv_timeout(DEBOUNCE) {
                Ok(e) => s.absorb(e, &mut changes),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return Ok(exit::code(exit::OK)),
            }
        }
        if changes.reload || !changes.paths.is_empty() {
            s.rebuild(&changes, false);
        }
    }
    Ok(exit::code(exit::OK))
}
