"""`check hf:` in the core: a Hub repo's files as quantizations (repo_files), the architecture it gets
(repo_check), and the API's verdict per file, with the real huggingface_hub client against the fake Hub."""

from __future__ import annotations

import json

import pytest

import llmpick
from llmpick import hubcache
from llmpick.errors import UsageError
from llmpick.hub import HubBadAnswer, HubNotFound, HubOffline, parse_model_info
from llmpick.recommend.repo_check import base_models, catalog_model
from llmpick.recommend.repo_files import gguf_quant, safetensors_quant, weight_files
from llmpick.schema import HubFile, HubRepoData
from tests.fakehub import FIXTURES

MOE_GGUF = "llmpick-tests/Qwen3-30B-A3B-GGUF"  # base model Qwen/Qwen3-30B-A3B, in the catalog
AWQ = "llmpick-tests/Nova-3-8B-Instruct-AWQ"  # base model not in the catalog: a draft from its config.json
NOVA_GGUF = "llmpick-tests/Nova-3-8B-Instruct-GGUF"  # no config.json: the draft takes its base model's
# The fixture's sizes (tests/fixtures/hub/models/llmpick-tests/Qwen3-30B-A3B-GGUF.json).
Q8_0_PARTS = 16_000_000_000 + 16_483_932_192
Q4_K_M_BYTES = 18_556_686_368


def fixture(repo: str) -> HubRepoData:
    return parse_model_info(json.loads((FIXTURES / "models" / f"{repo}.json").read_text()), repo)


@pytest.mark.parametrize(
    ("name", "quant"),
    [
        ("Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", "Q4_K_M"),
        ("mistral-7b-v0.1.Q5_K_M.gguf", "Q5_K_M"),
        ("qwen2.5-7b-instruct-q8_0-00001-of-00003", "Q8_0"),
        ("gemma-2-2b-it-f32.gguf", "F32"),
        ("Q4_K_M/Qwen3-235B-A22B-00001-of-00003.gguf", "Q4_K_M"),  # the quant in the folder only
        ("Llama-3-8B-Q8_0-Q4_K_M.gguf", "Q4_K_M"),  # the last one: the file's own quant
        ("model-Q4_0_4_4.gguf", None),  # an ARM repack, not Q4_0
        ("Qwen3-30B-A3B-UD-Q4_K_XL.gguf", None),  # Unsloth's own mix: unknown, not guessed
        ("model.gguf", None),
    ],
)
def test_the_quant_is_a_separate_token_of_the_name(name, quant):
    assert gguf_quant(name) == quant


def test_split_parts_are_summed_and_incomplete_or_unknown_files_left_out():
    files, skipped = weight_files(fixture(MOE_GGUF))
    by = {f.quant: f for f in files}
    assert list(by) == ["Q2_K", "IQ4_XS", "Q4_K_M", "Q8_0"]  # smallest first
    assert by["Q8_0"].size_bytes == Q8_0_PARTS and by["Q8_0"].files[0].endswith("-00001-of-00002.gguf")
    assert by["Q4_K_M"].size_bytes == Q4_K_M_BYTES and by["Q4_K_M"].artifact_format == "gguf"
    assert "\x1b" in by["IQ4_XS"].file  # kept as the Hub gave it: escaping is output's job
    reasons = {s.file.split("/")[-1]: s.reason for s in skipped}
    assert "mmproj" in reasons["mmproj-Qwen3-30B-A3B-F16.gguf"]
    assert "1 of 2" in reasons["Qwen3-30B-A3B-BF16-00001-of-00002.gguf"]
    assert "no quantization" in reasons["Qwen3-30B-A3B-UD-Q4_K_XL.gguf"]


