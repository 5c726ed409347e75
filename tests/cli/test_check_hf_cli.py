"""`llmpick check hf:ORG/REPO` through the CLI, against the fake Hub: exit codes, the JSON contract, the table
(hostile file names shown as text), offline, and the errors."""

from __future__ import annotations

import json

import pytest

from llmpick.schema.recommend import RepoCheckAnswer
from tests.conftest import ROOT

MOE_GGUF = "llmpick-tests/Qwen3-30B-A3B-GGUF"
AWQ = "llmpick-tests/Nova-3-8B-Instruct-AWQ"


def check(cli, fake, *args):
    return cli("check", *args, "--endpoint", fake.url, "--timeout", "2")


def test_exit_0_when_a_file_fits_and_1_when_none_does(cli, fake):
    ok = check(cli, fake, "hf:" + MOE_GGUF, "--vram", "24", "--ram", "64", "--json")
    assert ok.exit_code == 0, ok.stderr
    assert ok.json["fits"] is True and ok.json["best_file"] == "Qwen3-30B-A3B-Q4_K_M.gguf"
    assert [(i["quant"], i["fit"], i["fits"]) for i in ok.json["items"]] == [
        ("Q2_K", "gpu", True),
        ("IQ4_XS", "gpu", True),
        ("Q4_K_M", "gpu", True),
        ("Q8_0", "moe-offload", False),
    ]
    none = check(cli, fake, "hf:" + MOE_GGUF, "--vram", "8", "--json")
    assert none.exit_code == 1 and none.json["fits"] is False and none.json["best_file"] is None
    offload = check(cli, fake, "hf:" + MOE_GGUF, "--vram", "8", "--ram", "64", "--allow-offload", "--json")
    assert offload.exit_code == 0 and {i["fit"] for i in offload.json["items"]} == {"moe-offload"}
    one = check(cli, fake, "hf:" + MOE_GGUF, "--vram", "24", "-q", "Q8_0", "--json")
    assert one.exit_code == 1 and [i["quant"] for i in one.json["items"]] == ["Q8_0"]


def test_json_is_the_schema_model(cli, fake):
    r = check(cli, fake, "hf:" + AWQ, "--gpu", "RTX 4090", "--json")
    assert r.exit_code == 0, r.stderr
    doc = r.json
    assert doc["command"] == "check hf" and doc["repo"] == AWQ and doc["from_cache"] is False
    assert RepoCheckAnswer.model_validate(doc).model_dump(mode="json") == doc
    schema = json.loads((ROOT / "schemas" / "check-hf.json").read_text())
    assert set(doc) == set(schema["required"])
    item = doc["items"][0]
    assert set(item) == set(schema["$defs"]["RepoFileOut"]["required"])
    assert isinstance(item["file_size_bytes"], int) and item["tokens_per_second"] > 0
    assert item["run"]["vllm"].startswith("vllm serve " + AWQ)


def test_table_shows_hostile_file_names_as_text(cli, fake):
    r = check(cli, fake, "hf:" + MOE_GGUF, "--vram", "24", "--ram", "64")
    assert r.exit_code == 0
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout and "\x1b" not in r.stderr
    assert "[bold red]x[/]\\x1b[31m\\u202e-IQ4_XS.gguf" in r.stdout  # literal, not rich markup
    assert "Q8_0-00001-of-00002.gguf (+1 parts)" in r.stdout and "30.3 GiB" in r.stdout
    assert "Best that fits: Qwen3-30B-A3B-Q4_K_M.gguf" in r.stdout and "llama-server -hf" in r.stdout
    assert "left out: Qwen3-30B-A3B-UD-Q4_K_XL.gguf" in r.stderr
    assert "the catalog entry Qwen/Qwen3-30B-A3B" in r.stderr


def test_offline_uses_the_cache(cli, fake):
    assert check(cli, fake, "hf:" + MOE_GGUF, "--vram", "24").exit_code == 0
    sent = fake.count()
    off = check(cli, fake, "hf:" + MOE_GGUF, "--vram", "24", "--offline", "--json")
    assert off.exit_code == 0 and off.json["from_cache"] is True and "Offline" in off.stderr
    env = cli("check", "hf:" + MOE_GGUF, "--vram", "24", "--json", env={"HF_HUB_OFFLINE": "1"})
    assert env.exit_code == 0 and env.json["from_cache"] is True
    assert fake.count() == sent
    missing = cli("check", "hf:" + AWQ, "--vram", "24", "--offline", "--json")
    assert missing.exit_code == 4 and missing.json["error"]["kind"] == "network"


@pytest.mark.parametrize(
    ("ref", "fault", "code", "words"),
    [
        ("hf:../../etc", None, 2, "not a Hub repo"),
        ("hf:nobody/nothing", None, 4, "not found"),
        ("hf:" + AWQ, "503", 4, "HTTP 503"),
        ("hf:sentence-transformers/all-MiniLM-L6-v2", None, 2, "not a text-generation"),
    ],
)
def test_errors_are_one_line_with_their_exit_code(cli, fake, ref, fault, code, words):
    if fault:
        fake.fault(ref[3:], fault)
    r = check(cli, fake, ref, "--vram", "24")
    assert r.exit_code == code, r.stderr
    assert words in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""
    j = check(cli, fake, ref, "--vram", "24", "--json")
    assert j.exit_code == code and j.json["error"]["message"]


def test_a_gated_repo_is_judged_from_model_info(cli, fake):
    """The Hub shows a gated repo's file list to anyone; only config.json needs the license accepted."""
    fake.fault(AWQ, "gated")
    r = check(cli, fake, "hf:" + AWQ, "--vram", "24", "--json")
    assert r.exit_code == 0, r.stderr
    assert r.stderr.count("is gated") == 1 and r.json["items"][0]["quant"] == "AWQ-4bit"
    assert r.json["items"][0]["quant_basis"].startswith("the Hub tag 'awq'")


def test_a_repo_without_model_files_or_without_the_quant_is_a_usage_error(cli, fake):
    fake.set(AWQ, siblings=[{"rfilename": "README.md", "size": 10}, {"rfilename": "x.bin", "size": 10}])
    r = check(cli, fake, "hf:" + AWQ, "--vram", "24")
    assert r.exit_code == 2 and "no model files" in r.stderr and len(r.stderr.strip().splitlines()) == 2
    fake.reset()
    q = check(cli, fake, "hf:" + MOE_GGUF, "--vram", "24", "-q", "Q6_K")
    assert q.exit_code == 2 and "no Q6_K file" in q.stderr and "Q4_K_M" in q.stderr
