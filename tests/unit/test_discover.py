"""discover: which listed models are drafted, the Hub's model list (pagination, filters, a hostile next link), and
drafts in the cache as not-curated catalog models.  The real huggingface_hub client talks to the fake Hub."""

from __future__ import annotations

import pytest

from llmpick import discover, hubcache
from llmpick import hub as H
from llmpick.catalog import load_catalog
from llmpick.schema import HubRepoData
from llmpick.schema.models_out import DraftModel, is_curated

NOVA = "llmpick-tests/Nova-3-8B-Instruct"
NOVA_GGUF = NOVA + "-GGUF"
VL = "llmpick-tests/Nova-3-VL-4B"
# The fixture's file sizes (tests/fixtures/hub/models/llmpick-tests/Nova-3-8B-Instruct-GGUF.json).
Q4_K_M_BYTES, Q8_0_BYTES = 4920739232, 8540775840


def repo(**kw):
    base = dict(id="org/New-7B", pipeline_tag="text-generation", tags=["text-generation"], safetensors_total=7 * 10**9)
    return HubRepoData(**{**base, **kw})


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (repo(), None),
        (repo(downloads=0), None),  # an original release: no download threshold
        (repo(id="Qwen/Qwen2.5-7B-Instruct"), "curated"),
        (repo(pipeline_tag="text-classification"), "not generative"),
        (repo(tags=["text-generation", "reward-model"]), "not generative"),
        (repo(tags=["gguf", "base_model:quantized:org/x"], base_model=["org/x"]), "quantized"),
        (repo(tags=["base_model:adapter:org/x"], base_model=["org/x"]), "adapter"),
        (repo(library_name="peft"), "adapter"),
        (repo(base_model=["org/x"], downloads=discover.MIN_DERIVATIVE_DOWNLOADS - 1), "finetune or merge"),
        (repo(base_model=["org/x"], downloads=discover.MIN_DERIVATIVE_DOWNLOADS), None),
        (repo(safetensors_total=None), "no parameter count"),
    ],
)
def test_skip_reason(data, expected):
    reason = discover.skip_reason(data, {"qwen/qwen2.5-7b-instruct"})
    assert (reason is None) if expected is None else (reason is not None and reason.startswith(expected)), reason


def test_list_models_pages_along_the_link_header(fake):
    fake.page_size = 2
    hub = H.Hub(fake.url, timeout=2)
    got = list(hub.list_models(discover.list_params("createdAt", "text-generation"), limit=5, label="newest"))
    assert len(got) == 5
    assert fake.count("/api/models") == 3  # pages of 2, 2, then the fifth
    created = [d.created_at for d in got]
    assert created == sorted(created, reverse=True)
    assert all(d.pipeline_tag == "text-generation" for d in got)
    assert got[0].safetensors_total is not None or got[0].gguf is not None  # expand fields came through


def test_list_models_filters_the_model_tree(fake):
    hub = H.Hub(fake.url, timeout=2)
    assert discover.quant_repos(hub, NOVA) == [NOVA_GGUF]
    assert discover.quant_repos(hub, VL) == []


def test_next_link_to_another_host_is_not_followed(fake):
    fake.page_size, fake.next_host = 1, "evil.example:80"
    hub = H.Hub(fake.url, timeout=2)
    with pytest.raises(H.HubBadAnswer, match="not followed"):
        list(hub.list_models([("sort", "downloads")], limit=3, label="x"))
    assert fake.count("/api/models") == 1


