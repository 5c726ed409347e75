"""Detection of this machine: the only code in llmpick that asks the devices anything.

Best effort, and it never fails: what it could not find becomes a note that names the flag to pass instead.
It runs only when neither flags nor a profile describe the machine, and never in tests (``LLMPICK_NO_DETECT=1``).
Probes: sysctl on Apple silicon, NVML (``nvidia-ml-py``, the ``detect`` extra) for NVIDIA cards, psutil (else
sysconf) for RAM.  AMD and Intel cards and RAM bandwidth are not detected.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field

from .gpus import find_gpu
from .machine import Gpu


@dataclass
class Detected:
    gpus: list[Gpu] = field(default_factory=list)
    ram_bytes: int | None = None
    ram_bandwidth_gbs: float | None = None
    unified: bool = False
    notes: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)


def _probe_nvidia() -> list[tuple[str, int]]:
    """(name, total bytes) per NVIDIA card, through NVML.  Raises ImportError / RuntimeError."""
    # pynvml comes with nvidia-ml-py (the `detect` extra); without it, ImportError, which detect() turns into a note.
    import pynvml  # type: ignore[import-untyped,import-not-found,unused-ignore]

    try:
        pynvml.nvmlInit()
    except Exception as exc:
        raise RuntimeError(f"NVML did not start ({exc})") from None
    try:
        out = []
        for i in range(pynvml.nvmlDeviceGetCount()):
            h = pynvml.nvmlDeviceGetHandleByIndex(i)
            name = pynvml.nvmlDeviceGetName(h)
            if isinstance(name, bytes):
                name = name.decode("utf-8", "replace")
            out.append((str(name), int(pynvml.nvmlDeviceGetMemoryInfo(h).total)))
        return out
    finally:
        with contextlib.suppress(Exception):
            pynvml.nvmlShutdown()


def _probe_ram() -> tuple[int, str]:
    """Total system RAM in bytes and how it was found.  Raises RuntimeError when nothing works."""
    try:
        import psutil  # type: ignore[import-untyped,import-not-found,unused-ignore]

        return int(psutil.virtual_memory().total), "psutil"
    except ImportError:
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")), "sysconf"
    except (AttributeError, ValueError, OSError):
        raise RuntimeError("psutil is not installed and sysconf is not available") from None


def _probe_apple() -> tuple[str, int] | None:
    """(chip name, memory bytes) on Apple silicon via sysctl; None elsewhere."""
    import platform

    if platform.system() != "Darwin" or platform.machine() != "arm64":
        return None
    import subprocess

    def sysctl(key: str) -> str:
        return subprocess.run(
            ["sysctl", "-n", key], capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()

    return sysctl("machdep.cpu.brand_string"), int(sysctl("hw.memsize"))


def detect() -> Detected:
    """Probe this machine.  Never raises; what is missing becomes a note naming the flag to pass."""
    d = Detected()
    if os.environ.get("LLMPICK_NO_DETECT"):
        d.notes.append("Detection is off (LLMPICK_NO_DETECT): describe the machine with --gpu/--vram and --ram.")
        return d
    # Apple first: on a Mac the GPU is the chip and its memory is the RAM.
    try:
        apple = _probe_apple()
    except Exception as exc:
        apple = None
        d.notes.append(f"Apple chip not read ({type(exc).__name__}); pass --gpu 'M2 Max 64GB' or --unified --ram GIB.")
    if apple:
        _apple(d, *apple)
        return d
    _nvidia(d)
    d.notes.append("AMD and Intel GPUs are not detected: pass --gpu NAME (e.g. 'RX 7900 XTX') or --vram GIB.")
    try:
        d.ram_bytes, how = _probe_ram()
        d.sources["ram"] = f"detected ({how})"
    except Exception as exc:
        d.notes.append(f"RAM not detected ({exc}); pass --ram GIB.")
    d.notes.append(
        "RAM bandwidth is not detected: pass --ram-bandwidth GB/s for CPU speed estimates "
        "(dual-channel DDR4-3200: 51.2, DDR5-5600: 89.6)."
    )
    return d


def _apple(d: Detected, chip: str, mem: int) -> None:
    spec = find_gpu(chip)
    d.unified, d.ram_bytes = True, mem
    d.sources.update(ram="detected (sysctl)", gpus="detected (sysctl)")
    if spec is not None and spec.is_apple:
        d.gpus = [Gpu(spec.name, 0, spec.bandwidth_gbs, "apple", "detected (sysctl)")]
        d.ram_bandwidth_gbs = spec.bandwidth_gbs
        d.sources["ram_bandwidth"] = f"table:{spec.key}"
        if spec.key in ("apple-m3-max", "apple-m4-max"):
            d.notes.append(
                f"{chip}: assumed the 40-core GPU ({spec.bandwidth_gbs:g} GB/s); "
                "pass --ram-bandwidth if yours is the smaller chip."
            )
    else:
        d.gpus = [Gpu(chip or "Apple silicon", 0, None, "apple", "detected (sysctl)")]
        d.notes.append(f"'{chip}' is not in the GPU table: pass --ram-bandwidth GB/s for speed estimates.")


def _nvidia(d: Detected) -> None:
    try:
        cards = _probe_nvidia()
    except ImportError:
        d.notes.append(
            "NVIDIA GPUs not probed: nvidia-ml-py is not installed (pip install 'llmpick[detect]'); "
            "or pass --gpu NAME / --vram GIB."
        )
        return
    except Exception as exc:
        d.notes.append(f"No NVIDIA GPU detected ({exc}); pass --gpu NAME or --vram GIB if there is one.")
        return
    d.sources["gpus"] = "detected (nvml)"
    for name, total in cards:
        spec = find_gpu(name)
        bw = spec.bandwidth_gbs if spec else None
        if spec is None:
            d.notes.append(
                f"'{name}' is not in the GPU table: its bandwidth is unknown (no speed estimate); "
                "pass --gpu NAME for a listed card."
            )
        d.gpus.append(Gpu(spec.name if spec else name, total, bw, "nvidia", "detected (nvml)"))
    if not cards:
        d.notes.append("NVML found no NVIDIA GPU.")
