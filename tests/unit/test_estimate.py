"""Memory formulas, table-driven with hand-computed bytes, plus properties that must hold for any entry."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmpick.errors import UsageError
from llmpick.estimate import (
    KV_CACHE_TYPES,
    estimate,
    kv_cache_bytes,
    max_context_that_fits,
    tensor_shapes,
    weights_lower_bound,
)
from llmpick.schema import Architecture, Artifact, ArtifactFile, CatalogEntry, Model, Params
from tests.helpers import model_entry

MIB = 2**20


def make(
    params: int | None = None, active: int | None = None, *, modalities=("text",), artifacts=(), released=None, **arch
) -> CatalogEntry:
    return model_entry(
        Architecture(**arch),
        params,
        active,
        modalities=list(modalities),
        artifacts=list(artifacts),
        released=released,
    )


LLAMA2_7B = dict(
    type="LlamaForCausalLM",
    layers=32,
    hidden_size=4096,
    intermediate_size=11008,
    attention_heads=32,
    kv_heads=32,
    vocab_size=32000,
    max_context=4096,
    tie_word_embeddings=False,
)
# A tiny model whose bytes are easy to count by hand: hidden 256, 2 layers, 4 heads of 64, 2 KV heads, FFN 512,
# vocab 1000.  Per layer: q 256*256, k 128*256, v 128*256, o 256*256, gate/up/down 512*256 each, norms 2*256.
TINY = dict(
    type="LlamaForCausalLM",
    layers=2,
    hidden_size=256,
    intermediate_size=512,
    attention_heads=4,
    kv_heads=2,
    head_dim=64,
    vocab_size=1000,
    max_context=2048,
    tie_word_embeddings=False,
)
TINY_MATRIX = 2 * (256 * 256 * 2 + 128 * 256 * 2 + 512 * 256 * 3) + 2 * 1000 * 256  # 2-D weights
TINY_VECTOR = 2 * 2 * 256 + 256  # norms


# --- KV cache ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arch", "ctx", "kw", "expected"),
    [
        # llama.cpp: Llama-2-7B at n_ctx=512, f16: "kv self size = 256.00 MB"
        (dict(layers=32, hidden_size=4096, attention_heads=32, kv_heads=32), 512, {}, 256 * MIB),
        # GQA (8 KV heads of 128), 8192 tokens: 2*32*8*128*8192*2
        (
            dict(layers=32, hidden_size=4096, attention_heads=32, kv_heads=8, head_dim=128),
            8192,
            {},
            2 * 32 * 8 * 128 * 8192 * 2,
        ),
        # MQA: one KV head
        (dict(layers=10, hidden_size=1024, attention_heads=16, kv_heads=1), 1000, {}, 2 * 10 * 1 * 64 * 1000 * 2),
        # parallel sequences each hold their context
        (
            dict(layers=2, hidden_size=256, attention_heads=4, kv_heads=2),
            100,
            {"parallel": 3},
            2 * 2 * 2 * 64 * 300 * 2,
        ),
        # q8_0: 34 bytes per 32 values; q4_0: 18 per 32; fp8: 1 byte
        (
            dict(layers=1, hidden_size=128, attention_heads=1, kv_heads=1),
            64,
            {"kv_cache": "q8_0"},
            2 * 128 * 64 * 34 / 32,
        ),
        (
            dict(layers=1, hidden_size=128, attention_heads=1, kv_heads=1),
            64,
            {"kv_cache": "q4_0"},
            2 * 128 * 64 * 18 / 32,
        ),
        (dict(layers=1, hidden_size=128, attention_heads=1, kv_heads=1), 64, {"kv_cache": "fp8"}, 2 * 128 * 64),
        # sliding window on every layer: at most the window
        (
            dict(layers=4, hidden_size=512, attention_heads=8, kv_heads=8, sliding_window=100),
            1000,
            {},
            2 * 4 * 512 * 100 * 2,
        ),
        # half the layers windowed (Gemma-2 style)
        (
            dict(layers=4, hidden_size=512, attention_heads=8, kv_heads=8, sliding_window=100, sliding_window_layers=2),
            1000,
            {},
            2 * 512 * 2 * (2 * 1000 + 2 * 100),
        ),
        # a window longer than the context changes nothing
        (
            dict(layers=4, hidden_size=512, attention_heads=8, kv_heads=8, sliding_window=4096),
            1000,
            {},
            2 * 4 * 512 * 1000 * 2,
        ),
        # MLA: one latent of kv_lora_rank + qk_rope_head_dim per token and layer
        (
            dict(layers=61, hidden_size=7168, attention_heads=128, kv_heads=128, kv_lora_rank=512, qk_rope_head_dim=64),
            1000,
            {},
            61 * 576 * 1000 * 2,
        ),
    ],
)
def test_kv_cache_formula(arch: dict, ctx: int, kw: dict, expected: float) -> None:
    got, _, missing = kv_cache_bytes(Architecture(**arch), ctx, **kw)
    assert got == pytest.approx(expected)
    assert missing == []


def test_kv_cache_missing_kv_heads_is_visible() -> None:
    got, _, missing = kv_cache_bytes(Architecture(layers=2, hidden_size=256, attention_heads=4), 10)
    assert got == 2 * 2 * 4 * 64 * 10 * 2  # upper bound: no GQA
    assert "no kv_heads" in missing[0]
    got, _, missing = kv_cache_bytes(Architecture(layers=2), 10)
    assert got is None and "KV cache unknown" in missing[0]


def test_llama2_7b_kv_is_256_mib_through_estimate() -> None:
    est = estimate(make(6_738_415_616, **LLAMA2_7B), "F16", 512)
    assert est.kv_cache_bytes == 256 * MIB
    assert est.per_layer_kv_bytes == 8 * MIB


# --- Weights -----------------------------------------------------------------------------


def test_tiny_shapes_are_counted_by_hand() -> None:
    shapes = tensor_shapes(Architecture(**TINY))
    assert shapes is not None and shapes.params == TINY_MATRIX + TINY_VECTOR


@pytest.mark.parametrize(
    ("quant", "expected"),
    [
        ("F16", TINY_MATRIX * 2 + TINY_VECTOR * 4),  # norms stay F32
        ("F32", (TINY_MATRIX + TINY_VECTOR) * 4),
        ("Q8_0", TINY_MATRIX // 32 * 34 + TINY_VECTOR * 4),  # Q8_0 everywhere, output stays Q8_0
        # Q4_0: output.weight -> Q6_K (256 x 1000 = 1000 blocks of 256), the rest Q4_0
        ("Q4_0", (TINY_MATRIX - 256_000) // 32 * 18 + 256_000 // 256 * 210 + TINY_VECTOR * 4),
        # GPTQ 4-bit g128: layers at 4 + 20/128 bits, embeddings and head fp16, norms 16-bit
        ("GPTQ-4bit", (TINY_MATRIX - 512_000) * (4 + 20 / 128) / 8 + 512_000 * 2 + TINY_VECTOR * 2),
        ("MLX-4bit", TINY_MATRIX * 4.5 / 8 + TINY_VECTOR * 2),
    ],
)
def test_weights_by_hand(quant: str, expected: float) -> None:
    est = estimate(make(TINY_MATRIX + TINY_VECTOR, **TINY), quant, 16)
    assert est.weights_bytes == round(expected)
    assert est.basis["weights"] == "formula"


def test_q4_k_m_on_a_7b_shape_is_the_real_file() -> None:
    # TheBloke/Llama-2-7b-Chat-GGUF llama-2-7b-chat.Q4_K_M.gguf: 4.08 GB
    est = estimate(make(6_738_415_616, **LLAMA2_7B), "Q4_K_M", 4096)
    assert est.weights_bytes == pytest.approx(4.08e9, rel=0.005)
    assert est.layers == 32
    assert est.per_layer_weights_bytes * 32 + est.non_layer_weights_bytes == pytest.approx(est.weights_bytes, abs=64)


def test_file_size_wins_and_is_the_basis() -> None:
    e = make(
        6_738_415_616,
        artifacts=[Artifact(format="gguf", repo="a/b", files=[ArtifactFile(quant="q8_0", size_bytes=7_000_000_000)])],
        **LLAMA2_7B,
    )
    assert estimate(e, "Q8_0", 512).weights_bytes == 7_000_000_000
    assert estimate(e, "Q8_0", 512).basis["weights"] == "file_size"
    assert estimate(e, "Q6_K", 512).basis["weights"] == "formula"
    given_size = estimate(e, "Q6_K", 512, file_size_bytes=5_500_000_000)
    assert given_size.weights_bytes == 5_500_000_000 and given_size.basis["weights"] == "file_size"


def test_params_only_fallback_is_visible() -> None:
    est = estimate(make(3_000_000_000, layers=26), "Q8_0", 1024)
    assert est.basis["weights"] == "params"
    assert est.weights_bytes == round(3e9 * 8.501 / 8)
    assert est.kv_cache_bytes is None and est.basis["kv_cache"] == "unknown"
    assert any("KV cache unknown" in m for m in est.missing)
    assert est.total_bytes == est.weights_bytes + est.overhead_bytes


def test_moe_uses_total_for_memory_and_active_for_speed() -> None:
    moe = make(
        None,
        type="MixtralForCausalLM",
        layers=4,
        hidden_size=256,
        intermediate_size=512,
        attention_heads=4,
        kv_heads=2,
        vocab_size=1000,
        experts=8,
        experts_per_token=2,
        tie_word_embeddings=False,
    )
    dense = make(None, **{**TINY, "layers": 4})
    m, d = estimate(moe, "F16", 64), estimate(dense, "F16", 64)
    expert_bytes = 4 * 3 * 512 * 256 * 2  # one expert in every layer
    assert m.weights_bytes - d.weights_bytes == pytest.approx(7 * expert_bytes + 4 * 8 * 256 * 2)  # + the F16 router
    # read per token: everything but the token embedding, with 2 of 8 experts
    assert m.active_weights_bytes == pytest.approx(d.active_weights_bytes + expert_bytes + 4 * 8 * 256 * 2, rel=1e-6)
    assert m.active_weights_bytes < m.weights_bytes


def test_vision_part() -> None:
    e = make(None, modalities=("text", "image"), vision_params=400_000_000, **TINY)
    assert estimate(e, "Q4_K_M", 64).vision_bytes == 800_000_000
    e2 = make(None, modalities=("text", "image"), **TINY)
    est = estimate(e2, "Q4_K_M", 64)
    assert est.vision_bytes is None and any("vision encoder unknown" in m for m in est.missing)


# --- Inputs ------------------------------------------------------------------------------


@pytest.mark.parametrize("ctx", [0, -1, 10_000_001])
def test_bad_context(ctx: int) -> None:
    with pytest.raises(UsageError):
        estimate(make(None, **TINY), "Q4_K_M", ctx)


def test_context_capped_at_the_model_maximum() -> None:
    est = estimate(make(None, **TINY), "Q4_K_M", 100_000)
    assert est.context == 2048 and any("capped" in a for a in est.assumptions)


def test_bad_kv_type_and_engine() -> None:
    with pytest.raises(UsageError):
        estimate(make(None, **TINY), "Q4_K_M", 64, kv_cache="q3")
    with pytest.raises(UsageError):
        estimate(make(None, **TINY), "Q4_K_M", 64, engine="torchserve")


@pytest.mark.parametrize("engine", ["llama.cpp", "vllm", "transformers", "mlx", "exllamav2"])
def test_every_engine_has_overhead(engine: str) -> None:
    est = estimate(make(None, **TINY), "Q4_K_M", 64, engine=engine)
    assert est.overhead_bytes == est.overhead_per_gpu_bytes + est.overhead_shared_bytes > 0
    assert est.total_bytes == est.weights_bytes + est.kv_cache_bytes + est.vision_bytes + est.overhead_bytes


def test_max_context_that_fits() -> None:
    e = Model("t/llama2", make(6_738_415_616, **LLAMA2_7B), "x")
    base = estimate(e, "Q4_K_M", 1).total_bytes
    per_token = 2 * 32 * 4096 * 2
    got = max_context_that_fits(e, "Q4_K_M", base + 1000 * per_token)
    # llama.cpp pads the context to 256 cells: 1 token already holds 256, so 1000 more fit up to 1024.
    assert got == 1024
    assert max_context_that_fits(e, "Q4_K_M", 10**15) == 4096
    assert max_context_that_fits(e, "Q4_K_M", 1000) is None


# --- Properties ----------------------------------------------------------------------------

archs = st.builds(
    dict,
    layers=st.integers(1, 120),
    hidden_size=st.sampled_from([256, 512, 2048, 4096, 5120, 8192]),
    heads_div=st.sampled_from([1, 2, 4, 8]),
    ffn_mult=st.integers(1, 16),
    vocab_size=st.integers(1000, 300_000),
    gqa=st.sampled_from([1, 2, 4, 8]),
    sliding=st.one_of(st.none(), st.integers(128, 8192)),
    experts=st.one_of(st.none(), st.sampled_from([4, 8, 16])),
    tied=st.booleans(),
)


def build(d: dict) -> CatalogEntry:
    heads = max(1, d["hidden_size"] // (64 * d["heads_div"]))
    kvh = max(1, heads // d["gqa"])
    heads = kvh * d["gqa"] if heads % kvh else heads
    arch = dict(
        type="LlamaForCausalLM",
        layers=d["layers"],
        hidden_size=d["hidden_size"],
        attention_heads=heads,
        kv_heads=kvh,
        head_dim=64,
        intermediate_size=256 * d["ffn_mult"],
        vocab_size=d["vocab_size"],
        sliding_window=d["sliding"],
        tie_word_embeddings=d["tied"],
        max_context=1_000_000,
    )
    if d["experts"]:
        arch.update(experts=d["experts"], experts_per_token=2)
    return make(None, **arch)


LADDER = [
    "IQ1_S",
    "IQ2_XXS",
    "Q2_K",
    "Q3_K_S",
    "Q3_K_M",
    "Q3_K_L",
    "Q4_K_S",
    "Q4_K_M",
    "Q5_K_S",
    "Q5_K_M",
    "Q6_K",
    "Q8_0",
    "F16",
    "F32",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(archs, st.integers(1, 500_000), st.integers(1, 500_000), st.sampled_from(sorted(KV_CACHE_TYPES)))
def test_more_context_never_needs_less(d: dict, c1: int, c2: int, kv: str) -> None:
    e = build(d)
    lo, hi = sorted((c1, c2))
    a, b = estimate(e, "Q4_K_M", lo, kv_cache=kv), estimate(e, "Q4_K_M", hi, kv_cache=kv)
    assert b.kv_cache_bytes >= a.kv_cache_bytes and b.total_bytes >= a.total_bytes


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(archs, st.integers(0, len(LADDER) - 2))
def test_more_bits_never_need_less(d: dict, i: int) -> None:
    e = build(d)
    if d["experts"] == 8 and LADDER[i : i + 2] == ["Q3_K_M", "Q3_K_L"]:
        # llama.cpp's own exception (llama-quant.cpp, attn_output): with 8 experts Q3_K_M raises attn_output to
        # Q5_K and Q3_K_L leaves it at Q3_K, so an attention-heavy 8-expert model is smaller at Q3_K_L.
        return
    assert estimate(e, LADDER[i + 1], 512).weights_bytes >= estimate(e, LADDER[i], 512).weights_bytes


@settings(max_examples=40, deadline=None)
@given(st.floats(1.0, 15.0), st.floats(1.0, 15.0))
def test_exl2_bits_are_monotone(x: float, y: float) -> None:
    e = make(None, **TINY)
    lo, hi = sorted((round(x, 2), round(y, 2)))
    assert estimate(e, f"EXL2-{hi}bpw", 64).weights_bytes >= estimate(e, f"EXL2-{lo}bpw", 64).weights_bytes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    archs,
    st.sampled_from(["Q4_K_M", "IQ2_XS", "GPTQ-4bit", "NF4", "FP8", "MLX-4bit", "EXL2-3.5bpw", "QMoE", "F16"]),
    st.integers(1, 10_000_000),
    st.integers(1, 64),
    st.sampled_from(["llama.cpp", "vllm", "transformers", "mlx", "exllamav2"]),
)
def test_estimates_are_finite_and_non_negative(d: dict, quant: str, ctx: int, par: int, engine: str) -> None:
    est = estimate(build(d), quant, ctx, parallel=par, engine=engine)
    for v in (est.weights_bytes, est.kv_cache_bytes, est.overhead_bytes, est.total_bytes, est.active_weights_bytes):
        assert v is not None and v >= 0 and math.isfinite(v)
    assert est.active_weights_bytes <= est.weights_bytes


@settings(max_examples=40, deadline=None)
@given(
    st.one_of(st.none(), st.integers(1, 10**12)),
    st.one_of(st.none(), st.integers(1, 200)),
    st.one_of(st.none(), st.integers(64, 16384)),
    st.one_of(st.none(), st.integers(1, 128)),
)
def test_partial_entries_never_give_silent_zero(total, layers, hidden, heads) -> None:
    est = estimate(make(total, layers=layers, hidden_size=hidden, attention_heads=heads), "Q4_K_M", 1024)
    # Issue #10 (D1): unknown weights leave the total unknown (null), never a total without them.
    assert est.total_bytes is None or est.total_bytes > 0
    if est.kv_cache_bytes is None:
        assert est.basis["kv_cache"] == "unknown" and est.missing
    if total is None:
        assert est.basis["weights"] == "unknown" and any("weights unknown" in m for m in est.missing)
        assert est.weights_bytes is None and est.total_bytes is None and est.active_weights_bytes is None


def test_llama_cpp_caches_full_context_for_uniform_sliding_window():
    # Mistral-7B-v0.1 shape: every layer slides over 4096 tokens; llama.cpp ignores that window.
    a = Architecture(layers=32, hidden_size=4096, attention_heads=32, kv_heads=8, head_dim=128, sliding_window=4096)
    full, _, _ = kv_cache_bytes(a, 8192, engine="llama.cpp")
    windowed, _, _ = kv_cache_bytes(a, 8192, engine="vllm")
    assert full == 2 * 32 * 8 * 128 * 8192 * 2
    assert windowed == 2 * 32 * 8 * 128 * 4096 * 2


def test_interleaved_window_is_honoured_by_llama_cpp():
    # Gemma-2-9B shape: 21 of 42 layers slide over 4096 tokens.
    a = Architecture(
        layers=42,
        hidden_size=3584,
        attention_heads=16,
        kv_heads=8,
        head_dim=256,
        sliding_window=4096,
        sliding_window_layers=21,
    )
    got, _, _ = kv_cache_bytes(a, 8192, engine="llama.cpp")
    # llama-kv-cache-iswa.cpp: the SWA cache holds GGML_PAD(min(n_ctx, n_swa + n_ubatch), 256) = 4096 + 512 cells
    assert got == 2 * 8 * 256 * 2 * (21 * 8192 + 21 * 4608)


def test_grouped_layer_types_equal_the_rules_applied_layer_by_layer():
    """_layer_types asks llama.cpp's rules once per layer signature; that must equal asking every layer."""
    from llmpick.estimate.weights import _layer_types
    from llmpick.gguf_rules import TensorContext, gguf_tensor_type
    from llmpick.quant import GGUF_QUANTS

    classes = ("attn_q", "attn_k", "attn_v", "attn_qkv", "attn_output", "ffn_gate", "ffn_up", "ffn_down")
    for n_layer in (1, 2, 7, 16, 24, 28, 32, 40, 46, 61, 80, 126, 137):
        for ctx in (
            TensorContext(n_layer=n_layer),
            TensorContext(n_layer=n_layer, n_gqa=8, n_expert=8),
            TensorContext(n_layer=n_layer, arch="falcon"),
            TensorContext(n_layer=n_layer, is_70b=True),
            TensorContext(n_layer=n_layer, legacy_q2_k=True),
        ):
            for ftype in GGUF_QUANTS:
                for cls in classes:
                    brute: dict[str, int] = {}
                    for i in range(n_layer):
                        t = gguf_tensor_type(ftype, cls, i, ctx)
                        brute[t] = brute.get(t, 0) + 1
                    assert dict(_layer_types(ftype, cls, ctx)) == brute, (n_layer, ctx, ftype, cls)


