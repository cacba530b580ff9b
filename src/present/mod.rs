//! Rendering of directive results into book text.

mod decimal;
pub mod figure;
pub mod format;

pub use format::{
    display_value, format_number, format_number_plain, format_value, FormatError, FormatSpec,
    RoundMode, Style, Target,
};
