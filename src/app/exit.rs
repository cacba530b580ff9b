//! Exit statuses, the same for every command: what a script or CI may rely on.

use std::process::ExitCode;

/// Success: the command did what it was asked (a plan's asserts hold).
pub const OK: u8 = 0;
/// Failure: errors in the book, the registry or the inputs (located on stderr), or a check that
/// does not pass (`check`, `audit --strict`, drift against the lock).
pub const FAILURE: u8 = 1;
/// Usage: bad arguments, or a malformed plan file.
pub const USAGE: u8 = 2;
/// A plan evaluated, and one of its asserts is violated.
pub const VIOLATED: u8 = 3;

/// The [`ExitCode`] of a status.
pub fn code(status: u8) -> ExitCode {
    ExitCode::from(status)
}
