"""Hardware: GPU table, flag parsing, detection (probes faked), config profile."""

from __future__ import annotations

import pytest

from llmpick import hardware as hwmod
from llmpick.errors import UsageError
from llmpick.hardware import GIB, Detected, HardwareFlags, detect, find_gpu, gpu_table, parse_vram, resolve


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


def test_known_cards():
    assert find_gpu("RTX 4090").vram_bytes == 24 * GIB
    assert find_gpu("NVIDIA GeForce RTX 4090").bandwidth_gbs == 1008
    assert find_gpu("rtx-3090").bandwidth_gbs == 936
    assert find_gpu("NVIDIA A100-SXM4-80GB").vram_bytes == 80 * GIB
    assert find_gpu("7900 XTX").vendor == "amd"
    assert find_gpu("M2 Ultra").bandwidth_gbs == 800


@pytest.mark.parametrize("text,expect", [("24", [24]), ("24GB", [24]), ("24,24,12", [24, 24, 12]), ("11.5", [11.5])])
def test_parse_vram(text, expect):
    assert parse_vram(text, None) == [int(e * GIB) for e in expect]


def test_vram_with_gpus():
    hw = resolve(HardwareFlags(vram="24", gpus=2))
    assert [g.vram_bytes for g in hw.gpus] == [24 * GIB] * 2
    assert hw.gpu_bandwidth_gbs() is None  # --vram knows no bandwidth


@pytest.mark.parametrize(
    "flags",
    [
        dict(vram="-1"),
        dict(vram="abc"),
        dict(vram="0"),
        dict(vram="24", gpus=0),
        dict(gpu="RTX 4099"),
        dict(vram="24", gpu="RTX 4090"),
        dict(vram="24,24", gpus=3),
        dict(gpu="2x RTX 3090", gpus=2),
        dict(gpu="M2 Max"),
        dict(unified=True),
        dict(vram="24", reserve="30"),
        dict(ram="32", ram_bandwidth="-5"),
        dict(vram="24", nodes=0),
    ],
)
def test_bad_flags_are_usage_errors(flags):
    with pytest.raises(UsageError):
        resolve(HardwareFlags(**flags))


def test_unknown_gpu_suggests_close_names():
    with pytest.raises(UsageError) as exc:
        resolve(HardwareFlags(gpu="GTX 4090"))
    assert "RTX 4090" in exc.value.hint


def test_gpu_names_with_counts():
    hw = resolve(HardwareFlags(gpu="2x RTX 3090"))
    assert len(hw.gpus) == 2 and hw.gpu_bandwidth_gbs() == 936
    mixed = resolve(HardwareFlags(gpu="RTX 4090 + RTX 3090"))
    assert mixed.gpu_bandwidth_gbs() == 936  # the slowest card sets the pace of a layer split
    assert not mixed.equal_cards()


def test_apple_unified():
    hw = resolve(HardwareFlags(gpu="M2 Max 64GB"))
    assert hw.unified and hw.ram_bytes == 64 * GIB
    assert hw.card_capacities() == [int(64 * GIB * 0.75)]
    assert hw.ram_bandwidth_gbs == 400
    small = resolve(HardwareFlags(gpu="M1", ram="16"))
    assert small.card_capacities() == [int(16 * GIB * 0.67)]


def test_reserve_comes_off_the_first_card():
    hw = resolve(HardwareFlags(vram="24", gpus=2, reserve="2"))
    assert hw.card_capacities() == [22 * GIB, 24 * GIB]


def test_ram_capacity_leaves_os_headroom():
    hw = resolve(HardwareFlags(ram="32"))
    assert hw.ram_capacity() == 32 * GIB - int(3.2 * GIB)


def test_detection_is_off_in_tests():
    d = detect()
    assert d.gpus == [] and d.ram_bytes is None
    assert "LLMPICK_NO_DETECT" in d.notes[0]


def test_detection_with_fake_probes(monkeypatch):
    monkeypatch.delenv("LLMPICK_NO_DETECT")
    monkeypatch.setattr(hwmod, "_probe_apple", lambda: None)
    monkeypatch.setattr(hwmod, "_probe_nvidia", lambda: [("NVIDIA GeForce RTX 4090", 25757220864)] * 2)
    monkeypatch.setattr(hwmod, "_probe_ram", lambda: (64 * GIB, "psutil"))
    hw = resolve(HardwareFlags())
    assert hw.origin == "detected"
    assert [g.name for g in hw.gpus] == ["GeForce RTX 4090"] * 2
    assert hw.gpu_bandwidth_gbs() == 1008
    assert hw.ram_bytes == 64 * GIB
    assert any("--ram-bandwidth" in n for n in hw.notes)


def test_detection_missing_probes_say_which_flag(monkeypatch):
    monkeypatch.delenv("LLMPICK_NO_DETECT")
    monkeypatch.setattr(hwmod, "_probe_apple", lambda: None)

    def no_nvml():
        raise ImportError("pynvml")

    def no_ram():
        raise RuntimeError("nothing")

    monkeypatch.setattr(hwmod, "_probe_nvidia", no_nvml)
    monkeypatch.setattr(hwmod, "_probe_ram", no_ram)
    d = detect()
    text = " ".join(d.notes)
    assert "nvidia-ml-py" in text and "--gpu" in text and "--ram" in text


def test_detection_apple(monkeypatch):
    monkeypatch.delenv("LLMPICK_NO_DETECT")
    monkeypatch.setattr(hwmod, "_probe_apple", lambda: ("Apple M3 Max", 48 * GIB))
    d = detect()
    assert d.unified and d.ram_bytes == 48 * GIB and d.ram_bandwidth_gbs == 400


def test_flags_override_detection(monkeypatch):
    monkeypatch.delenv("LLMPICK_NO_DETECT")
    monkeypatch.setattr(hwmod, "detect", lambda: pytest.fail("detection must not run when flags describe the machine"))
    hw = resolve(HardwareFlags(vram="12"))
    assert hw.gpus[0].vram_bytes == 12 * GIB


def test_config_profile(tmp_path, monkeypatch):
    cfg = tmp_path / "config"
    cfg.mkdir(exist_ok=True)
    (cfg / "config.yaml").write_text(
        "hardware:\n  gpu: 2x RTX 3090\n  ram: 64\nprofiles:\n  laptop: {gpu: RTX 4060, ram: 16}\n"
    )
    hw = resolve(HardwareFlags(), detector=lambda: pytest.fail("no detection with a profile"))
    assert hw.origin == "config" and len(hw.gpus) == 2 and hw.ram_bytes == 64 * GIB
    laptop = resolve(HardwareFlags(profile="laptop"))
    assert laptop.gpus[0].name == "GeForce RTX 4060"
    flags_win = resolve(HardwareFlags(vram="8"))
    assert flags_win.origin == "flags" and flags_win.gpus[0].vram_bytes == 8 * GIB
    with pytest.raises(UsageError):
        resolve(HardwareFlags(profile="nope"))


def test_fallback_detector_result_used(monkeypatch):
    d = Detected(ram_bytes=16 * GIB)
    hw = resolve(HardwareFlags(ram_bandwidth="51.2"), detector=lambda: d)
    assert hw.ram_bytes == 16 * GIB and hw.ram_bandwidth_gbs == 51.2
