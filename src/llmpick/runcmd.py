"""How to run a recommendation: llama.cpp ``llama-server``, Ollama and vLLM command lines.  Pure; no I/O.

* llama.cpp: ``llama-server -hf REPO:QUANT -ngl N -c CTX`` (``-hf`` downloads the GGUF of that quantization from
  the Hub; ``-ngl`` layers go to the GPUs; with several cards, ``--tensor-split`` gives each card its share).
* Ollama: ``ollama run hf.co/REPO:QUANT`` (Ollama pulls GGUF repos from the Hub); its context defaults to a few
  thousand tokens, so the line sets ``OLLAMA_CONTEXT_LENGTH``.  Only where a GGUF repo exists.
* vLLM: ``vllm serve REPO --tensor-parallel-size T --max-model-len CTX`` for safetensors, AWQ, GPTQ and FP8;
  across machines ``--pipeline-parallel-size P --distributed-executor-backend ray`` after ``ray start`` on each.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .schema.recommend import RunOut


def _q(s: str) -> str:
    return shlex.quote(s)


def llama_server(repo: str, quant: str, ngl: int, ctx: int, tensor_split: list[int] | None = None) -> str:
    line = f"llama-server -hf {_q(repo + ':' + quant)} -ngl {ngl} -c {ctx}"
    if tensor_split and sum(1 for t in tensor_split if t) > 1:
        line += " --tensor-split " + ",".join(str(t) for t in tensor_split)
    elif tensor_split and len(tensor_split) > 1:
        main = next(i for i, t in enumerate(tensor_split) if t)
        line += f" --split-mode none --main-gpu {main}"
    return line


def ollama(repo: str, quant: str, ctx: int) -> str:
    return f"OLLAMA_CONTEXT_LENGTH={ctx} ollama serve & ollama run {_q('hf.co/' + repo + ':' + quant)}"


def vllm(repo: str, ctx: int, tp: int = 1, pp: int = 1, quant_family: str | None = None) -> str:
    line = f"vllm serve {_q(repo)} --tensor-parallel-size {tp} --max-model-len {ctx}"
    if pp > 1:
        line += f" --pipeline-parallel-size {pp} --distributed-executor-backend ray"
    return line


def run_lines(o: Any, hw: Any) -> RunOut:
    """The ``run`` object of an item (a recommend Option on a Hardware)."""
    pl = o.placement
    from .schema.recommend import RunOut

    out = RunOut()
    ctx = o.context
    if o.artifact_format == "gguf" and o.repo:
        ngl = ((pl.layers + 1) if pl.layers and pl.layers > 1 else 999) if pl.fit == "gpu" else pl.gpu_layers
        split = pl.card_layers if pl.fit in ("gpu", "split") and len(pl.card_layers) > 1 else None
        out.llama_cpp = llama_server(o.repo, o.quant, ngl, ctx, split)
        out.ollama = ollama(o.repo, o.quant, ctx)
        if pl.fit == "split":
            out.notes.append(
                f"-ngl {pl.gpu_layers}: the other {(pl.layers or 0) - pl.gpu_layers} layers run on "
                "the CPU from RAM; Ollama picks its own split"
            )
        if pl.fit == "cpu":
            out.notes.append("-ngl 0: CPU only")
    elif o.artifact_format in ("awq", "gptq", "fp8", "original") and o.repo:
        tp = pl.tensor_parallel or 1
        pp = pl.pipeline_parallel or 1
        out.vllm = vllm(o.repo, ctx, tp, pp, o.quant_family)
        if pp > 1:
            out.notes.append(
                f"multi-node: `ray start --head` on one machine, `ray start --address=HEAD:6379` on "
                f"the other {pp - 1}, then run vllm serve on the head (tensor parallel {tp} within "
                f"each machine, pipeline parallel {pp} across them)"
            )
        if o.model.entry.gated:
            out.notes.append("gated repo: accept its terms on the Hub and set HF_TOKEN")
    elif o.artifact_format == "qmoe" and o.repo:
        out.notes.append(
            f"QMoE runs with its own kernels, not llama.cpp or vLLM: see "
            f"https://github.com/IST-DASLab/qmoe (compressed weights: {o.repo})"
        )
    elif o.artifact_format == "mlx" and o.repo:
        out.mlx = f"mlx_lm.server --model {_q(o.repo)}"
    return out
