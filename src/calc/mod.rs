//! Layer 3, the calculation: solver parameters and outputs ([`params`]), the formula library
//! ([`formulas`]), the analytical solvers ([`solvers`]), design-space searches ([`search`]), the
//! by-name solver catalog ([`catalog`]) and deployment plans ([`plan`]). Pure functions over the
//! registry: nothing here prints, reads files or decides exit codes.
//!
//! Inside the layer, data flows `params → formulas → solvers → search → catalog → plan`; the
//! layering test (`tests/layers.rs`) holds each module to importing only those before it.

pub mod catalog;
pub mod formulas;
pub mod params;
pub mod plan;
pub mod search;
pub mod solvers;
