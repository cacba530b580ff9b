//! mlsysim-book: a vetted registry, analytical solvers and a book build that keep every number of
//! an ML-systems textbook true.

#[macro_use]
extern crate uom;

pub mod directive;
pub mod formulas;
pub mod registry;
pub mod render;
pub mod solvers;
pub mod units;
