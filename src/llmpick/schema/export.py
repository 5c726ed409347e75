"""The JSON Schema of every JSON answer, one file per command: ``python -m llmpick.schema.export [DIR]``.

Every :class:`~llmpick.schema.base.Answer` subclass in a module of this package is found (nothing to register):
the one that sets ``COMMAND = "catalog validate"`` is written to ``DIR/catalog-validate.json``.  ``DIR`` defaults
to ``schemas/`` at the top of the source tree; a test fails when a committed file is stale, missing or extra.
This is the one module of the package that writes files, and only when run.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from .base import Answer

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
REGENERATE = "python -m llmpick.schema.export"


def answer_classes(within: str = __package__) -> dict[str, type[Answer]]:
    """Every answer class defined in the modules of ``within`` (``llmpick.schema``), by its ``COMMAND``.

    A class that sets no ``COMMAND`` of its own is a shared base, not an answer; one with no subclasses of
    its own must set it.  Two classes with the same ``COMMAND`` are an error.
    """
    from .. import schema

    for info in pkgutil.iter_modules(schema.__path__):
        if info.name != "export":
            importlib.import_module(f"{schema.__name__}.{info.name}")
    found: dict[str, type[Answer]] = {}
    for cls in _subclasses(Answer):
        if not (cls.__module__ == within or cls.__module__.startswith(within + ".")):
            continue
        if cls.__pydantic_generic_metadata__["origin"] is not None:
            continue  # Answer[T] parametrised: its origin is the class to look at
        name = cls.__dict__.get("COMMAND")
        if name is None:
            if not cls.__subclasses__():
                raise TypeError(f"{cls.__module__}.{cls.__qualname__} answers a command but sets no COMMAND")
            continue
        if name in found:
            other = found[name]
            raise TypeError(f"COMMAND {name!r} is set by both {other.__qualname__} and {cls.__qualname__}")
        found[name] = cls
    return dict(sorted(found.items()))


def _subclasses(cls: type[Answer]) -> list[type[Answer]]:
    out: list[type[Answer]] = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def file_name(command: str) -> str:
    """``catalog validate`` -> ``catalog-validate.json``; ``hardware --list-gpus`` -> ``hardware-list-gpus.json``."""
    words = [w.strip("-") for w in command.split()]
    return "-".join(w for w in words if w) + ".json"


class _Printed(GenerateJsonSchema):
    """Schemas of what llmpick prints: a key with a default is printed all the same, so it is required too."""

    def field_is_required(self, field: Any, total: bool) -> bool:
        if self.mode == "serialization" and not field.get("serialization_exclude_if"):
            return True
        return super().field_is_required(field, total)


def schema_text(cls: type[Answer]) -> str:
    """The JSON Schema of one answer as written to disk (what ``model_dump(mode="json")`` produces)."""
    doc = cls.model_json_schema(mode="serialization", schema_generator=_Printed)
    doc["$schema"] = JSON_SCHEMA_DIALECT
    doc["title"] = f"llmpick {cls.COMMAND} answer" if cls.COMMAND != "error" else "llmpick error answer"
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schemas() -> dict[str, str]:
    """File name -> text, for every answer."""
    out: dict[str, str] = {}
    for command, cls in answer_classes().items():
        name = file_name(command)
        if name in out:
            raise TypeError(f"two answers would both be written to {name}")
        out[name] = schema_text(cls)
    return out


def default_dir() -> Path:
    """``schemas/`` at the top of the source tree (next to pyproject.toml), else in the current directory."""
    top = Path(__file__).resolve().parents[3]
    return top / "schemas" if (top / "pyproject.toml").is_file() else Path("schemas")


def write(directory: Path) -> list[str]:
    """(Re)write ``directory`` to hold exactly the current schemas; returns what changed (for people)."""
    directory.mkdir(parents=True, exist_ok=True)
    wanted = schemas()
    changes = []
    for old in sorted(directory.glob("*.json")):
        if old.name not in wanted:
            old.unlink()
            changes.append(f"removed {old.name}")
    for name, text in wanted.items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            changes.append(("updated " if path.is_file() else "added ") + name)
            path.write_text(text, encoding="utf-8")
    return changes


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else default_dir()
    changes = write(directory)
    for c in changes:
        print(c)
    print(f"{directory}: {len(schemas())} schema(s), {len(changes)} change(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
