"""The memory estimate (`estimate`, and inside every recommendation), and the answers of `estimate` and `quants`."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from .base import Answer, Lazy

# --- Memory estimate ----------------------------------------------------------------------
# Owned by estimate.py (issue 3).  Bytes are integers; unknown parts are null, never 0.


class MemoryEstimate(Lazy):
    """How much memory one model needs at one quantization, context and engine, and how that was worked out.

    Unknown is null, never 0.  When the weights are unknown (no parameter count and no tensor shapes in the
    catalog entry), ``weights_bytes``, ``active_weights_bytes``, the per-layer weight figures and ``total_bytes``
    are all null: a total without the weights would understate the need by nearly all of it.  When the weights are
    known, ``total_bytes`` is weights + KV cache + vision + overhead; a KV cache or vision encoder that cannot be
    estimated is null, left out of the total, and named in ``missing``.  Hybrid models (Gated DeltaNet, Mamba-2,
    short-conv layers) also keep a recurrent state per sequence (``state_bytes``), counted in the total; only their
    attention layers hold a KV cache.  ``overhead_bytes`` = ``overhead_per_gpu_bytes`` (paid once on
    every GPU used: CUDA context and compute buffer) + ``overhead_shared_bytes`` (paid once).  To place a model
    on several GPUs, give each GPU layers x ``per_layer_weights_bytes`` + layers x ``per_layer_kv_bytes`` plus
    its ``overhead_per_gpu_bytes``; ``non_layer_weights_bytes`` (embeddings + output head) goes to one of them.
    A mixture of experts also says how much of each layer is routed experts (``per_layer_expert_bytes``), the part
    llama.cpp's ``--n-cpu-moe`` can leave in RAM.
    """

    model: str | None
    quant: str
    quant_family: str
    bits_per_weight: float | None = Field(None, description="effective bits per weight of the whole model")
    context: int
    parallel: int = 1
    kv_cache_type: str
    engine: str
    weights_bytes: int | None = Field(description="null when the weights are unknown (see missing)")
    kv_cache_bytes: int | None
    state_bytes: int | None = Field(
        None,
        description="recurrent state of the linear-attention / Mamba / short-conv layers of all sequences (f32, "
        "fixed per sequence); 0 for a model without such layers; null when unknown (see missing)",
    )
    vision_bytes: int | None
    overhead_bytes: int
    overhead_per_gpu_bytes: int
    overhead_shared_bytes: int
    total_bytes: int | None = Field(
        description="weights + KV cache + recurrent state + vision + overhead; null when the weights are unknown "
        "(a KV cache, state or vision encoder that is unknown is left out and named in missing)"
    )
    active_weights_bytes: int | None = Field(
        description="weight bytes read per generated token (MoE: routed experts only); null when the weights are "
        "unknown"
    )
    layers: int | None
    per_layer_weights_bytes: int | None
    per_layer_kv_bytes: int | None = Field(
        description="KV cache / layers: an average over all layers (hybrids: only attention layers hold one)"
    )
    per_layer_state_bytes: int | None = Field(
        None, description="recurrent state / layers, an average like per_layer_kv_bytes; null when none or unknown"
    )
    non_layer_weights_bytes: int | None
    expert_weights_bytes: int | None = Field(
        None,
        description="mixture of experts: bytes of the routed-expert tensors of all layers (part of weights_bytes; "
        "what llama.cpp's --n-cpu-moe keeps in RAM); null for a dense model or when the tensors are unknown",
    )
    per_layer_expert_bytes: int | None = Field(
        None,
        description="routed-expert bytes of one layer (part of per_layer_weights_bytes); null as expert_weights_bytes",
    )
    params_total: int | None = None
    params_active: int | None = None
    basis: dict[str, str]
    assumptions: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)


# --- Answers ------------------------------------------------------------------------------


class EstimateFitOut(MemoryEstimate):
    """An `estimate --fit-vram` item: the estimate plus the longest context that fits in the memory given."""

    vram_bytes: int = Field(description="the memory given with --fit-vram, in bytes")
    max_context_in_vram: int | None = Field(description="longest context (tokens) that fits; null when none does")


class EstimateAnswer(Answer):
    """`estimate --format json`: one item per quantization asked for (``--fit-vram`` items add two keys)."""

    COMMAND: ClassVar[str] = "estimate"

    command: Literal["estimate"] = "estimate"
    # The subclass first: pydantic serialises each item as the first member its type matches exactly.
    items: list[EstimateFitOut | MemoryEstimate]
    curated: bool = Field(
        True, description="false when the model is a draft from the Hub (`refresh --discover`, `hf:ORG/NAME`)"
    )


class QuantOut(Lazy):
    """A quantization format llmpick knows."""

    name: str
    family: str
    bits_per_weight: float = Field(description="typical effective bits per weight")
    aliases: list[str]
    description: str


class QuantsAnswer(Answer):
    """`quants --format json`: every quantization format."""

    COMMAND: ClassVar[str] = "quants"

    command: Literal["quants"] = "quants"
    items: list[QuantOut]
