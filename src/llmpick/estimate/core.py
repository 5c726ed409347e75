"""The estimate of one run: weights + KV cache + vision + overhead -> :class:`MemoryEstimate`.  Pure."""

from __future__ import annotations

from typing import Any

from ..engines import default_engine, normalize_engine, overhead_basis
from ..errors import UsageError
from ..quant import QuantFormat, resolve_quant
from ..schema import CatalogEntry, MemoryEstimate, Model
from .kv import kv_cache_bytes, normalize_kv_cache
from .overhead import overhead_bytes
from .weights import Weights, weights, weights_floor

MAX_CONTEXT = 10_000_000  # beyond this a context is a typo, not a plan


def check_context(context: int) -> int:
    if not isinstance(context, int) or isinstance(context, bool) or context <= 0:
        raise UsageError(
            f"Context must be a positive number of tokens, not {context!r}.", "For example: --context 8192."
        )
    if context > MAX_CONTEXT:
        raise UsageError(
            f"Context {context} is more than {MAX_CONTEXT:,} tokens.", "Ask for a realistic context, e.g. 32k."
        )
    return context


def _unpack(entry_or_model: Any) -> tuple[str | None, CatalogEntry]:
    if isinstance(entry_or_model, Model):
        return entry_or_model.id, entry_or_model.entry
    if isinstance(entry_or_model, CatalogEntry):
        return None, entry_or_model
    raise TypeError(f"estimate() needs a catalog Model or CatalogEntry, not {type(entry_or_model).__name__}")


def _artifact_size(entry: CatalogEntry, fmt: QuantFormat) -> int | None:
    """Sum of the catalog's file sizes for this quantization (split GGUFs add up), if every one is known."""
    for art in entry.artifacts:
        files = []
        for f in art.files:
            try:
                if resolve_quant(f.quant).name == fmt.name:
                    files.append(f)
            except UsageError:
                continue
        if files and all(f.size_bytes for f in files):
            return sum(f.size_bytes or 0 for f in files)
    return None


