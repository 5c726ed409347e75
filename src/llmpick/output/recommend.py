"""Rendering of `recommend`, `check` and `hardware`: JSON items and human tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..schema import ModelSummaryOut, RecommendationOut
from . import emit_json, gib, info, line, table

FIT_LABEL = {"gpu": "GPU", "split": "GPU+RAM", "cpu": "CPU", "none": "no fit"}


def item(o: Any, hw: Any) -> RecommendationOut:
    from ..recommend import memory_dict

    pl = o.placement
    sp = o.speed
    return RecommendationOut(
        model=ModelSummaryOut.of(o.model),
        quant=o.quant,
        quant_family=o.quant_family,
        artifact={"format": o.artifact_format, "repo": o.repo},
        fit=pl.fit,
        engine=pl.engine,
        memory=memory_dict(o, hw),
        placement={
            "cards_used": pl.cards_used,
            "gpu_layers": pl.gpu_layers,
            "layers": pl.layers,
            "tensor_parallel": pl.tensor_parallel,
            "pipeline_parallel": pl.pipeline_parallel,
            "nodes": pl.nodes,
            "cards_needed": pl.cards_needed,
            "nodes_needed": pl.nodes_needed,
            "needs": pl.needs,
        },
        tokens_per_second=sp.tokens_per_second,
        tokens_per_second_range=[sp.low, sp.high] if sp.tokens_per_second is not None else None,
        speed_basis=sp.basis,
        score=o.score,
        score_parts=o.score_parts,
        reasons=o.reasons,
        run=o.run,
        assumptions=list(o.estimate.assumptions) + list(o.estimate.missing),
    )


def emit_recommend(result: Any, warnings: Sequence[str]) -> None:
    from ..hardware import hardware_dict

    hw = result.hardware
    emit_json(
        "recommend",
        hardware=hardware_dict(hw),
        constraints=result.constraints.as_dict(),
        items=[item(o, hw) for o in result.items],
        hint=result.hint,
        considered=result.considered,
        warnings=list(warnings) + list(hw.notes),
    )


def emit_check(ok: bool, option: Any, reason: str, hw: Any, constraints: Any, warnings: Sequence[str]) -> None:
    from ..hardware import hardware_dict

    emit_json(
        "check",
        hardware=hardware_dict(hw),
        constraints=constraints.as_dict(),
        fits=ok,
        reason=reason,
        items=[item(option, hw)] if option is not None else [],
        warnings=list(warnings) + list(hw.notes),
    )


def _hw_header(hw: Any) -> None:
    origin = {"detected": "detected", "config": "from the config profile", "flags": "from the flags"}.get(
        hw.origin, hw.origin
    )
    info(f"Hardware ({origin}): {hw.describe()}")
    for n in hw.notes:
        info(f"  note: {n}")


def _speed(o: Any) -> str:
    sp = o.speed
    return "?" if sp.tokens_per_second is None else f"{sp.tokens_per_second:.0f}"


def render_recommend(result: Any, explain: bool = False) -> None:
    hw = result.hardware
    _hw_header(hw)
    if not result.items:
        info(result.hint or "Nothing fits.")
        return
    rows = []
    for i, o in enumerate(result.items, 1):
        from ..recommend import memory_dict

        mem = memory_dict(o, hw)
        rows.append(
            [
                str(i),
                o.model.id,
                o.quant,
                FIT_LABEL[o.fit],
                f"{gib(mem['total_bytes'])} / {gib(mem['available_bytes'])}",
                _speed(o),
                f"{o.score:.1f}",
                _one_line(o),
            ]
        )
    table(
        [
            "#",
            "model",
            "quant",
            "fit",
            ("memory used / available", "right"),
            ("tok/s", "right"),
            ("score", "right"),
            "why",
        ],
        rows,
        caption=f"{len(result.items)} of {result.considered} model(s) considered; context {result.constraints.context} "
        "tokens; --explain for the working, --format json for scripts",
    )
    if explain:
        for o in result.items:
            explain_option(o, hw)


def _one_line(o: Any) -> str:
    pl = o.placement
    if pl.fit == "gpu":
        where = (
            f"vLLM TP {pl.tensor_parallel}"
            + (f" x PP {pl.pipeline_parallel}" if (pl.pipeline_parallel or 1) > 1 else "")
            if pl.tensor_parallel
            else f"{pl.cards_used} GPU{'s' if pl.cards_used > 1 else ''}, llama.cpp"
            if pl.engine == "llama.cpp"
            else f"{pl.cards_used} GPU(s), {pl.engine}"
        )
    elif pl.fit == "split":
        where = f"{pl.gpu_layers}/{pl.layers} layers on GPU, rest in RAM"
    else:
        where = "RAM only, llama.cpp"
    parts = [where, f"{o.quant} keeps ~{o.score_parts['quant_kept'] * 100:.0f}%"]
    if o.score_parts.get("use_bonus"):
        parts.append("a main use")
    if o.score_parts.get("speed_penalty"):
        parts.append("slow")
    if "benchmarks" in o.score_parts.get("quality_basis", ""):
        parts.append("benchmarked")
    return "; ".join(parts)


def explain_option(o: Any, hw: Any) -> None:
    from ..recommend import memory_dict

    line()
    line(f"{o.model.id} at {o.quant} ({o.artifact_format}: {o.repo}), engine {o.placement.engine}, score {o.score:.1f}")
    for r in o.reasons:
        line(f"  - {r}")
    mem = memory_dict(o, hw)
    est = o.estimate
    line(
        f"  memory: weights {gib(est.weights_bytes)} + KV cache {gib(est.kv_cache_bytes)} ({o.context} tokens) "
        f"+ vision {gib(est.vision_bytes)} + overhead {gib(est.overhead_per_gpu_bytes)} per card"
    )
    if any(mem["gpu_bytes_per_card"]):
        cards = ", ".join(
            f"card {i}: {gib(b)}" + (f" ({n} layers)" if mem["gpu_layers_per_card"] else "")
            for i, (b, n) in enumerate(
                zip(
                    mem["gpu_bytes_per_card"],
                    mem["gpu_layers_per_card"] or [0] * len(mem["gpu_bytes_per_card"]),
                    strict=False,
                )
            )
            if b
        )
        line(f"  placement: {cards}" + (f"; RAM {gib(mem['ram_bytes'])}" if mem["ram_bytes"] else ""))
    elif mem["ram_bytes"]:
        line(f"  placement: RAM {gib(mem['ram_bytes'])}")
    sp = o.speed.basis
    if o.speed.tokens_per_second is not None:
        line(
            f"  speed: {o.speed.tokens_per_second:g} tok/s (band {o.speed.low:g}-{o.speed.high:g}); reads "
            f"{gib(sp.get('weights_read_per_token_bytes'))} of weights + {gib(sp.get('kv_read_per_token_bytes'))} of KV "
            f"per token; GPU {sp.get('gpu_bandwidth_gb_per_s')} GB/s, RAM {sp.get('ram_bandwidth_gb_per_s')} GB/s; "
            f"efficiency {sp.get('efficiency')}; profile {sp.get('profile')}"
        )
    sp_ = o.score_parts
    line(
        f"  score: 100 x quality {sp_['quality']:.3f} x kept {sp_['quant_kept']:.3f} x fit {sp_['fit_factor']:.2f} "
        f"+ use {sp_['use_bonus']:g} - speed {sp_['speed_penalty']:g}"
    )
    for k in ("llama_cpp", "ollama", "vllm", "mlx"):
        if o.run.get(k):
            line(f"  run ({k}): {o.run[k]}")
    for n in o.run.get("notes", []):
        line(f"  note: {n}")
    for a in est.assumptions + est.missing:
        line(f"  assumption: {a}")


def render_check(ok: bool, o: Any, reason: str, hw: Any, explain: bool = False) -> None:
    _hw_header(hw)
    verdict = "FITS" if ok else "DOES NOT FIT"
    line(f"{verdict}: {o.model.id} at {o.quant} — {reason}")
    if ok or explain:
        for k in ("llama_cpp", "ollama", "vllm", "mlx"):
            if o.run.get(k):
                line(f"  run ({k}): {o.run[k]}")
        for n in o.run.get("notes", []):
            line(f"  note: {n}")
    if explain:
        explain_option(o, hw)
