"""Why each pick, in words, and how to run it: filled in only for the options shown."""

from __future__ import annotations

from ..hardware import Hardware
from ..quality_data import quant_kept
from ..runcmd import run_lines
from ..schema.recommend import MemoryUseOut
from ..units import gib as _gib
from .context import longest_context, q8_0_kv_fits_gpu
from .model import Constraints, Option
from .ranking import tight_margin


def headroom_per_card(o: Option, hw: Hardware) -> list[int | None]:
    """Usable bytes minus used bytes on each card, in the machine's card order; None for a card left unused."""
    pl = o.placement
    if pl.fit in ("cpu", "none"):
        return [None] * len(hw.usable_card_bytes)
    used = list(pl.card_bytes) + [0] * max(0, len(hw.usable_card_bytes) - len(pl.card_bytes))
    return [cap - b if b > 0 else None for cap, b in zip(hw.usable_card_bytes, used, strict=False)]


def tight_cards(room: list[int | None], hw: Hardware) -> list[int]:
    """Indexes of the used cards left with less than ``ranking.tight_margin`` of their usable memory."""
    caps = hw.usable_card_bytes
    return [i for i, (r, cap) in enumerate(zip(room, caps, strict=False)) if r is not None and r < tight_margin(cap)]


def tight_reason(room: list[int | None], hw: Hardware, cards: list[int]) -> str:
    """'tight: 11.9 of 12.0 GiB on the GPU: ...', for the tight card with the least room."""
    i = min(cards, key=lambda k: room[k] or 0)
    cap = hw.usable_card_bytes[i]
    where = "on the GPU" if len(hw.usable_card_bytes) == 1 else f"on GPU {i}"
    return (
        f"tight: {_gib(cap - (room[i] or 0))} of {_gib(cap)} {where}: next to a desktop's display this may not "
        "load; --reserve 1 keeps 1 GiB free"
    )


def memory_use(o: Option, hw: Hardware) -> MemoryUseOut:
    """Memory used and available for one option, as the answer shows it."""
    est, pl = o.estimate, o.placement
    caps = hw.usable_card_bytes
    avail: int | None
    if pl.fit in ("gpu", "none"):
        avail = sum(caps) * (pl.nodes if pl.tensor_parallel else 1)
    elif pl.fit in ("split", "moe-offload"):
        avail = sum(caps) + (hw.usable_ram_bytes or 0)
    else:
        avail = hw.usable_ram_bytes
    used = sum(pl.card_bytes) + pl.ram_bytes if pl.fit != "none" else est.total_bytes
    if pl.tensor_parallel and pl.fit == "gpu":
        used = sum(pl.card_bytes) * (pl.pipeline_parallel or 1)
    return MemoryUseOut(
        max_context_f16_kv=longest_context(o, hw, "f16"),
        max_context_q8_0_kv=longest_context(o, hw, "q8_0"),
        total_bytes=int(used) if used is not None else None,
        estimate_total_bytes=est.total_bytes,
        available_bytes=avail,
        weights_bytes=est.weights_bytes,
        kv_cache_bytes=est.kv_cache_bytes,
        vision_bytes=est.vision_bytes,
        overhead_per_gpu_bytes=est.overhead_per_gpu_bytes,
        gpu_bytes_per_card=list(pl.card_bytes),
        headroom_bytes_per_card=headroom_per_card(o, hw),
        gpu_layers_per_card=list(pl.card_layers) if not pl.tensor_parallel else None,
        ram_bytes=pl.ram_bytes,
        layers=pl.layers,
        gpu_layers=pl.gpu_layers,
        context=o.context,
        bits_per_weight=est.bits_per_weight,
    )


def unpublished_reason(o: Option) -> str:
    """One line for an option nobody published: what makes it (the run notes have the commands)."""
    tool = o.made_with or "a quantizer"
    if tool.startswith(("vllm --", "transformers --")):
        engine, flag = tool.split(" ", 1)
        how = f"{engine} makes it from the released weights at load ({flag})"
    elif tool == "bitsandbytes":
        how = "bitsandbytes makes it from the released weights at load"
    else:
        how = f"make it from {o.repo} with {tool}"
    kind = {"original": "weights", "gguf": "GGUF"}.get(o.artifact_format, "checkpoint")
    return f"not published: the catalog lists no {o.quant} {kind} of this model; {how} (run notes)"


