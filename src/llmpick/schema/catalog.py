"""The catalog file format: one :class:`CatalogEntry` per ``catalog/<org>/<name>.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from .base import Date, HubId, NonEmpty, Strict, YearMonth, _trusted

# --- Taxonomy -----------------------------------------------------------------------------

# Uses: the ways people put a local model to work.  One fixed list, so `--use` can be checked.
USES: dict[str, str] = {
    "assistant": "general instruction following and question answering",
    "chat": "open-ended conversation and character chat",
    "coding": "writing, explaining and fixing code",
    "roleplay": "playing characters in interactive fiction (RP)",
    "storytelling": "creative writing: stories, long-form prose",
    "vision": "understanding images (image + text input)",
    "translation": "translating between languages",
    "summarization": "condensing long documents",
    "rag": "answering from retrieved documents (long context, grounded answers)",
    "reasoning": "step-by-step reasoning, thinking models",
    "math": "mathematics and quantitative problems",
    "multilingual": "strong in languages other than English (see `languages`)",
    "tool-use": "function calling and agents",
}
Use = Literal[
    "assistant",
    "chat",
    "coding",
    "roleplay",
    "storytelling",
    "vision",
    "translation",
    "summarization",
    "rag",
    "reasoning",
    "math",
    "multilingual",
    "tool-use",
]

# Flags: properties a user filters on that are not uses.
FLAGS: dict[str, str] = {
    "uncensored": "refusals removed or reduced by its finetune",
    "nsfw-capable": "writes adult content when asked (its card or community says so)",
}
Flag = Literal["uncensored", "nsfw-capable"]

METHODS: dict[str, str] = {
    "base": "the root of a lineage: pretrained from scratch (instruction-tuned too when no separate base was released)",
    "finetune": "trained further from a base model (SFT, DPO, RLHF ...)",
    "merge": "weights merged from several models (mergekit: slerp, ties, passthrough ...)",
    "merge+finetune": "a merge that was then trained further",
    "moe": "a mixture-of-experts model built as such (not a dense finetune)",
    "distill": "trained on the outputs of a larger teacher model",
}
Method = Literal["base", "finetune", "merge", "merge+finetune", "moe", "distill"]

LICENSE_CLASSES: dict[str, str] = {
    "permissive": "commercial use allowed with attribution only (Apache-2.0, MIT ...)",
    "commercial-with-conditions": "commercial use allowed under conditions (user caps, acceptable-use policy ...)",
    "non-commercial": "no commercial use",
    "research-only": "research use only",
    "unknown": "license not stated or not understood",
}
LicenseClass = Literal["permissive", "commercial-with-conditions", "non-commercial", "research-only", "unknown"]

Modality = Literal["text", "image", "audio", "video"]
_TEXT_ONLY: list[Modality] = ["text"]
ArtifactFormat = Literal["gguf", "gptq", "awq", "exl2", "mlx", "safetensors", "bnb", "fp8", "qmoe"]


# --- Catalog entry ------------------------------------------------------------------------

# Upper bounds of every count, each far above any released model, so that a typo (or an attack) is refused here
# and never reaches the estimator as a loop count, a float overflow or a 300-digit integer.  The largest values
# published so far are in the comments; ``catalog_shape`` repeats these bounds for the index (a test keeps the two
# equal).
MAX_PARAMS = 10**14  # parameters; largest published ~1.6e12 (Switch-C 2048).  x4 bytes stays exact as a float.
MAX_LAYERS = 1_000  # largest ~126 (Llama 3.1 405B); the estimator works per layer
MAX_WIDTH = 1 << 17  # hidden_size: largest 16,384 (Llama 3.1 405B), 18,432 (Grok-1 x8 width)
MAX_FFN = 1 << 20  # intermediate_size: largest ~59,392 (Falcon 180B)
MAX_HEADS = 1_024  # attention_heads, kv_heads: largest 128
MAX_HEAD_DIM = MAX_WIDTH  # head_dim, qk_rope_head_dim: at most the hidden size (one head); largest 256
MAX_VOCAB = 1 << 22  # vocab_size: largest ~262,144 (Gemma 3)
MAX_CONTEXT = 1 << 28  # max_context, sliding_window in tokens: largest claimed 100M (Magic LTM-2)
MAX_EXPERTS = 1 << 16  # experts, experts_per_token: largest released 2,048 (Switch-C)
MAX_SHARED_EXPERTS = 1_024  # largest 4 (Qwen MoE)
MAX_KV_LORA_RANK = 1 << 16  # MLA latent: 512 in DeepSeek V2/V3
MAX_FILE_SIZE = 1 << 50  # bytes (1 PiB): a file on the Hub is at most 50 GB
MAX_SCORE = 1_000_000.0  # benchmark values are percentages or ratings (Elo ~1,000-2,000)


def _count(hi: int, description: str | None = None, *, zero: bool = False) -> Any:
    """A count up to ``hi``, above 0 (or from 0 with ``zero``): an integer in the file (the models are strict:
    ``true`` or ``"7"`` is not a count)."""
    if zero:
        return Field(None, ge=0, le=hi, description=description)
    return Field(None, gt=0, le=hi, description=description)


def _layers(description: str) -> Any:
    """A count of layers of one kind in :class:`LayerTypes`: 0 when config.json has none of that kind."""
    return Field(0, ge=0, le=MAX_LAYERS, description=description)


class Params(Strict):
    total: int | None = _count(MAX_PARAMS, "All parameters, integer count")
    active: int | None = _count(MAX_PARAMS, "Parameters used per token (MoE only)")

    @model_validator(mode="after")
    def _active_le_total(self) -> Params:
        if self.active is not None and self.total is not None and self.active > self.total:
            raise ValueError(f"active ({self.active}) must not exceed total ({self.total})")
        return self


class LayerTypes(Strict):
    """How many layers of each kind a hybrid model has, counted from config.json (``layer_types``,
    ``layers_block_type``, ``hybrid_override_pattern``, ``full_attention_interval`` ...).  The counts add up to
    ``layers``.  Only attention layers hold a KV cache; linear-attention, Mamba and short-conv layers hold a fixed
    recurrent state per sequence instead, and FFN-only blocks hold neither."""

    full_attention: int = _layers("global attention over the whole context (KV cache)")
    sliding_attention: int = _layers("attention over the last sliding_window tokens (KV cache)")
    chunked_attention: int = _layers("attention within chunks of attention_chunk_size tokens (Llama 4; KV cache)")
    linear_attention: int = _layers("linear attention: Gated DeltaNet (Qwen3-Next, Qwen3.5+), KDA (Kimi Linear); state")
    mamba: int = _layers("Mamba / Mamba-2 SSM mixer (Nemotron-H, Granite 4.0-H); state")
    conv: int = _layers("gated short convolution (LFM2); state")
    ffn: int = _layers("a block with a feed-forward (dense or MoE) and no token mixer (Nemotron-H)")

    def total(self) -> int:
        return (
            self.full_attention
            + self.sliding_attention
            + self.chunked_attention
            + self.linear_attention
            + self.mamba
            + self.conv
            + self.ffn
        )


class Architecture(Strict):
    """Facts from the model's config.json that memory and speed depend on."""

    type: str | None = Field(None, description="config.json architectures[0], e.g. MistralForCausalLM")
    layers: int | None = _count(MAX_LAYERS, "num_hidden_layers")
    hidden_size: int | None = _count(MAX_WIDTH)
    intermediate_size: int | None = _count(MAX_FFN, "FFN width (per expert for MoE)")
    attention_heads: int | None = _count(MAX_HEADS, "num_attention_heads")
    kv_heads: int | None = _count(MAX_HEADS, "num_key_value_heads (GQA/MQA); = heads when absent from config")
    head_dim: int | None = _count(MAX_HEAD_DIM, "head_dim; hidden_size / heads when config omits it")
    vocab_size: int | None = _count(MAX_VOCAB)
    max_context: int | None = _count(MAX_CONTEXT, "longest context the model supports, in tokens")
    sliding_window: int | None = _count(MAX_CONTEXT, "attention window of sliding-window layers, in tokens")
    sliding_window_layers: int | None = _count(
        MAX_LAYERS, "how many layers use the window; null means all layers when sliding_window is set", zero=True
    )
    experts: int | None = _count(MAX_EXPERTS, "routed experts per MoE layer")
    experts_per_token: int | None = _count(MAX_EXPERTS)
    shared_experts: int | None = _count(MAX_SHARED_EXPERTS, zero=True)
    kv_lora_rank: int | None = _count(MAX_KV_LORA_RANK, "MLA: compressed KV latent size (DeepSeek V2/V3)")
    qk_rope_head_dim: int | None = _count(MAX_HEAD_DIM, "MLA: decoupled RoPE key size per token")
    q_lora_rank: int | None = _count(MAX_KV_LORA_RANK, "MLA: compressed query latent size (null: no query latent)")
    qk_nope_head_dim: int | None = _count(MAX_HEAD_DIM, "MLA: per-head query/key size without RoPE")
    v_head_dim: int | None = _count(MAX_HEAD_DIM, "MLA: per-head value size")
    index_heads: int | None = _count(MAX_HEADS, "sparse attention (DeepSeek V3.2 DSA) indexer heads")
    index_head_dim: int | None = _count(MAX_HEAD_DIM, "sparse attention indexer key size per token per layer")
    index_topk: int | None = _count(MAX_CONTEXT, "sparse attention: tokens each query attends to")
    # Hybrid models: which layers hold a KV cache, and the sizes of the recurrent state of the others.
    layer_types: LayerTypes | None = Field(
        None, description="counts of each kind of layer; null: every layer is attention (see sliding_window_layers)"
    )
    attention_chunk_size: int | None = _count(MAX_CONTEXT, "chunked-attention layers: chunk size in tokens")
    linear_key_heads: int | None = _count(MAX_HEADS, "linear attention: key heads (linear_num_key_heads)")
    linear_value_heads: int | None = _count(MAX_HEADS, "linear attention: value heads (linear_num_value_heads)")
    linear_key_head_dim: int | None = _count(MAX_HEAD_DIM, "linear attention: key head size")
    linear_value_head_dim: int | None = _count(MAX_HEAD_DIM, "linear attention: value head size")
    conv_kernel: int | None = _count(
        MAX_HEADS,
        "short-convolution width of linear-attention, Mamba or conv layers (linear_conv_kernel_dim, "
        "conv_kernel, conv_L_cache)",
    )
    ssm_state_size: int | None = _count(
        MAX_HEAD_DIM, "Mamba: SSM state size per head channel (ssm_state_size, d_state)"
    )
    ssm_heads: int | None = _count(MAX_HEADS * 8, "Mamba-2: heads (mamba_num_heads, mamba_n_heads)")
    ssm_head_dim: int | None = _count(MAX_HEAD_DIM, "Mamba-2: head size (mamba_head_dim, mamba_d_head)")
    ssm_groups: int | None = _count(MAX_HEADS, "Mamba-2: B/C groups (n_groups, mamba_n_groups)")
    # Weights that are not in a plain transformer's layers.
    dense_layers: int | None = _count(
        MAX_LAYERS, "MoE models: layers with a dense FFN instead of experts (first_k_dense_replace ...)", zero=True
    )
    dense_intermediate_size: int | None = _count(MAX_FFN, "MoE models: FFN width of the dense layers")
    shared_expert_intermediate_size: int | None = _count(
        MAX_FFN, "MoE models: FFN width of the shared expert(s), all of them together"
    )
    mtp_layers: int | None = _count(
        MAX_LAYERS, "multi-token-prediction layers (num_nextn_predict_layers): weights in the file, no KV", zero=True
    )
    kv_shared_layers: int | None = _count(
        MAX_LAYERS, "last layers that reuse an earlier layer's KV cache (num_kv_shared_layers, Gemma 3n)", zero=True
    )
    global_head_dim: int | None = _count(MAX_HEAD_DIM, "full-attention layers' head_dim when it differs")
    global_kv_heads: int | None = _count(MAX_HEADS, "full-attention layers' kv_heads when they differ")
    per_layer_embedding_dim: int | None = _count(
        MAX_WIDTH, "per-layer embeddings (Gemma 3n / 4 E-models): hidden_size_per_layer_input"
    )
    per_layer_vocab_size: int | None = _count(MAX_VOCAB, "per-layer embeddings: vocab_size_per_layer_input")
    tie_word_embeddings: bool | None = None
    vision_params: int | None = _count(MAX_PARAMS, "vision encoder + projector parameters")
    audio_params: int | None = _count(MAX_PARAMS, "audio encoder + projector parameters")
    dtype: str | None = Field(None, description="config.json torch_dtype of the released weights")

    @model_validator(mode="after")
    def _consistent(self) -> Architecture:
        if self.kv_heads and self.attention_heads and self.kv_heads > self.attention_heads:
            raise ValueError("kv_heads must not exceed attention_heads")
        if self.experts_per_token and self.experts and self.experts_per_token > self.experts:
            raise ValueError("experts_per_token must not exceed experts")
        if self.sliding_window_layers is not None and self.layers and self.sliding_window_layers > self.layers:
            raise ValueError("sliding_window_layers must not exceed layers")
        lt = self.layer_types
        if lt is not None:
            if self.layers and lt.total() != self.layers:
                raise ValueError(f"layer_types add up to {lt.total()}, not layers ({self.layers})")
            if self.sliding_window_layers is not None and lt.sliding_attention != self.sliding_window_layers:
                raise ValueError("sliding_window_layers must equal layer_types.sliding_attention")
        for name in ("dense_layers", "mtp_layers", "kv_shared_layers"):
            n = getattr(self, name)
            if n is not None and self.layers and name != "mtp_layers" and n > self.layers:
                raise ValueError(f"{name} must not exceed layers")
        return self


