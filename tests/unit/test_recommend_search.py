"""The best-first search returns what evaluating everything returns: same items, same order, same scores."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmpick.catalog import load_catalog
from llmpick.hardware import HardwareFlags, resolve
from llmpick.recommend import Constraints, check, rank_exhaustively, recommend, score_bound
from llmpick.recommend.search import _setup


@pytest.fixture(scope="module")
def real():
    return list(load_catalog(use_cache=False))


def hw(**flags):
    return resolve(HardwareFlags(**flags))


def same_ranking(models, machine, cons, file_size=None):
    got = recommend(models, machine, cons, file_size=file_size)
    want = rank_exhaustively(models, machine, cons, file_size=file_size)
    assert [(o.model.id, o.quant, o.fit, o.score) for o in got.items] == [
        (o.model.id, o.quant, o.fit, o.score) for o in want
    ]
    return got


@pytest.mark.parametrize(
    "flags, cons",
    [
        ({"vram": "24"}, {}),
        ({"gpu": "2x RTX 3090", "ram": "64", "ram_bandwidth": "80"}, {"uses": ["coding"], "include_offload": True}),
        ({"ram": "32"}, {}),
        ({"gpu": "M2 Max 64GB"}, {"uses": ["roleplay"]}),
        ({"vram": "80"}, {}),
        ({"vram": "96"}, {}),
        ({"gpu": "H100 80GB"}, {}),
        ({"gpu": "H100 80GB", "ram": "256"}, {"include_offload": True, "uses": ["reasoning"]}),
        # Issue #12: MoE experts in RAM (moe-offload) next to layer splits
        ({"gpu": "RTX 4090", "ram": "64", "ram_bandwidth": "89.6"}, {"include_offload": True}),
        ({"gpu": "RTX 3060", "ram": "32"}, {"include_offload": True, "uses": ["coding"]}),
        ({"gpu": "2x RTX 3090", "ram": "128", "ram_bandwidth": "60"}, {"include_offload": True}),
    ],
)
def test_search_ranks_like_evaluating_everything(real, flags, cons):
    same_ranking(real, hw(**flags), Constraints(top=10, **cons))


def test_moe_offload_ranks_like_evaluating_everything(real):
    """A 24 GiB card with 64 GiB RAM: MoE models placed with their experts in RAM, in the same order both ways."""
    got = same_ranking(real, hw(gpu="RTX 4090", ram="64"), Constraints(top=len(real), include_offload=True))
    assert "moe-offload" in {o.fit for o in got.items}


@pytest.mark.parametrize("vram", ["80", "96"])
def test_gpt_oss_120b_gets_its_best_quantization(real, vram):
    """Its experts stay MXFP4 in every GGUF, so Q8_0 fits in 80 GiB; the search used to stop at Q6_K."""
    got = same_ranking(real, hw(vram=vram), Constraints(top=len(real)))
    by_id = {o.model.id: o for o in got.items}
    m = next(m for m in real if m.id == "openai/gpt-oss-120b")
    ok, best, _ = check(m, hw(vram=vram), Constraints(), catalog=real)
    assert ok and by_id[m.id].quant == best.quant and by_id[m.id].score == best.score


@pytest.mark.parametrize("offload", [True, False])
def test_the_bound_is_above_every_exact_score(real, offload):
    """score_bound >= the exact score of every candidate it lets through, on a machine that takes offload (without
    --include-offload: experts in RAM at an interactive speed)."""
    from llmpick.recommend import candidates

    machine = hw(gpu="RTX 4090", ram="64", ram_bandwidth="60")
    s, _ = _setup(real, machine, Constraints(include_offload=offload), None, None)
    checked = 0
    for m in real:
        for c in candidates(m, None, machine):
            o = s.evaluate(m, c)
            b = score_bound(s, m, c)
            if b is None:
                assert not s.accepts(o), (m.id, c.quant, o.fit)
            else:
                assert o.score <= b + 0.01, (m.id, c.quant, o.score, b)
                checked += 1
    assert checked > 100


def test_recommend_and_check_leave_the_constraints_alone(real):
    cons = Constraints(quant="q4_k_m", top=3)
    recommend(real, hw(vram="24"), cons)
    check(real[0], hw(vram="24"), cons)
    assert cons.quant == "q4_k_m" and cons.include_offload is False


CARD_SIZES = st.sampled_from(["8", "12", "16", "24", "32", "48", "80", "96"])
machines = st.one_of(
    st.builds(
        lambda cards, ram, bw: {"vram": ",".join(cards), **ram, **bw},
        st.lists(CARD_SIZES, min_size=1, max_size=4),
        st.one_of(st.just({}), st.builds(lambda r: {"ram": r}, st.sampled_from(["16", "32", "64", "128", "512"]))),
        st.one_of(st.just({}), st.builds(lambda b: {"ram_bandwidth": b}, st.sampled_from(["40", "90", "400"]))),
    ),
    st.builds(
        lambda g, ram: {"gpu": g, **ram},
        st.sampled_from(["RTX 4090", "2x RTX 3090", "RTX 3060", "A100 80GB", "4x A6000", "H100 80GB", "RX 7900 XTX"]),
        st.one_of(st.just({}), st.builds(lambda r: {"ram": r}, st.sampled_from(["32", "64", "256"]))),
    ),
    st.builds(lambda r: {"unified": True, "ram": r}, st.sampled_from(["16", "36", "64", "128", "192"])),
    st.builds(lambda r: {"ram": r, "ram_bandwidth": "60"}, st.sampled_from(["16", "64", "256"])),
)
constraints = st.builds(
    lambda uses, offload, top, ctx: Constraints(uses=uses, include_offload=offload, top=top, context=ctx),
    st.one_of(st.just([]), st.lists(st.sampled_from(["coding", "chat", "roleplay", "reasoning"]), max_size=1)),
    st.booleans(),
    st.integers(1, 12),
    st.sampled_from([2048, 8192, 32768]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(machines, constraints, st.data())
def test_search_equals_exhaustive_on_random_hardware_and_catalogs(real, flags, cons, data):
    subset = data.draw(st.lists(st.sampled_from(real), min_size=1, max_size=40, unique_by=lambda m: m.id))
    same_ranking(subset, hw(**flags), cons)


# --- Issue #10 (D1, D26): unknown weights and implausible file sizes ---------------------------------------------


def without_weights(m):
    """The same model with neither a parameter count, a vocabulary nor file sizes: its weights cannot be estimated."""
    from llmpick.schema import Model

    e = m.entry
    arts = [
        a.model_copy(update={"files": [f.model_copy(update={"size_bytes": None}) for f in a.files]})
        for a in e.artifacts
    ]
    entry = e.model_copy(
        update={
            "params": e.params.model_copy(update={"total": None, "active": None}),
            "arch": e.arch.model_copy(update={"vocab_size": None}),
            "artifacts": arts,
        }
    )
    return Model(m.id + "-unknown", entry, m.path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(machines, constraints, st.data())
def test_search_equals_exhaustive_with_unknown_weights_and_implausible_sizes(real, flags, cons, data):
    """Unknown weights never fit (the bound says None, the evaluation 'none'), and a 1-byte real size is refused by
    the bound as by the estimate: the search still equals evaluating everything."""
    subset = data.draw(st.lists(st.sampled_from(real), min_size=1, max_size=25, unique_by=lambda m: m.id))
    unknown = [without_weights(m) for m in data.draw(st.lists(st.sampled_from(real), max_size=4, unique_by=id))]
    tiny = {m.id for m in data.draw(st.lists(st.sampled_from(subset), max_size=5, unique_by=id))}

    def file_size(m, quant):
        return 1 if m.id in tiny else None

    got = same_ranking(subset + unknown, hw(**flags), cons, file_size=file_size)
    for o in got.items:
        assert not o.model.id.endswith("-unknown")
        assert o.estimate.weights_bytes is not None and o.estimate.weights_bytes > 1000


def test_check_cannot_tell_when_the_weights_are_unknown(real):
    m = without_weights(next(m for m in real if m.id == "mistralai/Mistral-7B-v0.1"))
    ok, o, why = check(m, hw(vram="80"), Constraints(), catalog=real)
    assert not ok and o.fit == "none" and why.startswith("cannot tell whether it fits")
    assert o.memory.total_bytes is None and o.memory.weights_bytes is None


@pytest.mark.parametrize("flags", [{"vram": "24"}, {"gpu": "RTX 4090", "ram": "64"}, {"ram": "32"}])
def test_a_catalog_searched_from_its_facts_ranks_like_its_models(flags):
    """From a loaded catalog the search reads the index's facts and builds only the models it expands; the
    ranking is the one a list of built models gets."""
    cat = load_catalog()
    machine = hw(**flags)
    cons = Constraints(top=15, include_offload=True)
    lazy = recommend(cat, machine, cons)
    built = recommend(list(load_catalog(use_cache=False)), machine, cons)
    assert [(o.model.id, o.quant, o.score) for o in lazy.items] == [(o.model.id, o.quant, o.score) for o in built.items]
    assert lazy.considered == built.considered
    assert [(o.model.id, o.quant) for o in rank_exhaustively(cat, machine, cons)] == [
        (o.model.id, o.quant) for o in lazy.items
    ]


def test_a_search_from_the_index_builds_only_the_models_it_expands():
    load_catalog()  # writes the index
    cat = load_catalog()
    recommend(cat, hw(vram="24"), Constraints(top=3))
    built = sum(1 for slot in cat._slots.values() if slot.model is not None)
    assert 0 < built < len(cat) // 2, built