def test_native_mxfp4_experts_stay_mxfp4_in_every_format():
    """gpt-oss ships MXFP4 experts; llama.cpp keeps them, so its F16 and Q8_0 files are far below 16 or 8 bits."""

    def gptoss(dtype):
        return make(
            20_900_000_000,
            3_600_000_000,
            type="GptOssForCausalLM",
            layers=24,
            hidden_size=2880,
            intermediate_size=2880,
            attention_heads=64,
            kv_heads=8,
            head_dim=64,
            vocab_size=201088,
            experts=32,
            experts_per_token=4,
            dtype=dtype,
        )

    native, plain = gptoss("mxfp4"), gptoss("bfloat16")
    f16 = estimate(native, "F16").weights_bytes
    assert f16 < 0.35 * estimate(plain, "F16").weights_bytes  # experts at 4.25 bits, not 16
    assert estimate(native, "Q8_0").weights_bytes < f16
    mx = estimate(native, "MXFP4")
    assert mx.weights_bytes == pytest.approx(f16, rel=0.01)  # the release: MXFP4 experts + bf16 rest
    assert mx.engine == "vllm"


def test_layer_groups_are_counted_without_visiting_layers():
    """D7 (issue #10): the layer groups come from breakpoints, not a loop over layers; same groups as the loop."""
    from llmpick.estimate.weights import _layer_groups, _layer_signature

    for n in range(1, 400):
        brute: dict[tuple, list[int]] = {}
        for i in range(n):
            brute.setdefault(_layer_signature(i, n), []).append(i)
        want = {sig: (layers[0], len(layers)) for sig, layers in brute.items()}
        got = {_layer_signature(first, n): (first, count) for first, count in _layer_groups(n)}
        assert len(got) == len(_layer_groups(n)) and got == want, n
    assert sum(count for _, count in _layer_groups(10**12)) == 10**12


