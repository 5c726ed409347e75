from llmpick.catalog import load_catalog
from llmpick.licenses import LICENSES, class_conflict, lookup
from llmpick.lineage import family_tree, root_of
from llmpick.schema import LICENSE_CLASSES
from llmpick.stats import catalog_stats, size_class
from tests.helpers import entry, write_entry


def test_root_and_tree(tmp_path):
    write_entry(tmp_path, "z/base", entry())
    write_entry(tmp_path, "z/tune", entry(method="finetune", base_model="z/base", uses=["chat"]))
    write_entry(tmp_path, "z/tune2", entry(method="finetune", base_model="z/tune", uses=["chat"]))
    write_entry(tmp_path, "z/ext", entry(method="finetune", base_model="far/away", uses=["chat"]))
    cat = load_catalog([tmp_path], builtin=False)
    assert root_of(cat, "z/tune2") == "z/base"
    assert root_of(cat, "z/ext") == "far/away"
    t = family_tree(cat, "z/tune2")
    assert set(t.nodes) == {"z/base", "z/tune", "z/tune2"}
    assert t.children("z/base") == [("z/tune", "base")]


def test_size_classes_and_gaps(tmp_path):
    sizes = {"s1": 1e9, "s7": 7.2e9, "s13": 13e9, "s32": 32e9, "s70": 70e9, "s180": 180e9}
    for name, total in sizes.items():
        write_entry(tmp_path, f"z/{name}", entry(params={"total": int(total)}))
    moe = entry(params={"total": 47_000_000_000, "active": 13_000_000_000})
    moe["arch"] = dict(moe["arch"], experts=8, experts_per_token=2)
    write_entry(tmp_path, "z/moe", moe)
    cat = load_catalog([tmp_path], builtin=False)
    assert [size_class(cat.get(f"z/{n}")) for n in sizes] == ["<=4B", "7-9B", "12-15B", "20-35B", "60-80B", ">100B"]
    assert size_class(cat.get("z/moe")) == "MoE"
    s = catalog_stats(cat)
    assert not [x for x in s.shortfalls if "size class" in x]
    assert any("use 'coding'" in x for x in s.shortfalls)
    assert any("flag 'uncensored'" in x for x in s.shortfalls) and s.by_flag == {"uncensored": 0, "nsfw-capable": 0}
    assert s.recent == 0 and s.recent_since == "2025-09"  # the test entries carry no release month


def test_license_table():
    assert all(row.license_class in LICENSE_CLASSES for row in LICENSES.values())
    assert lookup("LLAMA2").license_class == "commercial-with-conditions"
    assert "700M" in lookup("llama3.1").note
    assert class_conflict("mit", "commercial-with-conditions") is None  # stricter than the license: allowed
    assert class_conflict("cc-by-nc-4.0", "permissive") is not None  # looser: a mistake
    assert class_conflict("other", "permissive") is None
