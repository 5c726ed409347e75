"""Parsing of the hardware flags' values (hardware/flags.py)."""

from __future__ import annotations

import pytest

from llmpick.errors import UsageError
from llmpick.hardware.flags import HardwareFlags, parse_gib, parse_gpu, parse_positive, parse_vram
from llmpick.units import GIB


@pytest.mark.parametrize("text,expect", [("24", [24]), ("24GB", [24]), ("24,24,12", [24, 24, 12]), ("11.5", [11.5])])
def test_parse_vram(text, expect):
    assert parse_vram(text, None) == [int(e * GIB) for e in expect]


def test_parse_vram_repeats_one_size_for_gpus():
    assert parse_vram("24", 3) == [24 * GIB] * 3


@pytest.mark.parametrize("text", ["", "24,", "abc", "-1", "inf", "0,24", "24,0"])
def test_parse_vram_rejects(text):
    with pytest.raises(UsageError):
        parse_vram(text, None)


@pytest.mark.parametrize("text", ["0", "0GB", " 0.0 ", "00"])
def test_vram_zero_alone_means_no_gpu(text):
    """What people type for a machine without a GPU (issue #12); a zero-sized card in a list stays an error."""
    assert parse_vram(text, None) == []
    with pytest.raises(UsageError, match="no GPU"):
        parse_vram(text, 2)


def test_parse_gib_allows_zero_only_when_asked():
    assert parse_gib("0", "--reserve", allow_zero=True) == 0
    assert parse_gib("1.5 GiB", "--reserve") == int(1.5 * GIB)
    with pytest.raises(UsageError):
        parse_gib("0", "--ram")


def test_parse_positive_takes_a_unit():
    assert parse_positive("51.2 GB/s", "--ram-bandwidth", "51.2") == 51.2
    for bad in ("fast", "0", "-3", "nan"):
        with pytest.raises(UsageError):
            parse_positive(bad, "--ram-bandwidth", "51.2")


@pytest.mark.parametrize(
    "text,names",
    [
        ("RTX 4090", ["GeForce RTX 4090"]),
        ("2x RTX 3090", ["GeForce RTX 3090"] * 2),
        ("RTX 3090 x2", ["GeForce RTX 3090"] * 2),
        ("4090 + 3090", ["GeForce RTX 4090", "GeForce RTX 3090"]),
    ],
)
def test_parse_gpu_counts_and_mixes(text, names):
    cards, apple_ram = parse_gpu(text)
    assert [c.name for c in cards] == names and apple_ram is None
    assert all(c.source.startswith("table:") for c in cards)


def test_parse_gpu_apple_memory():
    cards, apple_ram = parse_gpu("M2 Max 64GB")
    assert [c.vendor for c in cards] == ["apple"] and apple_ram == 64 * GIB


@pytest.mark.parametrize("text", ["2x M2 Max", "RTX 4090 + M2 Max", "M2 Max + RTX 4090", "0x RTX 4090", "RTX 4090 +"])
def test_parse_gpu_rejects(text):
    with pytest.raises(UsageError):
        parse_gpu(text)


def test_flags_from_python_values():
    f = HardwareFlags.of(vram=[24, 12], ram=64, ram_bandwidth=51.2, reserve=1.5)
    assert f == HardwareFlags(vram="24,12", ram="64", ram_bandwidth="51.2", reserve="1.5")
    assert HardwareFlags.of(vram=24).vram == "24" and HardwareFlags.of(vram="24,24").vram == "24,24"
    assert HardwareFlags.of(profile="laptop").any_machine_flag() is False
    assert HardwareFlags.of(unified=False).any_machine_flag() is True


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("M2 Max 0GB", "a Mac's memory must be positive"),  # D21
        ("M2 Max 99999999999999999999999GB", "at most 65,536 GiB"),
        ("999x RTX 4090", "more than 128 cards"),  # D20
        ("RTX 4090 x 100 + RTX 3090 x 100", "more than 128 cards"),
        ("", "empty"),
        ("a" + " " * 100_000 + "b", "too long"),  # refused before the (quadratic) name patterns run
        ("GTX 4090\nError: fake", "Unknown GPU 'GTX 4090\\nError: fake'"),  # one line, escaped
    ],
)
def test_parse_gpu_refuses_absurd_text(text, phrase):
    with pytest.raises(UsageError) as exc:
        parse_gpu(text)
    assert phrase in exc.value.message and "\n" not in exc.value.message


def test_parse_gpu_takes_up_to_128_cards():
    cards, _ = parse_gpu("128x RTX 4090")
    assert len(cards) == 128


@pytest.mark.parametrize("text", ["9" * 300, "4097", "nan", "1e999", ",".join(["24"] * 129), "1e-12"])
def test_parse_vram_bounds(text):
    with pytest.raises(UsageError) as exc:
        parse_vram(text, None)
    assert "9" * 30 not in exc.value.message


@pytest.mark.parametrize(
    "kwargs, phrase",
    [
        (dict(gpus="99999999999999999999"), "--gpus"),
        (dict(gpus=2.7), "whole number"),
        (dict(gpus=True), "--gpus"),
        (dict(nodes="1e999"), "--nodes"),
        (dict(nodes=1025), "--nodes"),
        (dict(unified_share="nan"), "--unified-share"),
        (dict(unified="false"), "not true or false"),  # D5: bool('false') is True
        (dict(ram=True), "--ram"),
        (dict(ram=10**5000), "--ram: a 5,001-digit number"),  # str() of it would raise ValueError
        (dict(vram=[24, 10**5000]), "--vram"),
        (dict(ram_bandwidth=float("nan")), "--ram-bandwidth"),
    ],
)
def test_flags_of_checks_counts_shares_and_switches(kwargs, phrase):
    with pytest.raises(UsageError, match=phrase):
        HardwareFlags.of(**kwargs)


def test_flags_of_parses_text_counts():
    f = HardwareFlags.of(vram="24", gpus="2", nodes="3", unified_share="0.5")
    assert (f.gpus, f.nodes, f.unified_share) == (2, 3, 0.5)
