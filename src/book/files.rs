//! Finding a book's files: sources with directives (`.md`, `.qmd`, `.tex`) and everything else.

use crate::base::diag::Diagnostic;
use std::path::{Path, PathBuf};

/// What a file is to the build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// Markdown or Quarto.
    Markdown,
    /// LaTeX (Beamer slides).
    Latex,
    /// Anything else: copied as it is.
    Other,
}

impl FileKind {
    /// The kind of a path, by extension.
    pub fn of(path: &Path) -> FileKind {
        match path.extension().and_then(|e| e.to_str()) {
            Some("md" | "qmd") => FileKind::Markdown,
            Some("tex") => FileKind::Latex,
            _ => FileKind::Other,
        }
    }
}

/// One file of the book.
#[derive(Clone, Debug)]
pub struct BookFile {
    /// Path relative to the book folder, with `/` separators.
    pub rel: String,
    /// Path on disk.
    pub path: PathBuf,
    /// Kind.
    pub kind: FileKind,
}

/// Folders a build never reads: renderer outputs, caches, VCS data.
const SKIPPED: [&str; 7] = [
    "_build",
    "_site",
    "_book",
    "_freeze",
    "target",
    "node_modules",
    "_mlsysim",
];

/// Every file under `book`, sorted by path, skipping hidden entries, renderer output folders and
/// `out`. `book/` is mdBook's output folder only in an mdBook project (a `book.toml` beside it);
/// elsewhere it is read like any folder. Symbolic links are followed (a loop or a broken link is
/// an error at the link); `mlsysim.lock` must be the drift lock file, not a folder. Errors name the
/// path they are about.
pub fn discover(book: &Path, out: &Path) -> Result<Vec<BookFile>, Diagnostic> {
    if !book.is_dir() {
        return Err(Diagnostic::file(
            &book.display().to_string(),
            "book folder not found",
        ));
    }
    let out_abs = out.canonicalize().ok();
    let mdbook = book.join("book.toml").is_file();
    let lock = book.join(crate::book::lock::FILE);
    if lock.is_dir() {
        return Err(Diagnostic::file(
            &lock.display().to_string(),
            "is a folder; `mlsysim.lock` is the name of the book's drift lock file: rename the folder",
        ));
    }
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(book)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            if name.starts_with('.') {
                return false;
            }
            if e.file_type().is_dir()
                && e.depth() == 1
                && (SKIPPED.contains(&name.as_ref()) || (mdbook && name == "book"))
            {
                return false;
            }
            // The drift lock belongs to the book's sources, not to its output.
            if e.depth() == 1 && name == crate::book::lock::FILE {
                return false;
            }
            match (&out_abs, e.path().canonicalize()) {
                (Some(o), Ok(p)) => &p != o,
                _ => true,
            }
        });
    for entry in walker {
        let entry = entry.map_err(|e| {
            let at = e.path().unwrap_or(book).display().to_string();
            let msg = match (e.loop_ancestor(), e.io_error()) {
                (Some(a), _) => format!(
                    "symbolic link loop: it leads back to {}; remove the link or point it elsewhere",
                    a.display()
                ),
                (None, Some(io)) if io.kind() == std::io::ErrorKind::NotFound => {
                    "broken symbolic link: its target does not exist".to_string()
                }
                (None, Some(io)) => format!("cannot read: {io}"),
                (None, None) => e.to_string(),
            };
            Diagnostic::file(&at, msg)
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(book)
            .map_err(|e| Diagnostic::file(&entry.path().display().to_string(), e.to_string()))?;
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        files.push(BookFile {
            kind: FileKind::of(entry.path()),
            path: entry.path().to_path_buf(),
            rel,
        });
    }
    Ok(files)
}
