"""Tensor shapes: every weight tensor of a text model, from the architecture facts in the catalog.  Pure."""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import Architecture

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
# When the tensor shapes explain params.total within this share, the shapes are trusted as they are.
SHAPE_TOLERANCE = 0.03


@dataclass(frozen=True)
class Tensor:
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
class Shapes:
    tensors: list[Tensor]
    params: int
    notes: list[str]


# --- Tensor shapes ------------------------------------------------------------------------


def head_dim(a: Architecture) -> int | None:
    if a.head_dim:
        return a.head_dim
    if a.hidden_size and a.attention_heads:
        return a.hidden_size // a.attention_heads
    return None


def tensor_shapes(a: Architecture, *, tied: bool | None = None) -> Shapes | None:
    """Every weight tensor of the text model, or None when the architecture facts are too thin."""
    L, h, heads, ffn, vocab = a.layers, a.hidden_size, a.attention_heads, a.intermediate_size, a.vocab_size
    if not (L and h and heads and ffn and vocab):
        return None
    notes: list[str] = []
    hd = head_dim(a) or h // heads
    kvh = a.kv_heads
    if kvh is None:
        kvh = heads
        notes.append("weights: no kv_heads; attention K/V sized as kv_heads = attention_heads")
    tie = a.tie_word_embeddings if tied is None else tied
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
