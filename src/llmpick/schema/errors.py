"""The error answer: what stdout carries when a command fails with ``--format json``."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from .base import Answer, Lazy

# The words of ``errors.ERROR_KINDS`` (a test keeps the two equal; schema imports nothing from the rest of llmpick).
ErrorKind = Literal["negative", "usage", "catalog", "network", "internal", "interrupted"]


class ErrorOut(Lazy):
    """Why a command failed: the exit code, its kind, and the line printed on stderr (``Error: <message>``)."""

    code: int = Field(description="the exit code: 2 usage, 3 catalog, 4 network, 70 internal, 130 interrupted")
    kind: ErrorKind
    message: str
    hint: str | None = Field(None, description="what to do next, when llmpick knows")
    problems: list[str] = Field(
        default_factory=list, description="catalog errors: every problem, one `file:line: field: problem` each"
    )


class ErrorAnswer(Answer):
    """Any command's answer when it fails (exit code 2, 3, 4, 70 or 130): ``{"schema_version", "command", "error"}``.

    ``command`` is the command as typed (``estimate``, ``catalog verify``), or ``""`` when no command was
    recognised.
    """

    COMMAND: ClassVar[str] = "error"

    error: ErrorOut
