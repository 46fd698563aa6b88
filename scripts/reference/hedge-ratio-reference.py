#!/usr/bin/python3
"""Reference fixtures for src/quant/stats/hedge-ratio and hurst.statistic.ts.

Run with Debian's /usr/bin/python3 (statsmodels 0.13.5, numpy 1.24):
    /usr/bin/python3 scripts/reference/hedge-ratio-reference.py

- test/fixtures/stats/hedge-rolling-ols.json: statsmodels RollingOLS(y, add_constant(x), window)
  params on Dow Jones 30 pairs (prices and logs, windows 20 to 600).
- test/fixtures/stats/hedge-kalman.json: an independent plain numpy implementation of the
  Kalman filter hedge ratio of Chan 2013, "Algorithmic Trading", ch. 3 (his MATLAB code written
  with numpy matrices: beta(:,t), R = P + Vw, Q = x R x' + Ve, K = R x'/Q, P = R - K x R).
- test/fixtures/stats/hedge-hurst.json: numpy Hurst exponent, polyfit(log(lags), log(std of
  lagged differences), 1)[0], lags 2..maxLag.
"""
import json
import os

import numpy as np
from statsmodels.regression.rolling import RollingOLS
from statsmodels.tools import add_constant

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
OUT = os.path.join(ROOT, "test", "fixtures", "stats")


def read_csv(name):
    with open(os.path.join(ROOT, "data", "samples", name)) as f:
        header = f.readline().strip().split(",")
        rows = [line.strip().split(",") for line in f if line.strip()]
    return {h: np.array([float(r[i]) if r[i] != "" else np.nan for r in rows]) for i, h in enumerate(header) if i > 0}


def nan_list(a):
    return [None if not np.isfinite(v) else float(v) for v in a]


def rolling_cases(dow):
    cases = []
    for ycol, xcol, window, log, nan_at in [("KO", "PG", 60, False, None), ("XOM", "CAT", 252, True, None), ("AA", "DD", 20, False, None), ("IBM", "MSFT", 600, False, None)]:
        y = dow[ycol].copy()
        x = dow[xcol].copy()
        if log:
            y, x = np.log(y), np.log(x)
        if nan_at is not None:
            x[nan_at] = np.nan
        # Gap-free cases only: with a NaN, missing="skip" is not NaN on the window that still
        # holds it as its first row (statsmodels 0.13.5), and "drop" refits on fewer rows; the
        # core's rule (NaN for any window holding a NaN) is checked by its unit spec instead.
        params = RollingOLS(y, add_constant(x), window=window).fit().params
        cases.append({"y": ycol, "x": xcol, "window": window, "log": log, "nanAt": nan_at,
                      "intercept": nan_list(params[:, 0]), "hedgeRatio": nan_list(params[:, 1])})
    return cases


def kalman_chan(y, x, delta, ve):
    n = len(y)
    X = np.column_stack([x, np.ones(n)])
    vw = delta / (1 - delta) * np.eye(2)
    P = np.zeros((2, 2))
    R = np.zeros((2, 2))
    beta = np.zeros((2, n))
    e = np.full(n, np.nan)
    Q = np.full(n, np.nan)
    for t in range(n):
        if t > 0:
            beta[:, t] = beta[:, t - 1]
            R = P + vw
        h = X[t:t + 1, :]
        yhat = (h @ beta[:, t:t + 1])[0, 0]
        Q[t] = (h @ R @ h.T)[0, 0] + ve
        e[t] = y[t] - yhat
        K = R @ h.T / Q[t]
        beta[:, t] = beta[:, t] + K[:, 0] * e[t]
        P = R - K @ h @ R
    return beta, e, Q


def kalman_cases(dow):
    cases = []
    for ycol, xcol, delta, ve in [("KO", "PG", 1e-4, 1e-3), ("XOM", "CAT", 1e-5, 0.5), ("GE", "MMM", 1e-3, 1.0)]:
        beta, e, Q = kalman_chan(dow[ycol], dow[xcol], delta, ve)
        cases.append({"y": ycol, "x": xcol, "delta": delta, "observationVariance": ve,
                      "hedgeRatio": beta[0].tolist(), "intercept": beta[1].tolist(),
                      "innovation": e.tolist(), "innovationVariance": Q.tolist()})
    return cases


def hurst(x, max_lag):
    lags = np.arange(2, max_lag + 1)
    tau = [np.std(x[lag:] - x[:-lag]) for lag in lags]
    slope, intercept = np.polyfit(np.log(lags), np.log(tau), 1)
    return float(slope), float(intercept)


def hurst_cases(dow, nyse, chf):
    cases = []
    for name, series, max_lag in [("dow:KO", np.log(dow["KO"]), 20), ("dow:XOM", np.log(dow["XOM"]), 100),
                                  ("nyse", np.log(nyse["close"]), 20), ("usdchf", np.log(chf["close"]), 50),
                                  ("spread:KO-0.5PG", dow["KO"] - 0.5 * dow["PG"], 20)]:
        h, c = hurst(series, max_lag)
        cases.append({"series": name, "maxLag": max_lag, "hurst": h, "intercept": c})
    return cases


def main():
    dow = read_csv("dowjones30_daily.csv")
    nyse = read_csv("nyse_composite_daily.csv")
    chf = read_csv("usdchf_30min.csv")
    for name, doc in [("hedge-rolling-ols.json", {"source": "statsmodels 0.13.5 RollingOLS", "cases": rolling_cases(dow)}),
                      ("hedge-kalman.json", {"source": "plain numpy, Chan 2013 ch. 3 formulation", "cases": kalman_cases(dow)}),
                      ("hedge-hurst.json", {"source": "numpy polyfit of log std of lagged differences", "cases": hurst_cases(dow, nyse, chf)})]:
        with open(os.path.join(OUT, name), "w") as f:
            json.dump(doc, f)


if __name__ == "__main__":
    main()
