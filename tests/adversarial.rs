//! Adversarial inputs and file systems (issue 19): every fixture is generated here. Each case
//! checks the exit code, where the error points, and that nothing was written or lost.
//! No case measures time: speed is `benches/speed.rs`'s.

mod common;

use common::{root, run};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn scratch(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("adversarial")
        .join(name);
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A book folder holding `files` (relative path, text).
fn book(name: &str, files: &[(&str, &str)]) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    let book = dir.join("book-src");
    for (rel, text) in files {
        let p = book.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    std::fs::create_dir_all(&book).unwrap();
    (book, dir.join("out"))
}

/// `build BOOK --out OUT`.
fn build(book: &Path, out: &Path) -> (i32, String, String) {
    run(&["build", s(book), "--out", s(out)])
}

/// A process that ended by a signal (a stack overflow aborts) has no exit code: -1 here.
fn assert_failed_cleanly(code: i32, err: &str) {
    assert_eq!(
        code, 1,
        "expected a clean failure (exit 1), got {code}: {err}"
    );
}

/// The files under `dir`, relative, sorted (hidden ones included).
fn tree(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walk(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

const TDP: &str = r#"<mlsysim value="hardware.H100.tdp" unit="W"/>"#;

// ---------------------------------------------------------------------------------------------
// Crashes and hangs: bounded recursion, bounded searches.

#[test]
fn deeply_nested_expressions_fail_located_instead_of_overflowing_the_stack() {
    let cases = [
        format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000)),
        format!("{}1", "-".repeat(30_000)),
        vec!["1"; 50_000].join(" + "),
    ];
    for (i, expr) in cases.iter().enumerate() {
        let (b, out) = book(
            &format!("deep-expr-{i}"),
            &[(
                "ch.md",
                &format!("Intro.\n\nX <mlsysim value=\"{expr}\"/>.\n"),
            )],
        );
        let (code, _, err) = build(&b, &out);
        assert_failed_cleanly(code, &err);
        assert!(err.contains("ch.md:3:"), "{}", &err[..err.len().min(400)]);
        assert!(
            err.contains("nested too deeply"),
            "{}",
            &err[..err.len().min(400)]
        );
        assert!(!out.exists(), "nothing written");
    }
}

#[test]
fn deeply_nested_expressions_through_mdbook_fail_cleanly() {
    let expr = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let content = format!("X <mlsysim value=\"{expr}\"/>.\n");
    let chapter = serde_json::json!({ "Chapter": { "name": "C", "content": content,
        "number": null, "sub_items": [], "path": "c.md", "source_path": "c.md", "parent_names": [] } });
    let ctx = serde_json::json!({ "root": "/b", "renderer": "html", "mdbook_version": "0.5.4",
        "config": { "book": { "src": "src" } } });
    let input = serde_json::to_string(&serde_json::json!([ctx, { "items": [chapter] }])).unwrap();
    let (code, out, err) = mdbook(&input);
    assert_failed_cleanly(code, &err);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("c.md:1:"), "{err}");
    assert!(err.contains("nested too deeply"), "{err}");
}

#[test]
fn deeply_nested_json_input_is_an_error_not_a_crash() {
    let input = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (code, out, err) = mdbook(&input);
    assert_failed_cleanly(code, &err);
    assert!(out.is_empty());
    assert!(err.contains("not JSON"), "{err}");
}

