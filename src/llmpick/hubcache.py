"""The Hub cache: one JSON file per repo under ``<cache dir>/hub/<org>/<name>.json``.

* Repo ids are validated (``is_hub_id``) before they become paths.
* Writes are atomic (temp file + rename) and serialized per file with a lock file, so a killed or
  concurrent refresh leaves either the old file or the new one, never a mix.  A write that fails (a read-only
  or full disk, a cache folder that is a file) is a :class:`CacheWriteError` with a one-line reason: callers
  make it an outcome (``refresh``) or a warning (``estimate hf:``, ``catalog add``), never a crash.
* Files are read with ``safeio`` (regular files under a size limit, strict JSON of bounded depth).  A damaged
  file (truncated, not JSON, nested too deeply, wrong shape, not a regular file) is reported as a problem and
  treated as absent, and the next write replaces it.
* The endpoint stored in a file is redacted (``http://user:***@mirror``): credentials never reach the disk.

Reading is cheap and does no network I/O; the lookups at the bottom are what `list`, `show`,
`estimate` and `recommend` use.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths
from .errors import LlmpickError, UsageError

if TYPE_CHECKING:  # the schema loads with the first cache file read: a `list` that finds none needs no pydantic
    from .schema import HubCacheFile, HubRepoData, HubSummaryOut

LOCK_TIMEOUT = 60.0


class CacheWriteError(LlmpickError):
    """The Hub cache could not be written (exit 2 if it ever reaches the boundary: the cache folder is the user's
    to fix).  ``refresh`` makes it a failed outcome; ``estimate hf:`` and ``catalog add`` a warning."""


def root() -> Path:
    return paths.cache_dir() / "hub"


def _has_root() -> bool:
    """Whether anything was ever refreshed (the folder exists).  An unreadable or odd cache path is "no"."""
    try:
        return root().is_dir()
    except (OSError, ValueError):
        return False


def state() -> str:
    """What the cache holds, as a stamp that changes whenever a file is written, replaced or removed (each org
    folder's mtime changes then; files are replaced atomically).  Cheap: one folder listing."""
    try:
        with os.scandir(root()) as it:
            return ";".join(sorted(f"{e.name}:{e.stat().st_mtime_ns}" for e in it if e.is_dir()))
    except OSError:
        return "none"


def path_for(repo: str) -> Path:
    from .schema import is_hub_id

    if not is_hub_id(repo):
        raise UsageError(f"'{repo}' is not a Hub repo id (org/name).")
    org, name = repo.split("/", 1)
    return root() / org / f"{name}.json"


@dataclass(frozen=True)
class Cached:
    """What the cache holds for one repo: the file, or the problem that made it unusable."""

    repo: str
    file: HubCacheFile | None
    problem: str | None = None

    @property
    def age_seconds(self) -> float | None:
        return None if self.file is None else age_seconds(self.file.fetched_at)


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def age_seconds(iso: str, now: datetime | None = None) -> float | None:
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return ((now or datetime.now(timezone.utc)) - when).total_seconds()


def read(repo: str) -> Cached:
    """The cached file for ``repo``; absent or damaged files give ``file=None`` (damage in ``problem``)."""
    from .safeio import CACHE_FILE_LIMIT, ReadProblem, read_bytes

    try:
        path = path_for(repo)
    except UsageError as exc:
        return Cached(repo, None, exc.message)
    try:
        raw = read_bytes(path, limit=CACHE_FILE_LIMIT)
    except FileNotFoundError:
        return Cached(repo, None)
    except ReadProblem as exc:
        if not _has_root():  # the cache folder is missing or is a file: nothing cached
            return Cached(repo, None)
        return Cached(repo, None, f"{path}: {exc}; ignored (run `llmpick refresh {repo}` to replace it)")
    return _parse(repo, path, raw)


def _parse(repo: str, path: Path, raw: bytes) -> Cached:
    from pydantic import ValidationError

    from .safeio import ReadProblem, loads_json
    from .schema import HubCacheFile

    hint = f"; ignored (run `llmpick refresh {repo}` to replace it)"
    try:
        doc = loads_json(raw)
    except ReadProblem as exc:
        return Cached(repo, None, f"{path}: damaged cache file ({exc}){hint}")
    try:
        file = HubCacheFile.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        return Cached(repo, None, f"{path}: damaged cache file ({where}: {first['msg']}){hint}")
    if file.repo.lower() != repo.lower():
        return Cached(repo, None, f"{path}: cache file is for {file.repo}, not {repo}{hint}")
    return Cached(repo, file)


def write(repo: str, data: HubRepoData, *, endpoint: str) -> tuple[HubCacheFile, bool]:
    """Store fresh data atomically under the repo's lock.  Returns the file and whether the facts changed.

    Whatever is at the path now (a damaged file, a FIFO, a file from another version) is replaced.  A failure
    to write is a :class:`CacheWriteError`; another refresh holding the lock too long, a ``HubError``."""
    from filelock import FileLock, Timeout

    from .atomic import write_atomic
    from .hubargs import redact_url
    from .schema import HubCacheFile

    path = path_for(repo)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT):
            old = read(repo)
            if (
                old.file is not None
                and old.file.data.config is not None
                and data.config is None
                and old.file.revision == data.sha
            ):
                data = data.model_copy(update={"config": old.file.data.config})  # keep a config.json fetched earlier
            changed = old.file is None or old.file.data != data
            new = HubCacheFile(
                repo=repo, fetched_at=now_iso(), endpoint=redact_url(endpoint), revision=data.sha, data=data
            )
            write_atomic(path, new.model_dump_json(indent=1).encode())
            return new, changed
    except Timeout:
        from .errors import HubError

        raise HubError(f"{repo}: another llmpick refresh holds {path}.lock; try again when it is done.") from None
    except OSError as exc:
        raise CacheWriteError(
            f"cannot write the Hub cache {path}: {exc.strerror or type(exc).__name__}",
            "Check LLMPICK_CACHE_DIR (a writable folder) and the free disk space.",
        ) from None


