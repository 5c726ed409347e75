"""The recommender's search bound comes from the estimator: it never exceeds the estimate it stands for."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmpick.catalog import load_catalog
from llmpick.estimate import estimate, reference_gguf_bits, weights_lower_bound
from llmpick.quant import REFERENCE_GGUF_BITS, all_quants
from tests.unit.test_estimate import make

QUANTS = [q.name for q in all_quants()] + ["EXL2-4.65bpw", "EXL2-2.5bpw"]


def _assert_below(entry, quant, file_size=None):
    est = estimate(entry, quant, 512, file_size_bytes=file_size)
    bound = weights_lower_bound(entry, quant, file_size_bytes=file_size)
    if est.basis["weights"] == "unknown":
        assert bound is None
        return
    assert bound is not None
    total, active = bound
    assert total <= est.weights_bytes, (quant, total, est.weights_bytes)
    assert active <= est.active_weights_bytes, (quant, active, est.active_weights_bytes)
    return total / est.weights_bytes


def test_reference_bits_stored_in_quant_match_the_estimator():
    """quant.py keeps the typical bits of each mix as data (no import cycle); they must stay the estimator's."""
    assert reference_gguf_bits() == REFERENCE_GGUF_BITS


def test_bound_never_exceeds_the_estimate_for_any_catalog_model():
    """Every seed model at every format; and the bound is tight (within 3 % on formula-based weights)."""
    ratios = []
    for m in load_catalog():
        for q in QUANTS:
            r = _assert_below(m, q)
            if r is not None and estimate(m, q, 512).basis["weights"] == "formula":
                ratios.append(r)
    assert ratios and min(ratios) > 0.97


def test_bound_follows_gpt_oss_experts_kept_in_mxfp4():
    """gpt-oss keeps its experts in MXFP4 in every GGUF: at Q8_0 the weights are far below params x 8.5 bits."""
    m = load_catalog().get("openai/gpt-oss-120b")
    total, _ = weights_lower_bound(m, "Q8_0")
    naive = 0.85 * m.entry.params.total * 8.5 / 8  # the bound the search used to restate
    assert total < 0.7 * naive
    assert total <= estimate(m, "Q8_0", 512).weights_bytes


def test_a_plausible_real_file_size_is_the_bound():
    m = load_catalog().get("mistralai/Mistral-7B-Instruct-v0.1")
    assert weights_lower_bound(m, "Q4_K_M", file_size_bytes=4_100_000_000)[0] == 4_100_000_000
    _assert_below(m, "Q4_K_M", file_size=4_100_000_000)


@pytest.mark.parametrize("size", [1, 1000, 2_000_000_000, 9_000_000_000, 0, -5])
def test_an_implausible_file_size_is_refused_by_the_bound_as_by_the_estimate(size):
    """Issue #10 (D26): the bound used to be the real size however small (1000 bytes for a 7B at Q4_K_M); the
    estimate now refuses a size outside 1/2x-2x of the formula, and the bound follows it."""
    m = load_catalog().get("mistralai/Mistral-7B-Instruct-v0.1")
    est = estimate(m, "Q4_K_M", 512, file_size_bytes=size)
    assert est.basis["weights"] == "formula" and any("refused" in a for a in est.assumptions)
    bound = weights_lower_bound(m, "Q4_K_M", file_size_bytes=size)
    assert bound is not None and bound[0] > 0.97 * est.weights_bytes
    _assert_below(m, "Q4_K_M", file_size=size)


archs = st.fixed_dictionaries(
    {
        "layers": st.integers(1, 100),
        "hidden_size": st.sampled_from([64, 96, 256, 2880, 4096, 5120, 7168]),
        "heads": st.sampled_from([1, 2, 4, 8, 32, 64]),
        "gqa": st.sampled_from([1, 2, 4, 8]),
        "intermediate_size": st.sampled_from([100, 256, 1000, 2880, 11008, 14336]),
        "vocab_size": st.integers(100, 300_000),
        "experts": st.one_of(st.none(), st.sampled_from([4, 8, 32, 128])),
        "shared": st.one_of(st.none(), st.integers(1, 2)),
        "tied": st.one_of(st.none(), st.booleans()),
        "type": st.sampled_from(["LlamaForCausalLM", "Qwen2ForCausalLM", "FalconForCausalLM", "Phi3ForCausalLM"]),
        "dtype": st.sampled_from(["bfloat16", "mxfp4"]),
        "params_factor": st.one_of(st.none(), st.floats(0.5, 2.0)),
        "released": st.sampled_from([None, "2023-09", "2025-08"]),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(archs, st.sampled_from(QUANTS))
def test_bound_never_exceeds_the_estimate_on_random_architectures(d, quant):
    heads = d["heads"] * d["gqa"]
    arch = dict(
        type=d["type"],
        layers=d["layers"],
        hidden_size=d["hidden_size"],
        attention_heads=heads,
        kv_heads=d["heads"],
        head_dim=max(1, d["hidden_size"] // heads),
        intermediate_size=d["intermediate_size"],
        vocab_size=d["vocab_size"],
        tie_word_embeddings=d["tied"],
        dtype=d["dtype"],
    )
    if d["experts"]:
        arch.update(experts=d["experts"], experts_per_token=2, shared_experts=d["shared"])
    probe = make(None, **arch)
    shape_params = estimate(probe, "F32", 512).weights_bytes // 4  # F32 weights: 4 bytes per parameter
    params = round(shape_params * d["params_factor"]) if d["params_factor"] else None
    active = None
    if params and d["experts"]:
        active = max(1, params // 4)
    _assert_below(make(params, active, released=d["released"], **arch), quant)
