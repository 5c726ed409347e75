"""llama.cpp's per-tensor type rules for GGUF mixes: which ggml type each tensor gets under Q4_K_M, IQ3_S ...

A transcription of ``llama_tensor_get_type_impl`` (ggml-org/llama.cpp ``src/llama-quant.cpp``
@007dbbf3fd17eefe9b47fee45f48f7ba5e62b714) for the mixes llmpick knows.  Pure; the estimator applies it to the
tensor shapes of an architecture (``estimate/weights.py``).

Rules for today's architectures, same file and commit (applied in ``estimate/weights.py`` and
``estimate/shapes_hybrid.py``):

* ``tensor_allows_quantization``: 1-D tensors (norms, ssm_a, ssm_d, ssm_dt bias, ffn_gate_inp_shexp), ssm_conv1d,
  shortconv.conv, ffn_gate_inp, altup / laurel and per_layer_model_proj are never quantized: they keep the type of
  the converted file (F32 for 1-D tensors and, per convert_hf_to_gguf, for SSM_CONV1D / SHORTCONV_CONV; bf16 for
  per_layer_model_proj).
* ``tensor_get_category``: attn_kv_b is attn_v-like (``category_is_attn_v``), and so is attn_qkv, which Qwen3.5 /
  3.6 GGUFs use for a Gated DeltaNet layer's q, k, v input (src/models/qwen35moe.cpp); ``i_attention_wv`` counts
  them all, in file order, out of ``n_attention_wv``.  per_layer_token_embd is quantized as token_embd.
* Everything else a hybrid adds (ssm_in, ssm_out, ssm_alpha / beta, attn_gate, attn_q_a, attn_kv_a_mqa, attn_k_b,
  attn_v_b, the DSA indexer's projections, LFM2's shortconv in/out projections) is category OTHER: the mix's default
  type, after the row-size fallback (e.g. Nemotron 3 Nano's 2688-wide expert rows take Q5_0 for Q4_K).
* ``hparams.n_gqa()`` is read for layer 0: 0 for Mamba / short-conv hybrids whose GGUF stores head_count_kv per
  layer with 0 for recurrent layers (src/llama-hparams.cpp ``n_gqa``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from .quality_data import LOW_BIT
from .quant import GGUF_DEFAULT_TYPE


@dataclass(frozen=True)
class TensorContext:
    """What llama.cpp's type choice looks at, besides the tensor's class."""

    n_layer: int
    n_gqa: int = 1  # attention heads / KV heads
    n_expert: int = 0
    arch: str = "llama"  # "falcon" changes some rules
    is_70b: bool = False  # llama.cpp LLM_TYPE_70B (80-layer Llama): attn_v Q3_K/Q4_K -> Q5_K
    tied_embeddings: bool = False
    has_imatrix: bool | None = None  # None: only for the mixes that cannot be made without one (see below)
    legacy_q2_k: bool = False  # files made before llama.cpp's January 2024 Q2_K rework (see gguf_tensor_type)
    native_mxfp4: bool = False  # experts released in MXFP4 (gpt-oss): every GGUF keeps them so


def use_more_bits(i: int, n: int) -> bool:
    # llama-quant.cpp: i_layer < n_layers/8 || i_layer >= 7*n_layers/8 || (i_layer - n_layers/8)%3 == 2
    # (C++ integer division and remainder, which truncate toward zero)
    # (for i < n/8 the first test already holds, so Python's floor modulo gives the same answer)
    return i < n // 8 or i >= 7 * n // 8 or (i - n // 8) % 3 == 2


@functools.lru_cache(maxsize=1024)
def _with_imatrix(ctx: TensorContext, ftype: str) -> TensorContext:
    # llama-quant.cpp tensor_requires_imatrix: IQ1_*, IQ2_* and IQ3_XXS refuse to quantize without an imatrix
    return replace(ctx, has_imatrix=ftype in ("IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ2_M", "IQ3_XXS"))


def gguf_tensor_type(ftype: str, cls: str, i_layer: int, ctx: TensorContext) -> str:
    """The ggml type llama.cpp gives one tensor of class ``cls`` in layer ``i_layer`` under mix ``ftype``.

    Classes: token_embd, output, attn_q, attn_k, attn_v, attn_output, attn_qkv, ffn_gate, ffn_up, ffn_down.
    A transcription of ``llama_tensor_get_type_impl`` (ggml-org/llama.cpp src/llama-quant.cpp
    @007dbbf3fd17eefe9b47fee45f48f7ba5e62b714) for the mixes llmpick knows; row-size fallbacks are applied by
    the caller with :func:`ggml_fallback`.  1-D tensors (norms, biases) are never quantized: F32.
    """
    default = GGUF_DEFAULT_TYPE[ftype][0]
    if default in ("F32", "F16", "BF16"):
        return default
    if ctx.has_imatrix is None:
        ctx = _with_imatrix(ctx, ftype)
    if ftype == "Q2_K" and ctx.legacy_q2_k and cls in ("attn_v", "attn_qkv", "ffn_down"):
        # The 2023 mix (k-quants as introduced in llama.cpp PR #1684, used for TheBloke's 2023 GGUF files):
        # "Q2_K - uses GGML_TYPE_Q4_K for the attention.vw and feed_forward.w2 tensors, GGML_TYPE_Q2_K for the
        # other tensors"; attn_output was already Q3_K.  Files made since January 2024 use the rules below.
        return "Q4_K"
    n = ctx.n_layer
    t = default
    falcon = ctx.arch == "falcon"
    # output.weight, and token_embd when it is shared with the output
    if cls == "output" or (ctx.tied_embeddings and cls == "token_embd"):
        if falcon:
            return "Q8_0"
        if ftype in ("IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M"):
            return "Q5_K"
        return "Q8_0" if t == "Q8_0" else "Q6_K"
    if cls == "token_embd":
        if ftype in ("IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ1_M"):
            return "Q2_K"
        if ftype in ("IQ2_S", "IQ2_M", "IQ3_XXS"):
            return "IQ3_S"
        return t
    # category_is_attn_v() covers attn_v and the fused attn_qkv (the later ATTENTION_QKV branch is never reached)
    attn_v = cls in ("attn_v", "attn_qkv")
    if ftype in LOW_BIT:
        if cls in ("attn_v", "attn_qkv"):
            if ctx.n_gqa >= 4 or ctx.n_expert >= 4:
                return "Q4_K"
            return "IQ3_S" if ftype in ("IQ2_S", "IQ2_M") else "Q2_K"
        if ctx.n_expert == 8 and cls == "attn_k":
            return "Q4_K"
        if cls == "ffn_down":
            if i_layer < n // 8:
                return "IQ3_S" if ftype in ("IQ2_S", "IQ2_M") else "Q2_K"
            return t
        if cls == "attn_output":
            if ctx.n_expert == 8:
                return "Q5_K"
            if ftype in ("IQ1_S", "IQ1_M"):
                return "IQ2_XXS"
            if ftype in ("IQ2_S", "IQ2_M"):
                return "IQ3_S"
        return t
    if attn_v:
        g = ctx.n_gqa
        if ftype == "Q2_K":
            t = "Q4_K" if g >= 4 else "Q3_K"
        elif ftype == "Q2_K_S" and g >= 4:
            t = "Q4_K"
        elif ftype == "IQ3_XXS":
            t = "Q4_K" if g >= 4 else ("IQ3_XXS" if ctx.has_imatrix else "IQ3_S")
        elif (ftype in ("IQ3_XS", "IQ3_S") and g >= 4) or ftype == "IQ3_M":
            t = "Q4_K"
        elif ftype == "Q3_K_M":
            t = "Q5_K" if i_layer < 2 else "Q4_K"
        elif ftype == "Q3_K_L" or (ftype in ("IQ4_NL", "IQ4_XS") and g >= 4):
            t = "Q5_K"
        elif ftype in ("Q4_K_M", "Q5_K_M") and use_more_bits(i_layer, n):
            t = "Q6_K"
        elif ftype == "Q4_K_S" and i_layer < 4:
            t = "Q5_K"
        if ctx.is_70b and t in ("Q3_K", "Q4_K"):
            t = "Q5_K"
        if ctx.n_expert == 8:
            t = "Q8_0"
        return t
    if cls == "attn_k":
        if ctx.n_expert == 8:
            return "Q8_0"
        if ftype == "IQ3_XS":
            return "IQ3_XXS"
        if ftype == "IQ3_XXS":
            return "IQ2_S"
        return t
    if cls == "attn_q":
        if ftype == "IQ3_XS":
            return "IQ3_XXS"
        if ftype == "IQ3_XXS":
            return "IQ2_S"
        return t
    if cls == "ffn_down":
        i = i_layer
        if ftype == "Q2_K":
            return "Q3_K"
        if ftype == "Q2_K_S":
            return "Q4_K" if i < n // 8 else t
        if ftype == "IQ3_XXS" and not ctx.has_imatrix:
            return "Q4_K" if i < n // 8 else "Q3_K"
        if ftype == "Q3_K_M":
            if i < n // 16:
                return "Q5_K"
            return "Q4_K" if (not falcon or use_more_bits(i, n)) else "Q3_K"
        if ftype == "IQ3_M" and (i < n // 8 or (ctx.n_expert == 8 and use_more_bits(i, n))):
            return "Q4_K"
        if ftype == "Q3_K_L":
            return "Q4_K" if falcon else "Q5_K"
        if ftype == "Q4_K_M":
            if falcon:
                return "Q6_K" if i < n // 16 else ("Q5_K" if use_more_bits(i, n) else "Q4_K")
            return "Q6_K" if use_more_bits(i, n) else t
        if i < n // 8 and ftype in ("IQ4_NL", "IQ4_XS") and not ctx.has_imatrix:
            return "Q5_K"
        if ftype == "Q5_K_M" and use_more_bits(i, n):
            return "Q6_K"
        if ftype == "Q4_K_S" and not falcon and i < n // 8:
            return "Q5_K"
        if ftype in ("Q4_0", "Q5_0") and ctx.has_imatrix and i < n // 8:
            return "Q4_1" if ftype == "Q4_0" else "Q5_1"
        return t
    if cls == "attn_output":
        if not falcon:
            if ctx.n_expert == 8:
                if ftype in (
                    "Q2_K",
                    "IQ3_XS",
                    "IQ3_XXS",
                    "Q3_K_S",
                    "Q3_K_M",
                    "IQ4_NL",
                    "Q4_K_S",
                    "Q4_K_M",
                    "IQ3_S",
                    "IQ3_M",
                    "IQ4_XS",
                ):
                    return "Q5_K"
                return t
            return {"Q2_K": "Q3_K", "IQ3_XXS": "IQ3_S", "Q3_K_M": "Q4_K", "Q3_K_L": "Q5_K", "IQ3_M": "Q4_K"}.get(
                ftype, t
            )
        return "Q4_K" if ftype == "Q3_K_L" else t
    if cls in ("ffn_gate", "ffn_up"):
        if ftype == "IQ3_XS" and n // 8 <= i_layer < 7 * n // 8:
            return "IQ3_XXS"
        return t
    return t


# Non-GGUF formats.  Overheads per weight, each with its source:
# * GPTQ (AutoGPTQ / gptq-for-llama packing): int32-packed weights, one fp16 scale and one packed zero point per
#   group of 128 input rows, plus g_idx (int32 per input row, negligible): bits + (16 + bits) / 128.  Embeddings and
#   lm_head are not quantized (kept fp16).
# * AWQ (AutoAWQ GEMM, group 128): same layout, bits + (16 + bits) / 128; embeddings and lm_head fp16.
# * bitsandbytes NF4 (transformers BitsAndBytesConfig defaults, no double quantization): 4 bits + one fp32 absmax
#   per block of 64 = 4.5; LLM.int8(): int8 + one fp32 scale per row (negligible).  lm_head is skipped by default
#   (llm_int8_skip_modules) and embeddings are not nn.Linear: both stay 16-bit.
# * FP8 (e4m3, per-tensor or per-channel scales, llm-compressor / vLLM): 8 bits; lm_head and embeddings bf16.
# * MLX (mlx_lm.convert, group size 64, fp16 scale and bias per group): bits + 32/64; embeddings and the head are
#   quantized too.
# * EXL2 (exllamav2 convert.py defaults): the requested average bpw over the layers, head_bits 6, embeddings fp16.
# * QMoE (Frantar & Alistarh 2023, arXiv 2310.16795): "less than 1 bit per parameter", 0.8 for Switch-c-2048.
