"""Unified-memory machines beyond Apple (Ryzen AI Max, DGX Spark, Jetson): names, memory, GPU share, detection."""

from __future__ import annotations

import pytest

from llmpick.errors import UsageError
from llmpick.hardware import detection, report, resolve_hardware
from llmpick.hardware.detection import detect
from llmpick.hardware.flags import HardwareFlags, parse_gpu
from llmpick.hardware.machine import (
    AMD_UNIFIED_SHARE,
    Gpu,
    Hardware,
    apple_gpu_share,
    nvidia_unified_share,
    unified_gpu_share,
)
from llmpick.hardware.precedence import resolve
from llmpick.units import GIB


@pytest.mark.parametrize(
    "text, name, vendor, ram_gib",
    [
        ("Ryzen AI Max+ 395 128GB", "Ryzen AI Max+ 395", "amd", 128),  # the '+' is part of the name
        ("Ryzen AI Max+ 395 64GB", "Ryzen AI Max+ 395", "amd", 64),
        ("AMD Ryzen AI Max+ PRO 395 (128 GB)", "Ryzen AI Max+ 395", "amd", 128),
        ("Ryzen AI Max+ 395", "Ryzen AI Max+ 395", "amd", None),  # sold in several sizes: --ram says which
        ("DGX Spark", "DGX Spark", "nvidia", 128),  # sold in one size: the table says
        ("DGX Spark 128GB", "DGX Spark", "nvidia", 128),
        ("Jetson AGX Orin 64GB", "Jetson AGX Orin 64GB", "nvidia", 64),
        ("Jetson AGX Orin 32GB", "Jetson AGX Orin 32GB", "nvidia", 32),
        ("AGX Orin 32GB", "Jetson AGX Orin 32GB", "nvidia", 32),
        ("Jetson AGX Orin", "Jetson AGX Orin 64GB", "nvidia", 64),
        ("Jetson AGX Thor", "Jetson AGX Thor", "nvidia", 128),
        ("M5 Max 128GB", "Apple M5 Max (40-core GPU)", "apple", 128),
    ],
)
def test_parse_gpu_unified_machines(text, name, vendor, ram_gib):
    cards, ram = parse_gpu(text)
    assert [(c.name, c.vendor, c.vram_bytes, c.unified) for c in cards] == [(name, vendor, 0, True)]
    assert ram == (None if ram_gib is None else ram_gib * GIB)


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("2x DGX Spark", "whole machine"),
        ("DGX Spark + RTX 4090", "whole machine"),
        ("RTX 4090 + Ryzen AI Max+ 395 64GB", "whole machine"),
        ("Jetson AGX Thor x2", "whole machine"),
        ("DGX Spark 64GB", "has 128 GB"),
        ("Jetson AGX Orin 48GB", "has 64 GB"),
        ("Ryzen AI Max+ 395 0GB", "the machine's memory must be"),
        ("M2 Max+RTX 4090", "whole machine"),  # a '+' before a card's name still separates cards
    ],
)
def test_parse_gpu_refuses_combined_or_missized_machines(text, phrase):
    with pytest.raises(UsageError) as exc:
        parse_gpu(text)
    assert phrase in exc.value.message


def test_plus_still_separates_cards():
    assert [c.name for c in parse_gpu("4090+3090")[0]] == ["GeForce RTX 4090", "GeForce RTX 3090"]
    assert [c.name for c in parse_gpu("RTX 4090 + 3090")[0]] == ["GeForce RTX 4090", "GeForce RTX 3090"]


def test_default_gpu_share_per_platform():
    assert unified_gpu_share("apple", 64 * GIB) == apple_gpu_share(64 * GIB) == 0.75
    assert unified_gpu_share(None, 16 * GIB) == 0.67  # --unified alone keeps the macOS rule
    assert unified_gpu_share("amd", 128 * GIB) == unified_gpu_share("amd", 64 * GIB) == AMD_UNIFIED_SHARE == 0.75
    assert unified_gpu_share("nvidia", 128 * GIB) == nvidia_unified_share(128 * GIB) == 0.9
    assert nvidia_unified_share(8 * GIB) == 0.75  # the 2 GiB floor of the OS headroom
    assert 0 < nvidia_unified_share(0) < 1


