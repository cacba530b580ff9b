//! mlsysim-book: a vetted registry, analytical solvers and a book build that keep every number of
//! an ML-systems textbook true.

#[macro_use]
extern crate uom;

pub mod audit;
pub mod book;
pub mod cli;
pub mod diag;
pub mod directive;
pub mod eval;
pub mod formulas;
pub mod optimize;
pub mod plan;
pub mod registry;
pub mod render;
pub mod solvers;
pub mod units;
pub mod zoo;
