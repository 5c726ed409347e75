"""The command line: parse, call the core, hand the result to `output`, exit.

Commands live in the modules imported at the bottom; each is registered with :func:`command`,
which is also the one error boundary: a known error becomes one line and its exit code.
"""

import functools
import os
from collections.abc import Callable
from typing import Annotated, Any

import typer

from .. import __version__, output
from ..errors import ExitCode, LlmpickError

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

INTERNAL_ERROR = 70  # EX_SOFTWARE: a bug in llmpick, not bad input


def command(name: str, parent: typer.Typer = app, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a command and wrap it in the error boundary."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def guarded(*args: Any, **kw: Any) -> Any:
            try:
                return fn(*args, **kw)
            except typer.Exit:
                raise
            except LlmpickError as exc:
                output.error(exc.message, exc.hint, getattr(exc, "problems", ()))
                raise typer.Exit(int(exc.exit_code)) from None
            except KeyboardInterrupt:
                output.error("Interrupted.")
                raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
            except Exception as exc:
                if os.environ.get("LLMPICK_DEBUG") == "1":
                    raise
                output.error(
                    f"internal error: {type(exc).__name__}: {exc}",
                    "This is a bug in llmpick; please report it. LLMPICK_DEBUG=1 shows the traceback.",
                )
                raise typer.Exit(INTERNAL_ERROR) from None

        parent.command(name, **kwargs)(guarded)
        return fn

    return register


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


def main() -> None:
    # pydantic looks for plugins through importlib.metadata on first use (~50 ms); the CLI has none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        app()
    except KeyboardInterrupt:
        output.error("Interrupted.")
        raise SystemExit(int(ExitCode.INTERRUPTED)) from None


# Command modules register themselves on import; they import the core lazily, inside commands.
from . import (  # noqa: E402,F401
    catalog_cmds,
    estimate_cmd,
    family_cmds,
    hardware_cmd,
    hub_cmds,
    recommend_cmd,
)
