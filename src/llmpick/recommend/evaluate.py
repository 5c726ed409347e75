"""One model at one quantization on one machine: estimate, placement, speed and score."""

from __future__ import annotations

from collections.abc import Callable

from ..engines import memory_engine
from ..estimate import estimate
from ..hardware import Hardware
from ..hardware.gpus import find_exact
from ..quality_data import quant_kept, quant_kept_basis
from ..schema import MemoryEstimate, Model
from ..schema.recommend import ScorePartsOut
from ..speed import CUDA, Speed, estimate_prefill, estimate_speed, profile_for
from ..units import gib
from . import ranking as R
from .artifacts import apple
from .candidates import Candidate
from .model import Constraints, Option, Placement
from .moe import place_moe
from .placement import cards_needed_layers, place_layers, place_vllm
from .quality import QualityModel

# Tensor parallelism reads every card at once: bandwidths add, minus the all-reduce between layers.  0.75 is a
# judgement, not a measurement (hence "uncalibrated" in the speed basis).
TP_BANDWIDTH_SCALING = 0.75

# A real file size for (model, quantization), e.g. from the Hub cache of `llmpick refresh`; None when unknown.
FileSize = Callable[[Model, str], "int | None"]


def evaluate(
    m: Model,
    cand: Candidate,
    hw: Hardware,
    cons: Constraints,
    qm: QualityModel,
    context: int,
    allow_split: bool,
    file_size: FileSize | None = None,
    *,
    allow_moe: bool | None = None,
) -> Option:
    """``allow_split``: layers in RAM (split) and CPU runs may be placed; ``allow_moe`` (default: as
    ``allow_split``): experts in RAM (moe-offload) may be placed."""
    size = cand.size_bytes
    if size is None and file_size is not None:
        size = file_size(m, cand.quant)  # a real file size (e.g. from `llmpick refresh`) beats the formula
    est = estimate(
        m, cand.quant, context, kv_cache=cons.kv_cache, engine=memory_engine(cand.engine), file_size_bytes=size
    )
    # Experts in RAM (llama.cpp --n-cpu-moe) against the layer split / CPU run: the better score wins, not a fixed
    # order of fit classes (a layer split can be faster for a small MoE on a mid-sized card).
    best: tuple[Placement, Speed, float, ScorePartsOut, float | None] | None = None
    for pl in placements(est, m, cand, hw, allow_split, allow_split if allow_moe is None else allow_moe):
        speed, score, parts, ranked = _judge(est, pl, m, cand, hw, cons, qm, context)
        if best is None or (score, -R.FIT_ORDER[pl.fit]) > (best[2], -R.FIT_ORDER[best[0].fit]):
            best = (pl, speed, score, parts, ranked)
    assert best is not None  # placements always gives the plain placement
    pl, speed, score, parts, ranked = best
    return Option(m, cand, context, est, pl, speed, score, parts, ranked_tps=ranked)


def placements(
    est: MemoryEstimate, m: Model, cand: Candidate, hw: Hardware, allow_split: bool, allow_moe: bool
) -> list[Placement]:
    """Where this candidate can go: the plain placement (GPUs, layer split, CPU, or none) first, then, when that is
    not a full GPU fit, the experts-in-RAM placement where it applies.  `evaluate` scores them; recommend/context.py
    asks them again at other contexts."""
    pl = _place(est, m, cand, hw, allow_split)
    if pl.fit == "gpu":
        return [pl]
    moe = _place_moe(est, m, cand, hw, allow_moe)
    return [pl] if moe is None else [pl, moe]


