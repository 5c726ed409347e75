"""The Hub settings a user gives, checked before anything is sent, and endpoints made safe to show.

* ``resolve_endpoint``: ``--endpoint``, else ``HF_ENDPOINT``, else huggingface.co; an http(s) URL with a host, no
  spaces, control characters, query or fragment.  A bad one is a :class:`UsageError` (exit 2), never a crash.
* ``check_timeout``: finite, above 0, at most ``MAX_TIMEOUT`` seconds (``0``, ``nan``, ``inf``, ``1e308`` refused).
* ``redact_url``: credentials in an endpoint (``http://user:secret@mirror``) are used for requests only; every
  message, answer and file shows ``http://user:***@mirror``.

Pure and cheap: no HTTP client is imported here.
"""

from __future__ import annotations

import math
import os

from .errors import UsageError

DEFAULT_ENDPOINT = "https://huggingface.co"
DEFAULT_TIMEOUT = 10.0
MAX_TIMEOUT = 600.0  # seconds for one request; with retries one call stays under ~45 minutes at worst


def redact_url(url: str) -> str:
    """``url`` with the password (or a lone user name, which may be a token) of its userinfo replaced by ``***``:
    ``http://user:secret@mirror/x`` -> ``http://user:***@mirror/x``.  Anything without userinfo is unchanged.

    Works on malformed URLs too (it only looks for ``scheme://userinfo@``), so error messages can use it."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    end = len(rest)
    for stop in "/?#":
        i = rest.find(stop)
        if i != -1:
            end = min(end, i)
    authority = rest[:end]
    if "@" not in authority:
        return url
    userinfo, host = authority.rsplit("@", 1)
    user, colon, _secret = userinfo.partition(":")
    shown = f"{user}:***" if colon and user else "***"
    return f"{scheme}://{shown}@{host}{rest[end:]}"


def printable(value: str, limit: int = 200) -> str:
    """``value`` for a message: control characters as escapes, at most ``limit`` characters."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)
    return text if len(text) <= limit else text[:limit] + "..."


def _endpoint_problem(value: str) -> str | None:
    from urllib.parse import urlsplit

    if not value.startswith(("http://", "https://")):
        return "not an http(s) URL"
    if any(c.isspace() or not c.isprintable() for c in value):
        return "it holds a space or a control character"
    try:
        parts = urlsplit(value)
        host, _port = parts.hostname, parts.port  # .port raises ValueError for a port that is not 0-65535
    except ValueError as exc:
        return f"malformed ({exc})"
    if not host:
        return "no host name"
    if parts.query or parts.fragment:
        return "it has a query (?...) or a fragment (#...)"
    return None


def resolve_endpoint(endpoint: str | None = None) -> str:
    """The endpoint to use (``endpoint``, else ``HF_ENDPOINT``, else huggingface.co), checked; UsageError if bad."""
    source = "--endpoint" if endpoint else "HF_ENDPOINT"
    value = endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT
    value = value.strip().rstrip("/")
    problem = _endpoint_problem(value)
    if problem:
        raise UsageError(
            f"Hub endpoint {source} '{printable(redact_url(value))}' cannot be used: {problem}.",
            "Pass --endpoint https://... or fix HF_ENDPOINT.",
        )
    return value


def check_timeout(timeout: float | None) -> float:
    """``--timeout`` in seconds: None means the default; otherwise finite, above 0, at most MAX_TIMEOUT."""
    if timeout is None:
        return DEFAULT_TIMEOUT
    try:
        value = float(timeout)
    except (TypeError, ValueError, OverflowError):
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_TIMEOUT):
        raise UsageError(
            f"--timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT:g} (got {printable(str(timeout))}).",
            f"The default is {DEFAULT_TIMEOUT:g}; e.g. --timeout 30 on a slow link.",
        )
    return value
