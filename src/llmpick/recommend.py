"""Which models run on this hardware, at which quantization, how fast, and which are best.  Pure; no I/O.

**Fit classes** (per model, quantization and context; memory from :func:`llmpick.estimate.estimate`):

* ``gpu``: every layer on the GPUs.  Cards are not one pool: each card holds its share of the layers (weights
  + KV cache) *plus its own runtime overhead* (CUDA context, compute buffer); the vision projector goes on the
  first card, the output head on the last.  The fewest cards that hold the model are used.
* ``split``: llama.cpp-style partial offload: ``-ngl N`` layers on the GPUs, the rest (and the output head) in RAM.
* ``cpu``: everything in RAM.
* ``none``: not even that.  Formats served by vLLM (safetensors, AWQ, GPTQ, FP8) use tensor parallelism instead,
  which needs equal cards and a tensor-parallel size that divides the attention heads (and the KV heads, or is a
  multiple of them); across machines, vLLM adds pipeline parallelism over Ray.

RAM for the model is RAM minus max(2 GiB, 10 %) for the OS.  On unified memory (Apple) the GPU gets the Metal
working-set share of RAM and the rest is the ``split`` space.

**Quality of a quantization** (:data:`QUANT_QUALITY`): the share of full-precision quality kept, taken as
PPL(f16) / PPL(quant) on wikitext-2 for Llama-3-8B: Δppl from llama.cpp ``tools/quantize/quantize.cpp``
(QUANT_OPTIONS, e.g. "Q4_K_M: +0.1754 ppl @ Llama-3-8B"), f16 ppl 6.2331 (llama.cpp ``tools/perplexity/README.md``,
LLaMA 3 8B table).  Llama 3 8B is among the models that lose most to quantization, so these are upper bounds on
the loss of larger models.  Losses grow fast below ~3 bits (Q2_K keeps 0.64).  IQ mixes, which quantize.cpp
describes only by bits per weight, are interpolated on the k-quant curve by bits per weight; AWQ/GPTQ 4-bit
from the AWQ paper (Lin et al. 2023, Llama-2-7B wikitext: FP16 5.47, AWQ g128 5.60, GPTQ 5.69).  1- and 2-bit
i-quants are never picked unless asked for with ``--quant``.

**Score** (0-100, higher is better)::

    score = 100 * quality * kept(quant) * fit_factor + use_bonus - speed_penalty

* ``quality`` in [0, 1]: a size prior ``0.30 + 0.18 * log10(params / 1e8)`` (MoE: the geometric mean of total
  and active parameters), plus a recency term of +0.04 per year since mid-2023 (clamped to -0.12..+0.08; -0.04
  when the release date is unknown), -0.10 for base models with no listed use (not instruction-tuned), -0.02 when superseded; when
  the catalog has benchmark scores, each benchmark is put on the prior's scale (z-score among the catalog models
  that report it, times the prior's spread, plus the prior's mean) and the mean of those counts 70 %, the prior
  30 %.  With ``--use``, benchmarks of that use (e.g. humaneval for coding) count twice.
* ``fit_factor``: gpu 1.0, split 0.80 (llama.cpp with part of the model in RAM), cpu 0.75.
* ``use_bonus``: +5 when the requested use is among the model's first two listed uses (its specialty).
* ``speed_penalty``: 10 below 5 tok/s, 4 below 10 tok/s (when the speed is known; for parts in RAM of unknown
  bandwidth, ranked as if it were 51.2 GB/s, dual-channel DDR4-3200, while the speed shown stays unknown).

Per model, the quantization with the highest score among those that fit is chosen (so, for the same fit class,
the one that keeps most quality).

**Performance.**  ``estimate()`` costs about 1 ms per call, so it cannot run for every model x quantization of a
10,000-model catalog.  Each candidate first gets an optimistic bound (weights >= 0.85 x params x bits / 8,
best fit class that bound allows, no speed penalty); models are evaluated exactly in order of their bound and the
search stops once ``top`` results beat every remaining bound.  The ranking is the same as evaluating everything.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .errors import UsageError
from .hardware import GIB, Hardware
from .schema import Model

FIT_ORDER = {"gpu": 0, "split": 1, "cpu": 2, "none": 3}
FIT_FACTOR = {"gpu": 1.0, "split": 0.80, "cpu": 0.75, "none": 0.0}
USE_BONUS = 5.0
VLLM_GPU_UTILIZATION = 0.90  # vLLM --gpu-memory-utilization default
TP_BANDWIDTH_SCALING = 0.75  # tensor parallel: bandwidths add, minus all-reduce cost (uncalibrated)
# For ranking only, when --ram-bandwidth is not given: dual-channel DDR4-3200 (2 x 25.6 GB/s), a common desktop.
ASSUMED_RAM_BANDWIDTH_GBS = 51.2
BOUND_SLACK = 0.85  # estimate.weights >= BOUND_SLACK * params * bits / 8 for every format we know
MAX_HYPOTHETICAL_CARDS = 256

# --- Quality kept per quantization ----------------------------------------------------------

_PPL_F16 = 6.2331
_DPPL = {  # Δppl @ Llama-3-8B, llama.cpp tools/quantize/quantize.cpp QUANT_OPTIONS
    "Q8_0": 0.0026,
    "Q6_K": 0.0217,
    "Q5_K_M": 0.0569,
    "Q5_K_S": 0.1049,
    "Q5_1": 0.1062,
    "Q5_0": 0.1316,
    "Q4_K_M": 0.1754,
    "Q4_K_S": 0.2689,
    "Q4_1": 0.4511,
    "Q4_0": 0.4685,
    "Q3_K_L": 0.5562,
    "Q3_K_M": 0.6569,
    "Q3_K_S": 1.6321,
    "Q2_K": 3.5199,
    "Q2_K_S": 3.5199,  # Q2_K_S is listed at +3.18; not better than Q2_K in use
}
# i-quants: interpolated on the k-quant curve by bits per weight (quantize.cpp lists only their bpw).
_DPPL_INTERP = {
    "IQ4_NL": 0.20,
    "IQ4_XS": 0.25,
    "IQ3_M": 0.70,
    "IQ3_S": 0.90,
    "IQ3_XS": 1.10,
    "IQ3_XXS": 1.40,
    "IQ2_M": 2.60,
    "IQ2_S": 3.20,
    "IQ2_XS": 4.00,
    "IQ2_XXS": 5.20,
    "IQ1_M": 9.0,
    "IQ1_S": 14.0,
}


def _kept(dppl: float) -> float:
    return round(_PPL_F16 / (_PPL_F16 + dppl), 4)


QUANT_QUALITY: dict[str, tuple[float, str]] = {
    **{q: (_kept(d), "measured: llama.cpp quantize.cpp, Llama-3-8B") for q, d in _DPPL.items()},
    **{q: (_kept(d), "interpolated by bits per weight on the k-quant curve") for q, d in _DPPL_INTERP.items()},
    "F32": (1.0, "unquantized"),
    "F16": (1.0, "unquantized"),
    "BF16": (1.0, "unquantized"),
    "AWQ-4bit": (round(5.47 / 5.60, 4), "AWQ paper, Llama-2-7B wikitext (FP16 5.47, AWQ 5.60)"),
    "GPTQ-4bit": (round(5.47 / 5.69, 4), "AWQ paper, Llama-2-7B wikitext (FP16 5.47, GPTQ 5.69)"),
    "AWQ-8bit": (0.999, "8-bit weight-only: near lossless (as Q8_0)"),
    "GPTQ-8bit": (0.999, "8-bit weight-only: near lossless (as Q8_0)"),
    "FP8": (0.998, "8-bit float weights: near lossless (as Q8_0)"),
    "INT8": (0.998, "LLM.int8(): near lossless"),
    "NF4": (round(5.47 / 5.69, 4), "4-bit round-to-nearest class: taken as GPTQ"),
    "MLX-4bit": (_kept(0.4511), "4-bit affine, group 64: taken as Q4_1"),
    "MLX-8bit": (0.999, "8-bit: near lossless"),
    "QMoE": (0.95, "QMoE paper: small loss at ~0.8 bits on Switch-c-2048 (estimate)"),
}
LOW_BIT = {"IQ2_M", "IQ2_S", "IQ2_XS", "IQ2_XXS", "IQ1_M", "IQ1_S"}


def quant_kept(name: str, bits: float | None = None) -> float:
    if name in QUANT_QUALITY:
        return QUANT_QUALITY[name][0]
    if name.startswith("EXL2") and bits:  # interpolate on the k-quant curve
        pts = sorted(
            (b, k)
            for b, k in (
                (2.6, _kept(3.52)),
                (3.9, _kept(0.6569)),
                (4.85, _kept(0.1754)),
                (5.7, _kept(0.0569)),
                (6.6, _kept(0.0217)),
                (8.5, _kept(0.0026)),
            )
        )
        if bits <= pts[0][0]:
            return pts[0][1] * bits / pts[0][0]
        for (b0, k0), (b1, k1) in itertools.pairwise(pts):
            if bits <= b1:
                return k0 + (k1 - k0) * (bits - b0) / (b1 - b0)
        return 1.0
    return 0.9


# --- Constraints and results ------------------------------------------------------------------


@dataclass
class Constraints:
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "uses": self.uses,
            "commercial": self.commercial,
            "license_classes": self.license_classes,
            "origins": self.origins,
            "max_params": self.max_params,
            "quant": self.quant,
            "context": self.context,
            "min_speed": self.min_speed,
            "top": self.top,
            "include_offload": self.include_offload,
            "kv_cache": self.kv_cache,
        }


@dataclass
class Placement:
    fit: str  # gpu, split, cpu, none
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

    @property
    def cards_used(self) -> int:
        return sum(1 for b in self.card_bytes if b > 0)


@dataclass
class Option:
    """One model at one quantization, evaluated."""

    model: Model
    quant: str
    quant_family: str
    artifact_format: str
    repo: str | None
    context: int
    estimate: Any  # MemoryEstimate
    placement: Placement
    speed: Any  # speed.Speed
    score: float
    score_parts: dict[str, Any]
    reasons: list[str] = field(default_factory=list)
    run: dict[str, Any] = field(default_factory=dict)

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


# --- Quality ---------------------------------------------------------------------------------

USE_BENCHMARKS = {
    "coding": (
        "humaneval",
        "humaneval_plus",
        "mbpp",
        "mbpp_plus",
        "livecodebench",
        "bigcodebench",
        "evalplus",
        "multipl_e",
        "aider",
    ),
    "math": ("gsm8k", "math", "math_500", "aime", "aime24", "aime25", "minerva_math"),
    "reasoning": ("gpqa", "gpqa_diamond", "bbh", "arc_challenge", "musr", "math", "aime", "aime24"),
    "assistant": (
        "mmlu",
        "mmlu_pro",
        "ifeval",
        "arena_hard",
        "mt_bench",
        "alpaca_eval",
        "open_llm_leaderboard_v1",
        "open_llm_leaderboard_v2",
    ),
    "chat": ("mt_bench", "arena_hard", "alpaca_eval", "chatbot_arena_elo", "ifeval"),
    "multilingual": ("mgsm", "mmmlu", "global_mmlu"),
    "tool-use": ("bfcl", "tau_bench", "nexus"),
    "rag": ("ruler", "longbench", "helmet"),
    "vision": ("mmmu", "mathvista", "docvqa", "chartqa", "ai2d"),
}


def size_prior(m: Model) -> float:
    e = m.entry
    total = e.params.total
    if not total:
        base = 0.45
    else:
        eff = math.sqrt(total * e.params.active) if e.params.active else total
        base = 0.30 + 0.18 * math.log10(max(eff, 1e7) / 1e8)
    if e.released:
        year = int(e.released[:4]) + (int(e.released[5:7]) - 1) / 12
        base += min(0.08, max(-0.12, 0.04 * (year - 2023.5)))
    else:
        base -= 0.04
    if e.method == "base" and not e.uses:
        base -= 0.10
    if e.superseded_by:
        base -= 0.02
    return min(0.95, max(0.05, base))


class QualityModel:
    """Benchmark scores put on the prior's scale, per benchmark, over a whole catalog (computed once)."""

    def __init__(self, models: Sequence[Model]):
        self.prior: dict[str, float] = {m.id: size_prior(m) for m in models}
        by_bench: dict[str, list[tuple[str, float]]] = {}
        for m in models:
            for s in m.entry.scores:
                by_bench.setdefault(s.name, []).append((m.id, s.value))
        priors = list(self.prior.values()) or [0.5]
        p_mean = sum(priors) / len(priors)
        p_std = _std(priors) or 0.15
        self.mapped: dict[str, dict[str, float]] = {}  # model id -> bench -> value on the prior scale
        for bench, vals in by_bench.items():
            if len(vals) < 3:
                continue
            xs = [v for _, v in vals]
            mu, sd = sum(xs) / len(xs), _std(xs)
            if not sd:
                continue
            # Centre on the mean prior of the models that report it, so the z-score does not drift.
            pm = sum(self.prior[i] for i, _ in vals) / len(vals)
            for mid, v in vals:
                self.mapped.setdefault(mid, {})[bench] = min(1.0, max(0.0, pm + (v - mu) / sd * p_std))
        self._p_mean = p_mean

    def quality(self, m: Model, uses: Sequence[str] = ()) -> tuple[float, str]:
        prior = self.prior.get(m.id)
        if prior is None:
            prior = size_prior(m)
        bench = self.mapped.get(m.id)
        if not bench:
            return prior, "no benchmark in the catalog: size/recency prior"
        want = {b for u in uses for b in USE_BENCHMARKS.get(u, ())}
        num = den = 0.0
        for name, v in bench.items():
            w = 2.0 if name in want else 1.0
            num, den = num + w * v, den + w
        q = 0.7 * (num / den) + 0.3 * prior
        return min(1.0, max(0.0, q)), "benchmarks: " + ", ".join(sorted(bench))


