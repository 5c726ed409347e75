"""One Hub repo's data for `check hf:ORG/REPO`: the Hub cache first (written by `llmpick refresh`, `estimate hf:`
or an earlier `check hf:`), else fetched from the Hub and cached.

* A cached file younger than ``refresh.DEFAULT_MAX_AGE`` is used as it is; an older one is fetched again, and
  kept (with a note) when the Hub is unavailable or answers garbage: a failed fetch never loses the last good data.
* Offline (``--offline`` or ``HF_HUB_OFFLINE=1``) only the cache is read, whatever its age, and nothing is sent;
  a repo not in the cache is a :class:`~llmpick.hub.HubOffline` error (exit 4, as `refresh`).
* config.json is fetched only when it is needed (a safetensors repo's quantization, a draft's layer shapes) and
  the repo has one; a gated repo's config.json that cannot be read is a note, not a failure.

Messages for the user are collected in ``notes``: this module prints nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import hubcache
from .errors import LlmpickError

if TYPE_CHECKING:
    from .hub import Hub
    from .schema import HubRepoData, Model


@dataclass
class RepoData:
    repo: str
    data: HubRepoData
    fetched_at: str
    endpoint: str  # redacted: never credentials
    from_cache: bool  # read from the cache, not fetched by this call
    notes: list[str] = field(default_factory=list)
    config_tried: bool = False  # config.json was asked for once already (a gated one is noted once)


class HubSession:
    """The Hub connection of one command, opened on first use (a cached repo needs none)."""

    def __init__(self, endpoint: str | None, timeout: float, offline: bool) -> None:
        from .hub import offline_from_env

        self._args = (endpoint, timeout, offline)
        self.offline = offline or offline_from_env()
        self._hub: Hub | None = None

    @property
    def hub(self) -> Hub:
        if self._hub is None:
            from .hub import Hub

            endpoint, timeout, offline = self._args
            self._hub = Hub(endpoint, timeout=timeout, offline=offline)
        return self._hub


def load(repo: str, session: HubSession) -> RepoData:
    """The repo's model_info (with file sizes), from the cache or the Hub."""
    from .hub import HubBadAnswer, HubOffline, HubUnavailable
    from .hubargs import redact_url
    from .refresh import DEFAULT_MAX_AGE

    cached = hubcache.read(repo)
    notes = [cached.problem] if cached.problem else []
    if cached.file is not None:
        age = cached.age_seconds
        if session.offline or (age is not None and age <= DEFAULT_MAX_AGE):
            f = cached.file
            if session.offline:
                notes.append(f"Offline: using cached Hub data for {repo} (fetched {f.fetched_at}).")
            return RepoData(repo, f.data, f.fetched_at, redact_url(f.endpoint), True, notes)
    if session.offline:
        raise HubOffline(
            f"Offline: no cached Hub data for {repo}, and the Hub was not contacted.",
            "Run once without --offline (and unset HF_HUB_OFFLINE) to fetch it.",
        )
    hub = session.hub
    try:
        data = hub.model_info(repo)
    except (HubUnavailable, HubBadAnswer) as exc:
        if cached.file is None:
            raise
        # The last good data beats none: a Hub that is down or answers garbage does not lose what was cached.
        f = cached.file
        notes.append(f"{exc.message}; using the cached Hub data for {repo} (fetched {f.fetched_at}).")
        return RepoData(repo, f.data, f.fetched_at, redact_url(f.endpoint), True, notes)
    got = RepoData(repo, data, hubcache.now_iso(), hub.shown_endpoint, False, notes)
    _store(got)
    return got


def with_config(got: RepoData, session: HubSession) -> None:
    """Add the repo's config.json to ``got.data`` when it has one and it is not there yet (and cache it)."""
    from .hub import HubGated

    d = got.data
    if got.config_tried or d.config is not None or not any(f.name == "config.json" for f in d.files):
        return
    got.config_tried = True
    if session.offline:
        got.notes.append(f"Offline: the config.json of {got.repo} is not in the cache; facts from model_info only.")
        return
    try:
        config = session.hub.config_json(got.repo, revision=d.sha)
    except HubGated:
        got.notes.append(
            f"{got.repo} is gated: its config.json needs an accepted license and HF_TOKEN; facts from model_info only."
        )
        return
    got.data = d.model_copy(update={"config": config})
    _store(got)


def base_config(base: str, session: HubSession) -> dict[str, Any] | None:
    """The config.json of a GGUF repo's base model (the layer shapes the KV cache needs): cached, else fetched;
    None when neither works (the caller notes it)."""
    from .schema import is_hub_id

    if not is_hub_id(base):
        return None
    cached = hubcache.read(base).file
    if cached is not None and cached.data.config is not None:
        return cached.data.config
    if session.offline:
        return None
    try:
        return session.hub.config_json(base)
    except LlmpickError:
        return None


def _store(got: RepoData) -> None:
    """Cache what was fetched; a cache that cannot be written is a note (the data in hand is used)."""
    try:
        stored, _ = hubcache.write(got.repo, got.data, endpoint=got.endpoint)
        got.data, got.fetched_at = stored.data, stored.fetched_at  # stored.data keeps a config.json fetched earlier
    except hubcache.CacheWriteError as exc:
        got.notes.append(f"{exc.message}; continuing without caching it.")


_BASE_TAGS = ("base_model:quantized:", "base_model:finetune:")


def base_models(repo: str, data: HubRepoData) -> list[str]:
    """The repos this one was made from: the card's ``base_model``, then the Hub's ``base_model:quantized:X`` /
    ``base_model:finetune:X`` tags (an adapter or a merge has other shapes, so not those)."""
    from .schema import is_hub_id

    out = list(data.base_model)
    for t in data.tags:
        for prefix in _BASE_TAGS:
            if t.startswith(prefix):
                out.append(t[len(prefix) :])
    seen: dict[str, str] = {}
    for b in out:
        if is_hub_id(b) and b.lower() != repo.lower():
            seen.setdefault(b.lower(), b)
    return list(seen.values())


def drafted(got: RepoData, session: HubSession, *, packed: bool = False) -> Model:
    """A catalog-like model of a repo no catalog entry describes: model_info plus its config.json, or for a GGUF
    repo without one, its base model's (the layer shapes the KV cache needs).  ``packed``: quantized safetensors
    (AWQ, GPTQ, bitsandbytes ...), whose Hub parameter count counts packed integers, not weights: left out, so
    the estimate counts the parameters from the layer shapes."""
    from .draft import draft
    from .hub import HubBadAnswer

    with_config(got, session)
    data = got.data
    if packed:
        data = data.model_copy(update={"safetensors_total": None})
    if data.config is None:
        bases = base_models(got.repo, data)
        config = base_config(bases[0], session) if bases else None
        if config is not None:
            data = data.model_copy(update={"config": config})
        elif bases:
            got.notes.append(
                f"{got.repo}: the config.json of its base model {bases[0]} could not be read; "
                "the KV cache cannot be estimated."
            )
    try:
        return draft(got.repo, data, endpoint=got.endpoint, fetched_at=got.fetched_at).model()
    except ValueError:  # pydantic's ValidationError: Hub data the catalog's rules refuse
        raise HubBadAnswer(
            f"{got.repo}: the Hub's data does not make a valid catalog entry.",
            "Draft it with `llmpick catalog add` and fix what `llmpick catalog validate` reports.",
        ) from None
