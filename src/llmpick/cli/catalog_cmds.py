"""`list`, `show`, `uses` and `catalog validate / schema`."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import output
from ..errors import CatalogError
from . import catalog_app, command
from .options import CatalogOpt, CuratedOpt, Format, FormatOpt, JsonOpt, is_json, load

if TYPE_CHECKING:
    from ..catalog import Catalog, StoredAnswer
    from ..schema import HubSummaryOut, ListAnswer


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
    curated: CuratedOpt = False,
    max_vram: Annotated[
        str | None,
        typer.Option(
            "--max-vram",
            metavar="GIB",
            help="Only models whose VRAM need (Q4_K_M, 8K context) fits in this many GiB.",
        ),
    ] = None,
    catalog: CatalogOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """List catalog models (and the drafts of `refresh --discover`, marked *), filtered and sorted."""
    from ..query import ModelFilter, select_facts
    from ..units import MEMORY, parse_count, parse_gib_bytes, parse_tokens

    flt = ModelFilter(
        uses=use or [],
        flags=flag or [],
        families=family or [],
        methods=method or [],
        license_classes=license_class or [],
        commercial=commercial,
        origins=origin or [],
        min_params=parse_count(min_params, "--min-params") if min_params is not None else None,
        max_params=parse_count(max_params, "--max-params") if max_params is not None else None,
        min_context=parse_tokens(min_context, "--min-context") if min_context is not None else None,
        search=search,
    )
    flt.check()
    max_vram_bytes = parse_gib_bytes(max_vram, MEMORY, "--max-vram") if max_vram is not None else None
    from ..hubcache import hub_summary

    cat, warnings = load(catalog, models=False, drafts=not curated)
    ids = [f.id for f in select_facts(cat.facts(), flt, sort=sort, limit=None if max_vram_bytes is not None else limit)]
    needs = cat.vram_needs(ids)
    if max_vram_bytes is not None:
        ids = [i for i in ids if (need := needs[i][0]) is not None and need <= max_vram_bytes]
        ids = ids[:limit] if limit is not None else ids
    hubs = {i: hub_summary(i) for i in ids}
    if is_json(fmt, json_):
        output.emit(_list_answer(cat, ids, needs, hubs, warnings))
    else:
        from ..output.catalog import render_list

        render_list([m for i in ids if (m := cat.get(i)) is not None], needs, hubs)


def _list_answer(
    cat: "Catalog",
    ids: list[str],
    needs: dict[str, tuple[int | None, list[str]]],
    hubs: "dict[str, HubSummaryOut | None]",
    warnings: list[str],
) -> "ListAnswer | StoredAnswer":
    """`list`'s answer: the summaries the index keeps (no model built, nothing validated) unless there is Hub data
    to show, which only the typed answer carries."""
    if not any(hubs.values()):
        from ..catalog import StoredAnswer

        return StoredAnswer({**cat.list_envelope(), "items": cat.summaries(ids), "warnings": warnings})
    from ..schema import ListAnswer, ModelSummaryOut

    items = [ModelSummaryOut.of(m, vram=needs[i], hub=hubs[i]) for i in ids if (m := cat.get(i)) is not None]
    return ListAnswer(items=items, warnings=warnings)


@command("show")
def show(
    model: Annotated[str, typer.Argument(help="Hub id or an unambiguous part of it, e.g. yi-34b.")],
    catalog: CatalogOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Everything about one model, lineage included."""
    from ..hubcache import hub_summary
    from ..licenses import lookup

    cat, warnings = load(catalog, models=False, drafts=True)
    m = cat.resolve(model)
    children = [c.id for c in cat.children(m.id)]
    hub = hub_summary(m.id)
    row = lookup(m.entry.license)
    note = row.note if row else None
    if is_json(fmt, json_):
        from ..schema import ModelDetailOut, ShowAnswer

        item = ModelDetailOut.of(m, children=children, vram=cat.vram_needs([m.id])[m.id], hub=hub, license_note=note)
        output.emit(ShowAnswer(item=item, warnings=warnings))
    else:
        from ..estimate import memory_grid
        from ..output.catalog import render_show
        from ..output.estimate import render_memory_grid

        parents = [(p, cat.get(p) is not None) for p in m.entry.parents]
        render_show(m, parents, children, hub, note)
        render_memory_grid(*memory_grid(m))