def test_hardware_uses_the_platform_share():
    spark = Hardware(gpus=(Gpu("DGX Spark", 0, 273.0, "nvidia", unified=True),), ram_bytes=128 * GIB, unified=True)
    assert spark.gpu_share() == 0.9 and spark.card_capacities() == [int(128 * GIB * 0.9)]
    assert spark.ram_capacity() < GIB  # nothing left to offload to: CPU and GPU share the memory
    assert spark.gpu_bandwidth_gbs() is None  # the bandwidth is the machine's RAM bandwidth, given by the flags
    halo = Hardware(gpus=(Gpu("Ryzen AI Max+ 395", 0, 256.0, "amd", unified=True),), ram_bytes=128 * GIB, unified=True)
    assert halo.gpu_share() == 0.75 and halo.card_capacities() == [96 * GIB]
    assert halo.describe() == "Ryzen AI Max+ 395, 128 GiB unified memory (GPU share 75%)"


def test_reserve_on_unified_memory_is_kept_free():
    """The reserve comes off the GPU's share and is not handed to the CPU side of the same memory."""
    mac = Gpu("Apple M2 Max", 0, 400.0, "apple", unified=True)
    hw = Hardware(gpus=(mac,), ram_bytes=64 * GIB, unified=True, reserve_bytes=4 * GIB)
    assert hw.card_capacities() == [48 * GIB - 4 * GIB]
    assert hw.ram_capacity() == 64 * GIB - int(6.4 * GIB) - 48 * GIB


def test_resolve_dgx_spark():
    hw = resolve_hardware(gpu="DGX Spark")
    assert hw.unified and hw.ram_bytes == 128 * GIB and hw.ram_bandwidth_gbs == 273
    assert hw.gpu_bandwidth_gbs() == 273 and hw.gpu_share() == 0.9 and hw.gpu_count == 1
    assert hw.sources["ram_bandwidth"] == "GPU table (unified memory)"
    assert any("--unified-share" in n and "90%" in n for n in hw.notes)
    doc = report(hw).model_dump(mode="json")
    assert doc["unified"] is True and doc["unified_gpu_share"] == 0.9
    assert doc["gpus"][0] == {
        "name": "DGX Spark",
        "vram_bytes": None,
        "bandwidth_gb_per_s": 273.0,
        "vendor": "nvidia",
        "source": "table:dgx-spark",
        "in_use_bytes": 0,
    }
    assert resolve_hardware(gpu="DGX Spark", ram=128).ram_bytes == 128 * GIB
    with pytest.raises(UsageError, match="--ram says 64"):
        resolve_hardware(gpu="DGX Spark", ram=64)


def test_resolve_strix_halo():
    hw = resolve_hardware(gpu="Ryzen AI Max+ 395 128GB")
    assert hw.unified and hw.ram_bytes == 128 * GIB and hw.ram_bandwidth_gbs == 256
    assert hw.gpu_share() == 0.75 and hw.card_capacities() == [96 * GIB]
    assert hw.gpus[0].vendor == "amd"  # the speed model gets the vendor, as for a card
    assert any("--unified-share 0.5" in n for n in hw.notes)
    same = resolve_hardware(gpu="Ryzen AI Max+ 395", ram=128)
    assert same.card_capacities() == hw.card_capacities()
    own = resolve_hardware(gpu="Ryzen AI Max+ 395 128GB", unified_share=0.5)
    assert own.gpu_share() == 0.5 and not any("share" in n for n in own.notes)
    with pytest.raises(UsageError) as exc:
        resolve_hardware(gpu="Ryzen AI Max+ 395")
    assert "how much memory" in exc.value.message and "Ryzen AI Max+ 395 128GB" in (exc.value.hint or "")


def test_resolve_jetson():
    hw = resolve_hardware(gpu="Jetson AGX Orin 64GB", ram_bandwidth=204.8)
    assert hw.ram_bytes == 64 * GIB and hw.gpu_bandwidth_gbs() == 204.8 and hw.gpu_share() == 0.9
    assert resolve_hardware(gpu="Jetson AGX Orin 32GB").ram_bytes == 32 * GIB


