"""Issue #10, the Hub, caches, files written, pipes and signals: one case per reproduction, each in a real process.

D11 deep JSON (Hub answer, cache file) and a damaged cache that `refresh` must repair; D12 timeouts, endpoints and
tokens; D24 --max-age nan; D13 caches and catalog folders that cannot be written; D14 a closed pipe; D19 Ctrl-C
while starting; D17 credentials in the endpoint URL.  Each asserts the documented exit code, one `Error:` line,
no traceback, strict JSON in JSON mode, and no secret anywhere.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.adversarial.conftest import HANG_GUARD_S, Run

MISTRAL = "mistralai/Mistral-7B-v0.1"
MISTRAL_REPOS = (MISTRAL, "TheBloke/Mistral-7B-v0.1-GGUF")
CHATTY = "llmpick-tests/Chatty-Llama-8B"
DEEP = b"[" * 100_000 + b"]" * 100_000


def one_error(r: Run, code: int, *words: str) -> Run:
    """The documented exit code, exactly one `Error:` line naming the problem, no traceback, strict JSON if any."""
    assert r.code == code, (r.code, r.stderr[-2000:])
    r.no_traceback()
    assert r.stderr.count("Error:") == 1 and "internal error" not in r.stderr, r.stderr
    for w in words:
        assert w in r.stderr, (w, r.stderr)
    if r.stdout.startswith("{"):
        assert r.json["error"]["code"] == code
    return r


def env_of(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The `run` fixture's environment, for the cases that need their own Popen (pipes, signals, limits)."""
    env = {k: v for k, v in os.environ.items() if k not in ("HF_TOKEN", "HF_HUB_OFFLINE", "LLMPICK_CATALOG")}
    env.update(
        LLMPICK_CACHE_DIR=str(tmp_path / "cache"),
        LLMPICK_CONFIG_DIR=str(tmp_path / "config"),
        LLMPICK_NO_DETECT="1",
        HF_HOME=str(tmp_path / "hf"),
        HF_ENDPOINT="http://127.0.0.1:9",
        COLUMNS="200",
        **extra,
    )
    env.pop("LLMPICK_DEBUG", None)
    return env


# --- D11: deep JSON, damaged cache files --------------------------------------------------------------


def test_d11_a_deep_cache_file_is_ignored_then_repaired_by_refresh(run, fake, tmp_path):
    path = tmp_path / "cache" / "hub" / "mistralai" / "Mistral-7B-v0.1.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(DEEP)
    listed = run("list", "--json").no_traceback()
    assert listed.code == 0 and MISTRAL in [i["id"] for i in listed.json["items"]]
    verify = run("catalog", "verify", MISTRAL).no_traceback()
    assert verify.code == 0 and "nested more than" in verify.stderr
    repaired = run("refresh", MISTRAL, "--endpoint", fake.url, "--json").no_traceback()
    assert repaired.code == 0 and repaired.json["summary"] == {"updated": 1}
    assert path.read_bytes().startswith(b"{")
    assert run("show", MISTRAL, "--json").json["item"]["hub"]["downloads"] is not None


def test_d11_a_deep_hub_answer_is_a_network_error(run, fake):
    fake.fault(MISTRAL, "deep")
    one_error(run("estimate", "hf:" + MISTRAL, "--endpoint", fake.url, "--json"), 4, "nested more than")


# --- D12 / D24: flags and environment the Hub calls depend on ----------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("refresh", MISTRAL, "--timeout", "nan"), "--timeout"),
        (("refresh", MISTRAL, "--timeout", "inf"), "--timeout"),
        (("refresh", MISTRAL, "--timeout", "1e308"), "--timeout"),
        (("refresh", MISTRAL, "--timeout", "0"), "--timeout"),
        (("estimate", "hf:" + MISTRAL, "--timeout", "nan"), "--timeout"),
        (("refresh", "--max-age", "nan"), "--max-age"),
        (("refresh", "--all", "--concurrency", "100000"), "--concurrency"),
        (("refresh", MISTRAL, "--endpoint", "http://[::1"), "malformed"),
    ],
)
def test_d12_d24_bad_values_are_usage_errors(run, args, words):
    for fmt in ((), ("--json",)):
        one_error(run(*args, *fmt), 2, words)


@pytest.mark.parametrize("endpoint", ["http://[::1", "http://mirror\n.example", "http://mirror\x1b[31m.example"])
def test_d12_a_malformed_hf_endpoint_is_a_usage_error(run, endpoint):
    for args in (("refresh", MISTRAL, "--json"), ("estimate", "hf:" + MISTRAL), ("catalog", "add", "hf:" + CHATTY)):
        r = one_error(run(*args, extra_env={"HF_ENDPOINT": endpoint}), 2, "HF_ENDPOINT")
        assert "\x1b" not in r.stderr + r.stdout


