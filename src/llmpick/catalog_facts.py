"""What lookups, lineage, filters, sort keys and the recommender's quality model read about a catalog model,
without building it (from the model, or from its entry's JSON in the catalog index)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .schema import Model


@dataclass(frozen=True, slots=True)
class ModelFacts:
    """What lookups, lineage, filters and sort keys read about a model, without building it.

    Taken from a model (:meth:`of`) or from its entry's JSON form in the index (:meth:`of_json`): a warm `list`
    filters and sorts on these alone.
    """

    id: str
    path: str
    name: str
    family: str
    organization: str
    summary: str
    origin: str | None
    released: str | None
    method: str
    params: int | None
    context: int | None
    license_class: str
    uses: tuple[str, ...]
    flags: tuple[str, ...]
    base_model: str | None
    parents: tuple[str, ...]
    score: float | None  # the first score listed: the model's headline score
    # What the recommender's quality model reads (recommend/quality.py), so a search need not build every model:
    active: int | None = None
    superseded_by: str | None = None
    scores: tuple[tuple[str, float], ...] = ()

    @classmethod
    def of(cls, m: Model) -> ModelFacts:
        e = m.entry
        return cls(
            m.id,
            m.path,
            e.name,
            e.family,
            e.organization,
            e.summary,
            e.origin,
            e.released,
            e.method,
            e.params.total,
            e.arch.max_context,
            e.license_class,
            tuple(e.uses),
            tuple(e.flags),
            e.base_model,
            tuple(e.parents),
            e.scores[0].value if e.scores else None,
            e.params.active,
            e.superseded_by,
            tuple((x.name, x.value) for x in e.scores),
        )

    @classmethod
    def of_json(cls, model_id: str, path: str, e: dict[str, Any]) -> ModelFacts:
        """From ``CatalogEntry.model_dump(mode="json")`` (``CatalogEntry.parents`` spelled out the same way)."""
        base = e["base_model"]
        parents = [base] if base else []
        parents += [p for p in e["merge_parents"] if p not in parents]
        scores = e["scores"]
        return cls(
            model_id,
            path,
            e["name"],
            e["family"],
            e["organization"],
            e["summary"],
            e["origin"],
            e["released"],
            e["method"],
            e["params"]["total"],
            e["arch"].get("max_context"),  # the index stores only the facts that are not null
            e["license_class"],
            tuple(e["uses"]),
            tuple(e["flags"]),
            base,
            tuple(parents),
            scores[0]["value"] if scores else None,
            e["params"]["active"],
            e["superseded_by"],
            tuple((x["name"], x["value"]) for x in scores),
        )