def test_ten_million_layers_cost_what_thirty_two_do():
    """D7: the layer groups come from arithmetic, so their number (the estimator's work) does not grow with the
    layer count; the count itself is beyond the schema's bound, as outside data may be."""
    from llmpick.estimate.weights import _layer_groups

    assert len(_layer_groups(10_000_000)) <= len(_layer_groups(32)) + 2
    assert sum(size for _, size in _layer_groups(10_000_000)) == 10_000_000
    a = Architecture.model_construct(**{**Architecture().model_dump(), **LLAMA2_7B, "layers": 10_000_000})
    est = estimate(make(None).model_copy(update={"arch": a}), "Q4_K_M", 8192)
    assert est.weights_bytes is not None and est.weights_bytes > 10**15


# --- Issue #10 (D1, D26): unknown is null, never 0 ----------------------------------------------------------------

BYTE_FIGURES = (
    "weights_bytes",
    "active_weights_bytes",
    "kv_cache_bytes",
    "total_bytes",
    "overhead_bytes",
    "overhead_per_gpu_bytes",
    "per_layer_weights_bytes",
    "per_layer_kv_bytes",
    "non_layer_weights_bytes",
)


def assert_no_silent_zero(est) -> None:
    """Every byte figure is a positive int or null; unknown weights leave the total null; strict JSON."""
    import json

    for name in BYTE_FIGURES:
        v = getattr(est, name)
        assert v is None or (isinstance(v, int) and v > 0), (name, v)
    if est.basis["vision"] == "none":
        assert est.vision_bytes == 0  # no vision encoder: a known zero
    else:
        assert est.vision_bytes is None or est.vision_bytes > 0
    if est.weights_bytes is None:
        assert est.total_bytes is None and est.active_weights_bytes is None and est.basis["weights"] == "unknown"
        assert est.per_layer_weights_bytes is None and any("weights unknown" in m for m in est.missing)
    elif est.total_bytes is not None:
        assert est.total_bytes >= est.weights_bytes + (est.kv_cache_bytes or 0)
    json.dumps(est.model_dump(mode="json"), allow_nan=False)


