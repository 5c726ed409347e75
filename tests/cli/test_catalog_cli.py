"""`list`, `show`, `uses`, `catalog validate`, `catalog schema` through the real CLI."""

import json
import subprocess
import sys

import pytest

from tests.helpers import entry, write_entry

SUMMARY_KEYS = {
    "id",
    "name",
    "family",
    "method",
    "params",
    "license",
    "license_class",
    "uses",
    "context_length",
    "parents",
    "scores",
}


def test_list_json_envelope_and_required_keys(cli):
    r = cli("list", "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = r.json
    assert doc["schema_version"] == 1 and doc["command"] == "list"
    assert len(doc["items"]) >= 1
    for item in doc["items"]:
        assert item.keys() >= SUMMARY_KEYS
        assert item["params"]["total"] is None or isinstance(item["params"]["total"], int)


def test_json_shortcut_equals_format_json(cli):
    assert cli("list", "--json").json == cli("list", "--format", "json").json


def test_list_use_filter(cli):
    items = cli("list", "--use", "roleplay", "--json").json["items"]
    assert items, "the catalog has roleplay models"
    assert all("roleplay" in i["uses"] for i in items)


def test_list_method_merge_returns_merges_only(cli):
    items = cli("list", "--method", "merge", "--json").json["items"]
    assert items and all(i["method"] == "merge" for i in items)


def test_list_params_and_context_filters(cli):
    items = cli("list", "--min-params", "7B", "--max-params", "14B", "--min-context", "32k", "--json").json["items"]
    assert items
    for i in items:
        assert 7e9 <= i["params"]["total"] <= 14e9
        assert i["context_length"] >= 32768


def test_list_commercial_excludes_non_commercial(cli):
    items = cli("list", "--commercial", "--json").json["items"]
    assert items and all(i["license_class"] in ("permissive", "commercial-with-conditions") for i in items)


def test_list_sort_and_limit(cli):
    items = cli("list", "--sort", "params", "--limit", "3", "--json").json["items"]
    totals = [i["params"]["total"] for i in items]
    assert len(items) == 3 and totals == sorted(totals, reverse=True)


@pytest.mark.parametrize(
    "args, needle",
    [
        (["list", "--use", "no-such-use-tag"], "Valid values"),
        (["list", "--method", "frankenmerge"], "Valid values"),
        (["list", "--min-params", "lots"], "not a number"),
        (["list", "--sort", "colour"], "Valid keys"),
        (["show", "no-such-model-anywhere"], "Unknown model"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(cli, args, needle):
    r = cli(*args)
    assert r.exit_code == 2
    assert needle in r.stderr
    assert r.stdout == ""
    assert "Traceback" not in r.stderr


def test_show_by_partial_name(cli, tmp_path):
    write_entry(
        tmp_path,
        "alpindale/goliath-120b",
        entry(
            method="merge", uses=["roleplay"], merge_parents=["Xwin-LM/Xwin-LM-70B-V0.1", "Sao10K/Euryale-1.3-L2-70B"]
        ),
    )
    r = cli("show", "goliath-120b", "--catalog", str(tmp_path), "--json")
    assert r.exit_code == 0, r.stderr
    item = r.json["item"]
    assert item["id"] == "alpindale/goliath-120b"
    assert item["parents"] == ["Xwin-LM/Xwin-LM-70B-V0.1", "Sao10K/Euryale-1.3-L2-70B"]
    human = cli("show", "goliath-120b", "--catalog", str(tmp_path))
    assert "Xwin-LM/Xwin-LM-70B-V0.1" in human.stdout and "not in catalog" in human.stdout


def test_show_ambiguous_lists_candidates(cli, tmp_path):
    write_entry(tmp_path, "zz/foo-1", entry())
    write_entry(tmp_path, "zz/foo-2", entry())
    r = cli("show", "zz/foo", "--catalog", str(tmp_path))
    assert r.exit_code == 2 and "zz/foo-1" in r.stderr and "zz/foo-2" in r.stderr


def test_show_lists_children(cli, tmp_path):
    write_entry(tmp_path, "zz/base", entry())
    write_entry(tmp_path, "zz/tune", entry(method="finetune", base_model="zz/base", uses=["chat"]))
    assert cli("show", "zz/base", "--catalog", str(tmp_path), "--json").json["item"]["children"] == ["zz/tune"]


def test_user_catalog_overrides_builtin(cli, tmp_path):
    write_entry(tmp_path, "mistralai/Mistral-7B-v0.1", entry(name="My own Mistral"))
    items = {i["id"]: i for i in cli("list", "--catalog", str(tmp_path), "--json").json["items"]}
    assert items["mistralai/Mistral-7B-v0.1"]["name"] == "My own Mistral"


def test_broken_user_file_warns_and_list_still_works(cli, tmp_path):
    write_entry(tmp_path, "zz/good", entry())
    bad = write_entry(tmp_path, "zz/bad", "name: [oops\n")
    r = cli("list", "--catalog", str(tmp_path), "--json")
    assert r.exit_code == 0
    assert "zz/good" in {i["id"] for i in r.json["items"]}
    assert f"{bad}:" in r.stderr and "Warning" in r.stderr
    assert any(str(bad) in w for w in r.json["warnings"])


def test_uses_counts(cli):
    rows = cli("uses", "--json").json["items"]
    tags = {r["tag"]: r for r in rows}
    assert {"assistant", "chat", "coding", "roleplay", "storytelling", "vision", "translation"} <= tags.keys()
    listed = cli("list", "--use", "coding", "--json").json["items"]
    assert tags["coding"]["models"] == len(listed)


def test_validate_reports_every_problem_and_exits_3(cli, tmp_path):
    write_entry(tmp_path, "zz/ok", entry())
    p1 = write_entry(tmp_path, "zz/bad1", entry(params={"total": -1}))
    p2 = write_entry(tmp_path, "zz/bad2", b"name: \xff\n")
    r = cli("catalog", "validate", str(tmp_path))
    assert r.exit_code == 3
    assert f"{p1}:" in r.stderr and "params.total" in r.stderr
    assert f"{p2}:1:" in r.stderr and "UTF-8" in r.stderr
    assert "Traceback" not in r.stderr


def test_validate_single_good_file(cli, tmp_path):
    p = write_entry(tmp_path, "zz/ok", entry())
    r = cli("catalog", "validate", str(p))
    assert r.exit_code == 0 and "1 file(s) checked" in r.stdout


def test_builtin_catalog_validates(cli):
    r = cli("catalog", "validate")
    assert r.exit_code == 0, r.stderr


def test_catalog_schema_is_json_schema(cli):
    doc = json.loads(cli("catalog", "schema").stdout)
    assert doc["additionalProperties"] is False
    assert "arch" in doc["properties"]


def test_version(cli):
    from llmpick import __version__

    assert cli("--version").stdout.strip() == f"llmpick {__version__}"


def test_no_ansi_codes_when_not_a_terminal(cli):
    assert "\x1b[" not in cli("list").stdout


def test_catalog_strings_are_printed_literally(cli, tmp_path):
    write_entry(tmp_path, "zz/markup", entry(name="[red]not red[/red] \x1b[31m", summary="[bold]x[/bold]"))
    r = cli("show", "zz/markup", "--catalog", str(tmp_path))
    assert "[red]not red[/red]" in r.stdout
    assert "\x1b[31m" not in r.stdout


def test_import_cli_loads_no_hub_client_or_rich():
    code = (
        "import sys, llmpick.cli; bad=[m for m in ('huggingface_hub','rich.console','pydantic') if m in sys.modules];"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_list_json_does_not_import_rich_or_hub(tmp_path):
    code = (
        "import sys; sys.argv=['llmpick','list','--json'];\n"
        "from llmpick.cli import main\n"
        "try: main()\nexcept SystemExit: pass\n"
        "sys.stderr.write(repr([m for m in ('huggingface_hub','rich.console','rich.table') if m in sys.modules]))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stderr.strip().endswith("[]"), r.stderr[-500:]
    json.loads(r.stdout)


def test_python_dash_m_works():
    r = subprocess.run([sys.executable, "-m", "llmpick", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("llmpick ")


def test_the_issue_examples_resolve_on_the_real_catalog(cli):
    assert cli("show", "openhermes-2.5", "--json").json["item"]["id"] == "teknium/OpenHermes-2.5-Mistral-7B"
    assert cli("show", "yi-34b", "--json").json["item"]["id"] == "01-ai/Yi-34B"
    goliath = cli("show", "goliath-120b", "--json").json["item"]
    assert goliath["method"] == "merge" and len(goliath["merge_parents"]) == 2
