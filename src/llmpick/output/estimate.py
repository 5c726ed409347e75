"""Human rendering of memory estimates: a GiB table with a breakdown bar per row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..units import gib_number
from . import gib, line, table, tokens

if TYPE_CHECKING:
    from ..schema.estimate import MemoryEstimate, QuantOut

BAR_WIDTH = 16
# weights, KV cache, vision, overhead
BAR_CHARS = ("█", "▓", "▒", "░")


def breakdown_bar(parts: Sequence[int | None], scale: int, width: int = BAR_WIDTH) -> str:
    """A bar whose length is total/scale of ``width``, split by part; unknown parts are shown as '?'."""
    if scale <= 0:
        return ""
    out = ""
    for value, ch in zip(parts, BAR_CHARS, strict=False):
        if value is None:
            out += "?"
            continue
        out += ch * round(value / scale * width)
    return out


def memory_rows(rows: Sequence[tuple[MemoryEstimate, int | None]], with_fit: bool) -> tuple[list[Any], list[list[Any]]]:
    scale = max((est.total_bytes or 0 for est, _ in rows), default=0)
    # Hybrids keep a recurrent state per sequence: a column of its own, shown only when a row has one.
    with_state = any(est.state_bytes != 0 for est, _ in rows)
    cols: list[Any] = [
        "quant",
        ("bits/w", "right"),
        ("weights GiB", "right"),
        ("KV GiB", "right"),
        *([("state GiB", "right")] if with_state else []),
        ("other GiB", "right"),
        ("total GiB", "right"),
        "breakdown",
    ]
    if with_fit:
        cols.append(("max context", "right"))
    out = []
    for est, fit in rows:
        kv = gib_number(est.kv_cache_bytes) if est.kv_cache_bytes is not None else "unknown"
        w = (
            "unknown"
            if est.weights_bytes is None
            else gib_number(est.weights_bytes)
            + {"file_size": " (file)", "params": " (params)"}.get(est.basis.get("weights", ""), "")
        )
        vision = est.vision_bytes
        over = est.overhead_bytes + (vision or 0)
        row = [
            est.quant,
            f"{est.bits_per_weight:.2f}" if est.bits_per_weight else "-",
            w,
            kv,
            *([gib_number(est.state_bytes) if est.state_bytes is not None else "unknown"] if with_state else []),
            gib_number(over),
            gib_number(est.total_bytes) if est.total_bytes is not None else "unknown",
            breakdown_bar(
                [est.weights_bytes, (est.kv_cache_bytes or 0) + (est.state_bytes or 0), vision, est.overhead_bytes]
                if est.kv_cache_bytes is not None
                else [est.weights_bytes, None, vision, est.overhead_bytes],
                scale,
            ),
        ]
        if with_fit:
            row.append(f"{fit:,}" if fit else ("unknown" if est.total_bytes is None else "does not fit"))
        out.append(row)
    return cols, out


def render_estimates(model_id: str, rows: Sequence[tuple[MemoryEstimate, int | None]], fit_vram: float | None) -> None:
    if not rows:
        return
    first = rows[0][0]
    ctx = f"{first.context:,} tokens" + (f" x {first.parallel} sequences" if first.parallel > 1 else "")
    title = f"{model_id}: memory at {ctx}, {first.kv_cache_type} KV cache, {first.engine}"
    cols, body = memory_rows(rows, fit_vram is not None)
    caption = (
        f"GiB = 2^30 bytes. Bar: {BAR_CHARS[0]} weights {BAR_CHARS[1]} KV cache (+ state) {BAR_CHARS[2]} vision "
        f"{BAR_CHARS[3]} overhead (other = vision + overhead)."
    )
    if fit_vram is not None:
        caption += f" Max context: longest that fits in {fit_vram:g} GiB."
    table(cols, body, title=title, caption=caption)
    if first.state_bytes:
        line(
            f"Recurrent state: {gib(first.state_bytes, 2)} for {first.parallel} sequence(s), fixed whatever the "
            "context (linear-attention / Mamba / conv layers; only attention layers hold a KV cache)."
        )
    vision = first.vision_bytes
    if vision:
        line(f"Vision encoder + projector: {gib(vision, 2)} (included in overhead column and total).")


def render_quants(quants: Sequence[QuantOut]) -> None:
    """`quants`: the formats llmpick knows."""
    table(
        ["quant", "family", ("bits/weight", "right"), "aliases", "description"],
        [[q.name, q.family, f"{q.bits_per_weight:.2f}", ", ".join(q.aliases) or "-", q.description] for q in quants],
        caption="EXL2 takes any bpw: EXL2-4.65bpw",
    )


def render_memory_grid(contexts: Sequence[int], grid: Sequence[tuple[str, Sequence[MemoryEstimate]]]) -> None:
    """`show`: total GiB per quant (rows) and context (columns), from :func:`llmpick.estimate.memory_grid`."""
    rows = []
    notes: list[str] = []
    for q, ests in grid:
        rows.append([q] + [gib_number(e.total_bytes) + ("*" if e.kv_cache_bytes is None else "") for e in ests])
        notes += [n for n in ests[0].missing if n not in notes]
    if not rows:
        return
    heads = [("tokens " + (tokens(c) or str(c)), "right") for c in contexts]
    caption = "Total GiB (2^30): weights + f16 KV cache + llama.cpp overhead, one sequence."
    if notes:
        caption += " * " + "; ".join(notes)
    table(["quant", *heads], rows, title="Memory (llmpick estimate gives the breakdown)", caption=caption)
