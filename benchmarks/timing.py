"""Wall time of a whole command, as the benchmarks measure it."""

from __future__ import annotations

import statistics
import subprocess
import time


def median_seconds(cmd: list[str], runs: int, env: dict[str, str]) -> float:
    """Median wall time of ``cmd`` over ``runs`` runs (its output discarded; a failure raises)."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
        times.append(time.perf_counter() - t)
    return statistics.median(times)
