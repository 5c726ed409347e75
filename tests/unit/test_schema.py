import pytest
from pydantic import ValidationError

from llmpick.schema import CatalogEntry, is_hub_id
from tests.helpers import entry


def test_minimal_entry_is_valid():
    e = CatalogEntry.model_validate(entry())
    assert e.params.total == 1_000_000_000
    assert e.parents == []
    assert e.modalities == ["text"]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
        ({"params": {"total": -5}}, "params.total", "greater than 0"),
        ({"params": {"total": 10, "active": 20}}, "params", "active (20) must not exceed total (10)"),
        ({"arch": {"layers": 0}}, "arch.layers", "greater than 0"),
        ({"arch": {"attention_heads": 8, "kv_heads": 16}}, "arch", "kv_heads must not exceed attention_heads"),
        ({"arch": {"layers": "many"}}, "arch.layers", "valid integer"),
        ({"license_class": "free-for-all"}, "license_class", "'permissive'"),
        ({"uses": ["cooking"]}, "uses.0", "'chat'"),
        # Checks across fields belong to the whole entry: their location is the entry itself ("").
        ({"method": "finetune", "uses": ["chat"]}, "", "method finetune needs base_model"),
        ({"method": "merge", "uses": ["chat"], "base_model": "a/b"}, "", "method merge needs merge_parents"),
        ({"base_model": "not a hub id"}, "base_model", "should match pattern"),
        ({"released": "2024-13"}, "released", "should match pattern"),
        ({"origin": "France"}, "origin", "should match pattern"),
        ({"sources": []}, "sources", "at least 1 item"),
        ({"uses": ["chat", "chat"], "method": "base"}, "uses", "duplicate value 'chat'"),
        ({"method": "finetune", "base_model": "a/b"}, "", "name at least one use"),
    ],
)
def test_invalid_entries_are_rejected(changes, field, message):
    with pytest.raises(ValidationError) as info:
        CatalogEntry.model_validate(entry(**changes))
    locs = [".".join(str(p) for p in e["loc"]) for e in info.value.errors()]
    assert any(loc.startswith(field) for loc in locs), locs
    # The exact location, with the reason: a row cannot pass on an error about something else.
    found = [(loc, e["msg"]) for loc, e in zip(locs, info.value.errors(), strict=True)]
    assert any(loc == field and message in msg for loc, msg in found), found


def test_parents_are_base_then_merge_parents():
    e = CatalogEntry.model_validate(
        entry(method="merge+finetune", uses=["chat"], base_model="a/base", merge_parents=["a/base", "b/other"])
    )
    assert e.parents == ["a/base", "b/other"]


@pytest.mark.parametrize(
    "value, ok",
    [
        ("mistralai/Mistral-7B-v0.1", True),
        ("a/b", True),
        ("../etc", False),
        ("a/..", False),
        ("a/b/c", False),
        ("a", False),
        ("a/-b", False),
    ],
)
def test_hub_id(value, ok):
    assert is_hub_id(value) is ok
