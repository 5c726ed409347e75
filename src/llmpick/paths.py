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


def user_catalog_dir() -> Path:
    """The user's own catalog folder, ``<config dir>/catalog``: where `catalog add` writes by default (the built-in
    catalog is read-only in pipx and system installs), read as an overlay whenever it exists."""
    return config_dir() / "catalog"


def env_catalog_dirs() -> list[Path]:
    """The folders ``LLMPICK_CATALOG`` names (os.pathsep-separated)."""
    return [Path(p).expanduser() for p in os.environ.get("LLMPICK_CATALOG", "").split(os.pathsep) if p]


def user_catalog_dirs(extra: list[Path] | None = None) -> list[Path]:
    """Overlay folders, later wins: the user catalog folder (when it exists), ``LLMPICK_CATALOG``, then
    ``--catalog`` flags."""
    dirs = env_catalog_dirs() + list(extra or [])
    own = user_catalog_dir()
    try:
        exists = own.is_dir()
    except (OSError, ValueError):  # an unreadable config folder: no user catalog to read
        exists = False
    if exists and own not in dirs:
        dirs.insert(0, own)
    return dirs
