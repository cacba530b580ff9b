//! Writing a built book: everything goes to a temporary folder beside the output, which replaces
//! the output only when every file was written. A failed build leaves the previous output intact.

use std::path::{Component, Path, PathBuf};

/// The manifest file name; its presence marks a folder as ours (safe to replace).
pub const MANIFEST: &str = "mlsysim-manifest.json";

/// Whether a relative output path stays inside the output folder.
pub fn is_safe_relative(rel: &str) -> bool {
    let p = Path::new(rel);
    !rel.is_empty()
        && !rel.contains('\\')
        && p.components().all(|c| matches!(c, Component::Normal(_)))
}

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().to_string());
    out.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

/// Refuses to replace a folder that is not an earlier build (a user's folder, the book itself).
pub fn check_replaceable(out: &Path, book: &Path) -> Result<(), String> {
    let (Ok(o), Ok(b)) = (out.canonicalize(), book.canonicalize()) else { return Ok(()) };
    if b.starts_with(&o) {
        return Err(format!("{}: the output folder would contain the book itself; choose another --out", out.display()));
    }
    if o.is_dir() {
        let non_empty = std::fs::read_dir(&o).map(|mut d| d.next().is_some()).unwrap_or(false);
        if non_empty && !o.join(MANIFEST).is_file() {
            return Err(format!(
                "{}: exists and was not written by mlsysim-book (no {MANIFEST}); refusing to replace it",
                out.display()
            ));
        }
    } else if o.exists() {
        return Err(format!("{}: exists and is not a folder", out.display()));
    }
    Ok(())
}

/// Writes `files` (relative path, bytes) as the new contents of `out`, all or nothing.
pub fn write_tree(out: &Path, files: &[(String, Vec<u8>)]) -> Result<(), String> {
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let tmp = sibling(out, "mlsysim-tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| {
        for (rel, bytes) in files {
            if !is_safe_relative(rel) {
                return Err(format!("refusing to write `{rel}` outside the output folder"));
            }
            let p = tmp.join(rel);
            if let Some(d) = p.parent() {
                std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
            }
            std::fs::write(&p, bytes).map_err(|e| format!("{}: {e}", p.display()))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let old = sibling(out, "mlsysim-old");
    if out.exists() {
        std::fs::rename(out, &old).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    if let Err(e) = std::fs::rename(&tmp, out) {
        let _ = std::fs::rename(&old, out);
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(format!("{}: {e}", out.display()));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}
