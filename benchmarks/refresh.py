"""Refresh throughput against the fake Hub with 50 ms latency per request.

    python benchmarks/refresh.py [--count 500] [--latency 0.05] [--concurrency 8] [--discover 200]

The fake Hub runs in its own process (as the real Hub runs elsewhere), so the figures measure llmpick's
client: wall time against the ideal (count x latency / concurrency), and the peak Python memory of the
refresh (tracemalloc, in a second pass) at growing counts, to show it stays flat.  Nothing leaves 127.0.0.1.

The discovery run (`refresh --discover`) lists ``--discover`` new repos (each with one GGUF derivative) and drafts
every one: per model config.json, the model-tree list and the derivative's model_info, 3 requests at
``--concurrency``; the four Hub lists are read in parallel, page after page (1,000 a page).  Its ideal is the
list pages' latency plus 3 x models x latency / concurrency.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ.pop("HF_TOKEN", None)


def start_server(latency: float, listed: int = 0) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests" / "fakehub.py"),
            "--synthetic",
            "--latency",
            str(latency),
            "--listed",
            str(listed),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def run(url: str, count: int, concurrency: int, tag: str, trace: bool = False) -> tuple[float, float, int, int]:
    from llmpick import refresh
    from llmpick.hub import Hub

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LLMPICK_CACHE_DIR"] = tmp
        os.environ["HF_HOME"] = str(Path(tmp) / "hf")
        hub = Hub(url, timeout=10)
        repos = (f"synthetic/{tag}-{i:05d}" for i in range(count))
        if trace:
            tracemalloc.start()
        t0 = time.perf_counter()
        done = failed = 0
        for o in refresh.fetch(hub, repos, concurrency=concurrency):
            done += 1
            failed += o.outcome == "failed"
        wall = time.perf_counter() - t0
        peak = 0
        if trace:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        return wall, peak / 2**20, done, failed


def run_discover(url: str, count: int, concurrency: int) -> tuple[float, int, int, int]:
    from llmpick import discover
    from llmpick.hub import Hub

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LLMPICK_CACHE_DIR"] = tmp
        os.environ["HF_HOME"] = str(Path(tmp) / "hf")
        t0 = time.perf_counter()
        result = discover.run(Hub(url, timeout=10), [], limit=count, concurrency=concurrency)
        wall = time.perf_counter() - t0
        drafted = sum(1 for o in result.items if o.outcome == "drafted")
        failed = result.failed
        return wall, len(result.items), drafted, failed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--discover", type=int, default=200, help="new repos the Hub lists for the discovery run")
    a = ap.parse_args()
    if a.discover:
        listed, listed_url = start_server(a.latency, a.discover)
        try:
            run_discover(listed_url, 2 * a.concurrency, a.concurrency)  # imports, connection pool
            wall, seen, drafted, failed = run_discover(listed_url, a.discover, a.concurrency)
            pages = 1 + a.discover // 1000  # the four lists are read at once: one list's pages, one after another
            ideal = pages * a.latency + 3 * drafted * a.latency / a.concurrency
            print(
                f"discovery: {seen} listed, {drafted} drafted, {failed} failed: wall {wall:6.2f} s, "
                f"ideal {ideal:6.2f} s, ratio {wall / ideal:4.2f}x (latency {a.latency * 1000:.0f} ms, "
                f"concurrency {a.concurrency})"
            )
        finally:
            listed.terminate()
            listed.wait(timeout=10)
    slow, slow_url = start_server(a.latency)
    fast, fast_url = start_server(0.0)
    try:
        run(slow_url, 2 * a.concurrency, a.concurrency, "warm")  # imports, connection pool
        print(f"fake Hub latency {a.latency * 1000:.0f} ms/request, concurrency {a.concurrency}")
        for n in sorted({a.count // 4, a.count // 2, a.count}):
            wall, _, done, failed = run(slow_url, n, a.concurrency, f"t{n}")
            _, peak, _, _ = run(fast_url, n, a.concurrency, f"m{n}", trace=True)
            ideal = n * a.latency / a.concurrency
            print(
                f"{n:5d} repos: wall {wall:6.2f} s, ideal {ideal:6.2f} s, ratio {wall / ideal:4.2f}x, "
                f"peak traced memory {peak:5.2f} MiB, {done} done, {failed} failed"
            )
    finally:
        for p in (slow, fast):
            p.terminate()
            p.wait(timeout=10)


if __name__ == "__main__":
    main()
