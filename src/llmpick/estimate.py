"""Memory estimates: weights + KV cache + vision encoder + runtime overhead -> :class:`MemoryEstimate`.

Pure functions, no I/O.  Weights are computed per tensor: the tensor shapes follow from the architecture facts
in the catalog (embedding, attention, FFN x experts, norms) and each tensor gets the type its quantization gives
it (:func:`llmpick.quant.gguf_tensor_type` for GGUF mixes).  When a real file size is known it wins (basis
``file_size``); when the shapes cannot be derived the parameter count times the format's typical bits is used
(basis ``params``).  Every fallback is written into ``assumptions`` or ``missing``; nothing unknown is zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .errors import UsageError
from .quant import (
    GGML_TYPES,
    QuantFormat,
    TensorContext,
    ggml_fallback,
    ggml_tensor_bytes,
    gguf_tensor_type,
    resolve_quant,
    use_more_bits,
)
from .schema import Architecture, CatalogEntry, MemoryEstimate, Model, Params
from .units import MIB

MAX_CONTEXT = 10_000_000  # beyond this a context is a typo, not a plan

# --- KV cache element sizes (bytes per element) -------------------------------------------
# f16/bf16/f32: IEEE sizes.  q8_0 / q4_0 / q4_1 / q5_0 / q5_1 / iq4_nl: ggml block sizes (ggml-common.h: 34, 18,
# 20, 22, 24, 18 bytes per 32 values), the cache types llama.cpp accepts for -ctk/-ctv.  fp8: vLLM
# --kv-cache-dtype fp8 (e4m3/e5m2), one byte per element.
KV_CACHE_TYPES: dict[str, float] = {
    "f32": 4.0,
    "f16": 2.0,
    "bf16": 2.0,
    "q8_0": 34 / 32,
    "q5_1": 24 / 32,
    "q5_0": 22 / 32,
    "q4_1": 20 / 32,
    "q4_0": 18 / 32,
    "iq4_nl": 18 / 32,
    "fp8": 1.0,
}
_KV_ALIASES = {
    "fp16": "f16",
    "float16": "f16",
    "auto": "f16",
    "half": "f16",
    "fp32": "f32",
    "float32": "f32",
    "bfloat16": "bf16",
    "fp8_e4m3": "fp8",
    "fp8_e5m2": "fp8",
    "e4m3": "fp8",
    "e5m2": "fp8",
    "q8": "q8_0",
    "q4": "q4_0",
    "int8": "q8_0",
}

ENGINES = ("llama.cpp", "vllm", "transformers", "mlx", "exllamav2")
_ENGINE_ALIASES = {
    "llamacpp": "llama.cpp",
    "llama-cpp": "llama.cpp",
    "ollama": "llama.cpp",
    "lmstudio": "llama.cpp",
    "lm-studio": "llama.cpp",
    "koboldcpp": "llama.cpp",
    "hf": "transformers",
    "exl2": "exllamav2",
    "exllama": "exllamav2",
    "tabbyapi": "exllamav2",
    "mlx-lm": "mlx",
    "mlx_lm": "mlx",
}
_DEFAULT_ENGINE = {
    "mxfp4": "vllm",
    "gguf": "llama.cpp",
    "gptq": "vllm",
    "awq": "vllm",
    "fp8": "vllm",
    "bnb": "transformers",
    "mlx": "mlx",
    "exl2": "exllamav2",
    "qmoe": "transformers",
    "float": "transformers",
}

# --- Runtime overhead constants, each with its source --------------------------------------
# CUDA context + cuBLAS workspace per GPU: nvidia-smi shows ~300-500 MiB used by an idle CUDA process with
# cuBLAS loaded (CUDA 12, Ampere/Ada); llama.cpp and PyTorch both pay it once per device.  We take 400 MiB.
CUDA_CONTEXT_BYTES = 400 * MIB
# llama.cpp compute buffer (flash attention on, the default on CUDA since 2025): dominated by the f32 logits of
# one micro-batch, n_ubatch (512, llama.cpp default) x n_vocab x 4 bytes, plus a few hidden-sized activations.
# A llama.cpp log for Llama-3-8B (-c 8192 -fa) prints "CUDA0 compute buffer size = 258.50 MiB";
# 512 x 128256 x 4 B = 250.5 MiB, the rest is ~ 512 x 4096 x 4 x 4 B.
LLAMACPP_UBATCH = 512
# vLLM: CUDA graphs captured at start ("Graph capturing finished ... took 0.5 GiB" in typical vLLM logs), and the
# activation peak of its profiling run over max_num_batched_tokens (8192 in vLLM V1's default for serving).
VLLM_CUDA_GRAPHS_BYTES = 512 * MIB
VLLM_BATCHED_TOKENS = 8192
# MLX: no CUDA context; Metal command buffers and the mlx_lm prefill step (prefill_step_size = 2048 tokens).
MLX_RUNTIME_BYTES = 256 * MIB
MLX_PREFILL_TOKENS = 2048
# exllamav2: max_input_len 2048 tokens per forward pass (ExLlamaV2Config default).
EXLLAMA_INPUT_TOKENS = 2048

# Architectures whose FFN has two matrices (up, down) instead of three (gate, up, down).
_NON_GATED = {
    "FalconForCausalLM",
    "RWForCausalLM",
    "GPT2LMHeadModel",
    "GPTNeoXForCausalLM",
    "PhiForCausalLM",
    "GPTBigCodeForCausalLM",
    "Starcoder2ForCausalLM",
    "BloomForCausalLM",
    "MPTForCausalLM",
    "OPTForCausalLM",
    "GPTJForCausalLM",
    "StableLmForCausalLM",
}
_QKV_BIAS = {
    "Qwen2ForCausalLM",
    "Qwen2MoeForCausalLM",
    "Qwen2VLForConditionalGeneration",
    "Qwen2_5_VLForConditionalGeneration",
}
_FUSED_QKV = {
    "Phi3ForCausalLM",
    "FalconForCausalLM",
    "RWForCausalLM",
    "GPTNeoXForCausalLM",
    "BloomForCausalLM",
    "MPTForCausalLM",
    "Phi3VForCausalLM",
}
MXFP4_BITS = 4.25  # OCP MX spec: 32 FP4 (E2M1) values + one shared E8M0 scale
# When the tensor shapes explain params.total within this share, the shapes are trusted as they are.
SHAPE_TOLERANCE = 0.03


@dataclass(frozen=True)
class _Tensor:
    """One tensor, or one tensor of every layer when ``layers`` > 0 (the shapes repeat; only types vary)."""

    cls: str  # token_embd, output, attn_q/k/v/output/qkv, ffn_gate/up/down, router, norm, bias
    layers: int  # 0: outside the layers (embedding, head, final norm); else how many layers hold this tensor
    n: int  # elements, per layer
    ncols: int  # row length (ggml ne[0]); block types need it to divide
    active: float = 1.0  # share read per token (routed experts: experts_per_token / experts)

    @property
    def total(self) -> int:
        return self.n * max(1, self.layers)


@dataclass
class _Shapes:
    tensors: list[_Tensor]
    params: int
    notes: list[str]


# --- Inputs -------------------------------------------------------------------------------


def normalize_kv_cache(kind: str) -> str:
    key = kind.strip().lower()
    key = _KV_ALIASES.get(key, key)
    if key not in KV_CACHE_TYPES:
        raise UsageError(f"Unknown KV cache type '{kind}'.", "Valid: " + ", ".join(KV_CACHE_TYPES) + ".")
    return key


def normalize_engine(engine: str | None, fmt: QuantFormat) -> str:
    if engine is None:
        return _DEFAULT_ENGINE.get(fmt.family, "llama.cpp")
    key = engine.strip().lower()
    key = _ENGINE_ALIASES.get(key, key)
    if key not in ENGINES:
        raise UsageError(f"Unknown engine '{engine}'.", "Valid: " + ", ".join(ENGINES) + ".")
    return key


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


# --- Tensor shapes ------------------------------------------------------------------------


def _head_dim(a: Architecture) -> int | None:
    if a.head_dim:
        return a.head_dim
    if a.hidden_size and a.attention_heads:
        return a.hidden_size // a.attention_heads
    return None


def tensor_shapes(a: Architecture, *, tied: bool | None = None) -> _Shapes | None:
    """Every weight tensor of the text model, or None when the architecture facts are too thin."""
    L, h, heads, ffn, vocab = a.layers, a.hidden_size, a.attention_heads, a.intermediate_size, a.vocab_size
    if not (L and h and heads and ffn and vocab):
        return None
    notes: list[str] = []
    hd = _head_dim(a) or h // heads
    kvh = a.kv_heads
    if kvh is None:
        kvh = heads
        notes.append("weights: no kv_heads; attention K/V sized as kv_heads = attention_heads")
    tie = a.tie_word_embeddings if tied is None else tied
    t: list[_Tensor] = [_Tensor("token_embd", 0, vocab * h, h)]
    if not tie:
        t.append(_Tensor("output", 0, vocab * h, h))
    t.append(_Tensor("norm", 0, h, h))
    typ = a.type or ""
    gated = typ not in _NON_GATED
    experts = a.experts or 0
    k = a.experts_per_token or (2 if experts else 0)
    shared = a.shared_experts or 0
    q, kv, o = heads * hd * h, kvh * hd * h, heads * hd * h
    if typ in _FUSED_QKV:
        t.append(_Tensor("attn_qkv", L, q + 2 * kv, h))
    else:
        t += [_Tensor("attn_q", L, q, h), _Tensor("attn_k", L, kv, h), _Tensor("attn_v", L, kv, h)]
    t.append(_Tensor("attn_output", L, o, heads * hd))
    t.append(_Tensor("norm", L, 2 * h, h))
    if typ in _QKV_BIAS:
        t.append(_Tensor("bias", L, (heads + 2 * kvh) * hd, 1))
    ffn_in = (["ffn_gate"] if gated else []) + ["ffn_up"]
    if experts:
        share = min(1.0, k / experts)
        t.append(_Tensor("router", L, experts * h, h))
        t += [_Tensor(cls, L, experts * ffn * h, h, share) for cls in ffn_in]
        t.append(_Tensor("ffn_down", L, experts * ffn * h, ffn, share))
        if shared:
            t += [_Tensor(cls, L, shared * ffn * h, h) for cls in ffn_in]
            t.append(_Tensor("ffn_down", L, shared * ffn * h, ffn))
    else:
        t += [_Tensor(cls, L, ffn * h, h) for cls in ffn_in]
        t.append(_Tensor("ffn_down", L, ffn * h, ffn))
    return _Shapes(t, sum(x.total for x in t), notes)


# GGUF files of models released before this month were mostly made with llama.cpp's 2023 Q2_K mix.
LEGACY_Q2_K_BEFORE = "2024-01"


def _tensor_ctx(a: Architecture, tied: bool, released: str | None = None) -> TensorContext:
    heads, kvh = a.attention_heads or 1, a.kv_heads or a.attention_heads or 1
    typ = a.type or ""
    return TensorContext(
        n_layer=a.layers or 1,
        n_gqa=max(1, heads // kvh),
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
    """(first layer, number of layers) of each group of layers sharing a signature."""
    groups: dict[tuple[int, bool, bool, bool, bool], list[int]] = {}
    for i in range(n):
        groups.setdefault(_layer_signature(i, n), []).append(i)
    return tuple((layers[0], len(layers)) for layers in groups.values())


def _tensor_bits(fmt: QuantFormat, x: _Tensor, ctx: TensorContext) -> float:
    """Bytes of one tensor (of every layer it stands for) under a format, as a float."""
    if ctx.native_mxfp4 and fmt.name != "F32":
        # gpt-oss: routed experts ship as MXFP4 and llama.cpp's converter and quantizer keep them so (its
        # F16 and Q8_0 GGUFs are ~13 GB for 21B parameters); the rest is bf16 in the original release.
        if x.active < 1.0:
            return x.total * MXFP4_BITS / 8
        if fmt.family == "mxfp4":
            return x.total * (4.0 if x.cls in ("norm", "bias") else 2.0)
    if fmt.is_gguf:
        if x.cls in ("norm", "bias"):
            return x.total * 4.0  # 1-D tensors stay F32 (tensor_allows_quantization: ggml_n_dims < 2)
        if x.cls == "router":
            # ffn_gate_inp is never quantized (tensor_allows_quantization); convert_hf_to_gguf writes it F32
            return x.total * (2.0 if fmt.name in ("F16", "BF16") else 4.0)
        if not x.layers:
            typ = ggml_fallback(gguf_tensor_type(fmt.name, x.cls, 0, ctx), x.ncols)
            return float(ggml_tensor_bytes(typ, x.n))
        return float(
            sum(
                ggml_tensor_bytes(ggml_fallback(typ, x.ncols), x.n) * count
                for typ, count in _layer_types(fmt.name, x.cls, ctx)
            )
        )
    if fmt.family == "qmoe":
        return x.total * fmt.bits / 8
    if x.cls in ("norm", "bias", "router"):
        return x.total * (4.0 if fmt.name == "F32" else 2.0)
    if x.cls == "token_embd":
        bits = fmt.output_bits if ctx.tied_embeddings else fmt.embed_bits
    elif x.cls == "output":
        bits = fmt.output_bits
    else:
        bits = fmt.linear_bits
    return x.total * (bits if bits is not None else fmt.bits) / 8


@dataclass
class _Weights:
    total: float
    active: float
    layer: float  # all layer tensors
    non_layer: float
    params: int
    basis: str
    notes: list[str]


def _weights(entry: CatalogEntry, fmt: QuantFormat) -> tuple[_Weights | None, list[str]]:
    a, p = entry.arch, entry.params
    missing: list[str] = []
    text_params = (p.total - (a.vision_params or 0)) if p.total else None
    shapes = None
    tied = a.tie_word_embeddings
    notes: list[str] = []
    if tied is None and text_params:
        # Unknown tying: take the variant whose parameter count is closer to the catalog's.
        cands = [(s, tv) for tv in (False, True) if (s := tensor_shapes(a, tied=tv)) is not None]
        if cands:
            shapes, tied = min(cands, key=lambda c: abs(c[0].params - text_params))
            notes.append(
                f"weights: tie_word_embeddings unknown; {'tied' if tied else 'separate'} output head "
                "matches params.total better"
            )
    if shapes is None:
        shapes = tensor_shapes(a, tied=bool(tied))
    tied = bool(tied)
    if shapes is not None:
        ctx = _tensor_ctx(a, tied, entry.released)
        if ctx.legacy_q2_k and fmt.name == "Q2_K":
            notes.append(
                f"weights: released {entry.released}, so Q2_K files use llama.cpp's 2023 mix "
                "(attn_v and ffn_down at Q4_K)"
            )
        total = active = layer = non_layer = 0.0
        for x in shapes.tensors:
            b = _tensor_bits(fmt, x, ctx)
            total += b
            if x.cls != "token_embd" or tied:
                active += b * x.active
            if not x.layers:
                non_layer += b
            else:
                layer += b
        notes += shapes.notes
        basis = "formula"
        if text_params and abs(shapes.params / text_params - 1) > SHAPE_TOLERANCE:
            scale = text_params / shapes.params
            notes.append(
                f"weights: tensor shapes give {shapes.params / 1e9:.2f}B parameters, the catalog says "
                f"{text_params / 1e9:.2f}B; the shape-based bits per weight were applied to the catalog count"
            )
            total, active, layer, non_layer = total * scale, active * scale, layer * scale, non_layer * scale
            basis = "params"
        n = text_params if basis == "params" and text_params else shapes.params
        if p.active and a.experts and basis == "params":
            active = total * p.active / (p.total or p.active)
        return _Weights(total, active, layer, non_layer, n, basis, notes), missing
    if text_params:
        what = [
            f
            for f in ("layers", "hidden_size", "attention_heads", "intermediate_size", "vocab_size")
            if getattr(a, f) is None
        ]
        notes.append(
            f"weights: no {', '.join(what)} in the catalog entry; params.total x {fmt.bits:.2f} bits per "
            f"weight (typical for {fmt.name})"
        )
        total = text_params * fmt.bits / 8
        active = (p.active * fmt.bits / 8) if p.active else total
        return _Weights(total, active, total, 0.0, text_params, "params", notes), missing
    missing.append("weights unknown: no params.total and no tensor shapes in the catalog entry")
    return None, missing


# --- KV cache -----------------------------------------------------------------------------


def kv_cache_bytes(
    a: Architecture, context: int, *, parallel: int = 1, kv_cache: str = "f16", engine: str | None = None
) -> tuple[float | None, list[str], list[str]]:
    """Bytes of the KV cache for ``parallel`` sequences of ``context`` tokens: (bytes | None, notes, missing).

    2 (K and V) x layers x kv_heads x head_dim x tokens x bytes per element; sliding-window layers hold at most
    the window; MLA (DeepSeek V2/V3) keeps one compressed latent of kv_lora_rank + qk_rope_head_dim per token.
    """
    bpe = KV_CACHE_TYPES[normalize_kv_cache(kv_cache)]
    notes: list[str] = []
    L = a.layers
    if not L:
        return None, notes, ["KV cache unknown: no layers in the catalog entry"]
    if a.kv_lora_rank:
        rope = a.qk_rope_head_dim
        if rope is None:
            rope = 64
            notes.append("KV cache: MLA without qk_rope_head_dim; assumed 64 (DeepSeek V2/V3)")
        notes.append(f"KV cache: MLA latent of {a.kv_lora_rank} + {rope} values per token per layer")
        return float(L * (a.kv_lora_rank + rope) * context * parallel * bpe), notes, []
    hd = _head_dim(a)
    if hd is None:
        return None, notes, ["KV cache unknown: no head_dim (nor hidden_size and attention_heads) in the catalog entry"]
    missing: list[str] = []
    kvh = a.kv_heads
    if kvh is None:
        if not a.attention_heads:
            return None, notes, ["KV cache unknown: no kv_heads in the catalog entry"]
        kvh = a.attention_heads
        missing.append(
            f"KV cache: no kv_heads in the catalog entry; assumed {kvh} (= attention_heads, no GQA), an upper bound"
        )
    per_token_layer = 2 * kvh * hd * bpe
    swa_layers = 0
    if a.sliding_window and a.sliding_window < context:
        swa_layers = L if a.sliding_window_layers is None else a.sliding_window_layers
        if engine == "llama.cpp" and a.sliding_window_layers is None:
            # llama.cpp keeps a window-sized cache only for interleaved local/global models (Gemma 2/3,
            # gpt-oss ...); Mistral-7B-v0.1-style "every layer slides" GGUFs carry no window and hold it all.
            swa_layers = 0
            notes.append(
                f"KV cache: the {a.sliding_window}-token sliding window is not used by llama.cpp for this "
                "model; the full context is cached"
            )
        if swa_layers:
            notes.append(
                f"KV cache: {swa_layers} of {L} layers use a {a.sliding_window}-token sliding window and "
                "hold at most that (engines that ignore the window hold the full context)"
            )
    tokens = (L - swa_layers) * context + swa_layers * min(context, a.sliding_window or context)
    return float(per_token_layer * tokens * parallel), notes, missing


# --- Overhead -----------------------------------------------------------------------------


def overhead_bytes(a: Architecture, engine: str, context: int, parallel: int = 1) -> tuple[int, int, list[str]]:
    """(per-GPU bytes, shared bytes, notes) for one engine."""
    h = a.hidden_size or 4096
    ffn = a.intermediate_size or 4 * h
    vocab = a.vocab_size or 32000
    notes: list[str] = []
    if a.hidden_size is None or a.vocab_size is None:
        notes.append("overhead: no hidden_size/vocab_size; compute buffers sized for a 7B-class model")
    if engine == "llama.cpp":
        compute = LLAMACPP_UBATCH * 4 * (vocab + 4 * h)
        notes.append(
            f"overhead: llama.cpp compute buffer (n_ubatch {LLAMACPP_UBATCH}, flash attention) "
            f"+ {CUDA_CONTEXT_BYTES // MIB} MiB CUDA context per GPU"
        )
        return CUDA_CONTEXT_BYTES + compute, 0, notes
    if engine == "vllm":
        act = VLLM_BATCHED_TOKENS * (8 * h + 4 * ffn)
        notes.append(
            f"overhead: vLLM CUDA context, CUDA graphs and a {VLLM_BATCHED_TOKENS}-token profiling batch; "
            "vLLM itself reserves gpu_memory_utilization (0.9) of the card and fills it with KV cache"
        )
        return CUDA_CONTEXT_BYTES + VLLM_CUDA_GRAPHS_BYTES + act, 0, notes
    if engine == "transformers":
        tokens = min(context, 8192) * parallel
        act = tokens * (8 * h + 4 * ffn) + parallel * vocab * 4
        notes.append("overhead: PyTorch CUDA context + prefill activations (SDPA attention, chunks of <= 8192 tokens)")
        return CUDA_CONTEXT_BYTES + act, 0, notes
    if engine == "mlx":
        act = MLX_PREFILL_TOKENS * (8 * h + 4 * ffn) + vocab * 4 * parallel
        notes.append("overhead: MLX runtime + one 2048-token prefill step (unified memory, no CUDA context)")
        return MLX_RUNTIME_BYTES + act, 0, notes
    act = EXLLAMA_INPUT_TOKENS * (8 * h + 4 * ffn) + EXLLAMA_INPUT_TOKENS * vocab * 2
    notes.append("overhead: exllamav2 CUDA context + a 2048-token input pass")
    return CUDA_CONTEXT_BYTES + act, 0, notes


# --- Public API ---------------------------------------------------------------------------


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
    eng = normalize_engine(engine, fmt)
    a = entry.arch
    assumptions: list[str] = []
    missing: list[str] = []
    if a.max_context and context > a.max_context:
        assumptions.append(f"context {context} capped to the model's maximum of {a.max_context} tokens")
        context = a.max_context
    basis: dict[str, str] = {}

    w, miss = _weights(entry, fmt)
    missing += miss
    if w is not None:
        assumptions += w.notes
    real = file_size_bytes if file_size_bytes else _artifact_size(entry, fmt)
    if real:
        src = "the given file size" if file_size_bytes else "the catalog's artifact size"
        if w is not None and w.total > 0:
            scale = real / w.total
            w = _Weights(
                float(real), w.active * scale, w.layer * scale, w.non_layer * scale, w.params, "file_size", w.notes
            )
        else:
            w = _Weights(float(real), float(real), float(real), 0.0, entry.params.total or 0, "file_size", [])
        assumptions.append(f"weights: {src} ({real} bytes)")
    weights = round(w.total) if w else None
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
    basis["overhead"] = {
        "llama.cpp": "LLAMACPP_UBATCH+CUDA_CONTEXT_BYTES",
        "vllm": "VLLM_CUDA_GRAPHS_BYTES+CUDA_CONTEXT_BYTES",
        "transformers": "CUDA_CONTEXT_BYTES",
        "mlx": "MLX_RUNTIME_BYTES",
        "exllamav2": "CUDA_CONTEXT_BYTES",
    }[eng]
    if eng == "llama.cpp" and not fmt.is_gguf:
        assumptions.append(
            f"engine: llama.cpp loads GGUF files; {fmt.name} is usually run with "
            f"{_DEFAULT_ENGINE.get(fmt.family, 'another engine')}"
        )
    if kv_type == "fp8" and eng == "llama.cpp":
        assumptions.append("KV cache: llama.cpp has no fp8 cache type (use q8_0); shown as 1 byte per element")

    if weights is None:
        missing.append("total excludes the weights")
    L = a.layers
    kv_int = round(kv) if kv is not None else None
    total = (weights or 0) + (kv_int or 0) + (vision or 0) + per_gpu + shared
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
        weights_bytes=weights or 0,
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
    KV cache size is unknown.  Capped at the model's maximum context (or ``limit``)."""
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
        if est.kv_cache_bytes is None:
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


