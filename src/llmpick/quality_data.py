"""The tables the ranking's quality model reads: quality kept per quantization, and which benchmarks measure a use.

``data/quant_quality.csv`` gives each quantization the share of full-precision quality it keeps (PPL(f16) /
PPL(quant) on wikitext-2, from llama.cpp's published perplexity deltas and the AWQ paper; its header explains the
columns and the sources).  ``data/use_benchmarks.csv`` says which catalog benchmark scores count twice for each
``--use``.  Both are read on first use.
"""

from __future__ import annotations

import functools
import itertools

from .tables import Row, TableError, read_table

# 1- and 2-bit i-quants: llmpick never picks them unless asked for with --quant (they lose a third of the quality
# or more); llama.cpp's quantizer treats the same six as one family (gguf_rules.py: gguf_tensor_type).
LOW_BIT: frozenset[str] = frozenset({"IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ2_M", "IQ1_S", "IQ1_M"})

# A format with no row (MXFP4, or EXL2 without its bits per weight) is taken to keep 0.9: about Q3_K_M (0.9047),
# below every 4-bit format with a figure, so a format without evidence never outranks one with evidence of its size.
UNKNOWN_KEPT = 0.9

_QUANT_COLUMNS = ("quant", "ppl_f16", "delta_ppl", "kept", "taken_as", "curve_bpw", "basis")


def kept_from_ppl(ppl_f16: float, delta_ppl: float) -> float:
    """Share of quality kept, PPL(f16) / PPL(quant), from a published perplexity increase; 4 places."""
    return round(ppl_f16 / (ppl_f16 + delta_ppl), 4)


def _own_kept(row: Row) -> float | None:
    """The row's kept from its own figures (ppl_f16 + delta_ppl, or kept), None when it is taken_as another."""
    ppl, delta, kept = row.number("ppl_f16"), row.number("delta_ppl"), row.number("kept")
    ways = (ppl is not None or delta is not None) + (kept is not None) + bool(row["taken_as"])
    if ways != 1:
        raise row.error("give exactly one of: ppl_f16 and delta_ppl, kept, taken_as")
    if ppl is not None or delta is not None:
        if ppl is None or delta is None:
            raise row.error("ppl_f16 and delta_ppl go together")
        if ppl <= 0 or delta < 0:
            raise row.error("ppl_f16 must be > 0 and delta_ppl >= 0")
        return kept_from_ppl(ppl, delta)
    if kept is not None and not 0 < kept <= 1:
        raise row.error(f"kept {kept:g} is not in (0, 1]")
    return kept


def _quant_rows() -> tuple[Row, ...]:
    return read_table("quant_quality", _QUANT_COLUMNS, key="quant")


@functools.cache
def quant_quality() -> dict[str, tuple[float, str]]:
    """Every quantization in ``data/quant_quality.csv``: (share of quality kept, its basis), in the table's order."""
    rows = _quant_rows()
    own = {row["quant"]: _own_kept(row) for row in rows}
    out: dict[str, tuple[float, str]] = {}
    for row in rows:
        if not row["basis"]:
            raise row.error("basis is empty: say in a few words what the figure rests on")
        kept = own[row["quant"]]
        if kept is None:
            target = row["taken_as"]
            if target not in own:
                raise row.error(f"taken_as {target!r} has no row")
            kept = own[target]
            if kept is None:
                raise row.error(f"taken_as {target!r} is itself taken_as another row: name that row")
        out[row["quant"]] = (kept, row["basis"])
    return out


@functools.cache
def exl2_curve() -> tuple[tuple[float, float], ...]:
    """(bits per weight, kept) of the rows with a ``curve_bpw``, by bits: the k-quant curve EXL2 is placed on."""
    table = quant_quality()
    points = []
    for row in _quant_rows():
        bpw = row.number("curve_bpw")
        if bpw is not None:
            if bpw <= 0:
                raise row.error("curve_bpw must be > 0")
            points.append((bpw, table[row["quant"]][0]))
    points.sort()
    if len(points) < 2:
        raise TableError("llmpick/data/quant_quality.csv: fewer than two rows with a curve_bpw")
    return tuple(points)


def quant_kept(name: str, bits: float | None = None) -> float:
    """Share of full-precision quality kept by quantization ``name``; EXL2 by its bits per weight."""
    table = quant_quality()
    if name in table:
        return table[name][0]
    if name.startswith("EXL2") and bits:  # interpolate on the k-quant curve
        pts = exl2_curve()
        if bits <= pts[0][0]:
            return pts[0][1] * bits / pts[0][0]
        for (b0, k0), (b1, k1) in itertools.pairwise(pts):
            if bits <= b1:
                return k0 + (k1 - k0) * (bits - b0) / (b1 - b0)
        return 1.0
    return UNKNOWN_KEPT


@functools.cache
def use_benchmarks() -> dict[str, tuple[str, ...]]:
    """For each use, the benchmark score names that measure it (``data/use_benchmarks.csv``), in the table's order."""
    from .schema import USES  # loaded already wherever a ranking is made

    out: dict[str, tuple[str, ...]] = {}
    for row in read_table("use_benchmarks", ("use", "benchmark", "measures")):
        use, bench = row["use"], row["benchmark"]
        if use not in USES:
            raise row.error(f"use {use!r} is not one of {', '.join(USES)}")
        if not bench:
            raise row.error("benchmark is empty")
        if not row["measures"]:
            raise row.error("measures is empty: say what the benchmark tests that makes it a measure of the use")
        if bench in out.get(use, ()):
            raise row.error(f"{use} -> {bench} is listed twice")
        out[use] = (*out.get(use, ()), bench)
    return out


def quant_kept_basis(name: str) -> str:
    """Where a quantization's kept figure comes from, in words (the table's basis column)."""
    return quant_quality().get(name, (UNKNOWN_KEPT, "interpolated"))[1]
