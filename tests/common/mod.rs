//! Helpers shared by the integration tests that run the real binary.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// The repository root (tests run the binary from here).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `mlsysim-book ARGS` in `dir`: exit code, stdout, stderr.
pub fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mlsysim-book"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

/// Runs `mlsysim-book ARGS` from the repository root.
pub fn run(args: &[&str]) -> (i32, String, String) {
    run_in(root(), args)
}

/// Runs `mlsysim-book ARGS`, which must succeed without writing to stderr; returns stdout.
pub fn ok(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{args:?} failed: {err}");
    assert!(err.is_empty(), "{args:?} wrote to stderr: {err}");
    out
}
