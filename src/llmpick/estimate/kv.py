"""The KV cache: bytes per token per layer for each cache type, and the cache of one run.  Pure."""

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


def normalize_kv_cache(kind: str) -> str:
    key = kind.strip().lower()
    key = _KV_ALIASES.get(key, key)
    if key not in KV_CACHE_TYPES:
        raise UsageError(f"Unknown KV cache type '{kind}'.", "Valid: " + ", ".join(KV_CACHE_TYPES) + ".")
    return key


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
    hd = head_dim(a)
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
