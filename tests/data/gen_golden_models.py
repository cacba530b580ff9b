#!/usr/bin/env python3
"""Golden cases for the models beyond the core six, computed with the published mlsysim 0.3.0.

    python3 -m venv /tmp/mlsysim-venv && /tmp/mlsysim-venv/bin/pip install mlsysim==0.3.0
    /tmp/mlsysim-venv/bin/python tests/data/gen_golden_models.py > tests/data/golden-models.json

Each case names the mlsysim class, our inputs (quantities as {"value", "unit"} in units both pint
and our parser read) and every output in a unit our parser reads. Where mlsysim takes a dict
(paths, stages, group sizes) the case passes a one-entry dict and reads the one entry back, which is
what our single-path port computes. A case whose call raises records the error; ours must reject
the same input.
"""
import json
import re
import math
import sys

import mlsysim
import mlsysim.solvers as S
from mlsysim.core.units import Q_

PINT = {"ms": "millisecond", "s": "second", "h": "hour", "us": "microsecond", "B": "byte",
        "MB": "megabyte", "GB": "gigabyte", "TB": "terabyte", "KB": "kilobyte", "GB/s": "gigabyte/second", "USD": "USD",
        "USD/h": "USD/hour"}
# Output units, tried in order: (pint unit, our unit).
OUT_UNITS = [("second", "s"), ("byte", "B"), ("byte/second", "B/s"), ("USD/hour", "USD/h"),
             ("USD", "USD"), ("flop/second", "flop/s"), ("flop", "flop"), ("flop/byte", "flop/B")]


def q(value, unit):
    return {"value": value, "unit": unit}


def to_pint(v):
    if isinstance(v, dict):
        return Q_(v["value"], PINT[v["unit"]])
    return v


def out(v):
    if isinstance(v, bool):
        return {"value": v, "unit": "bool"}
    if isinstance(v, str):
        return {"value": v, "unit": "label"}
    if v is None:
        return None
    if isinstance(v, (int, float)):
        x = float(v)
        return {"value": x if math.isfinite(x) else str(x), "unit": "1"}
    # mlsysim's byte and USD are dimensionless in pint: pick the unit by name first.
    tokens = set(re.findall(r"[A-Za-z_]+", f"{v.units:~}") + re.findall(r"[A-Za-z_]+", f"{v.units}"))
    per_time = bool(tokens & {"s", "second", "h", "hour", "ms", "millisecond"})
    pu = ou = None
    if "USD" in tokens:
        pu, ou = ("USD/hour", "USD/h") if per_time else ("USD", "USD")
    elif tokens & {"flop", "FLOP", "FLOPs"}:
        if tokens & {"byte", "B"} and not per_time:
            x = float(v.to("flop/byte").magnitude)
            return {"value": x if math.isfinite(x) else str(x), "unit": "flop/B"}
    elif tokens & {"byte", "B", "KB", "kB", "MB", "GB", "TB", "PB", "kilobyte", "megabyte", "gigabyte",
                   "terabyte", "KiB", "MiB", "GiB", "TiB", "gibibyte", "mebibyte"}:
        pu, ou = ("byte/second", "B/s") if per_time else ("byte", "B")
    if pu:
        x = float(v.to(pu).magnitude)
        return {"value": x if math.isfinite(x) else str(x), "unit": ou}
    if v.dimensionless:
        return out(float(v.to("").magnitude))
    for pu, ou in OUT_UNITS:
        try:
            x = float(v.to(pu).magnitude)
            return {"value": x if math.isfinite(x) else str(x), "unit": ou}
        except Exception:
            continue
    raise ValueError(f"no unit for {v}")


def scalar_fields(r, skip=()):
    res = {}
    for k in type(r).model_fields:
        if k in ("constraint_trace",) or k in skip:
            continue
        v = getattr(r, k)
        if isinstance(v, dict):
            continue
        res[k] = v
    return res


CASES = []


def case(cls, cid, inputs, call):
    """call(pint_inputs) -> dict of raw outputs."""
    p = {k: to_pint(v) for k, v in inputs.items()}
    c = {"id": f"{cls}/{cid}", "solver": cls, "inputs": inputs}
    try:
        raw = call(p)
        c["outputs"] = {k: out(v) for k, v in raw.items()}
    except Exception as e:  # noqa: BLE001
        c["error"] = f"{type(e).__name__}: {e}"
    CASES.append(c)


# ── IronLawModel ──
def iron(p):
    return scalar_fields(S.IronLawModel().solve(p["memory_time"], p["compute_time"], p["overhead"],
                                               memory_speedup=p.get("memory_speedup", 1.0),
                                               compute_speedup=p.get("compute_speedup", 1.0)))


for i, (m, c, o, ms, cs) in enumerate([(2, 1, 0.5, 2.0, 1.0), (1, 3, 0.2, 1.0, 4.0), (0.4, 0.4, 0, 2, 2),
                                        (10, 0.1, 1, 3.3, 1.7), (0, 5, 1, 1, 1), (7, 0, 0.3, 8, 1),
                                        (1e-3, 2e-3, 5e-4, 1.5, 2.5), (100, 100, 100, 1, 1), (1, 1, 1, 0, 1)]):
    inp = {"memory_time": q(m, "ms"), "compute_time": q(c, "ms"), "overhead": q(o, "ms"),
           "memory_speedup": ms, "compute_speedup": cs}
    case("IronLawModel", f"{i}", inp, iron)


# ── AmdahlModel (one stage against the rest) ──
def amdahl(p):
    stages = {"stage": p["stage_time"], "rest": p["rest_time"]}
    return scalar_fields(S.AmdahlModel().solve(stages, "stage", p["speedup"]))


for i, (st, rt, s) in enumerate([(80, 20, 4), (50, 50, 2), (1, 99, 100), (99, 1, 10), (30, 70, 1),
                                  (0, 10, 3), (12.5, 3.3, 1e6), (5, 5, 0.5), (5, 0, 2)]):
    case("AmdahlModel", f"{i}", {"stage_time": q(st, "ms"), "rest_time": q(rt, "ms"), "speedup": s}, amdahl)


# ── FailureIntervalModel ──
def failure_interval(p):
    r = S.FailureIntervalModel().solve(p["component_mtbf"], p["n_components"], p["run_duration"])
    return scalar_fields(r)


for i, (m, n, d) in enumerate([(50000, 1000, 720), (100000, 16384, 24), (8760, 1, 8760), (1e6, 8, 1),
                                (25000, 4096, 2160), (3000, 7, 0.5), (87600, 100000, 336), (1, 1, 1),
                                (50000, 1000, 0)]):
    case("FailureIntervalModel", f"{i}", {"component_mtbf": q(m, "h"), "n_components": n,
                                          "run_duration": q(d, "h")}, failure_interval)


# ── CheckpointIntervalModel ──
def ckpt_interval(p):
    return scalar_fields(S.CheckpointIntervalModel().solve(p["write_time"], p["mtbf"]))


for i, (w, m) in enumerate([(30, 5), (60, 1), (300, 24), (1, 0.1), (120, 2.5), (10, 1000), (600, 0.2),
                            (45.5, 7.25), (0, 5)]):
    case("CheckpointIntervalModel", f"{i}", {"write_time": q(w, "s"), "mtbf": q(m, "h")}, ckpt_interval)


# ── GoodputModel ──
def goodput(p):
    r = S.GoodputModel().solve(p["scheduling"], p["runtime"], p["program"],
                               device_hour_rate=p.get("device_hour_rate"))
    d = scalar_fields(r)
    for k, v in r.point_value.items():
        d[f"point_value_{k}"] = v
    return d


