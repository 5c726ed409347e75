"""The warm index: entries and `list` summaries stay correct across file edits, code changes and overlays."""

from __future__ import annotations

import json
import os

import pytest

from llmpick import catalog_index
from llmpick.catalog import ModelFacts, load_catalog
from tests.helpers import entry, write_entry


def _store(tmp_path, name):
    return tmp_path / "cache" / f"catalog-{name}-v{catalog_index.VERSION}.json"


def _names(cli, *args):
    return {i["id"]: i["name"] for i in cli("list", "--json", *args).json["items"]}


def test_facts_from_the_index_equal_facts_from_the_models():
    cold = load_catalog(use_cache=False)
    load_catalog()  # writes the index
    warm = load_catalog()
    assert [f.id for f in warm.facts()] == [m.id for m in cold]
    assert warm.facts() == [ModelFacts.of(m) for m in cold]
    for m in cold:
        assert warm.parents_of(m.id) == m.entry.parents
        assert warm.base_model_of(m.id) == m.entry.base_model


def test_a_warm_catalog_builds_only_the_models_asked_for(tmp_path):
    write_entry(tmp_path / "c", "org/a", entry())
    write_entry(tmp_path / "c", "org/b", entry(method="finetune", base_model="org/a", uses=["chat"]))
    load_catalog([tmp_path / "c"], builtin=False)
    warm = load_catalog([tmp_path / "c"], builtin=False)
    assert warm.ids == ["org/a", "org/b"] and warm.parents_of("org/b") == ["org/a"]
    assert [s.model for s in warm._slots.values()] == [None, None]
    assert warm.get("org/b").entry.base_model == "org/a"
    assert [s.model is None for s in warm._slots.values()] == [True, False]


def test_summaries_follow_file_edits(cli, tmp_path):
    args = ["--catalog", str(tmp_path / "c")]
    write_entry(tmp_path / "c", "org/m", entry(name="First"))
    assert _names(cli, *args)["org/m"] == "First"
    assert "First" in _store(tmp_path, catalog_index.SUMMARIES).read_text()
    write_entry(tmp_path / "c", "org/m", entry(name="Second, longer"))
    assert _names(cli, *args)["org/m"] == "Second, longer"
    # Same size, new mtime: still seen.
    path = write_entry(tmp_path / "c", "org/m", entry(name="Third, longer!"))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert _names(cli, *args)["org/m"] == "Third, longer!"


def _tamper(path, old, new):
    path.write_text(path.read_text().replace(old, new))


def test_both_stores_are_used_and_dropped_when_the_code_changes(cli, tmp_path, monkeypatch):
    args = ["--catalog", str(tmp_path / "c")]
    write_entry(tmp_path / "c", "org/m", entry(name="Real name"))
    assert _names(cli, *args)["org/m"] == "Real name"
    # The stores are read: what they say is what a warm run shows (the file did not change).
    _tamper(_store(tmp_path, catalog_index.SUMMARIES), "Real name", "From the summaries")
    _tamper(_store(tmp_path, catalog_index.ENTRIES), "Real name", "From the entries")
    assert _names(cli, *args)["org/m"] == "From the summaries"
    assert cli("show", "org/m", *args, "--json").json["item"]["name"] == "From the entries"
    # Another llmpick (or an edited one) ignores them.
    monkeypatch.setattr(catalog_index, "code_version", lambda: "another version")
    assert _names(cli, *args)["org/m"] == "Real name"
    assert cli("show", "org/m", *args, "--json").json["item"]["name"] == "Real name"


def test_code_version_stamps_every_file_of_the_package():
    target = os.path.join(os.path.dirname(catalog_index.__file__), "estimate")
    target = target if os.path.isdir(target) else target + ".py"
    if os.path.isdir(target):
        target = os.path.join(target, sorted(f for f in os.listdir(target) if f.endswith(".py"))[0])
    before = catalog_index.code_version.__wrapped__()
    st = os.stat(target)
    try:
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
        assert catalog_index.code_version.__wrapped__() != before  # the estimator changed: VRAM needs may have
    finally:
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert catalog_index.code_version.__wrapped__() == before


@pytest.mark.parametrize("damage", ["{not json", '{"version": 1}', "[]", ""])
def test_damaged_summaries_store_is_ignored(cli, tmp_path, damage):
    plain = cli("list", "--json").json
    _store(tmp_path, catalog_index.SUMMARIES).write_text(damage)
    assert cli("list", "--json").json == plain
    assert cli("list", "--json").json == plain  # and written again


