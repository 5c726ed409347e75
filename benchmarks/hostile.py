"""Issue #10's reproductions, timed: each must end with its documented exit code, no traceback, in under 3 s.

Runs `llmpick` in a subprocess per case, each with its own cache and config folders and the files the case needs
(an overlay catalog copied from a seed entry and edited, a config.yaml, a FIFO ...), and prints the exit code, the
expected code, the wall time and the first line of stderr.  The tests (tests/adversarial/) assert the codes and
messages; this script is where the time is measured.

Run with the environment that has llmpick installed:  python benchmarks/hostile.py
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "catalog" / "mistralai" / "Mistral-7B-v0.1.yaml"
TARGET_S = 3.0

Setup = Callable[[Path], dict[str, str]]  # makes the case's files in a folder; returns extra environment


def overlay(*edits: tuple[str, str], append: str = "") -> Callable[[Path], Path]:
    """An overlay catalog with the seed Mistral-7B entry under a new id, edited by regex."""

    def make(tmp: Path) -> Path:
        text = SEED.read_text(encoding="utf-8")
        for pattern, repl in edits:
            text = re.sub(pattern, repl, text, flags=re.M)
        path = tmp / "overlay" / "evil" / "Model-7B.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + append, encoding="utf-8")
        return tmp / "overlay"

    return make


def config(text: str | bytes) -> Setup:
    def make(tmp: Path) -> dict[str, str]:
        (tmp / "config").mkdir(exist_ok=True)
        data = text.encode() if isinstance(text, str) else text
        (tmp / "config" / "config.yaml").write_bytes(data)
        return {}

    return make


def fifo_config(tmp: Path) -> dict[str, str]:
    (tmp / "config").mkdir(exist_ok=True)
    os.mkfifo(tmp / "config" / "config.yaml")
    return {}


def tampered_index(tmp: Path) -> dict[str, str]:
    env = {"LLMPICK_CACHE_DIR": str(tmp / "cache")}
    subprocess.run([sys.executable, "-m", "llmpick", "list", "--json"], env={**os.environ, **env}, capture_output=True)
    for f in (tmp / "cache").glob("catalog-*.json"):
        f.write_text('{"version": "x", "files": {"a": [1, 2, {"deep": ' + "[" * 50_000 + "]" * 50_000 + "}]}}")
    return {}


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


BIG = "9" * 300
CASES: list[tuple[str, list[str], int, Setup | None, Callable[[Path], Path] | None]] = [
    # (defect, args, expected exit code, setup, overlay)
    (
        "D1 unknown weights never fit",
        ["check", "Weyaxi/OpenHermes-2.5-neural-chat-7b-v3-1-7B", "--vram", "2"],
        1,
        None,
        None,
    ),
    ("D2 no GPU, no --allow-offload", ["check", "goliath-120b", "--ram", "512"], 1, None, None),
    (
        "D3 .nan score",
        ["catalog", "validate", "--catalog", "{overlay}"],
        3,
        None,
        overlay((r"^scores: \[\]$", "scores:\n- {name: mmlu, value: .nan, source: x}")),
    ),
    ("D4 --unified with an RTX 4090", ["recommend", "--unified", "--ram", "64", "--gpu", "RTX 4090"], 2, None, None),
    ("D5 unified: 'false'", ["recommend"], 2, config("hardware: {ram: 64, unified: 'false'}\n"), None),
    ("D6 validate /dev/zero", ["catalog", "validate", "/dev/zero"], 3, None, None),
    ("D6 config.yaml is a FIFO", ["recommend"], 2, fifo_config, None),
    (
        "D7 10,000,000 layers",
        ["list", "--catalog", "{overlay}"],
        0,
        None,
        overlay((r"^  layers: 32$", "  layers: 10000000")),
    ),
    (
        "D8 30,000 unknown keys",
        ["catalog", "validate", "--catalog", "{overlay}"],
        3,
        None,
        overlay(append="".join(f"k{_b36(i)}: 1\n" for i in range(30_000))),  # 240 KB: under the file limit
    ),
    (
        "D8 ... and on every list",
        ["list", "--json", "--catalog", "{overlay}"],
        0,
        None,
        overlay(append="".join(f"k{_b36(i)}: 1\n" for i in range(30_000))),
    ),
    ("D9 --vram of 300 digits", ["recommend", "--vram", BIG], 2, None, None),
    ("D9 --context 1e999", ["recommend", "--vram", "24", "--context", "1e999"], 2, None, None),
    ("D10 --catalog /proc", ["list", "--catalog", "/proc"], 0, None, None),
    ("D11 deep config.yaml", ["recommend"], 2, config("hardware: " + "[" * 100_000 + "]" * 100_000 + "\n"), None),
    ("D12 --timeout nan", ["refresh", "--timeout", "nan"], 2, None, None),
    ("D12 malformed HF_ENDPOINT", ["refresh", "--all"], 2, lambda t: {"HF_ENDPOINT": "http://[::1"}, None),
    (
        "D13 cache dir is a file",
        ["list", "--json"],
        0,
        lambda t: (t.joinpath("cachefile").write_text("x"), {"LLMPICK_CACHE_DIR": str(t / "cachefile")})[1],
        None,
    ),
    (
        "D15 params of 4000 digits",
        ["catalog", "validate", "--catalog", "{overlay}"],
        3,
        None,
        overlay((r"^  total: .*$", "  total: " + "9" * 4000)),
    ),
    ("D16 config.yaml not UTF-8", ["recommend"], 2, config(b"hardware: {gpu: \xff}\n"), None),
    ("D18 tampered catalog index", ["list", "--json"], 0, tampered_index, None),
    ("D20 --gpus 1000000", ["hardware", "--vram", "24", "--gpus", "1000000", "--json"], 2, None, None),
    ("D21 M2 Max 0GB", ["recommend", "--gpu", "M2 Max 0GB"], 2, None, None),
    ("D22 --context ''", ["recommend", "--vram", "24", "--context", ""], 2, None, None),
    ("D23 --min-speed without a bandwidth", ["recommend", "--vram", "24", "--min-speed", "0"], 0, None, None),
    ("D24 --max-age nan", ["refresh", "--max-age", "nan"], 2, None, None),
    (
        "D25 duplicate YAML key",
        ["catalog", "validate", "--catalog", "{overlay}"],
        3,
        None,
        overlay(append="license: mit\n"),
    ),
    (
        "D25 layers: true",
        ["catalog", "validate", "--catalog", "{overlay}"],
        3,
        None,
        overlay((r"^  layers: 32$", "  layers: true")),
    ),
    ("D27 gpus: 2.7", ["recommend"], 2, config("hardware: {vram: 24, gpus: 2.7}\n"), None),
    ("D27 a 60 MB config.yaml", ["recommend"], 2, config("hardware: {ram: 64}\n" + "# padding\n" * 6_000_000), None),
]


def main() -> None:
    worst = 0.0
    failures = 0
    print(f"{'case':<40}{'exit':>5}{'want':>6}{'time':>9}  first line of stderr")
    for name, args, want, setup, make_overlay in CASES:
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d)
            env = dict(os.environ)
            for var in ("HF_TOKEN", "HF_HUB_OFFLINE", "LLMPICK_CATALOG", "LLMPICK_DEBUG", "LLMPICK_NO_INDEX"):
                env.pop(var, None)
            env.update(
                LLMPICK_CACHE_DIR=str(tmp / "cache"),
                LLMPICK_CONFIG_DIR=str(tmp / "config"),
                LLMPICK_NO_DETECT="1",
                HF_HOME=str(tmp / "hf"),
                HF_ENDPOINT="http://127.0.0.1:9",
            )
            if setup is not None:
                env.update(setup(tmp))
            cat = str(make_overlay(tmp)) if make_overlay else ""
            argv = [a.replace("{overlay}", cat) for a in args]
            start = time.perf_counter()
            try:
                proc = subprocess.run(
                    [sys.executable, "-m", "llmpick", *argv], env=env, capture_output=True, text=True, timeout=60
                )
                code, err = proc.returncode, proc.stderr
            except subprocess.TimeoutExpired:
                code, err = -1, "TIMED OUT after 60 s"
            took = time.perf_counter() - start
        worst = max(worst, took)
        ok = code == want and "Traceback" not in err and took < TARGET_S
        failures += not ok
        first = (err.strip().splitlines() or [""])[0][:70]
        print(f"{name:<40}{code:>5}{want:>6}{took:>8.2f}s  {first}{'' if ok else '   <-- NOT MET'}")
    print(f"{len(CASES)} cases; slowest {worst:.2f} s (target < {TARGET_S:g} s); {failures} not met")


if __name__ == "__main__":
    main()