for i, (s, r, pr, rate) in enumerate([(0.9, 0.8, 0.5, 2.5), (1, 1, 1, None), (0.5, 0.5, 0.5, 10),
                                       (0.95, 0.9, 0.4, None), (0.7, 0.99, 0.6, 3.0), (0.2, 0.3, 0.9, 1.0),
                                       (0.85, 0.75, 0.55, 4.2), (1.0, 0.5, 0.25, 0.0), (0.9, 0.0, 0.5, None)]):
    inp = {"scheduling": s, "runtime": r, "program": pr}
    if rate is not None:
        inp["device_hour_rate"] = q(rate, "USD/h")
    case("GoodputModel", f"{i}", inp, goodput)


# ── DataStallModel ──
def data_stall(p):
    return scalar_fields(S.DataStallModel().solve(p["compute_time"], p["io_time"]))


for i, (c, io) in enumerate([(100, 40), (40, 100), (50, 50), (10, 0), (1, 1000), (250, 249.9), (0.5, 0.25),
                             (80, 120), (0, 10)]):
    case("DataStallModel", f"{i}", {"compute_time": q(c, "ms"), "io_time": q(io, "ms")}, data_stall)


# ── StorageFootprintModel ──
def footprint(p):
    r = S.StorageFootprintModel().solve(Q_(p["parameters"], "param"),
                                        p["bytes_per_param"], p["corpus_bytes"], p["source_bytes"],
                                        p["run_duration"], p["save_interval"], p["shard_bytes"],
                                        p["archive_every"])
    return scalar_fields(r)


for i, (n, bpp, corpus, src, dur, every_h, shard, keep) in enumerate([
        (70e9, 16, 30000, 100000, 1440, 3, 512, 10), (8e9, 14, 15000, 45000, 240, 1, 256, 5),
        (175e9, 16, 1200, 4000, 720, 4, 1024, 7), (1e9, 12, 100, 300, 24, 0.5, 128, 1),
        (405e9, 16, 60000, 200000, 2000, 2.5, 2048, 12), (7e9, 2, 5, 10, 10, 3, 100, 3),
        (13e9, 16, 2500, 2500, 100, 7, 256.5, 4), (3e9, 14, 800, 1000, 1, 2, 64, 2),
        (70e9, 16, 30000, 100000, 1440, 3, 512, 0)]):
    inp = {"parameters": n, "bytes_per_param": q(bpp, "B"), "corpus_bytes": q(corpus, "GB"),
           "source_bytes": q(src, "GB"), "run_duration": q(dur, "h"), "save_interval": q(every_h, "h"),
           "shard_bytes": q(shard, "MB"), "archive_every": keep}
    case("StorageFootprintModel", f"{i}", inp, footprint)


# ── TieredCheckpointModel ──
def tiered(p):
    return scalar_fields(S.TieredCheckpointModel().solve(p["checkpoint_bytes"], p["nodes"], p["local_bandwidth"],
                                                         p["durable_bandwidth"], p["save_interval"]))


for i, (ck, nodes, lbw, dbw, si) in enumerate([(1120, 128, 5, 100, 1800), (16000, 1024, 10, 500, 3600),
                                                (112, 1, 2, 2, 600), (2800, 64, 3.5, 40, 900),
                                                (6480, 512, 7, 250, 1200), (50, 8, 1, 10, 60),
                                                (1e5, 4096, 12, 2000, 7200), (300, 3, 0.5, 1.5, 100),
                                                (300, 3, 0, 1.5, 100)]):
    inp = {"checkpoint_bytes": q(ck, "GB"), "nodes": nodes, "local_bandwidth": q(lbw, "GB/s"),
           "durable_bandwidth": q(dbw, "GB/s"), "save_interval": q(si, "s")}
    case("TieredCheckpointModel", f"{i}", inp, tiered)


# ── CheckpointStormModel ──
def storm(p):
    return scalar_fields(S.CheckpointStormModel().solve(p["state_bytes"], p["replicas"], p["ingest_bandwidth"]))


for i, (st, rep, bw) in enumerate([(1120, 8, 100), (112, 64, 20), (16000, 1, 1000), (2800, 128, 250),
                                    (50, 3, 2.5), (6480, 16, 400), (0.5, 1024, 10), (100, 2, 1), (100, 2, 0)]):
    case("CheckpointStormModel", f"{i}", {"state_bytes": q(st, "GB"), "replicas": rep,
                                          "ingest_bandwidth": q(bw, "GB/s")}, storm)


# ── AlphaBetaModel (one path, one message) ──
def alpha_beta(p):
    r = S.AlphaBetaModel().solve({"p": p["alpha"]}, {"p": p["bandwidth"]}, {"m": p["message"]})
    return {"time": r.times["p"]["m"], "transmission_time": r.transmission_times["p"]["m"],
            "crossover": r.crossovers["p"]}


for i, (a, bw, n) in enumerate([(5, 50, 1e6), (1.5, 400, 1024), (10, 25, 1e9), (0.7, 900, 8), (2, 100, 2e5),
                                 (30, 12.5, 4096), (1, 1, 1), (0, 50, 1e6), (5, 50, 0)]):
    case("AlphaBetaModel", f"{i}", {"alpha": q(a, "us"), "bandwidth": q(bw, "GB/s"), "message": q(n, "B")},
         alpha_beta)


# ── BisectionModel ──
def bisection(p):
    return scalar_fields(S.BisectionModel().solve(p["n_devices"], p["link_bandwidth"], p["oversubscription_ratio"],
                                                  p["payload_per_device"], p["communication_fraction"],
                                                  p["cluster_cost"]))


for i, (n, bw, r, pay, f, cost) in enumerate([(1024, 50, 2, 14, 0.3, 3e8), (256, 25, 4, 2, 0.5, 1e7),
                                               (8, 900, 1, 0.5, 0.1, 3e5), (4096, 50, 3, 140, 0.25, 1.2e9),
                                               (2, 100, 1.5, 1, 0.9, 1e5), (511, 12.5, 2, 7, 0.05, 5e7),
                                               (64, 400, 8, 0.25, 0.0, 2e6), (128, 50, 1, 1, 1.0, 1e6),
                                               (1, 50, 2, 1, 0.3, 1e6)]):
    inp = {"n_devices": n, "link_bandwidth": q(bw, "GB/s"), "oversubscription_ratio": r,
           "payload_per_device": q(pay, "GB"), "communication_fraction": f, "cluster_cost": q(cost, "USD")}
    case("BisectionModel", f"{i}", inp, bisection)


# ── IncastModel ──
def incast(p):
    return scalar_fields(S.IncastModel().solve(p["n_senders"], p["sender_bandwidth"], p["egress_bandwidth"],
                                               p["buffer"], p["feedback_rtt"]))


for i, (n, sb, eb, buf, rtt) in enumerate([(32, 50, 50, 64, 10), (128, 12.5, 50, 32, 5), (2, 100, 100, 16, 8),
                                            (1000, 1.25, 400, 128, 20), (8, 25, 50, 12, 2),
                                            (4, 10, 50, 64, 10), (64, 50, 400, 0, 12), (16, 3.125, 50, 9, 1),
                                            (1, 50, 50, 64, 10)]):
    inp = {"n_senders": n, "sender_bandwidth": q(sb, "GB/s"), "egress_bandwidth": q(eb, "GB/s"),
           "buffer": q(buf, "MB"), "feedback_rtt": q(rtt, "us")}
    case("IncastModel", f"{i}", inp, incast)


# ── AllReduceAlgorithmModel (one group size) ──
def allreduce_alg(p):
    n = p["group_size"]
    r = S.AllReduceAlgorithmModel().solve(p["message"], [n], p["alpha"], p["bandwidth"])
    keys = ("chunk", "ring_factor", "ring_rounds", "tree_rounds", "ring_byte_time", "ring_startup_time",
            "ring_time", "tree_byte_time", "tree_startup_time", "tree_time", "star_byte_time",
            "star_ring_limit", "crossover_estimate", "crossover_exact")
    return {k: getattr(r, k)[n] for k in keys}


