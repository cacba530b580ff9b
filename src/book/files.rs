//! Finding a book's files: sources with directives (`.md`, `.qmd`, `.tex`) and everything else.

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
const SKIPPED: [&str; 8] = [
    "_build",
    "_site",
    "_book",
    "_freeze",
    "target",
    "node_modules",
    "book",
    "_mlsysim",
];

/// Every file under `book`, sorted by path, skipping hidden entries, renderer output folders and `out`.
pub fn discover(book: &Path, out: &Path) -> Result<Vec<BookFile>, String> {
    if !book.is_dir() {
        return Err(format!("{}: book folder not found", book.display()));
    }
    let out_abs = out.canonicalize().ok();
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(book)
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
            if e.file_type().is_dir() && e.depth() == 1 && SKIPPED.contains(&name.as_ref()) {
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
        let entry = entry.map_err(|e| format!("{}: {e}", book.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(book).map_err(|e| e.to_string())?;
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
