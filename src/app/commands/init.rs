//! `init [DIR]`: a new book that builds and checks at once: one chapter with live directives, the
//! book settings, the Quarto and mdBook setups and a CI workflow that runs `check`. It never
//! overwrites: if any of its files exists, nothing is written.

use crate::app::{exit, out};
use std::path::Path;

/// The files of a new book: path relative to the book, contents.
const FILES: &[(&str, &str)] = &[
    (
        "mlsysim.toml",
        "# Settings of this book for mlsysim-book (all optional).\n\
         # registry = \"registry\"     # the book's own copy of the registry\n\
         # templates = \"templates\"   # template overrides\n\
         # max_age_months = 18        # audit: sources verified longer ago are findings\n",
    ),
    (
        "index.qmd",
        "# Why numbers need sources\n\
         \n\
         An H100 reads its memory at <mlsysim value=\"hardware.H100.memory.bandwidth\" unit=\"TB/s\" digits=\"2\"/>\n\
         and computes at <mlsysim value=\"hardware.H100.compute.peak_flops\" unit=\"TFLOP/s\" digits=\"0\"/> in FP16,\n\
         so a kernel needs about <mlsysim value=\"hardware.H100.ridge_point\" unit=\"FLOP/byte\" digits=\"0\"/>\n\
         operations per byte before compute, not memory, limits it.\n\
         \n\
         <mlsysim let=\"srv\" solve=\"serving\" model=\"Llama3_8B\" hardware=\"H100\" seq_len=\"2048\" batch_size=\"1\"/>\n\
         Serving Llama 3 8B on it, the first token of a 2,048-token prompt takes\n\
         <mlsysim value=\"srv.ttft\" unit=\"ms\" digits=\"1\"/>.\n\
         \n\
         <mlsysim table=\"hardware\" rows=\"A100, H100\" columns=\"compute.peak_flops:TFLOP/s|FP16 peak, memory.bandwidth:TB/s|Bandwidth, tdp:W|TDP\" cite=\"true\"/>\n",
    ),
    (
        "SUMMARY.md",
        "# Summary\n\n[Why numbers need sources](index.md)\n",
    ),
    (
        "index.md",
        "# Why numbers need sources\n\n\
         The ridge point of an H100 is <mlsysim value=\"hardware.H100.ridge_point\" unit=\"FLOP/byte\" digits=\"0\"/>.\n",
    ),
    (
        "book.toml",
        "# mdBook: `mdbook build` runs mlsysim-book as a preprocessor.\n\
         [book]\n\
         title = \"My book\"\n\
         src = \".\"\n\
         \n\
         [preprocessor.mlsysim]\n\
         command = \"mlsysim-book mdbook\"\n",
    ),
    (
        "_quarto.yml",
        "# Quarto: copy integrations/quarto/_extensions/mlsysim/ of mlsysim-book to _extensions/mlsysim/.\n\
         project:\n  \
           type: book\n  \
           pre-render: mlsysim-book build . --emit-cache _mlsysim/values.json\n  \
           output-dir: _book\n\
         \n\
         book:\n  \
           title: \"My book\"\n  \
           chapters:\n    \
             - index.qmd\n\
         \n\
         filters:\n  \
           - mlsysim\n",
    ),
    (
        ".github/workflows/mlsysim.yml",
        "# Every push: every number of the book is evaluated and compared with mlsysim.lock.\n\
         name: mlsysim\n\
         on: [push, pull_request]\n\
         jobs:\n  \
           check:\n    \
             runs-on: ubuntu-latest\n    \
             env:\n      \
               # Where mlsysim-book's repository lives (a git URL cargo can install from).\n      \
               MLSYSIM_BOOK_GIT: ${{ vars.MLSYSIM_BOOK_GIT }}\n    \
             steps:\n      \
               - uses: actions/checkout@v4\n      \
               - run: cargo install --locked --git \"$MLSYSIM_BOOK_GIT\" mlsysim-book\n      \
               - run: mlsysim-book check . --format github\n",
    ),
];

/// Writes the new book into `dir`.
pub fn run(dir: &Path) -> crate::app::Result {
    let existing: Vec<String> = FILES
        .iter()
        .filter(|(rel, _)| dir.join(rel).exists())
        .map(|(rel, _)| dir.join(rel).display().to_string())
        .collect();
    if !existing.is_empty() {
        for e in &existing {
            eprintln!("{e}: error: already exists; `init` never overwrites a file");
        }
        eprintln!(
            "error: nothing was written; choose an empty folder: `mlsysim-book init my-book`"
        );
        return Ok(exit::code(exit::FAILURE));
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text));
        if let Err(e) = written {
            eprintln!("{}: error: cannot write: {e}", path.display());
            return Ok(exit::code(exit::FAILURE));
        }
    }
    out::line(format!(
        "new book in {}: {} files. Next: `mlsysim-book check {}`, then `mlsysim-book build {} --update-lock` to lock its numbers",
        dir.display(),
        FILES.len(),
        dir.display(),
        dir.display()
    ))?;
    Ok(exit::code(exit::OK))
}
