"""`estimate` on the shipped catalog entries of today's hybrids: KV cache and recurrent state exactly as llama.cpp
allocates them, weights against the real GGUF files.

KV cache (llama.cpp src/llama-kv-cache.cpp): only layers with attention hold K and V, each
n_head_kv x head_dim per token, f16 = 2 bytes; the context here (8192) is a multiple of llama.cpp's 256-cell
padding.  State (src/llama-memory-recurrent.cpp, src/llama-hparams.cpp; see test_state.py): per recurrent layer,
f32, r = (d_conv - 1) x (d_inner + 2 x n_group x d_state) and s = d_state x d_inner (Gated DeltaNet:
d_inner = value heads x value head dim, n_group = key heads; LFM2's short conv: r = hidden x (L_cache - 1), no s).
Every figure below is written from the config.json values (quoted in each catalog entry's sources), not from the
estimator.  File sizes: benchmarks/data/gguf_sizes_calibration.csv, where each row names its source.
"""

from __future__ import annotations

import pytest

from llmpick.catalog import Catalog, load_catalog
from llmpick.estimate import estimate

CTX = 8192

# (catalog id, KV bytes per token at f16, state bytes per sequence)
CASES = [
    # 10 of 40 layers full attention, 2 KV heads x 256; 30 Gated DeltaNet layers (kernel 4, keys 16 x 128,
    # values 32 x 128): the "20 KiB per token"
    ("Qwen/Qwen3.6-35B-A3B", 10 * 2 * 2 * 256 * 2, 30 * (3 * (2 * 16 * 128 + 32 * 128) + 128 * 32 * 128) * 4),
    # 12 of 48 full attention (full_attention_interval 4), same attention and GDN sizes
    (
        "Qwen/Qwen3-Next-80B-A3B-Instruct",
        12 * 2 * 2 * 256 * 2,
        36 * (3 * (2 * 16 * 128 + 32 * 128) + 128 * 32 * 128) * 4,
    ),
    # hybrid_override_pattern: 6 attention layers (2 KV heads x 128), 23 Mamba-2 (64 x 64 heads, 8 groups, state 128)
    (
        "nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16",
        6 * 2 * 2 * 128 * 2,
        23 * (3 * (64 * 64 + 2 * 8 * 128) + 128 * 64 * 64) * 4,
    ),
    # 4 of 40 attention (8 KV heads x 128), 36 Mamba-2 (128 x 64 heads, 1 group, state 128)
    ("ibm-granite/granite-4.0-h-small", 4 * 2 * 8 * 128 * 2, 36 * (3 * (128 * 64 + 2 * 128) + 128 * 128 * 64) * 4),
    # 4 of 40 attention (4 KV heads x 128), 36 Mamba-2 (48 x 64 heads)
    ("ibm-granite/granite-4.0-h-tiny", 4 * 2 * 4 * 128 * 2, 36 * (3 * (48 * 64 + 2 * 128) + 128 * 48 * 64) * 4),
    # 4 of 32 attention (4 KV heads x 64), 28 Mamba-2 (48 x 32 heads)
    ("ibm-granite/granite-4.0-h-350m", 4 * 2 * 4 * 64 * 2, 28 * (3 * (48 * 32 + 2 * 128) + 128 * 48 * 32) * 4),
    # 6 of 24 attention (8 KV heads x 64), 18 short-conv layers (L_cache 3, hidden 2048)
    ("LiquidAI/LFM2-8B-A1B", 6 * 2 * 8 * 64 * 2, 18 * 2048 * 2 * 4),
]

# (catalog id, quant, real bytes of the GGUF file): rows of benchmarks/data/gguf_sizes_calibration.csv
FILES = [
    ("Qwen/Qwen3.6-35B-A3B", "Q4_K_M", 21_166_757_888),
    ("Qwen/Qwen3-Next-80B-A3B-Instruct", "Q4_K_M", 48_506_100_512),
    ("nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16", "Q4_K_M", 24_655_899_872),
    ("ibm-granite/granite-4.0-h-small", "Q4_K_M", 19_476_621_984),
    ("ibm-granite/granite-4.0-h-tiny", "Q4_K_M", 4_230_976_352),
    ("ibm-granite/granite-4.0-h-350m", "Q8_0", 366_195_616),
    ("LiquidAI/LFM2-8B-A1B", "Q4_K_M", 5_044_779_712),
    # params.total is the card's "2B" / "4B": the shapes are trusted within that rounding (weights._rounding)
    ("Qwen/Qwen3.5-2B", "Q4_K_M", 1_280_835_840),
    ("Qwen/Qwen3.5-4B", "Q4_K_M", 2_740_937_888),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(use_cache=False)


@pytest.mark.parametrize(("model_id", "kv_per_token", "state_per_seq"), CASES)
def test_kv_and_state_match_llama_cpp(catalog: Catalog, model_id: str, kv_per_token: int, state_per_seq: int) -> None:
    m = catalog.get(model_id)
    assert m is not None
    entry = m.entry
    e = estimate(entry, "Q4_K_M", CTX)
    assert e.kv_cache_bytes == kv_per_token * CTX
    assert e.state_bytes == state_per_seq
    # four sequences: four KV caches of their own context and four states
    e4 = estimate(entry, "Q4_K_M", CTX, parallel=4)
    assert (e4.kv_cache_bytes, e4.state_bytes) == (4 * kv_per_token * CTX, 4 * state_per_seq)


@pytest.mark.parametrize(("model_id", "quant", "real"), FILES)
def test_weights_within_two_percent_of_the_real_file(catalog: Catalog, model_id: str, quant: str, real: int) -> None:
    m = catalog.get(model_id)
    assert m is not None
    # the formula, not the file: an artifact's size_bytes would win over it (estimate/core.py)
    w = estimate(m.entry.model_copy(update={"artifacts": []}), quant, CTX).weights_bytes
    assert w is not None
    assert abs(w - real) / real <= 0.02, f"{model_id} {quant}: {w} vs {real}"


def test_catalog_artifacts_carry_the_same_file_sizes(catalog: Catalog) -> None:
    # where the catalog lists the benchmarked file, it states the same byte count
    seen = 0
    for model_id, quant, real in FILES:
        m = catalog.get(model_id)
        assert m is not None
        for art in m.entry.artifacts:
            for f in art.files:
                if f.quant == quant and f.size_bytes is not None:
                    assert f.size_bytes == real, (model_id, art.repo, f.file)
                    seen += 1
                    # and the estimate takes the real file for the weights
                    assert estimate(m.entry, quant, CTX).weights_bytes == real
    assert seen >= 5