@command("uses")
def uses(catalog: CatalogOpt = None, fmt: FormatOpt = Format.table, json_: JsonOpt = False) -> None:
    """The use taxonomy, with what each tag means and how many models carry it."""
    from ..stats import tag_counts

    cat, warnings = load(catalog)
    rows = tag_counts(cat)
    if is_json(fmt, json_):
        from ..schema import UsesAnswer

        output.emit(UsesAnswer(items=rows, warnings=warnings))
    else:
        output.table(
            ["tag", "kind", "meaning", ("models", "right")], [[r.tag, r.kind, r.meaning, r.models] for r in rows]
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
        from ..catalog import validate_paths

        files, _models, problems = validate_paths(paths)
    else:
        from ..catalog import load_catalog

        cat = load_catalog(catalog or [], use_cache=False)
        files, problems = cat.files, cat.problems
    count = len(files)
    valid = len(set(files) - {p.path for p in problems})
    lines = [str(p) for p in problems]
    failure = (
        CatalogError(
            f"{len(problems)} problem(s) in {count} file(s).",
            "Fix each line above; catalog/README.md describes the fields.",
            lines,
        )
        if problems
        else None
    )
    if is_json(fmt, json_):
        from ..schema import ErrorOut, ProblemOut, ValidateAnswer

        items = [ProblemOut.model_validate(p, from_attributes=True) for p in problems]
        error = None
        if failure is not None:
            error = ErrorOut(
                code=int(failure.exit_code), kind="catalog", message=failure.message, hint=failure.hint, problems=lines
            )
        output.emit(ValidateAnswer(items=items, checked=count, valid=valid, error=error))
        if failure is not None:
            output.error(failure.message, failure.hint, lines)
            raise typer.Exit(int(failure.exit_code))
        return
    if failure is not None:
        raise failure
    output.line(f"{count} file(s) checked: all valid.")


@command("schema", parent=catalog_app)
def schema_cmd() -> None:
    """Print the JSON Schema of a catalog file (the same as catalog/schema.json)."""
    from ..schema import catalog_json_schema

    output.line(catalog_json_schema())


@command("promote", parent=catalog_app)
def promote(
    model: Annotated[str, typer.Argument(help="A draft of `refresh --discover`: its id or an unambiguous part of it.")],
    to: Annotated[
        Path | None,
        typer.Option(
            "--to",
            help="Catalog folder to write into, as DIR/ORG/NAME.yaml (default: the first --catalog / LLMPICK_CATALOG "
            "folder, else your own catalog folder, <config dir>/catalog).",
            show_default=False,
        ),
    ] = None,
    catalog: CatalogOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Write a draft of `refresh --discover` as a catalog file for review, and validate it (exit 3 if it fails)."""
    from .. import hubcache, paths
    from ..catalog import validate_paths
    from ..errors import UsageError
    from ..safeio import ReadProblem, read_bytes
    from .hub_cmds import _check_folder, _write_draft

    cat, _warnings = load(catalog, models=False, drafts=True)
    m = cat.resolve(model)
    if cat.is_curated(m.id):
        raise UsageError(f"{m.id} is already curated ({m.path}).", "Edit that file; `catalog promote` takes drafts.")
    src = hubcache.draft_path(m.id)
    try:
        text = read_bytes(src, limit=256 * 1024).decode("utf-8")
    except (OSError, ReadProblem, UnicodeDecodeError) as exc:
        raise UsageError(
            f"The draft {src} cannot be read ({exc}).", "Run `llmpick refresh --discover` again."
        ) from None
    root = Path(
        to
        or (catalog[0] if catalog else None)
        or next(iter(paths.env_catalog_dirs()), None)
        or paths.user_catalog_dir()
    )
    _check_folder(root, chosen=to is not None)
    org, name = m.id.split("/", 1)
    dest = root / org / f"{name}.yaml"
    for existing in (dest, dest.with_suffix(".yml")):
        if existing.exists() or existing.is_symlink():
            raise UsageError(
                f"{existing} already exists; it was not overwritten.",
                f"Compare it with the draft ({src}), then remove it to promote again, or choose another folder with "
                "--to DIR.",
            )
    from ..draft import validate_yaml

    problems = validate_yaml(text, str(dest))  # the catalog's own checks, before anything is written
    if problems:
        raise CatalogError(f"The draft of {m.id} does not validate; nothing was written.", None, problems)
    _write_draft(dest, text)
    _files, _models, found = validate_paths([dest])  # as `catalog validate FILE` reads it, from the disk
    if found:
        raise CatalogError(
            f"{dest} was written but does not validate.", "Fix each line above.", [str(p) for p in found]
        )
    todos = [ln.removeprefix("# TODO ") for ln in text.splitlines() if ln.startswith("# TODO ")]
    if is_json(fmt, json_):
        from ..schema.hub import PromoteAnswer, PromotedOut

        output.emit(PromoteAnswer(item=PromotedOut(id=m.id, file=str(dest), draft=str(src), todos=todos)))
    else:
        from ..output.hub import render_added

        render_added(str(dest), {k: v for k, _, v in (t.partition(": ") for t in todos)})
