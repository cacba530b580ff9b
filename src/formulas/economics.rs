//! Formulas: economics.

use super::FormulaDef;

/// The formulas of this module, callable by name.
pub const CATALOG: &[&FormulaDef] = &[];
