"""Filtering and sorting catalog models: the pure core of `list` (and the pre-filter of `recommend`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import get_close_matches

from .errors import UsageError
from .schema import FLAGS, LICENSE_CLASSES, METHODS, USES, Model

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

    def matches(self, m: Model) -> bool:
        e = m.entry
        if self.uses and not all(u in e.uses for u in self.uses):
            return False
        if self.flags and not all(f in e.flags for f in self.flags):
            return False
        if self.families and e.family not in self.families:
            return False
        if self.methods and e.method not in self.methods:
            return False
        if self.license_classes and e.license_class not in self.license_classes:
            return False
        if self.commercial and e.license_class not in COMMERCIAL_CLASSES:
            return False
        if self.origins and (e.origin or "").upper() not in {o.upper() for o in self.origins}:
            return False
        total = e.params.total
        if self.min_params is not None and (total is None or total < self.min_params):
            return False
        if self.max_params is not None and (total is None or total > self.max_params):
            return False
        if self.min_context is not None and (e.arch.max_context is None or e.arch.max_context < self.min_context):
            return False
        if self.search:
            hay = " ".join([m.id, e.name, e.family, e.summary, e.organization]).lower()
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


def select(models: Iterable[Model], flt: ModelFilter, sort: str = "id", limit: int | None = None) -> list[Model]:
    flt.check()
    if sort not in SORT_KEYS:
        raise UsageError(f"--sort: unknown key '{sort}'.", f"Valid keys: {', '.join(SORT_KEYS)}.")
    out = [m for m in models if flt.matches(m)]
    keys = {
        "id": lambda m: (0, m.id.lower()),
        "name": lambda m: (0, m.entry.name.lower()),
        # Numbers sort largest first; unknown values go last.
        "params": lambda m: (m.entry.params.total is None, -(m.entry.params.total or 0)),
        "released": lambda m: (m.entry.released is None, "".join(chr(255 - ord(c)) for c in (m.entry.released or ""))),
        "context": lambda m: (m.entry.arch.max_context is None, -(m.entry.arch.max_context or 0)),
        "score": lambda m: (best_score(m) is None, -(best_score(m) or 0.0)),
    }
    out.sort(key=lambda m: (keys[sort](m), m.id.lower()))
    if limit is not None:
        if limit < 0:
            raise UsageError("--limit must not be negative.")
        out = out[:limit]
    return out
