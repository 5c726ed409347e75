"""The package's data tables (src/llmpick/data/*.csv) are checked like code: shape, sources, keys, invariants."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from llmpick import licenses as lic
from llmpick import quality_data as qd
from llmpick.catalog import load_catalog
from llmpick.quant import GGUF_QUANTS, all_quants
from llmpick.schema import LICENSE_CLASSES, USES
from llmpick.tables import TableError, parse_table, read_table

DATA = Path(__file__).resolve().parents[2] / "src" / "llmpick" / "data"

# name -> (required columns, key column or None)
TABLES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "gpus": (("key", "name", "vendor", "kind", "vram_gib", "bandwidth_gbs", "aliases"), "key"),
    "licenses": (("id", "license_class", "note"), "id"),
    "quant_quality": (("quant", "ppl_f16", "delta_ppl", "kept", "taken_as", "curve_bpw", "basis"), "quant"),
    "use_benchmarks": (("use", "benchmark", "measures"), None),
}

# Formats `llmpick quants` names that have no quality row on purpose: they keep qd.UNKNOWN_KEPT.
NO_QUALITY_ROW = {"MXFP4", "MXFP4_MOE"}  # no published perplexity: gpt-oss's released format, llama.cpp's MXFP4 MoE mix


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    """Clear the lazily read tables around a test that feeds them other text."""
    caches = (qd.quant_quality, qd.exl2_curve, qd.use_benchmarks, lic.licenses)
    for f in caches:
        f.cache_clear()
    yield
    for f in caches:
        f.cache_clear()


# --- every table ---------------------------------------------------------------------------


def test_every_csv_in_data_is_a_checked_table():
    assert {p.stem for p in DATA.glob("*.csv")} == set(TABLES)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_table_parses_with_sources_and_unique_keys(name):
    required, key = TABLES[name]
    rows = read_table(name, required, key)
    assert rows, f"{name}.csv has no rows"
    assert all(row["source"] for row in rows)
    assert all(set(required) | {"source"} <= set(row) for row in rows)
    if key:
        keys = [row[key] for row in rows]
        assert len(keys) == len(set(keys))
    text = (DATA / f"{name}.csv").read_text(encoding="utf-8")
    assert text.startswith("# "), f"{name}.csv starts with a # header saying what a row is, its units and sources"


def test_tables_are_read_on_first_use_not_at_import():
    code = (
        "import sys, llmpick.tables as t, llmpick.licenses, llmpick.quality_data; "
        "print(t.read_table.cache_info().currsize, 'pydantic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "False"]


# --- the reader's errors name file:line ----------------------------------------------------

GOOD = "# a comment\n# another\nk,v,source\na,1,paper\n\nb,2,site\n"


def test_reader_skips_comments_and_blank_lines_and_knows_line_numbers():
    rows = parse_table(GOOD, "x.csv", ("k", "v"), key="k")
    assert [(r["k"], r["v"], r.line) for r in rows] == [("a", "1", 4), ("b", "2", 6)]
    assert rows[1].where == "x.csv:6"
    assert rows[0].number("v") == 1.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# only\n", "x.csv:1: no header line"),
        ("# h\nk,v\na,1\n", "x.csv:2: missing column source"),
        ("k,source\na,1\n", "x.csv:1: missing column v"),
        ("k,v,v,source\n", "x.csv:1: column v appears twice"),
        ("k,v,source\na,1,paper\n# c\nb,2,\n", "x.csv:4: source is empty"),
        ("k,v,source\na,1,paper\nb,2, \n", "x.csv:3: source is empty"),
        ("k,v,source\na,1,paper, with a comma\n", "x.csv:2: 4 cells for 3 columns"),
        ("k,v,source\na,1\n", "x.csv:2: 2 cells for 3 columns"),
        ("k,v,source\na,1,p\n\nb,2,p\na,3,p\n", "x.csv:5: k 'a' is already on line 2"),
        ("k,v,source\n,1,p\n", "x.csv:2: k is empty"),
    ],
)
def test_malformed_table_is_reported_at_its_line(text, message):
    with pytest.raises(TableError) as err:
        parse_table(text, "x.csv", ("k", "v"), key="k")
    assert str(err.value).startswith(message)


def test_a_cell_that_is_not_a_number_is_reported_at_its_line():
    (row,) = parse_table("k,v,source\na,lots,p\n", "x.csv", ("k", "v"))
    with pytest.raises(TableError, match=r"^x\.csv:2: v: 'lots' is not a number"):
        row.number("v")


def _serve(monkeypatch, module, text):
    """Make ``module.read_table`` parse ``text`` instead of the shipped file."""
    monkeypatch.setattr(module, "read_table", lambda name, req, key=None: parse_table(text, f"{name}.csv", req, key))


QQ_HEAD = "quant,ppl_f16,delta_ppl,kept,taken_as,curve_bpw,basis,source\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("A,6.0,0.1,0.9,,,b,s\n", "quant_quality.csv:2: give exactly one of"),
        ("A,,,,,,b,s\n", "quant_quality.csv:2: give exactly one of"),
        ("A,6.0,,,,,b,s\n", "quant_quality.csv:2: ppl_f16 and delta_ppl go together"),
        ("A,,,1.2,,,b,s\n", "quant_quality.csv:2: kept 1.2 is not in (0, 1]"),
        ("A,,,0,,,b,s\n", "quant_quality.csv:2: kept 0 is not in (0, 1]"),
        ("A,,,0.9,,,,s\n", "quant_quality.csv:2: basis is empty"),
        ("A,,,,B,,b,s\n", "quant_quality.csv:2: taken_as 'B' has no row"),
        ("A,,,0.9,,,b,s\nB,,,,A,,b,s\nC,,,,B,,b,s\n", "quant_quality.csv:4: taken_as 'B' is itself taken_as"),
        ("A,,,0.9,,,b,\n", "quant_quality.csv:2: source is empty"),
    ],
)
def test_malformed_quant_quality_rows(monkeypatch, fresh_caches, body, message):
    _serve(monkeypatch, qd, QQ_HEAD + body)
    with pytest.raises(TableError) as err:
        qd.quant_quality()
    assert str(err.value).startswith(message)


def test_malformed_license_and_use_rows(monkeypatch, fresh_caches):
    _serve(monkeypatch, lic, "id,license_class,note,source\nmit,free,Do anything.,https://x\n")
    with pytest.raises(TableError, match=r"^licenses\.csv:2: license_class 'free' is not one of"):
        lic.lookup("mit")
    _serve(monkeypatch, lic, "id,license_class,note,source\nMIT,permissive,Do anything.,https://x\n")
    with pytest.raises(TableError, match=r"^licenses\.csv:2: id 'MIT' must be lower case"):
        lic.lookup("mit")
    _serve(monkeypatch, qd, "use,benchmark,measures,source\ncooking,recipes,taste,https://x\n")
    with pytest.raises(TableError, match=r"^use_benchmarks\.csv:2: use 'cooking' is not one of"):
        qd.use_benchmarks()
    _serve(monkeypatch, qd, "use,benchmark,measures,source\ncoding,humaneval,code,s\ncoding,humaneval,code,s\n")
    with pytest.raises(TableError, match=r"^use_benchmarks\.csv:3: coding -> humaneval is listed twice"):
        qd.use_benchmarks()


# --- quant quality -------------------------------------------------------------------------


def test_every_format_has_a_quality_row():
    names = {q.name for q in all_quants()}
    assert set(GGUF_QUANTS) <= names
    missing = names - set(qd.quant_quality())
    assert missing == NO_QUALITY_ROW, "add a row to data/quant_quality.csv (or list it in NO_QUALITY_ROW, with why)"
    assert all(qd.quant_kept(n) == qd.UNKNOWN_KEPT for n in NO_QUALITY_ROW)
    assert set(qd.quant_quality()) <= names, "a quality row for a format `llmpick quants` does not know"


def test_kept_is_a_share_and_every_row_has_a_basis():
    for name, (kept, basis) in qd.quant_quality().items():
        assert 0 < kept <= 1, name
        assert basis, name


def test_kept_is_derived_from_the_published_perplexity():
    table = qd.quant_quality()
    for row in read_table("quant_quality", *TABLES["quant_quality"]):
        if row["delta_ppl"]:
            ppl, delta = float(row["ppl_f16"]), float(row["delta_ppl"])
            assert table[row["quant"]][0] == round(ppl / (ppl + delta), 4), row.where
        elif row["taken_as"]:
            assert table[row["quant"]][0] == table[row["taken_as"]][0], row.where
        else:
            assert table[row["quant"]][0] == float(row["kept"]), row.where
    # The published figures: Δppl @ Llama-3-8B over f16 6.2331 (llama.cpp), Llama-2-7B 5.47 -> 5.60 / 5.69 (AWQ paper).
    assert table["Q4_K_M"] == (0.9726, "measured: llama.cpp quantize.cpp, Llama-3-8B")
    assert table["Q2_K"][0] == 0.6391
    assert table["AWQ-4bit"][0] == round(5.47 / 5.60, 4)
    assert table["GPTQ-4bit"][0] == table["NF4"][0] == round(5.47 / 5.69, 4)
    assert table["MLX-4bit"][0] == table["Q4_1"][0]
    assert table["IQ3_M"] == (0.899, "interpolated by bits per weight on the k-quant curve")
    assert table["F16"] == (1.0, "unquantized")


def test_kept_falls_as_the_perplexity_rises():
    rows = [r for r in read_table("quant_quality", *TABLES["quant_quality"]) if r["ppl_f16"] == "6.2331"]
    by_delta = sorted(rows, key=lambda r: float(r["delta_ppl"]))
    kept = [qd.quant_quality()[r["quant"]][0] for r in by_delta]
    assert len(rows) >= 20 and kept == sorted(kept, reverse=True)


@pytest.mark.parametrize(
    "smallest_first",
    [
        ["Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_K_S", "Q4_K_M", "Q5_K_S", "Q5_K_M", "Q6_K", "Q8_0", "F16"],
        ["Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0"],
        [
            "IQ1_S",
            "IQ1_M",
            "IQ2_XXS",
            "IQ2_XS",
            "IQ2_S",
            "IQ2_M",
            "IQ3_XXS",
            "IQ3_XS",
            "IQ3_S",
            "IQ3_M",
            "IQ4_XS",
            "IQ4_NL",
        ],
        ["GPTQ-4bit", "AWQ-4bit", "AWQ-8bit"],
        ["MLX-4bit", "MLX-8bit"],
    ],
)
def test_within_a_family_more_bits_keep_more(smallest_first):
    kept = [qd.quant_kept(q) for q in smallest_first]
    assert kept == sorted(kept) and len(set(kept)) == len(kept), dict(zip(smallest_first, kept, strict=True))


def test_low_bit_is_the_one_and_two_bit_i_quants():
    assert {q for q in GGUF_QUANTS if q.startswith(("IQ1_", "IQ2_"))} == qd.LOW_BIT
    assert all(qd.quant_kept(q) < qd.quant_kept("Q3_K_S") for q in qd.LOW_BIT)


# --- EXL2: interpolated on the k-quant curve ------------------------------------------------


def test_exl2_curve_comes_from_the_table_rows():
    table = qd.quant_quality()
    rows = [r for r in read_table("quant_quality", *TABLES["quant_quality"]) if r["curve_bpw"]]
    assert qd.exl2_curve() == tuple(sorted((float(r["curve_bpw"]), table[r["quant"]][0]) for r in rows))
    assert [r["quant"] for r in rows] == ["Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M", "Q2_K"]


def test_exl2_interpolates_between_neighbours():
    pts = qd.exl2_curve()
    for bpw, kept in pts:
        assert qd.quant_kept("EXL2-x", bpw) == pytest.approx(kept)
    for (b0, k0), (b1, k1) in itertools.pairwise(pts):
        mid = qd.quant_kept("EXL2-x", (b0 + b1) / 2)
        assert mid == pytest.approx((k0 + k1) / 2)
        assert k0 <= mid <= k1
    b0, k0 = pts[0]
    assert qd.quant_kept("EXL2-x", b0 / 2) == pytest.approx(k0 / 2)  # below the curve: toward 0 at 0 bits
    assert qd.quant_kept("EXL2-x", 12.0) == 1.0
    assert qd.quant_kept("EXL2-4.65bpw") == qd.UNKNOWN_KEPT  # no bits given


def test_exl2_is_monotone_in_bits():
    kept = [qd.quant_kept("EXL2-x", b / 20) for b in range(20, 321)]
    assert kept == sorted(kept)
    assert all(0 < k <= 1 for k in kept)


def test_unknown_format_keeps_the_documented_fallback():
    assert qd.quant_kept("no-such-format") == qd.UNKNOWN_KEPT == 0.9
    assert qd.quant_kept("Q4_0") > qd.UNKNOWN_KEPT  # no 4-bit format with a figure ranks below one without


# --- use -> benchmarks ---------------------------------------------------------------------


def test_use_benchmarks_uses_are_known_and_lists_are_unique():
    ub = qd.use_benchmarks()
    assert set(ub) <= set(USES)
    assert all(len(b) == len(set(b)) and b for b in ub.values())
    assert ub["coding"][0] == "humaneval"
    assert "math" in ub["math"] and "math" in ub["reasoning"]
    assert all(name == name.lower() and " " not in name for b in ub.values() for name in b)


# --- licenses ------------------------------------------------------------------------------


def test_license_rows_have_a_known_class_and_lower_case_ids():
    table = lic.licenses()
    assert table is lic.LICENSES
    assert all(row.license_class in LICENSE_CLASSES for row in table.values())
    assert all(row.id == row.id.lower() and row.note for row in table.values())
    assert [*lic._STRICTNESS, "unknown"] == list(LICENSE_CLASSES)
    assert {"other", "unknown"} <= set(table)


def test_every_catalog_license_has_a_row():
    missing = sorted({m.entry.license for m in load_catalog(use_cache=False) if lic.lookup(m.entry.license) is None})
    assert missing == [], f"add these license ids to src/llmpick/data/licenses.csv: {missing}"
