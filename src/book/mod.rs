//! The book build: find sources, evaluate their directives, write a built copy of the book.

pub mod files;
pub mod output;
pub mod paths;
pub mod templates;
