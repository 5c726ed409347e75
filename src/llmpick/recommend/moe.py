"""Mixture-of-experts offload: llama.cpp ``-ngl 999 --n-cpu-moe N``.  Pure.

Every layer runs on the GPUs (llama.cpp's layer split over the cards), but the routed-expert tensors of the first
N layers stay in RAM and are computed by the CPU (llama.cpp PR #15077; the same as ``-ot "blk\\.(0|1|..)\\.ffn_.*_exps=CPU"``).
Each card holds its layers' attention, router, norms, shared experts and (for layers past N) routed experts, their
KV cache, and its overhead (compute buffer + CUDA context); the first card the vision projector, the last the output
head.  RAM holds N layers' routed experts and the CPU's compute buffer, within what the OS leaves
(``Hardware.usable_ram_bytes``).  N is the smallest that fits: every layer whose experts leave VRAM is read from RAM
per token, so fewer is faster.  Per token only the active experts (experts_per_token / experts of each routed
tensor) are read, which is why this beats a layer split of the same model (issue #12).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ..estimate.overhead import CUDA_CONTEXT_BYTES
from ..schema import Architecture, MemoryEstimate
from .model import Placement
from .ranking import tight_margin


def expert_active_share(a: Architecture) -> float:
    """Share of a routed-expert tensor read per token (estimate/shapes.py's rule: 2 experts when not given)."""
    if not a.experts:
        return 1.0
    return min(1.0, (a.experts_per_token or 2) / a.experts)


class _Parts(NamedTuple):
    L: int  # layers
    full: float  # bytes of a layer with its routed experts, KV and state included
    light: float  # the same without its routed experts
    non: float  # non-layer weights (embeddings, output head)
    vis: float  # vision encoder
    exp: float  # routed experts of one layer
    ov: int  # overhead per card


def _parts(est: MemoryEstimate) -> _Parts | None:
    """(layers, bytes of a layer with its experts incl. KV, without them, non-layer weights, vision, experts of a
    layer, overhead per card), or None when the estimate does not split the experts out."""
    L = est.layers
    if (
        not L
        or est.per_layer_expert_bytes is None
        or est.per_layer_weights_bytes is None
        or est.non_layer_weights_bytes is None
        or est.per_layer_expert_bytes <= 0
    ):
        return None
    kv = est.kv_cache_bytes or 0
    per_kv = float(est.per_layer_kv_bytes) if est.per_layer_kv_bytes is not None else kv / L
    per_kv += (est.state_bytes or 0) / L  # recurrent state: it lives with its layers, like the KV cache
    full = float(est.per_layer_weights_bytes) + per_kv
    exp = float(est.per_layer_expert_bytes)
    return _Parts(
        L,
        full,
        full - exp,
        float(est.non_layer_weights_bytes),
        float(est.vision_bytes or 0),
        exp,
        est.overhead_per_gpu_bytes,
    )


def _fill(room: float, start: int, n_light: int, light: float, full: float, L: int) -> int:
    """How many layers from ``start`` on fit in ``room`` bytes, when layers below ``n_light`` weigh ``light``
    and the rest ``full`` (llama.cpp gives each card a contiguous run of layers)."""
    if room < 0:
        return -1
    taken = 0
    avail_light = max(0, n_light - start)
    if avail_light:
        t = min(avail_light, int(room // light)) if light > 0 else avail_light
        taken, room = t, room - t * light
        if t < avail_light:
            return taken
    rest = L - start - taken
    t = min(rest, int(room // full)) if full > 0 else rest
    return taken + max(0, t)


def _layout(caps: Sequence[int], order: Sequence[int], n: int, p: _Parts) -> list[int] | None:
    """Layers per card (in ``order``) with the experts of the first ``n`` layers in RAM, or None if they do not
    fit.  Greedy from the first card: a card that takes as many layers as it can never makes the rest harder; the
    card that takes the last layer also holds the output head."""
    L, full, light, non, vis, _, ov = p
    alloc: list[int] = []
    start = 0
    for j, i in enumerate(order):
        room = caps[i] - ov - (vis if j == 0 else 0)
        with_head = _fill(room - non, start, n, light, full, L)
        if with_head >= 0 and start + with_head >= L:
            return alloc + [with_head] + [0] * (len(order) - j - 1)
        t = _fill(room, start, n, light, full, L)
        if t < 0:
            return None
        t = min(t, L - start - 1)  # this card cannot hold the head with the rest: leave a layer for the next
        alloc.append(t)
        start += t
    return None


def _bytes(count: int, start: int, n: int, light: float, full: float) -> float:
    lights = max(0, min(count, n - start))
    return lights * light + (count - lights) * full


def _fewest(room: Sequence[int], order: Sequence[int], p: _Parts) -> tuple[int, int, list[int]] | None:
    """(N, cards, layers per card in ``order``) with the fewest layers' experts in RAM when each card may use
    ``room`` of its bytes, or None."""
    # The fewest cards that take the model with the fewest layers' experts in RAM; N = 0 is a plain GPU fit
    # (place_layers' job).
    best: tuple[int, int, list[int]] | None = None  # (N, cards, layers per card in `order`)
    for k in range(1, len(order) + 1):
        used = order[:k]
        alloc = _layout(room, used, p.L, p)
        if alloc is None:
            continue  # not even with every layer's experts in RAM
        lo, hi = 1, p.L
        while lo < hi:  # the smallest N that fits: each layer only gets lighter as N grows
            mid = (lo + hi) // 2
            got = _layout(room, used, mid, p)
            if got is not None:
                hi, alloc = mid, got
            else:
                lo = mid + 1
        if best is None or hi < best[0]:
            best = (hi, k, alloc)
    return best


def place_moe(
    est: MemoryEstimate,
    a: Architecture,
    caps: Sequence[int],
    ram_cap: int | None,
    *,
    engine: str = "llama.cpp",
) -> Placement | None:
    """The moe-offload placement with the fewest layers' experts in RAM, or None (not a mixture of experts whose
    expert tensors are known, no GPU or RAM, the whole model already fits on the GPUs, or nothing fits)."""
    parts = _parts(est)
    if parts is None or not caps or ram_cap is None or engine != "llama.cpp":
        return None
    L, full, light, non, vis, exp, ov = parts
    cpu_compute = max(0, ov - CUDA_CONTEXT_BYTES)  # the CPU's compute buffer, without the CUDA context
    order = sorted(range(len(caps)), key=lambda i: -caps[i])
    # Leave each card the headroom under which a pick is labelled tight (ranking.tight_margin) when that is
    # possible: one more layer's experts in RAM costs a few percent of speed, a card filled to the last 100 MiB
    # may not load next to a desktop's display.  Only when no N does that, fill the cards.
    for room in ([c - tight_margin(c) for c in caps], caps):
        best = _fewest(room, order, parts)
        if best is not None and int(best[0] * exp + cpu_compute) <= ram_cap:
            break
    else:
        return None
    N, k, alloc = best
    ram = int(N * exp + cpu_compute)
    card_layers = [0] * len(caps)
    card_bytes = [0] * len(caps)
    start = 0
    for j, i in enumerate(order[:k]):
        card_layers[i] = alloc[j]
        if alloc[j] or j == 0:
            extra = ov + (vis if j == 0 else 0) + (non if start + alloc[j] >= L else 0)
            card_bytes[i] = int(_bytes(alloc[j], start, N, light, full) + extra)
        start += alloc[j]
    return Placement(
        "moe-offload",
        engine,
        L,
        L,
        card_bytes,
        card_layers,
        ram,
        cpu_moe_layers=N,
        ram_active_bytes=N * exp * expert_active_share(a),
    )