def data(config=None, tags=(), params=None, files=("model.safetensors",)) -> HubRepoData:
    return HubRepoData(
        id="org/x",
        tags=list(tags),
        config=config,
        safetensors_parameters=params or {},
        files=[HubFile(name=n, size=1000) for n in files],
    )


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (data({"quantization_config": {"quant_method": "awq", "bits": 4}}), ("AWQ-4bit", "awq")),
        (data({"quantization_config": {"quant_method": "gptq", "bits": 8}}), ("GPTQ-8bit", "gptq")),
        (data({"quantization_config": {"quant_method": "fp8"}}), ("FP8", "fp8")),
        (data({"quantization_config": {"quant_method": "mxfp4"}}), ("MXFP4", "mxfp4")),
        (data({"quantization_config": {"quant_method": "bitsandbytes", "load_in_4bit": True}}), ("NF4", "bnb")),
        (data({"quantization_config": {"quant_method": "compressed-tensors"}}), None),  # not modelled: left out
        (data({"quantization_config": {"quant_method": "gptq", "bits": 3}}), None),
        (data({"quantization": {"bits": 4, "group_size": 64}}, tags=["mlx"]), ("MLX-4bit", "mlx")),
        (data({"torch_dtype": "float16"}), ("F16", "original")),
        (data({"text_config": {"torch_dtype": "bfloat16"}}), ("BF16", "original")),
        (data(tags=["gptq"]), ("GPTQ-4bit", "gptq")),  # config.json not read (offline): the Hub's tag
        (data(params={"F8_E4M3": 10}), ("FP8", "fp8")),
        (data(params={"F16": 10}), ("F16", "original")),
    ],
)
def test_safetensors_quantization(d, expected):
    got = safetensors_quant(d)
    assert (got[:2] if got else None) == expected


def test_safetensors_sizes():
    files, _ = weight_files(
        data(
            {"torch_dtype": "bfloat16"},
            files=(
                "a-00001-of-00002.safetensors",
                "a-00002-of-00002.safetensors",
                "consolidated.safetensors",
                "sub/x.safetensors",
            ),
        )
    )
    assert len(files) == 1 and files[0].files == ("a-00001-of-00002.safetensors", "a-00002-of-00002.safetensors")
    assert files[0].size_bytes == 2000  # mistral's consolidated copy and sub-folders are not the weights loaded
    f32, _ = weight_files(data({"torch_dtype": "float32"}))
    assert f32[0].quant == "BF16" and f32[0].size_bytes is None  # served at 16 bits: the files are not what loads
    bad, skipped = weight_files(data({"quantization_config": {"quant_method": "hqq"}}))
    assert bad == [] and "quantization_config" in skipped[0].reason


def test_the_architecture_comes_from_the_catalog_when_it_can():
    cat = llmpick.load_catalog()
    m, how = catalog_model(MOE_GGUF, fixture(MOE_GGUF), cat)
    assert m is not None and m.id == "Qwen/Qwen3-30B-A3B" and "base model" in how
    bart = "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF"
    m, how = catalog_model(bart, fixture(bart), cat)
    assert m is not None and m.id == "meta-llama/Llama-3.1-8B-Instruct" and "artifact" in how
    m, how = catalog_model("qwen/qwen2.5-7b-instruct", fixture("Qwen/Qwen2.5-7B-Instruct"), cat)
    assert m is not None and m.id == "Qwen/Qwen2.5-7B-Instruct"
    assert catalog_model(AWQ, fixture(AWQ), cat) == (None, "")
    assert base_models(AWQ, fixture(AWQ)) == ["llmpick-tests/Nova-3-8B-Instruct"]


def check(fake, repo, *, quant=None, allow_offload=False, offline=False, **hw):
    return llmpick.check_repo(
        "hf:" + repo,
        llmpick.resolve_hardware(**hw),
        quant=quant,
        allow_offload=allow_offload,
        endpoint=fake.url,
        timeout=2,
        offline=offline,
    )


def test_per_file_verdicts_for_a_24_gib_card(fake):
    a = check(fake, MOE_GGUF, vram=24, ram=64)
    fits = {i.quant: (i.fit, i.fits) for i in a.items}
    # 10.5, 15.3 and 17.3 GiB of weights fit one 24 GiB card; Q8_0 (30.3 GiB) needs its experts in RAM, and with
    # --vram alone its speed is unknown, so it is not a fit without --allow-offload (as `check`).
    assert fits == {
        "Q2_K": ("gpu", True),
        "IQ4_XS": ("gpu", True),
        "Q4_K_M": ("gpu", True),
        "Q8_0": ("moe-offload", False),
    }
    assert a.fits and a.best_file == "Qwen3-30B-A3B-Q4_K_M.gguf"  # the best quality that fits
    q8 = next(i for i in a.items if i.quant == "Q8_0")
    assert q8.file_size_bytes == Q8_0_PARTS and len(q8.files) == 2 and q8.memory.weights_bytes == Q8_0_PARTS
    assert q8.placement.cpu_moe_layers and "--allow-offload" in q8.verdict
    assert q8.model.id == "Qwen/Qwen3-30B-A3B" and q8.artifact.repo == MOE_GGUF
    assert "-hf llmpick-tests/Qwen3-30B-A3B-GGUF:Q8_0" in (q8.run.llama_cpp or "")
    assert "--n-cpu-moe" in (q8.run.llama_cpp or "")
    assert {s.reason.split(" ")[0] for s in a.skipped} == {"vision", "split", "no"}
    with_offload = check(fake, MOE_GGUF, vram=24, ram=64, allow_offload=True)
    assert all(i.fits for i in with_offload.items)