def _std(xs: Sequence[float]) -> float:
    if len(xs) < 2:
        return 0.0
    mu = sum(xs) / len(xs)
    return math.sqrt(sum((x - mu) ** 2 for x in xs) / (len(xs) - 1))


# --- Candidates ------------------------------------------------------------------------------


class Candidate(NamedTuple):
    quant: str
    family: str
    bits: float
    artifact_format: str  # gguf, awq, gptq, fp8, qmoe, mlx, original
    repo: str | None
    engine: str
    size_bytes: int | None = None


_ORIGINAL_DTYPE = {
    "bfloat16": "BF16",
    "bf16": "BF16",
    "float16": "F16",
    "fp16": "F16",
    "float32": "BF16",
    "mxfp4": "MXFP4",
}
_ENGINE = {
    "gguf": "llama.cpp",
    "mxfp4": "vllm",
    "awq": "vllm",
    "gptq": "vllm",
    "fp8": "vllm",
    "original": "vllm",
    "qmoe": "qmoe",
    "mlx": "mlx",
}
_UNLISTED_GGUF: tuple[str, ...] | None = None


def _unlisted_gguf() -> tuple[str, ...]:
    """GGUF repos whose files the catalog does not list: the usual quantized set (16-bit GGUFs are rarely
    published; vLLM serves 16-bit from the original repo)."""
    global _UNLISTED_GGUF
    if _UNLISTED_GGUF is None:
        from .quant import COMMON_QUANTS

        _UNLISTED_GGUF = tuple(q for q in COMMON_QUANTS if q not in ("F16", "BF16", "F32"))
    return _UNLISTED_GGUF