for i, (m, n, a, bw) in enumerate([(100, 8, 5, 50), (1, 1024, 2, 25), (1000, 2, 10, 100), (0.001, 64, 1.5, 400),
                                    (256, 3, 7, 12.5), (64, 4096, 3, 50), (10, 17, 0, 200), (4, 256, 20, 900),
                                    (4, 1, 20, 900)]):
    inp = {"message": q(m, "MB"), "group_size": n, "alpha": q(a, "us"), "bandwidth": q(bw, "GB/s")}
    case("AllReduceAlgorithmModel", f"{i}", inp, allreduce_alg)


# ── HierarchicalAllReduceModel ──
def hier(p):
    return scalar_fields(S.HierarchicalAllReduceModel().solve(p["message"], p["n_nodes"], p["gpus_per_node"],
                                                              p["intra_bandwidth"], p["inter_bandwidth"],
                                                              p["inter_alpha"]))


for i, (m, nodes, g, ib, eb, a) in enumerate([(1000, 16, 8, 900, 50, 5), (100, 128, 8, 600, 25, 3),
                                               (14000, 1024, 8, 900, 50, 2), (1, 2, 2, 300, 12.5, 10),
                                               (500, 64, 4, 200, 100, 1.5), (64, 1, 8, 900, 50, 5),
                                               (2000, 256, 16, 1800, 100, 0), (10, 32, 1, 900, 50, 4),
                                               (10, 32, 8, 900, 0, 4)]):
    inp = {"message": q(m, "MB"), "n_nodes": nodes, "gpus_per_node": g, "intra_bandwidth": q(ib, "GB/s"),
           "inter_bandwidth": q(eb, "GB/s"), "inter_alpha": q(a, "us")}
    case("HierarchicalAllReduceModel", f"{i}", inp, hier)


# ── Models that read registry objects (model / hardware / fabric / fleet keys) ──
import mlsysim as _m
PINT.update({"V": "volt", "A": "ampere", "W": "watt", "nH": "nanohenry", "us": "microsecond",
             "flop": "flop", "TFLOP/s": "teraflop/second", "day": "day", "pJ/bit": "picojoule/bit"})
OUT_UNITS[:0] = [("kilogram", "kg"), ("liter", "L"), ("1/second", "Hz"), ("ampere", "A"), ("volt", "V"), ("watt/second", "W/s"), ("watt", "W"), ("joule", "J")]


def reg(v):
    """`Models.Language.Llama3_8B` → the registry object."""
    obj = _m
    for part in v.split("."):
        obj = getattr(obj, part)
    return obj


def to_pint_reg(v):
    if isinstance(v, dict) and "compose" in v:
        return v
    if isinstance(v, str) and v.split(".")[0] in ("Models", "Hardware", "Systems"):
        return reg(v)
    return to_pint(v)


def rcase(cls, cid, inputs, call):
    p = {k: to_pint_reg(v) for k, v in inputs.items()}
    c = {"id": f"{cls}/{cid}", "solver": cls, "inputs": inputs}
    try:
        raw = call(p)
        c["outputs"] = {k: out(v) for k, v in raw.items()}
    except Exception as e:  # noqa: BLE001
        c["error"] = f"{type(e).__name__}: {e}"
    CASES.append(c)


def kw(p, *skip):
    return {k: v for k, v in p.items() if k not in skip}


L8, L70, L405, MIX, GPT3, RN = ("Models.Language.Llama3_8B", "Models.Language.Llama3_70B",
                                "Models.Language.Llama3_405B", "Models.Language.Mixtral_8x7B",
                                "Models.Language.GPT3", "Models.Vision.ResNet50")
H100, A100, B200, CS3, T4 = ("Hardware.Cloud.H100", "Hardware.Cloud.A100", "Hardware.Cloud.B200",
                             "Hardware.Cloud.Cerebras_CS3", "Hardware.Cloud.T4")

# ── ScalingModel ──
def scaling(p):
    return scalar_fields(S.ScalingModel().solve(p["compute_budget"],
                                                 Q_(p["target_model_size"], "param") if "target_model_size" in p else None))


for i, (b, t) in enumerate([(q(1e23, "flop"), None), (q(5.76e23, "flop"), None), (q(1e21, "flop"), 1e9),
                             (q(3.8e25, "flop"), 405e9), (q(1000, "day"), None), (q(1, "day"), 7e9),
                             (q(6e18, "flop"), None), (q(0, "flop"), None), (q(1e24, "flop"), 70e9)]):
    inp = {"compute_budget": b}
    if t is not None:
        inp["target_model_size"] = t
    rcase("ScalingModel", f"{i}", inp, scaling)


# ── CheckpointModel ──
def checkpoint(p):
    return scalar_fields(S.CheckpointModel().solve(p["model"], p["hardware"], **kw(p, "model", "hardware")))


for i, inp in enumerate([
        {"model": L8, "hardware": H100},
        {"model": L70, "hardware": H100, "optimizer": "adam", "checkpoint_interval_hours": 2.0, "n_writers": 64},
        {"model": L405, "hardware": B200, "optimizer": "sgd", "n_writers": 1024, "filesystem_limit_gbs": 200.0},
        {"model": GPT3, "hardware": A100, "checkpoint_interval_hours": 0.5, "n_writers": 8},
        {"model": L8, "hardware": T4, "checkpoint_interval_hours": 0.0},
        {"model": MIX, "hardware": H100, "optimizer": "ADAM", "n_writers": 16, "filesystem_limit_gbs": 50.0},
        {"model": L70, "hardware": A100, "optimizer": "sgd", "checkpoint_interval_hours": 24.0},
        {"model": L8, "hardware": B200, "n_writers": 3, "checkpoint_interval_hours": 1.5},
        {"model": L405, "hardware": H100, "n_writers": 100000}]):
    rcase("CheckpointModel", f"{i}", inp, checkpoint)


# ── TrainingMemoryModel ──
def training_memory(p):
    return scalar_fields(S.TrainingMemoryModel().solve(p["model"], p["hardware"], **kw(p, "model", "hardware")))


for i, inp in enumerate([
        {"model": L8, "hardware": H100, "batch_size": 8},
        {"model": L70, "hardware": H100, "batch_size": 1024, "tp_size": 8, "pp_size": 4, "dp_size": 32,
         "zero_stage": 1, "gradient_accumulation_steps": 4},
        {"model": L70, "hardware": H100, "batch_size": 64, "tp_size": 8, "sequence_parallel": False,
         "activation_checkpointing": "full", "precision": "bf16"},
        {"model": L8, "hardware": A100, "batch_size": 4, "seq_len": 4096, "activation_checkpointing": "none",
         "optimizer": "sgd", "precision": "fp32"},
        {"model": L405, "hardware": B200, "batch_size": 2048, "tp_size": 8, "pp_size": 16, "dp_size": 64,
         "zero_stage": 3, "trainable_fraction": 0.5},
        {"model": MIX, "hardware": H100, "batch_size": 256, "ep_size": 8, "dp_size": 8, "zero_stage": 2,
         "communication_buffer_fraction": 0.1},
        {"model": L8, "hardware": H100, "batch_size": 1, "optimizer": "none", "trainable_fraction": 0.0,
         "precision": "fp8"},
        {"model": GPT3, "hardware": A100, "batch_size": 1536, "tp_size": 8, "pp_size": 8, "dp_size": 24,
         "seq_len": 2048, "optimizer": "adamw", "zero_stage": 1},
        {"model": L8, "hardware": H100, "batch_size": 8, "optimizer": "lion"},
        {"model": L8, "hardware": H100, "batch_size": 8, "zero_stage": 4},
        {"model": L8, "hardware": H100, "batch_size": 8, "pp_size": 64}]):
    rcase("TrainingMemoryModel", f"{i}", inp, training_memory)


