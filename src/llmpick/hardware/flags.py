"""The hardware flags as typed (``--vram``, ``--gpu``, ``--ram``, ...) and the parsing of their values.

``--vram`` and ``--ram`` are GiB (2^30 bytes): a "24 GB" card such as the RTX 4090 carries 24 GiB, so
``--vram 24`` describes it exactly.  Bandwidths are GB/s (10^9 bytes/s).  Every number goes through
:func:`llmpick.units.parse_quantity` with its valid range (``units.CARD_MEMORY``, ``units.CARDS``, ...): a bad
value is a UsageError (exit 2) that names the flag and shows a good value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import UsageError
from ..units import (
    BANDWIDTH,
    CARD_MEMORY,
    CARDS,
    GIB,
    MEMORY,
    MEMORY_OR_ZERO,
    NODES,
    SHARE,
    Quantity,
    parse_gib_bytes,
    parse_int,
    parse_quantity,
    shown,
)
from .gpus import GpuSpec, find_exact, find_gpu, lookup_gpu
from .machine import Gpu

# The flags that describe the whole machine: given any of them, neither the profile nor detection is used.
MACHINE_FLAGS = ("vram", "gpus", "gpu", "ram", "unified")
# Every flag a config profile may set (all but --profile itself).
PROFILE_KEYS = frozenset({*MACHINE_FLAGS, "ram_bandwidth", "unified_share", "reserve", "nodes"})
# --gpu names a few cards ('2x RTX 3090 + RTX 4090'); 128 of them fit in far fewer characters.  Longer text is
# refused before any pattern runs on it (the name patterns are quadratic on long runs of spaces).
GPU_TEXT_LIMIT = 1000


@dataclass
class HardwareFlags:
    """The hardware flags: text where the user types free text (sizes, names), checked numbers elsewhere."""

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
        gpus: int | str | None = None,
        ram: str | float | None = None,
        ram_bandwidth: str | float | None = None,
        unified: bool | None = None,
        unified_share: float | str | None = None,
        reserve: str | float | None = None,
        nodes: int | str | None = None,
        profile: str | None = None,
    ) -> HardwareFlags:
        """Flags from the command line's text or from Python values: numbers where the CLI takes text, a list of
        sizes for ``vram`` (``vram=[24, 24]`` is ``--vram 24,24``).  Counts and shares are checked here."""
        if vram is not None and not isinstance(vram, (str, int, float)):
            vram = ",".join(_text(v, CARD_MEMORY, "--vram") or "" for v in vram)
        return cls(
            vram=_text(vram, CARD_MEMORY, "--vram"),
            gpus=None if gpus is None else parse_int(gpus, CARDS, "--gpus"),
            gpu=gpu,
            ram=_text(ram, MEMORY, "--ram"),
            ram_bandwidth=_text(ram_bandwidth, BANDWIDTH, "--ram-bandwidth"),
            unified=parse_bool(unified, "--unified"),
            unified_share=None if unified_share is None else parse_quantity(unified_share, SHARE, "--unified-share"),
            reserve=_text(reserve, MEMORY_OR_ZERO, "--reserve"),
            nodes=None if nodes is None else parse_int(nodes, NODES, "--nodes"),
            profile=profile,
        )


def _text(value: object, kind: Quantity, flag: str) -> str | None:
    """A Python value as the flag's text; a number is checked first (a bool, NaN, or an int too long for
    ``str()`` is refused here, as the text would be later)."""
    if value is None or isinstance(value, str):
        return value
    parse_quantity(value, kind, flag)
    return str(value)


def parse_bool(value: object, flag: str) -> bool | None:
    """A real boolean (or None): never the text 'false', which ``bool()`` would make True."""
    if value is None or isinstance(value, bool):
        return value
    raise UsageError(f"{flag}: {shown(value)} is not true or false.", "Write true or false, without quotes.")


def parse_gib(text: object, flag: str, *, allow_zero: bool = False) -> int:
    """'24' / '24GB' / '24 GiB' -> bytes (the number is always GiB), a machine's memory (``units.MEMORY``)."""
    return parse_gib_bytes(text, MEMORY_OR_ZERO if allow_zero else MEMORY, flag)


