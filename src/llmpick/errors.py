"""Typed errors, each with its exit code and a message that says what to do next.

The CLI catches :class:`LlmpickError` at one boundary (``cli.main``) and prints
``Error: <message>`` plus the hint; anything else is a bug and is shown as one.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    NEGATIVE = 1  # a clear "no": `check` says the model does not fit, `catalog verify` found drift
    USAGE = 2  # bad flag, unknown use tag, unknown model, bad value
    CATALOG = 3  # invalid catalog data
    NETWORK = 4  # the Hub could not be reached or answered with an error
    INTERRUPTED = 130


class LlmpickError(Exception):
    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(LlmpickError):
    exit_code = ExitCode.USAGE


class CatalogError(LlmpickError):
    """Invalid catalog data.  ``problems`` holds every problem found, one line each."""

    exit_code = ExitCode.CATALOG

    def __init__(self, message: str, hint: str | None = None, problems: list[str] | None = None) -> None:
        super().__init__(message, hint)
        self.problems = problems or []


class HubError(LlmpickError):
    exit_code = ExitCode.NETWORK


class NegativeAnswer(LlmpickError):
    """Not a failure of llmpick: the answer to the question asked is "no"."""

    exit_code = ExitCode.NEGATIVE