# ── DecodeBoundModel ──
def decode_bound(p):
    r = S.DecodeBoundModel().solve(p["model"], p["hardware"], **kw(p, "model", "hardware"))
    return scalar_fields(r)


for i, inp in enumerate([
        {"model": L8, "hardware": H100}, {"model": L70, "hardware": H100, "precision": "fp8", "tp_size": 8},
        {"model": L8, "hardware": A100, "batch_size": 256}, {"model": L405, "hardware": B200, "precision": "int4",
                                                           "batch_size": 64, "tp_size": 8},
        {"model": MIX, "hardware": H100, "batch_size": 32}, {"model": GPT3, "hardware": T4, "precision": "int8"},
        {"model": L8, "hardware": H100, "batch_size": 4096, "peak_flops": q(500, "TFLOP/s")},
        {"model": L70, "hardware": A100, "precision": "bf16", "batch_size": 7, "tp_size": 2},
        {"model": L8, "hardware": H100, "precision": "fp64"}]):
    rcase("DecodeBoundModel", f"{i}", inp, decode_bound)


# ── EfficiencyModel ──
def efficiency(p):
    r = S.EfficiencyModel().solve(p["model"], p["hardware"], **kw(p, "model", "hardware"))
    d = scalar_fields(r)
    d.update(r.overhead_breakdown)
    return d


for i, inp in enumerate([
        {"model": L8, "hardware": H100}, {"model": L8, "hardware": H100, "workload_type": "attention"},
        {"model": L70, "hardware": A100, "workload_type": "attention", "use_flash_attention": True},
        {"model": RN, "hardware": T4, "workload_type": "conv", "efficiency": 0.7},
        {"model": L8, "hardware": B200, "workload_type": "ffn", "efficiency": 0.9, "precision": "fp8"},
        {"model": L8, "hardware": H100, "workload_type": "embedding", "efficiency": 0.2},
        {"model": L8, "hardware": H100, "workload_type": "attention", "use_flash_attention": True,
         "efficiency": 1.0},
        {"model": L8, "hardware": A100, "efficiency": 0.0},
        {"model": L8, "hardware": H100, "efficiency": 1e-10}]):
    rcase("EfficiencyModel", f"{i}", inp, efficiency)


# ── PowerTransientModel (one rise time) ──
def power_transient(p):
    r = S.PowerTransientModel().solve(p["high_power"], p["low_power"], p["rail_voltage"], p["loop_inductance"],
                                      {"edge": p["rise_time"]}, p["n_devices"], p["ramp_window"])
    return {"power_step": r.power_step, "current_step": r.current_step, "droop": r.droop["edge"],
            "droop_share": r.droop_share["edge"], "cluster_power_step": r.cluster_power_step,
            "ramp_rate": r.ramp_rate}


for i, (hi, lo, v, l, rt, n, win) in enumerate([
        (700, 200, 0.8, 0.1, 1, 16384, 10), (1000, 300, 0.75, 0.05, 0.1, 100000, 100),
        (400, 400, 0.8, 0.1, 1, 8, 1), (300, 700, 0.9, 0.2, 5, 1024, 50), (1200, 100, 1.0, 1.0, 0.01, 1, 1),
        (700, 0, 0.65, 0.02, 2, 24576, 1000), (350.5, 120.25, 0.85, 0.3, 0.5, 4096, 20),
        (700, 200, 0.8, 0.1, 0, 16384, 10)]):
    inp = {"high_power": q(hi, "W"), "low_power": q(lo, "W"), "rail_voltage": q(v, "V"),
           "loop_inductance": q(l, "nH"), "rise_time": q(rt, "us"), "n_devices": n, "ramp_window": q(win, "ms")}
    rcase("PowerTransientModel", f"{i}", inp, power_transient)


# ── TopologyModel ──
def topology(p):
    return scalar_fields(S.TopologyModel().solve(p["fabric"], **kw(p, "fabric")))


F_NDR, F_OV2, F_100, F_XDR = ("Systems.Fabrics.InfiniBand_NDR", "Systems.Fabrics.InfiniBand_NDR_Oversub2to1",
                              "Systems.Fabrics.Ethernet_100G", "Systems.Fabrics.InfiniBand_XDR")
for i, inp in enumerate([
        {"fabric": F_NDR}, {"fabric": F_OV2, "topology": "dragonfly", "num_nodes": 1024},
        {"fabric": F_100, "topology": "ring", "num_nodes": 8}, {"fabric": F_XDR, "topology": "torus_3d",
                                                                "num_nodes": 4096},
        {"fabric": F_NDR, "topology": "ring", "num_nodes": 0}, {"fabric": F_NDR, "topology": "hypercube",
                                                                "num_nodes": 256},
        {"fabric": "Systems.Fabrics.InfiniBand_NDR_Oversub4to1", "topology": "fat_tree", "num_nodes": 2},
        {"fabric": F_100, "topology": "torus_3d", "num_nodes": 1}]):
    rcase("TopologyModel", f"{i}", inp, topology)


# ── ZeroShardingModel ──
def zero(p):
    r = S.ZeroShardingModel().solve(p["model"], **kw(p, "model"))
    d = scalar_fields(r)
    for k, name in (("DDP", "ddp"), ("ZeRO-1", "zero1"), ("ZeRO-2", "zero2"), ("ZeRO-3", "zero3")):
        d[f"{name}_state"] = r.stage_state[k]
    d["zero3_traffic_multiple"] = r.traffic_multiple["ZeRO-3"]
    return d


for i, inp in enumerate([
        {"model": L8, "n_devices": 8}, {"model": L70, "n_devices": 64, "activations": q(20, "GB")},
        {"model": L405, "n_devices": 1024, "link_bandwidth": q(50, "GB/s")},
        {"model": GPT3, "n_devices": 1, "activations": q(0.5, "GB"), "link_bandwidth": q(900, "GB/s")},
        {"model": MIX, "n_devices": 16}, {"model": RN, "n_devices": 4, "link_bandwidth": q(25, "GB/s")},
        {"model": L8, "n_devices": 3, "activations": q(0, "GB")},
        {"model": L70, "n_devices": 24576, "link_bandwidth": q(400, "GB/s"), "activations": q(3, "GB")}]):
    rcase("ZeroShardingModel", f"{i}", inp, zero)


# ── MoERoutingModel ──
def moe(p):
    return scalar_fields(S.MoERoutingModel().solve(p["model"], **kw(p, "model")))


C256, C1K = "Systems.Clusters.Research_256", "Systems.Clusters.Training_1K"
for i, inp in enumerate([
        {"model": MIX, "batch_size": 8, "seq_len": 4096},
        {"model": MIX, "batch_size": 32, "seq_len": 2048, "ep_size": 8, "routing_imbalance_factor": 1.5,
         "fleet": C256},
        {"model": MIX, "batch_size": 1, "seq_len": 1, "ep_size": 2, "routing_imbalance_factor": 10.0},
        {"model": MIX, "batch_size": 64, "seq_len": 8192, "ep_size": 8, "precision": "fp8", "fleet": C1K},
        {"model": MIX, "batch_size": 16, "seq_len": 1024, "ep_size": 1, "fleet": C256},
        {"model": MIX, "batch_size": 4, "seq_len": 512, "ep_size": 4, "routing_imbalance_factor": 1.0,
         "precision": "bf16", "fleet": C1K},
        {"model": MIX, "batch_size": 8, "seq_len": 4096, "routing_imbalance_factor": 0.5},
        {"model": MIX, "batch_size": 8, "seq_len": 4096, "ep_size": 3, "routing_imbalance_factor": 3.99}]):
    rcase("MoERoutingModel", f"{i}", inp, moe)


# ── TailLatencyModel ──
def tail(p):
    return scalar_fields(S.TailLatencyModel().solve(**p))


