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
    let mut args = vec!["-f", "markdown", "-t", to, input.to_str().unwrap()];
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
    assert!(sources.len() >= 2, "{book}");
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
        assert!(
            filtered.stdout == built.stdout,
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
        let mut child = Killed(
            Command::new(BIN)
                .args([
                    "build",
                    book.to_str().unwrap(),
                    "--out",
                    out.to_str().unwrap(),
                    "--templates",
                    templates.to_str().unwrap(),
                    "--watch",
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        let rx = lines(&mut child.0);
        let first = wait_line(&rx, |_, l| l.starts_with("watching "));
        assert!(first[0].starts_with("built "), "{first:?}");
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
