"""Coverage of the catalog: counts by use, family, size class, license class and year, and gaps."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .schema import FLAGS, LICENSE_CLASSES, USES, CatalogStatsOut, Model, UseTagOut

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
MIN_PER_USE = 3  # every use tag and flag: a filter that finds one or two models is no choice (issue #11)
# "Recent": released from the month after the catalog's first curated snapshot ended (it stopped at 2025-08;
# issue #11 asks for the models of 2025-09 on).  Moved forward when the catalog is brought up to date again.
RECENT_SINCE = "2025-09"
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


def catalog_stats(catalog: Iterable[Model]) -> CatalogStatsOut:
    models = list(catalog)
    by_use = {u: sum(u in m.entry.uses for m in models) for u in USES}
    counted = Counter(size_class(m) or "unknown" for m in models)
    by_size = {name: counted.get(name, 0) for name, _, _ in SIZE_CLASSES}
    by_size |= {"MoE": counted.get("MoE", 0), "unknown": counted.get("unknown", 0)}
    by_flag = {f: sum(f in m.entry.flags for m in models) for f in FLAGS}
    shortfalls = [f"use '{u}' has {n} model(s), fewer than {MIN_PER_USE}" for u, n in by_use.items() if n < MIN_PER_USE]
    shortfalls += [
        f"flag '{f}' has {n} model(s), fewer than {MIN_PER_USE}" for f, n in by_flag.items() if n < MIN_PER_USE
    ]
    shortfalls += [f"size class {c} has no model" for c in REQUIRED_SIZE_CLASSES if not by_size.get(c)]
    return CatalogStatsOut(
        total=len(models),
        by_use=by_use,
        by_flag=by_flag,
        recent_since=RECENT_SINCE,
        recent=sum(1 for m in models if m.entry.released and m.entry.released >= RECENT_SINCE),
        by_family=dict(sorted(Counter(m.entry.family for m in models).items())),
        by_size=by_size,
        by_license_class={c: sum(m.entry.license_class == c for m in models) for c in LICENSE_CLASSES},
        by_year=dict(sorted(Counter(m.entry.released[:4] if m.entry.released else "unknown" for m in models).items())),
        missing={m.id: gaps for m in models if (gaps := _missing(m))},
        shortfalls=shortfalls,
    )


def tag_counts(catalog: Iterable[Model]) -> list[UseTagOut]:
    """`uses`: every use, then every flag, with what it means and how many models carry it."""
    models = list(catalog)
    rows = [
        UseTagOut(tag=t, kind="use", meaning=d, models=sum(t in m.entry.uses for m in models)) for t, d in USES.items()
    ]
    rows += [
        UseTagOut(tag=t, kind="flag", meaning=d, models=sum(t in m.entry.flags for m in models))
        for t, d in FLAGS.items()
    ]
    return rows
