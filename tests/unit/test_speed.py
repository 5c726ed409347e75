"""Speed model: calibration against the measured llama-bench runs, monotonicity, unknown bandwidth."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llmpick.speed import CPU, CUDA, METAL, estimate_speed

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


def test_calibration_within_band():
    for bw, cards, w, n, measured, prof in MEASURED:
        s = tps(bw, cards, w, n, prof)
        assert 0.65 * s.tokens_per_second <= measured <= 1.45 * s.tokens_per_second, (bw, cards, measured, s)


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


def test_unified_machines_of_other_makers_are_not_given_apples_calibration():
    from llmpick.speed import CUDA, METAL, OTHER_GPU, profile_for

    assert profile_for("apple", True) is METAL and profile_for(None, True) is METAL
    assert profile_for("nvidia", True) is OTHER_GPU and profile_for("amd", True) is OTHER_GPU  # DGX Spark, Strix Halo
    assert profile_for("nvidia", False) is CUDA and profile_for("amd", False) is OTHER_GPU
    assert not OTHER_GPU.calibrated
