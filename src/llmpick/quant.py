"""Quantization formats: canonical names, aliases, and how many bits each kind of tensor gets.

Pure data and small functions; no I/O.  Two kinds of formats:

* GGUF *mixes* (Q4_K_M, IQ3_M ...).  A mix is not one number: llama.cpp picks a block type per tensor
  (``llama_tensor_get_type`` in ``src/llama-quant.cpp``), e.g. Q4_K_M keeps the output head at Q6_K and half of
  the attn_v / ffn_down layers at Q6_K.  :func:`gguf_tensor_type` reproduces those rules per tensor class;
  ``estimate.py`` applies it to the tensor shapes of an architecture.
* Everything else (GPTQ, AWQ, bitsandbytes, FP8, MLX, EXL2, QMoE, plain F16/BF16/F32 safetensors) is modelled as
  bits for the linear layers, for the token embedding and for the output head.

Block sizes come from llama.cpp ``ggml/src/ggml-common.h`` (the ``static_assert`` on each ``block_*`` struct), as
copied into benchmarks/data/ggml_bpw.csv.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from difflib import get_close_matches

from .errors import UsageError
from .quality_data import LOW_BIT

# --- ggml block types ---------------------------------------------------------------------
# name -> (elements per block, bytes per block).  Source: ggml-org/llama.cpp ggml/src/ggml-common.h
# @01243c587feceaa5d6a6c2305535ef2f549c48b8 (see benchmarks/data/ggml_bpw.csv for the per-struct notes).
GGML_TYPES: dict[str, tuple[int, int]] = {
    "F32": (1, 4),
    "F16": (1, 2),
    "BF16": (1, 2),
    "Q8_0": (32, 34),  # fp16 d + 32 x int8
    "Q5_1": (32, 24),
    "Q5_0": (32, 22),
    "Q4_1": (32, 20),
    "Q4_0": (32, 18),  # fp16 d + 16 bytes of nibbles
    "IQ4_NL": (32, 18),
    "Q6_K": (256, 210),  # "Effectively 6.5625 bits per weight"
    "Q5_K": (256, 176),  # 5.5
    "Q4_K": (256, 144),  # 4.5
    "Q3_K": (256, 110),  # 3.4375
    "Q2_K": (256, 84),  # 2.625
    "IQ4_XS": (256, 136),  # 4.25
    "IQ3_S": (256, 110),  # 3.4375
    "IQ3_XXS": (256, 98),  # 3.0625
    "IQ2_S": (256, 82),  # 2.5625
    "IQ2_XS": (256, 74),  # 2.3125
    "IQ2_XXS": (256, 66),  # 2.0625
    "IQ1_M": (256, 56),  # 1.75
    "IQ1_S": (256, 50),  # 1.5625
}


def ggml_bpw(ggml_type: str) -> float:
    elems, size = GGML_TYPES[ggml_type]
    return size * 8 / elems


def ggml_tensor_bytes(ggml_type: str, n_elements: int) -> int:
    """Bytes of a tensor of ``n_elements`` stored as ``ggml_type`` (whole blocks)."""
    elems, size = GGML_TYPES[ggml_type]
    return -(-n_elements // elems) * size


# llama.cpp src/llama-quant.cpp `tensor_type_fallback`: when a row (ne[0]) is not a multiple of the block size,
# the tensor falls back to a type with 32-element blocks, or to F16 when even that does not divide.
_FALLBACK = {
    "IQ1_S": "IQ4_NL",
    "IQ1_M": "IQ4_NL",
    "IQ2_XXS": "IQ4_NL",
    "IQ2_XS": "IQ4_NL",
    "IQ2_S": "IQ4_NL",
    "IQ3_XXS": "IQ4_NL",
    "IQ3_S": "IQ4_NL",
    "IQ4_XS": "IQ4_NL",
    "Q2_K": "Q4_0",
    "Q3_K": "Q4_0",
    "Q4_K": "Q5_0",
    "Q5_K": "Q5_1",
    "Q6_K": "Q8_0",
}


def ggml_fallback(ggml_type: str, ncols: int) -> str:
    elems = GGML_TYPES[ggml_type][0]
    if ncols % elems == 0:
        return ggml_type
    alt = _FALLBACK.get(ggml_type, "F16")
    return alt if ncols % GGML_TYPES[alt][0] == 0 else "F16"


# --- Quantization formats -----------------------------------------------------------------


@dataclass(frozen=True)
class QuantFormat:
    """A quantization a user can ask for.

    ``bits`` is the typical effective bits per weight over a whole model (for a GGUF mix: the mix applied to a
    Llama/Mistral-7B-shaped model); estimates use the per-tensor rules, ``bits`` only orders formats and is the
    last-resort multiplier when nothing but a parameter count is known.
    """

    name: str
    family: str  # gguf, gptq, awq, bnb, fp8, mlx, exl2, qmoe, float
    bits: float
    description: str = ""
    # Non-GGUF formats: bits for the linear layers / token embedding / output head.
    linear_bits: float | None = None
    embed_bits: float | None = None
    output_bits: float | None = None
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_gguf(self) -> bool:
        return self.family == "gguf"


# GGUF mixes: llama.cpp ftype name -> default ggml type (`llama_ftype_get_default_type`, src/llama-quant.cpp
# @007dbbf3fd17eefe9b47fee45f48f7ba5e62b714) and the tools/quantize/quantize.cpp description.
_GGUF_DEFAULT: dict[str, tuple[str, str]] = {
    "F32": ("F32", "32-bit float, unquantized"),
    "F16": ("F16", "16-bit float, unquantized"),
    "BF16": ("BF16", "bfloat16, unquantized"),
    "Q8_0": ("Q8_0", "8-bit, near lossless"),
    "Q6_K": ("Q6_K", "6.56 bpw k-quant, near lossless"),
    "Q5_K_M": ("Q5_K", "5-bit k-quant mix, attn_v/ffn_down partly Q6_K"),
    "Q5_K_S": ("Q5_K", "5-bit k-quant"),
    "Q5_1": ("Q5_1", "legacy 5-bit with offset"),
    "Q5_0": ("Q5_0", "legacy 5-bit"),
    "Q4_K_M": ("Q4_K", "4-bit k-quant mix, attn_v/ffn_down partly Q6_K; the usual default"),
    "Q4_K_S": ("Q4_K", "4-bit k-quant"),
    "Q4_1": ("Q4_1", "legacy 4-bit with offset"),
    "Q4_0": ("Q4_0", "legacy 4-bit"),
    "IQ4_XS": ("IQ4_XS", "4.25 bpw i-quant"),
    "IQ4_NL": ("IQ4_NL", "4.5 bpw non-linear i-quant"),
    "Q3_K_L": ("Q3_K", "3-bit k-quant mix, attn_v/ffn_down/attn_output Q5_K"),
    "Q3_K_M": ("Q3_K", "3-bit k-quant mix"),
    "Q3_K_S": ("Q3_K", "3-bit k-quant"),
    "IQ3_M": ("IQ3_S", "3.66 bpw i-quant mix"),
    "IQ3_S": ("IQ3_S", "3.44 bpw i-quant"),
    "IQ3_XS": ("IQ3_S", "3.3 bpw i-quant mix"),
    "IQ3_XXS": ("IQ3_XXS", "3.06 bpw i-quant"),
    "Q2_K": ("Q2_K", "2-bit k-quant mix"),
    "Q2_K_S": ("Q2_K", "2-bit k-quant, smaller mix"),
    "IQ2_M": ("IQ2_S", "2.7 bpw i-quant"),
    "IQ2_S": ("IQ2_XS", "2.5 bpw i-quant"),
    "IQ2_XS": ("IQ2_XS", "2.31 bpw i-quant"),
    "IQ2_XXS": ("IQ2_XXS", "2.06 bpw i-quant"),
    "IQ1_M": ("IQ1_M", "1.75 bpw i-quant"),
    "IQ1_S": ("IQ1_S", "1.56 bpw i-quant"),
}
GGUF_QUANTS: tuple[str, ...] = tuple(_GGUF_DEFAULT)
COMMON_QUANTS: tuple[str, ...] = ("Q2_K", "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "F16")


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
    default = _GGUF_DEFAULT[ftype][0]
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
def _flat(
    name: str, family: str, linear: float, embed: float, output: float, desc: str, aliases: tuple[str, ...]
) -> QuantFormat:
    return QuantFormat(name, family, linear, desc, linear, embed, output, aliases)


_OTHER: tuple[QuantFormat, ...] = (
    _flat(
        "GPTQ-4bit",
        "gptq",
        4 + 20 / 128,
        16,
        16,
        "GPTQ 4-bit, group size 128",
        ("gptq", "gptq-4", "gptq4", "gptq-int4", "gptq-4bit-128g", "gptq-4bit-g128"),
    ),
    _flat("GPTQ-8bit", "gptq", 8 + 24 / 128, 16, 16, "GPTQ 8-bit, group size 128", ("gptq-8", "gptq8", "gptq-int8")),
    _flat("AWQ-4bit", "awq", 4 + 20 / 128, 16, 16, "AWQ 4-bit, group size 128", ("awq", "awq-4", "awq4", "awq-int4")),
    _flat("AWQ-8bit", "awq", 8 + 24 / 128, 16, 16, "AWQ 8-bit, group size 128", ("awq-8", "awq8", "awq-int8")),
    _flat(
        "NF4",
        "bnb",
        4.5,
        16,
        16,
        "bitsandbytes 4-bit NormalFloat",
        ("bnb-4bit", "bnb4", "bnb-nf4", "4bit-nf4", "load_in_4bit"),
    ),
    _flat(
        "INT8",
        "bnb",
        8.0,
        16,
        16,
        "bitsandbytes LLM.int8()",
        ("bnb-8bit", "bnb8", "llm.int8", "llm-int8", "load_in_8bit", "int8"),
    ),
    _flat("FP8", "fp8", 8.0, 16, 16, "8-bit float (e4m3) weights", ("f8", "fp8-e4m3", "e4m3", "float8")),
    _flat("MLX-4bit", "mlx", 4.5, 4.5, 4.5, "MLX 4-bit, group size 64", ("mlx-4", "mlx4", "mlx-q4", "4bit-mlx")),
    _flat("MLX-8bit", "mlx", 8.5, 8.5, 8.5, "MLX 8-bit, group size 64", ("mlx-8", "mlx8", "mlx-q8", "8bit-mlx")),
    # MXFP4 (OCP microscaling: 32 FP4 values share one 8-bit scale = 4.25 bits): how gpt-oss ships its experts;
    # attention, router, embeddings and head stay bf16 in that release (see estimate: native MXFP4 experts).
    _flat("MXFP4", "mxfp4", 4.25, 16, 16, "MXFP4 experts (gpt-oss's released format)", ("mxfp4-moe", "mx-fp4")),
    _flat(
        "QMoE",
        "qmoe",
        0.8,
        0.8,
        0.8,
        "QMoE sub-1-bit MoE compression (~0.8 bits per parameter)",
        ("qmoe-0.8", "qmoe-sub1bit"),
    ),
)

# Loose spellings people use for GGUF mixes and plain floats.
_GGUF_ALIASES: dict[str, str] = {
    "4bit": "Q4_K_M",
    "4-bit": "Q4_K_M",
    "int4": "Q4_K_M",
    "q4": "Q4_K_M",
    "q4_k": "Q4_K_M",
    "5bit": "Q5_K_M",
    "5-bit": "Q5_K_M",
    "q5": "Q5_K_M",
    "q5_k": "Q5_K_M",
    "3bit": "Q3_K_M",
    "3-bit": "Q3_K_M",
    "q3": "Q3_K_M",
    "q3_k": "Q3_K_M",
    "2bit": "Q2_K",
    "2-bit": "Q2_K",
    "q2": "Q2_K",
    "6bit": "Q6_K",
    "6-bit": "Q6_K",
    "q6": "Q6_K",
    "8bit": "Q8_0",
    "8-bit": "Q8_0",
    "q8": "Q8_0",
    "fp16": "F16",
    "float16": "F16",
    "half": "F16",
    "16bit": "F16",
    "16-bit": "F16",
    "bfloat16": "BF16",
    "fp32": "F32",
    "float32": "F32",
    "32bit": "F32",
}

_EXL2_RE = re.compile(r"^(?:exl2[-_:@ ]?)(\d+(?:\.\d+)?)(?:[-_ ]?bpw)?$|^(\d+(?:\.\d+)?)[-_ ]?bpw(?:[-_ ]?exl2)?$")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text.strip().lower())


# Typical effective bits per weight of each GGUF mix: the estimator's per-tensor rules applied to a
# Mistral-7B-shaped model (llmpick.estimate.reference_gguf_bits; a test keeps the two equal).  Stored rather than
# computed so that this module does not import the estimator, which imports it.
REFERENCE_GGUF_BITS: dict[str, float] = {
    "F32": 32.0,
    "F16": 16.001,
    "BF16": 16.001,
    "Q8_0": 8.501,
    "Q6_K": 6.563,
    "Q5_K_M": 5.668,
    "Q5_K_S": 5.52,
    "Q5_1": 6.011,
    "Q5_0": 5.52,
    "Q4_K_M": 4.825,
    "Q4_K_S": 4.573,
    "Q4_1": 5.029,
    "Q4_0": 4.538,
    "IQ4_XS": 4.357,
    "IQ4_NL": 4.589,
    "Q3_K_L": 4.221,
    "Q3_K_M": 3.887,
    "Q3_K_S": 3.495,
    "IQ3_M": 3.628,
    "IQ3_S": 3.515,
    "IQ3_XS": 3.334,
    "IQ3_XXS": 3.123,
    "Q2_K": 3.003,
    "Q2_K_S": 2.793,
    "IQ2_M": 2.762,
    "IQ2_S": 2.552,
    "IQ2_XS": 2.428,
    "IQ2_XXS": 2.199,
    "IQ1_M": 1.937,
    "IQ1_S": 1.78,
}


@functools.cache
def _table() -> dict[str, QuantFormat]:
    bits = REFERENCE_GGUF_BITS
    out: dict[str, QuantFormat] = {}
    for name, (_, desc) in _GGUF_DEFAULT.items():
        out[name.lower()] = QuantFormat(
            name, "gguf", bits[name], desc, aliases=tuple(a for a, n in _GGUF_ALIASES.items() if n == name)
        )
    for fmt in _OTHER:
        out[fmt.name.lower()] = fmt
    return out


def all_quants() -> list[QuantFormat]:
    """Every named format (EXL2 takes any bpw and is listed as EXL2-<bpw>bpw)."""
    return list(_table().values())


def valid_names() -> list[str]:
    return [q.name for q in all_quants()] + ["EXL2-<bpw>bpw"]


def exl2(bpw: float) -> QuantFormat:
    if not 1.0 <= bpw <= 16.0:
        raise UsageError(f"EXL2 bits per weight must be between 1 and 16, not {bpw:g}.", "For example: EXL2-4.65bpw.")
    return QuantFormat(f"EXL2-{bpw:g}bpw", "exl2", bpw, f"ExLlamaV2 at {bpw:g} bpw", bpw, 16, 6.0)


def resolve_quant(name: str | QuantFormat) -> QuantFormat:
    """A format by canonical name or alias, case-insensitively; ``UsageError`` (exit 2) with suggestions otherwise."""
    if isinstance(name, QuantFormat):
        return name
    key = _norm(str(name))
    table = _table()
    if key in table:
        return table[key]
    if key in _GGUF_ALIASES:
        return table[_GGUF_ALIASES[key].lower()]
    for fmt in table.values():
        if key in fmt.aliases:
            return fmt
    m = _EXL2_RE.match(key)
    if m:
        return exl2(float(m.group(1) or m.group(2)))
    key2 = key.replace("-", "_")
    if key2 in table:
        return table[key2]
    choices = list(table) + list(_GGUF_ALIASES) + [a for f in table.values() for a in f.aliases]
    close = get_close_matches(key, choices, n=3, cutoff=0.6)
    canon = []
    for c in close:
        fmt = table.get(c) or (
            table[_GGUF_ALIASES[c].lower()] if c in _GGUF_ALIASES else next(f for f in table.values() if c in f.aliases)
        )
        if fmt.name not in canon:
            canon.append(fmt.name)
    hint = (f"Did you mean: {', '.join(canon)}? " if canon else "") + "Valid: " + ", ".join(valid_names()) + "."
    raise UsageError(f"Unknown quantization '{name}'.", hint)
