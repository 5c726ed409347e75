"""How a model appears in JSON answers: the summary (every command) and the detail (`show`)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from .base import Lazy
from .catalog import Architecture, Artifact, Flag, LicenseClass, Method, Modality, Model, Use
from .hub import HubSummaryOut


@dataclass(frozen=True, slots=True)
class DraftModel(Model):
    """A model nobody has curated: drafted from the Hub (`refresh --discover`, `estimate hf:`), its facts unchecked.
    Answers show it with ``"curated": false``; ``path`` is the draft's file in the cache (or ``hf:ORG/NAME``)."""


def is_curated(model: Model) -> bool:
    """Whether the model comes from a catalog file (the built-in catalog or an overlay folder)."""
    return not isinstance(model, DraftModel)


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
    method: Method
    params: ParamsOut
    license: str
    license_class: LicenseClass
    uses: list[Use]
    flags: list[Flag]
    modalities: list[Modality]
    languages: list[str]
    context_length: int | None
    parents: list[str]
    superseded_by: str | None
    scores: list[ScoreOut]
    curated: bool = Field(
        True,
        description="true for a catalog entry; false for a draft `refresh --discover` made from the Hub (unchecked)",
    )
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
            scores=[ScoreOut(name=s.name, value=s.value, source=s.source, date=s.date) for s in e.scores],
            curated=is_curated(model),
            hub=hub,
            vram_need_bytes=need,
            vram_need_assumptions=list(need_notes),
        )


class ModelDetailOut(ModelSummaryOut):
    """`show`: the summary plus every catalog fact and the lineage around the model."""

    summary: str
    base_model: str | None
    merge_parents: list[str]
    children: list[str]
    gated: bool | None
    arch: Architecture = Field(description="the catalog entry's `arch`, every field (null when unknown)")
    artifacts: list[Artifact] = Field(description="the catalog entry's quantized artifacts: {format, repo, files}")
    sources: list[str]
    notes: str | None
    license_note: str | None = Field(None, description="the license's main condition, from llmpick's license table")
    file: str

    @classmethod
    def of(
        cls,
        model: Model,
        children: list[str] | None = None,
        *,
        vram: tuple[int | None, list[str]] | None = None,
        hub: HubSummaryOut | None = None,
        license_note: str | None = None,
    ) -> ModelDetailOut:
        e = model.entry
        return cls(
            **dict(ModelSummaryOut.of(model, vram=vram, hub=hub)),
            summary=e.summary,
            base_model=e.base_model,
            merge_parents=list(e.merge_parents),
            children=children or [],
            gated=e.gated,
            arch=e.arch,
            artifacts=list(e.artifacts),
            sources=list(e.sources),
            notes=e.notes,
            license_note=license_note,
            file=model.path,
        )
