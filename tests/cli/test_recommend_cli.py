"""`recommend` and `check` through the CLI: exit codes, the JSON contract, errors on stderr."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES

CAT = str(FIXTURES / "recommend" / "catalog")


def test_recommend_json_contract(cli):
    r = cli("recommend", "--vram", "24", "--format", "json", "--catalog", CAT)
    assert r.exit_code == 0, r.stderr
    doc = r.json
    assert doc["schema_version"] == 1 and doc["command"] == "recommend"
    assert doc["hardware"]["gpus"][0]["vram_bytes"] == 24 * 2**30
    assert doc["constraints"]["context"] == 8192
    assert 0 < len(doc["items"]) <= 10
    it = doc["items"][0]
    for key in ("model", "quant", "fit", "memory", "tokens_per_second", "score", "reasons", "run"):
        assert key in it
    assert isinstance(it["memory"]["total_bytes"], int) and it["memory"]["total_bytes"] > 0
    assert it["tokens_per_second"] is None  # --vram alone: bandwidth unknown
    assert it["fit"] == "gpu" and it["reasons"]
    scores = [i["score"] for i in doc["items"]]
    assert scores == sorted(scores, reverse=True)


def test_recommend_with_gpu_name_has_speed_and_run_lines(cli):
    r = cli("recommend", "--gpu", "2x RTX 3090", "--use", "coding", "--json", "--catalog", CAT)
    assert r.exit_code == 0, r.stderr
    items = r.json["items"]
    assert items and all("coding" in i["model"]["uses"] for i in items)
    assert all(i["tokens_per_second"] and i["speed_basis"]["gpu_bandwidth_gb_per_s"] >= 936 for i in items)
    runs = [i["run"] for i in items]
    assert any(
        (x["llama_cpp"] or "").startswith("llama-server -hf ") or (x["vllm"] or "").startswith("vllm serve")
        for x in runs
    )


def test_recommend_table_and_explain(cli):
    r = cli("recommend", "--gpu", "RTX 4090", "--catalog", CAT, "--explain", "--top", "2")
    assert r.exit_code == 0, r.stderr
    assert "tok/s" in r.stdout and "score: 100 x quality" in r.stdout
    assert "Hardware (from the flags)" in r.stderr


def test_recommend_cpu_only(cli):
    r = cli("recommend", "--ram", "32", "--json", "--catalog", CAT)
    assert r.exit_code == 0
    assert r.json["items"] and {i["fit"] for i in r.json["items"]} == {"cpu"}


def test_nothing_fits_is_empty_with_hint(cli):
    r = cli("recommend", "--vram", "0.5", "--json", "--catalog", CAT)
    assert r.exit_code == 0
    assert r.json["items"] == [] and "Nothing fits" in r.json["hint"]


@pytest.mark.parametrize(
    "args",
    [
        ["--vram", "-1"],
        ["--vram", "abc"],
        ["--vram", "24", "--gpus", "0"],
        ["--gpu", "RTX 4099"],
        ["--vram", "24", "--gpu", "RTX 4090"],
        ["--vram", "24", "--use", "nonsense"],
        ["--vram", "24", "--quant", "Q9_Z"],
    ],
)
def test_bad_input_exits_2_with_one_error(cli, args):
    r = cli("recommend", *args, "--catalog", CAT)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.count("Error:") == 1 and "Traceback" not in r.stderr


def test_unknown_gpu_suggests(cli):
    r = cli("recommend", "--gpu", "GTX 4090", "--catalog", CAT)
    assert r.exit_code == 2 and "RTX 4090" in r.stderr


def test_check_exit_codes(cli):
    ok = cli("check", "testorg/Tiny-7B-Chat", "--vram", "24", "--catalog", CAT)
    assert ok.exit_code == 0 and ok.stdout.startswith("FITS")
    no = cli("check", "Big-70B-Chat", "--vram", "24", "--quant", "Q4_K_M", "--catalog", CAT)
    assert no.exit_code == 1 and "DOES NOT FIT" in no.stdout
    off = cli("check", "Big-70B-Chat", "--vram", "24", "--ram", "64", "--quant", "Q4_K_M", "--catalog", CAT)
    assert off.exit_code == 1 and "offload" in off.stdout
    allowed = cli(
        "check", "Big-70B-Chat", "--vram", "24", "--ram", "64", "--quant", "Q4_K_M", "--allow-offload", "--catalog", CAT
    )
    assert allowed.exit_code == 0


def test_check_json(cli):
    r = cli("check", "Big-70B-Chat", "--gpu", "2x A6000", "--quant", "Q4_K_M", "--json", "--catalog", CAT)
    assert r.exit_code == 0, r.stderr
    doc = r.json
    assert doc["command"] == "check" and doc["fits"] is True and doc["items"][0]["fit"] == "gpu"
    assert doc["items"][0]["run"]["llama_cpp"].startswith("llama-server -hf testorg/Big-70B-Chat-GGUF:Q4_K_M")
    assert doc["items"][0]["run"]["ollama"]


def test_check_unknown_model(cli):
    r = cli("check", "no-such-model-xyz", "--vram", "24", "--catalog", CAT)
    assert r.exit_code == 2


def test_no_hardware_flags_uses_detection_notes(cli):
    r = cli("recommend", "--json", "--catalog", CAT)
    assert r.exit_code == 0
    assert r.json["hardware"]["origin"] == "detected"
    assert any("LLMPICK_NO_DETECT" in w for w in r.json["warnings"])


@pytest.mark.parametrize(
    "args",
    [
        ("recommend", "--gpu", "RTX 4090", "--ram", "64", "--include-offload", "--top", "5"),
        ("recommend", "--vram", "2"),  # nothing fits: a hint, no items
        ("check", "Mistral-7B-Instruct-v0.1", "--gpu", "2x RTX 3090"),
        ("check", "goliath-120b", "--gpu", "RTX 4090"),  # does not fit: exit 1, still an answer
    ],
)
def test_answers_validate_against_their_schema_models(cli, args):
    """What the CLI prints is exactly its answer model: no key dropped, none added."""
    from llmpick.schema import CheckAnswer, RecommendAnswer

    r = cli(*args, "--json")
    assert r.exit_code in (0, 1), r.stderr
    model = RecommendAnswer if args[0] == "recommend" else CheckAnswer
    answer = model.model_validate(r.json)
    assert answer.model_dump(mode="json") == r.json
    assert answer.command == args[0]


def test_check_json_does_not_fit_exit_1_with_the_verdict(cli):
    r = cli("check", "goliath-120b", "--gpu", "RTX 4090", "--json")
    assert r.exit_code == 1
    assert r.json["fits"] is False and r.json["items"][0]["fit"] != "gpu"
    assert "does not fit" in r.json["reason"] or "RAM" in r.json["reason"]


# --- issue #12 item 4: any quantization of any model ---------------------------------------------------------


def test_check_a_quantization_nobody_published(cli):
    from llmpick.schema import CheckAnswer

    r = cli("check", "Tiny-7B-Chat", "--vram", "24", "--quant", "F16", "--json", "--catalog", CAT)
    assert r.exit_code == 0, r.stderr
    it = r.json["items"][0]
    assert it["artifact"] == {
        "format": "gguf",
        "repo": "testorg/Tiny-7B-Chat",
        "published": False,
        "made_with": "convert_hf_to_gguf.py",
    }
    assert "not published" in r.json["reason"]
    assert it["run"]["llama_cpp"].startswith("llama-server -m Tiny-7B-Chat-F16.gguf ")
    assert any("convert_hf_to_gguf.py Tiny-7B-Chat --outtype f16" in n for n in it["run"]["notes"])
    assert CheckAnswer.model_validate(r.json).model_dump(mode="json") == r.json
    table = cli("check", "Tiny-7B-Chat", "--vram", "24", "--quant", "F16", "--catalog", CAT)
    assert table.exit_code == 0 and "not published" in table.stdout and "hf download" in table.stdout


def test_published_artifacts_say_so(cli):
    r = cli("check", "Tiny-7B-Chat", "--vram", "24", "--quant", "Q4_K_M", "--json", "--catalog", CAT)
    assert r.json["items"][0]["artifact"]["published"] is True and r.json["items"][0]["artifact"]["made_with"] is None


@pytest.mark.parametrize(
    "quant, code, needle",
    [
        ("Q9_Z", 2, "Unknown quantization"),  # a format that does not exist
        ("QMoE", 2, "Switch Transformers"),  # exists, but only for Switch models
        ("MLX-4bit", 1, "Apple silicon"),  # exists and can be made, but not run on this machine: a "no"
        ("GPTQ-4bit", 0, "GPTQModel"),
    ],
)
def test_check_quant_exit_codes(cli, quant, code, needle):
    r = cli("check", "Tiny-7B-Chat", "--vram", "24", "--quant", quant, "--catalog", CAT)
    assert r.exit_code == code, r.stderr
    assert needle in r.stdout + r.stderr


def test_recommend_with_an_unpublished_quant_marks_it(cli):
    r = cli("recommend", "--vram", "48", "--quant", "BF16", "--top", "500", "--json", "--catalog", CAT)
    assert r.exit_code == 0, r.stderr
    arts = {i["model"]["id"]: i["artifact"] for i in r.json["items"]}
    assert arts["testorg/Tiny-7B-Chat"]["published"] is True  # the original weights are bf16: vLLM serves them
    gpt_oss = arts["openai/gpt-oss-20b"]  # released in MXFP4: its BF16 is llama.cpp's conversion
    assert gpt_oss["published"] is False and gpt_oss["made_with"] == "convert_hf_to_gguf.py"
    plain = cli("recommend", "--vram", "48", "--json", "--catalog", CAT)
    assert all(i["artifact"]["published"] for i in plain.json["items"])
    table = cli("recommend", "--vram", "24", "--quant", "F16", "--catalog", CAT)
    assert table.exit_code == 0 and "not published" in table.stdout


@pytest.mark.slow
def test_check_f16_and_bf16_never_exit_2_for_a_catalog_model(cli):
    """The acceptance test of item 4, through the CLI, over the built-in catalog."""
    from llmpick.catalog import load_catalog

    for m in load_catalog(use_cache=False):
        for quant in ("F16", "BF16"):
            r = cli("check", m.id, "--vram", "24", "--ram", "64", "--quant", quant, "--json")
            assert r.exit_code in (0, 1), (m.id, quant, r.stderr)
            assert r.json["items"][0]["quant"] == quant


def test_estimate_says_when_no_file_is_published(cli):
    r = cli("estimate", "Tiny-7B-Chat", "--quant", "F16", "--quant", "Q4_K_M", "--json", "--catalog", CAT)
    assert r.exit_code == 0, r.stderr
    assert [i["quant"] for i in r.json["items"]] == ["F16", "Q4_K_M"]
    notes = [w for w in r.json["warnings"] if "lists no" in w]
    assert len(notes) == 1 and "no F16 file" in notes[0] and "llmpick check" in notes[0]
    assert "no F16 file" in r.stderr


def test_check_gpt_oss_120b_keeps_its_experts_in_ram(cli):
    """Issue #12: one RTX 4090 + 64 GiB RAM runs gpt-oss-120b with llama.cpp's --n-cpu-moe (a fit with
    --allow-offload)."""
    r = cli("check", "openai/gpt-oss-120b", "--gpu", "RTX 4090", "--ram", "64", "--allow-offload", "--json")
    assert r.exit_code == 0, r.stderr
    item = r.json["items"][0]
    n = item["placement"]["cpu_moe_layers"]
    assert item["fit"] == "moe-offload" and n >= 1
    assert f"-ngl 999 --n-cpu-moe {n} -fa on" in item["run"]["llama_cpp"]
    assert item["memory"]["ram_bytes"] > 0 and len(item["memory"]["gpu_bytes_per_card"]) == 1
    table = cli("check", "openai/gpt-oss-120b", "--gpu", "RTX 4090", "--ram", "64", "--allow-offload")
    assert "--n-cpu-moe" in table.stdout
