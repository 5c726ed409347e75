"""Rendering of `recommend` and `check` answers: JSON and human tables, both from the same typed answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..schema.hardware import HardwareOut
from ..schema.recommend import CheckAnswer, RecommendAnswer, RecommendationOut, RepoCheckAnswer
from . import gib, info, line, table
from .catalog import DRAFT_LEGEND, marked

FIT_LABEL = {"gpu": "GPU", "moe-offload": "GPU+experts in RAM", "split": "GPU+RAM", "cpu": "CPU", "none": "no fit"}
_ENGINES = ("llama_cpp", "ollama", "vllm", "mlx")


def _hw_header(hw: HardwareOut) -> None:
    origin = {"detected": "detected", "config": "from the config profile", "flags": "from the flags"}.get(
        hw.origin, hw.origin
    )
    info(f"Hardware ({origin}): {hw.description}")
    for n in hw.notes:
        info(f"  note: {n}")


def _speed(o: RecommendationOut) -> str:
    return "?" if o.tokens_per_second is None else f"{o.tokens_per_second:.0f}"


def render_recommend(answer: RecommendAnswer, explain: bool = False) -> None:
    _hw_header(answer.hardware)
    if not answer.items:
        info(answer.hint or "Nothing fits.")
        return
    rows = [
        [
            str(i),
            marked(o.model.id, o.model.curated),
            o.quant,
            FIT_LABEL[o.fit] + (" (tight)" if o.tight else ""),
            f"{gib(o.memory.total_bytes)} / {gib(o.memory.available_bytes)}",
            _speed(o),
            f"{o.score:.1f}",
            _one_line(o),
        ]
        for i, o in enumerate(answer.items, 1)
    ]
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
        caption=f"{len(answer.items)} of {answer.considered} model(s) considered; context "
        f"{answer.constraints.context} tokens; --explain for the working, --format json for scripts"
        + ("" if all(o.model.curated for o in answer.items) else "\n" + DRAFT_LEGEND),
    )
    if answer.hint:
        info(f"  note: {answer.hint}")
    if explain:
        for o in answer.items:
            explain_option(o)


def _one_line(o: RecommendationOut) -> str:
    pl = o.placement
    if o.fit == "gpu":
        if pl.tensor_parallel:
            where = f"vLLM TP {pl.tensor_parallel}" + (
                f" x PP {pl.pipeline_parallel}" if (pl.pipeline_parallel or 1) > 1 else ""
            )
        elif o.engine == "llama.cpp":
            where = f"{pl.cards_used} GPU{'s' if pl.cards_used > 1 else ''}, llama.cpp"
        else:
            where = f"{pl.cards_used} GPU(s), {o.engine}"
    elif o.fit == "moe-offload":
        where = f"all layers on GPU, experts of {pl.cpu_moe_layers} in RAM (--n-cpu-moe)"
    elif o.fit == "split":
        where = f"{pl.gpu_layers}/{pl.layers} layers on GPU, rest in RAM"
    else:
        where = "RAM only, llama.cpp"
    sp = o.score_parts
    parts = [where, f"{o.quant} keeps ~{sp.quant_kept * 100:.0f}%"]
    if not o.artifact.published:
        parts.append(f"not published: {o.artifact.made_with}")
    if sp.use_bonus:
        parts.append("a main use")
    if sp.speed_penalty:
        parts.append("slow")
    if "benchmarks" in sp.quality_basis:
        parts.append("benchmarked")
    return "; ".join(parts)


def _run_lines(o: RecommendationOut) -> None:
    run = o.run
    for k in _ENGINES:
        if getattr(run, k):
            line(f"  run ({k}): {getattr(run, k)}")
    for n in run.notes:
        line(f"  note: {n}")


def explain_option(o: RecommendationOut) -> None:
    line()
    source = f"{o.artifact.format}: {o.artifact.repo}"
    if not o.artifact.published:
        source += f", not published: made with {o.artifact.made_with}"
    line(f"{o.model.id} at {o.quant} ({source}), engine {o.engine}, score {o.score:.1f}")
    for r in o.reasons:
        line(f"  - {r}")
    mem = o.memory
    line(
        f"  memory: weights {gib(mem.weights_bytes)} + KV cache {gib(mem.kv_cache_bytes)} ({mem.context} tokens) "
        f"+ vision {gib(mem.vision_bytes)} + overhead {gib(mem.overhead_per_gpu_bytes)} per card"
    )
    if mem.max_context_f16_kv is not None:
        q8 = mem.max_context_q8_0_kv
        line(
            f"  longest context placed as well: {mem.max_context_f16_kv:,} tokens (f16 KV cache)"
            + (f", {q8:,} (q8_0 KV cache)" if q8 is not None else "")
        )
    if any(mem.gpu_bytes_per_card):
        layers: Sequence[int] = mem.gpu_layers_per_card or [0] * len(mem.gpu_bytes_per_card)
        cards = ", ".join(
            f"card {i}: {gib(b)}" + (f" ({n} layers)" if mem.gpu_layers_per_card else "")
            for i, (b, n) in enumerate(zip(mem.gpu_bytes_per_card, layers, strict=True))
            if b
        )
        line(f"  placement: {cards}" + (f"; RAM {gib(mem.ram_bytes)}" if mem.ram_bytes else ""))
    elif mem.ram_bytes:
        line(f"  placement: RAM {gib(mem.ram_bytes)}")
    sb = o.speed_basis
    if o.tokens_per_second is not None and o.tokens_per_second_range:
        low, high = o.tokens_per_second_range
        eff: Any = sb.efficiency.model_dump(exclude_none=True) if sb.efficiency else None
        line(
            f"  speed: {o.tokens_per_second:g} tok/s (band {low:g}-{high:g}); reads "
            f"{gib(sb.weights_read_per_token_bytes)} of weights + {gib(sb.kv_read_per_token_bytes)} of KV "
            f"per token; GPU {sb.gpu_bandwidth_gb_per_s} GB/s, RAM {sb.ram_bandwidth_gb_per_s} GB/s; "
            f"efficiency {eff}; profile {sb.profile}"
        )
        if sb.moe_offload:
            line(f"  speed: {sb.moe_offload}")
    pb = o.prefill_basis
    if o.prefill_tokens_per_second is not None and pb is not None:
        ttft = f"; first token after {o.ttft_s:g} s at {pb.context} tokens" if o.ttft_s is not None else ""
        line(
            f"  prefill: {o.prefill_tokens_per_second:g} tok/s{ttft} ({pb.fp16_tflops} TFLOPS FP16 x "
            f"{pb.efficiency}; profile {pb.profile})"
        )
    elif pb is not None and pb.missing:
        line(f"  prefill: unknown ({'; '.join(pb.missing)})")
    sp = o.score_parts
    line(
        f"  score: 100 x quality {sp.quality:.3f} x kept {sp.quant_kept:.3f} x fit {sp.fit_factor:.2f} "
        f"+ use {sp.use_bonus:g} - speed {sp.speed_penalty:g}"
    )
    _run_lines(o)
    for a in o.assumptions:
        line(f"  assumption: {a}")


def render_check(answer: CheckAnswer, explain: bool = False) -> None:
    _hw_header(answer.hardware)
    o = answer.items[0]
    if answer.fits:
        verdict = "FITS"
    elif o.memory.estimate_total_bytes is None:
        verdict = "CANNOT TELL"  # the weights are unknown: never a fit (exit 1)
    else:
        verdict = "DOES NOT FIT"
    line(f"{verdict}: {marked(o.model.id, o.model.curated)} at {o.quant} — {answer.reason}")
    if not o.model.curated:
        line("  " + DRAFT_LEGEND)
    if o.tight:
        line("  " + next((r for r in o.reasons if r.startswith("tight: ")), "tight"))
    if answer.fits or explain:
        _run_lines(o)
    if explain:
        explain_option(o)


def render_repo_check(answer: RepoCheckAnswer, explain: bool = False) -> None:
    """`check hf:`: one row per quantization file, the verdict, and how to run the best file that fits."""
    _hw_header(answer.hardware)
    origin = "cached" if answer.from_cache else "fetched"
    info(f"Hub data for {answer.repo}: {origin} {answer.fetched_at}; architecture from {answer.model_source}")
    rows = [
        [
            o.file + (f" (+{len(o.files) - 1} parts)" if len(o.files) > 1 and o.artifact.format == "gguf" else ""),
            o.quant,
            gib(o.file_size_bytes),
            FIT_LABEL[o.fit] + (" (tight)" if o.tight else ""),
            f"{gib(o.memory.total_bytes)} / {gib(o.memory.available_bytes)}",
            _speed(o),
            ("FITS" if o.fits else "no") + ": " + o.verdict,
        ]
        for o in answer.items
    ]
    table(
        [
            "file",
            "quant",
            ("size", "right"),
            "fit",
            ("memory used / available", "right"),
            ("tok/s", "right"),
            "verdict",
        ],
        rows,
        caption=f"{sum(o.fits for o in answer.items)} of {len(answer.items)} file(s) fit; context "
        f"{answer.constraints.context} tokens; --explain for the working, --format json for scripts",
    )
    for s in answer.skipped:
        info(f"  left out: {s.file}: {s.reason}")
    pick = next((o for o in answer.items if o.file == answer.best_file), None)
    if pick is not None:
        line(f"Best that fits: {pick.file} ({pick.quant}, {FIT_LABEL[pick.fit]})")
        _run_lines(pick)
    else:
        line(f"Nothing in {answer.repo} fits this machine.")
    if explain:
        for o in answer.items:
            explain_option(o)
