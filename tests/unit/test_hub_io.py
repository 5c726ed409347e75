"""Outside data and outside trouble at the Hub door (issue #10): hostile endpoints, timeouts and tokens (D12),
deep JSON from the Hub or the cache (D11), caches that cannot be written (D13), endpoint credentials (D17),
requests that never end, and numbers no real repo has."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest

from llmpick import hub as H
from llmpick import hubcache, refresh
from llmpick.catalog import load_catalog
from llmpick.errors import ExitCode, UsageError
from llmpick.hubargs import DEFAULT_TIMEOUT, MAX_TIMEOUT, check_timeout, redact_url, resolve_endpoint
from llmpick.safeio import ReadProblem, loads_json
from llmpick.schema import HubFile, HubRepoData

MISTRAL = "mistralai/Mistral-7B-v0.1"
REPO = "acme/Model-7B"
DEEP = b"[" * 100_000 + b"]" * 100_000


def data(**kw):
    base = dict(id=REPO, sha="a" * 40, downloads=10, files=[HubFile(name="model.safetensors", size=14_000_000_000)])
    return HubRepoData(**{**base, **kw})


# --- D17: credentials in the endpoint ------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:SECRET@mirror:8080/hub", "http://user:***@mirror:8080/hub"),
        ("https://SECRET@mirror", "https://***@mirror"),
        ("https://:SECRET@mirror", "https://***@mirror"),
        ("http://user:p@ss:SECRET@mirror/x?y#z", "http://user:***@mirror/x?y#z"),
        ("http://u:SECRET@[::1", "http://u:***@[::1"),  # malformed: still redacted
        ("https://huggingface.co", "https://huggingface.co"),
        ("https://mirror/path@not-userinfo", "https://mirror/path@not-userinfo"),
        ("not a url", "not a url"),
    ],
)
def test_redact_url(url, shown):
    assert redact_url(url) == shown and "SECRET" not in shown


def test_the_client_uses_the_real_endpoint_and_shows_the_redacted_one(fake):
    host = fake.url.removeprefix("http://")
    hub = H.Hub(f"http://user:SECRET@{host}", timeout=2)
    assert hub.endpoint == f"http://user:SECRET@{host}" and hub.shown_endpoint == f"http://user:***@{host}"
    data_ = hub.model_info(MISTRAL)
    stored, _ = hubcache.write(MISTRAL, data_, endpoint=hub.endpoint)  # even given the real one, it stores the redacted
    assert stored.endpoint == hub.shown_endpoint
    assert b"SECRET" not in hubcache.path_for(MISTRAL).read_bytes()
    with pytest.raises(H.HubUnavailable) as e:
        H.Hub("http://user:SECRET@127.0.0.1:9", timeout=1).model_info(MISTRAL)
    assert "SECRET" not in e.value.message and "user:***@127.0.0.1:9" in e.value.message


# --- D12: endpoints, timeouts, tokens ------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    ["http://[::1", "http://x\n.y", "http://x\x1b[31m.y", "http://a b", "ftp://x", "http://", "http://h:99999",
     "http://h:port", "http://h/?q=1", "http://u:SECRET@[::1", "mirror.example"],
)  # fmt: skip
def test_unusable_endpoints_are_usage_errors(bad, monkeypatch):
    with pytest.raises(UsageError) as e:
        resolve_endpoint(bad)
    assert e.value.exit_code == ExitCode.USAGE and "SECRET" not in e.value.message
    assert "\n" not in e.value.message and "\x1b" not in e.value.message
    monkeypatch.setenv("HF_ENDPOINT", bad)
    with pytest.raises(UsageError, match="HF_ENDPOINT"):
        H.Hub()


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), 1e308, 0, 0.0, -1, MAX_TIMEOUT + 1, "x"])
def test_timeouts_must_be_finite_positive_and_bounded(bad):
    with pytest.raises(UsageError, match="--timeout"):
        check_timeout(bad)
    with pytest.raises(UsageError, match="--timeout"):
        H.Hub("http://127.0.0.1:9", timeout=bad)


def test_good_timeouts():
    assert check_timeout(None) == DEFAULT_TIMEOUT == 10.0
    assert check_timeout(0.25) == 0.25 and check_timeout(MAX_TIMEOUT) == MAX_TIMEOUT


@pytest.mark.parametrize("token", ["hf_tökén", "hf_abc\x01def", "hf_\x7f"])
def test_a_token_a_header_cannot_carry_is_a_usage_error_that_never_shows_it(fake, monkeypatch, token):
    monkeypatch.setenv("HF_TOKEN", token)
    hub = H.Hub(fake.url, timeout=1)
    with pytest.raises(UsageError) as e:
        hub.model_info(MISTRAL)
    assert "token" in e.value.message.lower() and token not in e.value.message + (e.value.hint or "")
    assert fake.count() == 0


@pytest.mark.parametrize("kind", ["fifo", "folder", "huge"])
def test_a_token_file_that_is_not_a_token_is_refused_without_blocking(fake, tmp_path, monkeypatch, kind):
    from huggingface_hub import constants

    path = tmp_path / "hf" / "token"
    path.parent.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(path))  # read once, at import: this run's HF_HOME may differ
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"x" * 100_000)
    with pytest.raises(UsageError, match="token file"):
        H.Hub(fake.url, timeout=1).model_info(MISTRAL)


def test_a_request_that_drips_is_abandoned_at_its_deadline(fake, monkeypatch):
    monkeypatch.setattr(H, "MAX_ATTEMPTS", 1)
    fake.fault(MISTRAL, "drip")  # headers, a byte every 50 ms: the read timeout alone never fires
    start = time.monotonic()
    with pytest.raises(H.HubUnavailable, match=r"no complete answer within 0\.3 s"):
        H.Hub(fake.url, timeout=0.3).model_info(MISTRAL)
    assert time.monotonic() - start < 0.3 + H.WATCHDOG_GRACE + 1.5


def test_cancel_ends_a_call_in_flight_at_once(fake):
    fake.fault(MISTRAL, "hang")
    hub = H.Hub(fake.url, timeout=30)
    threading.Timer(0.3, hub.cancel).start()
    start = time.monotonic()
    with pytest.raises(H.HubUnavailable, match="cancelled"):
        hub.model_info(MISTRAL)
    assert time.monotonic() - start < 3


# --- D11: deep JSON, and numbers no real repo has --------------------------------------------------


def test_deeply_nested_answers_are_bad_answers_not_crashes(fake):
    fake.fault(MISTRAL, "deep")
    with pytest.raises(H.HubBadAnswer, match="nested"):
        H.Hub(fake.url, timeout=2).model_info(MISTRAL)


@pytest.mark.parametrize(
    "override",
    [
        {"downloads": 10**4000},
        {"likes": -1},
        {"siblings": [{"rfilename": "m-Q4_K_M.gguf", "size": 10**30}]},
        {"safetensors": {"parameters": {"BF16": 10**20}, "total": 10**20}},
        {"gguf": {"total": 10**20, "context_length": 10**20}},
    ],
)
def test_impossible_numbers_are_refused(fake, override):
    fake.set(MISTRAL, **override)
    with pytest.raises(H.HubBadAnswer, match=r"out of range|wrong type"):
        H.Hub(fake.url, timeout=2).model_info(MISTRAL)


def test_numbers_json_cannot_hold_are_refused_or_nulled():
    with pytest.raises(ReadProblem, match="too large"):
        loads_json(b'{"x": 1e999}')
    with pytest.raises(ReadProblem, match="NaN"):
        loads_json(b'{"x": NaN}')
    # a config.json someone wrote with Python's json module: read, with the impossible numbers as null
    assert loads_json(b'{"a": NaN, "b": Infinity, "c": 1e999, "d": 1.5}', nonfinite_as_null=True) == {
        "a": None,
        "b": None,
        "c": None,
        "d": 1.5,
    }


# --- the cache: damaged files are ignored, then replaced; writes that fail are CacheWriteError ----


@pytest.mark.parametrize("kind", ["deep", "fifo", "huge-number", "wrong-types", "folder"])
def test_a_damaged_cache_file_is_ignored_and_replaced(kind):
    path = hubcache.path_for(REPO)
    path.parent.mkdir(parents=True)
    if kind == "deep":
        path.write_bytes(DEEP)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        hubcache.write(REPO, data(), endpoint="http://hub")
        doc = json.loads(path.read_text())
        if kind == "huge-number":
            doc["data"]["files"][0]["size"] = 10**30
        else:
            doc["data"]["downloads"] = "many"
            doc["data"]["tags"] = {"a": 1}
        path.write_text(json.dumps(doc))
    c = hubcache.read(REPO)
    assert c.file is None and c.problem and REPO in c.problem
    assert hubcache.hub_summary(REPO) is None and hubcache.cached_file_size(REPO, "BF16") is None
    if kind == "folder":  # not a file: it cannot be replaced, and says so
        with pytest.raises(hubcache.CacheWriteError, match="cannot write the Hub cache"):
            hubcache.write(REPO, data(), endpoint="http://hub")
        return
    new, changed = hubcache.write(REPO, data(), endpoint="http://hub")
    assert changed and hubcache.read(REPO).file == new


def test_a_cache_folder_that_is_a_file_is_an_empty_cache_and_a_write_error(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("LLMPICK_CACHE_DIR", str(blocker))
    c = hubcache.read(REPO)
    assert c.file is None and c.problem is None
    with pytest.raises(hubcache.CacheWriteError) as e:
        hubcache.write(REPO, data(), endpoint="http://hub")
    assert e.value.message.startswith("cannot write the Hub cache") and "\n" not in e.value.message


@pytest.mark.parametrize("errno_name", ["EROFS", "ENOSPC", "EACCES"])
def test_read_only_or_full_disks_are_write_errors(monkeypatch, errno_name):
    import errno

    import llmpick.atomic

    def fail(path, data):
        code = getattr(errno, errno_name)
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(llmpick.atomic, "write_atomic", fail)
    with pytest.raises(hubcache.CacheWriteError, match=os.strerror(getattr(errno, errno_name))):
        hubcache.write(REPO, data(), endpoint="http://hub")


# --- refresh: bounds, outcomes, and repairs --------------------------------------------------------


@pytest.mark.parametrize("bad", [0, -1, refresh.MAX_CONCURRENCY + 1, 10**30, True])
def test_concurrency_is_bounded(bad):
    with pytest.raises(UsageError, match="--concurrency"):
        refresh.check_concurrency(bad)


def test_max_age_must_be_a_number():
    with pytest.raises(UsageError, match="--max-age"):
        refresh.targets(load_catalog(), max_age=float("nan"))


def test_refresh_replaces_a_damaged_cache_file(fake):
    path = hubcache.path_for(MISTRAL)
    path.parent.mkdir(parents=True)
    path.write_bytes(DEEP)
    cat = load_catalog()
    targets = refresh.targets(cat, [MISTRAL])
    [outcome] = refresh.run(H.Hub(fake.url, timeout=2), targets)
    assert outcome.outcome == "updated" and hubcache.read(MISTRAL).file is not None


def test_a_cache_that_cannot_be_written_is_a_failed_outcome(fake, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("LLMPICK_CACHE_DIR", str(blocker))
    [outcome] = refresh.run(H.Hub(fake.url, timeout=2), [refresh.Target(MISTRAL, (MISTRAL,))])
    assert outcome.outcome == "failed" and "cannot write the Hub cache" in (outcome.reason or "")


def test_a_bad_token_stops_the_whole_refresh_once(fake, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_tökén")
    with pytest.raises(UsageError, match="token"):
        refresh.run(H.Hub(fake.url, timeout=2), [refresh.Target(MISTRAL, (MISTRAL, "TheBloke/Mistral-7B-v0.1-GGUF"))])