def test_d12_a_good_endpoint_flag_wins_over_a_malformed_hf_endpoint(run, fake):
    # huggingface_hub parses HF_ENDPOINT when it is imported: the flag's endpoint must stand in for it
    r = run("refresh", MISTRAL, "--endpoint", fake.url, "--json", extra_env={"HF_ENDPOINT": "http://[::1"})
    assert r.no_traceback().code == 0 and r.json["summary"] == {"updated": 1}, r.stderr


def test_d12_a_non_ascii_token_is_a_usage_error_and_never_printed(run, fake):
    token = "hf_s\u00e9cr\u00e8t_T0KEN"
    for args in (("refresh", MISTRAL), ("estimate", "hf:" + MISTRAL), ("catalog", "add", "hf:" + CHATTY)):
        r = one_error(run(*args, "--endpoint", fake.url, "--json", extra_env={"HF_TOKEN": token}), 2, "token")
        assert "T0KEN" not in r.stdout + r.stderr
    assert fake.count() == 0


# --- D13: caches and catalog folders that cannot be written -------------------------------------------


def test_d13_a_cache_folder_that_is_a_file(run, fake, tmp_path):
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("x")
    env = {"LLMPICK_CACHE_DIR": str(blocker)}
    est = run("estimate", "hf:" + MISTRAL, "--endpoint", fake.url, "--json", extra_env=env).no_traceback()
    assert est.code == 0 and est.json["items"] and "Warning: cannot write the Hub cache" in est.stderr
    out = tmp_path / "drafts"
    add = run("catalog", "add", "hf:" + CHATTY, "--endpoint", fake.url, "--output", str(out), extra_env=env)
    assert add.no_traceback().code == 0 and (out / f"{CHATTY}.yaml").is_file()
    ref = run("refresh", MISTRAL, "--endpoint", fake.url, "--json", extra_env=env).no_traceback()
    assert ref.code == 4 and "cannot write the Hub cache" in ref.json["items"][0]["reason"]


def test_d13_a_full_disk(fake, tmp_path):
    """RLIMIT_FSIZE makes every write past 1,000 bytes fail (EFBIG), as a full disk fails them (ENOSPC)."""

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))

    def go(*args: str) -> Run:
        p = subprocess.run(
            [sys.executable, "-m", "llmpick", *args, "--endpoint", fake.url],
            capture_output=True,
            text=True,
            env=env_of(tmp_path),
            preexec_fn=small_files,
            timeout=HANG_GUARD_S,
        )
        return Run(p.returncode, p.stdout, p.stderr)

    est = go("estimate", "hf:" + MISTRAL, "--json").no_traceback()
    assert est.code == 0 and est.json["items"] and "cannot write the Hub cache" in est.stderr
    one_error(go("catalog", "add", "hf:" + CHATTY, "--output", str(tmp_path / "o"), "--json"), 2, "Cannot write")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders (test_hub_cli simulates it)")
