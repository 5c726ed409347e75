"""Which models run on this hardware, at which quantization, how fast, and which are best.  Pure; no I/O.

The rooms, in the order a recommendation passes through them:

* ``candidates``: the quantizations a model can run at: what is published (``artifacts``: its catalog artifacts and
  its original weights) and, for a quantization asked with ``--quant`` that nobody published, the routes that make
  it (``made``: marked ``published=False``, with the tool);
* ``evaluate``: one candidate on the machine: the estimate (``llmpick.estimate``), ``placement`` (llama.cpp layer
  split over the cards, partial offload to RAM, CPU, or vLLM tensor/pipeline parallelism) and speed
  (``llmpick.speed``), then its score;
* ``quality`` and ``ranking``: a model's quality (size, recency, benchmarks) and the numbers of the score, each
  with its source or reason;
* ``search``: the ranking over a catalog (best-first, equal to evaluating everything) and ``check``;
* ``reasons``: the words and run lines of the options shown;
* ``model``: the values passed between them (Constraints, Placement, Option, Result).

**Fit classes** (per model, quantization and context):

* ``gpu``: every layer on the GPUs.  Cards are not one pool: each card holds its share of the layers (weights
  + KV cache) *plus its own runtime overhead* (CUDA context, compute buffer); the vision projector goes on the
  first card, the output head on the last.  The fewest cards that hold the model are used.
* ``split``: llama.cpp-style partial offload: ``-ngl N`` layers on the GPUs, the rest (and the output head) in RAM.
* ``cpu``: everything in RAM.
* ``none``: not even that.  Formats served by vLLM (safetensors, AWQ, GPTQ, FP8) use tensor parallelism instead,
  which needs equal cards and a tensor-parallel size that divides the attention heads (and the KV heads, or is a
  multiple of them); across machines, vLLM adds pipeline parallelism over Ray.

RAM for the model is RAM minus max(2 GiB, 10 %) for the OS.  On unified memory (Apple) the GPU gets the Metal
working-set share of RAM and the rest is the ``split`` space.  Per model, the quantization with the highest score
among those that fit is chosen (so, for the same fit class, the one that keeps most quality).
"""

from __future__ import annotations

from ..quality_data import LOW_BIT, quant_kept, quant_quality
from .candidates import Candidate, candidates
from .evaluate import FileSize, evaluate, score_option
from .model import Constraints, Option, Placement, Result
from .placement import cards_needed_layers, place_layers, place_vllm, valid_tp_sizes
from .quality import QualityModel, size_prior
from .search import check, context_for, rank_exhaustively, recommend, score_bound

__all__ = [
    "LOW_BIT",
    "Candidate",
    "Constraints",
    "FileSize",
    "Option",
    "Placement",
    "QualityModel",
    "Result",
    "candidates",
    "cards_needed_layers",
    "check",
    "context_for",
    "evaluate",
    "place_layers",
    "place_vllm",
    "quant_kept",
    "quant_quality",
    "rank_exhaustively",
    "recommend",
    "score_bound",
    "score_option",
    "size_prior",
    "valid_tp_sizes",
]