def estimate(
    entry_or_model: Any,
    quant: str | QuantFormat = "Q4_K_M",
    context: int = 8192,
    *,
    parallel: int = 1,
    kv_cache: str = "f16",
    engine: str | None = None,
    file_size_bytes: int | None = None,
) -> MemoryEstimate:
    """Memory needed to run a catalog model at ``quant`` with ``parallel`` sequences of ``context`` tokens.

    ``context`` above the model's maximum is capped (and says so).  ``engine`` None picks the usual engine of
    the format (GGUF: llama.cpp, GPTQ/AWQ/FP8: vLLM, bitsandbytes: transformers, MLX: mlx, EXL2: exllamav2).
    ``file_size_bytes``: a real artifact size (e.g. from a Hub refresh); it wins over the catalog and the formula.
    """
    model_id, entry = _unpack(entry_or_model)
    fmt = resolve_quant(quant)
    check_context(context)
    if not isinstance(parallel, int) or parallel < 1 or parallel > 4096:
        raise UsageError(f"--parallel must be between 1 and 4096, not {parallel!r}.")
    kv_type = normalize_kv_cache(kv_cache)
    eng = normalize_engine(engine, fmt.family)
    a = entry.arch
    assumptions: list[str] = []
    missing: list[str] = []
    if a.max_context and context > a.max_context:
        assumptions.append(f"context {context} capped to the model's maximum of {a.max_context} tokens")
        context = a.max_context
    basis: dict[str, str] = {}

    w, miss = weights(entry, fmt)
    missing += miss
    if w is not None:
        assumptions += w.notes
    real = file_size_bytes if file_size_bytes else _artifact_size(entry, fmt)
    if real:
        src = "the given file size" if file_size_bytes else "the catalog's artifact size"
        if w is not None and w.total > 0:
            scale = real / w.total
            w = Weights(
                float(real), w.active * scale, w.layer * scale, w.non_layer * scale, w.params, "file_size", w.notes
            )
        else:
            w = Weights(float(real), float(real), float(real), 0.0, entry.params.total or 0, "file_size", [])
        assumptions.append(f"weights: {src} ({real} bytes)")
    weights_bytes = round(w.total) if w else None
    basis["weights"] = w.basis if w else "unknown"

    kv, kv_notes, kv_missing = kv_cache_bytes(a, context, parallel=parallel, kv_cache=kv_type, engine=eng)
    assumptions += kv_notes
    missing += kv_missing
    basis["kv_cache"] = "formula" if kv is not None else "unknown"

    if a.vision_params:
        vision: int | None = a.vision_params * 2
        basis["vision"] = "params"
        assumptions.append("vision: encoder + projector kept at 16 bits (llama.cpp mmproj files are F16)")
    elif "image" in entry.modalities or "video" in entry.modalities:
        vision = None
        basis["vision"] = "unknown"
        missing.append("vision encoder unknown: no vision_params in the catalog entry")
    else:
        vision = 0
        basis["vision"] = "none"

    per_gpu, shared, ov_notes = overhead_bytes(a, eng, context, parallel)
    assumptions += ov_notes
    basis["overhead"] = overhead_basis(eng)
    if eng == "llama.cpp" and not fmt.is_gguf:
        assumptions.append(
            f"engine: llama.cpp loads GGUF files; {fmt.name} is usually run with {default_engine(fmt.family)}"
        )
    if kv_type == "fp8" and eng == "llama.cpp":
        assumptions.append("KV cache: llama.cpp has no fp8 cache type (use q8_0); shown as 1 byte per element")

    if weights_bytes is None:
        missing.append("total excludes the weights")
    L = a.layers
    kv_int = round(kv) if kv is not None else None
    total = (weights_bytes or 0) + (kv_int or 0) + (vision or 0) + per_gpu + shared
    per_layer = non_layer = None
    if w is not None and L:
        shaped = w.non_layer > 0  # shapes known: layer and non-layer tensors are apart
        per_layer = round((w.layer if shaped else w.total) / L)
        non_layer = round(w.non_layer) if shaped else None
    bpw = None
    if w is not None and w.params:
        bpw = round(w.total * 8 / w.params, 3)
    return MemoryEstimate(
        model=model_id,
        quant=fmt.name,
        quant_family=fmt.family,
        bits_per_weight=bpw,
        context=context,
        parallel=parallel,
        kv_cache_type=kv_type,
        engine=eng,
        weights_bytes=weights_bytes or 0,
        kv_cache_bytes=kv_int,
        vision_bytes=vision,
        overhead_bytes=per_gpu + shared,
        overhead_per_gpu_bytes=per_gpu,
        overhead_shared_bytes=shared,
        total_bytes=total,
        active_weights_bytes=round(w.active) if w else 0,
        layers=L,
        per_layer_weights_bytes=per_layer,
        per_layer_kv_bytes=round(kv / L) if kv is not None and L else None,
        non_layer_weights_bytes=non_layer,
        params_total=entry.params.total,
        params_active=entry.params.active,
        basis=basis,
        assumptions=assumptions,
        missing=missing,
    )


def weights_lower_bound(
    entry_or_model: Any, quant: str | QuantFormat, *, file_size_bytes: int | None = None
) -> tuple[float, float] | None:
    """Lower bounds on ``weights_bytes`` and ``active_weights_bytes`` of :func:`estimate` with the same arguments,
    at a fraction of its cost; None when the weights are unknown.  The recommender's search bounds every candidate
    with it, so it must never exceed the estimate: a test holds it to that over random architectures.

    A real size is exact (and then only the total is bounded: the active share needs the full estimate).
    """
    _, entry = _unpack(entry_or_model)
    fmt = resolve_quant(quant)
    real = file_size_bytes if file_size_bytes else _artifact_size(entry, fmt)
    if real:
        return float(real), 0.0
    floor = weights_floor(entry, fmt)
    if floor is None:
        return None
    # estimate() rounds to whole bytes; one byte of slack keeps the bound below the rounded figure.
    return max(0.0, floor[0] - 1), max(0.0, floor[1] - 1)
