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
