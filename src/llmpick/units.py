"""Units, decided once: byte constants, the GiB figure people read, and parsing of human quantities.

Bytes are integers everywhere inside llmpick and in every JSON answer; people read GiB (2^30 bytes), always
labelled.  Bandwidths are GB/s (10^9 bytes/s), as vendors publish them.  Parameter counts parse from "7B" /
"500M"; token counts from "32k" (k = 1024 tokens).
"""

from __future__ import annotations

import re

from .errors import UsageError

MIB = 1 << 20
GIB = 1 << 30
GB = 10**9  # bandwidths and vendors' "GB" figures


def gib(n_bytes: float | None, digits: int = 1) -> str:
    """Bytes as a labelled GiB figure for people, e.g. '4.1 GiB'; unknown stays visibly unknown ('?')."""
    if n_bytes is None:
        return "?"
    return f"{n_bytes / GIB:.{digits}f} GiB"


def gib_number(n_bytes: float | None, digits: int = 2) -> str:
    """The GiB figure alone, for table columns whose header carries the unit ('GiB'); '?' when unknown."""
    return "?" if n_bytes is None else f"{n_bytes / GIB:.{digits}f}"


def gib_whole(n_bytes: float | None) -> str:
    """Like :func:`gib`, without the '.0' of a whole size: '24 GiB', '11.5 GiB' (cards and machines)."""
    if n_bytes is None:
        return "?"
    v = n_bytes / GIB
    return gib(n_bytes, 0 if abs(v - round(v)) < 0.05 else 1)


_SUFFIX = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9, "g": 10**9, "t": 10**12}
_NUM = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:e[0-9]+)?)\s*([kmbgt]?)\s*$", re.IGNORECASE)


def parse_count(text: str, what: str) -> int:
    """'7B' -> 7_000_000_000, '500m' -> 500_000_000, '7e9' -> 7_000_000_000."""
    m = _NUM.match(str(text))
    if not m:
        raise UsageError(f"{what}: '{text}' is not a number", "Use forms like 7B, 500M or 7000000000.")
    return round(float(m.group(1)) * _SUFFIX[m.group(2).lower()])


def parse_tokens(text: str, what: str = "--context") -> int:
    """'8192', '32k', '128K' (k = 1024 tokens, as context sizes are powers of two)."""
    m = _NUM.match(str(text))
    if not m or m.group(2).lower() not in ("", "k", "m"):
        raise UsageError(f"{what}: '{text}' is not a token count", "Use forms like 8192, 32k or 128k.")
    scale = {"": 1, "k": 1024, "m": 1024 * 1024}[m.group(2).lower()]
    return round(float(m.group(1)) * scale)
