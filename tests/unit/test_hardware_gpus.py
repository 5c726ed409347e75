"""The GPU table and lookup by name (hardware/gpus.py)."""

from __future__ import annotations

import pytest

from llmpick.errors import UsageError
from llmpick.hardware.gpus import find_gpu, find_unified_machine, gpu_table, lookup_gpu, normalize
from llmpick.units import GIB


def test_table_rows_have_sources_and_sane_values():
    rows = gpu_table()
    assert len(rows) > 60
    assert len({r.key for r in rows}) == len(rows)
    for r in rows:
        assert r.source.strip(), r.key
        assert r.bandwidth_gbs and 50 < r.bandwidth_gbs < 10000, r.key
        # Apple chips never carry a size (their memory is the Mac's RAM); every card does; only a unified-memory
        # machine sold in several sizes (Ryzen AI Max) may lack one.  (Was: no size exactly for Apple rows.)
        assert r.vram_bytes is None or r.vendor != "apple", r.key
        assert r.vram_bytes is not None or r.unified, r.key
        assert (r.kind == "apple") == (r.vendor == "apple"), r.key
        assert r.kind in {"consumer", "workstation", "datacenter", "apple", "unified"}, r.key
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


def test_every_name_and_alias_finds_its_own_row():
    """No spelling is shadowed by another row: a label that two rows share would silently pick the first."""
    owner: dict[str, str] = {}
    for r in gpu_table():
        for label in (r.key, r.name, *r.aliases):
            n = normalize(label)
            assert owner.setdefault(n, r.key) == r.key, f"{label!r} names both {owner[n]} and {r.key}"
            found = find_gpu(label)
            assert found is not None and found.key == r.key, (label, r.key)


def test_every_row_cites_where_its_figures_were_read():
    for r in gpu_table():
        assert "http" in r.source, r.key


@pytest.mark.parametrize(
    "name, key, gib, gbs",
    [
        # The hardware people buy now and the older cards they still run, as they type them.
        ("RTX 5060", "rtx-5060", 8, 448),
        ("RTX 5050", "rtx-5050", 8, 320),
        ("5060 Ti", "rtx-5060-ti-16gb", 16, 448),
        ("RTX 5060 Ti 8GB", "rtx-5060-ti-8gb", 8, 448),
        ("RTX 5070", "rtx-5070", 12, 672),
        ("5070 Ti", "rtx-5070-ti", 16, 896),
        ("RTX 5080", "rtx-5080", 16, 960),
        ("NVIDIA GeForce RTX 5090", "rtx-5090", 32, 1792),
        ("RTX PRO 6000", "rtx-pro-6000", 96, 1792),
        ("NVIDIA RTX PRO 6000 Blackwell Workstation Edition", "rtx-pro-6000", 96, 1792),
        ("H200", "h200", 141, 4800),
        ("NVIDIA B200", "b200", 180, 8000),
        ("RTX 2060", "rtx-2060", 6, 336),
        ("2060 Super", "rtx-2060-super", 8, 448),
        ("RTX 2070", "rtx-2070", 8, 448),
        ("RTX 2070 SUPER", "rtx-2070-super", 8, 448),
        ("RTX 2080", "rtx-2080", 8, 448),
        ("NVIDIA GeForce RTX 2080 SUPER", "rtx-2080-super", 8, 496),
        ("2080 Ti", "rtx-2080-ti", 11, 616),
        ("GTX 1080 Ti", "gtx-1080-ti", 11, 484),
        ("P40", "p40", 24, 347),
        ("Tesla P40", "p40", 24, 347),
        ("9070 XT", "rx-9070-xt", 16, 640),
        ("RX 9070", "rx-9070", 16, 640),
        ("R9700", "radeon-ai-pro-r9700", 32, 640),
        ("AMD Radeon AI PRO R9700", "radeon-ai-pro-r9700", 32, 640),
        ("MI50", "mi50-16gb", 16, 1024),  # the original card; the 32 GB one by its name
        ("MI50 32GB", "mi50-32gb", 32, 1024),
        ("AMD Radeon Instinct MI50", "mi50-16gb", 16, 1024),
        ("B580", "arc-b580", 12, 456),
        ("Intel Arc Pro B60", "arc-pro-b60", 24, 456),
        ("B60", "arc-pro-b60", 24, 456),
        # Unified-memory machines: a size only when sold in one.
        ("DGX Spark", "dgx-spark", 128, 273),
        ("NVIDIA GB10", "dgx-spark", 128, 273),
        ("Jetson AGX Orin", "jetson-agx-orin-64gb", 64, 204.8),
        ("Jetson AGX Orin 32GB", "jetson-agx-orin-32gb", 32, 204.8),
        ("Jetson AGX Thor", "jetson-agx-thor", 128, 273),
        ("NVIDIA Thor", "jetson-agx-thor", 128, 273),
        ("Ryzen AI Max+ 395", "ryzen-ai-max-395", None, 256),
        ("AMD Ryzen AI Max+ PRO 395", "ryzen-ai-max-395", None, 256),
        ("Strix Halo", "ryzen-ai-max-395", None, 256),
        ("M5", "apple-m5", None, 153),
        ("Apple M5 Pro", "apple-m5-pro", None, 307),
        ("M5 Max", "apple-m5-max", None, 614),
    ],
)
def test_cards_people_name(name, key, gib, gbs):
    spec = find_gpu(name)
    assert spec is not None and spec.key == key, name
    assert spec.vram_bytes == (None if gib is None else gib * GIB) and spec.bandwidth_gbs == gbs


def test_unified_rows_are_whole_machines():
    kinds = {r.key: (r.kind, r.unified) for r in gpu_table()}
    assert kinds["dgx-spark"] == ("unified", True) and kinds["ryzen-ai-max-395"] == ("unified", True)
    assert kinds["apple-m5-max"] == ("apple", True) and kinds["rtx-4090"] == ("consumer", False)
    assert {r.vendor for r in gpu_table() if r.kind == "unified"} == {"amd", "nvidia"}


@pytest.mark.parametrize(
    "text, ram_gib, key",
    [
        ("AMD RYZEN AI MAX+ 395 w/ Radeon 8060S", 128, "ryzen-ai-max-395"),
        ("AMD Ryzen AI MAX+ PRO 395 w/ Radeon 8060S", None, "ryzen-ai-max-395"),
        ("NVIDIA Jetson AGX Orin Developer Kit", 61, "jetson-agx-orin-64gb"),  # the RAM picks the module
        ("NVIDIA Jetson AGX Orin Developer Kit", 30, "jetson-agx-orin-32gb"),
        ("NVIDIA Jetson AGX Thor Developer Kit", 122, "jetson-agx-thor"),
        ("AMD EPYC 7763 64-Core Processor", 512, None),
        ("Apple M2 Max", 64, None),  # Apple chips are found by sysctl, not here
        ("", None, None),
    ],
)
def test_find_unified_machine_in_system_strings(text, ram_gib, key):
    spec = find_unified_machine(text, None if ram_gib is None else ram_gib * GIB)
    assert (spec.key if spec else None) == key
