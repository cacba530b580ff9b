//! Formulas: throughput of a fleet — training time from a compute budget, effective FLOP/s after
//! every derating, and the stretch of a partially slowed job (mlsysim `physics/performance.py`).

use super::args::{arg, in_range, num, positive, q};
use super::FormulaDef;
use crate::base::units::*;
use crate::calc::params::{Out, ParamReader, SolveError};

/// Wall time to spend `ops` on `n` devices of peak `peak` at efficiency `η`: `T = ops / (N·peak·η)`.
pub fn training_time(ops: Operations, n: f64, peak: ComputeRate, efficiency: f64) -> Time {
    ops / (peak * (n * efficiency))
}

/// FLOP/s actually delivered: `peak · MFU · scaling efficiency · goodput`.
pub fn effective_flops(peak: ComputeRate, mfu: f64, scaling: f64, goodput: f64) -> ComputeRate {
    peak * (mfu * scaling * goodput)
}

/// Stretch of a job whose fraction `f` runs `S`× slower: `(1−f) + f·S`.
pub fn partial_slowdown_stretch(fraction: f64, slowdown: f64) -> f64 {
    (1.0 - fraction) + fraction * slowdown
}

fn eval_training_time(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let n = num(r, "num_devices")?;
    if n < 1.0 {
        return positive("num_devices", 0.0).map(|_| vec![]);
    }
    let eta = num(r, "efficiency_eta")?;
    if !(eta > 0.0 && eta <= 1.0) {
        return Err(SolveError::Invalid {
            what: "efficiency_eta".into(),
            message: format!("efficiency_eta must be in (0, 1], got {eta}"),
        });
    }
    let t = training_time(
        arg(r, "total_ops", "FLOP")?,
        n,
        arg(r, "peak_flops_per_device", "FLOP/s")?,
        eta,
    );
    Ok(vec![("time", q(t))])
}

fn eval_effective(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let mfu = in_range("mfu", num(r, "mfu")?, 0.0, 1.0)?;
    let scaling = in_range("scaling_eff", num(r, "scaling_eff")?, 0.0, 1.0)?;
    let goodput = in_range("goodput", num(r, "goodput")?, 0.0, 1.0)?;
    Ok(vec![(
        "flops",
        q(effective_flops(
            arg(r, "peak", "FLOP/s")?,
            mfu,
            scaling,
            goodput,
        )),
    )])
}

fn eval_stretch(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let f = in_range("fraction", num(r, "fraction")?, 0.0, 1.0)?;
    let s = num(r, "slowdown")?;
    if s < 1.0 {
        return Err(SolveError::Invalid {
            what: "slowdown".into(),
            message: format!("slowdown must be >= 1, got {s}"),
        });
    }
    Ok(vec![(
        "stretch",
        Out::number(partial_slowdown_stretch(f, s)),
    )])
}

/// `calc_training_time` (`dTime`).
pub static TRAINING_TIME: FormulaDef = FormulaDef {
    name: "training_time",
    mlsysim: "calc_training_time",
    equation: "T = ops / (N·peak·η)",
    params: &[
        "total_ops",
        "num_devices",
        "peak_flops_per_device",
        "efficiency_eta",
    ],
    eval: eval_training_time,
};

/// `calc_effective_flops`.
pub static EFFECTIVE_FLOPS: FormulaDef = FormulaDef {
    name: "effective_flops",
    mlsysim: "calc_effective_flops",
    equation: "F_eff = peak · MFU · scaling · goodput",
    params: &["peak", "mfu", "scaling_eff", "goodput"],
    eval: eval_effective,
};

/// `calc_partial_slowdown_stretch`.
pub static PARTIAL_SLOWDOWN_STRETCH: FormulaDef = FormulaDef {
    name: "partial_slowdown_stretch",
    mlsysim: "calc_partial_slowdown_stretch",
    equation: "stretch = (1−f) + f·S",
    params: &["fraction", "slowdown"],
    eval: eval_stretch,
};

/// The formulas of this module, callable by name.
pub const CATALOG: &[&FormulaDef] = &[&TRAINING_TIME, &EFFECTIVE_FLOPS, &PARTIAL_SLOWDOWN_STRETCH];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpt3_on_1024_gpus() {
        // 3.14e23 FLOP on 1,024 × 989 TFLOP/s at η = 0.4: 7.75e5 s ≈ 9.0 days.
        let t = training_time(
            Operations::new::<operations::flop>(3.14e23),
            1024.0,
            ComputeRate::new::<compute_rate::teraflop_per_second>(989.0),
            0.4,
        );
        assert!((t.get::<time::day>() - 8.97).abs() < 0.01);
        let f = effective_flops(
            ComputeRate::new::<compute_rate::teraflop_per_second>(1000.0),
            0.5,
            0.9,
            0.8,
        );
        assert!((f.get::<compute_rate::teraflop_per_second>() - 360.0).abs() < 1e-9);
        assert_eq!(partial_slowdown_stretch(0.25, 3.0), 1.5);
    }
}
