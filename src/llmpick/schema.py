"""The single definition of llmpick's data: the catalog file format and the JSON output.

Every catalog file is validated against :class:`CatalogEntry`; every ``--format json``
answer is built from the ``*Out`` models at the bottom.  Nothing here does I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

SCHEMA_VERSION = 1

# A Hugging Face repo id: "org/name".  The Hub allows letters, digits, '-', '_' and '.'
# (no leading '.' or '-', no '..'); the same rule keeps ids safe as file names.
HUB_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.\-]{0,95}$"
_HUB_ID_RE = re.compile(HUB_ID_PATTERN)

HubId = Annotated[str, StringConstraints(pattern=HUB_ID_PATTERN)]
YearMonth = Annotated[str, StringConstraints(pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$")]
Date = Annotated[str, StringConstraints(pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
PositiveInt = Annotated[int, Field(gt=0)]


def is_hub_id(value: str) -> bool:
    return bool(_HUB_ID_RE.match(value)) and ".." not in value


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
ArtifactFormat = Literal["gguf", "gptq", "awq", "exl2", "mlx", "safetensors", "bnb", "fp8", "qmoe"]


class Lazy(BaseModel):
    """Base of every model here: pydantic builds each validator on first use, not at import (start-up time)."""

    model_config = ConfigDict(defer_build=True)


class Strict(Lazy):
    """Base for catalog models: unknown keys are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


def _trusted(cls: type[_M], values: dict[str, Any]) -> _M:
    """An instance from complete, already validated values: what ``model_construct`` does, minus its
    per-call default handling (a warm start builds tens of thousands of these)."""
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = cls.model_fields.keys()
    if not _FAST_CONSTRUCT or values.keys() != fields:
        return cls.model_construct(**values)
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


# The slots model_construct fills (pydantic 2.x); if a release renames them, fall back to model_construct.
_FAST_CONSTRUCT = set(getattr(BaseModel, "__slots__", ())) >= {
    "__dict__",
    "__pydantic_fields_set__",
    "__pydantic_extra__",
    "__pydantic_private__",
}
_M = TypeVar("_M", bound=BaseModel)
_FIELDS: dict[type, Any] = {}


# --- Catalog entry ------------------------------------------------------------------------


class Params(Strict):
    total: PositiveInt | None = Field(None, description="All parameters, integer count")
    active: PositiveInt | None = Field(None, description="Parameters used per token (MoE only)")

    @model_validator(mode="after")
    def _active_le_total(self) -> Params:
        if self.active is not None and self.total is not None and self.active > self.total:
            raise ValueError(f"active ({self.active}) must not exceed total ({self.total})")
        return self


class Architecture(Strict):
    """Facts from the model's config.json that memory and speed depend on."""

    type: str | None = Field(None, description="config.json architectures[0], e.g. MistralForCausalLM")
    layers: PositiveInt | None = Field(None, description="num_hidden_layers")
    hidden_size: PositiveInt | None = None
    intermediate_size: PositiveInt | None = Field(None, description="FFN width (per expert for MoE)")
    attention_heads: PositiveInt | None = Field(None, description="num_attention_heads")
    kv_heads: PositiveInt | None = Field(
        None, description="num_key_value_heads (GQA/MQA); = heads when absent from config"
    )
    head_dim: PositiveInt | None = Field(None, description="head_dim; hidden_size / heads when config omits it")
    vocab_size: PositiveInt | None = None
    max_context: PositiveInt | None = Field(None, description="longest context the model supports, in tokens")
    sliding_window: PositiveInt | None = Field(None, description="attention window of sliding-window layers, in tokens")
    sliding_window_layers: int | None = Field(
        None, ge=0, description="how many layers use the window; null means all layers when sliding_window is set"
    )
    experts: PositiveInt | None = Field(None, description="routed experts per MoE layer")
    experts_per_token: PositiveInt | None = None
    shared_experts: int | None = Field(None, ge=0)
    kv_lora_rank: PositiveInt | None = Field(None, description="MLA: compressed KV latent size (DeepSeek V2/V3)")
    qk_rope_head_dim: PositiveInt | None = Field(None, description="MLA: decoupled RoPE key size per token")
    tie_word_embeddings: bool | None = None
    vision_params: PositiveInt | None = Field(None, description="vision encoder + projector parameters")
    dtype: str | None = Field(None, description="config.json torch_dtype of the released weights")

    @model_validator(mode="after")
    def _consistent(self) -> Architecture:
        if self.kv_heads and self.attention_heads and self.kv_heads > self.attention_heads:
            raise ValueError("kv_heads must not exceed attention_heads")
        if self.experts_per_token and self.experts and self.experts_per_token > self.experts:
            raise ValueError("experts_per_token must not exceed experts")
        if self.sliding_window_layers is not None and self.layers and self.sliding_window_layers > self.layers:
            raise ValueError("sliding_window_layers must not exceed layers")
        return self


