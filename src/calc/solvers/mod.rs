//! The analytical solvers: pure functions over typed registry entries, matching mlsysim 0.3.0.
//!
//! Each solver has a typed entry point (`roofline::solve`, ...) and a by-name entry point
//! (`roofline::run`, reached through [`crate::calc::catalog::run`]) that takes
//! [`Params`](crate::calc::params::Params) and returns a
//! [`SolveOutput`](crate::calc::params::SolveOutput): every output by its mlsysim name, plus the
//! lineage.

pub mod decl;
pub mod distributed;
pub mod economics;
pub mod inputs;
pub mod models;
pub mod reliability;
pub mod roofline;
pub mod scenario;
pub mod serving;
pub mod sustainability;
