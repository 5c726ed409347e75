"""Decode speed: tokens per second from memory bandwidth and the bytes read per token.  Pure; no I/O.

Generating one token reads every weight the token passes through (for a mixture of experts: only the active
experts) and the KV cache written so far.  The model::

    seconds/token = weights_on_gpu / (e_w * BW_gpu) + kv_on_gpu / (e_kv * BW_gpu)
                  + weights_in_ram / (e_cpu * BW_ram) + kv_in_ram / (e_cpu * BW_ram)
                  + layers * t_layer + (cards - 1) * t_hop

``BW_gpu`` is the bandwidth of the slowest card: with llama.cpp's layer split the cards work one after the other
for a single stream, so their bandwidths do not add (one RTX 4090: 130.6 tok/s on Llama 3 8B Q4_K_M; eight:
118.1).  ``t_layer`` is the fixed cost of launching a layer's kernels (why small models on fast cards stop scaling
with bandwidth) and ``t_hop`` the hand-over between cards.

Calibration: least squares on relative error over benchmarks/data/speed_calibration.csv (258 llama-bench ``tg``
runs of Llama 3 8B, Q4_K_M and F16, 1-8 NVIDIA cards and four Macs, XiongjieDai/GPU-Benchmarks-on-LLM-Inference);
bytes per token = GGUF size (llama.cpp quantize README: 4.58 / 14.96 GiB) minus the token embedding, which is
looked up, not read; KV = 128 KiB/token at f16, averaged over the run (llama-bench ``tg N`` starts empty).

* CUDA cards: e_w 0.99, e_kv 0.80, t_layer 138 us, t_hop 190 us.  Median error 6.6 %; measured/estimated is
  0.79-1.16 for 80 % of runs (worst: A100 F16, measured at 0.25-0.45 of the estimate).
* Apple Metal: e_w 0.90, e_kv 0.16, t_layer 231 us.  Median error 8.5 %; 0.77-1.11 for 80 %.
* AMD, Intel: the CUDA constants, uncalibrated (wider band).  CPU (RAM): e 0.60, no measurement in the
  calibration set; a common rule of thumb for llama.cpp on DDR4/DDR5, hence the widest band.

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


CUDA = SpeedProfile("cuda", 0.99, 0.80, 138e-6, 190e-6, (0.79, 1.16), True)
METAL = SpeedProfile("metal", 0.90, 0.16, 231e-6, 0.0, (0.77, 1.11), True)
OTHER_GPU = SpeedProfile("gpu (uncalibrated: CUDA constants)", 0.99, 0.80, 138e-6, 190e-6, (0.6, 1.2), False)
CPU = SpeedProfile("cpu", 0.60, 0.60, 20e-6, 0.0, (0.5, 1.3), False)


def profile_for(vendor: str | None, unified: bool) -> SpeedProfile:
    """The calibrated profile of the vendor's engine; unified memory of another maker (Strix Halo, DGX Spark,
    Jetson) is not what either calibration measured (discrete cards' GDDR/HBM, Apple's Metal), so it gets the
    uncalibrated profile and its wider band.  `--unified` without a named chip is taken as a Mac."""
    if vendor == "apple" or (unified and vendor is None):
        return METAL
    if unified:
        return OTHER_GPU
    if vendor == "nvidia":
        return CUDA
    return OTHER_GPU


@dataclass(frozen=True, slots=True)
class Speed:
    tokens_per_second: float | None
    low: float | None
    high: float | None
    basis: dict[str, Any]


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
) -> float | None:
    """The core formula (hot path: plain floats).  ``*_kv_bytes`` is the KV cache read per token (see module doc)."""
    t = 0.0
    if gpu_weight_bytes or gpu_kv_bytes:
        if not gpu_bandwidth_gbs:
            return None
        bw = gpu_bandwidth_gbs * GB
        t += gpu_weight_bytes / (gpu.e_weights * bw) + gpu_kv_bytes / (gpu.e_kv * bw)
        t += max(0, cards - 1) * gpu.t_hop_s
        t += layers * gpu.t_layer_s
    else:
        t += layers * cpu.t_layer_s
    if cpu_weight_bytes or cpu_kv_bytes:
        if not cpu_bandwidth_gbs:
            return None
        bw = cpu_bandwidth_gbs * GB
        t += (cpu_weight_bytes + cpu_kv_bytes) / (cpu.e_weights * bw)
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
) -> Speed:
    """Decode tokens/s with its basis and band.

    ``weight_bytes``: weights read per token (MoE: the active ones); ``kv_bytes``: the KV cache at the full
    context; ``gpu_share``: fraction of the layers on the GPUs (1 = all, 0 = CPU only).  ``ram_weight_bytes``
    (llama.cpp ``--n-cpu-moe``): of ``weight_bytes``, the active experts read from RAM; every layer and the whole
    KV cache are then on the GPUs (``gpu_share`` is ignored) and the basis says the mode is uncalibrated.
    """
    kv = kv_read_bytes(kv_bytes)
    moe = ram_weight_bytes is not None
    if ram_weight_bytes is not None:
        gpu_share = 1.0
        cw = min(max(0.0, ram_weight_bytes), weight_bytes)
        gw, gk, ck = weight_bytes - cw, kv, 0.0
    else:
        gw, gk = weight_bytes * gpu_share, kv * gpu_share
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
    )
    on_gpu = gpu_share > 0
    on_cpu = gpu_share < 1 or moe
    basis: dict[str, Any] = {
        "method": "memory bandwidth / bytes read per token, calibrated on llama.cpp llama-bench decode runs",
        "engine": engine,
        "context": context,
        "weights_read_per_token_bytes": int(weight_bytes),
        "kv_read_per_token_bytes": int(kv),
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
            "RAM per token, the rest and the KV cache from VRAM; uncalibrated for this mode"
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
