"""Units, decided once: byte constants, the GiB figure people read, and parsing of human quantities.

Bytes are integers everywhere inside llmpick and in every JSON answer; people read GiB (2^30 bytes), always
labelled.  Bandwidths are GB/s (10^9 bytes/s), as vendors publish them.  Parameter counts parse from "7B" /
"500M"; token counts from "32k" (k = 1024 tokens), each through :func:`parse_quantity` and its valid range.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

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


# --- Parsing what people type: one bounded, finite-checked parser ---------------------------------------------
#
# Every number llmpick takes from a flag, a config file or a Python caller goes through parse_quantity() with a
# Quantity that names what it is, its units and its valid range.  Nothing else converts user text to numbers, so
# 'nan', 'inf', '1e999', 300 digits, negatives and empty strings are refused the same way everywhere: a UsageError
# (exit 2) that names the flag, shows the value (shortened when huge) and gives an example.


@dataclass(frozen=True, slots=True)
class Quantity:
    """A kind of number a flag takes: what it is (for messages), its units and its valid range."""

    what: str  # 'a size in GiB': how messages name it
    low: float
    high: float
    example: str  # a good value, as typed: '24', '32k'
    low_open: bool = False  # True: the value must be more than ``low``; else at least ``low``
    units: tuple[tuple[str, float], ...] = (("", 1),)  # suffix (lower case) -> scale; "" = no suffix
    unit: str = ""  # the unit the bounds are written in ('GiB', 'tokens')
    whole: bool = False  # a count of things: 2.7 is refused, and so is the float 2.0 from YAML or Python
    integer: bool = False  # the result is an int, rounded after scaling ('1.5B' parameters, '0.5k' tokens)

    def bounds(self) -> str:
        """The valid range in words: 'positive and at most 4,096 GiB', 'from 1 to 128'."""
        unit = f" {self.unit}" if self.unit else ""
        if self.low == 0 and self.low_open:
            return f"positive and at most {_figure(self.high)}{unit}"
        return f"from {_figure(self.low)} to {_figure(self.high)}{unit}"


def _figure(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


_GIB_UNITS = (("", 1), ("g", 1), ("gb", 1), ("gib", 1))  # '24GB' is what a '24 GB' card has: 24 GiB
_COUNT_UNITS = (("", 1), ("k", 10**3), ("m", 10**6), ("b", 10**9), ("g", 10**9), ("t", 10**12))
_TOKEN_UNITS = (("", 1), ("k", 1024), ("m", 1024 * 1024))  # context sizes are powers of two: 32k = 32768

# The valid ranges, each far above anything real (a bound exists so that absurd input is an error, not a
# crash, a hang or a 127 MB answer):
# - a card's memory: the largest cards today carry 288 GB (AMD MI355X, NVIDIA B300); 4 TiB leaves >10x room.
CARD_MEMORY = Quantity("a card's memory in GiB", 0, 4096, "24", low_open=True, units=_GIB_UNITS, unit="GiB")
# - a machine's memory: the largest single-system servers hold 32-48 TB (8-socket Xeon, HPE Superdome Flex).
MEMORY = Quantity("a size in GiB", 0, 65536, "64", low_open=True, units=_GIB_UNITS, unit="GiB")
MEMORY_OR_ZERO = Quantity("a size in GiB", 0, 65536, "1.5", units=_GIB_UNITS, unit="GiB")  # --reserve
# - memory bandwidth: HBM3e cards reach 8 TB/s (B200, MI355X); 100 TB/s leaves >10x room.
BANDWIDTH = Quantity(
    "a bandwidth in GB/s", 0, 100_000, "51.2", low_open=True, units=(("", 1), ("gb/s", 1)), unit="GB/s"
)
SHARE = Quantity("a share of memory", 0, 1, "0.75", low_open=True)
# - cards in one machine: 8-16 in the largest servers; 128 also covers a 72-GPU NVLink domain (GB200 NVL72).
CARDS = Quantity("a number of cards", 1, 128, "2", whole=True, integer=True)
# - machines serving one model (vLLM over Ray): tens at most in published deployments.
NODES = Quantity("a number of machines", 1, 1024, "2", whole=True, integer=True)
# - parameters: the largest published models have 1-2 trillion; 10^15 leaves 500x room.
PARAMS = Quantity("a parameter count", 0, 10**15, "7B", units=_COUNT_UNITS, integer=True)
# - context: the longest published context windows are 10M tokens (Llama 4 Scout); the estimator's cap too.
MAX_CONTEXT_TOKENS = 10_000_000
TOKENS = Quantity(
    "a token count", 0, MAX_CONTEXT_TOKENS, "32k", low_open=True, units=_TOKEN_UNITS, unit="tokens", integer=True
)
# - sequences served at once: vLLM's default max_num_seqs is 256; 4096 is the estimator's cap.
PARALLEL = Quantity("a number of sequences", 1, 4096, "4", whole=True, integer=True)
TOP = Quantity("a number of models", 1, 100_000, "10", whole=True, integer=True)
# - decode speed: a few hundred tokens/s for one stream on the fastest cards; 0 asks for nothing.
SPEED = Quantity("a speed in tokens/s", 0, 1_000_000, "20")

_NUMBER = re.compile(r"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[+-]?[0-9]+)?)\s*([a-z/]*)")
_SHOWN = 24  # characters of a value a message shows; longer ones are shortened


def printable(text: str, limit: int = _SHOWN) -> str:
    """``text`` for a one-line message: control characters (newlines too) escaped, shortened past ``limit``."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[: limit * 4])  # slice: bounded work
    return text if len(text) <= limit else f"{text[: limit // 2]}...{text[-(limit // 4) :]}"


