//! One module per command: each reads its arguments, calls the library, prints, and returns the
//! exit status.

pub mod audit;
pub mod build;
pub mod check;
pub mod emit_cache;
pub mod eval;
pub mod figures;
pub mod help;
pub mod init;
pub mod mdbook;
pub mod optimize;
pub mod plan;
pub mod schema;
#[cfg(feature = "watch")]
pub mod watch;
pub mod zoo;
