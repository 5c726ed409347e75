"""Typed errors, each with its exit code and a message that says what to do next.

The CLI catches :class:`LlmpickError` at one boundary (``cli.command``) and prints ``Error: <message>``
plus the hint on stderr (and, with ``--format json``, the same as one JSON object on stdout:
``schema.ErrorAnswer``); anything else is a bug and is shown as one.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .schema.errors import ErrorKind


class ExitCode(IntEnum):
    OK = 0
    NEGATIVE = 1  # a clear "no": `check` says the model does not fit, `catalog verify` found drift
    USAGE = 2  # bad flag, unknown use tag, unknown model, bad value
    CATALOG = 3  # invalid catalog data
    NETWORK = 4  # the Hub could not be reached or answered with an error
    INTERNAL = 70  # EX_SOFTWARE: a bug in llmpick, not bad input
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)


# stdout was closed by its reader (`llmpick list | head -1`): 128 + SIGPIPE, the status a shell reports for a
# program a closed pipe ends (git, coreutils).  Not an ExitCode: nothing can be reported, the program just stops.
BROKEN_PIPE = 141

# The ``error.kind`` of a JSON error answer, per exit code (``schema.errors.ErrorKind`` lists the same words).
ERROR_KINDS: dict[ExitCode, ErrorKind] = {
    ExitCode.NEGATIVE: "negative",
    ExitCode.USAGE: "usage",
    ExitCode.CATALOG: "catalog",
    ExitCode.NETWORK: "network",
    ExitCode.INTERNAL: "internal",
    ExitCode.INTERRUPTED: "interrupted",
}


class LlmpickError(Exception):
    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    @property
    def kind(self) -> ErrorKind:
        return ERROR_KINDS[self.exit_code]

    @property
    def details(self) -> list[str]:
        """Lines printed above the error (a catalog error's problems); empty for most errors."""
        return []


class UsageError(LlmpickError):
    exit_code = ExitCode.USAGE


class CatalogError(LlmpickError):
    """Invalid catalog data.  ``problems`` holds every problem found, one line each."""

    exit_code = ExitCode.CATALOG

    def __init__(self, message: str, hint: str | None = None, problems: list[str] | None = None) -> None:
        super().__init__(message, hint)
        self.problems = problems or []

    @property
    def details(self) -> list[str]:
        return list(self.problems)


class HubError(LlmpickError):
    exit_code = ExitCode.NETWORK


class NegativeAnswer(LlmpickError):
    """Not a failure of llmpick: the answer to the question asked is "no"."""

    exit_code = ExitCode.NEGATIVE
