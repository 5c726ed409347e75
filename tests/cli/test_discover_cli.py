"""`refresh --discover`, drafts in list / show / estimate / recommend / check, `--curated`, `catalog promote`:
through the CLI, against the fake Hub."""

from __future__ import annotations

import os

import pytest

NOVA = "llmpick-tests/Nova-3-8B-Instruct"
VL = "llmpick-tests/Nova-3-VL-4B"
TOKEN = "hf_SuperSecretToken_0123456789abcdef"


@pytest.fixture(autouse=True)
def _no_answer_cache(monkeypatch):
    monkeypatch.setenv("LLMPICK_NO_ANSWER_CACHE", "1")


def discover(cli, fake, *args, env=None):
    return cli("refresh", "--discover", "--endpoint", fake.url, "--timeout", "0.5", *args, env=env)


def cache_files(tmp_path):
    root = tmp_path / "cache"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_discover_then_list_show_estimate_recommend(cli, fake):
    r = discover(cli, fake, "--json")
    assert r.exit_code == 0, r.stderr
    doc = r.json
    assert doc["command"] == "refresh --discover" and doc["error"] is None
    assert doc["summary"]["drafted"] == 3 and doc["summary"]["skipped"] >= 5
    by = {i["repo"]: i for i in doc["items"]}
    assert by[NOVA]["quant_repos"] == [NOVA + "-GGUF"] and by[NOVA]["file"].endswith("Nova-3-8B-Instruct.yaml")
    assert by["Qwen/Qwen2.5-7B-Instruct"]["reason"].startswith("curated")

    listed = {i["id"]: i for i in cli("list", "--json").json["items"]}
    assert listed[NOVA]["curated"] is False and listed["Qwen/Qwen2.5-7B-Instruct"]["curated"] is True
    assert NOVA not in {i["id"] for i in cli("list", "--json", "--curated").json["items"]}
    table = cli("list", "--search", "nova")
    assert f"{NOVA} *" in table.stdout and "not curated" in table.stdout

    assert cli("show", NOVA, "--json").json["item"]["curated"] is False
    assert "not curated" in cli("show", NOVA).stdout

    est = cli("estimate", NOVA, "-q", "Q4_K_M", "--json")
    assert est.exit_code == 0 and est.json["curated"] is False
    assert est.json["items"][0]["weights_bytes"] == 4920739232  # the GGUF derivative's real file
    assert "not curated" in est.stderr
    assert cli("estimate", "Qwen/Qwen2.5-7B-Instruct", "--json").json["curated"] is True

    rec = cli("recommend", "--vram", "24", "--ram", "64", "--top", "200", "--json")
    models = {i["model"]["id"]: i["model"]["curated"] for i in rec.json["items"]}
    assert models[NOVA] is False and models[VL] is False
    assert all(models[m] for m in models if not m.startswith("llmpick-tests/"))
    curated = cli("recommend", "--vram", "24", "--ram", "64", "--top", "200", "--json", "--curated").json
    assert not any(i["model"]["id"].startswith("llmpick-tests/") for i in curated["items"])

    chk = cli("check", NOVA, "--vram", "24", "--json")
    assert chk.exit_code == 0 and chk.json["items"][0]["model"]["curated"] is False
    assert cli("check", NOVA, "--vram", "24", "--curated").exit_code == 2  # unknown in the curated catalog


@pytest.mark.parametrize(("fault", "timeout"), [("500", "0.5"), ("slow", "0.2"), ("malformed", "0.5")])
def test_failing_hub_exits_4_and_loses_nothing(cli, fake, tmp_path, fault, timeout):
    assert discover(cli, fake).exit_code == 0
    before = {
        f: (tmp_path / "cache" / f).read_bytes()
        for f in cache_files(tmp_path)
        if f.startswith("discovered") and f.endswith(".yaml")
    }
    assert len(before) == 3
    fake.fault("list", fault)
    r = cli("refresh", "--discover", "--endpoint", fake.url, "--timeout", timeout, "--json")
    assert r.exit_code == 4, r.stderr
    assert r.json["error"]["kind"] == "network" and "kept" in r.json["error"]["message"]
    assert len(r.json["warnings"]) == 4  # each list says why it failed
    after = {
        f: (tmp_path / "cache" / f).read_bytes()
        for f in cache_files(tmp_path)
        if f.startswith("discovered") and f.endswith(".yaml")
    }
    assert after == before
    assert NOVA in {i["id"] for i in cli("list", "--json").json["items"]}


