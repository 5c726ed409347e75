"""The one door to the Hugging Face Hub: the only module that imports ``huggingface_hub`` (lazily).

Policy, all in one place:

* **Endpoint**: ``--endpoint``, else ``HF_ENDPOINT`` (read now, not at import), else huggingface.co.  It is
  checked before anything is sent (an http(s) URL with a host, no spaces or control characters).  Credentials
  in it (``http://user:secret@mirror``) are used for requests but never shown or stored: everything that
  prints or writes an endpoint uses ``hubargs.redact_url`` (``Hub.shown_endpoint``).
* **Token**: huggingface_hub's usual places (``HF_TOKEN``, then ``$HF_HOME/token``).  It is only ever
  placed in request headers; no message built here contains it or the request headers.  A token an HTTP
  header cannot carry (non-ASCII, control characters) is a usage error, named without its value.
* **Time**: ``timeout`` is finite, above 0 and at most ``hubargs.MAX_TIMEOUT``.  Every request has a connect/read
  timeout *and* a total deadline: a watchdog abandons a request that has not finished ``timeout`` (+1) seconds
  after it started, so neither a server that drips bytes nor a stalled name lookup can hold a call forever.
  Bodies are capped (``MAX_BODY_BYTES``) and parsed with :func:`safeio.loads_json` (strict, bounded depth).
* **Retries**: 429, 5xx, timeouts and dropped connections are retried with exponential backoff and full
  jitter, honouring ``Retry-After``, at most ``MAX_ATTEMPTS`` tries and ``MAX_RETRY_SECONDS`` of sleeping.
* **Offline**: ``offline=True`` or ``HF_HUB_OFFLINE=1`` refuses before anything is sent.

Every failure is one of the :class:`HubError` subclasses below, with a message safe to print.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from .errors import HubError, UsageError
from .hubargs import check_timeout, printable, redact_url, resolve_endpoint
from .huberrors import EntryMissing as _EntryMissing
from .huberrors import (
    HubBadAnswer,
    HubGated,
    HubNotFound,
    HubOffline,
    HubUnavailable,
)
from .huberrors import Retryable as _Retryable
from .huberrors import retry_after as _retry_after
from .schema import HubFile, HubGguf, HubRepoData, is_hub_id

WATCHDOG_GRACE = 1.0  # the watchdog fires this long after the timeout: the client's own timeouts speak first

# Retry policy (module-level so tests and benchmarks can tune it without mocking the client).
MAX_ATTEMPTS = 4
BACKOFF_BASE = 0.5  # seconds; attempt n sleeps up to BACKOFF_BASE * 2**n (full jitter)
BACKOFF_CAP = 8.0
MAX_RETRY_SECONDS = 30.0  # total sleeping allowed for one call; a longer Retry-After fails at once
SLEEP: Callable[[float], None] | None = None  # None: wait on the Hub's cancel event (tests record sleeps instead)
MAX_BODY_BYTES = 32 * 1024 * 1024  # a model_info with every file of a huge repo is a few MiB
MAX_CONFIG_BYTES = 1024 * 1024
MAX_LIST_PAGES = 100  # one list: at most this many pages (the Hub serves up to 1,000 models a page)

Params = dict[str, str] | list[tuple[str, str]] | None
_Got = tuple[bytes, str | None]  # an answer's body, and the URL its Link header names as rel="next"

_TRUE = {"1", "true", "yes", "on"}


def offline_from_env() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUE


def check_repo_id(repo: str) -> str:
    if not is_hub_id(repo):
        raise UsageError(
            f"'{repo}' is not a Hub repo id (org/name).", "Write it as ORG/NAME, e.g. Qwen/Qwen2.5-7B-Instruct."
        )
    return repo


class Hub:
    """A configured connection to one Hub endpoint.  Thread-safe: one instance serves many workers."""

    def __init__(
        self, endpoint: str | None = None, *, timeout: float | None = None, offline: bool | None = None
    ) -> None:
        self.endpoint = resolve_endpoint(endpoint)  # used for requests only: may carry credentials
        self.shown_endpoint = redact_url(self.endpoint)  # for every message, answer and file
        self.timeout = check_timeout(timeout)
        self.offline = offline_from_env() if offline is None else (offline or offline_from_env())
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._api: Any = None
        self._headers: dict[str, str] | None = None

    def cancel(self) -> None:
        """Stop every call in flight at once (Ctrl-C during a refresh): waits and retry sleeps end, and the calls
        fail (``HubUnavailable``).  Requests already sent are abandoned, not awaited."""
        self._cancel.set()

    def prepare(self) -> None:
        """Check now what every request would fail on (the endpoint as the HTTP client sees it, the token), so
        that a batch of requests fails once, with a usage error, instead of once per repo.  Offline: nothing."""
        if not self.offline:
            self._hf()
            self._auth_headers()

    def _check_cancelled(self, repo: str) -> None:
        if self._cancel.is_set():
            raise HubUnavailable(f"{repo}: cancelled.")

    # -- the one place HfApi is built --------------------------------------------------

    def _hf(self) -> Any:
        with self._lock:
            if self._api is None:
                # Telemetry would send an extra request to the import-time endpoint; llmpick opts out.
                os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                import httpx2

                try:  # what urlsplit lets through and the HTTP client would refuse (e.g. a bad IDNA host)
                    httpx2.URL(self.endpoint)
                except httpx2.InvalidURL as exc:
                    raise UsageError(
                        f"Hub endpoint '{printable(self.shown_endpoint)}' cannot be used: {printable(str(exc))}.",
                        "Pass --endpoint https://... or fix HF_ENDPOINT.",
                    ) from None
                HfApi = _import_hf_api(self.endpoint)
                self._api = HfApi(endpoint=self.endpoint, library_name="llmpick", library_version=_version())
            return self._api

    def _auth_headers(self) -> dict[str, str]:
        with self._lock:
            if self._headers is None:
                _check_token_file()
                from huggingface_hub.utils import build_hf_headers

                try:
                    headers = build_hf_headers(library_name="llmpick", library_version=_version())
                except (OSError, UnicodeError) as exc:  # the token file: unreadable, not UTF-8
                    raise UsageError(
                        f"The Hub token file cannot be read ({type(exc).__name__}).",
                        "Remove $HF_HOME/token (or run `hf auth login` again), or set HF_TOKEN instead.",
                    ) from None
                for name, value in headers.items():
                    if not (value.isascii() and value.isprintable()):
                        what = "The Hub token (HF_TOKEN or $HF_HOME/token)" if name.lower() == "authorization" else name
                        raise UsageError(
                            f"{what} holds characters an HTTP header cannot carry (non-ASCII or control characters).",
                            "Copy the token again from https://huggingface.co/settings/tokens (or unset HF_TOKEN).",
                        )
                self._headers = headers
            return dict(self._headers)

    # -- public calls --------------------------------------------------------------------

    def model_info(self, repo: str, *, with_config: bool = False) -> HubRepoData:
        """``model_info(repo, files_metadata=True)`` as :class:`HubRepoData`; config.json too when asked."""
        check_repo_id(repo)
        raw = self._get_json(f"/api/models/{repo}", {"blobs": "true"}, repo, MAX_BODY_BYTES)
        data = parse_model_info(raw, repo)
        if with_config:
            data.config = self.config_json(repo, revision=data.sha)
        return data

    def config_json(self, repo: str, *, revision: str | None = None) -> dict[str, Any] | None:
        """The repo's config.json, or None when it has none (GGUF-only repos)."""
        check_repo_id(repo)
        from urllib.parse import quote

        rev = quote(revision or "main", safe="")
        try:
            doc = self._get_json(f"/{repo}/resolve/{rev}/config.json", None, repo, MAX_CONFIG_BYTES)
        except _EntryMissing:
            return None
        if not isinstance(doc, dict):
            raise HubBadAnswer(f"{repo}: config.json is not a JSON object.")
        return doc

    def list_models(self, params: list[tuple[str, str]], *, limit: int, label: str) -> Iterator[HubRepoData]:
        """``GET /api/models?...`` (what ``HfApi.list_models`` sends), page after page along ``Link: rel="next"``,
        until ``limit`` models.  Each page goes through the same watchdog, retries, body cap and strict JSON as
        ``model_info``.  A next link to anywhere but this endpoint's ``/api/models`` is refused (the token is sent
        with every request); an item that is not a model is skipped.  ``label`` names the list in messages."""
        from urllib.parse import urlsplit

        path, got = "/api/models", 0
        query: Params = [*params, ("limit", str(min(limit, 1000)))]
        base = urlsplit(self.endpoint)
        for _ in range(MAX_LIST_PAGES):
            raw, nxt = self._get_page(path, query, label, MAX_BODY_BYTES)
            if not isinstance(raw, list):
                raise HubBadAnswer(f"{label}: the Hub's answer is not a list of models.")
            for item in raw:
                try:
                    data = parse_model_info(item, str(item.get("id")) if isinstance(item, dict) else "?")
                except HubBadAnswer:
                    continue
                if not is_hub_id(data.id):
                    continue
                yield data
                got += 1
                if got >= limit:
                    return
            if nxt is None:
                return
            link = urlsplit(nxt)
            if (link.scheme, link.hostname, link.port, link.path) != (
                base.scheme,
                base.hostname,
                base.port,
                base.path + "/api/models",
            ):
                raise HubBadAnswer(f"{label}: the Hub's next page is not on {self.shown_endpoint}; not followed.")
            path, query = f"{link.path[len(base.path) :]}?{link.query}", None

    # -- transport -----------------------------------------------------------------------

    def _get_json(self, path: str, params: Params, repo: str, max_bytes: int) -> Any:
        return self._get_page(path, params, repo, max_bytes)[0]

    def _get_page(self, path: str, params: Params, repo: str, max_bytes: int) -> tuple[Any, str | None]:
        """One GET as parsed JSON, and the ``Link: <...>; rel="next"`` URL the answer names (None when none)."""
        from .safeio import ReadProblem, loads_json

        if self.offline:
            raise HubOffline(
                "Offline mode (--offline or HF_HUB_OFFLINE=1): the Hub was not contacted.",
                "Run without --offline (and unset HF_HUB_OFFLINE) to fetch.",
            )
        self.prepare()  # the endpoint and the token, checked once (outside the watchdog: an import can be slow)
        body, link = self._with_retries(
            lambda: self._bounded(lambda: self._get_once(path, params, repo, max_bytes)), repo
        )
        try:
            # config.json is a file someone wrote (NaN and Infinity happen there): those become null
            return loads_json(body, nonfinite_as_null="/resolve/" in path), link
        except ReadProblem as exc:
            raise HubBadAnswer(
                f"{repo}: the Hub's answer {exc}.",
                "Try again later; if it persists, check --endpoint / HF_ENDPOINT.",
            ) from None

    def _bounded(self, call: Callable[[], _Got]) -> _Got:
        """``call()`` on a watchdog thread: a request that has not ended ``timeout + WATCHDOG_GRACE`` seconds after
        it began is abandoned (a retryable failure), whatever it is stuck in (a name lookup, headers sent a byte at
        a time).  The abandoned thread is a daemon: it never keeps the program alive."""
        result: list[_Got] = []
        failure: list[BaseException] = []
        done = threading.Event()

        def work() -> None:
            try:
                result.append(call())
            except BaseException as exc:  # handed to the caller's thread
                failure.append(exc)
            finally:
                done.set()

        threading.Thread(target=work, name="llmpick-hub-request", daemon=True).start()
        deadline = time.monotonic() + self.timeout + WATCHDOG_GRACE
        while not done.wait(min(0.05, max(0.0, deadline - time.monotonic()))):
            if self._cancel.is_set():
                raise HubUnavailable("cancelled.")
            if time.monotonic() >= deadline:
                raise _Retryable(f"no complete answer within {self.timeout:g} s")
        if failure:
            raise failure[0]
        return result[0]

    def _with_retries(self, call: Callable[[], _Got], repo: str) -> _Got:
        slept = 0.0
        for attempt in range(MAX_ATTEMPTS):
            self._check_cancelled(repo)
            try:
                return call()
            except _Retryable as exc:
                last = exc
            if attempt == MAX_ATTEMPTS - 1:
                break
            delay = random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt))
            if last.retry_after is not None:
                delay = max(delay, last.retry_after)
            if slept + delay > MAX_RETRY_SECONDS:
                break
            if SLEEP is None:
                self._cancel.wait(delay)
            else:
                SLEEP(delay)
            slept += delay
        raise HubUnavailable(
            f"{repo}: {last.reason} (gave up after {attempt + 1} attempt(s)).",
            "The Hub may be busy or unreachable; try again later or raise --timeout.",
        )

    def _get_once(self, path: str, params: Params, repo: str, max_bytes: int) -> _Got:
        import httpx2
        from huggingface_hub import errors as hf_errors
        from huggingface_hub.utils import get_session, hf_raise_for_status

        url = self.endpoint + path
        deadline = time.monotonic() + self.timeout
        try:
            query = tuple(params) if isinstance(params, list) else params  # repeated keys: expand=a&expand=b
            with get_session().stream(
                "GET", url, params=query, headers=self._auth_headers(), timeout=self.timeout
            ) as resp:
                status = resp.status_code
                if status == 429 or status >= 500:
                    raise _Retryable(
                        f"HTTP {status} from the Hub" + (" (rate limited)" if status == 429 else ""),
                        _retry_after(resp.headers) if status in (429, 503) else None,
                    )
                chunks, size = [], 0
                limit = max_bytes if status < 400 else 64 * 1024
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        if status >= 400:
                            break
                        raise HubBadAnswer(
                            f"{repo}: the Hub's answer is larger than {limit // (1024 * 1024)} MiB; refusing it."
                        )
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise _Retryable(f"no complete answer within {self.timeout:g} s")
                body = b"".join(chunks)
                if status >= 400:
                    headers = [
                        (k, v)
                        for k, v in resp.headers.items()
                        if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
                    ]
                    done = httpx2.Response(status, headers=headers, content=body[:limit], request=resp.request)
                    try:
                        hf_raise_for_status(done)
                    except hf_errors.GatedRepoError:
                        raise HubGated(
                            f"{repo} is gated: its files need an accepted license and a token.",
                            "Accept the terms on the model's Hub page, then set HF_TOKEN (or run `hf auth login`).",
                        ) from None
                    except hf_errors.RepositoryNotFoundError:
                        raise HubNotFound(
                            f"{repo} was not found on the Hub (it does not exist, or it is private).",
                            "Check the id; for a private repo set HF_TOKEN.",
                        ) from None
                    except (hf_errors.EntryNotFoundError, hf_errors.RemoteEntryNotFoundError):
                        raise _EntryMissing() from None
                    except hf_errors.RevisionNotFoundError:
                        raise HubNotFound(f"{repo}: revision not found on the Hub.") from None
                    except hf_errors.HfHubHTTPError:
                        if status == 404:
                            raise (
                                _EntryMissing()
                                if "/resolve/" in path
                                else HubNotFound(f"{repo} was not found on the Hub.", "Check the id.")
                            ) from None
                        raise HubError(f"{repo}: the Hub answered HTTP {status}.") from None
                    raise HubError(f"{repo}: the Hub answered HTTP {status}.")
                nxt = resp.links.get("next", {}).get("url") if "link" in resp.headers else None
                return body, nxt if isinstance(nxt, str) else None
        except HubError:
            raise
        except _EntryMissing:
            raise
        except _Retryable:
            raise
        except hf_errors.OfflineModeIsEnabled:
            raise HubOffline(
                "Offline mode (HF_HUB_OFFLINE=1): the Hub was not contacted.", "Unset HF_HUB_OFFLINE to fetch."
            ) from None
        except httpx2.TimeoutException:
            raise _Retryable(f"no answer within {self.timeout:g} s") from None
        except httpx2.ConnectError:
            raise _Retryable(f"cannot connect to {self.shown_endpoint}") from None
        except (httpx2.RemoteProtocolError, httpx2.ReadError, httpx2.WriteError, httpx2.NetworkError):
            raise _Retryable("the connection was closed before the answer was complete") from None
        except httpx2.HTTPError as exc:
            raise HubError(f"{repo}: request failed ({type(exc).__name__}).") from None
        except (httpx2.InvalidURL, UnicodeError) as exc:  # a URL or header the client cannot send
            raise UsageError(
                f"{repo}: the request to {printable(self.shown_endpoint)} cannot be sent ({type(exc).__name__}).",
                "Check --endpoint / HF_ENDPOINT and HF_TOKEN.",
            ) from None


