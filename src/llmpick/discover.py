"""Discovery (`llmpick refresh --discover`): new models on the Hub, drafted into the cache as catalog entries.

1. **List.** The Hub's trending (``sort=trendingScore``) and newest (``sort=createdAt``) models, for each of the
   pipelines llmpick handles (``text-generation``, ``image-text-to-text``): ``limit`` models per list, in parallel.
2. **Skip** what is curated (a catalog file has the id), what does not generate text, quantized repos and
   adapters (a model's files, not a model: they are found from their base, step 3), finetunes and merges below
   ``MIN_DERIVATIVE_DOWNLOADS``, and repos that give no parameter count (nothing could be estimated).
3. **Draft** each new model as `catalog add` does (``draft.draft``: config.json, ``safetensors.total``, card
   metadata), with its GGUF derivatives found through the Hub's model tree (``filter=base_model:quantized:<id>``)
   and their exact file sizes (``model_info`` with ``blobs=true``).  The draft is validated with the catalog's own
   rules and written atomically to ``hubcache.draft_path`` (one file per repo), never into a catalog folder.

Every Hub or disk problem becomes an outcome or an error line, never an exception: whatever was drafted (now
or before) stays.  Pure of presentation: progress goes through callbacks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import hubcache
from .errors import LlmpickError, UsageError
from .hubargs import printable

if TYPE_CHECKING:
    from .hub import Hub
    from .schema import HubRepoData

PIPELINES = ("text-generation", "image-text-to-text")
SORTS = {"trending": "trendingScore", "newest": "createdAt"}
DEFAULT_LIMIT = 30
MAX_LIMIT = 1000  # the Hub's largest page
# Fields each listed model carries (the list endpoint's ``expand``): everything a draft needs but config.json and
# file sizes, so no model_info is asked per listed model.
EXPAND = (
    "sha",
    "createdAt",
    "lastModified",
    "downloads",
    "likes",
    "trendingScore",
    "pipeline_tag",
    "tags",
    "library_name",
    "gated",
    "private",
    "cardData",
    "safetensors",
    "gguf",
    "siblings",
)
# A finetune or merge is drafted only when it has at least this many downloads.  The Hub's ``downloads`` counts the
# last 30 days (huggingface.co/docs/hub/models-download-stats); 1,000 (about 33 a day) is a policy choice, not a
# measurement: the newest list is mostly personal finetunes and merges with a handful of downloads, which a
# catalog of models people run should not fill up with.  Original models (no base model) have no threshold: a new
# release is news on its first day.
MIN_DERIVATIVE_DOWNLOADS = 1000
# GGUF repos drafted per model, the most downloaded first: the official one and the two community quantizers most
# people use are where real file sizes come from; more repos add requests, not information.
MAX_QUANT_REPOS = 3
QUANT_REPOS_LISTED = 20
# Tags of repos listed under text-generation that do not generate text for a user.
NOT_GENERATIVE_TAGS = {"reward-model", "text-classification", "feature-extraction", "sentence-similarity"}


@dataclass
class Found:
    """One listed model and the lists it was on (``trending text-generation``, ...)."""

    data: HubRepoData
    lists: list[str] = field(default_factory=list)


@dataclass
class DiscoverOutcome:
    repo: str
    outcome: str  # drafted | unchanged | failed | skipped | cached
    reason: str | None = None
    lists: list[str] = field(default_factory=list)
    downloads: int | None = None
    quant_repos: list[str] = field(default_factory=list)
    file: str | None = None


@dataclass
class DiscoverResult:
    items: list[DiscoverOutcome]
    errors: list[str]  # lists that could not be read (completely): one line each

    @property
    def failed(self) -> int:
        return sum(1 for o in self.items if o.outcome == "failed") + len(self.errors)


def check_limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise UsageError(
            f"--limit must be a whole number from 1 to {MAX_LIMIT}.", f"The default is {DEFAULT_LIMIT} per list."
        )
    return limit


def list_params(sort: str, pipeline: str) -> list[tuple[str, str]]:
    return [("pipeline_tag", pipeline), ("sort", sort), *(("expand", e) for e in EXPAND)]


def collect(
    hub: Hub, *, limit: int, on_list: Callable[[str], None] | None = None
) -> tuple[dict[str, Found], list[str]]:
    """Every list, read in parallel: the models (first seen first, with every list each was on), and one line per
    list that failed.  A list that fails part way keeps the models read before the failure."""
    names = [(f"{name} {pipeline}", sort, pipeline) for name, sort in SORTS.items() for pipeline in PIPELINES]

    def read(label: str, sort: str, pipeline: str) -> tuple[list[HubRepoData], str | None]:
        got: list[HubRepoData] = []
        try:
            for data in hub.list_models(list_params(sort, pipeline), limit=limit, label=f"{label} models"):
                got.append(data)
        except UsageError:
            raise
        except LlmpickError as exc:
            return got, exc.message
        finally:
            if on_list is not None:
                on_list(label)
        return got, None

    found: dict[str, Found] = {}
    errors: list[str] = []
    with ThreadPoolExecutor(max_workers=len(names), thread_name_prefix="llmpick-discover") as pool:
        futures = [pool.submit(read, *n) for n in names]
        try:
            results = [f.result() for f in futures]
        except BaseException:
            hub.cancel()
            raise
    for (label, _, _), (models, error) in zip(names, results, strict=True):
        if error is not None:
            errors.append(error)
        for data in models:
            key = data.id.lower()
            found.setdefault(key, Found(data)).lists.append(label)
    return found, errors


def skip_reason(data: HubRepoData, curated: set[str]) -> str | None:
    """Why a listed model is not drafted, or None.  ``curated``: the catalog's ids, lower-cased."""
    tags = {t.lower() for t in data.tags}
    if data.id.lower() in curated:
        return "curated: in the catalog"
    bad = sorted(tags & NOT_GENERATIVE_TAGS)
    if data.pipeline_tag not in PIPELINES or bad:
        return f"not generative ({', '.join(printable(t, 40) for t in [data.pipeline_tag or 'no pipeline', *bad])})"
    if any(t.startswith("base_model:quantized:") for t in tags) or ("gguf" in tags and data.base_model):
        return "quantized repo: found as an artifact of its base model"
    if any(t.startswith("base_model:adapter:") for t in tags) or (data.library_name or "").lower() == "peft":
        return "adapter (LoRA): not a whole model"
    derived = data.base_model and any(b.lower() != data.id.lower() for b in data.base_model)
    if derived and (data.downloads or 0) < MIN_DERIVATIVE_DOWNLOADS:
        return f"finetune or merge with {data.downloads or 0:,} downloads (< {MIN_DERIVATIVE_DOWNLOADS:,} in 30 days)"
    if data.safetensors_total is None and not (data.gguf and data.gguf.total):
        return "no parameter count on the Hub (no safetensors or GGUF header)"
    return None


