"""Detection of this machine: the only code in llmpick that asks the devices anything.

Best effort, and it never fails: what it could not find becomes a note that names the flag to pass instead.
It runs only when neither flags nor a profile describe the machine, and never in tests (``LLMPICK_NO_DETECT=1``).
Probes: sysctl on Apple silicon; on Linux the device-tree model and the CPU's model name, which name the
unified-memory machines of the GPU table (Jetson, Ryzen AI Max); NVML (``nvidia-ml-py``, the ``detect`` extra) for
NVIDIA cards and the memory other programs already hold on each (a GB10 is a DGX Spark: unified memory); psutil (else sysconf) for RAM.  AMD and Intel cards and RAM
bandwidth are not detected.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field

from .gpus import GpuSpec, find_gpu, find_unified_machine
from .machine import Gpu


@dataclass
class Detected:
    gpus: list[Gpu] = field(default_factory=list)
    ram_bytes: int | None = None
    ram_bandwidth_gbs: float | None = None
    unified: bool = False
    notes: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)


def _probe_nvidia() -> list[tuple[str, int | None, int]]:
    """(name, total bytes, bytes in use) per NVIDIA card, through NVML; the size is None where NVML does not report
    it (a GB10's memory is the system's), the use 0 then.  In use: what other programs hold now (a desktop's
    display, a browser, another model), ``nvmlDeviceGetMemoryInfo(h).used``.  Raises ImportError / RuntimeError."""
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
            used = 0
            try:
                info = pynvml.nvmlDeviceGetMemoryInfo(h)
                total: int | None = int(info.total)
                used = int(info.used)
            except Exception:  # NVML_ERROR_NOT_SUPPORTED on unified-memory GPUs
                total = None
            out.append((str(name), total, used))
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


def _probe_soc() -> list[str]:
    """What Linux says this machine or its processor is: the device-tree model ('NVIDIA Jetson AGX Orin Developer
    Kit') and the CPU's model name ('AMD RYZEN AI MAX+ 395 w/ Radeon 8060S').  Empty elsewhere."""
    import platform

    if platform.system() != "Linux":
        return []
    out = []
    with contextlib.suppress(OSError), open("/proc/device-tree/model", "rb") as fh:
        out.append(fh.read(256).rstrip(b"\0").decode("utf-8", "replace").strip())
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("model name"):
                out.append(line.split(":", 1)[-1].strip())
                break
    return [s for s in out if s]


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
    try:
        d.ram_bytes, how = _probe_ram()
        d.sources["ram"] = f"detected ({how})"
    except Exception as exc:
        d.notes.append(f"RAM not detected ({exc}); pass --ram GIB.")
    if not _soc(d):
        _nvidia(d)
    if not d.unified:
        d.notes.append("AMD and Intel GPUs are not detected: pass --gpu NAME (e.g. 'RX 7900 XTX') or --vram GIB.")
        d.notes.append(
            "RAM bandwidth is not detected: pass --ram-bandwidth GB/s for CPU speed estimates "
            "(dual-channel DDR4-3200: 51.2, DDR5-5600: 89.6)."
        )
    return d


def _soc(d: Detected) -> bool:
    """A unified-memory machine of the GPU table named by the device tree or the CPU (Jetson, Ryzen AI Max)."""
    try:
        texts = _probe_soc()
    except Exception:
        return False
    for text in texts:
        spec = find_unified_machine(text, d.ram_bytes)
        if spec is not None:
            _unified_machine(d, spec, "detected (/proc)")
            return True
    return False


def _unified_machine(d: Detected, spec: GpuSpec, how: str) -> None:
    """This machine is the table's unified-memory ``spec``: its memory is the RAM, its bandwidth the table's."""
    d.unified = True
    d.gpus = [Gpu(spec.name, 0, spec.bandwidth_gbs, spec.vendor, how, unified=True)]
    d.ram_bandwidth_gbs = spec.bandwidth_gbs
    d.sources.update(gpus=how, ram_bandwidth=f"table:{spec.key}")
    if d.ram_bytes is None and spec.vram_bytes is not None:
        d.ram_bytes = spec.vram_bytes
        d.sources["ram"] = f"table:{spec.key}"


def _apple(d: Detected, chip: str, mem: int) -> None:
    spec = find_gpu(chip)
    d.unified, d.ram_bytes = True, mem
    d.sources.update(ram="detected (sysctl)", gpus="detected (sysctl)")
    if spec is not None and spec.is_apple:
        d.gpus = [Gpu(spec.name, 0, spec.bandwidth_gbs, "apple", "detected (sysctl)", unified=True)]
        d.ram_bandwidth_gbs = spec.bandwidth_gbs
        d.sources["ram_bandwidth"] = f"table:{spec.key}"
        if spec.key in ("apple-m3-max", "apple-m4-max", "apple-m5-max"):
            d.notes.append(
                f"{chip}: assumed the 40-core GPU ({spec.bandwidth_gbs:g} GB/s); "
                "pass --ram-bandwidth if yours is the smaller chip."
            )
    else:
        d.gpus = [Gpu(chip or "Apple silicon", 0, None, "apple", "detected (sysctl)", unified=True)]
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
    for name, total, *rest in cards:
        in_use = int(rest[0]) if rest and rest[0] else 0
        spec = find_gpu(name)
        if spec is not None and spec.unified:  # a GB10 (DGX Spark) or Thor: the GPU of a unified-memory machine
            _unified_machine(d, spec, "detected (nvml)")
            return
        bw = spec.bandwidth_gbs if spec else None
        if spec is None:
            d.notes.append(
                f"'{name}' is not in the GPU table: its bandwidth is unknown (no speed estimate); "
                "pass --gpu NAME for a listed card."
            )
        size = total if total is not None else (spec.vram_bytes if spec else None)
        if size is None:
            d.notes.append(f"NVML did not report the memory of '{name}'; pass --gpu NAME or --vram GIB.")
            continue
        in_use = min(max(0, in_use), size)
        d.gpus.append(Gpu(spec.name if spec else name, size, bw, "nvidia", "detected (nvml)", in_use_bytes=in_use))
    if not cards:
        d.notes.append("NVML found no NVIDIA GPU.")