def candidates(m: Model, want: str | None, hw: Hardware, *, raw: bool = False) -> list[Candidate]:
    """The quantizations this model can be run at, from its artifacts and its original weights.

    ``raw``: plain tuples in Candidate's field order (the hot path builds Candidates only for survivors)."""
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
                for qn in _unlisted_gguf():
                    entries.append((qn, "gguf", art.repo, None))
                # repos usually carry the usual quantized files even when the catalog lists none
                if want_fmt is not None and want_fmt.is_gguf and want_name not in ("F16", "BF16", "F32"):
                    entries.append((want_name, "gguf", art.repo, None))
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
                sizes_seen[key] = sizes_seen.get(key, out[key][6] or 0) + size
            continue
        out[key] = (q.name, q.family, q.bits, kind, repo, _ENGINE[kind], size)  # type: ignore[assignment]
    for key, total in sizes_seen.items():
        out[key] = (*out[key][:6], total)  # type: ignore[assignment]
    return list(out.values()) if raw else [Candidate(*c) for c in out.values()]


_RESOLVED: dict[str, Any] = {}


def _resolved(name: str) -> Any:
    """resolve_quant, memoized (it runs for every artifact file of every model); None for unknown names."""
    try:
        return _RESOLVED[name]
    except KeyError:
        from .quant import resolve_quant

        try:
            q = resolve_quant(name)
        except UsageError:
            q = None
        _RESOLVED[name] = q
        return q


