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
        # Issue #10: strict integers and booleans (D25: `layers: true` was read as 1) ...
        ({"arch": {"layers": True}}, "arch.layers", "valid integer"),
        ({"arch": {"layers": 32.0}}, "arch.layers", "valid integer"),
        ({"arch": {"layers": "32"}}, "arch.layers", "valid integer"),
        ({"params": {"total": 7e9}}, "params.total", "valid integer"),
        ({"gated": 1}, "gated", "valid boolean"),
        ({"gated": "false"}, "gated", "valid boolean"),
        ({"arch": {"tie_word_embeddings": "no"}}, "arch.tie_word_embeddings", "valid boolean"),
        # ... bounded counts (D7, D15) ...
        ({"arch": {"layers": 1001}}, "arch.layers", "less than or equal to 1000"),
        ({"arch": {"layers": 10**300}}, "arch.layers", "less than or equal to 1000"),
        ({"arch": {"hidden_size": 2**17 + 1}}, "arch.hidden_size", "less than or equal"),
        ({"arch": {"intermediate_size": 2**20 + 1}}, "arch.intermediate_size", "less than or equal"),
        ({"arch": {"attention_heads": 1025}}, "arch.attention_heads", "less than or equal"),
        ({"arch": {"vocab_size": 2**22 + 1}}, "arch.vocab_size", "less than or equal"),
        ({"arch": {"max_context": 2**28 + 1}}, "arch.max_context", "less than or equal"),
        ({"arch": {"experts": 2**16 + 1}}, "arch.experts", "less than or equal"),
        ({"arch": {"sliding_window_layers": 1001}}, "arch.sliding_window_layers", "less than or equal"),
        ({"params": {"total": 10**4000}}, "params.total", "less than or equal to 100000000000000"),
        ({"params": {"total": 10**9, "active": 10**15}}, "params.active", "less than or equal"),
        # ... finite, bounded scores (D3) ...
        ({"scores": [{"name": "mmlu", "value": float("nan"), "source": "s"}]}, "scores.0.value", "finite number"),
        ({"scores": [{"name": "mmlu", "value": float("inf"), "source": "s"}]}, "scores.0.value", "finite number"),
        ({"scores": [{"name": "mmlu", "value": 1e308, "source": "s"}]}, "scores.0.value", "less than or equal"),
        ({"scores": [{"name": "mmlu", "value": -1e308, "source": "s"}]}, "scores.0.value", "greater than or equal"),
        ({"scores": [{"name": "mmlu", "value": "61.5", "source": "s"}]}, "scores.0.value", "valid number"),
        ({"scores": [{"name": "mmlu", "value": True, "source": "s"}]}, "scores.0.value", "valid number"),
        # ... and file sizes.
        (
            {"artifacts": [{"format": "gguf", "repo": "a/b", "files": [{"quant": "Q4_K_M", "size_bytes": 0}]}]},
            "artifacts.0.files.0.size_bytes",
            "greater than 0",
        ),
        (
            {"artifacts": [{"format": "gguf", "repo": "a/b", "files": [{"quant": "Q4_K_M", "size_bytes": 2**51}]}]},
            "artifacts.0.files.0.size_bytes",
            "less than or equal",
        ),
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


def test_the_bounds_admit_the_largest_released_models():
    """Each bound is far above every published model: the extremes of real configs validate."""
    arch = {
        "layers": 126,  # Llama 3.1 405B
        "hidden_size": 16384,
        "intermediate_size": 59392,  # Falcon 180B
        "attention_heads": 128,
        "kv_heads": 8,
        "head_dim": 256,  # Gemma
        "vocab_size": 262_144,  # Gemma 3
        "max_context": 10_485_760,  # Llama 4 Scout
        "experts": 2048,  # Switch-C
        "experts_per_token": 1,
        "kv_lora_rank": 512,
        "tie_word_embeddings": False,
    }
    e = CatalogEntry.model_validate(entry(params={"total": 1_571_000_000_000}, arch=arch))
    assert e.arch.experts == 2048 and e.params.total == 1_571_000_000_000
    score = CatalogEntry.model_validate(entry(scores=[{"name": "elo", "value": 1250, "source": "s"}])).scores[0]
    assert score.value == 1250.0 and isinstance(score.value, float)  # an integer is still a number


def test_the_committed_json_schema_carries_the_bounds():
    import json
    from pathlib import Path

    doc = json.loads((Path(__file__).resolve().parents[2] / "catalog" / "schema.json").read_text(encoding="utf-8"))
    layers = doc["$defs"]["Architecture"]["properties"]["layers"]["anyOf"][0]
    assert layers == {"exclusiveMinimum": 0, "maximum": 1000, "type": "integer"}
    value = doc["$defs"]["Score"]["properties"]["value"]
    assert value["maximum"] == 1_000_000 and value["minimum"] == -1_000_000