def test_d13_a_read_only_cache_and_catalog_folder(run, fake, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        env = {"LLMPICK_CACHE_DIR": str(ro / "cache")}
        est = run("estimate", "hf:" + MISTRAL, "--endpoint", fake.url, "--json", extra_env=env).no_traceback()
        assert est.code == 0 and "cannot write the Hub cache" in est.stderr
        one_error(run("catalog", "add", "hf:" + CHATTY, "--output", str(ro / "cat")), 2, "cannot be written")
    finally:
        ro.chmod(0o700)


def test_d13_catalog_add_output_is_a_file(run, fake, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    r = run("catalog", "add", "hf:" + CHATTY, "--endpoint", fake.url, "--output", str(a_file), "--json")
    one_error(r, 2, "is a file, not a folder")
    assert fake.count() == 0


def test_d13_catalog_add_defaults_to_the_user_catalog_folder(run, fake, tmp_path):
    r = run("catalog", "add", "hf:" + CHATTY, "--endpoint", fake.url, "--json").no_traceback()
    assert r.code == 0, r.stderr
    assert r.json["item"]["file"] == str(tmp_path / "config" / "catalog" / f"{CHATTY}.yaml")
    assert CHATTY in [i["id"] for i in run("list", "--json").json["items"]]


# --- D14: a closed pipe -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [("list", "--format", "json"), ("list",), ("recommend", "--vram", "24", "--explain", "--top", "50"), ("--help",)],
)
def test_d14_a_closed_pipe_ends_quietly_with_141(tmp_path, args):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before llmpick writes a byte: every write fails with EPIPE
    try:
        p = subprocess.run(
            [sys.executable, "-m", "llmpick", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=env_of(tmp_path),
            timeout=HANG_GUARD_S,
        )
    finally:
        os.close(write_end)
    assert p.returncode == 141, p.stderr
    assert "Traceback" not in p.stderr and "Error" not in p.stderr and "BrokenPipe" not in p.stderr


def test_d14_head_reads_one_line(tmp_path):
    p = subprocess.Popen(
        [sys.executable, "-m", "llmpick", "recommend", "--vram", "24", "--explain", "--top", "50"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env_of(tmp_path, LLMPICK_NO_ANSWER_CACHE="1"),
    )
    assert p.stdout is not None and p.stderr is not None
    p.stdout.readline()
    p.stdout.close()  # `| head -1`
    err = p.stderr.read().decode()
    assert p.wait(timeout=HANG_GUARD_S) in (0, 141)  # 0 when everything fitted in the pipe before it closed
    assert "Traceback" not in err and "Error" not in err


# --- D19: Ctrl-C at any moment, the first ~0.1 s included ---------------------------------------------


def _interrupt(tmp_path: Path, fake, entry: list[str], marker: str, delay: float) -> tuple[int, str]:
    """Start llmpick (a refresh that would hang), wait until Python itself has started and reached llmpick (the
    `-X importtime` line of ``marker``), then send SIGINT ``delay`` seconds later."""
    cmd = [sys.executable, "-X", "importtime", *entry, "refresh", MISTRAL, "--endpoint", fake.url, "--timeout", "30"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env_of(tmp_path))
    assert p.stderr is not None
    lines: list[str] = []
    reached = threading.Event()

    def read() -> None:
        for line in p.stderr:  # type: ignore[union-attr]
            lines.append(line)
            if line.rstrip().endswith(f"| {marker}"):
                reached.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert reached.wait(HANG_GUARD_S), "".join(lines[-20:])
    time.sleep(delay)
    p.send_signal(signal.SIGINT)
    p.wait(timeout=HANG_GUARD_S)
    reader.join(5)
    return p.returncode, "".join(line for line in lines if not line.startswith("import time:"))


@pytest.mark.parametrize(
    ("entry", "marker"),
    [
        (["-m", "llmpick"], "llmpick"),  # the package is imported; __main__ takes Ctrl-C over right after
        (["-c", "import sys; from llmpick.__main__ import main; sys.exit(main())"], "llmpick.__main__"),  # the script
    ],
    ids=["python -m llmpick", "console script"],
)
def test_d19_ctrl_c_while_starting_exits_130_quietly(tmp_path, fake, entry, marker):
    """Delays cover the import of the CLI (~0.1 s), parsing, the catalog and the request in flight.  A Ctrl-C in
    Python's own start-up, before any llmpick code runs, is Python's (the marker waits that out)."""
    for repo in MISTRAL_REPOS:
        fake.fault(repo, "hang")
    delays = [0.02, 0.04, 0.07, 0.1, 0.2, 0.5] if marker == "llmpick" else [0.0, 0.05, 0.15]
    for delay in delays:
        code, err = _interrupt(tmp_path, fake, entry, marker, delay)
        assert code == 130, (delay, code, err)
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, (delay, err)
        assert err in ("", "Error: Interrupted.\n"), (delay, err)


# --- D17: credentials in the endpoint URL --------------------------------------------------------------


def test_d17_endpoint_credentials_never_leak(run, fake, tmp_path):
    host = fake.url.removeprefix("http://")
    env = {"HF_ENDPOINT": f"http://user:SECRET@{host}"}
    out = tmp_path / "drafts"
    runs = [
        run("refresh", MISTRAL, extra_env=env),
        run("refresh", MISTRAL, "--json", extra_env=env),
        run("refresh", "01-ai/Yi-1.5-34B-Chat", "--json", extra_env=env),  # not on this fake Hub: exit 4
        run("refresh", MISTRAL, extra_env={"HF_ENDPOINT": "http://user:SECRET@[::1"}),
        run("estimate", "hf:" + CHATTY, "--json", extra_env=env),
        run("catalog", "add", "hf:" + CHATTY, "--output", str(out), "--json", extra_env=env),
    ]
    assert [r.no_traceback().code for r in runs] == [0, 0, 4, 2, 0, 0], [r.stderr for r in runs]
    assert runs[1].json["endpoint"] == f"http://user:***@{host}"
    for r in runs:
        assert "SECRET" not in r.stdout + r.stderr
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert (out / f"{CHATTY}.yaml") in files and any(p.match("cache/hub/*/*.json") for p in files)
    for p in files:
        assert b"SECRET" not in p.read_bytes(), p
