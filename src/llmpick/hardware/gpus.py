"""The GPU table (``data/gpus.csv``, read on first use) and the lookup of a card by name.

Memory in the table is GiB per card (a "24 GB" RTX 4090 carries 24 GiB); here it becomes bytes.  Bandwidths
stay GB/s (10^9 bytes/s), as vendors publish them.  Every row names its source.

A row of kind ``apple`` or ``unified`` is a whole machine whose CPU and GPU share one memory (an Apple chip, a
Ryzen AI Max, a DGX Spark, a Jetson): its memory is the machine's RAM, given in the table only when the machine is
sold in one size.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import UsageError
from ..units import GIB, shown


@dataclass(frozen=True, slots=True)
class GpuSpec:
    """One row of ``data/gpus.csv``."""

    key: str
    name: str
    vendor: str
    kind: str
    # Memory per card; for a unified machine its memory when sold in one size (DGX Spark: 128 GiB), else None
    # (Apple chips, Ryzen AI Max: the machine's RAM, given as --ram or 'M2 Max 64GB').
    vram_bytes: int | None
    bandwidth_gbs: float | None
    aliases: tuple[str, ...]
    source: str
    # Peak dense FP16 TFLOPS for prompt processing (speed.py's prefill); None when no source gave it.
    fp16_tflops: float | None = None

    @property
    def is_apple(self) -> bool:
        return self.vendor == "apple"

    @property
    def unified(self) -> bool:
        """A whole machine with unified memory (an Apple chip or a ``unified`` row), not a card with its own VRAM."""
        return self.kind in UNIFIED_KINDS


UNIFIED_KINDS = frozenset({"apple", "unified"})


_NOISE = ("nvidia", "geforce", "amd", "radeon", "intel", "apple", "graphics", "tesla", "instinct")
_NOISE_RE = re.compile(rf"\b(?:{'|'.join(_NOISE)})\b")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# A memory size after the name: 'RTX 4090 24GB', 'RTX 4090 (24 GB)', 'A100-80G'.
_MEM_SUFFIX = re.compile(r"[\s_(-]+\d+\s*(?:gb|gib|g)\)?\s*$", re.IGNORECASE)


def normalize(name: str) -> str:
    """'NVIDIA GeForce RTX 4090' -> 'rtx4090'; vendor words, spaces, dashes and case do not matter."""
    return _NOT_ALNUM.sub("", _NOISE_RE.sub(" ", name.lower()))


@lru_cache(maxsize=1)
def gpu_table() -> tuple[GpuSpec, ...]:
    """The built-in GPU table, read on first use."""
    from importlib.resources import files

    text = files("llmpick.data").joinpath("gpus.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    return tuple(
        GpuSpec(
            key=r["key"],
            name=r["name"],
            vendor=r["vendor"],
            kind=r["kind"],
            vram_bytes=round(float(r["vram_gib"]) * GIB) if r["vram_gib"] else None,
            bandwidth_gbs=float(r["bandwidth_gbs"]) if r["bandwidth_gbs"] else None,
            aliases=tuple(a.strip() for a in r["aliases"].split(";") if a.strip()),
            source=r["source"],
            fp16_tflops=float(r["fp16_tflops"]) if r.get("fp16_tflops") else None,
        )
        for r in rows
    )


@lru_cache(maxsize=1)
def _index() -> dict[str, GpuSpec]:
    idx: dict[str, GpuSpec] = {}
    for spec in gpu_table():
        for n in (spec.key, spec.name, *spec.aliases):
            idx.setdefault(normalize(n), spec)
    return idx


def find_exact(name: str) -> GpuSpec | None:
    """A card by its key, name or alias, memory size included ('Jetson AGX Orin 32GB' is its own row)."""
    return _index().get(normalize(name))


def find_gpu(name: str) -> GpuSpec | None:
    """Look a card up by name or alias; a trailing memory size ('RTX 3060 12GB') is tolerated."""
    idx = _index()
    key = normalize(name)
    if key in idx:
        return idx[key]
    stripped = normalize(_MEM_SUFFIX.sub("", name))
    if stripped and stripped in idx:
        return idx[stripped]
    return None


def find_unified_machine(text: str, ram_bytes: int | None = None) -> GpuSpec | None:
    """The unified-memory machine (not Apple) that a system string names, e.g. a CPU's model name 'AMD RYZEN AI
    MAX+ 395 w/ Radeon 8060S' or a device-tree model 'NVIDIA Jetson AGX Orin Developer Kit': the row with the longest
    of its names inside the text; among rows that differ only by memory, the one closest to ``ram_bytes``."""
    norm = normalize(text)
    hits: list[tuple[int, GpuSpec]] = []
    for spec in gpu_table():
        if spec.kind != "unified":
            continue
        labels = {normalize(_MEM_SUFFIX.sub("", n)) for n in (spec.name, *spec.aliases)}
        longest = max((len(label) for label in labels if len(label) >= 4 and label in norm), default=0)
        if longest:
            hits.append((longest, spec))
    if not hits:
        return None
    top = max(n for n, _ in hits)
    best = [s for n, s in hits if n == top]
    if ram_bytes:
        best.sort(key=lambda s: abs((s.vram_bytes or ram_bytes) - ram_bytes))
    return best[0]


def lookup_gpu(name: str) -> GpuSpec:
    """Like :func:`find_gpu`, but an unknown name is a usage error that suggests close names."""
    spec = find_gpu(name)
    if spec is not None:
        return spec
    from difflib import get_close_matches

    idx = _index()
    close = get_close_matches(normalize(name), list(idx), n=4, cutoff=0.6)
    names = list(dict.fromkeys(idx[c].name for c in close))
    hint = f"Did you mean: {', '.join(names)}? " if names else ""
    raise UsageError(
        f"Unknown GPU {shown(name)}.",
        f"{hint}Run `llmpick hardware --list-gpus` for the table, or give the memory with --vram GIB.",
    )
