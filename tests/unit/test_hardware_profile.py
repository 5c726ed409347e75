"""Hardware profiles from config.yaml (hardware/profile.py)."""

from __future__ import annotations

import pytest

from llmpick.errors import UsageError
from llmpick.hardware.flags import HardwareFlags
from llmpick.hardware.profile import load_profile


def write(tmp_path, text):
    cfg = tmp_path / "config"
    cfg.mkdir(exist_ok=True)
    (cfg / "config.yaml").write_text(text)


def test_no_config_file():
    assert load_profile() is None
    with pytest.raises(UsageError, match="no config file"):
        load_profile("laptop")


def test_default_and_named_profiles(tmp_path):
    write(tmp_path, "hardware:\n  gpu: 2x RTX 3090\n  ram: 64\nprofiles:\n  laptop: {vram: 8, gpus: 1, nodes: 2}\n")
    assert load_profile() == HardwareFlags(gpu="2x RTX 3090", ram="64")
    assert load_profile("laptop") == HardwareFlags(vram="8", gpus=1, nodes=2)
    with pytest.raises(UsageError, match="no profile 'desk'") as exc:
        load_profile("desk")
    assert exc.value.hint == "Profiles there: laptop."


def test_no_default_profile(tmp_path):
    write(tmp_path, "profiles:\n  laptop: {ram: 16}\n")
    assert load_profile() is None


@pytest.mark.parametrize(
    "text,message",
    [
        ("hardware: [1, 2\n", "not valid YAML"),
        ("- 1\n- 2\n", "expected a mapping"),
        ("hardware: 24\n", "expected a mapping of hardware fields"),
        ("hardware: {vram: 24, colour: red}\n", "unknown key"),
        ("hardware: {gpus: two}\n", "hardware"),
        ("hardware: !!python/object/apply:os.system [echo]\n", "not valid YAML"),  # a safe loader only
    ],
)
def test_bad_config_is_a_usage_error(tmp_path, text, message):
    write(tmp_path, text)
    with pytest.raises(UsageError, match=message):
        load_profile()


@pytest.mark.parametrize(
    "text, message",
    [
        ("hardware: {ram: 64, unified: 'false'}\n", r"hardware\.unified: 'false' is not true or false"),  # D5
        ("hardware: {ram: 64, unified: 0}\n", "hardware.unified"),
        ("hardware: {vram: 24, gpus: 2.7}\n", r"hardware\.gpus: '2\.7' is a decimal number"),  # D27
        ("hardware: {vram: 24, gpus: true}\n", r"hardware\.gpus: 'true' is not a number of cards"),
        ("hardware: {vram: 24, gpus: 1000000}\n", r"hardware\.gpus: .* out of range"),  # D20
        ("hardware: {vram: 24, nodes: .inf}\n", r"hardware\.nodes: 'inf' is out of range"),  # D9
        ("hardware: {vram: 24, nodes: 2.0}\n", r"hardware\.nodes"),
        ("hardware: {ram: .nan}\n", r"hardware\.ram: 'nan' is not a number"),
        ("hardware: {ram: " + "9" * 300 + "}\n", r"hardware\.ram: a 300-digit number is out of range"),
        ("hardware: {ram: '" + "9" * 300 + "'}\n", r"hardware\.ram: '9+\.\.\.9+' \(300 characters\) is out"),
        ("hardware: {ram: 64, reserve: -1}\n", r"hardware\.reserve"),
        ("hardware: {ram: 64, ram_bandwidth: .inf}\n", r"hardware\.ram_bandwidth"),
        ("hardware: {ram: 64, unified: true, unified_share: 1.5}\n", r"hardware\.unified_share"),
        ("hardware: {vram: [24, true]}\n", r"hardware\.vram: expected sizes"),
        ("hardware: {vram: {a: 1}}\n", r"hardware\.vram"),
        ("hardware: {vram: '24,,24'}\n", r"hardware\.vram"),
        ("hardware: {gpu: [RTX 4090]}\n", r"hardware\.gpu: .* not a card's name"),
        ("profiles: {laptop: {gpus: 2.5}}\n", r"profiles\.laptop\.gpus"),
        ("hardware: {ram: 2020-13-45}\n", "not valid YAML"),  # PyYAML's constructors raise ValueError
        ("hardware: " + "[" * 100_000 + "]" * 100_000 + "\n", "not valid YAML"),  # D11
        ("".join(" " * i + "a:\n" for i in range(1200)), "not valid YAML"),  # block nesting (and recursion)
    ],
)
def test_config_values_are_checked_like_flags(tmp_path, text, message):
    write(tmp_path, text)
    with pytest.raises(UsageError, match=message) as exc:
        load_profile("laptop" if text.startswith("profiles") else None)
    assert "\n" not in exc.value.message


def test_config_values_of_every_yaml_type(tmp_path):
    write(tmp_path, "hardware: {vram: [24, 12.5], gpus: '2', ram: 64GB, unified: false, nodes: 2, reserve: 0}\n")
    assert load_profile() == HardwareFlags(vram="24,12.5", gpus=2, ram="64GB", unified=False, nodes=2, reserve="0")


def _config_path(tmp_path):
    cfg = tmp_path / "config"
    cfg.mkdir(exist_ok=True)
    return cfg / "config.yaml"


def test_config_that_is_not_utf8(tmp_path):  # D16
    _config_path(tmp_path).write_bytes(b"hardware:\n  gpu: 'RTX \xff'\n")
    with pytest.raises(UsageError, match="not UTF-8"):
        load_profile()


def test_config_that_is_a_fifo_or_a_device_is_not_waited_on(tmp_path):  # D6
    import os

    path = _config_path(tmp_path)
    if hasattr(os, "mkfifo"):
        os.mkfifo(path)
        with pytest.raises(UsageError, match="not a regular file"):
            load_profile()
        path.unlink()
    if os.path.exists("/dev/zero"):
        path.symlink_to("/dev/zero")
        with pytest.raises(UsageError, match="not a regular file"):
            load_profile()


def test_huge_config_is_refused_before_reading(tmp_path):  # D27: a 60 MB config.yaml took 37 s
    with _config_path(tmp_path).open("wb") as f:
        f.write(b"hardware: {ram: 64}\n")
        f.truncate(60_000_000)  # sparse: nothing is written
    with pytest.raises(UsageError, match="limit"):
        load_profile()


@pytest.mark.parametrize(
    "text",
    [
        "hardware: " + "[" * 5000 + "]" * 5000 + "\n",
        "hardware: " + "{a: " * 5000 + "}" * 5000 + "\n",
        "".join(" " * i + "a:\n" for i in range(1200)),
        "hardware: {ram: !!int 1e3}\n",
        "hardware: {ram: !!timestamp x}\n",
    ],
)
def test_pure_python_yaml_loader_failures_are_usage_errors(tmp_path, monkeypatch, text):
    """Without libyaml, PyYAML's own loader recurses per level (RecursionError) and its constructors raise
    ValueError or AttributeError: each is a bad file (exit 2), not a crash."""
    import yaml

    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    write(tmp_path, text)
    with pytest.raises(UsageError, match="not valid YAML"):
        load_profile()
