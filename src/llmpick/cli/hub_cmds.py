"""`refresh`, `catalog verify` and `catalog add`: the commands that use Hub data."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from .. import output
from ..errors import ExitCode, UsageError
from . import catalog_app, command
from .options import CatalogOpt, Format, FormatOpt, JsonOpt, is_json, load

if TYPE_CHECKING:
    from ..schema import HubRepoData, Model

EndpointOpt = Annotated[
    str | None,
    typer.Option("--endpoint", help="Hub URL (default: HF_ENDPOINT, else https://huggingface.co).", show_default=False),
]
TimeoutOpt = Annotated[float, typer.Option("--timeout", help="Seconds one Hub request may take.")]
OfflineOpt = Annotated[
    bool, typer.Option("--offline", help="Never touch the network; use cached Hub data only (also HF_HUB_OFFLINE=1).")
]


def parse_age(text: str) -> float:
    """'7d', '12h', '30m', '90s' or plain seconds -> seconds (finite, 0 or more)."""
    import math

    from ..hubargs import printable

    raw = text.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    mult = units.get(raw[-1:])
    num = raw[:-1] if mult else raw
    try:
        value = float(num) * (mult or 1)
    except (ValueError, OverflowError):
        value = math.nan
    if not math.isfinite(value):  # not a number, nan, inf, 1e999
        raise UsageError(
            f"--max-age '{printable(text)}' is not a duration.", "Use e.g. 7d, 12h, 30m or a number of seconds."
        )
    if value < 0:
        raise UsageError("--max-age must not be negative.")
    return value


def _offline(flag: bool) -> bool:
    from ..hub import offline_from_env

    return flag or offline_from_env()


@command("refresh")
def refresh_cmd(
    models: Annotated[
        list[str] | None,
        typer.Argument(
            help="Catalog models to refresh (default: every model whose cached data is older than --max-age).",
            show_default=False,
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Refresh every catalog model, however fresh its cache.")] = False,
    max_age: Annotated[
        str, typer.Option("--max-age", help="Refresh cached data older than this: 7d, 12h, 30m.")
    ] = "7d",
    concurrency: Annotated[int, typer.Option("--concurrency", help="Requests in flight at once.")] = 8,
    discover: Annotated[
        bool,
        typer.Option(
            "--discover",
            help="Instead: find trending and newest models on the Hub that the catalog lacks, and draft them into the "
            "cache (shown with curated: false; `catalog promote ID` turns one into a catalog file).",
        ),
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", help="With --discover: models read from each Hub list (trending, newest).")
    ] = 30,
    timeout: TimeoutOpt = 10.0,
    endpoint: EndpointOpt = None,
    offline: OfflineOpt = False,
    catalog: CatalogOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Fetch Hub data (downloads, likes, license, gated, parameters, file sizes) for catalog models into the cache."""
    from dataclasses import asdict

    from .. import refresh
    from ..hubargs import check_timeout
    from ..schema.errors import ErrorOut
    from ..schema.hub import RefreshAnswer, RefreshItemOut, RefreshOutcome

    age = parse_age(max_age)
    check_timeout(timeout)  # every flag is checked before anything is read or fetched
    refresh.check_concurrency(concurrency)
    if discover:
        return _discover(models, all_, limit, concurrency, timeout, endpoint, offline, catalog, is_json(fmt, json_))
    cat, warnings = load(catalog)
    chosen = refresh.targets(cat, models or [], max_age=age, force=all_)
    is_offline = _offline(offline)
    hub = None
    if not chosen:
        outcomes = []
        output.info(f"All cached Hub data is younger than {max_age}; nothing to do (--all refreshes anyway).")
    elif is_offline:
        outcomes = refresh.offline(chosen)
        output.warn("Offline: the Hub was not contacted; showing what the cache holds.")
    else:
        from ..hub import Hub

        hub = Hub(endpoint, timeout=timeout)
        hub.prepare()
        from ..output.hub import progress

        with progress(sum(len(t.repos) for t in chosen)) as bar:
            outcomes = refresh.run(hub, chosen, concurrency=concurrency, on_done=bar.advance)
    items = [RefreshItemOut.model_validate(asdict(o)) for o in outcomes]
    counts = cast("dict[RefreshOutcome, int]", refresh.counts(outcomes))
    ep = hub.shown_endpoint if hub else None  # never the credentials an endpoint URL may carry
    failed = counts.get("failed", 0)
    error = None
    if failed:
        error = ErrorOut(
            code=int(ExitCode.NETWORK),
            kind="network",
            message=f"{failed} of {len(outcomes)} model(s) could not be refreshed; their last good data is kept.",
            hint="See the reasons above; try again later, or raise --timeout.",
        )
    if is_json(fmt, json_):
        answer = RefreshAnswer(
            items=items, summary=counts, endpoint=ep, offline=is_offline, warnings=warnings, error=error
        )
        output.emit(answer)
    else:
        from ..output.hub import render_refresh

        render_refresh(items, counts, endpoint=ep, offline=is_offline)
    if error is not None:
        output.error(error.message, error.hint)
        raise typer.Exit(error.code)


