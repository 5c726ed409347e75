"""The hardware options shared by `recommend`, `check` and `hardware`, and the one call that resolves them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..hardware import Hardware

VramOpt = Annotated[
    str | None,
    typer.Option("--vram", help="GiB per card (2^30 bytes; a '24 GB' card is 24), or a per-card list: 24,24,12."),
]
# Counts and shares are text, parsed by llmpick.units with their ranges (typer's int/float would let 'nan',
# 'inf' and 20-digit counts through, and word their errors differently).
GpusOpt = Annotated[str | None, typer.Option("--gpus", metavar="N", help="Number of cards of --vram size (1-128).")]
GpuOpt = Annotated[
    str | None,
    typer.Option(
        "--gpu", help="Cards by name: 'RTX 4090', '2x RTX 3090', 'M2 Max 64GB'. See `llmpick hardware --list-gpus`."
    ),
]
RamOpt = Annotated[str | None, typer.Option("--ram", help="System RAM in GiB.")]
RamBwOpt = Annotated[
    str | None,
    typer.Option("--ram-bandwidth", help="RAM bandwidth in GB/s (dual-channel DDR4-3200: 51.2, DDR5-5600: 89.6)."),
]
UnifiedOpt = Annotated[
    bool | None,
    typer.Option(
        "--unified/--no-unified", help="Apple-style unified memory: the GPU uses a share of --ram.", show_default=False
    ),
]
UnifiedShareOpt = Annotated[
    str | None,
    typer.Option(
        "--unified-share",
        metavar="SHARE",
        help="Share of unified memory the GPU may use (default: 0.67 up to 36 GiB, else 0.75).",
    ),
]
ReserveOpt = Annotated[
    str | None,
    typer.Option(
        "--reserve",
        help="GiB kept free on the first GPU for the desktop (in RAM when there is no GPU). Given, it replaces "
        "the memory detection found in use on each card (--reserve 0: plan for whole cards).",
    ),
]
NodesOpt = Annotated[
    str | None,
    typer.Option("--nodes", metavar="N", help="Machines like this one for multi-node serving (vLLM over Ray)."),
]
ProfileOpt = Annotated[
    str | None, typer.Option("--profile", help="A named hardware profile from config.yaml in the config dir.")
]


def _hardware(
    vram: str | None,
    gpus: str | None,
    gpu: str | None,
    ram: str | None,
    ram_bandwidth: str | None,
    unified: bool | None,
    unified_share: str | None,
    reserve: str | None,
    nodes: str | None,
    profile: str | None,
) -> Hardware:
    """The machine the flags describe (else the config profile, else this machine as detected)."""
    from ..hardware import resolve_hardware

    return resolve_hardware(
        vram=vram,
        gpus=gpus,
        gpu=gpu,
        ram=ram,
        ram_bandwidth=ram_bandwidth,
        unified=unified,
        unified_share=unified_share,
        reserve=reserve,
        nodes=nodes,
        profile=profile,
    )
