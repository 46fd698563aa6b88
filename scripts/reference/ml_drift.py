#!/usr/bin/env python3
"""Reference fixtures for src/ml/core/drift (PSI, two-sample KS) and src/ml/core/ab (Welch).

Writes test/fixtures/ml/{ks-2samp,welch,psi,river-examples}.json. Needs numpy and scipy (the pyenv python3
with numpy 2.4 and scipy 1.17; /usr/bin/python3 has no numpy):
  python3 scripts/reference/ml_drift.py

- ks-2samp: scipy.stats.ks_2samp(a, b, method='exact') (two-sided), with the 'auto' result
  recorded beside it (the same for these sizes, all <= 10,000); samples with ties, unequal
  sizes, identical samples, tiny p-values.
- welch: scipy.stats.ttest_ind(a, b, equal_var=False): t, df, pvalue.
- psi: the population stability index in the convention of distribution-tests.ts: edges =
  unique(quantile(expected, k/bins, method='linear')), bin = searchsorted(edges, x, 'right'),
  empty shares replaced by 1e-4, PSI = sum (a - e) ln(a / e).
- river-examples: the streams of the docstring examples of river's ADWIN, PageHinkley and
  binary.DDM (river/drift/adwin.py, page_hinkley.py, binary/ddm.py), rebuilt with the same
  generators and seeds (numpy's legacy np.random.seed / randint, Python's random.Random), and
  the detections river's docstrings print (river is not installed here; the expected indices
  are quoted from those docstrings).
"""
import json
import os
import random

import numpy as np
import scipy
from scipy import stats

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'ml')


def ks_cases():
    rng = np.random.default_rng(9001)
    pairs = [
        ('equal-50-shift', rng.normal(size=50), rng.normal(0.5, 1, size=50)),
        ('unequal-37-61', rng.normal(size=37), rng.normal(0.3, 1.5, size=61)),
        ('ties-integers', rng.integers(0, 10, size=80).astype(float), rng.integers(0, 12, size=55).astype(float)),
        ('ties-coarse-equal', np.round(rng.normal(size=120), 1), np.round(rng.normal(0.2, 1, size=120), 1)),
        ('small-5-7', rng.normal(size=5), rng.normal(1, 1, size=7)),
        ('identical', np.arange(20.0), np.arange(20.0)),
        ('tiny-p-100', rng.normal(size=100), rng.normal(2, 1, size=100)),
        ('large-1500-2200', rng.normal(size=1500), rng.normal(0.08, 1, size=2200)),
        ('large-equal-3000', rng.standard_t(4, size=3000), rng.standard_t(4, size=3000) * 1.05),
        ('no-shift-400-250', rng.exponential(size=400), rng.exponential(size=250)),
        ('multiple-sizes-60-90', rng.normal(size=60), rng.normal(0.4, 1, size=90)),
    ]
    out = []
    for name, a, b in pairs:
        r = stats.ks_2samp(a, b, method='exact')
        auto = stats.ks_2samp(a, b)
        out.append({
            'name': name, 'a': a.tolist(), 'b': b.tolist(),
            'statistic': float(r.statistic), 'pvalue': float(r.pvalue),
            'autoStatistic': float(auto.statistic), 'autoPvalue': float(auto.pvalue),
        })
    return out


def welch_cases():
    rng = np.random.default_rng(4242)
    pairs = [
        ('equal-sizes', rng.normal(0.001, 0.01, size=60), rng.normal(0.0, 0.01, size=60)),
        ('unequal-variances', rng.normal(0.2, 3.0, size=25), rng.normal(0.0, 0.5, size=80)),
        ('two-each', np.array([1.0, 2.5]), np.array([0.3, 0.2])),
        ('large-daily-returns', rng.normal(0.0004, 0.012, size=2000), rng.normal(0.0001, 0.01, size=1500)),
        ('strong-effect', rng.normal(1.0, 1.0, size=40), rng.normal(0.0, 1.0, size=40)),
        ('heavy-tails', rng.standard_t(3, size=150) * 0.02, rng.standard_t(3, size=90) * 0.02 + 0.004),
        ('tiny-p', rng.normal(3.0, 1.0, size=200), rng.normal(0.0, 1.0, size=200)),
    ]
    out = []
    for name, a, b in pairs:
        r = stats.ttest_ind(a, b, equal_var=False)
        out.append({'name': name, 'challenger': a.tolist(), 'champion': b.tolist(),
                    't': float(r.statistic), 'df': float(r.df), 'pvalue': float(r.pvalue)})
    return out


def psi(expected, actual, bins):
    e = np.asarray(expected, float)
    a = np.asarray(actual, float)
    edges = np.unique(np.quantile(e, np.arange(1, bins) / bins))
    def shares(x):
        c = np.bincount(np.searchsorted(edges, x, side='right'), minlength=len(edges) + 1) / len(x)
        return np.where(c == 0, 1e-4, c)
    se, sa = shares(e), shares(a)
    return float(np.sum((sa - se) * np.log(sa / se)))


def psi_cases():
    rng = np.random.default_rng(77)
    base = rng.normal(size=1000)
    pairs = [
        ('same-distribution', base, rng.normal(size=800), 10),
        ('mean-shift-0.5', base, rng.normal(0.5, 1, size=800), 10),
        ('scale-2', base, rng.normal(0, 2, size=500), 10),
        ('out-of-range-empty-bins', base, rng.normal(5, 0.1, size=300), 10),
        ('ties-fewer-bins', rng.integers(0, 4, size=600).astype(float), rng.integers(0, 5, size=400).astype(float), 10),
        ('twenty-bins', base, rng.standard_t(3, size=2000), 20),
    ]
    return [{'name': n, 'expected': e.tolist(), 'actual': a.tolist(), 'bins': b, 'psi': psi(e, a, b)} for n, e, a, b in pairs]


def river_examples():
    np.random.seed(12345)
    adwin = np.concatenate((np.random.randint(2, size=1000), np.random.randint(4, high=8, size=1000)))
    rng = random.Random(12345)
    ph = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
    rng = random.Random(42)
    ddm = rng.choices([0, 1], k=1000)
    ddm = ddm + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])
    return [
        {'kind': 'adwin', 'stream': [float(v) for v in adwin], 'drifts': [1023, 1055, 1087, 1119]},
        {'kind': 'page-hinkley', 'stream': [float(v) for v in ph], 'drifts': [1006]},
        # river prints the first warning, each drift, and the first warning after a drift.
        {'kind': 'ddm', 'stream': [float(v) for v in ddm], 'drifts': [1334], 'firstWarnings': [1084, 1492]},
    ]


def main():
    os.makedirs(OUT, exist_ok=True)
    meta = {'numpy': np.__version__, 'scipy': scipy.__version__}
    for name, cases in (('ks-2samp', ks_cases()), ('welch', welch_cases()), ('psi', psi_cases()), ('river-examples', river_examples())):
        with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
            json.dump({**meta, 'cases': cases}, f)
            f.write('\n')


if __name__ == '__main__':
    main()
