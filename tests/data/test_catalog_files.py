"""The catalog is data that ships: every file is checked like code."""

import re
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


# --- The audit's rules (issue 11 item 3): facts that can drift back if nobody checks them --------------------------

_LICENSE_NAME = re.compile(r"license_name[:\s]+['\"]?([a-z0-9][a-z0-9.\-]*[a-z0-9])", re.IGNORECASE)


def _evidence(entry) -> str:
    return "\n".join([*entry.sources, entry.notes or ""])


def test_license_is_the_hubs_license_name_where_recorded(catalog):
    """When an entry records the card's `license_name`, that name is the license id (never `other`)."""
    wrong = []
    for m in catalog:
        names = {n.lower() for n in _LICENSE_NAME.findall(_evidence(m.entry))}
        if names and m.entry.license.lower() not in names:
            wrong.append(f"{m.id}: license {m.entry.license}, the card's license_name is {sorted(names)}")
    assert not wrong, "\n".join(wrong)


# (id, field, value): each fix of the audit, pinned so a later edit cannot quietly undo it.
AUDITED = [
    ("mistralai/Mistral-7B-v0.1", "gated", True),
    ("mistralai/Mistral-7B-Instruct-v0.1", "gated", True),
    ("mistralai/Mistral-7B-Instruct-v0.2", "gated", True),
    ("Qwen/Qwen2.5-VL-7B-Instruct", "base_model", "Qwen/Qwen2.5-7B"),
    ("Qwen/Qwen2.5-VL-72B-Instruct", "base_model", "Qwen/Qwen2.5-72B"),
    ("deepseek-ai/deepseek-coder-33b-instruct", "license", "deepseek"),
    ("deepseek-ai/DeepSeek-Coder-V2-Lite-Instruct", "license", "deepseek-license"),
    ("Qwen/Qwen-7B-Chat", "license", "tongyi-qianwen-license-agreement"),
    ("anthracite-org/magnum-v4-72b", "license_class", "commercial-with-conditions"),
    ("Qwen/Qwen-72B-Chat", "params.total", 72_287_920_128),
    ("Qwen/Qwen-14B-Chat", "params.total", 14_167_290_880),
    ("Qwen/Qwen-7B-Chat", "params.total", 7_721_324_544),
    ("HuggingFaceTB/SmolLM2-1.7B-Instruct", "params.total", 1_711_376_384),
    ("anthracite-org/magnum-v4-12b", "params.total", 12_247_782_400),
    ("TheDrummer/Rocinante-12B-v1.1", "params.total", 12_247_782_400),
    ("nothingiisreal/MN-12B-Celeste-V1.9", "params.total", 12_247_782_400),
    ("Gryphe/MythoMax-L2-13b", "params.total", 13_015_864_320),
    ("anthracite-org/magnum-v4-72b", "params.total", 72_706_203_648),
    ("Qwen/Qwen-14B-Chat", "arch.max_context", 8192),
    ("Qwen/Qwen-7B-Chat", "arch.max_context", 32768),
    ("Qwen/Qwen3-235B-A22B", "superseded_by", "Qwen/Qwen3-235B-A22B-Instruct-2507"),
    ("Qwen/Qwen3-30B-A3B", "superseded_by", "Qwen/Qwen3-30B-A3B-Instruct-2507"),
    ("Qwen/Qwen3-4B", "superseded_by", "Qwen/Qwen3-4B-Instruct-2507"),
    ("Qwen/Qwen3-30B-A3B-Instruct-2507", "superseded_by", "Qwen/Qwen3.5-35B-A3B"),
    ("Qwen/Qwen3-4B-Instruct-2507", "superseded_by", "Qwen/Qwen3.5-4B"),
    ("Qwen/Qwen3-32B", "superseded_by", "Qwen/Qwen3.5-27B"),
    ("Qwen/Qwen3-Coder-30B-A3B-Instruct", "superseded_by", "Qwen/Qwen3-Coder-Next"),
    ("zai-org/GLM-4.5-Air", "superseded_by", "zai-org/GLM-4.6"),
    ("mistralai/Magistral-Small-2506", "superseded_by", "mistralai/Magistral-Small-2509"),
]