for i, inp in enumerate([
        {"arrival_rate_qps": 50, "service_latency_ms": 10}, {"arrival_rate_qps": 900, "service_latency_ms": 10,
                                                              "num_replicas": 10},
        {"arrival_rate_qps": 100, "service_latency_ms": 10}, {"arrival_rate_qps": 1500, "service_latency_ms": 20,
                                                               "num_replicas": 32, "service_time_cv": 2.0},
        {"arrival_rate_qps": 10, "service_latency_ms": 50, "num_replicas": 1, "service_time_cv": 0.0},
        {"arrival_rate_qps": 0, "service_latency_ms": 5, "num_replicas": 4},
        {"arrival_rate_qps": 5000, "service_latency_ms": 25, "num_replicas": 150, "service_time_cv": 0.5},
        {"arrival_rate_qps": 99.9, "service_latency_ms": 10, "num_replicas": 1},
        {"arrival_rate_qps": 10, "service_latency_ms": 10, "service_time_cv": -1.0}]):
    rcase("TailLatencyModel", f"{i}", inp, tail)


# ── GradientSyncModel (one link) ──
def grad_sync(p):
    r = S.GradientSyncModel().solve(p["model"], p["precision"], {"link": p["link_bandwidth"]}, p["compute_time"],
                                    energy_per_bit=p.get("energy_per_bit"), steps=p.get("steps", 1),
                                    compute_speedup=p.get("compute_speedup", 1.0))
    return {"sync_bytes": r.sync_bytes, "compute_time": r.compute_time, "transfer_time": r.transfer_times["link"],
            "step_time": r.step_times["link"], "compute_fraction": r.compute_fractions["link"],
            "energy_per_step": r.energy_per_step, "energy_total": r.energy_total}


for i, inp in enumerate([
        {"model": L8, "precision": "fp16", "link_bandwidth": q(50, "GB/s"), "compute_time": q(300, "ms")},
        {"model": L70, "precision": "bf16", "link_bandwidth": q(400, "GB/s"), "compute_time": q(2, "s"),
         "energy_per_bit": q(10, "pJ/bit"), "steps": 1000},
        {"model": GPT3, "precision": "fp32", "link_bandwidth": q(12.5, "GB/s"), "compute_time": q(5, "s"),
         "compute_speedup": 4.0},
        {"model": RN, "precision": "fp16", "link_bandwidth": q(1.25, "GB/s"), "compute_time": q(100, "ms"),
         "energy_per_bit": q(5, "pJ/bit")},
        {"model": L8, "precision": "fp8", "link_bandwidth": q(900, "GB/s"), "compute_time": q(0, "ms")},
        {"model": MIX, "precision": "fp16", "link_bandwidth": q(100, "GB/s"), "compute_time": q(800, "ms"),
         "steps": 0, "energy_per_bit": q(15, "pJ/bit")},
        {"model": L405, "precision": "int8", "link_bandwidth": q(50, "GB/s"), "compute_time": q(10, "s"),
         "compute_speedup": 0.5, "steps": 7},
        {"model": L8, "precision": "int4", "link_bandwidth": q(25, "GB/s"), "compute_time": q(1, "s")}]):
    rcase("GradientSyncModel", f"{i}", inp, grad_sync)


# ── TrainingRunModel (overheads: checkpointing, failures, maintenance) ──
def training_run(p):
    oh = {k: p[k] for k in ("checkpoint_overhead", "failure_overhead", "maintenance_overhead") if k in p}
    r = S.TrainingRunModel().solve(p["model"], p["fleet"], p["local_efficiency"], p["scaling_efficiency"], oh,
                                   precision=p.get("precision", "fp8"),
                                   tokens=Q_(p["tokens"], "count") if "tokens" in p else None)
    d = {k: getattr(r, k) for k in ("total_flops", "peak_time", "compute_time", "scaled_time", "total_time",
                                    "delivered_fraction")}
    return d


for i, inp in enumerate([
        {"model": L70, "fleet": C1K, "local_efficiency": 0.5, "scaling_efficiency": 0.9, "tokens": 15e12},
        {"model": L405, "fleet": "Systems.Clusters.Meta_Llama3_16K_H100", "local_efficiency": 0.4,
         "scaling_efficiency": 0.85, "checkpoint_overhead": 0.05, "failure_overhead": 0.1,
         "maintenance_overhead": 0.02, "tokens": 15.6e12, "precision": "bf16"},
        {"model": L8, "fleet": C256, "local_efficiency": 0.45, "scaling_efficiency": 1.0, "tokens": 1e12,
         "precision": "fp16", "failure_overhead": 0.0},
        {"model": GPT3, "fleet": "Systems.Clusters.Training_1K_A100", "local_efficiency": 0.3,
         "scaling_efficiency": 0.7, "checkpoint_overhead": 0.1},
        {"model": L70, "fleet": "Systems.Clusters.Training_10K", "local_efficiency": 1.0, "scaling_efficiency": 1.0,
         "tokens": 2e12, "precision": "fp8", "maintenance_overhead": 0.25},
        {"model": L8, "fleet": C1K, "local_efficiency": 0.5, "scaling_efficiency": 0.95, "tokens": 0.0},
        {"model": MIX, "fleet": "Systems.Clusters.Training_1K_B200", "local_efficiency": 0.35,
         "scaling_efficiency": 0.8, "tokens": 8e12, "precision": "fp4x", "checkpoint_overhead": 0.03},
        {"model": L70, "fleet": C256, "local_efficiency": 0.5, "scaling_efficiency": 0.9, "tokens": 1e12,
         "checkpoint_overhead": 0.02, "maintenance_overhead": 0.01}]):
    rcase("TrainingRunModel", f"{i}", inp, training_run)


# ── ParallelLayoutModel ──
def layout(p):
    r = S.ParallelLayoutModel().solve(p["model"], **kw(p, "model"))
    return scalar_fields(r)


def lay(m, tp, pp, dp, mb, tok, peak, eff, bw, ov, **extra):
    d = {"model": m, "tp_size": tp, "pp_size": pp, "dp_size": dp, "microbatches": mb, "batch_tokens": tok,
         "flops_per_param_token": 6.0, "peak_flops": q(peak, "TFLOP/s"), "local_efficiency": eff,
         "link_bandwidth": q(bw, "GB/s"), "overlap_fraction": ov}
    d.update(extra)
    return d


for i, inp in enumerate([
        lay(L70, 8, 4, 32, 16, 4e6, 989, 0.5, 50, 0.5),
        lay(L405, 8, 16, 128, 64, 16e6, 989, 0.4, 50, 0.8, device_memory=q(80, "GB")),
        lay(L8, 1, 1, 8, 1, 1e6, 312, 0.45, 25, 0.0),
        lay(GPT3, 8, 8, 16, 8, 3.2e6, 312, 0.3, 12.5, 1.0, gradient_precision="fp32"),
        lay(L70, 8, 1, 1, 1, 1e5, 989, 0.5, 400, 0.5, device_memory=q(141, "GB")),
        lay(MIX, 2, 2, 64, 4, 2e6, 2250, 0.35, 100, 0.25, gradient_precision="bf16"),
        lay(L8, 4, 2, 2, 3, 5e5, 989, 0.6, 50, 0.9, window_resolution=q(1, "ms")),
        lay(L70, 8, 4, 32, 16, 4e6, 989, 0.5, 50, 0.5, window_resolution=q(0.1, "s"), device_memory=q(80, "GB"))]):
    rcase("ParallelLayoutModel", f"{i}", inp, layout)


# ── WeightStreamingModel ──
def wstream(p):
    return scalar_fields(S.WeightStreamingModel().solve(p["model"], p["hardware"], **kw(p, "model", "hardware")))