# --- Drafts of `refresh --discover` ---------------------------------------------------------
# One catalog-format YAML file per discovered repo, ``<cache dir>/discovered/<org>/<name>.yaml``: the catalog
# loader reads them as it reads an overlay folder (``load_catalog(drafts=True)``), never as catalog files.


def drafts_root() -> Path:
    return paths.cache_dir() / "discovered"


def draft_path(repo: str) -> Path:
    """Where the draft of ``repo`` lives; the id is validated before it becomes a path (no ``..``, no separators)."""
    from .schema import is_hub_id

    if not is_hub_id(repo) or repo.split("/", 1)[1] in (".", ".."):
        raise UsageError(f"'{repo}' is not a Hub repo id (org/name).")
    org, name = repo.split("/", 1)
    return drafts_root() / org / f"{name}.yaml"


def write_draft(repo: str, text: str) -> bool:
    """Store a draft atomically (temp file + rename, under the file's lock); False when it was already the same
    text (the file is then left alone: answers kept for the catalog as it was stay valid)."""
    from filelock import FileLock, Timeout

    from .atomic import write_atomic

    path = draft_path(repo)
    raw = text.encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(path.parent / f".{path.name}.lock"), timeout=LOCK_TIMEOUT):
            try:
                if path.is_file() and path.read_bytes() == raw:
                    return False
            except OSError:
                pass  # unreadable: replaced below
            write_atomic(path, raw)
            return True
    except Timeout:
        from .errors import HubError

        raise HubError(
            f"{repo}: another llmpick refresh holds the lock of {path}; try again when it is done."
        ) from None
    except OSError as exc:
        raise CacheWriteError(
            f"cannot write the draft {path}: {exc.strerror or type(exc).__name__}",
            "Check LLMPICK_CACHE_DIR (a writable folder) and the free disk space.",
        ) from None


def iter_cached() -> Iterable[Path]:
    base = root()
    if not _has_root():
        return []
    try:
        return sorted(p for p in base.glob("*/*.json") if not p.name.startswith("."))
    except OSError:
        return []


# --- Lookups for list / show / estimate / recommend ----------------------------------------


def hub_summary(repo: str) -> HubSummaryOut | None:
    """Downloads, likes and last update of a repo, from the cache (None when not cached or damaged)."""
    if not _has_root():  # never refreshed
        return None
    from .schema import HubSummaryOut

    c = read(repo)
    if c.file is None:
        return None
    d = c.file.data
    return HubSummaryOut(
        downloads=d.downloads, likes=d.likes, last_modified=d.last_modified, fetched_at=c.file.fetched_at
    )


_SPLIT_RE = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)
_HALF_PRECISION = {"BF16", "F16", "FP16"}


def _quant_re(quant: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Za-z0-9_])" + re.escape(quant) + r"(?![A-Za-z0-9_])", re.IGNORECASE)


