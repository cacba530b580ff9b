//! What every calculation takes and gives: precision, named parameters and their reader, outputs,
//! lineage and errors. The bottom of the calculation layer: formulas and solvers both build on it.

use crate::base::units::{Dim, Value};
use crate::registry::types::{LeafId, Sourced};
use crate::registry::LookupError;
use std::collections::BTreeMap;
use thiserror::Error;

/// Numeric precision of weights and compute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// 32-bit float.
    Fp32,
    /// TensorFloat-32 (stored as 4 bytes).
    Tf32,
    /// bfloat16.
    Bf16,
    /// IEEE half.
    Fp16,
    /// 8-bit float.
    Fp8,
    /// 8-bit integer.
    Int8,
    /// 4-bit integer.
    Int4,
}

impl Precision {
    /// All precisions, in the order mlsysim lists them in its error message.
    pub const ALL: [Precision; 7] = [
        Precision::Bf16,
        Precision::Fp16,
        Precision::Fp32,
        Precision::Fp8,
        Precision::Int4,
        Precision::Int8,
        Precision::Tf32,
    ];

    /// Parses a precision name, case-insensitively. No aliases (`fp16_dense` is rejected).
    pub fn parse(name: &str) -> Result<Precision, SolveError> {
        let lower = name.to_ascii_lowercase();
        Precision::ALL
            .into_iter()
            .find(|p| p.key() == lower)
            .ok_or_else(|| SolveError::Invalid {
                what: "precision".into(),
                message: format!(
                    "precision '{name}' is not supported. Supported precision values: {}",
                    Precision::ALL.map(|p| p.key()).join(", ")
                ),
            })
    }

    /// The canonical key (`fp16`), as used in `compute.precision_flops`.
    pub fn key(self) -> &'static str {
        match self {
            Precision::Fp32 => "fp32",
            Precision::Tf32 => "tf32",
            Precision::Bf16 => "bf16",
            Precision::Fp16 => "fp16",
            Precision::Fp8 => "fp8",
            Precision::Int8 => "int8",
            Precision::Int4 => "int4",
        }
    }

    /// Bytes per element.
    pub fn bytes(self) -> f64 {
        match self {
            Precision::Fp32 | Precision::Tf32 => 4.0,
            Precision::Bf16 | Precision::Fp16 => 2.0,
            Precision::Fp8 | Precision::Int8 => 1.0,
            Precision::Int4 => 0.5,
        }
    }
}

/// A solver input given by name (from a directive attribute, a CLI flag or a golden case).
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    /// A registry key or other text (`H100`, `fp16`).
    Text(String),
    /// A plain number.
    Number(f64),
    /// A quantity with a dimension.
    Quantity(Value),
    /// A boolean.
    Bool(bool),
}

/// Named solver inputs.
pub type Params = BTreeMap<String, Param>;

/// One solver output.
#[derive(Clone, Debug, PartialEq)]
pub enum Out {
    /// A quantity (dimensionless values have `Dim::NONE`).
    Value(Value),
    /// A label such as a bottleneck name.
    Label(String),
    /// A yes/no answer.
    Bool(bool),
    /// Not applicable for this input (mlsysim's `None`).
    Missing,
}

impl Out {
    /// A dimensionless number.
    pub fn number(x: f64) -> Out {
        Out::Value(Value::number(x))
    }

    /// A quantity of the given dimension in base units.
    pub fn qty(si: f64, dim: Dim) -> Out {
        Out::Value(Value::new(si, dim))
    }
}

/// Where a result came from: the solver, the formulas it applied and the registry leaves it read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lineage {
    /// Solver name (`roofline`).
    pub solver: &'static str,
    /// Formula names applied, in order, without duplicates.
    pub formulas: Vec<&'static str>,
    /// Registry leaves read, in order, without duplicates.
    pub leaves: Vec<LeafId>,
    /// Non-registry inputs by name (batch size, precision, ...).
    pub inputs: Vec<(String, String)>,
}

impl Lineage {
    /// A lineage for `solver`.
    pub fn new(solver: &'static str) -> Lineage {
        Lineage {
            solver,
            ..Lineage::default()
        }
    }

    /// Reads a sourced value, recording its leaf.
    pub fn read<T: Copy>(&mut self, s: Sourced<T>) -> T {
        if !self.leaves.contains(&s.leaf) {
            self.leaves.push(s.leaf);
        }
        s.v
    }

