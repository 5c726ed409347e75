"""The hardware package as a whole: its public names, a cheap import, and the typed JSON view (views.py)."""

from __future__ import annotations

import subprocess
import sys

import llmpick.hardware as hwpkg
from llmpick.hardware import Gpu, GpuSpec, Hardware, gpu_table, report, resolve_hardware, spec_report, table_report
from llmpick.schema import GpuSpecOut, HardwareOut
from llmpick.units import GIB

REPORT_KEYS = [
    "description",
    "origin",
    "gpus",
    "gpu_count",
    "usable_gpu_bytes",
    "ram_bytes",
    "usable_ram_bytes",
    "ram_bandwidth_gb_per_s",
    "unified",
    "unified_gpu_share",
    "reserve_bytes",
    "nodes",
    "sources",
    "notes",
]


def test_public_names():
    for name in hwpkg.__all__:
        assert getattr(hwpkg, name) is not None, name
    # functions, not the submodules of the same family of names
    assert callable(hwpkg.detect) and callable(hwpkg.resolve) and callable(hwpkg.report)


def test_import_is_cheap():
    code = (
        "import sys, llmpick.hardware;"
        "print([m for m in ('pydantic', 'yaml', 'rich', 'typer', 'difflib', 'llmpick.schema') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_report_keys_and_values():
    hw = resolve_hardware(gpu="2x RTX 3090", ram=64, ram_bandwidth=51.2, reserve=2, nodes=2)
    out = report(hw)
    assert isinstance(out, HardwareOut)
    doc = out.model_dump(mode="json")
    assert list(doc) == REPORT_KEYS
    assert doc["description"] == hw.describe()
    assert doc["gpus"][0] == {
        "name": "GeForce RTX 3090",
        "vram_bytes": 24 * GIB,
        "bandwidth_gb_per_s": 936.0,
        "vendor": "nvidia",
        "source": "table:rtx-3090",
        "in_use_bytes": 0,
    }
    assert doc["usable_gpu_bytes"] == [22 * GIB, 24 * GIB] == hw.card_capacities()
    assert doc["usable_ram_bytes"] == hw.ram_capacity() and doc["ram_bandwidth_gb_per_s"] == 51.2
    assert doc["gpu_count"] == 2 and doc["nodes"] == 2 and doc["reserve_bytes"] == 2 * GIB
    assert doc["unified"] is False and doc["unified_gpu_share"] is None
    assert doc["sources"] == {"ram": "flags", "ram_bandwidth": "flags", "gpus": "flags (GPU table)"}
    assert doc["notes"] == []


def test_report_unified_memory_has_no_card_size():
    doc = report(resolve_hardware(gpu="M2 Max 64GB")).model_dump(mode="json")
    assert doc["gpus"][0]["vram_bytes"] is None and doc["unified_gpu_share"] == 0.75
    assert doc["ram_bandwidth_gb_per_s"] == 400.0 and doc["gpu_count"] == 1


def test_report_of_a_bare_machine():
    doc = report(Hardware(gpus=(Gpu("x", GIB, None),))).model_dump(mode="json")
    assert doc["ram_bytes"] is None and doc["usable_ram_bytes"] is None and doc["gpus"][0]["vendor"] is None


def test_gpu_table_rows():
    spec = next(s for s in gpu_table() if s.key == "rtx-4090")
    assert isinstance(spec, GpuSpec)
    row = spec_report(spec)
    assert isinstance(row, GpuSpecOut)
    assert row.model_dump(mode="json") == {
        "key": "rtx-4090",
        "name": "GeForce RTX 4090",
        "vendor": "nvidia",
        "kind": "consumer",
        "vram_bytes": 24 * GIB,
        "bandwidth_gb_per_s": 1008.0,
        "aliases": list(spec.aliases),
        "source": spec.source,
    }
    assert [r.key for r in table_report(gpu_table())] == [s.key for s in gpu_table()]
