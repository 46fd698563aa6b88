/**
 * Critical values of the Johansen trace and maximum-eigenvalue statistics, as statsmodels 0.13.5
 * reports them (statsmodels/tsa/coint_tables.py: `c_sjt`, `c_sja`, the tables `tjcp0..2`,
 * `ejcp0..2`, which `coint_johansen` puts in `cvt` and `cvm`).
 *
 * Source: J. G. MacKinnon, A. A. Haug & L. Michelis (1999), "Numerical distribution functions of
 * likelihood ratio tests for cointegration", Journal of Applied Econometrics 14(5), 563-577
 * (Queen's University discussion paper, 1996), generated with MacKinnon's `johdist.f` and
 * tabulated by J. P. LeSage's Econometrics Toolbox (`c_sjt.m`, `c_sja.m`), from which
 * statsmodels copied them. Not Osterwald-Lenum (1992), which R's urca prints (rounded to 2
 * decimals, up to 11 variables); the two differ in the second decimal.
 *
 * Indexing, as statsmodels: row n - 1 is for n = k - r, the number of common stochastic trends
 * under H0: rank = r in a k-variable system; the columns are the 90%, 95% and 99% quantiles.
 * The deterministic case is coint_johansen's det_order: -1 none, 0 constant, 1 constant and
 * linear trend. For n = 1 and det_order 0 or 1 the values are the χ²(1) quantiles (2.7055,
 * 3.8415, 6.6349), as in LeSage's tables; the trace and max-eigenvalue rows for n = 1 are the
 * same statistic and the same values. Every value is checked against statsmodels' c_sjt/c_sja
 * by test/stats-johansen-reference.spec.ts (fixture test/fixtures/stats/johansen-statsmodels.json).
 */

/** coint_johansen's deterministic terms: -1 none, 0 constant, 1 constant and linear trend. */
export type JohansenDetOrder = -1 | 0 | 1;

/** [90%, 95%, 99%] quantiles. */
export type JohansenCriticalValues = readonly [number, number, number];

type JohansenTable = readonly JohansenCriticalValues[];

/** Largest system the tables cover (coint_tables: "n > 12 returns no critical values"). */
export const JOHANSEN_MAX_VARIABLES = 12;

const TRACE_NO_DETERMINISTIC: JohansenTable = [
  [2.9762, 4.1296, 6.9406], // n = 1
  [10.4741, 12.3212, 16.364], // n = 2
  [21.7781, 24.2761, 29.5147], // n = 3
  [37.0339, 40.1749, 46.5716], // n = 4
  [56.2839, 60.0627, 67.6367], // n = 5
  [79.5329, 83.9383, 92.7136], // n = 6
  [106.7351, 111.7797, 121.7375], // n = 7
  [137.9954, 143.6691, 154.7977], // n = 8
  [173.2292, 179.5199, 191.8122], // n = 9
  [212.4721, 219.4051, 232.8291], // n = 10
  [255.6732, 263.2603, 277.9962], // n = 11
  [302.9054, 311.1288, 326.9716], // n = 12
];

const TRACE_CONSTANT: JohansenTable = [
  [2.7055, 3.8415, 6.6349], // n = 1
  [13.4294, 15.4943, 19.9349], // n = 2
  [27.0669, 29.7961, 35.4628], // n = 3
  [44.4929, 47.8545, 54.6815], // n = 4
  [65.8202, 69.8189, 77.8202], // n = 5
  [91.109, 95.7542, 104.9637], // n = 6
  [120.3673, 125.6185, 135.9825], // n = 7
  [153.6341, 159.529, 171.0905], // n = 8
  [190.8714, 197.3772, 210.0366], // n = 9
  [232.103, 239.2468, 253.2526], // n = 10
  [277.374, 285.1402, 300.2821], // n = 11
  [326.5354, 334.9795, 351.215], // n = 12
];

const TRACE_TREND: JohansenTable = [
  [2.7055, 3.8415, 6.6349], // n = 1
  [16.1619, 18.3985, 23.1485], // n = 2
  [32.0645, 35.0116, 41.0815], // n = 3
  [51.6492, 55.2459, 62.5202], // n = 4
  [75.1027, 79.3422, 87.7748], // n = 5
  [102.4674, 107.3429, 116.9829], // n = 6
  [133.7852, 139.278, 150.0778], // n = 7
  [169.0618, 175.1584, 187.1891], // n = 8
  [208.3582, 215.1268, 228.2226], // n = 9
  [251.6293, 259.0267, 273.3838], // n = 10
  [298.8836, 306.8988, 322.4264], // n = 11
  [350.1125, 358.719, 375.3203], // n = 12
];

