//! `schema`: the JSON Schema of plan files, for editors and agents.

use crate::app::{exit, out};

/// `schema`: prints the plan's JSON Schema (JSON in every format).
pub fn run() -> crate::app::Result {
    out::line(format!("{:#}", crate::calc::plan::schema::plan_schema()))?;
    Ok(exit::code(exit::OK))
}