@pytest.mark.parametrize("model_id, field, value", AUDITED, ids=[f"{m}:{f}" for m, f, _ in AUDITED])
def test_audited_fact(catalog, model_id, field, value):
    obj: object = catalog.get(model_id).entry
    for part in field.split("."):
        obj = getattr(obj, part)
    assert obj == value


@pytest.mark.parametrize(
    "model_id, repo",
    [
        ("Intel/neural-chat-7b-v3-2", "TheBloke/neural-chat-7B-v3-2-GGUF"),
        ("VAGOsolutions/SauerkrautLM-7b-HerO", "TheBloke/SauerkrautLM-7B-HerO-GGUF"),
    ],
)
def test_audited_gguf_artifacts(catalog, model_id, repo):
    artifact = next(a for a in catalog.get(model_id).entry.artifacts if a.repo == repo)
    assert artifact.format == "gguf" and artifact.files and all(f.file for f in artifact.files)


def test_translation_is_earned_with_a_named_source(catalog):
    """`--use translation` offers only models whose sources or notes show translation: a claim or a benchmark."""
    tagged = [m for m in catalog if "translation" in m.entry.uses]
    unbacked = [m.id for m in tagged if not re.search(r"translat|WMT|FLORES", _evidence(m.entry), re.IGNORECASE)]
    assert not unbacked, unbacked
    # One family's pasted list must not make up the tag alone (7 of 8 were Qwen3 copies before the audit).
    assert len({m.entry.family for m in tagged}) >= 2, [m.id for m in tagged]


# `uncensored` is "refusals removed or reduced by its finetune" (schema.FLAGS): abliteration and a measured drop in
# refusals say exactly that.
@pytest.mark.parametrize(
    "flag, words",
    [
        ("uncensored", r"uncensor|abliterat|refusals? (removed|reduced)|fewer refusals|derestrict"),
        ("nsfw-capable", r"nsfw|adult content"),
    ],
)
def test_flags_are_earned_with_a_named_source(catalog, flag, words):
    flagged = [m for m in catalog if flag in m.entry.flags]
    unbacked = [m.id for m in flagged if not re.search(words, "\n".join(m.entry.sources), re.IGNORECASE)]
    assert not unbacked, f"{flag} without a source that says so: {unbacked}"


TINY = 2_000_000_000  # below 2B parameters a model gets few uses: it cannot be good at everything


def test_tiny_models_keep_few_uses(catalog):
    busy = [
        f"{m.id}: {m.entry.uses}" for m in catalog if (m.entry.params.total or TINY) < TINY and len(m.entry.uses) > 4
    ]
    assert not busy, busy


# Architectures whose weights the text-decoder shapes do not describe (encoder-decoder; cross-attention vision layers).
_SHAPES_DO_NOT_APPLY = {"SwitchTransformersForConditionalGeneration", "MllamaForConditionalGeneration"}


def test_exact_counts_are_explained_by_the_shapes(catalog):
    """A parameter count given to the unit (not rounded to millions) must match the entry's tensor shapes."""
    from llmpick.estimate.shapes import SHAPE_TOLERANCE, tensor_shapes

    off = []
    for m in catalog:
        e = m.entry
        total = e.params.total
        shapes = tensor_shapes(e.arch)
        if not total or total % 1_000_000 == 0 or shapes is None or e.arch.type in _SHAPES_DO_NOT_APPLY:
            continue
        if e.arch.kv_lora_rank:  # MLA projections are not in the decoder shapes
            continue
        encoders = [k for k in ("image", "video", "audio") if k in e.modalities]
        if encoders and e.arch.vision_params is None and e.arch.audio_params is None:
            continue  # the total includes an encoder whose size no source gives
        got = shapes.params + (e.arch.vision_params or 0) + (e.arch.audio_params or 0)
        if e.arch.tie_word_embeddings is None and abs(got - total) > SHAPE_TOLERANCE * total:
            tied = tensor_shapes(e.arch, tied=True)  # unknown tying: either reading may explain the count
            got = tied.params + (e.arch.vision_params or 0) + (e.arch.audio_params or 0) if tied else got
        if abs(got - total) > SHAPE_TOLERANCE * total:
            off.append(f"{m.id}: params.total {total:,}, shapes give {got:,}")
    assert not off, "\n".join(off)
