"""refresh / catalog verify / catalog add / estimate hf: through the CLI, against the fake Hub."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from llmpick import hub as H

QWEN = "Qwen/Qwen2.5-7B-Instruct"
MISTRAL = "mistralai/Mistral-7B-v0.1"
TOKEN = "hf_SuperSecretToken_0123456789abcdef"


@pytest.fixture(autouse=True)
def _no_index(monkeypatch):
    monkeypatch.setenv("LLMPICK_NO_INDEX", "1")


def refresh(cli, fake, *args):
    return cli("refresh", "--endpoint", fake.url, "--timeout", "0.5", *args)


def test_refresh_then_list_show_estimate_use_it(cli, fake):
    r = refresh(cli, fake, QWEN, MISTRAL, "--json")
    assert r.exit_code == 0, r.stderr
    doc = r.json
    assert doc["command"] == "refresh" and doc["summary"] == {"updated": 2}
    assert [i["model"] for i in doc["items"]] == [QWEN, MISTRAL]
    assert doc["items"][0]["repos"][1] == {
        **doc["items"][0]["repos"][1],
        "repo": "Qwen/Qwen2.5-7B-Instruct-GGUF",
        "outcome": "updated",
    }
    again = refresh(cli, fake, QWEN, "--json").json
    assert again["summary"] == {"unchanged": 1}
    # nothing stale: no argument refreshes nothing for these two
    items = cli("list", "--json").json["items"]
    hub = {i["id"]: i["hub"] for i in items}
    assert hub[QWEN]["downloads"] == 1523891 and hub[QWEN]["likes"] == 812 and hub[QWEN]["fetched_at"]
    assert hub["google/gemma-2-2b-it"] is None
    assert cli("show", QWEN, "--json").json["item"]["hub"]["last_modified"].startswith("2025-01-12")
    table = cli("list", "--search", "qwen2.5-7b-instruct")
    assert "1.5M" in table.stdout and "cached" in table.stdout
    assert "812 likes" in cli("show", QWEN).stdout
    est = cli("estimate", QWEN, "-q", "Q4_K_M", "--json").json["items"][0]
    assert est["basis"]["weights"] == "file_size" and est["weights_bytes"] == 3993201344 + 689872288
    checked = cli("check", QWEN, "-q", "Q4_K_M", "--vram", "24", "--json").json["items"][0]
    assert checked["memory"]["weights_bytes"] == 3993201344 + 689872288


def test_failure_exit_4_keeps_successes(cli, fake):
    fake.fault(MISTRAL, "503")
    r = refresh(cli, fake, QWEN, MISTRAL)
    assert r.exit_code == 4
    assert "HTTP 503" in r.stdout and "last good data is kept" in r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert cli("show", QWEN, "--json").json["item"]["hub"] is not None


@pytest.mark.parametrize(
    "kind", ["notfound", "429", "500", pytest.param("slow", marks=pytest.mark.slow), "close", "malformed", "gated"]
)
def test_token_never_printed(cli, fake, monkeypatch, kind):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    monkeypatch.setenv("LLMPICK_DEBUG", "0")
    monkeypatch.setattr(H, "MAX_ATTEMPTS", 2)
    fake.fault(MISTRAL, kind)
    outs = [
        refresh(cli, fake, MISTRAL),
        refresh(cli, fake, MISTRAL, "--json"),
        cli("catalog", "add", "hf:" + MISTRAL, "--endpoint", fake.url, "--timeout", "0.25"),
        cli("estimate", "hf:" + MISTRAL, "-q", "Q4_K_M", "--endpoint", fake.url, "--timeout", "0.25"),
    ]
    for r in outs:
        assert TOKEN not in r.stdout and TOKEN not in r.stderr and "SuperSecret" not in r.stdout + r.stderr
    assert f"Bearer {TOKEN}" in fake.auth_headers


def test_control_characters_and_markup_print_literally(cli, fake):
    fake.fault(QWEN, "control")
    assert refresh(cli, fake, QWEN).exit_code == 0
    r = cli("catalog", "verify", QWEN)
    assert r.exit_code == 1
    out = r.stdout + r.stderr
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "[red]x[/red] [bold]y" in out  # markup shown as text, not interpreted
    j = cli("catalog", "verify", QWEN, "--json")
    assert j.exit_code == 1 and "\x1b" not in j.stdout and "\x07" not in j.stdout
    from tests.fakehub import NASTY

    assert {i["hub"] for i in j.json["items"] if i["field"] == "license"} == {NASTY.lower()}


def test_verify_clean_then_drift(cli, fake):
    assert refresh(cli, fake, QWEN, MISTRAL).exit_code == 0
    r = cli("catalog", "verify", QWEN, MISTRAL)
    assert r.exit_code == 0 and "no differences" in r.stdout
    fake.set(MISTRAL, safetensors={"parameters": {"BF16": 7}, "total": 7}, gated="auto")
    assert refresh(cli, fake, MISTRAL).exit_code == 0
    r = cli("catalog", "verify", QWEN, MISTRAL, "--json")
    assert r.exit_code == 1
    got = {(i["field"], i["hub"]) for i in r.json["items"]}
    assert got == {("params.total", 7), ("gated", True)}
    assert all(i["file"].endswith("mistralai/Mistral-7B-v0.1.yaml") for i in r.json["items"])
    human = cli("catalog", "verify", MISTRAL)
    assert "Mistral-7B-v0.1.yaml: params.total" in human.stdout


def test_verify_without_cache_says_so(cli, fake):
    r = cli("catalog", "verify", QWEN)
    assert r.exit_code == 0 and "llmpick refresh" in r.stderr


def test_catalog_add_writes_a_valid_draft(cli, fake, tmp_path):
    out = tmp_path / "cat"
    r = cli(
        "catalog", "add", "hf:llmpick-tests/Chatty-Llama-8B", "--endpoint", fake.url, "--output", str(out), "--json"
    )
    assert r.exit_code == 0, r.stderr
    path = out / "llmpick-tests" / "Chatty-Llama-8B.yaml"
    assert r.json["item"]["file"] == str(path) and "summary" in r.json["item"]["todos"]
    assert cli("catalog", "validate", str(path)).exit_code == 0
    assert "# TODO" in path.read_text()
    # now it is in the catalog (as an overlay): a second add is refused, nothing touched
    before = path.read_text()
    again = cli("catalog", "add", "hf:llmpick-tests/Chatty-Llama-8B", "--endpoint", fake.url, "--catalog", str(out))
    assert again.exit_code == 2 and "already in the catalog" in again.stderr and path.read_text() == before


@pytest.mark.parametrize(
    "ref,setup,code,words",
    [
        ("hf:" + QWEN, None, 2, "already in the catalog"),
        ("hf:nobody/nothing", None, 4, "not found"),
        ("hf:llmpick-tests/Chatty-Llama-8B", "gated", 4, "gated"),
        ("hf:sentence-transformers/all-MiniLM-L6-v2", None, 2, "not a text-generation"),
        ("hf:llmpick-tests/Chatty-Llama-8B", "503", 4, "HTTP 503"),
        ("hf:../../etc", None, 2, "not a Hub repo"),
    ],
)
def test_catalog_add_bad_input(cli, fake, tmp_path, ref, setup, code, words):
    if setup:
        fake.fault(ref[3:], setup)
    out = tmp_path / "cat"
    r = cli("catalog", "add", ref, "--endpoint", fake.url, "--output", str(out), "--timeout", "0.5")
    assert r.exit_code == code, r.stderr
    assert words in r.stderr and "Traceback" not in r.stderr
    assert not out.exists() or not list(out.rglob("*.yaml"))


def test_answers_are_their_typed_models(cli, fake, tmp_path):
    """refresh, catalog verify and catalog add print exactly their schema models (schemas/*.json)."""
    from llmpick.schema import AddAnswer, RefreshAnswer, VerifyAnswer

    r = refresh(cli, fake, QWEN, MISTRAL, "--json").json
    assert RefreshAnswer.model_validate(r).model_dump(mode="json") == r
    assert set(r) == {"schema_version", "command", "items", "summary", "endpoint", "offline", "warnings", "error"}
    fake.set(MISTRAL, safetensors={"parameters": {"BF16": 7}, "total": 7}, gated="auto")
    assert refresh(cli, fake, MISTRAL).exit_code == 0
    v = cli("catalog", "verify", QWEN, MISTRAL, "--json").json
    assert VerifyAnswer.model_validate(v).model_dump(mode="json") == v
    assert {type(i["hub"]) for i in v["items"]} == {int, bool}  # values keep their JSON types
    out = tmp_path / "cat"
    a = cli(
        "catalog", "add", "hf:llmpick-tests/Chatty-Llama-8B", "--endpoint", fake.url, "--output", str(out), "--json"
    )
    assert AddAnswer.model_validate(a.json).model_dump(mode="json") == a.json
    assert set(a.json["item"]) == {"id", "file", "todos", "entry"} and a.json["item"]["entry"]["name"]


def test_estimate_any_hub_repo(cli, fake):
    r = cli("estimate", "hf:Qwen/Qwen2.5-7B-Instruct-GGUF", "-q", "Q8_0", "--endpoint", fake.url, "--json")
    assert r.exit_code == 0, r.stderr
    item = r.json["items"][0]
    assert item["weights_bytes"] == 3987079200 + 3969523424 + 129402976 and item["kv_cache_bytes"]
    st = cli("estimate", "hf:llmpick-tests/Chatty-Llama-8B", "-q", "Q4_K_M", "--endpoint", fake.url, "--json")
    assert st.exit_code == 0 and st.json["items"][0]["layers"] == 32
    gated = cli("estimate", "hf:meta-llama/Llama-3.1-8B-Instruct", "-q", "Q4_K_M", "--endpoint", fake.url)
    assert gated.exit_code == 0 and "gated" in gated.stderr
    missing = cli("estimate", "hf:nobody/nothing", "--endpoint", fake.url)
    assert missing.exit_code == 4 and "not found" in missing.stderr
    # offline: from the cache, and says so; unknown repos are a clear error
    off = cli("estimate", "hf:Qwen/Qwen2.5-7B-Instruct-GGUF", "-q", "Q8_0", "--offline", "--json")
    assert off.exit_code == 0 and "Offline" in off.stderr
    assert cli("estimate", "hf:x/never-fetched", "--offline").exit_code == 4


def test_refresh_offline_and_hf_hub_offline_subprocess(cli, fake, tmp_path):
    assert refresh(cli, fake, QWEN).exit_code == 0
    n = fake.count()
    r = refresh(cli, fake, QWEN, MISTRAL, "--offline", "--json")
    assert r.exit_code == 0 and [i["outcome"] for i in r.json["items"]] == ["cached", "missing"]
    assert r.json["offline"] is True and "Offline" in r.stderr
    env = dict(os.environ, HF_ENDPOINT=fake.url, HF_HUB_OFFLINE="1")
    p = subprocess.run(
        [sys.executable, "-m", "llmpick", "refresh", "--all"], env=env, capture_output=True, text=True, timeout=60
    )
    assert p.returncode == 0 and "Offline" in p.stderr and "cache" in p.stdout
    assert fake.count() == n


def test_bad_options(cli, fake):
    assert cli("refresh", "--max-age", "soon").exit_code == 2
    assert cli("refresh", "--concurrency", "0", "--all", "--endpoint", fake.url).exit_code == 2
    assert cli("refresh", "--endpoint", "ftp://x", "--all").exit_code == 2
    assert cli("refresh", "no-such-model-xyz").exit_code == 2


@pytest.mark.slow
def test_ctrl_c_exits_130_without_a_traceback(fake, tmp_path):
    """SIGINT in the middle of a refresh: exit 130, one line, and every cache file whole."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from llmpick import refresh as refresh_mod

    cache = tmp_path / "cache"
    assert os.environ["LLMPICK_CACHE_DIR"] == str(cache)
    # A cache with files in it first, so that the interrupted refresh has something to damage.
    refresh_mod.run(H.Hub(fake.url), [refresh_mod.Target(QWEN, (QWEN, QWEN + "-GGUF"))])
    before = sorted(cache.glob("hub/**/*.json"))
    assert len(before) == 2
    fake.requests.clear()
    fake.fault(QWEN, "slow")
    env = dict(os.environ, LLMPICK_CACHE_DIR=str(cache), HF_ENDPOINT=fake.url)
    p = subprocess.Popen(
        [sys.executable, "-m", "llmpick", "refresh", QWEN, "--timeout", "5"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while fake.count("/api/models/" + QWEN) == 0 and time.monotonic() < deadline:  # its request is in flight
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    _out, err = p.communicate(timeout=30)
    assert p.returncode == 130, err
    assert "Interrupted" in err and "Traceback" not in err
    from llmpick.schema import HubCacheFile

    after = sorted(cache.glob("hub/**/*.json"))
    assert set(before) <= set(after)
    for f in after:
        HubCacheFile.model_validate_json(f.read_bytes())


def test_hub_cells_show_the_age_they_are_given():
    from llmpick.output.hub import hub_cells, hub_line
    from llmpick.schema import HubSummaryOut

    s = HubSummaryOut(downloads=1_523_891, likes=812, last_modified="2025-01-12T10:00:00Z", fetched_at="x")
    assert hub_cells(s, 7200) == ["1.5M", "812", "2025-01-12 (cached 2h ago)"]
    assert hub_cells(s) == ["1.5M", "812", "2025-01-12 (cached)"]
    assert hub_cells(None) == ["-", "-", "-"]
    assert hub_line(s, 30).endswith("(cached Hub data, fetched just now)")
    assert hub_line(s).endswith("(cached Hub data)")
