"""Refresh orchestration: which repos to fetch, fetching them concurrently, one outcome per model.

Pure of presentation: progress is reported through a callback, results are plain dataclasses.
Each repo is fetched once even when several models share it; each success is written to the cache
at once (atomically), so a failure or an interruption later on never loses it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from . import hubcache
from .errors import LlmpickError, UsageError

if TYPE_CHECKING:
    from .catalog import Catalog
    from .hub import Hub

_In = TypeVar("_In")
_Out = TypeVar("_Out")

DEFAULT_MAX_AGE = 7 * 24 * 3600.0
DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 64


@dataclass(frozen=True)
class Target:
    """One catalog model and the Hub repos that describe it: its own repo first, then its artifacts."""

    model: str
    repos: tuple[str, ...]


@dataclass
class RepoOutcome:
    repo: str
    outcome: str  # updated | unchanged | failed | cached | missing
    reason: str | None = None
    fetched_at: str | None = None


@dataclass
class ModelOutcome:
    model: str
    outcome: str
    reason: str | None = None
    repos: list[RepoOutcome] = field(default_factory=list)


def targets(
    catalog: Catalog, names: Sequence[str] = (), *, max_age: float = DEFAULT_MAX_AGE, force: bool = False
) -> list[Target]:
    """The models to refresh: those named (always), else every model whose cache is missing or stale."""
    if not max_age >= 0:  # NaN too
        raise UsageError("--max-age must be a duration of 0 or more.")
    chosen = [catalog.resolve(n) for n in names] if names else list(catalog)
    out, seen = [], set()
    for m in chosen:
        if m.id in seen:
            continue
        seen.add(m.id)
        repos = tuple(dict.fromkeys([m.id] + [a.repo for a in m.entry.artifacts]))
        t = Target(m.id, repos)
        if names or force or is_stale(t, max_age):
            out.append(t)
    return out


def is_stale(target: Target, max_age: float) -> bool:
    for repo in target.repos:
        age = hubcache.read(repo).age_seconds
        if age is None or age > max_age:
            return True
    return False


def check_concurrency(concurrency: int) -> int:
    """``--concurrency``: requests in flight at once, 1 to MAX_CONCURRENCY."""
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or not 1 <= concurrency <= MAX_CONCURRENCY:
        raise UsageError(
            f"--concurrency must be a whole number from 1 to {MAX_CONCURRENCY}.",
            f"The default is {DEFAULT_CONCURRENCY}.",
        )
    return concurrency


def refresh_repo(hub: Hub, repo: str) -> RepoOutcome:
    """Fetch one repo and store it; never raises for a Hub or disk problem (it becomes the outcome)."""
    try:
        data = hub.model_info(repo)
        file, changed = hubcache.write(repo, data, endpoint=hub.shown_endpoint)
    except UsageError:  # the endpoint or the token: every repo would fail the same way
        raise
    except LlmpickError as exc:
        return RepoOutcome(repo, "failed", exc.message)
    except OSError as exc:
        return RepoOutcome(repo, "failed", f"cannot write the cache: {exc.strerror or exc}")
    return RepoOutcome(repo, "updated" if changed else "unchanged", None, file.fetched_at)


def fetch(
    hub: Hub,
    repos: Iterable[str],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_done: Callable[[RepoOutcome], None] | None = None,
) -> Iterator[RepoOutcome]:
    """Refresh repos with ``concurrency`` workers, yielding outcomes as they finish."""
    return parallel(hub, dict.fromkeys(repos), lambda repo: refresh_repo(hub, repo), concurrency, on_done)


def parallel(
    hub: Hub,
    items: Iterable[_In],
    work: Callable[[_In], _Out],
    concurrency: int = DEFAULT_CONCURRENCY,
    on_done: Callable[[_Out], None] | None = None,
) -> Iterator[_Out]:
    """``work(item)`` for each item with ``concurrency`` workers, yielding results as they finish.  ``work`` makes
    every Hub or disk problem its result; what it raises (a usage error) stops the whole run.

    At most ``2 * concurrency`` items are in flight, so memory stays flat however many are asked for.  Ctrl-C (or
    a caller that stops early) cancels the Hub's requests in flight at once, not at their timeout.
    """
    check_concurrency(concurrency)
    todo = iter(items)
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="llmpick-refresh")
    pending: set[Future[_Out]] = set()
    stop = object()

    def submit() -> None:
        item = next(todo, stop)
        if item is not stop:
            pending.add(pool.submit(work, item))  # type: ignore[arg-type]

    try:
        for _ in range(2 * concurrency):
            submit()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                pending.discard(fut)
                outcome = fut.result()
                if on_done is not None:
                    on_done(outcome)
                yield outcome
                submit()
    except BaseException:  # Ctrl-C, or the caller stopped early: the requests in flight end now, not at their timeout
        hub.cancel()
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def run(
    hub: Hub,
    chosen: Sequence[Target],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_done: Callable[[RepoOutcome], None] | None = None,
) -> list[ModelOutcome]:
    """Refresh every repo of the chosen models; one outcome per model, in the order given."""
    by_repo = {
        o.repo: o for o in fetch(hub, (r for t in chosen for r in t.repos), concurrency=concurrency, on_done=on_done)
    }
    return [summarize(t, [by_repo[r] for r in t.repos]) for t in chosen]


def offline(chosen: Sequence[Target]) -> list[ModelOutcome]:
    """What the cache holds for each model, without any network: outcomes ``cached`` or ``missing``."""
    out = []
    for t in chosen:
        repos = []
        for repo in t.repos:
            c = hubcache.read(repo)
            if c.file is not None:
                repos.append(RepoOutcome(repo, "cached", None, c.file.fetched_at))
            else:
                repos.append(RepoOutcome(repo, "missing", c.problem or "not in the cache"))
        missing = [r for r in repos if r.outcome == "missing"]
        out.append(
            ModelOutcome(
                t.model,
                "missing" if missing else "cached",
                "; ".join(f"{r.repo}: {r.reason}" for r in missing) or None,
                repos,
            )
        )
    return out


def summarize(target: Target, repos: list[RepoOutcome]) -> ModelOutcome:
    failed = [r for r in repos if r.outcome == "failed"]
    if failed:
        return ModelOutcome(target.model, "failed", "; ".join(r.reason or r.repo for r in failed), repos)
    outcome = "updated" if any(r.outcome == "updated" for r in repos) else "unchanged"
    return ModelOutcome(target.model, outcome, None, repos)


def counts(outcomes: Iterable[ModelOutcome]) -> dict[str, int]:
    out: dict[str, int] = {}
    for o in outcomes:
        out[o.outcome] = out.get(o.outcome, 0) + 1
    return out