def _judge(
    est: MemoryEstimate,
    pl: Placement,
    m: Model,
    cand: Candidate,
    hw: Hardware,
    cons: Constraints,
    qm: QualityModel,
    context: int,
) -> tuple[Speed, float, ScorePartsOut, float | None]:
    """The speed and score of one placement, and the speed it was ranked by."""
    speed, rank_tps, assumed_ram = _speed(est, pl, cand, hw, context)
    score, parts = score_option(m, cand.quant, cand.bits, pl.fit, rank_tps, cons, qm)
    if assumed_ram is not None:
        basis = (
            f"RAM bandwidth unknown: ranked as if {assumed_ram:g} GB/s (dual-channel DDR4-3200); pass --ram-bandwidth"
        )
        parts = parts.model_copy(update={"speed_penalty_basis": basis})
    return speed, score, parts, rank_tps


def _place_moe(est: MemoryEstimate, m: Model, cand: Candidate, hw: Hardware, allow: bool) -> Placement | None:
    """llama.cpp with the routed experts of some layers in RAM, where that is allowed (recommend/moe.py)."""
    if not allow or cand.engine != "llama.cpp" or hw.unified or est.total_bytes is None:
        return None
    if cannot_run(cand.engine, cand.artifact_format, hw) is not None:
        return None
    return place_moe(est, m.entry.arch, hw.usable_card_bytes, hw.usable_ram_bytes, engine=cand.engine)


def _place(est: MemoryEstimate, m: Model, cand: Candidate, hw: Hardware, allow_split: bool) -> Placement:
    if est.total_bytes is None:
        # Unknown weights never fit: a model is placed only on a known size (issue #10, D1).
        n = len(hw.usable_card_bytes)
        return Placement("none", cand.engine, est.layers, 0, [0] * n, [0] * n, 0)
    why = cannot_run(cand.engine, cand.artifact_format, hw)
    if why is not None:
        n = len(hw.usable_card_bytes)
        return Placement("none", cand.engine, est.layers, 0, [0] * n, [0] * n, 0, unsupported=why)
    if cand.engine == "vllm":
        return place_vllm(est, m, hw)
    caps = hw.usable_card_bytes
    pl = place_layers(
        est, caps, hw.usable_ram_bytes, engine=cand.engine, allow_split=allow_split and cand.engine == "llama.cpp"
    )
    if pl.fit == "none" and caps:
        k = cards_needed_layers(est, max(caps))
        if k is not None:
            pl.cards_needed = k
            pl.needs = f"{k} cards like the largest one here ({gib(max(caps), 0)} usable) with a layer split"
    return pl


def cannot_run(engine: str, kind: str, hw: Hardware) -> str | None:
    """Why this machine cannot run an engine (for an artifact kind) at all, or None: placed "none" whatever the
    memory, and said so (``Placement.unsupported``)."""
    if engine == "mlx" and not apple(hw):
        return "MLX runs only on Apple silicon"
    if engine == "exllamav2" and (not hw.gpus or hw.unified):
        return "ExLlamaV2 runs only on CUDA or ROCm GPUs"
    if kind == "bnb" and (not hw.gpus or apple(hw)):
        return "bitsandbytes runs on CUDA GPUs (and some others), not on Apple silicon or without a GPU"
    if engine == "vllm" and (not hw.gpus or hw.unified):
        return "vLLM needs CUDA or ROCm GPUs"
    return None


