//! `optimize parallelism|placement|batch PLAN`: the searches on a plan, printed as a table of the
//! top candidates (text) or every candidate (`--format json`).
//!
//! Exit codes as `eval PLAN`: 0 a best candidate exists, 1 evaluation errors or nothing qualifies,
//! 2 a malformed plan or a plan the search does not apply to (located where possible).

use crate::app::commands::plan::{open, resolved};
use crate::app::exit;
use crate::app::format::Format;
use crate::app::out;
use crate::base::text::grouped;
use crate::calc::plan::evaluate::{days, number};
use crate::calc::plan::parse::locate;
use crate::calc::plan::resolve::{unknown, Resolved, System};
use crate::calc::plan::{path, PlanSource};
use crate::calc::search::batch::{self, BatchMetric, BatchOptions, DEFAULT_MAX_BATCH};
use crate::calc::search::parallelism::{self, Objective, Reason};
use crate::calc::search::placement::{self, PlacementOptions};
use crate::calc::solvers::distributed::FleetSpec;
use crate::calc::solvers::sustainability::{Devices, Site, FULL_UTILIZATION};
use crate::registry::Registry;
use clap::{Subcommand, ValueEnum};
use serde_json::{json, Value as Json};
use std::path::Path;

/// What `optimize parallelism` ranks by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ObjectiveArg {
    /// Shortest training step.
    StepTime,
    /// Highest scaling efficiency.
    ScalingEfficiency,
    /// Highest fleet MFU.
    Mfu,
}

/// The latency `optimize batch` bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MetricArg {
    /// One inference batch (roofline).
    Latency,
    /// Time to first token (serving).
    Ttft,
    /// Inter-token latency (serving).
    Itl,
}

