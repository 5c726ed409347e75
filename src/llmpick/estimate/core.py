"""The estimate of one run: weights + KV cache + recurrent state + vision + overhead -> :class:`MemoryEstimate`.  Pure."""

from __future__ import annotations

from typing import Any

from ..engines import default_engine, normalize_engine, overhead_basis
from ..errors import UsageError
from ..quant import QuantFormat, resolve_quant
from ..schema import CatalogEntry, MemoryEstimate, Model
from .kv import kv_cache_bytes, normalize_kv_cache
from .overhead import overhead_bytes
from .state import state_bytes
from .weights import MAX_ESTIMATE_BYTES, Weights, sane_bytes, weights, weights_floor

MAX_CONTEXT = 10_000_000  # beyond this a context is a typo, not a plan
# A real file size (the catalog's, or the Hub cache's) wins over the formula only when it is within this factor of
# the formula's weights for the same format, either way.  The per-tensor formula matches llama.cpp's files within a
# few percent (benchmarks/data/gguf_sizes_calibration.csv), and the legitimate reasons for a larger gap (a bigger
# vocabulary than the catalog says, the 2023 Q2_K mix, dynamic or imatrix mixes that raise some tensors, the
# parameter-count fallback's typical bits) stay well inside +-50 %.  Beyond 2x the size belongs to something else:
# a file mislabelled by quantization (an F16 file named Q4_K_M is 3.3x), a listing missing the parts of a split
# GGUF, or corrupt data (a 1-byte "Q4_K_M" of a 7B model).  Such a size is refused, said in the assumptions, and
# the formula is used.
PLAUSIBLE_SIZE_FACTOR = 2.0


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


def _checked_size(
    entry: CatalogEntry, fmt: QuantFormat, file_size_bytes: int | None, floor: tuple[float, float] | None
) -> tuple[int | None, str, list[str]]:
    """(the real weights size to use or None, where it came from, notes): the given size, else the catalog's,
    unless it is implausible next to the formula (``floor``: :func:`weights_floor`), which then stays in use.

    :func:`estimate` and :func:`weights_lower_bound` both decide here, so the bound follows the estimate."""
    src = "the given file size" if file_size_bytes is not None else "the catalog's artifact size"
    real = file_size_bytes if file_size_bytes is not None else _artifact_size(entry, fmt)
    if real is None:
        return None, src, []
    if isinstance(real, bool) or not isinstance(real, int) or real <= 0 or real > MAX_ESTIMATE_BYTES:
        return None, src, [f"weights: {src} ({real!r} bytes) refused: not a plausible file size"]
    if floor is not None:
        ratio = real / floor[0]
        if not 1 / PLAUSIBLE_SIZE_FACTOR <= ratio <= PLAUSIBLE_SIZE_FACTOR:
            return (
                None,
                src,
                [
                    f"weights: {src} ({real} bytes) refused: {ratio:.3g}x the {round(floor[0])} bytes the formula "
                    f"gives for {fmt.name} (plausible: {1 / PLAUSIBLE_SIZE_FACTOR:g}x to {PLAUSIBLE_SIZE_FACTOR:g}x); "
                    "the formula is used"
                ],
            )
    return real, src, []


