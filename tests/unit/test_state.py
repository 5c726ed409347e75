"""The recurrent state per sequence, exact against llama.cpp's allocation.

llama.cpp (ggml-org/llama.cpp src/llama-memory-recurrent.cpp) gives every recurrent layer an r tensor of
n_embd_r() x n_seq_max and an s tensor of n_embd_s() x n_seq_max, both GGML_TYPE_F32 (create_memory in
src/llama-model.cpp); src/llama-hparams.cpp: n_embd_r() = (d_conv - 1) x (d_inner + 2 x n_group x d_state) (LFM2:
n_embd x (L_cache - 1)), n_embd_s() = d_state x d_inner (LFM2: 0).
"""

from __future__ import annotations

import pytest
from hybrid_archs import GLM47_FLASH, GRANITE4_H_350M, LFM2_26B, NEMOTRON3_NANO, QWEN3_NEXT_80B, QWEN36_35B

from llmpick.estimate.state import state_bytes
from llmpick.schema import Architecture, LayerTypes


@pytest.mark.parametrize(
    ("arch", "per_sequence"),
    [
        # Gated DeltaNet: d_conv 4, d_inner 32 x 128, n_group 16, d_state 128 -> r 3 x 8192, s 128 x 4096
        (QWEN36_35B, 30 * (3 * (2 * 16 * 128 + 32 * 128) + 32 * 128 * 128) * 4),  # 65,863,680
        (QWEN3_NEXT_80B, 36 * (3 * (2 * 16 * 128 + 32 * 128) + 32 * 128 * 128) * 4),  # 79,036,416
        # Mamba-2: d_inner 64 x 64 = 4096, 8 groups, d_state 128 -> r 3 x 6144, s 128 x 4096
        (NEMOTRON3_NANO, 23 * (3 * (4096 + 2 * 8 * 128) + 128 * 4096) * 4),  # 49,930,240
        # Mamba-2: d_inner 48 x 32 = 1536, 1 group, d_state 128
        (GRANITE4_H_350M, 28 * (3 * (1536 + 2 * 128) + 128 * 1536) * 4),  # 22,622,208
        # short conv: hidden 2048 x (3 - 1), no matrix state
        (LFM2_26B, 22 * 2048 * 2 * 4),  # 360,448
    ],
)
def test_state_per_sequence_is_llama_cpp_allocation(arch: Architecture, per_sequence: int) -> None:
    got, notes, missing = state_bytes(arch)
    assert (got, missing) == (per_sequence, [])
    assert notes and "f32" in notes[0]
    # one state per sequence (mem_size = max(1, n_seq_max)), whatever the context
    assert state_bytes(arch, parallel=4)[0] == 4 * per_sequence


def test_issue_figures() -> None:
    assert state_bytes(QWEN36_35B)[0] == 65_863_680
    assert state_bytes(NEMOTRON3_NANO)[0] == 49_930_240


def test_plain_transformer_and_mla_have_no_state() -> None:
    assert state_bytes(Architecture(layers=32, hidden_size=4096, attention_heads=32))[0] == 0
    assert state_bytes(GLM47_FLASH)[0] == 0


def test_unknown_state_is_null_not_zero() -> None:
    # a hybrid class without layer_types: unknown
    got, _, missing = state_bytes(Architecture(type="Qwen3NextForCausalLM", layers=48))
    assert got is None and "layer_types" in missing[0]
    # layer counts without the sizes: unknown
    got, _, missing = state_bytes(Architecture(layers=8, layer_types=LayerTypes(mamba=6, full_attention=2)))
    assert got is None and "Mamba" in missing[0]
