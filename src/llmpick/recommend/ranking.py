"""The numbers that decide every ranking, in one place, each with its source or the reasoning behind it.

The score of a model at one quantization on one machine (0-100, higher is better)::

    score = 100 * quality * kept(quant) * FIT_FACTOR[fit] + use_bonus - speed_penalty

``quality`` (in [0, 1]) blends the catalog's benchmarks with a prior from size and recency (``quality.py``);
``kept(quant)`` is the share of full-precision quality a quantization keeps (the ``data/quant_quality.csv``
table, from llama.cpp's published perplexity deltas).  Everything below is a judgement unless a source is named:
these are the knobs to argue about, and a change to any of them shows up in every ranking.  A point of score is
about a fifth of what doubling a model's size adds (see SIZE_PRIOR_SLOPE), which is the scale the penalties and
bonuses below are set on.
"""

from __future__ import annotations

from collections.abc import Sequence

# --- Fit ---------------------------------------------------------------------------------------------------------
# Order of fit classes, best first: the tie-breaker after the score.
FIT_ORDER = {"gpu": 0, "moe-offload": 1, "split": 2, "cpu": 3, "none": 4}
# Multiplier per fit class.  With layers in RAM, llama.cpp decodes several times slower (the RAM part is read at
# RAM bandwidth, 10-20x below a GPU's; see speed.py), and the speed penalty below only bites under 10 tok/s.  A
# fit factor of 0.80 ranks a GPU fit first unless the offloaded model keeps at least 25 % more quality (roughly
# four doublings of size, e.g. 70B offloaded against an 8B on the GPU); CPU-only is a little worse again.
# moe-offload (llama.cpp --n-cpu-moe: every layer on the GPUs, the routed experts of the first N layers in RAM) reads
# from RAM only the few active experts of those layers (gpt-oss-120b: 4 of 128), not whole layers: users report
# 18-28 tok/s for gpt-oss-120b on one 24 GB card with DDR5, against ~1-2 tok/s for a layer split (issue #12).  It
# is the same model at the same quantization as on the GPU, only slower, and the speed penalty below already
# charges a slow one; so 0.95, a small discount for the RAM it ties up and an uncalibrated speed, not the 0.80 of a
# layer split.  Whether it beats a layer split of the same option is then decided by the speed penalty (evaluate.py
# scores both), not by this order.
FIT_FACTOR = {"gpu": 1.0, "moe-offload": 0.95, "split": 0.80, "cpu": 0.75, "none": 0.0}

# --- Headroom (a label, not a score) -------------------------------------------------------------------------------
# A pick that fills a card to within max(0.5 GiB, 5 % of the card's usable memory) is labelled ``tight``: the
# estimate is within a few percent (the compute buffer and the CUDA context vary by driver, engine build and batch
# size), and memory other programs take after detection or not seen by it (a desktop's display and compositor,
# a browser: 0.3-1 GiB on a card that drives a monitor) can make 11.9 of 12.0 GiB fail to load.  0.5 GiB is the
# floor a desktop typically takes; 5 % scales it for large cards, where the estimate's relative error (not a
# display) dominates: 1.2 GiB of an 24 GiB card, 4 GiB of 80 GiB.  It does not change the score: the placement
# fits by the estimate, and ``--reserve`` is how a user who knows their machine asks for more room.
TIGHT_MIN_BYTES = 512 * 1024**2
TIGHT_SHARE = 0.05


def tight_margin(usable_card_bytes: int) -> int:
    """Headroom under which a used card counts as tight: max(0.5 GiB, 5 % of what a model may use of it)."""
    return max(TIGHT_MIN_BYTES, int(usable_card_bytes * TIGHT_SHARE))


# --- Use ---------------------------------------------------------------------------------------------------------
# Points for a model whose first two listed uses include the one asked for (its specialty).  5 points is what
# doubling a model's size adds to the prior (100 x SIZE_PRIOR_SLOPE x log10(2) = 5.4): a coding model ranks for
# --use coding like a general model twice its size.
USE_BONUS = 5.0
# How many of a model's listed uses count as its specialty (catalog files list uses most characteristic first).
SPECIALTY_USES = 2
# Benchmarks of the requested use (data/use_benchmarks.csv) weigh this many times the others in the blend.
USE_BENCHMARK_WEIGHT = 2.0

