"""Start-up time of `llmpick list --format json` against `python -c pass`.

Prints the median wall time of each over several runs and their ratio (target: <= 6).
Run with the environment that has llmpick installed:  python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

from timing import median_seconds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    exe = shutil.which("llmpick") or os.path.join(os.path.dirname(sys.executable), "llmpick")
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, LLMPICK_CACHE_DIR=cache)
        subprocess.run([exe, "list", "--format", "json"], stdout=subprocess.DEVNULL, check=True, env=env)  # warm
        base = 1000 * median_seconds([sys.executable, "-c", "pass"], args.runs, env)
        cold_env = dict(env, LLMPICK_NO_INDEX="1")
        warm = 1000 * median_seconds([exe, "list", "--format", "json"], args.runs, env)
        cold = 1000 * median_seconds([exe, "list", "--format", "json"], max(3, args.runs // 3), cold_env)
        helps = 1000 * median_seconds([exe, "--help"], args.runs, env)
    print(f"python -c pass                       {base:7.1f} ms")
    print(f"llmpick --help                       {helps:7.1f} ms  ratio {helps / base:4.1f}")
    print(f"llmpick list --format json (warm)    {warm:7.1f} ms  ratio {warm / base:4.1f}  (target <= 6)")
    print(f"llmpick list --format json (no index){cold:7.1f} ms  ratio {cold / base:4.1f}")


if __name__ == "__main__":
    main()
