"""The output sink: one line per message whatever a user typed, escapes made visible, strict JSON."""

from __future__ import annotations

import json

import pytest

from llmpick import output


def test_an_error_that_echoes_a_line_break_stays_one_line(capsys):
    output.error("--use: unknown value 'a\nb\rc'.", "hint\nwith a break", ["file:1: x\ny"])
    err = capsys.readouterr().err
    assert err.splitlines() == ["file:1: x\\ny", "Error: --use: unknown value 'a\\nb\\rc'.", "  hint\\nwith a break"]


def test_terminal_escapes_are_shown_not_sent(capsys):
    output.warn("evil \x1b[31mred\x07")
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b" in err and "\\x07" in err


def test_emit_refuses_nan_instead_of_printing_invalid_json(capsys):
    class Doc:
        def model_dump(self, *, mode: str = "json") -> dict:
            return {"x": float("nan")}

    with pytest.raises(ValueError):
        output.emit(Doc())
    good = type("Good", (), {"model_dump": lambda self, mode="json": {"x": 1.5, "s": "é"}})()
    output.emit(good)
    assert json.loads(capsys.readouterr().out) == {"x": 1.5, "s": "é"}
