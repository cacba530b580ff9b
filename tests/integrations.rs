//! The integrations end to end with the real binary: the Quarto value cache and Lua filter under
//! real pandoc, the mdBook preprocessor under real mdBook (0.4 and 0.5 input), `build --watch`,
//! and the progress line. pandoc and mdbook must be installed (`.ci/run` does it); under CI a
//! missing tool fails the test, locally it is skipped with a note.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const BIN: &str = env!("CARGO_BIN_EXE_mlsysim-book");
const FILTER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/integrations/quarto/_extensions/mlsysim/mlsysim.lua"
);

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A program on PATH or in ~/.cargo/bin. Missing: a test failure under CI, a skip otherwise.
fn tool(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    let found = dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file());
    if found.is_none() {
        assert!(
            !ci(),
            "`{name}` is required under CI (.ci/run installs it) but is not on PATH or in ~/.cargo/bin"
        );
        eprintln!("note: `{name}` not found; skipping this test (under CI=true it fails instead)");
    }
    found
}

/// A fresh, empty scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("integrations")
        .join(name);
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = e.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, program: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(program);
    c.args(args).current_dir(dir);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn mlsysim(dir: &Path, args: &[&str]) -> Output {
    run_in(dir, Path::new(BIN), args, &[])
}

/// PATH with the directory of the built binary first, as a user's PATH after `cargo install`.
fn path_with_bin() -> String {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let old = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![bin_dir.to_path_buf()];
    dirs.extend(std::env::split_paths(&old));
    std::env::join_paths(dirs)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

// ------------------------------------------------------------------------------------------------
// Quarto: the value cache and the Lua filter under real pandoc

fn emit_cache(book: &Path, cache: &Path) {
    let o = mlsysim(
        Path::new(ROOT),
        &[
            "build",
            book.to_str().unwrap(),
            "--emit-cache",
            cache.to_str().unwrap(),
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.starts_with("cached "), "{}", o.stdout);
}

#[test]
fn emit_cache_writes_every_markdown_directive_and_nothing_else() {
    let dir = scratch("emit-cache");
    let cache = dir.join("values.json");
    let out = dir.join("_build");
    let o = mlsysim(
        Path::new(ROOT),
        &[
            "build",
            "book-snippets",
            "--out",
            out.to_str().unwrap(),
            "--emit-cache",
            cache.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.is_empty(), "{}", o.stderr);
    let status: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(status["status"], "ok");
    assert!(!out.exists(), "--emit-cache writes no built copy");
    let c: serde_json::Value = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
    assert_eq!(c["tool"], "mlsysim-book");
    assert_eq!(c["cache"], 1);
    let files: Vec<&String> = c["files"].as_object().unwrap().keys().collect();
    assert!(files.iter().all(|f| !f.ends_with(".tex")), "{files:?}");
    assert!(
        files.iter().any(|f| *f == "numbers-to-know.md"),
        "{files:?}"
    );
    let nums = &c["files"]["numbers-to-know.md"]["directives"];
    let tdp = &nums[r#"<mlsysim value="hardware.H100.tdp" unit="W" digits="0"/>"#];
    assert_eq!(tdp["kind"], "value");
    assert_eq!(tdp["text"], "700 W");
    assert!(tdp["line"].as_u64().unwrap() > 1);
    // Math and text forms, `let` and tables.
    let hw = &c["files"]["01-hardware-acceleration.qmd"];
    let dirs = hw["directives"].as_object().unwrap();
    assert!(dirs.values().any(|e| e.get("math").is_some()));
    assert!(dirs.values().any(|e| e["kind"] == "let" && e["text"] == ""));
    let table = dirs.values().find(|e| e["kind"] == "table").unwrap();
    assert!(table["text"].as_str().unwrap().starts_with('|'));
    assert!(hw["footnotes"].as_str().unwrap().starts_with("[^mlsysim-"));
    // The same book gives the same bytes; a broken book writes nothing.
    let first = std::fs::read(&cache).unwrap();
    emit_cache(Path::new("book-snippets"), &cache);
    assert_eq!(first, std::fs::read(&cache).unwrap());
    let broken = dir.join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(
        broken.join("a.qmd"),
        "Bad: <mlsysim value=\"hardware.H999.tdp\" unit=\"W\"/>\n",
    )
    .unwrap();
    let bad_cache = dir.join("bad.json");
    let o = mlsysim(
        Path::new(ROOT),
        &[
            "build",
            broken.to_str().unwrap(),
            "--emit-cache",
            bad_cache.to_str().unwrap(),
        ],
    );
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("a.qmd:1:"), "{}", o.stderr);
    assert!(!bad_cache.exists());
}

/// HTML without its `<!-- -->` comments (pandoc passes raw HTML comments through).
fn without_comments(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        rest = rest[i..].find("-->").map_or("", |j| &rest[i + j + 3..]);
    }
    out.push_str(rest);
    out
}

#[test]
fn emit_cache_honours_the_drift_lock() {
    let book = scratch("emit-cache-lock");
    copy_dir(&Path::new(ROOT).join("book-snippets"), &book);
    assert!(book.join("mlsysim.lock").is_file());
    // A template that prints every value differently: each locked value changes.
    let templates = book.join("tpl");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("number.j2"), "{{ text }}{{ markers }}*").unwrap();
    let cache = book.join("_mlsysim/values.json");
    let args = [
        "build",
        ".",
        "--emit-cache",
        "_mlsysim/values.json",
        "--templates",
        "tpl",
    ];
    let o = mlsysim(&book, &args);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stderr.contains("changed since"), "{}", o.stderr);
    assert!(o.stderr.contains("700 W*"), "{}", o.stderr);
    assert!(!cache.exists());
    let o = mlsysim(&book, &[&args[..], &["--update-lock"]].concat());
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(cache.is_file());
    let o = mlsysim(&book, &args);
    assert_eq!(o.code, 0, "{}", o.stderr);
}

fn pandoc(
    pandoc: &Path,
    dir: &Path,
    input: &Path,
    to: &str,
    filter: bool,
    env: &[(&str, &str)],
) -> Output {
    let mut args = vec![
        "-f",
        "markdown",
        "-t",
        to,
        "--wrap=none",
        input.to_str().unwrap(),
    ];
    if filter {
        args.extend(["--lua-filter", FILTER]);
    }
    run_in(dir, pandoc, &args, env)
}

