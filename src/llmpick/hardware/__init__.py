"""The machine llmpick plans for: the GPU table, the machine as values, flags and profiles, detection.

Units (decided once, used everywhere): ``--vram`` and ``--ram`` are GiB (2^30 bytes); a "24 GB" card such as
the RTX 4090 carries 24 GiB, so ``--vram 24`` describes it exactly.  Everything inside llmpick and every JSON
answer is in bytes.  Bandwidths are GB/s (10^9 bytes/s), as vendors publish them.

Precedence: command-line flags > the config profile (``config.yaml`` in the user config dir) > detection.

* ``gpus``: the GPU table (``data/gpus.csv``, read on first use: cards and unified-memory machines) and lookup
  by name;
* ``machine``: :class:`Gpu` and :class:`Hardware`, frozen, with their usable capacities computed once;
* ``flags``: :class:`HardwareFlags` and the parsing of their values;
* ``profile``: hardware profiles from ``config.yaml``;
* ``detection``: the probes, the only code that asks the devices anything;
* ``precedence``: :func:`resolve` / :func:`resolve_hardware`, flags > profile > detection, and the checks;
* ``views``: :func:`report`, the machine as the typed JSON of the answers (``schema.hardware``).

Nothing here prints, and importing it loads neither pydantic nor PyYAML.
"""

from __future__ import annotations

from .detection import Detected, detect
from .flags import HardwareFlags, parse_gib, parse_gpu, parse_vram
from .gpus import GpuSpec, find_gpu, find_unified_machine, gpu_table, lookup_gpu, normalize
from .machine import Gpu, Hardware, apple_gpu_share, ram_os_headroom, unified_gpu_share
from .precedence import resolve, resolve_hardware, with_nodes
from .profile import CONFIG_FILE, load_profile
from .views import report, spec_report, table_report

__all__ = [
    "CONFIG_FILE",
    "Detected",
    "Gpu",
    "GpuSpec",
    "Hardware",
    "HardwareFlags",
    "apple_gpu_share",
    "detect",
    "find_gpu",
    "find_unified_machine",
    "gpu_table",
    "load_profile",
    "lookup_gpu",
    "normalize",
    "parse_gib",
    "parse_gpu",
    "parse_vram",
    "ram_os_headroom",
    "report",
    "resolve",
    "resolve_hardware",
    "spec_report",
    "table_report",
    "unified_gpu_share",
    "with_nodes",
]
