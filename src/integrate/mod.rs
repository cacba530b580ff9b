//! Layer 6, fitting the toolchains books already use: the Quarto value cache (read by the Lua
//! filter in `integrations/quarto/`) and the mdBook preprocessor's book walk. Their commands
//! (`build --emit-cache`, `mdbook`, `build --watch`) are in [`crate::app::commands`].

pub mod cache;
pub mod mdbook;
