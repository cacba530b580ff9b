//! Inputs that several solvers declare alike, declared once: the model and device keys,
//! precision, the fleet (a registry fleet or an ad-hoc node × count × fabric), the operating
//! period and energy price, and the training switches. A solver lists them in its declaration in
//! mlsysim's order.

use super::decl::{input, Default, Input, Kind, Range};
use crate::base::units::Dim;

/// `precision`: fp32, tf32, bf16, fp16, fp8, int8 or int4.
pub const PRECISION: Input = input(
    "precision",
    Kind::Text,
    Default::Text("fp16"),
    Range::ANY,
    "fp32, tf32, bf16, fp16, fp8, int8 or int4",
);

/// `model`: the model.
pub const MODEL: Input = input(
    "model",
    Kind::Key("models"),
    Default::Required,
    Range::ANY,
    "the model",
);

/// `hardware`: the device.
pub const HARDWARE: Input = input(
    "hardware",
    Kind::Key("hardware"),
    Default::Required,
    Range::ANY,
    "the device",
);

/// `duration_days`: operating period.
pub const DURATION_DAYS: Input = input(
    "duration_days",
    Kind::Qty(Dim::TIME, "d"),
    Default::Required,
    Range::NONNEG,
    "operating period",
);

/// `kwh_price`: electricity price (default constants.electricity_price).
pub const KWH_PRICE: Input = input(
    "kwh_price",
    Kind::Qty(Dim::ENERGY_PRICE, "$/kWh"),
    Default::Absent,
    Range::ANY,
    "electricity price (default constants.electricity_price)",
);

/// `datacenter`: a datacenter or grid key (default: the fleet's datacenter, else its region, else constants.default_grid).
pub const DATACENTER: Input = input(
    "datacenter",
    Kind::Text,
    Default::Absent,
    Range::ANY,
    "a datacenter or grid key (default: the fleet's datacenter, else its region, else constants.default_grid)",
);

/// `grid`: a grid (or datacenter) key, as datacenter.
pub const GRID: Input = input(
    "grid",
    Kind::Text,
    Default::Absent,
    Range::ANY,
    "a grid (or datacenter) key, as datacenter",
);

/// `is_lora`: LoRA fine-tuning.
pub const IS_LORA: Input = input(
    "is_lora",
    Kind::Bool,
    Default::Bool(false),
    Range::ANY,
    "LoRA fine-tuning",
);

/// `activation_recomputation`: recompute activations (4× FLOPs, full strategy).
pub const ACTIVATION_RECOMPUTATION: Input = input(
    "activation_recomputation",
    Kind::Bool,
    Default::Bool(false),
    Range::ANY,
    "recompute activations (4× FLOPs, full strategy)",
);

/// `overlap_comm`: overlap the data-parallel all-reduce with compute.
pub const OVERLAP_COMM: Input = input(
    "overlap_comm",
    Kind::Bool,
    Default::Bool(false),
    Range::ANY,
    "overlap the data-parallel all-reduce with compute",
);

/// The fleet of a macro solver: a registry `fleet`, or an ad-hoc one (`node`, `node_count`,
/// `fabric`).
pub const FLEET: [Input; 4] = [
    input(
        "fleet",
        Kind::Key("fleets"),
        Default::Absent,
        Range::ANY,
        "a registry fleet (or node, node_count and fabric)",
    ),
    input(
        "node",
        Kind::Key("nodes"),
        Default::Absent,
        Range::ANY,
        "node of an ad-hoc fleet",
    ),
    input(
        "node_count",
        Kind::Int,
        Default::Absent,
        Range::AT_LEAST_1,
        "nodes of an ad-hoc fleet",
    ),
    input(
        "fabric",
        Kind::Key("fabrics"),
        Default::Absent,
        Range::ANY,
        "inter-node fabric of an ad-hoc fleet",
    ),
];
