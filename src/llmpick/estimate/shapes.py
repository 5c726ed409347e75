"""Tensor shapes: every weight tensor of a text model, from the architecture facts in the catalog.  Pure."""

from __future__ import annotations

from ..schema import Architecture
from .shapes_hybrid import hybrid_shapes, needs_layered_shapes
from .tensor import _NON_GATED, Shapes, Tensor, head_dim

__all__ = ["SHAPE_TOLERANCE", "Shapes", "Tensor", "head_dim", "tensor_shapes"]

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
# When the tensor shapes explain params.total within this share, the shapes are trusted as they are.
SHAPE_TOLERANCE = 0.03


# --- Tensor shapes ------------------------------------------------------------------------


def tensor_shapes(a: Architecture, *, tied: bool | None = None) -> Shapes | None:
    """Every weight tensor of the text model, or None when the architecture facts are too thin."""
    L, h, heads, ffn, vocab = a.layers, a.hidden_size, a.attention_heads, a.intermediate_size, a.vocab_size
    tie = a.tie_word_embeddings if tied is None else tied
    if needs_layered_shapes(a):
        return hybrid_shapes(a, bool(tie))
    if not (L and h and heads and ffn and vocab):
        return None
    notes: list[str] = []
    hd = head_dim(a) or h // heads
    kvh = a.kv_heads
    if kvh is None:
        kvh = heads
        notes.append("weights: no kv_heads; attention K/V sized as kv_heads = attention_heads")
    t: list[Tensor] = [Tensor("token_embd", 0, vocab * h, h)]
    if not tie:
        t.append(Tensor("output", 0, vocab * h, h))
    t.append(Tensor("norm", 0, h, h))
    typ = a.type or ""
    gated = typ not in _NON_GATED
    experts = a.experts or 0
    k = a.experts_per_token or (2 if experts else 0)
    shared = a.shared_experts or 0
    q, kv, o = heads * hd * h, kvh * hd * h, heads * hd * h
    if typ in _FUSED_QKV:
        t.append(Tensor("attn_qkv", L, q + 2 * kv, h))
    else:
        t += [Tensor("attn_q", L, q, h), Tensor("attn_k", L, kv, h), Tensor("attn_v", L, kv, h)]
    t.append(Tensor("attn_output", L, o, heads * hd))
    t.append(Tensor("norm", L, 2 * h, h))
    if typ in _QKV_BIAS:
        t.append(Tensor("bias", L, (heads + 2 * kvh) * hd, 1))
    ffn_in = (["ffn_gate"] if gated else []) + ["ffn_up"]
    if experts:
        share = min(1.0, k / experts)
        t.append(Tensor("router", L, experts * h, h))
        t += [Tensor(cls, L, experts * ffn * h, h, share) for cls in ffn_in]
        t.append(Tensor("ffn_down", L, experts * ffn * h, ffn, share))
        if shared:
            t += [Tensor(cls, L, shared * ffn * h, h) for cls in ffn_in]
            t.append(Tensor("ffn_down", L, shared * ffn * h, ffn))
    else:
        t += [Tensor(cls, L, ffn * h, h) for cls in ffn_in]
        t.append(Tensor("ffn_down", L, ffn * h, ffn))
    return Shapes(t, sum(x.total for x in t), notes)


# GGUF files of models released before this month were mostly made with llama.cpp's 2023 Q2_K mix.
