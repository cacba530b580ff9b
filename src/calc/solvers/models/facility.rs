//! Facility models: `PowerTransientModel`.

use super::W;
use crate::base::units::Dim;
use crate::calc::params::{Out, SolveError};
use crate::calc::solvers::decl::{
    input, num, output, Args, Ctx, Default as D, Kind, Range, Run, SolverDef,
};

/// Power per time (W/s in SI).
const POWER_RATE: Dim = Dim([2, 1, -4, 0, 0, 0, 0]);

/// The declarations.
pub const DEFS: &[SolverDef] = &[SolverDef {
    name: "power-transient",
    class: "PowerTransientModel",
    doc: "One accelerator's load step on its core rail (current step dP/V, droop L·dI/dt) and the power ramp a barrier-synchronized cluster makes.",
    inputs: &[
        input("high_power", W, D::Required, Range::NONNEG, "design (compute-phase) power per device"),
        input("low_power", W, D::Required, Range::NONNEG, "communication-phase power per device"),
        input("rail_voltage", Kind::Qty(Dim::VOLTAGE, "V"), D::Required, Range::POSITIVE, "core rail voltage"),
        input("loop_inductance", Kind::Qty(Dim::INDUCTANCE, "nH"), D::Required, Range::NONNEG, "board loop inductance"),
        input("rise_time", Kind::Qty(Dim::TIME, "us"), D::Required, Range::POSITIVE, "edge of the load step (mlsysim: rise_times[name])"),
        input("n_devices", Kind::Int, D::Required, Range::NONNEG, "devices stepping together"),
        input("ramp_window", Kind::Qty(Dim::TIME, "ms"), D::Required, Range::POSITIVE, "window over which the cluster step arrives"),
    ],
    outputs: &[
        output("power_step", "W", "high − low power"),
        output("current_step", "A", "power step / rail voltage"),
        output("droop", "mV", "L · dI / dt (mlsysim: droop[name])"),
        output("droop_share", "1", "droop / rail voltage (mlsysim: droop_share[name])"),
        output("cluster_power_step", "kW", "devices × power step"),
        output("ramp_rate", "GW/s", "cluster step / ramp window"),
    ],
    run: Run::Model(power_transient),
}];

fn power_transient(a: &Args, _: &mut Ctx) -> Result<Vec<(&'static str, Out)>, SolveError> {
    let step = a.f("high_power") - a.f("low_power");
    let v = a.f("rail_voltage");
    let di = step / v;
    let droop = a.f("loop_inductance") * di / a.f("rise_time");
    let cluster = a.f("n_devices") * step;
    Ok(vec![
        ("power_step", Out::qty(step, Dim::POWER)),
        ("current_step", Out::qty(di, Dim::CURRENT)),
        ("droop", Out::qty(droop, Dim::VOLTAGE)),
        ("droop_share", num(droop / v)),
        ("cluster_power_step", Out::qty(cluster, Dim::POWER)),
        (
            "ramp_rate",
            Out::qty(cluster / a.f("ramp_window"), POWER_RATE),
        ),
    ])
}
