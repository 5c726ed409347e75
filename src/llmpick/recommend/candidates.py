"""The quantizations a model can be run at: what is published of it (``artifacts``) and, for a quantization asked
with ``--quant`` that nobody published, the routes that make it (``made``)."""

from __future__ import annotations

from ..errors import UsageError
from ..hardware import Hardware
from ..quant import resolve_quant
from ..schema import Model
from .artifacts import Candidate, published_candidates, resolved, switch_moe
from .made import made

__all__ = ["Candidate", "candidates", "no_candidate"]


def candidates(m: Model, want: str | None, hw: Hardware) -> list[Candidate]:
    """The quantizations this model can be run at: its artifacts and its original weights.  With ``want``, only that
    quantization, and where nobody published it, the routes that make it (``published=False``).  Without
    ``want`` (`recommend` without --quant), only what is published."""
    fmt = resolved(want) if want else None
    found = published_candidates(m, fmt, hw)
    if fmt is not None:
        found += made(m, fmt, found)
    return found


def no_candidate(m: Model, want: str | None) -> UsageError:
    """The error when :func:`candidates` finds nothing: what cannot run this model at ``want``, and what can."""
    if not want:
        return UsageError(f"{m.id} has no artifact llmpick knows how to run.")
    fmt = resolve_quant(want)
    if fmt.family == "qmoe":
        return UsageError(
            f"QMoE is a compression of Switch Transformers MoE models only (IST-DASLab/qmoe); {m.id} is "
            f"{m.entry.arch.type or 'another architecture'}.",
            "Ask for another --quant (`llmpick quants` lists them), or leave it out.",
        )
    if switch_moe(m):
        return UsageError(
            f"{m.id} is a Switch Transformers model: llama.cpp, vLLM, ExLlamaV2 and MLX do not run it, so there is "
            f"no {fmt.name} for it.",
            "Try --quant BF16 (transformers), QMoE or NF4, or leave out --quant.",
        )
    return UsageError(
        f"{m.id} has no {fmt.name} artifact in the catalog.",
        "Run `llmpick show " + m.id + "` for its artifacts, or leave out --quant.",
    )
