"""How far llmpick's decode-speed model is from measured speeds of current llama.cpp builds.

Reads benchmarks/data/speed_current.csv (sourced measurements, 2025-26 builds; see benchmarks/data/README.md),
estimates each row with llmpick's speed model as it stands (llmpick.speed: the card's bandwidth from llmpick's
GPU table, bytes per token from the row's stated GGUF size or else the catalog estimate; expert-offload rows with
the active experts of the ``--n-cpu-moe`` layers read from RAM) and prints, per vendor and for the MoE
expert-offload rows separately: n, median and p90 absolute % error, the median of measured / estimated, and the
share of rows whose measurement lies inside the band llmpick shows.  Then the same for prompt processing
(benchmarks/data/prefill_current.csv).  Rows it cannot map are skipped and counted with the reason.  It changes
nothing; benchmarks/fit_speed.py fits the constants on the fit split.

    PYTHONPATH=src python benchmarks/speed_accuracy.py [--split validation|fit|all] [--rows]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmpick import api
from llmpick.hardware.gpus import find_gpu
from llmpick.recommend.moe import expert_active_share
from llmpick.speed import CPU, SpeedProfile, estimate_prefill, estimate_speed, kv_read_bytes, profile_for

DATA = Path(__file__).resolve().parent / "data"
CSV = DATA / "speed_current.csv"
PREFILL_CSV = DATA / "prefill_current.csv"
GIB = 2**30
GROUPS = ("nvidia", "amd", "apple", "moe-offload", "cpu")


def context_of(test: str) -> int:
    """Tokens in the KV cache at the end of the run (llama-bench tg N starts from an empty cache)."""
    t = test.lower()
    if t.startswith("tg"):
        return int("".join(c for c in t[2:] if c.isdigit()) or 128)
    if "tg 1024" in t:
        return 1024
    return 512  # a short prompt plus a few hundred generated tokens


@dataclass(frozen=True, slots=True)
class RowInputs:
    """What the speed model needs for one measured row (bytes, layers, bandwidths, profile)."""

    group: str
    weights: float  # active weight bytes read per token
    kv_bytes: float  # KV cache at the end of the run
    state_bytes: float  # recurrent state of one sequence (hybrid models; 0 for a plain transformer)
    layers: int
    gpu_bw: float | None
    ram_bw: float | None
    ram_weights: float | None  # moe-offload: active expert bytes read from RAM
    cpu_only: bool
    profile: SpeedProfile
    active_params: float | None
    fp16_tflops: float | None


def row_inputs(row: dict[str, str], catalog: Any) -> tuple[RowInputs | None, str | None]:
    """(the inputs, None) or (None, why the row was skipped)."""
    cpu_only = row["vendor"] == "cpu"
    spec = None
    if not cpu_only:
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
    scale = 1.0
    if row["size_gib"] and est.weights_bytes:
        # the stated file size wins over the formula; the active share (MoE) comes from the catalog
        scale = float(row["size_gib"]) * GIB / est.weights_bytes
    weights = est.active_weights_bytes * scale
    ram_weights = None
    ram_bw = float(row["ram_bandwidth_gbs"]) if row.get("ram_bandwidth_gbs") else None
    if row["n_cpu_moe"]:
        if not ram_bw:
            return None, "MoE offload: RAM bandwidth not stated"
        m = catalog.get(row["catalog_model"])
        if m is None or not est.per_layer_expert_bytes:
            return None, "MoE offload: expert tensors unknown in the catalog"
        n = min(int(row["n_cpu_moe"]), est.layers)
        ram_weights = n * est.per_layer_expert_bytes * scale * expert_active_share(m.entry.arch)
    if cpu_only and not ram_bw:
        return None, "CPU run: RAM bandwidth not stated"
    group = "moe-offload" if row["n_cpu_moe"] else row["vendor"]
    return RowInputs(
        group=group,
        weights=weights,
        kv_bytes=float(est.kv_cache_bytes or 0),
        state_bytes=float(est.state_bytes or 0),
        layers=est.layers,
        gpu_bw=spec.bandwidth_gbs if spec else None,
        ram_bw=ram_bw,
        ram_weights=ram_weights,
        cpu_only=cpu_only,
        profile=CPU if spec is None else profile_for(spec.vendor, spec.unified),
        active_params=float(est.params_active or est.params_total or 0) or None,  # dense: all params active
        fp16_tflops=spec.fp16_tflops if spec else None,
    ), None


def estimate_row(ri: RowInputs) -> dict[str, float] | None:
    sp = estimate_speed(
        weight_bytes=ri.weights,
        kv_bytes=ri.kv_bytes,
        gpu_share=0.0 if ri.cpu_only else 1.0,
        layers=ri.layers,
        gpu_bandwidth_gbs=ri.gpu_bw,
        cpu_bandwidth_gbs=ri.ram_bw,
        cards=0 if ri.cpu_only else 1,
        gpu=ri.profile,
        ram_weight_bytes=ri.ram_weights,
        state_bytes=ri.state_bytes,
    )
    if sp.tokens_per_second is None or sp.low is None or sp.high is None:
        return None
    return {"est": sp.tokens_per_second, "low": sp.low, "high": sp.high}


def kv_read(ri: RowInputs) -> float:
    return kv_read_bytes(ri.kv_bytes)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def load(path: Path, split: str) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return [r for r in csv.DictReader(fh) if split == "all" or r["split"] == split]


def summary(name: str, pairs: list[tuple[float, float, bool | None]]) -> str:
    """One table line from (measured, estimated, inside the band or None)."""
    if not pairs:
        return f"{name:12} {0:>3}"
    errs = [abs(e - m) / m * 100 for m, e, _ in pairs]
    ratios = [m / e for m, e, _ in pairs]
    ins = [i for _, _, i in pairs if i is not None]
    band = f"{sum(ins) / len(ins):>8.0%}" if ins else f"{'-':>8}"
    return (
        f"{name:12} {len(pairs):>3} {statistics.median(errs):>12.1f}% {pct(errs, 0.9):>9.1f}% "
        f"{statistics.median(ratios):>16.2f} {band}"
    )


HEADER = f"{'group':12} {'n':>3} {'median |err|':>13} {'p90 |err|':>10} {'median meas/est':>16} {'in band':>8}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--csv", type=Path, default=CSV)
    ap.add_argument("--prefill-csv", type=Path, default=PREFILL_CSV)
    ap.add_argument("--split", choices=("validation", "fit", "all"), default="validation")
    ap.add_argument("--rows", action="store_true", help="print every row's estimate")
    args = ap.parse_args(argv)

    catalog = api.load_catalog()
    rows = load(args.csv, args.split)
    groups: dict[str, list[tuple[float, float, bool | None]]] = defaultdict(list)
    skipped: Counter[str] = Counter()
    for row in rows:
        ri, why = row_inputs(row, catalog)
        res = estimate_row(ri) if ri is not None else None
        if ri is None or res is None:
            skipped[why or "no speed estimate"] += 1
            continue
        meas = float(row["tokens_per_s"])
        groups[ri.group].append((meas, res["est"], res["low"] <= meas <= res["high"]))
        if args.rows:
            print(
                f"{ri.group:11} {row['gpu_lookup'][:22]:22} {row['model'][:30]:30} {row['quant'][:12]:12} "
                f"meas {meas:7.1f}  est {res['est']:7.1f}  [{res['low']}-{res['high']}]  "
                f"meas/est {meas / res['est']:.2f}"
            )
    print(
        f"decode -- split: {args.split}; rows: {len(rows)}; estimated: {sum(map(len, groups.values()))}; "
        f"skipped: {sum(skipped.values())}"
    )
    for why, n in skipped.most_common():
        print(f"  skipped {n}: {why}")
    print(HEADER)
    for group in GROUPS:
        print(summary(group, groups.get(group, [])))

    if args.prefill_csv.exists():
        prows = load(args.prefill_csv, args.split)
        pairs: list[tuple[float, float, bool | None]] = []
        pskip: Counter[str] = Counter()
        for row in prows:
            ri, why = row_inputs({**row, "n_cpu_moe": "", "ram_bandwidth_gbs": ""}, catalog)
            if ri is None:
                pskip[why or "?"] += 1
                continue
            pf = estimate_prefill(
                active_params=ri.active_params, fp16_tflops=ri.fp16_tflops, profile=ri.profile, context=512
            )
            if pf.tokens_per_second is None:
                pskip["; ".join(pf.basis.get("missing", []))] += 1
                continue
            pairs.append((float(row["tokens_per_s"]), pf.tokens_per_second, None))
        print(f"prefill -- split: {args.split}; rows: {len(prows)}; estimated: {len(pairs)}")
        for why, n in pskip.most_common():
            print(f"  skipped {n}: {why}")
        print(HEADER)
        print(summary("prefill", pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
