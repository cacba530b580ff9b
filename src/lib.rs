//! mlsysim-book: a vetted registry, analytical solvers and a book build that keep every number of
//! an ML-systems textbook true.
//!
//! The modules are layers, and each imports only from the layers below it (`tests/layers.rs`
//! keeps this true):
//!
//! 1. [`base`]: units, diagnostics, line index, dates, text helpers;
//! 2. [`registry`] (TOML → typed sourced values) and [`syntax`] (directive scanning, tags,
//!    expressions);
//! 3. [`calc`]: parameters, formulas, solvers, searches, plans: no printing;
//! 4. [`present`]: number formatting and figures;
//! 5. [`book`]: the data model of printed values, evaluation by directive kind, manifest, output,
//!    templates and the drift lock;
//! 6. [`audit`] and [`integrate`] (Quarto cache, mdBook preprocessing), reading the book;
//! 7. [`app`]: the command line (clap), one module per command, formats and exit codes.

#[macro_use]
extern crate uom;

pub mod base;

pub mod registry;
pub mod syntax;

pub mod calc;

pub mod present;

pub mod book;

pub mod audit;
pub mod integrate;

pub mod app;
