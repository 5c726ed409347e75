"""refresh / catalog verify / catalog add / estimate hf: through the CLI, against the fake Hub."""

from __future__ import annotations

import json
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
    fake.set(MISTRAL, safetensors={"parameters": {"BF16": 7}, "total": 7}, gated=False)
    assert refresh(cli, fake, MISTRAL).exit_code == 0
    r = cli("catalog", "verify", QWEN, MISTRAL, "--json")
    assert r.exit_code == 1
    got = {(i["field"], i["hub"]) for i in r.json["items"]}
    assert got == {("params.total", 7), ("gated", False)}
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
    fake.set(MISTRAL, safetensors={"parameters": {"BF16": 7}, "total": 7}, gated=False)
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


# --- issue #10: bounded flags (D12, D24), files written (D13), endpoint credentials (D17) ----------------

CHATTY = "llmpick-tests/Chatty-Llama-8B"


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--timeout", "nan"),
        ("--timeout", "inf"),
        ("--timeout", "1e308"),
        ("--timeout", "0"),
        ("--max-age", "nan"),
        ("--max-age", "inf"),
        ("--max-age", "1e999d"),
        ("--concurrency", "0"),
        ("--concurrency", "65"),
        ("--concurrency", "99999999999999999999999"),
    ],
)
def test_refresh_flags_are_bounded_before_anything_happens(cli, fake, flag, value):
    r = cli("refresh", MISTRAL, "--endpoint", fake.url, flag, value, "--json")
    assert r.exit_code == 2, r.stderr
    assert r.json["error"]["kind"] == "usage" and flag in r.json["error"]["message"]
    assert r.stderr.count("Error:") == 1 and fake.count() == 0


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-3"])
def test_hub_timeouts_are_bounded_for_estimate_and_catalog_add(cli, fake, tmp_path, value):
    for args in (("estimate", "hf:" + CHATTY), ("catalog", "add", "hf:" + CHATTY, "--output", str(tmp_path / "o"))):
        r = cli(*args, "--endpoint", fake.url, "--timeout", value, "--json")
        assert r.exit_code == 2 and "--timeout" in r.json["error"]["message"], r.stderr
    assert fake.count() == 0


def test_endpoint_credentials_are_never_shown_or_stored(cli, fake, tmp_path, monkeypatch):
    host = fake.url.removeprefix("http://")
    secret_ep = f"http://user:SECRET@{host}"
    out = tmp_path / "drafts"
    runs = [
        cli("refresh", MISTRAL, "--endpoint", secret_ep, "--json"),
        cli("refresh", QWEN, "--endpoint", secret_ep),
        cli("refresh", QWEN, "--endpoint", "http://user:SECRET@127.0.0.1:9", "--timeout", "0.5", "--json"),
        cli("refresh", QWEN, "--endpoint", "http://user:SECRET@127.0.0.1:9", "--timeout", "0.5"),
        cli("refresh", "--endpoint", "http://user:SECRET@[::1", "--all", "--json"),
        cli("estimate", "hf:" + CHATTY, "--endpoint", secret_ep, "--json"),
        cli("catalog", "add", "hf:" + CHATTY, "--endpoint", secret_ep, "--output", str(out), "--json"),
    ]
    monkeypatch.setenv("HF_ENDPOINT", secret_ep)
    runs.append(cli("refresh", "google/gemma-2-2b-it", "--json"))
    assert [r.exit_code for r in runs] == [0, 0, 4, 4, 2, 0, 0, 0]
    assert runs[0].json["endpoint"] == f"http://user:***@{host}"
    assert "user:***@127.0.0.1:9" in runs[2].json["items"][0]["reason"]
    for r in runs:
        assert "SECRET" not in r.stdout + r.stderr
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".yaml" for p in written) and len([p for p in written if p.suffix == ".json"]) >= 4
    for p in written:
        assert b"SECRET" not in p.read_bytes(), p
    assert f"http://user:***@{host}/api/models/{CHATTY}" in (out / f"{CHATTY}.yaml").read_text()


