"""How far each pick stretches: the longest context it runs at with an f16 and a q8_0 KV cache, and whether a q8_0
cache turns a placement with parts in RAM into a fit on the GPUs alone (issue #12, item 6).  Pure.

Only the KV cache (and, for engines whose compute buffer follows the context, the overhead) changes with the
context, so one estimate of the pick is re-sized per context instead of estimated again: the search below places
about 20 contexts per pick and KV type, for the few picks shown.
"""

from __future__ import annotations

from ..estimate import MAX_CONTEXT, kv_cache_bytes, overhead_bytes
from ..hardware import Hardware
from ..schema import MemoryEstimate
from . import ranking as R
from .evaluate import placements
from .model import Option, Placement

# The KV cache types reported per pick: llama.cpp's default and the cache that halves it at a perplexity cost
# llama.cpp's authors measure as negligible (PR #7412: q8_0 K and V, +0.002-0.004 PPL on Llama 3 8B).
REPORTED_KV = ("f16", "q8_0")


def resized(o: Option, context: int, kv_type: str) -> MemoryEstimate | None:
    """The pick's estimate at another context and KV cache type; None when its KV cache or weights are unknown."""
    est, a = o.estimate, o.model.entry.arch
    if est.total_bytes is None or est.kv_cache_bytes is None:
        return None
    try:
        kv, _, missing = kv_cache_bytes(a, context, parallel=est.parallel, kv_cache=kv_type, engine=est.engine)
    except OverflowError:
        return None
    if kv is None or missing:
        return None
    per_gpu, shared, _ = overhead_bytes(a, est.engine, context, est.parallel)
    kv_int = round(kv)
    total = est.total_bytes - est.kv_cache_bytes - est.overhead_bytes + kv_int + per_gpu + shared
    return est.model_copy(
        update={
            "context": context,
            "kv_cache_type": kv_type,
            "kv_cache_bytes": kv_int,
            "per_layer_kv_bytes": round(kv / est.layers) if est.layers else None,
            "overhead_per_gpu_bytes": per_gpu,
            "overhead_shared_bytes": shared,
            "overhead_bytes": per_gpu + shared,
            "total_bytes": total,
        }
    )


def placed(o: Option, hw: Hardware, est: MemoryEstimate) -> Placement:
    """The best fit class this pick's candidate gets with ``est``, from the ranking's own placements (so that the
    two cannot disagree); layers or experts in RAM only when the pick already has some there."""
    allow = o.fit in ("moe-offload", "split", "cpu")
    return min(placements(est, o.model, o.candidate, hw, allow, allow), key=lambda pl: R.FIT_ORDER[pl.fit])


def _fits(o: Option, hw: Hardware, context: int, kv_type: str, worst: str) -> bool:
    est = resized(o, context, kv_type)
    if est is None:
        return False
    pl = placed(o, hw, est)
    return pl.fit != "none" and R.FIT_ORDER[pl.fit] <= R.FIT_ORDER[worst]


def longest_context(o: Option, hw: Hardware, kv_type: str) -> int | None:
    """The longest context (tokens, up to the model's maximum) at which this pick still places as well as it does
    (the same fit class or a better one), with a ``kv_type`` KV cache; None when not even 1 token does or the KV
    cache is unknown."""
    if o.fit == "none":
        return None
    hi = min(o.model.entry.arch.max_context or MAX_CONTEXT, MAX_CONTEXT)
    if not _fits(o, hw, 1, kv_type, o.fit):
        return None
    if _fits(o, hw, hi, kv_type, o.fit):
        return hi
    lo = 1  # fits at lo, not at hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _fits(o, hw, mid, kv_type, o.fit):
            lo = mid
        else:
            hi = mid
    return lo


def q8_0_kv_fits_gpu(o: Option, hw: Hardware) -> bool:
    """Whether a pick with parts in RAM fits on the GPUs alone, at its context, with a q8_0 KV cache (llama.cpp
    ``-ctk q8_0 -ctv q8_0``)."""
    if o.fit not in ("moe-offload", "split") or o.estimate.kv_cache_type == "q8_0" or o.placement.engine != "llama.cpp":
        return False
    return _fits(o, hw, o.context, "q8_0", "gpu")
