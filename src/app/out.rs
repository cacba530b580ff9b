//! Standard output, written so that a closed pipe is not an error: every command writes its
//! results through [`print()`], which returns the write error instead of panicking as `print!`
//! does. [`crate::app::run`] turns a broken pipe (`mlsysim-book zoo | head`) into a quiet exit
//! with status 0, as ripgrep and other well-behaved Unix tools do.

use std::io::Write;

/// Writes `text` to stdout and flushes it.
pub fn print(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Writes `text` and a newline to stdout.
pub fn line(text: impl std::fmt::Display) -> std::io::Result<()> {
    print(&format!("{text}\n"))
}
