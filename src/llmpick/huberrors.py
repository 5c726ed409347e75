"""The Hub's failures as llmpick names them, and what a failed attempt says about retrying.

Pure: no HTTP client here (``hub`` is the only module that imports one); ``hub`` re-exports every name.  Each
error's message is safe to print: it never holds a token, request headers or a URL's credentials.
"""

from __future__ import annotations

import math
import time
from typing import Any

from .errors import HubError


class HubNotFound(HubError):
    """The repo does not exist, or is private and the token cannot see it."""


class HubGated(HubError):
    """The repo is gated and this token has not been granted access."""


class HubOffline(HubError):
    """Offline mode: nothing was sent."""


class HubUnavailable(HubError):
    """Rate limited, server errors, timeouts or dropped connections, after every retry."""


class HubBadAnswer(HubError):
    """The Hub answered, but not with what the API promises (not JSON, wrong shape, too large)."""


class Retryable(Exception):
    """One attempt failed in a way another attempt may not (429, 5xx, a timeout, a dropped connection)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class EntryMissing(Exception):
    """A file that is not in the repo (404 EntryNotFound)."""


def retry_after(headers: Any) -> float | None:
    """Seconds a ``Retry-After`` header asks for (a number or an HTTP date); None when absent or unreadable."""
    raw = headers.get("Retry-After") if headers is not None else None
    if raw is None:
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        from email.utils import parsedate_to_datetime

        try:
            value = parsedate_to_datetime(raw).timestamp() - time.time()
        except (TypeError, ValueError, OverflowError, IndexError):
            return None
    return max(0.0, value) if not math.isnan(value) else None  # inf: longer than any wait allowed, so it fails
