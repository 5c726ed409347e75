"""How to run a recommendation: llama.cpp ``llama-server``, Ollama, vLLM and MLX command lines, and for weights
nobody published, how to make them.  Pure; no I/O.

* llama.cpp: ``llama-server -hf REPO:QUANT -ngl N -c CTX`` (``-hf`` downloads the GGUF of that quantization from
  the Hub; ``-ngl`` layers go to the GPUs; with several cards, ``--tensor-split`` gives each card its share).
* Ollama: ``ollama run hf.co/REPO:QUANT`` (Ollama pulls GGUF repos from the Hub); its context defaults to a few
  thousand tokens, so the line sets ``OLLAMA_CONTEXT_LENGTH``.  Only where a GGUF repo exists.
* vLLM: ``vllm serve REPO --tensor-parallel-size T --max-model-len CTX`` for safetensors, AWQ, GPTQ and FP8;
  across machines ``--pipeline-parallel-size P --distributed-executor-backend ray`` after ``ray start`` on each.
* Not published (``recommend/made.py``): the notes give the commands that make it from the original repo
  (``hf download``, llama.cpp's ``convert_hf_to_gguf.py`` and ``llama-quantize``, ``mlx_lm.convert``, ExLlamaV2's
  ``convert.py``) or name the quantizer (GPTQModel, AutoAWQ, llm-compressor); the run lines then use the local
  file or folder.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .schema.recommend import RunOut

# llama.cpp tools/quantize/quantize.cpp refuses these without --imatrix ("Please do not use IQ1_S, IQ1_M, IQ2_S,
# IQ2_XXS, IQ2_XS or Q2_K_S quantization without an importance matrix").
IMATRIX_REQUIRED = frozenset({"IQ1_S", "IQ1_M", "IQ2_S", "IQ2_XXS", "IQ2_XS", "Q2_K_S"})
_CONVERTER_TYPES = ("F16", "BF16", "F32", "Q8_0")  # convert_hf_to_gguf.py --outtype writes these directly
_DTYPE_FLAG = {"F16": "float16", "BF16": "bfloat16", "F32": "float32"}


def _q(s: str) -> str:
    return shlex.quote(s)


def _stem(repo: str) -> str:
    return repo.rsplit("/", 1)[-1]


def _server(source: str, ngl: int, ctx: int, tensor_split: list[int] | None) -> str:
    line = f"llama-server {source} -ngl {ngl} -c {ctx}"
    if tensor_split and sum(1 for t in tensor_split if t) > 1:
        line += " --tensor-split " + ",".join(str(t) for t in tensor_split)
    elif tensor_split and len(tensor_split) > 1:
        main = next(i for i, t in enumerate(tensor_split) if t)
        line += f" --split-mode none --main-gpu {main}"
    return line


def _moe_flags(line: str, n_cpu_moe: int) -> str:
    """A llama-server line with its experts of ``n_cpu_moe`` layers in RAM, and flash attention on."""
    head, sep, ctx = line.partition(" -c ")
    return f"{head} --n-cpu-moe {n_cpu_moe} -fa on{sep}{ctx}"


def llama_server(repo: str, quant: str, ngl: int, ctx: int, tensor_split: list[int] | None = None) -> str:
    return _server(f"-hf {_q(repo + ':' + quant)}", ngl, ctx, tensor_split)


def ollama(repo: str, quant: str, ctx: int) -> str:
    return f"OLLAMA_CONTEXT_LENGTH={ctx} ollama serve & ollama run {_q('hf.co/' + repo + ':' + quant)}"


def ollama_local(gguf: str, ctx: int) -> str:
    """Ollama from a local GGUF file: a Modelfile with FROM and the context, then create and run."""
    name = gguf.removesuffix(".gguf").lower()
    modelfile = f"FROM ./{gguf}\\nPARAMETER num_ctx {ctx}\\n"
    return f"printf {_q(modelfile)} > Modelfile && ollama create {_q(name)} -f Modelfile && ollama run {_q(name)}"


def vllm(repo: str, ctx: int, tp: int = 1, pp: int = 1, quant_family: str | None = None) -> str:
    line = f"vllm serve {_q(repo)} --tensor-parallel-size {tp} --max-model-len {ctx}"
    if pp > 1:
        line += f" --pipeline-parallel-size {pp} --distributed-executor-backend ray"
    return line


def make_gguf(repo: str, quant: str, released_dtype: str | None) -> tuple[str, list[str]]:
    """(the GGUF file, the shell steps that make it from the original repo): convert_hf_to_gguf.py writes 16-bit,
    32-bit and Q8_0 files itself; any other mix is llama-quantize'd from a 16-bit GGUF (bf16 unless the release
    is float16), with an importance matrix where llama-quantize requires one."""
    stem = _stem(repo)
    out = f"{stem}-{quant}.gguf"
    steps = [f"hf download {_q(repo)} --local-dir {_q(stem)}"]
    convert = "python convert_hf_to_gguf.py {src} --outtype {t} --outfile {out}"
    if quant in _CONVERTER_TYPES:
        steps.append(convert.format(src=_q(stem), t=quant.lower(), out=_q(out)))
        return out, steps
    t = "f16" if (released_dtype or "").lower() in ("float16", "fp16") else "bf16"
    base = f"{stem}-{t.upper()}.gguf"
    steps.append(convert.format(src=_q(stem), t=t, out=_q(base)))
    if quant in IMATRIX_REQUIRED:
        steps.append(f"llama-imatrix -m {_q(base)} -f calibration.txt -o imatrix.dat")
        steps.append(f"llama-quantize --imatrix imatrix.dat {_q(base)} {_q(out)} {quant}")
    else:
        steps.append(f"llama-quantize {_q(base)} {_q(out)} {quant}")
    return out, steps


def run_lines(o: Any, hw: Any) -> RunOut:
    """The ``run`` object of an item (a recommend Option on a Hardware)."""
    pl = o.placement
    from .schema.recommend import RunOut

    out = RunOut()
    ctx = o.context
    published = getattr(o, "published", True)
    if o.artifact_format == "gguf" and o.repo:
        ngl = ((pl.layers + 1) if pl.layers and pl.layers > 1 else 999) if pl.fit == "gpu" else pl.gpu_layers
        if pl.fit == "moe-offload":
            ngl = 999
        split = pl.card_layers if pl.fit in ("gpu", "split", "moe-offload") and len(pl.card_layers) > 1 else None
        if published:
            out.llama_cpp = llama_server(o.repo, o.quant, ngl, ctx, split)
            out.ollama = ollama(o.repo, o.quant, ctx)
        else:
            gguf, steps = make_gguf(o.repo, o.quant, o.model.entry.arch.dtype)
            out.notes.append(f"not published; make {gguf} (llama.cpp's tools): " + " && ".join(steps))
            if o.quant in IMATRIX_REQUIRED:
                out.notes.append(
                    f"llama-quantize requires an importance matrix for {o.quant}: calibration.txt is any text "
                    "close to your use (a few hundred KB)"
                )
            elif o.quant.startswith("IQ"):
                out.notes.append(
                    "an importance matrix (llama-imatrix, then llama-quantize --imatrix) improves I-quants"
                )
            out.llama_cpp = _server(f"-m {_q(gguf)}", ngl, ctx, split)
            out.ollama = ollama_local(gguf, ctx)
            if hw.gpus and not hw.unified:
                _vllm_instead(o, out)
        if pl.fit == "moe-offload" and out.llama_cpp:
            out.llama_cpp = _moe_flags(out.llama_cpp, pl.cpu_moe_layers or 0)
            out.notes.append(
                f"--n-cpu-moe {pl.cpu_moe_layers}: the routed experts of the first {pl.cpu_moe_layers} layers stay "
                "in RAM and run on the CPU, everything else on the GPUs (llama.cpp since PR #15077; the same as "
                "-ot with an ffn_.*_exps=CPU pattern); Ollama has no per-expert offload control (it picks its own "
                "layer split), and vLLM cannot keep experts in RAM"
            )
        if pl.fit == "split":
            out.notes.append(
                f"-ngl {pl.gpu_layers}: the other {(pl.layers or 0) - pl.gpu_layers} layers run on "
                "the CPU from RAM; Ollama picks its own split"
            )
        if pl.fit == "cpu":
            out.notes.append("-ngl 0: CPU only")
    elif o.artifact_format in ("awq", "gptq", "fp8", "mxfp4", "original") and o.repo and pl.engine == "vllm":
        tp = pl.tensor_parallel or 1
        pp = pl.pipeline_parallel or 1
        out.vllm = _vllm_made(o, out, ctx, tp, pp)
        if pp > 1:
            out.notes.append(
                f"multi-node: `ray start --head` on one machine, `ray start --address=HEAD:6379` on "
                f"the other {pp - 1}, then run vllm serve on the head (tensor parallel {tp} within "
                f"each machine, pipeline parallel {pp} across them)"
            )
    elif o.artifact_format == "original" and o.repo:
        out.notes.append(
            f"runs with transformers (llama.cpp and vLLM do not run {o.model.entry.arch.type or 'this model'}): "
            f"from_pretrained({o.repo!r}, torch_dtype={_DTYPE_FLAG.get(o.quant, 'bfloat16')!r}, device_map='auto')"
        )
    elif o.artifact_format == "qmoe" and o.repo:
        made = "" if published else " (not published: IST-DASLab/qmoe's scripts compress the original checkpoint)"
        out.notes.append(
            f"QMoE runs with its own kernels, not llama.cpp or vLLM: see "
            f"https://github.com/IST-DASLab/qmoe (compressed weights: {o.repo}){made}"
        )
    elif o.artifact_format == "mlx" and o.repo:
        if published:
            out.mlx = f"mlx_lm.server --model {_q(o.repo)}"
        else:
            folder = f"{_stem(o.repo)}-{o.quant}"
            bits = 8 if "8" in o.quant else 4
            out.notes.append(
                f"not published; make it: mlx_lm.convert --hf-path {_q(o.repo)} --mlx-path {_q(folder)} -q "
                f"--q-bits {bits} --q-group-size 64"
            )
            out.mlx = f"mlx_lm.server --model {_q(folder)}"
    elif o.artifact_format == "exl2" and o.repo:
        bpw = o.quant.removeprefix("EXL2-").removesuffix("bpw")
        if published:
            out.notes.append(f"ExLlamaV2: the {bpw} bpw branch of {o.repo}, served with TabbyAPI (max_seq_len {ctx})")
        else:
            stem = _stem(o.repo)
            folder = f"{stem}-EXL2-{bpw}bpw"
            out.notes.append(
                f"not published; make it with ExLlamaV2's convert.py: hf download {_q(o.repo)} --local-dir {_q(stem)} "
                f"&& python convert.py -i {_q(stem)} -o {_q(stem + '-exl2-work')} -cf {_q(folder)} -b {bpw}"
            )
            out.notes.append(f"serve {folder} with TabbyAPI or ExLlamaV2 (max_seq_len {ctx})")
    elif o.artifact_format == "bnb" and o.repo:
        if published:
            out.notes.append(f"transformers: from_pretrained({o.repo!r}, device_map='auto') (bitsandbytes)")
        else:
            bnb = (
                "BitsAndBytesConfig(load_in_8bit=True)"
                if o.quant == "INT8"
                else "BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type='nf4')"
            )
            out.notes.append(
                f"not published: bitsandbytes quantizes at load; transformers: "
                f"from_pretrained({o.repo!r}, quantization_config={bnb}, device_map='auto')"
            )
    if (not published or out.vllm) and o.model.entry.gated:
        out.notes.append("gated repo: accept its terms on the Hub and set HF_TOKEN")
    return out


def _vllm_made(o: Any, out: RunOut, ctx: int, tp: int, pp: int) -> str:
    """The vLLM line, and for weights nobody published, the notes that make them."""
    if getattr(o, "published", True):
        return vllm(o.repo, ctx, tp, pp, o.quant_family)
    repo, fam = o.repo, o.artifact_format
    if fam == "original":  # another float than the release: vLLM casts at load
        flag = _DTYPE_FLAG.get(o.quant, "auto")
        out.notes.append(f"not published at {o.quant}: vLLM casts the released weights at load (--dtype {flag})")
        _llama_cpp_instead(o, out, ctx)
        return vllm(repo, ctx, tp, pp) + f" --dtype {flag}"
    if fam == "fp8":
        out.notes.append(
            "not published: vLLM quantizes the released weights to FP8 at load (--quantization fp8, no calibration; "
            "FP8 compute needs Ada, Hopper or Blackwell, older cards run it weight-only); for a checkpoint that "
            "loads at FP8, use llm-compressor's FP8_DYNAMIC scheme"
        )
        return vllm(repo, ctx, tp, pp) + " --quantization fp8"
    folder = f"./{_stem(repo)}-{o.quant}"
    tool = {
        "gptq": "GPTQModel (group size 128, with a calibration set)",
        "awq": "AutoAWQ (w_bit 4, q_group_size 128) or llm-compressor's AWQModifier",
        "mxfp4": "llm-compressor (MXFP4 scheme)",
    }[fam]
    if o.quant == "AWQ-8bit":
        tool = "llm-compressor's AWQModifier (AutoAWQ makes 4-bit only)"
    bits = "8" if "8bit" in o.quant else "4"
    out.notes.append(
        f"not published; quantize {repo} with {tool}"
        + (f" at {bits} bits" if fam in ("gptq", "awq") else "")
        + f", save it to {folder}, then serve that folder"
    )
    return vllm(folder, ctx, tp, pp)


def _llama_cpp_instead(o: Any, out: RunOut, ctx: int) -> None:
    """For a float served by vLLM: the llama.cpp route to the same weights."""
    if (o.model.entry.arch.type or "").startswith("SwitchTransformers"):
        return
    gguf, steps = make_gguf(o.repo, o.quant, o.model.entry.arch.dtype)
    out.notes.append(f"llama.cpp instead: {' && '.join(steps)}, then llama-server -m {_q(gguf)} -ngl 999 -c {ctx}")


def _vllm_instead(o: Any, out: RunOut) -> None:
    """For a 16-bit GGUF made from float weights: vLLM serves the original repo with no conversion."""
    flag = _DTYPE_FLAG.get(o.quant)
    dtype = (o.model.entry.arch.dtype or "bfloat16").lower()
    if flag and dtype in ("bfloat16", "bf16", "float16", "fp16", "float32"):
        out.notes.append(
            f"or, with no conversion, vLLM on CUDA/ROCm GPUs: vllm serve {_q(o.repo)} --dtype {flag} "
            f"--max-model-len {o.context}"
        )