# --- Placement -------------------------------------------------------------------------------


def _layer_parts(est: Any) -> tuple[int, float, float, float, int]:
    """(layers, bytes per layer incl. KV, non-layer weights, vision, overhead per card)."""
    L = est.layers or 1
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
    return L, per_w + per_kv, non, float(est.vision_bytes or 0), int(est.overhead_per_gpu_bytes)


def place_layers(
    est: Any, caps: Sequence[int], ram_cap: int | None, *, engine: str = "llama.cpp", allow_split: bool = True
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
    cpu_compute = max(0, ov - _cuda_context())
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


def cards_needed_layers(est: Any, card_cap: int, limit: int = MAX_HYPOTHETICAL_CARDS) -> int | None:
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


def _cuda_context() -> int:
    try:
        from .estimate import CUDA_CONTEXT_BYTES

        return int(CUDA_CONTEXT_BYTES)
    except ImportError:  # pragma: no cover
        return 400 * 1024**2


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


def place_vllm(est: Any, m: Model, hw: Hardware) -> Placement:
    """vLLM: tensor parallel within a machine (equal cards), pipeline parallel across machines (Ray)."""
    a = m.entry.arch
    caps = hw.card_capacities()
    n = len(caps)
    notes: list[str] = []
    L = est.layers
    need = est.weights_bytes + (est.kv_cache_bytes or 0) + (est.vision_bytes or 0)
    ov = est.overhead_per_gpu_bytes
    if not caps or hw.unified:
        return Placement("none", "vllm", L, 0, [0] * n, [0] * n, 0, notes=["vLLM needs CUDA/ROCm GPUs"])
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
    best_cards = None  # tensor parallel within an 8-GPU server first; pipeline stages only across servers
    tp8 = valid_tp_sizes(a.attention_heads, a.kv_heads, 8)
    for t in tp8:
        if need / t + ov <= per_card:
            best_cards = (t, 1)
            break
    if best_cards is None and tp8:
        p = _stages(need, max(tp8), ov, per_card)
        if p is not None:
            best_cards = (max(tp8), p)
    if best_cards is not None:
        t, p = best_cards
        pl.cards_needed = t * p
        pl.needs = (
            f"{t * p} cards of {per_card / GIB:.0f} GiB usable (vLLM tensor parallel {t}"
            + (f" x pipeline {p}" if p > 1 else "")
            + (f"; {a.attention_heads} attention heads)" if a.attention_heads else ")")
        )
    if tps:
        t = max(tps)
        p = _stages(need, t, ov, per_card)
        if p is not None:
            pl.nodes_needed = p
            pl.tensor_parallel, pl.pipeline_parallel = t, p
    return pl


def _stages(need: float, t: int, ov: int, per_card: int, limit: int = 64) -> int | None:
    for p in range(1, limit + 1):
        if need / (t * p) + ov <= per_card:
            return p
    return None


# --- Evaluation ------------------------------------------------------------------------------


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
) -> Option:
    from .estimate import estimate
    from .speed import CUDA, estimate_speed, profile_for

    engine = {"llama.cpp": "llama.cpp", "vllm": "vllm", "qmoe": "transformers", "mlx": "mlx"}[cand.engine]
    size = cand.size_bytes
    if size is None and file_size is not None:
        size = file_size(m, cand.quant)  # a real file size (e.g. from `llmpick refresh`) beats the formula
    est = estimate(m, cand.quant, context, kv_cache=cons.kv_cache, engine=engine, file_size_bytes=size)
    caps = hw.card_capacities()
    ram_cap = hw.ram_capacity()
    if cand.engine == "vllm":
        pl = place_vllm(est, m, hw)
    else:
        pl = place_layers(
            est, caps, ram_cap, engine=cand.engine, allow_split=allow_split and cand.engine == "llama.cpp"
        )
        if pl.fit == "none" and caps:
            k = cards_needed_layers(est, max(caps))
            if k is not None:
                pl.cards_needed = k
                pl.needs = f"{k} cards like the largest one here ({max(caps) / GIB:.0f} GiB usable) with a layer split"
    # Speed
    gpu_vendor = hw.gpus[0].vendor if hw.gpus else None
    prof = profile_for(gpu_vendor, hw.unified)
    kv_total = est.kv_cache_bytes or 0
    share = 1.0
    if pl.fit == "split" and pl.layers:
        share = pl.gpu_layers / pl.layers
    elif pl.fit == "cpu":
        share = 0.0
    bw = hw.gpu_bandwidth_gbs()
    cards = max(1, pl.cards_used)
    if pl.fit == "gpu" and pl.tensor_parallel and pl.tensor_parallel > 1 and bw:
        bw = bw * pl.tensor_parallel * TP_BANDWIDTH_SCALING
        cards = pl.pipeline_parallel or 1
    if pl.fit == "none":
        from .speed import Speed

        speed = Speed(None, None, None, {"method": "no estimate: does not fit"})
    else:
        speed = estimate_speed(
            weight_bytes=est.active_weights_bytes,
            kv_bytes=kv_total,
            gpu_share=share,
            layers=est.layers or 1,
            gpu_bandwidth_gbs=bw,
            cpu_bandwidth_gbs=hw.ram_bandwidth_gbs,
            cards=cards,
            gpu=prof if hw.has_gpu else CUDA,
            context=context,
            engine=cand.engine,
        )
        if pl.tensor_parallel and pl.tensor_parallel > 1:
            speed.basis["tensor_parallel"] = (
                f"{pl.tensor_parallel} cards read in parallel (x{TP_BANDWIDTH_SCALING} for all-reduce; uncalibrated)"
            )
            speed.basis["calibrated"] = False
    rank_tps = speed.tokens_per_second
    assumed_ram = None
    if rank_tps is None and pl.fit in ("cpu", "split") and not hw.ram_bandwidth_gbs and (bw or pl.fit == "cpu"):
        # Unknown RAM bandwidth: the speed shown stays unknown, but ranking a 32B dense model on a CPU as if
        # it were fast would be wrong; rank with a common desktop's bandwidth instead, and say so.
        assumed_ram = ASSUMED_RAM_BANDWIDTH_GBS
        rank_tps = estimate_speed(
            weight_bytes=est.active_weights_bytes,
            kv_bytes=kv_total,
            gpu_share=share,
            layers=est.layers or 1,
            gpu_bandwidth_gbs=bw,
            cpu_bandwidth_gbs=assumed_ram,
            cards=cards,
            gpu=prof if hw.has_gpu else CUDA,
            context=context,
            engine=cand.engine,
        ).tokens_per_second
    score, parts = score_option(m, cand.quant, cand.bits, pl.fit, rank_tps, cons, qm)
    if assumed_ram is not None:
        parts["speed_penalty_basis"] = (
            f"RAM bandwidth unknown: ranked as if {assumed_ram:g} GB/s (dual-channel DDR4-3200); pass --ram-bandwidth"
        )
    return Option(m, cand.quant, cand.family, cand.artifact_format, cand.repo, context, est, pl, speed, score, parts)