class Score(Strict):
    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")] = Field(
        description="benchmark id, e.g. open_llm_leaderboard_v1, mmlu, humaneval"
    )
    value: float = Field(
        ge=-MAX_SCORE, le=MAX_SCORE, allow_inf_nan=False, description="the published value: a finite number"
    )
    source: NonEmpty
    date: Date | None = None


class ArtifactFile(Strict):
    quant: NonEmpty = Field(description="quantization name as llmpick spells it, e.g. Q4_K_M")
    file: NonEmpty | None = None
    size_bytes: int | None = _count(MAX_FILE_SIZE, "exact file size; null when only a rounded size is known")


class Artifact(Strict):
    format: ArtifactFormat
    repo: HubId
    files: list[ArtifactFile] = Field(default_factory=list)


class CatalogEntry(Strict):
    """One model: the contents of ``catalog/<org>/<name>.yaml``.  The id comes from the path."""

    name: NonEmpty
    family: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.\-]*$")]
    organization: NonEmpty
    origin: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = Field(
        None, description="country of the organization, ISO 3166-1 alpha-2"
    )
    released: YearMonth | None = None
    summary: NonEmpty
    method: Method
    base_model: HubId | None = None
    merge_parents: list[HubId] = Field(default_factory=list)
    superseded_by: HubId | None = None
    params: Params
    arch: Architecture
    license: NonEmpty = Field(description="license id as published on the Hub, e.g. apache-2.0, llama2")
    license_class: LicenseClass
    gated: bool | None = None
    uses: list[Use] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    modalities: list[Modality] = Field(default_factory=lambda: _TEXT_ONLY.copy())
    languages: list[Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]] = Field(default_factory=list)
    scores: list[Score] = Field(default_factory=list)
    artifacts: list[Artifact] = Field(default_factory=list)
    sources: list[NonEmpty] = Field(min_length=1)
    notes: str | None = None

    @field_validator("uses", "flags", "modalities", "languages", "merge_parents")
    @classmethod
    def _no_duplicates(cls, value: list[Any]) -> list[Any]:
        seen = [v for i, v in enumerate(value) if v in value[:i]]
        if seen:
            raise ValueError(f"duplicate value {seen[0]!r}")
        return value

    @model_validator(mode="after")
    def _lineage(self) -> CatalogEntry:
        if self.method == "base" and self.base_model is not None:
            raise ValueError("a base model has no base_model")
        if self.method in ("merge", "merge+finetune") and len(self.merge_parents) < 1:
            raise ValueError(f"method {self.method} needs merge_parents")
        if self.method != "base" and not self.uses:
            raise ValueError("uses: name at least one use (only base models may have none)")
        if self.method in ("finetune", "distill") and self.base_model is None:
            raise ValueError(f"method {self.method} needs base_model")
        return self

    @classmethod
    def from_trusted(cls, data: dict[str, Any]) -> CatalogEntry:
        """Rebuild an entry from ``model_dump(mode="json")`` of one that was validated, without validating again.

        Only for llmpick's own catalog index (written right after validation, keyed to the file's size and
        mtime and to this code's version): it makes a warm start skip the validators.
        """
        d = dict(data)
        d["params"] = _trusted(Params, d["params"])
        arch = dict.fromkeys(Architecture.model_fields) | d["arch"]  # the index leaves the nulls out
        if arch.get("layer_types") is not None:
            arch["layer_types"] = _trusted(LayerTypes, arch["layer_types"])
        d["arch"] = _trusted(Architecture, arch)
        d["scores"] = [_trusted(Score, x) for x in d["scores"]]
        d["artifacts"] = [
            _trusted(Artifact, dict(x, files=[_trusted(ArtifactFile, f) for f in x["files"]])) for x in d["artifacts"]
        ]
        return _trusted(cls, d)

    @property
    def parents(self) -> list[str]:
        """Direct ancestors: the base model, then the merge parents."""
        out = [self.base_model] if self.base_model else []
        return out + [p for p in self.merge_parents if p not in out]


@dataclass(frozen=True, slots=True)
class Model:
    """A catalog entry together with its id and the file it was read from."""

    id: str
    entry: CatalogEntry
    path: str


def catalog_json_schema() -> str:
    """The JSON Schema of one catalog file, as committed in catalog/schema.json."""
    import json

    doc = CatalogEntry.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "llmpick catalog entry"
    return json.dumps(doc, indent=2, sort_keys=True)
