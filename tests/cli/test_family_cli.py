"""`tree` and `catalog stats`."""

from tests.helpers import entry, write_entry


def _family(tmp_path):
    write_entry(tmp_path, "zz/base", entry())
    write_entry(tmp_path, "zz/tune-a", entry(method="finetune", base_model="zz/base", uses=["chat"]))
    write_entry(tmp_path, "zz/tune-b", entry(method="finetune", base_model="zz/base", uses=["chat"]))
    write_entry(
        tmp_path,
        "zz/merge",
        entry(method="merge", uses=["roleplay"], merge_parents=["zz/tune-a", "zz/tune-b", "outside/model"]),
    )
    write_entry(tmp_path, "zz/external-tune", entry(method="finetune", base_model="elsewhere/base", uses=["chat"]))
    return ["--catalog", str(tmp_path)]


def test_tree_json_nodes_and_edges(cli, tmp_path):
    args = _family(tmp_path)
    item = cli("tree", "zz/merge", *args, "--json").json["item"]
    assert item["root"] == "zz/base" and item["focus"] == "zz/merge"
    edges = {(e["from"], e["to"], e["kind"]) for e in item["edges"]}
    assert ("zz/base", "zz/tune-a", "base") in edges
    assert ("zz/tune-a", "zz/merge", "merge") in edges and ("zz/tune-b", "zz/merge", "merge") in edges
    assert ("outside/model", "zz/merge", "merge") in edges
    nodes = {n["id"]: n for n in item["nodes"]}
    assert nodes["outside/model"]["in_catalog"] is False
    assert "zz/external-tune" not in nodes


def test_tree_human_shows_outside_models(cli, tmp_path):
    args = _family(tmp_path)
    out = cli("tree", "zz/external-tune", *args).stdout
    assert "elsewhere/base" in out and "not in catalog" in out and "zz/external-tune" in out


def test_tree_of_the_real_mistral_family_has_finetunes_and_merges(cli):
    item = cli("tree", "mistralai/Mistral-7B-v0.1", "--json").json["item"]
    kinds = {e["kind"] for e in item["edges"]}
    assert {"base", "merge"} <= kinds
    assert any(n["id"] == "teknium/OpenHermes-2.5-Mistral-7B" for n in item["nodes"])


def test_stats_counts_and_gaps(cli, tmp_path):
    args = _family(tmp_path)
    item = cli("catalog", "stats", *args, "--json").json["item"]
    assert item["total"] >= 5
    assert item["by_use"]["chat"] >= 3
    assert item["by_size"]["<=4B"] >= 5
    assert any("vision" in s for s in item["shortfalls"]) or item["by_use"]["vision"] >= 3


def test_stats_lists_missing_memory_facts(cli, tmp_path):
    d = entry()
    d["arch"] = {"layers": 4}
    write_entry(tmp_path, "zz/sparse", d)
    item = cli("catalog", "stats", "--catalog", str(tmp_path), "--json").json["item"]
    assert "arch.kv_heads" in item["missing"]["zz/sparse"]