def score_option(
    m: Model, quant: str, bits: float | None, fit: str, tps: float | None, cons: Constraints, qm: QualityModel
) -> tuple[float, dict[str, Any]]:
    quality, qbasis = qm.quality(m, cons.uses)
    kept = quant_kept(quant, bits)
    ff = FIT_FACTOR[fit]
    bonus = USE_BONUS if cons.uses and any(u in m.entry.uses[:2] for u in cons.uses) else 0.0
    pen = 0.0
    if tps is not None:
        pen = 10.0 if tps < 5 else 4.0 if tps < 10 else 0.0
    score = 100 * quality * kept * ff + bonus - pen if fit != "none" else 0.0
    return round(score, 2), {
        "quality": round(quality, 4),
        "quality_basis": qbasis,
        "quant_kept": kept,
        "quant_kept_basis": QUANT_QUALITY.get(quant, (None, "interpolated"))[1],
        "fit_factor": ff,
        "use_bonus": bonus,
        "speed_penalty": pen,
    }


def _bound(
    m: Model,
    c: Candidate,
    hw: Hardware,
    base: float,
    bonus: float,
    allow_split: bool,
    gpu_total: int,
    ram_cap: int,
    gpu_bw: float | None,
) -> float | None:
    """An upper bound on the score of (m, c): None when it surely does not fit.  ``base`` = 100 x quality."""
    p = m.entry.params.total
    if p:
        low = BOUND_SLACK * p * c[2] / 8
        if c[6]:
            low = min(low, c[6])
    else:
        low = 0.0
    if c[5] == "vllm":
        fit = "gpu" if low <= gpu_total * hw.nodes else None
    elif low <= gpu_total:
        fit = "gpu"
    elif allow_split and c[5] == "llama.cpp" and low <= gpu_total + ram_cap:
        fit = "split" if hw.has_gpu else "cpu"
    else:
        return None
    if fit is None:
        return None
    # An upper bound on the speed (fewest bytes, no overheads) gives a lower bound on the speed penalty.
    pen = 0.0
    act = m.entry.params.active or p
    if act:
        read = BOUND_SLACK * act * c[2] / 8
        bw = gpu_bw if fit == "gpu" else hw.ram_bandwidth_gbs
        if bw and read > 0:
            tps = bw * 1e9 / read
            if fit == "gpu" and c[5] == "vllm":
                tps *= max(1, len(hw.gpus)) * hw.nodes
            pen = 10.0 if tps < 5 else 4.0 if tps < 10 else 0.0
    return base * quant_kept(c[0], c[2]) * FIT_FACTOR[fit] + bonus - pen


