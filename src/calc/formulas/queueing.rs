//! Formulas: queueing and scalability — M/M/c (Erlang C) waits, Amdahl's law, strong scaling and
//! Gunther's Universal Scalability Law (mlsysim `physics/serving.py`, `physics/performance.py`).

use super::args::{arg, in_range, num, positive, q};
use super::FormulaDef;
use crate::base::units::*;
use crate::calc::params::{Out, ParamReader, SolveError};

/// Utilisation and median / 99th-percentile queueing wait of an M/M/c queue.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MmcWait {
    /// Utilisation `ρ = λ/(c·μ)` (1 when unstable).
    pub rho: f64,
    /// Median wait (∞ when unstable).
    pub p50: Time,
    /// 99th-percentile wait (∞ when unstable).
    pub p99: Time,
}

/// Erlang-C probability that an arrival waits,
/// `P_wait = (a^c/c! · 1/(1−ρ)) / (Σ_{i<c} a^i/i! + a^c/c! · 1/(1−ρ))`, `a = c·ρ`, through the
/// Erlang-B recurrence `B_0 = 1`, `B_k = a·B_{k−1} / (k + a·B_{k−1})` and
/// `C = B_c / (1 − ρ·(1 − B_c))`: every step stays in [0, 1] (no overflow), constant memory,
/// O(c) time (callers bound `c`, see [`MAX_SERVERS`]).
pub fn erlang_c(c: u64, rho: f64) -> f64 {
    let a = c as f64 * rho;
    if a <= 0.0 {
        return 0.0;
    }
    let mut b = 1.0_f64;
    for k in 1..=c {
        let ab = a * b;
        b = ab / (k as f64 + ab);
    }
    let p = b / (1.0 - rho * (1.0 - b));
    if p.is_finite() {
        p.clamp(0.0, 1.0)
    } else {
        rho.clamp(0.0, 1.0)
    }
}

/// Largest `num_servers` a formula directive accepts (the Erlang-C sum has one term per server).
pub const MAX_SERVERS: f64 = 10_000_000.0;

/// M/M/c queueing wait (mlsysim `calc_queue_latency_mmc`): with Erlang-C `P_wait`, the wait tail is
/// `P(W > t) = P_wait·e^(−c·μ·(1−ρ)·t)`, so `t_q = −ln(q/P_wait) / (c·μ·(1−ρ))` for tail mass
/// `q` (0.5, 0.01), and 0 when `P_wait < q`. An unstable queue (`λ ≥ c·μ`) gives (1, ∞, ∞).
pub fn queue_latency_mmc(arrival: Frequency, service: Frequency, servers: u64) -> MmcWait {
    let c = servers.max(1);
    let capacity = service * c as f64;
    let inf = Time::new::<time::second>(f64::INFINITY);
    if arrival >= capacity || service.value == 0.0 {
        return MmcWait {
            rho: 1.0,
            p50: inf,
            p99: inf,
        };
    }
    let rho = (arrival / capacity).get::<ratio::ratio>();
    let p_wait = erlang_c(c, rho);
    let decay = capacity * (1.0 - rho);
    let tail = |mass: f64| {
        if p_wait < mass {
            Time::new::<time::second>(0.0)
        } else {
            -(mass / p_wait).ln() / decay
        }
    };
    MmcWait {
        rho,
        p50: tail(0.5),
        p99: tail(0.01),
    }
}

/// Amdahl's law: speedup of a program whose fraction `p` is sped up `s`×: `1 / ((1−p) + p/s)`.
pub fn amdahl_speedup(p: f64, s: f64) -> f64 {
    1.0 / ((1.0 - p) + p / s)
}

/// Strong-scaling speedup with a communication fraction `f`: `N / (1 + (N−1)·f)`.
pub fn strong_scaling_speedup(n: f64, comm_fraction: f64) -> f64 {
    n / (1.0 + (n - 1.0) * comm_fraction)
}

/// Universal Scalability Law (Gunther 1993): `X(n) = n / (1 + σ(n−1) + κ·n(n−1))`.
pub fn usl_speedup(n: f64, sigma: f64, kappa: f64) -> f64 {
    n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0))
}

/// Concurrency that maximises USL throughput: `N* = sqrt((1−σ)/κ)`; ∞ when κ = 0, 1 when σ ≥ 1.
pub fn usl_optimal_concurrency(sigma: f64, kappa: f64) -> f64 {
    if sigma >= 1.0 {
        1.0
    } else if kappa == 0.0 {
        f64::INFINITY
    } else {
        ((1.0 - sigma) / kappa).sqrt()
    }
}

fn eval_mmc(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let c = num(r, "num_servers")?;
    if !(c.is_finite() && c >= 1.0 && c.fract() == 0.0 && c <= MAX_SERVERS) {
        return Err(SolveError::Invalid {
            what: "num_servers".into(),
            message: format!(
                "num_servers must be a whole number from 1 to {MAX_SERVERS:.0}, got {c}"
            ),
        });
    }
    let w = queue_latency_mmc(
        arg(r, "arrival_rate", "Hz")?,
        arg(r, "service_rate", "Hz")?,
        c as u64,
    );
    Ok(vec![
        ("rho", Out::number(w.rho)),
        ("p50_wait", q(w.p50)),
        ("p99_wait", q(w.p99)),
    ])
}

