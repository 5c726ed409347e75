"""One catalog file: read (a regular file under a size limit), parse (safe YAML: no aliases, no duplicate keys) and
validate, with every problem as ``file:line: field: problem``.  Finding the files of a folder is
``catalog_walk``; checks that need more than the schema (quantization names, file sizes) are ``catalog_checks``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .safeio import ReadProblem, YamlProblem, loads_yaml, read_bytes

if TYPE_CHECKING:
    from .schema import CatalogEntry, Model

# pydantic and PyYAML are imported by the functions that need them: a warm start reads the index instead.

MAX_FILE_BYTES = 256 * 1024  # a catalog entry is a few KiB; anything this large is not one


@dataclass
class Problem:
    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


def read_file(where: str) -> tuple[bytes | None, Problem | None]:
    """The bytes of one catalog file, or the problem that stops it being read (never blocks: a FIFO, a device
    or a folder is refused before reading; a broken or looping symlink is named as such)."""
    try:
        return read_bytes(where, limit=MAX_FILE_BYTES), None
    except ReadProblem as exc:
        return None, Problem(where, None, None, "file is a folder" if os.path.isdir(where) else f"file {exc}")
    except FileNotFoundError:
        if os.path.islink(where):
            try:
                target = os.readlink(where)
            except OSError:
                target = "?"
            return None, Problem(where, None, None, f"broken symlink: its target {target} does not exist")
        return None, Problem(where, None, None, "file not found")


def load_file(path: str | Path, model_id: str) -> tuple[Model | None, list[Problem]]:
    """Read, parse and validate one file; the model, or None and every problem found."""
    from .schema import Model, is_hub_id

    where = str(path)
    if not is_hub_id(model_id):
        return None, [Problem(where, None, None, f"'{model_id}' is not a valid Hub id (org/name); rename the file")]
    raw, problem = read_file(where)
    if raw is None:
        return None, [problem] if problem else []
    data, problem = parse_yaml(raw, where)
    if problem:
        return None, [problem]
    entry, problems = validate_entry(data, raw, where)
    if entry is None:
        return None, problems
    return Model(model_id, entry, where), []


def parse_yaml(raw: bytes, where: str) -> tuple[Any, Problem | None]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line: int | None = raw[: exc.start].count(b"\n") + 1
        return None, Problem(where, line, None, f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
    try:
        data = loads_yaml(text)
    except YamlProblem as exc:
        return None, Problem(where, exc.line, None, str(exc))
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
    """The entry, or None and every problem: the schema's, then (for an entry the schema accepts) the checks
    that need llmpick's tables (``catalog_checks.entry_problems``)."""
    from pydantic import ValidationError

    from .catalog_checks import entry_problems
    from .schema import CatalogEntry

    try:
        entry = CatalogEntry.model_validate(data)
    except ValidationError as exc:
        lines = LineFinder(raw)
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
    found = entry_problems(entry)
    if found:
        lines = LineFinder(raw)
        return None, [Problem(where, lines.line_of(loc), ".".join(map(str, loc)), msg) for loc, msg in found]
    return entry, []


class LineFinder:
    """Maps an error location (``["arch", "layers"]``) to a line, by composing the YAML (only on error).

    Each mapping's keys are indexed the first time a location passes through it, so finding the lines of any
    number of errors costs one pass over the document, not one scan of a mapping per error."""

    def __init__(self, raw: bytes) -> None:
        self._index: dict[int, dict[str, Any]] = {}
        try:
            import yaml

            self._yaml = yaml
            self.root = yaml.compose(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except Exception:
            self.root = None

    def _keys(self, node: Any) -> dict[str, Any]:
        """``{key text: (key node, value node)}`` of a mapping node (the first of duplicate keys)."""
        keys = self._index.get(id(node))
        if keys is None:
            keys = {}
            for k, v in node.value:
                keys.setdefault(str(k.value), (k, v))
            self._index[id(node)] = keys
        return keys

    def line_of(self, loc: list[Any]) -> int | None:
        node = self.root
        if node is None:
            return None
        yaml = self._yaml
        line: int | None = node.start_mark.line + 1
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                hit = self._keys(node).get(str(part))
                if hit is None:
                    break
                line = hit[0].start_mark.line + 1
                node = hit[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return line
