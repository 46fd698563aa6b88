#!/usr/bin/python3
"""
The statsmodels side of `npm run bench -- coint` (bench/coint.ts spawns it):

    /usr/bin/python3 bench/coint-statsmodels.py FILE.csv [RUNS]

FILE has columns y,x. Times statsmodels.tsa.stattools.coint(y, x) (trend 'c', autolag 'aic',
default maxlag: the call bench/coint.ts times on our side) with time.perf_counter inside the
interpreter, so its start-up and imports are not counted: two warm-up calls, then the median
of RUNS calls (default 15). Prints one JSON line: medianMs, runs, statistic, pValue, versions.
"""
import json
import sys
import time

import numpy as np
import statsmodels
from statsmodels.tsa.stattools import coint


def main():
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    data = np.loadtxt(path, delimiter=',', skiprows=1)
    y, x = data[:, 0], data[:, 1]
    for _ in range(2):
        result = coint(y, x)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        result = coint(y, x)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(json.dumps({
        'medianMs': times[len(times) // 2],
        'runs': runs,
        'statistic': float(result[0]),
        'pValue': float(result[1]),
        'statsmodels': statsmodels.__version__,
        'numpy': np.__version__,
    }))


if __name__ == '__main__':
    main()
