"""How good a model is before placement: a prior from its size and recency, blended with the catalog's
benchmarks put on the prior's scale.  Constants and their reasons: ranking.py."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..catalog import ModelFacts
from ..quality_data import use_benchmarks
from ..schema import Model
from . import ranking as R

Rated = Model | ModelFacts  # the quality model reads only facts, so a search need not build every model


def facts(m: Rated) -> ModelFacts:
    return m if isinstance(m, ModelFacts) else ModelFacts.of(m)


def size_prior(m: Rated) -> float:
    """A model's quality before any benchmark: from its size and age (constants and reasons in ranking.py)."""
    e = facts(m)
    total = e.params
    if not total:
        base = R.UNKNOWN_SIZE_PRIOR
    else:
        eff = _geometric_mean(total, e.active) if e.active else total
        base = R.SIZE_PRIOR_BASE + R.SIZE_PRIOR_SLOPE * _log10_per_1e8(max(eff, R.SIZE_PRIOR_FLOOR_PARAMS))
    if e.released:
        year = int(e.released[:4]) + (int(e.released[5:7]) - 1) / 12
        lo, hi = R.RECENCY_CLAMP
        base += min(hi, max(lo, R.RECENCY_PER_YEAR * (year - R.RECENCY_EPOCH)))
    else:
        base += R.UNKNOWN_RELEASE
    if e.method == "base" and not e.uses:
        base += R.BASE_MODEL_PENALTY
    if e.superseded_by:
        base += R.SUPERSEDED_PENALTY
    return min(R.PRIOR_CLAMP[1], max(R.PRIOR_CLAMP[0], base))


class QualityModel:
    """Benchmark scores put on the prior's scale, per benchmark, over a whole catalog (computed once)."""

    def __init__(self, models: Sequence[Rated]):
        rated = [facts(m) for m in models]
        self.prior: dict[str, float] = {f.id: size_prior(f) for f in rated}
        by_bench: dict[str, list[tuple[str, float]]] = {}
        for f in rated:
            for name, value in f.scores:
                if math.isfinite(value) and abs(value) <= R.MAX_SCORE_MAGNITUDE:
                    by_bench.setdefault(name, []).append((f.id, value))
        priors = list(self.prior.values()) or [0.5]
        p_std = _std(priors) or R.DEFAULT_PRIOR_STD
        self.mapped: dict[str, dict[str, float]] = {}  # model id -> bench -> value on the prior scale
        for bench, vals in by_bench.items():
            if len(vals) < R.MIN_REPORTS:
                continue
            xs = [v for _, v in vals]
            mu, sd = sum(xs) / len(xs), _std(xs)
            if not sd:
                continue
            # Centre on the mean prior of the models that report it, so the z-score does not drift.
            pm = sum(self.prior[i] for i, _ in vals) / len(vals)
            for mid, v in vals:
                self.mapped.setdefault(mid, {})[bench] = min(1.0, max(0.0, pm + (v - mu) / sd * p_std))

    def quality(self, m: Rated, uses: Sequence[str] = ()) -> tuple[float, str]:
        prior = self.prior.get(m.id)
        if prior is None:
            prior = size_prior(m)
        bench = self.mapped.get(m.id)
        if not bench:
            return prior, "no benchmark in the catalog: size/recency prior"
        table = use_benchmarks()
        want = {b for u in uses for b in table.get(u, ())}
        num = den = 0.0
        for name, v in bench.items():
            w = R.USE_BENCHMARK_WEIGHT if name in want else 1.0
            num, den = num + w * v, den + w
        q = R.BENCHMARK_SHARE * (num / den) + R.PRIOR_SHARE * prior
        return min(1.0, max(0.0, q)), "benchmarks: " + ", ".join(sorted(bench))


def _geometric_mean(a: int, b: int) -> float | int:
    """sqrt(a x b); an int for parameter counts too large for a float (the prior then clamps)."""
    try:
        return math.sqrt(a * b)
    except OverflowError:
        return math.isqrt(a * b)


def _log10_per_1e8(x: float | int) -> float:
    """log10(x / 1e8), also for an int too large for a float (math.log10 takes any int)."""
    try:
        return math.log10(x / 1e8)
    except OverflowError:
        return math.log10(x) - 8


def _std(xs: Sequence[float]) -> float:
    if len(xs) < 2:
        return 0.0
    mu = sum(xs) / len(xs)
    return math.sqrt(sum((x - mu) ** 2 for x in xs) / (len(xs) - 1))
