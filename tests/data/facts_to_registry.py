#!/usr/bin/env python3
"""Write registry/ TOML from the fact file tests/data/mlsysim-registry-extra.json (one-off tool).

Run once after dump_mlsysim_registry.py; the TOML it writes is then the registry's own text, edited
by hand like any other registry file (this script is kept to show how it was produced, and to redo
it for a new mlsysim release: it overwrites the files it names).

    python3 tests/data/facts_to_registry.py
"""
import collections
import json
import os
import re

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
FACTS = json.load(open(os.path.join(ROOT, "tests/data/mlsysim-registry-extra.json")))

# pint's unit strings → ours (registry/README.md). Units with a half power are kept as numbers.
UNITS = {
    "": None, "dimensionless": None, "count": None,
    "dollar": "USD", "USD": "USD", "TFLOPs/s": "TFLOP/s", "GFLOPs/s": "GFLOP/s", "flop": "FLOP",
    "µs": "us", "µJ": "uJ", "µW": "uW", "µH": "uH", "m/s²": "m/s^2", "m·N": "N*m",
    "rad/s²": "rad/s^2", "rad/s³": "rad/s^3", "Gbit/s": "Gb/s", "kg·m²": "kg*m^2",
    "pJ/flop": "pJ/FLOP", "dollar/h": "USD/h", "Ω": "ohm", "mΩ": "mohm", "mm²": "mm^2",
    "dollar/GB": "USD/GB", "dollar/TB/month": "USD/TB/month", "dollar/GB/month": "USD/GB/month",
    "m·N/s": "N*m/s", "min·V/turn": "V*min/turn", "l": "L", "dollar/kWh": "USD/kWh",
    "g_0": "g0", "B·count": "B", "count/s": "1/s", "mAh": "mA*h", "h·W": "Wh", "m·N/A": "N*m/A",
    "percent": "%",
}
HALF_POWER = "⁰⋅⁵"

NS_FILES = {"tech": "Hardware.Tech", "reference": "ReferenceStats", "literature": "Literature",
            "infrastructure": "Infrastructure", "systems": "Systems", "datasets": "Datasets",
            "agents": "Agents", "agentplatforms": "AgentPlatforms", "embodied": "Embodied",
            "actuators": "Actuators"}

RENAMED_SOURCES = {"mlsysim-literature-kaplanscalinglaws": "kaplan-2020-scaling-laws"}
UNSOURCED = "mlsysim-unsourced"


def sid(src):
    if src is None:
        return UNSOURCED
    return RENAMED_SOURCES.get(src["id"], src["id"])


def snake(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def num(x):
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    r = repr(float(x))
    return r


def qty(v):
    unit = v["unit"]
    if HALF_POWER in unit:
        return num(v["value"]), unit
    u = UNITS.get(unit, unit)
    if u is None:
        return num(v["value"]), None
    return f'"{num(v["value"])} {u}"', None


def key(k):
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k)


def tstr(s):
    return json.dumps(s, ensure_ascii=False)


existing = set()
for f in os.listdir(os.path.join(ROOT, "registry/sources")):
    if f == "extra.toml":
        continue
    for line in open(os.path.join(ROOT, "registry/sources", f)):
        m = re.match(r"^\[([^\]]+)\]", line)
        if m:
            existing.add(m.group(1))

entries = {e["path"]: e for e in FACTS["entries"]}
kinds = {}  # kind -> field -> set(units), values
by_file = collections.defaultdict(list)  # (ns, group) -> records
for v in FACTS["values"]:
    ns, group = v["path"].split(".")[:2]
    by_file[(ns, group)].append(("value", v))
for r in FACTS["refs"]:
    ns, group = r["path"].split(".")[:2]
    by_file[(ns, group)].append(("ref", r))

sources = {}
for v in FACTS["values"] + FACTS["entries"]:
    if v["source"]:
        sources[sid(v["source"])] = v["source"]


def entry_of(path):
    best = None
    for p in entries:
        if path.startswith(p + ".") and (best is None or len(p) > len(best)):
            best = p
    return best


def kind_name(t):
    return snake(t)


