//! Writing a built book: everything goes to a temporary folder beside the output, which replaces
//! the output only when every file was written. A failed build leaves the previous output intact.

use rayon::prelude::*;
use std::io::Write;
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
    let name = out
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().to_string());
    out.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

/// Refuses to replace a folder that is not an earlier build (a user's folder, the book itself).
pub fn check_replaceable(out: &Path, book: &Path) -> Result<(), String> {
    let (Ok(o), Ok(b)) = (out.canonicalize(), book.canonicalize()) else {
        return Ok(());
    };
    if b.starts_with(&o) {
        return Err(format!(
            "{}: the output folder would contain the book itself; choose another --out",
            out.display()
        ));
    }
    if o.is_dir() {
        let non_empty = std::fs::read_dir(&o)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
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

/// Writes one output file's contents to a stream.
pub type StreamFn<'a> = Box<dyn Fn(&mut dyn Write) -> std::io::Result<()> + Sync + 'a>;

/// The contents of one output file.
pub enum Content<'a> {
    /// Bytes in memory (a built source, a figure).
    Bytes(&'a [u8]),
    /// A file of the book copied as is (never loaded into memory).
    Copy(&'a Path),
    /// Written by a function straight to the file (the manifest, which is large).
    Stream(StreamFn<'a>),
}

impl Content<'_> {
    /// Writes the content to `p`.
    fn write_to(&self, p: &Path) -> Result<(), String> {
        let at = |e: std::io::Error| format!("{}: {e}", p.display());
        match self {
            Content::Bytes(b) => std::fs::write(p, b).map_err(at),
            Content::Copy(from) => std::fs::copy(from, p)
                .map(|_| ())
                .map_err(|e| format!("{}: cannot copy to {}: {e}", from.display(), p.display())),
            Content::Stream(f) => {
                let mut w = std::io::BufWriter::with_capacity(
                    1 << 16,
                    std::fs::File::create(p).map_err(at)?,
                );
                f(&mut w).map_err(at)?;
                w.flush().map_err(at)
            }
        }
    }
}

/// Writes `files` (relative path, content) as the new contents of `out`, all or nothing: files
/// are written in parallel to a temporary folder that replaces `out` only when all were written.
pub fn write_tree(out: &Path, files: &[(String, Content)]) -> Result<(), String> {
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    if let Some((rel, _)) = files.iter().find(|(rel, _)| !is_safe_relative(rel)) {
        return Err(format!(
            "refusing to write `{rel}` outside the output folder"
        ));
    }
    let tmp = sibling(out, "mlsysim-tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    let result = std::fs::create_dir_all(&tmp)
        .map_err(|e| format!("{}: {e}", tmp.display()))
        .and_then(|()| {
            // The largest first (the manifest), so it overlaps with the rest.
            let mut order: Vec<&(String, Content)> = files.iter().collect();
            order.sort_by_key(|(_, c)| !matches!(c, Content::Stream(_)));
            let errors: Vec<(usize, String)> = order
                .par_iter()
                .enumerate()
                .filter_map(|(i, (rel, content))| {
                    let p = tmp.join(rel);
                    let r = match p.parent() {
                        Some(d) if d != tmp => {
                            std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))
                        }
                        _ => Ok(()),
                    }
                    .and_then(|()| content.write_to(&p));
                    r.err().map(|e| (i, e))
                })
                .collect();
            match errors.into_iter().min_by_key(|(i, _)| *i) {
                Some((_, e)) => Err(e),
                None => Ok(()),
            }
        });
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
