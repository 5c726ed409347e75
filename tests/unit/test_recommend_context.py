"""recommend/context.py: the longest context of each pick, and the q8_0 KV suggestion."""

from __future__ import annotations

import pytest

from llmpick.catalog import load_catalog
from llmpick.estimate import estimate
from llmpick.hardware import HardwareFlags, resolve
from llmpick.recommend import Constraints, check
from llmpick.recommend.context import longest_context, placed, q8_0_kv_fits_gpu, resized


@pytest.fixture(scope="module")
def real():
    return {m.id: m for m in load_catalog(use_cache=False)}


def hw(**flags):
    return resolve(HardwareFlags(**flags))


def test_resized_matches_a_fresh_estimate(real):
    """Re-sizing the pick's estimate to another context gives the estimator's own figures at that context."""
    m = real["Qwen/Qwen3-32B"]
    ok, o, _ = check(m, hw(gpu="RTX 4090", ram="64"), Constraints(quant="Q4_K_M"), catalog=list(real.values()))
    assert ok
    for ctx, kv in ((4096, "f16"), (30000, "q8_0"), (1, "f16")):
        got = resized(o, ctx, kv)
        want = estimate(m, "Q4_K_M", ctx, kv_cache=kv, engine="llama.cpp", file_size_bytes=o.candidate.size_bytes)
        assert got is not None
        assert got.total_bytes == want.total_bytes and got.kv_cache_bytes == want.kv_cache_bytes


def test_longest_context_is_the_edge_of_the_fit(real):
    m = real["Qwen/Qwen3-32B"]
    machine = hw(gpu="RTX 4090", ram="64")
    _, o, _ = check(m, machine, Constraints(quant="Q4_K_M"), catalog=list(real.values()))
    f16, q8 = longest_context(o, machine, "f16"), longest_context(o, machine, "q8_0")
    assert f16 is not None and q8 is not None
    assert o.context <= f16 < q8  # a q8_0 cache is about half the size: more context
    for kv, n in (("f16", f16), ("q8_0", q8)):
        inside, outside = placed(o, machine, resized(o, n, kv)), placed(o, machine, resized(o, n + 1, kv))
        assert inside is not None and inside.fit == "gpu"
        assert outside is not None and outside.fit != "gpu"


def test_longest_context_stops_at_the_models_maximum(real):
    m = real["openai/gpt-oss-20b"]
    machine = hw(gpu="RTX 4090", ram="64")
    _, o, _ = check(m, machine, Constraints(), catalog=list(real.values()))
    assert longest_context(o, machine, "f16") == m.entry.arch.max_context


def test_q8_0_kv_suggested_when_it_turns_a_split_into_a_gpu_fit(real):
    """Find a context where Qwen3-32B Q4_K_M spills on a 24 GiB card with an f16 cache but fits with q8_0."""
    m = real["Qwen/Qwen3-32B"]
    machine = hw(gpu="RTX 4090", ram="64", ram_bandwidth="89.6")
    _, base, _ = check(m, machine, Constraints(quant="Q4_K_M"), catalog=list(real.values()))
    f16, q8 = longest_context(base, machine, "f16"), longest_context(base, machine, "q8_0")
    assert f16 is not None and q8 is not None and q8 > f16 + 1
    ctx = (f16 + q8) // 2
    ok, o, _ = check(
        m, machine, Constraints(quant="Q4_K_M", context=ctx), allow_offload=True, catalog=list(real.values())
    )
    assert ok and o.fit == "split"
    assert q8_0_kv_fits_gpu(o, machine)
    assert any("-ctk q8_0 -ctv q8_0" in r for r in o.reasons)
    assert not q8_0_kv_fits_gpu(base, machine)  # already on the GPU: nothing to suggest
