import os
from pathlib import Path

import pytest

from llmpick.catalog import load_catalog
from llmpick.errors import UsageError
from tests.helpers import entry, write_entry


def load(*dirs, **kw):
    return load_catalog(list(dirs), builtin=False, **kw)


def test_good_catalog_loads_with_ids_from_paths(tmp_path):
    write_entry(tmp_path, "org/Model-A", entry())
    write_entry(tmp_path, "org/Model-B", entry(method="finetune", base_model="org/Model-A", uses=["chat"]))
    cat = load(tmp_path)
    assert cat.problems == []
    assert sorted(m.id for m in cat) == ["org/Model-A", "org/Model-B"]
    assert [c.id for c in cat.children("org/Model-A")] == ["org/Model-B"]


BROKEN = {
    "not-yaml": ("name: [unclosed\n", 1, "not valid YAML"),
    "wrong-type": ("WRONG_TYPE", 9, "arch.layers"),
    "unknown-key": ("UNKNOWN_KEY", 1, "colour: unknown field"),
    "negative": ("NEGATIVE", 9, "params.total"),
    "not-utf8": (b"name: caf\xe9\n", 1, "not UTF-8"),
    "bomb": (
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n",
        1,
        "anchors/aliases",
    ),
    "a-list": ("- 1\n- 2\n", 1, "expected a mapping"),
}


def _broken_content(kind):
    import yaml

    raw, _line, _msg = BROKEN[kind]
    if raw == "WRONG_TYPE":
        d = entry()
        d["arch"] = dict(d["arch"], layers="many")
        return yaml.safe_dump(d, sort_keys=False)
    if raw == "UNKNOWN_KEY":
        return "colour: red\n" + yaml.safe_dump(entry(), sort_keys=False)
    if raw == "NEGATIVE":
        return yaml.safe_dump(entry(params={"total": -7}), sort_keys=False)
    return raw


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_each_broken_file_is_reported_with_file_and_line_and_the_rest_loads(tmp_path, kind):
    write_entry(tmp_path, "org/good", entry())
    path = write_entry(tmp_path, f"org/{kind}", _broken_content(kind))
    cat = load(tmp_path)
    assert [m.id for m in cat] == ["org/good"]
    assert len(cat.problems) >= 1
    text = [str(p) for p in cat.problems]
    _raw, _line, msg = BROKEN[kind]
    assert any(t.startswith(f"{path}:") and msg in t for t in text), text
    if kind == "wrong-type":
        p = next(p for p in cat.problems if p.field == "arch.layers")
        layers_line = Path(path).read_text().splitlines().index("  layers: many") + 1
        assert p.line == layers_line


def test_all_problems_are_collected_at_once(tmp_path):
    for kind in BROKEN:
        write_entry(tmp_path, f"org/{kind}", _broken_content(kind))
    cat = load(tmp_path)
    assert len({p.path for p in cat.problems}) == len(BROKEN)


def test_duplicate_id_differing_in_case(tmp_path):
    write_entry(tmp_path, "org/Model", entry())
    write_entry(tmp_path, "org/model", entry())
    cat = load(tmp_path)
    assert len(cat) == 1
    assert any("duplicate id" in str(p) for p in cat.problems)


def test_lineage_cycle_is_a_problem(tmp_path):
    write_entry(tmp_path, "org/a", entry(method="finetune", base_model="org/b", uses=["chat"]))
    write_entry(tmp_path, "org/b", entry(method="finetune", base_model="org/a", uses=["chat"]))
    cat = load(tmp_path)
    assert any("cycle" in str(p) for p in cat.problems)


def test_own_parent_is_a_problem(tmp_path):
    write_entry(tmp_path, "org/a", entry(method="finetune", base_model="org/a", uses=["chat"]))
    assert any("own parent" in str(p) for p in load(tmp_path).problems)


def test_overlay_overrides_builtin_entry_with_same_id(tmp_path):
    base, overlay = tmp_path / "base", tmp_path / "overlay"
    write_entry(base, "org/m", entry(name="Original"))
    write_entry(overlay, "org/m", entry(name="Mine"))
    cat = load(base, overlay)
    assert cat.get("org/m").entry.name == "Mine"


def test_llmpick_catalog_env_adds_folders(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    write_entry(a, "x/one", entry())
    write_entry(b, "y/two", entry())
    monkeypatch.setenv("LLMPICK_CATALOG", os.pathsep.join([str(a), str(b)]))
    assert sorted(m.id for m in load()) == ["x/one", "y/two"]


def test_index_cache_is_used_and_invalidated_by_edits(tmp_path):
    write_entry(tmp_path / "c", "org/m", entry(name="First"))
    assert load(tmp_path / "c").get("org/m").entry.name == "First"
    index = next((tmp_path / "cache").glob("catalog-index-*.json"))
    assert "First" in index.read_text()
    write_entry(tmp_path / "c", "org/m", entry(name="Second, longer"))
    assert load(tmp_path / "c").get("org/m").entry.name == "Second, longer"


def test_corrupt_index_is_ignored(tmp_path):
    write_entry(tmp_path / "c", "org/m", entry())
    load(tmp_path / "c")
    index = next((tmp_path / "cache").glob("catalog-index-*.json"))
    index.write_text("{not json")
    assert len(load(tmp_path / "c")) == 1


@pytest.fixture
def cat(tmp_path):
    for mid in [
        "teknium/OpenHermes-2.5-Mistral-7B",
        "teknium/OpenHermes-2-Mistral-7B",
        "01-ai/Yi-34B",
        "01-ai/Yi-34B-Chat",
        "alpindale/goliath-120b",
    ]:
        write_entry(tmp_path, mid, entry())
    # A merge of OpenHermes 2.5: "openhermes-2.5" still means the model it derives from.
    write_entry(
        tmp_path,
        "Weyaxi/OpenHermes-2.5-neural-chat-7b-v3-1-7B",
        entry(method="merge", uses=["chat"], merge_parents=["teknium/OpenHermes-2.5-Mistral-7B", "x/y"]),
    )
    return load(tmp_path)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("openhermes-2.5", "teknium/OpenHermes-2.5-Mistral-7B"),
        ("openhermes-2.5-neural", "Weyaxi/OpenHermes-2.5-neural-chat-7b-v3-1-7B"),
        ("yi-34b", "01-ai/Yi-34B"),  # exact name beats the longer Yi-34B-Chat
        ("GOLIATH", "alpindale/goliath-120b"),
        ("01-ai/yi-34b-chat", "01-ai/Yi-34B-Chat"),
    ],
)
def test_resolve(cat, name, expected):
    assert cat.resolve(name).id == expected


def test_resolve_ambiguous_lists_candidates(cat):
    with pytest.raises(UsageError) as info:
        cat.resolve("openhermes")
    assert "OpenHermes-2.5-Mistral-7B" in info.value.message and "OpenHermes-2-Mistral-7B" in info.value.message


def test_resolve_unknown_suggests(cat):
    with pytest.raises(UsageError) as info:
        cat.resolve("alpindale/goliath-12b")
    assert "goliath-120b" in (info.value.hint or "")


def test_index_round_trip_equals_validated_entries(tmp_path):
    """A warm start (entries from the index) gives the same entries as parsing the YAML."""
    from llmpick.catalog import load_catalog as real_load

    cold = real_load(use_cache=False)
    real_load()  # writes the index
    warm = real_load()
    assert [m.id for m in warm] == [m.id for m in cold]
    for a, b in zip(cold, warm, strict=False):
        assert a.entry == b.entry, a.id
        assert a.entry.parents == b.entry.parents
