//! Formulas: transformer architecture counts — weights per block and attention-score work, and
//! the sequence length where attention starts to dominate (mlsysim `physics/transformer.py`).

use super::args::num;
use super::FormulaDef;
use crate::calc::params::{Out, ParamReader, SolveError};

/// Weights of one transformer block: attention projections `proj·d²` plus the MLP `2·ffn·d²`
/// (defaults 4 and 4: `4d² + 8d² = 12d²`).
pub fn transformer_block_weights(d_model: f64, ffn_multiplier: f64, projections: f64) -> f64 {
    projections * d_model * d_model + 2.0 * ffn_multiplier * d_model * d_model
}

/// Multiply-accumulates of the attention scores and their application: `2·S²·d`.
pub fn attention_score_macs(seq_len: f64, d_model: f64) -> f64 {
    2.0 * seq_len * seq_len * d_model
}

/// Sequence length where per-token attention work equals the block's weight work:
/// `12d² / (2d) = 6d` with the default multipliers.
pub fn attention_crossover(d_model: f64, ffn_multiplier: f64, projections: f64) -> f64 {
    transformer_block_weights(d_model, ffn_multiplier, projections) / (2.0 * d_model)
}

fn opt(r: &ParamReader, name: &str, default: f64) -> Result<f64, SolveError> {
    Ok(r.number(name)?.unwrap_or(default))
}

fn eval_block(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let w = transformer_block_weights(
        num(r, "d_model")?,
        opt(r, "ffn_multiplier", 4.0)?,
        opt(r, "projections", 4.0)?,
    );
    Ok(vec![("weights", Out::number(w))])
}

fn eval_macs(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    Ok(vec![(
        "macs",
        Out::number(attention_score_macs(num(r, "seq_len")?, num(r, "d_model")?)),
    )])
}

fn eval_crossover(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let s = attention_crossover(
        num(r, "d_model")?,
        opt(r, "ffn_multiplier", 4.0)?,
        opt(r, "projections", 4.0)?,
    );
    Ok(vec![("seq_len", Out::number(s))])
}

/// `calc_transformer_block_weights`.
pub static BLOCK_WEIGHTS: FormulaDef = FormulaDef {
    name: "transformer_block_weights",
    mlsysim: "calc_transformer_block_weights",
    equation: "W = proj·d² + 2·ffn·d² (12d² by default)",
    params: &["d_model", "ffn_multiplier", "projections"],
    eval: eval_block,
};

/// `calc_attention_score_macs`.
pub static ATTENTION_SCORE_MACS: FormulaDef = FormulaDef {
    name: "attention_score_macs",
    mlsysim: "calc_attention_score_macs",
    equation: "MACs = 2·S²·d",
    params: &["seq_len", "d_model"],
    eval: eval_macs,
};

/// `calc_attention_crossover`.
pub static ATTENTION_CROSSOVER: FormulaDef = FormulaDef {
    name: "attention_crossover",
    mlsysim: "calc_attention_crossover",
    equation: "S* = 12d² / (2d) = 6d",
    params: &["d_model", "ffn_multiplier", "projections"],
    eval: eval_crossover,
};

/// The formulas of this module, callable by name.
pub const CATALOG: &[&FormulaDef] = &[&BLOCK_WEIGHTS, &ATTENTION_SCORE_MACS, &ATTENTION_CROSSOVER];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_give_twelve_d_squared_and_six_d() {
        assert_eq!(
            transformer_block_weights(4096.0, 4.0, 4.0),
            12.0 * 4096.0 * 4096.0
        );
        assert_eq!(attention_crossover(4096.0, 4.0, 4.0), 6.0 * 4096.0);
        assert_eq!(
            attention_score_macs(2048.0, 4096.0),
            2.0 * 2048.0 * 2048.0 * 4096.0
        );
    }
}
