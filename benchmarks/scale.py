"""`recommend` over a 10,000-entry catalog, against `list` on the same catalog.

Writes a synthetic catalog (copies of the real entries with perturbed sizes, ids and scores) into a temp folder,
warms the parsed-file cache, then prints the median wall time of

    llmpick recommend --vram 24 --format json --catalog DIR
    llmpick list --format json --catalog DIR

and their ratio.  Targets: recommend under 1 s, and under 2x list.
Run with the environment that has llmpick installed:  python benchmarks/scale.py [--entries N] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import median_seconds


def write_catalog(root: Path, n: int, seed: int = 1) -> None:
    import yaml

    from llmpick.catalog import load_catalog

    rng = random.Random(seed)
    real = [m for m in load_catalog(use_cache=False) if m.entry.params.total]
    benches = ["mmlu", "humaneval", "gsm8k", "ifeval", "open_llm_leaderboard_v1"]
    for i in range(n):
        src = real[i % len(real)]
        data = src.entry.model_dump(mode="json", exclude_defaults=True)
        data["name"] = f"Synthetic {i}"
        f = rng.uniform(0.98, 1.02)  # within the estimator's shape tolerance
        data["params"]["total"] = int(src.entry.params.total * f)
        if src.entry.params.active:
            data["params"]["active"] = min(data["params"]["total"], int(src.entry.params.active * f))
        for key in ("base_model", "superseded_by"):
            data.pop(key, None)
        data.pop("merge_parents", None)
        if data.get("method") in ("merge", "merge+finetune", "finetune", "distill"):
            data["method"] = "moe" if src.entry.params.active else "base"
        if rng.random() < 0.5:
            data["scores"] = [
                {"name": b, "value": round(rng.uniform(20, 90), 1), "source": "synthetic"}
                for b in rng.sample(benches, 2)
            ]
        org = root / f"synth-{i // 100:03d}"
        org.mkdir(exist_ok=True)
        (org / f"model-{i:05d}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    exe = shutil.which("llmpick") or os.path.join(os.path.dirname(sys.executable), "llmpick")
    with tempfile.TemporaryDirectory() as tmp:
        cat = Path(tmp) / "catalog"
        cat.mkdir()
        t = time.perf_counter()
        write_catalog(cat, args.entries)
        print(f"wrote {args.entries} entries in {time.perf_counter() - t:.1f} s")
        # The search itself is measured: no answer is taken from the answer cache.
        env = dict(
            os.environ, LLMPICK_CACHE_DIR=str(Path(tmp) / "cache"), LLMPICK_NO_DETECT="1", LLMPICK_NO_ANSWER_CACHE="1"
        )
        rec = [exe, "recommend", "--vram", "24", "--format", "json", "--catalog", str(cat)]
        lst = [exe, "list", "--format", "json", "--catalog", str(cat)]
        subprocess.run(lst, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)  # warm cache
        subprocess.run(rec, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
        t_rec = median_seconds(rec, args.runs, env)
        t_list = median_seconds(lst, args.runs, env)
        print(f"recommend --vram 24 --format json: {t_rec * 1000:.0f} ms (target < 1000 ms)")
        print(f"list --format json:                {t_list * 1000:.0f} ms")
        print(f"ratio recommend / list:            {t_rec / t_list:.2f} (target < 2)")


if __name__ == "__main__":
    main()
