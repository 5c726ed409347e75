"""llmpick: which open LLMs run on this hardware, at which quantization, how fast, and which is best.

The public API, loaded on first use so that ``import llmpick`` stays fast::

    import llmpick

    hw = llmpick.resolve_hardware(gpu="RTX 4090", ram=64)
    answer = llmpick.recommend_models(hw, use="coding", top=5)
    for item in answer.items:
        print(item.model.id, item.quant, item.fit, item.tokens_per_second)

Each function returns the pydantic model whose ``model_dump(mode="json")`` the CLI prints with ``--format json``.
"""

from __future__ import annotations

# Not `from typing import ...`: typing costs ~10 ms, and `python -m llmpick` imports this module before its entry
# can take over Ctrl-C (a Ctrl-C then would print a traceback).  mypy knows this spelling of TYPE_CHECKING.
TYPE_CHECKING = False

__version__ = "0.1.0"

# name -> module that defines it; imported when the name is first used
_LAZY = {
    "load_catalog": "llmpick.api",
    "resolve_hardware": "llmpick.api",
    "recommend_models": "llmpick.api",
    "check_fit": "llmpick.api",
    "check_repo": "llmpick.api",
    "estimate_memory": "llmpick.api",
    "Catalog": "llmpick.catalog",
    "Hardware": "llmpick.hardware",
    "Gpu": "llmpick.hardware",
    "HardwareFlags": "llmpick.hardware",
    "Constraints": "llmpick.recommend",
    "Model": "llmpick.schema",
    "CatalogEntry": "llmpick.schema",
    "MemoryEstimate": "llmpick.schema",
    "RecommendAnswer": "llmpick.schema.recommend",
    "CheckAnswer": "llmpick.schema.recommend",
    "RepoCheckAnswer": "llmpick.schema.recommend",
    "RecommendationOut": "llmpick.schema.recommend",
    "LlmpickError": "llmpick.errors",
    "UsageError": "llmpick.errors",
}

__all__ = [
    "Catalog",
    "CatalogEntry",
    "CheckAnswer",
    "Constraints",
    "Gpu",
    "Hardware",
    "HardwareFlags",
    "LlmpickError",
    "MemoryEstimate",
    "Model",
    "RecommendAnswer",
    "RecommendationOut",
    "RepoCheckAnswer",
    "UsageError",
    "__version__",
    "check_fit",
    "check_repo",
    "estimate_memory",
    "load_catalog",
    "recommend_models",
    "resolve_hardware",
]

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from .api import check_fit, check_repo, estimate_memory, load_catalog, recommend_models, resolve_hardware
    from .catalog import Catalog
    from .errors import LlmpickError, UsageError
    from .hardware import Gpu, Hardware, HardwareFlags
    from .recommend import Constraints
    from .schema import CatalogEntry, MemoryEstimate, Model
    from .schema.recommend import CheckAnswer, RecommendAnswer, RecommendationOut, RepoCheckAnswer


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'llmpick' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return __all__
