//! Cluster operations and responsible-AI models: `OrchestrationModel` (the wait wall of a shared
//! cluster, an M/D/1 queue) and `ResponsibleEngineeringModel` (the DP-SGD slowdown and the data a
//! rare subgroup needs).

use super::constant;
use super::Outs;
use crate::base::units::{time as t, Dim, Time};
use crate::calc::params::{Out, SolveError};
use crate::calc::solvers::decl::{
    input, num, output, time, Args, Ctx, Default as D, Kind, Range, Run, SolverDef,
};
use crate::calc::solvers::inputs::FLEET;

/// The declarations.
pub const DEFS: &[SolverDef] = &[
    SolverDef {
        name: "orchestration",
        class: "OrchestrationModel",
        doc: "Wait wall of a shared cluster: jobs arriving at λ per day, each holding the whole cluster for a fixed duration (M/D/1 queue); utilization, mean wait and queue length.",
        inputs: &[
            FLEET[0],
            FLEET[1],
            FLEET[2],
            FLEET[3],
            input("arrival_rate_jobs_per_day", Kind::Number, D::Required, Range::NONNEG, "job arrivals per day λ"),
            input("avg_job_duration_days", Kind::Qty(Dim::TIME, "d"), D::Required, Range::POSITIVE, "time a job runs when it has the whole cluster (1/μ)"),
        ],
        outputs: &[
            output("cluster_utilization", "1", "ρ = λ / μ"),
            output("avg_wait_time_days", "d", "mean queue wait ρ / (2μ(1 − ρ)) (∞ when ρ ≥ 1)"),
            output("avg_queue_length", "1", "mean jobs waiting ρ² / (2(1 − ρ)) (∞ when ρ ≥ 1)"),
            output("is_stable", "bool", "ρ < 1"),
        ],
        run: Run::Model(orchestration),
    },
    SolverDef {
        name: "responsible-engineering",
        class: "ResponsibleEngineeringModel",
        doc: "Cost of responsible-AI guarantees: the DP-SGD training slowdown 1 + c/ε and the data multiplier 1/prevalence that a rare subgroup needs.",
        inputs: &[
            input("base_training_time", Kind::Qty(Dim::TIME, "h"), D::Required, Range::NONNEG, "training time without privacy guarantees"),
            input("epsilon", Kind::Number, D::Num(1.0), Range::NONNEG, "differential-privacy budget ε (smaller is stricter; below constants.dp_epsilon_floor it is clamped)"),
            input("delta", Kind::Number, D::Num(1e-5), Range::FRACTION, "DP failure probability δ (reported, not used)"),
            input("min_subgroup_prevalence", Kind::Number, D::Num(0.01), Range::FRACTION, "prevalence of the rarest subgroup to represent (below constants.subgroup_prevalence_floor it is clamped)"),
        ],
        outputs: &[
            output("dp_slowdown_factor", "1", "1 + constants.dp_sgd_slowdown_coefficient / max(ε, floor)"),
            output("effective_training_time", "h", "base training time × slowdown"),
            output("additional_data_requirement", "1", "1 / max(prevalence, floor)"),
            output("epsilon", "1", "ε as given"),
            output("delta", "1", "δ as given"),
            output("min_subgroup_prevalence", "1", "prevalence as given"),
            output("privacy_cost_ratio", "1", "the DP slowdown factor"),
            output("fairness_data_ratio", "1", "the data multiplier"),
        ],
        run: Run::Model(responsible_engineering),
    },
];

/// Checks that the fleet resolves: a registry `fleet`, or `node`, `node_count` and `fabric`.
fn check_fleet(a: &Args, ctx: &Ctx) -> Result<(), SolveError> {
    let composed = ["node", "node_count", "fabric"]
        .iter()
        .any(|n| a.text(n).is_some() || a.opt(n).is_some());
    match (a.text("fleet"), composed) {
        (Some(key), false) => {
            ctx.reg.fleet(key)?;
        }
        (None, true) => {
            let need = |name: &str| {
                a.invalid(
                    name,
                    format!("`{name}` is required with `node`, `node_count` and `fabric`"),
                )
            };
            ctx.reg.node(a.text("node").ok_or_else(|| need("node"))?)?;
            a.opt("node_count").ok_or_else(|| need("node_count"))?;
            ctx.reg
                .fabric(a.text("fabric").ok_or_else(|| need("fabric"))?)?;
        }
        (Some(_), true) => {
            return Err(a.invalid(
                "fleet",
                "give either `fleet` or `node`, `node_count` and `fabric`, not both".into(),
            ))
        }
        (None, false) => {
            return Err(a.invalid(
                "fleet",
                "`fleet` (or `node`, `node_count` and `fabric`) is required".into(),
            ))
        }
    }
    Ok(())
}

