"""The pieces every tensor-shape builder shares: :class:`Tensor`, :class:`Shapes`, head_dim.  Pure."""

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


@dataclass(frozen=True)
class Tensor:
    """One tensor, or one tensor of every layer when ``layers`` > 0 (the shapes repeat; only types vary)."""

    # token_embd, output, attn_q/k/v/output/qkv, ffn_gate/up/down, router, norm, bias; other (quantized at the
    # mix's default type: SSM and MLA projections), f32 (never quantized: conv1d, A, D, dt bias), keep16 (never
    # quantized, 16-bit in the file: Gemma 3n's per_layer_model_proj)
    cls: str
    layers: int  # 0: outside the layers (embedding, head, final norm); else how many layers hold this tensor
    n: int  # elements, per layer
    ncols: int  # row length (ggml ne[0]); block types need it to divide
    active: float = 1.0  # share read per token (routed experts: experts_per_token / experts; 0: a lookup table)
    # For the type rules that count (llama-quant.cpp i_attention_wv, i_ffn_down): this tensor's place in each layer
    # that holds it, out of index_n; None: one per layer of a uniform model (0 .. n_layer-1).
    index: tuple[int, ...] | None = None
    index_n: int = 0

    @property
    def total(self) -> int:
        return self.n * max(1, self.layers)


@dataclass
class Shapes:
    tensors: list[Tensor]
    params: int
    notes: list[str]


def head_dim(a: Architecture) -> int | None:
    if a.head_dim:
        return a.head_dim
    if a.hidden_size and a.attention_heads:
        return a.hidden_size // a.attention_heads
    return None
