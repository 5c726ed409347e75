"""Where llmpick keeps its files.  Environment overrides first, then platformdirs."""

from __future__ import annotations

import os
from pathlib import Path

APP = "llmpick"


def cache_dir() -> Path:
    override = os.environ.get("LLMPICK_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path(APP, appauthor=False)


def config_dir() -> Path:
    override = os.environ.get("LLMPICK_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP, appauthor=False)


def builtin_catalog_dir() -> Path:
    """The catalog shipped with the package (inside the wheel), or the checkout's ``catalog/``."""
    here = Path(__file__).resolve().parent
    packaged = here / "catalog"
    if packaged.is_dir():
        return packaged
    return here.parent.parent / "catalog"


def user_catalog_dirs(extra: list[Path] | None = None) -> list[Path]:
    """Overlay folders: ``LLMPICK_CATALOG`` (os.pathsep-separated), then ``--catalog`` flags (later wins)."""
    dirs = [Path(p).expanduser() for p in os.environ.get("LLMPICK_CATALOG", "").split(os.pathsep) if p]
    return dirs + list(extra or [])