def test_overlays_stay_right_when_warm(cli, tmp_path):
    mine = tmp_path / "mine"
    write_entry(mine, "mistralai/Mistral-7B-v0.1", entry(name="My own Mistral"))
    write_entry(mine, "zz/extra", entry(name="Extra"))
    for _ in range(2):  # cold, then warm
        names = _names(cli, "--catalog", str(mine))
        assert names["mistralai/Mistral-7B-v0.1"] == "My own Mistral" and names["zz/extra"] == "Extra"
    for _ in range(2):  # without the overlay: the built-in entry again, warm as well
        names = _names(cli)
        assert names["mistralai/Mistral-7B-v0.1"] == "Mistral 7B v0.1" and "zz/extra" not in names
    write_entry(mine, "zz/extra", entry(name="Extra, edited"))
    assert _names(cli, "--catalog", str(mine))["zz/extra"] == "Extra, edited"


def test_max_vram_and_table_use_the_stored_vram_need(cli):
    from llmpick.estimate import vram_need

    m = load_catalog().get("mistralai/Mistral-7B-v0.1")
    need = vram_need(m)[0]
    for _ in range(2):
        items = cli("list", "--max-vram", f"{need / 2**30 + 0.01:.2f}", "--json").json["items"]
        assert "mistralai/Mistral-7B-v0.1" in {i["id"] for i in items}
        assert all(i["vram_need_bytes"] is not None and i["vram_need_bytes"] <= need + 0.01 * 2**30 for i in items)
    table = cli("list", "--search", "Mistral-7B-v0.1").stdout
    assert f"{need / 2**30:.1f}" in table


def test_unwritable_cache_still_lists(cli, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("LLMPICK_CACHE_DIR", str(blocker / "cache"))
    r = cli("list", "--json")
    assert r.exit_code == 0 and r.json["items"]
    assert json.loads(r.stdout) == cli("list", "--json").json


# --- Issue #10: a tampered or damaged index is never trusted (D11, D18) ---------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        lambda e: e["arch"].update(layers=10**300),  # would hang or crash the estimator
        lambda e: e["arch"].update(layers="32"),
        lambda e: e.update(merge_parents=[["not", "an", "id"]]),  # would crash lineage (unhashable)
        lambda e: e.update(uses=None),
        lambda e: e.pop("params"),
    ],
)
def test_a_tampered_entry_is_read_again_from_its_file(tmp_path, damage):
    write_entry(tmp_path / "c", "org/a", entry(name="From the file"))
    write_entry(tmp_path / "c", "org/b", entry(method="finetune", base_model="org/a", uses=["chat"]))
    load_catalog([tmp_path / "c"], builtin=False)
    store = _store(tmp_path, catalog_index.ENTRIES)
    doc = json.loads(store.read_text())
    for hit in doc["files"].values():
        damage(hit[2])
    store.write_text(json.dumps(doc))
    warm = load_catalog([tmp_path / "c"], builtin=False)
    assert warm.problems == []
    assert warm.get("org/a").entry.name == "From the file" and warm.get("org/a").entry.arch.layers == 16
    assert warm.parents_of("org/b") == ["org/a"] and [f.id for f in warm.facts()] == ["org/a", "org/b"]
    assert json.loads(store.read_text())["files"] != doc["files"]  # and written right again


@pytest.mark.parametrize(
    "content",
    ["[" * 200_000 + "]" * 200_000, '{"files": ' * 100_000 + "{}" + "}" * 100_000, '{"version": NaN}', "\x00"],
)
def test_a_damaged_index_is_ignored(tmp_path, content):
    write_entry(tmp_path / "c", "org/a", entry())
    load_catalog([tmp_path / "c"], builtin=False)
    _store(tmp_path, catalog_index.ENTRIES).write_text(content)
    assert load_catalog([tmp_path / "c"], builtin=False).ids == ["org/a"]
    assert catalog_index.Index.open().files  # rewritten whole


def test_an_index_that_is_not_a_file_is_ignored(tmp_path):
    write_entry(tmp_path / "c", "org/a", entry())
    (tmp_path / "cache").mkdir()
    os.mkfifo(_store(tmp_path, catalog_index.ENTRIES))  # would block a plain open()
    assert load_catalog([tmp_path / "c"], builtin=False).ids == ["org/a"]