@pytest.mark.parametrize(
    "flags",
    [
        dict(gpu="DGX Spark", unified=False),
        dict(gpu="Ryzen AI Max+ 395 64GB", ram="32"),
        dict(gpu="Ryzen AI Max+ 395 64GB", unified_share=1.5),
        dict(gpu="RTX 4090", unified_share=0.5),
        dict(gpu="RTX 4090", unified=True, ram="64"),
    ],
)
def test_bad_unified_flags(flags):
    with pytest.raises(UsageError):
        resolve(HardwareFlags(**flags))


@pytest.fixture
def probes(monkeypatch):
    """Detection with every probe faked: no Mac, no device-tree/CPU name, no NVML, 64 GiB of RAM."""
    monkeypatch.delenv("LLMPICK_NO_DETECT")
    monkeypatch.setattr(detection, "_probe_apple", lambda: None)
    monkeypatch.setattr(detection, "_probe_soc", lambda: [])
    monkeypatch.setattr(detection, "_probe_ram", lambda: (64 * GIB, "psutil"))

    def no_nvml():
        raise ImportError("pynvml")

    monkeypatch.setattr(detection, "_probe_nvidia", no_nvml)
    return monkeypatch


def test_detects_strix_halo_by_its_cpu(probes):
    probes.setattr(detection, "_probe_soc", lambda: ["AMD RYZEN AI MAX+ 395 w/ Radeon 8060S"])
    probes.setattr(detection, "_probe_ram", lambda: (125 * GIB, "psutil"))
    probes.setattr(detection, "_probe_nvidia", lambda: pytest.fail("no NVML on a unified AMD machine"))
    d = detect()
    assert d.unified and d.ram_bytes == 125 * GIB and d.ram_bandwidth_gbs == 256
    assert [(g.name, g.vendor, g.unified) for g in d.gpus] == [("Ryzen AI Max+ 395", "amd", True)]
    assert d.sources["ram_bandwidth"] == "table:ryzen-ai-max-395"
    assert not any("RAM bandwidth is not detected" in n for n in d.notes)
    hw = resolve(HardwareFlags(), detector=lambda: d)
    assert hw.origin == "detected" and hw.gpu_share() == 0.75 and hw.gpu_bandwidth_gbs() == 256


def test_detects_the_jetson_module_by_its_ram(probes):
    probes.setattr(detection, "_probe_soc", lambda: ["NVIDIA Jetson AGX Orin Developer Kit"])
    probes.setattr(detection, "_probe_ram", lambda: (30 * GIB, "psutil"))
    d = detect()
    assert d.gpus[0].name == "Jetson AGX Orin 32GB" and d.ram_bandwidth_gbs == 204.8 and d.ram_bytes == 30 * GIB


def test_detects_a_dgx_spark_through_nvml(probes):
    probes.setattr(detection, "_probe_nvidia", lambda: [("NVIDIA GB10", None)])  # NVML reports no memory size
    probes.setattr(detection, "_probe_ram", lambda: (119 * GIB, "psutil"))
    d = detect()
    assert d.unified and d.gpus[0].name == "DGX Spark" and d.gpus[0].source == "detected (nvml)"
    assert d.ram_bytes == 119 * GIB  # what the OS sees, not the table's 128
    assert resolve(HardwareFlags(), detector=lambda: d).gpu_share() == 0.9


def test_nvml_without_a_memory_size(probes):
    probes.setattr(detection, "_probe_nvidia", lambda: [("NVIDIA GeForce RTX 4090", None), ("NVIDIA Future", None)])
    d = detect()
    assert [(g.name, g.vram_bytes) for g in d.gpus] == [("GeForce RTX 4090", 24 * GIB)]
    assert any("did not report the memory of 'NVIDIA Future'" in n for n in d.notes)


def test_soc_probe_failure_is_not_fatal(probes):
    def broken():
        raise PermissionError("no /proc")

    probes.setattr(detection, "_probe_soc", broken)
    d = detect()
    assert not d.unified and d.ram_bytes == 64 * GIB
