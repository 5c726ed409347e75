"""The catalog is data that ships: every file is checked like code."""

from pathlib import Path

import pytest
import yaml

from llmpick.catalog import load_catalog, parse_yaml, validate_entry
from llmpick.licenses import class_conflict, lookup
from llmpick.schema import is_hub_id

CATALOG = Path(__file__).resolve().parents[2] / "catalog"
FILES = sorted(CATALOG.glob("*/*.yaml"))

SEED = [
    "mistralai/Mistral-7B-v0.1",
    "mistralai/Mistral-7B-Instruct-v0.1",
    "teknium/OpenHermes-2.5-Mistral-7B",
    "Intel/neural-chat-7b-v3-1",
    "Intel/neural-chat-7b-v3-2",
    "NurtureAI/neural-chat-7b-v3-16k",
    "Qwen/Qwen-7B-Chat",
    "Qwen/Qwen-14B-Chat",
    "Qwen/Qwen-72B-Chat",
    "stabilityai/stablelm-zephyr-3b",
    "01-ai/Yi-34B",
    "Weyaxi/OpenHermes-2.5-neural-chat-7b-v3-1-7B",
    "fblgit/juanako-7b-UNA",
    "Weyaxi/OpenOrca-Zephyr-7B",
    "VAGOsolutions/SauerkrautLM-7b-HerO",
    "monology/openinstruct-mistral-7b",
    "chargoddard/loyal-piano-m7",
    "Azure99/blossom-v3-mistral-7b",
    "Gryphe/MythoMist-7b",
    "deepseek-ai/deepseek-coder-33b-instruct",
    "liuhaotian/llava-v1.5-7b",
    "liuhaotian/llava-v1.5-13b",
    "webbigdata/ALMA-7B-Ja",
    "tiiuae/falcon-180B-chat",
    "alpindale/goliath-120b",
    "google/switch-c-2048",
    "meta-llama/Llama-2-7b-chat-hf",
    "meta-llama/Llama-2-13b-chat-hf",
    "meta-llama/Llama-2-70b-chat-hf",
]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(use_cache=False)


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_file_is_valid(path):
    raw = path.read_bytes()
    data, problem = parse_yaml(raw, str(path))
    assert problem is None, str(problem)
    entry, problems = validate_entry(data, raw, str(path))
    assert not problems, "\n".join(map(str, problems))
    assert is_hub_id(f"{path.parent.name}/{path.stem}")
    # The id comes from the path and is never written inside.
    assert "id" not in data
    for parent in entry.parents:
        assert is_hub_id(parent), parent
    if entry.params.active is not None:
        assert entry.arch.experts, "active params are for mixture-of-experts models: set arch.experts"
    if entry.arch.experts and entry.arch.experts > 1 and entry.params.total:
        assert entry.params.active, "a mixture-of-experts entry needs params.active"
    assert lookup(entry.license) is not None, f"license {entry.license} is not in llmpick/licenses.py: add it"
    conflict = class_conflict(entry.license, entry.license_class)
    assert conflict is None, conflict
    if "vision" in entry.uses:
        assert "image" in entry.modalities
    for s in entry.sources:
        assert len(s) > 8, f"source '{s}' does not say where the fact comes from"


def test_no_catalog_problems(catalog):
    assert catalog.problems == [], "\n".join(map(str, catalog.problems))


def test_ids_are_unique_ignoring_case(catalog):
    ids = [m.id.lower() for m in catalog]
    assert len(ids) == len(set(ids))


def test_every_seed_model_is_present(catalog):
    missing = [m for m in SEED if catalog.get(m) is None]
    assert not missing, missing


def test_committed_json_schema_is_current():
    from llmpick.schema import catalog_json_schema

    committed = (CATALOG / "schema.json").read_text(encoding="utf-8")
    assert committed.strip() == catalog_json_schema().strip(), "run: llmpick catalog schema > catalog/schema.json"


def test_files_use_no_yaml_tags_or_anchors():
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        assert "!!" not in text and not any(line.lstrip().startswith("<<:") for line in text.splitlines()), path
        yaml.safe_load(text)


def test_coverage_targets(catalog):
    from llmpick.stats import catalog_stats

    s = catalog_stats(catalog)
    assert s.shortfalls == [], s.shortfalls


# The facts issue 2 names for the seed, as (id, leaderboard v1 average, method or None).
SEED_LEADERBOARD = [
    ("Weyaxi/OpenHermes-2.5-neural-chat-7b-v3-1-7B", 67.84, "merge"),
    ("fblgit/juanako-7b-UNA", 67.46, None),
    ("Weyaxi/OpenOrca-Zephyr-7B", 64.97, "merge"),
    ("VAGOsolutions/SauerkrautLM-7b-HerO", 64.49, "merge+finetune"),
    ("monology/openinstruct-mistral-7b", 63.64, None),
    ("chargoddard/loyal-piano-m7", 63.50, None),
    ("Azure99/blossom-v3-mistral-7b", 62.95, None),
    ("Gryphe/MythoMist-7b", 61.67, "merge"),
    ("Intel/neural-chat-7b-v3-1", 61.59, None),
    ("teknium/OpenHermes-2.5-Mistral-7B", 61.52, None),
]


@pytest.mark.parametrize("model_id, average, method", SEED_LEADERBOARD)
def test_seed_leaderboard_facts(catalog, model_id, average, method):
    e = catalog.get(model_id).entry
    scores = {s.name: s.value for s in e.scores}
    assert scores.get("open_llm_leaderboard_v1") == pytest.approx(average)
    if method:
        assert e.method == method


def test_seed_uses_are_tagged_honestly(catalog):
    assert "coding" in catalog.get("deepseek-ai/deepseek-coder-33b-instruct").entry.uses
    for llava in ("liuhaotian/llava-v1.5-7b", "liuhaotian/llava-v1.5-13b"):
        e = catalog.get(llava).entry
        assert "vision" in e.uses and "image" in e.modalities
    alma = catalog.get("webbigdata/ALMA-7B-Ja").entry
    assert "translation" in alma.uses and "ja" in alma.languages
    assert "storytelling" in catalog.get("NurtureAI/neural-chat-7b-v3-16k").entry.uses
    goliath = catalog.get("alpindale/goliath-120b").entry
    assert goliath.method == "merge" and len(goliath.merge_parents) == 2
    switch = catalog.get("google/switch-c-2048").entry
    assert switch.params.total > 1.5e12 and any(a.format == "qmoe" for a in switch.artifacts)
