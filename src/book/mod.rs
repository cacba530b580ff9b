//! The book build: find sources, evaluate their directives, write a built copy of the book.
//!
//! Inside the layer, `model` (the records every later stage reads) comes first, then `evaluate`
//! (directives to text and records), then what writes or compares its results: `manifest`,
//! `output`, `lock` and `build`.

pub mod build;
pub mod config;
pub mod evaluate;
pub mod figures;
pub mod files;
pub mod lock;
pub mod manifest;
pub mod model;
pub mod output;
pub mod paths;
pub mod templates;
