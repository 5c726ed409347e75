"""The index's records are checked without pydantic (catalog_shape): the shapes must say what the pydantic models
say, field by field, and refuse what the models would not write."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest

from llmpick import catalog_shape as S
from llmpick import catalog_shape_checks as C
from llmpick.catalog import load_catalog
from llmpick.schema import CatalogEntry, ListAnswer, ModelSummaryOut


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _agree(shape: tuple, node: dict[str, Any], defs: dict[str, Any], where: str) -> None:
    """``shape`` accepts what the JSON Schema ``node`` does: the same keys, JSON types, enums and stated bounds (a
    shape may bound what the model leaves unbounded: an output count)."""
    node = _resolve(node, defs)
    kind = shape[0]
    if "anyOf" in node:
        options = [_resolve(o, defs) for o in node["anyOf"]]
        assert {"type": "null"} in options and len(options) == 2, where
        assert kind in ("opt", "null"), (where, shape)
        if kind == "opt":
            _agree(shape[1], next(o for o in options if o != {"type": "null"}), defs, where)
        return
    assert kind != "opt", f"{where}: optional in the shape, required by the model"
    t = node.get("type")
    if kind in ("record", "sparse"):  # sparse: every value optional, stored only when not null
        assert kind == "record" or all(sub[0] == "opt" for sub in shape[1].values()), where
        assert t == "object" and set(shape[1]) == set(node["properties"]), (
            where,
            set(shape[1]) ^ set(node["properties"]),
        )
        for key, sub in shape[1].items():
            _agree(sub, node["properties"][key], defs, f"{where}.{key}")
    elif kind == "list":
        assert t == "array", where
        _agree(shape[1], node["items"], defs, f"{where}[]")
    elif kind == "enum":
        assert set(node["enum"]) == set(shape[1]), where
    elif kind == "eq":
        assert node.get("const", shape[1]) == shape[1], where
    elif kind == "str":
        assert t == "string" and "enum" not in node, where
    elif kind == "bool":
        assert t == "boolean", where
    elif kind == "int":
        assert t == "integer", where
        lo = node["exclusiveMinimum"] + 1 if "exclusiveMinimum" in node else node.get("minimum")
        if lo is not None or "maximum" in node:
            assert (shape[1], shape[2]) == (lo, node["maximum"]), (where, shape, node)
    elif kind == "num":
        assert t == "number", where
        if "maximum" in node:
            assert (shape[1], shape[2]) == (node["minimum"], node["maximum"]), (where, shape, node)
    else:
        raise AssertionError(f"{where}: shape {kind} for {node}")


def _check(shape: tuple, model: type) -> None:
    doc = model.model_json_schema(mode="serialization")
    _agree(shape, doc, doc.get("$defs", {}), model.__name__)


def test_the_generated_checks_are_current():
    assert S.GENERATED.read_text(encoding="utf-8") == S.source(), "run: python -m llmpick.catalog_shape"


def test_the_entry_shape_is_the_catalog_schema():
    _check(S.ENTRY, CatalogEntry)


def test_the_summary_shape_is_the_list_item_stored_without_hub_data():
    shape = copy.deepcopy(S.SUMMARY)
    assert shape[1]["hub"] == ("null",)  # stored without Hub data: HubSummaryOut is added when printed
    shape[1]["hub"] = ("opt", ("record", {}))
    doc = ModelSummaryOut.model_json_schema(mode="serialization")
    hub = doc["properties"].pop("hub")
    assert "HubSummaryOut" in str(hub)
    shape[1].pop("hub")
    _agree(shape, doc, doc.get("$defs", {}), "ModelSummaryOut")


def test_the_bounds_are_the_schemas():
    from llmpick.schema import catalog as schema_catalog

    for name in dir(S):
        if name.startswith("MAX_") and hasattr(schema_catalog, name):
            assert getattr(S, name) == getattr(schema_catalog, name), name


@pytest.fixture(scope="module")
def records():
    from llmpick.estimate import vram_need

    models = list(load_catalog(use_cache=False))
    entries = [m.entry.model_dump(mode="json") for m in models]
    summaries = [ModelSummaryOut.of(m, vram=vram_need(m)).model_dump(mode="json") for m in models]
    return models, entries, summaries


def test_what_this_code_writes_passes(records):
    models, entries, summaries = records
    assert all(C.entry_ok(e) for e in entries)
    # As the index stores them: the architecture without its nulls.
    sparse = [dict(e, arch={k: v for k, v in e["arch"].items() if v is not None}) for e in entries]
    assert all(C.entry_ok(e) for e in sparse)
    assert all(CatalogEntry.from_trusted(e) == m.entry for e, m in zip(sparse, models, strict=True))
    assert all(C.summary_ok(s, m.id) for s, m in zip(summaries, models, strict=True))
    assert C.list_envelope_ok(ListAnswer(items=[]).model_dump(mode="json"))


BAD_ENTRY = {
    "layers as text": lambda e: e["arch"].update(layers="32"),
    "layers as a bool": lambda e: e["arch"].update(layers=True),
    "layers too many": lambda e: e["arch"].update(layers=10**300),
    "params too many": lambda e: e["params"].update(total=10**4000),
    "params as a float": lambda e: e["params"].update(total=7e9),
    "a key missing": lambda e: e.pop("license"),
    "a key added": lambda e: e.update(colour="red"),
    "uses a number": lambda e: e.update(uses=5),
    "a use unknown": lambda e: e.update(uses=["cooking"]),
    "parents objects": lambda e: e.update(merge_parents=[{"a": 1}]),
    "score nan": lambda e: e.update(scores=[{"name": "x", "value": math.nan, "source": "s", "date": None}]),
    "score text": lambda e: e.update(scores=[{"name": "x", "value": "1", "source": "s", "date": None}]),
    "method unknown": lambda e: e.update(method="magic"),
    "arch a list": lambda e: e.update(arch=[]),
    "arch key unknown": lambda e: e["arch"].update(colour="red"),
    "arch null where stored": lambda e: e["arch"].update(layer_types={"mamba": "3"}),
    "size too big": lambda e: e.update(
        artifacts=[{"format": "gguf", "repo": "a/b", "files": [{"quant": "Q", "file": None, "size_bytes": 2**60}]}]
    ),
    "deep": lambda e: e.update(notes=[[[[[[["deep"]]]]]]]),
}


@pytest.mark.parametrize("how", sorted(BAD_ENTRY))
def test_a_tampered_entry_is_refused(records, how):
    e = copy.deepcopy(records[1][0])
    BAD_ENTRY[how](e)
    assert not C.entry_ok(e)


@pytest.mark.parametrize(
    "how",
    [
        lambda s: s.update(id="other/model"),
        lambda s: s.update(vram_need_bytes="12"),
        lambda s: s.update(vram_need_bytes=-1),
        lambda s: s.pop("vram_need_assumptions"),
        lambda s: s.update(hub={"downloads": 1}),
        lambda s: s.update(context_length=1e9),
    ],
)
def test_a_tampered_summary_is_refused(records, how):
    models, _, summaries = records
    s = copy.deepcopy(summaries[0])
    how(s)
    assert not C.summary_ok(s, models[0].id)


@pytest.mark.parametrize(
    "meta",
    [None, [], {"schema_version": 1, "command": "show", "warnings": [], "items": []}, {"schema_version": 1}],
)
def test_a_tampered_envelope_is_refused(meta):
    assert not C.list_envelope_ok(meta)