/// The searches.
#[derive(Subcommand, Debug)]
pub enum OptimizeCommand {
    /// Rank the TP × PP × DP (× EP for mixture-of-experts) decompositions and micro-batch counts of a
    /// plan's fleet that fit in memory, by step time (or --objective); infeasible ones are never
    /// ranked.
    Parallelism {
        /// Plan file (.toml, .yaml, .yml) or preset name (CloudTitan, ...).
        plan: String,
        /// What ranks the feasible configurations.
        #[arg(long, value_enum, default_value_t = ObjectiveArg::StepTime)]
        objective: ObjectiveArg,
        /// Rows in the text table (JSON lists every candidate).
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
    /// Rank regions (grids or datacenters) by total cost: TCO plus a carbon price on emissions.
    Placement {
        /// Plan file or preset name.
        plan: String,
        /// Carbon price in USD per tonne CO2e (default ops.carbon_tax, else 0).
        #[arg(long, value_name = "USD_PER_TONNE")]
        carbon_tax: Option<f64>,
        /// Candidate regions, comma-separated (default ops.regions, else every registry grid).
        #[arg(long, value_delimiter = ',', value_name = "KEYS")]
        regions: Vec<String>,
        /// Operating period (default ops.duration_days).
        #[arg(long, value_name = "DAYS")]
        duration_days: Option<f64>,
        /// Rows in the text table (JSON lists every region).
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
    /// The largest batch whose latency meets an SLA and whose memory fits, on the plan's device.
    Batch {
        /// Plan file or preset name (one device).
        plan: String,
        /// The SLA in ms (default: the plan's assert on performance.latency with a max).
        #[arg(long, value_name = "MS")]
        sla_ms: Option<f64>,
        /// The latency bounded: one inference batch, or LLM time to first token / inter-token latency.
        #[arg(long, value_enum, default_value_t = MetricArg::Latency)]
        metric: MetricArg,
        /// Largest batch tried.
        #[arg(long, default_value_t = DEFAULT_MAX_BATCH)]
        max_batch: u64,
        /// Rows in the text table (JSON lists every batch meeting the SLA).
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
}

/// Runs an `optimize` subcommand; returns the exit status.
pub fn run(cmd: OptimizeCommand, registry: Option<&Path>, format: Format) -> crate::app::Result {
    let plan = match &cmd {
        OptimizeCommand::Parallelism { plan, .. }
        | OptimizeCommand::Placement { plan, .. }
        | OptimizeCommand::Batch { plan, .. } => plan.clone(),
    };
    let (src, reg) = match open(&plan, registry) {
        Ok(x) => x,
        Err(code) => return Ok(exit::code(code)),
    };
    let r = match resolved(&reg, &src) {
        Ok(r) => r,
        Err(code) => return Ok(exit::code(code)),
    };
    let result = match cmd {
        OptimizeCommand::Parallelism { objective, top, .. } => {
            let objective = match objective {
                ObjectiveArg::StepTime => Objective::StepTime,
                ObjectiveArg::ScalingEfficiency => Objective::ScalingEfficiency,
                ObjectiveArg::Mfu => Objective::Mfu,
            };
            parallelism_cmd(&reg, &src, &r, objective, top, format)
        }
        OptimizeCommand::Placement {
            carbon_tax,
            regions,
            duration_days,
            top,
            ..
        } => placement_cmd(
            &reg,
            &src,
            &r,
            carbon_tax,
            regions,
            duration_days,
            top,
            format,
        ),
        OptimizeCommand::Batch {
            sla_ms,
            metric,
            max_batch,
            top,
            ..
        } => {
            let metric = match metric {
                MetricArg::Latency => BatchMetric::Latency,
                MetricArg::Ttft => BatchMetric::Ttft,
                MetricArg::Itl => BatchMetric::Itl,
            };
            batch_cmd(&reg, &src, &r, sla_ms, metric, max_batch, top, format)
        }
    };
    match result {
        Ok(out) => {
            out::print(&out)?;
            Ok(exit::code(exit::OK))
        }
        Err((code, msg)) => {
            if !msg.is_empty() {
                eprintln!("{msg}");
            }
            Ok(exit::code(code))
        }
    }
}

type CmdResult = Result<String, (u8, String)>;

fn usage(src: &PlanSource, at: &[&'static str], msg: String) -> (u8, String) {
    (exit::USAGE, locate(src, &path(at), msg).to_string())
}

/// A plain text table: right-aligned columns except those listed as left-aligned.
fn table(head: &[&str], rows: &[Vec<String>], left: &[usize]) -> String {
    let mut w: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let pad = w[i] - c.chars().count();
            if left.contains(&i) {
                s.push_str(c);
                if i + 1 < cells.len() {
                    s.push_str(&" ".repeat(pad));
                }
            } else {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(head.to_vec());
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

fn yes(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

fn gb(bytes: f64) -> f64 {
    bytes / 1e9
}

fn parallelism_cmd(
    reg: &Registry,
    src: &PlanSource,
    r: &Resolved,
    objective: Objective,
    top: usize,
    format: Format,
) -> CmdResult {
    let System::Fleet(fleet, acc) = r.system else {
        return Err(usage(
            src,
            &["hardware"],
            "optimize parallelism needs a fleet: set `hardware.accelerators`, `node` with `node_count`, or `fleet`".into(),
        ));
    };
    let o = &r.options;
    let recompute = r.recompute_fixed.then_some(o.activation_recomputation);
    let s = parallelism::search(
        r.model,
        FleetSpec::Registry(fleet),
        acc,
        &reg.calibration,
        o,
        recompute,
        objective,
    )
    .map_err(|e| (exit::FAILURE, format!("error: {}: {e}", src.file)))?;
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for rej in &s.rejected {
        match counts.iter_mut().find(|(l, _)| *l == rej.reason.label()) {
            Some((_, n)) => *n += 1,
            None => counts.push((rej.reason.label(), 1)),
        }
    }
    let what = format!(
        "{} on {} × {} ({}), batch {}, seq_len {}, {}",
        r.model.key,
        grouped(s.accelerators as f64, 0),
        acc.key,
        if fleet.key == crate::calc::plan::resolve::PLAN_FLEET {
            "composed by the plan".to_string()
        } else {
            format!("fleet {}", fleet.key)
        },
        o.batch_size,
        o.seq_len.map_or_else(
            || format!("{} (default)", reg.calibration.default_seq_len.v),
            |x| x.to_string()
        ),
        o.precision.key()
    );
    let out = match format {
        Format::Json => {
            let ranked: Vec<Json> = s
                .ranked
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let k = c.config;
                    json!({
                        "rank": i + 1, "tp": k.tp, "pp": k.pp, "ep": k.ep, "dp": k.dp,
                        "microbatch_count": k.microbatch_count, "activation_recomputation": k.recompute,
                        "step_latency_ms": c.step_latency * 1e3, "scaling_efficiency": c.scaling_efficiency,
                        "mfu": c.mfu, "node_mfu": c.node_mfu, "bubble_fraction": c.bubble_fraction,
                        "communication_ms": c.communication * 1e3, "throughput_per_s": c.throughput,
                        "memory_gb": gb(c.memory),
                    })
                })
                .collect();
            let rejected: Vec<Json> = s
                .rejected
                .iter()
                .map(|x| {
                    let k = x.config;
                    let mut j = json!({
                        "tp": k.tp, "pp": k.pp, "ep": k.ep, "dp": k.dp,
                        "microbatch_count": k.microbatch_count, "activation_recomputation": k.recompute,
                        "reason": x.reason.label(),
                    });
                    match &x.reason {
                        Reason::OutOfMemory(m) => j["memory_gb"] = json!(gb(*m)),
                        Reason::Solver(e) => j["error"] = json!(e),
                        _ => {}
                    }
                    j
                })
                .collect();
            format!(
                "{:#}\n",
                json!({
                    "search": "parallelism", "plan": r.name, "file": src.file, "question": what,
                    "objective": objective.key(), "accelerators": s.accelerators,
                    "memory_capacity_gb": gb(s.capacity), "searched": s.searched(),
                    "feasible": s.ranked.len(), "ranked": ranked, "rejected": rejected,
                })
            )
        }
        Format::Text => {
            let mut t = format!("optimize parallelism: {what}\n");
            t.push_str(&format!(
                "objective {}; {} configurations: {} fit in memory",
                objective.key(),
                s.searched(),
                s.ranked.len()
            ));
            for (l, n) in &counts {
                t.push_str(&format!(", {n} {l}"));
            }
            t.push('\n');
            if r.decomposition_fixed {
                t.push_str(
                    "note: the search replaces the plan's own TP, PP, EP and micro-batches\n",
                );
            }
            if let Some(rc) = recompute {
                t.push_str(&format!(
                    "note: activation recomputation fixed by the plan: {}\n",
                    yes(rc)
                ));
            }
            let rows: Vec<Vec<String>> = s
                .ranked
                .iter()
                .take(top)
                .enumerate()
                .map(|(i, c)| {
                    let k = c.config;
                    vec![
                        (i + 1).to_string(),
                        k.tp.to_string(),
                        k.pp.to_string(),
                        k.ep.to_string(),
                        k.dp.to_string(),
                        k.microbatch_count.to_string(),
                        yes(k.recompute),
                        grouped(c.step_latency * 1e3, 1),
                        format!("{:.3}", c.scaling_efficiency),
                        format!("{:.3}", c.mfu),
                        format!("{:.1}", gb(c.memory)),
                    ]
                })
                .collect();
            if !rows.is_empty() {
                t.push('\n');
                t.push_str(&table(
                    &[
                        "rank",
                        "TP",
                        "PP",
                        "EP",
                        "DP",
                        "micro",
                        "recompute",
                        "step (ms)",
                        "scaling eff",
                        "MFU",
                        "GB/accel",
                    ],
                    &rows,
                    &[6],
                ));
            }
            if let Some(b) = s.best() {
                let k = b.config;
                t.push_str(&format!(
                    "\nbest: TP {} · PP {} · EP {} · DP {}, micro-batches {}, recomputation {} — step {}, scaling efficiency {:.1}%, {} of {} per accelerator\n",
                    k.tp, k.pp, k.ep, k.dp, k.microbatch_count, yes(k.recompute),
                    number(b.step_latency * 1e3, "ms"), b.scaling_efficiency * 100.0,
                    number(gb(b.memory), "GB"), number(gb(s.capacity), "GB")
                ));
            }
            t
        }
    };
    if s.ranked.is_empty() {
        // The table of what was tried, then the verdict on stderr.
        out::print(&out).map_err(|_| (exit::FAILURE, String::new()))?;
        return Err((
            exit::FAILURE,
            format!(
                "error: none of the {} configurations fits in memory",
                s.searched()
            ),
        ));
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn placement_cmd(
    reg: &Registry,
    src: &PlanSource,
    r: &Resolved,
    carbon_tax: Option<f64>,
    regions: Vec<String>,
    duration_days: Option<f64>,
    top: usize,
    format: Format,
) -> CmdResult {
    let duration = match duration_days {
        Some(d) if d.is_finite() && d > 0.0 => crate::base::units::base(d * 86_400.0),
        Some(d) => return Err((exit::USAGE, format!("error: --duration-days must be > 0, got {d}"))),
        None => r.ops.duration.ok_or_else(|| {
            usage(
                src,
                &["ops"],
                "optimize placement needs an operating period: `ops.duration_days` or --duration-days".into(),
            )
        })?,
    };
    let tax = carbon_tax.or(r.ops.carbon_tax).unwrap_or(0.0);
    if !(tax.is_finite() && tax >= 0.0) {
        return Err((
            exit::USAGE,
            format!("error: --carbon-tax must be ≥ 0, got {tax}"),
        ));
    }
    let regions = if !regions.is_empty() {
        let mut bad = Vec::new();
        for k in &regions {
            if Site::lookup(reg, k).is_err() {
                let names: Vec<&str> = reg
                    .grids
                    .keys()
                    .chain(reg.datacenters.keys())
                    .map(String::as_str)
                    .collect();
                bad.push(format!(
                    "error: --regions: {}",
                    unknown("region", k, &names)
                ));
            }
        }
        if !bad.is_empty() {
            return Err((exit::USAGE, bad.join("\n")));
        }
        regions
    } else if !r.ops.regions.is_empty() {
        r.ops.regions.clone()
    } else {
        placement::default_regions(reg)
    };
    let devices = match r.system {
        System::Device(h) => Devices::single(h),
        System::Fleet(f, h) => Devices::fleet(f, h),
    };
    let o = PlacementOptions {
        duration,
        mfu: r.ops.mfu.unwrap_or(FULL_UTILIZATION),
        kwh_price: r.ops.kwh_price,
        carbon_tax: tax,
    };
    let ranked = placement::search(reg, &devices, r.system.fleet(), &regions, &o)
        .map_err(|e| (exit::FAILURE, format!("error: {}: {e}", src.file)))?;
    let d = duration.value / 86_400.0;
    let what = format!(
        "{} × {} for {} days, carbon tax ${}/t, mfu {}",
        grouped(r.system.accelerators(), 0),
        r.system.hardware().key,
        days(d),
        days(tax),
        o.mfu
    );
    Ok(match format {
        Format::Json => {
            let all: Vec<Json> = ranked
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    json!({
                        "rank": i + 1, "region": c.key, "name": c.name, "pue": c.pue,
                        "carbon_intensity_g_per_kwh": c.carbon_intensity * 3.6e9,
                        "energy_mwh": c.energy / 3.6e9, "carbon_t": c.carbon / 1e3,
                        "tco_usd": c.tco, "carbon_cost_usd": c.carbon_cost, "total_usd": c.total,
                    })
                })
                .collect();
            format!(
                "{:#}\n",
                json!({
                    "search": "placement", "plan": r.name, "file": src.file, "question": what,
                    "carbon_tax_usd_per_t": tax, "duration_days": d,
                    "best_region": ranked[0].key, "ranked": all,
                })
            )
        }
        Format::Text => {
            let mut t = format!(
                "optimize placement: {what}\n{} regions ranked by TCO + carbon cost\n\n",
                ranked.len()
            );
            let rows: Vec<Vec<String>> = ranked
                .iter()
                .take(top)
                .enumerate()
                .map(|(i, c)| {
                    vec![
                        (i + 1).to_string(),
                        c.key.clone(),
                        c.name.clone(),
                        format!("{:.2}", c.pue),
                        grouped(c.carbon_intensity * 3.6e9, 0),
                        grouped(c.energy / 3.6e9, 1),
                        grouped(c.carbon / 1e3, 2),
                        format!("${}", grouped(c.tco, 0)),
                        format!("${}", grouped(c.carbon_cost, 0)),
                        format!("${}", grouped(c.total, 0)),
                    ]
                })
                .collect();
            t.push_str(&table(
                &[
                    "rank",
                    "region",
                    "grid",
                    "PUE",
                    "g/kWh",
                    "MWh",
                    "carbon (t)",
                    "TCO",
                    "carbon cost",
                    "total",
                ],
                &rows,
                &[1, 2],
            ));
            let (b, w) = (&ranked[0], &ranked[ranked.len() - 1]);
            t.push_str(&format!(
                "\nbest: {} — total {}, {} less than the costliest region ({})\n",
                b.key,
                number(b.total, "USD"),
                number(w.total - b.total, "USD"),
                w.key
            ));
            t
        }
    })
}

#[allow(clippy::too_many_arguments)]
fn batch_cmd(
    reg: &Registry,
    src: &PlanSource,
    r: &Resolved,
    sla_ms: Option<f64>,
    metric: BatchMetric,
    max_batch: u64,
    top: usize,
    format: Format,
) -> CmdResult {
    let System::Device(hw) = r.system else {
        return Err(usage(
            src,
            &["hardware"],
            "optimize batch searches one device; this plan has a fleet".into(),
        ));
    };
    let sla = match sla_ms {
        Some(ms) if ms.is_finite() && ms > 0.0 => ms * 1e-3,
        Some(ms) => {
            return Err((
                exit::USAGE,
                format!("error: --sla-ms must be > 0, got {ms}"),
            ))
        }
        None => {
            let from_plan = (metric == BatchMetric::Latency)
                .then(|| {
                    r.asserts
                        .iter()
                        .filter(|(_, a)| a.metric.name() == "performance.latency")
                        .filter_map(|(_, a)| a.max)
                        .reduce(f64::min)
                })
                .flatten();
            from_plan.ok_or_else(|| {
                (
                    exit::USAGE,
                    format!(
                        "error: give --sla-ms{}",
                        if metric == BatchMetric::Latency {
                            " or an assert on performance.latency with a max in the plan"
                        } else {
                            ""
                        }
                    ),
                )
            })?
        }
    };
    if !(1..=batch::MAX_BATCH_LIMIT).contains(&max_batch) {
        return Err((
            exit::USAGE,
            format!(
                "error: --max-batch must be from 1 to {} (every batch up to it is solved), got {max_batch}",
                batch::MAX_BATCH_LIMIT
            ),
        ));
    }
    let o = BatchOptions {
        metric,
        sla,
        max_batch,
        precision: r.options.precision,
        efficiency: r.options.efficiency,
        seq_len: r.options.seq_len,
    };
    let s = batch::search(r.model, hw, &reg.calibration, &o)
        .map_err(|e| (exit::FAILURE, format!("error: {}: {e}", src.file)))?;
    let what = format!(
        "{} on {}, {} ≤ {}, {}, batches 1..{}",
        r.model.key,
        hw.key,
        metric.key(),
        number(sla * 1e3, "ms"),
        o.precision.key(),
        max_batch
    );
    let per = if metric == BatchMetric::Itl {
        "tokens/s"
    } else {
        "samples/s"
    };
    let out = match format {
        Format::Json => {
            let all: Vec<Json> = s
                .meeting
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    json!({
                        "rank": i + 1, "batch": p.batch, "latency_ms": p.latency * 1e3,
                        "throughput_per_s": p.throughput, "memory_gb": gb(p.memory),
                    })
                })
                .collect();
            format!(
                "{:#}\n",
                json!({
                    "search": "batch", "plan": r.name, "file": src.file, "question": what,
                    "metric": metric.key(), "sla_ms": sla * 1e3, "searched": s.searched,
                    "over_sla": s.over_sla, "out_of_memory": s.out_of_memory,
                    "best_batch": s.best().map(|p| p.batch), "meeting": all,
                })
            )
        }
        Format::Text => {
            let mut t = format!(
                "optimize batch: {what}\n{} batch sizes meet the SLA, {} miss it, {} do not fit\n",
                s.meeting.len(),
                s.over_sla,
                s.out_of_memory
            );
            let rows: Vec<Vec<String>> = s
                .meeting
                .iter()
                .take(top)
                .enumerate()
                .map(|(i, p)| {
                    vec![
                        (i + 1).to_string(),
                        p.batch.to_string(),
                        format!("{:.3}", p.latency * 1e3),
                        grouped(p.throughput, 1),
                        format!("{:.3}", gb(p.memory)),
                    ]
                })
                .collect();
            if !rows.is_empty() {
                t.push('\n');
                t.push_str(&table(
                    &[
                        "rank",
                        "batch",
                        &format!("{} (ms)", metric.key()),
                        per,
                        "GB",
                    ],
                    &rows,
                    &[],
                ));
            }
            if let Some(b) = s.best() {
                t.push_str(&format!(
                    "\nbest: batch {} — {} {}, {} {per}{}\n",
                    b.batch,
                    metric.key(),
                    number(b.latency * 1e3, "ms"),
                    grouped(b.throughput, 1),
                    if b.batch == max_batch {
                        " (the search bound; raise --max-batch to look further)"
                    } else {
                        ""
                    }
                ));
            }
            t
        }
    };
    if s.meeting.is_empty() {
        out::print(&out).map_err(|_| (exit::FAILURE, String::new()))?;
        return Err((exit::FAILURE, "error: no batch size meets the SLA".into()));
    }
    Ok(out)
}
