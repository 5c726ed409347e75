"""hubcache.py: file layout, atomic writes, damaged files, size lookups, verify comparisons."""

from __future__ import annotations

import json

import pytest

from llmpick import hubcache
from llmpick.errors import UsageError
from llmpick.schema import HubFile, HubGguf, HubRepoData, Model
from tests.helpers import entry

REPO = "acme/Model-7B"


def data(**kw):
    base = dict(
        id=REPO,
        sha="a" * 40,
        downloads=10,
        likes=2,
        license="apache-2.0",
        gated=False,
        safetensors_total=7_000_000_000,
        files=[HubFile(name="model.safetensors", size=14_000_000_000)],
    )
    base.update(kw)
    return HubRepoData(**base)


def test_roundtrip_and_change_detection():
    f, changed = hubcache.write(REPO, data(), endpoint="http://hub")
    assert changed and f.endpoint == "http://hub" and f.revision == "a" * 40
    c = hubcache.read(REPO)
    assert c.file == f and c.problem is None and c.age_seconds < 60
    _, changed = hubcache.write(REPO, data(), endpoint="http://hub")
    assert not changed
    _, changed = hubcache.write(REPO, data(likes=3), endpoint="http://hub")
    assert changed
    assert hubcache.path_for(REPO).name == "Model-7B.json"
    assert not list(hubcache.path_for(REPO).parent.glob(".*.tmp"))


def test_missing_is_not_a_problem():
    c = hubcache.read("nobody/here")
    assert c.file is None and c.problem is None


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'{"version": 1, "repo": "acme/Mod',
        b"not json at all \xff",
        b"[]",
        b'{"version": 1}',
        b'{"version": 99, "repo": "acme/Model-7B"}',
    ],
)
def test_damaged_files_are_reported_and_ignored(content):
    hubcache.write(REPO, data(), endpoint="http://hub")
    hubcache.path_for(REPO).write_bytes(content)
    c = hubcache.read(REPO)
    assert c.file is None and "damaged cache file" in c.problem and "llmpick refresh" in c.problem
    assert hubcache.hub_summary(REPO) is None
    # and a refresh replaces it
    f, changed = hubcache.write(REPO, data(), endpoint="http://hub")
    assert changed and hubcache.read(REPO).file == f


def test_file_for_another_repo_is_ignored():
    hubcache.write("acme/other", data(id="acme/other"), endpoint="http://hub")
    raw = hubcache.path_for("acme/other").read_bytes()
    hubcache.path_for(REPO).parent.mkdir(parents=True, exist_ok=True)
    hubcache.path_for(REPO).write_bytes(raw)
    assert "not acme/Model-7B" in hubcache.read(REPO).problem


@pytest.mark.parametrize("bad", ["../x", "a/..", "a/b/c", "..", "a/.hidden", "/abs/x"])
def test_bad_ids_never_become_paths(bad):
    with pytest.raises(UsageError):
        hubcache.path_for(bad)
    assert hubcache.read(bad).file is None


def gguf_files(*names_sizes):
    return data(
        files=[HubFile(name=n, size=s) for n, s in names_sizes],
        safetensors_total=None,
        gguf=HubGguf(total=1, architecture="llama", context_length=4096),
    )


def test_file_size_matching():
    d = gguf_files(
        ("m-Q4_K_M.gguf", 100),
        ("m-Q4_K_S.gguf", 90),
        ("m-IQ4_XS.gguf", 80),
        ("mmproj-m-Q8_0.gguf", 5),
        ("m-q8_0-00001-of-00002.gguf", 60),
        ("m-q8_0-00002-of-00002.gguf", 40),
        ("README.md", 1),
    )
    assert hubcache.file_size_in(d, "Q4_K_M") == 100
    assert hubcache.file_size_in(d, "q4_k_s") == 90
    assert hubcache.file_size_in(d, "IQ4_XS") == 80
    assert hubcache.file_size_in(d, "Q4_XS") is None
    assert hubcache.file_size_in(d, "Q4_K") is None
    assert hubcache.file_size_in(d, "Q8_0") == 100  # split parts summed, mmproj ignored
    assert hubcache.file_size_in(d, "Q6_K") is None
    assert hubcache.file_size_in(d, "anything", "m-IQ4_XS.gguf") == 80


def test_half_precision_sums_safetensors():
    d = data(
        files=[
            HubFile(name="model-00001-of-00002.safetensors", size=5),
            HubFile(name="model-00002-of-00002.safetensors", size=7),
        ]
    )
    assert hubcache.file_size_in(d, "BF16") == 12
    assert hubcache.file_size_in(d, "Q4_K_M") is None


def _model(**kw):
    from llmpick.schema import CatalogEntry

    e = CatalogEntry.model_validate(entry(**kw))
    return Model(REPO, e, "catalog/acme/Model-7B.yaml")


def test_cached_file_size_searches_artifacts():
    m = _model(artifacts=[{"format": "gguf", "repo": "quant/Model-7B-GGUF", "files": []}])
    assert hubcache.cached_file_size(m, "Q4_K_M") is None
    hubcache.write("quant/Model-7B-GGUF", gguf_files(("Model-7B-Q4_K_M.gguf", 4_100_000_000)), endpoint="http://hub")
    assert hubcache.cached_file_size(m, "Q4_K_M") == 4_100_000_000
    assert hubcache.cached_file_size("quant/Model-7B-GGUF", "Q4_K_M") == 4_100_000_000
    assert hubcache.cached_file_size(REPO, "Q4_K_M", artifact_repos=["quant/Model-7B-GGUF"]) == 4_100_000_000
    assert hubcache.cached_file_size(m, "Q8_0") is None


def test_compare_reports_each_difference_with_its_file():
    m = _model(gated=False, license="mit")
    diffs, problems, cached = hubcache.compare(m)
    assert (diffs, problems, cached) == ([], [], False)
    hubcache.write(
        REPO,
        data(gated="manual", safetensors_total=1_100_000_000, config={"max_position_embeddings": 4096}),
        endpoint="http://hub",
    )
    diffs, _problems, cached = hubcache.compare(m)
    got = {d.field: (d.catalog, d.hub) for d in diffs}
    assert cached and got == {
        "params.total": (1_000_000_000, 1_100_000_000),
        "license": ("mit", "apache-2.0"),
        "gated": (False, True),
        "arch.max_context": (8192, 4096),
    }
    assert all(d.file == "catalog/acme/Model-7B.yaml" for d in diffs)


def test_summary():
    assert hubcache.hub_summary(REPO) is None
    hubcache.write(REPO, data(last_modified="2024-01-02T00:00:00.000Z"), endpoint="http://hub")
    s = hubcache.hub_summary(REPO)
    assert (s.downloads, s.likes, s.last_modified) == (10, 2, "2024-01-02T00:00:00.000Z")
    json.loads(s.model_dump_json())