def _speed(
    est: MemoryEstimate, pl: Placement, cand: Candidate, hw: Hardware, context: int
) -> tuple[Speed, float | None, float | None]:
    """(the speed shown, the speed ranked by, the RAM bandwidth assumed for ranking or None)."""
    if pl.fit == "none":
        return Speed(None, None, None, {"method": "no estimate: does not fit"}), None, None
    prof = profile_for(hw.gpus[0].vendor if hw.gpus else None, hw.unified) if hw.has_gpu else CUDA
    share = 1.0
    ram_weights: float | None = None
    if pl.fit == "moe-offload":
        ram_weights = pl.ram_active_bytes
    elif pl.fit == "split" and pl.layers:
        share = pl.gpu_layers / pl.layers
    elif pl.fit == "cpu":
        share = 0.0
    bw = hw.gpu_bandwidth_gbs()
    cards = max(1, pl.cards_used)
    if pl.fit == "gpu" and pl.tensor_parallel and pl.tensor_parallel > 1 and bw:
        bw = bw * pl.tensor_parallel * TP_BANDWIDTH_SCALING
        cards = pl.pipeline_parallel or 1

    def run(ram_bw: float | None) -> Speed:
        return estimate_speed(
            weight_bytes=est.active_weights_bytes or 0,  # known: only placed options get here
            kv_bytes=est.kv_cache_bytes or 0,
            gpu_share=share,
            layers=est.layers or 1,
            gpu_bandwidth_gbs=bw,
            cpu_bandwidth_gbs=ram_bw,
            cards=cards,
            gpu=prof,
            context=context,
            engine=cand.engine,
            ram_weight_bytes=ram_weights,
            # one stream's recurrent state (hybrid models): est.state_bytes holds one per --parallel sequence
            state_bytes=(est.state_bytes or 0) / max(1, est.parallel),
        )

    speed = run(hw.ram_bandwidth_gbs)
    if hw.has_gpu:
        speed.prefill = estimate_prefill(
            active_params=float(est.params_active or est.params_total or 0) or None,  # dense: all params active
            fp16_tflops=_fp16_tflops(hw),
            profile=prof,
            context=context,
            on_gpu_only=pl.fit == "gpu" and not pl.tensor_parallel,
        )
    if pl.tensor_parallel and pl.tensor_parallel > 1:
        speed.basis["tensor_parallel"] = (
            f"{pl.tensor_parallel} cards read in parallel (x{TP_BANDWIDTH_SCALING} for all-reduce; uncalibrated)"
        )
        speed.basis["calibrated"] = False
    if (
        speed.tokens_per_second is None
        and pl.fit in ("cpu", "split", "moe-offload")
        and not hw.ram_bandwidth_gbs
        and (bw or pl.fit == "cpu")
    ):
        # Unknown RAM bandwidth: the speed shown stays unknown, but ranking a 32B dense model on a CPU as if
        # it were fast would be wrong; rank with a common desktop's bandwidth instead, and say so.
        return speed, run(R.ASSUMED_RAM_BANDWIDTH_GBS).tokens_per_second, R.ASSUMED_RAM_BANDWIDTH_GBS
    return speed, speed.tokens_per_second, None


def _fp16_tflops(hw: Hardware) -> float | None:
    """The slowest card's FP16 TFLOPS from the GPU table (a card given only by --vram has none)."""
    vals = []
    for g in hw.gpus:
        spec = find_exact(g.source.removeprefix("table:")) if g.source.startswith("table:") else None
        vals.append(spec.fp16_tflops if spec else None)
    if not vals or any(v is None for v in vals):
        return None
    return min(v for v in vals if v is not None)


def score_option(
    m: Model, quant: str, bits: float | None, fit: str, tps: float | None, cons: Constraints, qm: QualityModel
) -> tuple[float, ScorePartsOut]:
    """The score (ranking.py's formula, rounded to 2 places) and its terms."""
    quality, qbasis = qm.quality(m, cons.uses)
    kept = quant_kept(quant, bits)
    parts = ScorePartsOut(
        quality=round(quality, 4),
        quality_basis=qbasis,
        quant_kept=kept,
        quant_kept_basis=quant_kept_basis(quant),
        fit_factor=R.FIT_FACTOR[fit],
        use_bonus=R.use_bonus(m.entry.uses, cons.uses),
        # With --min-speed the user has said what is fast enough: the picks that reach it are ranked by
        # expected quality alone (issue #12), not charged again for being under the default thresholds.
        speed_penalty=R.speed_penalty(tps) if cons.min_speed is None else 0.0,
    )
    if fit == "none":
        return 0.0, parts
    return round(100 * quality * kept * parts.fit_factor + parts.use_bonus - parts.speed_penalty, 2), parts
