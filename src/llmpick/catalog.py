"""Find, parse, validate and query the catalog.

Every problem in every file is collected (``file:line: field: problem``) instead of stopping at
the first; good files still load.  Parsed entries are cached per file (keyed by path, size and
mtime) so a warm start does not re-parse YAML.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from . import paths
from .errors import CatalogError, UsageError
from .schema import CatalogEntry, Model, is_hub_id


def _yaml() -> tuple[Any, Any]:
    """PyYAML and its safe loader, the C one when built with libyaml (an order of magnitude faster).

    Imported on first parse: a warm start reads the index and never needs YAML."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


MAX_FILE_BYTES = 256 * 1024  # a catalog entry is a few KiB; anything this large is not one
INDEX_VERSION = 1


@dataclass
class Problem:
    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass
class Catalog:
    models: list[Model]
    problems: list[Problem] = field(default_factory=list)
    by_id: dict[str, Model] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.by_id = {m.id: m for m in self.models}

    def __iter__(self) -> Iterator[Model]:
        return iter(self.models)

    def __len__(self) -> int:
        return len(self.models)

    def get(self, model_id: str) -> Model | None:
        return self.by_id.get(model_id)

    def resolve(self, name: str) -> Model:
        """Find a model by its id or an unambiguous, case-insensitive part of it."""
        if name in self.by_id:
            return self.by_id[name]
        needle = name.strip().lower()
        exact = [m for m in self.models if m.id.lower() == needle]
        if exact:
            return exact[0]
        by_name = [m for m in self.models if m.id.lower().split("/", 1)[-1] == needle]
        if len(by_name) == 1:
            return by_name[0]
        partial = [m for m in self.models if needle in m.id.lower()]
        if len(partial) > 1:
            # "openhermes-2.5": the names that start with it, then the one the others derive from.
            prefixed = [m for m in partial if m.id.lower().split("/", 1)[-1].startswith(needle)] or partial
            root = self._common_ancestor(prefixed)
            partial = [root] if root else prefixed
        if len(partial) == 1:
            return partial[0]
        if partial:
            shown = ", ".join(sorted(m.id for m in partial)[:8])
            more = f" (and {len(partial) - 8} more)" if len(partial) > 8 else ""
            raise UsageError(f"'{name}' matches several models: {shown}{more}.", "Give more of the id.")
        close = get_close_matches(needle, [m.id.lower() for m in self.models], n=3, cutoff=0.5)
        ids = {m.id.lower(): m.id for m in self.models}
        hint = f"Did you mean: {', '.join(ids[c] for c in close)}?" if close else "Run `llmpick list` to see ids."
        raise UsageError(f"Unknown model '{name}'.", hint)

    def _common_ancestor(self, models: list[Model]) -> Model | None:
        """The one model among ``models`` that every other one descends from, if there is one."""
        ids = {m.id for m in models}
        for cand in models:
            if all(cand.id == m.id or cand.id in self._ancestors(m.id) for m in models):
                return cand
        return None if len(ids) > 1 else models[0]

    def _ancestors(self, model_id: str) -> set[str]:
        seen: set[str] = set()
        todo = [model_id]
        while todo:
            m = self.get(todo.pop())
            for p in m.entry.parents if m else []:
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        return seen

    def children(self, model_id: str) -> list[Model]:
        return [m for m in self.models if model_id in m.entry.parents]


# --- Loading ------------------------------------------------------------------------------


def load_catalog(
    extra_dirs: Iterable[Path | str] | None = None, *, builtin: bool = True, use_cache: bool = True
) -> Catalog:
    """Load the built-in catalog plus overlay folders (later folders override earlier ones by id).

    Invalid files are left out and reported in ``Catalog.problems``; they never stop the rest.
    """
    # The catalog is a large, acyclic tree of small objects: collecting cycles while building it only
    # rescans the growing heap (over half the load time at 10,000 entries).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(extra_dirs, builtin, use_cache)
    finally:
        if collecting:
            gc.enable()