class Score(Strict):
    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")] = Field(
        description="benchmark id, e.g. open_llm_leaderboard_v1, mmlu, humaneval"
    )
    value: float
    source: NonEmpty
    date: Date | None = None


class ArtifactFile(Strict):
    quant: NonEmpty = Field(description="quantization name as llmpick spells it, e.g. Q4_K_M")
    file: NonEmpty | None = None
    size_bytes: PositiveInt | None = Field(None, description="exact file size; null when only a rounded size is known")


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
    modalities: list[Modality] = Field(default_factory=lambda: ["text"])
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
        d["arch"] = _trusted(Architecture, d["arch"])
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


# --- JSON output --------------------------------------------------------------------------


class ParamsOut(Lazy):
    total: int | None
    active: int | None


class ScoreOut(Lazy):
    name: str
    value: float
    source: str
    date: str | None


class ModelSummaryOut(Lazy):
    """How a model appears in every JSON answer."""

    id: str
    name: str
    family: str
    organization: str
    origin: str | None
    released: str | None
    method: str
    params: ParamsOut
    license: str
    license_class: str
    uses: list[str]
    flags: list[str]
    modalities: list[str]
    languages: list[str]
    context_length: int | None
    parents: list[str]
    superseded_by: str | None
    scores: list[ScoreOut]
    hub: HubSummaryOut | None = Field(
        None, description="Hub downloads/likes/last update from the cache (`llmpick refresh`); null when never fetched"
    )
    vram_need_bytes: int | None = Field(None, description="memory at Q4_K_M and 8K context (see vram_need_assumptions)")
    vram_need_assumptions: list[str] = Field(default_factory=list)

    @classmethod
    def of(
        cls, model: Model, *, vram: tuple[int | None, list[str]] | None = None, hub: HubSummaryOut | None = None
    ) -> ModelSummaryOut:
        """``vram``: (bytes, assumptions) from ``estimate.vram_need``; ``hub``: cached Hub data (both optional)."""
        e = model.entry
        need, need_notes = vram if vram is not None else (None, [])
        return cls(
            hub=hub,
            vram_need_bytes=need,
            vram_need_assumptions=need_notes,
            id=model.id,
            name=e.name,
            family=e.family,
            organization=e.organization,
            origin=e.origin,
            released=e.released,
            method=e.method,
            params=ParamsOut(total=e.params.total, active=e.params.active),
            license=e.license,
            license_class=e.license_class,
            uses=list(e.uses),
            flags=list(e.flags),
            modalities=list(e.modalities),
            languages=list(e.languages),
            context_length=e.arch.max_context,
            parents=e.parents,
            superseded_by=e.superseded_by,
            scores=[ScoreOut(**s.model_dump()) for s in e.scores],
        )


class ModelDetailOut(ModelSummaryOut):
    """`show`: the summary plus every catalog fact and the lineage around the model."""

    summary: str
    base_model: str | None
    merge_parents: list[str]
    children: list[str]
    gated: bool | None
    arch: dict[str, Any]
    artifacts: list[dict[str, Any]]
    sources: list[str]
    notes: str | None
    license_note: str | None = Field(None, description="the license's main condition, from llmpick's license table")
    file: str

    @classmethod
    def of(
        cls,
        model: Model,
        children: list[str] | None = None,
        *,  # type: ignore[override]
        vram: tuple[int | None, list[str]] | None = None,
        hub: HubSummaryOut | None = None,
    ) -> ModelDetailOut:
        e = model.entry
        base = dict(ModelSummaryOut.of(model, vram=vram, hub=hub))
        return cls(
            **base,
            summary=e.summary,
            base_model=e.base_model,
            merge_parents=list(e.merge_parents),
            children=children or [],
            gated=e.gated,
            arch=e.arch.model_dump(),
            artifacts=[a.model_dump() for a in e.artifacts],
            sources=list(e.sources),
            notes=e.notes,
            license_note=_license_note(e.license),
            file=model.path,
        )


def _license_note(license_id: str) -> str | None:
    from .licenses import lookup

    row = lookup(license_id)
    return row.note if row else None


def catalog_json_schema() -> str:
    """The JSON Schema of one catalog file, as committed in catalog/schema.json."""
    import json

    doc = CatalogEntry.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "llmpick catalog entry"
    return json.dumps(doc, indent=2, sort_keys=True)


# --- Hub ------------------------------------------------------------------------------------
# What llmpick keeps from the Hugging Face Hub (one cache file per repo) and how Hub data
# appears in JSON output.  Hub answers are outside data: they are validated by these models
# before they are cached, and a cache file that fails them is ignored, never trusted.

HUB_CACHE_VERSION = 1


class HubFile(Lazy):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str = Field(description="path of the file inside the repo (rfilename)")
    size: int | None = Field(None, ge=0, description="bytes; null when the Hub did not say")


class HubGguf(Lazy):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    total: int | None = Field(None, ge=0, description="parameter count the GGUF header reports")
    architecture: str | None = None
    context_length: int | None = Field(None, ge=0)


