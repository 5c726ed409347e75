"""llmpick: which open LLMs run on this hardware, at which quantization, how fast, and which is best.

The public API is importable from here; heavy modules load only when a name is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Catalog", "__version__", "estimate", "load_catalog", "recommend"]

_LAZY = {
    "Catalog": ("llmpick.catalog", "Catalog"),
    "load_catalog": ("llmpick.catalog", "load_catalog"),
    "estimate": ("llmpick.estimate", "estimate"),
    "recommend": ("llmpick.recommend", "recommend"),
}

if TYPE_CHECKING:  # pragma: no cover
    from .catalog import Catalog, load_catalog


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'llmpick' has no attribute {name!r}")
