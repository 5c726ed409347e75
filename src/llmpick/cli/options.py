"""Options shared by several commands, and the catalog loading policy of the CLI."""

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .. import output


class Format(str, Enum):
    table = "table"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", help="Output format: a table for people, JSON for scripts.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Shortcut for --format json.")]
CatalogOpt = Annotated[
    Optional[list[Path]],
    typer.Option("--catalog", help="Extra catalog folder (repeatable); its entries override built-in ones with the same id.",
                 show_default=False),
]


def is_json(fmt: Format, json_flag: bool) -> bool:
    return json_flag or fmt is Format.json


def load(catalog_dirs: Optional[list[Path]]) -> "tuple[object, list[str]]":
    """Load the catalog; bad files are left out with one warning line each on stderr."""
    from ..catalog import load_catalog

    catalog = load_catalog(catalog_dirs or [])
    warnings = [str(p) for p in catalog.problems]
    for w in warnings:
        output.warn(w)
    if warnings:
        output.info("Run `llmpick catalog validate` for details.")
    return catalog, warnings