def _import_hf_api(endpoint: str) -> Any:
    """``huggingface_hub.HfApi``.  huggingface_hub parses ``HF_ENDPOINT`` when it is imported and fails to import
    when that is malformed; the endpoint in use (already checked) stands in for it during the import."""
    saved = os.environ.get("HF_ENDPOINT")
    os.environ["HF_ENDPOINT"] = endpoint
    try:
        from huggingface_hub import HfApi
    finally:
        if saved is None:
            os.environ.pop("HF_ENDPOINT", None)
        else:
            os.environ["HF_ENDPOINT"] = saved
    return HfApi


def _check_token_file() -> None:
    """Without HF_TOKEN, huggingface_hub reads ``$HF_HOME/token``: refuse one that is not a small regular file (a
    FIFO would block the read forever, a folder would crash it)."""
    if os.environ.get("HF_TOKEN"):
        return
    import stat

    from huggingface_hub import constants

    path = constants.HF_TOKEN_PATH
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return
    if not stat.S_ISREG(info.st_mode) or info.st_size > 64 * 1024:
        raise UsageError(
            f"The Hub token file {printable(path)} is not a token (not a small regular file).",
            "Remove it (or run `hf auth login` again), or set HF_TOKEN instead.",
        )


def _version() -> str:
    from . import __version__

    return __version__


