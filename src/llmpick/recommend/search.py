"""The ranking: which models run on a machine and which are best, and `check` for one model.  Pure; no I/O
beyond the optional ``file_size`` callback.

:func:`rank_exhaustively` is the definition: evaluate every model at every quantization, keep each model's best
option, sort.  :func:`recommend` returns the same list without evaluating most of a large catalog: each candidate
gets an upper bound on its score (:func:`score_bound`, built on the estimator's own lower bound on the weights,
:func:`llmpick.estimate.weights_lower_bound`), models are expanded and evaluated best bound first, and the search
stops once ``top`` results beat every remaining bound.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from ..catalog import Catalog, ModelFacts
from ..estimate import weights_lower_bound
from ..hardware import Hardware
from ..quality_data import quant_kept
from ..query import ModelFilter
from ..schema import Model
from . import ranking as R
from .artifacts import ENGINE_OF, resolved
from .candidates import Candidate, candidates, no_candidate
from .evaluate import FileSize, cannot_run, evaluate
from .model import Constraints, Option, Result
from .quality import QualityModel
from .reasons import finish, unpublished_reason

# Scores are rounded to 2 places; a bound compared with a rounded score gets this much room, so rounding never
# prunes an option that would tie.
_ROUNDING = 0.01


def option_key(o: Option) -> tuple[float, int, float, str, int, str]:
    """Order of one model's options, best first: score, fit class, quality kept, name, then what is published
    before what must be made (recommend/made.py) and the artifact kind (a total order)."""
    return (-o.score, R.FIT_ORDER[o.fit], -o.score_parts.quant_kept, o.quant, o.preference, o.artifact_format)


def result_key(o: Option) -> tuple[float, int, str]:
    """Order of the ranked list: score, fit class, model id."""
    return (-o.score, R.FIT_ORDER[o.fit], o.model.id)


def interactive(o: Option) -> bool:
    """Whether the speed it was ranked by (at the assumed RAM bandwidth when none was given) is interactive."""
    return o.ranked_tps is not None and o.ranked_tps >= R.INTERACTIVE_TPS


@dataclass(frozen=True)
class _Search:
    """What every evaluation of one search shares."""

    hw: Hardware
    cons: Constraints
    qm: QualityModel
    allowed: frozenset[str]
    file_size: FileSize | None
    # What the speed estimate lacked, for an option that fit but could not be shown to reach --min-speed (the
    # empty answer's hint says so); empty when none was turned away for that.
    speed_unknown: list[str] = field(default_factory=list)

    @property
    def allow_split(self) -> bool:
        return "split" in self.allowed or "cpu" in self.allowed

    @property
    def allow_moe(self) -> bool:
        return "moe-offload" in self.allowed

    def accepts(self, o: Option) -> bool:
        if o.fit not in self.allowed:
            return False
        # Experts in RAM are first-class without --include-offload only at an interactive speed.
        if o.fit == "moe-offload" and not self.cons.include_offload and not interactive(o):
            return False
        tps = o.speed.tokens_per_second
        if self.cons.min_speed is not None and tps is None:
            # Unknown speed is not a slow one (issue #12): keep it, ranked by quality like the rest, and say
            # which bandwidth would let --min-speed be checked (reasons.finish and the answer's hint).
            if not self.speed_unknown:
                self.speed_unknown.extend(o.speed.basis.get("missing") or ["bandwidth unknown"])
            return True
        return self.cons.min_speed is None or (tps is not None and tps >= self.cons.min_speed)

    def evaluate(self, m: Model, c: Candidate) -> Option:
        return evaluate(
            m,
            c,
            self.hw,
            self.cons,
            self.qm,
            context_for(m, self.cons),
            self.allow_split,
            self.file_size,
            allow_moe=self.allow_moe,
        )


class _Pool:
    """The models searched: the facts of every one (what the filters, the quality model and the first bounds
    read), and a model built only when the search expands it.  From a loaded catalog the facts come from its
    index, so most of a large catalog is never built."""

    def __init__(self, models: Iterable[Model] | Catalog) -> None:
        if isinstance(models, Catalog):
            catalog = models
            self.facts = catalog.facts()
            self._models: list[Model | None] = [None] * len(self.facts)
            self._catalog: Catalog | None = catalog
        else:
            built = list(models)
            self.facts = [ModelFacts.of(m) for m in built]
            self._models = list(built)
            self._catalog = None

    def model(self, i: int) -> Model:
        m = self._models[i]
        if m is None:
            assert self._catalog is not None
            m = self._models[i] = self._catalog.get(self.facts[i].id)
            assert m is not None
        return m


def _setup(
    rated: Sequence[Model | ModelFacts],
    hw: Hardware,
    cons: Constraints,
    quality: QualityModel | None,
    file_size: FileSize | None,
) -> tuple[_Search, ModelFilter]:
    cons = cons.resolved()  # a checked copy: the caller's stays as given
    flt = ModelFilter(
        uses=list(cons.uses),
        license_classes=list(cons.license_classes),
        commercial=cons.commercial,
        origins=list(cons.origins),
        max_params=cons.max_params,
    )
    flt.check()
    # Experts in RAM are always considered: without --include-offload only at an interactive speed (accepts).
    allowed = {"gpu", "moe-offload"} | ({"split", "cpu"} if cons.include_offload else set())
    if not hw.has_gpu:
        allowed = {"cpu"}  # a machine without a GPU: RAM is what there is
    return _Search(hw, cons, quality or QualityModel(rated), frozenset(allowed), _memo(file_size)), flt


def _memo(file_size: FileSize | None) -> FileSize | None:
    """The bound and the evaluation ask for the same sizes; ask the source once."""
    if file_size is None:
        return None
    seen: dict[tuple[str, str], int | None] = {}

    def cached(m: Model, quant: str) -> int | None:
        key = (m.id, quant)
        if key not in seen:
            seen[key] = file_size(m, quant)
        return seen[key]

    return cached


def _eligible(s: _Search, flt: ModelFilter, f: ModelFacts) -> bool:
    if not flt.matches(f):
        return False
    mx = f.context
    return not (s.cons.context_explicit and mx and mx < s.cons.context)


def context_for(m: Model, cons: Constraints) -> int:
    mx = m.entry.arch.max_context
    return min(cons.context, mx) if mx else cons.context


def score_bound(s: _Search, m: Model, c: Candidate) -> float | None:
    """An upper bound on ``evaluate(m, c).score`` for the options the search accepts; None when (m, c) cannot fit.

    Exact quality and quantization terms; the fit class the lower bound on the weights still allows; the speed
    penalty of the fastest decode those weights could allow."""
    hw = s.hw
    size = c.size_bytes
    if size is None and s.file_size is not None:
        size = s.file_size(m, c.quant)
    low = weights_lower_bound(m, c.quant, file_size_bytes=size)
    if low is None:
        return None  # unknown weights never fit (evaluate places nothing without them)
    weights, active = low
    caps = hw.usable_card_bytes
    gpu_total = sum(caps)
    if c.engine == "vllm":
        fit = "gpu" if weights <= gpu_total * hw.nodes else None
    elif weights <= gpu_total:
        fit = "gpu"
    elif (
        (s.allow_split or s.allow_moe) and c.engine == "llama.cpp" and weights <= gpu_total + (hw.usable_ram_bytes or 0)
    ):
        fit = ("split" if hw.has_gpu else "cpu") if s.allow_split else None
        if s.allow_moe and hw.has_gpu and not hw.unified and m.entry.arch.experts:
            fit = "moe-offload"  # experts in RAM (recommend/moe.py): its fit factor is above a split's
    else:
        fit = None
    if fit is None:
        return None
    # Decode reads at least the active weights; no part is read faster than the fastest memory here (speed.py's
    # efficiencies are at most 1), and tensor parallelism at most adds up the cards.
    penalty = 0.0
    gpu_bw = hw.gpu_bandwidth_gbs()
    ram_bw = hw.ram_bandwidth_gbs or R.ASSUMED_RAM_BANDWIDTH_GBS
    if active > 0 and (gpu_bw or not hw.has_gpu):
        fastest = max(ram_bw, (gpu_bw or 0.0) * max(1, len(hw.gpus)) * hw.nodes)
        penalty = R.speed_penalty(fastest * 1e9 / active + 0.05)  # + the rounding of the speed shown
    quality = s.qm.quality(m, s.cons.uses)[0]
    bonus = R.use_bonus(m.entry.uses, s.cons.uses)
    return 100 * quality * quant_kept(c.quant, c.bits) * R.FIT_FACTOR[fit] + bonus - penalty


def _best(options: Iterable[Option]) -> Option | None:
    return min(options, key=option_key, default=None)


def rank_exhaustively(
    models: Iterable[Model] | Catalog,
    hw: Hardware,
    cons: Constraints,
    *,
    quality: QualityModel | None = None,
    file_size: FileSize | None = None,
) -> list[Option]:
    """The ranking by definition: every model at every quantization, each model's best option, sorted; top only.
    Slow on a large catalog; :func:`recommend` returns the same list.  Reasons are not filled in."""
    pool = _Pool(models)
    s, flt = _setup(pool.facts, hw, cons, quality, file_size)
    best = []
    for i, f in enumerate(pool.facts):
        if _eligible(s, flt, f):
            m = pool.model(i)
            pick = _best(o for o in (s.evaluate(m, c) for c in candidates(m, s.cons.quant, hw)) if s.accepts(o))
            if pick is not None:
                best.append(pick)
    return sorted(best, key=result_key)[: s.cons.top]


def recommend(
    models: Iterable[Model] | Catalog,
    hw: Hardware,
    cons: Constraints,
    *,
    quality: QualityModel | None = None,
    file_size: FileSize | None = None,
) -> Result:
    """Rank the models that run on ``hw`` under ``cons`` (best first), as :func:`rank_exhaustively` would."""
    pool = _Pool(models)
    s, flt = _setup(pool.facts, hw, cons, quality, file_size)
    top = s.cons.top
    # Best-first search.  A model's optimistic score is 100 x quality + bonus (quant kept <= 1, fit factor <= 1,
    # no penalty); its candidates' bounds are tighter, and exact evaluation is tightest.  Entries are expanded
    # in that order, so most of a large catalog never has its candidates listed, let alone estimated.
    heap: list[tuple[float, int, int, list[tuple[float, Candidate]]]] = []
    considered = 0
    for idx, f in enumerate(pool.facts):
        if _eligible(s, flt, f):
            considered += 1
            optimistic = 100 * s.qm.quality(f, s.cons.uses)[0] + R.use_bonus(f.uses, s.cons.uses)
            heap.append((-optimistic, 0, idx, []))
    heapq.heapify(heap)
    results: list[Option] = []
    evaluated = 0
    while heap:
        neg, stage, idx, cands = heapq.heappop(heap)
        if len(results) >= top and -neg + _ROUNDING < results[top - 1].score:
            break
        m = pool.model(idx)
        if stage == 0:  # expand: the model's candidates with their bounds, best first
            bounded = [(b, c) for c in candidates(m, s.cons.quant, hw) if (b := score_bound(s, m, c)) is not None]
            if bounded:
                bounded.sort(key=lambda x: -x[0])
                heapq.heappush(heap, (-bounded[0][0], 1, idx, bounded))
            continue
        options: list[Option] = []
        for b, c in cands:
            if options and b + _ROUNDING < max(o.score for o in options):
                break  # no later candidate can beat or tie what this model already has
            evaluated += 1
            o = s.evaluate(m, c)
            if s.accepts(o):
                options.append(o)
        pick = _best(options)
        if pick is not None:
            results.append(pick)
            results.sort(key=result_key)
    items = results[:top]
    for o in items:
        finish(o, hw, s.cons)
    hint = _unchecked_hint(s.cons, items, s.speed_unknown) if items else _empty_hint(hw, s.cons, considered)
    return Result(hw, s.cons, items, considered, evaluated, hint=hint)


def _unchecked_hint(cons: Constraints, items: Sequence[Option], speed_unknown: Sequence[str]) -> str | None:
    """With --min-speed, what could not be checked against it: the picks whose speed is unknown, and why."""
    n = sum(1 for o in items if o.speed.tokens_per_second is None)
    if cons.min_speed is None or not n:
        return None
    lacking = "; ".join(m.replace(" (", ": ").rstrip(")") for m in speed_unknown) or "bandwidth unknown"
    return (
        f"{n} of these could not be checked against --min-speed {cons.min_speed:g}: their speed is unknown "
        f"({lacking}). Give --gpu NAME (the GPU table knows its bandwidth) or --ram-bandwidth GB/s for models in RAM."
    )


def _empty_hint(hw: Hardware, cons: Constraints, considered: int) -> str:
    if considered == 0:
        return "No catalog model matches these filters; loosen --use/--license-class/--origin/--max-params."
    if cons.quant:
        fmt = resolved(cons.quant)
        if fmt is not None and fmt.family in ("mlx", "exl2", "bnb", "gptq", "awq", "fp8", "mxfp4"):
            why = cannot_run(ENGINE_OF[fmt.family], fmt.family, hw)
            if why:
                return f"Nothing runs at {fmt.name} here: {why}. Try another --quant, or leave it out."
    tips = []
    if cons.context > 4096:
        tips.append(f"a smaller --context (now {cons.context})")
    if hw.has_gpu and not cons.include_offload:
        tips.append("--include-offload to allow layers in RAM" + ("" if hw.ram_bytes else " (with --ram GIB)"))
    if cons.min_speed:
        tips.append("a lower --min-speed")
    tips.append("smaller models (--max-params)")
    return "Nothing fits. Try " + ", ".join(tips) + "."


def check(
    model: Model,
    hw: Hardware,
    cons: Constraints,
    *,
    allow_offload: bool = False,
    quality: QualityModel | None = None,
    catalog: Sequence[Model | ModelFacts] | None = None,
    file_size: FileSize | None = None,
    cands: Sequence[Candidate] | None = None,
) -> tuple[bool, Option, str]:
    """Does ``model`` fit on the GPUs?  (ok, best option, one-line reason).  ``allow_offload`` accepts split/cpu;
    without it a machine without GPUs fits nothing, and a model whose weights are unknown never fits.  ``cands``:
    only these (one file of a Hub repo, `check hf:`) instead of the model's candidates at ``cons.quant``."""
    s, _ = _setup(list(catalog) if catalog else [model], hw, replace(cons, include_offload=True), quality, file_size)
    cons = s.cons
    if cands is None:
        cands = candidates(model, cons.quant, hw)
    if not cands:
        raise no_candidate(model, cons.quant)
    opts = [s.evaluate(model, c) for c in cands]
    # A fit is a fit on the GPUs, or the experts of some layers in RAM at an interactive speed (issue #12: a
    # first-class answer, so a 4-bit model with experts in RAM can beat a 2-bit one squeezed onto the card, by
    # score); layers in RAM, a slow moe-offload, or a CPU-only run (all a machine without GPUs has) count only with
    # --allow-offload.
    gpu_ok = [o for o in opts if o.fit == "gpu" or (o.fit == "moe-offload" and interactive(o))]
    off_ok = [o for o in opts if o.fit in ("moe-offload", "split", "cpu")]
    pool = gpu_ok + (off_ok if allow_offload else [])
    pick = _best(pool)
    if pick is not None:
        finish(pick, hw, cons)
        reason = pick.reasons[0]
        if pick.fit != "gpu" and not (pick.fit == "moe-offload" and interactive(pick)):
            reason += " (accepted with --allow-offload)"
        return True, pick, _with_source(pick, reason)
    # Not on the GPUs: the closest option, and what it would take.
    fallback = _best(off_ok) or min(opts, key=lambda o: (o.placement.cards_needed is None, option_key(o)))
    finish(fallback, hw, cons)
    reason = fallback.reasons[0]
    if fallback.fit in ("moe-offload", "split", "cpu"):
        reason += (
            "; not a fit on GPUs: this machine has no GPU (--allow-offload counts a run from RAM as a fit)"
            if not hw.has_gpu
            else "; not a fit on the GPUs alone (--allow-offload counts it)"
        )
        fallback.reasons[0] = reason
    multi = [o for o in opts if o.placement.engine == "vllm" and o.placement.nodes_needed]
    if hw.gpus and not hw.unified and multi and "machines like this one" not in reason:
        o = min(multi, key=lambda o: (o.placement.nodes_needed or 0, option_key(o)))
        pl = o.placement
        reason += (
            f"; across machines: {pl.nodes_needed} like this one serve {o.quant} with vLLM "
            f"(tensor parallel {pl.tensor_parallel} x pipeline {pl.nodes_needed} over Ray; --nodes {pl.nodes_needed})"
        )
        fallback.reasons[0] = reason
    return False, fallback, _with_source(fallback, reason)


def _with_source(o: Option, reason: str) -> str:
    """The verdict's reason, plus where the weights come from when nobody published them."""
    return reason if o.published else f"{reason}; {unpublished_reason(o)}"
