"""The JSON Schemas of every answer: found without a list, committed in schemas/, and never stale."""

from __future__ import annotations

import json
from typing import ClassVar

import pytest

from llmpick.errors import ERROR_KINDS, ExitCode
from llmpick.schema import export
from llmpick.schema.base import Answer
from llmpick.schema.errors import ErrorKind
from tests.conftest import ROOT

SCHEMAS = ROOT / "schemas"
REGENERATE = f"run: {export.REGENERATE}"


def test_committed_schemas_are_current():
    wanted = export.schemas()
    committed = {p.name: p.read_text(encoding="utf-8") for p in SCHEMAS.glob("*.json")}
    missing = sorted(wanted.keys() - committed.keys())
    extra = sorted(committed.keys() - wanted.keys())
    stale = sorted(n for n in wanted.keys() & committed.keys() if wanted[n] != committed[n])
    assert not (missing or extra or stale), f"schemas/: missing {missing}, extra {extra}, stale {stale}; {REGENERATE}"


def test_every_answer_has_its_file():
    classes = export.answer_classes()
    for name in ("error", "estimate", "quants", "refresh", "catalog verify", "catalog add"):
        assert name in classes
    assert export.file_name("catalog validate") == "catalog-validate.json"
    assert export.file_name("hardware --list-gpus") == "hardware-list-gpus.json"
    for command, cls in classes.items():
        doc = json.loads(export.schema_text(cls))
        assert doc["$schema"] == export.JSON_SCHEMA_DIALECT and doc["type"] == "object"
        # what llmpick prints always has these keys, so the schema requires them
        assert {"schema_version", "command", "warnings"} <= set(doc["required"]), command


def test_discovery_finds_new_answers_and_refuses_ambiguity():
    """Answers are found by walking Answer's subclasses (here: those of this module); a leaf without COMMAND
    or two classes with one COMMAND are errors."""

    class Base(Answer):  # a shared base: no COMMAND of its own, has subclasses
        pass

    class ProbeAnswer(Base):
        COMMAND: ClassVar[str] = "probe --deep"

    assert export.answer_classes(within=__name__) == {"probe --deep": ProbeAnswer}
    assert export.file_name(ProbeAnswer.COMMAND) == "probe-deep.json"

    class Twin(Answer):
        COMMAND: ClassVar[str] = "probe --deep"

    with pytest.raises(TypeError, match=r"ProbeAnswer and .*Twin"):
        export.answer_classes(within=__name__)
    Twin.COMMAND = "twin"

    class Forgotten(Answer):
        pass

    with pytest.raises(TypeError, match="Forgotten answers a command but sets no COMMAND"):
        export.answer_classes(within=__name__)
    # none of them is llmpick's: the schemas written are unchanged
    assert "probe-deep.json" not in export.schemas()


def test_write_makes_the_folder_exact(tmp_path):
    (tmp_path / "gone.json").write_text("{}")
    (tmp_path / "estimate.json").write_text("{}")
    changes = export.write(tmp_path)
    assert "removed gone.json" in changes and "updated estimate.json" in changes
    assert sorted(p.name for p in tmp_path.glob("*.json")) == sorted(export.schemas())
    assert export.write(tmp_path) == []


def test_error_kinds_match_the_schema():
    assert set(ERROR_KINDS.values()) == set(ErrorKind.__args__)
    assert set(ERROR_KINDS) == set(ExitCode) - {ExitCode.OK}
