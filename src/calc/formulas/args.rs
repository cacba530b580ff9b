//! Reading formula arguments by name, with mlsysim's validation messages.

use crate::base::units::Typed;
use crate::calc::params::{Out, ParamReader, SolveError};

pub fn missing(name: &str) -> SolveError {
    SolveError::Invalid {
        what: name.to_string(),
        message: format!("`{name}` is required"),
    }
}

/// A required quantity argument; a bare number is read in `bare_unit`.
pub fn arg<T: Typed>(r: &ParamReader, name: &str, bare_unit: &str) -> Result<T, SolveError> {
    opt_arg(r, name, bare_unit)?.ok_or_else(|| missing(name))
}

/// An optional quantity argument; a bare number is read in `bare_unit`.
pub fn opt_arg<T: Typed>(
    r: &ParamReader,
    name: &str,
    bare_unit: &str,
) -> Result<Option<T>, SolveError> {
    Ok(r.quantity(name, T::DIM, bare_unit)?
        .map(|v| T::from_base(v.si)))
}

/// A required plain-number argument.
pub fn num(r: &ParamReader, name: &str) -> Result<f64, SolveError> {
    r.number(name)?.ok_or_else(|| missing(name))
}

/// A float written as Python prints it (`1.0`, `0.25`, `inf`), for mlsysim's messages.
pub fn py_float(x: f64) -> String {
    if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_string()
    } else if x.fract() == 0.0 && x.abs() < 1e16 {
        format!("{x:.1}")
    } else {
        format!("{x}")
    }
}

pub fn invalid(name: &str, message: String) -> SolveError {
    SolveError::Invalid {
        what: name.to_string(),
        message,
    }
}

/// `x > 0`, else mlsysim's "`name` must be positive, got x".
pub fn positive(name: &str, x: f64) -> Result<f64, SolveError> {
    if x > 0.0 {
        Ok(x)
    } else {
        Err(invalid(
            name,
            format!("{name} must be positive, got {}", py_float(x)),
        ))
    }
}

/// `x ≥ 0`, else mlsysim's "`name` must be non-negative, got x".
pub fn nonnegative(name: &str, x: f64) -> Result<f64, SolveError> {
    if x >= 0.0 {
        Ok(x)
    } else {
        Err(invalid(
            name,
            format!("{name} must be non-negative, got {}", py_float(x)),
        ))
    }
}

/// `lo ≤ x ≤ hi`, else mlsysim's "`name` must be in [lo, hi], got x".
pub fn in_range(name: &str, x: f64, lo: f64, hi: f64) -> Result<f64, SolveError> {
    if (lo..=hi).contains(&x) {
        Ok(x)
    } else {
        let (lo, hi, x) = (py_float(lo), py_float(hi), py_float(x));
        Err(invalid(
            name,
            format!("{name} must be in [{lo}, {hi}], got {x}"),
        ))
    }
}

/// An output quantity.
pub fn q<T: Typed>(x: T) -> Out {
    Out::Value(x.value())
}