for i, inp in enumerate([
        {"model": L8, "hardware": CS3, "seq_len": 2048}, {"model": L70, "hardware": CS3, "seq_len": 4096,
                                                          "batch_size": 64},
        {"model": L70, "hardware": CS3, "seq_len": 8192, "batch_size": 20, "phase": "prefill"},
        {"model": L405, "hardware": CS3, "seq_len": 128000, "batch_size": 32},
        {"model": L8, "hardware": H100, "seq_len": 1024, "batch_size": 8, "precision": "fp8", "efficiency": 0.7},
        {"model": GPT3, "hardware": CS3, "seq_len": 2048, "batch_size": 512, "phase": "prefill"},
        {"model": MIX, "hardware": CS3, "seq_len": 32768, "batch_size": 4, "precision": "bf16"},
        {"model": L8, "hardware": T4, "seq_len": 512, "batch_size": 1, "efficiency": 0.1}]):
    rcase("WeightStreamingModel", f"{i}", inp, wstream)


# ── CompressionModel ──
def compression(p):
    return scalar_fields(S.CompressionModel().solve(p["model"], p["hardware"], **kw(p, "model", "hardware")))


for i, inp in enumerate([
        {"model": L8, "hardware": H100}, {"model": L70, "hardware": H100, "target_bitwidth": 4,
                                          "baseline_precision": "fp16"},
        {"model": RN, "hardware": A100, "target_bitwidth": 8}, {"model": RN, "hardware": T4, "target_bitwidth": 2},
        {"model": L8, "hardware": H100, "target_bitwidth": 16}, {"model": L8, "hardware": B200,
                                                                 "target_bitwidth": 32, "baseline_precision": "bf16"},
        {"model": L8, "hardware": H100, "method": "pruning", "sparsity": 0.3},
        {"model": L70, "hardware": A100, "method": "pruning", "sparsity": 0.9, "sparsity_type": "structured"},
        {"model": L8, "hardware": A100, "method": "pruning", "sparsity": 0.52, "sparsity_type": "n_m"},
        {"model": L8, "hardware": A100, "method": "pruning", "sparsity": 1.0, "sparsity_type": "structured"},
        {"model": L8, "hardware": A100, "method": "pruning", "sparsity": 0.7, "sparsity_type": "n_m"},
        {"model": L8, "hardware": H100, "method": "distillation"},
        {"model": RN, "hardware": H100, "target_bitwidth": 4, "baseline_precision": "int8"},
        {"model": L8, "hardware": H100, "target_bitwidth": 0}]):
    rcase("CompressionModel", f"{i}", inp, compression)


# ── Outputs of the core solvers added here: SingleNodeModel offload_effective_bw,
#    DistributedModel node_* (the replica profile) ──
def single_node(p):
    r = mlsysim.Engine.solve(p["model"], p["hardware"], **kw(p, "model", "hardware"))
    return {k: getattr(r, k) for k in ("offload_effective_bw", "offload_spill_bytes", "feasible", "latency")}


for i, inp in enumerate([
        {"model": L70, "hardware": H100, "batch_size": 1}, {"model": L8, "hardware": H100, "batch_size": 1},
        {"model": L405, "hardware": A100, "batch_size": 8, "precision": "fp8"},
        {"model": L8, "hardware": T4, "batch_size": 1, "is_training": True},
        {"model": RN, "hardware": T4, "batch_size": 256, "is_training": True},
        {"model": GPT3, "hardware": B200, "batch_size": 4}, {"model": L70, "hardware": CS3, "batch_size": 1},
        {"model": MIX, "hardware": H100, "batch_size": 16}]):
    rcase("SingleNodeModel", f"offload-{i}", inp, single_node)


NODE_FIELDS = ("latency_overhead", "throughput", "arithmetic_intensity", "peak_flops_actual", "peak_bw_actual",
               "offload_spill_bytes", "offload_effective_bw", "overhead_dominated", "latency", "feasible")


def distributed(p):
    r = S.DistributedModel().solve(p["model"], p["fleet"], **kw(p, "model", "fleet"))
    n = r.node_profile
    return {f"node_{k}": getattr(n, k) for k in NODE_FIELDS}


for i, inp in enumerate([
        {"model": L8, "fleet": C256, "batch_size": 512},
        {"model": L70, "fleet": C1K, "batch_size": 1024, "tp_size": 8, "pp_size": 4, "microbatch_count": 16},
        {"model": L405, "fleet": C256, "batch_size": 256, "tp_size": 8},
        {"model": RN, "fleet": C256, "batch_size": 4096},
        {"model": RN, "fleet": C256, "batch_size": 64, "tp_size": 2},
        {"model": MIX, "fleet": C1K, "batch_size": 512, "ep_size": 8, "tp_size": 2},
        {"model": L70, "fleet": "Systems.Clusters.Training_1K_A100", "batch_size": 256, "precision": "bf16",
         "zero_stage": 3, "activation_recomputation": True},
        {"model": GPT3, "fleet": "Systems.Clusters.Training_1K", "batch_size": 1536, "tp_size": 8, "pp_size": 8,
         "microbatch_count": 32, "efficiency": 0.4}]):
    rcase("DistributedModel", f"node-{i}", inp, distributed)


# ── ReliabilityModel on an ad-hoc fleet: Fleet(node, count, fabric) ──
from mlsysim.systems.types import Fleet as _Fleet


def compose(node, count, fabric):
    return {"compose": "Fleet(node, count, fabric)", "node": node, "count": count, "fabric": fabric}


def reliability(p):
    f = p["fleet"]
    fleet = _Fleet(name="adhoc", node=reg(f["node"]), count=f["count"], fabric=reg(f["fabric"]))
    return scalar_fields(S.ReliabilityModel().solve(fleet, **kw(p, "fleet")))


for i, (node, count, fabric, hours, ckpt) in enumerate([
        ("Systems.Nodes.DGX_H100", 128, F_NDR, 720, None), ("Systems.Nodes.DGX_A100", 2000, F_100, 24, 120),
        ("Systems.Nodes.DGX_B200", 1, F_XDR, 8760, 30), ("Systems.Nodes.GrandTeton_H100", 3072, F_NDR, 2160, 600),
        ("Systems.Nodes.Server_8x_MI300X", 16, F_OV2, 1, 5), ("Systems.Nodes.Kempner_H100_4GPU", 96, F_NDR, 336, 60),
        ("Systems.Nodes.HGX_H100_EPYC", 512, F_100, 100, 1), ("Systems.Nodes.DGX_H100", 128, F_NDR, 720, 0)]):
    inp = {"fleet": compose(node, count, fabric), "job_duration_hours": hours}
    if ckpt is not None:
        inp["checkpoint_time_s"] = ckpt
    rcase("ReliabilityModel", f"adhoc-{i}", inp, reliability)


# ── ContinuousBatchingModel ──
def cbatch(p):
    return scalar_fields(S.ContinuousBatchingModel().solve(p["model"], p["hardware"], **kw(p, "model", "hardware")))


