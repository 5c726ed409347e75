"""The KV cache: bytes per token per layer for each cache type, and the cache of one run.  Pure.

Only attention layers hold a KV cache.  llama.cpp's allocation (ggml-org/llama.cpp, cited per rule below; "ec98e2002"
is the llama.cpp commit ollama/ollama vendored at f63eea3d in ``llama/llama.cpp/src``):

* ``llama_context``: ``n_ctx = GGML_PAD(n_ctx, 256)`` (llama-context.cpp, "ref: PR 17046"), so every cache holds a
  multiple of 256 cells per sequence.
* full-attention layers hold ``n_ctx`` cells of K and V, ``n_head_kv x head_dim`` values each (llama-kv-cache.cpp:
  ``ggml_new_tensor_3d(ctx, type_k, n_embd_k_gqa, kv_size, n_stream)``).
* sliding-window and chunked layers (``llama_kv_cache_iswa``, llama-kv-cache-iswa.cpp) hold
  ``GGML_PAD(min(n_ctx, n_swa + n_ubatch), 256)`` cells ("the SWA cache is always padded to 256", n_ubatch 512).
* hybrids (``llama_memory_hybrid``, llama-memory-hybrid.cpp) give a KV cache only to the layers that are not
  recurrent; Nemotron-H's FFN-only blocks hold neither (``filter_attn``/``filter_recr`` in llama-model.cpp
  ``create_memory``).  Their recurrent state is :mod:`.state`.
* MLA (DeepSeek V2/V3, GLM-4.7-Flash, Kimi K2): one latent of kv_lora_rank + qk_rope_head_dim per token and layer,
  K only: llama.cpp PR #19067 "kv-cache : support V-less cache" (merged 2026-01-24) stores the combined latent in
  the K cache and no V.  DSA (DeepSeek V3.2, GLM-5): ``llama_kv_cache_dsa`` (src/llama-kv-cache-dsa.cpp, PR #23346)
  adds an indexer key cache of one head of index_head_dim per token and layer, in the same cache type.
* multi-token-prediction layers (``nextn``) hold none: ``n_layer_kv_from_start = n_layer - nextn_predict_layers``
  (llama-model.cpp); Gemma 3n's last ``num_kv_shared_layers`` layers reuse earlier layers' cache (the ``reuse``
  callback of ``create_memory``).
"""

from __future__ import annotations

from ..errors import UsageError
from ..schema import Architecture
from .shapes import head_dim

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
LLAMACPP_CTX_PAD = 256  # llama-context.cpp: cparams.n_ctx = GGML_PAD(cparams.n_ctx, 256)
LLAMACPP_SWA_PAD = 256  # llama-kv-cache-iswa.cpp: size_swa = GGML_PAD(min(size_base, n_swa + n_ubatch), 256)
LLAMACPP_UBATCH = 512  # llama.cpp's default n_ubatch (common.h), part of the SWA cache size


def normalize_kv_cache(kind: str) -> str:
    key = kind.strip().lower()
    key = _KV_ALIASES.get(key, key)
    if key not in KV_CACHE_TYPES:
        raise UsageError(f"Unknown KV cache type '{kind}'.", "Valid: " + ", ".join(KV_CACHE_TYPES) + ".")
    return key


