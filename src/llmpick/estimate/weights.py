"""Weights: bytes of every tensor under a quantization (llama.cpp's per-tensor rules for GGUF mixes), and a
cheap lower bound of the same for the recommender's search.  Pure."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from functools import lru_cache

from ..gguf_rules import TensorContext, gguf_tensor_type, use_more_bits
from ..quant import (
    GGUF_QUANTS,
    QuantFormat,
    ggml_bpw,
    ggml_fallback,
    ggml_tensor_bytes,
)
from ..schema import Architecture, CatalogEntry
from .shapes import SHAPE_TOLERANCE, Shapes, Tensor, tensor_shapes

# GGUF files of models released before this month were mostly made with llama.cpp's 2023 Q2_K mix.
LEGACY_Q2_K_BEFORE = "2024-01"
MXFP4_BITS = 4.25  # OCP MX spec: 32 FP4 (E2M1) values + one shared E8M0 scale
# The largest byte figure an estimate gives: 2^53 bytes (8 PiB).  Above it a float no longer counts bytes exactly,
# and no machine llmpick plans for has a thousandth of it; a figure that large comes from a nonsense fact (a
# 300-digit parameter count, ten billion layers), so it is reported unknown rather than as inf, NaN or a crash.
MAX_ESTIMATE_BYTES = 2**53


def sane_bytes(x: float | None) -> bool:
    """A byte figure an estimate may report: finite, positive, at most :data:`MAX_ESTIMATE_BYTES`."""
    if x is None:
        return False
    if isinstance(x, int):  # exact: a 4000-digit int is no float
        return 0 < x <= MAX_ESTIMATE_BYTES
    return math.isfinite(x) and 0 < x <= MAX_ESTIMATE_BYTES


_TOO_LARGE = "weights unknown: the catalog entry's sizes give more than 8 PiB of weights (a wrong fact?)"


def _tensor_ctx(a: Architecture, tied: bool, released: str | None = None) -> TensorContext:
    heads, kvh = a.attention_heads or 1, a.kv_heads or a.attention_heads or 1
    typ = a.type or ""
    lt = a.layer_types
    # llama.cpp's rules read hparams.n_gqa() of layer 0; Mamba and short-conv hybrids store head_count_kv per layer
    # with 0 for their first (recurrent) layer, so n_gqa() is 0 there (llama-hparams.cpp n_gqa).
    n_gqa = 0 if lt is not None and (lt.mamba or lt.conv) else max(1, heads // kvh)
    return TensorContext(
        n_layer=a.layers or 1,
        n_gqa=n_gqa,
        n_expert=a.experts or 0,
        arch="falcon" if typ in ("FalconForCausalLM", "RWForCausalLM") else "llama",
        # llama.cpp sets LLM_TYPE_70B for 80-layer Llama-architecture models
        is_70b=(a.layers == 80 and typ in ("LlamaForCausalLM", "MistralForCausalLM")),
        tied_embeddings=tied,
        legacy_q2_k=bool(released and released < LEGACY_Q2_K_BEFORE),
        native_mxfp4=(a.dtype or "").lower() == "mxfp4" and bool(a.experts),
    )


def _layer_signature(i: int, n: int) -> tuple[int, bool, bool, bool, bool]:
    """Everything about a layer's position that llama.cpp's type rules look at (see gguf_tensor_type):
    i < 2 and i < 4, i < n/16, i < n/8, use_more_bits, and n/8 <= i < 7n/8."""
    return (min(i, 4), i < n // 16, i < n // 8, use_more_bits(i, n), n // 8 <= i < 7 * n // 8)


@lru_cache(maxsize=4096)
def _layer_types(ftype: str, cls: str, ctx: TensorContext) -> tuple[tuple[str, int], ...]:
    """(ggml type, number of layers) for one tensor class over every layer of a model under one GGUF mix.

    Layers with the same signature get the same type, so each signature is asked once.
    """
    counts: dict[str, int] = {}
    for first, size in _layer_groups(ctx.n_layer):
        typ = gguf_tensor_type(ftype, cls, first, ctx)
        counts[typ] = counts.get(typ, 0) + size
    return tuple(counts.items())


@lru_cache(maxsize=512)
def _layer_groups(n: int) -> tuple[tuple[int, int], ...]:
    """(first layer, number of layers) of each group of layers sharing a signature; O(1) in ``n``.

    Every part of the signature but ``use_more_bits`` is constant between the breakpoints 0-4, n/16, n/8, 7n/8
    and n; between n/8 and 7n/8 ``use_more_bits`` holds exactly for the layers i with (i - n/8) % 3 == 2.  So
    each interval splits into at most two arithmetic classes, counted without visiting a layer (a model with
    ten million layers costs what one with thirty-two does).
    """
    cuts = sorted({min(max(b, 0), n) for b in (0, 1, 2, 3, 4, n // 16, n // 8, 7 * n // 8, n)})
    mid_lo, mid_hi = n // 8, 7 * n // 8
    groups: dict[tuple[int, bool, bool, bool, bool], list[int]] = {}

    def add(first: int, count: int) -> None:
        if count > 0:
            g = groups.setdefault(_layer_signature(first, n), [first, 0])
            g[1] += count

    for lo, hi in itertools.pairwise(cuts):
        if not (mid_lo <= lo and hi <= mid_hi):
            add(lo, hi - lo)  # outside the middle, use_more_bits is constant (True)
            continue
        # Layers i in [lo, hi) with (i - mid_lo) % 3 == 2: the count in [mid_lo, x) is (x - mid_lo) // 3.
        more = (hi - mid_lo) // 3 - (lo - mid_lo) // 3
        first_more = lo + (2 - (lo - mid_lo)) % 3
        first_less = lo if (lo - mid_lo) % 3 != 2 else lo + 1
        add(first_more, more)
        add(first_less, hi - lo - more)
    return tuple((first, count) for first, count in groups.values())


# A part of a tensor's storage: (ggml block type before llama.cpp's row-size fallback, or None for formats that are
# not ggml block types; bits per element; how many of the tensor's layers it covers, None for all of them).
Part = tuple[str | None, float, int | None]


@lru_cache(maxsize=4096)
def _indexed_types(
    ftype: str, cls: str, index: tuple[int, ...], index_n: int, ctx: TensorContext
) -> tuple[tuple[str, int], ...]:
    """(ggml type, count) of a tensor held by some layers only, each at its place among ``index_n`` (the rules'
    layer counters: i_attention_wv of n_attention_wv, i_ffn_down of n_ffn_down)."""
    c = replace(ctx, n_layer=max(1, index_n))
    counts: dict[str, int] = {}
    for i in index:
        typ = gguf_tensor_type(ftype, cls, i, c)
        counts[typ] = counts.get(typ, 0) + 1
    return tuple(counts.items())


@lru_cache(maxsize=8192)
def _storage(
    fmt: QuantFormat,
    cls: str,
    layered: bool,
    routed: bool,
    ctx: TensorContext,
    index: tuple[int, ...] | None = None,
    index_n: int = 0,
) -> tuple[Part, ...]:
    """How a tensor class is stored under a format.  The one place that knows; bytes and their floor both read it."""
    if ctx.native_mxfp4 and fmt.name != "F32":
        # gpt-oss: routed experts ship as MXFP4 and llama.cpp's converter and quantizer keep them so (its
        # F16 and Q8_0 GGUFs are ~13 GB for 21B parameters); the rest is bf16 in the original release.
        if routed:
            return ((None, MXFP4_BITS, None),)
        if fmt.family == "mxfp4":
            return ((None, 32.0 if cls in ("norm", "bias") else 16.0, None),)
    if routed and fmt.name == "MXFP4_MOE":
        # llama.cpp's MXFP4_MOE mix (llama-quant.cpp llama_tensor_get_type): 3-D expert tensors MXFP4; the rest
        # follows the Q8_0 rules below (quant.GGUF_DEFAULT_TYPE).
        return ((None, MXFP4_BITS, None),)
    if fmt.is_gguf:
        if cls in ("norm", "bias", "f32"):
            # 1-D tensors stay F32 (tensor_allows_quantization: ggml_n_dims < 2); so do ssm_conv1d and
            # shortconv.conv (never quantized; convert_hf_to_gguf writes SSM_CONV1D / SHORTCONV_CONV as F32)
            return ((None, 32.0, None),)
        if cls == "keep16":
            return ((None, 16.0, None),)  # per_layer_model_proj: never quantized, kept as converted (bf16)
        if cls == "router":
            # ffn_gate_inp is never quantized (tensor_allows_quantization); convert_hf_to_gguf writes it F32
            return ((None, 16.0 if fmt.name in ("F16", "BF16") else 32.0, None),)
        if not layered:
            typ = gguf_tensor_type(fmt.name, cls, 0, ctx)
            return ((typ, ggml_bpw(typ), None),)
        if index is not None:
            return tuple((t, ggml_bpw(t), n) for t, n in _indexed_types(fmt.name, cls, index, index_n, ctx))
        return tuple((typ, ggml_bpw(typ), count) for typ, count in _layer_types(fmt.name, cls, ctx))
    if fmt.family == "qmoe":
        return ((None, fmt.bits, None),)
    if cls in ("norm", "bias", "router", "f32", "keep16"):
        return ((None, 32.0 if fmt.name == "F32" else 16.0, None),)
    if cls == "token_embd":
        bits = fmt.output_bits if ctx.tied_embeddings else fmt.embed_bits
    elif cls == "output":
        bits = fmt.output_bits
    else:
        bits = fmt.linear_bits
    return ((None, bits if bits is not None else fmt.bits, None),)


def _routed(x: Tensor) -> bool:
    """Routed-expert tensors: read in part per token.  Active 0 is a lookup table (per-layer embeddings), not an
    expert: it is stored like the embedding and stays out of the expert bytes that ``--n-cpu-moe`` moves."""
    return 0.0 < x.active < 1.0


def _tensor_bytes(fmt: QuantFormat, x: Tensor, ctx: TensorContext) -> float:
    """Bytes of one tensor (of every layer it stands for) under a format: whole ggml blocks, after the fallback
    llama.cpp takes when a row is not a multiple of the block size."""
    total = 0.0
    for typ, bits, count in _storage(fmt, x.cls, x.layers > 0, _routed(x), ctx, x.index, x.index_n):
        if typ is None:
            total += x.total * bits / 8
        else:
            total += ggml_tensor_bytes(ggml_fallback(typ, x.ncols), x.n) * (count or 1)
    return total


def _tensor_bytes_floor(fmt: QuantFormat, x: Tensor, ctx: TensorContext) -> float:
    """At most :func:`_tensor_bytes`: the same types, without rounding each tensor up to whole blocks."""
    total = 0.0
    for typ, bits, count in _storage(fmt, x.cls, x.layers > 0, _routed(x), ctx, x.index, x.index_n):
        if typ is None:
            total += x.total * bits / 8
        else:
            total += x.n * (count or 1) * ggml_bpw(ggml_fallback(typ, x.ncols)) / 8
    return total


@dataclass(frozen=True)
class _Layout:
    """What the weights of a model are made of, before any quantization is chosen."""

    shapes: Shapes | None
    tied: bool
    ctx: TensorContext | None
    text_params: int | None
    scale: float  # 1, or catalog params / shape params when the shapes do not explain the catalog's count
    tie_notes: tuple[str, ...]  # how the output head was chosen (first in the estimate's notes)
    notes: tuple[str, ...]  # the shapes' own notes and the scaling
    legacy: str | None  # the release month when llama.cpp's 2023 Q2_K mix applies, else None


@lru_cache(maxsize=4096)
def _shapes(a: Architecture, tied: bool) -> Shapes | None:
    """tensor_shapes, once per architecture (the copies and finetunes of a base share it)."""
    return tensor_shapes(a, tied=tied)


def _rounding(n: int) -> int:
    """How far a rounded card figure may be from the true count: half the unit of its last non-zero digit when it
    ends in six or more zeros ("4B" = 4_000_000_000: 500M), else 0.  Counts read from safetensors are exact; a
    figure rounded to one digit cannot correct tensor shapes that land within its rounding (Qwen3.5-4B: shapes
    4.21B, card "4B"; scaling to it took the estimate 6 % under the real GGUF)."""
    if n % 10**6:
        return 0
    unit = 10**6
    while n % (unit * 10) == 0:
        unit *= 10
    return unit // 2


@lru_cache(maxsize=4096)
def _layout(a: Architecture, text_params: int | None, released: str | None, total_params: int | None = None) -> _Layout:
    shapes = None
    tied = a.tie_word_embeddings
    tie_notes: list[str] = []
    if tied is None and text_params:
        # Unknown tying: take the variant whose parameter count is closer to the catalog's.
        cands = [(s, tv) for tv in (False, True) if (s := _shapes(a, tv)) is not None]
        if cands:
            shapes, tied = min(cands, key=lambda c: abs(c[0].params - text_params))
            tie_notes.append(
                f"weights: tie_word_embeddings unknown; {'tied' if tied else 'separate'} output head "
                "matches params.total better"
            )
    if shapes is None:
        shapes = _shapes(a, bool(tied))
    if shapes is None:
        return _Layout(None, bool(tied), None, text_params, 1.0, tuple(tie_notes), (), released)
    notes = list(shapes.notes)
    scale = 1.0
    slack = max(SHAPE_TOLERANCE * text_params, _rounding(total_params)) if text_params and total_params else 0
    if text_params and abs(shapes.params - text_params) > slack:
        scale = text_params / shapes.params
        notes.append(
            f"weights: tensor shapes give {shapes.params / 1e9:.2f}B parameters, the catalog says "
            f"{text_params / 1e9:.2f}B; the shape-based bits per weight were applied to the catalog count"
        )
    ctx = _tensor_ctx(a, bool(tied), released)
    return _Layout(shapes, bool(tied), ctx, text_params, scale, tuple(tie_notes), tuple(notes), released)


def _entry_layout(entry: CatalogEntry) -> _Layout:
    a, p = entry.arch, entry.params
    text_params = (p.total - (a.vision_params or 0)) if p.total else None
    # Only the Q2_K rule looks at the release month: key the cache on that, not on every month.
    legacy = entry.released if entry.released and entry.released < LEGACY_Q2_K_BEFORE else None
    return _layout(a, text_params, legacy, p.total)


@lru_cache(maxsize=16384)
def _sums(
    a: Architecture, tied: bool, legacy: str | None, fmt: QuantFormat, floor: bool
) -> tuple[float, float, float, float, float]:
    """(total, active, layer tensors, other tensors, routed experts) bytes of an architecture's tensors under a
    format, before any scaling to the catalog's parameter count; ``floor`` sums :func:`_tensor_bytes_floor`
    instead.  The routed experts (``Tensor.active`` < 1) are layer tensors too: what llama.cpp's ``--n-cpu-moe``
    keeps in RAM.  Cached: the finetunes and copies of a base share its architecture, so a large catalog computes
    few of these."""
    shapes = _shapes(a, tied)
    assert shapes is not None
    ctx = _tensor_ctx(a, tied, legacy)
    size = _tensor_bytes_floor if floor else _tensor_bytes
    total = active = layer = non_layer = expert = 0.0
    for x in shapes.tensors:
        b = size(fmt, x, ctx)
        total += b
        if x.cls != "token_embd" or tied:
            active += b * x.active  # a lookup table (active 0: per-layer embeddings) adds nothing
        if not x.layers:
            non_layer += b
        else:
            layer += b
            if _routed(x):
                expert += b
    return total, active, layer, non_layer, expert


@dataclass
class Weights:
    total: float
    active: float
    layer: float  # all layer tensors
    non_layer: float
    params: int
    basis: str
    notes: list[str]
    expert: float | None = None  # routed-expert tensors of all layers (part of ``layer``); None when unknown


def weights(entry: CatalogEntry, fmt: QuantFormat) -> tuple[Weights | None, list[str]]:
    """The weights of a catalog entry under a format, from its tensor shapes (else its parameter count), with the
    notes that say how; (None, missing) when neither is known, or when the facts give no sane figure."""
    try:
        w, missing = _weights(entry, fmt)
    except (OverflowError, ZeroDivisionError):
        return None, [_TOO_LARGE]
    if w is not None and not (sane_bytes(w.total) and math.isfinite(w.active) and math.isfinite(w.layer)):
        return None, [_TOO_LARGE]
    return w, missing


def _weights(entry: CatalogEntry, fmt: QuantFormat) -> tuple[Weights | None, list[str]]:
    a, p = entry.arch, entry.params
    lay = _entry_layout(entry)
    notes = list(lay.tie_notes)
    if lay.shapes is not None and lay.ctx is not None:
        ctx = lay.ctx
        if ctx.legacy_q2_k and fmt.name == "Q2_K":
            notes.append(
                f"weights: released {entry.released}, so Q2_K files use llama.cpp's 2023 mix "
                "(attn_v and ffn_down at Q4_K)"
            )
        notes += lay.notes
        total, active, layer, non_layer, expert = _sums(a, lay.tied, lay.legacy, fmt, False)
        if lay.scale != 1.0:
            s = lay.scale
            total, active, layer, non_layer, expert = total * s, active * s, layer * s, non_layer * s, expert * s
            assert lay.text_params is not None
            n = lay.text_params
            if p.active and a.experts:
                active = total * p.active / (p.total or p.active)
            return Weights(total, active, layer, non_layer, n, "params", notes, expert), []
        return Weights(total, active, layer, non_layer, lay.shapes.params, "formula", notes, expert), []
    if lay.text_params:
        what = [
            f
            for f in ("layers", "hidden_size", "attention_heads", "intermediate_size", "vocab_size")
            if getattr(a, f) is None
        ]
        notes.append(
            f"weights: no {', '.join(what)} in the catalog entry; params.total x {fmt.bits:.2f} bits per "
            f"weight (typical for {fmt.name})"
        )
        total = lay.text_params * fmt.bits / 8
        active = (p.active * fmt.bits / 8) if p.active else total
        return Weights(total, active, total, 0.0, lay.text_params, "params", notes), []
    return None, ["weights unknown: no params.total and no tensor shapes in the catalog entry"]


def weights_floor(entry: CatalogEntry, fmt: QuantFormat) -> tuple[float, float] | None:
    """Lower bounds on the total and active weights that :func:`weights` computes, at a fraction of its cost.
    Same layout and storage; only the block rounding and the row-size fallback, which can only add bytes, are
    left out.  None when the weights are unknown (and whenever :func:`weights` says so)."""
    try:
        floor = _weights_floor(entry, fmt)
    except (OverflowError, ZeroDivisionError):
        return None
    if floor is None or not (sane_bytes(floor[0]) and math.isfinite(floor[1])):
        return None
    return floor


def _weights_floor(entry: CatalogEntry, fmt: QuantFormat) -> tuple[float, float] | None:
    a, p = entry.arch, entry.params
    lay = _entry_layout(entry)
    if lay.shapes is not None:
        total, active, _, _, _ = _sums(a, lay.tied, lay.legacy, fmt, True)
        total, active = total * lay.scale, active * lay.scale
        if lay.scale != 1.0 and p.active and a.experts:
            active = total * p.active / (p.total or p.active)
        return total, active
    if lay.text_params:
        total = lay.text_params * fmt.bits / 8
        return total, (p.active * fmt.bits / 8) if p.active else total
    return None


def reference_gguf_bits() -> dict[str, float]:
    """Typical effective bits per weight of each GGUF mix: the mix applied to a Mistral-7B-shaped model."""
    a = Architecture(
        type="MistralForCausalLM",
        layers=32,
        hidden_size=4096,
        intermediate_size=14336,
        attention_heads=32,
        kv_heads=8,
        head_dim=128,
        vocab_size=32000,
        tie_word_embeddings=False,
    )
    shapes = tensor_shapes(a)
    assert shapes is not None
    ctx = _tensor_ctx(a, False)
    out = {}
    for name in GGUF_QUANTS:
        fmt = QuantFormat(name, "gguf", 0.0)
        out[name] = round(sum(_tensor_bytes(fmt, x, ctx) for x in shapes.tensors) * 8 / shapes.params, 3)
    return out
