"""Checks beyond the schema: lineage cycles (through base models and merge parents), quantization names and the
sizes of artifact files."""

from __future__ import annotations

import pytest

from llmpick.catalog import load_catalog
from llmpick.catalog_checks import entry_problems, lineage_problems
from llmpick.schema import CatalogEntry
from tests.helpers import entry, write_entry

# --- Lineage ---------------------------------------------------------------------------------------------------


def node(mid, base=None, merges=()):
    parents = ([base] if base else []) + [p for p in merges if p != base]
    return (mid, f"{mid}.yaml", base, tuple(parents))


def test_a_cycle_through_merge_parents_is_found():
    found = lineage_problems([node("o/a", merges=["o/b", "x/outside"]), node("o/b", merges=["o/a"])])
    assert sorted(found) == [
        ("o/a.yaml", "merge_parents", "lineage cycle: o/a -> o/b -> o/a (each entry names the next as its parent)"),
        ("o/b.yaml", "merge_parents", "lineage cycle: o/b -> o/a -> o/b (each entry names the next as its parent)"),
    ]


def test_a_cycle_mixing_base_models_and_merge_parents_names_each_link():
    found = {
        p: (f, m)
        for p, f, m in lineage_problems([node("o/a", base="o/b"), node("o/b", merges=["o/c"]), node("o/c", base="o/a")])
    }
    assert found["o/a.yaml"][0] == "base_model" and found["o/b.yaml"][0] == "merge_parents"
    assert found["o/c.yaml"] == (
        "base_model",
        "lineage cycle: o/c -> o/a -> o/b -> o/c (each entry names the next as its parent)",
    )


def test_own_parent_and_models_that_merely_lead_into_a_cycle():
    found = lineage_problems(
        [
            node("o/self", merges=["o/self"]),
            node("o/a", base="o/b"),
            node("o/b", base="o/a"),
            node("o/child", base="o/a"),
        ]
    )
    assert ("o/self.yaml", "merge_parents", "a model cannot be its own parent") in found
    assert {p for p, _, _ in found} == {"o/self.yaml", "o/a.yaml", "o/b.yaml"}  # o/child is not on the cycle


def test_no_cycle_in_diamonds_and_long_chains():
    diamond = [node("o/a"), node("o/b", base="o/a"), node("o/c", base="o/a"), node("o/d", base="o/b", merges=["o/c"])]
    assert lineage_problems(diamond) == []
    chain = [node("o/m0")] + [node(f"o/m{i}", base=f"o/m{i - 1}") for i in range(1, 50_000)]  # no recursion
    assert lineage_problems(chain) == []
    assert len(lineage_problems([*chain[1:], node("o/m0", base="o/m49999")])) == 50_000


def test_a_merge_cycle_in_a_catalog_is_a_problem(tmp_path):
    write_entry(tmp_path, "org/a", entry(method="merge", uses=["chat"], merge_parents=["org/b"]))
    write_entry(tmp_path, "org/b", entry(method="merge", uses=["chat"], merge_parents=["org/a"]))
    cat = load_catalog([tmp_path], builtin=False)
    assert sorted((p.path.rsplit("/", 1)[-1], p.field) for p in cat.problems) == [
        ("a.yaml", "merge_parents"),
        ("b.yaml", "merge_parents"),
    ]


# --- Artifacts -----------------------------------------------------------------------------------------------


def with_files(*files, total=7_241_732_096):
    return CatalogEntry.model_validate(
        entry(params={"total": total}, artifacts=[{"format": "gguf", "repo": "a/b", "files": list(files)}])
    )


@pytest.mark.parametrize("quant", ["Q4_K_M", "q8_0", "gptq", "GPTQ-4bit", "EXL2-4.65bpw", "F16", "MXFP4", "QMoE"])
def test_known_quantization_names_and_aliases_pass(quant):
    assert entry_problems(with_files({"quant": quant})) == []


@pytest.mark.parametrize("quant", ["Q4_K_ZZ", "Q9", "EXL2-99bpw", "fp4-magic"])
def test_unknown_quantization_names_are_problems(quant):
    [(loc, message)] = entry_problems(with_files({"quant": "Q4_K_M"}, {"quant": quant}))
    assert loc == ["artifacts", 0, "files", 1, "quant"]
    assert message.startswith(f"unknown quantization {quant!r}; `llmpick quants` lists them.")


@pytest.mark.parametrize(
    "quant, size, file, ok",
    [
        ("Q4_K_M", 4_368_000_000, "m.Q4_K_M.gguf", True),  # TheBloke's Mistral-7B Q4_K_M: 4.37 GB
        ("Q8_0", 7_695_857_952, None, True),
        ("F16", 14_484_731_104, None, True),
        ("Q4_K_M", 1, None, False),  # D25: one byte for a 7B model
        ("F32", 7_241_732_096 * 4 * 100, None, False),  # a hundred times its F32 size
        ("Q4_K_M", 14_484_731_104, None, True),  # F16-sized: wrong, but not impossible (within 4x)
        ("Q4_K_M", 40_000_000_000, None, False),
        ("Q8_0", 2_000_000_000, "m-00002-of-00004.gguf", True),  # a quarter: one part of four
        ("Q8_0", 2_000_000_000, "m.gguf", True),
        ("Q8_0", 1_000_000_000, "m.gguf", False),
    ],
)
def test_sizes_impossible_for_the_model_are_problems(quant, size, file, ok):
    found = entry_problems(with_files({"quant": quant, "file": file, "size_bytes": size}))
    assert (found == []) is ok, found
    if not ok:
        assert found[0][0] == ["artifacts", 0, "files", 0, "size_bytes"] and "impossible" in found[0][1]


def test_sizes_are_not_judged_without_a_parameter_count():
    e = CatalogEntry.model_validate(
        entry(params={}, artifacts=[{"format": "gguf", "repo": "a/b", "files": [{"quant": "Q4_K_M", "size_bytes": 1}]}])
    )
    assert entry_problems(e) == []


def test_every_built_in_entry_passes_the_checks():
    for m in load_catalog(use_cache=False):
        assert entry_problems(m.entry) == [], m.id
