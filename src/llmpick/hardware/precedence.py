"""Which machine to plan for: command-line flags > the config profile > detection, and the checks on them.

Machine flags (--gpu, --vram, --gpus, --ram, --unified) describe the whole machine: neither the profile nor
detection is consulted then.  Without them, the config profile is used, else this machine is detected; the
other flags (--ram-bandwidth, --reserve, --nodes, --unified-share) apply on top in every case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..errors import UsageError
from ..units import CARDS, GIB, NODES, SHARE, parse_int, parse_quantity
from . import detection
from .flags import PROFILE_KEYS, HardwareFlags, parse_bandwidth, parse_bool, parse_gib, parse_gpu, parse_vram
from .machine import Gpu, Hardware, ram_os_headroom, unified_gpu_share, unified_share_basis
from .profile import load_profile

Detector = Callable[[], detection.Detected]


def resolve_hardware(*, detector: Detector | None = None, **flags: Any) -> Hardware:
    """The machine to plan for, from the CLI's hardware flags as keyword arguments (the Python API).

    ``resolve_hardware(gpu="2x RTX 3090", ram=64)``, ``resolve_hardware(vram="24,24")`` (or ``vram=[24, 24]``,
    ``vram=24, gpus=2``); sizes in GiB, bandwidths in GB/s.  The keywords are :meth:`HardwareFlags.of`'s; an
    unknown one is a TypeError.  With no machine flag, the config profile, else detection.  Bad or conflicting
    values raise :class:`~llmpick.errors.UsageError`, as the CLI's exit 2.
    """
    return resolve(HardwareFlags.of(**flags), detector=detector)


def resolve(flags: HardwareFlags, *, detector: Detector | None = None) -> Hardware:
    """Build the :class:`Hardware` to plan for.  Conflicting or bad flags raise UsageError (exit 2)."""
    flags = _check_scalars(flags)
    if flags.any_machine_flag():
        return _from_flags(flags, origin="flags")
    profile = load_profile(flags.profile)
    if profile is not None and profile.any_machine_flag():
        return _from_flags(_merge(profile, flags), origin="config")
    return _from_detection((detector or detection.detect)(), flags)


def with_nodes(hw: Hardware, nodes: int) -> Hardware:
    return replace(hw, nodes=nodes)


def _from_detection(d: detection.Detected, flags: HardwareFlags) -> Hardware:
    reserve = parse_gib(flags.reserve, "--reserve", allow_zero=True) if flags.reserve is not None else 0
    ram_bw = d.ram_bandwidth_gbs
    notes = list(d.notes)
    sources = dict(d.sources)
    if flags.ram_bandwidth is not None:
        ram_bw = parse_bandwidth(flags.ram_bandwidth, "--ram-bandwidth")
        sources["ram_bandwidth"] = "flags"
        notes = [n for n in notes if not n.startswith("RAM bandwidth is not detected")]
    if flags.unified_share is not None and not d.unified:
        raise UsageError("--unified-share only applies to unified memory, and none was detected.")
    hw = Hardware(
        gpus=tuple(d.gpus),
        ram_bytes=d.ram_bytes,
        ram_bandwidth_gbs=ram_bw,
        unified=d.unified,
        unified_share=flags.unified_share,
        reserve_bytes=reserve,
        # --reserve, when given, says what to keep free instead of what detection found in use (--reserve 0: all).
        count_in_use=flags.reserve is None,
        nodes=flags.nodes or 1,
        origin="detected",
        notes=tuple(notes),
        sources=sources,
    )
    _check_reserve(hw)
    return hw


def _merge(base: HardwareFlags, over: HardwareFlags) -> HardwareFlags:
    values = {k: getattr(over, k) if getattr(over, k) is not None else getattr(base, k) for k in PROFILE_KEYS}
    return HardwareFlags(**values, profile=over.profile)


def _check_scalars(f: HardwareFlags) -> HardwareFlags:
    """The flags with their counts, share and switch checked (for flags built directly, not by ``.of``)."""
    if f.profile is not None and not f.profile.strip():
        raise UsageError("--profile: the value is empty; give a profile's name.", "For example: --profile laptop.")
    if f.gpus is not None and not isinstance(f.gpus, bool) and f.gpus in (0, "0"):
        raise UsageError("--gpus must be at least 1 (got 0).", "For a machine without a GPU give only --ram GIB.")
    return replace(
        f,
        gpus=None if f.gpus is None else parse_int(f.gpus, CARDS, "--gpus"),
        nodes=None if f.nodes is None else parse_int(f.nodes, NODES, "--nodes"),
        unified_share=None if f.unified_share is None else parse_quantity(f.unified_share, SHARE, "--unified-share"),
        unified=parse_bool(f.unified, "--unified"),
    )


def _check_card_flags(f: HardwareFlags) -> None:
    if f.vram is not None and f.gpu is not None:
        raise UsageError(
            "--vram and --gpu both describe the cards; give one of them.",
            "--gpu 'RTX 4090' knows the size and bandwidth; --vram 24 gives only the size.",
        )
    if f.gpus is not None and f.gpu is not None:
        raise UsageError(
            "--gpus goes with --vram; with --gpu write the count in the name.", "e.g. --gpu '2x RTX 3090'."
        )
    if f.gpus is not None and f.vram is None:
        raise UsageError("--gpus needs --vram (the size of each card).", "e.g. --vram 24 --gpus 2.")


def _from_flags(f: HardwareFlags, origin: str) -> Hardware:
    f = _check_scalars(f)
    _check_card_flags(f)
    sources: dict[str, str] = {}
    gpus: list[Gpu] = []
    unified = bool(f.unified)
    ram = parse_gib(f.ram, "--ram") if f.ram is not None else None
    if ram is not None:
        sources["ram"] = origin
    ram_bw = parse_bandwidth(f.ram_bandwidth, "--ram-bandwidth") if f.ram_bandwidth is not None else None
    if ram_bw is not None:
        sources["ram_bandwidth"] = origin
    if f.vram is not None:
        if unified:
            raise UsageError("--unified describes shared memory: give --ram GIB (and --gpu 'M2 Max'), not --vram.")
        gpus = [Gpu(f"{s / GIB:g} GiB GPU", s, None, None, origin) for s in parse_vram(f.vram, f.gpus)]
        sources["gpus"] = origin
    elif f.gpu is not None:
        gpus, machine_ram = parse_gpu(f.gpu)
        sources["gpus"] = f"{origin} (GPU table)"
        chip = gpus[0] if gpus and gpus[0].unified else None
        if unified and chip is None:
            raise UsageError(
                f"--unified describes memory shared by CPU and GPU, but the {gpus[0].name} has its own VRAM.",
                "Drop --unified for this card; for a unified-memory machine give its chip, e.g. --gpu 'M2 Max 64GB'"
                " or --gpu 'DGX Spark'.",
            )
        if chip is not None:
            if f.unified is False:
                raise UsageError(f"The {chip.name} always has unified memory; drop --no-unified.")
            unified = True
            if machine_ram is not None and ram is not None and machine_ram != ram:
                raise UsageError(
                    f"--gpu says {machine_ram // GIB} GB but --ram says {ram / GIB:g} GiB; give one of them."
                )
            ram = ram if ram is not None else machine_ram
            if ram is None:
                size = _example_size(chip)
                raise UsageError(
                    f"{chip.name}: how much memory does this machine have?",
                    f"e.g. --gpu '{chip.name.removeprefix('Apple ')} {size}GB' or --ram {size}.",
                )
            sources["ram"] = origin
            if ram_bw is None:
                ram_bw = chip.bandwidth_gbs
                sources["ram_bandwidth"] = "GPU table (unified memory)"
    if unified and ram is None:
        raise UsageError("--unified needs --ram GIB (the machine's memory, shared by CPU and GPU).")
    if unified and not gpus:
        gpus = [Gpu("unified-memory GPU", 0, ram_bw, None, origin, unified=True)]
    if not unified and f.unified_share is not None:
        raise UsageError(
            "--unified-share only applies with --unified or a unified-memory --gpu (a Mac, a DGX Spark, ...)."
        )
    reserve = parse_gib(f.reserve, "--reserve", allow_zero=True) if f.reserve is not None else 0
    if not gpus and ram is None:
        raise UsageError("No hardware described.", "Give --gpu NAME, --vram GIB or --ram GIB.")
    hw = Hardware(
        gpus=tuple(gpus),
        ram_bytes=ram,
        ram_bandwidth_gbs=ram_bw,
        unified=unified,
        unified_share=f.unified_share,
        reserve_bytes=reserve,
        nodes=f.nodes or 1,
        origin=origin,
        notes=_flag_notes(gpus, unified, ram, ram_bw, f.unified_share),
        sources=sources,
    )
    _check_reserve(hw)
    return hw


def _example_size(chip: Gpu) -> int:
    """A memory size to show in hints: 64 GiB for a Mac, 128 for the other unified machines."""
    return 64 if chip.vendor == "apple" else 128


def _flag_notes(
    gpus: list[Gpu], unified: bool, ram: int | None, ram_bw: float | None, share: float | None = None
) -> tuple[str, ...]:
    notes = []
    basis = unified_share_basis(gpus[0].vendor) if unified and gpus and share is None else None
    if basis is not None and ram:
        notes.append(
            f"{gpus[0].name}: the GPU may use {unified_gpu_share(gpus[0].vendor, ram):.0%} of the memory, {basis}"
        )
    if gpus and any(g.bandwidth_gbs is None for g in gpus) and not unified:
        notes.append("GPU bandwidth unknown with --vram: no speed estimate; --gpu NAME knows it.")
    if ram is None:
        notes.append("RAM not given: CPU offload is not considered; pass --ram GIB.")
    elif ram_bw is None:
        notes.append(
            "RAM bandwidth not given: no speed estimate for the parts in RAM; pass --ram-bandwidth GB/s "
            "(dual-channel DDR4-3200: 51.2, DDR5-5600: 89.6)."
        )
    return tuple(notes)


def _check_reserve(hw: Hardware) -> None:
    if not hw.reserve_bytes:
        return
    if hw.unified:
        total = int((hw.ram_bytes or 0) * hw.gpu_share())
    elif hw.gpus:
        total = hw.gpus[0].vram_bytes
    else:
        total = (hw.ram_bytes or 0) - ram_os_headroom(hw.ram_bytes or 0)
    if hw.reserve_bytes >= total:
        raise UsageError(
            f"--reserve {hw.reserve_bytes / GIB:g} GiB leaves nothing of the {total / GIB:.1f} GiB it comes from.",
            "Use a smaller --reserve (1-2 GiB is typical for a desktop).",
        )
