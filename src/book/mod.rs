//! Layer 5, the book: find sources, evaluate their directives into records (every printed value
//! with its provenance), write a built copy of the book and its manifest, keep the drift lock.
//! Reports progress through the [`build::Progress`] trait the application implements.
//!
//! Inside the layer, `model` (the records every later stage reads) comes first, then `evaluate`
//! (directives to text and records), then what writes or compares its results: `manifest`,
//! `output`, `lock` and `build`.

pub mod bibliography;
pub mod build;
pub mod config;
pub mod evaluate;
pub mod figures;
pub mod files;
pub mod lock;
pub mod manifest;
pub mod model;
pub mod output;
pub mod own;
pub mod paths;
pub mod templates;
