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
    "changes, field",
    [
        ({"colour": "red"}, "colour"),
        ({"params": {"total": -5}}, "params.total"),
        ({"params": {"total": 10, "active": 20}}, "params"),
        ({"arch": {"layers": 0}}, "arch.layers"),
        ({"arch": {"attention_heads": 8, "kv_heads": 16}}, "arch"),
        ({"arch": {"layers": "many"}}, "arch.layers"),
        ({"license_class": "free-for-all"}, "license_class"),
        ({"uses": ["cooking"]}, "uses.0"),
        ({"method": "finetune", "uses": ["chat"]}, ""),  # a finetune needs base_model
        ({"method": "merge", "uses": ["chat"], "base_model": "a/b"}, ""),  # a merge needs parents
        ({"base_model": "not a hub id"}, "base_model"),
        ({"released": "2024-13"}, "released"),
        ({"origin": "France"}, "origin"),
        ({"sources": []}, "sources"),
        ({"uses": ["chat", "chat"], "method": "base"}, "uses"),
        ({"method": "finetune", "base_model": "a/b"}, ""),  # non-base models need a use
    ],
)
def test_invalid_entries_are_rejected(changes, field):
    with pytest.raises(ValidationError) as info:
        CatalogEntry.model_validate(entry(**changes))
    locs = [".".join(str(p) for p in e["loc"]) for e in info.value.errors()]
    assert any(loc.startswith(field) for loc in locs), locs


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
