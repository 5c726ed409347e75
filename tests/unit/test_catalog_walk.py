"""Finding catalog files: nothing raises, nothing is skipped without a word."""

from __future__ import annotations

import os

import pytest

from llmpick import catalog_walk
from llmpick.catalog import load_catalog, validate_paths
from llmpick.catalog_walk import files_under, layer_files
from tests.helpers import entry, write_entry


def messages(problems):
    return {(p.path, p.message) for p in problems}


def test_layer_files_finds_org_files_and_passes_over_private_folders(tmp_path):
    write_entry(tmp_path, "org/a", entry())
    write_entry(tmp_path, "org/b", entry())
    write_entry(tmp_path, "_drafts/c", entry())
    write_entry(tmp_path, ".git/d", entry())
    (tmp_path / "org" / "README.md").write_text("not a catalog file")
    found, problems = layer_files(tmp_path)
    assert found == [(str(tmp_path / "org" / "a.yaml"), "org/a"), (str(tmp_path / "org" / "b.yaml"), "org/b")]
    assert problems == []


def test_layer_files_reports_stray_files_loops_and_empty_folders(tmp_path):
    (tmp_path / "loose.yaml").write_text("name: x\n")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    found, problems = layer_files(tmp_path)
    assert found == []
    assert messages(problems) == {
        (str(tmp_path / "loose.yaml"), "not in an organization folder: move it to ORG/NAME.yaml"),
        (str(tmp_path / "loop"), "cannot read: symlink loop (a link that points back to itself)"),
    }
    (tmp_path / "empty").mkdir()
    assert messages(layer_files(tmp_path / "empty")[1]) == {
        (str(tmp_path / "empty"), "no catalog files (ORG/NAME.yaml) in this folder")
    }


def test_layer_files_returns_broken_links_and_pipes_for_the_reader_to_name(tmp_path):
    (tmp_path / "org").mkdir()
    (tmp_path / "org" / "gone.yaml").symlink_to(tmp_path / "nowhere")
    os.mkfifo(tmp_path / "org" / "pipe.yaml")
    found, _ = layer_files(tmp_path)
    assert [i for _, i in found] == ["org/gone", "org/pipe"]
    cat = load_catalog([tmp_path], builtin=False)
    assert len(cat) == 0
    assert sorted(p.message[:26] for p in cat.problems) == ["broken symlink: its target", "file is not a regular file"]


def test_an_unreadable_folder_is_a_problem(tmp_path, monkeypatch):
    write_entry(tmp_path, "org/a", entry())
    write_entry(tmp_path, "locked/b", entry())
    real = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(catalog_walk.os, "scandir", scandir)
    for found, problems in (layer_files(tmp_path), files_under(tmp_path)):
        assert len(found) == 1
        assert messages(problems) == {(str(tmp_path / "locked"), "cannot read folder: permission denied")}
    cat = load_catalog([tmp_path], builtin=False)
    assert cat.ids == ["org/a"] and [p.message for p in cat.problems] == ["cannot read folder: permission denied"]


def test_files_under_searches_any_depth_and_each_real_folder_once(tmp_path):
    write_entry(tmp_path, "x/catalog/org/a", entry())
    write_entry(tmp_path, "x/catalog/org/b", entry())
    (tmp_path / "x" / "catalog" / "org" / "notes.txt").write_text("")
    (tmp_path / "x" / "again").symlink_to(tmp_path / "x")  # a loop back up: walked once
    (tmp_path / "x" / "self").symlink_to(tmp_path / "x" / "self")
    found, problems = files_under(tmp_path)
    assert found == [str(tmp_path / "x" / "catalog" / "org" / f"{n}.yaml") for n in "ab"]
    assert messages(problems) == {
        (str(tmp_path / "x" / "self"), "cannot read: symlink loop (a link that points back to itself)")
    }
    assert files_under(tmp_path / "x" / "catalog" / "org")[0] == found  # an org folder itself


def test_files_under_bounds_depth_and_entries(tmp_path, monkeypatch):
    deep = tmp_path / "/".join(f"d{i}" for i in range(10))
    write_entry(deep, "org/m", entry())
    found, problems = files_under(tmp_path)
    assert (
        found == [] and len(problems) == 1 and "more than 6 folders deep: not searched (1 such)" in problems[0].message
    )
    monkeypatch.setattr(catalog_walk, "MAX_ENTRIES", 3)
    for i in range(5):
        write_entry(tmp_path, f"org/m{i}", entry())
    _, problems = files_under(tmp_path / "org")
    assert [p.message for p in problems] == ["more than 3 entries: stopped (is it a catalog?)"]


def test_validate_paths_takes_files_as_given_and_folders_whole(tmp_path):
    a = write_entry(tmp_path, "org/a", entry())
    bad = write_entry(tmp_path, "org/bad", entry(arch={"layers": True}))
    (tmp_path / "empty").mkdir()
    files, models, problems = validate_paths([tmp_path / "org", a, tmp_path / "empty", tmp_path / "missing.yaml"])
    assert files == [str(a), str(bad), str(a), str(tmp_path / "missing.yaml")]
    assert [m.id for m in models] == ["org/a", "org/a"]
    assert sorted((p.path, p.field or p.message) for p in problems) == sorted(
        [
            (str(bad), "arch.layers"),
            (str(tmp_path / "empty"), "no catalog files (*.yaml) in this folder"),
            (str(tmp_path / "missing.yaml"), "file not found"),
        ]
    )


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="no /proc")
def test_proc_is_walked_within_bounds():
    found, problems = layer_files("/proc")
    assert found == [] and problems
    found, problems = files_under("/proc")
    assert problems  # links onto other file systems (/proc/*/root), unreadable entries: named, not followed