/// The filter over a book's sources gives exactly what pandoc makes of `mlsysim-book build`'s
/// output, in HTML (the HTML and EPUB writers) and LaTeX (the PDF route).
fn assert_filter_matches_build(pandoc_bin: &Path, book: &str, name: &str) -> Vec<(String, String)> {
    let dir = scratch(name);
    let cache = dir.join("values.json");
    let out = dir.join("built");
    emit_cache(Path::new(book), &cache);
    let o = mlsysim(
        Path::new(ROOT),
        &["build", book, "--out", out.to_str().unwrap()],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let env = [("MLSYSIM_CACHE", cache.to_str().unwrap())];
    let mut html = Vec::new();
    let sources: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join(book))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "qmd" || e == "md"))
        .collect();
    assert!(!sources.is_empty(), "{book}");
    // Two pandoc runs per file and format, two files at a time.
    let jobs: Vec<(PathBuf, &str)> = sources
        .iter()
        .flat_map(|s| [(s.clone(), "html"), (s.clone(), "latex")])
        .collect();
    let results: Vec<(String, &str, Output, Output)> = std::thread::scope(|scope| {
        jobs.chunks(jobs.len().div_ceil(2))
            .map(|chunk| {
                let (env, out) = (&env, &out);
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(src, to)| {
                            let file = src.file_name().unwrap().to_str().unwrap().to_string();
                            let filtered = pandoc(pandoc_bin, Path::new(ROOT), src, to, true, env);
                            let built = pandoc(
                                pandoc_bin,
                                Path::new(ROOT),
                                &out.join(&file),
                                to,
                                false,
                                &[],
                            );
                            (file, *to, filtered, built)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    for (file, to, filtered, built) in results {
        assert_eq!(filtered.code, 0, "{file} ({to}):\n{}", filtered.stderr);
        assert_eq!(built.code, 0, "{}", built.stderr);
        // The cache's figures are beside the cache, the build's in `figures/` of the output.
        assert!(
            same_figure_folder(&filtered.stdout) == built.stdout,
            "{book}/{file} ({to}): the filter's output differs from pandoc on the built file"
        );
        if to == "html" {
            // Code shows directives escaped (`&lt;mlsysim`); LaTeX code is verbatim.
            assert!(
                !without_comments(&filtered.stdout).contains("<mlsysim"),
                "{file} ({to})"
            );
            html.push((file, filtered.stdout));
        }
    }
    html
}

/// `text` with every figure path (`…/figures/<id>.svg`, wherever the folder is) written as the
/// build writes it from a top-level file: `figures/<id>.svg`.
fn same_figure_folder(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("/figures/fig-") {
        let start = rest[..i].rfind(['"', '{']).map_or(0, |j| j + 1);
        out.push_str(&rest[..start]);
        out.push_str("figures/fig-");
        rest = &rest[i + "/figures/fig-".len()..];
    }
    out.push_str(rest);
    out
}

// ------------------------------------------------------------------------------------------------
// What a reader gets: HTML checks shared by the pandoc, Quarto and mdBook paths

/// The value of attribute `name` in the HTML tag `tag` (`<img ...>`), unescaped for `&amp;`,
/// `&quot;`, `&lt;`, `&gt;` and `&#39;`.
fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let v = &tag[i..i + tag[i..].find('"')?];
    Some(
        v.replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
    )
}

/// Every `<tag ...>` opening tag of `html`.
fn tags<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = html[from..].find(&open) {
        let start = from + i;
        let after = html[start + open.len()..].chars().next();
        let end = start + html[start..].find('>').unwrap_or(html.len() - start) + 1;
        if matches!(after, Some(' ' | '>' | '\n')) {
            out.push(&html[start..end]);
        }
        from = end;
    }
    out
}

/// The text of `html` without tags, code and comments: what the reader reads as prose.
fn prose(html: &str) -> String {
    let mut s = without_comments(html);
    for (open, close) in [
        ("<code", "</code>"),
        ("<script", "</script>"),
        ("<style", "</style>"),
    ] {
        while let Some(i) = s.find(open) {
            let Some(j) = s[i..].find(close) else { break };
            s.replace_range(i..i + j + close.len(), " ");
        }
    }
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// A figure as the reader gets it.
#[derive(Debug)]
struct Fig {
    src: String,
    alt: String,
    caption: String,
}

/// Every `<figure>` of `html`: its image and caption.
fn figures_of(html: &str) -> Vec<Fig> {
    let mut out = Vec::new();
    for (k, part) in html.split("<figure").enumerate().skip(1) {
        let body = &part[..part
            .find("</figure>")
            .unwrap_or_else(|| panic!("figure {k} is not closed"))];
        let imgs = tags(body, "img");
        assert_eq!(imgs.len(), 1, "one image per figure: {body}");
        let cap = body
            .find("<figcaption")
            .map(|i| prose(&body[i..]).trim().to_string())
            .unwrap_or_default();
        out.push(Fig {
            src: attr(imgs[0], "src").unwrap_or_default(),
            alt: attr(imgs[0], "alt").unwrap_or_default(),
            caption: cap,
        });
    }
    out
}

/// The checks every rendered page passes: every `<img>` resolves to a file (from `page_dir`),
/// every figure has a caption and its author's alt text, and no directive or attribute syntax
/// shows as text (but for the `escapes` tags the source prints literally with `\<mlsysim`).
/// Returns the page's figures.
fn assert_reader_page(
    label: &str,
    html: &str,
    page_dir: &Path,
    alts: &[String],
    escapes: usize,
) -> Vec<Fig> {
    for img in tags(html, "img") {
        let src = attr(img, "src").unwrap_or_default();
        assert!(!src.is_empty(), "{label}: an <img> without src: {img}");
        if src.starts_with("data:") || src.starts_with("http") {
            continue;
        }
        let path = page_dir.join(src.split(['#', '?']).next().unwrap());
        assert!(
            path.is_file(),
            "{label}: <img src=\"{src}\"> does not resolve ({})",
            path.display()
        );
    }
    let figs = figures_of(html);
    for f in &figs {
        assert!(
            !f.caption.is_empty(),
            "{label}: figure {} has no caption",
            f.src
        );
        assert!(
            alts.contains(&f.alt),
            "{label}: figure {} has alt {:?}, not the author's",
            f.src,
            f.alt
        );
    }
    let text = prose(html);
    assert_eq!(
        text.matches("<mlsysim").count(),
        escapes,
        "{label}: a directive shows on the page:\n{text}"
    );
    // (`{#tbl-…}` after a table caption is the author's Quarto syntax, kept for Quarto.)
    for leak in ["{#fig-", "fig-alt=", "![", "](figures/", "](../figures/"] {
        assert!(
            !text.contains(leak),
            "{label}: `{leak}` shows on the page:\n{text}"
        );
    }
    figs
}

/// The `alt` of every figure directive of the book's sources (and the number per file).
fn author_alts(book: &Path) -> (Vec<String>, std::collections::BTreeMap<String, usize>) {
    let mut alts = Vec::new();
    let mut per_file = std::collections::BTreeMap::new();
    for e in walkdir::WalkDir::new(book).into_iter().flatten() {
        let p = e.path();
        if !p.extension().is_some_and(|x| x == "md" || x == "qmd") {
            continue;
        }
        let text = std::fs::read_to_string(p).unwrap();
        let rel = p
            .strip_prefix(book)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for part in text.split("<mlsysim figure=").skip(1) {
            let tag = &part[..part.find("/>").unwrap()];
            let a = attr(&format!(" {tag}"), "alt").expect("figure alt");
            alts.push(a);
            *per_file.entry(rel.clone()).or_insert(0) += 1;
        }
    }
    (alts, per_file)
}

/// How many tags `source` prints literally (`\<mlsysim` outside code).
fn escapes_in(source: &Path) -> usize {
    std::fs::read_to_string(source).map_or(0, |t| t.matches("\\<mlsysim").count())
}

/// Distinct footnote labels defined in Markdown text (`[^label]:` at a line start).
fn distinct_footnotes(md: &str) -> usize {
    md.lines()
        .filter_map(|l| l.strip_prefix("[^").and_then(|r| r.split_once("]:")))
        .map(|(label, _)| label.to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

/// Footnotes in pandoc's HTML (`<li id="fn1">`…).
fn pandoc_footnotes(html: &str) -> usize {
    html.matches("<li id=\"fn").count()
}

/// A page rendered by pandoc: (path in the book, built Markdown, HTML, LaTeX).
type Page = (String, String, String, String);

/// Built copies of the sample book and the figures fixture, each page rendered by plain pandoc
/// to HTML beside its built Markdown, and to LaTeX. Returns (book, built folder, [(rel, built
/// Markdown, HTML, LaTeX)]).
fn pandoc_pages(pandoc_bin: &Path, name: &str) -> Vec<(String, PathBuf, Vec<Page>)> {
    let mut books = Vec::new();
    for book in ["book-snippets", "tests/fixtures/books/figures"] {
        let out = scratch(&format!("{name}-{}", book.rsplit('/').next().unwrap()));
        let o = mlsysim(
            Path::new(ROOT),
            &["build", book, "--out", out.to_str().unwrap()],
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
        let mut pages = Vec::new();
        for e in walkdir::WalkDir::new(&out).into_iter().flatten() {
            let p = e.path().to_path_buf();
            if !p.extension().is_some_and(|x| x == "md" || x == "qmd") || p.ends_with("SUMMARY.md")
            {
                continue;
            }
            let rel = p
                .strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let dir = p.parent().unwrap();
            let html = pandoc(pandoc_bin, dir, &p, "html", false, &[]);
            assert_eq!(html.code, 0, "{rel}: {}", html.stderr);
            let latex = pandoc(pandoc_bin, dir, &p, "latex", false, &[]);
            assert_eq!(latex.code, 0, "{rel}: {}", latex.stderr);
            let md = std::fs::read_to_string(&p).unwrap();
            pages.push((rel, md, html.stdout, latex.stdout));
        }
        books.push((book.to_string(), out, pages));
    }
    books
}

#[test]
fn pandoc_renders_the_built_book_with_one_captioned_figure_per_directive() {
    let Some(pandoc_bin) = tool("pandoc") else {
        return;
    };
    let mut seen = 0;
    for (book, out, pages) in pandoc_pages(&pandoc_bin, "pandoc-reader") {
        let (alts, per_file) = author_alts(&Path::new(ROOT).join(&book));
        for (rel, _, html, latex) in &pages {
            let dir = out.join(rel).parent().unwrap().to_path_buf();
            let escapes = escapes_in(&Path::new(ROOT).join(&book).join(rel));
            let figs = assert_reader_page(&format!("{book}/{rel}"), html, &dir, &alts, escapes);
            let want = per_file.get(rel).copied().unwrap_or(0);
            assert_eq!(
                figs.len(),
                want,
                "{book}/{rel}: one figure per directive: {figs:?}"
            );
            // LaTeX (the PDF route): a captioned, labelled figure per directive.
            assert_eq!(
                latex.matches("\\begin{figure}").count(),
                want,
                "{book}/{rel}:\n{latex}"
            );
            assert!(latex.matches("\\caption{").count() >= want, "{book}/{rel}");
            assert_eq!(
                latex.matches("\\label{fig-").count(),
                want,
                "{book}/{rel}:\n{latex}"
            );
            seen += want;
        }
    }
    assert!(seen >= 7, "the books have figures to check ({seen})");
    // Adjacent directives are two figures, a quoted one stays in its quote, and a caption's
    // `<` and `[` are text.
    let figures = Path::new(env!("CARGO_TARGET_TMPDIR")).join("integrations/pandoc-reader-figures");
    let html = pandoc(
        &pandoc_bin,
        &figures,
        &figures.join("chapter.qmd"),
        "html",
        false,
        &[],
    )
    .stdout;
    assert!(html.contains("<figcaption>Rooflines of the A100 &amp; H100 at FP16, batch &lt; 2 [ResNet-50].</figcaption>"), "{html}");
    let quote = &html[html.find("<blockquote>").unwrap()..html.find("</blockquote>").unwrap()];
    assert_eq!(figures_of(quote).len(), 1, "{quote}");
}

/// Pandoc makes one footnote of every `[^label]` reference, so the build cites a source once per
/// file (its first use): the footnote count of a page equals its distinct sources.
#[test]
fn pandoc_and_quarto_footnotes_equal_the_distinct_sources() {
    let Some(pandoc_bin) = tool("pandoc") else {
        return;
    };
    for (book, _, pages) in pandoc_pages(&pandoc_bin, "pandoc-notes") {
        for (rel, md, html, _) in &pages {
            assert_eq!(
                pandoc_footnotes(html),
                distinct_footnotes(md),
                "{book}/{rel} (pandoc)"
            );
        }
    }
    let project = quarto_project("quarto-notes");
    for (rel, html, _) in quarto_pages(&pandoc_bin, &project) {
        let md = std::fs::read_to_string(project.join("_built").join(&rel)).unwrap();
        assert_eq!(
            pandoc_footnotes(&html),
            distinct_footnotes(&md),
            "{rel} (quarto)"
        );
    }
}

/// The sample book with the figures fixture as one more chapter folder, set up as a Quarto
/// project and its pre-render step run as Quarto runs it; `_built` holds `build`'s copy.
fn quarto_project(name: &str) -> PathBuf {
    let project = scratch(name);
    copy_dir(&Path::new(ROOT).join("book-snippets"), &project);
    copy_dir(
        &Path::new(ROOT).join("tests/fixtures/books/figures"),
        &project.join("figs"),
    );
    let o = mlsysim(
        &project,
        &["build", ".", "--emit-cache", "_mlsysim/values.json"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = mlsysim(&project, &["build", ".", "--out", "_built"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    project
}

/// Every Markdown page of the project rendered as Quarto would (the filter, from the project
/// folder), the HTML written beside its source: [(rel, HTML, stderr)].
fn quarto_pages(pandoc_bin: &Path, project: &Path) -> Vec<(String, String, String)> {
    let mut pages = Vec::new();
    for e in walkdir::WalkDir::new(project).into_iter().flatten() {
        let p = e.path();
        let rel = p
            .strip_prefix(project)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with('_')
            || !p.extension().is_some_and(|x| x == "md" || x == "qmd")
            || rel == "SUMMARY.md"
        {
            continue;
        }
        let mut args = vec!["-f", "markdown", "-t", "html", "--mathjax", "--wrap=none"];
        args.extend(["--lua-filter", FILTER, p.to_str().unwrap()]);
        let o = run_in(project, pandoc_bin, &args, &[]);
        assert_eq!(o.code, 0, "{rel}: {}", o.stderr);
        pages.push((rel, o.stdout, o.stderr));
    }
    assert!(pages.len() >= 9, "{pages:?}");
    pages
}

#[test]
fn quarto_prerender_writes_what_the_render_needs_and_the_filter_never_warns() {
    let Some(pandoc_bin) = tool("pandoc") else {
        return;
    };
    let project = quarto_project("quarto-reader");
    let (alts, per_file) = author_alts(&project);
    let mut seen = 0;
    for (rel, html, stderr) in quarto_pages(&pandoc_bin, &project) {
        assert!(stderr.is_empty(), "{rel}: the filter warned:\n{stderr}");
        let dir = project.join(&rel).parent().unwrap().to_path_buf();
        let figs = assert_reader_page(&rel, &html, &dir, &alts, escapes_in(&project.join(&rel)));
        let want = per_file.get(&rel).copied().unwrap_or(0);
        assert_eq!(figs.len(), want, "{rel}: {figs:?}");
        // Quarto's figure markup: the `#fig-` label (cross-references) and `fig-alt`.
        for f in &figs {
            assert!(f.src.contains("_mlsysim/figures/fig-"), "{rel}: {f:?}");
        }
        assert_eq!(html.matches(" id=\"fig-").count(), want, "{rel}");
        assert_eq!(html.matches(" data-fig-alt=\"").count(), want, "{rel}");
        seen += want;
    }
    assert!(seen >= 7, "{seen}");
    // Tables keep their `#tbl-` labels at the end of the caption, where Quarto's cross-reference
    // filter reads them (pandoc 2.17 shows the attribute as caption text; newer pandoc and Quarto
    // take it as the table's id).
    let o = run_in(
        &project,
        &pandoc_bin,
        &[
            "-f",
            "markdown",
            "-t",
            "html",
            "--wrap=none",
            "--lua-filter",
            FILTER,
            "01-hardware-acceleration.qmd",
        ],
        &[],
    );
    assert!(
        o.stdout
            .contains("ridge point. {#tbl-hw-generations}</caption>")
            || o.stdout.contains("id=\"tbl-hw-generations\""),
        "{}",
        o.stdout
    );
    // Running the step again rewrites nothing (Quarto's preview would otherwise re-render).
    let svg = project.join("_mlsysim/figures/fig-fx-roofline.svg");
    let before = std::fs::metadata(&svg).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let o = mlsysim(
        &project,
        &["build", ".", "--emit-cache", "_mlsysim/values.json"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(std::fs::metadata(&svg).unwrap().modified().unwrap(), before);
}

#[test]
fn quarto_filter_under_pandoc_shows_what_the_build_shows() {
    let Some(pandoc_bin) = tool("pandoc") else {
        return;
    };
    let t = Instant::now();
    let html = assert_filter_matches_build(&pandoc_bin, "book-snippets", "quarto-snippets");
    let chapter = |name: &str| &html.iter().find(|(f, _)| f == name).unwrap().1;
    // Values in prose, a registry table as a real table with its caption, math, citations.
    let hw = chapter("01-hardware-acceleration.qmd");
    assert!(
        hw.contains("<td style=\"text-align: right;\">989</td>"),
        "{hw}"
    );
    // The spec sheet keeps its caption right after the table, its source note after it.
    assert!(
        hw.contains("<caption>Spec sheet of the H100 and the B200."),
        "{hw}"
    );
    assert!(hw.contains("<table"), "{hw}");
    assert!(hw.contains("<caption>Peak dense FP16 throughput"), "{hw}");
    assert!(
        hw.contains("<th style=\"text-align: right;\">Dense FP16 peak"),
        "{hw}"
    );
    assert!(hw.contains("class=\"math inline\""), "{hw}");
    assert!(hw.contains("footnote-ref"), "{hw}");
    let serving = chapter("02-llm-serving.qmd");
    assert!(
        serving.contains("<caption>Llama-3 8B on one H100"),
        "{serving}"
    );
    assert!(
        serving.contains("<th style=\"text-align: right;\">TTFT (ms)</th>"),
        "{serving}"
    );
    let html = assert_filter_matches_build(
        &pandoc_bin,
        "tests/fixtures/books/constructs",
        "quarto-constructs",
    );
    let c = &html.iter().find(|(f, _)| f == "chapter.qmd").unwrap().1;
    // Adjacent figures, a figure in a block quote: as the build shows them.
    assert_filter_matches_build(
        &pandoc_bin,
        "tests/fixtures/books/figures",
        "quarto-figures",
    );
    // Code keeps the directive as written; the escape prints it literally.
    assert!(
        c.contains("<code>&lt;mlsysim value=&quot;hardware.H100.tdp&quot;"),
        "{c}"
    );
    assert!(c.contains("Escaped: &lt;mlsysim"), "{c}");
    eprintln!(
        "quarto filter: 2 books, HTML and LaTeX, matched the build in {:.1} s",
        t.elapsed().as_secs_f64()
    );
}

#[test]
fn quarto_project_finds_its_cache_and_a_missing_value_stops_the_render() {
    let Some(pandoc_bin) = tool("pandoc") else {
        return;
    };
    let project = scratch("quarto-project");
    copy_dir(&Path::new(ROOT).join("book-snippets"), &project);
    // The pre-render step, run as Quarto runs it: in the project folder.
    let o = mlsysim(
        &project,
        &["build", ".", "--emit-cache", "_mlsysim/values.json"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(project.join("_mlsysim/values.json").is_file());
    // The filter finds `_mlsysim/values.json` above the document without being told.
    let chapter = project.join("02-llm-serving.qmd");
    let ok = pandoc(&pandoc_bin, &project, &chapter, "html", true, &[]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.contains("<table"), "{}", ok.stdout);
    // The built-in JSON reader (pandoc < 3.1.1) and pandoc's own give the same document.
    let builtin = pandoc(
        &pandoc_bin,
        &project,
        &chapter,
        "html",
        true,
        &[("MLSYSIM_LUA_JSON", "builtin")],
    );
    assert_eq!(builtin.stdout, ok.stdout);
    // A directive added after the cache was written: the render stops at it.
    let text = std::fs::read_to_string(&chapter).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(
        9,
        "Stale: the B200 draws <mlsysim value=\"hardware.B200.tdp\" unit=\"kW\" digits=\"1\"/>.",
    );
    std::fs::write(&chapter, lines.join("\n")).unwrap();
    let stale = pandoc(&pandoc_bin, &project, &chapter, "html", true, &[]);
    assert_ne!(stale.code, 0, "a missing value must abort the render");
    assert!(
        stale
            .stderr
            .contains("02-llm-serving.qmd:10:23: error: no value for this directive"),
        "{}",
        stale.stderr
    );
    assert!(
        stale.stderr.contains("hardware.B200.tdp"),
        "{}",
        stale.stderr
    );
    // Without a cache, a document with directives stops; one without directives renders.
    std::fs::remove_dir_all(project.join("_mlsysim")).unwrap();
    let none = pandoc(&pandoc_bin, &project, &chapter, "html", true, &[]);
    assert_ne!(none.code, 0);
    assert!(
        none.stderr
            .contains("value cache `_mlsysim/values.json` was not found"),
        "{}",
        none.stderr
    );
    let plain = project.join("plain.md");
    std::fs::write(&plain, "No directives here.\n").unwrap();
    let p = pandoc(&pandoc_bin, &project, &plain, "html", true, &[]);
    assert_eq!(p.code, 0, "{}", p.stderr);
}

// ------------------------------------------------------------------------------------------------
// mdBook

#[test]
fn mdbook_preprocessor_reads_real_mdbook_0_4_and_0_5_input() {
    for fixture in ["mdbook-0.4.52.json", "mdbook-0.5.4.json"] {
        let input = std::fs::read(
            Path::new(ROOT)
                .join("tests/fixtures/mdbook-input")
                .join(fixture),
        )
        .unwrap();
        let mut child = Command::new(BIN)
            .arg("mdbook")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&input).unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{fixture}: {stderr}");
        assert!(stderr.is_empty(), "{fixture}: {stderr}");
        let book: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let key = if fixture.contains("0.4") {
            "sections"
        } else {
            "items"
        };
        let items = book[key].as_array().unwrap();
        let intro = items[0]["Chapter"]["content"].as_str().unwrap();
        assert!(intro.contains("delivers 989 TFLOP/s of dense"), "{intro}");
        assert!(
            intro.contains("[^mlsysim-nvidia-h100-datasheet]:"),
            "{intro}"
        );
        assert!(intro.contains("`<mlsysim value=\"hardware.H100.tdp\" unit=\"W\"/>`"));
        let hw = &items[1]["Chapter"];
        assert!(hw["content"].as_str().unwrap().contains("| Accelerator |"));
        let serving = hw["sub_items"][0]["Chapter"]["content"].as_str().unwrap();
        assert!(serving.contains("TTFT "), "{serving}");
        assert!(!serving.contains("<mlsysim"), "{serving}");
    }
    let o = mlsysim(Path::new(ROOT), &["mdbook", "supports", "html"]);
    assert_eq!(o.code, 0);
    let o = run_in(Path::new(ROOT), Path::new(BIN), &["mdbook"], &[]);
    assert_eq!(o.code, 1, "empty stdin is not a book");
    assert!(o.stderr.contains("not JSON"), "{}", o.stderr);
}

fn mdbook_build(mdbook: &Path, book: &Path) -> Output {
    run_in(book, mdbook, &["build"], &[("PATH", &path_with_bin())])
}

#[test]
fn mdbook_builds_a_book_with_the_preprocessor() {
    let Some(mdbook) = tool("mdbook") else {
        return;
    };
    let t = Instant::now();
    let book = scratch("mdbook-fixture");
    copy_dir(&Path::new(ROOT).join("tests/fixtures/mdbook"), &book);
    let o = mdbook_build(&mdbook, &book);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let html = |name: &str| std::fs::read_to_string(book.join("book").join(name)).unwrap();
    let intro = html("intro.html");
    assert!(
        intro.contains("delivers 989 TFLOP/s of dense FP16"),
        "{intro}"
    );
    assert!(
        intro.contains("footnote-mlsysim-nvidia-h100-datasheet"),
        "{intro}"
    );
    assert!(intro.contains("NVIDIA H100 datasheet"), "{intro}");
    assert!(
        intro.contains("<code>&lt;mlsysim value=\"hardware.H100.tdp\" unit=\"W\"/&gt;</code>"),
        "code keeps the directive: {intro}"
    );
    let hw = html("hardware.html");
    assert!(hw.contains("ridge point is 295.2 FLOP/byte"), "{hw}");
    assert!(hw.contains("<table>"), "{hw}");
    assert!(hw.contains("FP16 peak"), "{hw}");
    let serving = html("serving.html");
    assert!(serving.contains("TTFT "), "{serving}");
    assert!(serving.contains("<table>"), "{serving}");
    for name in ["intro.html", "hardware.html", "serving.html", "print.html"] {
        assert!(!html(name).contains("<mlsysim"), "{name}");
    }
    // The sample book's own book.toml works as documented.
    let snippets = scratch("mdbook-snippets");
    copy_dir(&Path::new(ROOT).join("book-snippets"), &snippets);
    let o = mdbook_build(&mdbook, &snippets);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let numbers = std::fs::read_to_string(snippets.join("book/numbers-to-know.html")).unwrap();
    assert!(
        numbers.contains("An H100 performs 989 TFLOP/s"),
        "{numbers}"
    );
    assert!(!numbers.contains("<mlsysim"));
    eprintln!(
        "mdbook: 2 books built in {:.1} s",
        t.elapsed().as_secs_f64()
    );
}

/// The preprocessor's site: every page's figures resolve, carry caption and alt, nothing of the
/// directive or Pandoc attribute syntax shows, and each chapter has one footnote per source.
/// With `MDBOOK_0_4=/path/to/mdbook-0.4` set, the same checks run with that mdBook too (CI
/// installs only 0.5; 0.4.52 passed them when this was written).
#[test]
fn mdbook_site_has_every_figure_and_one_footnote_per_source() {
    let Some(mdbook) = tool("mdbook") else {
        return;
    };
    assert_mdbook_site(&mdbook, "mdbook-reader");
    if let Some(old) = std::env::var_os("MDBOOK_0_4") {
        assert_mdbook_site(Path::new(&old), "mdbook-reader-0.4");
    }
}

fn assert_mdbook_site(mdbook: &Path, name: &str) {
    let book = scratch(name);
    copy_dir(&Path::new(ROOT).join("tests/fixtures/mdbook"), &book);
    let o = mdbook_build(mdbook, &book);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    // What the chapters cite: `build` of the same chapters.
    let built = scratch(&format!("{name}-built"));
    let o = mlsysim(&book, &["build", "src", "--out", built.to_str().unwrap()]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let (alts, per_file) = author_alts(&book.join("src"));
    let site = book.join("book");
    let mut seen = 0;
    for rel in ["intro.md", "hardware.md", "serving.md", "part/figures.md"] {
        let page = site.join(rel.replace(".md", ".html"));
        let html = std::fs::read_to_string(&page).unwrap();
        let main = &html[html.find("<main>").unwrap()..html.find("</main>").unwrap()];
        let figs = assert_reader_page(rel, main, page.parent().unwrap(), &alts, 0);
        let want = per_file.get(rel).copied().unwrap_or(0);
        assert_eq!(figs.len(), want, "{rel}: {figs:?}");
        seen += want;
        let md = std::fs::read_to_string(built.join(rel)).unwrap();
        let notes = main.matches("<li id=\"footnote-").count();
        assert_eq!(
            notes,
            distinct_footnotes(&md),
            "{rel}: one footnote per source:\n{main}"
        );
    }
    assert_eq!(seen, 2);
    // The print page (all chapters on one page, links rewritten by mdBook) resolves too.
    let print = std::fs::read_to_string(site.join("print.html")).unwrap();
    let figs = assert_reader_page("print.html", &print, &site, &alts, 0);
    assert_eq!(figs.len(), 2);
    let figures = std::fs::read_to_string(site.join("part/figures.html")).unwrap();
    assert!(
        figures.contains("<figcaption>Rooflines of the A100 &amp; H100 at FP16 &lt;with ResNet-50&gt;.</figcaption>"),
        "{figures}"
    );
    // A second build rewrites no figure, so `mdbook serve` settles after one reload.
    let svg = book.join("src/_mlsysim/figures/fig-md-roofline.svg");
    let before = std::fs::metadata(&svg).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let o = mdbook_build(mdbook, &book);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_eq!(std::fs::metadata(&svg).unwrap().modified().unwrap(), before);
}

/// mdBook 0.4's input (`sections`) gets the same figures as 0.5's: the markup, and the SVG under
/// the chapter folder of the root mdBook names.
#[test]
fn mdbook_0_4_input_writes_figures_under_its_root() {
    let root = scratch("mdbook-04-figures");
    let fixture = Path::new(ROOT).join("tests/fixtures/mdbook-input/mdbook-0.4.52.json");
    let mut input: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    input[0]["root"] = root.to_str().unwrap().into();
    let chapter = &mut input[1]["sections"][0]["Chapter"];
    chapter["path"] = "deep/fig.md".into();
    chapter["content"] = "# F\n<mlsysim figure=\"scorecard\" id=\"fig-04\" scenario=\"SmartDoorbell\" caption=\"C.\" alt=\"A.\"/>\n<mlsysim figure=\"scorecard\" id=\"fig-04b\" scenario=\"SmartDoorbell\" caption=\"D.\" alt=\"B.\"/>\n".into();
    let mut child = Command::new(BIN)
        .arg("mdbook")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let book: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let content = book["sections"][0]["Chapter"]["content"].as_str().unwrap();
    assert_eq!(
        content,
        "# F\n\n<figure id=\"fig-04\" class=\"mlsysim-figure\">\n<img src=\"../_mlsysim/figures/fig-04.svg\" alt=\"A.\">\n<figcaption>C.</figcaption>\n</figure>\n\n\n<figure id=\"fig-04b\" class=\"mlsysim-figure\">\n<img src=\"../_mlsysim/figures/fig-04b.svg\" alt=\"B.\">\n<figcaption>D.</figcaption>\n</figure>\n"
    );
    for id in ["fig-04", "fig-04b"] {
        let svg = root.join(format!("src/_mlsysim/figures/{id}.svg"));
        assert!(
            std::fs::read_to_string(&svg).unwrap().starts_with("<svg"),
            "{}",
            svg.display()
        );
    }
}

#[test]
fn mdbook_stops_on_directive_errors_with_their_location() {
    let Some(mdbook) = tool("mdbook") else {
        return;
    };
    let book = scratch("mdbook-errors");
    copy_dir(&Path::new(ROOT).join("tests/fixtures/mdbook"), &book);
    let hw = book.join("src/hardware.md");
    let text = std::fs::read_to_string(&hw)
        .unwrap()
        .replace("rows=\"A100, H100\"", "rows=\"A100, H101\"");
    std::fs::write(&hw, text).unwrap();
    let o = mdbook_build(&mdbook, &book);
    assert_ne!(o.code, 0, "a directive error must fail the mdBook build");
    assert!(o.stderr.contains("src/hardware.md:7:"), "{}", o.stderr);
    assert!(o.stderr.contains("H101"), "{}", o.stderr);
}

// ------------------------------------------------------------------------------------------------
// build --watch

#[cfg(feature = "watch")]
mod watch {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::process::Child;
    use std::sync::mpsc::{channel, Receiver};
    use std::time::Duration;

    /// Lines of a child's stdout and stderr, as they come.
    fn lines(child: &mut Child) -> Receiver<(bool, String)> {
        let (tx, rx) = channel();
        let out = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        let t2 = tx.clone();
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send((false, l));
            }
        });
        std::thread::spawn(move || {
            for l in BufReader::new(err).lines().map_while(Result::ok) {
                let _ = t2.send((true, l));
            }
        });
        rx
    }

    /// Waits for a line matching `pred`; returns every line seen until then.
    fn wait_line(rx: &Receiver<(bool, String)>, pred: impl Fn(bool, &str) -> bool) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match rx.recv_timeout(left) {
                Ok((err, l)) => {
                    let hit = pred(err, &l);
                    seen.push(l);
                    if hit {
                        return seen;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("timed out waiting; saw:\n{}", seen.join("\n"));
    }

    /// Waits until `path` holds something for which `pred` is true; returns the time it took.
    fn wait_file(path: &Path, pred: impl Fn(&str) -> bool) -> Duration {
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(20) {
            if let Ok(text) = std::fs::read_to_string(path) {
                if pred(&text) {
                    return t.elapsed();
                }
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        panic!("{} never reached the expected content", path.display());
    }

    struct Killed(Child);

    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    /// Starts `build BOOK --out OUT --watch MORE` and waits until its first build is done and it
    /// watches; the child is killed when the first value is dropped.
    fn watching(book: &Path, out: &Path, more: &[&str]) -> (Killed, Receiver<(bool, String)>) {
        let mut child = Killed(
            Command::new(BIN)
                .args([
                    "build",
                    book.to_str().unwrap(),
                    "--out",
                    out.to_str().unwrap(),
                ])
                .args(more)
                .arg("--watch")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        let rx = lines(&mut child.0);
        let first = wait_line(&rx, |_, l| l.starts_with("watching "));
        assert!(first[0].starts_with("built "), "{first:?}");
        (child, rx)
    }

    #[test]
    fn watch_rebuilds_only_what_changed_and_keeps_the_last_good_output() {
        let dir = scratch("watch");
        let book = dir.join("book");
        let out = dir.join("out");
        let templates = dir.join("templates");
        copy_dir(
            &Path::new(ROOT).join("tests/fixtures/books/constructs"),
            &book,
        );
        std::fs::create_dir_all(&templates).unwrap();
        std::fs::copy(
            Path::new(ROOT).join("templates/number.j2"),
            templates.join("number.j2"),
        )
        .unwrap();
        let (_child, rx) = watching(&book, &out, &["--templates", templates.to_str().unwrap()]);
        let notes = book.join("notes.md");
        let chapter_out = out.join("chapter.qmd");
        let chapter_before = std::fs::metadata(&chapter_out).unwrap().modified().unwrap();
        let original = std::fs::read_to_string(&notes).unwrap();

        // An edit: only that file is evaluated and written again, fast.
        let mut latencies = Vec::new();
        for digits in ["1", "2", "0", "3"] {
            let edited = original.replace(
                "unit=\"GB/s\" digits=\"0\"",
                &format!("unit=\"GB/s\" digits=\"{digits}\""),
            );
            let decimals: usize = digits.parse().unwrap();
            let want = if decimals == 0 {
                "The A100 has 2039".to_string()
            } else {
                format!("The A100 has 2039.{}", "0".repeat(decimals))
            };
            std::fs::write(&notes, &edited).unwrap();
            latencies.push(wait_file(&out.join("notes.md"), |t| {
                t.contains(&format!("{want} GB/s"))
            }));
            let l = wait_line(&rx, |_, l| l.starts_with("rebuilt "));
            assert!(
                l.last().unwrap().starts_with("rebuilt notes.md in "),
                "{l:?}"
            );
        }
        let chapter_after = std::fs::metadata(&chapter_out).unwrap().modified().unwrap();
        assert_eq!(
            chapter_before, chapter_after,
            "an unchanged file is not rewritten"
        );
        latencies.sort();
        let median = latencies[latencies.len() / 2];
        // Reported, not asserted: a wall-clock bound in a test fails on a busy machine.
        eprintln!("watch: save-to-output latency {latencies:?} (median {median:?})");

        // An error: shown with its location; the last good output stays.
        let good = std::fs::read_to_string(out.join("notes.md")).unwrap();
        std::fs::write(
            &notes,
            original.replace("hardware.A100.memory", "hardware.A101.memory"),
        )
        .unwrap();
        let errs = wait_line(&rx, |err, l| {
            err && l.starts_with("error: ") && l.contains("last good output")
        });
        let text = errs.join("\n");
        assert!(text.contains("notes.md:3:"), "{text}");
        assert!(text.contains("A101"), "{text}");
        assert_eq!(std::fs::read_to_string(out.join("notes.md")).unwrap(), good);
        // Fixed: rebuilt.
        std::fs::write(&notes, &original).unwrap();
        wait_file(&out.join("notes.md"), |t| {
            t.contains("The A100 has 2039 GB/s")
        });
        wait_line(&rx, |_, l| l.starts_with("rebuilt "));

        // A new file appears in the output, a deleted one disappears.
        let extra = book.join("extra.md");
        std::fs::write(
            &extra,
            "TDP <mlsysim value=\"hardware.H100.tdp\" unit=\"W\"/>.\n",
        )
        .unwrap();
        wait_file(&out.join("extra.md"), |t| t.contains("TDP 700 W."));
        wait_line(&rx, |_, l| l.starts_with("rebuilt "));
        std::fs::remove_file(&extra).unwrap();
        let t = Instant::now();
        while out.join("extra.md").exists() {
            assert!(
                t.elapsed() < Duration::from_secs(20),
                "extra.md was not removed"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        wait_line(&rx, |_, l| l.starts_with("rebuilt "));

        // A template change rebuilds every source.
        std::fs::write(templates.join("number.j2"), "⟨{{ text }}{{ markers }}⟩").unwrap();
        wait_file(&chapter_out, |t| t.contains("draws ⟨700 W⟩"));
        wait_file(&out.join("notes.md"), |t| t.contains("has ⟨2039 GB/s⟩"));
        // The manifest follows every rebuild.
        let manifest = std::fs::read_to_string(out.join("mlsysim-manifest.json")).unwrap();
        assert!(manifest.contains("notes.md"));
        assert!(!manifest.contains("extra.md"));
    }

    /// The ownership rule holds at every rebuild, not only the first write: a book file added
    /// while watching that would take the place of the manifest or a figure is an error naming
    /// it, and the output keeps the tool's own file.
    #[test]
    fn watch_refuses_book_files_that_appear_later_and_shadow_generated_ones() {
        let dir = scratch("watch-shadow");
        let book = dir.join("book");
        let out = dir.join("out");
        std::fs::create_dir_all(&book).unwrap();
        std::fs::write(
            book.join("ch.qmd"),
            "TDP <mlsysim value=\"hardware.H100.tdp\" unit=\"W\"/>.\n\n<mlsysim figure=\"roofline\" id=\"fig-roof\" hardware=\"H100\" caption=\"Roofline.\" alt=\"A roofline.\"/>\n",
        )
        .unwrap();
        let (_child, rx) = watching(&book, &out, &[]);
        let manifest = out.join("mlsysim-manifest.json");
        let figure = out.join("figures/fig-roof.svg");
        let ours = std::fs::read(&manifest).unwrap();
        let svg = std::fs::read(&figure).unwrap();
        for (rel, path, before) in [
            ("mlsysim-manifest.json", &manifest, &ours),
            ("figures/fig-roof.svg", &figure, &svg),
        ] {
            let forged = book.join(rel);
            std::fs::create_dir_all(forged.parent().unwrap()).unwrap();
            std::fs::write(&forged, "forged").unwrap();
            let errs = wait_line(&rx, |err, l| {
                err && l.starts_with("error: ") && l.contains("last good output")
            });
            let text = errs.join("\n");
            assert!(
                text.contains(&format!(
                    "{}:1:1: error: the build generates `{rel}` itself",
                    forged.display()
                )),
                "{text}"
            );
            assert_eq!(&std::fs::read(path).unwrap(), before, "{rel} kept");
            std::fs::remove_file(&forged).unwrap();
            wait_line(&rx, |_, l| l.starts_with("rebuilt "));
            assert_eq!(
                &std::fs::read(path).unwrap(),
                before,
                "{rel} still the tool's"
            );
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Progress line

#[test]
fn progress_line_only_on_a_terminal_and_never_with_json() {
    // Not a terminal: nothing on stderr, even when the line is due at once.
    let out = scratch("progress").join("out");
    let o = run_in(
        Path::new(ROOT),
        Path::new(BIN),
        &["build", "book-snippets", "--out", out.to_str().unwrap()],
        &[("MLSYSIM_PROGRESS_AFTER_MS", "0")],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.is_empty(), "{:?}", o.stderr);
    let Some(script) = tool("script") else {
        return;
    };
    // A terminal (util-linux `script` gives the command a pty).
    let tty = |args: &str| {
        let cmd = format!("MLSYSIM_PROGRESS_AFTER_MS=0 {BIN} {args}");
        run_in(Path::new(ROOT), &script, &["-qec", &cmd, "/dev/null"], &[])
    };
    let o = tty(&format!("build book-snippets --out {}", out.display()));
    assert_eq!(o.code, 0, "{}", o.stdout);
    // Which phase the first redraw catches depends on timing ("working…", "evaluating N files",
    // "writing…"); that a progress line is drawn at all is what a terminal guarantees.
    assert!(
        o.stdout.contains("\u{1b}[2Kmlsysim-book: "),
        "{:?}",
        o.stdout
    );
    assert!(
        o.stdout.contains("\r\x1b[2K"),
        "the line is erased: {:?}",
        o.stdout
    );
    assert!(
        o.stdout.contains("built book-snippets → "),
        "{:?}",
        o.stdout
    );
    let o = tty(&format!(
        "build book-snippets --out {} --format json",
        out.display()
    ));
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(!o.stdout.contains("mlsysim-book: "), "{:?}", o.stdout);
    assert!(o.stdout.trim_start().starts_with('{'), "{:?}", o.stdout);
}
