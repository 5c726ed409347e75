"""Decode speed: tokens per second from memory bandwidth and the bytes read per token.  Pure; no I/O.

Generating one token reads every weight the token passes through (for a mixture of experts: only the active
experts) and the KV cache written so far.  The model::

    seconds/token = (weights_on_gpu + 2 x state_on_gpu) / (e_w * BW_gpu) + kv_on_gpu / (e_kv * BW_gpu)
                  + (weights_in_ram + kv_in_ram + 2 x state_in_ram) / (e_cpu * BW_ram)
                  + state * t_state + layers * t_layer + (cards - 1) * t_hop

``BW_gpu`` is the bandwidth of the slowest card: with llama.cpp's layer split the cards work one after the other
for a single stream, so their bandwidths do not add (one RTX 4090: 130.6 tok/s on Llama 3 8B Q4_K_M; eight:
118.1).  ``t_layer`` is the fixed cost of launching a layer's kernels (why small models on fast cards stop scaling
with bandwidth) and ``t_hop`` the hand-over between cards.

Hybrid models (Gated DeltaNet, KDA, Mamba-2, short conv) keep a recurrent state per sequence (f32, a few MB per
layer; llmpick.estimate.state) that every token reads and writes back: ``2 x state`` bytes at the weights'
bandwidth.  Between that read and write, llama.cpp's decode graph runs a chain of element-wise ops over the state
(decay, k x S, the delta update, q x S), each a kernel over a cache-resident f32 tensor: ``t_state`` seconds per
state byte, one constant for every device, fitted with the rest (measured decode of Qwen3.5 / 3.6,
Qwen3-Coder-Next and Kimi-Linear runs 15-20 % below what their weight bytes allow; the state read and write alone
explain about a fifth of that).

Calibration: the constants below are fitted by benchmarks/fit_speed.py (Huber-robust least squares on relative
error) on the fit split of benchmarks/data/speed_current.csv, measurements of 2025-26 llama.cpp builds split by
device; the validation devices are never seen by the fit and benchmarks/speed_accuracy.py reports them
(README: the speed model).  The 2024 fit (benchmarks/data/speed_calibration.csv, Llama 3 8B) gave the KV
efficiencies kept here.
Weights in RAM are read at min(e_cpu x RAM bandwidth, CPU_COMPUTE_GBS).  Prompt processing: estimate_prefill.

The estimate is ``null`` when a bandwidth it needs is unknown (``--vram`` without ``--gpu``, or the RAM part
without ``--ram-bandwidth``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

GB = 1e9


@dataclass(frozen=True, slots=True)
class SpeedProfile:
    name: str
    e_weights: float
    e_kv: float
    t_layer_s: float
    t_hop_s: float
    band: tuple[float, float]  # measured / estimated, low and high
    calibrated: bool
    # Prefill: share of the device's peak dense FP16 FLOPS that prompt processing reaches (None: not calibrated).
    e_prefill: float | None = None


# Fitted by benchmarks/fit_speed.py: Huber-robust least squares on relative error over the FIT split of
# benchmarks/data/speed_current.csv (2025-26 llama.cpp builds; e_kv kept from the 2024 fit, tg128 reads too
# little KV cache to identify it); band = 5th-95th percentile of measured / estimated on the fit rows, at least
# 0.85-1.15.  Fit rows, median / p90 error on them: CUDA 34 rows (RTX 4090, 4070 Ti, 5070, 2080 Ti, A4000,
# GTX 1050 Ti) 4.6 % / 23.1 %; Metal 18 (M3 Ultra, M3 Pro, M5 Pro, M1 Max, M2 Pro, M1 Ultra) 5.1 / 20.6 (0.929 and
# 148.8 us from 6 rows, 0.922 / 145.7 us from 15; the three M1 Ultra rows of 3-20B models raised the per-layer cost
# to 167.5 us: on M1-M3 chips small models pay more per layer than on the M4 / M5 validation chips); AMD 5
# (Radeon AI PRO R9700, RX 7900 XTX) 18.5 / 24.1; unified 46 (Ryzen AI Max+ 395, DGX Spark) 6.3 / 20.8 (9.9 / 30.9
# before the recurrent-state term and the per-layer-embedding fix; the 11 hybrid fit rows 15.3 / 23.9 -> 3.5 /
# 10.9).  All profiles and T_STATE_S_PER_BYTE in one fit.  e_weights is an effective figure: it also absorbs the
# bias of the bytes-per-token estimate.  Validation figures: README.md.
# e_prefill: share of peak dense FP16 (gpus.csv fp16_tflops) on the fit rows of prefill_current.csv: unified
# 20 rows (median error 27.5 %), CUDA 2 (RTX 4090, 2080 Ti; 19.2 %), AMD 1 (RX 7900 XTX), Metal 1 (M1 Max; Apple
# states FP32 TFLOPS, hence the high share).  The one-row profiles are thin calibrations, said in the basis.
CUDA = SpeedProfile("cuda", 0.869, 0.80, 42.5e-6, 190e-6, (0.81, 1.17), True, 0.304)
METAL = SpeedProfile("metal", 0.937, 0.16, 167.5e-6, 0.0, (0.82, 1.15), True, 0.771)
AMD = SpeedProfile("amd (rocm/vulkan)", 1.019, 0.80, 90.0e-6, 190e-6, (0.81, 1.28), True, 0.417)
UNIFIED = SpeedProfile("unified (strix halo, dgx spark)", 0.789, 0.80, 52.0e-6, 0.0, (0.83, 1.38), True, 0.147)
OTHER_GPU = SpeedProfile("gpu (uncalibrated: AMD constants)", 1.019, 0.80, 90.0e-6, 190e-6, (0.6, 1.4), False)
# Recurrent state: bytes moved per state byte per token through memory (read + write back), and the fitted cost of
# the ops over it (seconds per state byte; fit_speed.py: shared by all profiles, identified by the hybrid fit rows,
# all DGX Spark: Qwen3.5 0.8B-122B, Qwen3.6, Qwen3-Coder-Next, Kimi-Linear, LFM2.5).
STATE_PASSES = 2
T_STATE_S_PER_BYTE = 3.19e-11  # ~31 GB/s of state per second, whatever the device
# CPU: e 0.384 from the one CPU-only fit row (Framework Desktop, 14B Q4_K_M, 256 GB/s); band a judgement.
CPU = SpeedProfile("cpu", 0.384, 0.384, 20e-6, 0.0, (0.6, 1.5), False)
# The CPU side cannot process weights faster than its cores dequantize and multiply them, whatever the RAM
# bandwidth: a compute bound for large active counts in RAM (many-channel servers).  The fastest CPU-side rate
# in the calibration data is the floor (see fit_speed.py: the Framework Desktop's 16 Zen 5 cores).
CPU_COMPUTE_GBS = 102.0

PROFILES = {p.name: p for p in (CUDA, METAL, AMD, UNIFIED, OTHER_GPU, CPU)}


def profile_for(vendor: str | None, unified: bool) -> SpeedProfile:
    """The profile of the engine that runs on this chip: Metal for Apple (and `--unified` without a named chip);
    the unified-memory profile for other makers' unified machines (Ryzen AI Max, DGX Spark, Jetson: LPDDR5x
    shared with the CPU); CUDA for NVIDIA cards; ROCm/Vulkan for AMD cards; Intel and unknown makers get the AMD
    constants, uncalibrated."""
    if vendor == "apple" or (unified and vendor is None):
        return METAL
    if unified:
        return UNIFIED
    if vendor == "nvidia":
        return CUDA
    if vendor == "amd":
        return AMD
    return OTHER_GPU


@dataclass(frozen=True, slots=True)
class Prefill:
    tokens_per_second: float | None
    ttft_s: float | None
    basis: dict[str, Any]


@dataclass(slots=True)
class Speed:
    tokens_per_second: float | None
    low: float | None
    high: float | None
    basis: dict[str, Any]
    prefill: Prefill | None = None  # prompt processing, set by the caller that knows the device's FLOPS


def seconds_per_token(
    *,
    gpu_weight_bytes: float,
    gpu_kv_bytes: float,
    cpu_weight_bytes: float,
    cpu_kv_bytes: float,
    layers: int,
    gpu_bandwidth_gbs: float | None,
    cpu_bandwidth_gbs: float | None,
    cards: int,
    gpu: SpeedProfile = CUDA,
    cpu: SpeedProfile = CPU,
    gpu_state_bytes: float = 0.0,
    cpu_state_bytes: float = 0.0,
) -> float | None:
    """The core formula (hot path: plain floats).  ``*_kv_bytes`` is the KV cache read per token, ``*_state_bytes``
    the recurrent state of the layers held there (see module doc)."""
    t = (gpu_state_bytes + cpu_state_bytes) * T_STATE_S_PER_BYTE
    if gpu_weight_bytes or gpu_kv_bytes:
        if not gpu_bandwidth_gbs:
            return None
        bw = gpu_bandwidth_gbs * GB
        t += (gpu_weight_bytes + STATE_PASSES * gpu_state_bytes) / (gpu.e_weights * bw) + gpu_kv_bytes / (gpu.e_kv * bw)
        t += max(0, cards - 1) * gpu.t_hop_s
        t += layers * gpu.t_layer_s
    else:
        t += layers * cpu.t_layer_s
    if cpu_weight_bytes or cpu_kv_bytes:
        if not cpu_bandwidth_gbs:
            return None
        # bandwidth-bound, or compute-bound when the RAM is faster than the cores can use (CPU_COMPUTE_GBS)
        rate = min(cpu.e_weights * cpu_bandwidth_gbs, CPU_COMPUTE_GBS) * GB
        t += (cpu_weight_bytes + cpu_kv_bytes + STATE_PASSES * cpu_state_bytes) / rate
    return t if t > 0 else None


def kv_read_bytes(kv_bytes_at_context: float) -> float:
    """KV bytes read per token, averaged over filling the context from empty (what llama-bench ``tg N`` measures)."""
    return kv_bytes_at_context / 2


def estimate_speed(
    *,
    weight_bytes: float,
    kv_bytes: float,
    gpu_share: float,
    layers: int,
    gpu_bandwidth_gbs: float | None,
    cpu_bandwidth_gbs: float | None,
    cards: int,
    gpu: SpeedProfile = CUDA,
    context: int | None = None,
    engine: str = "llama.cpp",
    ram_weight_bytes: float | None = None,
    state_bytes: float = 0.0,
) -> Speed:
    """Decode tokens/s with its basis and band.

    ``weight_bytes``: weights read per token (MoE: the active ones); ``kv_bytes``: the KV cache at the full
    context; ``state_bytes``: the recurrent state of one sequence (hybrid models; llama.cpp keeps it with its
    layers, like the KV cache); ``gpu_share``: fraction of the layers on the GPUs (1 = all, 0 = CPU only).
    ``ram_weight_bytes`` (llama.cpp ``--n-cpu-moe``): of ``weight_bytes``, the active experts read from RAM; every
    layer and the whole KV cache are then on the GPUs (``gpu_share`` is ignored) and the basis says the mode is
    uncalibrated.
    """
    kv = kv_read_bytes(kv_bytes)
    moe = ram_weight_bytes is not None
    state = max(0.0, state_bytes)
    if ram_weight_bytes is not None:
        gpu_share = 1.0
        cw = min(max(0.0, ram_weight_bytes), weight_bytes)
        gw, gk, ck, gs = weight_bytes - cw, kv, 0.0, state
    else:
        gw, gk, gs = weight_bytes * gpu_share, kv * gpu_share, state * gpu_share
        cw, ck = weight_bytes - gw, kv - gk
    spt = seconds_per_token(
        gpu_weight_bytes=gw,
        gpu_kv_bytes=gk,
        cpu_weight_bytes=cw,
        cpu_kv_bytes=ck,
        layers=layers,
        gpu_bandwidth_gbs=gpu_bandwidth_gbs,
        cpu_bandwidth_gbs=cpu_bandwidth_gbs,
        cards=cards,
        gpu=gpu,
        gpu_state_bytes=gs,
        cpu_state_bytes=state - gs,
    )
    on_gpu = gpu_share > 0
    on_cpu = gpu_share < 1 or moe
    basis: dict[str, Any] = {
        "method": "memory bandwidth / bytes read per token, calibrated on llama.cpp llama-bench decode runs",
        "engine": engine,
        "context": context,
        "weights_read_per_token_bytes": int(weight_bytes),
        "kv_read_per_token_bytes": int(kv),
        "state_read_written_per_token_bytes": int(STATE_PASSES * state),
        "gpu_share_of_layers": round(gpu_share, 4),
        "gpu_bandwidth_gb_per_s": gpu_bandwidth_gbs if on_gpu else None,
        "ram_bandwidth_gb_per_s": cpu_bandwidth_gbs if on_cpu else None,
        "efficiency": {
            k: v
            for k, v in (
                ("gpu_weights", gpu.e_weights if on_gpu else None),
                ("gpu_kv", gpu.e_kv if on_gpu else None),
                ("cpu", CPU.e_weights if on_cpu else None),
            )
            if v is not None
        },
        "per_layer_overhead_us": round((gpu.t_layer_s if on_gpu else CPU.t_layer_s) * 1e6, 1),
        "profile": gpu.name if on_gpu else CPU.name,
        "calibrated": (gpu.calibrated if on_gpu else False) and not on_cpu,
        "single_stream": True,
    }
    if moe:
        basis["moe_offload"] = (
            f"experts of some layers in RAM (llama.cpp --n-cpu-moe): {int(cw)} bytes of active experts read from "
            "RAM per token, the rest and the KV cache from VRAM; CPU side fitted on one CPU-only run, validated on 3 "
            "expert-offload runs"
        )
    if spt is None:
        missing = []
        if on_gpu and not gpu_bandwidth_gbs:
            missing.append("GPU bandwidth unknown (give --gpu NAME)")
        if on_cpu and not cpu_bandwidth_gbs:
            missing.append("RAM bandwidth unknown (give --ram-bandwidth GB/s)")
        basis["missing"] = missing
        return Speed(None, None, None, basis)
    tps = 1.0 / spt
    lo, hi = (
        gpu.band
        if on_gpu and not on_cpu
        else ((min(gpu.band[0], CPU.band[0]), max(gpu.band[1], CPU.band[1])) if on_gpu else CPU.band)
    )
    basis["band"] = [lo, hi]
    return Speed(round(tps, 1), round(tps * lo, 1), round(tps * hi, 1), basis)


def estimate_prefill(
    *,
    active_params: float | None,
    fp16_tflops: float | None,
    profile: SpeedProfile,
    context: int | None,
    on_gpu_only: bool = True,
) -> Prefill:
    """Prompt processing, compute-bound: each prompt token costs 2 x active parameters FLOPs (one multiply-add
    per weight; attention's share, which grows with the context, is left out), at ``e_prefill`` of the device's
    peak dense FP16 FLOPS.  ``ttft_s``: the time to process a prompt of ``context`` tokens.  Null, with the
    reason, when a figure is missing or the placement reads weights from RAM (then the CPU side decides)."""
    basis: dict[str, Any] = {
        "method": "compute-bound: 2 x active parameters FLOPs per prompt token / (peak FP16 FLOPS x efficiency)",
        "flops_per_token": int(2 * active_params) if active_params else None,
        "fp16_tflops": fp16_tflops,
        "efficiency": profile.e_prefill,
        "profile": profile.name,
        "context": context,
        "calibrated": profile.e_prefill is not None,
    }
    missing = []
    if not on_gpu_only:
        missing.append("weights in RAM: prefill not modelled for split / CPU placements")
    if not active_params:
        missing.append("active parameter count unknown")
    if not fp16_tflops:
        missing.append("the GPU's FP16 FLOPS are not in the GPU table")
    if profile.e_prefill is None:
        missing.append(f"no prefill calibration for the {profile.name} profile")
    if missing or not active_params or not fp16_tflops or profile.e_prefill is None:
        basis["missing"] = missing
        return Prefill(None, None, basis)
    tps = fp16_tflops * 1e12 * profile.e_prefill / (2 * active_params)
    ttft = context / tps if context else None
    return Prefill(round(tps, 1), round(ttft, 3) if ttft is not None else None, basis)
