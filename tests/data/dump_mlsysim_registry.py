#!/usr/bin/env python3
"""Dump every numeric value of mlsysim 0.3.0's extra registry trees to a fact file.

The fact file (tests/data/mlsysim-registry-extra.json) is what tests/registry_extra.rs compares
registry/ against: each record is one numeric value with its path in our registry (the contract of
shared/spec/directives.md, "More of the registry"), its magnitude and unit as mlsysim stores it,
the same value in SI base units (pint), and its provenance (id, kind, title, url, verified, notes)
when mlsysim attaches one. Only facts are carried over, no code.

Trees: Hardware.Tech, ReferenceStats, Literature, Infrastructure (less Grids, Datacenters and
FacilityCooling, which registry/grids.toml, datacenters.toml and cooling.toml carry), Systems (less Nodes, Fabrics and Clusters, carried
by nodes.toml, fabrics.toml and fleets.toml), Datasets, Agents, AgentPlatforms, Embodied, Actuators.

Usage (regenerate after a new mlsysim release):

    python3 -m venv /tmp/mlsysim-venv
    /tmp/mlsysim-venv/bin/pip install mlsysim==0.3.0
    /tmp/mlsysim-venv/bin/python tests/data/dump_mlsysim_registry.py > tests/data/mlsysim-registry-extra.json
"""
import json
import math
import re
import sys

import mlsysim as m
from mlsysim.core.provenance import Provenance, Sourced
from pydantic import BaseModel
import pint

TREES = [
    # (mlsysim path, our first segment, attributes of the tree left out)
    ("Hardware.Tech", "tech", set()),
    ("ReferenceStats", "reference", set()),
    ("Literature", "literature", set()),
    # FacilityCooling (pue, wue) is registry/cooling.toml.
    ("Infrastructure", "infrastructure", {"Grids", "Datacenters", "FacilityCooling"}),
    ("Systems", "systems", {"Nodes", "Fabrics", "Clusters"}),
    ("Datasets", "datasets", set()),
    ("Agents", "agents", {"Platforms"}),  # Agents.Platforms is AgentPlatforms
    ("AgentPlatforms", "agentplatforms", set()),
    ("Embodied", "embodied", set()),
    ("Actuators", "actuators", set()),
]

# mlsysim field names that carry their unit (plain floats): the suffix is dropped from the path and
# the unit kept with the value. Listed one by one: `x_min`, `alpha_s` or `tdp_min` are not units.
SUFFIXED = {
    "mttf_hours": ("mttf", "hour"),
    "mtbf_hours": ("mtbf", "hour"),
    "heartbeat_timeout_s": ("heartbeat_timeout", "s"),
    "detection_time_s": ("detection_time", "s"),
    "reschedule_time_s": ("reschedule_time", "s"),
    "restart_time_s": ("restart_time", "s"),
    "warmup_time_s": ("warmup_time", "s"),
    "checkpoint_write_bw_gbs": ("checkpoint_write_bw", "GB/s"),
    "embodied_carbon_kg": ("embodied_carbon", "kg"),
    "power_kw": ("power", "kW"),
    "renewable_pct": ("renewable", "percent"),
    "training_energy_mwh": ("training_energy", "MWh"),
    "carbon_intensity_g_kwh": ("carbon_intensity", "g/kWh"),
    "average_researcher_job_days": ("average_researcher_job", "day"),
}

ureg = m.core.units.ureg if hasattr(m.core.units, "ureg") else pint.UnitRegistry()


def snake(name):
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    return s.lower()


def field_name(name):
    """Snake case, unit suffix dropped; returns (name, unit or None)."""
    n = snake(name) if name != name.upper() else name
    return SUFFIXED.get(n, (n, None))


CATALOG = {id(v): k for k, v in vars(m.core.provenance_catalog).items() if isinstance(v, Provenance)}
NAMELESS = {}  # id(provenance) -> id given to a record mlsysim names nowhere


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def prov_record(p, path):
    if p is None:
        return None
    if p.id:
        pid = p.id[5:] if p.id.startswith("prov:") else p.id
    elif id(p) in CATALOG:
        pid = slug(CATALOG[id(p)])
    else:
        pid = NAMELESS.setdefault(id(p), "mlsysim-" + slug(".".join(path.split(".")[:2])))
    return {
        "id": pid,
        "kind": p.kind.value,
        "title": p.ref,
        "url": p.url,
        "verified": p.verified,
        "notes": p.notes,
    }


def si_of(magnitude, unit):
    """SI magnitude in our base units: pint's base for information is the bit, ours the byte."""
    q = ureg.Quantity(magnitude, unit).to_base_units()
    bits = dict(q.units._units).get("bit", 0)
    return float(q.magnitude) / 8 ** bits, str(q.units)


OUT = []
REFS = []
ENTRIES = []  # typed entries: path, mlsysim type, name
KNOWN = {}  # id(object) -> our path of an entry carried elsewhere in the registry