# --- Parsing ------------------------------------------------------------------------------


def parse_model_info(raw: Any, repo: str) -> HubRepoData:
    """Validate one ``model_info`` answer and keep the facts llmpick uses."""
    from pydantic import ValidationError

    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise HubBadAnswer(f"{repo}: the Hub's answer does not describe a model (no id).")
    try:
        from huggingface_hub.hf_api import ModelInfo

        info = ModelInfo(**raw)
    except Exception as exc:
        raise HubBadAnswer(f"{repo}: the Hub's answer has an unexpected shape ({type(exc).__name__}).") from None
    try:
        card_data = raw.get("cardData")
        card: dict[str, Any] = card_data if isinstance(card_data, dict) else {}
        license_ = card.get("license")
        if isinstance(license_, list):
            license_ = license_[0] if license_ else None
        if license_ == "other" and isinstance(card.get("license_name"), str):
            license_ = card["license_name"]
        base = card.get("base_model")
        base_list = [base] if isinstance(base, str) else [b for b in base or [] if isinstance(b, str)]
        langs = card.get("language")
        lang_list = [langs] if isinstance(langs, str) else [x for x in langs or [] if isinstance(x, str)]
        st = info.safetensors
        gg = info.gguf if isinstance(info.gguf, dict) else None
        return HubRepoData(
            id=info.id,
            sha=info.sha,
            last_modified=raw.get("lastModified") if isinstance(raw.get("lastModified"), str) else None,
            created_at=raw.get("createdAt") if isinstance(raw.get("createdAt"), str) else None,
            downloads=info.downloads,
            likes=info.likes,
            license=license_ if isinstance(license_, str) else None,
            gated=info.gated,
            private=info.private,
            pipeline_tag=info.pipeline_tag,
            library_name=info.library_name,
            tags=list(info.tags or []),
            base_model=base_list,
            languages=lang_list,
            safetensors_total=st.total if st else None,
            safetensors_parameters=dict(st.parameters) if st and isinstance(st.parameters, dict) else {},
            gguf=HubGguf(
                total=gg.get("total"), architecture=gg.get("architecture"), context_length=gg.get("context_length")
            )
            if gg
            else None,
            files=[
                HubFile(name=s.rfilename, size=s.size if s.size is not None else (s.lfs.size if s.lfs else None))
                for s in info.siblings or []
            ],
        )
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        raise HubBadAnswer(
            f"{repo}: the Hub's answer has a field of the wrong type or out of range ({printable(where, 80)})."
        ) from None
    except (TypeError, ValueError, AttributeError):
        raise HubBadAnswer(f"{repo}: the Hub's answer has fields of the wrong type.") from None
