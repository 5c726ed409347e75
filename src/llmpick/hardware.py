"""Hardware: the GPU table, parsing of the hardware flags, detection (best effort) and the config profile.

Units (decided once, used everywhere):

* ``--vram`` and ``--ram`` are GiB (2^30 bytes).  A "24 GB" card such as the RTX 4090 carries 24 GiB
  (25.8e9 bytes), so ``--vram 24`` describes it exactly.  The GPU table stores memory in GiB too;
  everything inside llmpick and every JSON answer is in bytes.
* Bandwidths are GB/s (10^9 bytes/s), as vendors publish them.

Precedence: command-line flags > the config profile (``config.yaml`` in the user config dir) > detection.
Detection runs only when neither flags nor a profile describe the machine, never in tests
(``LLMPICK_NO_DETECT=1``), and never fails: what it could not find becomes a note that names the flag
to pass instead.  This module does no printing.
"""

from __future__ import annotations

import contextlib
import csv
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from functools import lru_cache
from typing import Any

from .errors import UsageError

GIB = 1 << 30
GB = 10**9

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


# --- GPU table -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GpuSpec:
    """One row of ``data/gpus.csv``."""

    key: str
    name: str
    vendor: str
    kind: str
    vram_bytes: int | None  # None for Apple chips: their memory is the machine's RAM
    bandwidth_gbs: float | None
    aliases: tuple[str, ...]
    source: str

    @property
    def is_apple(self) -> bool:
        return self.vendor == "apple"


_NOISE = ("nvidia", "geforce", "amd", "radeon", "intel", "apple", "graphics", "tesla", "instinct")


def normalize(name: str) -> str:
    """'NVIDIA GeForce RTX 4090' -> 'rtx4090'; vendor words, spaces, dashes and case do not matter."""
    s = name.lower()
    for w in _NOISE:
        s = re.sub(rf"\b{w}\b", " ", s)
    return re.sub(r"[^a-z0-9]+", "", s)