fn orchestration(a: &Args, ctx: &mut Ctx) -> Outs {
    // mlsysim takes the fleet but prices nothing from it: the queue sees only λ and 1/μ.
    check_fleet(a, ctx)?;
    let day = Time::new::<t::day>(1.0).value;
    let lambda = a.f("arrival_rate_jobs_per_day");
    let mu = 1.0 / (a.f("avg_job_duration_days") / day);
    let rho = lambda / mu;
    let stable = rho < 1.0;
    // M/D/1 (Pollaczek–Khinchine with deterministic service): half the M/M/1 wait.
    let (wait, queue) = if stable {
        (
            rho / (2.0 * mu * (1.0 - rho)),
            rho * rho / (2.0 * (1.0 - rho)),
        )
    } else {
        (f64::INFINITY, f64::INFINITY)
    };
    Ok(vec![
        ("cluster_utilization", num(rho)),
        ("avg_wait_time_days", time(wait * day)),
        ("avg_queue_length", num(queue)),
        ("is_stable", Out::Bool(stable)),
    ])
}

fn responsible_engineering(a: &Args, ctx: &mut Ctx) -> Outs {
    let (eps, delta, prevalence) = (a.f("epsilon"), a.f("delta"), a.f("min_subgroup_prevalence"));
    let coefficient = constant(ctx, "dp_sgd_slowdown_coefficient")?;
    let slowdown = 1.0 + coefficient / eps.max(constant(ctx, "dp_epsilon_floor")?);
    let data = 1.0 / prevalence.max(constant(ctx, "subgroup_prevalence_floor")?);
    Ok(vec![
        ("dp_slowdown_factor", num(slowdown)),
        (
            "effective_training_time",
            time(a.f("base_training_time") * slowdown),
        ),
        ("additional_data_requirement", num(data)),
        ("epsilon", num(eps)),
        ("delta", num(delta)),
        ("min_subgroup_prevalence", num(prevalence)),
        ("privacy_cost_ratio", num(slowdown)),
        ("fairness_data_ratio", num(data)),
    ])
}

#[cfg(test)]
mod tests {
    use super::DEFS;
    use crate::calc::params::{Param, Params, SolveError};
    use crate::calc::solvers::decl::{run_model, Run};
    use crate::registry::load;

    fn orchestration(extra: &[(&str, &str)]) -> Result<(), String> {
        let reg = load::embedded().expect("embedded registry");
        let def = &DEFS[0];
        let Run::Model(f) = def.run else {
            panic!("declared model")
        };
        let mut p = Params::new();
        p.insert("arrival_rate_jobs_per_day".into(), Param::Number(1.0));
        p.insert("avg_job_duration_days".into(), Param::Number(0.5));
        for (k, v) in extra {
            p.insert((*k).into(), Param::Text((*v).into()));
        }
        run_model(def, f, &reg, &p)
            .map(|_| ())
            .map_err(|e| match e {
                SolveError::Invalid { message, .. } => message,
                other => other.to_string(),
            })
    }

    #[test]
    fn orchestration_takes_one_fleet_registry_or_ad_hoc() {
        assert_eq!(orchestration(&[("fleet", "Research_256")]), Ok(()));
        let adhoc = [
            ("node", "DGX_H100"),
            ("node_count", "128"),
            ("fabric", "InfiniBand_NDR"),
        ];
        assert_eq!(orchestration(&adhoc), Ok(()));
        let missing = orchestration(&[]).unwrap_err();
        assert!(missing.contains("is required"), "{missing}");
        let both = orchestration(&[("fleet", "Research_256"), ("node", "DGX_H100")]).unwrap_err();
        assert!(both.contains("not both"), "{both}");
        let partial = orchestration(&[("node", "DGX_H100"), ("node_count", "4")]).unwrap_err();
        assert!(partial.contains("`fabric` is required"), "{partial}");
        assert!(orchestration(&[("fleet", "NoSuchFleet")]).is_err());
    }
}
