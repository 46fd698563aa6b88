#!/usr/bin/env python3
"""Numba reference for `npm run bench -- backtest` (bench/backtest.ts runs it; not a test).

The single backtest of bench/backtest.ts's headline line ("whole run, returns and metrics
only"), written as one compiled @njit function (cache=False, no parallel: one thread): sma-cross
fast 10 / slow 50, long/short, 10 bps commission on turnover, capital 100,000, over the same
seeded random walk, and the same metrics. The conventions are QuantDesk's
(src/backtesting/core/sma-cross.fused-kernel.ts, src/quant/metrics/metrics-pass.ts), term for
term where a summation order decides the last bits:
- targets: running sums of the last `fast` and `slow` closes (resynced from scratch every
  RESYNC = 8192 bars, as sma.indicator.ts does), target 1 if sumF/fast > sumS/slow else -1;
  flat (0) before the slow average exists (bar slow - 1);
- the position decided at close t-1 is held over bar t; a change costs
  |w - w_prev| * commissionBps / 1e4 of equity on the bar it is first held;
  r_t = -cost + w * (c_t / c_{t-1} - 1), equity *= 1 + r_t; bar 0 has no return;
- metrics over returns[1..] (empyrical's conventions, 252 periods a year, see
  src/quant/metrics/performance-metrics.ts): total return, CAGR, annual volatility, Sharpe,
  Sortino, downside risk, max drawdown and its duration, Calmar, VaR/CVaR 95/99 (numpy's
  linear percentile; CVaR the mean of the k+1 smallest, k = floor((n-1)q), via np.partition),
  population skew and excess kurtosis (two-pass central moments), win rate, profit factor,
  average win and loss, exposure and turnover per period.

Timed as the least CPU time (time.process_time) of RUNS runs after a warm-up run that also
compiles. Prints one JSON line: {bars, seconds, barsPerSecond, sharpe, finalEquity,
noTailsSeconds, metrics}; noTailsSeconds is a breakdown, not the reference: the same run without
the VaR/CVaR selection (np.partition), whose least CPU time is most of the run's (~15 of ~22 ms
for 1M bars here: targets and engine ~4 ms, the main and moments passes ~3 ms).

usage: backtest-numba.py [CLOSE_F64_FILE | --bars N] [RUNS]
  CLOSE_F64_FILE: the closes as little-endian float64 (bench/backtest.ts writes its walk there);
  --bars N: generate bench/backtest.ts's walk(N) here instead (the same doubles, see walk()).
"""
import json
import math
import sys
import time

import numpy as np
from numba import njit

RESYNC = 8192  # src/quant/indicators/sma.indicator.ts (RESYNC = CHUNK)
PERIODS_PER_YEAR = 252.0

# Slots of the metrics array the kernel returns.
NAMES = [
    "finalEquity", "periods", "totalReturn", "cagr", "annualVolatility", "sharpe", "sortino",
    "downsideRisk", "maxDrawdown", "maxDrawdownDuration", "calmar", "var95", "cvar95", "var99",
    "cvar99", "skew", "kurtosis", "winRate", "profitFactor", "avgWin", "avgLoss", "exposure",
    "turnover",
]


def walk(n):
    """bench/backtest.ts's walk(n): its LCG runs in doubles (s * 1103515245 exceeds 2^53 and is
    rounded, % is fmod), so the same float operations give the same closes bit for bit."""
    s = 12345.0
    p = 100.0
    close = np.empty(n)
    for i in range(n):
        s = math.fmod(s * 1103515245.0 + 12345.0, 2147483648.0)
        p *= 1.0 + (s / 2147483648.0 - 0.5) * 0.02
        close[i] = p
    return close


@njit(cache=False)
def lerp(a, b, t):
    # numpy's _lerp (numpy/lib/function_base.py, method 'linear'): from the upper end when t >= 0.5.
    d = b - a
    return b - d * (1.0 - t) if t >= 0.5 else a + d * t