# --- Public API ------------------------------------------------------------------------------


def _prefilter(cons: Constraints):
    from .query import ModelFilter

    flt = ModelFilter(
        uses=list(cons.uses),
        license_classes=list(cons.license_classes),
        commercial=cons.commercial,
        origins=list(cons.origins),
        max_params=cons.max_params,
    )
    flt.check()
    return flt


def recommend(
    models: Iterable[Model],
    hw: Hardware,
    cons: Constraints,
    *,
    quality: QualityModel | None = None,
    file_size: FileSize | None = None,
) -> Result:
    """Rank the models that run on ``hw`` under ``cons`` (best first)."""
    cons.check()
    all_models = list(models)
    flt = _prefilter(cons)
    if cons.quant:
        from .quant import resolve_quant

        cons.quant = resolve_quant(cons.quant).name
    qm = quality or QualityModel(all_models)
    allowed = {"gpu"} | ({"split", "cpu"} if cons.include_offload else set())
    if not hw.has_gpu:
        allowed = {"cpu"}  # a machine without a GPU: RAM is what there is
    allow_split = "split" in allowed or "cpu" in allowed
    caps = hw.card_capacities()
    gpu_total = sum(caps)
    ram_cap = hw.ram_capacity() or 0
    gpu_bw = hw.gpu_bandwidth_gbs()
    # Best-first search.  A model's optimistic score is base + bonus (quant kept <= 1, fit factor <= 1, no
    # penalty); its candidates' bounds are tighter, and exact evaluation is tightest.  Entries are expanded
    # in that order, so most of a large catalog never has its candidates listed, let alone estimated, and
    # the ranking is the same as evaluating everything.
    heap: list[tuple[float, int, int, Model, list[tuple[float, Candidate]] | None]] = []
    considered = 0
    for idx, m in enumerate(all_models):
        if not flt.matches(m):
            continue
        mx = m.entry.arch.max_context
        if cons.context_explicit and mx and mx < cons.context:
            continue
        considered += 1
        base = 100 * qm.quality(m, cons.uses)[0]
        bonus = USE_BONUS if cons.uses and any(u in m.entry.uses[:2] for u in cons.uses) else 0.0
        heap.append((-(base + bonus), 0, idx, m, None))
    heapq.heapify(heap)
    results: list[Option] = []
    evaluated = 0
    while heap:
        neg, _stage, idx, m, cands = heapq.heappop(heap)
        if len(results) >= cons.top and -neg < results[cons.top - 1].score:
            break
        if cands is None:  # expand: list the model's candidates with their bounds
            base = 100 * qm.quality(m, cons.uses)[0]
            bonus = USE_BONUS if cons.uses and any(u in m.entry.uses[:2] for u in cons.uses) else 0.0
            cands = []
            for row in candidates(m, cons.quant, hw, raw=True):
                b = _bound(m, row, hw, base, bonus, allow_split, gpu_total, ram_cap, gpu_bw)  # type: ignore[arg-type]
                if b is not None:
                    cands.append((b, Candidate(*row)))
            if cands:
                cands.sort(key=lambda x: -x[0])
                heapq.heappush(heap, (-cands[0][0], 1, idx, m, cands))
            continue
        best: Option | None = None
        ctx = _context_for(m, cons)
        for b, c in cands:
            if best is not None and b < best.score:
                break
            evaluated += 1
            opt = evaluate(m, c, hw, cons, qm, ctx, allow_split, file_size)
            if opt.fit not in allowed:
                continue
            if cons.min_speed is not None and (
                opt.speed.tokens_per_second is None or opt.speed.tokens_per_second < cons.min_speed
            ):
                continue
            if best is None or opt.score > best.score:
                best = opt
        if best is not None:
            results.append(best)
            results.sort(key=lambda o: (-o.score, FIT_ORDER[o.fit], o.model.id))
    items = results[: cons.top]
    for o in items:
        finish(o, hw, cons)
    res = Result(hw, cons, items, considered, evaluated)
    if not items:
        res.hint = _empty_hint(hw, cons, considered)
    return res


