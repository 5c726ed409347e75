"""The command line: parse, call the core, hand the result to `output`, exit.

Commands live in the modules imported at the bottom; each is registered with :func:`command`, which is also the
one error boundary: a known error becomes one line on stderr and its exit code, and when the command was asked for
JSON (its ``fmt`` / ``json_`` parameters) also one JSON object on stdout, ``schema.ErrorAnswer``.  :func:`main`
does the same for the errors typer finds while parsing, before any command runs.
"""

import functools
import os
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from .. import __version__, output
from ..errors import BROKEN_PIPE, ERROR_KINDS, ExitCode, LlmpickError
from .options import Format, is_json

app = typer.Typer(
    name="llmpick",
    help="Which open LLMs can this machine run, at which quantization, how fast, and which is best for a use.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
catalog_app = typer.Typer(help="Check and inspect the catalog files.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(catalog_app, name="catalog")
_GROUP_NAMES = {id(catalog_app): "catalog"}  # the word before each sub-command: `catalog validate`
_COMMANDS: set[str] = set()  # every registered command by its full name

INTERNAL_HINT = "This is a bug in llmpick; please report it. LLMPICK_DEBUG=1 shows the traceback."
_SIGINT_SEEN: list[bool] = []  # set by main()'s Ctrl-C handler: libraries may wrap the KeyboardInterrupt it raises


def command(name: str, parent: typer.Typer = app, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a command and wrap it in the error boundary.

    A command that can answer in JSON takes the ``fmt`` (``--format``) and ``json_`` (``--json``) parameters of
    ``cli.options``: the boundary reads them to answer an error in JSON too.
    """
    full_name = name if parent is app else f"{_GROUP_NAMES[id(parent)]} {name}"
    _COMMANDS.add(full_name)

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def guarded(*args: Any, **kw: Any) -> Any:
            json_mode = is_json(kw.get("fmt", Format.table), bool(kw.get("json_", False)))
            try:
                try:
                    return fn(*args, **kw)
                except typer.Exit:
                    raise
                except BrokenPipeError:
                    raise
                except LlmpickError as exc:
                    code = report(full_name, exc.exit_code, exc.message, exc.hint, exc.details, json_mode=json_mode)
                except KeyboardInterrupt:
                    code = report(full_name, ExitCode.INTERRUPTED, "Interrupted.", json_mode=json_mode)
                except Exception as exc:
                    if _SIGINT_SEEN:  # e.g. pydantic-core turns a KeyboardInterrupt in a validator into SchemaError
                        code = report(full_name, ExitCode.INTERRUPTED, "Interrupted.", json_mode=json_mode)
                    elif os.environ.get("LLMPICK_DEBUG") == "1":
                        raise
                    else:
                        code = report(full_name, *_internal(exc), json_mode=json_mode)
            except BrokenPipeError:  # the reader went away (`| head -1`), maybe while an error was being reported
                output.silence()
                raise typer.Exit(BROKEN_PIPE) from None  # an Exit, not an OSError: click would make that exit 1
            raise typer.Exit(code)

        parent.command(name, **kwargs)(guarded)
        return fn

    return register


def report(
    command: str,
    code: ExitCode,
    message: str,
    hint: str | None = None,
    details: Sequence[str] = (),
    *,
    json_mode: bool,
) -> int:
    """Print an error (stderr; with ``json_mode`` also the error answer on stdout) and return its exit code."""
    output.error(message, hint, details)
    if json_mode:
        from ..schema.errors import ErrorAnswer, ErrorOut

        error = ErrorOut(code=int(code), kind=ERROR_KINDS[code], message=message, hint=hint, problems=list(details))
        output.emit(ErrorAnswer(command=command, error=error))
    return int(code)


def _internal(exc: BaseException) -> tuple[ExitCode, str, str]:
    return ExitCode.INTERNAL, f"internal error: {type(exc).__name__}: {exc}", INTERNAL_HINT


def _version(value: bool) -> None:
    if value:
        output.line(f"llmpick {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = None,
) -> None:
    """Which open LLMs can this machine run, at which quantization, how fast, and which is best for a use."""


def main(argv: Sequence[str] | None = None) -> None:
    """The `llmpick` program (``argv``: the arguments, default ``sys.argv[1:]``); exits with the exit code.

    typer runs the app with ``standalone_mode=False``, so the usage errors it finds while parsing (a bad option
    value, a missing argument, an unknown option) come back here as exceptions: printed as typer prints them, and
    with ``--format json`` / ``--json`` on the command line also as the JSON error answer (exit 2).

    A reader that closes the pipe early (``llmpick list | head -1``) ends the program quietly with exit code 141
    (128 + SIGPIPE, what a shell reports for ``git log | head -1``): nothing more is written, not even an error.
    """
    # pydantic looks for plugins through importlib.metadata on first use (~50 ms); the CLI has none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _catch_sigint()
    args = list(sys.argv[1:] if argv is None else argv)
    json_mode = _json_asked(args)
    try:
        try:
            # typer passes these to click's main(); `args=None` keeps click's own reading of sys.argv.
            result = app(args=None if argv is None else args, standalone_mode=False)
        except KeyboardInterrupt:
            result = report(_command_in(args), ExitCode.INTERRUPTED, "Interrupted.", json_mode=json_mode)
        except typer.Abort:
            output.info("Aborted!")
            result = 1
        except SystemExit:
            if not output.pacified():  # click's own answer to a closed pipe (while printing --help): exit 1
                raise
            result = BROKEN_PIPE
        except BrokenPipeError:
            raise
        except Exception as exc:
            if _is_parse_error(exc):
                result = _parse_error(exc, json_mode, args)
            elif _SIGINT_SEEN:
                result = report(_command_in(args), ExitCode.INTERRUPTED, "Interrupted.", json_mode=json_mode)
            elif os.environ.get("LLMPICK_DEBUG") == "1":
                raise
            else:
                result = report(_command_in(args), *_internal(exc), json_mode=json_mode)
        output.flush()  # here, not at exit: a closed pipe found now is answered like any other
    except BrokenPipeError:
        result = BROKEN_PIPE
    if result == BROKEN_PIPE:
        output.silence()
    # Without standalone mode, typer returns the command's return value (None) or the code of a typer.Exit.
    code = result if isinstance(result, int) else 0
    if _SIGINT_SEEN and argv is None:
        _exit_now(code)
    raise SystemExit(code)


def _catch_sigint() -> None:
    """Ctrl-C raises KeyboardInterrupt as usual, and is remembered: a library that turns the KeyboardInterrupt into
    its own error (pydantic-core does, while building a validator) still ends the program as interrupted (130)."""
    import contextlib
    import signal

    def interrupted(signum: int, frame: Any) -> None:
        _SIGINT_SEEN.append(True)
        raise KeyboardInterrupt

    with contextlib.suppress(ValueError):  # not the main thread: Python's default stays
        signal.signal(signal.SIGINT, interrupted)


def _exit_now(code: int) -> None:
    """Exit with ``code`` after a Ctrl-C, exactly.  Python kills itself with SIGINT at exit (status -2, not 130)
    when a KeyboardInterrupt passed through code run by ``PyRun_String`` (pydantic-core runs some), even one the
    CLI has answered; so the answer is flushed, the threads still working (a refresh's, cancelled) get a moment to
    finish, and the process ends here."""
    import contextlib
    import threading
    import time

    with contextlib.suppress(OSError, ValueError):
        output.flush()
    deadline = time.monotonic() + 2.0
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join(max(0.0, deadline - time.monotonic()))
    os._exit(code)


def _json_asked(args: Sequence[str]) -> bool:
    """Whether the command line asks for JSON (``--json``, ``--format json``, ``--format=json``)."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg in ("--json", "--format=json") or (arg == "--format" and args[i + 1 : i + 2] == ["json"]):
            return True
    return False


def _command_in(args: Sequence[str]) -> str:
    """The command a command line names (``catalog verify``), or ``""``: for errors met outside any command."""
    words = list(args[:2])
    while words and " ".join(words) not in _COMMANDS:
        words.pop()
    return " ".join(words)


def _is_parse_error(exc: BaseException) -> bool:
    """A usage error of typer's (vendored) click: it knows its exit code and how to show itself.

    Duck-typed on purpose: the class has no public name in typer 0.26-0.28, and click must not be imported."""
    return (
        isinstance(getattr(exc, "exit_code", None), int)
        and callable(getattr(exc, "format_message", None))
        and callable(getattr(exc, "show", None))
    )


def _parse_error(exc: Any, json_mode: bool, args: Sequence[str]) -> int:
    exc.show()  # exactly what typer prints: usage, "Try 'llmpick ... -h' for help.", "Error: ..."
    if not json_mode:
        return int(exc.exit_code)
    from ..schema.errors import ErrorAnswer, ErrorOut

    command = _command_of(getattr(exc, "ctx", None)) or _command_in(args)
    if not command or command in _GROUP_NAMES.values():
        hint = f"Run `{' '.join(['llmpick', command]).strip()} --help` for the commands."
    else:
        hint = f"Run `llmpick {command} --help` for its options."
    error = ErrorOut(code=int(ExitCode.USAGE), kind="usage", message=exc.format_message(), hint=hint)
    output.emit(ErrorAnswer(command=command, error=error))
    return int(ExitCode.USAGE)


def _command_of(ctx: Any) -> str:
    """``catalog verify`` from the context typer was parsing (the root context names no command)."""
    names: list[str] = []
    while ctx is not None and getattr(ctx, "parent", None) is not None:
        names.append(str(ctx.info_name))
        ctx = ctx.parent
    return " ".join(reversed(names))


# Command modules register themselves on import; they import the core lazily, inside commands.
from . import (  # noqa: E402,F401
    catalog_cmds,
    estimate_cmd,
    family_cmds,
    hardware_cmd,
    hub_cmds,
    recommend_cmd,
)
