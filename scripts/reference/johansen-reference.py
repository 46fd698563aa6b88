#!/usr/bin/python3
"""
Reference values for src/quant/stats/johansen.statistic.ts (test/stats-johansen-reference.spec.ts).

statsmodels 0.13.5 (Debian's python3-statsmodels, numpy 1.24; run with /usr/bin/python3, not a
pyenv python) computes `statsmodels.tsa.vector_ar.vecm.coint_johansen(endog, det_order,
k_ar_diff)` on real closes of data/samples/dowjones30_daily.csv (2,529 daily rows), in levels
and in natural logs, for det_order -1, 0, 1 and k_ar_diff 0, 1, 2. Recorded per case:

  eigenvalues    res.eig (descending)
  traceStat      res.lr1, r = 0 first
  maxEigStat     res.lr2, r = 0 first
  traceCrit      res.cvt rows [90%, 95%, 99%] (coint_tables.c_sjt, MacKinnon-Haug-Michelis)
  maxEigCrit     res.cvm rows (coint_tables.c_sja)
  evec           res.evec as statsmodels returns it: columns v with v' S11 v = 1, the whole
                 matrix multiplied by the sign of its first non-zero element (GH 5517)
  eigenvectors   the column vectors of res.evec, each divided by its first element
                 (eigenvectors[j][i] = evec[i, j] / evec[0, j])
  rank           first r with lr1[r] < cvt[r, 1] (95%), neqs if none
  rankMaxEig     the same with lr2 and cvm

and, once, the whole critical-value tables (coint_tables.c_sjt and c_sja for n = 1..12 and
det_order -1, 0, 1) under criticalValues.

Floats are written with repr (shortest round trip). Output: test/fixtures/stats/johansen-statsmodels.json

    /usr/bin/python3 scripts/reference/johansen-reference.py
"""
import json
import os

import numpy as np
import statsmodels
from statsmodels.tsa.coint_tables import c_sja, c_sjt
from statsmodels.tsa.vector_ar.vecm import coint_johansen

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SAMPLE = os.path.join(ROOT, 'data', 'samples', 'dowjones30_daily.csv')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'stats', 'johansen-statsmodels.json')

SYSTEMS = [
    (['XOM', 'KO', 'PG'], False),
    (['XOM', 'KO', 'PG'], True),
    (['AA', 'CAT', 'DD', 'IP'], False),
    (['AA', 'CAT', 'DD', 'IP'], True),
]


def read_sample():
    with open(SAMPLE) as f:
        header = f.readline().strip().split(',')
        rows = [line.strip().split(',') for line in f if line.strip()]
    return header, rows


def rank_at_95(stats, crit):
    for r, (s, c) in enumerate(zip(stats, crit)):
        if s < c[1]:
            return r
    return len(stats)


def main():
    header, rows = read_sample()
    cases = []
    for cols, log in SYSTEMS:
        idx = [header.index(c) for c in cols]
        x = np.array([[float(r[i]) for i in idx] for r in rows])
        if log:
            x = np.log(x)
        for det in (-1, 0, 1):
            for k in (0, 1, 2):
                res = coint_johansen(x, det, k)
                evec = np.asarray(res.evec)
                cases.append({
                    'name': f"{'log ' if log else ''}{','.join(cols)} det_order={det} k_ar_diff={k}",
                    'columns': cols,
                    'log': log,
                    'detOrder': det,
                    'kArDiff': k,
                    'eigenvalues': [float(v) for v in res.eig],
                    'traceStat': [float(v) for v in res.lr1],
                    'maxEigStat': [float(v) for v in res.lr2],
                    'traceCrit': [[float(v) for v in row] for row in res.cvt],
                    'maxEigCrit': [[float(v) for v in row] for row in res.cvm],
                    'evec': [[float(evec[i, j]) for j in range(evec.shape[1])] for i in range(evec.shape[0])],
                    'eigenvectors': [[float(evec[i, j] / evec[0, j]) for i in range(evec.shape[0])] for j in range(evec.shape[1])],
                    'rank': rank_at_95(res.lr1, res.cvt),
                    'rankMaxEig': rank_at_95(res.lr2, res.cvm),
                })
    doc = {
        'generator': f'scripts/reference/johansen-reference.py (statsmodels {statsmodels.__version__}, numpy {np.__version__})',
        'sample': 'data/samples/dowjones30_daily.csv',
        'rows': len(rows),
        'firstDate': rows[0][0],
        'lastDate': rows[-1][0],
        'cases': cases,
        # The whole of coint_tables: criticalValues[kind][det_order][n - 1] = [90%, 95%, 99%].
        'criticalValues': {
            kind: {str(det): [[float(v) for v in fn(n, det)] for n in range(1, 13)] for det in (-1, 0, 1)}
            for kind, fn in (('trace', c_sjt), ('maxEig', c_sja))
        },
    }
    with open(OUT, 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    print(f'wrote {OUT}: {len(cases)} cases')


if __name__ == '__main__':
    main()