const MAX_EIG_NO_DETERMINISTIC: JohansenTable = [
  [2.9762, 4.1296, 6.9406], // n = 1
  [9.4748, 11.2246, 15.0923], // n = 2
  [15.7175, 17.7961, 22.2519], // n = 3
  [21.837, 24.1592, 29.0609], // n = 4
  [27.916, 30.4428, 35.7359], // n = 5
  [33.9271, 36.6301, 42.2333], // n = 6
  [39.9085, 42.7679, 48.6606], // n = 7
  [45.893, 48.8795, 55.0335], // n = 8
  [51.8528, 54.9629, 61.3449], // n = 9
  [57.7954, 61.0404, 67.6415], // n = 10
  [63.7248, 67.0756, 73.8856], // n = 11
  [69.6513, 73.0946, 80.0937], // n = 12
];

const MAX_EIG_CONSTANT: JohansenTable = [
  [2.7055, 3.8415, 6.6349], // n = 1
  [12.2971, 14.2639, 18.52], // n = 2
  [18.8928, 21.1314, 25.865], // n = 3
  [25.1236, 27.5858, 32.7172], // n = 4
  [31.2379, 33.8777, 39.3693], // n = 5
  [37.2786, 40.0763, 45.8662], // n = 6
  [43.2947, 46.2299, 52.3069], // n = 7
  [49.2855, 52.3622, 58.6634], // n = 8
  [55.2412, 58.4332, 64.996], // n = 9
  [61.2041, 64.504, 71.2525], // n = 10
  [67.1307, 70.5392, 77.4877], // n = 11
  [73.0563, 76.5734, 83.7105], // n = 12
];

const MAX_EIG_TREND: JohansenTable = [
  [2.7055, 3.8415, 6.6349], // n = 1
  [15.0006, 17.1481, 21.7465], // n = 2
  [21.8731, 24.2522, 29.2631], // n = 3
  [28.2398, 30.8151, 36.193], // n = 4
  [34.4202, 37.1646, 42.8612], // n = 5
  [40.5244, 43.4183, 49.4095], // n = 6
  [46.5583, 49.5875, 55.8171], // n = 7
  [52.5858, 55.7302, 62.1741], // n = 8
  [58.5316, 61.8051, 68.503], // n = 9
  [64.5292, 67.904, 74.7434], // n = 10
  [70.463, 73.9355, 81.0678], // n = 11
  [76.4081, 79.9878, 87.2395], // n = 12
];

const TRACE: Readonly<Record<JohansenDetOrder, JohansenTable>> = { [-1]: TRACE_NO_DETERMINISTIC, 0: TRACE_CONSTANT, 1: TRACE_TREND };
const MAX_EIG: Readonly<Record<JohansenDetOrder, JohansenTable>> = { [-1]: MAX_EIG_NO_DETERMINISTIC, 0: MAX_EIG_CONSTANT, 1: MAX_EIG_TREND };

function lookup(tables: Readonly<Record<JohansenDetOrder, JohansenTable>>, trends: number, detOrder: JohansenDetOrder, what: string): JohansenCriticalValues {
  const table = tables[detOrder];
  if (table === undefined) throw new RangeError(`${what}: det_order ${String(detOrder)} has no table (only -1, 0, 1)`);
  if (!Number.isInteger(trends) || trends < 1 || trends > JOHANSEN_MAX_VARIABLES) {
    throw new RangeError(`${what}: n = ${trends} common trends is outside the tables (1..${JOHANSEN_MAX_VARIABLES})`);
  }
  return table[trends - 1];
}

/** 90/95/99% critical values of the trace statistic for n = k - r common trends (statsmodels `c_sjt(n, det_order)`). */
export function johansenTraceCritical(trends: number, detOrder: JohansenDetOrder): JohansenCriticalValues {
  return lookup(TRACE, trends, detOrder, 'johansenTraceCritical');
}

/** 90/95/99% critical values of the maximum-eigenvalue statistic (statsmodels `c_sja(n, det_order)`). */
export function johansenMaxEigCritical(trends: number, detOrder: JohansenDetOrder): JohansenCriticalValues {
  return lookup(MAX_EIG, trends, detOrder, 'johansenMaxEigCritical');
}
