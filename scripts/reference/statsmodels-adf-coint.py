#!/usr/bin/python3
"""
Reference values for src/quant/stats (adf.statistic.ts, engle-granger.statistic.ts,
half-life.statistic.ts, mackinnon.tables.ts); test/stats-adf-coint-reference.spec.ts compares.

Computed by statsmodels 0.13.5 with numpy 1.24 from Debian (apt-get install python3-statsmodels;
run with /usr/bin/python3, not a pyenv python):

  adf-*.json        statsmodels.tsa.stattools.adfuller(x, maxlag, regression, autolag) for
                    regression n, c, ct x autolag AIC, BIC, t-stat (default maxlag and an
                    explicit one) and None (explicit maxlag), on real series of data/samples:
                    statistic, p-value, usedlag, nobs, critical values, icbest.
  coint-dow.json    statsmodels.tsa.stattools.coint(y, x, trend='c', autolag=...) on pairs of
                    Dow Jones stocks, levels and logs; plus what QuantDesk reports beside it:
                    the hedge ratio and intercept of OLS(y, [x, 1]), the usedlag / nobs /
                    icbest of the residual ADF that coint runs (adfuller(resid, regression='n')
                    with the same maxlag and autolag: the same call coint makes), and the
                    half-life -ln 2 / lambda from OLS(diff(s), [1, s[:-1]]) of the residuals.
  adf-mackinnon.json  statsmodels.tsa.adfvalues.mackinnonp on a grid of statistics and
                    mackinnoncrit at several nobs, for every table row QuantDesk holds
                    (n: N=1; c, ct: N=1, 2), so that every coefficient is checked.

Transforms: "level" (the column), "log" (numpy.log), "returns" (pandas pct_change, first row
dropped). Floats are written with repr (shortest round-trip: full double precision).

    /usr/bin/python3 scripts/reference/statsmodels-adf-coint.py
"""
import json
import math
import os
import sys
import warnings

import numpy as np
import pandas as pd
import statsmodels
from statsmodels.regression.linear_model import OLS
from statsmodels.tsa.adfvalues import mackinnoncrit, mackinnonp
from statsmodels.tsa.stattools import adfuller, coint

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SAMPLES = os.path.join(ROOT, 'data', 'samples')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'stats')
GENERATOR = f'scripts/reference/statsmodels-adf-coint.py (statsmodels {statsmodels.__version__}, numpy {np.__version__})'


def series(file, column, transform):
    frame = pd.read_csv(os.path.join(SAMPLES, file))
    values = frame[column].astype(float)
    if transform == 'level':
        return values.to_numpy()
    if transform == 'log':
        return np.log(values.to_numpy())
    if transform == 'returns':
        return values.pct_change().iloc[1:].to_numpy()
    raise ValueError(transform)


def number(v):
    """A JSON number, or None for inf / nan (JSON has neither)."""
    v = float(v)
    return v if math.isfinite(v) else None


def adf_case(x, regression, autolag, maxlag):
    out = adfuller(x, maxlag=maxlag, regression=regression, autolag=autolag)
    stat, pvalue, usedlag, nobs, crit = out[:5]
    return {
        'regression': regression,
        'autolag': 'none' if autolag is None else autolag.lower(),
        'maxLag': maxlag,
        'statistic': number(stat),
        'pValue': number(pvalue),
        'usedLag': int(usedlag),
        'nobs': int(nobs),
        'criticalValues': {k: number(crit[k]) for k in ('1%', '5%', '10%')},
        'icBest': number(out[5]) if autolag is not None else None,
    }


def adf_fixture(name, file, inputs, regressions=('n', 'c', 'ct'), explicit_maxlag=8, none_maxlag=4):
    cases = []
    for column, transform in inputs:
        x = series(file, column, transform)
        for regression in regressions:
            for autolag in ('AIC', 'BIC', 't-stat'):
                cases.append({'column': column, 'transform': transform, **adf_case(x, regression, autolag, None)})
                cases.append({'column': column, 'transform': transform, **adf_case(x, regression, autolag, explicit_maxlag)})
            cases.append({'column': column, 'transform': transform, **adf_case(x, regression, None, none_maxlag)})
            cases.append({'column': column, 'transform': transform, **adf_case(x, regression, None, 0)})
    write(name, {'generator': GENERATOR, 'function': 'statsmodels.tsa.stattools.adfuller', 'file': file, 'cases': cases})


def half_life(resid):
    ds = np.diff(resid)
    lagged = resid[:-1]
    res = OLS(ds, np.column_stack([np.ones(len(lagged)), lagged])).fit()
    lam = res.params[1]
    return (-math.log(2) / lam if lam < 0 else None), lam


