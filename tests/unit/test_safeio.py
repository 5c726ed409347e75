"""One reader for outside files and outside JSON: regular files under a limit, strict and shallow JSON."""

from __future__ import annotations

import os

import pytest

from llmpick.safeio import MAX_JSON_DEPTH, ReadProblem, dumps_json, is_regular_file, loads_json, read_bytes, read_text


def test_a_regular_file_is_read(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("héllo", encoding="utf-8")
    assert read_text(f, limit=100) == "héllo"


@pytest.mark.parametrize("size, ok", [(100, True), (101, False)])
def test_the_size_limit_is_checked_before_reading(tmp_path, size, ok):
    f = tmp_path / "big"
    f.write_bytes(b"x" * size)
    if ok:
        assert len(read_bytes(f, limit=100)) == size
    else:
        with pytest.raises(ReadProblem, match="over the 100-byte limit"):
            read_bytes(f, limit=100)


def test_devices_pipes_and_folders_are_refused_without_blocking(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # opening it for reading would block forever without O_NONBLOCK
    for path in (fifo, tmp_path, "/dev/zero"):
        with pytest.raises(ReadProblem):
            read_bytes(path, limit=1000)


def test_missing_files_stay_a_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_bytes(tmp_path / "absent", limit=10)


def test_not_utf8_is_a_problem(tmp_path):
    f = tmp_path / "latin1.yaml"
    f.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(ReadProblem, match="not UTF-8"):
        read_text(f, limit=100)


@pytest.mark.parametrize("doc", ['{"a": NaN}', "[Infinity]", "[-Infinity]", "{", ""])
def test_json_that_is_not_strict_json_is_refused(doc):
    with pytest.raises(ReadProblem):
        loads_json(doc)


def test_deep_nesting_is_refused_and_shallow_nesting_with_brackets_in_strings_is_not():
    deep = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    with pytest.raises(ReadProblem, match="nested"):
        loads_json(deep)
    with pytest.raises(ReadProblem, match="nested"):
        loads_json("[" * 100_000)  # what would be a RecursionError in json.loads
    ok = '{"s": "' + "[{" * 500 + '", "t": "\\"[[["}'
    assert loads_json(ok)["t"] == '"[[['
    assert loads_json("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)


def test_output_json_never_holds_nan():
    with pytest.raises(ValueError):
        dumps_json({"x": float("nan")})


def test_dangling_and_looping_links_are_not_regular_files(tmp_path):
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    assert not is_regular_file(tmp_path / "dangling")
    assert not is_regular_file(tmp_path / "loop")
