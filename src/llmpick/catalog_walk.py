"""Finding catalog files in folders, where anything can be waiting: symlink loops, broken links, folders that
cannot be read, pseudo-filesystems (``/proc``), pipes.  Nothing here raises for what it finds, and nothing is
skipped without a word: every file that looks like a catalog file is returned (the reader then says what is
wrong with it), and every folder that cannot be looked into is a :class:`~llmpick.catalog_files.Problem`.

* :func:`layer_files`: a catalog folder as `--catalog DIR` and the built-in catalog lay it out,
  ``DIR/<org>/<name>.yaml``;
* :func:`files_under`: every ``*.yaml`` / ``*.yml`` below a folder, at any depth (`catalog validate DIR`).
"""

from __future__ import annotations

import os
from pathlib import Path

from .catalog_files import Problem

SUFFIXES = (".yaml", ".yml")
# `catalog validate DIR` walks DIR to this depth and looks at this many entries at most: far beyond a catalog
# (two levels, thousands of files), and a bound on what a wrong DIR (`/`, `/proc`) costs.
MAX_DEPTH = 6
MAX_ENTRIES = 100_000


def _why(exc: OSError) -> str:
    if exc.errno == 40 or "symbolic links" in (exc.strerror or ""):  # ELOOP
        return "symlink loop (a link that points back to itself)"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or type(exc).__name__


def _scan(folder: str, problems: list[Problem]) -> list[os.DirEntry[str]]:
    """The entries of a folder, sorted by name; a problem (and nothing) when it cannot be listed."""
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError as exc:
        problems.append(Problem(folder, None, None, f"cannot read folder: {_why(exc)}"))
        return []


def _is_dir(entry: os.DirEntry[str], problems: list[Problem]) -> bool | None:
    """Whether an entry is a folder (following links); None, with a problem, when that cannot be told."""
    try:
        return entry.is_dir()
    except OSError as exc:
        problems.append(Problem(entry.path, None, None, f"cannot read: {_why(exc)}"))
        return None


def _is_catalog_name(name: str) -> bool:
    return name.endswith(SUFFIXES) and not name.startswith(".")


def layer_files(layer: Path | str) -> tuple[list[tuple[str, str]], list[Problem]]:
    """(path, model id) of each ``<org>/<name>.yaml`` of a catalog folder, and the problems met.

    Folders starting with ``.`` or ``_`` are not organizations (``_drafts``, ``.git``) and are passed over.  A YAML
    file outside an organization folder is a problem (it would be ignored), as is a folder with no catalog file
    at all (a wrong `--catalog`)."""
    problems: list[Problem] = []
    found: list[tuple[str, str]] = []
    for org in _scan(str(layer), problems):
        if org.name.startswith((".", "_")):
            continue
        is_dir = _is_dir(org, problems)
        if is_dir is None:
            continue
        if not is_dir:
            if _is_catalog_name(org.name):
                problems.append(
                    Problem(org.path, None, None, "not in an organization folder: move it to ORG/NAME.yaml")
                )
            continue
        for f in _scan(org.path, problems):
            if _is_catalog_name(f.name):
                found.append((f.path, f"{org.name}/{f.name.rsplit('.', 1)[0]}"))
    if not found and not problems:
        problems.append(Problem(str(layer), None, None, "no catalog files (ORG/NAME.yaml) in this folder"))
    return found, problems


def files_under(folder: Path | str) -> tuple[list[str], list[Problem]]:
    """Every ``*.yaml`` / ``*.yml`` below ``folder`` (links followed, each real folder visited once, never onto
    another file system: `/proc/*/root` leads to `/`), sorted, and the problems met: folders that cannot be read,
    symlink loops, the depth or size bound reached, no file at all."""
    problems: list[Problem] = []
    found: list[str] = []
    seen: set[tuple[int, int]] = set()
    entries = 0
    device: int | None = None
    too_deep: list[str] = []
    todo: list[tuple[str, int]] = [(str(folder), 0)]
    while todo:
        here, depth = todo.pop()
        try:
            st = os.stat(here)
        except OSError as exc:
            problems.append(Problem(here, None, None, f"cannot read folder: {_why(exc)}"))
            continue
        if (st.st_dev, st.st_ino) in seen:
            continue  # a link to a folder already walked (or a loop back up the tree)
        seen.add((st.st_dev, st.st_ino))
        if device is None:
            device = st.st_dev
        elif st.st_dev != device:
            problems.append(Problem(here, None, None, "on another file system: not searched"))
            continue
        subdirs = []
        for e in _scan(here, problems):
            entries += 1
            if entries > MAX_ENTRIES:
                problems.append(
                    Problem(str(folder), None, None, f"more than {MAX_ENTRIES:,} entries: stopped (is it a catalog?)")
                )
                return sorted(found), problems
            if e.name.startswith((".", "_")):
                continue
            if _is_catalog_name(e.name):
                found.append(e.path)  # whatever it is (a broken link, a pipe, a folder): the reader says
                continue
            if _is_dir(e, problems):
                if depth + 1 > MAX_DEPTH:
                    too_deep.append(e.path)
                else:
                    subdirs.append((e.path, depth + 1))
        todo.extend(reversed(subdirs))
    if too_deep:
        problems.append(
            Problem(too_deep[0], None, None, f"more than {MAX_DEPTH} folders deep: not searched ({len(too_deep)} such)")
        )
    if not found and not problems:
        problems.append(Problem(str(folder), None, None, "no catalog files (*.yaml) in this folder"))
    return sorted(found), problems