for (ns, group), recs in sorted(by_file.items()):
    lines = [f"# {NS_FILES[ns]}.{group} (mlsysim 0.3.0), written by tests/data/facts_to_registry.py.", ""]
    # table path -> (entry, [(field, text)])
    tables = collections.OrderedDict()
    for kind, r in recs:
        path = r["path"]
        e = entry_of(path)
        if e is None:
            table = ".".join(path.split(".")[1:2])
            # A value right under the namespace (`infrastructure.AIR_COOLING_LIMIT_KW`) is the
            # group's `value`, as a constant's.
            field = ".".join(path.split(".")[2:]) or "value"
        else:
            table = ".".join(e.split(".")[1:])
            field = path[len(e) + 1:]
        tables.setdefault(table, (e, []))[1].append((field, kind, r))
    for table, (e, fields) in tables.items():
        lines.append(f"[{'.'.join(key(k) for k in table.split('.'))}]")
        ent = entries.get(e) if e else None
        if ent:
            kname = kind_name(ent["type"])
            lines.append(f'kind = "{kname}"')
            if ent["name"]:
                lines.append(f"name = {tstr(ent['name'])}")
            default = sid(ent["source"]) if ent["source"] else None
        else:
            kname = None
            default = None
        srcs = collections.Counter(sid(r["source"]) for _, k, r in fields if k == "value")
        if default is None and srcs:
            default = srcs.most_common(1)[0][0]
        if default:
            lines.append(f'source = "{default}"')
        for field, k, r in fields:
            fk = ".".join(key(x) for x in field.split("."))
            if k == "ref":
                lines.append(f'{fk} = {{ ref = "{r["ref"]}" }}')
                continue
            text, half = qty(r)
            s = sid(r["source"])
            if kname:
                spec = kinds.setdefault(kname, {}).setdefault(field, [set(), []])
                spec[0].add(None if half else UNITS.get(r["unit"], r["unit"]))
                spec[1].append(r["value"])
            extras = []
            if s != default:
                extras.append(f'source = "{s}"')
            if half:
                extras.append(f'unit = {tstr(half)}')
            if extras:
                lines.append(f"{fk} = {{ value = {text}, {', '.join(extras)} }}")
            else:
                lines.append(f"{fk} = {text}")
        lines.append("")
    d = os.path.join(ROOT, "registry", ns)
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, snake(group) + ".toml"), "w").write("\n".join(lines))

# Sources that the registry does not define yet.
out = ["# Sources of the values of registry/{tech,reference,literature,infrastructure,systems,datasets,",
       "# agents,agentplatforms,embodied,actuators}/ as mlsysim 0.3.0 records them (ids are mlsysim's",
       "# provenance ids without `prov:`; one it leaves without id is named here). Written by",
       "# tests/data/facts_to_registry.py.", ""]
for i, s in sorted(sources.items()):
    if i in existing:
        continue
    out.append(f"[{i}]")
    out.append(f'kind = "{s["kind"]}"')
    out.append(f"title = {tstr(s['title'])}")
    if s["url"]:
        out.append(f"url = {tstr(s['url'])}")
    out.append(f'verified = "{s["verified"]}"')
    if s["notes"]:
        out.append(f"notes = {tstr(s['notes'])}")
    out.append("")
out += [f"[{UNSOURCED}]", 'kind = "unsourced"',
        'title = "mlsysim 0.3.0 gives this value no provenance record, and no public source is known for it"',
        'url = "https://pypi.org/project/mlsysim/0.3.0/"', 'verified = "2026-11-24"', ""]
open(os.path.join(ROOT, "registry/sources/extra.toml"), "w").write("\n".join(out))

# Kinds: each field's unit (its dimension), `>= 0` where a zero occurs.
out = ["# Entry kinds of the registry's mlsysim trees (memory tier, operation energy, dataset profile, ...):",
       "# each field's unit gives its dimension (\"1\" for a number); a value must be positive, or not",
       "# negative where written `>= 0`. Fields with a half-power unit are numbers (\"1\").",
       "# Written by tests/data/facts_to_registry.py.", ""]
for k in sorted(kinds):
    out.append(f"[{k}]")
    for field, (units, values) in sorted(kinds[k].items()):
        u = " | ".join(sorted(set(x or "1" for x in units)))
        zero = any(x == 0 for x in values)
        out.append(f'{".".join(key(x) for x in field.split("."))} = "{u}{" >= 0" if zero else ""}"')
    out.append("")
open(os.path.join(ROOT, "registry/kinds.toml"), "w").write("\n".join(out))
print(len(by_file), "files;", len(sources), "sources;", len(kinds), "kinds")