def _context_for(m: Model, cons: Constraints) -> int:
    mx = m.entry.arch.max_context
    return min(cons.context, mx) if mx else cons.context


def _empty_hint(hw: Hardware, cons: Constraints, considered: int) -> str:
    if considered == 0:
        return "No catalog model matches these filters; loosen --use/--license-class/--origin/--max-params."
    tips = []
    if cons.context > 4096:
        tips.append(f"a smaller --context (now {cons.context})")
    if hw.has_gpu and not cons.include_offload:
        tips.append("--include-offload to allow layers in RAM" + ("" if hw.ram_bytes else " (with --ram GIB)"))
    if cons.min_speed:
        tips.append("a lower --min-speed")
    tips.append("smaller models (--max-params)")
    return "Nothing fits. Try " + ", ".join(tips) + "."


def check(
    model: Model,
    hw: Hardware,
    cons: Constraints,
    *,
    allow_offload: bool = False,
    quality: QualityModel | None = None,
    catalog: Sequence[Model] | None = None,
    file_size: FileSize | None = None,
) -> tuple[bool, Option | None, str]:
    """Does ``model`` fit on the GPUs?  (ok, best option, one-line reason).  ``allow_offload`` accepts split/cpu."""
    cons.check()
    if cons.quant:
        from .quant import resolve_quant

        cons.quant = resolve_quant(cons.quant).name
    qm = quality or QualityModel(list(catalog) if catalog else [model])
    cands = candidates(model, cons.quant, hw)
    if not cands:
        if cons.quant:
            raise UsageError(
                f"{model.id} has no {cons.quant} artifact in the catalog.",
                "Run `llmpick show " + model.id + "` for its artifacts, or leave out --quant.",
            )
        raise UsageError(f"{model.id} has no artifact llmpick knows how to run.")
    ctx = _context_for(model, cons)
    opts = [evaluate(model, c, hw, cons, qm, ctx, True, file_size) for c in cands]
    gpu_ok = [o for o in opts if o.fit == "gpu"]
    off_ok = [o for o in opts if o.fit in ("split", "cpu")]
    pool = gpu_ok or (off_ok if allow_offload else [])
    if not hw.has_gpu:
        pool = off_ok
    pick = max(pool, key=lambda o: o.score) if pool else None
    if pick is not None:
        finish(pick, hw, cons)
        ok = True
        reason = pick.reasons[0]
        if pick.fit != "gpu" and hw.has_gpu:
            reason += " (accepted with --allow-offload)"
        return ok, pick, reason
    # Not on the GPUs: the closest option, and what it would take.
    fallback = (
        max(off_ok, key=lambda o: o.score)
        if off_ok
        else min(opts, key=lambda o: (o.placement.cards_needed is None, -o.score))
    )
    finish(fallback, hw, cons)
    reason = fallback.reasons[0]
    multi = [o for o in opts if o.placement.engine == "vllm" and o.placement.nodes_needed]
    if hw.gpus and not hw.unified and multi and "machines like this one" not in reason:
        o = min(multi, key=lambda o: (o.placement.nodes_needed, -o.score))
        pl = o.placement
        reason += (
            f"; across machines: {pl.nodes_needed} like this one serve {o.quant} with vLLM "
            f"(tensor parallel {pl.tensor_parallel} x pipeline {pl.nodes_needed} over Ray; --nodes {pl.nodes_needed})"
        )
        fallback.reasons[0] = reason
    return False, fallback, reason


