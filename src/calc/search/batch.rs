//! Batch search: the largest batch size whose latency meets an SLA and whose memory fits, on one
//! device. Every batch from 1 to `max_batch` is solved (latency need not grow monotonically with
//! the batch, so no bisection), with the roofline solver for `latency` (one inference batch) or the
//! serving solver for `ttft` / `itl` (LLM prefill / decode step).
//!
//! mlsysim's `BatchingOptimizer` also takes an arrival rate (`--qps`) and models queueing; this
//! search answers the plain question "how large can the batch be under the SLA".

use crate::base::units::*;
use crate::calc::params::{Lineage, Out, ParamReader, Params, Precision, SolveError, SolveOutput};
use crate::calc::solvers::decl::{self, Default as D, Kind, Range};
use crate::calc::solvers::inputs;
use crate::calc::solvers::roofline::{self, RooflineOptions};
use crate::calc::solvers::serving::{self, ServingOptions, ServingSystem};
use crate::registry::{Calibration, Hardware, Model, Registry};

/// Solver name for directives.
pub const SOLVER: &str = "optimize-batch";

/// The latency the SLA bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchMetric {
    /// Latency of one inference batch (roofline solver).
    Latency,
    /// Time to first token (serving solver).
    Ttft,
    /// Inter-token latency (serving solver).
    Itl,
}

impl BatchMetric {
    /// The name.
    pub fn key(self) -> &'static str {
        match self {
            BatchMetric::Latency => "latency",
            BatchMetric::Ttft => "ttft",
            BatchMetric::Itl => "itl",
        }
    }

    /// Parses `latency`, `ttft` or `itl`.
    pub fn parse(s: &str) -> Result<BatchMetric, SolveError> {
        [BatchMetric::Latency, BatchMetric::Ttft, BatchMetric::Itl]
            .into_iter()
            .find(|m| m.key() == s)
            .ok_or_else(|| SolveError::Invalid {
                what: "metric".into(),
                message: format!("{SOLVER}: unknown metric `{s}`; metrics: latency, ttft, itl"),
            })
    }
}

/// Inputs of the search.
#[derive(Clone, Copy, Debug)]
pub struct BatchOptions {
    /// The latency bounded.
    pub metric: BatchMetric,
    /// The SLA, s.
    pub sla: f64,
    /// Largest batch tried.
    pub max_batch: u64,
    /// Precision.
    pub precision: Precision,
    /// Compute efficiency (default `constants.default_efficiency`).
    pub efficiency: Option<f64>,
    /// Sequence length (serving; default `constants.default_seq_len`).
    pub seq_len: Option<u64>,
}

/// One batch size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchPoint {
    /// Batch size.
    pub batch: u64,
    /// The bounded latency, s.
    pub latency: f64,
    /// Samples (latency, ttft) or tokens (itl) per second.
    pub throughput: f64,
    /// Memory needed, bytes.
    pub memory: f64,
    /// Fits in device memory.
    pub feasible: bool,
}

/// The search result.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchSearch {
    /// Batches that fit and meet the SLA, largest first.
    pub meeting: Vec<BatchPoint>,
    /// Batches that fit but miss the SLA.
    pub over_sla: usize,
    /// Batches that do not fit.
    pub out_of_memory: usize,
    /// Batches tried.
    pub searched: u64,
    /// Memory capacity of the device, bytes.
    pub capacity: f64,
}

impl BatchSearch {
    /// The largest batch meeting the SLA.
    pub fn best(&self) -> Option<&BatchPoint> {
        self.meeting.first()
    }
}

fn point(
    model: &Model,
    hw: &Hardware,
    cal: &Calibration,
    o: &BatchOptions,
    b: u64,
) -> Result<(BatchPoint, Lineage), SolveError> {
    Ok(match o.metric {
        BatchMetric::Latency => {
            let ro = RooflineOptions {
                batch_size: b,
                precision: o.precision,
                efficiency: o.efficiency,
                seq_len: o.seq_len,
                ..RooflineOptions::default()
            };
            let res = roofline::solve(model, hw, cal, &ro)?;
            let t = res.latency.value;
            (
                BatchPoint {
                    batch: b,
                    latency: t,
                    throughput: b as f64 / t,
                    memory: res.memory_footprint.value,
                    feasible: res.feasible,
                },
                res.lineage,
            )
        }
        BatchMetric::Ttft | BatchMetric::Itl => {
            let so = ServingOptions {
                batch_size: b,
                precision: o.precision,
                efficiency: o.efficiency,
                ..ServingOptions::new(o.seq_len.unwrap_or(cal.default_seq_len.v as u64))
            };
            let sys = ServingSystem {
                hardware: hw,
                decode: None,
            };
            let res = serving::solve(model, sys, None, cal, &so)?;
            let t = if o.metric == BatchMetric::Ttft {
                res.ttft.value
            } else {
                res.itl.value
            };
            (
                BatchPoint {
                    batch: b,
                    latency: t,
                    throughput: b as f64 / t,
                    memory: res.total_memory_required.value,
                    feasible: res.feasible,
                },
                res.lineage,
            )
        }
    })
}

/// Largest `max_batch` searched: every batch up to it is solved and kept, so the search stays
/// bounded in time and memory (about 0.1 s and 3 MB at the limit).
pub const MAX_BATCH_LIMIT: u64 = 65_536;