def finish(o: Option, hw: Hardware, cons: Constraints) -> None:
    """Fill in memory use, reasons and run lines (only for the options shown)."""
    pl, est = o.placement, o.estimate
    mem = o.memory = memory_use(o, hw)
    r: list[str] = []
    if pl.fit == "gpu":
        if pl.tensor_parallel:
            r.append(
                f"fits on the GPUs with vLLM: tensor parallel {pl.tensor_parallel}"
                + (
                    f" x pipeline {pl.pipeline_parallel} over {pl.nodes} nodes"
                    if (pl.pipeline_parallel or 1) > 1
                    else ""
                )
                + f", {_gib(max(pl.card_bytes))} per card of {_gib(min(hw.usable_card_bytes))}"
            )
        else:
            per = ", ".join(f"{_gib(b)}" for b in pl.card_bytes if b)
            r.append(
                f"fits on {pl.cards_used} GPU{'s' if pl.cards_used > 1 else ''}: {_gib(mem.total_bytes)} "
                f"of {_gib(mem.available_bytes)} ({per} per card; {'all ' + str(pl.layers) + ' layers' if pl.layers and pl.layers > 1 else 'whole model'})"
            )
    elif pl.fit == "moe-offload":
        per = ", ".join(f"{_gib(b)}" for b in pl.card_bytes if b)
        r.append(
            f"experts in RAM: all {pl.layers} layers on {pl.cards_used} GPU{'s' if pl.cards_used > 1 else ''} "
            f"({per} per card), the routed experts of {pl.cpu_moe_layers} layers in RAM ({_gib(pl.ram_bytes)} of "
            f"{_gib(hw.usable_ram_bytes)} usable; llama.cpp --n-cpu-moe {pl.cpu_moe_layers}); only the active "
            "experts are read from RAM per token"
        )
    elif pl.fit == "split":
        r.append(
            f"only with CPU offload: {pl.gpu_layers} of {pl.layers} layers on the GPUs, "
            f"{_gib(pl.ram_bytes)} in RAM (needs {_gib(est.total_bytes)}, GPUs have {_gib(sum(hw.usable_card_bytes))})"
        )
    elif pl.fit == "cpu":
        r.append(
            f"runs from RAM: {_gib(pl.ram_bytes)} of {_gib(hw.usable_ram_bytes)} usable"
            + ("" if not hw.has_gpu else " (too large for the GPUs)")
        )
    elif pl.unsupported:
        r.append(f"does not run on this machine: {pl.unsupported}")
    elif est.total_bytes is None:
        why = next((m for m in est.missing if m.startswith("weights unknown")), "its weights are unknown")
        r.append(f"cannot tell whether it fits: {why}")
    else:
        avail = sum(hw.usable_card_bytes)
        line = f"does not fit: needs {_gib(est.total_bytes)}, the GPUs have {_gib(avail)}"
        if pl.needs:
            line += f"; needs {pl.needs}"
        if pl.engine == "vllm" and pl.nodes_needed and pl.nodes_needed > 1:
            line += (
                f"; or {pl.nodes_needed} machines like this one: vLLM tensor parallel {pl.tensor_parallel} x "
                f"pipeline {pl.nodes_needed} over Ray (--nodes {pl.nodes_needed})"
            )
        r.append(line)
    if q8_0_kv_fits_gpu(o, hw):
        r.append(
            "a q8_0 KV cache (llama.cpp -ctk q8_0 -ctv q8_0) fits it on the GPUs alone at this context: faster, "
            "at a negligible quality cost"
        )
    tight = tight_cards(mem.headroom_bytes_per_card, hw)
    if tight:
        r.append(tight_reason(mem.headroom_bytes_per_card, hw, tight))
    if not o.published:
        r.append(unpublished_reason(o))
    r.append(
        f"{o.quant}: keeps ~{quant_kept(o.quant) * 100:.0f}% of full-precision quality "
        f"({o.score_parts.quant_kept_basis})"
    )
    sp = o.speed
    if sp.tokens_per_second is not None:
        r.append(
            f"~{sp.tokens_per_second:g} tok/s (likely {sp.low:g}-{sp.high:g}) at {o.context} tokens of context, "
            f"{'calibrated' if sp.basis.get('calibrated') else 'uncalibrated'} bandwidth model"
        )
    elif pl.fit != "none":
        r.append("speed unknown: " + "; ".join(sp.basis.get("missing", ["bandwidth unknown"])))
        if cons.min_speed is not None:
            r.append(f"--min-speed {cons.min_speed:g} not checked: the speed is unknown")
    r.append(o.score_parts.quality_basis)
    if cons.uses and o.score_parts.use_bonus:
        r.append(f"{'/'.join(cons.uses)} is one of its main uses")
    mx = o.model.entry.arch.max_context
    if mx and mx < cons.context:
        r.append(f"context capped at the model's maximum of {mx} tokens")
    if o.model.entry.method == "base" and not o.model.entry.uses:
        r.append("a base model: not instruction-tuned")
    if o.model.entry.superseded_by:
        r.append(f"superseded by {o.model.entry.superseded_by}")
    r += pl.notes
    o.reasons = r
    o.run = run_lines(o, hw)
