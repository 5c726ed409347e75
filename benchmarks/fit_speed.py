"""Fit the constants of llmpick's speed model (src/llmpick/speed.py) on the FIT split of the measured rows.

Decode, per profile (CUDA, Metal, AMD ROCm/Vulkan, unified memory): the model's time per token is

    T = W / BW * (1 / e_weights) + KV / (e_kv * BW) + layers * t_layer

which is linear in x = (1 / e_weights, t_layer).  Least squares on the relative error of the time per token,
T_est * measured_tps - 1 (close to the relative error of the speed for small errors), over the fit rows of the
profile, with e_kv held at its 2024 value (tg128 runs read too little KV cache to identify it).  CPU side: the
CPU-only fit rows give e_cpu with t_layer held at 20 us.  The loss is Huber's (quadratic up to a 15 % relative
residual, linear beyond), so a few rows the model cannot describe do not set the constants for the rest.  The band: the 5th and 95th percentile of measured /
estimated over the profile's fit rows, widened to at least 0.85-1.15 (a rule fixed before looking at validation).

Prefill: e_prefill per profile = argmin sum (k * c_i / m_i - 1)^2 over fit rows of prefill_current.csv, with
c_i = FP16 FLOPS / (2 x active parameters), m_i the measured pp tokens/s.

Validation rows are never read.  Prints the constants to paste into speed.py and the fit-split figures.

    PYTHONPATH=src python benchmarks/fit_speed.py
"""

from __future__ import annotations

import statistics
import sys
from collections import defaultdict

from speed_accuracy import CSV, PREFILL_CSV, RowInputs, kv_read, load, pct, row_inputs

from llmpick import api
from llmpick.speed import GB

CPU_T_LAYER = 20e-6
BAND_FLOOR = (0.85, 1.15)


HUBER = 0.15  # relative residual beyond which a row's weight falls off (Huber loss)


def solve2(a: list[tuple[float, float]], b: list[float]) -> tuple[float, float]:
    """Robust least squares for two unknowns, t_layer >= 0: Huber loss by iteratively reweighted least squares, so
    that a few runs the model cannot describe (a silent spill to RAM, an architecture whose bytes per token the
    catalog overstates) do not drag the constants that fit every other row."""
    w = [1.0] * len(b)
    x = _wls2(a, b, w)
    for _ in range(20):
        res = [abs(p * x[0] + q * x[1] - v) for (p, q), v in zip(a, b, strict=True)]
        w = [1.0 if r <= HUBER else HUBER / r for r in res]
        x = _wls2(a, b, w)
    return x


def _wls2(a: list[tuple[float, float]], b: list[float], w: list[float]) -> tuple[float, float]:
    """Weighted least squares for two unknowns (normal equations), t_layer >= 0."""
    s11 = sum(k * x * x for (x, _), k in zip(a, w, strict=True))
    s12 = sum(k * x * y for (x, y), k in zip(a, w, strict=True))
    s22 = sum(k * y * y for (_, y), k in zip(a, w, strict=True))
    r1 = sum(k * x * v for (x, _), v, k in zip(a, b, w, strict=True))
    r2 = sum(k * y * v for (_, y), v, k in zip(a, b, w, strict=True))
    det = s11 * s22 - s12 * s12
    if det > 0:
        x1, x2 = (r1 * s22 - r2 * s12) / det, (s11 * r2 - s12 * r1) / det
        if x2 >= 0:
            return x1, x2
    return r1 / s11, 0.0  # one unknown: no per-layer cost


def fit_decode(rows: list[tuple[RowInputs, float]]) -> dict[str, tuple[float, float, int]]:
    """profile name -> (e_weights, t_layer_s, n) for GPU rows; 'cpu' -> (e_cpu, CPU_T_LAYER, n)."""
    by: dict[str, list[tuple[RowInputs, float]]] = defaultdict(list)
    for ri, m in rows:
        if ri.ram_weights is not None:
            continue  # expert-offload rows: no fit row states its RAM bandwidth (see the data README)
        by["cpu" if ri.cpu_only else ri.profile.name].append((ri, m))
    out: dict[str, tuple[float, float, int]] = {}
    for name, rs in by.items():
        if name == "cpu":
            # T = W / (e * BW) + L * t_layer  ->  1/e = (1/m - L t) * BW / W, least squares in relative terms
            a = [(ri.weights / (ri.ram_bw or 1) / GB * m, 0.0) for ri, m in rs]
            b = [1 - ri.layers * CPU_T_LAYER * m for ri, m in rs]
            x1, _ = solve2(a, b)
            out[name] = (1 / x1, CPU_T_LAYER, len(rs))
            continue
        a, b = [], []
        for ri, m in rs:
            bw = (ri.gpu_bw or 1) * GB
            a.append((ri.weights / bw * m, ri.layers * m))
            b.append(1 - kv_read(ri) / (ri.profile.e_kv * bw) * m)
        x1, x2 = solve2(a, b)
        out[name] = (1 / x1, x2, len(rs))
    return out


def predict(ri: RowInputs, e_w: float, t_layer: float) -> float:
    if ri.cpu_only:
        return 1 / (ri.weights / (e_w * (ri.ram_bw or 1) * GB) + ri.layers * t_layer)
    bw = (ri.gpu_bw or 1) * GB
    return 1 / (ri.weights / (e_w * bw) + kv_read(ri) / (ri.profile.e_kv * bw) + ri.layers * t_layer)


def main() -> int:
    catalog = api.load_catalog()
    rows: list[tuple[RowInputs, float]] = []
    for row in load(CSV, "fit"):
        ri, _ = row_inputs(row, catalog)
        if ri is not None:
            rows.append((ri, float(row["tokens_per_s"])))
    fitted = fit_decode(rows)
    print("decode (fit split only)")
    print(f"{'profile':34} {'n':>3} {'e_weights':>9} {'t_layer us':>10} {'median err':>10} {'p90 err':>8} band")
    for name, (e_w, t_l, n) in sorted(fitted.items()):
        ratios, errs = [], []
        for ri, m in rows:
            if ri.ram_weights is None and ("cpu" if ri.cpu_only else ri.profile.name) == name:
                est = predict(ri, e_w, t_l)
                ratios.append(m / est)
                errs.append(abs(est - m) / m * 100)
        lo = min(BAND_FLOOR[0], pct(ratios, 0.05))
        hi = max(BAND_FLOOR[1], pct(ratios, 0.95))
        print(
            f"{name:34} {n:>3} {e_w:>9.3f} {t_l * 1e6:>10.1f} {statistics.median(errs):>9.1f}% "
            f"{pct(errs, 0.9):>7.1f}% ({lo:.2f}, {hi:.2f})"
        )

    print("prefill (fit split only)")
    by: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for row in load(PREFILL_CSV, "fit"):
        ri, _ = row_inputs({**row, "n_cpu_moe": "", "ram_bandwidth_gbs": ""}, catalog)
        if ri is None or not ri.active_params or not ri.fp16_tflops:
            continue
        by[ri.profile.name].append((ri.fp16_tflops * 1e12 / (2 * ri.active_params), float(row["tokens_per_s"])))
    for name, pairs in sorted(by.items()):
        k = sum(c / m for c, m in pairs) / sum((c / m) ** 2 for c, m in pairs)
        errs = [abs(k * c - m) / m * 100 for c, m in pairs]
        print(f"{name:34} {len(pairs):>3} e_prefill {k:.3f}  median err {statistics.median(errs):.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
