"""Checks of catalog data beyond what the schema can say on its own.

* :func:`entry_problems`: one entry against llmpick's tables: each artifact file names a quantization llmpick
  knows, and its ``size_bytes`` is possible for a model of that size at that quantization;
* :func:`lineage_problems`: across files: no model is its own ancestor, through base models or merge parents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .schema import CatalogEntry

# How far a real file may stray from the formula size (parameters x the format's bits per weight): the formula is
# exact for GGUF mixes within a few percent, while GPTQ/AWQ keep embeddings at 16 bits (a small model with a large
# vocabulary is up to ~3x its linear-layer formula).  A quarter of the formula or less, or four times it or more,
# is not that quantization of that model: a typo, a wrong unit, another model's file, or a part of a split file
# whose name does not say so.
SIZE_LOW, SIZE_HIGH = 0.25, 4.0
SIZE_SLACK = 64 << 20  # tokenizer and metadata, which weigh the most in the smallest files
_SPLIT = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)  # llama.cpp's gguf-split names

Loc = list[Any]


def entry_problems(entry: CatalogEntry) -> list[tuple[Loc, str]]:
    """Problems of one valid entry, each as (location, message): unknown quantization names, impossible sizes."""
    from .errors import UsageError
    from .quant import resolve_quant

    out: list[tuple[Loc, str]] = []
    total = entry.params.total
    for i, art in enumerate(entry.artifacts):
        for j, f in enumerate(art.files):
            loc: Loc = ["artifacts", i, "files", j]
            try:
                fmt = resolve_quant(f.quant)
            except UsageError as exc:
                guess = (exc.hint or "").split("?")[0] + "?" if (exc.hint or "").startswith("Did you mean") else ""
                out.append(([*loc, "quant"], f"unknown quantization {f.quant!r}; `llmpick quants` lists them. {guess}"))
                continue
            if f.size_bytes is None or not total:
                continue
            parts = 1
            split = _SPLIT.search(f.file or "")
            if split and int(split.group(2)) > 0:
                parts = int(split.group(2))
            formula = total * fmt.bits / 8 / parts
            low, high = formula * SIZE_LOW, formula * SIZE_HIGH + SIZE_SLACK
            if not low <= f.size_bytes <= high:
                out.append(
                    (
                        [*loc, "size_bytes"],
                        f"{f.size_bytes:,} byte(s) is impossible for {fmt.name} of a model with {total:,} parameters "
                        f"(expected about {formula:,.0f}{' per part' if parts > 1 else ''}; allowed "
                        f"{low:,.0f} to {high:,.0f}); give the exact size of this file, or null",
                    )
                )
    return out


def lineage_problems(nodes: Iterable[tuple[str, str, str | None, tuple[str, ...]]]) -> list[tuple[str, str, str]]:
    """Lineage loops across files.  ``nodes``: (id, path, base_model, parents) of every model in the catalog.

    Returns (path, field, message) for each model that is its own parent, and for each model on a cycle of
    parents (base models and merge parents alike).  Linear in the number of parent links: one depth-first walk
    with an explicit stack (no recursion, whatever the depth)."""
    nodes = list(nodes)
    info = {mid: (path, base) for mid, path, base, _ in nodes}
    graph = {mid: [p for p in parents if p in info and p != mid] for mid, _, _, parents in nodes}
    out: list[tuple[str, str, str]] = []
    for mid, path, _, parents in nodes:
        if mid in parents:
            field = "base_model" if info[mid][1] == mid else "merge_parents"
            out.append((path, field, "a model cannot be its own parent"))
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    on_cycle: dict[str, tuple[int, list[str]]] = {}  # id -> (its place on the cycle, the cycle)
    for start in graph:
        if start in state:
            continue
        path_ids: list[str] = [start]
        iters = [iter(graph[start])]
        state[start] = 1
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                state[path_ids.pop()] = 2
                iters.pop()
                continue
            if state.get(nxt) == 1:  # a back edge: the path from nxt to here, and back to nxt, is a cycle
                cycle = path_ids[path_ids.index(nxt) :]
                for k, a in enumerate(cycle):
                    on_cycle.setdefault(a, (k, cycle))
            elif nxt not in state:
                state[nxt] = 1
                path_ids.append(nxt)
                iters.append(iter(graph[nxt]))
    for mid, (k, cycle) in on_cycle.items():
        path, base = info[mid]
        parent = cycle[(k + 1) % len(cycle)]
        field = "base_model" if base == parent else "merge_parents"
        out.append((path, field, f"lineage cycle: {_shown(cycle, k)} (each entry names the next as its parent)"))
    return out


def _shown(cycle: list[str], k: int, most: int = 6) -> str:
    """The cycle from its k-th model back to it; a long one by its first and last links."""
    n = len(cycle)
    if n <= most:
        ids = [cycle[(k + i) % n] for i in range(n + 1)]
    else:  # the first links, then the last ones back to the model (each model's message costs the same)
        half = most // 2
        head = [cycle[(k + i) % n] for i in range(half)]
        tail = [cycle[(k + i) % n] for i in range(n - half + 1, n + 1)]
        ids = [*head, f"... {n - 2 * half + 1} more ...", *tail]
    return " -> ".join(ids)