def index_known():
    """Entries a value of these trees may embed: recorded as a reference, not copied."""
    def reg(prefix, cls, flat):
        for a, v in vars(cls).items():
            if a.startswith("_") or a == "list" or a == "Tech":
                continue
            v = getattr(cls, a)
            if isinstance(v, type):
                reg(prefix if flat else f"{prefix}.{a}", v, flat)
            elif isinstance(v, BaseModel):
                KNOWN.setdefault(id(v), f"{prefix}.{a}")
    reg("hardware", m.Hardware, True)
    reg("models", m.Models, True)
    reg("nodes", m.Systems.Nodes, True)
    reg("fabrics", m.Systems.Fabrics, True)
    reg("fleets", m.Systems.Clusters, True)
    reg("grids", m.Infrastructure.Grids, True)
    reg("datacenters", m.Infrastructure.Datacenters, True)
    for mpath, ours, skip in TREES:
        obj = m
        for p in mpath.split("."):
            obj = getattr(obj, p)
        reg(ours, obj, False)


def emit(path, magnitude, unit, prov, name=None):
    magnitude = float(magnitude)
    if not math.isfinite(magnitude):
        return
    unit = unit or ""
    if unit in ("", "dimensionless"):
        si, si_unit = magnitude, ""
    else:
        si, si_unit = si_of(magnitude, unit)
        if si_unit == "dimensionless":
            si_unit = ""
    OUT.append({
        "path": path,
        "value": magnitude,
        "unit": unit,
        "si": si,
        "si_unit": si_unit,
        "source": prov_record(prov, path),
        "name": name,
    })


def entry_prov(obj):
    md = getattr(obj, "metadata", None)
    return getattr(md, "provenance", None) if md is not None else None


def walk_value(path, v, inherited, name=None, suffix_unit=None):
    """One value at `path`; `inherited` is the enclosing entry's provenance."""
    if v is None or isinstance(v, (bool, str, Provenance)) or type(v).__name__ == "Enum":
        return
    if isinstance(v, Sourced):
        emit(path, float(v), suffix_unit, getattr(v, "provenance", None) or inherited,
             getattr(v, "name", None) or name)
    elif isinstance(v, pint.Quantity):
        mag = v.magnitude
        if hasattr(mag, "__len__"):
            for i, x in enumerate(mag):
                emit(f"{path}.{i}", x, str(v.units), getattr(v, "provenance", None) or inherited)
            return
        emit(path, mag, str(v.units), getattr(v, "provenance", None) or inherited,
             getattr(v, "name", None) or name)
    elif isinstance(v, (int, float)):
        emit(path, v, suffix_unit, inherited, name)
    elif isinstance(v, BaseModel):
        if id(v) in KNOWN and KNOWN[id(v)] != path:
            REFS.append({"path": path, "ref": KNOWN[id(v)]})
        else:
            walk_model(path, v, inherited)
    elif isinstance(v, dict):
        for k, x in v.items():
            fname, unit = field_name(str(k))
            walk_value(f"{path}.{fname}", x, inherited, suffix_unit=unit)
    elif isinstance(v, (list, tuple)):
        for i, x in enumerate(v):
            walk_value(f"{path}.{i}", x, inherited, suffix_unit=suffix_unit)
    elif isinstance(v, type):
        walk_registry(path, v, inherited)
    # anything else (functions, enums) is not a value


def walk_model(path, obj, inherited, top=False):
    prov = entry_prov(obj) or inherited
    if top:
        ENTRIES.append({"path": path, "type": type(obj).__name__,
                        "name": getattr(obj, "name", None) if isinstance(getattr(obj, "name", None), str) else None,
                        "source": prov_record(prov, path)})
    for fname in type(obj).model_fields:
        if fname == "metadata":
            continue
        f, unit = field_name(fname)
        walk_value(f"{path}.{f}", getattr(obj, fname), prov, suffix_unit=unit)


def walk_registry(path, cls, inherited=None, skip=()):
    inherited = getattr(cls, "provenance", None) if isinstance(getattr(cls, "provenance", None), Provenance) else inherited
    for a, v in list(vars(cls).items()):
        if a.startswith("_") or a == "list" or a in skip or a == "provenance":
            continue
        if isinstance(v, (classmethod, staticmethod)) or (callable(v) and not isinstance(v, type)):
            continue
        v = getattr(cls, a)
        if isinstance(v, type):
            walk_registry(f"{path}.{a}", v, inherited)
        elif isinstance(v, BaseModel):
            walk_model(f"{path}.{a}", v, inherited, top=True)
        else:
            fname, unit = field_name(a) if not a[:1].isupper() else (a, None)
            walk_value(f"{path}.{fname}", v, inherited, suffix_unit=unit)


def main():
    index_known()
    for mpath, ours, skip in TREES:
        obj = m
        for p in mpath.split("."):
            obj = getattr(obj, p)
        walk_registry(ours, obj, None, skip)
    json.dump({"mlsysim": m.__version__, "entries": ENTRIES, "values": OUT, "refs": REFS}, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
