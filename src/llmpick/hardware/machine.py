"""The machine as values: :class:`Gpu` and :class:`Hardware`, with what a model may use of them.

A :class:`Hardware` is frozen, and what the recommender asks of it in its inner loops (bytes each card may
hold, bytes of RAM a model may use, the bandwidth a decode stream sees, whether the cards are equal) is
computed once, when it is built, not on every call.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..units import GIB, gib, gib_whole

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


# AMD Ryzen AI Max ("Strix Halo"): the GPU uses what the firmware reserves for it (the "UMA frame buffer") plus what
# the kernel lets it map (GTT).  AMD's Variable Graphics Memory gives it up to 96 GB of a 128 GB machine on Windows
# (www.amd.com/en/blogs/2025/faqs-amd-variable-graphics-memory-vram-ai-model-sizes-quantization-mcp-more.html: "the
# AMD Ryzen AI Max+ 395 (128GB) processor with 96GB of Variable Graphics Memory"), that is 75 %.  On Linux the GTT
# limit defaults to about half of RAM and `amd-ttm --set N` raises it (ROCm docs, "AMD RDNA3.5 system
# optimization").  People who buy these machines for models raise it, so llmpick plans for the 75 % AMD documents;
# --unified-share 0.5 describes an untouched Linux kernel, 0.9 a TTM limit raised further.
AMD_UNIFIED_SHARE = 0.75


def nvidia_unified_share(ram_bytes: int) -> float:
    """DGX Spark (GB10) and Jetson: CUDA allocates from the memory the OS uses, with no fixed carve-out.

    llama.cpp's CUDA backend takes the GPU's free memory from /proc/meminfo's MemAvailable on these machines
    (ggml-org/llama.cpp PR #17368, "DGX Spark: UMA support"), so the GPU may use what the OS does not: all but the
    headroom llmpick leaves the OS on any machine (max(2 GiB, 10 %)).  On a 128 GiB DGX Spark that is 115 GiB, a little
    under the ~117 GiB MemAvailable a Spark shows with its page cache dropped (a user's report:
    huggingface.co/nvidia/GLM-5.3-Flash-FP4-Local/discussions/7).
    """
    if ram_bytes <= 0:
        return 1 - RAM_OS_SHARE
    return round(max(0.0, 1 - ram_os_headroom(ram_bytes) / ram_bytes), 4)


def unified_gpu_share(vendor: str | None, ram_bytes: int) -> float:
    """The default share of unified memory the GPU may use, by the maker of the machine's chip.

    Apple and an unnamed unified machine (--unified alone): macOS's rule (:func:`apple_gpu_share`); AMD (Ryzen AI
    Max): :data:`AMD_UNIFIED_SHARE`; NVIDIA (DGX Spark, Jetson): :func:`nvidia_unified_share`.
    """
    if vendor == "amd":
        return AMD_UNIFIED_SHARE
    if vendor == "nvidia":
        return nvidia_unified_share(ram_bytes)
    return apple_gpu_share(ram_bytes)


def unified_share_basis(vendor: str | None) -> str | None:
    """Why the GPU gets its default share and how to change it, for a note (None for Apple, whose rule is known)."""
    if vendor == "amd":
        return (
            "the most AMD's Variable Graphics Memory gives it (96 of 128 GB). An untouched Linux kernel lets the GPU "
            "map only about half of RAM: then pass --unified-share 0.5, or raise the limit with amd-ttm."
        )
    if vendor == "nvidia":
        return "all but the OS headroom, as CUDA allocates from the memory the OS uses; --unified-share overrides it."
    return None


@dataclass(frozen=True, slots=True)
class Gpu:
    name: str
    vram_bytes: int
    bandwidth_gbs: float | None
    vendor: str | None = None
    source: str = "flag"  # "flag", "table:<key>", "detected (nvml)", "config"
    unified: bool = False  # the chip of a unified-memory machine (its memory is the machine's RAM), not a card
    in_use_bytes: int = 0  # memory other programs held on this card when it was detected (NVML); 0 when given


@dataclass(frozen=True, slots=True)
class Hardware:
    """One machine (``nodes`` identical ones for multi-machine serving).

    The derived figures below are filled in by ``__post_init__`` (``dataclasses.replace`` recomputes them):

    * ``usable_card_bytes``: bytes each card may hold, before the per-card runtime overhead (the reserve comes
      off card 0, each card's detected in-use memory off that card unless ``count_in_use`` is off; with unified
      memory, one "card": the GPU's share of RAM);
    * ``usable_ram_bytes``: bytes of RAM a model may use (after the OS headroom, the GPU's share of unified
      memory, and the reserve when there is no GPU), or None when RAM is unknown;
    """

    gpus: tuple[Gpu, ...] = ()
    ram_bytes: int | None = None
    ram_bandwidth_gbs: float | None = None
    unified: bool = False
    unified_share: float | None = None
    reserve_bytes: int = 0
    # Whether each card's detected in-use memory comes off what a model may use (off when --reserve is given).
    count_in_use: bool = True
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
        share = self.unified_share
        if share is None:
            share = unified_gpu_share(self.gpus[0].vendor if self.gpus else None, self.ram_bytes or 0)
        caps = _card_capacities(self, share)
        put = object.__setattr__  # frozen: the derived fields are set once, here
        put(self, "_gpu_share", share)
        put(self, "usable_card_bytes", caps)
        put(self, "usable_ram_bytes", _ram_capacity(self, caps, share))
        put(self, "_gpu_bandwidth", _gpu_bandwidth(self))
        put(self, "_equal_cards", len({(g.name, g.vram_bytes) for g in self.gpus}) <= 1)

    def gpu_share(self) -> float:
        """Share of unified memory the GPU may use: --unified-share, else the platform's default
        (:func:`unified_gpu_share`)."""
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
        in_use = sum(g.in_use_bytes for g in self.gpus)
        if in_use and not self.unified:
            counted = "" if self.count_in_use else ", not counted (--reserve given)"
            parts.append(f"{gib(in_use)} already in use on the GPUs{counted}")
        if self.nodes > 1:
            parts.append(f"x {self.nodes} nodes")
        return ", ".join(parts)


def _card_capacities(hw: Hardware, share: float) -> tuple[int, ...]:
    if hw.unified:
        if not hw.ram_bytes:
            return ()
        return (max(0, int(hw.ram_bytes * share) - hw.reserve_bytes),)
    caps = [max(0, g.vram_bytes - (g.in_use_bytes if hw.count_in_use else 0)) for g in hw.gpus]
    if caps:
        caps[0] = max(0, caps[0] - hw.reserve_bytes)
    return tuple(caps)


def _ram_capacity(hw: Hardware, caps: tuple[int, ...], share: float) -> int | None:
    if hw.ram_bytes is None:
        return None
    free = hw.ram_bytes - ram_os_headroom(hw.ram_bytes)
    if hw.unified:
        # The GPU's whole share, reserve included: a reserve on unified memory is kept free, not handed to the CPU.
        free -= int(hw.ram_bytes * share) if caps else 0
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
