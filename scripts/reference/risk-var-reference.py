#!/usr/bin/env python3
"""
Reference values for src/risk/core/risk-measures.ts (src/risk/core/risk-measures.spec.ts checks
them). Independent implementations with numpy and scipy only:

  historical   numpy.percentile(r, 5 / 1, method='linear') (empyrical value_at_risk) and the mean
               of the floor((n - 1) * alpha) + 1 smallest returns (empyrical
               conditional_value_at_risk), scaled by sqrt(h) for an h-day horizon
  parametric   mu * h + sigma * sqrt(h) * norm.ppf(1 - level) and the normal expected shortfall
               mu * h - sigma * sqrt(h) * norm.pdf(norm.ppf(level)) / (1 - level), with mu the mean
               and sigma the sample std (ddof = 1)
  drawdown     equity / running max - 1: the last value and the minimum

The returns are a seeded numpy draw (Student t, 4 degrees of freedom, scaled to about 1% a day),
written into the fixture, so the TypeScript side reads exactly the same numbers.

Run: /usr/bin/python3 scripts/reference/risk-var-reference.py > test/fixtures/risk/var-reference.json
"""
import json
import math

import numpy as np
from scipy.stats import norm

rng = np.random.default_rng(20261202)
returns = (rng.standard_t(4, size=500) * 0.01 / math.sqrt(2.0) + 0.0003).tolist()
r = np.array(returns)


def historical(h):
    out = {}
    for name, alpha in (("95", 0.05), ("99", 0.01)):
        v = float(np.percentile(r, alpha * 100, method="linear"))
        k = int(math.floor((len(r) - 1) * alpha)) + 1
        cv = float(np.sort(r)[:k].mean())
        out["var" + name] = v * math.sqrt(h)
        out["cvar" + name] = cv * math.sqrt(h)
    return out


def parametric(h):
    mu = float(r.mean()) * h
    sigma = float(r.std(ddof=1)) * math.sqrt(h)
    out = {}
    for name, level in (("95", 0.95), ("99", 0.99)):
        z = float(norm.ppf(level))
        out["var" + name] = mu - sigma * z
        out["cvar" + name] = mu - sigma * float(norm.pdf(z)) / (1 - level)
    return out


equity = 100_000 * np.cumprod(1 + r)
dd = equity / np.maximum.accumulate(equity) - 1

print(
    json.dumps(
        {
            "source": "scripts/reference/risk-var-reference.py (numpy %s, scipy norm)" % np.__version__,
            "returns": returns,
            "horizons": {str(h): {"historical": historical(h), "parametric": parametric(h)} for h in (1, 10)},
            "drawdown": {"current": float(dd[-1]), "max": float(dd.min())},
        },
        indent=1,
    )
)
