"""`tree` (a model's family) and `catalog stats` (coverage)."""

from typing import Annotated

import typer

from .. import output
from . import catalog_app, command
from .options import CatalogOpt, Format, FormatOpt, JsonOpt, is_json, load


@command("tree")
def tree(
    model: Annotated[str, typer.Argument(help="Hub id or an unambiguous part of it.")],
    catalog: CatalogOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Draw a model's family: base -> finetunes -> merges (models outside the catalog by Hub id)."""
    from ..lineage import family_tree

    cat, warnings = load(catalog, models=False)
    m = cat.resolve(model)
    t = family_tree(cat, m.id)
    if is_json(fmt, json_):
        from ..schema import TreeAnswer

        output.emit(TreeAnswer(item=t.out(), warnings=warnings))
    else:
        from ..output.family import render_tree

        render_tree(t.out())


@command("stats", parent=catalog_app)
def stats(catalog: CatalogOpt = None, fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """Coverage: counts by use, family, size class, license class and release year; entries with missing facts."""
    from ..stats import catalog_stats

    cat, warnings = load(catalog)
    s = catalog_stats(cat)
    if is_json(fmt, json_):
        from ..schema import StatsAnswer

        output.emit(StatsAnswer(item=s, warnings=warnings))
    else:
        from ..output.family import render_stats

        render_stats(s)