def _load(extra_dirs: Iterable[Path | str] | None, builtin: bool, use_cache: bool) -> Catalog:
    layers: list[Path] = [paths.builtin_catalog_dir()] if builtin else []
    layers += paths.user_catalog_dirs([Path(d) for d in (extra_dirs or [])])
    index = _Index.open() if use_cache else None
    models: dict[str, Model] = {}
    problems: list[Problem] = []
    for layer in layers:
        if not layer.is_dir():
            problems.append(Problem(str(layer), None, None, "catalog folder not found"))
            continue
        seen: dict[str, str] = {}
        for path, model_id in _find_files(layer):
            key = model_id.lower()
            if key in seen:
                problems.append(Problem(str(path), 1, None, f"duplicate id {model_id} (also in {seen[key]})"))
                continue
            seen[key] = str(path)
            model, file_problems = _load_file(path, model_id, index)
            problems += file_problems
            if model is not None:
                models[model_id] = model
    if index is not None:
        index.save()
    catalog = Catalog(list(models.values()))
    catalog.problems = problems + _cross_check(catalog)
    return catalog


def validate_files(files: Iterable[Path]) -> tuple[list[Model], list[Problem]]:
    """Validate the given files (no cache), deriving each id from its last two path parts."""
    models, problems = [], []
    for path in files:
        model_id = f"{path.parent.name}/{path.stem}"
        model, file_problems = _load_file(path, model_id, None)
        problems += file_problems
        if model:
            models.append(model)
    return models, problems


def _find_files(layer: Path) -> Iterator[tuple[str, str]]:
    with os.scandir(layer) as orgs:
        for org in sorted(orgs, key=lambda e: e.name):
            if not org.is_dir() or org.name.startswith((".", "_")):
                continue
            with os.scandir(org.path) as files:
                for f in sorted(files, key=lambda e: e.name):
                    if f.is_file() and f.name.endswith((".yaml", ".yml")):
                        yield f.path, f"{org.name}/{f.name.rsplit('.', 1)[0]}"


def _load_file(path: str | Path, model_id: str, index: _Index | None) -> tuple[Model | None, list[Problem]]:
    where = str(path)
    if not is_hub_id(model_id):
        return None, [Problem(where, None, None, f"'{model_id}' is not a valid Hub id (org/name); rename the file")]
    try:
        stat = os.stat(where)
        if index is not None:
            cached = index.get(where, stat)
            if cached is not None:
                return Model(model_id, cached, where), []
        if stat.st_size > MAX_FILE_BYTES:
            return None, [Problem(where, None, None, f"file is {stat.st_size} bytes, more than {MAX_FILE_BYTES}")]
        with open(where, "rb") as f:
            raw = f.read()
    except OSError as exc:
        return None, [Problem(where, None, None, f"cannot read: {exc.strerror or exc}")]
    data, problem = parse_yaml(raw, where)
    if problem:
        return None, [problem]
    entry, problems = validate_entry(data, raw, where)
    if entry is None:
        return None, problems
    if index is not None:
        index.put(where, stat, entry)
    return Model(model_id, entry, where), []


def parse_yaml(raw: bytes, where: str) -> tuple[Any, Problem | None]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Problem(where, line, None, f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
    yaml, loader = _yaml()
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, Problem(where, line, None, f"not valid YAML: {reason}")
    if _has_shared_nodes(data):
        line = next((i + 1 for i, t in enumerate(text.splitlines()) if "&" in t or "*" in t), None)
        return None, Problem(where, line, None, "YAML anchors/aliases are not allowed in catalog files")
    if not isinstance(data, dict):
        return None, Problem(where, 1, None, "expected a mapping of fields (key: value)")
    return data, None


def _has_shared_nodes(data: Any) -> bool:
    """True when a container appears twice: the mark of an alias (and of an alias bomb)."""
    seen: set[int] = set()
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, (dict, list)):
            if id(node) in seen:
                return True
            seen.add(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)
    return False


