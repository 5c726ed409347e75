"""Reading outside files and outside JSON without hanging, crashing or trusting them.

Every file llmpick reads that a user, the Hub or another process could have put there (catalog files, overlays,
config.yaml, Hub cache files, the catalog index) goes through :func:`read_bytes`: it opens without blocking (a
FIFO would otherwise wait forever), refuses anything that is not a regular file (``/dev/zero``, a folder, a
socket), and refuses files over a size limit before reading them.  Every JSON document from outside goes through
:func:`loads_json`: strict JSON (no ``NaN``/``Infinity``, which no JSON reader elsewhere accepts) and a bounded
nesting depth (Python's parser raises ``RecursionError`` on deep nesting, which must not become a crash).
:func:`loads_yaml` does the same for YAML (config.yaml): whatever PyYAML raises is a problem, not a crash.

Problems are :class:`ReadProblem` (a ``ValueError``): the caller knows what the file is for and turns the problem
into its own outcome (a catalog problem, a usage error, an ignored cache file).
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

# Limits, each far above anything legitimate: a catalog file is a few KiB, config.yaml under 1 KiB, a Hub cache
# file for a repo with thousands of files ~1 MiB.
CATALOG_FILE_LIMIT = 1 << 20  # 1 MiB
CONFIG_FILE_LIMIT = 1 << 20
CACHE_FILE_LIMIT = 32 << 20  # 32 MiB: the largest Hub repos list ~100k files
# Nesting of any JSON llmpick reads: its own documents nest under 10 levels; the Hub's under 20.
MAX_JSON_DEPTH = 64


class ReadProblem(ValueError):
    """A file or document that cannot be used, with a one-line reason (no path: the caller adds where)."""


def read_bytes(path: str | os.PathLike[str], *, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.  Raises FileNotFoundError when it does not exist
    (callers often treat that as "nothing there"), :class:`ReadProblem` for anything else that is wrong."""
    try:
        fd = os.open(os.fspath(path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise ReadProblem("is a folder, not a file") from None
    except PermissionError:
        raise ReadProblem("cannot be read (permission denied)") from None
    except OSError as exc:
        raise ReadProblem(f"cannot be opened ({exc.strerror or type(exc).__name__})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadProblem("is not a regular file (a device, pipe or socket)")
        if info.st_size > limit:
            raise ReadProblem(f"is {info.st_size:,} bytes, over the {limit:,}-byte limit")
        chunks = []
        left = limit + 1  # a file that grows while we read is caught too
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise ReadProblem(f"is over the {limit:,}-byte limit")
        return data
    except OSError as exc:
        raise ReadProblem(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike[str], *, limit: int) -> str:
    """:func:`read_bytes` decoded as UTF-8 (a byte-order mark is allowed); not UTF-8 is a :class:`ReadProblem`."""
    data = read_bytes(path, limit=limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadProblem(f"is not UTF-8 text (byte {exc.start})") from None


def _reject_constant(name: str) -> Any:
    raise ReadProblem(f"holds {name}, which is not JSON")


def _null_constant(_name: str) -> None:
    return None


def loads_json(data: str | bytes, *, nonfinite_as_null: bool = False) -> Any:
    """Strict JSON from outside: no NaN/Infinity, nesting at most MAX_JSON_DEPTH deep.

    ``nonfinite_as_null``: read ``NaN``/``Infinity`` as null instead (files people write by hand or with Python's
    json module, such as a repo's config.json); numbers too large for a float (``1e999``) become null too."""
    _check_depth(data)
    try:
        if nonfinite_as_null:
            return json.loads(data, parse_constant=_null_constant, parse_float=_finite_or_none)
        return json.loads(data, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError:  # pragma: no cover - _check_depth stops this first
        raise ReadProblem("is nested too deeply") from None
    except UnicodeDecodeError:
        raise ReadProblem("is not UTF-8 text") from None
    except ValueError as exc:
        if isinstance(exc, ReadProblem):
            raise
        raise ReadProblem(f"is not valid JSON ({exc.args[0] if exc.args else exc})") from None


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999: Python's parser would make it an infinity
        raise ReadProblem(f"holds {text[:20]}, a number too large for a float")
    return value


def _finite_or_none(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def _check_depth(data: str | bytes) -> None:
    """Refuse documents nested deeper than MAX_JSON_DEPTH before parsing them (no recursion).  Strings are taken
    out first, so brackets inside them do not count."""
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return  # cannot nest deeper than it has brackets
    depth = 0
    for m in _BRACKET.finditer(_STRING.sub("", text)):
        if m.group() in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise ReadProblem(f"is nested more than {MAX_JSON_DEPTH} levels deep")
        else:
            depth -= 1


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    line = lines[0] if lines else type(exc).__name__
    return line if len(line) <= 200 else line[:200] + "..."


def dumps_json(doc: Any, *, indent: int | None = None) -> str:
    """JSON for llmpick's own output and files: strict (a NaN or infinity is a bug, not output)."""
    return json.dumps(doc, indent=indent, ensure_ascii=False, allow_nan=False)


def is_regular_file(path: Path) -> bool:
    """True for a regular file (following links); False for anything else, or a dangling or looping link."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, RuntimeError):
        return False


# --- YAML ---------------------------------------------------------------------------------------------------


class YamlProblem(ReadProblem):
    """YAML that cannot be used; ``line`` (1-based) says where, when the parser knows."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def loads_yaml(text: str) -> Any:
    """Safe YAML from outside (plain data only: no tags that build objects), refusing what a safe load lets
    through silently: a key given twice in one mapping (the last would win without a word) and an integer too
    long for Python to convert.  Nesting depth is bounded by the parser (libyaml: 1,000 levels).

    Anchors and aliases still load (shared nodes): callers that forbid them check the result.  PyYAML is
    imported here, on first use: start-up paths that never read YAML never load it."""
    import yaml

    try:
        return yaml.load(text, Loader=_yaml_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or str(exc).splitlines()[0]
        raise YamlProblem(f"not valid YAML: {reason}", mark.line + 1 if mark is not None else None) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"not valid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    except RecursionError:  # the pure-Python parser, without libyaml, recurses per level
        raise YamlProblem("not valid YAML: nested too deeply") from None
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        # PyYAML's constructors raise these on values such as `2020-13-45` or `!!int 1e3`: a problem with the
        # document, not a crash.
        raise YamlProblem(f"not valid YAML: a value cannot be read ({_first_line(exc)})") from None


@functools.cache
def _yaml_loader() -> type:
    """The safe loader (libyaml's when PyYAML was built with it) with duplicate keys and huge integers refused."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc,valid-type]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            mapping = super().construct_mapping(node, deep=deep)
            if len(mapping) < len(node.value):  # two key nodes gave one key: name the second
                first: dict[Any, int] = {}
                for key_node, _ in node.value:
                    key = self.construct_object(key_node, deep=True)
                    if key in first:
                        raise yaml.constructor.ConstructorError(
                            "while reading a mapping",
                            node.start_mark,
                            f"duplicate key {key!r} (first on line {first[key]}; each key may appear once)",
                            key_node.start_mark,
                        )
                    first[key] = key_node.start_mark.line + 1
            return mapping

    def construct_int(loader: Any, node: Any) -> Any:
        try:
            return yaml.SafeLoader.construct_yaml_int(loader, node)
        except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
            raise yaml.constructor.ConstructorError(
                None, None, f"integer with {len(str(node.value))} characters is too long", node.start_mark
            ) from None

    Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    return Loader
