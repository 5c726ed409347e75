"""Tensor shapes of today's architectures, layer by layer: hybrids (Gated DeltaNet, Mamba-2, short conv, FFN-only
blocks), MLA and DSA attention, first-k dense layers, shared experts, MTP layers, per-layer embeddings.  Pure.

The tensors and their shapes follow llama.cpp's loaders (``load_tensors`` / ``load_arch_tensors`` in
src/llama-model.cpp and src/models/*.cpp of ggml-org/llama.cpp: qwen3next, qwen35moe, nemotron_h, granite_hybrid,
lfm2, deepseek2, gemma3n), which are what a GGUF file holds.  Each tensor carries the classes that llama.cpp's
type rules see (:mod:`llmpick.gguf_rules`) and, for the rules that count layers, its place among the tensors of
that kind (``Tensor.index``): ``i_attention_wv`` counts every attn_v-like tensor (attn_v, the fused attn_qkv,
attn_kv_b) in file order, ``ffn_down`` of a mixture of experts takes the layer from the tensor's name.

The catalog has the number of layers of each kind, not their order; the kinds are spread evenly (Qwen3-Next /
3.5: every fourth layer full attention, exactly as ``full_attention_interval``), which only moves which few
attn_v tensors get the larger type.
"""

from __future__ import annotations

from collections import defaultdict

from ..gguf_rules import use_more_bits
from ..schema import Architecture
from .tensor import _NON_GATED, Shapes, Tensor, head_dim

# Gated attention output (Qwen3-Next, Qwen3.5 / 3.6): attn_q is 2 x heads x head_dim wide (query + gate).
_GATED_ATTENTION = ("Qwen3Next", "Qwen3_5")
# Qwen3.5 / 3.6 GGUFs store a Gated DeltaNet layer's input as attn_qkv + attn_gate (src/models/qwen35moe.cpp), which
# llama.cpp's rules treat as attn_v-like (category_is_attn_v); Qwen3-Next GGUFs as one ssm_in (a plain tensor).
_GDN_AS_QKV = ("Qwen3_5",)
# FFNs with up and down only (squared-ReLU experts of Nemotron-H).
_RELU2 = ("NemotronH",)
# Models whose GGUF keeps the MTP / nextn layers as extra blocks (convert_hf_to_gguf Glm4MoeModel writes
# block_count = num_hidden_layers + num_nextn_predict_layers; DeepSeek V3's converter drops them).
MTP_IN_GGUF = ("Glm4Moe",)


def needs_layered_shapes(a: Architecture) -> bool:
    """The catalog entry states more than a uniform transformer: use :func:`hybrid_shapes`."""
    return bool(
        a.layer_types is not None
        or a.kv_lora_rank
        or a.dense_layers
        or a.shared_expert_intermediate_size
        or a.per_layer_embedding_dim
        or (a.mtp_layers and (a.type or "").startswith(MTP_IN_GGUF))
    )


def _spread(counts: dict[str, int]) -> list[str]:
    """Layer kinds in an even order: each next layer is the kind furthest behind its share (ties: earlier kinds)."""
    total = sum(counts.values())
    placed = dict.fromkeys(counts, 0)
    out = []
    for _ in range(total):
        k = min((c for c in counts if placed[c] < counts[c]), key=lambda c: (placed[c] + 1) / counts[c])
        placed[k] += 1
        out.append(k)
    return out