    /// Reads an optional sourced value, recording its leaf when present.
    pub fn read_opt<T: Copy>(&mut self, s: Option<Sourced<T>>) -> Option<T> {
        s.map(|s| self.read(s))
    }

    /// Records that a formula was applied.
    pub fn formula(&mut self, name: &'static str) {
        if !self.formulas.contains(&name) {
            self.formulas.push(name);
        }
    }

    /// Records a non-registry input.
    pub fn input(&mut self, name: &str, value: impl ToString) {
        self.inputs.push((name.to_string(), value.to_string()));
    }

    /// Merges another lineage (a sub-solve) into this one.
    pub fn absorb(&mut self, other: &Lineage) {
        for f in &other.formulas {
            self.formula(f);
        }
        for l in &other.leaves {
            if !self.leaves.contains(l) {
                self.leaves.push(*l);
            }
        }
    }
}

/// A solver result by name: every output under its mlsysim name, the lineage and any warnings.
#[derive(Clone, Debug, PartialEq)]
pub struct SolveOutput {
    /// Outputs in a stable order.
    pub outputs: Vec<(&'static str, Out)>,
    /// Lineage.
    pub lineage: Lineage,
    /// Warnings (mlsysim's `UserWarning`s, verbatim).
    pub warnings: Vec<String>,
}

impl SolveOutput {
    /// Looks up an output by name.
    pub fn get(&self, name: &str) -> Option<&Out> {
        self.outputs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, o)| o)
    }

    /// The output names.
    pub fn names(&self) -> Vec<&'static str> {
        self.outputs.iter().map(|(n, _)| *n).collect()
    }
}

/// A solver could not run on the given input.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum SolveError {
    /// An input is out of range or malformed.
    #[error("{message}")]
    Invalid {
        /// The input name.
        what: String,
        /// One line naming the problem and the valid choices.
        message: String,
    },
    /// A registry key does not exist.
    #[error("unknown {namespace} key `{key}`{}", suggest(.suggestions))]
    UnknownKey {
        /// Namespace (`models`).
        namespace: String,
        /// The key given.
        key: String,
        /// Closest existing keys.
        suggestions: Vec<String>,
    },
    /// A parameter the solver does not take.
    #[error("solver `{solver}` has no input `{name}`; inputs: {}", .valid.join(", "))]
    UnknownParam {
        /// Solver name.
        solver: String,
        /// The parameter given.
        name: String,
        /// Valid parameter names.
        valid: Vec<String>,
    },
    /// An unknown solver name.
    #[error("unknown solver `{name}`; solvers: {}", .valid.join(", "))]
    UnknownSolver {
        /// The name given.
        name: String,
        /// The solvers there are.
        valid: Vec<&'static str>,
    },
}

impl From<LookupError> for SolveError {
    fn from(e: LookupError) -> SolveError {
        SolveError::UnknownKey {
            namespace: e.namespace,
            key: e.key,
            suggestions: e.suggestions,
        }
    }
}

fn suggest(s: &[String]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", s.join(", "))
    }
}

/// Reads named parameters for one solver, rejecting names it does not take.
pub struct ParamReader<'a> {
    solver: &'static str,
    params: &'a Params,
}

