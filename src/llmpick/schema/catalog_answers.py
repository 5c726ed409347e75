"""Answers of the catalog commands: `list`, `show`, `uses`, `tree`, `catalog validate` and `catalog stats`.

Each is one :class:`Answer` envelope (``schema_version``, ``command``, ``warnings``) with ``items`` or ``item``.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field
from typing_extensions import TypedDict  # pydantic needs typing_extensions' TypedDict before Python 3.12

from .base import Answer, Lazy
from .catalog import Method
from .errors import ErrorOut
from .models_out import ModelDetailOut, ModelSummaryOut

# --- list, show, uses ------------------------------------------------------------------------


class ListAnswer(Answer):
    """`list --format json`: the catalog models that pass the filters, in the order asked for."""

    COMMAND: ClassVar[str] = "list"

    command: Literal["list"] = "list"
    items: list[ModelSummaryOut]


class ShowAnswer(Answer):
    """`show --format json`: every fact about one model."""

    COMMAND: ClassVar[str] = "show"

    command: Literal["show"] = "show"
    item: ModelDetailOut


class UseTagOut(Lazy):
    """One tag of the use taxonomy (a use or a flag) and how many catalog models carry it."""

    tag: str
    kind: Literal["use", "flag"]
    meaning: str
    models: int = Field(description="catalog models tagged with it")


class UsesAnswer(Answer):
    """`uses --format json`: the uses, then the flags."""

    COMMAND: ClassVar[str] = "uses"

    command: Literal["uses"] = "uses"
    items: list[UseTagOut]


# --- tree --------------------------------------------------------------------------------------


class TreeNodeOut(Lazy):
    """A model in a family tree, in the catalog or not (then only its id is known)."""

    id: str
    in_catalog: bool
    name: str | None
    method: Method | None
    parents: list[str] = Field(description="its base model, then its merge parents (empty outside the catalog)")
    outside_line: bool = Field(
        False, description="a merge parent from another family: a leaf pointing into this tree, not walked further"
    )


# An edge's first key is the Python keyword `from`, so the edge is a typed dict (pydantic validates and
# serialises it like a model; a model field would need an alias that every dump must ask for).
TreeEdgeOut = TypedDict("TreeEdgeOut", {"from": str, "to": str, "kind": Literal["base", "merge"]})


class FamilyTreeOut(Lazy):
    """A family: the oldest ancestor (``root``), the model asked about (``focus``), every node and edge."""

    root: str
    focus: str
    nodes: list[TreeNodeOut]
    edges: list[TreeEdgeOut] = Field(description="parent -> child; kind base (finetune of) or merge (merged into)")

    def children(self, node: str) -> list[tuple[str, str]]:
        """(child id, edge kind) of one node, in id order (case-insensitive)."""
        return sorted(((e["to"], e["kind"]) for e in self.edges if e["from"] == node), key=lambda x: x[0].lower())


class TreeAnswer(Answer):
    """`tree --format json`."""

    COMMAND: ClassVar[str] = "tree"

    command: Literal["tree"] = "tree"
    item: FamilyTreeOut


# --- catalog validate, catalog stats -----------------------------------------------------------


class ProblemOut(Lazy):
    """One problem in a catalog file, printed on stderr as ``path:line: field: message``."""

    path: str
    line: int | None
    field: str | None = Field(description="the entry's field, dotted (arch.layers); null for the whole file")
    message: str


class ValidateAnswer(Answer):
    """`catalog validate --format json`: every problem (exit 3 when there is any)."""

    COMMAND: ClassVar[str] = "catalog validate"

    command: Literal["catalog validate"] = "catalog validate"
    items: list[ProblemOut]
    checked: int = Field(description="files checked")
    valid: int = Field(description="files that passed")
    error: ErrorOut | None = Field(
        None, description="set (kind catalog, exit 3) when there is any problem; the items say where"
    )


class CatalogStatsOut(Lazy):
    """Coverage of the catalog: model counts per use, family, size class, license class and release year."""

    total: int
    by_use: dict[str, int]
    by_flag: dict[str, int] = Field(default_factory=dict, description="models per flag (uncensored, nsfw-capable)")
    recent_since: str = Field(description="YYYY-MM: the month from which an entry counts as recent")
    recent: int = Field(description="entries released in recent_since or later")
    by_family: dict[str, int]
    by_size: dict[str, int] = Field(description="size classes by total parameters; MoE models form their own")
    by_license_class: dict[str, int]
    by_year: dict[str, int]
    missing: dict[str, list[str]] = Field(
        default_factory=dict, description="model id -> the memory facts (and release date) its entry lacks"
    )
    shortfalls: list[str] = Field(default_factory=list, description="coverage targets the catalog does not meet")


class StatsAnswer(Answer):
    """`catalog stats --format json`."""

    COMMAND: ClassVar[str] = "catalog stats"

    command: Literal["catalog stats"] = "catalog stats"
    item: CatalogStatsOut
