"""The machine as values (hardware/machine.py): usable capacities, computed once."""

from __future__ import annotations

from dataclasses import replace

from llmpick.hardware import machine
from llmpick.hardware.machine import Gpu, Hardware
from llmpick.units import GIB

CARD = Gpu("GeForce RTX 3090", 24 * GIB, 936.0, "nvidia", "table:rtx-3090")


def test_capacities_are_computed_once(monkeypatch):
    hw = Hardware(gpus=(CARD, CARD), ram_bytes=64 * GIB, reserve_bytes=2 * GIB)
    assert hw.usable_card_bytes is hw.usable_card_bytes  # a field, not a computation
    calls = []
    monkeypatch.setattr(machine, "_card_capacities", lambda *a: calls.append(a) or ())
    monkeypatch.setattr(machine, "_ram_capacity", lambda *a: calls.append(a) or 0)
    for _ in range(3):
        assert hw.card_capacities() == [22 * GIB, 24 * GIB]
        assert hw.ram_capacity() == 64 * GIB - int(6.4 * GIB)
    assert calls == []  # asking again computes nothing
    assert hw.card_capacities() is not hw.card_capacities()  # callers get their own list


def test_replace_recomputes_the_derived_figures():
    hw = Hardware(gpus=(CARD,), ram_bytes=64 * GIB)
    less = replace(hw, reserve_bytes=4 * GIB, nodes=2)
    assert less.card_capacities() == [20 * GIB] and hw.card_capacities() == [24 * GIB]
    assert less.nodes == 2 and less == replace(hw, reserve_bytes=4 * GIB, nodes=2)


def test_unified_memory_share_and_ram():
    hw = Hardware(gpus=(Gpu("Apple M2 Max", 0, 400.0, "apple"),), ram_bytes=64 * GIB, unified=True)
    assert hw.gpu_share() == 0.75 and hw.card_capacities() == [int(64 * GIB * 0.75)]
    assert hw.ram_capacity() == 64 * GIB - int(6.4 * GIB) - int(64 * GIB * 0.75)
    assert hw.gpu_count == 1 and hw.has_gpu and hw.gpu_bandwidth_gbs() is None  # no RAM bandwidth given
    own = replace(hw, unified_share=0.5, ram_bandwidth_gbs=400.0)
    assert own.card_capacities() == [32 * GIB] and own.gpu_bandwidth_gbs() == 400.0
    assert Hardware(unified=True).card_capacities() == [] and not Hardware(unified=True).has_gpu


def test_cpu_only_reserve_comes_off_ram():
    hw = Hardware(ram_bytes=32 * GIB, reserve_bytes=2 * GIB)
    assert hw.card_capacities() == [] and not hw.has_gpu
    assert hw.ram_capacity() == 32 * GIB - int(3.2 * GIB) - 2 * GIB
    assert Hardware().ram_capacity() is None


def test_bandwidth_and_equal_cards():
    slow = Gpu("GeForce RTX 4090", 24 * GIB, 1008.0, "nvidia")
    mixed = Hardware(gpus=(CARD, slow))
    assert mixed.gpu_bandwidth_gbs() == 936.0 and not mixed.equal_cards()
    assert Hardware(gpus=(CARD, CARD)).equal_cards() and Hardware().equal_cards()
    assert Hardware(gpus=(CARD, Gpu("24 GiB GPU", 24 * GIB, None))).gpu_bandwidth_gbs() is None


def test_describe():
    assert Hardware(gpus=(CARD, CARD), ram_bytes=64 * GIB).describe() == (
        "2x GeForce RTX 3090 (24 GiB, 936 GB/s), 64 GiB RAM"
    )
    odd = Hardware(gpus=(Gpu("11.5 GiB GPU", int(11.5 * GIB), None),), reserve_bytes=GIB // 2, nodes=2)
    assert odd.describe() == "1x 11.5 GiB GPU (11.5 GiB, bandwidth unknown), RAM unknown, 0.5 GiB reserved, x 2 nodes"
    mac = Hardware(gpus=(Gpu("Apple M1", 0, 68.25, "apple"),), ram_bytes=16 * GIB, unified=True)
    assert mac.describe() == "Apple M1, 16 GiB unified memory (GPU share 67%)"
    assert Hardware(ram_bytes=8 * GIB).describe() == "no GPU, 8 GiB RAM"