fn mdbook(input: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mlsysim-book"))
        .arg("mdbook")
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

#[test]
fn deeply_nested_plans_fail_located() {
    let dir = scratch("deep-plan");
    let yaml = dir.join("deep.yaml");
    std::fs::write(
        &yaml,
        format!("model: {}x{}\n", "[".repeat(100_000), "]".repeat(100_000)),
    )
    .unwrap();
    let toml = dir.join("deep.toml");
    std::fs::write(
        &toml,
        format!("model = {}1{}\n", "[".repeat(100_000), "]".repeat(100_000)),
    )
    .unwrap();
    for p in [&yaml, &toml] {
        let (code, _, err) = run(&["eval", s(p)]);
        assert_eq!(code, 2, "a plan error, like any other: {err}");
        assert!(err.contains(&format!("{}:1:", p.display())), "{err}");
        assert!(err.contains("nested more than 64 levels"), "{err}");
    }
}

#[test]
fn a_huge_max_batch_is_refused_with_the_cap_named() {
    let plan = root().join("tests/fixtures/plans/resnet.toml");
    let (code, out, err) = run(&[
        "optimize",
        "batch",
        s(&plan),
        "--sla-ms",
        "10",
        "--max-batch",
        "100000000000",
    ]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("--max-batch must be from 1 to 65536"), "{err}");
}

#[test]
fn a_huge_server_count_is_refused_not_allocated() {
    let f = |n: &str| {
        run(&[
            "eval",
            "formula",
            "queue_latency_mmc",
            "--arrival-rate",
            "1e17 Hz",
            "--service-rate",
            "1 Hz",
            "--num-servers",
            n,
        ])
    };
    let (code, _, err) = f("1e18");
    assert_ne!(code, 0);
    assert!(code > 0, "a clean exit, not a signal: {err}");
    assert!(
        err.contains("num_servers must be a whole number from 1 to 10000000"),
        "{err}"
    );
    let (code, out, err) = run(&[
        "eval",
        "formula",
        "queue_latency_mmc",
        "--arrival-rate",
        "9e6 Hz",
        "--service-rate",
        "1 Hz",
        "--num-servers",
        "10000000",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("rho"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// Data loss: the ownership rule.

#[test]
fn emit_cache_never_overwrites_a_chapter() {
    let (b, _) = book(
        "cache-over-chapter",
        &[("ch.qmd", &format!("TDP {TDP}.\n"))],
    );
    let chapter = b.join("ch.qmd");
    let before = std::fs::read_to_string(&chapter).unwrap();
    let (code, out, err) = run(&["build", s(&b), "--emit-cache", s(&chapter), "--update-lock"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("not written by mlsysim-book"), "{err}");
    assert!(err.contains(&chapter.display().to_string()), "{err}");
    assert!(err.contains("the cache was not written"), "{err}");
    assert_eq!(std::fs::read_to_string(&chapter).unwrap(), before);
    assert!(
        !b.join("mlsysim.lock").exists(),
        "the lock was not written either"
    );
    // Its own cache it replaces.
    let cache = b.parent().unwrap().join("cache.json");
    for _ in 0..2 {
        let (code, _, err) = run(&["build", s(&b), "--emit-cache", s(&cache)]);
        assert_eq!(code, 0, "{err}");
    }
}

#[test]
fn figures_never_overwrite_the_authors_own_drawing() {
    let (b, _) = book(
        "figures-own",
        &[(
            "ch.md",
            "<mlsysim figure=\"roofline\" id=\"fig-r\" hardware=\"H100\" caption=\"R\" alt=\"R\"/>\n",
        )],
    );
    let dir = b.parent().unwrap().join("site");
    let mine = dir.join("figures/fig-r.svg");
    std::fs::create_dir_all(mine.parent().unwrap()).unwrap();
    std::fs::write(&mine, "<svg>my own</svg>").unwrap();
    let (code, _, err) = run(&["figures", s(&b), "--out", s(&dir)]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("{}:1:1: error:", mine.display())),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "<svg>my own</svg>");
    assert_eq!(tree(&dir), ["figures/fig-r.svg"]);
    // Without the author's file, the figure is written, and rewritten on the next run.
    std::fs::remove_file(&mine).unwrap();
    for _ in 0..2 {
        let (code, _, err) = run(&["figures", s(&b), "--out", s(&dir)]);
        assert_eq!(code, 0, "{err}");
    }
    assert!(std::fs::read_to_string(&mine).unwrap().contains("<svg"));
}

#[test]
fn a_book_file_cannot_forge_the_manifest() {
    let (b, out) = book(
        "forged-manifest",
        &[
            ("ch.md", &format!("TDP {TDP}.\n")),
            ("mlsysim-manifest.json", "{\"forged\": true}\n"),
        ],
    );
    let (code, _, err) = build(&b, &out);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "{}:1:1: error:",
            b.join("mlsysim-manifest.json").display()
        )),
        "{err}"
    );
    assert!(
        err.contains("generates `mlsysim-manifest.json` itself"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn a_book_file_cannot_take_the_place_of_the_bibliography() {
    let (b, out) = book(
        "forged-bib",
        &[
            ("ch.md", &format!("TDP {TDP}.\n")),
            ("mlsysim.toml", "[cite]\nstyle = \"pandoc\"\n"),
            ("mlsysim.bib", "@misc{mine, title={Mine}}\n"),
        ],
    );
    let (code, _, err) = build(&b, &out);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "{}:1:1: error: the build generates `mlsysim.bib` itself",
            b.join("mlsysim.bib").display()
        )),
        "{err}"
    );
    assert!(!out.exists());
    // Footnote citations write no bibliography: the author's own file is just copied.
    std::fs::write(b.join("mlsysim.toml"), "").unwrap();
    let (code, _, err) = build(&b, &out);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("mlsysim.bib")).unwrap(),
        "@misc{mine, title={Mine}}\n"
    );
}

