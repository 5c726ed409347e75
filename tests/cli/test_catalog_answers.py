"""Every JSON answer of the catalog commands validates against its schema model, key for key.

Each answer is parsed with its pydantic model and dumped again: the dump must equal the document, so a key the
model does not know (which validation would drop) or a value it would change fails the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, TypeVar

import pytest

from llmpick.schema import (
    Answer,
    ListAnswer,
    ShowAnswer,
    StatsAnswer,
    TreeAnswer,
    UsesAnswer,
    ValidateAnswer,
)
from tests.helpers import entry, write_entry

A = TypeVar("A", bound=Answer)


def check_answer(model: type[A], doc: dict[str, Any]) -> A:
    """``doc`` is exactly an answer of ``model``: it validates, and nothing is dropped or changed by the model."""
    answer = model.model_validate(doc)
    assert answer.model_dump(mode="json") == doc
    assert doc["command"] == model.model_fields["command"].default
    return answer


def _family(tmp_path):
    write_entry(tmp_path, "zz/base", entry())
    write_entry(tmp_path, "zz/tune", entry(method="finetune", base_model="zz/base", uses=["chat"]))
    write_entry(
        tmp_path, "zz/merge", entry(method="merge", uses=["roleplay"], merge_parents=["zz/tune", "outside/model"])
    )
    return ["--catalog", str(tmp_path)]


@pytest.mark.parametrize(
    "args, model",
    [
        (["list"], ListAnswer),
        (["list", "--use", "coding", "--sort", "params", "--limit", "3"], ListAnswer),
        (["list", "--max-vram", "8"], ListAnswer),
        (["list", "--family", "no-such-family"], ListAnswer),
        (["show", "openhermes-2.5"], ShowAnswer),
        (["show", "goliath-120b"], ShowAnswer),
        (["uses"], UsesAnswer),
        (["tree", "mistralai/Mistral-7B-v0.1"], TreeAnswer),
        (["catalog", "stats"], StatsAnswer),
        (["catalog", "validate"], ValidateAnswer),
    ],
)
def test_builtin_catalog_answers_match_their_schema(cli, args, model):
    for run in ("cold", "warm"):  # the first run builds the index, the second answers from it
        r = cli(*args, "--format", "json")
        assert r.exit_code == 0, (run, r.stderr)
        assert r.stderr == "", run
        check_answer(model, r.json)


def test_list_items_are_model_summaries_with_their_vram_need(cli):
    answer = check_answer(ListAnswer, cli("list", "--json").json)
    assert all(i.hub is None for i in answer.items)
    need = {i.id: i for i in answer.items}["mistralai/Mistral-7B-v0.1"]
    assert need.vram_need_bytes and need.vram_need_assumptions[0].startswith("Q4_K_M")


def test_show_carries_typed_arch_artifacts_and_license_note(cli):
    answer = check_answer(ShowAnswer, cli("show", "Intel/neural-chat-7b-v3-1", "--json").json)
    item = answer.item
    assert item.arch.layers == 32 and item.arch.kv_heads == 8
    assert item.artifacts[0].format == "gguf" and item.artifacts[0].files[0].quant == "Q2_K"
    assert item.license_note  # apache-2.0: the license table's note


def test_tree_and_stats_and_validate_on_a_hand_made_catalog(cli, tmp_path):
    args = _family(tmp_path)
    tree = check_answer(TreeAnswer, cli("tree", "zz/merge", *args, "--json").json).item
    nodes = {n.id: n for n in tree.nodes}
    assert nodes["outside/model"].outside_line and not nodes["outside/model"].in_catalog
    assert not nodes["zz/tune"].outside_line
    assert {"from": "zz/base", "to": "zz/tune", "kind": "base"} in tree.edges
    check_answer(StatsAnswer, cli("catalog", "stats", *args, "--json").json)
    ok = check_answer(ValidateAnswer, cli("catalog", "validate", str(tmp_path), "--json").json)
    assert ok.items == [] and ok.checked == 3 and ok.valid == 3


def test_validate_answer_with_problems(cli, tmp_path):
    write_entry(tmp_path, "zz/ok", entry())
    bad = write_entry(tmp_path, "zz/bad", entry(params={"total": -1}))
    r = cli("catalog", "validate", str(tmp_path), "--json")
    assert r.exit_code == 3
    answer = check_answer(ValidateAnswer, r.json)
    assert answer.checked == 2 and answer.valid == 1
    problem = answer.items[0]
    assert problem.path == str(bad) and problem.field == "params.total" and problem.line


def test_list_with_cached_hub_data_is_the_typed_answer(cli):
    from llmpick import hubcache
    from llmpick.schema import HubRepoData

    repo = "mistralai/Mistral-7B-v0.1"
    plain = cli("list", "--json").json
    hubcache.write(repo, HubRepoData(id=repo, downloads=123, likes=4), endpoint="http://hub")
    doc = cli("list", "--json").json
    answer = check_answer(ListAnswer, doc)
    hub = {i.id: i.hub for i in answer.items}
    assert hub[repo] is not None and hub[repo].downloads == 123
    # Apart from Hub data, the typed answer and the stored one are the same document.
    for item in doc["items"]:
        item["hub"] = None
    assert doc == plain


def test_stored_list_equals_the_typed_list_and_the_unindexed_list(cli, monkeypatch):
    from llmpick.catalog import load_catalog
    from llmpick.estimate import vram_need
    from llmpick.schema import ModelSummaryOut

    cold, warm = cli("list", "--json").json, cli("list", "--json").json
    models = sorted(load_catalog(use_cache=False), key=lambda m: m.id.lower())
    typed = ListAnswer(items=[ModelSummaryOut.of(m, vram=vram_need(m)) for m in models])
    assert cold == warm == typed.model_dump(mode="json")
    monkeypatch.setenv("LLMPICK_NO_INDEX", "1")
    assert cli("list", "--json").json == cold


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys, warnings; warnings.simplefilter('error'); sys.argv = ['llmpick', *sys.argv[1:]]\n"
        "from llmpick.cli import main\n"
        "try: main()\n"
        "except SystemExit as e: code = e.code\n"
        "else: code = 0\n"
        "mods = ('pydantic', 'yaml', 'rich', 'llmpick.estimate', 'llmpick.schema', 'huggingface_hub')\n"
        "sys.stderr.write('LOADED=' + ','.join(m for m in mods if m in sys.modules))\n"
        "sys.exit(code)\n"
    )
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=dict(os.environ))


def test_warm_list_json_builds_nothing_and_prints_nothing_on_stderr():
    cold = _run(["list", "--format", "json"])
    assert cold.returncode == 0, cold.stderr
    warm = _run(["list", "--format", "json"])
    assert warm.returncode == 0, warm.stderr
    # No pydantic (nothing validated or serialised), no YAML, no estimator, no rich; no warning either.
    assert warm.stderr == "LOADED=", warm.stderr
    assert json.loads(warm.stdout) == json.loads(cold.stdout)
    assert cold.stderr.startswith("LOADED=") and "Warning" not in cold.stderr


def test_validate_with_problems_answers_its_items_and_the_catalog_error(cli, tmp_path):
    """A CI gate reads one object: the problems with their places, and `error` (kind catalog, exit 3)."""
    from llmpick.schema import ValidateAnswer

    bad = write_entry(tmp_path / "overlay", "org/broken", entry(arch={"layers": -1}))
    r = cli("catalog", "validate", "--catalog", str(tmp_path / "overlay"), "--json")
    assert r.exit_code == 3
    answer = check_answer(ValidateAnswer, r.json)
    assert answer.error is not None and answer.error.kind == "catalog" and answer.error.code == 3
    assert any(str(bad) in p for p in answer.error.problems)
    assert any(p.path == str(bad) and p.field == "arch.layers" for p in answer.items)
    assert "Error:" in r.stderr
    ok = cli("catalog", "validate", "--json")
    assert ok.exit_code == 0 and ok.json["error"] is None