def validate_entry(data: dict[str, Any], raw: bytes, where: str) -> tuple[CatalogEntry | None, list[Problem]]:
    from pydantic import ValidationError

    try:
        return CatalogEntry.model_validate(data), []
    except ValidationError as exc:
        lines = _LineFinder(raw)
        problems = []
        for err in exc.errors(include_url=False):
            loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
            field_name = ".".join(str(p) for p in loc) or None
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown field; see catalog/README.md for the fields"
            elif err["type"] == "missing":
                msg = "required field is missing"
            problems.append(Problem(where, lines.line_of(loc), field_name, msg))
        return None, problems


class _LineFinder:
    """Maps a pydantic error location to a line, by composing the YAML (only on error)."""

    def __init__(self, raw: bytes) -> None:
        try:
            yaml, loader = _yaml()
            self.root = yaml.compose(raw.decode("utf-8"), Loader=loader)
        except Exception:
            self.root = None

    def line_of(self, loc: list[Any]) -> int | None:
        yaml, _ = _yaml()
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                nxt = next(((k, v) for k, v in node.value if k.value == part), None)
                if nxt is None:
                    break
                line = nxt[0].start_mark.line + 1
                node = nxt[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return line


def _cross_check(catalog: Catalog) -> list[Problem]:
    """Invariants across files: lineage has no cycles."""
    # superseded_by and parents may name models outside the catalog (they are valid Hub ids by
    # schema); only a lineage that loops back on itself is an error.
    problems = []
    for m in catalog:
        if m.id in m.entry.parents:
            problems.append(Problem(m.path, None, "base_model", "a model cannot be its own parent"))
    for m in catalog:
        chain, cur = {m.id}, m
        while cur is not None and cur.entry.base_model:
            nxt = catalog.get(cur.entry.base_model)
            if nxt is not None and nxt.id in chain:
                problems.append(Problem(m.path, None, "base_model", f"lineage cycle through {nxt.id}"))
                break
            if nxt is not None:
                chain.add(nxt.id)
            cur = nxt
    return problems


def require_valid(catalog: Catalog) -> None:
    if catalog.problems:
        raise CatalogError(
            f"{len(catalog.problems)} problem(s) in the catalog.",
            "Fix the files named above, then run `llmpick catalog validate`.",
            [str(p) for p in catalog.problems],
        )


# --- Parsed-file cache --------------------------------------------------------------------


class _Index:
    """Validated entries from earlier runs, keyed by file path, size and mtime."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path, self.data, self.dirty = path, data, False

    @classmethod
    def open(cls) -> _Index | None:
        if os.environ.get("LLMPICK_NO_INDEX"):
            return None
        path = paths.cache_dir() / f"catalog-index-v{INDEX_VERSION}.json"
        try:
            data = json.loads(path.read_bytes())
            if not isinstance(data, dict) or data.get("_version") != _code_version():
                data = {}
        except (OSError, ValueError):
            data = {}
        data["_version"] = _code_version()
        return cls(path, data)

    def get(self, where: str, stat: os.stat_result) -> CatalogEntry | None:
        hit = self.data.get(where)
        if not hit or hit[0] != stat.st_size or hit[1] != stat.st_mtime_ns:
            return None
        try:
            return CatalogEntry.from_trusted(hit[2])
        except Exception:
            return None

    def put(self, where: str, stat: os.stat_result, entry: CatalogEntry) -> None:
        # Every field, defaults included: rebuilding then never runs a default factory.
        self.data[where] = [stat.st_size, stat.st_mtime_ns, entry.model_dump(mode="json")]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        from .atomic import write_atomic

        # The cache is an optimisation; a read-only cache dir must not break `list`.
        with contextlib.suppress(OSError):
            write_atomic(self.path, json.dumps(self.data, separators=(",", ":")).encode())


def _code_version() -> str:
    from . import __version__

    # The index holds what this code made of the files: a new llmpick, schema or loader starts it afresh.
    here = Path(__file__).parent
    files = (here / "catalog.py", *sorted((here / "schema").glob("*.py")))
    stamps = ":".join(str(f.stat().st_mtime_ns) for f in files)
    return f"{__version__}:{stamps}"
