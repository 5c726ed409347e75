"""Memory estimates: weights + KV cache + vision encoder + runtime overhead -> :class:`MemoryEstimate`.

Pure functions, no I/O.  Weights are computed per tensor: the tensor shapes follow from the architecture facts
in the catalog (``shapes``: embedding, attention, FFN x experts, norms) and each tensor gets the type its
quantization gives it (``weights``; :func:`llmpick.gguf_rules.gguf_tensor_type` for GGUF mixes).  When a real file
size is known it wins (basis ``file_size``); when the shapes cannot be derived the parameter count times the
format's typical bits is used (basis ``params``).  ``kv`` sizes the KV cache, ``overhead`` each engine's runtime,
``core`` adds them up, ``figures`` builds tables of estimates.  Every fallback is written into ``assumptions`` or
``missing``.
"""

from __future__ import annotations

from ..engines import ENGINES
from ..quant import GGML_TYPES
from ..schema import MemoryEstimate
from .core import MAX_CONTEXT, check_context, estimate, weights_lower_bound
from .figures import (
    GRID_CONTEXTS,
    GRID_QUANTS,
    VRAM_NEED_CONTEXT,
    VRAM_NEED_QUANT,
    max_context_that_fits,
    memory_grid,
    vram_need,
)
from .kv import KV_CACHE_TYPES, kv_cache_bytes, normalize_kv_cache
from .overhead import CUDA_CONTEXT_BYTES, overhead_bytes
from .shapes import tensor_shapes
from .weights import reference_gguf_bits

__all__ = [
    "CUDA_CONTEXT_BYTES",
    "ENGINES",
    "GGML_TYPES",
    "GRID_CONTEXTS",
    "GRID_QUANTS",
    "KV_CACHE_TYPES",
    "MAX_CONTEXT",
    "VRAM_NEED_CONTEXT",
    "VRAM_NEED_QUANT",
    "MemoryEstimate",
    "check_context",
    "estimate",
    "kv_cache_bytes",
    "max_context_that_fits",
    "memory_grid",
    "normalize_kv_cache",
    "overhead_bytes",
    "reference_gguf_bits",
    "tensor_shapes",
    "vram_need",
    "weights_lower_bound",
]