def _discover(
    models: list[str] | None,
    all_: bool,
    limit: int,
    concurrency: int,
    timeout: float,
    endpoint: str | None,
    offline: bool,
    catalog: list[Path] | None,
    json_mode: bool,
) -> None:
    """`refresh --discover`: list, skip, draft (``discover.run``); offline, only what the cache holds."""
    from dataclasses import asdict

    from .. import discover
    from ..schema.errors import ErrorOut
    from ..schema.hub import DiscoverAnswer, DiscoverItemOut, DiscoverOutcomeKind

    if models or all_:
        raise UsageError("--discover finds new models: it takes no model names and no --all.", "Run them apart.")
    discover.check_limit(limit)
    cat, warnings = load(catalog, models=False)
    is_offline = _offline(offline)
    hub = None
    errors: list[str] = []
    if is_offline:
        items = discover.cached()
        output.warn("Offline: the Hub was not contacted; showing the drafts the cache holds.")
    else:
        from ..hub import Hub
        from ..output.hub import progress

        hub = Hub(endpoint, timeout=timeout)
        hub.prepare()
        lists = len(discover.SORTS) * len(discover.PIPELINES)
        with progress(lists, "Listing") as bar:
            found, errors = discover.collect(hub, limit=limit, on_list=bar.advance)
        todo, skipped = discover.plan(found, cat.ids)
        with progress(len(todo), "Drafting") as bar:
            items = discover.draft_all(hub, todo, concurrency=concurrency, on_done=bar.advance) + skipped
    for e in errors:
        output.warn(e)
    counts = cast("dict[DiscoverOutcomeKind, int]", discover.counts(items))
    failed = counts.get("failed", 0) + len(errors)
    error = None
    if failed:
        error = ErrorOut(
            code=int(ExitCode.NETWORK),
            kind="network",
            message=f"{failed} list(s) or draft(s) failed; every draft written, now or before, is kept.",
            hint="See the reasons above; try again later, or raise --timeout.",
        )
    ep = hub.shown_endpoint if hub else None
    out = [DiscoverItemOut.model_validate(asdict(o)) for o in items]
    if json_mode:
        answer = DiscoverAnswer(
            items=out, summary=counts, endpoint=ep, offline=is_offline, warnings=warnings + errors, error=error
        )
        output.emit(answer)
    else:
        from ..output.hub import render_discover

        render_discover(out, counts, endpoint=ep, offline=is_offline)
    if error is not None:
        output.error(error.message, error.hint)
        raise typer.Exit(error.code)


