import pytest

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
