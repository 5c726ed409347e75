"""The machine as JSON answers show it: `hardware`, `hardware --list-gpus`, and the ``hardware`` of
`recommend` / `check`.  Bytes are integers, bandwidths GB/s (10^9 bytes/s), unknown is null."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from .base import Answer, Lazy


class GpuOut(Lazy):
    """One card of the machine (a unified-memory machine has one: its chip)."""

    name: str
    vram_bytes: int | None = Field(description="memory of this card; null with unified memory")
    bandwidth_gb_per_s: float | None = Field(description="peak memory bandwidth; null when unknown (--vram)")
    vendor: str | None
    source: str = Field(description="where the card came from: flags, config, table:<key>, detected (nvml)")
    in_use_bytes: int = Field(
        default=0,
        description="memory other programs held on this card when detected (NVML); it comes off usable_gpu_bytes "
        "unless --reserve is given; 0 when the card was given",
    )


class HardwareOut(Lazy):
    """The machine llmpick plans for, as detected or given, with where each fact came from."""

    description: str = Field(description="one line for people, e.g. '2x GeForce RTX 3090 (24 GiB, 936 GB/s), ...'")
    origin: str = Field(description="flags, config or detected")
    gpus: list[GpuOut]
    gpu_count: int
    usable_gpu_bytes: list[int] = Field(
        description="per card: bytes a model may use before runtime overhead (the reserve comes off card 0, "
        "the detected in-use memory off each card)"
    )
    ram_bytes: int | None
    usable_ram_bytes: int | None = Field(description="RAM a model may use, after the OS headroom")
    ram_bandwidth_gb_per_s: float | None
    unified: bool
    unified_gpu_share: float | None = Field(
        description="share of unified memory the GPU may use (--unified-share, else the platform's default: macOS's "
        "limit, 0.75 on a Ryzen AI Max, all but the OS headroom on a DGX Spark or Jetson); null otherwise"
    )
    reserve_bytes: int
    nodes: int = Field(description="machines like this one (multi-node serving)")
    sources: dict[str, str] = Field(description="fact -> where it came from (gpus, ram, ram_bandwidth)")
    notes: list[str] = Field(description="what is unknown and the flag that would tell it")


class GpuSpecOut(Lazy):
    """One row of the built-in GPU table."""

    key: str
    name: str
    vendor: str
    kind: str = Field(
        description="consumer, workstation or datacenter (a card); apple or unified (a whole machine whose CPU and "
        "GPU share one memory: an Apple chip, a Ryzen AI Max, a DGX Spark, a Jetson)"
    )
    vram_bytes: int | None = Field(
        description="memory per card; for a unified-memory machine its memory when sold in one size (DGX Spark), "
        "else null (Apple chips, Ryzen AI Max: the memory is the machine's RAM)"
    )
    bandwidth_gb_per_s: float | None
    aliases: list[str]
    source: str


class HardwareAnswer(Answer):
    """`llmpick hardware --format json`."""

    COMMAND: ClassVar[str] = "hardware"
    command: Literal["hardware"] = "hardware"
    item: HardwareOut


class GpuListAnswer(Answer):
    """`llmpick hardware --list-gpus --format json`."""

    COMMAND: ClassVar[str] = "hardware --list-gpus"
    command: Literal["hardware --list-gpus"] = "hardware --list-gpus"
    items: list[GpuSpecOut]