DS3, H200 = "Models.Language.DeepSeek_V3", "Hardware.Cloud.H200"
for i, inp in enumerate([
        {"model": L8, "hardware": H100, "max_seq_len": 4096},
        {"model": L8, "hardware": H100, "max_seq_len": 4096, "mean_request_tokens": 1000, "max_batch_size": 256},
        {"model": L70, "hardware": H100, "max_seq_len": 2048, "max_batch_size": 64, "precision": "fp8",
         "mean_request_tokens": 700.5, "page_size": 32},
        {"model": L70, "hardware": A100, "max_seq_len": 2048, "max_batch_size": 8},
        {"model": L8, "hardware": T4, "max_seq_len": 8192, "mean_request_tokens": 512, "max_batch_size": 64,
         "efficiency": 0.3},
        {"model": MIX, "hardware": H200, "max_seq_len": 32768, "mean_request_tokens": 2000, "max_batch_size": 512,
         "page_size": 1, "precision": "bf16"},
        {"model": DS3, "hardware": B200, "max_seq_len": 16384, "mean_request_tokens": 3000, "max_batch_size": 128,
         "precision": "fp8"},
        {"model": L8, "hardware": H100, "max_seq_len": 1000, "mean_request_tokens": 1000, "max_batch_size": 2000,
         "page_size": 7},
        {"model": L8, "hardware": H100, "max_seq_len": 100000, "mean_request_tokens": 1, "max_batch_size": 100000,
         "page_size": 256, "efficiency": 1.0},
        {"model": L8, "hardware": H100, "max_seq_len": 4096, "mean_request_tokens": 5000},
        {"model": L8, "hardware": H100, "max_seq_len": 4096, "mean_request_tokens": 0},
        {"model": L8, "hardware": H100, "max_seq_len": 0},
        {"model": L8, "hardware": H100, "max_seq_len": 4096, "page_size": 0},
        {"model": L8, "hardware": H100, "max_seq_len": 4096, "efficiency": 1e-10},
        {"model": L8, "hardware": H100, "max_seq_len": 4096, "max_batch_size": 0}]):
    rcase("ContinuousBatchingModel", f"{i}", inp, cbatch)


# ── ServingCapacityModel ──
def capacity(p):
    return scalar_fields(S.ServingCapacityModel().solve(p["model"], p["hardware"], **kw(p, "model", "hardware")))


for i, inp in enumerate([
        {"model": L8, "hardware": H100, "qps": 10, "target_p99_latency_ms": 5000},
        {"model": L8, "hardware": H100, "qps": 200, "target_p99_latency_ms": 3000, "mean_request_tokens": 600,
         "output_tokens": 256, "max_batch_size": 64},
        {"model": L70, "hardware": H100, "qps": 5, "target_p99_latency_ms": 20000, "precision": "fp8",
         "max_seq_len": 4096, "mean_request_tokens": 1500},
        {"model": L70, "hardware": A100, "qps": 1, "target_p99_latency_ms": 10000},
        {"model": L8, "hardware": H100, "qps": 50, "target_p99_latency_ms": 10},
        {"model": L8, "hardware": T4, "qps": 1000, "target_p99_latency_ms": 60000, "max_replicas": 16},
        {"model": L8, "hardware": H100, "qps": 300, "target_p99_latency_ms": 4000, "service_time_cv": 3.0,
         "max_batch_size": 16, "output_tokens": 64},
        {"model": MIX, "hardware": H200, "qps": 40, "target_p99_latency_ms": 8000, "precision": "bf16",
         "mean_request_tokens": 1024, "max_batch_size": 128, "efficiency": 0.7, "service_time_cv": 0.0},
        {"model": MIX, "hardware": H200, "qps": 40, "target_p99_latency_ms": 25000, "precision": "bf16",
         "mean_request_tokens": 1024, "max_batch_size": 128, "efficiency": 0.7, "service_time_cv": 0.0},
        {"model": L8, "hardware": H100, "qps": 50000, "target_p99_latency_ms": 60000},
        {"model": DS3, "hardware": B200, "qps": 2, "target_p99_latency_ms": 30000, "precision": "fp8"},
        {"model": L8, "hardware": H100, "qps": 2000, "target_p99_latency_ms": 2800, "max_batch_size": 256,
         "mean_request_tokens": 300, "output_tokens": 32},
        {"model": L8, "hardware": H100, "qps": 0, "target_p99_latency_ms": 1000},
        {"model": L8, "hardware": H100, "qps": 10, "target_p99_latency_ms": 0},
        {"model": L8, "hardware": H100, "qps": 10, "target_p99_latency_ms": 1000, "output_tokens": 0},
        {"model": L8, "hardware": H100, "qps": 10, "target_p99_latency_ms": 1000, "service_time_cv": -0.5},
        {"model": L8, "hardware": H100, "qps": 10, "target_p99_latency_ms": 1000, "max_replicas": 0},
        {"model": L8, "hardware": H100, "qps": 10, "target_p99_latency_ms": 1000, "mean_request_tokens": 4096}]):
    rcase("ServingCapacityModel", f"{i}", inp, capacity)


# ── EconomicsModel and SustainabilityModel on an ad-hoc fleet: Fleet(node, count, fabric) ──
ECON = ("capex_usd", "opex_energy_usd", "opex_maintenance_usd", "total_opex_usd", "tco_usd", "it_energy",
        "total_energy", "carbon_footprint", "water_usage", "pue", "region_name")
SUST = ("it_energy", "total_energy", "carbon_footprint", "embodied_carbon", "water_usage", "pue", "region_name")


def macro(cls, fields):
    def call(p):
        f = p["fleet"]
        fleet = _Fleet(name="adhoc", node=reg(f["node"]), count=f["count"], fabric=reg(f["fabric"]))
        kwargs = {k: (reg(v) if isinstance(v, str) and v.startswith("Infrastructure.") else v)
                  for k, v in kw(p, "fleet").items()}
        r = cls().solve(fleet, **kwargs)
        # mlsysim returns the *_usd fields as plain floats in USD.
        return {k: Q_(getattr(r, k), "USD") if k.endswith("_usd") else getattr(r, k) for k in fields}
    return call


for i, (node, count, fabric, extra) in enumerate([
        ("Systems.Nodes.DGX_H100", 128, F_NDR, {"duration_days": 365}),
        ("Systems.Nodes.DGX_A100", 2000, F_100, {"duration_days": 30, "mfu": 0.5,
                                                 "grid": "Infrastructure.Grids.Quebec"}),
        ("Systems.Nodes.DGX_B200", 1, F_XDR, {"duration_days": 1, "kwh_price": 0.2}),
        ("Systems.Nodes.GrandTeton_H100", 3072, F_NDR, {"duration_days": 90, "amortization_years": 5,
                                                        "infrastructure_multiplier": 1.0}),
        ("Systems.Nodes.Server_8x_MI300X", 16, F_OV2, {"duration_days": 730, "mfu": 0.0,
                                                       "datacenter": "Infrastructure.Grids.China_Avg"}),
        ("Systems.Nodes.Kempner_H100_4GPU", 96, F_NDR, {"duration_days": 365, "mfu": 1.0, "kwh_price": 0.05}),
        ("Systems.Nodes.HGX_H100_EPYC", 512, F_100, {"duration_days": 0}),
        ("Systems.Nodes.DGX_H100", 8, F_NDR, {"duration_days": 180, "grid": "Infrastructure.Grids.Norway"}),
        ("Systems.Nodes.DGX_H100", 128, F_NDR, {"duration_days": 30, "mfu": 1.5})]):
    inp = {"fleet": compose(node, count, fabric), **extra}
    rcase("EconomicsModel", f"adhoc-{i}", inp, macro(S.EconomicsModel, ECON))
    sinp = {k: v for k, v in inp.items() if k not in ("kwh_price", "amortization_years", "infrastructure_multiplier",
                                                          "grid")}
    if "grid" in inp:
        sinp["datacenter"] = inp["grid"]
    if i % 3 == 1:
        sinp["embodied_carbon_per_device"] = 1500.0
    rcase("SustainabilityModel", f"adhoc-{i}", sinp, macro(S.SustainabilityModel, SUST))


# ── DataModel (the data wall) ──
def data_model(p):
    return scalar_fields(S.DataModel().solve(p["workload_data_rate"], p["hardware"]))


PINT["TB/h"] = "terabyte/hour"
for i, (rate, hw) in enumerate([(q(5, "GB/s"), H100), (q(100, "GB/s"), H100), (q(19, "TB/h"), "Hardware.Edge.JetsonOrinNX"),
                                (q(0.5, "GB/s"), A100), (q(64, "GB/s"), B200), (q(0, "GB/s"), H100),
                                (q(2, "GB/s"), T4), (q(30, "GB/s"), CS3), (q(1e-3, "GB/s"), "Hardware.Tiny.ESP32_S3"),
                                (q(25, "GB/s"), "Hardware.Cloud.TPUv5p")]):
    rcase("DataModel", f"{i}", {"workload_data_rate": rate, "hardware": hw}, data_model)


