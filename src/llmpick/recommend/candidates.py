"""The quantizations a model can be run at: from its catalog artifacts and its original weights."""

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
    artifact_format: str  # gguf, awq, gptq, fp8, qmoe, mlx, original
    repo: str | None
    engine: str  # the engine that serves it (engines.ARTIFACT_ENGINE)
    size_bytes: int | None = None  # the real size, when the catalog lists every file


_ORIGINAL_DTYPE = {
    "bfloat16": "BF16",
    "bf16": "BF16",
    "float16": "F16",
    "fp16": "F16",
    "float32": "BF16",
    "mxfp4": "MXFP4",
}
# GGUF repos whose files the catalog does not list: the usual quantized set (16-bit GGUFs are rarely published;
# vLLM serves 16-bit from the original repo).
_UNLISTED_GGUF = tuple(q for q in COMMON_QUANTS if q not in ("F16", "BF16", "F32"))


def candidates(m: Model, want: str | None, hw: Hardware) -> list[Candidate]:
    """The quantizations this model can be run at, from its artifacts and its original weights."""
    out: dict[tuple[str, str], Candidate] = {}
    e = m.entry
    want_fmt = _resolved(want) if want else None
    want_name = want_fmt.name if want_fmt is not None else None
    entries: list[tuple[str, str, str | None, int | None]] = []  # (quant, kind, repo, size)
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
                if want_fmt is not None and want_fmt.is_gguf and want_fmt.name not in ("F16", "BF16", "F32"):
                    entries.append((want_fmt.name, "gguf", art.repo, None))
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
        elif fmt == "mlx" and hw.unified:
            for qn in [f.quant for f in art.files] or ["MLX-4bit"]:
                entries.append((qn, "mlx", art.repo, None))
    # The original weights, served by vLLM.  Not for Switch (seq2seq) models, which only their own runtime serves.
    if not (e.arch.type or "").startswith("SwitchTransformers"):
        entries.append((_ORIGINAL_DTYPE.get((e.arch.dtype or "bfloat16").lower(), "BF16"), "original", m.id, None))
    sizes_seen: dict[tuple[str, str], int] = {}
    for qname, kind, repo, size in entries:
        q = _resolved(qname)
        if q is None:
            continue
        if want_name is not None and q.name != want_name:
            continue
        if want_name is None and q.name in LOW_BIT:
            continue
        key = (q.name, kind)
        if key in out:
            if size and kind == "gguf":  # a split GGUF: the parts add up
                sizes_seen[key] = sizes_seen.get(key, out[key].size_bytes or 0) + size
            continue
        out[key] = Candidate(q.name, q.family, q.bits, kind, repo, ARTIFACT_ENGINE[kind], size)
    for key, total in sizes_seen.items():
        out[key] = out[key]._replace(size_bytes=total)
    return list(out.values())


@cache
def _resolved(name: str) -> QuantFormat | None:
    """resolve_quant, memoized (it runs for every artifact file of every model); None for unknown names."""
    try:
        return resolve_quant(name)
    except UsageError:
        return None
