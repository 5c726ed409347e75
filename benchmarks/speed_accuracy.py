"""How far llmpick's decode-speed model is from measured speeds of current llama.cpp builds.

Reads benchmarks/data/speed_current.csv (sourced measurements, 2025-26 builds; see benchmarks/data/README.md),
estimates each row with llmpick's *current* speed model (llmpick.speed.estimate_speed, the card's bandwidth from
llmpick's GPU table, bytes per token from the row's stated GGUF size or else the catalog estimate) and prints, per
vendor and for the MoE expert-offload rows separately: n, median and p90 absolute % error, the median of
measured / estimated, and the share of rows whose measurement lies inside the band llmpick shows.  Rows it cannot
map are skipped and counted with the reason.  It documents the gap; it changes nothing.

    PYTHONPATH=src python benchmarks/speed_accuracy.py [--split validation|fit|all] [--rows]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

from llmpick import api
from llmpick.hardware.gpus import find_gpu
from llmpick.speed import estimate_speed, profile_for

CSV = Path(__file__).resolve().parent / "data" / "speed_current.csv"
GIB = 2**30


def context_of(test: str) -> int:
    """Tokens in the KV cache at the end of the run (llama-bench tg N starts from an empty cache)."""
    t = test.lower()
    if t.startswith("tg"):
        return int("".join(c for c in t[2:] if c.isdigit()) or 128)
    if "tg 1024" in t:
        return 1024
    return 512  # a short prompt plus a few hundred generated tokens


def estimate_row(row: dict[str, str], catalog) -> tuple[dict | None, str | None]:
    """(the estimate, None) or (None, why the row was skipped)."""
    spec = find_gpu(row["gpu_lookup"]) if row["gpu_lookup"] else None
    if spec is None:
        return None, "GPU not in llmpick's table"
    if not spec.bandwidth_gbs:
        return None, "GPU bandwidth unknown in llmpick's table"
    if not row["catalog_model"]:
        return None, "model not in llmpick's catalog"
    try:
        est = api.estimate_memory(
            row["catalog_model"],
            quant=row["catalog_quant"],
            context=context_of(row["test"]),
            engine="llama.cpp",
            catalog=catalog,
        )
    except Exception as exc:
        return None, f"no catalog estimate ({type(exc).__name__})"
    if not est.active_weights_bytes or not est.layers:
        return None, "catalog estimate lacks active weights or layers"
    weights = float(est.active_weights_bytes)
    if row["size_gib"] and est.weights_bytes:
        # the stated file size wins over the formula; the active share (MoE) comes from the catalog
        weights *= float(row["size_gib"]) * GIB / est.weights_bytes
    share, ram_bw = 1.0, None
    if row["n_cpu_moe"]:
        # Today's model has no expert-offload placement; the nearest it can express: the --n-cpu-moe layers as
        # if they ran wholly from RAM (a layer split), the rest on the card.
        if not row["ram_bandwidth_gbs"]:
            return None, "MoE offload: RAM bandwidth not stated"
        share = max(0, est.layers - int(row["n_cpu_moe"])) / est.layers
        ram_bw = float(row["ram_bandwidth_gbs"])
    sp = estimate_speed(
        weight_bytes=weights,
        kv_bytes=est.kv_cache_bytes or 0,
        gpu_share=share,
        layers=est.layers,
        gpu_bandwidth_gbs=spec.bandwidth_gbs,
        cpu_bandwidth_gbs=ram_bw,
        cards=1,
        gpu=profile_for(spec.vendor, spec.unified),
    )
    if sp.tokens_per_second is None:
        return None, "no speed estimate"
    return {"est": sp.tokens_per_second, "low": sp.low, "high": sp.high, "bw": spec.bandwidth_gbs}, None


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=CSV)
    ap.add_argument("--split", choices=("validation", "fit", "all"), default="validation")
    ap.add_argument("--rows", action="store_true", help="print every row's estimate")
    args = ap.parse_args(argv)

    with args.csv.open(newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if args.split == "all" or r["split"] == args.split]
    catalog = api.load_catalog()
    groups: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
    skipped: Counter[str] = Counter()
    for row in rows:
        res, why = estimate_row(row, catalog)
        if res is None:
            skipped[why or "?"] += 1
            continue
        group = "moe-offload" if row["n_cpu_moe"] else row["vendor"]
        groups[group].append((row, res))
        if args.rows:
            meas = float(row["tokens_per_s"])
            print(
                f"{group:11} {row['gpu_lookup'][:22]:22} {row['model'][:30]:30} {row['quant'][:12]:12} "
                f"meas {meas:7.1f}  est {res['est']:7.1f}  [{res['low']}-{res['high']}]  "
                f"meas/est {meas / res['est']:.2f}"
            )
    print(
        f"split: {args.split}; rows: {len(rows)}; estimated: {sum(map(len, groups.values()))}; "
        f"skipped: {sum(skipped.values())}"
    )
    for why, n in skipped.most_common():
        print(f"  skipped {n}: {why}")
    print(f"{'group':12} {'n':>3} {'median |err|':>13} {'p90 |err|':>10} {'median meas/est':>16} {'in band':>8}")
    for group in ("nvidia", "amd", "apple", "moe-offload"):
        pairs = groups.get(group, [])
        if not pairs:
            print(f"{group:12} {0:>3}")
            continue
        errs, ratios, inside = [], [], 0
        for row, res in pairs:
            meas = float(row["tokens_per_s"])
            errs.append(abs(res["est"] - meas) / meas * 100)
            ratios.append(meas / res["est"])
            inside += res["low"] <= meas <= res["high"]
        print(
            f"{group:12} {len(pairs):>3} {statistics.median(errs):>12.1f}% {pct(errs, 0.9):>9.1f}% "
            f"{statistics.median(ratios):>16.2f} {inside / len(pairs):>8.0%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
