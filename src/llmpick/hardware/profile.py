"""Hardware profiles from ``config.yaml`` in the config dir: the default one and named ones (``--profile``).

Example::

    hardware:            # used when no hardware flag is given
      gpu: 2x RTX 3090
      ram: 64
      ram_bandwidth: 51.2
    profiles:
      laptop: {gpu: RTX 4060, ram: 32}

A profile holds the same values as the flags, under the same names (``ram_bandwidth`` for ``--ram-bandwidth``),
checked as strictly as the flags (the same parsers and ranges) and by YAML type: ``unified`` is a real boolean
(``'false'`` in quotes is text, not false), ``gpus`` and ``nodes`` are whole numbers (``2.7`` and ``true`` are
refused), sizes are numbers or text such as ``24GB``.  The file is read through ``safeio``: a FIFO, a device or a
huge file is refused, not waited on.
"""

from __future__ import annotations

from typing import Any

from ..errors import UsageError
from ..units import CARDS, NODES, SHARE, parse_int, parse_quantity, printable, shown
from .flags import PROFILE_KEYS, HardwareFlags, parse_bandwidth, parse_bool, parse_gib, parse_vram

CONFIG_FILE = "config.yaml"


def load_profile(name: str | None = None) -> HardwareFlags | None:
    """The default hardware profile (``hardware:``) or a named one (``profiles: {NAME: ...}``) from config.yaml.

    None when there is no config file (or it has no ``hardware:``) and no profile was named; a named profile
    that is missing, and a file that is not valid, are usage errors.
    """
    from .. import paths
    from ..safeio import CONFIG_FILE_LIMIT, ReadProblem, YamlProblem, loads_yaml, read_text

    path = paths.config_dir() / CONFIG_FILE
    try:
        raw = read_text(path, limit=CONFIG_FILE_LIMIT)
        doc = loads_yaml(raw) or {}  # a safe loader: plain data only
    except FileNotFoundError:
        if name:
            raise UsageError(
                f"--profile {name}: no config file at {path}.",
                "Create it with a `profiles:` mapping (see `llmpick hardware --help`).",
            ) from None
        return None
    except YamlProblem as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        raise UsageError(f"{where}: {exc}.", "Fix or remove the file.") from None
    except ReadProblem as exc:
        raise UsageError(f"{path} {exc}.", "Fix or remove the file.") from None
    except OSError as exc:  # the config dir itself cannot be read
        raise UsageError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if not isinstance(doc, dict):
        raise UsageError(f"{path}: expected a mapping with a `hardware:` key.")
    if name:
        profiles = doc.get("profiles") or {}
        if not isinstance(profiles, dict) or name not in profiles:
            known = ", ".join(map(str, profiles)) if isinstance(profiles, dict) and profiles else "none"
            raise UsageError(
                f"--profile: no profile {shown(name)} in {path}.", f"Profiles there: {printable(known, 200)}."
            )
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
    """The profile's values, each checked by the parser of its flag; a bad one names its key in the file."""
    unknown = set(data) - PROFILE_KEYS
    if unknown:
        raise UsageError(
            f"{where}: unknown key(s) {printable(', '.join(sorted(map(str, unknown))), 200)}.",
            f"Known keys: {', '.join(sorted(PROFILE_KEYS))}.",
        )

    def key(k: str) -> str:
        return f"{where}.{k}"

    def get(k: str) -> Any:
        return data.get(k)

    vram = _vram_text(get("vram"), key("vram"))
    gpus = None if get("gpus") is None else parse_int(get("gpus"), CARDS, key("gpus"))
    if vram is not None:
        parse_vram(vram, None, key("vram"))
    for k in ("ram", "reserve"):
        if get(k) is not None:
            parse_gib(get(k), key(k), allow_zero=k == "reserve")
    if get("ram_bandwidth") is not None:
        parse_bandwidth(get("ram_bandwidth"), key("ram_bandwidth"))
    gpu = get("gpu")
    if gpu is not None and not isinstance(gpu, str):
        raise UsageError(f"{key('gpu')}: {shown(gpu)} is not a card's name.", "For example: gpu: 2x RTX 3090")
    return HardwareFlags(
        vram=vram,
        gpus=gpus,
        gpu=gpu,
        ram=_str(get("ram")),
        ram_bandwidth=_str(get("ram_bandwidth")),
        unified=parse_bool(get("unified"), key("unified")),
        unified_share=None
        if get("unified_share") is None
        else parse_quantity(get("unified_share"), SHARE, key("unified_share")),
        reserve=_str(get("reserve")),
        nodes=None if get("nodes") is None else parse_int(get("nodes"), NODES, key("nodes")),
    )


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _vram_text(value: Any, where: str) -> str | None:
    """``vram: 24``, ``vram: "24,24"`` or ``vram: [24, 24]`` as the flag's text (each size is checked after)."""
    if isinstance(value, list):
        if not value or not all(isinstance(v, (int, float, str)) and not isinstance(v, bool) for v in value):
            raise UsageError(f"{where}: expected sizes in GiB, one per card.", "For example: vram: [24, 24]")
        return ",".join(str(v) for v in value)
    if value is None or (isinstance(value, (int, float, str)) and not isinstance(value, bool)):
        return _str(value)
    raise UsageError(f"{where}: {shown(value)} is not a size in GiB.", "For example: vram: 24")
