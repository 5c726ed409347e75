"""Options shared by several commands, and the catalog loading policy of the CLI."""

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import output

if TYPE_CHECKING:
    from ..catalog import Catalog


class Format(str, Enum):
    table = "table"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", help="Output format: a table for people, JSON for scripts.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shortcut for --format json.")]
CuratedOpt = Annotated[
    bool,
    typer.Option(
        "--curated", help="Only the curated catalog: leave out the drafts `refresh --discover` made from the Hub."
    ),
]
CatalogOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--catalog",
        help="Extra catalog folder (repeatable); its entries override built-in ones with the same id.",
        show_default=False,
    ),
]


def nonempty(values: list[str] | None, flag: str) -> None:
    """An empty text value (``--origin ''``, often an unset shell variable) is a usage error, never "no filter"."""
    if values and any(not v.strip() for v in values):
        from ..errors import UsageError

        raise UsageError(f"{flag}: the value is empty.", f"Give a value, or leave {flag} out.")


def is_json(fmt: Format, json_flag: bool) -> bool:
    return json_flag or fmt is Format.json


# A broken overlay file can hold thousands of problems (one per unknown key): commands other than `catalog
# validate` name every bad file, with its first few problems and how many more there are.
PROBLEMS_PER_FILE = 3


def _shown_problems(problems: list[Any]) -> list[str]:
    by_file: dict[str, list[Any]] = {}
    for p in problems:
        by_file.setdefault(p.path, []).append(p)
    shown = []
    for path, found in by_file.items():
        shown += [str(p) for p in found[:PROBLEMS_PER_FILE]]
        if len(found) > PROBLEMS_PER_FILE:
            shown.append(f"{path}: ... and {len(found) - PROBLEMS_PER_FILE:,} more problem(s)")
    return shown


def load(catalog_dirs: list[Path] | None, *, models: bool = True, drafts: bool = False) -> "tuple[Catalog, list[str]]":
    """Load the catalog; bad files are left out with one warning line each on stderr.

    ``drafts``: also the drafts of `refresh --discover` (not curated); one that cannot be read is a warning.

    ``models``: build every model now, for commands that go through the whole catalog.  Commands that answer
    from the index (`list`) or look up a few models (`show`, `tree`) pass False; their models are built on use.
    """
    import gc

    from ..catalog import load_catalog

    # The catalog lives until the command ends: build it without the cycle collector, then take it out of
    # the collector's sight for good (a 10,000-entry catalog otherwise costs several full rescans).
    gc.disable()
    try:
        catalog = load_catalog(catalog_dirs or [], drafts=drafts)
        if models:
            catalog.models  # noqa: B018 - built before the freeze below
        gc.freeze()
    finally:
        gc.enable()
    warnings = _shown_problems(catalog.problems)
    for w in warnings:
        output.warn(w)
    if warnings:
        output.info("Run `llmpick catalog validate` for details.")
    for p in catalog.draft_problems[:PROBLEMS_PER_FILE]:
        text = f"{p}; this draft is left out (`llmpick refresh --discover` writes it again)"
        output.warn(text)
        warnings.append(text)
    return catalog, warnings
