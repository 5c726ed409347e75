"""Where a model goes on a machine: llama.cpp layer split over the cards, partial offload, CPU, or vLLM tensor
and pipeline parallelism."""

from __future__ import annotations

from collections.abc import Sequence

from ..estimate.overhead import CUDA_CONTEXT_BYTES
from ..hardware import Hardware
from ..schema import MemoryEstimate, Model
from ..units import gib
from .model import Placement

VLLM_GPU_UTILIZATION = 0.90  # vLLM's --gpu-memory-utilization default: the share of each card vLLM takes
MAX_HYPOTHETICAL_CARDS = 256  # "it would take N cards": beyond this, say nothing


def _layer_parts(est: MemoryEstimate) -> tuple[int, float, float, float, int]:
    """(layers, bytes per layer incl. KV, non-layer weights, vision, overhead per card).  Only for an estimate
    whose weights are known (``evaluate`` places nothing else); unknown weights give no room per layer."""
    L = est.layers or 1
    if est.weights_bytes is None:
        return L, 0.0, 0.0, float(est.vision_bytes or 0), int(est.overhead_per_gpu_bytes)
    if est.per_layer_weights_bytes is not None and est.layers:
        per_w = float(est.per_layer_weights_bytes)
        non = (
            float(est.non_layer_weights_bytes)
            if est.non_layer_weights_bytes is not None
            else max(0.0, est.weights_bytes - per_w * L)
        )
    else:
        per_w, non = est.weights_bytes / L, 0.0
    kv = est.kv_cache_bytes or 0
    per_kv = float(est.per_layer_kv_bytes) if est.per_layer_kv_bytes is not None else kv / L
    per_kv += (est.state_bytes or 0) / L  # recurrent state: it lives with its layers, like the KV cache
    return L, per_w + per_kv, non, float(est.vision_bytes or 0), int(est.overhead_per_gpu_bytes)


