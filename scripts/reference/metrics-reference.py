#!/usr/bin/python3
"""
Reference values for src/quant/metrics (test/metrics-reference.spec.ts compares every metric).

empyrical (Quantopian) is not installable here, so this script implements its published
formulas independently with Debian's numpy, scipy and pandas
(apt-get install python3-numpy python3-scipy python3-pandas; run with /usr/bin/python3):

  totalReturn        empyrical.cum_returns_final: prod(1 + r) - 1
  cagr               empyrical.annual_return: ending_value ** (1 / (n / periods)) - 1
  annualVolatility   empyrical.annual_volatility: std(r, ddof=1) * sqrt(periods)
  sharpe             empyrical.sharpe_ratio (risk-free 0): mean / std(ddof=1) * sqrt(periods)
  downsideRisk       empyrical.downside_risk (required return 0): sqrt(mean(clip(r, -inf, 0)^2)) * sqrt(periods)
  sortino            empyrical.sortino_ratio: mean * periods / downside_risk
  maxDrawdown        empyrical.max_drawdown: wealth from 100, min((w - fmax.accumulate(w)) / fmax.accumulate(w))
  maxDrawdownDuration  pyfolio.timeseries.get_max_drawdown_underwater: valley = argmin(underwater),
                     peak = last underwater == 0 at or before it, recovery = first == 0 after it
                     (else the last period); periods from peak to recovery
  calmar             empyrical.calmar_ratio: annual_return / abs(max_drawdown)
  var95, var99       empyrical.value_at_risk: np.percentile(r, 100 * cutoff) (numpy's 'linear')
  cvar95, cvar99     empyrical.conditional_value_at_risk: k = int((n - 1) * cutoff),
                     mean(np.partition(r, k)[:k + 1])
  skew, kurtosis     scipy.stats.skew / scipy.stats.kurtosis (bias=True, fisher=True), as pyfolio's perf_stats
  beta               empyrical.beta: cov / var; computed here as scipy.stats.linregress's slope
  alpha              empyrical.alpha: (1 + mean(r - beta * b)) ** periods - 1
  exposure           without positions: share of non-zero returns; with: share of non-zero positions
  turnover           sum |position[i] - position[i-1]| / n, from a flat start (QuantDesk's definition)

Inputs are real series from data/samples: returns are pandas' pct_change of the close prices,
the first row (no return) dropped. Output: test/fixtures/metrics/*.json, floats written with
repr (shortest round-trip, i.e. full double precision).

    /usr/bin/python3 scripts/reference/metrics-reference.py
"""
import json
import math
import os
import sys

import numpy as np
import pandas as pd
import scipy
import scipy.stats

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SAMPLES = os.path.join(ROOT, 'data', 'samples')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'metrics')


def max_drawdown_and_duration(r):
    wealth = np.concatenate([[100.0], 100.0 * np.cumprod(1.0 + r)])
    running_max = np.fmax.accumulate(wealth)
    underwater = (wealth - running_max) / running_max
    max_dd = float(np.min(underwater))
    if max_dd == 0:
        return max_dd, 0, True
    valley = int(np.argmin(underwater))
    at_peak = np.flatnonzero(underwater[: valley + 1] == 0)
    peak = int(at_peak[-1])
    after = np.flatnonzero(underwater[valley:] == 0)
    recovered = len(after) > 0
    end = valley + int(after[0]) if recovered else len(wealth) - 1
    return max_dd, end - peak, recovered


def cvar(r, cutoff):
    k = int((len(r) - 1) * cutoff)
    return float(np.mean(np.partition(r, k)[: k + 1]))


def metrics(r, periods, bench=None):
    r = np.asarray(r, dtype='float64')
    n = len(r)
    sq = math.sqrt(periods)
    total = float(np.prod(1.0 + r)) - 1.0
    cagr = (1.0 + total) ** (1.0 / (n / periods)) - 1.0
    std = float(np.std(r, ddof=1))
    mean = float(np.mean(r))
    downside = math.sqrt(float(np.mean(np.square(np.clip(r, -np.inf, 0.0))))) * sq
    max_dd, duration, recovered = max_drawdown_and_duration(r)
    wins = r[r > 0]
    losses = r[r < 0]
    out = {
        'periods': n,
        'periodsPerYear': periods,
        'totalReturn': total,
        'cagr': cagr,
        'annualVolatility': std * sq,
        'sharpe': mean / std * sq,
        'sortino': mean * periods / downside,
        'downsideRisk': downside,
        'maxDrawdown': max_dd,
        'maxDrawdownDuration': duration,
        'maxDrawdownRecovered': recovered,
        'calmar': cagr / abs(max_dd),
        'var95': float(np.percentile(r, 5)),
        'cvar95': cvar(r, 0.05),
        'var99': float(np.percentile(r, 1)),
        'cvar99': cvar(r, 0.01),
        'skew': float(scipy.stats.skew(r, bias=True)),
        'kurtosis': float(scipy.stats.kurtosis(r, fisher=True, bias=True)),
        'winRate': len(wins) / (len(wins) + len(losses)),
        'profitFactor': float(np.sum(wins)) / abs(float(np.sum(losses))),
        'avgWin': float(np.mean(wins)),
        'avgLoss': float(np.mean(losses)),
        'winLossRatio': float(np.mean(wins)) / abs(float(np.mean(losses))),
        'exposure': float(np.count_nonzero(r)) / n,
    }
    if bench is not None:
        b = np.asarray(bench, dtype='float64')
        beta = float(scipy.stats.linregress(b, r).slope)
        out['beta'] = beta
        out['alpha'] = (1.0 + float(np.mean(r - beta * b))) ** periods - 1.0
    for k, v in out.items():
        if isinstance(v, float) and not math.isfinite(v):
            sys.exit(f'{k} is {v}: the fixtures hold finite values only')
    return out


