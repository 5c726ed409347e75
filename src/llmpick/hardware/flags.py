"""The hardware flags as typed (``--vram``, ``--gpu``, ``--ram``, ...) and the parsing of their values.

``--vram`` and ``--ram`` are GiB (2^30 bytes): a "24 GB" card such as the RTX 4090 carries 24 GiB, so
``--vram 24`` describes it exactly.  Bandwidths are GB/s (10^9 bytes/s).  A bad value is a UsageError (exit 2)
whose hint shows a good one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import UsageError
from ..units import GIB
from .gpus import find_gpu, lookup_gpu
from .machine import Gpu

# The flags that describe the whole machine: given any of them, neither the profile nor detection is used.
MACHINE_FLAGS = ("vram", "gpus", "gpu", "ram", "unified")
# Every flag a config profile may set (all but --profile itself).
PROFILE_KEYS = frozenset({*MACHINE_FLAGS, "ram_bandwidth", "unified_share", "reserve", "nodes"})


@dataclass
class HardwareFlags:
    """The hardware flags as typed by the user (strings where the user types free text)."""

    vram: str | None = None
    gpus: int | None = None
    gpu: str | None = None
    ram: str | None = None
    ram_bandwidth: str | None = None
    unified: bool | None = None
    unified_share: float | None = None
    reserve: str | None = None
    nodes: int | None = None
    profile: str | None = None

    def any_machine_flag(self) -> bool:
        return any(getattr(self, k) is not None for k in MACHINE_FLAGS)

    @classmethod
    def of(
        cls,
        *,
        gpu: str | None = None,
        vram: str | float | Sequence[float] | None = None,
        gpus: int | None = None,
        ram: str | float | None = None,
        ram_bandwidth: str | float | None = None,
        unified: bool | None = None,
        unified_share: float | None = None,
        reserve: str | float | None = None,
        nodes: int | None = None,
        profile: str | None = None,
    ) -> HardwareFlags:
        """Flags from Python values: numbers where the CLI takes text, a list of sizes for ``vram``
        (``vram=[24, 24]`` is ``--vram 24,24``)."""
        if vram is not None and not isinstance(vram, (str, int, float)):
            vram = ",".join(str(v) for v in vram)
        return cls(
            vram=_text(vram),
            gpus=gpus,
            gpu=gpu,
            ram=_text(ram),
            ram_bandwidth=_text(ram_bandwidth),
            unified=unified,
            unified_share=unified_share,
            reserve=_text(reserve),
            nodes=nodes,
            profile=profile,
        )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


_SIZE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(gib|gb|g)?\s*$", re.IGNORECASE)


def parse_gib(text: object, flag: str, *, allow_zero: bool = False) -> int:
    """'24' / '24GB' / '24 GiB' -> bytes (the number is always GiB)."""
    m = _SIZE.match(str(text))
    if not m:
        raise UsageError(f"{flag}: '{text}' is not a size in GiB.", f"Use a positive number, e.g. {flag} 24.")
    value = float(m.group(1))
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise UsageError(f"{flag}: '{text}' must be a positive number of GiB.", f"e.g. {flag} 24.")
    return round(value * GIB)


def parse_positive(text: object, flag: str, example: str) -> float:
    """A positive number such as a bandwidth ('51.2', '51.2 GB/s')."""
    try:
        value = float(str(text).strip().lower().removesuffix("gb/s").strip())
    except ValueError:
        raise UsageError(f"{flag}: '{text}' is not a number.", f"e.g. {flag} {example}.") from None
    if not math.isfinite(value) or value <= 0:
        raise UsageError(f"{flag}: '{text}' must be a positive number.", f"e.g. {flag} {example}.")
    return value


def parse_vram(text: str, gpus: int | None) -> list[int]:
    """'24' (x --gpus) or a per-card list '24,24,12' -> bytes per card."""
    parts = list(str(text).split(","))
    if any(not p.strip() for p in parts):
        raise UsageError(f"--vram: '{text}' has an empty entry.", "Give one size per card: --vram 24,24,12.")
    sizes = [parse_gib(p, "--vram") for p in parts]
    if len(sizes) > 1:
        if gpus is not None and gpus != len(sizes):
            raise UsageError(
                f"--vram lists {len(sizes)} cards but --gpus says {gpus}.",
                "Give either a per-card list (--vram 24,24) or one size with --gpus N, not both.",
            )
        return sizes
    return sizes * (gpus or 1)


_COUNT = re.compile(r"^\s*(?:(\d{1,3})\s*[x×*]\s+(\S.*?)|(.+?)\s+[x×*]\s*(\d{1,3}))\s*$", re.IGNORECASE)
_APPLE_MEM = re.compile(r"^(.*?)[\s(]*(\d+)\s*(gb|gib|g)\)?\s*$", re.IGNORECASE)


def parse_gpu(text: str) -> tuple[list[Gpu], int | None]:
    """'RTX 4090', '2x RTX 3090', 'RTX 3090 x2', '4090 + 3090', 'M2 Max 64GB' -> cards (and Apple memory)."""
    cards: list[Gpu] = []
    apple_ram: int | None = None
    for chunk in re.split(r"\s*[+,]\s*", str(text).strip()):
        if not chunk:
            raise UsageError(f"--gpu: '{text}' has an empty entry.", "e.g. --gpu '2x RTX 3090'.")
        count, name = 1, chunk
        m = _COUNT.match(chunk)
        if m and (m.group(1) or m.group(4)):
            count = int(m.group(1) or m.group(4))
            name = (m.group(2) or m.group(3)).strip()
        if count < 1:
            raise UsageError(
                f"--gpu: '{chunk}' asks for {count} cards.", "Give at least one card, e.g. --gpu '2x RTX 3090'."
            )
        spec, mem = None, None
        am = _APPLE_MEM.match(name)
        if am:
            cand = find_gpu(am.group(1))
            if cand is not None and cand.is_apple:
                spec, mem = cand, int(am.group(2)) * GIB
        if spec is None:
            spec = find_gpu(name)
        if spec is None:
            spec = lookup_gpu(name)  # raises with suggestions
        if spec.is_apple:
            if count != 1 or len(cards) > 0:
                raise UsageError("--gpu: an Apple chip is the whole machine; give one, e.g. --gpu 'M2 Max 64GB'.")
            apple_ram = mem
            cards.append(Gpu(spec.name, 0, spec.bandwidth_gbs, "apple", f"table:{spec.key}"))
            continue
        if any(c.vendor == "apple" for c in cards):
            raise UsageError("--gpu: an Apple chip cannot be combined with other cards.")
        if spec.vram_bytes is None:  # only Apple rows lack a size; a table without one is a data bug
            raise ValueError(f"GPU table row {spec.key!r} has no vram_gib")
        cards += [Gpu(spec.name, spec.vram_bytes, spec.bandwidth_gbs, spec.vendor, f"table:{spec.key}")] * count
    return cards, apple_ram