fn eval_amdahl(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let p = in_range("p", num(r, "p")?, 0.0, 1.0)?;
    let s = positive("s", num(r, "s")?)?;
    Ok(vec![("speedup", Out::number(amdahl_speedup(p, s)))])
}

fn eval_strong(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let n = num(r, "num_devices")?;
    in_range("num_devices", n, 1.0, f64::INFINITY)?;
    let f = in_range(
        "communication_fraction",
        num(r, "communication_fraction")?,
        0.0,
        1.0,
    )?;
    Ok(vec![("speedup", Out::number(strong_scaling_speedup(n, f)))])
}

fn eval_usl(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let n = in_range("n", num(r, "n")?, 1.0, f64::INFINITY)?;
    let sigma = in_range("sigma", num(r, "sigma")?, 0.0, 1.0)?;
    let kappa = in_range("kappa", num(r, "kappa")?, 0.0, f64::INFINITY)?;
    Ok(vec![("speedup", Out::number(usl_speedup(n, sigma, kappa)))])
}

fn eval_usl_opt(r: &ParamReader) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let sigma = in_range("sigma", num(r, "sigma")?, 0.0, f64::INFINITY)?;
    let kappa = in_range("kappa", num(r, "kappa")?, 0.0, f64::INFINITY)?;
    Ok(vec![(
        "n_opt",
        Out::number(usl_optimal_concurrency(sigma, kappa)),
    )])
}

/// `calc_queue_latency_mmc`.
pub static QUEUE_LATENCY_MMC: FormulaDef = FormulaDef {
    name: "queue_latency_mmc",
    mlsysim: "calc_queue_latency_mmc",
    equation: "ρ = λ/(cμ); P(W>t) = P_wait·e^(−cμ(1−ρ)t); t_q = −ln(q/P_wait)/(cμ(1−ρ))",
    params: &["arrival_rate", "service_rate", "num_servers"],
    eval: eval_mmc,
};

/// `calc_amdahls_speedup`.
pub static AMDAHL: FormulaDef = FormulaDef {
    name: "amdahl_speedup",
    mlsysim: "calc_amdahls_speedup",
    equation: "S = 1 / ((1−p) + p/s)",
    params: &["p", "s"],
    eval: eval_amdahl,
};

/// `calc_strong_scaling_speedup`.
pub static STRONG_SCALING: FormulaDef = FormulaDef {
    name: "strong_scaling_speedup",
    mlsysim: "calc_strong_scaling_speedup",
    equation: "S = N / (1 + (N−1)·f)",
    params: &["num_devices", "communication_fraction"],
    eval: eval_strong,
};

/// `calc_universal_scalability_law`.
pub static USL: FormulaDef = FormulaDef {
    name: "usl_speedup",
    mlsysim: "calc_universal_scalability_law",
    equation: "X(n) = n / (1 + σ(n−1) + κ·n(n−1))",
    params: &["n", "sigma", "kappa"],
    eval: eval_usl,
};

/// `calc_usl_optimal_concurrency`.
pub static USL_OPTIMAL: FormulaDef = FormulaDef {
    name: "usl_optimal_concurrency",
    mlsysim: "calc_usl_optimal_concurrency",
    equation: "N* = sqrt((1−σ)/κ)",
    params: &["sigma", "kappa"],
    eval: eval_usl_opt,
};

/// The formulas of this module, callable by name.
pub const CATALOG: &[&FormulaDef] = &[
    &QUEUE_LATENCY_MMC,
    &AMDAHL,
    &STRONG_SCALING,
    &USL,
    &USL_OPTIMAL,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mmc_golden() {
        let hz = |x| Frequency::new::<frequency::per_second>(x);
        let w = queue_latency_mmc(hz(90.0), hz(10.0), 10);
        assert!((w.rho - 0.9).abs() < 1e-12);
        let rel = |a: f64, b: f64| ((a - b) / b).abs();
        assert!(rel(w.p50.value, 0.029_077_457_190_387_03) < 1e-9);
        assert!(rel(w.p99.value, 0.420_279_757_733_201_7) < 1e-9);
        assert!(queue_latency_mmc(hz(100.0), hz(10.0), 10)
            .p99
            .value
            .is_infinite());
    }

    #[test]
    fn scaling_laws() {
        assert!((amdahl_speedup(0.9, 10.0) - 1.0 / 0.19).abs() < 1e-12);
        assert_eq!(usl_speedup(1.0, 0.1, 0.01), 1.0);
        assert_eq!(usl_optimal_concurrency(0.0, 0.01), 10.0);
        assert_eq!(strong_scaling_speedup(8.0, 0.0), 8.0);
    }
}
