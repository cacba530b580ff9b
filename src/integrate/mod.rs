//! Fitting the toolchains books already use: the Quarto value cache (read by the Lua filter in
//! `integrations/quarto/`), the mdBook preprocessor, `build --watch`, and the progress line.

pub mod cache;
pub mod mdbook;
