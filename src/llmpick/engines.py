"""The inference engines llmpick plans for: one table, read by the estimator, the recommender and the run lines.

Two questions, one table each:

* *Memory*: which engine's runtime overhead an estimate adds (``ENGINES``: the names ``estimate --engine``
  accepts, their aliases, and the quantization families each is the usual runtime of).
* *Placement*: which engine runs an artifact the recommender found (``ARTIFACT_ENGINE``), and whose memory model
  that engine follows (``MEMORY_MODEL``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UsageError


@dataclass(frozen=True, slots=True)
class Engine:
    name: str
    aliases: tuple[str, ...]
    families: tuple[str, ...]  # quantization families (quant.QuantFormat.family) this engine usually runs
    overhead_basis: str  # the constants of estimate/overhead.py its overhead comes from


ENGINE_TABLE: tuple[Engine, ...] = (
    Engine(
        "llama.cpp",
        ("llamacpp", "llama-cpp", "ollama", "lmstudio", "lm-studio", "koboldcpp"),  # all run llama.cpp underneath
        ("gguf",),
        "LLAMACPP_UBATCH+CUDA_CONTEXT_BYTES",
    ),
    Engine("vllm", (), ("mxfp4", "gptq", "awq", "fp8"), "VLLM_CUDA_GRAPHS_BYTES+CUDA_CONTEXT_BYTES"),
    Engine("transformers", ("hf",), ("bnb", "qmoe", "float"), "CUDA_CONTEXT_BYTES"),
    Engine("mlx", ("mlx-lm", "mlx_lm"), ("mlx",), "MLX_RUNTIME_BYTES"),
    Engine("exllamav2", ("exl2", "exllama", "tabbyapi"), ("exl2",), "CUDA_CONTEXT_BYTES"),
)
ENGINES: tuple[str, ...] = tuple(e.name for e in ENGINE_TABLE)
_BY_NAME = {e.name: e for e in ENGINE_TABLE}
_ALIASES = {alias: e.name for e in ENGINE_TABLE for alias in e.aliases}
_BY_FAMILY = {family: e.name for e in ENGINE_TABLE for family in e.families}

# The recommender's artifact kinds (catalog artifact formats, plus "original" for the released weights) and the
# engine that serves each.  QMoE has its own PyTorch kernels (IST-DASLab/qmoe), not llama.cpp or vLLM.
ARTIFACT_ENGINE: dict[str, str] = {
    "gguf": "llama.cpp",
    "mxfp4": "vllm",
    "awq": "vllm",
    "gptq": "vllm",
    "fp8": "vllm",
    "original": "vllm",
    "qmoe": "qmoe",
    "mlx": "mlx",
}
# Engines the estimator has no overhead model of, and the one they follow (QMoE runs on PyTorch).
MEMORY_MODEL: dict[str, str] = {"qmoe": "transformers"}


def default_engine(family: str) -> str:
    """The usual engine of a quantization family (GGUF: llama.cpp, GPTQ/AWQ/FP8: vLLM, bitsandbytes: transformers)."""
    return _BY_FAMILY.get(family, "llama.cpp")


def normalize_engine(engine: str | None, family: str) -> str:
    """An engine name as the estimator knows it; None picks the family's usual engine."""
    if engine is None:
        return default_engine(family)
    key = engine.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in _BY_NAME:
        raise UsageError(f"Unknown engine '{engine}'.", "Valid: " + ", ".join(ENGINES) + ".")
    return key


def memory_engine(engine: str) -> str:
    """The estimator's engine for a serving engine of the recommender ("qmoe" -> "transformers")."""
    return MEMORY_MODEL.get(engine, engine)


def overhead_basis(engine: str) -> str:
    return _BY_NAME[engine].overhead_basis
