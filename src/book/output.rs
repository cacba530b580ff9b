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
    // A symbolic link stays a link: its target is what gets replaced.
    let resolved;
    let out = if std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        resolved = out
            .canonicalize()
            .map_err(|e| format!("{}: {e}", out.display()))?;
        resolved.as_path()
    } else {
        out
    };
    recover(out);
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    if let Some((rel, _)) = files.iter().find(|(rel, _)| !is_safe_relative(rel)) {
        return Err(format!(
            "refusing to write `{rel}` outside the output folder"
        ));
    }
    let mut names: Vec<&str> = files.iter().map(|(rel, _)| rel.as_str()).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("two files would be written to `{}`", w[0]));
    }
    // A mount point cannot be renamed: its contents are swapped, from a folder inside it.
    let in_place = out.is_dir() && is_mount_point(out);
    let tmp = if in_place {
        out.join(format!(".mlsysim-tmp-{}", std::process::id()))
    } else {
        sibling(out, "mlsysim-tmp")
    };
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
    if in_place {
        return swap_contents(&tmp, out);
    }
    swap_in(&tmp, out)
}

/// Whether a process with id `pid` runs: signal 0 checks it exists without touching it (any
/// Unix; `EPERM` means it runs as another user); a number no process can have is not running.
/// Elsewhere a process is assumed to run, so nothing of a live build is ever removed.
fn alive(pid: &str) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = pid.parse::<libc::pid_t>() else {
            return false;
        };
        if pid <= 0 {
            return false;
        }
        // SAFETY: kill with signal 0 sends nothing; it only reports whether `pid` exists.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// The leftovers of an interrupted earlier write into `out` by a process no longer running:
/// (temporary folder, previous output) pairs as `(tag, path)`, beside `out` and inside it.
fn leftovers(out: &Path) -> Vec<(String, PathBuf)> {
    let name = out
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().to_string());
    let mut found = Vec::new();
    let mut scan = |dir: &Path, prefix: &str| {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().to_string();
            let Some(rest) = n.strip_prefix(prefix) else {
                continue;
            };
            for tag in ["mlsysim-tmp-", "mlsysim-old-"] {
                if let Some(pid) = rest.strip_prefix(tag) {
                    if pid.bytes().all(|b| b.is_ascii_digit()) && !alive(pid) {
                        found.push((tag.to_string(), e.path()));
                    }
                }
            }
        }
    };
    if let Some(parent) = out.parent() {
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        scan(parent, &format!(".{name}."));
    }
    scan(out, ".");
    found
}

/// Finishes or undoes what an interrupted write left, so the output is whole and no temporary
/// folder stays behind: a previous output beside a missing `out` is put back; a swap of contents
/// that had started is completed; every other leftover is removed.
pub fn recover(out: &Path) {
    let found = leftovers(out);
    for (tag, path) in &found {
        let inside = path.parent() == Some(out);
        if tag == "mlsysim-old-" && !inside && !out.exists() {
            let _ = std::fs::rename(path, out);
        }
    }
    // Inside `out` (a mount point): an old folder and a temporary folder of one process mean
    // the swap of contents had started: move the rest of the new contents in.
    for (tag, path) in &found {
        if tag == "mlsysim-tmp-" && path.parent() == Some(out) {
            let pid = path
                .to_string_lossy()
                .rsplit('-')
                .next()
                .unwrap_or("")
                .to_string();
            let old = out.join(format!(".mlsysim-old-{pid}"));
            if old.is_dir() {
                if let Ok(rd) = std::fs::read_dir(path) {
                    for e in rd.flatten() {
                        let dest = out.join(e.file_name());
                        let _ = std::fs::remove_dir_all(&dest);
                        let _ = std::fs::remove_file(&dest);
                        let _ = std::fs::rename(e.path(), dest);
                    }
                }
            }
        }
    }
    for (_, path) in leftovers(out) {
        let _ = std::fs::remove_dir_all(&path);
    }
}

/// Whether `dir` is a mount point (another file system than its parent's).
fn is_mount_point(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let parent = dir.join("..");
        match (std::fs::metadata(dir), std::fs::metadata(parent)) {
            (Ok(a), Ok(b)) => a.dev() != b.dev() || a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        false
    }
}

/// Atomically exchanges two paths (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c =
        |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (ca, cb) = (c(a)?, c(b)?);
    // SAFETY: two valid NUL-terminated paths relative to the working directory.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Makes the fully written folder `tmp` the contents of `out`. `out` is swapped atomically where
