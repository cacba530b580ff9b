//! The ownership rule for everything the tool writes (output folder, Quarto cache, figures, lock,
//! manifest): it never overwrites a file it did not write, and a file of the book can never take
//! the place of one it generates.
//!
//! How a write knows a file is its own: the output folder carries the manifest
//! ([`crate::book::output::check_replaceable`]); the cache names the tool in its first bytes; the
//! figures a `figures --out DIR` run wrote are listed in `DIR/figures/.mlsysim-figures`. A path
//! that exists and is none of these is refused before anything is written.

use std::io::Read;
use std::path::Path;

/// The record of the figure files `figures --out DIR` wrote, in `DIR/figures/`.
pub const FIGURES_RECORD: &str = ".mlsysim-figures";

/// Whether the first bytes of a file mark it as the tool's (a JSON file with
/// `"tool": "mlsysim-book"` near its start: the cache).
pub fn is_tool_json(head: &[u8]) -> bool {
    let head = String::from_utf8_lossy(head);
    head.trim_start().starts_with('{') && head.contains("\"tool\": \"mlsysim-book\"")
}

/// Refuses to replace `path` unless it does not exist or `ours` accepts its first 4 KiB.
/// A folder or a symbolic link is never replaced.
pub fn may_replace(path: &Path, ours: impl Fn(&[u8]) -> bool) -> Result<(), String> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    let refuse = |why: &str| {
        Err(format!(
            "{}: {why}; refusing to overwrite it (move it or choose another path)",
            path.display()
        ))
    };
    if meta.file_type().is_symlink() {
        return refuse("is a symbolic link");
    }
    if meta.is_dir() {
        return refuse("is a folder");
    }
    let mut head = Vec::with_capacity(4096);
    let read = std::fs::File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head));
    if read.is_err() || !ours(&head) {
        return refuse("exists and was not written by mlsysim-book");
    }
    Ok(())
}

/// The figure files recorded as written by earlier runs into `dir` (a `figures/` folder).
pub fn recorded_figures(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join(FIGURES_RECORD))
        .map(|t| t.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Refuses, before anything is written, to overwrite a figure file in `dir` that no earlier run
/// recorded (the author's own drawing). Names are file names inside `dir`.
pub fn check_figures(dir: &Path, names: &[String]) -> Result<(), String> {
    let recorded = recorded_figures(dir);
    let foreign: Vec<String> = names
        .iter()
        .filter(|n| !recorded.contains(n))
        .filter_map(|n| may_replace(&dir.join(n), |_| false).err())
        .collect();
    if foreign.is_empty() {
        Ok(())
    } else {
        Err(foreign.join("\n"))
    }
}

/// Records `names` (with those recorded before) as written by the tool in `dir`.
pub fn record_figures(dir: &Path, names: &[String]) -> Result<(), String> {
    let mut all = recorded_figures(dir);
    all.extend(names.iter().cloned());
    all.sort();
    all.dedup();
    let mut text = all.join("\n");
    text.push('\n');
    let path = dir.join(FIGURES_RECORD);
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absent_or_own_files_may_be_replaced() {
        let dir = std::env::temp_dir().join(format!("mlsysim-own-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        assert!(may_replace(&dir.join("absent"), |_| false).is_ok());
        std::fs::write(dir.join("chapter.qmd"), "# Chapter\n").unwrap();
        let e = may_replace(&dir.join("chapter.qmd"), is_tool_json).unwrap_err();
        assert!(e.contains("not written by mlsysim-book"), "{e}");
        std::fs::write(dir.join("c.json"), "{\n  \"tool\": \"mlsysim-book\"\n}\n").unwrap();
        assert!(may_replace(&dir.join("c.json"), is_tool_json).is_ok());
        assert!(may_replace(&dir.join("sub"), |_| true)
            .unwrap_err()
            .contains("is a folder"));
        std::fs::write(dir.join("a.svg"), "<svg/>").unwrap();
        let names = vec!["a.svg".to_string(), "b.svg".to_string()];
        assert!(check_figures(&dir, &names).unwrap_err().contains("a.svg"));
        record_figures(&dir, &names).unwrap();
        assert!(check_figures(&dir, &names).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