def shown(value: object) -> str:
    """A value as a message shows it: quoted, control characters escaped, and shortened when long (a 300-digit
    number is never echoed whole: '999999999999...999999' (300 characters))."""
    if isinstance(value, bool):
        text = str(value).lower()  # as YAML and JSON write it
    elif isinstance(value, int) and value.bit_length() > 64:  # repr() refuses ints over 4,300 digits
        n = abs(value)
        low = int(n.bit_length() * math.log10(2))  # the digit count is low or low + 1
        return f"a {low + 1 if n >= 10**low else low:,}-digit {'negative ' if value < 0 else ''}number"
    else:
        text = value if isinstance(value, str) else repr(value)
    if len(text) > _SHOWN:
        return f"'{printable(text[:12], 12)}...{printable(text[-6:], 6)}' ({len(text):,} characters)"
    return f"'{printable(text)}'"


def _example(kind: Quantity, flag: str) -> str:
    """'For example: --vram 24.' for a flag; 'For example: vram: 24' for a key of a file ('...: hardware.vram')."""
    if flag.startswith("-"):
        return f"For example: {flag} {kind.example}."
    return f"For example: {flag.rsplit('.', 1)[-1].rsplit(' ', 1)[-1]}: {kind.example}"


def parse_quantity(value: object, kind: Quantity, flag: str) -> float:
    """``value`` (text as typed, or a number from Python or YAML) as a number of ``kind``, in its base unit.

    Text takes the kind's suffixes ('24GB', '32k', '7B'); numbers are taken as they are, but never a bool, never
    a float where a whole count is wanted, never NaN or infinity.  Anything else, or a value out of the kind's
    range, is a UsageError naming ``flag``."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise UsageError(f"{flag}: {shown(value)} is not {kind.what}.", _example(kind, flag))
    number: float
    if isinstance(value, str):
        text = value.strip().lower()
        if not text:
            raise UsageError(f"{flag}: the value is empty; give {kind.what}.", _example(kind, flag))
        m = _NUMBER.fullmatch(text)
        scale = dict(kind.units).get(m.group(2)) if m else None
        if m is None or scale is None:
            raise UsageError(f"{flag}: {shown(value)} is not a number ({kind.what}).", _example(kind, flag))
        number = float(m.group(1)) * scale  # 300 digits or 1e999 -> a huge float or inf, refused below
    elif isinstance(value, float) and kind.whole and math.isfinite(value):
        raise UsageError(
            f"{flag}: {shown(value)} is a decimal number; {kind.what} is a whole number.", _example(kind, flag)
        )
    else:
        number = value
    if isinstance(number, float) and math.isnan(number):
        raise UsageError(f"{flag}: {shown(value)} is not a number ({kind.what}).", _example(kind, flag))
    if kind.whole and isinstance(number, float) and math.isfinite(number) and not number.is_integer():
        raise UsageError(f"{flag}: {shown(value)} is not a whole number ({kind.what}).", _example(kind, flag))
    if kind.integer and isinstance(number, float) and math.isfinite(number):
        number = round(number)
    too_low = number < kind.low or (kind.low_open and number == kind.low)
    if too_low or number > kind.high:  # inf is above every bound
        raise _out_of_range(value, kind, flag)
    return number


def _out_of_range(value: object, kind: Quantity, flag: str) -> UsageError:
    return UsageError(
        f"{flag}: {shown(value)} is out of range: {kind.what} must be {kind.bounds()}.", _example(kind, flag)
    )


def parse_int(value: object, kind: Quantity, flag: str) -> int:
    """:func:`parse_quantity` for kinds whose values are whole numbers (counts of cards, tokens, parameters)."""
    return int(parse_quantity(value, kind, flag))


def parse_count(text: object, what: str) -> int:
    """A parameter count: '7B' -> 7_000_000_000, '500m' -> 500_000_000, '7e9' -> 7_000_000_000."""
    return parse_int(text, PARAMS, what)


def parse_tokens(text: object, what: str = "--context") -> int:
    """A token count: '8192', '32k', '128K' (k = 1024 tokens, as context sizes are powers of two)."""
    return parse_int(text, TOKENS, what)


def parse_gib_bytes(value: object, kind: Quantity, flag: str) -> int:
    """A size in GiB ('24', '24GB', '24 GiB': the number is always GiB) as bytes (a positive size stays
    positive: '1e-12' GiB is not 0 bytes)."""
    n_bytes = round(parse_quantity(value, kind, flag) * GIB)
    if n_bytes == 0 and kind.low_open:
        raise _out_of_range(value, kind, flag)
    return n_bytes
