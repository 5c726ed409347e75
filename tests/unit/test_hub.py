"""hub.py: the real huggingface_hub client against the local fake Hub, fault by fault."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from llmpick import hub as H
from llmpick.errors import ExitCode, UsageError

QWEN = "Qwen/Qwen2.5-7B-Instruct"
MISTRAL = "mistralai/Mistral-7B-v0.1"


def client(fake, **kw):
    return H.Hub(fake.url, timeout=kw.pop("timeout", 2.0), **kw)


def test_model_info_parses_facts(fake):
    d = client(fake).model_info(QWEN, with_config=True)
    assert d.id == QWEN and d.safetensors_total == 7615616512 and d.license == "apache-2.0"
    assert d.gated is False and d.downloads == 1523891 and d.likes == 812 and d.sha.startswith("a09a")
    assert d.base_model == ["Qwen/Qwen2.5-7B"] and "conversational" in d.tags
    assert {f.name: f.size for f in d.files}["model-00001-of-00004.safetensors"] == 3945441440
    assert d.config["num_hidden_layers"] == 28


def test_gguf_facts(fake):
    d = client(fake).model_info("Qwen/Qwen2.5-7B-Instruct-GGUF")
    assert d.gguf.context_length == 32768 and d.gguf.architecture == "qwen2"


def test_endpoint_from_env_read_at_call_time(fake, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", fake.url + "/")
    assert H.Hub().endpoint == fake.url
    assert H.Hub("http://example.invalid").endpoint == "http://example.invalid"
    with pytest.raises(UsageError):
        H.Hub("ftp://x")


def test_not_found(fake):
    with pytest.raises(H.HubNotFound) as e:
        client(fake).model_info("nobody/nothing")
    assert e.value.exit_code == ExitCode.NETWORK and "not found" in e.value.message


def test_gated_config(fake):
    c = client(fake)
    d = c.model_info("meta-llama/Llama-3.1-8B-Instruct")
    assert d.gated == "manual"
    with pytest.raises(H.HubGated) as e:
        c.model_info("meta-llama/Llama-3.1-8B-Instruct", with_config=True)
    assert "HF_TOKEN" in e.value.hint


def test_gated_with_granted_token(fake, monkeypatch):
    fake.granted_token = "hf_granted_secret_123"
    monkeypatch.setenv("HF_TOKEN", "hf_granted_secret_123")
    d = client(fake).model_info("meta-llama/Llama-3.1-8B-Instruct", with_config=True)
    assert d.config["max_position_embeddings"] == 131072
    assert fake.auth_headers and all(a == "Bearer hf_granted_secret_123" for a in fake.auth_headers)


def test_429_honours_retry_after_then_succeeds(fake):
    fake.fault(MISTRAL, "429", times=1, retry_after=3)
    d = client(fake).model_info(MISTRAL)
    assert d.id == MISTRAL
    assert len(fake.sleeps) == 1 and fake.sleeps[0] >= 3


@pytest.mark.parametrize("kind", ["500", "503"])
def test_5xx_then_success(fake, kind):
    fake.fault(MISTRAL, kind, times=2)
    assert client(fake).model_info(MISTRAL).likes == 3894
    assert len(fake.sleeps) == 2


@pytest.mark.parametrize("kind", ["500", "503"])
def test_5xx_permanent_is_bounded(fake, kind):
    fake.fault(MISTRAL, kind)
    with pytest.raises(H.HubUnavailable) as e:
        client(fake).model_info(MISTRAL)
    assert f"HTTP {kind}" in e.value.message
    assert fake.count("/api/models/") == H.MAX_ATTEMPTS and len(fake.sleeps) == H.MAX_ATTEMPTS - 1


def test_retry_after_beyond_budget_fails_without_waiting(fake):
    fake.fault(MISTRAL, "429", retry_after=3600)
    with pytest.raises(H.HubUnavailable):
        client(fake).model_info(MISTRAL)
    assert fake.sleeps == [] and fake.count("/api/models/") == 1


def test_backoff_grows_and_is_capped(fake, monkeypatch):
    monkeypatch.setattr(H.random, "uniform", lambda a, b: b)
    fake.fault(MISTRAL, "500")
    with pytest.raises(H.HubUnavailable):
        client(fake).model_info(MISTRAL)
    assert fake.sleeps == [H.BACKOFF_BASE * 2**i for i in range(H.MAX_ATTEMPTS - 1)]


def test_slow_answer_times_out(fake, monkeypatch):
    monkeypatch.setattr(H, "MAX_ATTEMPTS", 2)
    fake.fault(MISTRAL, "slow")
    t0 = time.monotonic()
    with pytest.raises(H.HubUnavailable) as e:
        client(fake, timeout=0.2).model_info(MISTRAL)
    assert "no answer within 0.2 s" in e.value.message
    assert time.monotonic() - t0 < 1.5


def test_slow_once_then_success(fake):
    fake.fault(MISTRAL, "slow", times=1)
    assert client(fake, timeout=0.3).model_info(MISTRAL).id == MISTRAL


def test_connection_closed_mid_body(fake):
    fake.fault(MISTRAL, "close", times=1)
    assert client(fake).model_info(MISTRAL).id == MISTRAL
    fake.fault(MISTRAL, "close")
    with pytest.raises(H.HubUnavailable) as e:
        client(fake).model_info(MISTRAL)
    assert "closed" in e.value.message


def test_malformed_json(fake):
    fake.fault(MISTRAL, "malformed")
    with pytest.raises(H.HubBadAnswer) as e:
        client(fake).model_info(MISTRAL)
    assert "not valid JSON" in e.value.message


def test_enormous_body_is_refused(fake, monkeypatch):
    monkeypatch.setattr(H, "MAX_BODY_BYTES", 1024 * 1024)
    fake.fault(MISTRAL, "enormous")
    with pytest.raises(H.HubBadAnswer) as e:
        client(fake).model_info(MISTRAL)
    assert "larger than" in e.value.message


def test_wrong_shape(fake):
    fake.set(MISTRAL, siblings="not a list", downloads="many")
    with pytest.raises(H.HubBadAnswer):
        client(fake).model_info(MISTRAL)


def test_control_characters_are_kept_as_data(fake):
    fake.fault(MISTRAL, "control")
    d = client(fake).model_info(MISTRAL)
    assert "[red]" in d.license and "\x1b" in d.license


def test_offline_sends_nothing(fake, monkeypatch):
    with pytest.raises(H.HubOffline):
        client(fake, offline=True).model_info(MISTRAL)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(H.HubOffline):
        client(fake).model_info(MISTRAL)
    assert fake.count() == 0


def test_connection_refused_is_retried_and_bounded(monkeypatch):
    sleeps: list[float] = []
    monkeypatch.setattr(H, "SLEEP", sleeps.append)
    with pytest.raises(H.HubUnavailable) as e:
        H.Hub("http://127.0.0.1:9", timeout=1).model_info(MISTRAL)
    assert "cannot connect" in e.value.message and len(sleeps) == H.MAX_ATTEMPTS - 1


@pytest.mark.parametrize("bad", ["../etc", "a/../b", "a/b/c", "org/", "-x/y", "a b/c"])
def test_repo_ids_are_validated(bad):
    with pytest.raises(UsageError):
        H.Hub("http://127.0.0.1:9").model_info(bad)


def test_import_cli_does_not_load_huggingface_hub():
    code = "import sys, llmpick.cli; assert 'huggingface_hub' not in sys.modules, 'loaded'; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr
