//! The book build, end to end with the real binary: `book-snippets/` pinned file by file and value
//! by value, each scanning construct and formatting rule, each error of the spec at its exact
//! location, all-or-nothing output, determinism, template overrides and `check`.

use std::path::{Path, PathBuf};

mod common;
use common::run;

/// A fresh, empty scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}

fn build(book: &str, out: &Path) -> String {
    let (code, stdout, stderr) = run(&["build", book, "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "build {book} failed:\n{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    stdout
}

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().flatten() {
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Every file under `dir` (relative path, bytes), sorted.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn book_snippets_build_is_pinned_file_by_file() {
    let out = scratch("snippets");
    let summary = build("book-snippets", &out);
    assert!(summary.starts_with("built book-snippets → "), "{summary}");
    assert!(summary.contains(" source files"), "{summary}");
    let files = tree(&out);
    assert!(files.iter().any(|(r, _)| r == "mlsysim-manifest.json"));
    assert!(files.iter().any(|(r, _)| r == "slides/roofline.tex"));
    // What the build wrote is compared with what is pinned, both ways: a built file that
    // disappears (its snapshot would silently go unused) or appears unpinned fails here.
    let snap = |rel: &str| format!("book__snippets__{}.snap", rel.replace('/', "__"));
    let built: std::collections::BTreeSet<String> = files
        .iter()
        .map(|(r, _)| r)
        .filter(|r| *r != "mlsysim-manifest.json" && !r.ends_with(".pdf"))
        .map(|r| snap(r))
        .collect();
    let pinned: std::collections::BTreeSet<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.starts_with("book__snippets__") && n.ends_with(".snap"))
            .collect();
    assert_eq!(
        built.difference(&pinned).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "built but not pinned"
    );
    assert_eq!(
        pinned.difference(&built).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "pinned but no longer built"
    );
    let pdfs: Vec<&str> = files
        .iter()
        .map(|(r, _)| r.as_str())
        .filter(|r| r.ends_with(".pdf"))
        .collect();
    assert_eq!(
        pdfs,
        [
            "figures/fig-slides-amdahl.pdf",
            "figures/fig-slides-carbon.pdf",
            "figures/fig-slides-doorbell.pdf",
            "figures/fig-slides-h100.pdf"
        ],
        "slide figures"
    );
    for (rel, bytes) in &files {
        if rel == "mlsysim-manifest.json" {
            continue;
        }
        if rel.ends_with(".pdf") {
            // Slide figures: PDF converted from the SVG (pinned by tests/figures.rs).
            assert!(bytes.starts_with(b"%PDF-"), "{rel}");
            continue;
        }
        let text = String::from_utf8(bytes.clone()).unwrap();
        insta::assert_snapshot!(format!("snippets__{}", rel.replace('/', "__")), text);
    }
}

#[test]
fn every_printed_value_of_book_snippets_is_pinned() {
    let out = scratch("snippets-values");
    build("book-snippets", &out);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("mlsysim-manifest.json")).unwrap()).unwrap();
    let values = manifest["values"].as_array().unwrap();
    let lineages = manifest["lineages"].as_array().unwrap();
    assert!(values.len() > 200, "only {} values", values.len());
    let lines: Vec<String> = values
        .iter()
        .map(|v| {
            format!(
                "{}:{}:{}{} = {}  <- {}",
                v["file"].as_str().unwrap(),
                v["line"],
                v["column"],
                v["cell"]
                    .as_str()
                    .map(|c| format!(" [{c}]"))
                    .unwrap_or_default(),
                v["printed"].as_str().unwrap(),
                lineages[v["lineage"].as_u64().unwrap() as usize]["sources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    insta::assert_snapshot!("snippets_printed_values", lines.join("\n"));
    // Lineage reaches the datasheet even through arithmetic: the H100 ridge point.
    let ridge = values
        .iter()
        .find(|v| v["derivation"] == "hardware.H100.ridge_point")
        .expect("a printed H100 ridge point");
    let lineage = &lineages[ridge["lineage"].as_u64().unwrap() as usize];
    let paths: Vec<&str> = lineage["registry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "hardware.H100.compute.peak_flops",
            "hardware.H100.memory.bandwidth"
        ]
    );
}

#[test]
fn builds_are_deterministic() {
    let a = scratch("det-a");
    let b = scratch("det-b");
    build("book-snippets", &a);
    build("book-snippets", &b);
    assert_eq!(tree(&a), tree(&b));
}

#[test]
fn scanning_constructs() {
    let out = scratch("constructs");
    build("tests/fixtures/books/constructs", &out);
    let ch = std::fs::read_to_string(out.join("chapter.qmd")).unwrap();
    let expect = [
        "note: <mlsysim value=\"hardware.H100.tdp\" unit=\"W\"/> stays in front matter",
        "Prose: an H100 draws 700 W.",
        "- List item: 400 W",
        "- Nested emphasis *1000 W*",
        "> Block quote: 20 g/kWh",
        "| H100 | 700 W |",
        "Callout: 1.06",
        "[^fn]: Footnote: 80 GiB.",
        "![Caption with 3.35 TB/s](x.png)",
        "Inline math $P = 989\\,\\mathrm{TFLOP/s}$",
        "I = 1{,}365.3",
        "700 W\nA directive alone on a line, followed by text on the next line.",
        "A multi-line tag: 3350 GB/s.",
        "Escaped: \\<mlsysim value=\"hardware.H100.tdp\"/> prints literally.",
        "Code span: `<mlsysim value=\"hardware.H100.tdp\" unit=\"W\"/>`.",
        "```markdown\n<mlsysim value=\"hardware.H100.tdp\" unit=\"W\"/>\n```",
        "    <mlsysim value=\"hardware.H100.tdp\" unit=\"W\"/>",
        "<!-- <mlsysim value=\"hardware.H100.tdp\" unit=\"W\"/> -->",
        "Let: TTFT 71.0 ms, ridge × 2 = 590 FLOP/byte.",
        "Cited: 700 W[^mlsysim-nvidia-h100-datasheet].",
        "[^mlsysim-nvidia-h100-datasheet]: NVIDIA H100 datasheet;",
    ];
    for e in expect {
        assert!(ch.contains(e), "missing {e:?} in:\n{ch}");
    }
    assert!(!ch.contains("let=\"srv\""), "a let prints nothing");
    let notes = std::fs::read_to_string(out.join("notes.md")).unwrap();
    // The unit once in the header, each source once in a note under the table.
    assert!(notes.contains("| Accelerator | FP16 peak (TFLOP/s) | TDP (W) |\n|:---|---:|---:|\n| NVIDIA H100 | 989 | 700 |"), "{notes}");
    assert!(notes.contains("\n\nSources: NVIDIA H100 datasheet; NVIDIA Hopper Architecture In-Depth; Choquette (2023), IEEE Micro; NVIDIA HGX H100 product carbon footprint[^mlsysim-nvidia-h100-datasheet]; NVIDIA A100 datasheet"), "{notes}");
    assert_eq!(
        notes.matches("[^mlsysim-nvidia-h100-datasheet]").count(),
        2,
        "one reference and one definition: {notes}"
    );
    assert!(notes.contains("| 32 | 2.20 | Compute |"), "{notes}");
    assert_eq!(
        notes
            .matches("\n[^mlsysim-nvidia-h100-datasheet]: ")
            .count(),
        1,
        "footnote defined once per file"
    );
    let tex = std::fs::read_to_string(out.join("slides.tex")).unwrap();
    assert!(
        tex.contains("utilisation $25.5\\%$ and 25.5\\% in text."),
        "{tex}"
    );
    assert!(
        tex.contains("% <mlsysim value=\"hardware.H100.tdp\" unit=\"W\"/> in a comment"),
        "{tex}"
    );
    assert!(tex.contains("Cost: \\$25,000."), "{tex}");
    insta::assert_snapshot!("constructs_chapter", ch);
}

#[test]
fn formatting_rules() {
    let out = scratch("formatting");
    build("tests/fixtures/books/formatting", &out);
    let text = std::fs::read_to_string(out.join("numbers.md")).unwrap();
    let expect = [
        "- digits: 21.5",
        "- group in text: 1,365.3",
        "- group in math: $1{,}365.3$",
        "- sci: 3.14 × 10²³",
        "- sci in math: $3.14 \\times 10^{23}$",
        "- round half-up on the decimal: 21.5",
        "- round half-even: 21.4",
        "- floor: 2.6",
        "- ceil: 2.7",
        "- trunc: −2.6",
        "- sig: 0.00012",
        "- default 3 significant digits: 295 FLOP/byte",
        "- group default for 5+ digits: \\$18,250,000 and 4 digits 2039 GB/s",
        "- group false: \\$18250000",
        "- scaled: 18.25B and \\$1.8M",
        "- percent: 63.6%",
        "- multiple: 41×",
        "- show-unit false: 700",
        "- unit conversion: 85.899 GB",
        "- math unit: $3.35\\,\\mathrm{TB/s}$",
        "- expect inside range: 295.2 FLOP/byte",
    ];
    for e in expect {
        assert!(text.contains(e), "missing {e:?} in:\n{text}");
    }
}

#[test]
fn every_error_is_reported_at_its_location_and_nothing_is_written() {
    let out = scratch("errors");
    // A previous good build must survive a failed one untouched.
    build("tests/fixtures/books/formatting", &out);
    let before = tree(&out);
    let (code, stdout, stderr) = run(&[
        "build",
        "tests/fixtures/books/errors",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(
        tree(&out),
        before,
        "a failed build must not touch the output"
    );
    let f = "tests/fixtures/books/errors/chapter.qmd";
    let expect = [
        "3:30: error: unknown hardware key `H10`; did you mean `H100`",
        "4:55: error: unknown attribute `unti`",
        "5:54: error: display unit `GB/s` measures bandwidth (bytes/s), but the value is power",
        "6:34: error: cannot add power and bandwidth (bytes/s)",
        "7:86: error: value 295 FLOP/byte is outside the expected range 300..310",
        "8:36: error: `later` is used before it is bound (its `let` is on line 9)",
        "10:24: error: `later` is already bound on line 9",
        "11:82: error: solver `roofline` has no output `latncy`; did you mean `latency`?",
        "12:82: error: solver `roofline` has no input `batch`",
        "13:15: error: the value is power, so it needs a display unit",
        "14:31: error: a directive has exactly one kind, but this one has value and solve",
        "15:15: error: unterminated `<mlsysim` tag",
    ];
    for e in expect {
        assert!(
            stderr.contains(&format!("{f}:{e}")),
            "missing {e:?} in:\n{stderr}"
        );
    }
    assert!(
        stderr.ends_with("error: build failed with 12 error(s); nothing was written\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("  = help: did you mean `unit`?"),
        "{stderr}"
    );
    insta::assert_snapshot!("errors_report", stderr);
    let (code, _, stderr2) = run(&["check", "tests/fixtures/books/errors"]);
    assert_eq!(code, 1);
    assert!(stderr2.contains(&format!("{f}:3:30: error:")), "{stderr2}");
}

#[test]
fn check_evaluates_and_writes_nothing() {
    // A copy of the book: `check` leaves its folder and the folder around it as they were.
    let dir = scratch("check-writes-nothing");
    let book = dir.join("book");
    copy_tree(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("book-snippets")
            .as_path(),
        &book,
    );
    let before = tree(&dir);
    let (code, stdout, stderr) = run(&["check", book.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("check passed: "), "{stdout}");
    assert_eq!(tree(&dir), before, "check wrote something");
    let (code, stdout, stderr) = run(&["check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("check passed: "), "{stdout}");
    let (code, stdout, _) = run(&["check", "book-snippets", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["status"], "ok");
}

#[test]
fn templates_can_be_overridden() {
    let out = scratch("templates");
    let (code, _, stderr) = run(&[
        "build",
        "tests/fixtures/books/constructs",
        "--out",
        out.to_str().unwrap(),
        "--templates",
        "tests/fixtures/books/templates-override",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let notes = std::fs::read_to_string(out.join("notes.md")).unwrap();
    assert!(notes.contains("<!-- generated by mlsysim-book -->\n| Accelerator | FP16 peak (TFLOP/s) | TDP (W) |\n|---|---|---|"), "{notes}");
}

#[test]
fn output_folder_safety() {
    // The output may not contain the book, nor replace a folder the tool did not write.
    let (code, _, stderr) = run(&[
        "build",
        "tests/fixtures/books/formatting",
        "--out",
        "tests/fixtures/books",
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("would contain the book itself"), "{stderr}");
    let foreign = scratch("foreign");
    std::fs::write(foreign.join("keep.txt"), "mine").unwrap();
    let (code, _, stderr) = run(&[
        "build",
        "tests/fixtures/books/formatting",
        "--out",
        foreign.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("was not written by mlsysim-book"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(foreign.join("keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, _) = run(&["build", "--no-such-flag"]);
    assert_eq!(code, 2);
    // A watch keeps running: it cannot fail on warnings.
    let (code, _, stderr) = run(&["build", "--watch", "--deny-warnings"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = run(&[
        "build",
        "no-such-book",
        "--out",
        scratch("nobook").join("o").to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("book folder not found"), "{stderr}");
}

#[test]
fn a_book_config_can_name_its_own_registry() {
    // `mlsysim.toml` points at the (deliberately broken) fixture registry: its errors are reported.
    let (code, _, stderr) = run(&["check", "tests/fixtures/books/own-registry"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("bad-registry/hardware/cloud/Widget.toml:10:14: error:"),
        "{stderr}"
    );
    // `--registry` wins over the book config.
    let (code, stdout, stderr) = run(&[
        "--registry",
        "registry",
        "check",
        "tests/fixtures/books/own-registry",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("check passed: 1 source files, 1 directives"),
        "{stdout}"
    );
}

/// A chapter whose solvers warn (INT4 on an H100, whose datasheet lists no INT4 peak): each
/// directive whose solver warned is named on stderr at its location, once; the build succeeds; the
/// manifest carries the warnings of every value resting on a warned result (a `value` through a
/// `let` too) and no `warnings` key on the others; `--deny-warnings` fails `check`, `build` (which
/// then writes nothing) and `build --emit-cache`.
#[test]
fn solver_warnings_reach_the_author() {
    let book = "tests/fixtures/books/warnings";
    let f = "tests/fixtures/books/warnings/chapter.qmd";
    let precision = "Precision 'int4' not in NVIDIA H100 precision_flops (available: [";
    let out = scratch("warnings");
    let (code, stdout, stderr) = run(&["build", book, "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("built "), "{stdout}");
    for at in ["3:122", "5:1", "9:1"] {
        let line = format!("{f}:{at}: warning: {precision}");
        assert!(stderr.contains(&line), "missing {line:?} in:\n{stderr}");
    }
    let figure = format!("{f}:11:1: warning: figure `fig-int4`: {precision}");
    assert!(stderr.contains(&figure), "{stderr}");
    assert_eq!(
        stderr.matches(": warning: ").count(),
        4,
        "one warning per directive whose solver warned (the value reading the `let` has none, the sweep's two rows share one):\n{stderr}"
    );
    assert!(!stderr.contains("error"), "{stderr}");
    // The directive is shown and its tag underlined, as for errors.
    assert!(
        stderr.contains("5 | <mlsysim let=\"q\" solve=\"roofline\"")
            && stderr.contains("  | ^^^^^^^^\n"),
        "{stderr}"
    );

    let text = std::fs::read_to_string(out.join("mlsysim-manifest.json")).unwrap();
    let m: serde_json::Value = serde_json::from_str(&text).unwrap();
    let warned: Vec<(String, bool)> = m["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let at = format!(
                "{}:{}{}",
                v["line"],
                v["column"],
                v["cell"]
                    .as_str()
                    .map_or(String::new(), |c| format!(" {c}"))
            );
            let w = v.get("warnings").map(|w| {
                let w = w.as_array().unwrap();
                assert_eq!(w.len(), 1, "{at}: {w:?}");
                assert!(w[0].as_str().unwrap().contains(precision), "{at}: {w:?}");
            });
            (at, w.is_some())
        })
        .collect();
    let expect = [
        ("3:122", true),
        ("7:26", true),
        ("7:105", false),
        ("9:1 batch_size=1/latency", true),
        ("9:1 batch_size=8/latency", true),
    ];
    for (at, w) in expect {
        assert!(
            warned.contains(&(at.to_string(), w)),
            "{at} should{} carry warnings: {warned:?}",
            if w { "" } else { " not" }
        );
    }
    assert!(
        warned
            .iter()
            .filter(|(at, _)| at.starts_with("11:1"))
            .all(|(_, w)| *w),
        "{warned:?}"
    );
    // Values without warnings are written as before: no `warnings` key at all.
    let plain = text
        .lines()
        .find(|l| l.contains("\"line\":7,\"column\":105"))
        .unwrap();
    assert!(plain.ends_with("\"lineage\":2},"), "{plain}");

    let (code, stdout, stderr) = run(&["check", book]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("check passed: "), "{stdout}");
    assert_eq!(stderr.matches(": warning: ").count(), 4, "{stderr}");

    let (code, _, stderr) = run(&["check", book, "--deny-warnings"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("{f}:3:122: warning: ")),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("error: check failed: 4 warning(s) denied by --deny-warnings\n"),
        "{stderr}"
    );

    let before = tree(&out);
    let (code, stdout, stderr) = run(&[
        "build",
        book,
        "--out",
        out.to_str().unwrap(),
        "--deny-warnings",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains(&format!("{f}:5:1: warning: ")), "{stderr}");
    assert!(
        stderr.ends_with(
            "error: build failed: 4 warning(s) denied by --deny-warnings; nothing was written\n"
        ),
        "{stderr}"
    );
    assert_eq!(
        tree(&out),
        before,
        "a denied build must not touch the output"
    );

    let cache = scratch("warnings-cache").join("values.json");
    let (code, _, stderr) = run(&[
        "build",
        book,
        "--emit-cache",
        cache.to_str().unwrap(),
        "--deny-warnings",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.ends_with(
            "error: 4 warning(s) denied by --deny-warnings; the cache was not written\n"
        ),
        "{stderr}"
    );
    assert!(!cache.exists());

    // A book without warnings passes with the flag, and prints nothing on stderr.
    let (code, _, stderr) = run(&["check", "book-snippets", "--deny-warnings"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
}

#[test]
fn diagnostics_in_json_and_github_form_and_in_colour() {
    let book = "tests/fixtures/books/errors";
    let (code, out, err) = run(&["check", book, "--format", "json"]);
    assert_eq!(code, 1);
    // One JSON object per diagnostic on stdout; the closing summary stays on stderr.
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        assert!(
            v["file"].as_str().unwrap().ends_with("chapter.qmd"),
            "{line}"
        );
        assert!(v["line"].as_u64().unwrap() > 0 && v["column"].as_u64().unwrap() > 0);
    }
    assert!(err.contains("error: check failed with"), "{err}");
    insta::assert_snapshot!("errors_json", out);
    let (code, out, _) = run(&["check", book, "--format", "github"]);
    assert_eq!(code, 1);
    assert!(out.lines().all(|l| l.starts_with("::error file=")), "{out}");
    insta::assert_snapshot!("errors_github", out);
    // Colour only when asked (stderr is not a terminal here).
    let (_, _, plain) = run(&["check", book]);
    assert!(!plain.contains('\u{1b}'));
    let (_, _, coloured) = run(&["check", book, "--color", "always"]);
    assert!(
        coloured.contains("\u{1b}[1;31merror\u{1b}[0m"),
        "{coloured}"
    );
    let (_, _, never) = run(&["check", book, "--color", "never"]);
    assert_eq!(never, plain);
}

#[test]
fn every_bad_input_of_a_solver_is_reported_at_once() {
    let dir = scratch("all-inputs");
    std::fs::write(
        dir.join("ch.md"),
        "A <mlsysim solve=\"iron-law\" show=\"t_seq\" unit=\"ms\"/> and <mlsysim solve=\"amdahl\" fraction=\"0.5\" spedup=\"4\" show=\"speedup\"/>.\n\
         <mlsysim solve=\"serving\" model=\"Llama3_8\" hardware=\"H10\" batch=\"3\" show=\"ttft\" unit=\"ms\"/>\n",
    )
    .unwrap();
    let (code, _, err) = run(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    for needed in ["compute_time", "memory_time", "overhead"] {
        assert!(
            err.contains(&format!("error: iron-law: `{needed}` is required")),
            "{needed}: {err}"
        );
    }
    assert!(
        err.contains("solver `amdahl` has no input `spedup`"),
        "{err}"
    );
    // A core solver: both unknown keys and the unknown input, not one per run.
    for e in [
        "unknown models key `Llama3_8`",
        "unknown hardware key `H10`",
        "solver `serving` has no input `batch`; did you mean `batch_size`?",
    ] {
        assert!(err.contains(e), "{e}: {err}");
    }
}

/// The additions of v2 (ranges, unit words, labels, forced scale, new functions and units,
/// `group-from`, compare and group tables, expression columns, units in headers, missing cells,
/// table source notes) in every output target: Markdown text and math, LaTeX text and math,
/// footnote and pandoc citation styles.
#[test]
fn v2_additions_in_every_target() {
    for book in ["v2", "v2-pandoc"] {
        let out = scratch(&format!("{book}-out"));
        build(&format!("tests/fixtures/books/{book}"), &out);
        for file in ["chapter.qmd", "slides.tex"] {
            let text = std::fs::read_to_string(out.join(file)).unwrap();
            insta::assert_snapshot!(format!("{book}__{file}"), text);
        }
        let bib = out.join("mlsysim.bib");
        let csl = out.join("mlsysim-references.json");
        if book == "v2-pandoc" {
            let bib = std::fs::read_to_string(bib).unwrap();
            assert!(
                bib.contains("@online{horowitz-2014,\n  title = {{Horowitz (2014)"),
                "{bib}"
            );
            let csl: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(csl).unwrap()).unwrap();
            let h = csl
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["id"] == "horowitz-2014")
                .unwrap();
            assert_eq!(h["URL"], "https://doi.org/10.1109/ISSCC.2014.6757323");
            assert_eq!(h["accessed"]["date-parts"][0][0], 2026);
        } else {
            assert!(
                !bib.exists() && !csl.exists(),
                "footnote style writes no bibliography"
            );
        }
    }
}

#[test]
fn v2_errors_are_located_with_the_valid_choices() {
    let out = scratch("v2-errors");
    let (code, _, stderr) = run(&[
        "build",
        "tests/fixtures/books/v2-errors",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("v2_errors", stderr);
}

#[test]
fn missing_cells_are_reported_by_audit() {
    let (code, stdout, stderr) = run(&["audit", "tests/fixtures/books/v2", "--format", "json"]);
    assert!(code == 0 || code == 1, "{stderr}");
    let a: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let found: Vec<&serde_json::Value> = a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "missing-cell")
        .collect();
    assert_eq!(
        found.len(),
        2,
        "DRAM latency in the chapter and the slides: {found:?}"
    );
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("table cell `DRAM/latency` prints `—`"));
}

/// The rendered check: pandoc's HTML of a chapter whose 5×5 table cites 5 sources (and two values
/// cite two of them again) has 5 footnotes in footnote style and 5 bibliography entries in pandoc
/// style with `--citeproc` (BibLaTeX and CSL JSON alike).
#[test]
fn pandoc_renders_each_source_once() {
    let Ok(v) = std::process::Command::new("pandoc")
        .arg("--version")
        .output()
    else {
        panic!("pandoc is required for this test (`.ci/run` installs it)");
    };
    assert!(v.status.success());
    let pandoc = |args: &[&str]| {
        let o = std::process::Command::new("pandoc")
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let out = scratch("five-sources");
    build("tests/fixtures/books/five-sources", &out);
    let md = out.join("chapter.md");
    let html = pandoc(&[md.to_str().unwrap(), "-t", "html"]);
    assert_eq!(html.matches("<li id=\"fn").count(), 5, "{html}");
    let out = scratch("five-sources-pandoc");
    build("tests/fixtures/books/five-sources-pandoc", &out);
    let md = out.join("chapter.md");
    for bib in ["mlsysim.bib", "mlsysim-references.json"] {
        let html = pandoc(&[
            md.to_str().unwrap(),
            "--citeproc",
            "--bibliography",
            out.join(bib).to_str().unwrap(),
            "-t",
            "html",
        ]);
        assert_eq!(
            html.matches("class=\"csl-entry\"").count(),
            5,
            "{bib}: {html}"
        );
        assert!(!html.contains("<li id=\"fn"), "{html}");
    }
}
