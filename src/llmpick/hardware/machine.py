"""The machine as values: :class:`Gpu` and :class:`Hardware`, with what a model may use of them.

A :class:`Hardware` is frozen, and what the recommender asks of it in its inner loops (bytes each card may
hold, bytes of RAM a model may use, the bandwidth a decode stream sees, whether the cards are equal) is
computed once, when it is built, not on every call.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..units import GIB, gib_whole

# Left for the OS and other programs when a model runs from RAM: max(2 GiB, 10 % of RAM).
RAM_OS_MIN_BYTES = 2 * GIB
RAM_OS_SHARE = 0.10


def ram_os_headroom(ram_bytes: int) -> int:
    return max(RAM_OS_MIN_BYTES, int(ram_bytes * RAM_OS_SHARE))


def apple_gpu_share(ram_bytes: int) -> float:
    """Share of unified memory macOS lets the GPU wire by default (recommendedMaxWorkingSetSize).

    About two thirds on machines with up to 36 GiB, three quarters above (llama.cpp's Metal backend reports it
    at start-up).  `sudo sysctl iogpu.wired_limit_mb=N` raises the limit; --unified-share overrides it here.
    """
    return 0.67 if ram_bytes <= 36 * GIB else 0.75


@dataclass(frozen=True, slots=True)
class Gpu:
    name: str
    vram_bytes: int
    bandwidth_gbs: float | None
    vendor: str | None = None
    source: str = "flag"  # "flag", "table:<key>", "detected (nvml)", "config"


@dataclass(frozen=True, slots=True)
class Hardware:
    """One machine (``nodes`` identical ones for multi-machine serving).

    The derived figures below are filled in by ``__post_init__`` (``dataclasses.replace`` recomputes them):

    * ``usable_card_bytes``: bytes each card may hold, before the per-card runtime overhead (the reserve comes
      off card 0; with unified memory, one "card": the GPU's share of RAM);
    * ``usable_ram_bytes``: bytes of RAM a model may use (after the OS headroom, the GPU's share of unified
      memory, and the reserve when there is no GPU), or None when RAM is unknown;
    """

    gpus: tuple[Gpu, ...] = ()
    ram_bytes: int | None = None
    ram_bandwidth_gbs: float | None = None
    unified: bool = False
    unified_share: float | None = None
    reserve_bytes: int = 0
    nodes: int = 1
    origin: str = "flags"  # "flags", "config", "detected", "flags+config"
    notes: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)

    _gpu_share: float = field(init=False, repr=False, compare=False)
    usable_card_bytes: tuple[int, ...] = field(init=False, repr=False, compare=False)
    usable_ram_bytes: int | None = field(init=False, repr=False, compare=False)
    _gpu_bandwidth: float | None = field(init=False, repr=False, compare=False)
    _equal_cards: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        share = self.unified_share if self.unified_share is not None else apple_gpu_share(self.ram_bytes or 0)
        caps = _card_capacities(self, share)
        put = object.__setattr__  # frozen: the derived fields are set once, here
        put(self, "_gpu_share", share)
        put(self, "usable_card_bytes", caps)
        put(self, "usable_ram_bytes", _ram_capacity(self, caps))
        put(self, "_gpu_bandwidth", _gpu_bandwidth(self))
        put(self, "_equal_cards", len({(g.name, g.vram_bytes) for g in self.gpus}) <= 1)

    def gpu_share(self) -> float:
        """Share of unified memory the GPU may use: --unified-share, else what macOS allows by default."""
        return self._gpu_share

    def card_capacities(self) -> list[int]:
        """Bytes each card may hold, before the per-card runtime overhead.  The reserve comes off card 0.

        A new list over the figures computed once; hot loops read the tuple ``usable_card_bytes``.
        """
        return list(self.usable_card_bytes)

    def ram_capacity(self) -> int | None:
        """Bytes of RAM a model may use (after the OS headroom; the reserve too when there is no GPU)."""
        return self.usable_ram_bytes

    @property
    def gpu_count(self) -> int:
        return 1 if self.unified and self.ram_bytes else len(self.gpus)

    @property
    def has_gpu(self) -> bool:
        return self.gpu_count > 0

    def gpu_bandwidth_gbs(self) -> float | None:
        """Bandwidth one decode stream sees on the GPUs: the slowest card (layer split does not add them)."""
        return self._gpu_bandwidth

    def equal_cards(self) -> bool:
        return self._equal_cards

    def describe(self) -> str:
        """One human line, e.g. '2x GeForce RTX 3090 (24 GiB, 936 GB/s), 64 GiB RAM'."""
        parts = []
        if self.unified:
            chip = self.gpus[0].name if self.gpus else "unified memory"
            parts.append(f"{chip}, {gib_whole(self.ram_bytes)} unified memory (GPU share {self._gpu_share:.0%})")
        else:
            groups: dict[tuple[str, int, float | None], int] = {}
            for g in self.gpus:
                k = (g.name, g.vram_bytes, g.bandwidth_gbs)
                groups[k] = groups.get(k, 0) + 1
            for (name, vram, bw), n in groups.items():
                bw_s = f", {bw:g} GB/s" if bw else ", bandwidth unknown"
                parts.append(f"{n}x {name} ({gib_whole(vram)}{bw_s})")
            if not self.gpus:
                parts.append("no GPU")
            parts.append(f"{gib_whole(self.ram_bytes)} RAM" if self.ram_bytes else "RAM unknown")
        if self.reserve_bytes:
            parts.append(f"{gib_whole(self.reserve_bytes)} reserved")
        if self.nodes > 1:
            parts.append(f"x {self.nodes} nodes")
        return ", ".join(parts)


def _card_capacities(hw: Hardware, share: float) -> tuple[int, ...]:
    if hw.unified:
        if not hw.ram_bytes:
            return ()
        return (max(0, int(hw.ram_bytes * share) - hw.reserve_bytes),)
    caps = [g.vram_bytes for g in hw.gpus]
    if caps:
        caps[0] = max(0, caps[0] - hw.reserve_bytes)
    return tuple(caps)


def _ram_capacity(hw: Hardware, caps: tuple[int, ...]) -> int | None:
    if hw.ram_bytes is None:
        return None
    free = hw.ram_bytes - ram_os_headroom(hw.ram_bytes)
    if hw.unified:
        free -= caps[0] if caps else 0
    elif not hw.gpus:
        free -= hw.reserve_bytes
    return max(0, free)


def _gpu_bandwidth(hw: Hardware) -> float | None:
    if hw.unified:
        return hw.ram_bandwidth_gbs
    bws = [g.bandwidth_gbs for g in hw.gpus]
    if not bws or any(b is None for b in bws):
        return None
    return min(b for b in bws if b is not None)
