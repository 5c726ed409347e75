"""Adversarial cases (issue #10): the CLI run as a careless user or an attacker would, in a subprocess.

Every case asserts the documented exit code, one clear line, no traceback, and (with --format json) one strict JSON
object.  A subprocess timeout guards against hangs; it is a guard, not a speed assertion.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HANG_GUARD_S = 30


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout, parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))

    def no_traceback(self) -> Run:
        assert "Traceback" not in self.stderr and "Traceback" not in self.stdout, self.stderr[-2000:]
        return self


@pytest.fixture
def run(tmp_path: Path):
    """Run `llmpick ARGS` in a subprocess with its own cache and config dirs; returns a :class:`Run`."""
    env = dict(os.environ)
    for var in ("HF_TOKEN", "HF_HUB_OFFLINE", "LLMPICK_CATALOG", "LLMPICK_DEBUG", "LLMPICK_NO_INDEX"):
        env.pop(var, None)
    env.update(
        LLMPICK_CACHE_DIR=str(tmp_path / "cache"),
        LLMPICK_CONFIG_DIR=str(tmp_path / "config"),
        LLMPICK_NO_DETECT="1",
        HF_HOME=str(tmp_path / "hf"),
        HF_ENDPOINT="http://127.0.0.1:9",
        COLUMNS="200",
    )

    def go(*args: str, extra_env: dict[str, str] | None = None, stdin: str | None = None) -> Run:
        proc = subprocess.run(
            [sys.executable, "-m", "llmpick", *args],
            capture_output=True,
            text=True,
            env={**env, **(extra_env or {})},
            timeout=HANG_GUARD_S,
            input=stdin,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return go
