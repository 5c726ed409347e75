"""Figures built from many estimates: the longest context that fits, `show`'s memory grid, `list`'s VRAM need."""

from __future__ import annotations

from typing import Any

from ..quant import QuantFormat
from ..schema import MemoryEstimate
from .core import MAX_CONTEXT, _unpack, estimate


def max_context_that_fits(
    entry_or_model: Any,
    quant: str | QuantFormat,
    vram_bytes: int,
    *,
    parallel: int = 1,
    kv_cache: str = "f16",
    engine: str | None = None,
    file_size_bytes: int | None = None,
    limit: int | None = None,
) -> int | None:
    """The longest context (tokens) whose estimate fits in ``vram_bytes``; None when not even 1 token fits or the
    weights or the KV cache size are unknown.  Capped at the model's maximum context (or ``limit``)."""
    _, entry = _unpack(entry_or_model)
    hi = limit or entry.arch.max_context or MAX_CONTEXT
    hi = min(hi, MAX_CONTEXT)

    def fits(ctx: int) -> bool | None:
        est = estimate(
            entry_or_model,
            quant,
            ctx,
            parallel=parallel,
            kv_cache=kv_cache,
            engine=engine,
            file_size_bytes=file_size_bytes,
        )
        if est.kv_cache_bytes is None or est.total_bytes is None:
            return None
        return est.total_bytes <= vram_bytes

    first = fits(1)
    if not first:
        return None
    if fits(hi):
        return hi
    lo = 1  # fits(lo) is True, fits(hi) is False
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid
    return lo


VRAM_NEED_QUANT = "Q4_K_M"
VRAM_NEED_CONTEXT = 8192


GRID_QUANTS = ("Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "F16")
GRID_CONTEXTS = (4096, 8192, 32768, 131072)


def memory_grid(entry_or_model: Any) -> tuple[list[int], list[tuple[str, list[MemoryEstimate]]]]:
    """`show`'s table: estimates per common quant (rows) and context (columns, up to the model's maximum), with
    llama.cpp, an f16 KV cache and one sequence.  Empty when the weights are unknown."""
    _, entry = _unpack(entry_or_model)
    max_ctx = entry.arch.max_context
    contexts = [c for c in GRID_CONTEXTS if not max_ctx or c <= max_ctx]
    if max_ctx and max_ctx > (contexts[-1] if contexts else 0):
        contexts.append(max_ctx)
    rows = []
    for q in GRID_QUANTS:
        ests = [estimate(entry_or_model, q, c) for c in contexts]
        if ests[0].total_bytes is None:
            break
        rows.append((q, ests))
    return contexts, rows


def vram_need(entry_or_model: Any) -> tuple[int | None, list[str]]:
    """The catalog's "VRAM need": total bytes at Q4_K_M and 8K context (capped at the model's maximum), one
    sequence, f16 KV cache, llama.cpp on one GPU; with the assumptions that go with it.  None when the weights are
    unknown."""
    _, _entry = _unpack(entry_or_model)
    est = estimate(entry_or_model, VRAM_NEED_QUANT, VRAM_NEED_CONTEXT)
    if est.total_bytes is None:
        return None, est.missing
    notes = [f"{VRAM_NEED_QUANT}, {est.context} tokens, 1 sequence, f16 KV cache, llama.cpp, one GPU"]
    notes += [f"weights from {est.basis['weights']}", *est.missing]
    return est.total_bytes, notes