def returns(prices):
    return prices.pct_change().iloc[1:].to_numpy()


def write(name, doc):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(doc, f, indent=2, allow_nan=False)
        f.write('\n')
    print(f'wrote {os.path.relpath(path, ROOT)}')


def generator():
    return f'scripts/reference/metrics-reference.py (numpy {np.__version__}, scipy {scipy.__version__}, pandas {pd.__version__})'


def main():
    nyse = pd.read_csv(os.path.join(SAMPLES, 'nyse_composite_daily.csv'))
    write('nyse-composite-daily.json', {
        'generator': generator(),
        'csv': 'data/samples/nyse_composite_daily.csv',
        'column': 'close',
        'input': 'prices',
        'rows': len(nyse),
        'firstDate': nyse['date'].iloc[0],
        'lastDate': nyse['date'].iloc[-1],
        'metrics': metrics(returns(nyse['close']), 252),
    })

    # Returns as input, another annualization: 30-minute USD/CHF, 48 bars a day, 252 days.
    fx = pd.read_csv(os.path.join(SAMPLES, 'usdchf_30min.csv'))
    write('usdchf-30min.json', {
        'generator': generator(),
        'csv': 'data/samples/usdchf_30min.csv',
        'column': 'close',
        'input': 'returns (pct_change of close)',
        'rows': len(fx),
        'firstDate': fx['timestamp'].iloc[0],
        'lastDate': fx['timestamp'].iloc[-1],
        'metrics': metrics(returns(fx['close']), 252 * 48),
    })

    # Positions: a toy rule on the NYSE composite, to check exposure and turnover on a real
    # series. The position held over period i is 1 after a rising period i-1, -0.5 after a
    # falling one, 0 after an unchanged one and over the first period; strategy return = position * r.
    r = returns(nyse['close'])
    pos = np.zeros(len(r))
    pos[1:] = np.where(r[:-1] > 0, 1.0, np.where(r[:-1] < 0, -0.5, 0.0))
    strat = metrics(pos * r, 252)
    strat['exposure'] = float(np.count_nonzero(pos)) / len(r)
    strat['turnover'] = float(np.sum(np.abs(np.diff(np.concatenate([[0.0], pos]))))) / len(r)
    strat['annualTurnover'] = strat['turnover'] * 252
    write('nyse-composite-positions.json', {
        'generator': generator(),
        'csv': 'data/samples/nyse_composite_daily.csv',
        'column': 'close',
        'input': 'returns = position * pct_change(close); position over period i = 1 if r[i-1] > 0, -0.5 if r[i-1] < 0, else 0 (0 over the first period)',
        'rows': len(nyse),
        'firstDate': nyse['date'].iloc[0],
        'lastDate': nyse['date'].iloc[-1],
        'metrics': strat,
    })

    # A Dow Jones stock against the NYSE composite over the dates both files have.
    dj = pd.read_csv(os.path.join(SAMPLES, 'dowjones30_daily.csv'))
    both = dj[['date', 'IBM']].merge(nyse[['date', 'close']], on='date', how='inner').sort_values('date')
    write('ibm-vs-nyse-composite.json', {
        'generator': generator(),
        'csv': 'data/samples/dowjones30_daily.csv (IBM) inner-joined on date with data/samples/nyse_composite_daily.csv (close)',
        'column': 'IBM',
        'benchmark': 'close',
        'input': 'prices',
        'rows': len(both),
        'firstDate': both['date'].iloc[0],
        'lastDate': both['date'].iloc[-1],
        'metrics': metrics(returns(both['IBM']), 252, returns(both['close'])),
    })


if __name__ == '__main__':
    main()