# ── InferenceScalingModel ──
def inference_scaling(p):
    return scalar_fields(S.InferenceScalingModel().solve(p["model"], p["hardware"], **kw(p, "model", "hardware")),
                         skip=("serving_detail",))


for i, inp in enumerate([
        {"model": L8, "hardware": H100},
        {"model": L70, "hardware": H100, "reasoning_steps": 32, "context_length": 8192, "precision": "fp8"},
        {"model": L8, "hardware": A100, "reasoning_steps": 0},
        {"model": L405, "hardware": B200, "reasoning_steps": 100, "context_length": 32768},
        {"model": MIX, "hardware": H200, "precision": "bf16", "efficiency": 0.3},
        {"model": L8, "hardware": T4, "context_length": 512, "reasoning_steps": 4},
        {"model": L8, "hardware": "Hardware.Cloud.Graphcore_GC200", "context_length": 1024},
        {"model": DS3, "hardware": B200, "precision": "fp8", "reasoning_steps": 16, "efficiency": 1.0},
        {"model": L8, "hardware": H100, "context_length": 1, "reasoning_steps": 1},
        {"model": L8, "hardware": H100, "precision": "int4", "reasoning_steps": 1000, "efficiency": 1e-10},
        {"model": L8, "hardware": H100, "efficiency": 0.0},
        {"model": L8, "hardware": H100, "efficiency": 1.5},
        {"model": L8, "hardware": H100, "context_length": 0},
        {"model": RN, "hardware": H100},
        {"model": L8, "hardware": H100, "precision": "fp64"}]):
    rcase("InferenceScalingModel", f"{i}", inp, inference_scaling)


# ── OrchestrationModel (the fleet is taken, not priced) ──
def orchestration(p):
    f = p["fleet"]
    if isinstance(f, dict):
        f = _Fleet(name="adhoc", node=reg(f["node"]), count=f["count"], fabric=reg(f["fabric"]))
    return scalar_fields(S.OrchestrationModel().solve(f, p["arrival_rate_jobs_per_day"], p["avg_job_duration_days"]))


for i, (fleet, rate, days) in enumerate([
        (C256, 1, 0.5), (C1K, 2, 0.5), (C256, 0, 1), (compose("Systems.Nodes.DGX_H100", 128, F_NDR), 0.9, 1),
        (C1K, 10, 0.05), (C256, 3, 0.3), (C256, 5, 0.25), (C256, 0.001, 30), (C1K, 0.5, 1.5),
        (compose("Systems.Nodes.DGX_A100", 16, F_100), 1e-9, 1e-3), (C256, 3, 0)]):
    rcase("OrchestrationModel", f"{i}", {"fleet": fleet, "arrival_rate_jobs_per_day": rate,
                                         "avg_job_duration_days": days}, orchestration)


# ── ResponsibleEngineeringModel ──
def responsible(p):
    return scalar_fields(S.ResponsibleEngineeringModel().solve(p["base_training_time"], **kw(p, "base_training_time")))


PINT["d"] = "day"
for i, (t, extra) in enumerate([
        (q(10, "h"), {}), (q(10, "d"), {"epsilon": 0.0, "min_subgroup_prevalence": 0.0}),
        (q(100, "h"), {"epsilon": 0.5, "delta": 1e-6, "min_subgroup_prevalence": 0.05}),
        (q(1, "h"), {"epsilon": 8.0}), (q(0, "h"), {}),
        (q(720, "h"), {"epsilon": 0.005, "min_subgroup_prevalence": 1e-8}),
        (q(5000, "s"), {"epsilon": 3.0, "delta": 0.0}),
        (q(24, "h"), {"epsilon": 1e9, "min_subgroup_prevalence": 1.0}),
        (q(3, "h"), {"epsilon": 0.01, "delta": 1.0, "min_subgroup_prevalence": 1e-6}),
        (q(90, "d"), {"epsilon": 2.5, "min_subgroup_prevalence": 0.001})]):
    rcase("ResponsibleEngineeringModel", f"{i}", {"base_training_time": t, **extra}, responsible)


# ── TransformationModel ──
def transformation(p):
    return scalar_fields(S.TransformationModel().solve(p["batch_size"], p["sample_size_bytes"], p["cpu_throughput"],
                                                       p["accelerator_step_time"]))


for i, (b, size, cpu, step) in enumerate([
        (100, q(500, "KB"), q(1, "GB/s"), q(50, "ms")), (256, q(150, "KB"), q(2, "GB/s"), q(10, "ms")),
        (32, q(1, "MB"), q(10, "GB/s"), q(100, "ms")), (0, q(500, "KB"), q(1, "GB/s"), q(50, "ms")),
        (0, q(500, "KB"), q(1, "GB/s"), q(0, "ms")), (64, q(500, "KB"), q(1, "GB/s"), q(0, "ms")),
        (1024, q(3, "MB"), q(4, "GB/s"), q(300, "ms")), (3, q(7, "KB"), q(3, "GB/s"), q(7, "us")),
        (1, q(1, "B"), q(1e-9, "GB/s"), q(1000, "ms")), (100, q(500, "KB"), q(0, "GB/s"), q(50, "ms"))]):
    rcase("TransformationModel", f"{i}", {"batch_size": b, "sample_size_bytes": size, "cpu_throughput": cpu,
                                          "accelerator_step_time": step}, transformation)


# ── Scenario.evaluate: the three levels, with the data-pipeline check of L1 ──
from mlsysim.engine.scenarios import Scenarios as _Scenarios

SCENARIOS = ["AutonomousVehicle", "AutonomousVehicle_Waymo", "ChatbotServing", "DenseLLMPretrainingReference",
             "FederatedMobileVision", "FrontierTraining", "KeywordSpotting", "LocalTraining", "MobileAssistant",
             "MobileHealth", "SmartDoorbell", "SmartDoorbellResponsiveChime", "TinySensor"]


def scenario(p):
    sc = getattr(_Scenarios, p["scenario"].split(".")[-1])
    e = sc.evaluate(**kw(p, "scenario"))
    f, perf, m = e.feasibility, e.performance, e.macro
    return {"feasibility_status": f.status, "feasibility_summary": f.summary,
            "weight_size": f.metrics["weight_size"], "capacity": f.metrics["capacity"],
            "data_stalled": f.metrics["data_stalled"], "performance_status": perf.status,
            "latency": perf.metrics["latency"], "throughput": perf.metrics["throughput"],
            "macro_status": m.status, "carbon_kg": Q_(m.metrics["carbon_kg"], "kg"),
            "tco_usd": Q_(m.metrics["tco_usd"], "USD")}


for name in SCENARIOS:
    rcase("Scenario", name, {"scenario": f"Scenarios.{name}"}, scenario)
for i, (name, extra) in enumerate([("AutonomousVehicle_Waymo", {"batch_size": 8}),
                                   ("AutonomousVehicle_Waymo", {"precision": "int8"}),
                                   ("ChatbotServing", {"batch_size": 32, "precision": "fp8"})]):
    rcase("Scenario", f"{name}-{i}", {"scenario": f"Scenarios.{name}", **extra}, scenario)


per = {}
for c in CASES:
    per[c["solver"]] = per.get(c["solver"], 0) + 1
json.dump({"meta": {"mlsysim_version": mlsysim.__version__ if hasattr(mlsysim, "__version__") else "0.3.0",
                    "generator": "tests/data/gen_golden_models.py", "n_cases": len(CASES),
                    "cases_per_solver": per,
                    "conventions": "as tests/data/golden.json; an `error` case must be rejected by ours"},
           "cases": CASES}, sys.stdout, indent=1)
