"""Hardware profiles from ``config.yaml`` in the config dir: the default one and named ones (``--profile``).

Example::

    hardware:            # used when no hardware flag is given
      gpu: 2x RTX 3090
      ram: 64
      ram_bandwidth: 51.2
    profiles:
      laptop: {gpu: RTX 4060, ram: 32}

A profile holds the same values as the flags, under the same names (``ram_bandwidth`` for ``--ram-bandwidth``).
"""

from __future__ import annotations

from typing import Any

from ..errors import UsageError
from .flags import PROFILE_KEYS, HardwareFlags

CONFIG_FILE = "config.yaml"


def load_profile(name: str | None = None) -> HardwareFlags | None:
    """The default hardware profile (``hardware:``) or a named one (``profiles: {NAME: ...}``) from config.yaml.

    None when there is no config file (or it has no ``hardware:``) and no profile was named; a named profile
    that is missing, and a file that is not valid, are usage errors.
    """
    from .. import paths

    path = paths.config_dir() / CONFIG_FILE
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if name:
            raise UsageError(
                f"--profile {name}: no config file at {path}.",
                "Create it with a `profiles:` mapping (see `llmpick hardware --help`).",
            ) from None
        return None
    except OSError as exc:
        raise UsageError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it
    try:
        doc = yaml.load(raw, Loader=loader) or {}  # a safe loader: plain data only
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: not valid YAML ({str(exc).splitlines()[0]}).", "Fix or remove the file.") from None
    if not isinstance(doc, dict):
        raise UsageError(f"{path}: expected a mapping with a `hardware:` key.")
    if name:
        profiles = doc.get("profiles") or {}
        if not isinstance(profiles, dict) or name not in profiles:
            known = ", ".join(profiles) if isinstance(profiles, dict) and profiles else "none"
            raise UsageError(f"--profile: no profile '{name}' in {path}.", f"Profiles there: {known}.")
        data = profiles[name]
        where = f"{path}: profiles.{name}"
    else:
        data = doc.get("hardware")
        where = f"{path}: hardware"
        if data is None:
            return None
    if not isinstance(data, dict):
        raise UsageError(f"{where}: expected a mapping of hardware fields.")
    return _flags(data, where)


def _flags(data: dict[Any, Any], where: str) -> HardwareFlags:
    unknown = set(data) - PROFILE_KEYS
    if unknown:
        raise UsageError(
            f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}.",
            f"Known keys: {', '.join(sorted(PROFILE_KEYS))}.",
        )

    def s(k: str) -> str | None:
        return None if data.get(k) is None else str(data[k])

    try:
        return HardwareFlags(
            vram=s("vram"),
            gpus=None if data.get("gpus") is None else int(data["gpus"]),
            gpu=s("gpu"),
            ram=s("ram"),
            ram_bandwidth=s("ram_bandwidth"),
            unified=None if data.get("unified") is None else bool(data["unified"]),
            unified_share=None if data.get("unified_share") is None else float(data["unified_share"]),
            reserve=s("reserve"),
            nodes=None if data.get("nodes") is None else int(data["nodes"]),
        )
    except (TypeError, ValueError) as exc:
        raise UsageError(f"{where}: {exc}.") from None
