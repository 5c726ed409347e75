"""Fit the constants of llmpick's speed model (src/llmpick/speed.py) on the FIT split of the measured rows.

Decode, per profile (CUDA, Metal, AMD ROCm/Vulkan, unified memory): the model's time per token is

    T = (W + 2 S) / BW * (1 / e_weights) + KV / (e_kv * BW) + layers * t_layer + S * t_state

which is linear in x = (1 / e_weights, t_layer) per profile and t_state, shared by all profiles (S: the recurrent
state of hybrid models, read and written back every token, plus the ops over it; see speed.py).  All GPU profiles
are fitted together so that the hybrid rows, wherever they are, set the one t_state.  Least squares on the relative
error of the time per token, T_est * measured_tps - 1 (close to the relative error of the speed for small errors),
over the fit rows, with e_kv held at its 2024 value (tg128 runs read too little KV cache to identify it).  CPU side: the
CPU-only fit rows give e_cpu with t_layer held at 20 us.  The loss is Huber's (quadratic up to a 15 % relative
residual, linear beyond), so a few rows the model cannot describe do not set the constants for the rest.  The
band: the 5th and 95th percentile of measured / estimated over the profile's fit rows, widened to at least
0.85-1.15 (a rule fixed before looking at validation).

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
from llmpick.speed import GB, STATE_PASSES

CPU_T_LAYER = 20e-6
BAND_FLOOR = (0.85, 1.15)


HUBER = 0.15  # relative residual beyond which a row's weight falls off (Huber loss)


def solve(a: list[list[float]], b: list[float], nonneg: set[int]) -> list[float]:
    """Robust least squares, the unknowns in ``nonneg`` >= 0: Huber loss by iteratively reweighted least squares,
    so that a few runs the model cannot describe (a silent spill to RAM, an architecture whose bytes per token the
    catalog overstates) do not drag the constants that fit every other row."""
    w = [1.0] * len(b)
    x = _wls(a, b, w, nonneg)
    for _ in range(30):
        res = [abs(sum(p * q for p, q in zip(row, x, strict=True)) - v) for row, v in zip(a, b, strict=True)]
        w = [1.0 if r <= HUBER else HUBER / r for r in res]
        x = _wls(a, b, w, nonneg)
    return x


def _wls(a: list[list[float]], b: list[float], w: list[float], nonneg: set[int]) -> list[float]:
    """Weighted least squares by the normal equations; an unknown of ``nonneg`` that comes out negative is held at 0
    (the most negative first) and the rest solved again.  Unknowns no row informs stay 0."""
    n = len(a[0])
    free = [j for j in range(n) if any(row[j] for row in a)]
    while True:
        m = [[sum(k * r[i] * r[j] for r, k in zip(a, w, strict=True)) for j in free] for i in free]
        v = [sum(k * r[i] * y for r, y, k in zip(a, b, w, strict=True)) for i in free]
        sol = _gauss(m, v)
        x = [0.0] * n
        for j, val in zip(free, sol, strict=True):
            x[j] = val
        neg = [j for j in free if j in nonneg and x[j] < 0]
        if not neg:
            return x
        free.remove(min(neg, key=lambda j: x[j]))


def _gauss(m: list[list[float]], v: list[float]) -> list[float]:
    """Solve m x = v (Gaussian elimination with partial pivoting; m is small and positive definite)."""
    n = len(v)
    aug = [[*row, v[i]] for i, row in enumerate(m)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(aug[r][c]))
        aug[c], aug[p] = aug[p], aug[c]
        for r in range(n):
            if r != c and aug[c][c]:
                f = aug[r][c] / aug[c][c]
                aug[r] = [x - f * y for x, y in zip(aug[r], aug[c], strict=True)]
    return [aug[i][n] / aug[i][i] if aug[i][i] else 0.0 for i in range(n)]


def _key(ri: RowInputs) -> str:
    return "cpu" if ri.cpu_only else ri.profile.name


def fit_decode(rows: list[tuple[RowInputs, float]]) -> tuple[dict[str, tuple[float, float, int]], float]:
    """(profile name -> (e_weights, t_layer_s, n), t_state_s_per_byte).

    GPU rows of all profiles in one fit: each profile its own 1 / e_weights and t_layer, one t_state shared by all
    (the recurrent-state term, see speed.py; only hybrid rows inform it).  Row i of profile p, measured m_i:
    m_i x [(W + 2 S) / BW x (1 / e_p) + L x t_layer_p + S x t_state + KV / (e_kv BW)] = 1.
    CPU-only rows: e_cpu with t_layer held at CPU_T_LAYER."""
    gpu_rows = [(ri, m) for ri, m in rows if ri.ram_weights is None and not ri.cpu_only]
    # expert-offload rows are left out: no fit row states its RAM bandwidth (see the data README)
    names = sorted({_key(ri) for ri, _ in gpu_rows})
    col = {n: 2 * i for i, n in enumerate(names)}
    k = 2 * len(names)  # the shared t_state column
    a, b = [], []
    for ri, m in gpu_rows:
        bw = (ri.gpu_bw or 1) * GB
        row = [0.0] * (k + 1)
        row[col[_key(ri)]] = (ri.weights + STATE_PASSES * ri.state_bytes) / bw * m
        row[col[_key(ri)] + 1] = ri.layers * m
        row[k] = ri.state_bytes * m
        a.append(row)
        b.append(1 - kv_read(ri) / (ri.profile.e_kv * bw) * m)
    x = solve(a, b, {col[n] + 1 for n in names} | {k})
    out: dict[str, tuple[float, float, int]] = {
        n: (1 / x[col[n]], x[col[n] + 1], sum(_key(ri) == n for ri, _ in gpu_rows)) for n in names
    }
    cpu = [(ri, m) for ri, m in rows if ri.ram_weights is None and ri.cpu_only]
    if cpu:
        # T = W / (e * BW) + L * t_layer  ->  1/e = (1/m - L t) * BW / W, least squares in relative terms
        ca = [[ri.weights / (ri.ram_bw or 1) / GB * m] for ri, m in cpu]
        cb = [1 - ri.layers * CPU_T_LAYER * m for ri, m in cpu]
        out["cpu"] = (1 / solve(ca, cb, set())[0], CPU_T_LAYER, len(cpu))
    return out, x[k]


def predict(ri: RowInputs, e_w: float, t_layer: float, t_state: float) -> float:
    if ri.cpu_only:
        return 1 / (ri.weights / (e_w * (ri.ram_bw or 1) * GB) + ri.layers * t_layer)
    bw = (ri.gpu_bw or 1) * GB
    return 1 / (
        (ri.weights + STATE_PASSES * ri.state_bytes) / (e_w * bw)
        + kv_read(ri) / (ri.profile.e_kv * bw)
        + ri.layers * t_layer
        + ri.state_bytes * t_state
    )


def main() -> int:
    catalog = api.load_catalog()
    rows: list[tuple[RowInputs, float]] = []
    for row in load(CSV, "fit"):
        ri, _ = row_inputs(row, catalog)
        if ri is not None:
            rows.append((ri, float(row["tokens_per_s"])))
    fitted, t_state = fit_decode(rows)
    print(f"decode (fit split only); t_state {t_state:.3e} s per state byte (shared)")
    print(f"{'profile':34} {'n':>3} {'e_weights':>9} {'t_layer us':>10} {'median err':>10} {'p90 err':>8} band")
    for name, (e_w, t_l, n) in sorted(fitted.items()):
        ratios, errs = [], []
        for ri, m in rows:
            if ri.ram_weights is None and ("cpu" if ri.cpu_only else ri.profile.name) == name:
                est = predict(ri, e_w, t_l, t_state)
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