class HubRepoData(Lazy):
    """The facts llmpick keeps from one ``model_info`` answer (plus config.json when fetched)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    sha: str | None = None
    last_modified: str | None = Field(None, description="ISO 8601, as the Hub reports it")
    created_at: str | None = None
    downloads: int | None = Field(None, ge=0)
    likes: int | None = Field(None, ge=0)
    license: str | None = Field(None, description="cardData.license (license_name when it is 'other')")
    gated: bool | str | None = Field(None, description="false, or 'auto' / 'manual' for gated repos")
    private: bool | None = None
    pipeline_tag: str | None = None
    library_name: str | None = None
    tags: list[str] = Field(default_factory=list)
    base_model: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    safetensors_total: int | None = Field(None, ge=0)
    safetensors_parameters: dict[str, int] = Field(default_factory=dict, description="parameters per dtype")
    gguf: HubGguf | None = None
    files: list[HubFile] = Field(default_factory=list)
    config: dict[str, Any] | None = Field(None, description="config.json, when it was fetched")


class HubCacheFile(Lazy):
    """One cache file: ``<cache>/hub/<org>/<name>.json``."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    version: Literal[1] = HUB_CACHE_VERSION
    repo: str
    fetched_at: str = Field(description="UTC ISO 8601 time of the fetch")
    endpoint: str = Field(description="the Hub endpoint it came from")
    revision: str | None = Field(None, description="the commit sha the data describes")
    data: HubRepoData


class HubSummaryOut(Lazy):
    """Hub popularity shown by `list` and `show` (from the cache; null when never refreshed)."""

    downloads: int | None
    likes: int | None
    last_modified: str | None
    fetched_at: str


class RepoOutcomeOut(Lazy):
    repo: str
    outcome: Literal["updated", "unchanged", "failed", "cached", "missing"]
    reason: str | None = None
    fetched_at: str | None = None


class RefreshItemOut(Lazy):
    """`refresh --format json`: one item per catalog model."""

    model: str
    outcome: Literal["updated", "unchanged", "failed", "cached", "missing"]
    reason: str | None = None
    repos: list[RepoOutcomeOut]


class VerifyDiffOut(Lazy):
    """`catalog verify --format json`: one item per catalog fact that differs from the Hub."""

    model: str
    field: str
    catalog: Any
    hub: Any
    source: str = Field(description="which Hub fact it was compared with")
    file: str = Field(description="the catalog file to fix")


# --- Memory estimate ----------------------------------------------------------------------
# Owned by estimate.py (issue 3).  Bytes are integers; unknown parts are null, never 0.


class MemoryEstimate(Lazy):
    """How much memory one model needs at one quantization, context and engine, and how that was worked out.

    ``total_bytes`` is the sum of the known parts (weights + KV cache + vision + overhead); a part that could not
    be estimated is null and named in ``missing``.  ``overhead_bytes`` = ``overhead_per_gpu_bytes`` (paid once on
    every GPU used: CUDA context and compute buffer) + ``overhead_shared_bytes`` (paid once).  To place a model
    on several GPUs, give each GPU layers x ``per_layer_weights_bytes`` + layers x ``per_layer_kv_bytes`` plus
    its ``overhead_per_gpu_bytes``; ``non_layer_weights_bytes`` (embeddings + output head) goes to one of them.
    """

    model: str | None
    quant: str
    quant_family: str
    bits_per_weight: float | None = Field(None, description="effective bits per weight of the whole model")
    context: int
    parallel: int = 1
    kv_cache_type: str
    engine: str
    weights_bytes: int
    kv_cache_bytes: int | None
    vision_bytes: int | None
    overhead_bytes: int
    overhead_per_gpu_bytes: int
    overhead_shared_bytes: int
    total_bytes: int
    active_weights_bytes: int = Field(description="weight bytes read per generated token (MoE: routed experts only)")
    layers: int | None
    per_layer_weights_bytes: int | None
    per_layer_kv_bytes: int | None
    non_layer_weights_bytes: int | None
    params_total: int | None = None
    params_active: int | None = None
    basis: dict[str, str]
    assumptions: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)


# --- Recommendation (recommend, check, hardware) --------------------------------------------


class RecommendationOut(Lazy):
    """One item of `recommend` / `check`: a model at one quantization, how it fits, how fast, why, how to run it."""

    model: ModelSummaryOut
    quant: str
    quant_family: str
    artifact: dict[str, Any] = Field(description="{format, repo}: where the weights come from")
    fit: Literal["gpu", "split", "cpu", "none"]
    engine: str
    memory: dict[str, Any] = Field(description="bytes: total_bytes, available_bytes, weights/kv/overhead, per card")
    placement: dict[str, Any]
    tokens_per_second: float | None = Field(description="estimated decode speed; null when a bandwidth is unknown")
    tokens_per_second_range: list[float] | None
    speed_basis: dict[str, Any]
    score: float
    score_parts: dict[str, Any]
    reasons: list[str]
    run: dict[str, Any]
    assumptions: list[str] = Field(default_factory=list)