// ---------------------------------------------------------------------------------------------
// Silent or misleading.

#[test]
fn near_directives_are_located_errors() {
    for (i, text) in [
        "A\n\nX <mlsysim\u{a0}value=\"hardware.H100.tdp\"/>.\n",
        "A\n\nX <mlsysm value=\"hardware.H100.tdp\"/>.\n",
        "A\n\nX <mlsysim\u{2003}value=\"hardware.H100.tdp\"/>.\n",
    ]
    .iter()
    .enumerate()
    {
        let (b, out) = book(&format!("near-{i}"), &[("ch.md", text)]);
        let (code, _, err) = build(&b, &out);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("ch.md:3:3: error:"), "{err}");
        assert!(!out.exists());
    }
}

#[test]
fn a_byte_order_mark_does_not_shift_columns() {
    let (b, out) = book(
        "bom",
        &[(
            "ch.md",
            "\u{feff}X <mlsysim value=\"hardware.H101.tdp\"/>.\n",
        )],
    );
    let (code, _, err) = build(&b, &out);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("ch.md:1:"), "{err}");
    let col: u32 = err
        .split("ch.md:1:")
        .nth(1)
        .and_then(|r| r.split(':').next())
        .and_then(|c| c.parse().ok())
        .unwrap();
    // Without the mark, the same text reports the same column.
    let (b2, out2) = book(
        "no-bom",
        &[("ch.md", "X <mlsysim value=\"hardware.H101.tdp\"/>.\n")],
    );
    let (_, _, err2) = build(&b2, &out2);
    assert!(err2.contains(&format!("ch.md:1:{col}:")), "{err}\n{err2}");
}

#[test]
fn physical_ranges_of_the_registry_are_checked() {
    let dir = scratch("registry-ranges");
    let reg = dir.join("registry");
    copy_dir(&root().join("registry"), &reg);
    let h100 = reg.join("hardware/cloud/H100.toml");
    let text = std::fs::read_to_string(&h100).unwrap();
    for (bad, what) in [
        ("bandwidth = \"-3.35 TB/s\"", "-3.35 TB/s"),
        ("bandwidth = \"0 TB/s\"", "0 TB/s"),
    ] {
        std::fs::write(&h100, text.replacen("bandwidth = \"3.35 TB/s\"", bad, 1)).unwrap();
        let (code, _, err) = check_with(&reg);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("H100.toml:27:"), "{err}");
        assert!(
            err.contains(&format!("= \"{what}\" is out of range")),
            "{err}"
        );
    }
    std::fs::write(
        &h100,
        text.replacen("capacity = \"80 GiB\"", "capacity = \"-80 GiB\"", 1),
    )
    .unwrap();
    let (code, _, err) = check_with(&reg);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("H100.toml:26:"), "{err}");
}

