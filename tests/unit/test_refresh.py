"""refresh.py and draft.py: orchestration against the fake Hub, crash safety, concurrent refreshes, drafting."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from llmpick import hub as H
from llmpick import hubcache, refresh
from llmpick.catalog import load_catalog
from llmpick.errors import UsageError
from llmpick.schema import HubCacheFile

QWEN = "Qwen/Qwen2.5-7B-Instruct"
MISTRAL = "mistralai/Mistral-7B-v0.1"


def all_cache_files_valid() -> int:
    n = 0
    for p in Path(os.environ["LLMPICK_CACHE_DIR"], "hub").glob("*/*.json"):
        HubCacheFile.model_validate_json(p.read_bytes())
        n += 1
    return n


def test_targets_and_staleness(fake):
    cat = load_catalog()
    t = refresh.targets(cat, ["Qwen2.5-7B-Instruct"])
    assert t == [refresh.Target(QWEN, (QWEN, "Qwen/Qwen2.5-7B-Instruct-GGUF"))]
    assert len(refresh.targets(cat)) == len(cat.models)
    refresh.run(H.Hub(fake.url), t)
    assert QWEN not in [x.model for x in refresh.targets(cat)]
    assert QWEN in [x.model for x in refresh.targets(cat, max_age=0)]
    assert QWEN in [x.model for x in refresh.targets(cat, force=True)]


def test_outcomes_updated_unchanged_failed_and_last_good_kept(fake):
    targets = [refresh.Target(QWEN, (QWEN, "Qwen/Qwen2.5-7B-Instruct-GGUF")), refresh.Target(MISTRAL, (MISTRAL,))]
    hub = H.Hub(fake.url, timeout=1)
    out = refresh.run(hub, targets)
    assert [o.outcome for o in out] == ["updated", "updated"]
    assert [o.outcome for o in refresh.run(hub, targets)] == ["unchanged", "unchanged"]
    before = hubcache.path_for(MISTRAL).read_bytes()
    fake.fault(MISTRAL, "503")
    fake.set(QWEN, likes=999)
    out = refresh.run(hub, targets)
    assert [o.outcome for o in out] == ["updated", "failed"] and "HTTP 503" in out[1].reason
    assert hubcache.path_for(MISTRAL).read_bytes() == before
    assert hubcache.read(QWEN).file.data.likes == 999
    assert refresh.counts(out) == {"updated": 1, "failed": 1}


@pytest.mark.parametrize(
    "kind", ["malformed", "close", pytest.param("slow", marks=pytest.mark.slow), "notfound", "control"]
)
def test_faults_never_damage_the_cache(fake, kind):
    hub = H.Hub(fake.url, timeout=0.3)
    refresh.run(hub, [refresh.Target(MISTRAL, (MISTRAL,))])
    fake.fault(MISTRAL, kind)
    refresh.run(hub, [refresh.Target(MISTRAL, (MISTRAL,))])
    assert all_cache_files_valid() == 1


def test_offline_report(fake):
    t = [refresh.Target(QWEN, (QWEN,)), refresh.Target(MISTRAL, (MISTRAL,))]
    refresh.run(H.Hub(fake.url), t[:1])
    fake.requests.clear()
    out = refresh.offline(t)
    assert [o.outcome for o in out] == ["cached", "missing"] and fake.count() == 0


def test_fetch_is_bounded_and_dedupes(fake):
    fake.synthetic = True
    seen = []
    outs = list(
        refresh.fetch(
            H.Hub(fake.url),
            [f"synthetic/m{i}" for i in range(30)] + ["synthetic/m0"],
            concurrency=3,
            on_done=seen.append,
        )
    )
    assert len(outs) == 30 == len(seen) and fake.count("/api/models/") == 30
    with pytest.raises(UsageError, match="--concurrency"):
        list(refresh.fetch(H.Hub(fake.url), ["a/b"], concurrency=0))


def test_two_refreshes_at_once_leave_a_valid_cache(fake):
    fake.synthetic = True
    fake.latency = 0.005
    repos = tuple(f"synthetic/c{i}" for i in range(20))
    t = [refresh.Target("x/y", repos)]
    results = []
    errors: list[BaseException] = []  # an exception in a thread does not fail the test by itself

    def one_refresh() -> None:
        try:
            results.append(refresh.run(H.Hub(fake.url), t, concurrency=4))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one_refresh) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert not any(th.is_alive() for th in threads)
    assert errors == []
    assert len(results) == 3
    assert all(r[0].outcome in ("updated", "unchanged") for r in results)
    assert all_cache_files_valid() == 20


def _cli_env(fake) -> dict[str, str]:
    env = dict(os.environ, HF_ENDPOINT=fake.url, LLMPICK_NO_INDEX="1")
    env.pop("HF_TOKEN", None)
    return env


@pytest.mark.slow
def test_sigkill_midway_leaves_every_file_valid(fake):
    fake.synthetic = True
    fake.latency = 0.03
    proc = subprocess.Popen(
        [sys.executable, "-m", "llmpick", "refresh", "--all", "--concurrency", "4"],
        env=_cli_env(fake),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while fake.count("/api/models/") < 30 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    written = all_cache_files_valid()
    assert written > 0
    # the next refresh completes and sees the written files as fresh
    fake.latency = 0.0
    done = subprocess.run(
        [sys.executable, "-m", "llmpick", "refresh", "--json"],
        env=_cli_env(fake),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert all_cache_files_valid() > written


@pytest.mark.slow
def test_two_cli_refreshes_at_once(fake):
    fake.synthetic = True
    fake.latency = 0.005
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "llmpick", "refresh", "--all", "--json"],
            env=_cli_env(fake),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for p in procs:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert all_cache_files_valid() > 50


# --- draft -------------------------------------------------------------------------------------


def test_arch_from_config_multimodal_and_moe():
    from llmpick.draft import arch_from_config

    a = arch_from_config(
        {
            "architectures": ["Gemma3ForConditionalGeneration"],
            "vision_config": {},
            "text_config": {
                "num_hidden_layers": 34,
                "hidden_size": 2560,
                "num_attention_heads": 8,
                "num_key_value_heads": 4,
                "head_dim": 256,
                "max_position_embeddings": 131072,
                "sliding_window": 1024,
            },
        }
    )
    assert a["type"] == "Gemma3ForConditionalGeneration" and a["layers"] == 34 and a["sliding_window"] == 1024
    m = arch_from_config(
        {
            "architectures": ["MixtralForCausalLM"],
            "num_local_experts": 8,
            "num_experts_per_tok": 2,
            "hidden_size": 4096,
            "num_attention_heads": 32,
            "intermediate_size": 14336,
        }
    )
    assert (m["experts"], m["experts_per_token"], m["head_dim"], m["kv_heads"]) == (8, 2, 128, 32)
    bad = arch_from_config({"num_attention_heads": 8, "num_key_value_heads": 16, "num_hidden_layers": -1})
    assert "layers" not in bad and "kv_heads" not in bad


def test_draft_validates_with_todos(fake):
    from llmpick.draft import draft, to_yaml, validate_yaml

    data = H.Hub(fake.url).model_info("llmpick-tests/Chatty-Llama-8B", with_config=True)
    d = draft("llmpick-tests/Chatty-Llama-8B", data, endpoint=fake.url, fetched_at="2025-01-01T00:00:00Z")
    text = to_yaml(d)
    assert validate_yaml(text, "x/y.yaml") == []
    e = d.entry()
    assert e.params.total == 8030261248 and e.arch.layers == 32 and e.license == "llama3"
    assert e.method == "finetune" and e.base_model == "meta-llama/Meta-Llama-3.1-8B"
    assert {"tool-use", "roleplay", "chat"} <= set(e.uses)
    assert "# TODO summary" in text and "# TODO origin" in text
