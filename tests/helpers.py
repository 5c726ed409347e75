"""Small builders for hand-made catalogs used by unit and CLI tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from llmpick.schema import Architecture, CatalogEntry, Params

MINIMAL: dict[str, Any] = {
    "name": "Tiny 1B",
    "family": "tiny",
    "organization": "Tiny Labs",
    "origin": "US",
    "released": "2024-01",
    "summary": "A made-up model for tests.",
    "method": "base",
    "params": {"total": 1_000_000_000},
    "arch": {
        "layers": 16,
        "hidden_size": 2048,
        "attention_heads": 16,
        "kv_heads": 4,
        "head_dim": 128,
        "vocab_size": 32000,
        "max_context": 8192,
        "intermediate_size": 5632,
    },
    "license": "apache-2.0",
    "license_class": "permissive",
    "uses": [],
    "sources": ["test fixture"],
}


def entry(**changes: Any) -> dict[str, Any]:
    """MINIMAL with top-level keys replaced (None deletes a key)."""
    d = copy.deepcopy(MINIMAL)
    for k, v in changes.items():
        if v is None:
            d.pop(k, None)
        else:
            d[k] = v
    return d


def write_entry(root: Path, model_id: str, data: dict[str, Any] | str | bytes) -> Path:
    path = root / f"{model_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    elif isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def model_entry(arch: Architecture, total: int | None = None, active: int | None = None, **fields: Any) -> CatalogEntry:
    """A validated entry around an architecture, for the estimator's tests: placeholder text facts, the given
    parameter counts (unknown by default) and any other field."""
    base: dict[str, Any] = dict(
        name="x", family="x", organization="x", summary="x", method="base", license="x", license_class="unknown"
    )
    return CatalogEntry(**base, params=Params(total=total, active=active), arch=arch, sources=["x"], **fields)