/// `check` of a one-line book with the registry `reg`.
fn check_with(reg: &Path) -> (i32, String, String) {
    let (b, _) = book(
        "registry-ranges-book",
        &[(
            "ch.md",
            "BW <mlsysim value=\"hardware.H100.memory.bandwidth\" unit=\"TB/s\"/>.\n",
        )],
    );
    run(&["check", s(&b), "--registry", s(reg)])
}

// ---------------------------------------------------------------------------------------------
// Escaping: registry strings reach LaTeX and Markdown through the escape of their target.

#[test]
fn registry_source_titles_and_urls_cannot_break_footnotes() {
    let dir = scratch("escaping");
    let reg = dir.join("registry");
    copy_dir(&root().join("registry"), &reg);
    let sources = reg.join("sources/hardware.toml");
    let text = std::fs::read_to_string(&sources).unwrap();
    let text = text
        .replace(
            "title = \"NVIDIA H100 datasheet; NVIDIA Hopper",
            "title = \"NVIDIA } H100 *x* 50% $1 & a_b\\n\\ndatasheet; NVIDIA Hopper",
        )
        .replace(
            "url = \"https://developer.nvidia.com/blog/nvidia-hopper-architecture-in-depth/\"",
            "url = \"https://x.org/a}b c>#f\"",
        );
    std::fs::write(&sources, text).unwrap();
    let cite = r#"<mlsysim value="hardware.H100.tdp" unit="W" cite="true"/>"#;
    let (b, out) = book(
        "escaping-book",
        &[
            ("ch.md", &format!("TDP {cite}.\n")),
            ("slides.tex", &format!("TDP {cite}.\n")),
        ],
    );
    let (code, _, err) = run(&["build", s(&b), "--out", s(&out), "--registry", s(&reg)]);
    assert_eq!(code, 0, "{err}");
    let tex = std::fs::read_to_string(out.join("slides.tex")).unwrap();
    assert!(
        tex.contains("NVIDIA \\} H100 *x* 50\\% \\$1 \\& a\\_b datasheet;"),
        "{tex}"
    );
    assert!(
        tex.contains("\\url{https://x.org/a\\%7Db\\%20c>\\#f}"),
        "{tex}"
    );
    let md = std::fs::read_to_string(out.join("ch.md")).unwrap();
    let def = md
        .lines()
        .find(|l| l.starts_with("[^"))
        .expect("a footnote");
    assert!(
        def.contains("NVIDIA } H100 \\*x\\* 50% \\$1 \\& a\\_b datasheet;"),
        "{md}"
    );
    assert!(def.contains("<https://x.org/a}b%20c%3E#f>"), "{md}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

#[cfg(unix)]
#[test]
fn symlinked_chapters_are_built_and_loops_are_located() {
    let (b, out) = book("symlinks", &[("real/ch.md", &format!("TDP {TDP}.\n"))]);
    std::os::unix::fs::symlink(b.join("real/ch.md"), b.join("linked.md")).unwrap();
    let (code, _, err) = build(&b, &out);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("linked.md")).unwrap(),
        "TDP 700 W.\n"
    );
    // A loop: an error at the link, nothing written.
    std::os::unix::fs::symlink(&b, b.join("real/loop")).unwrap();
    let before = tree(&out);
    let (code, _, err) = build(&b, &out);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "{}:1:1: error: symbolic link loop",
            b.join("real/loop").display()
        )),
        "{err}"
    );
    assert_eq!(tree(&out), before, "the previous output stays");
    std::fs::remove_file(b.join("real/loop")).unwrap();
    // A broken link: located too.
    std::os::unix::fs::symlink(b.join("missing.md"), b.join("broken.md")).unwrap();
    let (code, _, err) = build(&b, &out);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "{}:1:1: error: broken symbolic link",
            b.join("broken.md").display()
        )),
        "{err}"
    );
}

