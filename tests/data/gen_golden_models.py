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
    elif tokens & {"byte", "B", "KB", "kB", "MB", "GB", "TB", "PB", "kilobyte", "megabyte", "gigabyte",
                   "terabyte"}:
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


per = {}
for c in CASES:
    per[c["solver"]] = per.get(c["solver"], 0) + 1
json.dump({"meta": {"mlsysim_version": mlsysim.__version__ if hasattr(mlsysim, "__version__") else "0.3.0",
                    "generator": "tests/data/gen_golden_models.py", "n_cases": len(CASES),
                    "cases_per_solver": per,
                    "conventions": "as tests/data/golden.json; an `error` case must be rejected by ours"},
           "cases": CASES}, sys.stdout, indent=1)