def place_layers(
    est: MemoryEstimate,
    caps: Sequence[int],
    ram_cap: int | None,
    *,
    engine: str = "llama.cpp",
    allow_split: bool = True,
) -> Placement:
    """llama.cpp layer split over the cards (fewest cards first), else partial offload, else CPU, else none."""
    L, per, non, vis, ov = _layer_parts(est)
    n = len(caps)
    order = sorted(range(n), key=lambda i: -caps[i])
    for k in range(1, n + 1):
        used = order[:k]
        room = []
        for j, i in enumerate(used):
            extra = ov + (vis if j == 0 else 0) + (non if j == k - 1 else 0)
            room.append(int((caps[i] - extra) // per) if caps[i] >= extra and per > 0 else -1)
        if min(room) < 0 or sum(room) < L:
            continue
        alloc = _distribute(L, room)
        card_layers = [0] * n
        card_bytes = [0] * n
        for j, i in enumerate(used):
            extra = ov + (vis if j == 0 else 0) + (non if j == k - 1 else 0)
            card_layers[i] = alloc[j]
            card_bytes[i] = int(alloc[j] * per + extra)
        return Placement("gpu", engine, L, L, card_bytes, card_layers, 0)
    # Partial offload: as many layers as the cards take; the output head and the rest in RAM.
    card_layers = [0] * n
    card_bytes = [0] * n
    for j, i in enumerate(order):
        extra = ov + (vis if j == 0 else 0)
        if caps[i] > extra and per > 0:
            card_layers[i] = int((caps[i] - extra) // per)
    ngl = min(L - 1, sum(card_layers)) if L > 1 else 0
    if sum(card_layers) > ngl:  # trim the surplus from the smallest cards
        surplus = sum(card_layers) - ngl
        for i in reversed(order):
            cut = min(surplus, card_layers[i])
            card_layers[i] -= cut
            surplus -= cut
    for j, i in enumerate(order):
        if card_layers[i]:
            card_bytes[i] = int(card_layers[i] * per + ov + (vis if j == 0 else 0))
    cpu_compute = max(0, ov - CUDA_CONTEXT_BYTES)  # the compute buffer, without the CUDA context
    if allow_split and ngl > 0 and ram_cap is not None:
        ram_need = int((L - ngl) * per + non + cpu_compute)
        if ram_need <= ram_cap:
            return Placement("split", engine, L, ngl, card_bytes, card_layers, ram_need)
    if allow_split and ram_cap is not None:
        cpu_need = int(L * per + non + vis + cpu_compute)
        if cpu_need <= ram_cap:
            return Placement("cpu", engine, L, 0, [0] * n, [0] * n, cpu_need)
    return Placement("none", engine, L, 0, [0] * n, [0] * n, 0)


def _distribute(L: int, room: list[int]) -> list[int]:
    """L layers over cards in proportion to their room (as llama.cpp's default --tensor-split), capped by room."""
    total = sum(room)
    alloc = [min(r, (L * r) // total) for r in room]
    left = L - sum(alloc)
    for j in sorted(range(len(room)), key=lambda j: -(room[j] - alloc[j])):
        if left <= 0:
            break
        add = min(left, room[j] - alloc[j])
        alloc[j] += add
        left -= add
    return alloc


def cards_needed_layers(est: MemoryEstimate, card_cap: int, limit: int = MAX_HYPOTHETICAL_CARDS) -> int | None:
    """How many cards of this capacity a layer split needs (None beyond ``limit``)."""
    L, per, non, vis, ov = _layer_parts(est)
    if card_cap <= ov + max(non, vis) or per <= 0:
        return None
    room = int((card_cap - ov) // per)
    if room <= 0:
        return None
    # The first and last cards also carry the projector and the head.
    for k in range(1, limit + 1):
        rooms = [room] * k
        rooms[0] = int((card_cap - ov - vis - (non if k == 1 else 0)) // per)
        if k > 1:
            rooms[-1] = int((card_cap - ov - non) // per)
        if min(rooms) >= 0 and sum(rooms) >= L:
            return k
    return None


def valid_tp_sizes(heads: int | None, kv_heads: int | None, max_tp: int) -> list[int]:
    """Tensor-parallel sizes vLLM accepts: heads divisible by tp; kv heads divisible by tp or tp by kv heads."""
    out = []
    for t in range(1, max_tp + 1):
        if heads and heads % t:
            continue
        if kv_heads and kv_heads % t and t % kv_heads:
            continue
        out.append(t)
    return out


def place_vllm(est: MemoryEstimate, m: Model, hw: Hardware) -> Placement:
    """vLLM: tensor parallel within a machine (equal cards), pipeline parallel across machines (Ray)."""
    a = m.entry.arch
    caps = hw.usable_card_bytes
    n = len(caps)
    notes: list[str] = []
    L = est.layers
    ov = est.overhead_per_gpu_bytes
    if est.weights_bytes is None:
        return Placement("none", "vllm", L, 0, [0] * n, [0] * n, 0, notes=["weights unknown: cannot be placed"])
    need = est.weights_bytes + (est.kv_cache_bytes or 0) + (est.state_bytes or 0) + (est.vision_bytes or 0)
    if not caps or hw.unified:
        return Placement("none", "vllm", L, 0, [0] * n, [0] * n, 0, unsupported="vLLM needs CUDA or ROCm GPUs")
    if not hw.equal_cards():
        notes.append("cards differ: vLLM tensor parallelism plans with the smallest card")
    per_card = min(int(min(g.vram_bytes for g in hw.gpus) * VLLM_GPU_UTILIZATION), min(caps))
    tps = valid_tp_sizes(a.attention_heads, a.kv_heads, n)
    for p in range(1, hw.nodes + 1):
        for t in tps:
            if need / (t * p) + ov <= per_card:
                cb = [int(need / (t * p) + ov) if i < t else 0 for i in range(n)]
                pl = Placement(
                    "gpu",
                    "vllm",
                    L,
                    L or 0,
                    cb,
                    [0] * n,
                    0,
                    tensor_parallel=t,
                    pipeline_parallel=p,
                    nodes=p,
                    notes=notes,
                )
                return pl
    # What it would take: cards of this kind (any valid tp up to 8, pipeline beyond), and machines like this one
    # (tensor parallel over this machine's cards, pipeline parallel across machines).
    pl = Placement("none", "vllm", L, 0, [0] * n, [0] * n, 0, notes=notes)
    best_cards: tuple[int, int] | None = (
        None  # tensor parallel within an 8-GPU server first; pipeline stages only across servers
    )
    tp8 = valid_tp_sizes(a.attention_heads, a.kv_heads, 8)
    for t in tp8:
        if need / t + ov <= per_card:
            best_cards = (t, 1)
            break
    if best_cards is None and tp8:
        stages = _stages(need, max(tp8), ov, per_card)
        if stages is not None:
            best_cards = (max(tp8), stages)
    if best_cards is not None:
        t, p = best_cards
        pl.cards_needed = t * p
        pl.needs = (
            f"{t * p} cards of {gib(per_card, 0)} usable (vLLM tensor parallel {t}"
            + (f" x pipeline {p}" if p > 1 else "")
            + (f"; {a.attention_heads} attention heads)" if a.attention_heads else ")")
        )
    if tps:
        stages = _stages(need, max(tps), ov, per_card)
        if stages is not None:
            pl.nodes_needed = stages
            pl.tensor_parallel, pl.pipeline_parallel = max(tps), stages
    return pl


def _stages(need: float, t: int, ov: int, per_card: int, limit: int = 64) -> int | None:
    for p in range(1, limit + 1):
        if need / (t * p) + ov <= per_card:
            return p
    return None