impl<'a> ParamReader<'a> {
    /// Checks that every parameter is one of `allowed`.
    pub fn new(
        solver: &'static str,
        params: &'a Params,
        allowed: &[&'static str],
    ) -> Result<ParamReader<'a>, SolveError> {
        if let Some(bad) = params.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(SolveError::UnknownParam {
                solver: solver.to_string(),
                name: bad.clone(),
                valid: allowed.iter().map(|s| s.to_string()).collect(),
            });
        }
        Ok(ParamReader { solver, params })
    }

    /// A reader over parameters whose names the solver catalog has already checked against the
    /// solver's declaration (every solver is dispatched through it).
    pub fn declared(solver: &'static str, params: &'a Params) -> ParamReader<'a> {
        ParamReader { solver, params }
    }

    fn invalid(&self, name: &str, message: String) -> SolveError {
        SolveError::Invalid {
            what: name.to_string(),
            message: format!("{}: {message}", self.solver),
        }
    }

    /// A text parameter.
    pub fn text(&self, name: &str) -> Result<Option<&'a str>, SolveError> {
        match self.params.get(name) {
            None => Ok(None),
            Some(Param::Text(s)) => Ok(Some(s.as_str())),
            Some(other) => {
                Err(self.invalid(name, format!("`{name}` must be a name, got {other:?}")))
            }
        }
    }

    /// A required text parameter.
    pub fn required_text(&self, name: &str) -> Result<&'a str, SolveError> {
        self.text(name)?
            .ok_or_else(|| self.invalid(name, format!("`{name}` is required")))
    }

    /// A plain number (a dimensionless quantity or numeric text is accepted).
    pub fn number(&self, name: &str) -> Result<Option<f64>, SolveError> {
        match self.params.get(name) {
            None => Ok(None),
            Some(Param::Number(x)) => Ok(Some(*x)),
            Some(Param::Quantity(v)) if v.dim.is_none() => Ok(Some(v.si)),
            Some(Param::Text(s)) => crate::base::units::parse_quantity(s)
                .ok()
                .filter(|v| v.dim.is_none())
                .map(|v| Some(v.si))
                .ok_or_else(|| self.invalid(name, format!("`{name}` must be a number, got `{s}`"))),
            Some(other) => {
                Err(self.invalid(name, format!("`{name}` must be a number, got {other:?}")))
            }
        }
    }

    /// A positive integer (batch sizes, parallel degrees).
    pub fn positive_int(&self, name: &str) -> Result<Option<u64>, SolveError> {
        match self.number(name)? {
            None => Ok(None),
            Some(x) if x >= 1.0 && x.fract() == 0.0 && x < 1e15 => Ok(Some(x as u64)),
            Some(x) => Err(self.invalid(
                name,
                format!("`{name}` must be a whole number ≥ 1, got {x}"),
            )),
        }
    }

    /// A non-negative integer (cached prefix length, ZeRO stage).
    pub fn nonneg_int(&self, name: &str) -> Result<Option<u64>, SolveError> {
        match self.number(name)? {
            None => Ok(None),
            Some(x) if x >= 0.0 && x.fract() == 0.0 && x < 1e15 => Ok(Some(x as u64)),
            Some(x) => Err(self.invalid(
                name,
                format!("`{name}` must be a whole number ≥ 0, got {x}"),
            )),
        }
    }

    /// A boolean (`true`/`false`, `yes`/`no`).
    pub fn bool(&self, name: &str) -> Result<Option<bool>, SolveError> {
        match self.params.get(name) {
            None => Ok(None),
            Some(Param::Bool(b)) => Ok(Some(*b)),
            Some(Param::Text(s)) => match s.as_str() {
                "true" | "yes" => Ok(Some(true)),
                "false" | "no" => Ok(Some(false)),
                _ => Err(self.invalid(name, format!("`{name}` must be true or false, got `{s}`"))),
            },
            Some(other) => Err(self.invalid(
                name,
                format!("`{name}` must be true or false, got {other:?}"),
            )),
        }
    }

    /// A quantity of dimension `dim`. A bare number is read in `bare_unit` (mlsysim's `_s`, `_hours`
    /// parameters take plain numbers).
    pub fn quantity(
        &self,
        name: &str,
        dim: Dim,
        bare_unit: &str,
    ) -> Result<Option<Value>, SolveError> {
        let v = match self.params.get(name) {
            None => return Ok(None),
            Some(Param::Quantity(v)) => *v,
            Some(Param::Number(x)) => {
                let u =
                    crate::base::units::parse_unit(bare_unit).expect("solver bare unit is valid");
                Value::new(x * u.factor, u.dim)
            }
            Some(Param::Text(s)) => match crate::base::units::parse_quantity(s) {
                Ok(v) if v.dim.is_none() => {
                    let u = crate::base::units::parse_unit(bare_unit)
                        .expect("solver bare unit is valid");
                    Value::new(v.si * u.factor, u.dim)
                }
                Ok(v) => v,
                Err(e) => return Err(self.invalid(name, format!("`{name}`: {e}"))),
            },
            Some(other) => {
                return Err(
                    self.invalid(name, format!("`{name}` must be a quantity, got {other:?}"))
                )
            }
        };
        if v.dim != dim {
            return Err(self.invalid(
                name,
                format!("`{name}` must be {}, got {}", dim.name(), v.dim.name()),
            ));
        }
        Ok(Some(v))
    }
}
