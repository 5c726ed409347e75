"""Human rendering of Hub data: `refresh` outcomes and progress, `catalog verify`, `catalog add`.

Every Hub string is outside data: cells go through :func:`literal` (via ``table``), lines through ``sanitize``.
The results come in computed (``schema.hub`` answers; cache ages from ``hubcache.age_seconds``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from . import color_allowed, info, line, literal, table

if TYPE_CHECKING:
    from ..schema.hub import (
        DiscoverItemOut,
        DiscoverOutcomeKind,
        HubSummaryOut,
        RefreshItemOut,
        RefreshOutcome,
        VerifyDiffOut,
    )


def age(seconds: float | None) -> str:
    """A cache age for people: 'just now', '5m', '3h', '2d'."""
    if seconds is None:
        return "?"
    s = max(0.0, seconds)
    if s < 60:
        return "just now"
    if s < 3600:
        return f"{int(s // 60)}m ago"
    if s < 86400:
        return f"{int(s // 3600)}h ago"
    return f"{int(s // 86400)}d ago"


def number(n: int | None) -> str:
    """A download/like count: 1234 -> 1.2k, 5873211 -> 5.9M."""
    if n is None:
        return "-"
    if n >= 1_000_000:
        return f"{n / 1e6:.1f}M"
    if n >= 1_000:
        return f"{n / 1e3:.1f}k"
    return str(n)


class _NoProgress:
    def advance(self, *_: Any) -> None:
        pass


@contextmanager
def progress(total: int, label: str = "Refreshing") -> Iterator[Any]:
    """A rich progress bar on stderr when stderr is a terminal (and NO_COLOR unset); otherwise nothing."""
    if total <= 0 or not color_allowed(sys.stderr):
        yield _NoProgress()
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import console

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)

        class _Bar:
            def advance(self, *_: Any) -> None:
                bar.advance(task)

        yield _Bar()


def render_refresh(
    outcomes: Sequence[RefreshItemOut], counts: Mapping[RefreshOutcome, int], *, endpoint: str | None, offline: bool
) -> None:
    if not outcomes:
        return
    rows = []
    for o in outcomes:
        detail = o.reason or ", ".join(f"{r.repo}: {r.outcome}" for r in o.repos[1:]) or ""
        rows.append([o.model, o.outcome, detail])
    summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    where = "from the cache (offline: the Hub was not contacted)" if offline else f"from {endpoint}"
    table(["model", "outcome", "detail"], rows, caption=f"{len(outcomes)} model(s): {summary}; {where}")


def render_discover(
    items: Sequence[DiscoverItemOut],
    counts: Mapping[DiscoverOutcomeKind, int],
    *,
    endpoint: str | None,
    offline: bool,
) -> None:
    """`refresh --discover`: the drafts (new, unchanged, failed) in a table; the skipped ones only counted."""
    shown = [i for i in items if i.outcome != "skipped"]
    summary = ", ".join(f"{n} {k}" for k, n in counts.items()) or "nothing listed"
    where = "from the cache (offline: the Hub was not contacted)" if offline else f"from {endpoint}"
    if shown:
        rows = [[i.repo, i.outcome, ", ".join(i.quant_repos) or "-", i.reason or ""] for i in shown]
        table(["model", "outcome", "GGUF repos", "detail"], rows, caption=literal(f"{summary}; {where}"))
    else:
        line(f"No new model to draft ({summary}; {where}).")
    if counts.get("skipped"):
        info("The skipped models and why: `llmpick refresh --discover --format json`.")
    if any(i.outcome in ("drafted", "unchanged", "cached") for i in items):
        info(
            "Drafts are listed and recommended marked * (not curated; --curated leaves them out); "
            "`llmpick catalog promote ID` writes one as a catalog file for review."
        )


def render_verify(diffs: Sequence[VerifyDiffOut], checked: int) -> None:
    if not diffs:
        line(f"{checked} model(s) checked against cached Hub data: no differences.")
        return
    table(
        ["model", "field", "catalog", "hub", "compared with"],
        [[d.model, d.field, d.catalog, d.hub, d.source] for d in diffs],
        caption=f"{len(diffs)} difference(s) in {checked} model(s) checked",
    )
    for d in diffs:
        line(f"{d.file}: {d.field}: catalog has {d.catalog!r}, the Hub says {d.hub!r}")


def render_added(path: str, todos: dict[str, str]) -> None:
    line(f"Wrote {path}")
    if todos:
        line(f"{len(todos)} field(s) to check (marked # TODO in the file):")
        for k, v in todos.items():
            line(f"  {k}: {v}")
    info(f"Then run `llmpick catalog validate {path}`.")


def hub_cells(summary: HubSummaryOut | None, age_seconds: float | None = None) -> list[str]:
    """`list` columns: downloads, likes, last update (with ``age_seconds``, the age of the cached data)."""
    if summary is None:
        return ["-", "-", "-"]
    updated = (summary.last_modified or "?")[:10]
    cached = "cached" if age_seconds is None else f"cached {age(age_seconds)}"
    return [number(summary.downloads), number(summary.likes), f"{updated} ({cached})"]


def hub_line(summary: HubSummaryOut, age_seconds: float | None = None) -> str:
    """`show` fact: '1.5M downloads, 812 likes, last update 2025-01-12 (cached data, fetched 2h ago)'."""
    updated = (summary.last_modified or "?")[:10]
    fetched = "" if age_seconds is None else f", fetched {age(age_seconds)}"
    return (
        f"{number(summary.downloads)} downloads, {number(summary.likes)} likes, last update {updated} "
        f"(cached Hub data{fetched})"
    )
