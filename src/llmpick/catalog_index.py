"""The catalog index: what earlier runs made of each catalog file, so a warm start reads JSON, not YAML.

Two stores in the cache folder, each ``{"version", "meta", "files": {path: [size, mtime_ns, value]}}``:

* ``catalog-index-v3.json``: each file's validated entry, as ``CatalogEntry.model_dump(mode="json")`` with the
  architecture's null facts left out;
* ``catalog-summaries-v3.json``: what `list --format json` prints of each file's model (``ModelSummaryOut``'s
  JSON, VRAM need included, Hub data not) and, in ``meta``, ``ListAnswer``'s envelope.  Only `list` reads it,
  so `recommend` does not parse summaries it never prints.

A value counts only while its file keeps the size and mtime it had; a whole store counts only for the code that
wrote it (:func:`code_version`): a new llmpick, or any edit to its code or tables, starts it afresh.  The index
is an optimisation: unreadable or damaged stores are ignored, and a store that cannot be written is skipped.
Nothing read from a store is trusted: ``catalog`` checks each record's shape (``catalog_shape``) before it uses
it, and reads the catalog file again when the record is not exactly what this code writes.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
from pathlib import Path
from typing import Any

from . import paths

VERSION = 3  # 3: the architecture stored without its nulls
ENTRIES = "index"
SUMMARIES = "summaries"

Stamp = tuple[int, int]  # a file's (size, mtime_ns)
# A store holds ~2 KiB per catalog file: 64 MiB is ~30,000 files.  A larger store is not read (and is rewritten).
INDEX_FILE_LIMIT = 64 << 20


def stamp_of(stat: os.stat_result) -> Stamp:
    return stat.st_size, stat.st_mtime_ns


class Index:
    """One store: values keyed by catalog file path and stamp, plus ``meta`` (one value for the whole store)."""

    def __init__(self, path: Path, version: str, files: dict[str, Any], meta: dict[str, Any] | None) -> None:
        self.path, self.version, self.files, self.meta = path, version, files, meta
        self.dirty = False

    @classmethod
    def open(cls, name: str = ENTRIES) -> Index | None:
        """The store ``name`` (empty when missing, damaged or written by other code); None with LLMPICK_NO_INDEX."""
        if os.environ.get("LLMPICK_NO_INDEX"):
            return None
        path = paths.cache_dir() / f"catalog-{name}-v{VERSION}.json"
        version = code_version()
        try:
            doc = _read(path)
            if isinstance(doc, dict) and doc.get("version") == version and isinstance(doc.get("files"), dict):
                meta = doc.get("meta")
                return cls(path, version, doc["files"], meta if isinstance(meta, dict) else None)
        except Exception:  # an optimisation: whatever is wrong with the file (RecursionError too), start afresh
            pass
        return cls(path, version, {}, None)

    def get(self, where: str, stamp: Stamp) -> dict[str, Any] | None:
        """The value stored for this file as it is now (same size and mtime), or None.  The value is only known
        to be a JSON object: callers check its shape (``catalog_shape``) before they use it."""
        hit = self.files.get(where)
        if type(hit) is not list or len(hit) != 3 or hit[0] != stamp[0] or hit[1] != stamp[1]:
            return None
        return hit[2] if type(hit[2]) is dict else None

    def put(self, where: str, stamp: Stamp, value: dict[str, Any]) -> None:
        self.files[where] = [stamp[0], stamp[1], value]
        self.dirty = True

    def put_meta(self, meta: dict[str, Any]) -> None:
        self.meta = meta
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        from .atomic import write_atomic

        doc = {"version": self.version, "meta": self.meta, "files": self.files}
        # A read-only cache dir must not break `list`.
        with contextlib.suppress(OSError):
            write_atomic(self.path, json.dumps(doc, separators=(",", ":")).encode())
        self.dirty = False


def _read(path: Path) -> Any:
    """The store's JSON: a regular file under INDEX_FILE_LIMIT, strict JSON (no NaN), not nested past what the
    parser handles (``RecursionError``, like any other damage, means "no index")."""
    from .safeio import read_bytes

    raw = read_bytes(path, limit=INDEX_FILE_LIMIT)
    return json.loads(raw, parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


@functools.cache
def code_version() -> str:
    """Names and mtimes of every file of this llmpick (bytecode and the packaged catalog aside), and its version.

    The index holds what this code made of the catalog files: entries (the loader and schema), summaries (the
    output models) and VRAM needs (the estimator and its tables).  Any change to any of them starts it afresh.
    """
    from . import __version__

    here = str(Path(__file__).parent)
    stamps = [__version__]
    for folder, subdirs, files in os.walk(here):
        # Not the bytecode, and not the catalog a wheel ships inside the package: its files have their own stamps.
        skip = {"__pycache__", "catalog"} if folder == here else {"__pycache__"}
        subdirs[:] = sorted(d for d in subdirs if d not in skip)
        rel = folder[len(here) :]
        stamps += (f"{rel}/{f}={os.stat(os.path.join(folder, f)).st_mtime_ns}" for f in sorted(files))
    return ";".join(stamps)
