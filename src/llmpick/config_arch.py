"""config.json -> the catalog's ``arch`` fields, hybrid architectures included.  Pure: a dict in, a dict out.

Keys as Hugging Face ``transformers`` configs spell them: ``text_config`` nesting (multimodal models), the
``layer_types`` list (Qwen3.5 / 3.6, Gemma 3/4, LFM2, Olmo 3), ``layers_block_type`` (Granite 4.0-H, Jamba),
``hybrid_override_pattern`` (Nemotron-H: M = Mamba-2, * = attention, - and E = MLP / MoE blocks),
``full_attention_interval`` (Qwen3-Next), ``full_attn_idxs`` (LFM2), ``first_k_dense_replace``,
``moe_intermediate_size``, ``shared_expert_intermediate_size``, ``n_shared_experts``, ``num_nextn_predict_layers``,
``linear_*`` (Gated DeltaNet), ``mamba_*`` / ``ssm_*`` (Mamba-2), ``conv_L_cache`` (LFM2), ``num_kv_shared_layers``
and ``hidden_size_per_layer_input`` (Gemma 3n).  Facts a config does not state stay absent (the caller leaves them
null); nothing is guessed.
"""

from __future__ import annotations

from typing import Any

# layer_types / layers_block_type values -> LayerTypes fields
_KIND = {
    "full_attention": "full_attention",
    "attention": "full_attention",
    "global": "full_attention",
    "sliding_attention": "sliding_attention",
    "sliding": "sliding_attention",
    "local": "sliding_attention",
    "chunked_attention": "chunked_attention",
    "linear_attention": "linear_attention",
    "linear": "linear_attention",
    "kda": "linear_attention",
    "mamba": "mamba",
    "mamba2": "mamba",
    "conv": "conv",
    "short_conv": "conv",
    "mlp": "ffn",
    "moe": "ffn",
}
_PATTERN = {"M": "mamba", "*": "full_attention", "-": "ffn", "E": "ffn"}


def _int(x: Any) -> int | None:
    return x if isinstance(x, int) and not isinstance(x, bool) and x >= 0 else None


def _first(c: dict[str, Any], *keys: str) -> int | None:
    for k in keys:
        v = _int(c.get(k))
        if v is not None:
            return v
    return None


def _layer_types(c: dict[str, Any], layers: int | None) -> dict[str, int] | None:
    counts: dict[str, int] = {}
    seq = c.get("layer_types") or c.get("layers_block_type")
    pattern = c.get("hybrid_override_pattern")
    if isinstance(seq, list) and seq and all(isinstance(x, str) for x in seq):
        for x in seq:
            kind = _KIND.get(x.lower())
            if kind is None:
                return None  # a kind llmpick does not know: say nothing rather than miscount
            counts[kind] = counts.get(kind, 0) + 1
    elif isinstance(pattern, str) and pattern:
        for ch in pattern:
            if ch not in _PATTERN:
                return None
            counts[_PATTERN[ch]] = counts.get(_PATTERN[ch], 0) + 1
    elif layers and _int(c.get("full_attention_interval")):
        n = c["full_attention_interval"]
        full = layers // n  # llama.cpp: layer i is full attention when (i + 1) % interval == 0
        counts = {"full_attention": full, "linear_attention": layers - full}
    elif layers and isinstance(c.get("full_attn_idxs"), list):
        full = len(c["full_attn_idxs"])
        counts = {"full_attention": full, "conv": layers - full}
    else:
        return None
    if layers and sum(counts.values()) != layers:
        return None
    # A list that only says "every layer is full attention" describes a plain transformer.
    if set(counts) == {"full_attention"}:
        return None
    return counts