def test_run_drafts_new_models_with_real_gguf_sizes(fake):
    result = discover.run(H.Hub(fake.url, timeout=2), load_catalog().ids, limit=50)
    assert result.errors == []
    by = {o.repo: o for o in result.items}
    assert {r for r, o in by.items() if o.outcome == "drafted"} == {NOVA, VL, "llmpick-tests/Chatty-Llama-8B"}
    assert by[NOVA].quant_repos == [NOVA_GGUF]
    assert by["llmpick-tests/Nova-3-8B-rp-tune"].outcome == "skipped"
    assert hubcache.draft_path(NOVA).is_file()
    cat = load_catalog(drafts=True)
    m = cat.get(NOVA)
    assert isinstance(m, DraftModel) and not is_curated(m) and not cat.is_curated(NOVA)
    sizes = {f.quant: f.size_bytes for a in m.entry.artifacts for f in a.files}
    assert sizes == {"Q4_K_M": Q4_K_M_BYTES, "Q8_0": Q8_0_BYTES}
    assert m.entry.params.total == 8030261248 and m.entry.arch.layers == 32 and m.entry.arch.kv_heads == 8
    vl = cat.get(VL)
    assert vl is not None and "image" in vl.entry.modalities and vl.entry.arch.layers == 36
    assert NOVA not in load_catalog().ids  # drafts only when asked for
    again = discover.run(H.Hub(fake.url, timeout=2), load_catalog().ids, limit=50)
    assert {o.repo for o in again.items if o.outcome == "unchanged"} >= {NOVA, VL}


def test_a_list_failing_midway_keeps_what_came_before(fake):
    fake.page_size = 1  # one model a page: the third page of each text-generation list is broken JSON
    fake.fault("list:page3", "malformed")
    result = discover.run(H.Hub(fake.url, timeout=2), load_catalog().ids, limit=50)
    assert len(result.errors) == 2 and all("not valid JSON" in e for e in result.errors), result.errors
    assert {e.split(" models:")[0] for e in result.errors} == {"trending text-generation", "newest text-generation"}
    drafted = {o.repo for o in result.items if o.outcome == "drafted"}
    assert NOVA in drafted and VL in drafted  # read before the broken page (trending) / on a list that worked
    before = hubcache.draft_path(NOVA).read_bytes()
    fake.reset()
    fake.fault("list", "500")
    failed = discover.run(H.Hub(fake.url, timeout=2), load_catalog().ids, limit=50)
    assert len(failed.errors) == 4 and all("HTTP 500" in e for e in failed.errors)
    assert failed.items == []
    assert hubcache.draft_path(NOVA).read_bytes() == before
    assert NOVA in load_catalog(drafts=True).ids


def test_curated_entry_shadows_its_draft_and_a_damaged_draft_is_a_problem(fake, tmp_path):
    discover.run(H.Hub(fake.url, timeout=2), load_catalog().ids, limit=50)
    overlay = tmp_path / "overlay" / "llmpick-tests"
    overlay.mkdir(parents=True)
    overlay.joinpath("Nova-3-8B-Instruct.yaml").write_bytes(hubcache.draft_path(NOVA).read_bytes())
    cat = load_catalog([tmp_path / "overlay"], drafts=True)
    assert cat.is_curated(NOVA) and not cat.is_curated(VL)
    hubcache.draft_path(VL).write_text("name: [unclosed\n")
    cat = load_catalog(drafts=True)
    assert VL not in cat.ids and any(VL.split("/")[1] in str(p) for p in cat.draft_problems)
    assert cat.problems == []  # the catalog itself is fine


def test_answer_cache_key_changes_with_the_drafts(fake):
    from llmpick import answer_cache
    from llmpick.hardware import resolve_hardware

    hw = resolve_hardware(vram=24)
    before = answer_cache.key("recommend", {}, load_catalog(drafts=True), hw)
    discover.run(H.Hub(fake.url, timeout=2), load_catalog().ids, limit=50)
    after = answer_cache.key("recommend", {}, load_catalog(drafts=True), hw)
    assert before != after
    hubcache.draft_path(VL).unlink()
    assert answer_cache.key("recommend", {}, load_catalog(drafts=True), hw) not in (before, after)


def test_draft_path_is_validated():
    for bad in ("../x", "a/../b", "a/b/c", "/etc/passwd", "a\\b/c"):
        with pytest.raises(Exception, match="not a Hub repo id"):
            hubcache.draft_path(bad)
    assert hubcache.draft_path("org/name").parent.parent == hubcache.drafts_root()


def test_limit_is_checked():
    for bad in (0, -1, discover.MAX_LIMIT + 1, True):
        with pytest.raises(Exception, match="--limit"):
            discover.check_limit(bad)
