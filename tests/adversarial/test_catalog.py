"""Issue #10, catalog files, the schema and catalog validation: one case per reproduction (D3, D6, D7, D8, D10,
D11, D15, D18, D25), each an overlay folder made in tmp_path.

`catalog validate` exits 3 and names the file and the field; `list` / `recommend` / `show` with the same overlay
skip the bad file with a warning and exit 0; JSON is strict; nothing hangs (the runner's timeout is a guard).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MISTRAL = (ROOT / "catalog" / "mistralai" / "Mistral-7B-v0.1.yaml").read_text(encoding="utf-8")


def edit(old: str, new: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return change


def merge_of(parent: str) -> Callable[[str], str]:
    """Mistral as a merge of ``parent``."""

    def change(text: str) -> str:
        text = edit("method: base", "method: merge")(text)
        return edit("uses: []", f"uses: [chat]\nmerge_parents: [{parent}]")(text)

    return change


def score(value: str) -> Callable[[str], str]:
    return edit("scores: []", f"scores:\n  - {{name: mmlu, value: {value}, source: https://example.org}}")


def artifact(files: str) -> Callable[[str], str]:
    return edit("    files: []", f"    files: [{files}]")


# name -> (defect, edit of the Mistral file, field named, words of the message).  Each bad file is written as
# bad/<name>.yaml (so one overlay can hold them all); "bad/cycle-a" and "bad/cycle-b" name each other.
CASES: dict[str, tuple[str, Callable[[str], str], str | None, str]] = {
    "score-nan": ("D3", score(".nan"), "scores.0.value", "finite"),
    "score-inf": ("D3", score(".inf"), "scores.0.value", "finite"),
    "score-minus-inf": ("D3", score("-.inf"), "scores.0.value", "finite"),
    "score-1e308": ("D3", score("1.0e+308"), "scores.0.value", "less than or equal"),
    "score-1e308-text": ("D3", score("1e308"), "scores.0.value", "valid number"),
    "layers-ten-million": ("D7", edit("layers: 32", "layers: 10000000"), "arch.layers", "less than or equal to 1000"),
    "layers-300-digits": ("D7", edit("layers: 32", "layers: " + "9" * 300), "arch.layers", "less than or equal"),
    "hidden-300-digits": ("D7", edit("hidden_size: 4096", "hidden_size: " + "9" * 300), "arch.hidden_size", "less"),
    "vocab-huge": ("D7", edit("vocab_size: 32000", "vocab_size: 10000000000"), "arch.vocab_size", "less"),
    "context-huge": ("D7", edit("max_context: 32768", "max_context: 10000000000000"), "arch.max_context", "less"),
    "heads-huge": ("D7", edit("attention_heads: 32", "attention_heads: 100000"), "arch.attention_heads", "less"),
    "params-4000-digits": ("D15", edit("total: 7241732096", "total: " + "9" * 4000), "params.total", "less"),
    "params-5000-digits": ("D15", edit("total: 7241732096", "total: " + "9" * 5000), None, "too long"),
    "layers-true": ("D25", edit("layers: 32", "layers: true"), "arch.layers", "valid integer"),
    "layers-float": ("D25", edit("layers: 32", "layers: 32.0"), "arch.layers", "valid integer"),
    "layers-text": ("D25", edit("layers: 32", "layers: '32'"), "arch.layers", "valid integer"),
    "gated-one": ("D25", edit("gated: true", "gated: 1"), "gated", "valid boolean"),
    "duplicate-key": ("D25", lambda t: t + "name: Another name\n", None, "duplicate key 'name'"),
    "duplicate-nested-key": ("D25", edit("  layers: 32\n", "  layers: 32\n  layers: 33\n"), None, "duplicate key"),
    "unknown-quant": ("D25", artifact("{quant: Q4_K_ZZ, file: x.gguf}"), "artifacts.0.files.0.quant", "unknown quant"),
    "size-one-byte": (
        "D25",
        artifact("{quant: Q4_K_M, file: x.gguf, size_bytes: 1}"),
        "artifacts.0.files.0.size_bytes",
        "impossible",
    ),
    "size-100x-f32": (
        "D25",
        artifact(f"{{quant: F32, file: x.gguf, size_bytes: {7241732096 * 4 * 100}}}"),
        "artifacts.0.files.0.size_bytes",
        "impossible",
    ),
    "cycle-a": ("D25", merge_of("bad/cycle-b"), "merge_parents", "lineage cycle"),
    "cycle-b": ("D25", merge_of("bad/cycle-a"), "merge_parents", "lineage cycle"),
}


def write_case(folder: Path, name: str) -> Path:
    path = folder / "bad" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CASES[name][1](MISTRAL), encoding="utf-8")
    return path


def problems_of(r: Any) -> list[dict]:
    """The JSON answer of `catalog validate --json` that failed: exit 3, strict JSON, `error` set."""
    assert r.code == 3, (r.code, r.stderr[-2000:])
    doc = r.json
    assert doc["command"] == "catalog validate"
    assert doc["error"]["kind"] == "catalog" and doc["error"]["code"] == 3
    assert len(doc["error"]["problems"]) == len(doc["items"]) >= 1
    return doc["items"]


def assert_named(items: list[dict], path: Path, field: str | None, words: str) -> None:
    hits = [i for i in items if i["path"] == str(path) and words in i["message"]]
    assert hits, items
    if field is not None:
        assert any(i["field"] == field for i in hits), hits


@pytest.mark.parametrize("name", sorted(CASES), ids=lambda n: f"{CASES[n][0]}-{n}")
def test_validate_exits_3_and_names_the_file_and_field(run, tmp_path, name):
    overlay = tmp_path / "overlay"
    path = write_case(overlay, name)
    if name.startswith("cycle-"):
        write_case(overlay, "cycle-b" if name == "cycle-a" else "cycle-a")
    _, _, field, words = CASES[name]
    r = run("catalog", "validate", str(overlay), "--json").no_traceback()
    assert_named(problems_of(r), path, field, words)
    # The same line on stderr: file:line: field: problem.
    line = next(x for x in r.stderr.splitlines() if x.startswith(f"{path}:"))
    if field is not None:
        assert f": {field}: " in line, line
    assert line.split(":")[1].isdigit() or field == "merge_parents", line  # cycles are across files: no line


def test_validate_lists_every_problem_of_every_file_at_once(run, tmp_path):
    overlay = tmp_path / "overlay"
    paths = {name: write_case(overlay, name) for name in CASES}
    table = run("catalog", "validate", str(overlay)).no_traceback()
    assert table.code == 3 and table.stdout == "" and "all valid" not in table.stderr
    assert f"Error: {len(CASES)} problem(s) in {len(CASES)} file(s)." in table.stderr
    with_builtin = run("catalog", "validate", "--catalog", str(overlay), "--json").no_traceback()
    items = problems_of(with_builtin)
    for name, path in paths.items():
        assert_named(items, path, CASES[name][2], CASES[name][3])
        assert any(x.startswith(f"{path}:") for x in table.stderr.splitlines()), name
    assert {i["path"] for i in items} == {str(p) for p in paths.values()}  # the built-in files are all valid
    assert with_builtin.json["valid"] == with_builtin.json["checked"] - len(CASES)


def test_list_recommend_and_show_skip_every_bad_file_with_a_warning(run, tmp_path):
    overlay = tmp_path / "overlay"
    paths = [write_case(overlay, name) for name in CASES]
    good = overlay / "mistralai" / "Mistral-7B-v0.1.yaml"
    good.parent.mkdir(parents=True)
    good.write_text(MISTRAL.replace("name: Mistral 7B v0.1", "name: My Mistral"), encoding="utf-8")
    for args in (["list"], ["recommend", "--vram", "24"], ["show", "mistralai/Mistral-7B-v0.1"]):
        r = run(*args, "--catalog", str(overlay), "--json").no_traceback()
        assert r.code == 0, (args, r.stderr[-2000:])
        doc = r.json  # strict: no NaN, no Infinity
        warned = "\n".join(doc["warnings"])
        for p in paths:
            if "cycle" not in p.name:  # a lineage loop is warned about; both files still load
                assert str(p) in warned and f"Warning: {p}" in r.stderr, (args, p)
        if args[0] == "list":
            ids = {i["id"] for i in doc["items"]}
            assert not ids & {f"bad/{n}" for n in CASES if "cycle" not in n}
            assert {"bad/cycle-a", "bad/cycle-b", "mistralai/Mistral-7B-v0.1"} <= ids
            assert next(i for i in doc["items"] if i["id"] == "mistralai/Mistral-7B-v0.1")["name"] == "My Mistral"
        if args[0] == "recommend":
            assert doc["items"], "the good models are still recommended"


def test_d3_a_bad_score_does_not_drop_the_models_sharing_its_benchmark(run, tmp_path):
    builtin = run("recommend", "--vram", "24", "--top", "50", "--json").json["items"]
    overlay = tmp_path / "overlay"
    write_case(overlay, "score-nan")
    r = run("recommend", "--vram", "24", "--top", "50", "--catalog", str(overlay), "--json").no_traceback()
    assert r.code == 0
    assert [i["model"]["id"] for i in r.json["items"]] == [i["model"]["id"] for i in builtin]


# --- Files that are not files, folders that cannot be walked (D6, D10, D25) -------------------------------------


def test_d6_a_fifo_in_an_overlay_is_a_problem_not_a_hang(run, tmp_path):
    overlay = tmp_path / "overlay"
    (overlay / "org").mkdir(parents=True)
    fifo = overlay / "org" / "model.yaml"
    os.mkfifo(fifo)
    for args in (["catalog", "validate", str(fifo)], ["catalog", "validate", str(overlay), "--json"]):
        r = run(*args).no_traceback()
        assert r.code == 3 and f"{fifo}: file is not a regular file" in r.stderr
    r = run("list", "--catalog", str(overlay), "--json").no_traceback()
    assert r.code == 0 and any(str(fifo) in w for w in r.json["warnings"])


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_d6_dev_zero_is_refused_at_once(run):
    r = run("catalog", "validate", "/dev/zero", "--json").no_traceback()
    assert problems_of(r)[0]["message"].startswith("file is not a regular file")


def test_d25_a_dangling_symlink_is_named(run, tmp_path):
    overlay = tmp_path / "overlay"
    (overlay / "org").mkdir(parents=True)
    link = overlay / "org" / "gone.yaml"
    link.symlink_to(tmp_path / "nowhere.yaml")
    for args in (["catalog", "validate", str(overlay)], ["catalog", "validate", "--catalog", str(overlay)]):
        r = run(*args).no_traceback()
        assert r.code == 3 and f"{link}: broken symlink" in r.stderr
    r = run("list", "--catalog", str(overlay), "--json").no_traceback()
    assert r.code == 0 and any("broken symlink" in w for w in r.json["warnings"])


def test_d10_symlink_loops_are_problems(run, tmp_path):
    overlay = tmp_path / "overlay"
    (overlay / "org").mkdir(parents=True)
    (overlay / "loop").symlink_to(overlay / "loop")  # an org folder that is a loop
    (overlay / "org" / "self.yaml").symlink_to(overlay / "org" / "self.yaml")  # a file that is one
    (overlay / "org" / "up").symlink_to(overlay)  # a folder that leads back up: walked once
    (overlay / "org" / "ok.yaml").write_text(MISTRAL, encoding="utf-8")
    for args in (
        ["catalog", "validate", str(overlay), "--json"],
        ["catalog", "validate", "--catalog", str(overlay), "--json"],
    ):
        items = problems_of(run(*args).no_traceback())
        assert any(i["path"] == str(overlay / "loop") and "symlink loop" in i["message"] for i in items), items
        assert any(i["path"] == str(overlay / "org" / "self.yaml") for i in items), items
    r = run("list", "--catalog", str(overlay), "--json").no_traceback()
    assert r.code == 0 and "org/ok" in {i["id"] for i in r.json["items"]}


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="no /proc")
def test_d10_proc_as_a_catalog_folder(run):
    r = run("catalog", "validate", "--catalog", "/proc", "--json").no_traceback()
    assert any(i["path"] == "/proc" for i in problems_of(r))
    r = run("list", "--catalog", "/proc", "--json").no_traceback()
    assert r.code == 0 and r.json["items"] and any(w.startswith("/proc") for w in r.json["warnings"])
    r = run("catalog", "validate", "/proc").no_traceback()  # walked, bounded, never "all valid"
    assert r.code == 3 and "all valid" not in r.stdout


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads any folder")
def test_d10_an_unreadable_org_folder_is_a_problem(run, tmp_path):
    overlay = tmp_path / "overlay"
    (overlay / "org").mkdir(parents=True)
    (overlay / "org" / "m.yaml").write_text(MISTRAL, encoding="utf-8")
    os.chmod(overlay / "org", 0)
    try:
        for args in (["catalog", "validate", str(overlay)], ["catalog", "validate", "--catalog", str(overlay)]):
            r = run(*args).no_traceback()
            assert r.code == 3 and f"{overlay / 'org'}: cannot read folder: permission denied" in r.stderr
            assert "all valid" not in r.stdout
        assert run("list", "--catalog", str(overlay)).no_traceback().code == 0
    finally:
        os.chmod(overlay / "org", 0o755)


def test_d25_validating_an_org_folder_finds_its_files(run, tmp_path):
    org = tmp_path / "catalog" / "mistralai"
    org.mkdir(parents=True)
    (org / "Mistral-7B-v0.1.yaml").write_text(MISTRAL, encoding="utf-8")
    (org / "broken.yaml").write_text(MISTRAL.replace("layers: 32", "layers: many"), encoding="utf-8")
    for target in (org, tmp_path / "catalog", tmp_path):  # a folder of any depth above the files
        r = run("catalog", "validate", str(target), "--json").no_traceback()
        items = problems_of(r)
        assert [(i["path"], i["field"]) for i in items] == [(str(org / "broken.yaml"), "arch.layers")]
        assert r.json["checked"] == 2 and r.json["valid"] == 1
    (org / "broken.yaml").unlink()
    r = run("catalog", "validate", str(org))
    assert r.code == 0 and r.stdout.strip() == "1 file(s) checked: all valid."


def test_an_empty_folder_is_not_all_valid(run, tmp_path):
    (tmp_path / "empty").mkdir()
    r = run("catalog", "validate", str(tmp_path / "empty")).no_traceback()
    assert r.code == 3 and "no catalog files" in r.stderr and "all valid" not in r.stdout


# --- Size (D8) -------------------------------------------------------------------------------------------------


def test_d8_thirty_thousand_unknown_keys(run, tmp_path):
    overlay = tmp_path / "overlay"
    path = overlay / "mistralai" / "Mistral-7B-v0.1.yaml"
    path.parent.mkdir(parents=True)
    first = len(MISTRAL.splitlines()) + 1
    path.write_text(MISTRAL + "".join(f"k{i:x}:\n" for i in range(30_000)), encoding="utf-8")
    r = run("catalog", "validate", str(overlay), "--json").no_traceback()
    items = problems_of(r)
    assert len(items) == 30_000
    assert [(i["field"], i["line"]) for i in items[:2]] == [("k0", first), ("k1", first + 1)]
    assert (items[-1]["field"], items[-1]["line"]) == (f"k{29_999:x}", first + 29_999)
    r = run("list", "--catalog", str(overlay), "--json").no_traceback()
    # Other commands name the file, its first problems and how many more (catalog validate lists them all).
    assert r.code == 0 and len(r.json["warnings"]) == 4
    assert r.json["warnings"][-1] == f"{path}: ... and 29,997 more problem(s)"


# --- The catalog index (D11, D18) ------------------------------------------------------------------------------


def _index(tmp_path: Path, name: str = "index") -> Path:
    return next((tmp_path / "cache").glob(f"catalog-{name}-v*.json"))


# name -> (key path, value): set in every record of both stores that has the path ("del": remove the key).
TAMPER: dict[str, tuple[tuple[str, ...], object]] = {
    "layers-text": (("arch", "layers"), "32"),
    "layers-huge": (("arch", "layers"), 10**300),
    "params-huge": (("params", "total"), 10**4000),
    "uses-a-number": (("uses",), 5),
    "parents-objects": (("merge_parents",), [{"a": 1}]),
    "vram-text": (("vram_need_bytes",), "12"),
    "name-missing": (("name",), "del"),
    "extra-key": (("extra",), 1),
    "score-text": (("scores",), [{"name": "x", "value": "1", "source": "s", "date": None}]),
}


def _tamper(record: dict, path: tuple[str, ...], value: object) -> None:
    for key in path[:-1]:
        if key not in record:
            return
        record = record[key]
    if value == "del":
        record.pop(path[-1], None)
    elif path[-1] in record or path == ("extra",):
        record[path[-1]] = value


def test_d18_a_tampered_index_is_ignored(run, tmp_path):
    """Each way of tampering with a record, on its own file's record in both stores: every record is refused and
    its file read again, so every answer is what the files say."""
    plain = run("list", "--json").json
    shown = run("show", "mistral-7b-v0.1", "--json").json["item"]
    ways = sorted(TAMPER)
    for store in ("index", "summaries"):
        doc = json.loads(_index(tmp_path, store).read_text())
        for i, hit in enumerate(doc["files"].values()):
            _tamper(hit[2], *TAMPER[ways[i % len(ways)]])
        _index(tmp_path, store).write_text(json.dumps(doc))
    assert run("list", "--json").no_traceback().json == plain
    assert run("show", "mistral-7b-v0.1", "--json").no_traceback().json["item"] == shown
    for args in (["recommend", "--vram", "24"], ["list", "--max-vram", "12"], ["tree", "mistral-7b-v0.1"]):
        r = run(*args, "--json", extra_env={"LLMPICK_NO_ANSWER_CACHE": "1"}).no_traceback()
        assert r.code == 0, (args, r.stderr[-1000:])
        assert r.json["command"] == args[0]


@pytest.mark.parametrize(
    "content",
    ["[" * 100_000 + "]" * 100_000, '{"files": ' * 50_000 + "1" + "}" * 50_000, '{"version": NaN}', "\x00\xff", "[]"],
    ids=["deep-list", "deep-object", "nan", "binary", "a-list"],
)
def test_d11_d18_a_damaged_index_is_ignored_and_repaired(run, tmp_path, content):
    plain = run("list", "--json").json
    for store in ("index", "summaries"):
        _index(tmp_path, store).write_text(content, encoding="utf-8", errors="surrogateescape")
    assert run("list", "--json").no_traceback().json == plain
    assert run("recommend", "--vram", "24", "--json").no_traceback().code == 0
    json.loads(_index(tmp_path).read_text())  # written again, whole
