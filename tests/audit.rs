//! `audit` and the drift lock, end to end with the real binary: the text, JSON and Markdown reports
//! on `book-snippets/` (pinned by snapshots), the questions (`--value`, `--source`, `--entry`),
//! findings and `--strict`, and a registry correction that `check` must catch value by value.

use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

mod common;
use common::{ok, root, run};

const AS_OF: &str = "2026-11-23";

fn json(args: &[&str]) -> Json {
    serde_json::from_str(&ok(args)).expect("valid JSON")
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mlsysim-audit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn full_audit_snapshots() {
    insta::assert_snapshot!("audit_text", ok(&["audit", "--as-of", AS_OF]));
    insta::assert_snapshot!(
        "audit_json",
        ok(&[
            "audit",
            "book-snippets",
            "--as-of",
            AS_OF,
            "--format",
            "json"
        ])
    );
    insta::assert_snapshot!(
        "audit_markdown",
        ok(&["audit", "--as-of", AS_OF, "--format", "markdown"])
    );
}

#[test]
fn full_audit_accounts_for_every_printed_value() {
    let a = json(&["audit", "--as-of", AS_OF, "--format", "json"]);
    let values = a["values"].as_array().unwrap();
    assert_eq!(
        values.len(),
        a["summary"]["values"].as_u64().unwrap() as usize
    );
    let (_, built, _) = run(&["check", "--format", "json"]);
    let check: Json = serde_json::from_str(&built).unwrap();
    assert_eq!(values.len(), check["values"].as_u64().unwrap() as usize);
    for v in values {
        for p in v["registry"].as_array().unwrap() {
            assert!(
                a["registry"][p.as_str().unwrap()].is_object(),
                "{p} missing"
            );
        }
        for id in v["sources"].as_array().unwrap() {
            assert!(
                a["sources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s["id"] == *id),
                "{id} missing"
            );
        }
    }
    // The sample book prints the H100 ridge point as 295, 295.2 and 300: one value rounded
    // differently (info), which is no disagreement (a warning for different values).
    let findings = a["findings"].as_array().unwrap();
    let ridge = findings
        .iter()
        .find(|f| f["code"] == "rounding" && f["subject"] == "hardware.H100.ridge_point")
        .expect("ridge point rounding");
    assert_eq!(ridge["severity"], "info");
    assert!(!findings.iter().any(|f| f["code"] == "disagreement"));
    let printed: Vec<&str> = ridge["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let v = &values[i.as_u64().unwrap() as usize];
            assert_eq!(v["registry"].as_array().unwrap().len(), 2);
            v["reads"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        printed,
        [
            "295 FLOP/byte",
            "295.2 FLOP/byte",
            "300 FLOP/byte",
            "295.2 FLOP/byte"
        ]
    );
    // A deliberately floored printing (`round="floor"`) is not a disagreement.
    assert!(!findings.iter().any(|f| f["subject"] == "fr.fleet_mtbf"));
    // The markdown appendix can live inside the book: no directive in it.
    let md = ok(&["audit", "--as-of", AS_OF, "--format", "markdown"]);
    assert!(!md.contains("<mlsysim"));
}

#[test]
fn value_question_traces_one_value_to_its_datasheet() {
    let out = ok(&[
        "audit",
        "--value",
        "book-snippets/01-hardware-acceleration.qmd:23:258",
    ]);
    insta::assert_snapshot!("audit_value", out);
    // The file may be given relative to the book, and a line without column gives every value on it.
    let a = json(&[
        "audit",
        "--value",
        "01-hardware-acceleration.qmd:23",
        "--format",
        "json",
    ]);
    let values = a["values"].as_array().unwrap();
    assert_eq!(values.len(), 6);
    assert!(values.iter().all(|v| v["line"] == 23));
    let ridge = &values[2];
    assert_eq!(ridge["derivation"], "hardware.H100.ridge_point");
    assert_eq!(
        a["registry"]["hardware.H100.memory.bandwidth"]["text"],
        "3.35 TB/s"
    );
    assert_eq!(
        a["registry"]["hardware.H100.compute.peak_flops"]["text"],
        "989 TFLOP/s"
    );
    assert!(a.get("findings").is_none() && a.get("summary").is_none());
}

#[test]
fn source_question_lists_every_dependent_value() {
    insta::assert_snapshot!(
        "audit_source",
        ok(&["audit", "--source", "nvidia-a100-datasheet"])
    );
    let full = json(&["audit", "--as-of", AS_OF, "--format", "json"]);
    let expected: Vec<&Json> = full["values"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| {
            v["sources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s == "cloud-pricing-2024")
        })
        .collect();
    let a = json(&[
        "audit",
        "--source",
        "cloud-pricing-2024",
        "--format",
        "json",
    ]);
    let got: Vec<&Json> = a["values"].as_array().unwrap().iter().collect();
    assert_eq!(got, expected);
    assert!(got.len() > 10);
    assert_eq!(a["query"]["kind"], "source");
}

#[test]
fn entry_question_is_the_impact_of_a_correction() {
    let full = json(&["audit", "--as-of", AS_OF, "--format", "json"]);
    let depends = |v: &Json, prefix: &str| {
        v["registry"].as_array().unwrap().iter().any(|p| {
            let p = p.as_str().unwrap();
            p == prefix || p.starts_with(&format!("{prefix}."))
        })
    };
    for entry in [
        "hardware.H100",
        "hardware.H100.memory.bandwidth",
        "hardware.H100.memory",
        "constants.framework_layer_tax",
    ] {
        let a = json(&["audit", "--entry", entry, "--format", "json"]);
        let got: BTreeSet<String> = a["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| format!("{} {}", v["at"], v["cell"]))
            .collect();
        let expected: BTreeSet<String> = full["values"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| depends(v, entry))
            .map(|v| format!("{} {}", v["at"], v["cell"]))
            .collect();
        assert_eq!(got, expected, "{entry}");
        assert!(!got.is_empty(), "{entry}");
    }
    let text = ok(&["audit", "--entry", "hardware.B200"]);
    assert!(
        text.starts_with("14 printed values rest on registry entry `hardware.B200`"),
        "{text}"
    );
}

#[test]
fn questions_with_bad_arguments() {
    let (code, _, err) = run(&["audit", "--source", "nvidia-h10"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("did you mean `nvidia-h100-datasheet`"),
        "{err}"
    );
    let (code, _, err) = run(&["audit", "--entry", "hardware.H10"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("unknown hardware key `H10`; did you mean `H100`"),
        "{err}"
    );
    let (code, _, err) = run(&["audit", "--entry", "hardware.H100.ridge_point"]);
    assert_eq!(code, 1);
    assert!(err.contains("derived"), "{err}");
    let (code, _, err) = run(&["audit", "--value", "01-hardware-acceleration.qmd:24"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("nearest lines with values: 19, 23, 25, 29, 38"),
        "{err}"
    );
    for args in [
        &["audit", "--value", "01-hardware-acceleration.qmd"][..],
        &["audit", "--as-of", "2026-02-30"],
        &["audit", "--source", "a", "--entry", "b"],
        &["audit", "--format", "html"],
        &["zoo", "--format", "markdown"],
    ] {
        let (code, _, _) = run(args);
        assert_eq!(code, 2, "{args:?}");
    }
}

/// A small book with two printings of one quantity, on a registry copy whose sources we control.
fn small_book(dir: &Path, config: &str) -> PathBuf {
    let book = dir.join("book");
    std::fs::create_dir_all(&book).unwrap();
    std::fs::write(
        book.join("ch.md"),
        "# Memory\n\nThe H100 reads <mlsysim value=\"hardware.H100.memory.bandwidth\" unit=\"TB/s\" digits=\"2\"/>.\n\nPeak: <mlsysim value=\"hardware.H100.compute.peak_flops\" unit=\"TFLOP/s\" digits=\"0\"/>.\n",
    )
    .unwrap();
    std::fs::write(book.join("mlsysim.toml"), config).unwrap();
    book
}

#[test]
fn strict_fails_on_warnings_and_the_age_limit_is_configurable() {
    // The sample book has warnings (illustrative sources); its roundings are not warnings.
    let (code, out, err) = run(&["audit", "--as-of", AS_OF, "--strict"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("Findings: 0 errors, 4 warnings"), "{out}");
    assert!(
        err.contains("--strict: 4 finding(s) at warning or error severity"),
        "{err}"
    );
    // Without --strict the same findings exit 0.
    assert_eq!(run(&["audit", "--as-of", AS_OF]).0, 0);

    let dir = scratch("strict");
    let book = small_book(&dir, "");
    let (code, out, err) = run(&["audit", s(&book), "--as-of", AS_OF, "--strict"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Findings: 0 errors, 0 warnings, 0 info"),
        "{out}"
    );
    // The H100 datasheet was verified 2026-06-11: stale three months later with a 3-month limit.
    let (code, out, _) = run(&[
        "audit",
        s(&book),
        "--as-of",
        "2026-09-12",
        "--max-age-months",
        "3",
        "--strict",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.contains("warning[stale-source] source `nvidia-h100-datasheet` was last verified on 2026-06-11, more than 3 months before 2026-09-12"),
        "{out}"
    );
    let (code, _, _) = run(&[
        "audit",
        s(&book),
        "--as-of",
        "2026-09-11",
        "--max-age-months",
        "3",
        "--strict",
    ]);
    assert_eq!(code, 0, "exactly 3 months is within the limit");
    // The limit can live in the book's mlsysim.toml; the flag overrides it.
    let book = small_book(&dir, "max_age_months = 3\n");
    assert_eq!(
        run(&["audit", s(&book), "--as-of", "2026-09-12", "--strict"]).0,
        1
    );
    assert_eq!(
        run(&[
            "audit",
            s(&book),
            "--as-of",
            "2026-09-12",
            "--strict",
            "--max-age-months",
            "18",
        ])
        .0,
        0
    );
    // A verified date after the audit date is suspicious.
    let (_, out, _) = run(&["audit", s(&book), "--as-of", "2026-01-01"]);
    assert!(out.contains("warning[future-verified]"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `(location, cell, old, new)` of each `printed value changed` line.
fn drift_lines(stderr: &str) -> BTreeSet<(String, String, String, String)> {
    stderr
        .lines()
        .filter_map(|l| {
            let (at, rest) = l.split_once(": error: printed value changed")?;
            let (cell, rest) = match rest.strip_prefix(" in cell ") {
                Some(r) => {
                    let (c, r) = r.split_once(": \"")?;
                    (c.to_string(), r)
                }
                None => (String::new(), rest.strip_prefix(": \"")?),
            };
            let rest = rest.strip_suffix("\" (was locked)")?;
            let (old, new) = rest.split_once("\" → \"")?;
            Some((at.to_string(), cell, old.to_string(), new.to_string()))
        })
        .collect()
}

fn manifest(out: &Path) -> Vec<Json> {
    let m: Json =
        serde_json::from_str(&std::fs::read_to_string(out.join("mlsysim-manifest.json")).unwrap())
            .unwrap();
    m["values"].as_array().unwrap().clone()
}

#[test]
fn a_registry_correction_fails_check_with_exactly_the_changed_values() {
    // The committed lock matches the sample book: check passes without a note.
    let (code, _, err) = run(&["check"]);
    assert_eq!((code, err.as_str()), (0, ""));

    let dir = scratch("drift");
    let book = dir.join("book");
    let registry = dir.join("registry");
    copy_dir(&root().join("book-snippets"), &book);
    copy_dir(&root().join("registry"), &registry);
    let h100 = registry.join("hardware/cloud/H100.toml");
    let text = std::fs::read_to_string(&h100).unwrap();
    assert_eq!(text.matches("bandwidth = \"3.35 TB/s\"").count(), 1);
    std::fs::write(
        &h100,
        text.replace("bandwidth = \"3.35 TB/s\"", "bandwidth = \"3.36 TB/s\""),
    )
    .unwrap();

    // What actually prints differently: build the book (without its lock) on both registries.
    let unlocked = dir.join("unlocked");
    copy_dir(&book, &unlocked);
    std::fs::remove_file(unlocked.join("mlsysim.lock")).unwrap();
    let (old_out, new_out) = (dir.join("old"), dir.join("new"));
    let (code, _, err) = run(&["build", s(&unlocked), "--out", s(&old_out)]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&[
        "build",
        s(&unlocked),
        "--out",
        s(&new_out),
        "--registry",
        s(&registry),
    ]);
    assert_eq!(code, 0, "{err}");
    let (old, new) = (manifest(&old_out), manifest(&new_out));
    assert_eq!(old.len(), new.len());
    let expected: BTreeSet<(String, String, String, String)> = old
        .iter()
        .zip(&new)
        .filter(|(o, n)| o["printed"] != n["printed"])
        .map(|(o, n)| {
            (
                format!(
                    "{}/{}:{}:{}",
                    book.display(),
                    n["file"].as_str().unwrap(),
                    n["line"],
                    n["column"]
                ),
                n["cell"].as_str().unwrap_or("").to_string(),
                o["printed"].as_str().unwrap().to_string(),
                n["printed"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(expected.len() > 10, "{expected:?}");
    assert!(expected.contains(&(
        format!("{}/01-hardware-acceleration.qmd:23:258", book.display()),
        String::new(),
        "295.2\\,\\mathrm{FLOP/byte}".into(),
        "294.3\\,\\mathrm{FLOP/byte}".into()
    )));

    // check lists exactly those, old and new text with locations, and fails.
    let (code, out, err) = run(&["check", s(&book), "--registry", s(&registry)]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(drift_lines(&err), expected);
    assert!(
        err.trim_end().ends_with(&format!(
            "error: check failed: {} printed values changed since {}/mlsysim.lock; review each sentence, then accept with `mlsysim-book build {} --update-lock`",
            expected.len(),
            book.display(),
            book.display()
        )),
        "{err}"
    );
    // Every changed value is one `audit --entry` names as depending on the corrected field.
    let impact = json(&[
        "audit",
        s(&unlocked),
        "--entry",
        "hardware.H100.memory.bandwidth",
        "--format",
        "json",
    ]);
    let impacted: BTreeSet<String> = impact["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            format!(
                "{}:{}:{}",
                v["file"].as_str().unwrap(),
                v["line"],
                v["column"]
            )
        })
        .collect();
    for (at, ..) in &expected {
        let rel = at.strip_prefix(&format!("{}/", book.display())).unwrap();
        assert!(impacted.contains(rel), "{rel} not in the impact set");
    }

    // build refuses too, writing nothing.
    let out_dir = dir.join("out");
    let (code, _, err) = run(&[
        "build",
        s(&book),
        "--out",
        s(&out_dir),
        "--registry",
        s(&registry),
    ]);
    assert_eq!(code, 1);
    assert_eq!(drift_lines(&err), expected);
    assert!(err.contains("; nothing was written"), "{err}");
    assert!(!out_dir.exists());

    // build --update-lock accepts the change; check passes from then on.
    let (code, out, err) = run(&[
        "build",
        s(&book),
        "--out",
        s(&out_dir),
        "--registry",
        s(&registry),
        "--update-lock",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!(
            "lock: wrote {}/mlsysim.lock (478 values; {} changed, 0 added, 0 removed)",
            book.display(),
            expected.len()
        )),
        "{out}"
    );
    let (code, _, err) = run(&["check", s(&book), "--registry", s(&registry)]);
    assert_eq!((code, err.as_str()), (0, ""));
    // The lock is the only file of the book that changed, and only in the changed values.
    let before = std::fs::read_to_string(root().join("book-snippets/mlsysim.lock")).unwrap();
    let after = std::fs::read_to_string(book.join("mlsysim.lock")).unwrap();
    let differing = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(differing, expected.len());
    // Going back to the embedded registry is drift again, the other way round.
    let (code, _, err) = run(&["check", s(&book)]);
    assert_eq!(code, 1);
    let back: BTreeSet<_> = expected
        .iter()
        .map(|(a, c, o, n)| (a.clone(), c.clone(), n.clone(), o.clone()))
        .collect();
    assert_eq!(drift_lines(&err), back);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn editing_prose_is_not_drift_and_new_values_are_noted() {
    let dir = scratch("prose");
    let book = dir.join("book");
    copy_dir(&root().join("book-snippets"), &book);
    let ch = book.join("01-hardware-acceleration.qmd");
    let text = std::fs::read_to_string(&ch).unwrap();
    // Lines move, a value is added, one is removed.
    let edited = text
        .replacen(
            "## The Iron Law",
            "A new paragraph.\n\nThe A100 draws <mlsysim value=\"hardware.A100.tdp\" unit=\"kW\" digits=\"1\"/>.\n\n## The Iron Law",
            1,
        )
        .replacen(
            " from <mlsysim value=\"hardware.A100.memory.bandwidth\" unit=\"TB/s\" digits=\"2\" show-unit=\"false\"/> to",
            " from the A100 to",
            1,
        );
    assert_ne!(edited, text);
    std::fs::write(&ch, edited).unwrap();
    let (code, _, err) = run(&["check", s(&book)]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err.trim_end(),
        format!(
            "note: mlsysim.lock is out of date: 1 printed value is not locked yet, 1 locked value is no longer printed; `mlsysim-book build {} --update-lock` records them",
            book.display()
        )
    );
    // A broken lock is a located error.
    std::fs::write(
        book.join("mlsysim.lock"),
        "version = 1\n[[value]]\nat = 5\n",
    )
    .unwrap();
    let (code, _, err) = run(&["check", s(&book)]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(&format!("{}/mlsysim.lock:3:6: error:", book.display())),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Solver warnings in the audit: under each value resting on a warned result (text and JSON, where
/// values without warnings have no `warnings` key), in the detail of one value, and as a finding
/// of severity warning per distinct warning, which fails `--strict`.
#[test]
fn solver_warnings_are_audited() {
    let book = "tests/fixtures/books/warnings";
    let precision = "Precision 'int4' not in NVIDIA H100 precision_flops (available: [";
    let text = ok(&["audit", book, "--as-of", AS_OF]);
    assert!(
        text.contains(&format!("\n      warning: {precision}")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "\n  warning[solver-warning] 4 printed values rest on a solver result that warned: {precision}"
        )),
        "{text}"
    );
    assert!(
        text.contains(
            "\n  warning[solver-warning] 5 printed values rest on a solver result that warned: figure `fig-int4`: "
        ),
        "{text}"
    );

    let v = json(&["audit", book, "--as-of", AS_OF, "--format", "json"]);
    let values = v["values"].as_array().unwrap();
    let at = |a: &str| {
        values
            .iter()
            .find(|x| x["at"].as_str().unwrap().ends_with(a))
            .unwrap_or_else(|| panic!("no value at {a}"))
    };
    assert!(at("chapter.qmd:7:26")["warnings"][0]
        .as_str()
        .unwrap()
        .starts_with(precision));
    assert_eq!(at("chapter.qmd:7:26")["kind"], "value");
    assert!(at("chapter.qmd:7:105").get("warnings").is_none());
    let findings: Vec<(&str, &str, usize)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().unwrap(),
                f["code"].as_str().unwrap(),
                f["values"].as_array().unwrap().len(),
            )
        })
        .filter(|f| f.1 == "solver-warning")
        .collect();
    assert_eq!(
        findings,
        [
            ("warning", "solver-warning", 4),
            ("warning", "solver-warning", 5)
        ]
    );

    let one = ok(&[
        "audit",
        book,
        "--value",
        "tests/fixtures/books/warnings/chapter.qmd:7",
    ]);
    assert!(
        one.contains(&format!("\n  warning:    {precision}")),
        "{one}"
    );
    let (code, _, _) = run(&["audit", book, "--as-of", AS_OF, "--strict"]);
    assert_eq!(code, 1);
}
