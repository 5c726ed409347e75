"""Hermetic tests: every cache/config dir in tmp_path, no real Hub, no real GPU, fixed width."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

# CI runs the property tests on a fixed sequence of examples: a red build then means a change broke something,
# not that a new random example turned up.  Locally they explore freely (and hypothesis keeps what it found).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMPICK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LLMPICK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    # Nothing may reach the real Hub: an endpoint that refuses connections at once.
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    for var in ("HF_TOKEN", "HF_HUB_OFFLINE", "LLMPICK_CATALOG", "LLMPICK_DEBUG", "NO_COLOR", "LLMPICK_NO_INDEX"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    # Hardware detection must never see this machine's real devices.
    monkeypatch.setenv("LLMPICK_NO_DETECT", "1")


class Result:
    def __init__(self, raw):  # raw: typer.testing.Result
        self.exit_code = raw.exit_code
        self.stdout = raw.stdout
        self.stderr = raw.stderr
        self.exception = raw.exception

    @property
    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def cli():
    """Run the CLI in-process: cli("list", "--json") -> Result with exit_code, stdout, stderr, json."""
    from llmpick.cli import app

    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return Result(runner.invoke(app, list(args), env=env, catch_exceptions=False))

    return run


@pytest.fixture(scope="session")
def hub_server():
    """One fake Hub (a real HTTP server on 127.0.0.1) for the whole run; tests reset it."""
    from tests.fakehub import FakeHub

    s = FakeHub(slow_seconds=1.0, enormous_bytes=4 * 1024 * 1024).start()
    yield s
    s.stop()


@pytest.fixture
def fake(hub_server, monkeypatch):
    """The fake Hub, reset, with llmpick's retry sleeps recorded in ``fake.sleeps`` instead of slept."""
    from llmpick import hub as H

    hub_server.reset()
    sleeps: list[float] = []
    monkeypatch.setattr(H, "SLEEP", sleeps.append)
    hub_server.sleeps = sleeps
    yield hub_server
    hub_server.reset()