@command("verify", parent=catalog_app)
def verify(
    models: Annotated[
        list[str] | None, typer.Argument(help="Models to check (default: all).", show_default=False)
    ] = None,
    catalog: CatalogOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Compare catalog facts (parameters, license, context, gated) with cached Hub data; exit 1 on any difference."""
    from ..hubcache import compare
    from ..schema.hub import VerifyAnswer, VerifyDiffOut

    loaded, warnings = load(catalog)
    cat = loaded
    chosen = [cat.resolve(m) for m in models] if models else list(cat)
    diffs: list[VerifyDiffOut] = []
    problems: list[str] = []
    uncached: list[str] = []
    checked = 0
    for m in chosen:
        found, met, cached = compare(m)
        diffs += [VerifyDiffOut(**vars(d)) for d in found]
        problems += met
        if cached:
            checked += 1
        else:
            uncached.append(m.id)
    for p in problems:
        output.warn(p)
    if uncached and checked:
        shown = ", ".join(uncached[:5]) + (f" and {len(uncached) - 5} more" if len(uncached) > 5 else "")
        output.warn(
            f"{len(uncached)} model(s) not compared, no cached Hub data: {shown}. Run `llmpick refresh` to fetch it."
        )
    if not checked:
        output.warn("Nothing was compared: no cached Hub data. Run `llmpick refresh` first.")
    if is_json(fmt, json_):
        output.emit(VerifyAnswer(items=diffs, checked=checked, warnings=warnings + problems, not_cached=uncached))
    else:
        from ..output.hub import render_verify

        render_verify(diffs, checked)
    if diffs:
        raise typer.Exit(int(ExitCode.NEGATIVE))


@command("add", parent=catalog_app)
def add(
    ref: Annotated[str, typer.Argument(help="The Hub repo: hf:ORG/NAME.")],
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Catalog folder to write into (default: the first --catalog / LLMPICK_CATALOG folder, else your own "
            "catalog folder, <config dir>/catalog).",
            show_default=False,
        ),
    ] = None,
    timeout: TimeoutOpt = 10.0,
    endpoint: EndpointOpt = None,
    offline: OfflineOpt = False,
    catalog: CatalogOpt = None,
    fmt: FormatOpt = Format.table,
    json_: JsonOpt = False,
) -> None:
    """Draft a catalog file from the Hub (model_info + config.json); unknown facts are marked TODO."""
    from .. import hubcache, paths
    from ..catalog import load_catalog
    from ..draft import draft, parse_hf_ref, require_text_generation, to_yaml, validate_yaml
    from ..errors import CatalogError
    from ..hub import Hub, HubOffline
    from ..hubargs import redact_url

    repo = parse_hf_ref(ref)
    # Never the built-in catalog by default: it is read-only in pipx and system installs.
    dest_root = Path(
        output_dir
        or (catalog[0] if catalog else None)
        or next(iter(paths.env_catalog_dirs()), None)
        or paths.user_catalog_dir()
    )
    _check_folder(dest_root, chosen=output_dir is not None)
    org, name = repo.split("/", 1)
    dest = dest_root / org / f"{name}.yaml"
    cat = load_catalog(catalog or [])
    known = {m.id.lower(): m for m in cat}
    if repo.lower() in known:
        raise UsageError(
            f"{repo} is already in the catalog ({known[repo.lower()].path}).",
            "Edit that file, or run `llmpick refresh` to update its Hub data.",
        )
    if dest.exists() or dest.with_suffix(".yml").exists():
        raise UsageError(f"{dest} already exists.", "Remove it or choose another --output folder.")
    hub = Hub(endpoint, timeout=timeout, offline=offline)
    if hub.offline:
        cached = hubcache.read(repo).file
        if cached is None or cached.data.config is None:
            raise HubOffline(
                f"Offline: {repo} is not in the cache with its config.json, and the Hub was not contacted.",
                "Run without --offline (and unset HF_HUB_OFFLINE).",
            )
        data, fetched_at, ep = cached.data, cached.fetched_at, redact_url(cached.endpoint)
        output.warn(f"Offline: drafting from cached Hub data fetched {fetched_at}.")
    else:
        data = hub.model_info(repo, with_config=True)
        require_text_generation(data, repo)
        fetched_at, ep = _store(repo, data, hub.shown_endpoint), hub.shown_endpoint
    require_text_generation(data, repo)
    d = draft(repo, data, endpoint=ep, fetched_at=fetched_at)
    text = to_yaml(d)
    problems = validate_yaml(text, str(dest))
    if problems:
        raise CatalogError(
            f"The draft for {repo} does not validate; nothing was written.",
            "This is a bug in llmpick's drafting; please report it with the repo id.",
            problems,
        )
    _write_draft(dest, text)
    if is_json(fmt, json_):
        from ..schema.hub import AddAnswer, AddedOut

        output.emit(AddAnswer(item=AddedOut(id=repo, file=str(dest), todos=d.todos, entry=d.data)))
    else:
        from ..output.hub import render_added

        render_added(str(dest), d.todos)


def hub_model(ref: str, *, endpoint: str | None = None, timeout: float = 10.0, offline: bool = False) -> "Model":
    """A catalog-like Model for any Hub repo (``estimate hf:ORG/NAME``), the draft `check hf:` judges too: its Hub
    data from the cache (under 7 days old, or offline) or the Hub, its config.json, or a GGUF repo's base model's.
    A gated repo whose config.json cannot be read falls back to the parameter count (with a warning)."""
    from .. import hubrepo
    from ..draft import parse_hf_ref, require_text_generation

    repo = parse_hf_ref(ref)
    session = hubrepo.HubSession(endpoint, timeout, offline)
    got = hubrepo.load(repo, session)
    require_text_generation(got.data, repo)
    model = hubrepo.drafted(got, session)
    for note in got.notes:
        output.warn(note)
    return model


def _store(repo: str, data: "HubRepoData", endpoint: str) -> str:
    """Cache fresh Hub data; returns when it was fetched.  A cache that cannot be written (read-only, full, not a
    folder) is a warning: the data in hand is used all the same."""
    from .. import hubcache

    try:
        stored, _ = hubcache.write(repo, data, endpoint=endpoint)
    except hubcache.CacheWriteError as exc:
        output.warn(f"{exc.message}; continuing without caching it.")
        return hubcache.now_iso()
    return stored.fetched_at


def _check_folder(folder: Path, *, chosen: bool) -> None:
    """Refuse, before anything is fetched, a destination that is not a folder or cannot be written."""
    import os

    flag = "--output" if chosen else "The catalog folder"
    hint = "Choose a writable folder with --output DIR."
    probe = folder
    try:
        while not probe.exists() and probe != probe.parent:  # the nearest existing folder is where it gets made
            probe = probe.parent
        if not probe.is_dir():
            raise UsageError(f"{flag} {folder}: {probe} is a file, not a folder.", hint)
        writable = os.access(probe, os.W_OK)
    except (OSError, ValueError) as exc:
        raise UsageError(f"{flag} {folder} cannot be used ({exc}).", hint) from None
    if not writable:
        raise UsageError(f"{flag} {folder} cannot be written ({probe} is read-only or not yours).", hint)


def _write_draft(dest: Path, text: str) -> None:
    from ..atomic import write_atomic

    try:
        write_atomic(dest, text.encode("utf-8"))
    except OSError as exc:
        raise UsageError(
            f"Cannot write {dest}: {exc.strerror or type(exc).__name__}.",
            "Choose a writable folder with free space with --output DIR.",
        ) from None
