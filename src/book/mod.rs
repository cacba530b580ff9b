//! The book build: find sources, evaluate their directives, write a built copy of the book.

pub mod build;
pub mod config;
pub mod evaluate;
pub mod figures;
pub mod files;
pub mod lock;
pub mod manifest;
pub mod output;
pub mod paths;
pub mod templates;
