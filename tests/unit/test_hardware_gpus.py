"""The GPU table and lookup by name (hardware/gpus.py)."""

from __future__ import annotations

import pytest

from llmpick.errors import UsageError
from llmpick.hardware.gpus import find_gpu, gpu_table, lookup_gpu, normalize
from llmpick.units import GIB


def test_table_rows_have_sources_and_sane_values():
    rows = gpu_table()
    assert len(rows) > 60
    assert len({r.key for r in rows}) == len(rows)
    for r in rows:
        assert r.source.strip(), r.key
        assert r.bandwidth_gbs and 50 < r.bandwidth_gbs < 10000, r.key
        assert (r.vram_bytes is None) == (r.vendor == "apple"), r.key
    vendors = {r.vendor for r in rows}
    assert {"nvidia", "amd", "intel", "apple"} <= vendors


def test_table_is_read_once():
    assert gpu_table() is gpu_table()


def test_known_cards():
    assert find_gpu("RTX 4090").vram_bytes == 24 * GIB
    assert find_gpu("NVIDIA GeForce RTX 4090").bandwidth_gbs == 1008
    assert find_gpu("rtx-3090").bandwidth_gbs == 936
    assert find_gpu("NVIDIA A100-SXM4-80GB").vram_bytes == 80 * GIB
    assert find_gpu("7900 XTX").vendor == "amd"
    assert find_gpu("M2 Ultra").bandwidth_gbs == 800


@pytest.mark.parametrize(
    "name,expect",
    [
        ("NVIDIA GeForce RTX 4090", "rtx4090"),
        ("AMD Radeon RX 7900 XTX", "rx7900xtx"),
        ("Apple M2 Max", "m2max"),
        ("Tesla T4", "t4"),
        ("nvidiageforce", "nvidiageforce"),  # vendor words count only as whole words
    ],
)
def test_normalize(name, expect):
    assert normalize(name) == expect


def test_memory_suffix_is_tolerated():
    for name in ("RTX 4090 24GB", "RTX 4090 (24 GB)", "rtx-4090-24g"):
        spec = find_gpu(name)
        assert spec is not None and spec.key == "rtx-4090", name
    assert find_gpu("no such card") is None


def test_lookup_of_an_unknown_card_suggests_close_names():
    with pytest.raises(UsageError) as exc:
        lookup_gpu("GTX 4090")
    assert "RTX 4090" in (exc.value.hint or "")
    assert "--list-gpus" in (exc.value.hint or "")
