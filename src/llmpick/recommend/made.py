"""A quantization nobody published, asked for with ``--quant``: which engine runs it and which tool makes it.

Every route starts from the original weights (``artifact.repo`` is the model's own repo) and is marked
``published=False``; ``runcmd.py`` turns it into the commands.  One route per engine, except for floats:

* F16 / BF16 / F32: the original weights.  vLLM (transformers for a Switch model) casts them at load
  (``--dtype float16``) when the release is another float, and llama.cpp runs them after
  ``convert_hf_to_gguf.py --outtype f16``.  Both are offered: the placement picks by fit and speed, and on a tie
  llama.cpp's file goes first, because llmpick's F16/BF16 are the GGUF types (what `estimate` sizes) and people who
  ask for them mostly run llama.cpp.  When the release is exactly the float asked for, the original repo served by
  vLLM is published and wins a tie (today's answer).
* a GGUF mix: ``llama-quantize`` from a 16-bit GGUF converted as above (Q8_0: the converter writes it directly).
* GPTQ / AWQ / MXFP4: a quantizer (GPTQModel, AutoAWQ, llm-compressor), then vLLM; FP8: vLLM quantizes at load
  (``--quantization fp8``).
* MLX: ``mlx_lm.convert`` (Apple silicon only); EXL2: ExLlamaV2's ``convert.py``; NF4 / INT8: bitsandbytes through
  transformers, at load; QMoE: IST-DASLab/qmoe, for Switch Transformers models only.
"""

from __future__ import annotations

from ..quant import QuantFormat
from ..schema import Model
from .artifacts import ENGINE_OF, FLOATS, Candidate, original_quant, switch_moe

# Candidate.preference of each kind of route: lower goes first among options equal in score and fit.
PUBLISHED, LLAMA_CPP_CONVERSION, AT_LOAD, QUANTIZER = 0, 1, 2, 3

DTYPE_FLAG = {"F16": "float16", "BF16": "bfloat16", "F32": "float32"}

# The tool that makes each family, and whether it runs at load (no file is written first).
_TOOL: dict[str, tuple[str, int]] = {
    "gptq": ("GPTQModel", QUANTIZER),
    "awq": ("AutoAWQ", QUANTIZER),
    "mxfp4": ("llm-compressor", QUANTIZER),
    "fp8": ("vllm --quantization fp8", AT_LOAD),
    "mlx": ("mlx_lm.convert", QUANTIZER),
    "exl2": ("exllamav2 convert.py", QUANTIZER),
    "bnb": ("bitsandbytes", AT_LOAD),
    "qmoe": ("IST-DASLab/qmoe", QUANTIZER),
}


def made(m: Model, fmt: QuantFormat, have: list[Candidate]) -> list[Candidate]:
    """The routes to ``fmt`` that ``have`` (the published candidates at ``fmt``) lacks."""
    switch = switch_moe(m)
    out: list[Candidate] = []

    def add(kind: str, engine: str, tool: str, preference: int) -> None:
        out.append(Candidate(fmt.name, fmt.family, fmt.bits, kind, m.id, engine, None, False, tool, preference))

    if fmt.name in FLOATS:
        if original_quant(m) in FLOATS and not any(c.artifact_format == "original" for c in have):
            engine = "transformers" if switch else ENGINE_OF["original"]
            add("original", engine, f"{engine} --dtype {DTYPE_FLAG[fmt.name]}", AT_LOAD)
        if not switch and not any(c.artifact_format == "gguf" for c in have):
            add("gguf", "llama.cpp", "convert_hf_to_gguf.py", LLAMA_CPP_CONVERSION)
        return out
    if have:
        return out
    if fmt.is_gguf:
        if not switch:
            tool = "convert_hf_to_gguf.py" if fmt.name == "Q8_0" else "llama-quantize"
            add("gguf", "llama.cpp", tool, LLAMA_CPP_CONVERSION)
        return out
    tool, preference = _TOOL.get(fmt.family, ("", QUANTIZER))
    if not tool:
        return out
    if fmt.name == "AWQ-8bit":
        tool = "llm-compressor"  # AutoAWQ makes 4-bit AWQ only
    if fmt.family == "qmoe":
        if switch:
            add("qmoe", ENGINE_OF["qmoe"], tool, preference)
    elif fmt.family == "bnb" or not switch:
        # Switch models: transformers loads them with bitsandbytes; vLLM, ExLlamaV2 and MLX do not run them.
        add(fmt.family, ENGINE_OF[fmt.family], tool, preference)
    return out
