"""Answers of `recommend` and `check` kept for the next identical question.

An answer depends on the question (the command's arguments), the machine (the resolved hardware), the catalog
(every file's size and mtime, and the problems found), the Hub cache (real file sizes) and this llmpick (its code
and tables).  The key is a hash of all of them, so any change to any of them asks the recommender again; the
stored value is the JSON the answer's pydantic model produced, written as it is (``catalog.StoredAnswer``).  A
CI job that asks the same question on every run gets its answer without loading pydantic or the estimator.

Like the catalog index this is an optimisation: unreadable entries (and JSON without the shape the commands read)
are ignored, writes that fail are skipped,
``LLMPICK_NO_ANSWER_CACHE=1`` turns it off, and at most ``MAX_ENTRIES`` answers are kept (oldest go first).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths

if TYPE_CHECKING:
    from .catalog import Catalog
    from .hardware import Hardware

MAX_ENTRIES = 64
_FOLDER = "answers"


def key(command: str, args: dict[str, Any], catalog: Catalog, hardware: Hardware) -> str | None:
    """The key of one question; None when answers are not to be cached."""
    if os.environ.get("LLMPICK_NO_ANSWER_CACHE"):
        return None
    from . import hubcache
    from .catalog_index import code_version

    state = catalog.fingerprint()
    if state is None:
        return None
    parts = [command, json.dumps(args, sort_keys=True, default=str), repr(hardware), state, hubcache.state()]
    parts.append(code_version())
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _path(k: str) -> Path:
    return paths.cache_dir() / _FOLDER / f"{k}.json"


def get(k: str | None) -> dict[str, Any] | None:
    """The stored answer under ``k``, or None."""
    if k is None:
        return None
    from .safeio import CACHE_FILE_LIMIT, ReadProblem, loads_json, read_bytes

    try:
        doc = loads_json(read_bytes(_path(k), limit=CACHE_FILE_LIMIT))
    except (OSError, ReadProblem):
        return None
    return doc if _looks_like_an_answer(doc) else None


def _looks_like_an_answer(doc: Any) -> bool:
    """The shape the commands read from a kept answer (without pydantic): a damaged or hand-made file that lacks
    it is asked again rather than trusted."""
    if not isinstance(doc, dict) or doc.get("schema_version") is None:
        return False
    items = doc.get("items")
    if not (isinstance(items, list) and all(isinstance(i, dict) for i in items)):
        return False
    if doc.get("command") == "check":
        return isinstance(doc.get("fits"), bool)
    return doc.get("command") == "recommend" and isinstance(doc.get("hint"), str | None)


def put(k: str | None, doc: dict[str, Any]) -> None:
    """Keep ``doc`` under ``k`` (atomically), and forget the oldest answers beyond MAX_ENTRIES."""
    if k is None:
        return
    from .atomic import write_atomic
    from .safeio import dumps_json

    folder = _path(k).parent
    with contextlib.suppress(OSError, ValueError):
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(_path(k), dumps_json(doc).encode())
        kept = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in kept[MAX_ENTRIES:]:
            old.unlink(missing_ok=True)