def file_size_in(data: HubRepoData, quant: str, file_name: str | None = None) -> int | None:
    """Exact bytes of the weights for ``quant`` in one repo's file list, or None.

    GGUF: the file whose name carries the quant as a separate token (``...-Q4_K_M.gguf``); split files
    (``-00001-of-00003.gguf``) are summed; ``mmproj`` files are not weights.  Half precision (BF16/F16)
    in a safetensors repo: the sum of its ``*.safetensors`` files.
    """
    sizes = {f.name: f.size for f in data.files}
    if file_name and file_name in sizes and _SPLIT_RE.search(file_name) is None:
        return sizes[file_name]
    q = quant.strip().upper()
    if not q:
        return None
    pattern = _quant_re(q)
    groups: dict[str, list[int | None]] = {}
    for name, size in sizes.items():
        base = name.rsplit("/", 1)[-1]
        if not base.lower().endswith(".gguf") or "mmproj" in base.lower() or not pattern.search(name):
            continue
        m = _SPLIT_RE.search(name)
        key = name[: m.start()] if m else name
        groups.setdefault(key, []).append(size)
    if groups:
        key = sorted(groups, key=lambda k: (len(groups[k]) > 1, len(k), k))[0]
        parts = groups[key]
        return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
    if q in _HALF_PRECISION:
        st = [s for n, s in sizes.items() if n.endswith(".safetensors")]
        if st and all(s is not None for s in st):
            return sum(s for s in st if s is not None)
    return None


def file_size_source() -> Callable[[Any, str], int | None] | None:
    """:func:`cached_file_size` for the recommender, or None when nothing was ever refreshed (then it is not asked
    at all: it would be asked for every candidate of every model)."""
    return cached_file_size if _has_root() else None


def cached_file_size(model_id_or_artifact_repo: Any, quant: str, *, artifact_repos: Iterable[str] = ()) -> int | None:
    """Exact size in bytes of the weights file(s) for ``quant``, from the Hub cache; None when unknown.

    The first argument is a Hub repo id (a catalog model id or an artifact repo) or a catalog ``Model``;
    for a ``Model`` its artifact repos are searched too (files named in the catalog first).  Reads only
    the local cache: never the network.
    """
    if not _has_root():  # never refreshed: nothing to look up
        return None
    named: dict[str, str] = {}
    if hasattr(model_id_or_artifact_repo, "entry"):
        model = model_id_or_artifact_repo
        repos = [model.id]
        for art in model.entry.artifacts:
            repos.append(art.repo)
            for f in art.files:
                if f.file and f.quant.upper() == quant.upper():
                    named.setdefault(art.repo, f.file)
    else:
        repos = [str(model_id_or_artifact_repo)]
    repos += [r for r in artifact_repos if r not in repos]
    from .schema import is_hub_id

    for repo in repos:
        if not is_hub_id(repo):
            continue
        c = read(repo)
        if c.file is None:
            continue
        size = file_size_in(c.file.data, quant, named.get(repo))
        if size:
            return size
    return None


# --- catalog verify -------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    model: str
    field: str
    catalog: Any
    hub: Any
    source: str
    file: str


def compare(model: Any) -> tuple[list[Difference], list[str], bool]:
    """Catalog facts of one model (parameters, license, context, gated) against its cached Hub data.

    Returns the differences, problems met (a damaged cache file), and whether Hub data was cached at all.
    A fact the catalog leaves null is not compared.
    """
    e = model.entry
    main = read(model.id)
    problems = [main.problem] if main.problem else []
    if main.file is None:
        return [], problems, False
    d = main.file.data
    diffs: list[Difference] = []

    def differ(field_name: str, ours: Any, theirs: Any, source: str) -> None:
        if ours is not None and theirs is not None and ours != theirs:
            diffs.append(Difference(model.id, field_name, ours, theirs, source, model.path))

    differ("params.total", e.params.total, d.safetensors_total, f"{model.id} safetensors.total")
    if e.license and d.license:
        differ("license", e.license.lower(), d.license.strip().lower(), f"{model.id} cardData.license")
    if e.gated is not None and d.gated is not None:
        differ("gated", e.gated, bool(d.gated), f"{model.id} gated ({d.gated!r})")
    ctx, source = _hub_context(model, d)
    differ("arch.max_context", e.arch.max_context, ctx, source)
    return diffs, problems, True


def _hub_context(model: Any, d: HubRepoData) -> tuple[int | None, str]:
    cfg = d.config or {}
    text_config = cfg.get("text_config")
    text: dict[str, Any] = text_config if isinstance(text_config, dict) else {}
    value = text.get("max_position_embeddings") or cfg.get("max_position_embeddings")
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 2**31:
        return value, f"{model.id} config.json max_position_embeddings"
    if d.gguf and d.gguf.context_length:
        return d.gguf.context_length, f"{model.id} gguf.context_length"
    for art in model.entry.artifacts:
        if art.format != "gguf":
            continue
        c = read(art.repo)
        if c.file is not None and c.file.data.gguf and c.file.data.gguf.context_length:
            return c.file.data.gguf.context_length, f"{art.repo} gguf.context_length"
    return None, ""
