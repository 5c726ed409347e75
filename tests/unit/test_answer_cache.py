"""Answers of recommend and check are kept for the same question, and asked again when anything they depend on
changes: the arguments, the machine, a catalog file, the Hub cache, the code."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.helpers import entry, write_entry

QUESTION = ("recommend", "--vram", "24", "--top", "3", "--json")


def answers(tmp_path):
    folder = tmp_path / "cache" / "answers"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def test_the_same_question_is_answered_from_the_cache(cli, tmp_path):
    first = cli(*QUESTION)
    assert first.exit_code == 0 and len(answers(tmp_path)) == 1
    stored = answers(tmp_path)[0]
    doc = json.loads(stored.read_text())
    doc["hint"] = "from the cache"  # mark the stored answer: the next run must print it as it is
    stored.write_text(json.dumps(doc))
    again = cli(*QUESTION)
    assert again.json["hint"] == "from the cache"
    assert {k: v for k, v in again.json.items() if k != "hint"} == {k: v for k, v in first.json.items() if k != "hint"}


@pytest.mark.parametrize(
    "change",
    ["args", "machine", "catalog", "hub"],
)
def test_anything_the_answer_depends_on_asks_again(cli, tmp_path, change):
    overlay = tmp_path / "overlay"
    write_entry(overlay, "org/Tiny", entry())
    base = ("recommend", "--vram", "24", "--top", "500", "--json", "--catalog", str(overlay))
    cli(*base)
    assert len(answers(tmp_path)) == 1
    args = base
    if change == "args":
        args = (*base, "--top", "2")
    elif change == "machine":
        args = ("recommend", "--vram", "16", "--top", "500", "--json", "--catalog", str(overlay))
    elif change == "catalog":
        write_entry(overlay, "org/Tiny", entry(name="Tiny, edited", params={"total": 1_100_000_000}))
    elif change == "hub":
        from llmpick import hubcache

        (hubcache.root() / "org").mkdir(parents=True)
    r = cli(*args)
    assert r.exit_code == 0
    assert len(answers(tmp_path)) == 2
    if change == "catalog":
        assert any(i["model"]["name"] == "Tiny, edited" for i in r.json["items"])


def test_check_keeps_its_verdict_and_exit_code(cli, tmp_path):
    for _ in range(2):
        r = cli("check", "goliath-120b", "--gpu", "RTX 4090", "--json")
        assert r.exit_code == 1 and r.json["fits"] is False
    assert len(answers(tmp_path)) == 1
    for _ in range(2):
        r = cli("check", "goliath-120b", "--gpu", "RTX 4090", "--explain")
        assert r.exit_code == 1 and "DOES NOT FIT" in r.stdout


def test_damaged_answers_are_asked_again_and_the_cache_can_be_turned_off(cli, tmp_path, monkeypatch):
    cli(*QUESTION)
    answers(tmp_path)[0].write_text("{not json")
    assert cli(*QUESTION).json["command"] == "recommend"
    monkeypatch.setenv("LLMPICK_NO_ANSWER_CACHE", "1")
    for f in answers(tmp_path):
        f.unlink()
    assert cli(*QUESTION).exit_code == 0 and answers(tmp_path) == []


def test_a_cached_answer_needs_no_pydantic(tmp_path):
    env = dict(os.environ, LLMPICK_CACHE_DIR=str(tmp_path / "c"), LLMPICK_CONFIG_DIR=str(tmp_path / "cfg"))
    cmd = [
        sys.executable,
        "-c",
        "import sys; from llmpick.cli import main; sys.argv=['llmpick', *sys.argv[1:]]; main()",
    ]
    cmd += ["recommend", "--vram", "24", "--json"]
    subprocess.run(cmd, env=env, capture_output=True, check=True)
    probe = (
        "import sys, runpy; sys.argv=['llmpick','recommend','--vram','24','--json']\n"
        "from llmpick.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('LOADED=' + ','.join(m for m in ('pydantic','yaml','rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["command"] == "recommend"
    assert out.stderr.rstrip().endswith("LOADED=")


def test_an_edited_answer_that_no_longer_validates_is_asked_again_for_tables(cli, tmp_path):
    cli(*QUESTION)
    stored = answers(tmp_path)[0]
    doc = json.loads(stored.read_text())
    doc["items"] = "not a list"
    stored.write_text(json.dumps(doc))
    r = cli("recommend", "--vram", "24", "--top", "3")
    assert r.exit_code == 0 and "Traceback" not in r.stderr
