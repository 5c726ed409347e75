"""Start-up time of `llmpick list --format json` and `llmpick recommend --vram 24 --format json` against
`python -c pass`.

Each round runs every command once (interleaved, so a noisy machine slows them alike); the figure per command
is its median over the rounds.  Prints each ratio to `python -c pass` with the target (<= 10 for both warm
commands: `recommend` repeats a question, so its answer comes from the answer cache), plus, for reference,
`--help`, `list` without the catalog index (LLMPICK_NO_INDEX=1), and `recommend` asked afresh every time
(LLMPICK_NO_ANSWER_CACHE=1: pydantic, the estimator and the search run).

Bytecode is cached (in a temporary PYTHONPYCACHEPREFIX, even when PYTHONDONTWRITEBYTECODE is set), as it is
for an installed llmpick: compiling llmpick's modules on every run would be measured otherwise.

Run with the environment that has llmpick installed:  python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TARGET = 10.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=11, help="rounds (default 11); the median of each is reported")
    args = ap.parse_args()
    exe = shutil.which("llmpick") or os.path.join(os.path.dirname(sys.executable), "llmpick")
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as pycache:
        env = dict(os.environ, LLMPICK_CACHE_DIR=cache, LLMPICK_NO_DETECT="1", PYTHONPYCACHEPREFIX=pycache)
        for var in ("LLMPICK_NO_INDEX", "LLMPICK_NO_ANSWER_CACHE", "PYTHONDONTWRITEBYTECODE"):
            env.pop(var, None)
        cases = {
            "python -c pass": ([sys.executable, "-c", "pass"], env),
            "llmpick --help": ([exe, "--help"], env),
            "llmpick list --format json": ([exe, "list", "--format", "json"], env),
            "llmpick recommend --vram 24 --format json": ([exe, "recommend", "--vram", "24", "--format", "json"], env),
            "llmpick list --format json (no index)": (
                [exe, "list", "--format", "json"],
                dict(env, LLMPICK_NO_INDEX="1"),
            ),
            "llmpick recommend ... (asked afresh)": (
                [exe, "recommend", "--vram", "24", "--format", "json"],
                dict(env, LLMPICK_NO_ANSWER_CACHE="1"),
            ),
        }
        for cmd, e in cases.values():  # warm: the index, the interpreter's .pyc files, the OS file cache
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=e)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, (cmd, e) in cases.items():
                t = time.perf_counter()
                subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=e)
                times[name].append(time.perf_counter() - t)
    ms = {name: 1000 * statistics.median(ts) for name, ts in times.items()}
    base = ms["python -c pass"]
    print(f"median of {args.runs} runs each")
    for name, value in ms.items():
        ratio = value / base
        warm = name in ("llmpick list --format json", "llmpick recommend --vram 24 --format json")
        target = f"  (target <= {TARGET:g}: {'ok' if ratio <= TARGET else 'MISSED'})" if warm else ""
        shown = "" if name == "python -c pass" else f"  ratio {ratio:5.1f}"
        print(f"{name:<45}{value:8.1f} ms{shown}{target}")


if __name__ == "__main__":
    main()
