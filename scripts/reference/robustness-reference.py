#!/usr/bin/env python3
"""
Reference values for src/quant/random and src/backtesting/robustness/core
(test/robustness-reference.spec.ts checks every one of them).

Independent implementations, with numpy and scipy only (no pandas: the CSV is read with the
csv module), of:

  normal        scipy.stats.norm.cdf / norm.ppf on a grid of x and p (the TS side is Cody's
                rational Chebyshev Φ and Wichura's AS 241 Φ⁻¹)
  prng          xoshiro128** 1.1 (Blackman & Vigna 2021, prng.di.unimi.it/xoshiro128starstar.c)
                seeded by SplitMix64 (Steele, Lea & Flood 2014, prng.di.unimi.it/splitmix64.c),
                in Python's exact integers: first outputs for several seeds, 53-bit doubles,
                Lemire's unbiased integers in [0, n) (Lemire 2019: m = x * n, reject when
                m mod 2^32 < (2^32 - n) mod n, draw = m >> 32) and a Fisher–Yates shuffle
  summary       numpy.percentile (method 'linear') at 1, 5, 25, 50, 75, 95, 99, mean, std(ddof=1)
  dsr / psr     Bailey & López de Prado, "The Deflated Sharpe Ratio" (J. Portfolio Management
                40(5), 2014), eqs. (2) and the expected maximum of N trial Sharpes:
                  SR0 = sqrt(V) * ((1 - g) * ppf(1 - 1/N) + g * ppf(1 - 1/(N e))), g = Euler–Mascheroni
                  PSR(SR0) = cdf((SR - SR0) * sqrt(T - 1) / sqrt(1 - skew * SR + (kurt - 1) / 4 * SR^2))
                with SR the per-period Sharpe mean / std(ddof=1) (not annualized), skew the biased
                sample skewness (scipy.stats.skew, bias=True) and kurt the biased NON-excess
                kurtosis (scipy.stats.kurtosis, fisher=False, bias=True), V the sample variance
                (ddof=1) of the N trials' per-period Sharpes
  pbo (CSCV)    Bailey, Borwein, López de Prado & Zhu, "The probability of backtest overfitting",
                J. Computational Finance 20(4), 2017: rows split into S blocks (numpy.array_split:
                the first T mod S blocks one row longer), every combination of S/2 blocks
                (itertools.combinations, lexicographic) is in-sample and the rest out-of-sample;
                Sharpe (mean / std(ddof=1), per period) of each configuration on each half,
                computed directly from the rows (not from block sums, as the TS side does);
                n* = first argmax in-sample; omega = rankdata(OOS, 'average')[n*] / (N + 1);
                lambda = ln(omega / (1 - omega)); PBO = mean(lambda <= 0); probability of loss
                = mean(OOS Sharpe of n* < 0); degradation = least-squares line OOS = a + b * IS
                (numpy.polyfit) through the (IS, OOS) Sharpes of n*

Data: data/samples/dowjones30_daily.csv, simple returns (p[i+1] / p[i] - 1) of the 30 stocks.
  - "dow30-stocks": the 30 stocks' own return columns as N = 30 configurations (T = 2528, S = 16)
  - "ibm-momentum": 40 long/flat momentum rules on IBM, rule k = 1..40 holds IBM over return
    period i (from price i to i+1) when p[i] > p[i-k]; rows from i = 40 on, so every rule is
    defined (T = 2488, S = 16: uneven blocks of 156 and 155 rows); the DSR case picks the best of
    these 40 rules.

Floats are written with repr (shortest round trip). Run from anywhere:

    python3 scripts/reference/robustness-reference.py
"""
import csv
import itertools
import json
import math
import os
import sys

import numpy as np
import scipy
import scipy.stats

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CSV = os.path.join(ROOT, 'data', 'samples', 'dowjones30_daily.csv')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'robustness')
M32 = (1 << 32) - 1
M64 = (1 << 64) - 1
EULER_GAMMA = 0.5772156649015329


# ---------------------------------------------------------------- PRNG (exact integers)

