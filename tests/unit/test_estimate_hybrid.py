"""KV cache of hybrid and MLA models: only the layers that hold one, exactly as llama.cpp allocates it.

llama.cpp (ggml-org/llama.cpp): llama-memory-hybrid.cpp gives the KV cache to the layers that are not recurrent
(Nemotron-H: neither to its FFN-only blocks; llama-model.cpp create_memory), llama-kv-cache.cpp allocates
n_embd_k_gqa + n_embd_v_gqa values per cell and layer, llama-context.cpp pads n_ctx to 256, and MLA keeps one
K-only latent of kv_lora_rank + qk_rope_head_dim (PR #19067, V-less cache); nextn (MTP) layers hold none.
Architectures: tests/unit/hybrid_archs.py (config.json facts with their sources).
"""

from __future__ import annotations

import pytest
from hybrid_archs import GLM47_FLASH, GRANITE4_H_350M, LFM2_26B, NEMOTRON3_NANO, QWEN3_NEXT_80B, QWEN36_35B

from llmpick.estimate import estimate, kv_cache_bytes, tensor_shapes
from llmpick.schema import Architecture, LayerTypes
from tests.helpers import model_entry

KIB = 1024


@pytest.mark.parametrize(
    ("arch", "per_token"),
    [
        (QWEN36_35B, 10 * 2 * 2 * 256 * 2),  # 10 of 40 layers, 2 KV heads x 256: 20 KiB (issue #11)
        (QWEN3_NEXT_80B, 12 * 2 * 2 * 256 * 2),  # 12 of 48 layers: 24 KiB
        (NEMOTRON3_NANO, 6 * 2 * 2 * 128 * 2),  # 6 of 52 blocks: 6 KiB
        (GRANITE4_H_350M, 4 * 2 * 4 * 64 * 2),  # 4 of 32 layers: 4 KiB
        (LFM2_26B, 8 * 2 * 8 * 64 * 2),  # 8 of 30 layers: 16 KiB
        (GLM47_FLASH, 47 * (512 + 64) * 2),  # MLA latent in 47 layers; the MTP layer holds none
    ],
)
def test_kv_per_token_f16(arch: Architecture, per_token: int) -> None:
    for engine, ctx in ((None, 1000), ("llama.cpp", 8192)):
        got, _, missing = kv_cache_bytes(arch, ctx, engine=engine)
        assert missing == [] and got == per_token * ctx


def test_qwen36_is_20_kib_per_token() -> None:
    got, _, _ = kv_cache_bytes(QWEN36_35B, 1)
    assert got == 20 * KIB


def test_llama_cpp_pads_context_to_256() -> None:
    got, notes, _ = kv_cache_bytes(QWEN36_35B, 1000, engine="llama.cpp")
    assert got == 20 * KIB * 1024 and any("256" in n for n in notes)
    got, _, _ = kv_cache_bytes(QWEN36_35B, 1000, engine="llama.cpp", parallel=2)
    assert got == 2 * 20 * KIB * 1024


def test_sliding_layers_hold_window_plus_ubatch_in_llama_cpp() -> None:
    # Gemma-3-style 5 local : 1 global, window 1024: llama.cpp's SWA cache is GGML_PAD(1024 + 512, 256) cells
    a = Architecture(
        layers=12,
        hidden_size=1024,
        attention_heads=8,
        kv_heads=2,
        head_dim=128,
        sliding_window=1024,
        layer_types=LayerTypes(sliding_attention=10, full_attention=2),
        sliding_window_layers=10,
    )
    per = 2 * 2 * 128 * 2
    assert kv_cache_bytes(a, 32768, engine="llama.cpp")[0] == per * (2 * 32768 + 10 * 1536)
    assert kv_cache_bytes(a, 32768, engine="vllm")[0] == per * (2 * 32768 + 10 * 1024)
    assert kv_cache_bytes(a, 1024, engine="llama.cpp")[0] == per * 12 * 1024


def test_global_layers_with_their_own_heads() -> None:
    a = Architecture(
        layers=6,
        hidden_size=1024,
        attention_heads=8,
        kv_heads=4,
        head_dim=128,
        global_kv_heads=1,
        global_head_dim=512,
        sliding_window=512,
        layer_types=LayerTypes(sliding_attention=5, full_attention=1),
    )
    assert kv_cache_bytes(a, 4096)[0] == 2 * 2 * (1 * 512 * 4096 + 5 * 4 * 128 * 512)


def test_shared_kv_layers_hold_none() -> None:
    # Gemma 3n E4B shape: 35 layers, 4 sliding : 1 full, the last 15 reuse earlier caches -> 16 sliding + 4 full
    a = Architecture(
        layers=35,
        hidden_size=2048,
        attention_heads=8,
        kv_heads=2,
        head_dim=256,
        sliding_window=512,
        layer_types=LayerTypes(sliding_attention=28, full_attention=7),
        kv_shared_layers=15,
    )
    per = 2 * 2 * 256 * 2
    assert kv_cache_bytes(a, 8192)[0] == per * (4 * 8192 + 16 * 512)


def test_dsa_indexer_keys_are_cached() -> None:
    a = GLM47_FLASH.model_copy(update={"index_heads": 32, "index_head_dim": 128})
    assert kv_cache_bytes(a, 100)[0] == 47 * (512 + 64 + 128) * 2 * 100


def test_estimate_counts_state_in_total_and_per_layer() -> None:
    est = estimate(model_entry(QWEN36_35B), "Q4_K_M", 8192)
    assert est.kv_cache_bytes == 20 * KIB * 8192 and est.state_bytes == 65_863_680
    assert est.total_bytes == (
        est.weights_bytes + est.kv_cache_bytes + est.state_bytes + est.vision_bytes + est.overhead_bytes
    )
    assert est.per_layer_state_bytes == round(65_863_680 / 40)
    assert est.basis["state"] == "formula"
    plain = estimate(
        model_entry(Architecture(layers=2, hidden_size=256, attention_heads=4, intermediate_size=512, vocab_size=1000)),
        "Q8_0",
        512,
    )
    assert plain.state_bytes == 0 and plain.per_layer_state_bytes is None and plain.basis["state"] == "none"


def test_hybrid_weights_shapes_match_parameter_counts() -> None:
    # Qwen3.6-35B-A3B: 35B with its vision encoder (model card); the text tensors are ~34.7B
    s = tensor_shapes(QWEN36_35B)
    assert s is not None and 34.0e9 < s.params < 35.2e9
    # Nemotron 3 Nano: "31.6B total" (technical report)
    s = tensor_shapes(NEMOTRON3_NANO)
    assert s is not None and abs(s.params / 31.6e9 - 1) < 0.01
    # GLM-4.7-Flash: "30B-A3B"; with the MTP layer the GGUF holds ~31B
    s = tensor_shapes(GLM47_FLASH)
    assert s is not None and 29e9 < s.params < 32e9


def test_ssm_tensors_stay_f32_in_gguf() -> None:
    from llmpick.estimate.weights import _storage, _tensor_ctx
    from llmpick.quant import resolve_quant

    ctx = _tensor_ctx(NEMOTRON3_NANO, False)
    for q in ("Q4_K_M", "Q8_0", "BF16"):
        assert _storage(resolve_quant(q), "f32", True, False, ctx) == ((None, 32.0, None),)
