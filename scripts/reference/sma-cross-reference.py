#!/usr/bin/env python3
"""
Reference values for the `sma-cross` backtest (src/backtesting/core/backtest.engine.spec.ts
and test/backtest-cli.spec.ts compare against them), implemented independently with numpy only
(apt-get install python3-numpy):

  sma[t]      mean(close[t-n+1 .. t]) over an explicit window (numpy sliding_window_view),
              NaN for t < n-1 (R TTR's SMA warm-up)
  target[t]   1 when sma_fast[t] > sma_slow[t] strictly, else 0 (or -1 when long_only is
              false and sma_slow[t] exists); flat in warm-up
  r_s[t]      target[t-1] * (close[t]/close[t-1] - 1) - cost_bps/1e4 * |target[t-1] - target[t-2]|
              (target[-1] = 0), t >= 1: a target decided at close t-1 is held over bar t and
              its turnover is charged on that bar
  equity      capital * cumprod(1 + r_s), equity[0] = capital
  metrics     empyrical's formulas as in scripts/reference/metrics-reference.py (total return,
              CAGR, volatility, Sharpe, max drawdown, VaR/CVaR 95), exposure and turnover from
              the held positions

Input: data/samples/nyse_composite_daily.csv (close). Output: test/fixtures/backtest/*.json,
floats written with repr (full double precision).

    python3 scripts/reference/sma-cross-reference.py
"""
import json
import math
import os

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'backtest')
PPY = 252


def read_close(path):
    with open(path) as f:
        header = f.readline().strip().split(',')
        col = header.index('close')
        return np.array([float(line.split(',')[col]) for line in f if line.strip()])


def sma(x, n):
    out = np.full(len(x), np.nan)
    out[n - 1:] = sliding_window_view(x, n).mean(axis=1)
    return out


def metrics(r, held):
    n = len(r)
    wealth = np.cumprod(1 + r)
    peak = np.fmax.accumulate(np.concatenate([[1.0], wealth]))[1:]
    dd = (wealth - peak) / peak
    std = np.std(r, ddof=1)
    k = int((n - 1) * 0.05)
    turnover = np.abs(np.diff(np.concatenate([[0.0], held]))).sum() / n
    return {
        'periods': n,
        'totalReturn': float(wealth[-1] - 1),
        'cagr': float(wealth[-1] ** (PPY / n) - 1),
        'annualVolatility': float(std * math.sqrt(PPY)),
        'sharpe': float(r.mean() / std * math.sqrt(PPY)),
        'maxDrawdown': float(min(0.0, dd.min())),
        'var95': float(np.percentile(r, 5)),
        'cvar95': float(np.mean(np.partition(r, k)[:k + 1])),
        'exposure': float(np.count_nonzero(held) / n),
        'turnover': float(turnover),
    }


def run(close, fast, slow, long_only, cost_bps, capital):
    f, s = sma(close, fast), sma(close, slow)
    target = np.where(f > s, 1.0, np.where(np.isnan(s), 0.0, 0.0 if long_only else -1.0))
    held = np.concatenate([[0.0], target[:-1]])  # held[t] = target[t-1]
    prev = np.concatenate([[0.0], held[:-1]])
    r = held[1:] * (close[1:] / close[:-1] - 1) - cost_bps / 1e4 * np.abs(held[1:] - prev[1:])
    equity = capital * np.concatenate([[1.0], np.cumprod(1 + r)])
    changes = np.diff(np.concatenate([[0.0], target[:-1]]))
    sign = np.sign(np.concatenate([[0.0], target[:-1]]))
    entries = int(np.count_nonzero((sign[1:] != 0) & (sign[1:] != sign[:-1])))
    exits = int(np.count_nonzero((sign[:-1] != 0) & (sign[1:] != sign[:-1])))
    return {
        'generator': 'scripts/reference/sma-cross-reference.py (numpy %s)' % np.__version__,
        'input': 'data/samples/nyse_composite_daily.csv',
        'params': {'fast': fast, 'slow': slow, 'longOnly': long_only},
        'costBps': cost_bps,
        'capital': capital,
        'bars': int(len(close)),
        'finalEquity': float(equity[-1]),
        'finalEquityMultiple': float(equity[-1] / capital),
        'entries': entries,
        'exits': exits,
        'positionChanges': int(np.count_nonzero(changes)),
        'equityEvery100': [float(v) for v in equity[::100]],
        'metrics': metrics(r, held[1:]),
    }


def main():
    close = read_close(os.path.join(ROOT, 'data', 'samples', 'nyse_composite_daily.csv'))
    os.makedirs(OUT, exist_ok=True)
    for name, args in {
        'nyse-sma-cross-10-50-long-only-10bps.json': (10, 50, True, 10.0, 10000.0),
        'nyse-sma-cross-20-100-long-short-5bps.json': (20, 100, False, 5.0, 100000.0),
    }.items():
        with open(os.path.join(OUT, name), 'w') as f:
            json.dump(run(close, *args), f, indent=1)
            f.write('\n')


if __name__ == '__main__':
    main()
