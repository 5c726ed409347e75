"""Parsing of human quantities: parameter counts ("7B", "500M"), token counts ("32k"), sizes in GiB."""

from __future__ import annotations

import re

from .errors import UsageError

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
