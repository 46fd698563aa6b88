#!/usr/bin/env python3
"""Reference fixtures for src/ml/core/models (online logistic regression, RLS).

Writes test/fixtures/ml/{rls-ridge,rls-forgetting,logistic-mle}.json. Needs numpy and scipy
(here the pyenv python3, /root/.pyenv/versions/3.11.7; /usr/bin/python3 has no numpy)
(sklearn / statsmodels are not installed here; the batch references are solved directly):
  python3 scripts/reference/ml_models.py

- rls-ridge: RLS with lambda = 1, P0 = I/delta equals batch ridge
  (X'X + delta I) w = X'y at every checkpoint n (numpy lstsq on the augmented system).
- rls-forgetting: RLS with lambda < 1 equals exponentially weighted least squares
  sum_i lambda^(n-i) (y_i - w.x_i)^2 + delta lambda^n |w|^2 (Haykin, Adaptive Filter Theory §9.3).
- logistic-mle: the L2-regularized logistic MLE, argmin (1/N) sum log(1+exp(-s_i(w.x_i+b))) + lambda/2 |w|^2
  (intercept unpenalized), by scipy.optimize.minimize (BFGS, gtol 1e-12), which online SGD with the
  'optimal' schedule approaches after many epochs over the same samples in the same order.
"""
import json
import os

import numpy as np
from scipy.optimize import minimize

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'ml')


def ewls(X, y, lam, delta, n):
    """Exponentially weighted ridge on the first n rows, as an augmented lstsq problem."""
    d = X.shape[1]
    wts = lam ** (n - 1 - np.arange(n))
    A = np.vstack([X[:n] * np.sqrt(wts)[:, None], np.sqrt(delta * lam ** n) * np.eye(d)])
    b = np.concatenate([y[:n] * np.sqrt(wts), np.zeros(d)])
    return np.linalg.lstsq(A, b, rcond=None)[0]


def rls_case(name, lam, delta, seed):
    rng = np.random.default_rng(seed)
    n, d = 300, 4
    X = rng.normal(size=(n, d))
    X[:, 0] = 1.0  # constant column: intercept
    w_true = np.array([0.5, -1.0, 2.0, 0.25])
    if lam < 1:
        # A coefficient that drifts, the case forgetting is for.
        w_t = np.outer(np.ones(n), w_true)
        w_t[n // 2:, 2] = -1.5
        y = np.sum(X * w_t, axis=1) + 0.1 * rng.normal(size=n)
    else:
        y = X @ w_true + 0.1 * rng.normal(size=n)
    checkpoints = [5, 50, 150, 300]
    expected = {str(c): ewls(X, y, lam, delta, c).tolist() for c in checkpoints}
    return {'lambda': lam, 'delta': delta, 'X': X.tolist(), 'y': y.tolist(), 'checkpoints': checkpoints, 'weights': expected}


def logistic_case():
    rng = np.random.default_rng(7)
    n, d = 200, 3
    X = rng.normal(size=(n, d))
    w_true = np.array([1.5, -2.0, 0.5])
    p = 1 / (1 + np.exp(-(X @ w_true + 0.3)))
    y = (rng.uniform(size=n) < p).astype(float)
    lam = 0.01
    s = 2 * y - 1

    def f(theta):
        w, b = theta[:d], theta[d]
        z = s * (X @ w + b)
        return np.mean(np.logaddexp(0, -z)) + 0.5 * lam * w @ w

    def g(theta):
        w, b = theta[:d], theta[d]
        z = s * (X @ w + b)
        c = -s / (1 + np.exp(z)) / n
        return np.concatenate([X.T @ c + lam * w, [np.sum(c)]])

    res = minimize(f, np.zeros(d + 1), jac=g, method='BFGS', options={'gtol': 1e-12, 'maxiter': 10000})
    return {'lambda': lam, 'X': X.tolist(), 'y': y.tolist(), 'w': res.x[:d].tolist(), 'b': float(res.x[d]), 'objective': float(res.fun)}


def main():
    os.makedirs(OUT, exist_ok=True)
    files = {
        'rls-ridge.json': rls_case('ridge', 1.0, 0.5, 1),
        'rls-forgetting.json': rls_case('forgetting', 0.97, 2.0, 2),
        'logistic-mle.json': logistic_case(),
    }
    for name, obj in files.items():
        with open(os.path.join(OUT, name), 'w') as fh:
            json.dump(obj, fh, indent=None)
            fh.write('\n')


if __name__ == '__main__':
    main()
