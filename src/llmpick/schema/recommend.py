"""Answers of `recommend` and `check`: a model at one quantization, how it fits, how fast, why, how to run it."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from .base import Answer, Lazy
from .hardware import HardwareOut
from .models_out import ModelSummaryOut

Fit = Literal["gpu", "moe-offload", "split", "cpu", "none"]


class ArtifactOut(Lazy):
    format: str = Field(
        description="gguf, awq, gptq, fp8, mxfp4, mlx, exl2, bnb, qmoe, or original (the released weights)"
    )
    repo: str | None = Field(description="the Hub repo the weights come from (the original repo when not published)")
    published: bool = Field(
        True,
        description="false: the catalog lists no file at this quantization (asked with --quant); run.notes say "
        "how to make it from the original repo",
    )
    made_with: str | None = Field(
        None,
        description="when not published: the tool that makes it (llama-quantize, convert_hf_to_gguf.py, GPTQModel, "
        "AutoAWQ, llm-compressor, mlx_lm.convert, exllamav2 convert.py), or the engine that does at load "
        "(vllm --dtype float16, vllm --quantization fp8, bitsandbytes); null when published",
    )


class MemoryUseOut(Lazy):
    """Bytes used and available.  ``available_bytes``: the GPUs (gpu fit), GPUs + RAM (split) or RAM (cpu)."""

    total_bytes: int | None = Field(
        description="bytes this placement uses, on every card and in RAM; null when the weights are unknown"
    )
    estimate_total_bytes: int | None = Field(
        description="the estimate's total (weights + KV + vision + one overhead); null when the weights are unknown"
    )
    available_bytes: int | None
    weights_bytes: int | None
    kv_cache_bytes: int | None
    vision_bytes: int | None
    overhead_per_gpu_bytes: int
    gpu_bytes_per_card: list[int] = Field(description="per card, in the machine's card order; 0 = unused")
    headroom_bytes_per_card: list[int | None] = Field(
        default_factory=list,
        description="per card, in the machine's card order: usable bytes minus the bytes this placement puts there; "
        "null for an unused card",
    )
    gpu_layers_per_card: list[int] | None = Field(description="llama.cpp layer split; null for tensor parallelism")
    ram_bytes: int
    layers: int | None
    gpu_layers: int = Field(description="llama.cpp -ngl: repeating layers on the GPUs")
    context: int
    bits_per_weight: float | None
    max_context_f16_kv: int | None = Field(
        None,
        description="longest context (tokens, up to the model's maximum) at which this quantization still places "
        "as well (same fit class or better) with an f16 KV cache; null when unknown",
    )
    max_context_q8_0_kv: int | None = Field(
        None, description="the same with a q8_0 KV cache (llama.cpp -ctk q8_0 -ctv q8_0); null when unknown"
    )


class PlacementOut(Lazy):
    cards_used: int
    gpu_layers: int
    layers: int | None
    tensor_parallel: int | None
    pipeline_parallel: int | None
    nodes: int
    cards_needed: int | None = Field(description="when it does not fit: cards like the largest one here it needs")
    nodes_needed: int | None = Field(description="when it does not fit: machines like this one (vLLM over Ray)")
    needs: str | None
    cpu_moe_layers: int | None = Field(
        None,
        description="fit moe-offload: llama.cpp --n-cpu-moe N, the layers whose routed experts stay in RAM; "
        "null otherwise",
    )


class EfficiencyOut(Lazy):
    gpu_weights: float | None = None
    gpu_kv: float | None = None
    cpu: float | None = None


class SpeedBasisOut(Lazy):
    """How the speed was estimated (see speed.py); only ``method`` when the model does not fit."""

    method: str
    engine: str | None = None
    context: int | None = None
    weights_read_per_token_bytes: int | None = None
    kv_read_per_token_bytes: int | None = None
    state_read_written_per_token_bytes: int | None = Field(
        None, description="recurrent state of hybrid models, read and written back each token (2 x state); 0 if none"
    )
    gpu_share_of_layers: float | None = None
    gpu_bandwidth_gb_per_s: float | None = None
    ram_bandwidth_gb_per_s: float | None = None
    efficiency: EfficiencyOut | None = None
    per_layer_overhead_us: float | None = None
    profile: str | None = None
    calibrated: bool | None = None
    single_stream: bool | None = None
    band: list[float] | None = Field(None, description="measured / estimated, low and high, in calibration")
    missing: list[str] | None = Field(None, description="the bandwidths that are unknown, and the flag for each")
    tensor_parallel: str | None = None
    moe_offload: str | None = Field(
        None, description="experts in RAM (llama.cpp --n-cpu-moe): the bytes read from RAM; uncalibrated"
    )


class PrefillBasisOut(Lazy):
    """How prompt processing was estimated (speed.py ``estimate_prefill``): compute-bound."""

    method: str
    flops_per_token: int | None = Field(None, description="2 x active parameters")
    fp16_tflops: float | None = Field(None, description="the GPU's peak dense FP16 TFLOPS (GPU table)")
    efficiency: float | None = Field(None, description="share of the peak reached, calibrated per profile")
    profile: str | None = None
    context: int | None = Field(None, description="prompt tokens behind ttft_s")
    calibrated: bool | None = None
    missing: list[str] | None = Field(None, description="why prefill is null")


class ScorePartsOut(Lazy):
    """score = 100 x quality x quant_kept x fit_factor + use_bonus - speed_penalty (recommend/ranking.py)."""

    quality: float
    quality_basis: str
    quant_kept: float
    quant_kept_basis: str
    fit_factor: float
    use_bonus: float
    speed_penalty: float
    speed_penalty_basis: str | None = None


class RunOut(Lazy):
    """Command lines, null where that engine does not apply."""

    llama_cpp: str | None = None
    ollama: str | None = None
    vllm: str | None = None
    mlx: str | None = None
    notes: list[str] = Field(default_factory=list)


class RecommendationOut(Lazy):
    """One item of `recommend` / `check`: a model at one quantization, how it fits, how fast, why, how to run it."""

    model: ModelSummaryOut
    quant: str
    quant_family: str
    artifact: ArtifactOut = Field(description="where the weights come from")
    fit: Fit
    engine: str
    memory: MemoryUseOut
    tight: bool = Field(
        default=False,
        description="a used card is left with less than max(0.5 GiB, 5 % of its usable memory): it may not load "
        "next to a desktop's display; a label, not a score penalty",
    )
    placement: PlacementOut
    tokens_per_second: float | None = Field(description="estimated decode speed; null when a bandwidth is unknown")
    tokens_per_second_range: list[float] | None
    speed_basis: SpeedBasisOut
    prefill_tokens_per_second: float | None = Field(
        None, description="estimated prompt processing speed (tokens/s); null when unknown (see prefill_basis)"
    )
    ttft_s: float | None = Field(
        None, description="estimated time to first token for a prompt of the chosen context, seconds; null when unknown"
    )
    prefill_basis: PrefillBasisOut | None = Field(None, description="how prefill was estimated; null when not")
    score: float
    score_parts: ScorePartsOut
    reasons: list[str]
    run: RunOut
    assumptions: list[str] = Field(default_factory=list)


class ConstraintsOut(Lazy):
    """What was asked: the filters and the run (quantization, context, KV cache type)."""

    uses: list[str]
    commercial: bool
    license_classes: list[str]
    origins: list[str]
    max_params: int | None
    quant: str | None
    context: int
    min_speed: float | None
    top: int
    include_offload: bool
    kv_cache: str


class RecommendAnswer(Answer):
    """`llmpick recommend --format json`."""

    COMMAND: ClassVar[str] = "recommend"
    command: Literal["recommend"] = "recommend"
    hardware: HardwareOut
    constraints: ConstraintsOut
    items: list[RecommendationOut]
    hint: str | None = Field(
        description="what to loosen when nothing fits; with picks, what --min-speed could not check; null otherwise"
    )
    considered: int = Field(description="catalog models that passed the filters")


class CheckAnswer(Answer):
    """`llmpick check --format json`: ``fits`` is the verdict (exit 0 / 1); the item is the closest option."""

    COMMAND: ClassVar[str] = "check"
    command: Literal["check"] = "check"
    hardware: HardwareOut
    constraints: ConstraintsOut
    fits: bool
    reason: str
    items: list[RecommendationOut]


class RepoFileOut(RecommendationOut):
    """One quantization file of a Hub repo (`check hf:`): a `check` item, plus the file and its own verdict."""

    file: str = Field(description="the file's path in the repo (the first part of a split GGUF)")
    files: list[str] = Field(description="every file of this quantization: a split GGUF's parts, safetensors shards")
    file_size_bytes: int | None = Field(
        description="the files' summed size as the Hub lists it; null when the Hub gave none, or for an F32 "
        "checkpoint (served at 16 bits, so its files are not what is loaded)"
    )
    quant_basis: str = Field(description="where the quantization was read from (file name, config.json, Hub tags)")
    fits: bool = Field(description="the verdict for this file, as `check` gives it for a model")
    verdict: str = Field(description="the one-line reason for the verdict")


class SkippedFileOut(Lazy):
    file: str
    reason: str


class RepoCheckAnswer(Answer):
    """`llmpick check hf:ORG/REPO --format json`: ``fits`` when any file fits (exit 0 / 1); one item per
    quantization file, smallest first."""

    COMMAND: ClassVar[str] = "check hf"
    command: Literal["check hf"] = "check hf"
    repo: str
    revision: str | None = Field(description="the commit the Hub data describes")
    fetched_at: str = Field(description="when the Hub data was fetched (UTC ISO 8601)")
    from_cache: bool = Field(description="true: read from llmpick's Hub cache; false: fetched by this run")
    model_source: str = Field(
        description="where the architecture comes from: the catalog entry (the repo itself, a catalog model that "
        "lists it as an artifact, or its base model), or a draft from the Hub's model_info and config.json"
    )
    hardware: HardwareOut
    constraints: ConstraintsOut
    fits: bool
    best_file: str | None = Field(description="the file of the best option that fits; null when none fits")
    items: list[RepoFileOut]
    skipped: list[SkippedFileOut] = Field(description="weights-like files left out, and why")
