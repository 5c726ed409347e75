"""Shared pieces of every schema: the bases (lazy, strict), id patterns, the JSON envelope."""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SCHEMA_VERSION = 1

# A Hugging Face repo id: "org/name".  The Hub allows letters, digits, '-', '_' and '.'
# (no leading '.' or '-', no '..'); the same rule keeps ids safe as file names.
HUB_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.\-]{0,95}$"
_HUB_ID_RE = re.compile(HUB_ID_PATTERN)

HubId = Annotated[str, StringConstraints(pattern=HUB_ID_PATTERN)]
YearMonth = Annotated[str, StringConstraints(pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$")]
Date = Annotated[str, StringConstraints(pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
PositiveInt = Annotated[int, Field(gt=0)]


def is_hub_id(value: str) -> bool:
    return bool(_HUB_ID_RE.match(value)) and ".." not in value


class Lazy(BaseModel):
    """Base of every model here: pydantic builds each validator on first use, not at import (start-up time)."""

    model_config = ConfigDict(defer_build=True)


class Strict(Lazy):
    """Base for catalog models: unknown keys are errors, values are not coerced silently (strict: ``true`` is not
    the integer 1, ``"1e3"`` is not a number, ``1`` is not a boolean; an integer still counts as a float)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, strict=True, defer_build=True)


def _trusted(cls: type[_M], values: dict[str, Any]) -> _M:
    """An instance from complete, already validated values: what ``model_construct`` does, minus its
    per-call default handling (a warm start builds tens of thousands of these)."""
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = cls.model_fields.keys()
    if not _FAST_CONSTRUCT or values.keys() != fields:
        return cls.model_construct(**values)
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


# The slots model_construct fills (pydantic 2.x); if a release renames them, fall back to model_construct.
_FAST_CONSTRUCT = set(getattr(BaseModel, "__slots__", ())) >= {
    "__dict__",
    "__pydantic_fields_set__",
    "__pydantic_extra__",
    "__pydantic_private__",
}
_M = TypeVar("_M", bound=BaseModel)
_FIELDS: dict[type, Any] = {}


class Answer(Lazy):
    """The envelope of every ``--format json`` answer: one object per command run.

    Each command's answer subclasses this with its own ``items`` / ``item`` and extra keys; ``schema_version``
    changes only when a key is removed or changes meaning.  ``COMMAND`` names the answer's JSON Schema
    (``schemas/<COMMAND with dashes>.json``, written by ``python -m llmpick.schema.export``): every answer class
    sets its own.
    """

    COMMAND: ClassVar[str]

    schema_version: int = SCHEMA_VERSION
    command: str
    warnings: list[str] = Field(default_factory=list, description="also printed on stderr in table mode")