def reference_gguf_bits() -> dict[str, float]:
    """Typical effective bits per weight of each GGUF mix: the mix applied to a Mistral-7B-shaped model."""
    from .quant import _GGUF_DEFAULT

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
    for name in _GGUF_DEFAULT:
        fmt = QuantFormat(name, "gguf", 0.0)
        out[name] = round(sum(_tensor_bits(fmt, x, ctx) for x in shapes.tensors) * 8 / shapes.params, 3)
    return out


def _entry_for_test(**arch: Any) -> CatalogEntry:  # pragma: no cover - a helper for the REPL
    return CatalogEntry(
        name="x",
        family="x",
        organization="x",
        summary="x",
        method="base",
        params=Params(total=arch.pop("params", None)),
        arch=Architecture(**arch),
        license="x",
        license_class="unknown",
        sources=["x"],
    )


__all__ = [
    "ENGINES",
    "GGML_TYPES",
    "KV_CACHE_TYPES",
    "MemoryEstimate",
    "estimate",
    "kv_cache_bytes",
    "max_context_that_fits",
    "tensor_shapes",
]


# --- Catalog-wide figure ------------------------------------------------------------------

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
        if ests[0].basis.get("weights") == "unknown":
            break
        rows.append((q, ests))
    return contexts, rows


def vram_need(entry_or_model: Any) -> tuple[int | None, list[str]]:
    """The catalog's "VRAM need": total bytes at Q4_K_M and 8K context (capped at the model's maximum), one
    sequence, f16 KV cache, llama.cpp on one GPU; with the assumptions that go with it.  None when the weights are
    unknown."""
    _, _entry = _unpack(entry_or_model)
    est = estimate(entry_or_model, VRAM_NEED_QUANT, VRAM_NEED_CONTEXT)
    if est.basis.get("weights") == "unknown":
        return None, est.missing
    notes = [f"{VRAM_NEED_QUANT}, {est.context} tokens, 1 sequence, f16 KV cache, llama.cpp, one GPU"]
    notes += [f"weights from {est.basis['weights']}", *est.missing]
    return est.total_bytes, notes