def _rule_class(i: int, n: int) -> tuple[int, bool, bool, bool, bool]:
    """What llama.cpp's type rules see of a layer's place (llama-quant.cpp: i < 2 / i < 4, i < n/16, i < n/8,
    use_more_bits, n/8 <= i < 7n/8); layers with the same class get the same type."""
    return (min(i, 4), i < n // 16, i < n // 8, use_more_bits(i, n), n // 8 <= i < 7 * n // 8)


def _ffn_places(n_ffn: int, L: int) -> set[int]:
    """Where FFN-only blocks go when the catalog gives their count, not their order (Nemotron-H).

    Their place decides ffn_down's type (use_more_bits and friends), and a guessed order can put far more or far
    fewer of them on "more bits" layers than the model has (an even spread puts 15 of Nemotron 3 Nano's 23 there;
    its hybrid_override_pattern puts 11).  So each class of layers the rules treat alike gets its share of the
    FFN blocks, by largest remainder: the expected placement, which gives 11 for Nemotron 3 Nano.
    """
    classes: dict[tuple[int, bool, bool, bool, bool], list[int]] = defaultdict(list)
    for i in range(L):
        classes[_rule_class(i, L)].append(i)
    quota = {c: n_ffn * len(ix) / L for c, ix in classes.items()}
    take = {c: int(q) for c, q in quota.items()}
    for c in sorted(quota, key=lambda c: (-(quota[c] - take[c]), classes[c][0]))[: n_ffn - sum(take.values())]:
        take[c] += 1
    places: set[int] = set()
    for c, ix in classes.items():
        places.update(ix[(j * len(ix)) // take[c]] for j in range(take[c]))
    return places


def _mixers(a: Architecture, L: int) -> list[str]:
    lt = a.layer_types
    if lt is None:
        return ["attention"] * L
    if lt.ffn and lt.ffn < L:
        ffn = _ffn_places(lt.ffn, L)
        rest = iter(_mixers(a.model_copy(update={"layer_types": lt.model_copy(update={"ffn": 0})}), L - lt.ffn))
        return ["ffn" if i in ffn else next(rest) for i in range(L)]
    # Attention kinds last: on a tie the recurrent layer comes first, as (i + 1) % interval == 0 in llama.cpp.
    counts = {
        "linear_attention": lt.linear_attention,
        "mamba": lt.mamba,
        "conv": lt.conv,
        "ffn": lt.ffn,
        "sliding_attention": lt.sliding_attention,
        "chunked_attention": lt.chunked_attention,
        "full_attention": lt.full_attention,
    }
    return _spread({k: v for k, v in counts.items() if v})


class _Builder:
    """Collects per-layer tensors into one Tensor per (class, shape), with each layer's index for the rules."""

    def __init__(self) -> None:
        self.groups: dict[tuple[str, int, int, float, str], list[int]] = defaultdict(list)
        self.vcount = 0  # attn_v-like tensors so far (llama-quant.cpp i_attention_wv)
        self.fcount = 0  # ffn_down tensors so far (i_ffn_down, dense models)

    def add(self, cls: str, n: int, ncols: int, layer: int, active: float = 1.0, space: str = "") -> None:
        self.groups[(cls, n, ncols, active, space)].append(layer)

    def attn_v(self, cls: str, n: int, ncols: int) -> None:
        self.add(cls, n, ncols, self.vcount, space="v")
        self.vcount += 1

    def tensors(self, n_layers: int) -> list[Tensor]:
        # Every tensor says which layers hold it: a hybrid's tensors are in some layers only.  n_ffn_down =
        # n_layer; a mixture of experts takes the layer of ffn_down from the name, a dense model counts its
        # ffn_down tensors, which is the layer too when every layer has an FFN.
        out = []
        for (cls, n, ncols, active, space), idx in self.groups.items():
            total = self.vcount if space == "v" else n_layers
            out.append(Tensor(cls, len(idx), n, ncols, active, tuple(idx), total))
        return out


def _attention(b: _Builder, a: Architecture, i: int, kind: str, gated_q: bool) -> None:
    h, heads = a.hidden_size or 0, a.attention_heads or 0
    if a.kv_lora_rank:
        rank, rope = a.kv_lora_rank, a.qk_rope_head_dim or 64
        nope = a.qk_nope_head_dim or (head_dim(a) or 128)
        v = a.v_head_dim or nope
        if a.q_lora_rank:
            b.add("other", h * a.q_lora_rank, h, i)  # attn_q_a
            b.add("norm", a.q_lora_rank, a.q_lora_rank, i)
            b.add("attn_q", a.q_lora_rank * heads * (nope + rope), a.q_lora_rank, i)  # attn_q_b
        else:
            b.add("attn_q", h * heads * (nope + rope), h, i)
        b.add("other", h * (rank + rope), h, i)  # attn_kv_a_mqa
        b.add("norm", rank, rank, i)
        # kv_b split as llama.cpp's converter writes it for MLA: attn_k_b {nope, rank, heads}, attn_v_b
        # {rank, v, heads}; neither matches a rule's name, so both take the mix's default type.
        b.add("other", nope * rank * heads, nope, i)
        b.add("other", rank * v * heads, rank, i)
        b.add("attn_output", heads * v * h, heads * v, i)
        if a.index_heads and a.index_head_dim:
            ih, ihd = a.index_heads, a.index_head_dim
            b.add("other", (a.q_lora_rank or h) * ih * ihd, a.q_lora_rank or h, i)  # indexer.attn_q_b
            b.add("other", h * ihd, h, i)  # indexer.attn_k
            b.add("other", h * ih, h, i)  # indexer.proj (head weights)
            b.add("norm", 2 * ihd, ihd, i)  # indexer.k_norm weight + bias
        return
    hd = head_dim(a) or h // max(1, heads)
    kvh = a.kv_heads or heads
    if kind == "full_attention" and (a.global_head_dim or a.global_kv_heads):
        hd, kvh = a.global_head_dim or hd, a.global_kv_heads or kvh
    b.add("attn_q", h * heads * hd * (2 if gated_q else 1), h, i)
    b.add("attn_k", h * kvh * hd, h, i)
    b.attn_v("attn_v", h * kvh * hd, h)
    b.add("attn_output", heads * hd * h, heads * hd, i)
    b.add("norm", h, h, i)


def _linear(b: _Builder, a: Architecture, i: int, as_qkv: bool) -> None:
    h = a.hidden_size or 0
    kh, vh = a.linear_key_heads or 0, a.linear_value_heads or 0
    kd, vd = a.linear_key_head_dim or 0, a.linear_value_head_dim or 0
    key, value, k = kh * kd, vh * vd, a.conv_kernel or 4
    if as_qkv:
        b.attn_v("attn_qkv", h * (2 * key + value), h)
        b.add("other", h * value, h, i)  # attn_gate (z)
    else:
        b.add("other", h * (2 * key + 2 * value), h, i)  # ssm_in: q, k, v, z
    b.add("other", h * 2 * vh, h, i)  # ssm_beta + ssm_alpha
    b.add("f32", k * (2 * key + value) + 2 * vh + vd, k, i)  # ssm_conv1d (never quantized), dt bias, A, norm
    b.add("other", value * h, value, i)  # ssm_out
    b.add("norm", h, h, i)


def _mamba(b: _Builder, a: Architecture, i: int) -> None:
    h = a.hidden_size or 0
    heads, hd, ds, g, k = (
        a.ssm_heads or 0,
        a.ssm_head_dim or 0,
        a.ssm_state_size or 0,
        a.ssm_groups or 1,
        a.conv_kernel or 4,
    )
    d_inner = heads * hd
    conv = d_inner + 2 * g * ds
    b.add("other", h * (2 * d_inner + 2 * g * ds + heads), h, i)  # ssm_in: z, x, B, C, dt
    b.add("f32", k * conv + conv + 3 * heads + d_inner, k, i)  # ssm_conv1d + bias, dt bias, A, D, ssm_norm
    b.add("other", d_inner * h, d_inner, i)  # ssm_out
    b.add("norm", h, h, i)


def _conv(b: _Builder, a: Architecture, i: int) -> None:
    h, k = a.hidden_size or 0, a.conv_kernel or 3
    b.add("other", h * 3 * h, h, i)  # shortconv.in_proj
    b.add("f32", k * h, k, i)  # shortconv.conv (never quantized)
    b.add("other", h * h, h, i)  # shortconv.out_proj
    b.add("norm", h, h, i)


def _ffn(b: _Builder, a: Architecture, i: int, dense: bool, gated: bool) -> None:
    h = a.hidden_size or 0
    ins = ["ffn_gate", "ffn_up"] if gated else ["ffn_up"]
    experts = a.experts or 0
    if dense or not experts:
        f = (a.dense_intermediate_size if experts else None) or a.intermediate_size or 0
        for c in ins:
            b.add(c, h * f, h, i)
        b.add("ffn_down", f * h, f, i)
    else:
        f = a.intermediate_size or 0
        share = min(1.0, (a.experts_per_token or 2) / experts)
        b.add("router", experts * h, h, i)
        for c in ins:
            b.add(c, experts * f * h, h, i, share)
        b.add("ffn_down", experts * f * h, f, i, share)
        sf = a.shared_expert_intermediate_size or (a.shared_experts or 0) * f
        if sf:
            for c in ins:
                b.add(c, h * sf, h, i)
            b.add("ffn_down", sf * h, sf, i)
            if (a.type or "").startswith(_GATED_ATTENTION):
                b.add("f32", h, h, i)  # ffn_gate_inp_shexp: the shared expert's gate, one row
    b.add("norm", h, h, i)


def hybrid_shapes(a: Architecture, tie: bool) -> Shapes | None:
    """Every weight tensor of a hybrid / MLA / first-k-dense model, or None when the facts are too thin."""
    L, h, heads, vocab = a.layers, a.hidden_size, a.attention_heads, a.vocab_size
    if not (L and h and heads and vocab and (a.intermediate_size or a.dense_intermediate_size)):
        return None
    typ = a.type or ""
    notes: list[str] = []
    mixers = _mixers(a, L)
    mtp = (a.mtp_layers or 0) if typ.startswith(MTP_IN_GGUF) else 0
    if a.mtp_layers and not mtp:
        notes.append(f"weights: the {a.mtp_layers} MTP layer(s) are not counted (GGUF conversions leave them out)")
    mixers += ["full_attention"] * mtp
    n_all = len(mixers)
    ffn_blocks = a.layer_types is not None and a.layer_types.ffn > 0  # Nemotron-H: FFN only in its own blocks
    gated = typ not in _NON_GATED and not typ.startswith(_RELU2)
    b = _Builder()
    for i, kind in enumerate(mixers):
        if kind in ("attention", "full_attention", "sliding_attention", "chunked_attention"):
            _attention(b, a, i, kind, typ.startswith(_GATED_ATTENTION))
        elif kind == "linear_attention":
            _linear(b, a, i, typ.startswith(_GDN_AS_QKV))
        elif kind == "mamba":
            _mamba(b, a, i)
        elif kind == "conv":
            _conv(b, a, i)
        if not ffn_blocks or kind == "ffn":
            _ffn(b, a, i, dense=i < (a.dense_layers or 0), gated=gated)
        if i >= L:  # MTP block: eh_proj {2h, h} and its norms
            b.add("other", 2 * h * h, 2 * h, i)
            b.add("norm", 2 * h, h, i)
    t: list[Tensor] = [Tensor("token_embd", 0, vocab * h, h)]
    if not tie:
        t.append(Tensor("output", 0, vocab * h, h))
    t.append(Tensor("norm", 0, h, h))
    if a.per_layer_embedding_dim:
        d, pv = a.per_layer_embedding_dim, a.per_layer_vocab_size or vocab
        # per_layer_token_embd: quantized as token_embd, and like it a lookup table: each token reads one row of
        # n_layer x d values (llama.cpp: ggml_get_rows(model.tok_embd_per_layer, tokens) in get_per_layer_inputs
        # of src/models/gemma3n-iswa.cpp at 0f728892, build_inp_per_layer of gemma4-iswa.cpp at 282a6690), never
        # the whole table, so none of it counts in the bytes read per token (active 0).  Measured decode of the
        # Gemma 4 E2B / E4B runs 1.7-2.3x what reading the table would allow (benchmarks/data/speed_current.csv).
        t.append(Tensor("token_embd", 0, pv * L * d, L * d, active=0.0))
        t.append(Tensor("keep16", 0, h * L * d, h))  # per_layer_model_proj: never quantized
        t.append(Tensor("other", L, 2 * h * d, h))  # per-layer input gate and projection
    t += b.tensors(n_all)
    return Shapes(t, sum(x.total for x in t), notes)
