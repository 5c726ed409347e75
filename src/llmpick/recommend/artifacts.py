"""What is published of a model: its catalog artifacts and its original weights, as candidates to run."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from ..engines import ARTIFACT_ENGINE
from ..errors import UsageError
from ..hardware import Hardware
from ..quality_data import LOW_BIT
from ..quant import COMMON_QUANTS, QuantFormat, resolve_quant
from ..schema import Model


class Candidate(NamedTuple):
    quant: str
    family: str
    bits: float
    artifact_format: str  # gguf, awq, gptq, fp8, mxfp4, qmoe, mlx, exl2, bnb, original
    repo: str | None  # where the weights come from (for one that is not published: the original repo)
    engine: str  # the engine that serves it (ENGINE_OF, or the one its route names)
    size_bytes: int | None = None  # the real size, when the catalog lists every file
    # Not published: no file at this quantization exists per the catalog; ``made_with`` names the tool (or the
    # engine, at load) that makes it, and the run notes say how (runcmd.py).
    published: bool = True
    made_with: str | None = None
    # Among options equal in score, fit and quantization, the lower goes first (made.py: published 0, a llama.cpp
    # conversion 1, made by the engine at load 2, a quantizer run first 3).
    preference: int = 0


# The engine of each artifact kind: the catalog's formats and "original" (engines.ARTIFACT_ENGINE), plus the two
# kinds only asked for with --quant: ExLlamaV2's EXL2 and bitsandbytes (loaded by transformers).
ENGINE_OF: dict[str, str] = {**ARTIFACT_ENGINE, "exl2": "exllamav2", "bnb": "transformers"}

_ORIGINAL_DTYPE = {
    "bfloat16": "BF16",
    "bf16": "BF16",
    "float16": "F16",
    "fp16": "F16",
    "float32": "BF16",  # served at 16 bits: nobody runs an F32 checkpoint at F32
    "mxfp4": "MXFP4",
    "float8_e4m3fn": "FP8",  # DeepSeek-V3/R1, Kimi-K2: the released weights are FP8 (e4m3), embeddings and head bf16
    "fp8": "FP8",
}
# GGUF repos whose files the catalog does not list: the usual quantized set (16-bit GGUFs are rarely published;
# vLLM serves 16-bit from the original repo).
_UNLISTED_GGUF = tuple(q for q in COMMON_QUANTS if q not in ("F16", "BF16", "F32"))
FLOATS = ("F16", "BF16", "F32")


def original_quant(m: Model) -> str:
    """The quantization of the released weights (bf16 when the catalog does not say)."""
    return _ORIGINAL_DTYPE.get((m.entry.arch.dtype or "bfloat16").lower(), "BF16")


def switch_moe(m: Model) -> bool:
    """A Switch Transformers (seq2seq MoE) model: only transformers and QMoE's kernels run it, not llama.cpp or
    vLLM."""
    return (m.entry.arch.type or "").startswith("SwitchTransformers")


def apple(hw: Hardware) -> bool:
    """Apple silicon (MLX runs only there): unified memory with no GPU of another vendor."""
    return hw.unified and all((g.vendor or "apple") == "apple" for g in hw.gpus)


def published_candidates(m: Model, want: QuantFormat | None, hw: Hardware) -> list[Candidate]:
    """The published artifacts and the original weights as candidates (only ``want`` when given); MLX only on Apple
    silicon unless MLX is asked for."""
    out: dict[tuple[str, str], Candidate] = {}
    sizes_seen: dict[tuple[str, str], int] = {}
    for qname, kind, repo, size in _published(m, want, apple(hw)):
        q = resolved(qname)
        if q is None:
            continue
        if want is not None and q.name != want.name:
            continue
        if want is None and q.name in LOW_BIT:
            continue
        key = (q.name, kind)
        if key in out:
            if size and kind == "gguf":  # a split GGUF: the parts add up
                sizes_seen[key] = sizes_seen.get(key, out[key].size_bytes or 0) + size
            continue
        engine = "transformers" if kind == "original" and switch_moe(m) else ENGINE_OF[kind]
        out[key] = Candidate(q.name, q.family, q.bits, kind, repo, engine, size)
    for key, total in sizes_seen.items():
        out[key] = out[key]._replace(size_bytes=total)
    return list(out.values())


def published(m: Model, fmt: QuantFormat) -> bool:
    """Whether the catalog points at weights of ``m`` at ``fmt`` (an artifact, or the original weights); a GGUF repo
    whose files the catalog does not list is taken to hold any mix."""
    return any(resolved(q) == fmt for q, *_ in _published(m, fmt, True))


def _published(m: Model, want: QuantFormat | None, mlx_ok: bool) -> list[tuple[str, str, str | None, int | None]]:
    """(quant, kind, repo, size) of every published artifact the recommender can run, and the original weights."""
    e = m.entry
    fam = want.family if want is not None else None
    entries: list[tuple[str, str, str | None, int | None]] = []
    for art in e.artifacts:
        fmt = art.format
        if fmt == "gguf":
            if art.files:
                for f in art.files:
                    entries.append((f.quant, "gguf", art.repo, f.size_bytes))
            else:
                for qn in _UNLISTED_GGUF:
                    entries.append((qn, "gguf", art.repo, None))
                # repos usually carry the usual quantized files even when the catalog lists none
                if want is not None and want.is_gguf and want.name not in FLOATS:
                    entries.append((want.name, "gguf", art.repo, None))
        elif fmt in ("awq", "gptq"):
            if art.files:
                for f in art.files:
                    entries.append((f.quant, fmt, art.repo, None))
            else:
                entries.append(("AWQ-4bit" if fmt == "awq" else "GPTQ-4bit", fmt, art.repo, None))
        elif fmt == "fp8":
            entries.append(("FP8", "fp8", art.repo, None))
        elif fmt == "qmoe":
            entries.append(("QMoE", "qmoe", art.repo, None))
        elif fmt == "mlx" and (mlx_ok or fam == "mlx"):
            for qn in [f.quant for f in art.files] or ["MLX-4bit"]:
                entries.append((qn, "mlx", art.repo, None))
        elif fmt in ("exl2", "bnb") and fam == fmt and want is not None:
            # Only when asked: `recommend` without --quant keeps llama.cpp, vLLM and MLX.  A repo whose files are
            # not listed is taken to hold the asked bits (EXL2 repos keep one branch per bpw).
            for qn in [f.quant for f in art.files] or [want.name if fmt == "exl2" else "NF4"]:
                entries.append((qn, fmt, art.repo, None))
    # The original weights, served by vLLM.  A Switch (seq2seq) model only when a float is asked: its own
    # runtime (transformers) serves it, and without --quant its QMoE artifact is the answer.
    if not switch_moe(m) or (want is not None and want.name in FLOATS):
        entries.append((original_quant(m), "original", m.id, None))
    return entries


@cache
def resolved(name: str) -> QuantFormat | None:
    """resolve_quant, memoized (it runs for every artifact file of every model); None for unknown names."""
    try:
        return resolve_quant(name)
    except UsageError:
        return None
