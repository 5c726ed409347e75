"""Quantization formats: canonical names, aliases, and how many bits each kind of tensor gets.

Pure data and small functions; no I/O.  Two kinds of formats:

* GGUF *mixes* (Q4_K_M, IQ3_M ...).  A mix is not one number: llama.cpp picks a block type per tensor
  (``llama_tensor_get_type`` in ``src/llama-quant.cpp``), e.g. Q4_K_M keeps the output head at Q6_K and half of
  the attn_v / ffn_down layers at Q6_K.  ``gguf_rules.py`` reproduces those rules per tensor class;
  ``estimate/weights.py`` applies them to the tensor shapes of an architecture.
* Everything else (GPTQ, AWQ, bitsandbytes, FP8, MLX, EXL2, QMoE, plain F16/BF16/F32 safetensors) is modelled as
  bits for the linear layers, for the token embedding and for the output head.

Block sizes come from llama.cpp ``ggml/src/ggml-common.h`` (the ``static_assert`` on each ``block_*`` struct), as
copied into benchmarks/data/ggml_bpw.csv.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from difflib import get_close_matches

from .errors import UsageError

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
GGUF_DEFAULT_TYPE: dict[str, tuple[str, str]] = {
    "F32": ("F32", "32-bit float, unquantized"),
    "F16": ("F16", "16-bit float, unquantized"),
    "BF16": ("BF16", "bfloat16, unquantized"),
    "Q8_0": ("Q8_0", "8-bit, near lossless"),
    # llama_ftype_get_default_type gives MXFP4, but llama_tensor_get_type then sends every tensor that is not a
    # 3-D expert tensor (ne[2] > 1) to Q8_0, output and token embedding included: so Q8_0 is the type of all but the
    # routed experts, which weights.py stores as MXFP4.  gpt-oss's GGUFs (ggml-org/gpt-oss-*-GGUF) are this mix.
    "MXFP4_MOE": ("Q8_0", "routed experts MXFP4 (4.25 bpw), every other tensor Q8_0; gpt-oss's usual GGUF"),
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
GGUF_QUANTS: tuple[str, ...] = tuple(GGUF_DEFAULT_TYPE)
COMMON_QUANTS: tuple[str, ...] = ("Q2_K", "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "F16")


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
    _flat("MXFP4", "mxfp4", 4.25, 16, 16, "MXFP4 experts (gpt-oss's released format)", ("mx-fp4",)),
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
    "MXFP4_MOE": 8.501,  # a dense model has no expert tensor: all Q8_0
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
    for name, (_, desc) in GGUF_DEFAULT_TYPE.items():
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
