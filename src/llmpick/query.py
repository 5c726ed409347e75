"""Filtering and sorting catalog models: the pure core of `list` (and the pre-filter of `recommend`).

Filters and sort keys read :class:`~llmpick.catalog.ModelFacts`, which a warm start has without building a
model; :func:`select` takes models, :func:`select_facts` takes facts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any

from .catalog import ModelFacts
from .errors import UsageError

if TYPE_CHECKING:
    from .schema import Model

COMMERCIAL_CLASSES = ("permissive", "commercial-with-conditions")
SORT_KEYS = ("id", "name", "params", "released", "context", "score")


@dataclass
class ModelFilter:
    uses: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    license_classes: list[str] = field(default_factory=list)
    commercial: bool = False
    origins: list[str] = field(default_factory=list)
    min_params: int | None = None
    max_params: int | None = None
    min_context: int | None = None
    search: str | None = None

    def check(self) -> None:
        """Reject unknown tags with the list of valid ones (exit 2)."""
        if self.uses or self.flags or self.methods or self.license_classes:
            from .schema import FLAGS, LICENSE_CLASSES, METHODS, USES  # the taxonomy, only when there is a tag

            _known("--use", self.uses, USES)
            _known("--flag", self.flags, FLAGS)
            _known("--method", self.methods, METHODS)
            _known("--license-class", self.license_classes, LICENSE_CLASSES)
        if self.min_params is not None and self.max_params is not None and self.min_params > self.max_params:
            raise UsageError("--min-params is larger than --max-params.")
        for name, value in (
            ("--min-params", self.min_params),
            ("--max-params", self.max_params),
            ("--min-context", self.min_context),
        ):
            if value is not None and value < 0:
                raise UsageError(f"{name} must not be negative.")

    def is_empty(self) -> bool:
        """True when every model passes (no criterion set)."""
        return not (
            self.uses
            or self.flags
            or self.families
            or self.methods
            or self.license_classes
            or self.commercial
            or self.origins
            or self.search
            or self.min_params is not None
            or self.max_params is not None
            or self.min_context is not None
        )

    def matches(self, m: Model | ModelFacts) -> bool:
        if self.is_empty():
            return True
        f = m if isinstance(m, ModelFacts) else ModelFacts.of(m)
        if self.uses and not all(u in f.uses for u in self.uses):
            return False
        if self.flags and not all(x in f.flags for x in self.flags):
            return False
        if self.families and f.family not in self.families:
            return False
        if self.methods and f.method not in self.methods:
            return False
        if self.license_classes and f.license_class not in self.license_classes:
            return False
        if self.commercial and f.license_class not in COMMERCIAL_CLASSES:
            return False
        if self.origins and (f.origin or "").upper() not in {o.upper() for o in self.origins}:
            return False
        if self.min_params is not None and (f.params is None or f.params < self.min_params):
            return False
        if self.max_params is not None and (f.params is None or f.params > self.max_params):
            return False
        if self.min_context is not None and (f.context is None or f.context < self.min_context):
            return False
        if self.search:
            hay = " ".join([f.id, f.name, f.family, f.summary, f.organization]).lower()
            if not all(word in hay for word in self.search.lower().split()):
                return False
        return True


def _known(flag: str, values: Iterable[str], valid: dict[str, str]) -> None:
    for v in values:
        if v not in valid:
            close = get_close_matches(v, list(valid), n=1)
            hint = f"Did you mean '{close[0]}'? " if close else ""
            raise UsageError(f"{flag}: unknown value '{v}'.", f"{hint}Valid values: {', '.join(valid)}.")


def best_score(m: Model) -> float | None:
    """The model's headline score for sorting: the first score listed in its entry."""
    return m.entry.scores[0].value if m.entry.scores else None


# Numbers sort largest first; unknown values go last.
_SORTS: dict[str, Callable[[ModelFacts], Any]] = {
    "id": lambda f: (0, f.id.lower()),
    "name": lambda f: (0, f.name.lower()),
    "params": lambda f: (f.params is None, -(f.params or 0)),
    "released": lambda f: (f.released is None, "".join(chr(255 - ord(c)) for c in (f.released or ""))),
    "context": lambda f: (f.context is None, -(f.context or 0)),
    "score": lambda f: (f.score is None, -(f.score or 0.0)),
}


def select_facts(
    facts: Iterable[ModelFacts], flt: ModelFilter, sort: str = "id", limit: int | None = None
) -> list[ModelFacts]:
    """The models that pass ``flt``, sorted by ``sort`` (then id), at most ``limit`` of them."""
    flt.check()
    if sort not in SORT_KEYS:
        raise UsageError(f"--sort: unknown key '{sort}'.", f"Valid keys: {', '.join(SORT_KEYS)}.")
    if limit is not None and limit < 0:
        raise UsageError("--limit must not be negative.")
    key = _SORTS[sort]
    out = sorted((f for f in facts if flt.matches(f)), key=lambda f: (key(f), f.id.lower()))
    return out if limit is None else out[:limit]


def select(models: Iterable[Model], flt: ModelFilter, sort: str = "id", limit: int | None = None) -> list[Model]:
    """:func:`select_facts` over models."""
    by_id = {m.id: m for m in models}
    return [by_id[f.id] for f in select_facts((ModelFacts.of(m) for m in by_id.values()), flt, sort, limit)]
