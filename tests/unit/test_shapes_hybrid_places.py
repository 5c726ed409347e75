"""Where the estimator puts FFN-only blocks (Nemotron-H) when the catalog gives their count, not their order."""

from __future__ import annotations

from hybrid_archs import NEMOTRON3_NANO

from llmpick.estimate.shapes_hybrid import _ffn_places, _mixers
from llmpick.gguf_rules import use_more_bits

# config.json hybrid_override_pattern of Nemotron 3 Nano 30B-A3B (M Mamba-2, E MoE FFN, * attention)
PATTERN = "MEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEMEM*EMEMEMEME"


def test_ffn_blocks_hit_the_more_bits_layers_as_often_as_the_real_pattern() -> None:
    n = len(PATTERN)
    real = sum(use_more_bits(i, n) for i, c in enumerate(PATTERN) if c == "E")
    places = _ffn_places(PATTERN.count("E"), n)
    assert len(places) == 23 and all(0 <= i < n for i in places)
    # Q4_K_M / Q5_K_M give ffn_down Q6_K on use_more_bits layers: 11 of the 23 in the real file
    assert sum(use_more_bits(i, n) for i in places) == real == 11


def test_mixers_keep_the_counts_and_put_ffn_blocks_at_those_places() -> None:
    kinds = _mixers(NEMOTRON3_NANO, 52)
    assert (kinds.count("mamba"), kinds.count("ffn"), kinds.count("full_attention")) == (23, 23, 6)
    assert {i for i, k in enumerate(kinds) if k == "ffn"} == _ffn_places(23, 52)


def test_every_rule_class_gets_its_share() -> None:
    # half the layers of a 64-layer model are FFN blocks: each class of layers the rules treat alike gets half
    places = _ffn_places(32, 64)
    assert sum(i < 8 for i in places) == 4  # i < n/8
    assert sum(use_more_bits(i, 64) for i in places) == sum(use_more_bits(i, 64) for i in range(64)) // 2


def test_a_rounded_card_count_does_not_rescale_the_shapes() -> None:
    from llmpick.estimate.weights import _rounding

    assert _rounding(4_000_000_000) == 500_000_000  # "4B"
    assert _rounding(31_600_000_000) == 50_000_000  # "31.6B"
    assert _rounding(32_207_337_984) == 0  # read from the checkpoint: exact
    assert _rounding(7_241_732_096) == 0