# --- Reasons and run lines ------------------------------------------------------------------


def _gib(n: float | None) -> str:
    return "?" if n is None else f"{n / GIB:.1f} GiB"


def memory_dict(o: Option, hw: Hardware) -> dict[str, Any]:
    est, pl = o.estimate, o.placement
    caps = hw.card_capacities()
    if pl.fit in ("gpu", "none"):
        avail = sum(caps) * (pl.nodes if pl.tensor_parallel else 1)
    elif pl.fit == "split":
        avail = sum(caps) + (hw.ram_capacity() or 0)
    else:
        avail = hw.ram_capacity()
    used = sum(pl.card_bytes) + pl.ram_bytes if pl.fit != "none" else est.total_bytes
    if pl.tensor_parallel and pl.fit == "gpu":
        used = sum(pl.card_bytes) * (pl.pipeline_parallel or 1)
    return {
        "total_bytes": int(used),
        "estimate_total_bytes": est.total_bytes,
        "available_bytes": avail,
        "weights_bytes": est.weights_bytes,
        "kv_cache_bytes": est.kv_cache_bytes,
        "vision_bytes": est.vision_bytes,
        "overhead_per_gpu_bytes": est.overhead_per_gpu_bytes,
        "gpu_bytes_per_card": pl.card_bytes,
        "gpu_layers_per_card": pl.card_layers if not pl.tensor_parallel else None,
        "ram_bytes": pl.ram_bytes,
        "layers": pl.layers,
        "gpu_layers": pl.gpu_layers,
        "context": o.context,
        "bits_per_weight": est.bits_per_weight,
    }


def finish(o: Option, hw: Hardware, cons: Constraints) -> None:
    """Fill in reasons and run lines (only for the options shown)."""
    from .runcmd import run_lines

    pl, est = o.placement, o.estimate
    mem = memory_dict(o, hw)
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
                + f", {_gib(max(pl.card_bytes))} per card of {_gib(min(hw.card_capacities()))}"
            )
        else:
            per = ", ".join(f"{_gib(b)}" for b in pl.card_bytes if b)
            r.append(
                f"fits on {pl.cards_used} GPU{'s' if pl.cards_used > 1 else ''}: {_gib(mem['total_bytes'])} "
                f"of {_gib(mem['available_bytes'])} ({per} per card; {'all ' + str(pl.layers) + ' layers' if pl.layers and pl.layers > 1 else 'whole model'})"
            )
    elif pl.fit == "split":
        r.append(
            f"only with CPU offload: {pl.gpu_layers} of {pl.layers} layers on the GPUs, "
            f"{_gib(pl.ram_bytes)} in RAM (needs {_gib(est.total_bytes)}, GPUs have {_gib(sum(hw.card_capacities()))})"
        )
    elif pl.fit == "cpu":
        r.append(
            f"runs from RAM: {_gib(pl.ram_bytes)} of {_gib(hw.ram_capacity())} usable"
            + ("" if not hw.has_gpu else " (too large for the GPUs)")
        )
    else:
        avail = sum(hw.card_capacities())
        line = f"does not fit: needs {_gib(est.total_bytes)}, the GPUs have {_gib(avail)}"
        if pl.needs:
            line += f"; needs {pl.needs}"
        if pl.engine == "vllm" and pl.nodes_needed and pl.nodes_needed > 1:
            line += (
                f"; or {pl.nodes_needed} machines like this one: vLLM tensor parallel {pl.tensor_parallel} x "
                f"pipeline {pl.nodes_needed} over Ray (--nodes {pl.nodes_needed})"
            )
        r.append(line)
    r.append(
        f"{o.quant}: keeps ~{quant_kept(o.quant) * 100:.0f}% of full-precision quality "
        f"({o.score_parts['quant_kept_basis']})"
    )
    sp = o.speed
    if sp.tokens_per_second is not None:
        r.append(
            f"~{sp.tokens_per_second:g} tok/s (likely {sp.low:g}-{sp.high:g}) at {o.context} tokens of context, "
            f"{'calibrated' if sp.basis.get('calibrated') else 'uncalibrated'} bandwidth model"
        )
    elif pl.fit != "none":
        r.append("speed unknown: " + "; ".join(sp.basis.get("missing", ["bandwidth unknown"])))
    r.append(o.score_parts["quality_basis"])
    if cons.uses and o.score_parts["use_bonus"]:
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