def parse_bandwidth(text: object, flag: str) -> float:
    """A bandwidth in GB/s ('51.2', '51.2 GB/s')."""
    return parse_quantity(text, BANDWIDTH, flag)


def parse_positive(text: object, flag: str, example: str = "51.2") -> float:
    """A bandwidth in GB/s: :func:`parse_bandwidth` (the name older callers use)."""
    return parse_bandwidth(text, flag)


_ZERO = re.compile(r"^\s*0*\.?0*\s*(gib|gb|g)?\s*$", re.IGNORECASE)


def parse_vram(text: str, gpus: int | None, flag: str = "--vram") -> list[int]:
    """'24' (x --gpus) or a per-card list '24,24,12' -> bytes per card; '0' alone is a machine without a GPU (what
    people type to mean "no GPU")."""
    if _ZERO.match(str(text)) and any(c == "0" for c in str(text)):
        if gpus is not None:
            raise UsageError(
                f"{flag} 0 means no GPU; it does not go with --gpus {gpus}.", "Drop --gpus, or give a size."
            )
        return []
    parts = str(text).split(",")
    if len(parts) > CARDS.high:
        raise UsageError(
            f"{flag}: {len(parts):,} cards; one machine has {CARDS.bounds()}.", "For several machines use --nodes N."
        )
    if len(parts) > 1 and any(not p.strip() for p in parts):
        raise UsageError(f"{flag}: {shown(text)} has an empty entry.", "Give one size per card: --vram 24,24,12.")
    sizes = [parse_gib_bytes(p, CARD_MEMORY, flag) for p in parts]
    if len(sizes) > 1:
        if gpus is not None and gpus != len(sizes):
            raise UsageError(
                f"--vram lists {len(sizes)} cards but --gpus says {gpus}.",
                "Give either a per-card list (--vram 24,24) or one size with --gpus N, not both.",
            )
        return sizes
    return sizes * (gpus or 1)


_COUNT = re.compile(r"^\s*(?:([0-9]{1,3})\s*[x×*]\s+(\S.*?)|(.+?)\s+[x×*]\s*([0-9]{1,3}))\s*$", re.IGNORECASE)
_MACHINE_MEM = re.compile(r"^(.*?)[\s(]*([0-9]+)\s*(gb|gib|g)\)?\s*$", re.IGNORECASE)
# Cards are separated by ',' or '+'; the '+' of 'Ryzen AI Max+ 395' (a '+' right after 'Max', before the model
# number) is part of the name.
_SEPARATOR = re.compile(r"\s*(?:,|(?<![Mm][Aa][Xx])\+|\+(?!\s*(?:[Pp][Rr][Oo]\s+)?[0-9]{3}\b))\s*")