def test_nothing_fits_a_small_card_and_quant_keeps_one_file(fake):
    a = check(fake, MOE_GGUF, vram=8)
    assert not a.fits and a.best_file is None and not any(i.fits for i in a.items)
    one = check(fake, MOE_GGUF, vram=24, quant="q4_k_m")
    assert [i.quant for i in one.items] == ["Q4_K_M"] and one.constraints.quant == "Q4_K_M"
    with pytest.raises(UsageError, match="no Q3_K_M file"):
        check(fake, MOE_GGUF, vram=24, quant="Q3_K_M")
    with pytest.raises(UsageError, match="Unknown quantization"):
        check(fake, MOE_GGUF, vram=24, quant="Q9_X")


def test_drafts_for_repos_no_catalog_entry_describes(fake):
    awq = check(fake, AWQ, vram=24)
    (item,) = awq.items
    assert item.quant == "AWQ-4bit" and item.artifact.format == "awq" and item.engine == "vllm"
    assert item.quant_basis.startswith("config.json quantization_config")  # config.json was fetched
    assert item.memory.weights_bytes == 5_734_000_000 and item.model.curated is False
    assert item.model.params.total is None  # the Hub's count of packed integers is not the parameter count
    assert "draft" in awq.model_source and awq.fits
    nova = check(fake, NOVA_GGUF, vram=24)
    assert {i.quant for i in nova.items} == {"Q4_K_M", "Q8_0"}
    assert all(i.memory.kv_cache_bytes for i in nova.items)  # the base model's config.json gave the shapes


def test_offline_reads_the_cache_and_sends_nothing(fake, monkeypatch):
    first = check(fake, MOE_GGUF, vram=24)
    assert first.from_cache is False and hubcache.read(MOE_GGUF).file is not None
    sent = fake.count()
    again = check(fake, MOE_GGUF, vram=24)
    assert again.from_cache is True and fake.count() == sent  # a fresh cache file: no request
    off = check(fake, MOE_GGUF, vram=24, offline=True)
    assert off.from_cache and any("Offline" in w for w in off.warnings) and fake.count() == sent
    assert [i.fits for i in off.items] == [i.fits for i in first.items]
    with pytest.raises(HubOffline):
        check(fake, AWQ, vram=24, offline=True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(HubOffline):
        check(fake, AWQ, vram=24)
    assert fake.count() == sent


def test_a_failed_fetch_keeps_the_last_good_data(fake, monkeypatch):
    """A stale cache is fetched again; when the Hub then fails, the cached data answers, with a note (never exit 4
    while good data is at hand)."""
    import llmpick.refresh

    first = check(fake, MOE_GGUF, vram=24)
    monkeypatch.setattr(llmpick.refresh, "DEFAULT_MAX_AGE", -1)  # every cache file is now stale
    fake.fault(MOE_GGUF, "malformed")
    again = check(fake, MOE_GGUF, vram=24)
    assert again.from_cache and any("using the cached Hub data" in w for w in again.warnings)
    assert [i.fits for i in again.items] == [i.fits for i in first.items]
    fake.fault(AWQ, "malformed")  # nothing cached: the failure is the answer
    with pytest.raises(HubBadAnswer):
        check(fake, AWQ, vram=24)


def test_bad_ids_missing_repos_and_repos_without_weights(fake):
    with pytest.raises(UsageError, match="not a Hub repo"):
        check(fake, "../etc", vram=24)
    with pytest.raises(HubNotFound):
        check(fake, "nobody/nothing", vram=24)
    fake.set(MOE_GGUF, siblings=[{"rfilename": "README.md", "size": 10}])
    with pytest.raises(UsageError, match="no model files"):
        check(fake, MOE_GGUF, vram=24)
