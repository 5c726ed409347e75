"""`list`, `show`, `uses` and `catalog validate / schema`."""

from pathlib import Path
from typing import Annotated

import typer

from .. import output
from ..errors import CatalogError
from ..units import GIB
from . import catalog_app, command
from .options import CatalogOpt, Format, FormatOpt, JsonOpt, is_json, load


@command("list")
def list_models(
    use: Annotated[
        list[str] | None,
        typer.Option(
            "--use", "-u", help="Only models tagged with this use (repeatable: all must match). See `llmpick uses`."
        ),
    ] = None,
    flag: Annotated[
        list[str] | None, typer.Option("--flag", help="Only models with this flag: uncensored, nsfw-capable.")
    ] = None,
    family: Annotated[
        list[str] | None, typer.Option("--family", help="Only this family (repeatable), e.g. mistral, llama-3.1.")
    ] = None,
    method: Annotated[
        list[str] | None, typer.Option("--method", help="base, finetune, merge, merge+finetune, moe, distill.")
    ] = None,
    license_class: Annotated[
        list[str] | None,
        typer.Option(
            "--license-class", help="permissive, commercial-with-conditions, non-commercial, research-only, unknown."
        ),
    ] = None,
    commercial: Annotated[bool, typer.Option("--commercial", help="Only licenses that allow commercial use.")] = False,
    origin: Annotated[
        list[str] | None,
        typer.Option("--origin", help="Country of the releasing organization (ISO code, e.g. US, FR, CN)."),
    ] = None,
    min_params: Annotated[str | None, typer.Option("--min-params", help="e.g. 7B, 500M.")] = None,
    max_params: Annotated[str | None, typer.Option("--max-params", help="e.g. 14B.")] = None,
    min_context: Annotated[str | None, typer.Option("--min-context", help="Tokens, e.g. 32k.")] = None,
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Words to find in id, name, family or summary.")
    ] = None,
    sort: Annotated[str, typer.Option("--sort", help="id, name, params, released, context, score.")] = "id",
    limit: Annotated[int | None, typer.Option("--limit", help="Show at most N models.")] = None,
    max_vram: Annotated[
        float | None,
        typer.Option("--max-vram", help="Only models whose VRAM need (Q4_K_M, 8K context) fits in this many GiB."),
    ] = None,
    catalog: CatalogOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """List catalog models, filtered and sorted."""
    from ..query import ModelFilter, select
    from ..units import parse_count, parse_tokens

    flt = ModelFilter(
        uses=use or [],
        flags=flag or [],
        families=family or [],
        methods=method or [],
        license_classes=license_class or [],
        commercial=commercial,
        origins=origin or [],
        min_params=parse_count(min_params, "--min-params") if min_params else None,
        max_params=parse_count(max_params, "--max-params") if max_params else None,
        min_context=parse_tokens(min_context, "--min-context") if min_context else None,
        search=search,
    )
    flt.check()
    if max_vram is not None and not max_vram > 0:
        from ..errors import UsageError

        raise UsageError(
            f"--max-vram must be a positive number of GiB, not {max_vram:g}.", "For example: --max-vram 12."
        )
    from ..estimate import vram_need
    from ..hubcache import hub_summary

    cat, warnings = load(catalog)
    models = select(cat, flt, sort=sort, limit=None if max_vram is not None else limit)
    needs = {m.id: vram_need(m) for m in models}
    if max_vram is not None:
        models = [m for m in models if (need := needs[m.id][0]) is not None and need <= max_vram * GIB]
        models = models[:limit] if limit is not None else models
    hubs = {m.id: hub_summary(m.id) for m in models}
    if is_json(fmt, json_):
        from ..schema import ModelSummaryOut

        output.emit_json(
            "list", items=[ModelSummaryOut.of(m, vram=needs[m.id], hub=hubs[m.id]) for m in models], warnings=warnings
        )
    else:
        from ..output.catalog import render_list

        render_list(models, needs, hubs)


@command("show")
def show(
    model: Annotated[str, typer.Argument(help="Hub id or an unambiguous part of it, e.g. yi-34b.")],
    catalog: CatalogOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Everything about one model, lineage included."""
    cat, warnings = load(catalog)
    m = cat.resolve(model)
    parents = [(p, cat.get(p) is not None) for p in m.entry.parents]
    children = [c.id for c in cat.children(m.id)]
    from ..estimate import vram_need
    from ..hubcache import hub_summary

    hub = hub_summary(m.id)
    if is_json(fmt, json_):
        from ..licenses import lookup
        from ..schema import ModelDetailOut

        row = lookup(m.entry.license)
        item = ModelDetailOut.of(
            m, children=children, vram=vram_need(m), hub=hub, license_note=row.note if row else None
        )
        output.emit_json("show", item=item, warnings=warnings)
    else:
        from ..estimate import memory_grid
        from ..output.catalog import render_show
        from ..output.estimate import render_memory_grid

        render_show(m, parents, children, hub)
        render_memory_grid(*memory_grid(m))


@command("uses")
def uses(catalog: CatalogOpt = None, fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """The use taxonomy, with what each tag means and how many models carry it."""
    from ..schema import FLAGS, USES

    cat, warnings = load(catalog)
    rows = [
        {"tag": t, "kind": "use", "meaning": d, "models": sum(t in m.entry.uses for m in cat)} for t, d in USES.items()
    ]
    rows += [
        {"tag": t, "kind": "flag", "meaning": d, "models": sum(t in m.entry.flags for m in cat)}
        for t, d in FLAGS.items()
    ]
    if is_json(fmt, json_):
        output.emit_json("uses", items=rows, warnings=warnings)
    else:
        output.table(
            ["tag", "kind", "meaning", ("models", "right")],
            [[r["tag"], r["kind"], r["meaning"], r["models"]] for r in rows],
        )


@command("validate", parent=catalog_app)
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders to check; default: the whole catalog.")
    ] = None,
    catalog: CatalogOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Check catalog files: every problem, each as file:line: field: problem (exit 3 if any)."""
    if paths:
        from ..catalog import validate_files

        files = []
        for p in paths:
            files += sorted(p.glob("*/*.y*ml")) if p.is_dir() else [p]
        models, problems = validate_files(files)
        count = len(files)
    else:
        from ..catalog import load_catalog

        cat = load_catalog(catalog or [], use_cache=False)
        models, problems, count = cat.models, cat.problems, len(cat.models) + len({p.path for p in cat.problems})
    lines = [str(p) for p in problems]
    if is_json(fmt, json_):
        output.emit_json("catalog validate", items=[p.__dict__ for p in problems], checked=count, valid=len(models))
        if problems:
            raise typer.Exit(3)
        return
    if problems:
        raise CatalogError(
            f"{len(problems)} problem(s) in {count} file(s).",
            "Fix each line above; catalog/README.md describes the fields.",
            lines,
        )
    output.line(f"{count} file(s) checked: all valid.")


@command("schema", parent=catalog_app)
def schema_cmd() -> None:
    """Print the JSON Schema of a catalog file (the same as catalog/schema.json)."""
    from ..schema import catalog_json_schema

    output.line(catalog_json_schema())
