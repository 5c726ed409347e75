"""The machine and the GPU table as the typed JSON of the answers (``schema.hardware``).

pydantic is imported on the first call, not with this package: start-up stays fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .gpus import GpuSpec
from .machine import Hardware

if TYPE_CHECKING:
    from ..schema.hardware import GpuSpecOut, HardwareOut


def report(hw: Hardware) -> HardwareOut:
    """The machine as JSON answers show it: bytes as integers, bandwidths in GB/s, null when unknown."""
    from ..schema.hardware import GpuOut, HardwareOut

    return HardwareOut(
        description=hw.describe(),
        origin=hw.origin,
        gpus=[
            GpuOut(
                name=g.name,
                vram_bytes=g.vram_bytes if not hw.unified else None,
                bandwidth_gb_per_s=g.bandwidth_gbs,
                vendor=g.vendor,
                source=g.source,
                in_use_bytes=g.in_use_bytes if not hw.unified else 0,
            )
            for g in hw.gpus
        ],
        gpu_count=hw.gpu_count,
        usable_gpu_bytes=list(hw.usable_card_bytes),
        ram_bytes=hw.ram_bytes,
        usable_ram_bytes=hw.usable_ram_bytes,
        ram_bandwidth_gb_per_s=hw.ram_bandwidth_gbs,
        unified=hw.unified,
        unified_gpu_share=hw.gpu_share() if hw.unified else None,
        reserve_bytes=hw.reserve_bytes,
        nodes=hw.nodes,
        sources=dict(hw.sources),
        notes=list(hw.notes),
    )


def spec_report(spec: GpuSpec) -> GpuSpecOut:
    """One row of the GPU table as `hardware --list-gpus` shows it."""
    from ..schema.hardware import GpuSpecOut

    return GpuSpecOut(
        key=spec.key,
        name=spec.name,
        vendor=spec.vendor,
        kind=spec.kind,
        vram_bytes=spec.vram_bytes,
        bandwidth_gb_per_s=spec.bandwidth_gbs,
        aliases=list(spec.aliases),
        source=spec.source,
    )


def table_report(specs: Iterable[GpuSpec]) -> list[GpuSpecOut]:
    return [spec_report(s) for s in specs]