maybe = st.one_of  # a fact, or null (unknown)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.fixed_dictionaries(
        {
            "params": maybe(st.none(), st.integers(1, 2 * 10**12)),
            "layers": maybe(st.none(), st.integers(1, 200)),
            "hidden_size": maybe(st.none(), st.sampled_from([64, 256, 2048, 4096, 8192])),
            "attention_heads": maybe(st.none(), st.sampled_from([1, 8, 32, 64])),
            "kv_heads": maybe(st.none(), st.sampled_from([1, 8])),
            "head_dim": maybe(st.none(), st.sampled_from([64, 128])),
            "intermediate_size": maybe(st.none(), st.sampled_from([100, 11008, 14336])),
            "vocab_size": maybe(st.none(), st.integers(100, 300_000)),
            "tie_word_embeddings": maybe(st.none(), st.booleans()),
            "vision_params": maybe(st.none(), st.integers(1, 10**9)),
            "image": st.booleans(),
        }
    ),
    st.sampled_from(["Q4_K_M", "Q2_K", "F16", "AWQ-4bit", "FP8", "MLX-4bit", "EXL2-4.65bpw"]),
    st.sampled_from([None, "llama.cpp", "vllm", "transformers"]),
    maybe(st.none(), st.integers(-5, 10**13)),
)
def test_no_estimate_is_zero_or_negative_where_a_fact_is_unknown(d, quant, engine, file_size) -> None:
    """The property issue #10 asks for: over entries with random missing facts (and random real file sizes, some
    absurd), every byte figure is a positive int or null, and a total never leaves out unknown weights."""
    d = dict(d)
    params, image = d.pop("params"), d.pop("image")
    if d["kv_heads"] and d["attention_heads"] and d["kv_heads"] > d["attention_heads"]:
        d["kv_heads"] = d["attention_heads"]
    entry = make(params, modalities=("text", "image") if image else ("text",), **d)
    est = estimate(entry, quant, 4096, engine=engine, file_size_bytes=file_size)
    assert_no_silent_zero(est)
    bound = weights_lower_bound(entry, quant, file_size_bytes=file_size)
    if est.weights_bytes is None:
        assert bound is None
    else:
        assert bound is not None and bound[0] <= est.weights_bytes


