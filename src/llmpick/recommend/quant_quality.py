"""Quality kept per quantization (to move to data/quant_quality.csv)."""

from __future__ import annotations

import itertools

_PPL_F16 = 6.2331
_DPPL = {  # Δppl @ Llama-3-8B, llama.cpp tools/quantize/quantize.cpp QUANT_OPTIONS
    "Q8_0": 0.0026,
    "Q6_K": 0.0217,
    "Q5_K_M": 0.0569,
    "Q5_K_S": 0.1049,
    "Q5_1": 0.1062,
    "Q5_0": 0.1316,
    "Q4_K_M": 0.1754,
    "Q4_K_S": 0.2689,
    "Q4_1": 0.4511,
    "Q4_0": 0.4685,
    "Q3_K_L": 0.5562,
    "Q3_K_M": 0.6569,
    "Q3_K_S": 1.6321,
    "Q2_K": 3.5199,
    "Q2_K_S": 3.5199,  # Q2_K_S is listed at +3.18; not better than Q2_K in use
}
# i-quants: interpolated on the k-quant curve by bits per weight (quantize.cpp lists only their bpw).
_DPPL_INTERP = {
    "IQ4_NL": 0.20,
    "IQ4_XS": 0.25,
    "IQ3_M": 0.70,
    "IQ3_S": 0.90,
    "IQ3_XS": 1.10,
    "IQ3_XXS": 1.40,
    "IQ2_M": 2.60,
    "IQ2_S": 3.20,
    "IQ2_XS": 4.00,
    "IQ2_XXS": 5.20,
    "IQ1_M": 9.0,
    "IQ1_S": 14.0,
}


def _kept(dppl: float) -> float:
    return round(_PPL_F16 / (_PPL_F16 + dppl), 4)


QUANT_QUALITY: dict[str, tuple[float, str]] = {
    **{q: (_kept(d), "measured: llama.cpp quantize.cpp, Llama-3-8B") for q, d in _DPPL.items()},
    **{q: (_kept(d), "interpolated by bits per weight on the k-quant curve") for q, d in _DPPL_INTERP.items()},
    "F32": (1.0, "unquantized"),
    "F16": (1.0, "unquantized"),
    "BF16": (1.0, "unquantized"),
    "AWQ-4bit": (round(5.47 / 5.60, 4), "AWQ paper, Llama-2-7B wikitext (FP16 5.47, AWQ 5.60)"),
    "GPTQ-4bit": (round(5.47 / 5.69, 4), "AWQ paper, Llama-2-7B wikitext (FP16 5.47, GPTQ 5.69)"),
    "AWQ-8bit": (0.999, "8-bit weight-only: near lossless (as Q8_0)"),
    "GPTQ-8bit": (0.999, "8-bit weight-only: near lossless (as Q8_0)"),
    "FP8": (0.998, "8-bit float weights: near lossless (as Q8_0)"),
    "INT8": (0.998, "LLM.int8(): near lossless"),
    "NF4": (round(5.47 / 5.69, 4), "4-bit round-to-nearest class: taken as GPTQ"),
    "MLX-4bit": (_kept(0.4511), "4-bit affine, group 64: taken as Q4_1"),
    "MLX-8bit": (0.999, "8-bit: near lossless"),
    "QMoE": (0.95, "QMoE paper: small loss at ~0.8 bits on Switch-c-2048 (estimate)"),
}
LOW_BIT = {"IQ2_M", "IQ2_S", "IQ2_XS", "IQ2_XXS", "IQ1_M", "IQ1_S"}


def quant_kept(name: str, bits: float | None = None) -> float:
    if name in QUANT_QUALITY:
        return QUANT_QUALITY[name][0]
    if name.startswith("EXL2") and bits:  # interpolate on the k-quant curve
        pts = sorted(
            (b, k)
            for b, k in (
                (2.6, _kept(3.52)),
                (3.9, _kept(0.6569)),
                (4.85, _kept(0.1754)),
                (5.7, _kept(0.0569)),
                (6.6, _kept(0.0217)),
                (8.5, _kept(0.0026)),
            )
        )
        if bits <= pts[0][0]:
            return pts[0][1] * bits / pts[0][0]
        for (b0, k0), (b1, k1) in itertools.pairwise(pts):
            if bits <= b1:
                return k0 + (k1 - k0) * (bits - b0) / (b1 - b0)
        return 1.0
    return 0.9


def quant_kept_basis(name: str) -> str:
    return QUANT_QUALITY.get(name, (None, "interpolated"))[1]