def test_an_old_cache_file_with_credentials_is_redacted_when_used(cli, fake, tmp_path):
    from llmpick import hubcache

    assert cli("estimate", "hf:" + CHATTY, "--endpoint", fake.url).exit_code == 0
    path = hubcache.path_for(CHATTY)
    doc = json.loads(path.read_text())
    doc["endpoint"] = "http://user:SECRET@old-mirror"  # written by an llmpick that stored it as given
    path.write_text(json.dumps(doc))
    r = cli("catalog", "add", "hf:" + CHATTY, "--offline", "--output", str(tmp_path / "o"), "--json")
    assert r.exit_code == 0, r.stderr
    assert "SECRET" not in r.stdout and "http://user:***@old-mirror" in json.dumps(r.json["item"]["entry"]["sources"])
    assert "SECRET" not in (tmp_path / "o" / f"{CHATTY}.yaml").read_text()


def test_catalog_add_writes_to_the_user_catalog_which_every_command_reads(cli, fake, tmp_path):
    r = cli("catalog", "add", "hf:" + CHATTY, "--endpoint", fake.url, "--json")
    assert r.exit_code == 0, r.stderr
    written = tmp_path / "config" / "catalog" / f"{CHATTY}.yaml"
    assert r.json["item"]["file"] == str(written) and written.is_file()
    assert CHATTY in [i["id"] for i in cli("list", "--json").json["items"]]
    assert cli("show", CHATTY, "--json").json["item"]["file"] == str(written)
    again = cli("catalog", "add", "hf:" + CHATTY, "--endpoint", fake.url)
    assert again.exit_code == 2 and "already in the catalog" in again.stderr


def test_catalog_add_refuses_a_destination_it_cannot_write_before_fetching(cli, fake, tmp_path, monkeypatch):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    for dest in (a_file, a_file / "below"):
        r = cli("catalog", "add", "hf:" + CHATTY, "--endpoint", fake.url, "--output", str(dest), "--json")
        assert r.exit_code == 2 and "is a file, not a folder" in r.json["error"]["message"]
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(read_only) else real_access(p, mode))
    r = cli("catalog", "add", "hf:" + CHATTY, "--endpoint", fake.url, "--output", str(read_only / "cat"), "--json")
    assert r.exit_code == 2 and "cannot be written" in r.json["error"]["message"]
    assert fake.count() == 0


def test_a_full_disk_is_a_warning_for_the_cache_and_an_error_for_the_draft(cli, fake, tmp_path, monkeypatch):
    import errno

    import llmpick.atomic

    def full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(llmpick.atomic, "write_atomic", full)
    est = cli("estimate", "hf:" + CHATTY, "-q", "Q4_K_M", "--endpoint", fake.url, "--json")
    assert est.exit_code == 0 and est.json["items"][0]["weights_bytes"] > 0
    assert "cannot write the Hub cache" in est.stderr and "No space left on device" in est.stderr
    add = cli("catalog", "add", "hf:" + CHATTY, "--endpoint", fake.url, "--output", str(tmp_path / "o"), "--json")
    assert add.exit_code == 2 and "No space left on device" in add.json["error"]["message"]
    assert "Traceback" not in est.stderr + add.stderr


def test_a_cache_folder_that_is_a_file_is_a_warning(cli, fake, tmp_path, monkeypatch):
    blocker = tmp_path / "cache-file"
    blocker.write_text("x")
    monkeypatch.setenv("LLMPICK_CACHE_DIR", str(blocker))
    est = cli("estimate", "hf:" + CHATTY, "--endpoint", fake.url, "--json")
    assert est.exit_code == 0 and "Warning: cannot write the Hub cache" in est.stderr
    add = cli("catalog", "add", "hf:" + CHATTY, "--endpoint", fake.url, "--output", str(tmp_path / "o"))
    assert add.exit_code == 0 and (tmp_path / "o" / f"{CHATTY}.yaml").is_file()
    r = refresh(cli, fake, MISTRAL, "--json")
    assert r.exit_code == 4 and "cannot write the Hub cache" in r.json["items"][0]["reason"]
