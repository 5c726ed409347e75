"""Speed model: calibration against the measured llama-bench runs, monotonicity, unknown bandwidth."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llmpick.speed import CPU, CUDA, METAL, SpeedProfile, estimate_speed

# A machine to compute by hand: 1 GB of weights read at 0.5 x 100 GB/s, 10 layers at 100 us each, one card.
HAND = dict(
    weight_bytes=1e9,
    kv_bytes=0,
    gpu_share=1.0,
    layers=10,
    gpu_bandwidth_gbs=100,
    cpu_bandwidth_gbs=None,
    cards=1,
    gpu=SpeedProfile("hand", 0.5, 0.5, 100e-6, 0.0, (0.9, 1.1), True),
)

# Llama 3 8B: bytes read per token (GGUF size minus the looked-up token embedding) and f16 KV per token.
Q4 = 4.58 * 2**30 - 525336576 * 4.5 / 8
F16 = 14.96 * 2**30 - 525336576 * 2
KV_PER_TOKEN = 2 * 32 * 8 * 128 * 2

# (bandwidth GB/s, cards, weights, tg N, measured tok/s, profile): rows of benchmarks/data/speed_calibration.csv
MEASURED = [
    (1008, 1, Q4, 512, 130.58, CUDA),
    (936, 1, Q4, 512, 115.42, CUDA),
    (936, 1, F16, 512, 47.40, CUDA),
    (716.8, 1, Q4, 512, 108.15, CUDA),
    (448, 1, Q4, 512, 72.79, CUDA),
    (1008, 8, Q4, 8192, 118.1, CUDA),
    (800, 1, Q4, 512, 78.81, METAL),
    (400, 1, F16, 512, 22.04, METAL),
    (400, 1, Q4, 512, 35.73, METAL),
]


def tps(bw, cards, w, n, prof=CUDA, share=1.0, ram_bw=None):
    return estimate_speed(
        weight_bytes=w,
        kv_bytes=KV_PER_TOKEN * n,
        gpu_share=share,
        layers=32,
        gpu_bandwidth_gbs=bw,
        cpu_bandwidth_gbs=ram_bw,
        cards=cards,
        gpu=prof,
        context=n,
    )


def test_cards_do_not_add_bandwidth_in_a_layer_split():
    one = tps(1008, 1, Q4, 512).tokens_per_second
    eight = tps(1008, 8, Q4, 512).tokens_per_second
    assert eight < one


def test_unknown_bandwidth_is_null_with_a_reason():
    s = tps(None, 1, Q4, 512)
    assert s.tokens_per_second is None and s.low is None
    assert "--gpu" in " ".join(s.basis["missing"])
    cpu = estimate_speed(
        weight_bytes=Q4, kv_bytes=0, gpu_share=0.0, layers=32, gpu_bandwidth_gbs=None, cpu_bandwidth_gbs=None, cards=0
    )
    assert cpu.tokens_per_second is None and "--ram-bandwidth" in " ".join(cpu.basis["missing"])


def test_split_is_between_gpu_and_cpu():
    gpu = tps(936, 1, Q4, 512).tokens_per_second
    split = tps(936, 1, Q4, 512, share=0.5, ram_bw=51.2).tokens_per_second
    cpu = tps(None, 0, Q4, 512, share=0.0, ram_bw=51.2).tokens_per_second
    assert cpu < split < gpu


def test_basis_states_bandwidth_efficiency_and_context():
    s = tps(1008, 1, Q4, 4096)
    b = s.basis
    assert b["gpu_bandwidth_gb_per_s"] == 1008 and b["context"] == 4096
    assert b["efficiency"]["gpu_weights"] == CUDA.e_weights
    assert s.low < s.tokens_per_second < s.high


def test_moe_active_weights_are_faster():
    dense = tps(936, 1, 26e9, 4096).tokens_per_second
    moe = tps(936, 1, 3e9, 4096).tokens_per_second
    assert moe > 3 * dense


@given(st.integers(1, 200_000), st.integers(1, 200_000), st.floats(0.0, 1.0))
def test_more_context_never_raises_speed(c1, c2, share):
    lo, hi = sorted((c1, c2))
    a = tps(936, 2, Q4, lo, share=share, ram_bw=60).tokens_per_second
    b = tps(936, 2, Q4, hi, share=share, ram_bw=60).tokens_per_second
    assert b <= a


def test_cpu_profile_is_uncalibrated():
    s = tps(None, 0, Q4, 512, share=0.0, ram_bw=51.2)
    assert s.basis["calibrated"] is False and s.basis["efficiency"] == {"cpu": CPU.e_weights}


def test_profile_selection_for_amd_and_unified_machines():
    from llmpick.speed import AMD, CUDA, METAL, OTHER_GPU, UNIFIED, profile_for

    assert profile_for("apple", True) is METAL and profile_for(None, True) is METAL
    assert profile_for("nvidia", True) is UNIFIED and profile_for("amd", True) is UNIFIED  # DGX Spark, Strix Halo
    assert profile_for("nvidia", False) is CUDA and profile_for("amd", False) is AMD
    assert profile_for("intel", False) is OTHER_GPU and not OTHER_GPU.calibrated


def test_hand_computed_case():
    # 1 GB of weights at 0.5 x 100 GB/s = 20 ms, plus 10 layers x 100 us = 1 ms: 1 / 0.021 s = 47.6 tok/s

    s = estimate_speed(**HAND)
    assert s.tokens_per_second == 47.6 and (s.low, s.high) == (42.9, 52.4)


def test_cpu_side_of_expert_offload_is_compute_bound_on_fast_ram():
    from llmpick.speed import CPU_COMPUTE_GBS

    def moe(ram_bw):
        return estimate_speed(
            weight_bytes=5e9,
            kv_bytes=0,
            gpu_share=1.0,
            layers=36,
            gpu_bandwidth_gbs=1000,
            cpu_bandwidth_gbs=ram_bw,
            cards=1,
            ram_weight_bytes=4e9,
        ).tokens_per_second

    slow, fast, faster = moe(60), moe(10 * CPU_COMPUTE_GBS / CPU.e_weights), moe(100 * CPU_COMPUTE_GBS / CPU.e_weights)
    assert slow < fast and fast == faster  # past the cores' rate more bandwidth buys nothing


def test_prefill_formula_and_ttft():
    from llmpick.speed import SpeedProfile, estimate_prefill

    prof = SpeedProfile("hand", 0.5, 0.5, 0.0, 0.0, (0.9, 1.1), True, e_prefill=0.1)
    # 100 TFLOPS x 0.1 / (2 x 1e9 FLOPs per token) = 5000 tok/s; 1000 prompt tokens take 0.2 s
    p = estimate_prefill(active_params=1e9, fp16_tflops=100, profile=prof, context=1000)
    assert p.tokens_per_second == 5000 and p.ttft_s == 0.2 and p.basis["flops_per_token"] == 2e9
    unknown = estimate_prefill(active_params=1e9, fp16_tflops=None, profile=prof, context=1000)
    assert unknown.tokens_per_second is None and unknown.ttft_s is None and unknown.basis["missing"]
    bare = SpeedProfile("bare", 0.5, 0.5, 0.0, 0.0, (0.9, 1.1), True)  # no prefill calibration
    uncal = estimate_prefill(active_params=1e9, fp16_tflops=100, profile=bare, context=1000)
    assert uncal.tokens_per_second is None and "no prefill calibration" in " ".join(uncal.basis["missing"])


def test_prefill_calibrated_for_every_gpu_profile_and_known_for_main_cards():
    """Issue 12: prefill was null for nearly every card.  Every calibrated GPU profile now has a prefill share,
    and the cards people buy carry a sourced FP16 figure, so a dense 8B model on an RTX 4090 gets a prefill."""
    from llmpick.hardware.gpus import find_gpu
    from llmpick.speed import AMD, UNIFIED, estimate_prefill, profile_for

    for prof in (CUDA, METAL, AMD, UNIFIED):
        assert prof.e_prefill is not None and 0 < prof.e_prefill < 1
    for name in ("RTX 4090", "RTX 3090", "RTX 5090", "H100", "A100", "7900 XTX", "MI300X", "M1 Max"):
        spec = find_gpu(name)
        assert spec is not None and spec.fp16_tflops, name
    spec = find_gpu("RTX 4090")
    assert spec is not None
    p = estimate_prefill(
        active_params=8e9, fp16_tflops=spec.fp16_tflops, profile=profile_for(spec.vendor, spec.unified), context=4096
    )
    # 330.3 TFLOPS x 0.304 / 16 GFLOP per token: about 6300 tok/s, between the 2024 (~5000) and 2025 builds' pp512
    assert p.tokens_per_second is not None and 3000 < p.tokens_per_second < 12000


def test_recurrent_state_is_read_written_and_costs_its_ops_by_hand():
    """Hybrid models: every token reads and writes back the recurrent state (2 x S at the weights' bandwidth) and
    runs the ops over it (S x T_STATE_S_PER_BYTE); a plain transformer (S = 0) is unchanged."""
    from llmpick.speed import STATE_PASSES, T_STATE_S_PER_BYTE

    def spt(state):
        s = estimate_speed(**HAND, state_bytes=state)
        return 1 / s.tokens_per_second, s

    base, _ = spt(0)
    with_state, s = spt(50e6)  # 50 MB: Qwen3.5-9B's 24 Gated DeltaNet layers hold ~50 MB of f32 state
    # 1 GB / 50 GB/s = 20 ms, 10 x 100 us = 1 ms; the state: 2 x 50 MB / 50 GB/s = 2 ms, 50 MB x t_state
    by_hand = 0.021 + STATE_PASSES * 50e6 / 50e9 + 50e6 * T_STATE_S_PER_BYTE
    assert abs(base - 0.021) / 0.021 < 0.005
    assert abs(with_state - by_hand) / by_hand < 0.005
    assert s.basis["state_read_written_per_token_bytes"] == 100_000_000
    assert T_STATE_S_PER_BYTE > 0 and with_state > base


def test_recurrent_state_follows_its_layers_in_a_split():
    """In a layer split the state of the layers in RAM is read at the CPU's rate, like their KV cache."""
    from llmpick.speed import CPU_COMPUTE_GBS, STATE_PASSES, T_STATE_S_PER_BYTE

    def spt(state):
        s = estimate_speed(
            weight_bytes=1e8,
            kv_bytes=0,
            gpu_share=0.5,
            layers=1,
            gpu_bandwidth_gbs=936,
            cpu_bandwidth_gbs=51.2,
            cards=1,
            state_bytes=state,
        )
        return 1 / s.tokens_per_second

    s = 1e7  # a small model at a few hundred tok/s: the 0.1 tok/s rounding stays far below the term
    cpu_rate = min(CPU.e_weights * 51.2, CPU_COMPUTE_GBS) * 1e9
    extra = STATE_PASSES * s / 2 * (1 / (CUDA.e_weights * 936e9) + 1 / cpu_rate) + s * T_STATE_S_PER_BYTE
    assert abs((spt(s) - spt(0)) - extra) / extra < 0.01


def test_per_layer_embeddings_are_looked_up_not_read():
    """Gemma 3n / 4 E-models: the per-layer embedding table is looked up per token (llama.cpp: ggml_get_rows on
    tok_embd_per_layer), so it counts in the file but not in the bytes read per token: with a tied output head,
    active = total - the table, by hand from its shape and ggml type."""
    from llmpick.estimate.weights import weights
    from llmpick.quant import resolve_quant
    from llmpick.schema import Architecture, LayerTypes
    from tests.helpers import model_entry

    a = Architecture(
        type="Gemma4ForConditionalGeneration",
        layers=42,
        hidden_size=2560,
        intermediate_size=10240,
        attention_heads=8,
        kv_heads=2,
        head_dim=256,
        vocab_size=262144,
        layer_types=LayerTypes(full_attention=7, sliding_attention=35),
        per_layer_embedding_dim=256,
        per_layer_vocab_size=262144,
        tie_word_embeddings=True,
    )
    entry = model_entry(a)
    w, _ = weights(entry, resolve_quant("Q4_0"))
    assert w is not None and w.basis == "formula"
    # tied: token_embd is also the output head, so llama.cpp's rule gives it the output's Q6_K (210 bytes per 256
    # weights), and per_layer_token_embd takes token_embd's type (llmpick.gguf_rules)
    table = 262144 * 42 * 256 * 210 / 256
    assert w.total - w.active == table  # everything else is read: the tied head, every layer, the projections
    assert w.expert in (None, 0.0)  # a lookup table is not a routed expert (--n-cpu-moe leaves it alone)
