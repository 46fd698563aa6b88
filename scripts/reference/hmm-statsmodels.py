#!/usr/bin/python3
"""
Reference fits for src/quant/stats/hmm (test/stats-hmm-reference.spec.ts compares with them).

statsmodels' MarkovRegression(endog, k_regimes=K, trend='c', switching_variance=True) is a
Gaussian hidden Markov model with a mean and a variance per regime, the regime at the first
observation drawn from the stationary distribution of the transition matrix (statsmodels'
default 'steady-state' initialization), fitted by exact maximum likelihood (EM, then BFGS with
complex-step gradients). Debian's statsmodels 0.13.5 and numpy 1.24
(apt-get install python3-statsmodels; run with /usr/bin/python3, not a pyenv python3):

    /usr/bin/python3 scripts/reference/hmm-statsmodels.py

Global optimum: each case is fitted from statsmodels' own start values and from several
random searches (fit(search_reps=...), seeded numpy), the best log-likelihood kept, then
polished with a second BFGS run from it with a tight gradient tolerance (gtol 1e-9), so the
fixture is the optimum itself and not where one optimizer stopped.

Inputs (real series of data/samples, first row dropped: it has no return), in PERCENT
(returns x 100, the scaling of statsmodels' own examples, for the optimizer's numerical
stability; the spec scales its input the same way, so the log-likelihoods are comparable):
  nyse-k2, nyse-k3      NYSE composite daily simple returns p_t/p_{t-1} - 1, all 9,310
  nyse2000-k2, -k3      the first 2,000 of them
  usdchf-k2             USD/CHF 30-minute log returns ln(p_t/p_{t-1}), the first 10,000

Output, test/fixtures/stats/hmm-<case>.json: the log-likelihood, means, variances, the
transition matrix ROW-stochastic (row i = from state i; statsmodels' regime_transition[i, j]
is P(S_t = i | S_{t-1} = j), so it is transposed), states sorted by variance (lowest first),
and the smoothed probabilities (statsmodels' smoothed_marginal_probabilities) of every 50th
observation (index = position in the returns). Floats are written with repr (full precision).
"""
import json
import os
import sys
import time
import warnings

import numpy as np
import statsmodels
from statsmodels.tsa.regime_switching.markov_regression import MarkovRegression

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'stats')
EVERY = 50


def closes(name):
    path = os.path.join(ROOT, 'data', 'samples', name)
    with open(path) as f:
        next(f)
        return np.array([float(line.rstrip('\n').split(',')[1]) for line in f if line.strip()])


def fit_best(endog, k, seeds):
    """The best of statsmodels' default start and seeded random searches, then polished."""
    mod = MarkovRegression(endog, k_regimes=k, trend='c', switching_variance=True)
    best = None
    tries = [None] + list(seeds)
    for seed in tries:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            if seed is None:
                res = mod.fit(em_iter=50, maxiter=500)
            else:
                np.random.seed(seed)
                res = mod.fit(search_reps=20, search_iter=10, em_iter=50, maxiter=500)
        if np.isfinite(res.llf) and (best is None or res.llf > best.llf):
            best = res
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        polished = mod.fit(start_params=best.params, em_iter=0, maxiter=2000, gtol=1e-9)
    if polished.llf >= best.llf:
        best = polished
    # The score over statsmodels' unconstrained parameters (logistic transition logits): at a
    # boundary optimum (a transition probability -> 0) the constrained score stays large.
    score = mod.score(mod.untransform_params(best.params), transformed=False)
    return mod, best, float(np.max(np.abs(score)))


def case(name, endog, k, source, kind, rows, seeds=(1, 2, 3, 4)):
    t0 = time.time()
    mod, res, grad = fit_best(endog, k, seeds)
    p = res.params
    # Parameter layout (MarkovRegression.param_names): K*(K-1) transition probabilities
    # p[i->j] for j < K-1 (statsmodels' left-stochastic matrix without its last row), then the
    # K constants, then the K variances.
    trans_left = mod.regime_transition_matrix(p)[..., 0]  # [i, j] = P(S_t = i | S_{t-1} = j)
    trans = trans_left.T  # row-stochastic: [i, j] = P(S_t = j | S_{t-1} = i)
    means = np.array(p[k * (k - 1):k * (k - 1) + k])
    variances = np.array(p[k * (k - 1) + k:k * (k - 1) + 2 * k])
    order = np.argsort(variances, kind='stable')
    smoothed = np.asarray(res.smoothed_marginal_probabilities)[:, order]
    idx = list(range(0, len(endog), EVERY))
    doc = {
        'generator': 'scripts/reference/hmm-statsmodels.py',
        'library': 'statsmodels %s MarkovRegression(k_regimes=%d, trend="c", switching_variance=True), numpy %s' % (statsmodels.__version__, k, np.__version__),
        'input': {'file': source, 'kind': kind, 'scale': 100, 'rows': rows},
        'states': k,
        'observations': int(len(endog)),
        'logLikelihood': float(res.llf),
        'maxAbsScoreUnconstrained': grad,
        'means': [float(means[i]) for i in order],
        'variances': [float(variances[i]) for i in order],
        'transition': [[float(trans[i, j]) for j in order] for i in order],
        'smoothedEvery': EVERY,
        'smoothedIndex': idx,
        'smoothed': [[float(v) for v in smoothed[t]] for t in idx],
    }
    path = os.path.join(OUT, 'hmm-%s.json' % name)
    with open(path, 'w') as f:
        json.dump(doc, f, indent=None, separators=(',', ':'))
        f.write('\n')
    print('%-12s n=%5d K=%d llf=%.10f max|score|=%.2e %.1fs -> %s' % (name, len(endog), k, res.llf, grad, time.time() - t0, os.path.relpath(path, ROOT)))


def main():
    os.makedirs(OUT, exist_ok=True)
    only = set(sys.argv[1:])
    nyse = closes('nyse_composite_daily.csv')
    nyse_r = (nyse[1:] / nyse[:-1] - 1) * 100
    chf = closes('usdchf_30min.csv')
    chf_r = np.log(chf[1:] / chf[:-1])[:10000] * 100
    cases = [
        ('nyse2000-k2', nyse_r[:2000], 2, 'data/samples/nyse_composite_daily.csv', 'returns', [0, 2000]),
        ('nyse2000-k3', nyse_r[:2000], 3, 'data/samples/nyse_composite_daily.csv', 'returns', [0, 2000]),
        ('nyse-k2', nyse_r, 2, 'data/samples/nyse_composite_daily.csv', 'returns', [0, len(nyse_r)]),
        ('nyse-k3', nyse_r, 3, 'data/samples/nyse_composite_daily.csv', 'returns', [0, len(nyse_r)]),
        ('usdchf-k2', chf_r, 2, 'data/samples/usdchf_30min.csv', 'log-returns', [0, 10000]),
    ]
    for name, endog, k, source, kind, rows in cases:
        if not only or name in only:
            case(name, endog, k, source, kind, rows)


if __name__ == '__main__':
    main()
