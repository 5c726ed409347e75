"""Fit classification, per-card placement, tensor parallelism, quant choice, ranking, and the catalog sanity list."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmpick.hardware import HardwareFlags, resolve
from llmpick.recommend import (
    Constraints,
    QualityModel,
    candidates,
    check,
    place_layers,
    quant_kept,
    recommend,
    valid_tp_sizes,
)
from llmpick.schema import CatalogEntry, Model
from llmpick.units import GIB

MISTRAL_7B = dict(
    type="MistralForCausalLM",
    layers=32,
    hidden_size=4096,
    intermediate_size=14336,
    attention_heads=32,
    kv_heads=8,
    head_dim=128,
    vocab_size=32000,
    max_context=32768,
    tie_word_embeddings=False,
    dtype="bfloat16",
)
LLAMA_70B = dict(
    MISTRAL_7B,
    type="LlamaForCausalLM",
    layers=80,
    hidden_size=8192,
    intermediate_size=28672,
    attention_heads=64,
    max_context=8192,
)
QWEN_32B = dict(
    MISTRAL_7B,
    type="Qwen2ForCausalLM",
    layers=64,
    hidden_size=5120,
    intermediate_size=27648,
    attention_heads=40,
    vocab_size=152064,
)


def model(mid: str, params: int, arch: dict, uses=("chat", "assistant"), artifacts=None, **kw) -> Model:
    art = artifacts if artifacts is not None else [{"format": "gguf", "repo": mid + "-GGUF"}]
    entry = CatalogEntry.model_validate(
        dict(
            name=mid,
            family="t",
            organization="t",
            summary="t",
            method="base",
            params={"total": params},
            arch=arch,
            license="apache-2.0",
            license_class=kw.pop("license_class", "permissive"),
            uses=list(uses),
            artifacts=art,
            sources=["test"],
            released=kw.pop("released", "2024-06"),
            **kw,
        )
    )
    return Model(mid, entry, "<test>")


TINY = [
    model("t/small-7b", 7_241_732_096, MISTRAL_7B),
    model("t/mid-32b", 32_763_876_352, QWEN_32B, uses=("coding", "chat")),
    model("t/big-70b", 68_976_648_192, LLAMA_70B, license_class="non-commercial"),
]


def hw(**flags):
    return resolve(HardwareFlags(**flags))


def ids(result):
    return [o.model.id for o in result.items]


# --- fit classes ---------------------------------------------------------------------------


def test_fit_classes():
    ok, o, _ = check(TINY[0], hw(vram="24"), Constraints(quant="Q4_K_M"))
    assert ok and o.fit == "gpu"
    ok, o, why = check(TINY[2], hw(vram="24", ram="64", ram_bandwidth="60"), Constraints(quant="Q4_K_M"))
    assert not ok and o.fit == "split" and "offload" in why
    ok, o, _ = check(
        TINY[2], hw(vram="24", ram="64", ram_bandwidth="60"), Constraints(quant="Q4_K_M"), allow_offload=True
    )
    assert ok and o.fit == "split" and 0 < o.placement.gpu_layers < 80
    assert o.run.llama_cpp.endswith(f"-ngl {o.placement.gpu_layers} -c 8192")
    # Issue #10 (D2): a machine without GPUs has no GPUs to fit on; a run from RAM counts with --allow-offload.
    ok, o, why = check(TINY[2], hw(ram="64"), Constraints(quant="Q4_K_M"))
    assert not ok and o.fit == "cpu" and "no GPU" in why and "--allow-offload" in why
    ok, o, why = check(TINY[2], hw(ram="64"), Constraints(quant="Q4_K_M"), allow_offload=True)
    assert ok and o.fit == "cpu" and "--allow-offload" in why
    ok, o, why = check(TINY[2], hw(vram="24"), Constraints(quant="Q4_K_M"))
    assert not ok and o.fit == "none" and "does not fit" in why


def _est(L, per_w, per_kv=0, ov=0, non=0, vis=0):
    return SimpleNamespace(
        layers=L,
        per_layer_weights_bytes=per_w,
        non_layer_weights_bytes=non,
        per_layer_kv_bytes=per_kv,
        kv_cache_bytes=per_kv * L,
        state_bytes=0,
        vision_bytes=vis,
        overhead_per_gpu_bytes=ov,
        weights_bytes=per_w * L + non,
    )


def test_cards_are_not_one_pool():
    est = _est(10, 2 * GIB, ov=int(1.5 * GIB))
    # 22 GiB pooled would hold 20 GiB + one overhead; per card only 4 layers fit on each 11 GiB card.
    assert place_layers(est, [11 * GIB, 11 * GIB], None).fit == "none"
    pl = place_layers(est, [12 * GIB, 12 * GIB], None)
    assert pl.fit == "gpu" and pl.card_layers == [5, 5]
    assert all(b <= 12 * GIB for b in pl.card_bytes)


def test_fewest_cards_and_head_on_last_card():
    est = _est(10, GIB, ov=GIB, non=2 * GIB)
    pl = place_layers(est, [24 * GIB, 24 * GIB], None)
    assert pl.cards_used == 1 and pl.card_layers == [10, 0]
    assert pl.card_bytes[0] == 10 * GIB + GIB + 2 * GIB


def test_split_keeps_head_in_ram():
    est = _est(10, 2 * GIB, ov=GIB, non=GIB)
    pl = place_layers(est, [9 * GIB], 64 * GIB)
    assert pl.fit == "split" and pl.gpu_layers == 4
    assert pl.ram_bytes >= 6 * 2 * GIB + GIB


def test_tensor_parallel_sizes():
    assert valid_tp_sizes(232, 8, 8) == [1, 2, 4, 8]  # Falcon-180B: not 5, 6 or 7
    assert valid_tp_sizes(40, 8, 8) == [1, 2, 4, 8]
    assert valid_tp_sizes(64, 8, 3) == [1, 2]


def test_vllm_needs_divisible_heads():
    falcon = model(
        "t/falcon-180b",
        180_000_000_000,
        dict(
            type="FalconForCausalLM",
            layers=80,
            hidden_size=14848,
            attention_heads=232,
            kv_heads=8,
            head_dim=64,
            vocab_size=65024,
            max_context=2048,
            dtype="bfloat16",
        ),
        artifacts=[],
    )
    ok, o, why = check(falcon, hw(gpu="A100 80GB"), Constraints(quant="BF16"))
    assert not ok and o.placement.cards_needed == 8 and "tensor parallel 8" in why
    ok, o, _ = check(falcon, hw(gpu="8x A100 80GB"), Constraints(quant="BF16"))
    assert ok and o.placement.tensor_parallel == 8
    assert "--tensor-parallel-size 8" in o.run.vllm and "--max-model-len 2048" in o.run.vllm


def test_multi_node_plan_uses_vllm_pipeline_over_ray():
    big = model("t/big-70b-awq", 68_976_648_192, LLAMA_70B, artifacts=[{"format": "awq", "repo": "t/big-AWQ"}])
    ok, o, why = check(big, hw(vram="24"), Constraints(quant="AWQ-4bit"))
    assert not ok and "Ray" in why and o.placement.nodes_needed >= 2
    n = o.placement.nodes_needed
    ok, o, _ = check(big, hw(vram="24", nodes=n), Constraints(quant="AWQ-4bit"))
    assert ok and o.placement.pipeline_parallel == n
    assert "--pipeline-parallel-size" in o.run.vllm and "ray" in o.run.vllm


# --- quality and ranking --------------------------------------------------------------------


def test_quant_quality_table_is_monotonic_in_bits():
    order = ["Q2_K", "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "F16"]
    kept = [quant_kept(q) for q in order]
    assert kept == sorted(kept) and kept[0] < 0.7 < 0.95 < kept[2]


def test_best_quant_that_fits_is_chosen():
    r = recommend(TINY, hw(vram="24"), Constraints(top=10))
    by = {o.model.id: o for o in r.items}
    assert by["t/small-7b"].quant in ("Q8_0", "BF16")
    assert by["t/mid-32b"].quant in ("Q4_K_M", "Q3_K_M")
    assert "t/big-70b" not in by


def test_low_bit_quants_only_when_asked():
    cands = {c.quant for c in candidates(TINY[2], None, hw(vram="24"))}
    assert "IQ2_XS" not in cands and "Q2_K" in cands
    assert {c.quant for c in candidates(TINY[2], "IQ2_XS", hw(vram="24"))} == {"IQ2_XS"}


def test_gpu_fit_beats_split():
    r = recommend(TINY, hw(vram="24", ram="128", ram_bandwidth="80"), Constraints(include_offload=True, top=10))
    fits = [o.fit for o in r.items]
    assert fits.index("gpu") < fits.index("split")
    assert all(o.fit != "split" for o in recommend(TINY, hw(vram="24", ram="128"), Constraints(top=10)).items)


def test_use_and_license_filters():
    r = recommend(TINY, hw(vram="80"), Constraints(uses=["coding"]))
    assert ids(r) == ["t/mid-32b"]
    r = recommend(TINY, hw(vram="80"), Constraints(commercial=True))
    assert "t/big-70b" not in ids(r)


def test_benchmarks_raise_quality():
    scored = model("t/scored-7b", 7_241_732_096, MISTRAL_7B, scores=[{"name": "mmlu", "value": 80, "source": "x"}])
    others = [
        model(f"t/o{i}", 7_241_732_096, MISTRAL_7B, scores=[{"name": "mmlu", "value": 50 + i, "source": "x"}])
        for i in range(3)
    ]
    qm = QualityModel([scored, *others])
    assert qm.quality(scored)[0] > qm.quality(others[0])[0]
    assert "mmlu" in qm.quality(scored)[1]


def test_nothing_fits_gives_a_hint():
    r = recommend(TINY, hw(vram="2"), Constraints())
    assert r.items == [] and "Nothing fits" in r.hint and "--include-offload" in r.hint


def test_cpu_only_machine():
    r = recommend(TINY, hw(ram="32"), Constraints())
    assert r.items and all(o.fit == "cpu" for o in r.items)
    assert all(o.speed.tokens_per_second is None for o in r.items)  # no --ram-bandwidth


def test_min_speed_filter():
    r = recommend(
        TINY, hw(gpu="RTX 3090", ram="64", ram_bandwidth="50"), Constraints(include_offload=True, min_speed=30)
    )
    assert r.items and all(o.speed.tokens_per_second >= 30 for o in r.items)
    # Above the floor the picks are ranked by expected quality: no speed penalty is charged.
    assert all(o.score_parts.speed_penalty == 0 for o in r.items)
    slow = recommend(TINY, hw(gpu="RTX 3090", ram="64", ram_bandwidth="50"), Constraints(include_offload=True, top=50))
    assert any(o.score_parts.speed_penalty > 0 for o in slow.items)  # without --min-speed the penalties apply


@settings(max_examples=25, deadline=None)
@given(st.integers(4, 96), st.integers(1, 40))
def test_more_vram_never_removes_a_recommendation(vram, extra):
    small = set(ids(recommend(TINY, hw(vram=str(vram)), Constraints(top=50))))
    large = set(ids(recommend(TINY, hw(vram=str(vram + extra)), Constraints(top=50))))
    assert small <= large


# --- the sanity list on the real catalog ------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    from llmpick.catalog import load_catalog

    return load_catalog(use_cache=False)


def _get(cat, mid):
    m = cat.get(mid)
    if m is None:
        pytest.skip(f"{mid} is not in the catalog yet")
    return m


def test_sanity_24gb(real):
    r = recommend(real, hw(vram="24"), Constraints(top=300))
    big = [o for o in r.items if (o.model.entry.params.total or 0) > 60e9 and o.fit == "gpu"]
    assert not big, [o.model.id for o in big]
    thirty = [o for o in r.items if 25e9 < (o.model.entry.params.total or 0) < 40e9 and o.fit == "gpu"]
    assert thirty and any(o.quant.startswith(("Q4", "Q3", "AWQ", "GPTQ")) for o in thirty)


def test_sanity_goliath(real):
    m = _get(real, "alpindale/goliath-120b")
    for g in ("RTX 3090", "2x RTX 3090", "RTX 4090", "2x RTX 4090"):
        assert not check(m, hw(gpu=g), Constraints(quant="Q4_K_M"))[0], g
    assert check(m, hw(gpu="2x A6000"), Constraints(quant="Q4_K_M"))[0]
    assert check(m, hw(vram="48", gpus=2), Constraints(quant="Q4_K_M"))[0]


def test_sanity_falcon_180b(real):
    m = _get(real, "tiiuae/falcon-180B-chat")
    ok, o, _ = check(m, hw(gpu="A100 80GB"), Constraints(quant="BF16"))
    assert not ok and o.placement.cards_needed == 8
    assert check(m, hw(gpu="8x A100 80GB"), Constraints(quant="BF16"))[0]


def test_sanity_switch_c(real):
    m = _get(real, "google/switch-c-2048")
    assert check(m, hw(gpu="4x A6000"), Constraints())[1].quant == "QMoE"
    assert check(m, hw(gpu="4x A6000"), Constraints())[0]
    assert check(m, hw(gpu="8x RTX 3090"), Constraints())[0]
    assert not check(m, hw(gpu="4x RTX 3090"), Constraints())[0]
    assert {c.quant for c in candidates(m, None, hw(gpu="4x A6000"))} == {"QMoE"}


def test_a_real_file_size_replaces_the_formula():
    """recommend/check take real sizes (the CLI passes the Hub cache's) over the estimator's formula."""
    from llmpick.catalog import load_catalog

    m = load_catalog().get("mistralai/Mistral-7B-Instruct-v0.1")
    asked = []

    def size(model, quant):
        asked.append((model.id, quant))
        return 5_000_000_000 if quant == "Q4_K_M" else None

    ok, opt, _ = check(m, hw(vram="24"), Constraints(quant="Q4_K_M"), file_size=size)
    assert ok and ("mistralai/Mistral-7B-Instruct-v0.1", "Q4_K_M") in asked
    assert opt.estimate.weights_bytes == 5_000_000_000
    assert opt.estimate.basis["weights"] == "file_size"


def test_quality_ignores_scores_that_are_no_benchmark_result():
    """Issue #10 (D3's recommender side): a NaN, an infinity or 1e308 among a benchmark's scores used to overflow
    the z-scores or drop every model reporting that benchmark; such a value is left out, the others still count.
    Scores built with model_construct: the catalog schema may refuse these values itself."""
    import math

    from llmpick.schema.catalog import Score
    from tests.unit.test_estimate import make

    def model(i: int, value: float) -> Model:
        e = make(7 * 10**9).model_copy(
            update={"scores": [Score.model_construct(name="mmlu", value=value, source="t", date=None)]}
        )
        return Model(f"t/m{i}", e, "x")

    good = [model(i, v) for i, v in enumerate([40.0, 50.0, 60.0, 70.0])]
    bad = [model(10 + i, v) for i, v in enumerate([1e308, -1e308, math.inf, math.nan])]
    qm = QualityModel(good + bad)
    for m in good + bad:
        q, _ = qm.quality(m)
        assert math.isfinite(q) and 0.0 <= q <= 1.0
    assert all("benchmarks" in qm.quality(m)[1] for m in good)
    assert all("benchmarks" not in qm.quality(m)[1] for m in bad)
    assert qm.quality(good[3])[0] > qm.quality(good[0])[0]


def test_size_prior_of_an_absurd_parameter_count_is_clamped_not_a_crash():
    from llmpick.recommend import size_prior
    from llmpick.schema import Params
    from tests.unit.test_estimate import make

    for total, active in ((10**4000, None), (10**4000, 10**3999), (10**400, None)):
        e = make(None).model_copy(update={"params": Params.model_construct(total=total, active=active)})
        assert 0.0 < size_prior(Model("t/huge", e, "x")) <= 1.0
