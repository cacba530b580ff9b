//! Layer 7, the application: the command line ([`cli`], clap), one module per command
//! ([`commands`]), output formats, registry loading with error reporting, the progress line and
//! exit codes. Everything below it returns data or errors; only this layer prints and exits.

pub mod cli;
pub mod commands;
pub mod progress;