# --- Speed -------------------------------------------------------------------------------------------------------
# Penalty points by decode speed, when the speed is known.  People read about 4-5 words (5-7 tokens) a second
# (Brysbaert 2019, "How many words do we read per minute?", J. Memory and Language: 238 wpm silent reading of
# non-fiction), so below 5 tok/s a chat answer arrives slower than it is read: 10 points, two doublings of size.
# Below 10 tok/s it is noticeably slow for code and long answers: 4 points.
SPEED_PENALTY: tuple[tuple[float, float], ...] = ((5.0, 10.0), (10.0, 4.0))  # (below tok/s, points), tightest first
# A moe-offload placement at this speed or faster is a first-class answer without --include-offload (issue #12,
# item 6): the speed at which the penalty above stops.  With --ram-bandwidth unknown it is judged at the assumed
# bandwidth below, a common desktop's, so one that passes runs interactively on nearly any desktop.
INTERACTIVE_TPS = 10.0
# For ranking only, when --ram-bandwidth is not given: dual-channel DDR4-3200, 2 channels x 8 bytes x 3200 MT/s
# = 51.2 GB/s (JEDEC DDR4-3200), a common desktop.  The speed shown stays unknown.
ASSUMED_RAM_BANDWIDTH_GBS = 51.2

# --- Quality prior: size and recency -----------------------------------------------------------------------------
# prior = SIZE_PRIOR_BASE + SIZE_PRIOR_SLOPE * log10(params / 1e8): 0.30 at 100M, 0.48 at 1B, 0.66 at 10B, 0.84 at
# 100B.  Language-model loss falls as a power law in parameters (Kaplan et al. 2020, "Scaling Laws for Neural
# Language Models"; Hoffmann et al. 2022), so benchmark averages rise about linearly in log(parameters) over the
# sizes people run; the slope spreads the catalog's sizes over most of [0, 1].
SIZE_PRIOR_BASE = 0.30
SIZE_PRIOR_SLOPE = 0.18
SIZE_PRIOR_FLOOR_PARAMS = 1e7  # below this the log term means nothing; clamp
UNKNOWN_SIZE_PRIOR = 0.45  # no parameter count: a mid-sized (~3B) model, neither rewarded nor punished much
# MoE: quality tracks the geometric mean of total and active parameters, sqrt(total x active): a community rule
# of thumb for an MoE's dense-equivalent size, not a measurement (Mixtral 8x7B: 47B total, 13B active -> ~25B).
# Recency: newer models of a size beat older ones (Meta's Llama 3 model card: MMLU 5-shot 66.6 for Llama 3 8B,
# 2024-04, against 53.8 for Llama 2 13B, 2023-07).  +0.04 per year from mid-2023, clamped to [-0.12, +0.08] so
# that age never outweighs about two doublings of size.
RECENCY_PER_YEAR = 0.04
RECENCY_EPOCH = 2023.5
RECENCY_CLAMP = (-0.12, 0.08)
UNKNOWN_RELEASE = -0.04  # no release month: probably older than the catalog's typical entry
BASE_MODEL_PENALTY = -0.10  # a base model with no listed use is not instruction-tuned: poor as an assistant
SUPERSEDED_PENALTY = -0.02  # its maker released a successor (catalog `superseded_by`): a tie-breaker
PRIOR_CLAMP = (0.05, 0.95)

# --- Quality from benchmarks -------------------------------------------------------------------------------------
# Each benchmark is put on the prior's scale: a z-score among the catalog models that report it, times the spread
# of the priors, plus the mean prior of those models.  It needs at least MIN_REPORTS models to have a spread.
MIN_REPORTS = 3
# A score outside +-1e9 (or not finite) is no benchmark result: the catalog's scores are percentages, averages of
# them, or Elo-like ratings in the thousands.  Such a value is left out of the ranking instead of skewing (or, at
# 1e308, overflowing) the z-scores of every model that reports the same benchmark.
MAX_SCORE_MAGNITUDE = 1e9
DEFAULT_PRIOR_STD = 0.15  # when the catalog's priors have no spread (a catalog of one model)
# The blend: measured scores weigh more than the prior, but a single benchmark never erases size entirely.
BENCHMARK_SHARE = 0.7
PRIOR_SHARE = 0.3  # 1 - BENCHMARK_SHARE, written out: 1 - 0.7 is not 0.3 in floating point


def speed_penalty(tokens_per_second: float | None) -> float:
    """Points off for a slow model; none when the speed is unknown."""
    if tokens_per_second is None:
        return 0.0
    for below, points in SPEED_PENALTY:
        if tokens_per_second < below:
            return points
    return 0.0


def use_bonus(model_uses: Sequence[str], asked: Sequence[str]) -> float:
    """USE_BONUS when one of the asked uses is among the model's first SPECIALTY_USES listed uses."""
    return USE_BONUS if asked and any(u in model_uses[:SPECIALTY_USES] for u in asked) else 0.0
