import pytest

from llmpick.catalog import load_catalog
from llmpick.errors import UsageError
from llmpick.query import ModelFilter, select
from tests.helpers import entry, write_entry


@pytest.fixture
def models(tmp_path):
    write_entry(
        tmp_path,
        "a/small-chat",
        entry(
            method="finetune",
            base_model="a/base",
            uses=["chat", "roleplay"],
            params={"total": 3_000_000_000},
            license_class="non-commercial",
            license="cc-by-nc-4.0",
            origin="FR",
            released="2024-05",
        ),
    )
    write_entry(
        tmp_path,
        "b/big-coder",
        entry(
            method="finetune",
            base_model="b/base",
            uses=["coding"],
            params={"total": 33_000_000_000},
            released="2023-11",
            scores=[{"name": "humaneval", "value": 80.0, "source": "card"}],
        ),
    )
    write_entry(
        tmp_path,
        "c/merge",
        entry(
            method="merge",
            merge_parents=["a/small-chat", "x/y"],
            uses=["roleplay"],
            params={"total": 7_000_000_000},
            flags=["uncensored"],
        ),
    )
    d = entry(params={"total": 70_000_000_000}, released=None)
    d["arch"] = dict(d["arch"], max_context=131072)
    write_entry(tmp_path, "d/long", d)
    return list(load_catalog([tmp_path], builtin=False))


def ids(ms):
    return [m.id for m in ms]


@pytest.mark.parametrize(
    "flt, expected",
    [
        (ModelFilter(uses=["roleplay"]), ["a/small-chat", "c/merge"]),
        (ModelFilter(uses=["roleplay", "chat"]), ["a/small-chat"]),  # every use must match
        (ModelFilter(flags=["uncensored"]), ["c/merge"]),
        (ModelFilter(methods=["merge"]), ["c/merge"]),
        (ModelFilter(commercial=True), ["b/big-coder", "c/merge", "d/long"]),
        (ModelFilter(license_classes=["non-commercial"]), ["a/small-chat"]),
        (ModelFilter(origins=["fr"]), ["a/small-chat"]),
        (ModelFilter(min_params=7_000_000_000, max_params=40_000_000_000), ["b/big-coder", "c/merge"]),
        (ModelFilter(min_context=100_000), ["d/long"]),
        (ModelFilter(search="BIG coder"), ["b/big-coder"]),
        (ModelFilter(families=["nope"]), []),
    ],
)
def test_filters(models, flt, expected):
    assert ids(select(models, flt)) == expected


def test_sorts_put_unknown_last(models):
    assert ids(select(models, ModelFilter(), sort="params")) == ["d/long", "b/big-coder", "c/merge", "a/small-chat"]
    # newest first (2024-05, 2024-01, 2023-11), the unknown release date last
    assert ids(select(models, ModelFilter(), sort="released")) == ["a/small-chat", "c/merge", "b/big-coder", "d/long"]
    assert ids(select(models, ModelFilter(), sort="score"))[0] == "b/big-coder"
    assert ids(select(models, ModelFilter(), sort="id", limit=2)) == ["a/small-chat", "b/big-coder"]


@pytest.mark.parametrize(
    "flt",
    [
        ModelFilter(uses=["cooking"]),
        ModelFilter(methods=["fork"]),
        ModelFilter(license_classes=["free"]),
        ModelFilter(min_params=10, max_params=5),
        ModelFilter(min_context=-1),
    ],
)
def test_bad_filters_are_usage_errors(models, flt):
    with pytest.raises(UsageError):
        select(models, flt)


@pytest.mark.parametrize("sort", ["id", "name", "params", "released", "context", "score"])
@pytest.mark.parametrize(
    "flt",
    [
        ModelFilter(),
        ModelFilter(uses=["coding"]),
        ModelFilter(commercial=True, min_context=32768),
        ModelFilter(search="qwen"),
    ],
)
def test_facts_from_the_index_select_what_the_models_select(flt, sort):
    """A warm `list` filters and sorts the index's facts; the models give the same answer."""
    from llmpick.query import select_facts

    load_catalog()  # writes the index
    warm = load_catalog()
    cold = load_catalog(use_cache=False)
    assert [f.id for f in select_facts(warm.facts(), flt, sort=sort)] == ids(select(cold, flt, sort=sort))


def test_an_empty_filter_passes_everything(models):
    assert ModelFilter().is_empty() and not ModelFilter(search="x").is_empty()
    assert all(ModelFilter().matches(m) for m in models)
