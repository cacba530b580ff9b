//! Formulas: scaling laws — training and inference compute of a transformer and the Chinchilla
//! compute-optimal allocation (mlsysim `physics/transformer.py`, `physics/scaling.py`, `ScalingModel`).

use super::args::{arg, num, positive, q};
use super::FormulaDef;
use crate::base::units::*;
use crate::calc::params::{Out, ParamReader, SolveError};

/// Training FLOPs of a transformer: `C = 6·P·D`, or `8·P·D` with activation checkpointing
/// (the forward pass is recomputed).
pub fn transformer_training_flops(
    params: f64,
    tokens: f64,
    activation_checkpointing: bool,
) -> Operations {
    let per_param_token = if activation_checkpointing { 8.0 } else { 6.0 };
    training_compute(per_param_token, params, tokens)
}

/// Training compute with `k` FLOPs per parameter per token: `C = k·P·D`.
pub fn training_compute(flops_per_param_token: f64, params: f64, tokens: f64) -> Operations {
    Operations::new::<operations::flop>(flops_per_param_token * params * tokens)
}

/// Autoregressive decode FLOPs: `2·P` per generated token, `2·P·n` for `n` tokens.
pub fn transformer_decode_flops(params: f64, n_tokens: f64) -> Operations {
    Operations::new::<operations::flop>(2.0 * params * n_tokens)
}

/// Compute-optimal training tokens at a fixed tokens-per-parameter ratio `r` (Chinchilla: 20): `D* = r·P`.
pub fn chinchilla_tokens(params: f64, tokens_per_param: f64) -> f64 {
    tokens_per_param * params
}

/// Parameters and tokens that spend budget `C` at `r` tokens per parameter and `k` FLOPs per
/// parameter-token: `N = sqrt(C/(k·r))`, `D = r·N`.
pub fn compute_optimal_allocation(
    budget: Operations,
    tokens_per_param: f64,
    flops_per_param_token: f64,
) -> (f64, f64) {
    let n = (budget.get::<operations::flop>() / (flops_per_param_token * tokens_per_param)).sqrt();
    (n, tokens_per_param * n)
}

fn eval_training(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let ckpt = r.bool("activation_checkpointing")?.unwrap_or(false);
    let c = transformer_training_flops(num(r, "n_params")?, num(r, "n_tokens")?, ckpt);
    Ok(vec![("flops", q(c))])
}

fn eval_decode(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let n = r.number("n_tokens")?.unwrap_or(1.0);
    Ok(vec![(
        "flops",
        q(transformer_decode_flops(num(r, "n_params")?, n)),
    )])
}

fn eval_chinchilla(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let d = chinchilla_tokens(num(r, "n_params")?, num(r, "tokens_per_param")?);
    Ok(vec![("tokens", Out::number(d))])
}

fn eval_allocation(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let ratio = positive("tokens_per_param", num(r, "tokens_per_param")?)?;
    let k = positive("flops_per_param_token", num(r, "flops_per_param_token")?)?;
    let (n, d) = compute_optimal_allocation(arg(r, "budget_flops", "FLOP")?, ratio, k);
    Ok(vec![
        ("n_params", Out::number(n)),
        ("n_tokens", Out::number(d)),
    ])
}

/// `calc_transformer_training_flops`.
pub static TRAINING_FLOPS: FormulaDef = FormulaDef {
    name: "transformer_training_flops",
    mlsysim: "calc_transformer_training_flops",
    equation: "C = 6·P·D (8·P·D with activation checkpointing)",
    params: &["n_params", "n_tokens", "activation_checkpointing"],
    eval: eval_training,
};

/// `calc_transformer_decode_flops`.
pub static DECODE_FLOPS: FormulaDef = FormulaDef {
    name: "transformer_decode_flops",
    mlsysim: "calc_transformer_decode_flops",
    equation: "C = 2·P·n",
    params: &["n_params", "n_tokens"],
    eval: eval_decode,
};

/// Chinchilla compute-optimal tokens (`ScalingModel`).
pub static CHINCHILLA_TOKENS: FormulaDef = FormulaDef {
    name: "chinchilla_tokens",
    mlsysim: "ScalingModel.optimal_tokens",
    equation: "D* = r·P",
    params: &["n_params", "tokens_per_param"],
    eval: eval_chinchilla,
};

/// `calc_compute_optimal_allocation`.
pub static COMPUTE_OPTIMAL_ALLOCATION: FormulaDef = FormulaDef {
    name: "compute_optimal_allocation",
    mlsysim: "calc_compute_optimal_allocation",
    equation: "N = sqrt(C/(k·r)), D = r·N",
    params: &["budget_flops", "tokens_per_param", "flops_per_param_token"],
    eval: eval_allocation,
};

/// The formulas of this module, callable by name.
pub const CATALOG: &[&FormulaDef] = &[
    &TRAINING_FLOPS,
    &DECODE_FLOPS,
    &CHINCHILLA_TOKENS,
    &COMPUTE_OPTIMAL_ALLOCATION,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinchilla() {
        let c = transformer_training_flops(70e9, 1.4e12, false);
        assert!((c.value - 5.88e23).abs() / 5.88e23 < 1e-12);
        let (n, d) = compute_optimal_allocation(c, 20.0, 6.0);
        assert!((n - 70e9).abs() / 70e9 < 1e-12);
        assert!((d - 1.4e12).abs() / 1.4e12 < 1e-12);
        assert_eq!(transformer_decode_flops(8e9, 1.0).value, 16e9);
    }
}
