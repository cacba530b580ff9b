//! Layer 4, presentation: numbers formatted for each output target ([`mod@format`]) and figures drawn
//! from the solvers ([`figure`]). Reads the calculation layer; knows nothing of books.

mod decimal;
pub mod figure;
pub mod format;

pub use format::{
    display_value, format_number, format_number_plain, format_value, FormatError, FormatSpec,
    RoundMode, Style, Target,
};
