import pytest

from llmpick import units as U
from llmpick.errors import UsageError
from llmpick.units import parse_count, parse_tokens


@pytest.mark.parametrize(
    "text, n",
    [
        ("7B", 7_000_000_000),
        ("7b", 7_000_000_000),
        ("500M", 500_000_000),
        ("1.5B", 1_500_000_000),
        ("7e9", 7_000_000_000),
        ("1T", 10**12),
        ("42", 42),
    ],
)
def test_parse_count(text, n):
    assert parse_count(text, "--x") == n


@pytest.mark.parametrize("text, n", [("8192", 8192), ("32k", 32768), ("128K", 131072), ("0.5k", 512)])
def test_parse_tokens(text, n):
    assert parse_tokens(text) == n


@pytest.mark.parametrize("text", ["lots", "7 B B", "-3", "", "3x"])
def test_bad_numbers(text):
    with pytest.raises(UsageError):
        parse_count(text, "--x")
    with pytest.raises(UsageError):
        parse_tokens(text)


# --- the one parser: units.parse_quantity and its kinds (issue #10: D9, D20, D21, D22, D27) -------------------


@pytest.mark.parametrize(
    "value, kind, expect",
    [
        ("24", U.CARD_MEMORY, 24),
        ("24GB", U.CARD_MEMORY, 24),
        (" 24 GiB ", U.CARD_MEMORY, 24),
        ("4096", U.CARD_MEMORY, 4096),
        (24, U.CARD_MEMORY, 24),
        (11.5, U.MEMORY, 11.5),
        ("0", U.MEMORY_OR_ZERO, 0),
        ("51.2 GB/s", U.BANDWIDTH, 51.2),
        ("1", U.SHARE, 1),
        ("128", U.CARDS, 128),
        (2, U.CARDS, 2),
        ("1024", U.NODES, 1024),
        ("0", U.PARAMS, 0),
        ("1e-3k", U.PARAMS, 1),
        ("9.5m", U.TOKENS, 9_961_472),
        ("10000000", U.TOKENS, 10_000_000),
        ("0", U.SPEED, 0),
    ],
)
def test_parse_quantity_takes_good_values(value, kind, expect):
    assert U.parse_quantity(value, kind, "--x") == expect


@pytest.mark.parametrize(
    "value, kind, phrase",
    [
        ("nan", U.MEMORY, "not a number"),
        ("inf", U.MEMORY, "not a number"),
        (float("nan"), U.MEMORY, "not a number"),
        (float("inf"), U.MEMORY, "out of range"),
        (float("-inf"), U.SHARE, "out of range"),
        ("1e999", U.TOKENS, "out of range"),
        ("9" * 300, U.CARD_MEMORY, "out of range"),
        (10**400, U.NODES, "out of range"),
        ("99999999999999999999", U.CARDS, "from 1 to 128"),
        ("4097", U.CARD_MEMORY, "at most 4,096 GiB"),
        ("65537", U.MEMORY, "at most 65,536 GiB"),
        ("0", U.CARD_MEMORY, "positive"),
        ("-1", U.MEMORY_OR_ZERO, "out of range"),
        ("0", U.SHARE, "positive"),
        ("1.01", U.SHARE, "at most 1"),
        ("0", U.CARDS, "from 1"),
        ("2.7", U.CARDS, "whole number"),
        (2.0, U.CARDS, "whole number"),  # a float from YAML or Python is not a count, even 2.0
        (True, U.CARDS, "not a number of cards"),
        (None, U.MEMORY, "not a size"),
        ([24], U.MEMORY, "not a size"),
        ("", U.TOKENS, "empty"),
        ("   ", U.TOKENS, "empty"),
        ("1e-5", U.TOKENS, "positive"),  # rounds to 0 tokens
        ("20000000", U.TOKENS, "10,000,000"),
        ("0x10", U.CARDS, "not a number"),
        ("２４", U.MEMORY, "not a number"),  # fullwidth digits: float() would take them
        ("24 TB", U.MEMORY, "not a number"),
        ("1e999", U.PARAMS, "out of range"),
        ("-1", U.SPEED, "out of range"),
    ],
)
def test_parse_quantity_refuses_with_one_line(value, kind, phrase):
    with pytest.raises(UsageError) as exc:
        U.parse_quantity(value, kind, "--x")
    message = exc.value.message
    assert phrase in message and message.startswith("--x: ") and "\n" not in message
    assert len(message) < 200 and "9" * 30 not in message and "0" * 30 not in message  # huge values shortened
    assert exc.value.hint and exc.value.hint.startswith("For example: --x ")


def test_a_file_key_gets_a_yaml_example():
    with pytest.raises(UsageError) as exc:
        U.parse_int(2.7, U.CARDS, "/c/config.yaml: hardware.gpus")
    assert exc.value.message.startswith("/c/config.yaml: hardware.gpus: '2.7'")
    assert exc.value.hint == "For example: gpus: 2"


def test_a_positive_size_is_never_zero_bytes():
    assert U.parse_gib_bytes("1", U.MEMORY, "--ram") == U.GIB
    with pytest.raises(UsageError, match="positive"):
        U.parse_gib_bytes("1e-12", U.MEMORY, "--ram")
    assert U.parse_gib_bytes("0", U.MEMORY_OR_ZERO, "--reserve") == 0


def test_shown_escapes_and_shortens():
    assert U.shown("24") == "'24'"
    assert U.shown("a\nb\x1b[31m") == "'a\\nb\\x1b[31m'"
    long = U.shown("9" * 300)
    assert long.endswith("(300 characters)") and len(long) < 50
    assert U.shown(10**5000) == "a 5,001-digit number"  # repr() would raise past 4,300 digits
    assert U.shown(10**300 - 1) == "a 300-digit number" and U.shown(-(10**300)) == "a 301-digit negative number"
    assert U.shown(True) == "'true'"


def test_every_kind_has_a_good_example_and_sane_bounds():
    kinds = [v for v in vars(U).values() if isinstance(v, U.Quantity)]
    assert len(kinds) >= 10
    for kind in kinds:
        assert 0 <= kind.low < kind.high < 1e16, kind
        U.parse_quantity(kind.example, kind, "--x")  # the example in every message is itself valid
