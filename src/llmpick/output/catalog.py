"""Human rendering of `list` and `show`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..units import gib_number
from . import count, line, table, tokens

if TYPE_CHECKING:
    from ..schema import HubSummaryOut, Model

# Drafts of `refresh --discover` (not curated) carry this after their id in tables, explained by DRAFT_LEGEND.
DRAFT_MARK = " *"
DRAFT_LEGEND = "* draft made from the Hub by `refresh --discover`, not curated (--curated leaves drafts out)"


def marked(model_id: str, curated: bool) -> str:
    return model_id if curated else model_id + DRAFT_MARK


def render_list(
    models: Sequence[Model],
    needs: Mapping[str, tuple[int | None, list[str]]],
    hub: Mapping[str, HubSummaryOut | None] | None = None,
) -> None:
    """``needs``: model id -> ``estimate.vram_need``; ``hub``: model id -> cached Hub summary."""
    if not models:
        from . import info

        info("No model matches these filters.")
        return
    from ..schema.models_out import is_curated

    rows: list[list[Any]] = []
    for m in models:
        e = m.entry
        params = count(e.params.total)
        if e.params.active:
            params += f" (A{count(e.params.active)})"
        ctx = tokens(e.arch.max_context)
        need = needs[m.id][0]
        rows.append(
            [
                marked(m.id, is_curated(m)),
                params,
                e.method,
                ctx,
                gib_number(need, 1),
                e.license_class,
                ", ".join(e.uses),
            ]
        )
    columns: list[Any] = [
        "model",
        ("params", "right"),
        "method",
        ("context", "right"),
        ("VRAM GiB", "right"),
        "license",
        "uses",
    ]
    caption = f"{len(models)} model(s); VRAM GiB: Q4_K_M weights + 8K-context f16 KV cache + llama.cpp overhead"
    if hub and any(hub.values()):  # Hub popularity from the cache (`llmpick refresh`)
        from .hub import hub_cells

        columns += [("downloads", "right"), ("likes", "right"), "updated"]
        rows = [r + hub_cells(hub.get(m.id)) for r, m in zip(rows, models, strict=False)]
        caption += "; downloads/likes/updated: cached Hub data"
    if not all(is_curated(m) for m in models):
        caption += "\n" + DRAFT_LEGEND
    table(columns, rows, caption=caption)


def render_show(
    m: Model,
    parents: Sequence[tuple[str, bool]],
    children: Sequence[str],
    hub: HubSummaryOut | None = None,
    license_note: str | None = None,
) -> None:
    """``license_note``: the license's main condition (``licenses.lookup``), shown after the license."""
    e = m.entry
    a = e.arch
    from ..schema.models_out import is_curated

    line(f"{m.id} — {e.name}")
    if not is_curated(m):
        line(f"Draft made from the Hub by `refresh --discover`, not curated: check it, then `catalog promote {m.id}`.")
    line(e.summary)
    line()
    facts: list[list[Any]] = [
        ["family", e.family],
        ["organization", f"{e.organization} ({e.origin or '?'})"],
        ["released", e.released],
        ["method", e.method],
        ["parameters", count(e.params.total) + (f", {count(e.params.active)} active" if e.params.active else "")],
        [
            "license",
            f"{e.license} ({e.license_class})"
            + (", gated" if e.gated else "")
            + (f" — {license_note}" if license_note else ""),
        ],
        ["uses", ", ".join(e.uses) or "-"],
        ["flags", ", ".join(e.flags) or "-"],
        ["modalities", ", ".join(e.modalities)],
        ["languages", ", ".join(e.languages) or "-"],
        ["context", f"{a.max_context} tokens" if a.max_context else None],
    ]
    arch = [f"{k}={v}" for k, v in a.model_dump().items() if v is not None and k != "max_context"]
    facts.append(["architecture", ", ".join(arch) or "-"])
    if e.superseded_by:
        facts.append(["superseded by", e.superseded_by])
    if hub is not None:
        from .hub import hub_line

        facts.append(["on the Hub", hub_line(hub)])
    table(["fact", "value"], facts)
    lineage = [[p, "parent" + ("" if known else " (not in catalog)")] for p, known in parents]
    lineage += [[c, "child"] for c in children]
    if lineage:
        table(["model", "relation"], lineage, title="Lineage")
    if e.scores:
        table(
            ["benchmark", ("value", "right"), "date", "source"],
            [[s.name, f"{s.value:g}", s.date, s.source] for s in e.scores],
            title="Scores",
        )
    if e.artifacts:
        table(
            ["format", "repo", "files"],
            [[x.format, x.repo, ", ".join(f.quant for f in x.files) or "-"] for x in e.artifacts],
            title="Quantized artifacts",
        )
    if e.notes:
        line(f"Notes: {e.notes}")
    line("Sources: " + "; ".join(e.sources))
    line(f"File: {m.path}")