/// Tries every batch from 1 to `max_batch` (at most [`MAX_BATCH_LIMIT`]).
pub fn search(
    model: &Model,
    hw: &Hardware,
    cal: &Calibration,
    o: &BatchOptions,
) -> Result<BatchSearch, SolveError> {
    if !(o.sla.is_finite() && o.sla > 0.0) {
        return Err(SolveError::Invalid {
            what: "sla".into(),
            message: format!("{SOLVER}: the SLA must be a positive time"),
        });
    }
    if o.max_batch == 0 || o.max_batch > MAX_BATCH_LIMIT {
        return Err(SolveError::Invalid {
            what: "max_batch".into(),
            message: format!(
                "{SOLVER}: max_batch must be from 1 to {MAX_BATCH_LIMIT} (every batch up to it is \
                 solved), got {}",
                o.max_batch
            ),
        });
    }
    let mut meeting = Vec::new();
    let (mut over_sla, mut out_of_memory) = (0, 0);
    for b in 1..=o.max_batch {
        let (p, _) = point(model, hw, cal, o, b)?;
        if !p.feasible {
            out_of_memory += 1;
        } else if p.latency > o.sla {
            over_sla += 1;
        } else {
            meeting.push(p);
        }
    }
    meeting.reverse();
    Ok(BatchSearch {
        meeting,
        over_sla,
        out_of_memory,
        searched: o.max_batch,
        capacity: hw.capacity().v.value,
    })
}

/// The declared inputs.
pub const DECL_INPUTS: &[decl::Input] = &[
    inputs::MODEL,
    inputs::HARDWARE,
    decl::input(
        "sla",
        Kind::Qty(Dim::TIME, "ms"),
        D::Required,
        Range::POSITIVE,
        "latency bound",
    ),
    decl::input(
        "metric",
        Kind::Text,
        D::Text("latency"),
        Range::ANY,
        "the latency bounded: latency (roofline), ttft or itl (serving)",
    ),
    decl::input(
        "max_batch",
        Kind::Int,
        D::Num(DEFAULT_MAX_BATCH as f64),
        Range::new(1.0, false, MAX_BATCH_LIMIT as f64, false),
        "largest batch tried",
    ),
    inputs::PRECISION,
    decl::input(
        "efficiency",
        Kind::Number,
        D::Absent,
        Range::SHARE,
        "compute efficiency η (default constants.default_efficiency)",
    ),
    decl::input(
        "seq_len",
        Kind::Int,
        D::Absent,
        Range::AT_LEAST_1,
        "sequence length (ttft and itl metrics; default constants.default_seq_len)",
    ),
];

/// The declared outputs: the largest batch that meets the SLA.
pub const DECL_OUTPUTS: &[decl::Output] = &[
    decl::output("best_batch", "1", "largest batch meeting the SLA"),
    decl::output("best_latency", "ms", "its latency"),
    decl::output("best_throughput", "1/s", "its throughput"),
    decl::output("best_memory_footprint", "GB", "its memory footprint"),
    decl::output("meeting_count", "1", "batches meeting the SLA"),
    decl::output("searched_count", "1", "batches tried"),
];

/// Runs the search on named parameters (a directive): `model`, `hardware`, `sla` (a time; a bare
/// number is ms), `metric` (latency, ttft, itl; default latency), `max_batch` (default 1024),
/// `precision`, `efficiency`, `seq_len`.
pub fn run(reg: &Registry, params: &Params) -> Result<SolveOutput, SolveError> {
    let r = ParamReader::declared(SOLVER, params);
    let model = reg.model(r.required_text("model")?)?;
    let hw = reg.hardware(r.required_text("hardware")?)?;
    let sla = r
        .quantity("sla", Dim::TIME, "ms")?
        .ok_or_else(|| SolveError::Invalid {
            what: "sla".into(),
            message: format!("{SOLVER}: `sla` is required (e.g. sla=\"50 ms\")"),
        })?;
    let o = BatchOptions {
        metric: r
            .text("metric")?
            .map(BatchMetric::parse)
            .transpose()?
            .unwrap_or(BatchMetric::Latency),
        sla: sla.si,
        max_batch: r.positive_int("max_batch")?.unwrap_or(DEFAULT_MAX_BATCH),
        precision: roofline::read_precision(&r)?,
        efficiency: r.number("efficiency")?,
        seq_len: r.positive_int("seq_len")?,
    };
    let s = search(model, hw, &reg.calibration, &o)?;
    let best = *s.best().ok_or_else(|| SolveError::Invalid {
        what: "sla".into(),
        message: format!(
            "{SOLVER}: no batch size of {} on {} meets {} ≤ {} ms ({} over the SLA, {} out of memory)",
            model.key,
            hw.key,
            o.metric.key(),
            sla.si * 1e3,
            s.over_sla,
            s.out_of_memory
        ),
    })?;
    let (_, sub) = point(model, hw, &reg.calibration, &o, best.batch)?;
    let mut lin = Lineage::new(SOLVER);
    lin.absorb(&sub);
    lin.input("metric", o.metric.key());
    lin.input("sla", format!("{} ms", sla.si * 1e3));
    Ok(SolveOutput {
        outputs: vec![
            ("best_batch", Out::number(best.batch as f64)),
            ("best_latency", Out::qty(best.latency, Dim::TIME)),
            ("best_throughput", Out::qty(best.throughput, Dim::FREQUENCY)),
            (
                "best_memory_footprint",
                Out::qty(best.memory, Dim::INFORMATION),
            ),
            ("meeting_count", Out::number(s.meeting.len() as f64)),
            ("searched_count", Out::number(s.searched as f64)),
        ],
        lineage: lin,
        warnings: vec![],
    })
}

/// Largest batch tried unless told otherwise (a search bound, not a property of any system).
pub const DEFAULT_MAX_BATCH: u64 = 1024;
