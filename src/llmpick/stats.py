"""Coverage of the catalog: counts by use, family, size class, license class and year, and gaps."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .catalog import Catalog
from .schema import LICENSE_CLASSES, USES, Model

# Size classes by total parameters (billions); mixture-of-experts models form their own class.
SIZE_CLASSES = [
    ("<=4B", 0, 4.5),
    ("5-6B", 4.5, 6.5),
    ("7-9B", 6.5, 9.5),
    ("10-11B", 9.5, 11.5),
    ("12-15B", 11.5, 15.5),
    ("16-19B", 15.5, 19.5),
    ("20-35B", 19.5, 35.5),
    ("36-59B", 35.5, 59.5),
    ("60-80B", 59.5, 80.5),
    ("81-100B", 80.5, 100.5),
    (">100B", 100.5, float("inf")),
]
REQUIRED_SIZE_CLASSES = ["<=4B", "7-9B", "12-15B", "20-35B", "60-80B", ">100B", "MoE"]
MIN_PER_USE = 3
# Facts the memory estimate needs; an entry missing any of them gets a rougher estimate.
MEMORY_FACTS = [
    "params.total",
    "arch.layers",
    "arch.hidden_size",
    "arch.attention_heads",
    "arch.kv_heads",
    "arch.max_context",
]


def size_class(m: Model) -> str | None:
    if m.entry.arch.experts and m.entry.arch.experts > 1:
        return "MoE"
    total = m.entry.params.total
    if total is None:
        return None
    b = total / 1e9
    return next(name for name, lo, hi in SIZE_CLASSES if lo <= b < hi)


@dataclass
class Stats:
    total: int
    by_use: dict[str, int]
    by_family: dict[str, int]
    by_size: dict[str, int]
    by_license_class: dict[str, int]
    by_year: dict[str, int]
    missing: dict[str, list[str]] = field(default_factory=dict)
    shortfalls: list[str] = field(default_factory=list)


def _missing(m: Model) -> list[str]:
    out = []
    for fact in MEMORY_FACTS:
        obj: object = m.entry
        for part in fact.split("."):
            obj = getattr(obj, part)
        if obj is None:
            out.append(fact)
    if m.entry.released is None:
        out.append("released")
    return out


def catalog_stats(catalog: Catalog) -> Stats:
    models = list(catalog)
    by_use = {u: sum(u in m.entry.uses for m in models) for u in USES}
    by_size = Counter(size_class(m) or "unknown" for m in models)
    s = Stats(
        total=len(models),
        by_use=by_use,
        by_family=dict(sorted(Counter(m.entry.family for m in models).items())),
        by_size={name: by_size.get(name, 0) for name, _, _ in SIZE_CLASSES}
        | {"MoE": by_size.get("MoE", 0), "unknown": by_size.get("unknown", 0)},
        by_license_class={c: sum(m.entry.license_class == c for m in models) for c in LICENSE_CLASSES},
        by_year=dict(sorted(Counter(m.entry.released[:4] if m.entry.released else "unknown" for m in models).items())),
    )
    s.missing = {m.id: gaps for m in models if (gaps := _missing(m))}
    s.shortfalls = [
        f"use '{u}' has {n} model(s), fewer than {MIN_PER_USE}" for u, n in by_use.items() if n < MIN_PER_USE
    ]
    s.shortfalls += [f"size class {c} has no model" for c in REQUIRED_SIZE_CLASSES if not s.by_size.get(c)]
    return s