def _pad(n: int, to: int) -> int:
    return -(-n // to) * to


def attention_layers(a: Architecture) -> tuple[int, int, int] | None:
    """(full, sliding, chunked) attention layers that hold their own KV cache, or None without a layer count.

    ``layer_types`` when the catalog has it, else every layer is attention (``sliding_window_layers`` of them
    windowed).  Gemma 3n's shared-KV layers are taken off each kind in proportion (its last 15 of 35 layers keep
    the 4 sliding : 1 full pattern, so 20 x 4/5 = 16 sliding and 4 full keep a cache, as llama.cpp's
    ``n_layer_kv_from_start = 20``)."""
    L = a.layers
    if not L:
        return None
    lt = a.layer_types
    if lt is not None:
        full, swa, chunked = lt.full_attention, lt.sliding_attention, lt.chunked_attention
    else:
        swa = a.sliding_window_layers if a.sliding_window_layers is not None else (L if a.sliding_window else 0)
        full, chunked = L - swa, 0
    shared = min(a.kv_shared_layers or 0, L)
    if shared:
        keep = L - shared
        swa_keep = round(swa * keep / L)
        chunked_keep = round(chunked * keep / L)
        full = min(full, max(0, keep - swa_keep - chunked_keep))
        swa, chunked = swa_keep, chunked_keep
    return full, swa, chunked


def kv_per_token(a: Architecture) -> tuple[int, int, list[str], list[str]] | None:
    """Elements cached per token by one full-attention layer and by one windowed (sliding / chunked) layer, with
    (notes, missing); None when the sizes are unknown."""
    notes: list[str] = []
    missing: list[str] = []
    if a.kv_lora_rank:
        rope = a.qk_rope_head_dim
        if rope is None:
            rope = 64
            notes.append("KV cache: MLA without qk_rope_head_dim; assumed 64 (DeepSeek V2/V3)")
        per = a.kv_lora_rank + rope
        notes.append(f"KV cache: MLA latent of {a.kv_lora_rank} + {rope} values per token per layer (K only)")
        if a.index_heads and a.index_head_dim:
            per += a.index_head_dim
            notes.append(f"KV cache: sparse-attention indexer keys of {a.index_head_dim} values per token per layer")
        return per, per, notes, missing
    hd = head_dim(a)
    if hd is None:
        return None
    kvh = a.kv_heads
    if kvh is None:
        if not a.attention_heads:
            return None
        kvh = a.attention_heads
        missing.append(
            f"KV cache: no kv_heads in the catalog entry; assumed {kvh} (= attention_heads, no GQA), an upper bound"
        )
    local = 2 * kvh * hd
    full = 2 * (a.global_kv_heads or kvh) * (a.global_head_dim or hd)
    return full, local, notes, missing


def kv_cache_bytes(
    a: Architecture, context: int, *, parallel: int = 1, kv_cache: str = "f16", engine: str | None = None
) -> tuple[float | None, list[str], list[str]]:
    """Bytes of the KV cache for ``parallel`` sequences of ``context`` tokens: (bytes | None, notes, missing).

    K and V x kv_heads x head_dim x cells x bytes per element, summed over the layers that hold a cache (see the
    module docstring).  With ``engine="llama.cpp"`` the cells are llama.cpp's (context padded to 256, windows plus
    one micro-batch); other engines hold the context, and at most the window in windowed layers.
    """
    bpe = KV_CACHE_TYPES[normalize_kv_cache(kv_cache)]
    layers = attention_layers(a)
    if layers is None:
        return None, [], ["KV cache unknown: no layers in the catalog entry"]
    per = kv_per_token(a)
    if per is None:
        return None, [], ["KV cache unknown: no head_dim (nor hidden_size and attention_heads) in the catalog entry"]
    per_full, per_local, notes, missing = per
    full, swa, chunked = layers
    llama = engine == "llama.cpp"
    if swa and a.sliding_window_layers is None and a.layer_types is None and llama:
        # llama.cpp keeps a window-sized cache only for interleaved local/global models (Gemma 2/3, gpt-oss ...);
        # Mistral-7B-v0.1-style "every layer slides" GGUFs carry no window and hold it all.
        notes.append(
            f"KV cache: the {a.sliding_window}-token sliding window is not used by llama.cpp for this model; "
            "the full context is cached"
        )
        full, swa = full + swa, 0
    cells = _pad(context, LLAMACPP_CTX_PAD) if llama else context

    def windowed(window: int | None) -> int:
        if not window:
            return cells
        if llama:
            return min(cells, _pad(window + LLAMACPP_UBATCH, LLAMACPP_SWA_PAD))
        return min(context, window)

    if swa and not a.sliding_window:
        missing.append("KV cache: sliding layers without sliding_window in the catalog entry; full context assumed")
    if chunked and not a.attention_chunk_size:
        missing.append("KV cache: chunked layers without attention_chunk_size in the catalog entry; full context")
    swa_cells, chunk_cells = windowed(a.sliding_window), windowed(a.attention_chunk_size)
    if swa and swa_cells < cells:
        notes.append(
            f"KV cache: {swa} layers use a {a.sliding_window}-token sliding window and hold {swa_cells} tokens"
            + (" (window + one 512-token micro-batch, padded to 256, as llama.cpp allocates)" if llama else "")
        )
    if chunked and chunk_cells < cells:
        notes.append(f"KV cache: {chunked} layers attend within {a.attention_chunk_size}-token chunks")
    L = a.layers or 0
    if a.layer_types is not None and full + swa + chunked < L:
        notes.append(f"KV cache: {full + swa + chunked} of {L} layers hold one; the others keep a fixed state or none")
    if llama and cells != context:
        notes.append(f"KV cache: llama.cpp pads the context to a multiple of 256 ({cells} cells per sequence)")
    elements = per_full * full * cells + per_local * (swa * swa_cells + chunked * chunk_cells)
    return float(elements * parallel * bpe), notes, missing