@lru_cache(maxsize=1)
def gpu_table() -> tuple[GpuSpec, ...]:
    """The built-in GPU table, read on first use."""
    from importlib.resources import files

    text = files("llmpick.data").joinpath("gpus.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    out = []
    for r in rows:
        out.append(
            GpuSpec(
                key=r["key"],
                name=r["name"],
                vendor=r["vendor"],
                kind=r["kind"],
                vram_bytes=round(float(r["vram_gib"]) * GIB) if r["vram_gib"] else None,
                bandwidth_gbs=float(r["bandwidth_gbs"]) if r["bandwidth_gbs"] else None,
                aliases=tuple(a.strip() for a in r["aliases"].split(";") if a.strip()),
                source=r["source"],
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def _index() -> dict[str, GpuSpec]:
    idx: dict[str, GpuSpec] = {}
    for spec in gpu_table():
        for n in (spec.key, spec.name, *spec.aliases):
            idx.setdefault(normalize(n), spec)
    return idx


def find_gpu(name: str) -> GpuSpec | None:
    """Look a card up by name or alias; a trailing memory size ('RTX 3060 12GB') is tolerated."""
    idx = _index()
    key = normalize(name)
    if key in idx:
        return idx[key]
    stripped = re.sub(r"\d+(gb|gib|g)$", "", key)
    if stripped and stripped in idx:
        return idx[stripped]
    return None


def lookup_gpu(name: str) -> GpuSpec:
    """Like :func:`find_gpu`, but an unknown name is a usage error that suggests close names."""
    spec = find_gpu(name)
    if spec is not None:
        return spec
    idx = _index()
    close = get_close_matches(normalize(name), list(idx), n=4, cutoff=0.6)
    names = list(dict.fromkeys(idx[c].name for c in close))
    hint = f"Did you mean: {', '.join(names)}? " if names else ""
    raise UsageError(
        f"Unknown GPU '{name}'.",
        f"{hint}Run `llmpick hardware --list-gpus` for the table, or give the memory with --vram GIB.",
    )


# --- The hardware description ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Gpu:
    name: str
    vram_bytes: int
    bandwidth_gbs: float | None
    vendor: str | None = None
    source: str = "flag"  # "flag", "table:<key>", "detected (nvml)", "config"


@dataclass(frozen=True)
class Hardware:
    """One machine (``nodes`` identical ones for multi-machine serving)."""

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

    # Unified memory: the GPU works in a share of RAM; the rest of RAM is what the CPU side can add.
    def gpu_share(self) -> float:
        if self.unified_share is not None:
            return self.unified_share
        return apple_gpu_share(self.ram_bytes or 0)

    def card_capacities(self) -> list[int]:
        """Bytes each card may hold, before the per-card runtime overhead.  The reserve comes off card 0."""
        if self.unified:
            if not self.ram_bytes:
                return []
            return [max(0, int(self.ram_bytes * self.gpu_share()) - self.reserve_bytes)]
        caps = [g.vram_bytes for g in self.gpus]
        if caps:
            caps[0] = max(0, caps[0] - self.reserve_bytes)
        return caps

    def ram_capacity(self) -> int | None:
        """Bytes of RAM a model may use (after the OS headroom; the reserve too when there is no GPU)."""
        if self.ram_bytes is None:
            return None
        free = self.ram_bytes - ram_os_headroom(self.ram_bytes)
        if self.unified:
            free -= self.card_capacities()[0] if self.card_capacities() else 0
        elif not self.gpus:
            free -= self.reserve_bytes
        return max(0, free)

    @property
    def gpu_count(self) -> int:
        return 1 if self.unified and self.ram_bytes else len(self.gpus)

    @property
    def has_gpu(self) -> bool:
        return self.gpu_count > 0

    def gpu_bandwidth_gbs(self) -> float | None:
        """Bandwidth one decode stream sees on the GPUs: the slowest card (layer split does not add them)."""
        if self.unified:
            return self.ram_bandwidth_gbs
        bws = [g.bandwidth_gbs for g in self.gpus]
        if not bws or any(b is None for b in bws):
            return None
        return min(b for b in bws if b is not None)

    def equal_cards(self) -> bool:
        return len({(g.name, g.vram_bytes) for g in self.gpus}) <= 1

    def describe(self) -> str:
        """One human line, e.g. '2x GeForce RTX 3090 (24 GiB, 936 GB/s), 64 GiB RAM'."""
        parts = []
        if self.unified:
            chip = self.gpus[0].name if self.gpus else "unified memory"
            parts.append(f"{chip}, {_g(self.ram_bytes)} unified memory (GPU share {self.gpu_share():.0%})")
        else:
            groups: dict[tuple[str, int, float | None], int] = {}
            for g in self.gpus:
                k = (g.name, g.vram_bytes, g.bandwidth_gbs)
                groups[k] = groups.get(k, 0) + 1
            for (name, vram, bw), n in groups.items():
                bw_s = f", {bw:g} GB/s" if bw else ", bandwidth unknown"
                parts.append(f"{n}x {name} ({_g(vram)}{bw_s})")
            if not self.gpus:
                parts.append("no GPU")
            parts.append(f"{_g(self.ram_bytes)} RAM" if self.ram_bytes else "RAM unknown")
        if self.reserve_bytes:
            parts.append(f"{_g(self.reserve_bytes)} reserved")
        if self.nodes > 1:
            parts.append(f"x {self.nodes} nodes")
        return ", ".join(parts)


def _g(n: int | None) -> str:
    if n is None:
        return "?"
    v = n / GIB
    return f"{v:.0f} GiB" if abs(v - round(v)) < 0.05 else f"{v:.1f} GiB"


# --- Flags --------------------------------------------------------------------------------


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
        return any(v is not None for v in (self.vram, self.gpus, self.gpu, self.ram, self.unified))


_SIZE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(gib|gb|g)?\s*$", re.IGNORECASE)


def parse_gib(text: Any, flag: str, *, allow_zero: bool = False) -> int:
    """'24' / '24GB' / '24 GiB' -> bytes (the number is always GiB)."""
    m = _SIZE.match(str(text))
    if not m:
        raise UsageError(f"{flag}: '{text}' is not a size in GiB.", f"Use a positive number, e.g. {flag} 24.")
    value = float(m.group(1))
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise UsageError(f"{flag}: '{text}' must be a positive number of GiB.", f"e.g. {flag} 24.")
    return round(value * GIB)


def _positive_float(text: Any, flag: str, example: str) -> float:
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
        assert spec.vram_bytes is not None
        cards += [Gpu(spec.name, spec.vram_bytes, spec.bandwidth_gbs, spec.vendor, f"table:{spec.key}")] * count
    return cards, apple_ram


# --- Config profile -----------------------------------------------------------------------

CONFIG_FILE = "config.yaml"
_PROFILE_KEYS = {"vram", "gpus", "gpu", "ram", "ram_bandwidth", "unified", "unified_share", "reserve", "nodes"}


def load_profile(name: str | None = None) -> HardwareFlags | None:
    """The default hardware profile (``hardware:``) or a named one (``profiles: {NAME: ...}``) from config.yaml.

    Example::

        hardware:            # used when no hardware flag is given
          gpu: 2x RTX 3090
          ram: 64
          ram_bandwidth: 51.2
        profiles:
          laptop: {gpu: RTX 4060, ram: 32}
    """
    from . import paths

    path = paths.config_dir() / CONFIG_FILE
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if name:
            raise UsageError(
                f"--profile {name}: no config file at {path}.",
                "Create it with a `profiles:` mapping (see `llmpick hardware --help`).",
            ) from None
        return None
    except OSError as exc:
        raise UsageError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    import yaml

    try:
        doc = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: not valid YAML ({str(exc).splitlines()[0]}).", "Fix or remove the file.") from None
    if not isinstance(doc, dict):
        raise UsageError(f"{path}: expected a mapping with a `hardware:` key.")
    if name:
        profiles = doc.get("profiles") or {}
        if not isinstance(profiles, dict) or name not in profiles:
            known = ", ".join(profiles) if isinstance(profiles, dict) and profiles else "none"
            raise UsageError(f"--profile: no profile '{name}' in {path}.", f"Profiles there: {known}.")
        data = profiles[name]
        where = f"{path}: profiles.{name}"
    else:
        data = doc.get("hardware")
        where = f"{path}: hardware"
        if data is None:
            return None
    if not isinstance(data, dict):
        raise UsageError(f"{where}: expected a mapping of hardware fields.")
    unknown = set(data) - _PROFILE_KEYS
    if unknown:
        raise UsageError(
            f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}.",
            f"Known keys: {', '.join(sorted(_PROFILE_KEYS))}.",
        )

    def s(k: str) -> str | None:
        return None if data.get(k) is None else str(data[k])

    try:
        return HardwareFlags(
            vram=s("vram"),
            gpus=None if data.get("gpus") is None else int(data["gpus"]),
            gpu=s("gpu"),
            ram=s("ram"),
            ram_bandwidth=s("ram_bandwidth"),
            unified=None if data.get("unified") is None else bool(data["unified"]),
            unified_share=None if data.get("unified_share") is None else float(data["unified_share"]),
            reserve=s("reserve"),
            nodes=None if data.get("nodes") is None else int(data["nodes"]),
        )
    except (TypeError, ValueError) as exc:
        raise UsageError(f"{where}: {exc}.") from None


# --- Detection ----------------------------------------------------------------------------


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
    try:
        import pynvml  # provided by nvidia-ml-py
    except ImportError:
        raise
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
        import psutil

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
        chip, mem = apple
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
        return d
    try:
        cards = _probe_nvidia()
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
    except ImportError:
        d.notes.append(
            "NVIDIA GPUs not probed: nvidia-ml-py is not installed (pip install 'llmpick[detect]'); "
            "or pass --gpu NAME / --vram GIB."
        )
    except Exception as exc:
        d.notes.append(f"No NVIDIA GPU detected ({exc}); pass --gpu NAME or --vram GIB if there is one.")
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


# --- Resolution: flags > profile > detection ------------------------------------------------


def resolve(flags: HardwareFlags, *, detector: Callable[[], Detected] | None = None) -> Hardware:
    """Build the :class:`Hardware` to plan for.  Conflicting or bad flags raise UsageError (exit 2).

    Machine flags (--gpu, --vram, --gpus, --ram, --unified) describe the whole machine: neither the profile nor
    detection is consulted then.  Without them, the config profile is used, else this machine is detected; the
    other flags (--ram-bandwidth, --reserve, --nodes, --unified-share) apply on top in every case.
    """
    _check_scalars(flags)
    if flags.any_machine_flag():
        return _from_flags(flags, origin="flags")
    profile = load_profile(flags.profile)
    if profile is not None and profile.any_machine_flag():
        return _from_flags(_merge(profile, flags), origin="config")
    d = (detector or detect)()
    reserve = parse_gib(flags.reserve, "--reserve", allow_zero=True) if flags.reserve is not None else 0
    ram_bw = d.ram_bandwidth_gbs
    notes = list(d.notes)
    sources = dict(d.sources)
    if flags.ram_bandwidth is not None:
        ram_bw = _positive_float(flags.ram_bandwidth, "--ram-bandwidth", "51.2")
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
        nodes=flags.nodes or 1,
        origin="detected",
        notes=tuple(notes),
        sources=sources,
    )
    _check_reserve(hw)
    return hw


def _merge(base: HardwareFlags, over: HardwareFlags) -> HardwareFlags:
    values = {k: getattr(over, k) if getattr(over, k) is not None else getattr(base, k) for k in _PROFILE_KEYS}
    return HardwareFlags(**values, profile=over.profile)


def _check_scalars(f: HardwareFlags) -> None:
    if f.gpus is not None and f.gpus < 1:
        raise UsageError(
            f"--gpus must be at least 1 (got {f.gpus}).", "For a machine without a GPU give only --ram GIB."
        )
    if f.nodes is not None and f.nodes < 1:
        raise UsageError(f"--nodes must be at least 1 (got {f.nodes}).")
    if f.unified_share is not None and not 0 < f.unified_share <= 1:
        raise UsageError(
            f"--unified-share must be between 0 and 1 (got {f.unified_share}).", "e.g. --unified-share 0.75."
        )


def _from_flags(f: HardwareFlags, origin: str) -> Hardware:
    _check_scalars(f)
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
    sources: dict[str, str] = {}
    gpus: list[Gpu] = []
    unified = bool(f.unified)
    ram = parse_gib(f.ram, "--ram") if f.ram is not None else None
    if ram is not None:
        sources["ram"] = origin
    ram_bw = _positive_float(f.ram_bandwidth, "--ram-bandwidth", "51.2") if f.ram_bandwidth is not None else None
    if ram_bw is not None:
        sources["ram_bandwidth"] = origin
    if f.vram is not None:
        if unified:
            raise UsageError("--unified describes shared memory: give --ram GIB (and --gpu 'M2 Max'), not --vram.")
        gpus = [Gpu(f"{s / GIB:g} GiB GPU", s, None, None, origin) for s in parse_vram(f.vram, f.gpus)]
        sources["gpus"] = origin
    elif f.gpu is not None:
        gpus, apple_ram = parse_gpu(f.gpu)
        sources["gpus"] = f"{origin} (GPU table)"
        if gpus and gpus[0].vendor == "apple":
            if f.unified is False:
                raise UsageError("An Apple chip always has unified memory; drop --no-unified.")
            unified = True
            if apple_ram is not None and ram is not None and apple_ram != ram:
                raise UsageError(
                    f"--gpu says {apple_ram // GIB} GB but --ram says {ram / GIB:g} GiB; give one of them."
                )
            ram = ram if ram is not None else apple_ram
            if ram is None:
                raise UsageError(
                    f"{gpus[0].name}: how much memory does this Mac have?",
                    f"e.g. --gpu '{gpus[0].name.removeprefix('Apple ')} 64GB' or --ram 64.",
                )
            sources["ram"] = origin
            if ram_bw is None:
                ram_bw = gpus[0].bandwidth_gbs
                sources["ram_bandwidth"] = "GPU table (unified memory)"
    if unified and ram is None:
        raise UsageError("--unified needs --ram GIB (the machine's memory, shared by CPU and GPU).")
    if unified and not gpus:
        gpus = [Gpu("unified-memory GPU", 0, ram_bw, None, origin)]
    if not unified and f.unified_share is not None:
        raise UsageError("--unified-share only applies with --unified or an Apple --gpu.")
    reserve = parse_gib(f.reserve, "--reserve", allow_zero=True) if f.reserve is not None else 0
    notes = []
    if gpus and any(g.bandwidth_gbs is None for g in gpus) and not unified:
        notes.append("GPU bandwidth unknown with --vram: no speed estimate; --gpu NAME knows it.")
    if ram is None:
        notes.append("RAM not given: CPU offload is not considered; pass --ram GIB.")
    elif ram_bw is None:
        notes.append(
            "RAM bandwidth not given: no speed estimate for the parts in RAM; pass --ram-bandwidth GB/s "
            "(dual-channel DDR4-3200: 51.2, DDR5-5600: 89.6)."
        )
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
        notes=tuple(notes),
        sources=sources,
    )
    _check_reserve(hw)
    return hw


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


def with_nodes(hw: Hardware, nodes: int) -> Hardware:
    return replace(hw, nodes=nodes)


def hardware_dict(hw: Hardware) -> dict[str, Any]:
    """The JSON form of a Hardware (bytes as integers, bandwidths in GB/s, null when unknown)."""
    return {
        "description": hw.describe(),
        "origin": hw.origin,
        "gpus": [
            {
                "name": g.name,
                "vram_bytes": g.vram_bytes if not hw.unified else None,
                "bandwidth_gb_per_s": g.bandwidth_gbs,
                "vendor": g.vendor,
                "source": g.source,
            }
            for g in hw.gpus
        ],
        "gpu_count": hw.gpu_count,
        "usable_gpu_bytes": hw.card_capacities(),
        "ram_bytes": hw.ram_bytes,
        "usable_ram_bytes": hw.ram_capacity(),
        "ram_bandwidth_gb_per_s": hw.ram_bandwidth_gbs,
        "unified": hw.unified,
        "unified_gpu_share": hw.gpu_share() if hw.unified else None,
        "reserve_bytes": hw.reserve_bytes,
        "nodes": hw.nodes,
        "sources": dict(hw.sources),
        "notes": list(hw.notes),
    }
