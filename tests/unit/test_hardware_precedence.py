"""Which machine to plan for (hardware/precedence.py): flags > config profile > detection, and the checks."""

from __future__ import annotations

import pytest

from llmpick.errors import UsageError
from llmpick.hardware import detection
from llmpick.hardware.detection import Detected
from llmpick.hardware.flags import HardwareFlags
from llmpick.hardware.precedence import resolve, resolve_hardware, with_nodes
from llmpick.units import GIB


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
        # beyond the original set
        dict(gpus=2),
        dict(vram="24", unified=True, ram="64"),
        dict(gpu="M2 Max 64GB", unified=False),
        dict(gpu="M2 Max 64GB", ram="32"),
        dict(vram="24", unified_share=0.5),
        dict(unified=True, ram="16", unified_share=1.5),
        dict(ram="16", reserve="15"),
        dict(unified=True, ram="16", reserve="11"),
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


def test_notes_name_the_missing_flags():
    hw = resolve(HardwareFlags(vram="24"))
    assert hw.origin == "flags" and hw.sources == {"gpus": "flags"}
    assert any("--gpu NAME" in n for n in hw.notes) and any("--ram GIB" in n for n in hw.notes)
    assert resolve(HardwareFlags(gpu="RTX 4090", ram="64", ram_bandwidth="51.2")).notes == ()


def test_detection_with_fake_probes(monkeypatch):
    monkeypatch.delenv("LLMPICK_NO_DETECT")
    monkeypatch.setattr(detection, "_probe_apple", lambda: None)
    monkeypatch.setattr(detection, "_probe_nvidia", lambda: [("NVIDIA GeForce RTX 4090", 25757220864)] * 2)
    monkeypatch.setattr(detection, "_probe_ram", lambda: (64 * GIB, "psutil"))
    hw = resolve(HardwareFlags())
    assert hw.origin == "detected"
    assert [g.name for g in hw.gpus] == ["GeForce RTX 4090"] * 2
    assert hw.gpu_bandwidth_gbs() == 1008
    assert hw.ram_bytes == 64 * GIB
    assert any("--ram-bandwidth" in n for n in hw.notes)


def test_flags_override_detection(monkeypatch):
    monkeypatch.delenv("LLMPICK_NO_DETECT")
    monkeypatch.setattr(
        detection, "detect", lambda: pytest.fail("detection must not run when flags describe the machine")
    )
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


def test_other_flags_apply_on_top_of_the_profile(tmp_path):
    cfg = tmp_path / "config"
    cfg.mkdir(exist_ok=True)
    (cfg / "config.yaml").write_text("hardware: {gpu: RTX 4090, ram: 64, ram_bandwidth: 51.2}\n")
    hw = resolve(HardwareFlags(ram_bandwidth="89.6", reserve="1", nodes=2))
    assert hw.origin == "config" and hw.ram_bandwidth_gbs == 89.6
    assert hw.card_capacities() == [23 * GIB] and hw.nodes == 2


def test_fallback_detector_result_used(monkeypatch):
    d = Detected(ram_bytes=16 * GIB)
    hw = resolve(HardwareFlags(ram_bandwidth="51.2"), detector=lambda: d)
    assert hw.ram_bytes == 16 * GIB and hw.ram_bandwidth_gbs == 51.2


def test_detected_machine_with_flags_on_top():
    d = Detected(ram_bytes=32 * GIB, notes=["RAM bandwidth is not detected: pass --ram-bandwidth"])
    hw = resolve(HardwareFlags(ram_bandwidth="51.2", reserve="2", nodes=3), detector=lambda: d)
    assert hw.notes == () and hw.sources == {"ram_bandwidth": "flags"}
    assert hw.reserve_bytes == 2 * GIB and hw.nodes == 3
    with pytest.raises(UsageError, match="none was detected"):
        resolve(HardwareFlags(unified_share=0.5), detector=lambda: d)


def test_resolve_hardware_takes_the_cli_flag_names():
    assert resolve_hardware(gpu="2x RTX 3090", ram=64) == resolve(HardwareFlags(gpu="2x RTX 3090", ram="64"))
    assert resolve_hardware(vram="24,24").card_capacities() == [24 * GIB] * 2
    assert resolve_hardware(vram=[24, 12]).card_capacities() == [24 * GIB, 12 * GIB]
    assert resolve_hardware(vram=24, gpus=2, reserve=1).card_capacities() == [23 * GIB, 24 * GIB]
    mac = resolve_hardware(unified=True, ram=64, ram_bandwidth=400, unified_share=0.5)
    assert mac.unified and mac.card_capacities() == [32 * GIB] and mac.gpu_bandwidth_gbs() == 400
    with pytest.raises(UsageError):
        resolve_hardware(vram="24", gpu="RTX 4090")
    with pytest.raises(TypeError):
        resolve_hardware(vrm=24)  # type: ignore[call-arg]


def test_with_nodes():
    hw = resolve_hardware(gpu="RTX 4090")
    assert with_nodes(hw, 4).nodes == 4 and hw.nodes == 1


@pytest.mark.parametrize(
    "flags, phrase",
    [
        (dict(unified=True, ram="64", gpu="RTX 4090"), "own VRAM"),  # D4: not a 48 GiB unified 4090
        (dict(vram="9" * 300), "out of range"),  # D9
        (dict(ram="9" * 300), "out of range"),
        (dict(vram="24", reserve="9" * 300), "out of range"),
        (dict(vram="24", gpus=10**20), "--gpus"),
        (dict(vram="24", gpus=0), "at least 1"),
        (dict(vram="24", nodes=100_000), "--nodes"),
        (dict(vram="24", profile=""), "--profile"),
        (dict(ram="64", ram_bandwidth="inf"), "--ram-bandwidth"),
    ],
)
def test_absurd_flags_are_one_line_usage_errors(flags, phrase):
    with pytest.raises(UsageError) as exc:
        resolve(HardwareFlags(**flags))
    assert phrase in exc.value.message and "9" * 30 not in exc.value.message


def test_the_largest_machines_still_resolve():
    hw = resolve_hardware(vram=4096, gpus=128, nodes=1024, ram=65536, ram_bandwidth=100_000)
    assert len(hw.gpus) == 128 and hw.nodes == 1024
    mac = resolve_hardware(unified=True, ram="64", unified_share="1")
    assert mac.gpu_share() == 1
    assert resolve_hardware(gpu="RTX 4090", unified=False).gpus[0].vram_bytes == 24 * GIB
