"""Headroom (issue #12 item 7): memory already in use on a detected card, and picks that fill a card (`tight`)."""

from __future__ import annotations

import pytest

from llmpick.hardware import detection, report, resolve_hardware
from llmpick.hardware.detection import detect
from llmpick.recommend.ranking import TIGHT_MIN_BYTES, tight_margin
from llmpick.units import GIB
from tests.conftest import FIXTURES

CAT = str(FIXTURES / "recommend" / "catalog")


@pytest.fixture
def nvml(monkeypatch):
    """A machine with a 12 GiB and a 24 GiB card, 1.5 GiB and 0.25 GiB of them already in use (faked NVML)."""
    monkeypatch.delenv("LLMPICK_NO_DETECT")
    monkeypatch.setattr(detection, "_probe_soc", lambda: [])
    monkeypatch.setattr(detection, "_probe_apple", lambda: None)
    monkeypatch.setattr(
        detection,
        "_probe_nvidia",
        lambda: [
            ("NVIDIA GeForce RTX 3060", 12 * GIB, int(1.5 * GIB)),
            ("NVIDIA GeForce RTX 3090", 24 * GIB, GIB // 4),
        ],
    )
    monkeypatch.setattr(detection, "_probe_ram", lambda: (64 * GIB, "psutil"))


def test_detection_reports_memory_in_use(nvml):
    d = detect()
    assert [g.in_use_bytes for g in d.gpus] == [int(1.5 * GIB), GIB // 4]


def test_in_use_comes_off_each_card_unless_reserve_is_given(nvml):
    hw = resolve_hardware()
    assert hw.origin == "detected"
    assert hw.usable_card_bytes == (int(10.5 * GIB), 24 * GIB - GIB // 4)
    assert "1.8 GiB already in use on the GPUs" in hw.describe()
    doc = report(hw).model_dump(mode="json")
    assert [g["in_use_bytes"] for g in doc["gpus"]] == [int(1.5 * GIB), GIB // 4]
    assert doc["usable_gpu_bytes"] == [int(10.5 * GIB), 24 * GIB - GIB // 4]
    # --reserve replaces what detection found in use: 0 plans for whole cards, 1 keeps 1 GiB free on card 0.
    assert resolve_hardware(reserve=0).usable_card_bytes == (12 * GIB, 24 * GIB)
    whole = resolve_hardware(reserve=1)
    assert whole.usable_card_bytes == (11 * GIB, 24 * GIB) and "not counted" in whole.describe()


def test_old_two_field_probe_still_reads(monkeypatch):
    monkeypatch.delenv("LLMPICK_NO_DETECT")
    monkeypatch.setattr(detection, "_probe_soc", lambda: [])
    monkeypatch.setattr(detection, "_probe_apple", lambda: None)
    monkeypatch.setattr(detection, "_probe_nvidia", lambda: [("NVIDIA GeForce RTX 3090", 24 * GIB)])
    monkeypatch.setattr(detection, "_probe_ram", lambda: (64 * GIB, "psutil"))
    assert detect().gpus[0].in_use_bytes == 0


def test_tight_margin_is_half_a_gib_or_five_percent():
    assert tight_margin(8 * GIB) == TIGHT_MIN_BYTES == GIB // 2
    assert tight_margin(80 * GIB) == 4 * GIB


def test_tight_label_headroom_and_reason(cli):
    r = cli("recommend", "--vram", "12", "--top", "20", "--json", "--catalog", CAT)
    assert r.exit_code == 0, r.stderr
    items = r.json["items"]
    assert any(it["tight"] for it in items) and not all(it["tight"] for it in items)
    cap = 12 * GIB
    for it in items:
        mem = it["memory"]
        room = mem["headroom_bytes_per_card"]
        assert len(room) == 1
        if it["fit"] == "cpu":
            assert room == [None] and it["tight"] is False
            continue
        assert room[0] == cap - mem["gpu_bytes_per_card"][0] >= 0
        assert it["tight"] is (room[0] < tight_margin(cap))
        said = [x for x in it["reasons"] if x.startswith("tight: ")]
        assert bool(said) is it["tight"]
        if said:
            assert "of 12.0 GiB on the GPU" in said[0] and "--reserve 1" in said[0]
    table = cli("recommend", "--vram", "12", "--top", "20", "--catalog", CAT)
    assert ("(tight)" in table.stdout) is any(it["tight"] for it in items)


def test_multi_card_headroom_is_null_for_unused_cards(cli):
    r = cli("recommend", "--vram", "24,24", "--top", "20", "--json", "--catalog", CAT)
    assert r.exit_code == 0, r.stderr
    for it in r.json["items"]:
        used = it["memory"]["gpu_bytes_per_card"]
        room = it["memory"]["headroom_bytes_per_card"]
        assert len(room) == 2
        for b, h in zip(used, room, strict=True):
            assert (h is None) is (b == 0 or it["fit"] == "cpu")


def test_check_says_tight(cli):
    r = cli("check", "Qwen/Qwen3-14B", "--vram", "12", "--json", "--catalog", CAT)
    it = r.json["items"][0]
    assert it["fit"] == "gpu"
    text = cli("check", "Qwen/Qwen3-14B", "--vram", "12", "--catalog", CAT).stdout
    assert ("tight: " in text) is it["tight"]