@njit(cache=False)
def backtest(c, fast, slow, commission_bps, capital, ppy, resync, tails):
    n = c.shape[0]
    returns = np.empty(n)
    returns[0] = np.nan
    slow_ready = slow - 1
    # Sums up to slow_ready (the walk has no NaN: the first value is bar 0).
    sum_s = 0.0
    for i in range(slow_ready + 1):
        sum_s += c[i]
    fast_ready = fast - 1
    sum_f = 0.0
    for i in range(fast_ready + 1):
        sum_f += c[i]
    next_f = fast_ready + 1 + resync
    for i in range(fast_ready + 1, slow_ready + 1):
        if i == next_f:
            sum_f = 0.0
            for j in range(i - fast, i):
                sum_f += c[j]
            next_f += resync
        sum_f += c[i] - c[i - fast]
    raw = 1.0 if sum_f / fast > sum_s / slow else -1.0  # target of bar slow_ready
    for t in range(1, slow_ready + 1):
        returns[t] = 0.0  # flat warm-up
    e = capital
    prev = 0.0
    turnover = 0.0
    in_market = 0.0
    next_s = slow_ready + 1 + resync
    for t in range(slow_ready + 1, n):
        if t == next_s:
            sum_s = 0.0
            for j in range(t - slow, t):
                sum_s += c[j]
            next_s += resync
        if t == next_f:
            sum_f = 0.0
            for j in range(t - fast, t):
                sum_f += c[j]
            next_f += resync
        v = c[t]
        sum_f += v - c[t - fast]
        sum_s += v - c[t - slow]
        w = raw
        raw = 1.0 if sum_f / fast > sum_s / slow else -1.0
        r = 0.0
        if w != prev:
            delta = abs(w - prev)
            r -= delta * commission_bps / 1e4  # tradeCost's (delta * commissionBps) / 1e4, that rounding
            turnover += delta
            prev = w
        if w != 0.0:
            r += w * (v / c[t - 1] - 1.0)
            in_market += 1.0
        returns[t] = r
        e *= 1.0 + r

    # Metrics of returns[1..]: main pass (metrics-pass.ts mainPass).
    rs = returns[1:]
    m = rs.shape[0]
    wealth = 1.0
    peak = 1.0
    trough = 1.0
    peak_index = 0
    max_dd = 0.0
    dd_peak_index = 0
    recovery = 0
    total = 0.0
    downside_sq = 0.0
    gain = 0.0
    loss = 0.0
    wins = 0
    losses = 0
    for i in range(m):
        x = rs[i]
        total += x
        if x > 0.0:
            wins += 1
            gain += x
        elif x < 0.0:
            losses += 1
            loss += x
            downside_sq += x * x
        wealth *= 1.0 + x
        if wealth >= peak:
            peak = wealth
            peak_index = i + 1
            if recovery < 0:
                recovery = i + 1
            trough = wealth
        elif wealth < trough:
            # Only a new low since the peak can deepen the max drawdown (metrics-pass.ts).
            trough = wealth
            dd = (wealth - peak) / peak
            if dd < max_dd:
                max_dd = dd
                dd_peak_index = peak_index
                recovery = -1
    mean = total / m
    # Central moments, two-pass (numpy's std and scipy's moments centre first).
    m2 = 0.0
    m3 = 0.0
    m4 = 0.0
    for i in range(m):
        d = rs[i] - mean
        d2 = d * d
        m2 += d2
        m3 += d2 * d
        m4 += d2 * d2
    std = math.sqrt(m2 / (m - 1))
    sq = math.sqrt(ppy)
    sharpe = mean / std * sq
    downside = math.sqrt(downside_sq / m) * sq
    sortino = mean * ppy / downside
    cagr = wealth ** (ppy / m) - 1.0
    calmar = cagr / abs(max_dd) if max_dd < 0.0 else np.nan
    duration = 0
    if max_dd < 0.0:
        duration = (recovery if recovery >= 0 else m) - dd_peak_index
    pm2 = m2 / m
    skew = m3 / m / pm2 ** 1.5
    kurt = m4 / m / (pm2 * pm2) - 3.0
    # VaR (numpy percentile, linear: virtual index (m-1)q) and CVaR (mean of the k+1 smallest).
    pos95 = (m - 1) * 0.05
    pos99 = (m - 1) * 0.01
    k95 = int(math.floor(pos95))
    k99 = int(math.floor(pos99))
    # Cascaded: one partition of the whole series at the largest rank needed, then each smaller
    # rank within the prefix that holds the smallest values (np.partition with the four ranks at
    # once over all m values took 2.5x as long as one rank: ~30 vs ~12 ms for 1M).
    var95 = var99 = cvar95 = cvar99 = np.nan
    if tails:  # False only for the breakdown timing in main()
        p1 = np.partition(rs, k95 + 1)[: k95 + 2]  # the k95 + 2 smallest, p1[k95 + 1] in place
        p2 = np.partition(p1[: k95 + 1], k95)  # the k95 + 1 smallest, p2[k95] in place
        var95 = lerp(p2[k95], p1[k95 + 1], pos95 - k95)
        cvar95 = p2.mean()
        p3 = np.partition(p2, k99 + 1)[: k99 + 2]
        p4 = np.partition(p3[: k99 + 1], k99)
        var99 = lerp(p4[k99], p3[k99 + 1], pos99 - k99)
        cvar99 = p4.mean()
    out = np.empty(23)
    out[0] = e
    out[1] = m
    out[2] = wealth - 1.0
    out[3] = cagr
    out[4] = std * sq
    out[5] = sharpe
    out[6] = sortino
    out[7] = downside
    out[8] = max_dd
    out[9] = duration
    out[10] = calmar
    out[11] = var95
    out[12] = cvar95
    out[13] = var99
    out[14] = cvar99
    out[15] = skew
    out[16] = kurt
    out[17] = wins / (wins + losses) if wins + losses > 0 else np.nan
    out[18] = gain / abs(loss)
    out[19] = gain / wins if wins > 0 else np.nan
    out[20] = loss / losses if losses > 0 else np.nan
    out[21] = in_market / m
    out[22] = turnover / m
    return out, returns