ABSURD = [10**7, 10**20, 10**300, 10**4000]


@pytest.mark.parametrize("field", ["layers", "hidden_size", "intermediate_size", "vocab_size", "params", "vision"])
@pytest.mark.parametrize("value", ABSURD, ids=lambda v: f"1e{len(str(v)) - 1}")
def test_absurd_facts_give_null_figures_never_inf_nan_or_a_crash(field, value) -> None:
    """Outside data the schema may not bound (a Hub config.json, an older catalog): the estimate stays finite.
    Built with model_construct, as such values may be refused by the catalog schema itself."""
    arch = {**LLAMA2_7B}
    params = 7 * 10**9
    if field == "params":
        params = value
    elif field == "vision":
        arch["vision_params"] = value
    else:
        arch[field] = value
    a = Architecture.model_construct(**{**Architecture().model_dump(), **arch})
    p = Params.model_construct(total=params, active=None)  # beyond the schema's bound, as outside data may be
    entry = make(None, modalities=("text", "image")).model_copy(update={"arch": a, "params": p})
    for quant in ("Q4_K_M", "AWQ-4bit"):
        est = estimate(entry, quant, 8192)
        assert_no_silent_zero(est)
        if est.total_bytes is not None:
            assert est.total_bytes <= 2**53
        low = weights_lower_bound(entry, quant)
        assert low is None or (math.isfinite(low[0]) and math.isfinite(low[1]))
    fit = max_context_that_fits(entry, "Q4_K_M", 24 * 2**30)
    assert fit is None or 1 <= fit <= 4096


