"""The answers of `recommend` and `check` as typed results (``schema.recommend``): built once, here, for both the
JSON and the tables, so that what a script reads and what a person reads cannot disagree."""

from __future__ import annotations

from collections.abc import Sequence

from ..hardware import Hardware, report
from ..schema import ModelSummaryOut
from ..schema.recommend import (
    ArtifactOut,
    CheckAnswer,
    ConstraintsOut,
    PlacementOut,
    PrefillBasisOut,
    RecommendAnswer,
    RecommendationOut,
    SpeedBasisOut,
)
from .model import Constraints, Option, Result
from .reasons import tight_cards


def constraints_out(c: Constraints) -> ConstraintsOut:
    return ConstraintsOut(
        uses=list(c.uses),
        commercial=c.commercial,
        license_classes=list(c.license_classes),
        origins=list(c.origins),
        max_params=c.max_params,
        quant=c.quant,
        context=c.context,
        min_speed=c.min_speed,
        top=c.top,
        include_offload=c.include_offload,
        kv_cache=c.kv_cache,
    )


def recommendation_out(o: Option, hw: Hardware) -> RecommendationOut:
    """One option that went through ``reasons.finish`` (memory, reasons and run lines filled in)."""
    if o.memory is None or o.run is None:
        raise ValueError(f"{o.model.id} at {o.quant}: reasons.finish was not run on this option")
    pl, sp = o.placement, o.speed
    return RecommendationOut(
        model=ModelSummaryOut.of(o.model),
        quant=o.quant,
        quant_family=o.quant_family,
        artifact=ArtifactOut(format=o.artifact_format, repo=o.repo, published=o.published, made_with=o.made_with),
        fit=pl.fit,
        engine=pl.engine,
        memory=o.memory,
        tight=bool(tight_cards(o.memory.headroom_bytes_per_card, hw)),
        placement=PlacementOut(
            cards_used=pl.cards_used,
            gpu_layers=pl.gpu_layers,
            layers=pl.layers,
            tensor_parallel=pl.tensor_parallel,
            pipeline_parallel=pl.pipeline_parallel,
            nodes=pl.nodes,
            cards_needed=pl.cards_needed,
            nodes_needed=pl.nodes_needed,
            needs=pl.needs,
            cpu_moe_layers=pl.cpu_moe_layers,
        ),
        tokens_per_second=sp.tokens_per_second,
        tokens_per_second_range=[sp.low, sp.high] if sp.low is not None and sp.high is not None else None,
        speed_basis=SpeedBasisOut.model_validate(sp.basis),
        prefill_tokens_per_second=sp.prefill.tokens_per_second if sp.prefill else None,
        ttft_s=sp.prefill.ttft_s if sp.prefill else None,
        prefill_basis=PrefillBasisOut.model_validate(sp.prefill.basis) if sp.prefill else None,
        score=o.score,
        score_parts=o.score_parts,
        reasons=list(o.reasons),
        run=o.run,
        assumptions=list(o.estimate.assumptions) + list(o.estimate.missing),
    )


def recommend_answer(result: Result, warnings: Sequence[str] = ()) -> RecommendAnswer:
    hw = result.hardware
    return RecommendAnswer(
        hardware=report(hw),
        constraints=constraints_out(result.constraints),
        items=[recommendation_out(o, hw) for o in result.items],
        hint=result.hint,
        considered=result.considered,
        warnings=[*warnings, *hw.notes],
    )


def check_answer(
    ok: bool, option: Option, reason: str, hw: Hardware, cons: Constraints, warnings: Sequence[str] = ()
) -> CheckAnswer:
    return CheckAnswer(
        hardware=report(hw),
        constraints=constraints_out(cons),
        fits=ok,
        reason=reason,
        items=[recommendation_out(option, hw)],
        warnings=[*warnings, *hw.notes],
    )