def test_a_draft_that_fails_is_exit_4_and_the_others_are_written(cli, fake):
    fake.fault(NOVA, "503")  # its config.json
    r = discover(cli, fake, "--json")
    assert r.exit_code == 4
    by = {i["repo"]: i for i in r.json["items"]}
    assert by[NOVA]["outcome"] == "failed" and "503" in by[NOVA]["reason"]
    assert by[VL]["outcome"] == "drafted"


@pytest.mark.parametrize("how", ["flag", "env"])
def test_offline_touches_nothing(cli, fake, tmp_path, how):
    assert discover(cli, fake).exit_code == 0
    fake.requests.clear()
    files = cache_files(tmp_path)
    args = ["--offline"] if how == "flag" else []
    env = {"HF_HUB_OFFLINE": "1"} if how == "env" else None
    r = discover(cli, fake, "--json", *args, env=env)
    assert r.exit_code == 0, r.stderr
    assert r.json["offline"] is True and r.json["endpoint"] is None
    assert {i["repo"] for i in r.json["items"]} == {NOVA, VL, "llmpick-tests/Chatty-Llama-8B"}
    assert fake.requests == [] and cache_files(tmp_path) == files
    assert "Offline" in r.stderr


def test_no_token_and_no_hub_markup_printed(cli, fake, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    fake.fault("list", "control")
    ok = discover(cli, fake)
    fake.reset()
    fake.fault("list", "500")
    bad = discover(cli, fake)
    for r in (ok, bad):
        assert TOKEN not in r.stdout + r.stderr
        assert "\x1b" not in r.stdout + r.stderr and "\u202e" not in r.stdout + r.stderr
    assert fake.auth_headers == [] or all(h == f"Bearer {TOKEN}" for h in fake.auth_headers)
    assert bad.exit_code == 4


def test_usage_errors(cli, fake):
    assert discover(cli, fake, "--limit", "0").exit_code == 2
    assert discover(cli, fake, NOVA).exit_code == 2
    assert fake.requests == []


def test_promote_writes_a_valid_yaml_and_never_overwrites(cli, fake, tmp_path):
    assert discover(cli, fake).exit_code == 0
    out = tmp_path / "mine"
    r = cli("catalog", "promote", NOVA, "--to", str(out), "--json")
    assert r.exit_code == 0, r.stderr
    written = out / "llmpick-tests" / "Nova-3-8B-Instruct.yaml"
    assert r.json["item"]["file"] == str(written) and written.is_file()
    assert any(t.startswith("summary:") for t in r.json["item"]["todos"])
    assert cli("catalog", "validate", str(out)).exit_code == 0
    text = written.read_text()
    assert "Drafted by `llmpick refresh --discover`" in text and "size_bytes: 4920739232" in text
    again = cli("catalog", "promote", NOVA, "--to", str(out))
    assert again.exit_code == 2 and "not overwritten" in again.stderr and "--to" in again.stderr
    assert written.read_text() == text
    # once in a catalog folder, the model is curated: its draft is shadowed, and promoting it again is refused
    assert cli("show", NOVA, "--catalog", str(out), "--json").json["item"]["curated"] is True
    assert cli("catalog", "promote", NOVA, "--catalog", str(out)).exit_code == 2
    assert cli("catalog", "promote", "Qwen/Qwen2.5-7B-Instruct", "--to", str(out)).exit_code == 2


def test_progress_bar_only_on_a_terminal(cli, fake):
    r = discover(cli, fake)
    assert r.exit_code == 0
    assert "Listing" not in r.stderr and "Drafting" not in r.stderr  # CliRunner's stderr is not a terminal
    assert os.environ.get("NO_COLOR") is None
