#!/usr/bin/env python3
"""Numba baseline for `npm run bench -- sweep` (bench/sweep.ts runs it; not a test).

A compiled loop that, for every (fast, slow) combination of fast = 1..100 x slow = 101..200,
recomputes both simple moving averages (running sums) and runs the long-only sma-cross backtest
with the same conventions as QuantDesk's engine (position decided at close t-1 held over bar t,
cost bps of turnover charged on the bar the new position is first held), accumulating the
Sharpe ratio (mean / std ddof 1 * sqrt(252)). Combinations run in parallel with prange on
NUMBA_NUM_THREADS threads (bench/sweep.ts sets 2). Prints one JSON line: median milliseconds
and process CPU milliseconds (all threads) of the timed runs (after one warm-up run that also
compiles), best combination and its Sharpe.

usage: sweep-numba.py CLOSE_F64_FILE [RUNS] [FASTS]
  FASTS: fast = 1..FASTS (default 100, the issue's grid); bench/backtest.ts runs a tenth of the
  grid (FASTS 10, 1,000 combinations) to estimate this machine's factor against the issue's
  figure for the whole grid: each combination recomputes both averages, so the time is
  proportional to the number of combinations.
"""
import json
import sys
import time

import numpy as np
from numba import njit, prange


@njit(cache=False)
def sma(close, n):
    out = np.full(close.shape[0], np.nan)
    s = 0.0
    for t in range(close.shape[0]):
        s += close[t]
        if t >= n:
            s -= close[t - n]
        if t >= n - 1:
            out[t] = s / n
    return out


@njit(parallel=True, cache=False)
def sweep(close, fasts, slows, rate):
    nf = fasts.shape[0]
    ns = slows.shape[0]
    n = close.shape[0]
    sharpe = np.empty(nf * ns)
    for c in prange(nf * ns):
        f = sma(close, fasts[c // ns])
        s = sma(close, slows[c % ns])
        prev = 0.0
        total = 0.0
        total_sq = 0.0
        for t in range(1, n):
            w = 1.0 if f[t - 1] > s[t - 1] else 0.0
            r = -rate * abs(w - prev) + w * (close[t] / close[t - 1] - 1.0)
            prev = w
            total += r
            total_sq += r * r
        m = n - 1
        mean = total / m
        var = (total_sq - total * mean) / (m - 1)
        sharpe[c] = mean / np.sqrt(var) * np.sqrt(252.0) if var > 0 else np.nan
    return sharpe


def main():
    close = np.fromfile(sys.argv[1], dtype=np.float64)
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    nf = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    fasts = np.arange(1, nf + 1, dtype=np.int64)
    slows = np.arange(101, 201, dtype=np.int64)
    sweep(close, fasts, slows, 5e-4)  # compile and warm up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        c = time.process_time()
        sharpe = sweep(close, fasts, slows, 5e-4)
        times.append(((time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000))
    times.sort()
    best = int(np.nanargmax(sharpe))
    print(json.dumps({"ms": times[len(times) // 2][0], "cpuMs": times[len(times) // 2][1], "best": [int(fasts[best // slows.shape[0]]), int(slows[best % slows.shape[0]])], "sharpe": float(sharpe[best])}))


if __name__ == "__main__":
    main()