def coint_fixture(name, file, pairs):
    cases = []
    for y_col, x_col, transform in pairs:
        y = series(file, y_col, transform)
        x = series(file, x_col, transform)
        for autolag, maxlag in (('aic', None), ('bic', None), ('t-stat', 6), (None, 2)):
            with warnings.catch_warnings():
                warnings.simplefilter('error')  # a CollinearityWarning would mean the ADF was skipped
                stat, pvalue, crit = coint(y, x, trend='c', autolag=autolag, maxlag=maxlag)
            step1 = OLS(y, np.column_stack([x, np.ones(len(x))])).fit()
            resid = step1.resid
            adf = adfuller(resid, maxlag=maxlag, regression='n', autolag=autolag)
            assert adf[0] == stat, 'coint ran a different residual ADF'
            hl, lam = half_life(resid)
            cases.append({
                'y': y_col,
                'x': x_col,
                'transform': transform,
                'autolag': 'none' if autolag is None else autolag,
                'maxLag': maxlag,
                'statistic': number(stat),
                'pValue': number(pvalue),
                'criticalValues': {'1%': number(crit[0]), '5%': number(crit[1]), '10%': number(crit[2])},
                'hedgeRatio': number(step1.params[0]),
                'intercept': number(step1.params[1]),
                'rSquared': number(step1.rsquared),
                'usedLag': int(adf[2]),
                'adfNobs': int(adf[3]),
                'icBest': number(adf[5]) if autolag is not None else None,
                'lambda': number(lam),
                # The step-1 regression in full, to check ols() against statsmodels OLS.
                'ols': {
                    'coefficients': [number(v) for v in step1.params],
                    'standardErrors': [number(v) for v in step1.bse],
                    'tValues': [number(v) for v in step1.tvalues],
                    'ssr': number(step1.ssr),
                    'sigma2': number(step1.scale),
                    'rSquared': number(step1.rsquared),
                    'logLikelihood': number(step1.llf),
                    'aic': number(step1.aic),
                    'bic': number(step1.bic),
                },
                'halfLife': None if hl is None else number(hl),
            })
    write(name, {'generator': GENERATOR, 'function': 'statsmodels.tsa.stattools.coint', 'file': file, 'cases': cases})


def mackinnon_fixture():
    rows = [('n', 1), ('c', 1), ('c', 2), ('ct', 1), ('ct', 2)]
    taus = [round(-22 + 0.05 * i, 2) for i in range(int(26 / 0.05) + 1)]  # -22 .. 4
    pvalues = []
    for regression, n in rows:
        pvalues.append({'regression': regression, 'n': n, 'tau': taus, 'pValue': [number(mackinnonp(t, regression, n)) for t in taus]})
    crits = []
    for regression, n in rows:
        for nobs in (10, 25, 50, 100, 250, 1000, 2528, 62495):
            cv = mackinnoncrit(N=n, regression=regression, nobs=nobs)
            crits.append({'regression': regression, 'n': n, 'nobs': nobs, 'criticalValues': {'1%': number(cv[0]), '5%': number(cv[1]), '10%': number(cv[2])}})
    write('adf-mackinnon.json', {'generator': GENERATOR, 'function': 'statsmodels.tsa.adfvalues.mackinnonp, mackinnoncrit', 'pValues': pvalues, 'criticalValues': crits})


def write(name, doc):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write('\n')
    print('wrote', os.path.join('test', 'fixtures', 'stats', name), file=sys.stderr)


if __name__ == '__main__':
    # `statsmodels-adf-coint.py coint-dow.json` regenerates that file alone (the ADF ones take minutes).
    only = sys.argv[1:]
    if only and only != ['coint-dow.json']:
        sys.exit('usage: statsmodels-adf-coint.py [coint-dow.json]')
    if not only:
        mackinnon_fixture()
        adf_fixture('adf-nyse.json', 'nyse_composite_daily.csv', [('close', 'level'), ('close', 'log'), ('close', 'returns')])
        adf_fixture('adf-dow.json', 'dowjones30_daily.csv', [('KO', 'log'), ('IBM', 'level'), ('MSFT', 'log'), ('GE', 'returns')], regressions=('c', 'ct'))
        adf_fixture('adf-usdchf.json', 'usdchf_30min.csv', [('close', 'level'), ('close', 'returns')], regressions=('c', 'ct'), explicit_maxlag=20, none_maxlag=10)
    coint_fixture('coint-dow.json', 'dowjones30_daily.csv', [
        ('KO', 'PG', 'level'), ('KO', 'PG', 'log'),
        ('JPM', 'C', 'level'), ('JPM', 'C', 'log'),
        ('HD', 'WMT', 'log'), ('MRK', 'JNJ', 'log'),
        ('BA', 'UTX', 'level'), ('DD', 'MMM', 'log'),
        ('XOM', 'T', 'level'), ('MO', 'PG', 'log'),
    ])
