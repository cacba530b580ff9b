//! The author's guide in docs/ is a book the tool checks: its live examples evaluate, the solver
//! reference is what the catalog generates, and `help` prints the same pages.

mod common;

use common::{ok, run};

#[test]
fn the_guide_checks_as_a_book() {
    let out = ok(&["check", "docs"]);
    assert!(out.starts_with("check passed: 8 source files"), "{out}");
}

#[test]
fn the_solver_reference_is_generated_from_the_catalog() {
    let generated = ok(&["help", "solvers"]);
    let file = std::fs::read_to_string(common::root().join("docs/solvers.md")).unwrap();
    assert!(
        file == generated,
        "docs/solvers.md is stale: regenerate it with `cargo run -- help solvers > docs/solvers.md`"
    );
    // Every solver of the catalog has its section, with its inputs.
    for name in mlsysim_book::calc::catalog::SOLVERS {
        assert!(file.contains(&format!("\n## `{name}`\n")), "{name} missing");
    }
    assert!(file.contains("| `speedup` |"), "amdahl's inputs");
}

#[test]
fn help_prints_the_guide_pages_evaluated() {
    let page = ok(&["help", "directives"]);
    // The example's result, computed now, not typed.
    assert!(page.contains("prints 295.2 FLOP/byte."), "{page}");
    // Examples in code blocks stay as written.
    assert!(page.contains("```markdown\n<mlsysim value=\"hardware.H100.compute.peak_flops / hardware.H100.memory.bandwidth\""));
    for topic in ["guide", "tables", "figures", "citations", "config"] {
        assert!(!ok(&["help", topic]).is_empty(), "{topic}");
    }
    assert!(ok(&["help", "check"]).contains("the CI gate"));
    assert!(ok(&["help"]).contains("topics: guide, directives"));
    let (code, _, err) = run(&["help", "chek"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `check`?"), "{err}");
}
