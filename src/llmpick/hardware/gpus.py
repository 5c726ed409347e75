"""The GPU table (``data/gpus.csv``, read on first use) and the lookup of a card by name.

Memory in the table is GiB per card (a "24 GB" RTX 4090 carries 24 GiB); here it becomes bytes.  Bandwidths
stay GB/s (10^9 bytes/s), as vendors publish them.  Every row names its source.
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
    vram_bytes: int | None  # None for Apple chips: their memory is the machine's RAM
    bandwidth_gbs: float | None
    aliases: tuple[str, ...]
    source: str

    @property
    def is_apple(self) -> bool:
        return self.vendor == "apple"


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
