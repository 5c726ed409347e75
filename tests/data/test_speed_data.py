"""The measured speed rows: every row cites its source and names its split, and the split is by device."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"


@pytest.mark.parametrize("name", ["speed_current.csv", "prefill_current.csv"])
def test_every_row_has_a_source_and_a_split_by_device(name):
    with (DATA / name).open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 20
    splits = defaultdict(set)
    for i, r in enumerate(rows, 2):
        assert r["source"].strip(), f"{name}:{i}: no source"
        assert r["split"] in ("fit", "validation"), f"{name}:{i}: split {r['split']!r}"
        assert float(r["tokens_per_s"]) > 0, f"{name}:{i}"
        splits[r["gpu_lookup"] or r["device"]].add(r["split"])
    both = [d for d, s in splits.items() if len(s) > 1]
    assert not both, f"{name}: devices in both splits: {both}"


def test_validation_covers_every_group():
    with (DATA / "speed_current.csv").open(newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["split"] == "validation"]
    groups = {"moe-offload" if r["n_cpu_moe"] else r["vendor"] for r in rows}
    assert {"nvidia", "amd", "apple", "moe-offload"} <= groups
