//! Layer 5, the book: find sources, evaluate their directives into records (every printed value
//! with its provenance), write a built copy of the book and its manifest, keep the drift lock.
//! Reports progress through the [`build::Progress`] trait the application implements.

pub mod build;
pub mod config;
pub mod evaluate;
pub mod figures;
pub mod files;
pub mod lock;
pub mod manifest;
pub mod output;
pub mod own;
pub mod paths;
pub mod templates;