def quant_repos(hub: Hub, repo: str) -> list[str]:
    """The GGUF repos made from ``repo`` (the Hub's model tree), the most downloaded first."""
    params = [
        ("filter", f"base_model:quantized:{repo}"),
        ("sort", "downloads"),
        ("expand", "tags"),
        ("expand", "downloads"),
    ]
    label = f"{repo}: quantized repos"
    found = [d for d in hub.list_models(params, limit=QUANT_REPOS_LISTED, label=label) if "gguf" in d.tags]
    found.sort(key=lambda d: (-(d.downloads or 0), d.id))
    return [d.id for d in found[:MAX_QUANT_REPOS]]


def draft_one(hub: Hub, found: Found) -> DiscoverOutcome:
    """Draft one new model and store it; every Hub or disk problem is a ``failed`` outcome (nothing written)."""
    from .draft import draft, gguf_artifact, to_yaml, validate_yaml
    from .hub import HubGated

    data = found.data
    repo = data.id
    out = DiscoverOutcome(repo, "failed", lists=found.lists, downloads=data.downloads)
    try:
        path = hubcache.draft_path(repo)
        names = {f.name for f in data.files}
        notes: list[str] = []
        if not names or "config.json" in names:
            try:
                data = data.model_copy(update={"config": hub.config_json(repo, revision=data.sha)})
            except HubGated:
                notes.append("gated: config.json not read (arch from the parameter count only)")
        artifacts = []
        for q in quant_repos(hub, repo):
            info = hub.model_info(q)
            art = gguf_artifact(q, info)
            if art is not None:
                artifacts.append(art)
                out.quant_repos.append(q)
            with contextlib.suppress(LlmpickError):  # `refresh`'s cache too; one that cannot be written costs nothing
                hubcache.write(q, info, endpoint=hub.shown_endpoint)
        when = hubcache.now_iso()
        d = draft(
            repo, data, endpoint=hub.shown_endpoint, fetched_at=when, artifacts=artifacts, by="refresh --discover"
        )
        text = to_yaml(d)
        problems = validate_yaml(text, str(path))
        if problems and artifacts:  # a derivative whose sizes the catalog's checks refuse: draft without them
            notes.append(f"quantized repos left out ({printable(problems[0], 160)})")
            d = draft(repo, data, endpoint=hub.shown_endpoint, fetched_at=when, by="refresh --discover")
            out.quant_repos = []
            text = to_yaml(d)
            problems = validate_yaml(text, str(path))
        if problems:
            out.reason = f"the draft does not validate: {printable(problems[0], 200)}"
            return out
        changed = hubcache.write_draft(repo, text)
    except UsageError:
        raise
    except LlmpickError as exc:
        out.reason = exc.message
        return out
    out.outcome, out.file = ("drafted" if changed else "unchanged"), str(path)
    out.reason = "; ".join(notes) or None
    return out