def arch_from_config(config: dict[str, Any]) -> dict[str, Any]:
    """The catalog ``arch`` fields that ``config`` states (absent keys: unknown).  ``text_config`` wins for a
    multimodal model; ``architectures[0]`` of the outer config names the type."""
    outer: dict[str, Any] = config if isinstance(config, dict) else {}
    text = outer.get("text_config")
    c: dict[str, Any] = text if isinstance(text, dict) else outer
    out: dict[str, Any] = {}
    archs = outer.get("architectures") or c.get("architectures")
    if isinstance(archs, list) and archs and isinstance(archs[0], str):
        out["type"] = archs[0]
    layers = _first(c, "num_hidden_layers", "n_layer", "num_layers")
    if layers is None:
        seq = c.get("layers_block_type") or c.get("layer_types")
        layers = len(seq) if isinstance(seq, list) and seq else None
    if layers is None and isinstance(c.get("hybrid_override_pattern"), str):
        layers = len(c["hybrid_override_pattern"]) or None
    direct = {
        "layers": layers,
        "hidden_size": _first(c, "hidden_size", "d_model", "n_embd"),
        "attention_heads": _first(c, "num_attention_heads", "n_head"),
        "kv_heads": _first(c, "num_key_value_heads", "num_kv_heads"),
        "head_dim": _first(c, "head_dim"),
        "vocab_size": _first(c, "vocab_size"),
        "max_context": _first(c, "max_position_embeddings"),
        "sliding_window": _first(c, "sliding_window"),
        "experts": _first(c, "num_experts", "n_routed_experts", "num_local_experts"),
        "experts_per_token": _first(c, "num_experts_per_tok", "moe_topk", "num_experts_per_token"),
        "shared_experts": _first(c, "n_shared_experts", "num_shared_experts"),
        "kv_lora_rank": _first(c, "kv_lora_rank"),
        "q_lora_rank": _first(c, "q_lora_rank"),
        "qk_rope_head_dim": _first(c, "qk_rope_head_dim"),
        "qk_nope_head_dim": _first(c, "qk_nope_head_dim"),
        "v_head_dim": _first(c, "v_head_dim"),
        "index_heads": _first(c, "index_n_heads"),
        "index_head_dim": _first(c, "index_head_dim"),
        "index_topk": _first(c, "index_topk"),
        "attention_chunk_size": _first(c, "attention_chunk_size"),
        "linear_key_heads": _first(c, "linear_num_key_heads"),
        "linear_value_heads": _first(c, "linear_num_value_heads"),
        "linear_key_head_dim": _first(c, "linear_key_head_dim"),
        "linear_value_head_dim": _first(c, "linear_value_head_dim"),
        "conv_kernel": _first(c, "linear_conv_kernel_dim", "conv_kernel", "mamba_d_conv", "conv_L_cache"),
        "ssm_state_size": _first(c, "ssm_state_size", "mamba_d_state", "state_size"),
        "ssm_heads": _first(c, "mamba_num_heads", "mamba_n_heads"),
        "ssm_head_dim": _first(c, "mamba_head_dim", "mamba_d_head"),
        "ssm_groups": _first(c, "n_groups", "mamba_n_groups"),
        "shared_expert_intermediate_size": _first(
            c, "shared_expert_intermediate_size", "moe_shared_expert_intermediate_size", "shared_intermediate_size"
        ),
        "dense_layers": _first(c, "first_k_dense_replace"),
        "mtp_layers": _first(c, "num_nextn_predict_layers", "mtp_num_hidden_layers"),
        "kv_shared_layers": _first(c, "num_kv_shared_layers"),
        "global_head_dim": _first(c, "global_head_dim"),
        "global_kv_heads": _first(c, "num_global_key_value_heads"),
        "per_layer_embedding_dim": _first(c, "hidden_size_per_layer_input"),
        "per_layer_vocab_size": _first(c, "vocab_size_per_layer_input"),
    }
    out.update({k: v for k, v in direct.items() if v is not None})
    # FFN widths: a mixture of experts states the routed expert's width in moe_intermediate_size; its
    # intermediate_size is then the dense layers' width (DeepSeek, GLM) unless it equals the expert width.
    ffn = _first(c, "intermediate_size", "ffn_hidden_size")
    moe = _first(c, "moe_intermediate_size", "expert_intermediate_size")
    if moe is not None:
        out["intermediate_size"] = moe
        if ffn is not None and ffn != moe and out.get("dense_layers"):
            out["dense_intermediate_size"] = ffn
    elif ffn is not None:
        out["intermediate_size"] = ffn
    if isinstance(c.get("tie_word_embeddings"), bool):
        out["tie_word_embeddings"] = c["tie_word_embeddings"]
    dtype = c.get("torch_dtype") or c.get("dtype") or outer.get("torch_dtype")
    if isinstance(dtype, str):
        out["dtype"] = dtype
    lt = _layer_types(c, layers)
    if lt is not None:
        out["layer_types"] = lt
        if lt.get("sliding_attention"):
            out["sliding_window_layers"] = lt["sliding_attention"]
    return out
