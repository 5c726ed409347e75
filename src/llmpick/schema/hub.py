"""Hub data: what llmpick keeps from the Hub (the cache files) and how it appears in JSON answers."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Final, Literal

from pydantic import ConfigDict, Field, JsonValue

from .base import Answer, Lazy
from .errors import ErrorOut

# --- Hub ------------------------------------------------------------------------------------
# What llmpick keeps from the Hugging Face Hub (one cache file per repo) and how Hub data
# appears in JSON output.  Hub answers are outside data: they are validated by these models
# before they are cached, and a cache file that fails them is ignored, never trusted.

HUB_CACHE_VERSION: Final = 1
# Upper bounds on what the Hub may claim, each far above anything real, so that a hostile or damaged answer (a
# 4,000-digit size) is refused here instead of overflowing an estimate later.
MAX_FILE_BYTES: Final = 2**50  # 1 PiB: the largest files on the Hub are a few hundred GB
MAX_PARAMS: Final = 10**15  # the largest models have ~2e12 parameters
MAX_COUNT: Final = 2**63 - 1  # downloads, likes
MAX_CONTEXT: Final = 2**31  # tokens


class HubFile(Lazy):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str = Field(description="path of the file inside the repo (rfilename)")
    size: int | None = Field(None, ge=0, le=MAX_FILE_BYTES, description="bytes; null when the Hub did not say")


class HubGguf(Lazy):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    total: int | None = Field(None, ge=0, le=MAX_PARAMS, description="parameter count the GGUF header reports")
    architecture: str | None = None
    context_length: int | None = Field(None, ge=0, le=MAX_CONTEXT)


class HubRepoData(Lazy):
    """The facts llmpick keeps from one ``model_info`` answer (plus config.json when fetched)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    sha: str | None = None
    last_modified: str | None = Field(None, description="ISO 8601, as the Hub reports it")
    created_at: str | None = None
    downloads: int | None = Field(None, ge=0, le=MAX_COUNT)
    likes: int | None = Field(None, ge=0, le=MAX_COUNT)
    license: str | None = Field(None, description="cardData.license (license_name when it is 'other')")
    gated: bool | str | None = Field(None, description="false, or 'auto' / 'manual' for gated repos")
    private: bool | None = None
    pipeline_tag: str | None = None
    library_name: str | None = None
    tags: list[str] = Field(default_factory=list)
    base_model: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    safetensors_total: int | None = Field(None, ge=0, le=MAX_PARAMS)
    safetensors_parameters: dict[str, Annotated[int, Field(ge=0, le=MAX_PARAMS)]] = Field(
        default_factory=dict, description="parameters per dtype"
    )
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


RefreshOutcome = Literal["updated", "unchanged", "failed", "cached", "missing"]


class RepoOutcomeOut(Lazy):
    repo: str
    outcome: RefreshOutcome
    reason: str | None = None
    fetched_at: str | None = None


class RefreshItemOut(Lazy):
    """`refresh --format json`: one item per catalog model."""

    model: str
    outcome: RefreshOutcome
    reason: str | None = None
    repos: list[RepoOutcomeOut]


# A catalog fact compared with the Hub: a parameter count, a license id, a context length, gated or not.
FactValue = str | int | float | bool | list[str] | None


class VerifyDiffOut(Lazy):
    """`catalog verify --format json`: one item per catalog fact that differs from the Hub."""

    model: str
    field: str
    catalog: FactValue
    hub: FactValue
    source: str = Field(description="which Hub fact it was compared with")
    file: str = Field(description="the catalog file to fix")


# --- Answers ------------------------------------------------------------------------------


class RefreshAnswer(Answer):
    """`refresh --format json`: one item per model, the outcome counts, and an ``error`` when some failed.

    With failures (exit 4) the answer still lists every model (the successful parts are kept in the cache) and
    ``error`` says what failed; on success ``error`` is null.
    """

    COMMAND: ClassVar[str] = "refresh"

    command: Literal["refresh"] = "refresh"
    items: list[RefreshItemOut]
    summary: dict[RefreshOutcome, int] = Field(description='models per outcome, e.g. {"updated": 2}')
    endpoint: str | None = Field(description="the Hub contacted; null when it was not (offline, nothing to do)")
    offline: bool
    error: ErrorOut | None = None


class VerifyAnswer(Answer):
    """`catalog verify --format json`: every difference (exit 1 when there is any)."""

    COMMAND: ClassVar[str] = "catalog verify"

    command: Literal["catalog verify"] = "catalog verify"
    items: list[VerifyDiffOut]
    checked: int = Field(description="models compared (those with cached Hub data)")
    not_cached: list[str] = Field(description="models not compared: no cached Hub data")


class AddedOut(Lazy):
    """The catalog file `catalog add` wrote."""

    id: str
    file: str = Field(description="path of the new catalog file")
    todos: dict[str, str] = Field(description="field -> what to check (marked # TODO in the file)")
    entry: dict[str, JsonValue] = Field(description="the drafted catalog entry, as written")


class AddAnswer(Answer):
    """`catalog add --format json`."""

    COMMAND: ClassVar[str] = "catalog add"

    command: Literal["catalog add"] = "catalog add"
    item: AddedOut


# --- Discovery (`refresh --discover`) and `catalog promote` ----------------------------------

DiscoverOutcomeKind = Literal["drafted", "unchanged", "failed", "skipped", "cached"]


class DiscoverItemOut(Lazy):
    """`refresh --discover --format json`: one item per model the Hub listed (or, offline, per cached draft)."""

    repo: str
    outcome: DiscoverOutcomeKind = Field(
        description="drafted (new or changed draft written), unchanged, failed (nothing written; an earlier draft "
        "is kept), skipped (see reason), cached (offline: a draft already in the cache)"
    )
    reason: str | None = Field(None, description="why it was skipped or failed; notes on a draft")
    lists: list[str] = Field(description='the Hub lists it was on, e.g. "trending text-generation"')
    downloads: int | None = Field(None, description="Hub downloads in the last 30 days; null when not said")
    quant_repos: list[str] = Field(description="GGUF repos made from it (the Hub's model tree), drafted as artifacts")
    file: str | None = Field(None, description="the draft's file in the cache; null when none was written")


class DiscoverAnswer(Answer):
    """`refresh --discover --format json`: every listed model's outcome, and an ``error`` when a list or a draft
    failed (exit 4; the drafts written, now or before, are kept)."""

    COMMAND: ClassVar[str] = "refresh --discover"

    command: Literal["refresh --discover"] = "refresh --discover"
    items: list[DiscoverItemOut]
    summary: dict[DiscoverOutcomeKind, int] = Field(description='models per outcome, e.g. {"drafted": 3}')
    endpoint: str | None = Field(description="the Hub contacted; null when it was not (offline)")
    offline: bool
    error: ErrorOut | None = None


class PromotedOut(Lazy):
    id: str
    file: str = Field(description="the catalog file written, for review")
    draft: str = Field(description="the draft it was made from (in the cache)")
    todos: list[str] = Field(description="the TODO lines of the file: what to check before committing it")


class PromoteAnswer(Answer):
    """`catalog promote --format json`."""

    COMMAND: ClassVar[str] = "catalog promote"

    command: Literal["catalog promote"] = "catalog promote"
    item: PromotedOut