def plan(found: dict[str, Found], curated: Iterable[str]) -> tuple[list[Found], list[DiscoverOutcome]]:
    """The listed models to draft, and the others as ``skipped`` outcomes with their reason."""
    ids = {c.lower() for c in curated}
    todo, skipped = [], []
    for f in found.values():
        reason = skip_reason(f.data, ids)
        if reason is None:
            todo.append(f)
        else:
            skipped.append(DiscoverOutcome(f.data.id, "skipped", reason, f.lists, f.data.downloads))
    return todo, skipped


def draft_all(
    hub: Hub,
    todo: Iterable[Found],
    *,
    concurrency: int = 8,
    on_done: Callable[[DiscoverOutcome], None] | None = None,
) -> list[DiscoverOutcome]:
    """Draft the models with ``concurrency`` workers; outcomes in the order they finish."""
    from .refresh import parallel

    return list(parallel(hub, todo, lambda f: draft_one(hub, f), concurrency, on_done))


def run(hub: Hub, curated: Iterable[str], *, limit: int = DEFAULT_LIMIT, concurrency: int = 8) -> DiscoverResult:
    """List, skip, draft (what `refresh --discover` does, without its progress bars)."""
    from .refresh import check_concurrency

    check_limit(limit)
    check_concurrency(concurrency)
    hub.prepare()
    found, errors = collect(hub, limit=limit)
    todo, skipped = plan(found, curated)
    return DiscoverResult(draft_all(hub, todo, concurrency=concurrency) + skipped, errors)


def cached() -> list[DiscoverOutcome]:
    """The drafts in the cache, without any network (offline): outcome ``cached``."""
    from .catalog_walk import layer_files

    root = hubcache.drafts_root()
    try:
        if not root.is_dir():
            return []
    except OSError:
        return []
    found, _ = layer_files(root)
    return [DiscoverOutcome(model_id, "cached", file=str(path)) for path, model_id in found]


def counts(items: Iterable[DiscoverOutcome]) -> dict[str, int]:
    out: dict[str, int] = {}
    for o in items:
        out[o.outcome] = out.get(o.outcome, 0) + 1
    return out