def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def rotl32(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


class Xoshiro128StarStar:
    def __init__(self, s):
        self.s = list(s)

    @classmethod
    def from_seed(cls, seed):
        x, z0 = splitmix64(seed)
        _, z1 = splitmix64(x)
        return cls([z0 & M32, z0 >> 32, z1 & M32, z1 >> 32])

    def next(self):
        s = self.s
        result = (rotl32((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl32(s[3], 11)
        return result

    def double53(self):
        a = self.next() >> 5
        b = self.next() >> 6
        return (a * 67108864 + b) / 9007199254740992.0

    def below(self, n):
        m = self.next() * n
        low = m & M32
        if low < n:
            threshold = ((1 << 32) - n) % n
            while low < threshold:
                m = self.next() * n
                low = m & M32
        return m >> 32


def prng_fixture():
    seeds = [0, 1, 42, 123456789, 2 ** 53 - 1, 2 ** 64 - 1]
    streams = []
    for seed in seeds:
        g = Xoshiro128StarStar.from_seed(seed)
        state = list(g.s)
        streams.append({'seed': str(seed), 'state': state, 'uint32': [g.next() for _ in range(16)]})
    g = Xoshiro128StarStar([1, 2, 3, 4])
    from_state = {'state': [1, 2, 3, 4], 'uint32': [g.next() for _ in range(16)]}
    g = Xoshiro128StarStar.from_seed(7)
    doubles = [g.double53() for _ in range(16)]
    bounds = [1, 2, 3, 7, 10, 1000, 2 ** 31 + 1, 3000000019, 2 ** 32 - 1, 2 ** 32]
    ints = []
    for n in bounds:
        g = Xoshiro128StarStar.from_seed(2024)
        ints.append({'n': n, 'draws': [g.below(n) for _ in range(32)]})
    g = Xoshiro128StarStar.from_seed(99)
    a = list(range(20))
    for i in range(len(a) - 1, 0, -1):
        j = g.below(i + 1)
        a[i], a[j] = a[j], a[i]
    return {'streams': streams, 'fromState': from_state, 'doublesSeed7': doubles, 'intsSeed2024': ints, 'shuffle20Seed99': a}


# ---------------------------------------------------------------- statistics

def sharpe(x, axis=0):
    return np.mean(x, axis=axis) / np.std(x, ddof=1, axis=axis)


def expected_max_sharpe(variance, n):
    if n == 1:
        return 0.0
    q = scipy.stats.norm.ppf
    return math.sqrt(variance) * ((1 - EULER_GAMMA) * q(1 - 1 / n) + EULER_GAMMA * q(1 - 1 / (n * math.e)))


def psr(sr, sr0, t, skew, kurt):
    return float(scipy.stats.norm.cdf((sr - sr0) * math.sqrt(t - 1) / math.sqrt(1 - skew * sr + (kurt - 1) / 4 * sr * sr)))


def cscv(m, s):
    t, n = m.shape
    blocks = np.array_split(np.arange(t), s)
    lambdas, chosen, is_sr, oos_sr = [], [], [], []
    for combo in itertools.combinations(range(s), s // 2):
        rest = [b for b in range(s) if b not in combo]
        ins = m[np.concatenate([blocks[b] for b in combo])]
        oos = m[np.concatenate([blocks[b] for b in rest])]
        sr_is = sharpe(ins)
        sr_oos = sharpe(oos)
        if not (np.all(np.isfinite(sr_is)) and np.all(np.isfinite(sr_oos))):
            sys.exit('a configuration has zero variance on a half: pick other data')
        best = int(np.argmax(sr_is))
        omega = scipy.stats.rankdata(sr_oos, method='average')[best] / (n + 1)
        lambdas.append(math.log(omega / (1 - omega)))
        chosen.append(best)
        is_sr.append(float(sr_is[best]))
        oos_sr.append(float(sr_oos[best]))
    lam = np.array(lambdas)
    slope, intercept = np.polyfit(np.array(is_sr), np.array(oos_sr), 1)
    head = 64
    return {
        'rows': t,
        'configurations': n,
        'blocks': s,
        'blockRows': [len(b) for b in blocks],
        'combinations': len(lam),
        'pbo': float(np.mean(lam <= 0)),
        'probabilityOfLossOos': float(np.mean(np.array(oos_sr) < 0)),
        'degradationSlope': float(slope),
        'degradationIntercept': float(intercept),
        'chosen': chosen,
        'lambdaHead': [float(v) for v in lam[:head]],
        'lambdaSum': float(np.sum(lam)),
        'lambdaSumSq': float(np.sum(lam * lam)),
        'isSharpeHead': is_sr[:head],
        'oosSharpeHead': oos_sr[:head],
        'isSharpeSum': float(np.sum(is_sr)),
        'oosSharpeSum': float(np.sum(oos_sr)),
    }


def read_prices():
    with open(CSV) as f:
        rows = list(csv.reader(f))
    header = rows[0]
    dates = [r[0] for r in rows[1:]]
    prices = np.array([[float(v) for v in r[1:]] for r in rows[1:]])
    return header[1:], dates, prices


def momentum_matrix(p, max_k):
    r = p[1:] / p[:-1] - 1  # r[i]: from price i to price i + 1
    cols = []
    for k in range(1, max_k + 1):
        i = np.arange(max_k, len(r))
        pos = (p[i] > p[i - k]).astype('float64')
        cols.append(pos * r[i])
    return np.column_stack(cols)


def write(name, doc):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write('\n')
    print(f'wrote {os.path.relpath(path, ROOT)}')


def generator():
    return f'scripts/reference/robustness-reference.py (numpy {np.__version__}, scipy {scipy.__version__})'


def main():
    xs = [-37.5, -30.0, -20.0, -10.0, -8.0, -6.0, -5.0, -4.0, -3.0, -2.5, -2.0, -1.5, -1.0, -0.7, -0.67, -0.5, -0.25, -1e-9, 0.0,
          1e-9, 0.1, 0.3, 0.6744, 0.675, 1.0, 1.96, 2.5, 3.0, 4.0, 5.0, 5.65, 5.66, 6.0, 7.0, 8.0, 8.29]
    ps = [1e-300, 1e-100, 1e-20, 1e-12, 1.3e-11, 1e-10, 1e-6, 0.001, 0.01, 0.025, 0.05, 0.074, 0.076, 0.1, 0.25, 0.5, 0.6, 0.9, 0.924,
          0.926, 0.975, 0.99, 0.999, 1 - 1e-6, 1 - 1e-10, 1 - 1e-15]
    write('normal.json', {
        'generator': generator(),
        'cdf': [{'x': x, 'value': float(scipy.stats.norm.cdf(x))} for x in xs],
        'ppf': [{'p': p, 'value': float(scipy.stats.norm.ppf(p))} for p in ps],
    })

    write('xoshiro128starstar.json', {'generator': generator(), **prng_fixture()})

    names, dates, prices = read_prices()
    r = prices[1:] / prices[:-1] - 1
    ibm = names.index('IBM')
    sample = r[:, ibm]
    qs = [1, 5, 25, 50, 75, 95, 99]
    write('summary-ibm-returns.json', {
        'generator': generator(),
        'csv': 'data/samples/dowjones30_daily.csv',
        'input': 'IBM simple returns p[i+1] / p[i] - 1',
        'count': len(sample),
        'mean': float(np.mean(sample)),
        'std': float(np.std(sample, ddof=1)),
        'min': float(np.min(sample)),
        'max': float(np.max(sample)),
        'percentiles': {str(q): float(np.percentile(sample, q)) for q in qs},
    })

    write('pbo-dow30-stocks.json', {
        'generator': generator(),
        'csv': 'data/samples/dowjones30_daily.csv',
        'input': 'the 30 stocks simple returns p[i+1] / p[i] - 1 as 30 configurations, in file column order',
        'firstDate': dates[0],
        'lastDate': dates[-1],
        **cscv(r, 16),
    })

    mom = momentum_matrix(prices[:, ibm], 40)
    write('pbo-ibm-momentum.json', {
        'generator': generator(),
        'csv': 'data/samples/dowjones30_daily.csv',
        'input': 'IBM long/flat momentum rules k = 1..40: hold over return period i when p[i] > p[i-k]; rows i = 40..',
        **cscv(mom, 16),
    })

    # DSR of the best of the 40 momentum rules, the 40 rules as the trials.
    trial_sr = sharpe(mom)
    best = int(np.argmax(trial_sr))
    x = mom[:, best]
    t = len(x)
    sr = float(trial_sr[best])
    variance = float(np.var(trial_sr, ddof=1))
    skew = float(scipy.stats.skew(x, bias=True))
    kurt = float(scipy.stats.kurtosis(x, fisher=False, bias=True))
    sr0 = expected_max_sharpe(variance, len(trial_sr))
    write('dsr-ibm-momentum.json', {
        'generator': generator(),
        'csv': 'data/samples/dowjones30_daily.csv',
        'input': 'the 40 IBM momentum rules of pbo-ibm-momentum.json; the chosen strategy is the one with the highest per-period Sharpe',
        'trials': len(trial_sr),
        'chosen': best,
        'observations': t,
        'sharpe': sr,
        'trialSharpeVariance': variance,
        'skew': skew,
        'kurtosis': kurt,
        'expectedMaxSharpe': sr0,
        'deflatedSharpe': psr(sr, sr0, t, skew, kurt),
        'probabilisticSharpeVsZero': psr(sr, 0.0, t, skew, kurt),
        # The same statistic from given moments (no returns): the paper's worked example, in
        # per-period units (annualized SR 2.5 and V 0.5 over 250 days a year).
        'example': {
            'sharpe': 2.5 / math.sqrt(250),
            'trialSharpeVariance': 0.5 / 250,
            'trials': 100,
            'observations': 1250,
            'skew': -3.0,
            'kurtosis': 10.0,
            'expectedMaxSharpe': expected_max_sharpe(0.5 / 250, 100),
            'deflatedSharpe': psr(2.5 / math.sqrt(250), expected_max_sharpe(0.5 / 250, 100), 1250, -3.0, 10.0),
        },
    })


if __name__ == '__main__':
    main()
