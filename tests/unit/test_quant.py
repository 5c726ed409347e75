"""Quantization names, aliases and llama.cpp's per-tensor type choices."""

from __future__ import annotations

import pytest

from llmpick.errors import UsageError
from llmpick.gguf_rules import TensorContext, gguf_tensor_type, use_more_bits
from llmpick.quant import (
    COMMON_QUANTS,
    GGUF_QUANTS,
    ggml_bpw,
    ggml_fallback,
    ggml_tensor_bytes,
    resolve_quant,
)


@pytest.mark.parametrize(
    ("given", "name", "family"),
    [
        ("Q4_K_M", "Q4_K_M", "gguf"),
        ("q4_k_m", "Q4_K_M", "gguf"),
        ("4bit", "Q4_K_M", "gguf"),
        ("q4-k-m", "Q4_K_M", "gguf"),
        ("fp16", "F16", "gguf"),
        ("bfloat16", "BF16", "gguf"),
        ("8bit", "Q8_0", "gguf"),
        ("iq3_xxs", "IQ3_XXS", "gguf"),
        ("gptq", "GPTQ-4bit", "gptq"),
        ("AWQ", "AWQ-4bit", "awq"),
        ("nf4", "NF4", "bnb"),
        ("bnb-8bit", "INT8", "bnb"),
        ("fp8", "FP8", "fp8"),
        ("mlx-4bit", "MLX-4bit", "mlx"),
        ("mlx8", "MLX-8bit", "mlx"),
        ("qmoe", "QMoE", "qmoe"),
        ("exl2-4.65bpw", "EXL2-4.65bpw", "exl2"),
        ("4.0bpw", "EXL2-4bpw", "exl2"),
        ("EXL2:6", "EXL2-6bpw", "exl2"),
    ],
)
def test_resolve_names_and_aliases(given: str, name: str, family: str) -> None:
    q = resolve_quant(given)
    assert (q.name, q.family) == (name, family)


def test_every_issue_quant_is_known() -> None:
    wanted = [
        "F32",
        "F16",
        "BF16",
        "Q8_0",
        "Q6_K",
        "Q5_K_M",
        "Q5_K_S",
        "Q5_1",
        "Q5_0",
        "Q4_K_M",
        "Q4_K_S",
        "Q4_1",
        "Q4_0",
        "IQ4_XS",
        "IQ4_NL",
        "Q3_K_L",
        "Q3_K_M",
        "Q3_K_S",
        "IQ3_M",
        "IQ3_XXS",
        "Q2_K",
        "IQ2_M",
        "IQ2_XS",
        "IQ2_XXS",
        "IQ1_M",
        "IQ1_S",
    ]
    assert set(wanted) <= set(GGUF_QUANTS)
    assert set(COMMON_QUANTS) <= set(GGUF_QUANTS)


def test_unknown_quant_is_a_usage_error_with_suggestions() -> None:
    with pytest.raises(UsageError) as exc:
        resolve_quant("Q4_K_N")
    assert exc.value.exit_code == 2
    assert "Did you mean" in exc.value.hint and "Q4_K_M" in exc.value.hint
    assert "GPTQ-4bit" in exc.value.hint  # lists the valid names


def test_exl2_out_of_range() -> None:
    with pytest.raises(UsageError):
        resolve_quant("EXL2-40bpw")


@pytest.mark.parametrize(
    ("typ", "bpw"),
    [
        ("Q4_0", 4.5),
        ("Q8_0", 8.5),
        ("Q4_K", 4.5),
        ("Q6_K", 6.5625),
        ("Q2_K", 2.625),
        ("Q3_K", 3.4375),
        ("IQ4_XS", 4.25),
        ("F16", 16.0),
    ],
)
def test_block_bits(typ: str, bpw: float) -> None:
    assert ggml_bpw(typ) == bpw


def test_tensor_bytes_whole_blocks() -> None:
    assert ggml_tensor_bytes("Q4_0", 4096 * 4096) == 4096 * 4096 // 32 * 18
    assert ggml_tensor_bytes("Q6_K", 256) == 210
    assert ggml_tensor_bytes("Q6_K", 257) == 420  # a partial block costs a whole one


def testuse_more_bits_is_half_of_32_layers() -> None:
    chosen = [i for i in range(32) if use_more_bits(i, 32)]
    assert chosen == [0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31]


CTX = TensorContext(n_layer=32, n_gqa=4)


@pytest.mark.parametrize(
    ("ftype", "cls", "layer", "expected"),
    [
        ("Q4_K_M", "output", 0, "Q6_K"),
        ("Q4_K_M", "token_embd", 0, "Q4_K"),
        ("Q4_K_M", "attn_v", 0, "Q6_K"),
        ("Q4_K_M", "attn_v", 4, "Q4_K"),
        ("Q4_K_M", "ffn_down", 6, "Q6_K"),
        ("Q4_K_M", "ffn_gate", 0, "Q4_K"),
        ("Q4_K_S", "attn_v", 3, "Q5_K"),
        ("Q4_K_S", "attn_v", 4, "Q4_K"),
        ("Q3_K_M", "attn_output", 9, "Q4_K"),
        ("Q3_K_L", "ffn_down", 20, "Q5_K"),
        ("Q2_K", "attn_v", 5, "Q4_K"),
        ("Q2_K", "ffn_down", 5, "Q3_K"),
        ("Q8_0", "output", 0, "Q8_0"),
        ("Q4_0", "output", 0, "Q6_K"),
        ("IQ2_XXS", "output", 0, "Q5_K"),
        ("IQ2_XXS", "token_embd", 0, "Q2_K"),
        ("IQ4_XS", "attn_v", 10, "Q5_K"),
        ("F16", "attn_q", 3, "F16"),
    ],
)
def test_llama_cpp_mix_rules(ftype: str, cls: str, layer: int, expected: str) -> None:
    assert gguf_tensor_type(ftype, cls, layer, CTX) == expected


def test_tied_embedding_takes_the_output_rule_and_falcon_keeps_q8() -> None:
    tied = TensorContext(n_layer=24, tied_embeddings=True)
    assert gguf_tensor_type("Q4_K_M", "token_embd", 0, tied) == "Q6_K"
    assert gguf_tensor_type("Q4_K_M", "output", 0, TensorContext(n_layer=60, arch="falcon")) == "Q8_0"


def test_legacy_q2_k_and_row_fallback() -> None:
    old = TensorContext(n_layer=32, n_gqa=1, legacy_q2_k=True)
    assert gguf_tensor_type("Q2_K", "ffn_down", 10, old) == "Q4_K"
    assert ggml_fallback("Q4_K", 4544) == "Q5_0"  # Falcon-7B rows are not a multiple of 256
    assert ggml_fallback("Q6_K", 4096) == "Q6_K"
    assert ggml_fallback("Q4_K", 100) == "F16"


def test_more_bits_order() -> None:
    ladder = ["IQ1_S", "IQ2_XXS", "Q2_K", "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "F16", "F32"]
    bits = [resolve_quant(q).bits for q in ladder]
    assert bits == sorted(bits)