def parse_gpu(text: str) -> tuple[list[Gpu], int | None]:
    """'RTX 4090', '2x RTX 3090', 'RTX 3090 x2', '4090 + 3090', 'M2 Max 64GB', 'DGX Spark' -> cards, and the
    memory of a unified-memory machine when the name or the table gives it ('M2 Max 64GB': 64 GiB; 'DGX Spark':
    128 GiB; 'Ryzen AI Max+ 395': None, the memory comes from --ram)."""
    text = str(text)
    if not text.strip():
        raise UsageError("--gpu: the value is empty; give a card's name.", "For example: --gpu 'RTX 4090'.")
    if len(text) > GPU_TEXT_LIMIT:
        raise UsageError(
            f"--gpu: {shown(text)} is too long for card names.", "For example: --gpu '2x RTX 3090 + RTX 4090'."
        )
    cards: list[Gpu] = []
    machine_ram: int | None = None
    for chunk in _SEPARATOR.split(text.strip()):
        if not chunk:
            raise UsageError(f"--gpu: {shown(text)} has an empty entry.", "e.g. --gpu '2x RTX 3090'.")
        count, name = 1, chunk
        m = _COUNT.match(chunk)
        if m and (m.group(1) or m.group(4)):
            count = int(m.group(1) or m.group(4))
            name = (m.group(2) or m.group(3)).strip()
        if count < 1:
            raise UsageError(
                f"--gpu: {shown(chunk)} asks for {count} cards.", "Give at least one card, e.g. --gpu '2x RTX 3090'."
            )
        if len(cards) + count > CARDS.high:
            raise UsageError(
                f"--gpu: {shown(text)} describes more than {int(CARDS.high)} cards, more than one machine holds.",
                "For several machines use --nodes N.",
            )
        spec, mem = _find_machine(name, chunk)
        if spec is None:
            spec = find_gpu(name) or lookup_gpu(name)  # lookup_gpu raises with suggestions
        if spec.unified:
            if count != 1 or len(cards) > 0:
                raise UsageError(
                    f"--gpu: the {spec.name} is a whole machine with unified memory; give it alone, once.",
                    f"For example: --gpu '{_example(spec)}'.",
                )
            machine_ram = mem if mem is not None else spec.vram_bytes
            cards.append(Gpu(spec.name, 0, spec.bandwidth_gbs, spec.vendor, f"table:{spec.key}", unified=True))
            continue
        if any(c.unified for c in cards):
            raise UsageError(f"--gpu: the {cards[0].name} is a whole machine; it cannot be combined with other cards.")
        if spec.vram_bytes is None:  # only unified rows may lack a size; a card without one is a data bug
            raise ValueError(f"GPU table row {spec.key!r} has no vram_gib")
        cards += [Gpu(spec.name, spec.vram_bytes, spec.bandwidth_gbs, spec.vendor, f"table:{spec.key}")] * count
    return cards, machine_ram


def _find_machine(name: str, chunk: str) -> tuple[GpuSpec | None, int | None]:
    """A row named exactly ('Jetson AGX Orin 32GB', 'RTX 3060 12GB'), else a unified machine with its memory after
    the name ('M2 Max 64GB', 'Ryzen AI Max+ 395 128GB'), with that memory; (None, None) for anything else."""
    exact = find_exact(name)
    if exact is not None:
        return exact, None
    am = _MACHINE_MEM.match(name)
    if not am:
        return None, None
    cand = find_gpu(am.group(1))
    if cand is None or not cand.unified:
        return None, None
    mem = _machine_memory(am.group(2), chunk, cand)
    if cand.vram_bytes is not None and mem != cand.vram_bytes:
        raise UsageError(
            f"--gpu: {shown(chunk)}: the {cand.name} has {cand.vram_bytes // GIB} GB of memory.",
            f"Write --gpu '{cand.name}', or check the name of your machine in `llmpick hardware --list-gpus`.",
        )
    return cand, mem


def _example(spec: GpuSpec) -> str:
    """How to name this unified machine with its memory, for hints: 'M2 Max 64GB', 'Ryzen AI Max+ 395 128GB'."""
    if spec.vram_bytes is not None:
        return spec.name
    return f"{spec.name.removeprefix('Apple ')} {'64' if spec.is_apple else '128'}GB"


def _machine_memory(digits: str, chunk: str, spec: GpuSpec) -> int:
    """The memory in 'M2 Max 64GB' (GiB, as Apple's "64 GB" is 64 GiB), in the range of a machine's memory."""
    try:
        return parse_gib_bytes(digits, MEMORY, "--gpu")
    except UsageError:
        whose = "a Mac's memory" if spec.is_apple else "the machine's memory"
        raise UsageError(
            f"--gpu: {shown(chunk)}: {whose} must be {MEMORY.bounds()}.",
            f"For example: --gpu '{_example(spec)}'.",
        ) from None