#[test]
fn a_folder_named_book_is_read_unless_it_is_mdbooks_output() {
    let (b, out) = book("book-folder", &[("book/ch.md", &format!("TDP {TDP}.\n"))]);
    let (code, _, err) = build(&b, &out);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("book/ch.md")).unwrap(),
        "TDP 700 W.\n"
    );
    // In an mdBook project `book/` is mdBook's output and is not read.
    std::fs::write(b.join("book.toml"), "[book]\n").unwrap();
    let (code, _, err) = build(&b, &out);
    assert_eq!(code, 0, "{err}");
    assert!(!out.join("book/ch.md").exists());
}

#[test]
fn a_folder_named_like_the_lock_is_an_error() {
    let (b, out) = book(
        "lock-folder",
        &[
            ("ch.md", &format!("TDP {TDP}.\n")),
            ("mlsysim.lock/x.md", "x\n"),
        ],
    );
    let (code, _, err) = build(&b, &out);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "{}:1:1: error: is a folder",
            b.join("mlsysim.lock").display()
        )),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn update_lock_on_a_read_only_book_keeps_the_previous_output() {
    let ro = ReadOnlyBook::new("ro-lock", &[("ch.md", &format!("TDP {TDP}.\n"))]);
    let (code, _, err) = ro.run(&["build", s(&ro.book), "--out", s(&ro.out)]);
    assert_eq!(code, 0, "{err}");
    let before = std::fs::read(ro.out.join("mlsysim-manifest.json")).unwrap();
    std::fs::write(ro.book.join("ch.md"), format!("TDP {TDP} now.\n")).unwrap();
    let (code, _, err) =
        ro.read_only(|| ro.run(&["build", s(&ro.book), "--out", s(&ro.out), "--update-lock"]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("mlsysim.lock:1:1: error: cannot write the drift lock"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!ro.book.join("mlsysim.lock").exists());
    assert_eq!(
        std::fs::read(ro.out.join("mlsysim-manifest.json")).unwrap(),
        before
    );
    assert_eq!(
        std::fs::read_to_string(ro.out.join("ch.md")).unwrap(),
        "TDP 700 W.\n"
    );
}

/// A book the tool cannot write to, also when the tests run as root (as in CI containers),
/// who writes anywhere: there the binary runs as the unprivileged user `nobody` (uid 65534)
/// from a copy under the system's temporary folder, which every user can reach, so the book
/// (owned by root, mode 755) is read-only to it while the output's folder is open to it.
struct ReadOnlyBook {
    dir: PathBuf,
    book: PathBuf,
    out: PathBuf,
    /// Set when running as root: the copied binary.
    as_nobody: Option<PathBuf>,
}

impl ReadOnlyBook {
    fn new(name: &str, files: &[(&str, &str)]) -> ReadOnlyBook {
        #[cfg(unix)]
        if unsafe { libc::geteuid() } == 0 {
            use std::os::unix::fs::PermissionsExt;
            let dir = std::env::temp_dir().join(format!("mlsysim-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
            let bin = dir.join("mlsysim-book");
            std::fs::copy(env!("CARGO_BIN_EXE_mlsysim-book"), &bin).unwrap();
            std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
            let book = dir.join("book");
            for (rel, text) in files {
                let p = book.join(rel);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, text).unwrap();
            }
            return ReadOnlyBook {
                out: dir.join("out"),
                dir,
                book,
                as_nobody: Some(bin),
            };
        }
        let (book, out) = book(name, files);
        ReadOnlyBook {
            dir: out.parent().unwrap().to_path_buf(),
            book,
            out,
            as_nobody: None,
        }
    }

    /// Runs the binary (as `nobody` when the tests run as root).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let Some(bin) = &self.as_nobody else {
            return run(args);
        };
        let mut cmd = Command::new(bin);
        #[cfg(unix)]
        std::os::unix::process::CommandExt::uid(
            std::os::unix::process::CommandExt::gid(&mut cmd, 65534),
            65534,
        );
        let out = cmd.args(args).current_dir(&self.dir).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Runs `f` while the book is read-only to the binary.
    fn read_only<T>(&self, f: impl FnOnce() -> T) -> T {
        if self.as_nobody.is_some() {
            return f(); // root's 755 folder: read-only to `nobody` already
        }
        set_read_only(&self.book, true);
        let r = f();
        set_read_only(&self.book, false);
        r
    }
}

impl Drop for ReadOnlyBook {
    fn drop(&mut self) {
        if self.as_nobody.is_some() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn set_read_only(p: &Path, ro: bool) {
    let mut perm = std::fs::metadata(p).unwrap().permissions();
    perm.set_readonly(ro);
    std::fs::set_permissions(p, perm).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Output swap.

#[cfg(unix)]
#[test]
fn a_symlinked_out_stays_a_link_and_gets_the_new_build() {
    let (b, _) = book("symlinked-out", &[("ch.md", &format!("TDP {TDP}.\n"))]);
    let dir = b.parent().unwrap();
    let real = dir.join("real-out");
    let link = dir.join("out-link");
    std::fs::create_dir_all(&real).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    for _ in 0..2 {
        let (code, _, err) = build(&b, &link);
        assert_eq!(code, 0, "{err}");
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            std::fs::read_to_string(real.join("ch.md")).unwrap(),
            "TDP 700 W.\n"
        );
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["book-src", "out-link", "real-out"], "no leftovers");
}

#[test]
fn leftovers_of_an_interrupted_build_are_recovered_and_removed() {
    let (b, out) = book("leftovers", &[("ch.md", &format!("TDP {TDP}.\n"))]);
    let dir = b.parent().unwrap().to_path_buf();
    let (code, _, err) = build(&b, &out);
    assert_eq!(code, 0, "{err}");
    // A crash between the two renames of an earlier build: the output is beside, hidden, under
    // the id of a process that no longer runs; a half-written temporary folder too.
    let dead = "4000000000";
    let old = dir.join(format!(".out.mlsysim-old-{dead}"));
    std::fs::rename(&out, &old).unwrap();
    let tmp = dir.join(format!(".out.mlsysim-tmp-{dead}"));
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(tmp.join("half.md"), "half").unwrap();
    // A failing build puts the previous output back and leaves nothing else.
    std::fs::write(b.join("bad.md"), "<mlsysim value=\"nope.x\"/>\n").unwrap();
    let (code, _, err) = build(&b, &out);
    assert_eq!(code, 1, "{err}");
    assert!(out.join("ch.md").is_file(), "the previous output is back");
    assert!(!old.exists() && !tmp.exists(), "leftovers removed");
    std::fs::remove_file(b.join("bad.md")).unwrap();
    let (code, _, err) = build(&b, &out);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("ch.md").is_file());
    assert!(!old.exists() && !tmp.exists(), "leftovers removed");
    // The temporary folder of a build that still runs (this test's process) is left alone; one
    // of a process that ended (a child that exited) is removed.
    let live = dir.join(format!(".out.mlsysim-tmp-{}", std::process::id()));
    let ended = std::process::Command::new("true").spawn().unwrap();
    let ended_pid = ended.id();
    let _ = { ended }.wait();
    let dead = dir.join(format!(".out.mlsysim-tmp-{ended_pid}"));
    std::fs::create_dir_all(&live).unwrap();
    std::fs::create_dir_all(&dead).unwrap();
    let (code, _, err) = build(&b, &out);
    assert_eq!(code, 0, "{err}");
    assert!(live.is_dir(), "a running build's folder is kept");
    assert!(!dead.exists(), "an ended build's folder is removed");
    std::fs::remove_dir_all(&live).unwrap();
}