def main():
    args = sys.argv[1:]
    if args and args[0] == "--bars":
        close = walk(int(args[1]))
        args = args[2:]
    else:
        close = np.fromfile(args[0], dtype="<f8")
        args = args[1:]
    runs = int(args[0]) if args else 10
    call = lambda tails=True: backtest(close, 10, 50, 10.0, 100_000.0, PERIODS_PER_YEAR, RESYNC, tails)
    out, returns = call()  # compile and warm up
    # The VaR above is numpy's own percentile (checked here, untimed).
    rs = returns[1:]
    for i, q in ((11, 5), (13, 1)):
        if np.percentile(rs, q) != out[i]:
            raise SystemExit(f"VaR mismatch: {np.percentile(rs, q)!r} vs {out[i]!r}")

    def least(tails):
        best = math.inf
        for _ in range(runs):
            t = time.process_time()
            call(tails)
            best = min(best, time.process_time() - t)
        return best

    best = least(True)
    # Breakdown (not the reference): the same run without the VaR/CVaR selection, interleaved
    # after it, to show how much of the time np.partition takes.
    no_tails = least(False)
    n = close.shape[0]
    metrics = {name: float(out[i]) for i, name in enumerate(NAMES)}
    print(json.dumps({"bars": n, "seconds": best, "barsPerSecond": n / best, "sharpe": metrics["sharpe"], "finalEquity": metrics["finalEquity"], "noTailsSeconds": no_tails, "metrics": metrics}))


if __name__ == "__main__":
    main()
