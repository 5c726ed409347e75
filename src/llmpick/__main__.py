"""The program's entry: ``python -m llmpick`` and the ``llmpick`` console script (``llmpick.__main__:main``).

Tiny on purpose.  Loading the CLI (typer, the command modules) takes ~0.1 s, and Python's own Ctrl-C handling would
show a traceback from wherever the import was.  So the first thing this module does is take over Ctrl-C: until the
CLI is loaded, Ctrl-C ends the program at once with exit code 130 (128 + SIGINT) and prints nothing; from then on
the CLI's error boundary answers it ("Interrupted.", 130).  ``_signal`` is the C module under ``signal``: importing
``signal`` itself would first load ``enum``, a few more milliseconds in which a Ctrl-C would still show a traceback.
"""

import _signal  # type: ignore[import-not-found]  # no stub: the C half of `signal`
import os


def _quit(_signum: int, _frame: object) -> None:
    os._exit(130)  # nothing is written yet, and nothing half-imported needs cleaning up


try:  # noqa: SIM105 - contextlib would cost the import time this module exists to save
    _signal.signal(_signal.SIGINT, _quit)
except ValueError:  # imported outside the main thread (an embedding program): leave its signals alone
    pass


def main() -> None:
    from llmpick.cli import main as cli_main

    cli_main()  # installs its own Ctrl-C handler first thing


if __name__ == "__main__":
    main()
