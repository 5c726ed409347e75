"""One catalog file: the reader (regular files only), the YAML loader (duplicate keys, huge integers) and the
error-line lookup (linear in the size of the file, whatever the number of errors)."""

from __future__ import annotations

import os

import pytest
import yaml

from llmpick.catalog_files import LineFinder, load_file, parse_yaml, read_file
from llmpick.safeio import YamlProblem, loads_yaml
from tests.helpers import entry, write_entry

# --- The YAML loader (safeio.loads_yaml) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (first on line 1"),
        ("x:\n  y: 1\n  z: 2\n  y: 3\n", 4, "duplicate key 'y' (first on line 2"),
        ("l:\n  - {k: 1, k: 2}\n", 2, "duplicate key 'k'"),
        ("1: a\n0x1: b\n", 2, "duplicate key 1"),  # the same key once resolved, however it is spelled
        ("a: " + "9" * 5000 + "\n", 1, "integer with 5000 characters is too long"),
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", 1, "not valid YAML"),
        ("a: [1\n", 2, "not valid YAML"),
    ],
    ids=["top", "nested", "in-a-list", "same-value", "huge-int", "deep", "broken"],
)
def test_loads_yaml_refuses_what_a_safe_load_lets_through(text, line, words):
    with pytest.raises(YamlProblem) as info:
        loads_yaml(text)
    assert words in str(info.value)
    assert info.value.line == line


def test_loads_yaml_reads_plain_data_as_pyyaml_does():
    text = "a: 1\nb: [x, {c: 2.5, d: null}]\nflag: true\nwhen: 2023-12\n"
    assert loads_yaml(text) == yaml.safe_load(text)


def test_a_duplicate_key_in_a_catalog_file_is_a_problem_with_its_line(tmp_path):
    text = yaml.safe_dump(entry(), sort_keys=False) + "name: Second name\n"
    path = write_entry(tmp_path, "org/dup", text)
    model, problems = load_file(path, "org/dup")
    assert model is None
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [
        (len(text.splitlines()), "not valid YAML: duplicate key 'name'")
    ]


def test_parse_yaml_refuses_aliases_and_non_mappings():
    assert "anchors/aliases" in parse_yaml(b"a: &x [1]\nb: *x\n", "f")[1].message  # type: ignore[union-attr]
    assert "expected a mapping" in parse_yaml(b"- 1\n", "f")[1].message  # type: ignore[union-attr]


# --- The reader ------------------------------------------------------------------------------------------------


def test_read_file_names_what_is_wrong(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    dangling = tmp_path / "gone.yaml"
    dangling.symlink_to(tmp_path / "nowhere")
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (256 * 1024 + 1))
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    expected = {
        fifo: "file is not a regular file",
        dangling: f"broken symlink: its target {tmp_path / 'nowhere'} does not exist",
        loop: "file cannot be opened",
        big: "file is 262,145 bytes, over the 262,144-byte limit",
        folder: "file is a folder",
        tmp_path / "missing.yaml": "file not found",
    }
    for path, words in expected.items():
        raw, problem = read_file(str(path))
        assert raw is None and problem is not None and problem.message.startswith(words), (path, problem)
        assert problem.path == str(path) and problem.line is None


# --- Line numbers of errors --------------------------------------------------------------------------------------


def test_lines_of_many_errors_are_found_in_one_pass():
    """30,000 unknown keys: each error's line is right, and the mapping's keys are indexed once (a scan of the
    keys per error was 30,000 x 30,000 steps: 43 s)."""
    n = 30_000
    head = yaml.safe_dump(entry(), sort_keys=False)
    raw = (head + "".join(f"k{i}: 1\n" for i in range(n))).encode()
    finder = LineFinder(raw)
    built = []
    original = finder._keys

    def counting(node):
        built.append(id(node)) if id(node) not in finder._index else None
        return original(node)

    finder._keys = counting  # type: ignore[method-assign]
    first = len(head.splitlines()) + 1
    assert [finder.line_of([f"k{i}"]) for i in range(n)] == list(range(first, first + n))
    assert len(built) == 1  # the top mapping, indexed once


def test_lines_inside_nested_mappings_and_lists():
    raw = b"name: x\narch:\n  layers: many\n  hidden_size: 2\nscores:\n  - name: a\n    value: .nan\n"
    finder = LineFinder(raw)
    assert finder.line_of(["arch", "layers"]) == 3
    assert finder.line_of(["scores", 0, "value"]) == 7
    assert finder.line_of(["scores", 5, "value"]) == 5  # no such item: the list's own line
    assert finder.line_of(["nowhere"]) == 1
    assert LineFinder(b"a: [").line_of(["a"]) is None  # the YAML does not compose: no line


def test_validation_problems_carry_the_line_of_their_field(tmp_path):
    d = entry(scores=[{"name": "mmlu", "value": float("nan"), "source": "s"}])
    d["arch"] = dict(d["arch"], layers=True)
    path = write_entry(tmp_path, "org/m", yaml.safe_dump(d, sort_keys=False))
    lines = path.read_text().splitlines()
    _, problems = load_file(path, "org/m")
    got = {p.field: p.line for p in problems}
    assert got == {
        "arch.layers": lines.index("  layers: true") + 1,
        "scores.0.value": next(i + 1 for i, t in enumerate(lines) if "value: .nan" in t),
    }
