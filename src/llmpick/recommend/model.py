"""The recommender's values: what was asked (Constraints) and what was found (Placement, Option, Result)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from ..errors import UsageError
from ..hardware import Hardware
from ..schema import MemoryEstimate, Model
from ..schema.recommend import MemoryUseOut, RunOut, ScorePartsOut
from ..speed import Speed
from .artifacts import Candidate


@dataclass
class Constraints:
    """What the user asked for.  The recommender never changes a Constraints it is given."""

    uses: list[str] = field(default_factory=list)
    commercial: bool = False
    license_classes: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    max_params: int | None = None
    quant: str | None = None
    context: int = 8192
    context_explicit: bool = False
    min_speed: float | None = None
    top: int = 10
    include_offload: bool = False
    kv_cache: str = "f16"

    def check(self) -> None:
        if self.context < 1:
            raise UsageError(f"--context must be at least 1 token (got {self.context}).", "e.g. --context 8192.")
        if self.top < 1:
            raise UsageError(f"--top must be at least 1 (got {self.top}).")
        if self.min_speed is not None and (not math.isfinite(self.min_speed) or self.min_speed < 0):
            raise UsageError("--min-speed must be a positive number of tokens per second.")

    def resolved(self) -> Constraints:
        """A checked copy with the quantization's canonical name (``q4_k_m`` -> ``Q4_K_M``)."""
        self.check()
        if not self.quant:
            return replace(self)
        from ..quant import resolve_quant

        return replace(self, quant=resolve_quant(self.quant).name)


@dataclass
class Placement:
    fit: str  # gpu, moe-offload, split, cpu, none
    engine: str
    layers: int | None
    gpu_layers: int  # llama.cpp -ngl (repeating layers on the GPUs)
    card_bytes: list[int]  # bytes on each card (0 = unused), in the hardware's card order
    card_layers: list[int]
    ram_bytes: int
    tensor_parallel: int | None = None
    pipeline_parallel: int | None = None
    nodes: int = 1
    needs: str | None = None  # what it would take when it does not fit
    cards_needed: int | None = None
    nodes_needed: int | None = None
    notes: list[str] = field(default_factory=list)
    unsupported: str | None = None  # why the engine cannot run on this machine at all (fit "none")
    cpu_moe_layers: int | None = None  # fit moe-offload: llama.cpp --n-cpu-moe N (experts of layers 0..N-1 in RAM)
    ram_active_bytes: float = 0.0  # fit moe-offload: active expert bytes read from RAM per token

    @property
    def cards_used(self) -> int:
        return sum(1 for b in self.card_bytes if b > 0)


@dataclass
class Option:
    """One model at one quantization (a :class:`Candidate`), evaluated."""

    model: Model
    candidate: Candidate  # what was evaluated: quantization, artifact, engine, real size, how it is made
    context: int
    estimate: MemoryEstimate
    placement: Placement
    speed: Speed
    score: float
    score_parts: ScorePartsOut
    ranked_tps: float | None = None  # the speed the score was ranked by (RAM bandwidth assumed when unknown)
    # Filled in by reasons.finish, only for the options shown:
    memory: MemoryUseOut | None = None
    reasons: list[str] = field(default_factory=list)
    run: RunOut | None = None

    # The candidate's facts, read where the option is judged and shown.
    @property
    def quant(self) -> str:
        return self.candidate.quant

    @property
    def quant_family(self) -> str:
        return self.candidate.family

    @property
    def artifact_format(self) -> str:
        return self.candidate.artifact_format

    @property
    def repo(self) -> str | None:
        return self.candidate.repo

    @property
    def published(self) -> bool:
        """False: nobody published it; made_with names the tool, the run notes say how."""
        return self.candidate.published

    @property
    def made_with(self) -> str | None:
        return self.candidate.made_with

    @property
    def preference(self) -> int:
        """Among options equal in score, fit and quantization, the lower first (recommend/made.py)."""
        return self.candidate.preference

    @property
    def fit(self) -> str:
        return self.placement.fit


@dataclass
class Result:
    hardware: Hardware
    constraints: Constraints
    items: list[Option]
    considered: int
    evaluated: int
    hint: str | None = None
    notes: list[str] = field(default_factory=list)
