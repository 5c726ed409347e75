"""Detection (hardware/detection.py): the probes are faked; tests never see this machine's devices."""

from __future__ import annotations

import pytest

from llmpick.hardware import detection
from llmpick.hardware.detection import detect
from llmpick.units import GIB


@pytest.fixture(autouse=True)
def _no_soc(monkeypatch):
    """Hermetic: this machine's /proc (device tree, CPU name) never decides what these tests detect."""
    monkeypatch.setattr(detection, "_probe_soc", lambda: [])


def test_detection_is_off_in_tests():
    d = detect()
    assert d.gpus == [] and d.ram_bytes is None
    assert "LLMPICK_NO_DETECT" in d.notes[0]


def test_detection_missing_probes_say_which_flag(monkeypatch):
    monkeypatch.delenv("LLMPICK_NO_DETECT")
    monkeypatch.setattr(detection, "_probe_apple", lambda: None)

    def no_nvml():
        raise ImportError("pynvml")

    def no_ram():
        raise RuntimeError("nothing")

    monkeypatch.setattr(detection, "_probe_nvidia", no_nvml)
    monkeypatch.setattr(detection, "_probe_ram", no_ram)
    d = detect()
    text = " ".join(d.notes)
    assert "nvidia-ml-py" in text and "--gpu" in text and "--ram" in text


def test_detection_apple(monkeypatch):
    monkeypatch.delenv("LLMPICK_NO_DETECT")
    monkeypatch.setattr(detection, "_probe_apple", lambda: ("Apple M3 Max", 48 * GIB))
    d = detect()
    assert d.unified and d.ram_bytes == 48 * GIB and d.ram_bandwidth_gbs == 400


def test_detection_unknown_cards_and_failures_become_notes(monkeypatch):
    monkeypatch.delenv("LLMPICK_NO_DETECT")
    monkeypatch.setattr(detection, "_probe_apple", lambda: ("Apple M9 Hyper", 32 * GIB))
    d = detect()
    assert d.gpus[0].name == "Apple M9 Hyper" and d.ram_bandwidth_gbs is None
    assert any("--ram-bandwidth" in n for n in d.notes)

    def broken():
        raise OSError("sysctl failed")

    def nvml_down():
        raise RuntimeError("NVML did not start")

    monkeypatch.setattr(detection, "_probe_apple", broken)
    monkeypatch.setattr(detection, "_probe_nvidia", nvml_down)
    monkeypatch.setattr(detection, "_probe_ram", lambda: (16 * GIB, "sysconf"))
    d = detect()
    assert d.gpus == [] and d.ram_bytes == 16 * GIB and d.sources == {"ram": "detected (sysconf)"}
    text = " ".join(d.notes)
    assert "Apple chip not read (OSError)" in text and "No NVIDIA GPU detected" in text


def test_detection_unlisted_nvidia_card(monkeypatch):
    monkeypatch.delenv("LLMPICK_NO_DETECT")
    monkeypatch.setattr(detection, "_probe_apple", lambda: None)
    monkeypatch.setattr(detection, "_probe_nvidia", lambda: [("NVIDIA Future 9000", 40 * GIB)])
    monkeypatch.setattr(detection, "_probe_ram", lambda: (64 * GIB, "psutil"))
    d = detect()
    assert [(g.name, g.vram_bytes, g.bandwidth_gbs) for g in d.gpus] == [("NVIDIA Future 9000", 40 * GIB, None)]
    assert any("not in the GPU table" in n for n in d.notes)
