"""Tables of `hardware` and `hardware --list-gpus`, drawn from their typed answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import gib, info, line, table

if TYPE_CHECKING:
    from ..schema.hardware import GpuSpecOut, HardwareOut


def _bandwidth(gbs: float | None) -> str:
    return f"{gbs:g} GB/s" if gbs else "?"


def _spec_memory(spec: GpuSpecOut) -> str:
    """A card's memory; 'unified' for a unified-memory machine (with its size when it is sold in one)."""
    if spec.kind in ("apple", "unified"):
        return f"{gib(spec.vram_bytes)} unified" if spec.vram_bytes else "unified"
    return gib(spec.vram_bytes) if spec.vram_bytes else "?"


def render_hardware(hw: HardwareOut) -> None:
    """The machine: one line, a row per card, RAM and what models may use; notes on stderr."""
    line(f"{hw.description}   ({hw.origin})")
    rows = [
        [str(i), g.name, gib(g.vram_bytes) if g.vram_bytes else "unified", _bandwidth(g.bandwidth_gb_per_s), g.source]
        for i, g in enumerate(hw.gpus)
    ]
    if rows:
        table(["#", "gpu", ("memory", "right"), ("bandwidth", "right"), "source"], rows)
    line(
        f"RAM: {gib(hw.ram_bytes)}"
        + (f", {hw.ram_bandwidth_gb_per_s:g} GB/s" if hw.ram_bandwidth_gb_per_s else "")
        + f"; usable for models: GPUs {gib(sum(hw.usable_gpu_bytes))}, RAM {gib(hw.usable_ram_bytes)}"
    )
    for n in hw.notes:
        info(f"note: {n}")


def render_gpu_table(specs: Sequence[GpuSpecOut]) -> None:
    """The built-in GPU table, one row per card, with its source."""
    table(
        ["key", "name", "vendor", ("memory", "right"), ("bandwidth", "right"), "source"],
        [
            [
                s.key,
                s.name,
                s.vendor,
                _spec_memory(s),
                _bandwidth(s.bandwidth_gb_per_s),
                s.source,
            ]
            for s in specs
        ],
        caption=(
            f"{len(specs)} cards and unified-memory machines; memory in GiB (2^30 bytes), bandwidth in GB/s "
            "(10^9 bytes/s)"
        ),
    )
