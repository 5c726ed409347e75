"""The only place that writes to stdout and stderr.

stdout carries data only: a JSON document (``--format json``) or the human table.  Warnings,
hints, errors and progress go to stderr.  Every string that came from outside (catalog files,
the Hub) is rendered as literal text, never as rich markup.  rich is imported only when a
table is drawn, so JSON output stays fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from ..units import gib as gib  # re-exported: the output modules format sizes with it


class Dumpable(Protocol):
    """A ``schema.Answer``, or the catalog's stored answer (JSON those models produced earlier)."""

    def model_dump(self, *, mode: str = ...) -> dict[str, Any]: ...


def emit(answer: Dumpable) -> None:
    """Write one JSON answer to stdout: the only way JSON leaves llmpick."""
    from ..safeio import dumps_json

    # Indented for a person at a terminal; compact (and faster) for the scripts that read it from a pipe.  Strict
    # JSON: a NaN or infinity here is a bug (the schema refuses them on the way in), never output.
    indent = 2 if getattr(sys.stdout, "isatty", lambda: False)() else None
    doc = answer.model_dump(mode="json")
    text = dumps_json(doc, indent=indent)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (a file name that is not UTF-8): escaped, the JSON stays valid
        text = json.dumps(doc, indent=indent, ensure_ascii=True, allow_nan=False)
    sys.stdout.write(text + "\n")


def flush() -> None:
    """Push out what stdout and stderr still hold (a closed pipe then raises BrokenPipeError here, where the CLI
    can answer it, rather than at interpreter exit)."""
    sys.stdout.flush()
    sys.stderr.flush()


def silence() -> None:
    """The reader closed the pipe: point stdout and stderr at the null device, so that nothing more is written and
    Python's own flush at exit does not fail again (as the Python docs advise for SIGPIPE)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            try:
                os.dup2(null, stream.fileno())
            except (AttributeError, OSError, ValueError):  # not a real file (a test runner's buffer)
                continue
    finally:
        os.close(null)


def pacified() -> bool:
    """Whether typer's click met a closed pipe itself (it wraps stdout in its ``PacifyFlushWrapper`` then)."""
    return type(sys.stdout).__name__ == "PacifyFlushWrapper"


def color_allowed(stream: Any) -> bool:
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def console(stderr: bool = False) -> Any:
    """A rich Console on the current stdout/stderr (looked up per call: test runners swap them)."""
    Console = _console_class()
    stream = sys.stderr if stderr else sys.stdout
    tty = color_allowed(stream)
    # Piped into a file or a pager, tables get room instead of rich's 80-column default.
    width = None if (hasattr(stream, "isatty") and stream.isatty()) or os.environ.get("COLUMNS") else 160
    return Console(
        file=stream,
        no_color=not tty,
        color_system="auto" if tty else None,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )


_CONSOLE: list[Any] = []


def _console_class() -> Any:
    """rich's Console, except that a closed pipe raises BrokenPipeError (which the CLI answers: exit 141) instead
    of rich's own ``SystemExit(1)``, which would read as a negative answer."""
    if not _CONSOLE:
        from rich.console import Console

        class _Console(Console):
            def on_broken_pipe(self) -> None:
                self.quiet = True
                raise BrokenPipeError(32, "Broken pipe")

        _CONSOLE.append(_Console)
    return _CONSOLE[0]


def literal(value: Any) -> Any:
    """Text that rich shows exactly as given (no markup, control characters made visible)."""
    from rich.text import Text

    if value is None:
        return Text("-", style="dim")
    if not isinstance(value, str):
        value = str(value)
    return Text(sanitize(value))


def sanitize(value: str) -> str:
    """Replace control characters (terminal escapes from outside data) with visible escapes."""
    if value.isprintable():
        return value
    return "".join(c if c.isprintable() or c in "\n\t" else repr(c)[1:-1] for c in value)


def table(
    columns: Sequence[str | tuple[str, str]],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    caption: str | None = None,
) -> None:
    """Print a table.  Columns are names or (name, justify).  Cells from outside are literal.

    The first column holds ids, which stay whole on one line; other columns fold.
    """
    from rich.table import Table
    from rich.text import Text

    t = Table(title=title, caption=caption, show_lines=False, header_style="bold", title_justify="left")
    for i, col in enumerate(columns):
        name, justify = (col, "left") if isinstance(col, str) else col
        t.add_column(name, justify=justify, overflow="fold", no_wrap=i == 0)  # type: ignore[arg-type]
    for row in rows:
        t.add_row(*[c if isinstance(c, Text) else literal(c) for c in row])
    console().print(t)


def renderable(obj: Any) -> None:
    """Print a prepared rich renderable (panel, tree, text) to stdout."""
    console().print(obj)


def line(text: str = "") -> None:
    """A plain human line on stdout (literal text)."""
    sys.stdout.write(sanitize(text) + "\n")


def info(text: str) -> None:
    sys.stderr.write(sanitize(text) + "\n")


def one_line(value: str) -> str:
    """:func:`sanitize`, and line breaks shown as ``\\n``: a message that echoes a user's value stays one line."""
    return sanitize(value).replace("\r", "\\r").replace("\n", "\\n")


def warn(text: str) -> None:
    sys.stderr.write("Warning: " + one_line(text) + "\n")


def error(message: str, hint: str | None = None, details: Sequence[str] = ()) -> None:
    for d in details:
        sys.stderr.write(one_line(d) + "\n")
    sys.stderr.write("Error: " + one_line(message) + "\n")
    if hint:
        sys.stderr.write("  " + one_line(hint) + "\n")


def tokens(n: int | None) -> str | None:
    """A context length as people write it: 32768 -> 32K, 128000 -> 128K."""
    if not n:
        return None
    if n % 1000 == 0:
        return f"{n // 1000}K"
    if n % 1024 == 0:
        return f"{n // 1024}K"
    return f"{n:,}"


def count(n: int | None) -> str:
    """A parameter count in B (10^9) or M (10^6), e.g. 7.2B."""
    if n is None:
        return "?"
    if n >= 10**9:
        v = n / 1e9
        return f"{v:.0f}B" if v >= 100 else f"{v:.1f}B"
    return f"{n / 1e6:.0f}M"