def _per_layer(x: float | None, layers: int | None) -> int | None:
    """``x`` / ``layers`` in whole bytes; None when unknown, or when it is no positive figure (less than a byte
    per layer comes only from a nonsense fact, such as 10^20 layers)."""
    if x is None or not layers:
        return None
    try:
        v = round(x / layers)
    except OverflowError:
        return None
    return v if v > 0 else None


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
    ``file_size_bytes``: a real artifact size (e.g. from a Hub refresh); it wins over the catalog and the formula,
    unless it is implausible next to the formula (see :data:`PLAUSIBLE_SIZE_FACTOR`; the assumptions say so).

    Unknown is None, never 0: without a parameter count or tensor shapes (or a real size) the weights, their
    per-layer figures and the total are None and ``missing`` says why.
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
    if w is not None:
        assumptions += w.notes
    real, src, size_notes = _checked_size(entry, fmt, file_size_bytes, weights_floor(entry, fmt))
    assumptions += size_notes
    if real:
        if w is not None:
            scale = real / w.total
            w = Weights(
                float(real),
                w.active * scale,
                w.layer * scale,
                w.non_layer * scale,
                w.params,
                "file_size",
                w.notes,
                w.expert * scale if w.expert is not None else None,
            )
        else:
            miss = []
            w = Weights(float(real), float(real), float(real), 0.0, entry.params.total or 0, "file_size", [])
            assumptions.append("weights: no tensor shapes in the catalog entry; the layers are taken as equal")
        assumptions.append(f"weights: {src} ({real} bytes)")
    missing += miss
    weights_bytes = max(1, round(w.total)) if w else None  # known weights are never 0 bytes (a 1-parameter toy)
    basis["weights"] = w.basis if w else "unknown"

    try:
        kv, kv_notes, kv_missing = kv_cache_bytes(a, context, parallel=parallel, kv_cache=kv_type, engine=eng)
    except OverflowError:
        kv, kv_notes, kv_missing = None, [], []
    if kv is not None and not sane_bytes(kv):
        kv = None
    if kv is None and not kv_missing:
        kv_missing = ["KV cache unknown: the catalog entry's sizes give more than 8 PiB (a wrong fact?)"]
    assumptions += kv_notes
    missing += kv_missing
    basis["kv_cache"] = "formula" if kv is not None else "unknown"

    state, state_notes, state_missing = state_bytes(a, parallel=parallel)
    if state is not None and state and not sane_bytes(state):
        state, state_missing = None, ["recurrent state unknown: more than 8 PiB (a wrong fact?)"]
    assumptions += state_notes
    missing += state_missing
    basis["state"] = "none" if state == 0 else ("formula" if state is not None else "unknown")

    vision: int | None
    if a.vision_params:
        vision = a.vision_params * 2 if sane_bytes(a.vision_params * 2) else None
        basis["vision"] = "params" if vision is not None else "unknown"
        assumptions.append("vision: encoder + projector kept at 16 bits (llama.cpp mmproj files are F16)")
        if vision is None:
            missing.append("vision encoder unknown: vision_params gives more than 8 PiB (a wrong fact?)")
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

    L = a.layers
    kv_int = round(kv) if kv is not None else None
    total: int | None = None
    if weights_bytes is None:
        missing.append("total unknown: the weights are unknown")
    else:
        total = weights_bytes + (kv_int or 0) + (state or 0) + (vision or 0) + per_gpu + shared
        if not sane_bytes(total):
            total = None
            missing.append("total unknown: more than 8 PiB (a wrong fact in the catalog entry?)")
    per_layer = non_layer = expert = per_expert = None
    if w is not None and L:
        shaped = w.non_layer > 0  # shapes known: layer and non-layer tensors are apart
        per_layer = _per_layer(w.layer if shaped else w.total, L)
        non_layer = _per_layer(w.non_layer, 1) if shaped else None
        if shaped and w.expert:  # a mixture of experts whose routed tensors are known
            expert = _per_layer(w.expert, 1)
            per_expert = _per_layer(w.expert, L)
            if per_expert is not None and per_layer is not None:
                per_expert = min(per_expert, per_layer)
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
        weights_bytes=weights_bytes,
        kv_cache_bytes=kv_int,
        state_bytes=state,
        vision_bytes=vision,
        overhead_bytes=per_gpu + shared,
        overhead_per_gpu_bytes=per_gpu,
        overhead_shared_bytes=shared,
        total_bytes=total,
        active_weights_bytes=max(1, round(w.active)) if w else None,
        layers=L,
        per_layer_weights_bytes=per_layer,
        per_layer_kv_bytes=_per_layer(kv, L),
        per_layer_state_bytes=_per_layer(state, L) if state else None,
        non_layer_weights_bytes=non_layer,
        expert_weights_bytes=expert,
        per_layer_expert_bytes=per_expert,
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

    A real size is exact (and then only the total is bounded: the active share needs the full estimate); an
    implausible one is refused here exactly as in :func:`estimate`.
    """
    _, entry = _unpack(entry_or_model)
    fmt = resolve_quant(quant)
    floor = weights_floor(entry, fmt)
    real, _, _ = _checked_size(entry, fmt, file_size_bytes, floor)
    if real:
        return float(real), 0.0
    if floor is None:
        return None
    # estimate() rounds to whole bytes; one byte of slack keeps the bound below the rounded figure.
    return max(0.0, floor[0] - 1), max(0.0, floor[1] - 1)