def test_seed_entries_without_weights_are_gone():
    """D1: the six seed entries whose weights were unknown now have them (and no catalog model lacks them)."""
    from llmpick.catalog import load_catalog

    for m in load_catalog():
        est = estimate(m, "Q4_K_M", 8192)
        assert est.weights_bytes is not None and est.weights_bytes > 0, m.id
        assert_no_silent_zero(est)


def test_mxfp4_moe_is_q8_0_but_for_the_routed_experts():
    """llama.cpp's MXFP4_MOE (llama-quant.cpp llama_tensor_get_type): 3-D expert tensors MXFP4, everything else as
    Q8_0.  A dense model is then exactly its Q8_0; a MoE's experts drop to 4.25 bits; gpt-oss, whose experts are
    MXFP4 in every GGUF already, is its Q8_0 (ggml-org's files: benchmarks/estimate_accuracy.py)."""
    from llmpick.catalog import load_catalog

    cat = {m.id: m for m in load_catalog(use_cache=False)}
    dense = cat["Qwen/Qwen3-32B"]
    assert estimate(dense, "MXFP4_MOE").weights_bytes == estimate(dense, "Q8_0").weights_bytes
    moe = cat["Qwen/Qwen3-30B-A3B"]
    q8, mx = estimate(moe, "Q8_0"), estimate(moe, "MXFP4_MOE")
    assert mx.expert_weights_bytes is not None and q8.expert_weights_bytes is not None
    assert mx.expert_weights_bytes == pytest.approx(q8.expert_weights_bytes * 4.25 / 8.5, rel=1e-6)
    assert mx.weights_bytes - mx.expert_weights_bytes == q8.weights_bytes - q8.expert_weights_bytes
    gpt = cat["openai/gpt-oss-20b"]
    assert estimate(gpt, "MXFP4_MOE").weights_bytes == estimate(gpt, "Q8_0").weights_bytes