/// the system can (the old contents end in `tmp`, then removed); else by two renames, with the
/// previous output kept beside until the second succeeds ([`recover`] puts it back after a
/// crash between them).
fn swap_in(tmp: &Path, out: &Path) -> Result<(), String> {
    let fail = |e: std::io::Error| {
        let _ = std::fs::remove_dir_all(tmp);
        format!("{}: {e}", out.display())
    };
    if !out.exists() {
        return std::fs::rename(tmp, out).map_err(fail);
    }
    if exchange(tmp, out).is_ok() {
        let _ = std::fs::remove_dir_all(tmp);
        return Ok(());
    }
    let old = sibling(out, "mlsysim-old");
    std::fs::rename(out, &old).map_err(fail)?;
    if let Err(e) = std::fs::rename(tmp, out) {
        let _ = std::fs::rename(&old, out);
        return Err(fail(e));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// For an `out` that cannot be renamed (a mount point): the new contents are written into
/// `out/.mlsysim-tmp-PID`, the old ones moved into `out/.mlsysim-old-PID`, the new ones moved up,
/// and both folders removed. [`recover`] completes a swap a crash interrupted.
fn swap_contents(tmp: &Path, out: &Path) -> Result<(), String> {
    let old = out.join(format!(".mlsysim-old-{}", std::process::id()));
    let at = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    std::fs::create_dir_all(&old).map_err(|e| at(&old, e))?;
    let entries = |d: &Path| -> Result<Vec<std::ffi::OsString>, String> {
        Ok(std::fs::read_dir(d)
            .map_err(|e| at(d, e))?
            .flatten()
            .map(|e| e.file_name())
            .collect())
    };
    let own = |n: &std::ffi::OsString| {
        let n = n.to_string_lossy();
        n.starts_with(".mlsysim-tmp-") || n.starts_with(".mlsysim-old-")
    };
    for n in entries(out)?.into_iter().filter(|n| !own(n)) {
        std::fs::rename(out.join(&n), old.join(&n)).map_err(|e| at(&out.join(&n), e))?;
    }
    for n in entries(tmp)? {
        std::fs::rename(tmp.join(&n), out.join(&n)).map_err(|e| at(&out.join(&n), e))?;
    }
    let _ = std::fs::remove_dir_all(tmp);
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        v.sort();
        v
    }

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("mlsysim-output-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// The swap used for a mount point: the old contents go, the new ones come, nothing else
    /// stays; a swap interrupted after it started is completed by `recover`.
    #[test]
    fn contents_swap_replaces_everything_and_recovers_after_a_crash() {
        let out = scratch("contents").join("out");
        std::fs::create_dir_all(out.join("old-dir")).unwrap();
        std::fs::write(out.join(MANIFEST), "old").unwrap();
        std::fs::write(out.join("old.md"), "old").unwrap();
        let tmp = out.join(format!(".mlsysim-tmp-{}", std::process::id()));
        std::fs::create_dir_all(tmp.join("ch")).unwrap();
        std::fs::write(tmp.join(MANIFEST), "new").unwrap();
        std::fs::write(tmp.join("ch/a.md"), "new").unwrap();
        swap_contents(&tmp, &out).unwrap();
        assert_eq!(names(&out), ["ch", MANIFEST]);
        assert_eq!(std::fs::read_to_string(out.join(MANIFEST)).unwrap(), "new");

        // A crash mid-swap by a process that no longer runs: half the new contents moved.
        let dead = "4000000001";
        let (tmp, old) = (
            out.join(format!(".mlsysim-tmp-{dead}")),
            out.join(format!(".mlsysim-old-{dead}")),
        );
        std::fs::create_dir_all(&tmp).unwrap();
        std::fs::create_dir_all(&old).unwrap();
        std::fs::rename(out.join("ch"), old.join("ch")).unwrap();
        std::fs::rename(out.join(MANIFEST), old.join(MANIFEST)).unwrap();
        std::fs::write(out.join("x.md"), "newer").unwrap();
        std::fs::write(tmp.join(MANIFEST), "newer").unwrap();
        recover(&out);
        assert_eq!(names(&out), [MANIFEST, "x.md"]);
        assert_eq!(
            std::fs::read_to_string(out.join(MANIFEST)).unwrap(),
            "newer"
        );
    }

    /// Writing over an existing output keeps no temporary or old folder, and two writers of
    /// one path are refused before anything is written.
    #[test]
    fn write_tree_leaves_no_leftovers_and_refuses_duplicates() {
        let dir = scratch("tree");
        let out = dir.join("out");
        for text in ["one", "two"] {
            let files = vec![
                ("a.md".to_string(), Content::Bytes(text.as_bytes())),
                (MANIFEST.to_string(), Content::Bytes(b"{}")),
            ];
            write_tree(&out, &files).unwrap();
            assert_eq!(std::fs::read_to_string(out.join("a.md")).unwrap(), text);
            assert_eq!(names(&dir), ["out"]);
        }
        let dup = vec![
            ("a.md".to_string(), Content::Bytes(b"x")),
            ("a.md".to_string(), Content::Bytes(b"y")),
        ];
        assert!(write_tree(&out, &dup).unwrap_err().contains("two files"));
        assert_eq!(std::fs::read_to_string(out.join("a.md")).unwrap(), "two");
        assert_eq!(names(&dir), ["out"]);
    }
}
