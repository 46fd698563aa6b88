/**
 * MacKinnon's response-surface tables for Dickey-Fuller τ statistics, and the two functions
 * statsmodels builds on them (statsmodels 0.13.5, statsmodels/tsa/adfvalues.py: `mackinnonp`,
 * `mackinnoncrit`), which `adfuller` and `coint` report.
 *
 * - p-values: J. G. MacKinnon (1994), "Approximate asymptotic distribution functions for
 *   unit-root and cointegration tests", Journal of Business & Economic Statistics 12(2),
 *   167-176. p = Φ(γ0 + γ1·τ + γ2·τ²) in the left tail (τ ≤ τ*, Table 3's small-p
 *   coefficients) and Φ(γ0 + γ1·τ + γ2·τ² + γ3·τ³) above it (Table 4's large-p coefficients);
 *   p = 0 below τ_min and 1 above τ_max, the ends of the range the surfaces were fitted on.
 *   The coefficients are stored as printed; the paper's scale factors (γ2 ×1e-2 for the small-p
 *   surfaces; γ1, γ2 ×1e-1 and γ3 ×1e-2 for the large-p ones) are multiplied in at load, the
 *   same float64 products statsmodels' `small_scaling` / `large_scaling` arrays make.
 * - critical values: J. G. MacKinnon (2010), "Critical values for cointegration tests", Queen's
 *   University Economics Working Paper 1227, Table 2 (the "c" and "ct" rows, N = 1 and 2):
 *   cv(T) = β∞ + β1/T + β2/T² + β3/T³. The no-constant ("n") N = 1 row is MacKinnon (1996),
 *   "Numerical distribution functions for unit root and cointegration tests", Journal of
 *   Applied Econometrics 11, as statsmodels notes (the 2010 paper dropped that case).
 *
 * N is the number of I(1) variables: 1 for the ADF test, 2 for Engle-Granger on a pair. Only the
 * rows QuantDesk uses are here (n: N = 1; c and ct: N = 1, 2); every value is exercised by
 * test/stats-adf-coint-reference.spec.ts against statsmodels' own functions on a grid.
 */
import { normalCdf } from '../random/normal.distribution';

/** Deterministic terms of a Dickey-Fuller regression: none, constant, constant and linear trend. */
export type AdfRegression = 'n' | 'c' | 'ct';

/** Variables in the test (1 = ADF, 2 = Engle-Granger with one regressor). */
export type MacKinnonN = 1 | 2;

interface PValueRow {
  /** Below this the p-value is 0. */
  readonly tauMin: number;
  /** Split between the small-p and large-p surfaces (small-p at or below). */
  readonly tauStar: number;
  /** Above this the p-value is 1. */
  readonly tauMax: number;
  /** γ0, γ1, γ2 of the small-p surface as printed (before SMALL_P_SCALE). */
  readonly smallP: readonly [number, number, number];
  /** γ0, γ1, γ2, γ3 of the large-p surface as printed (before LARGE_P_SCALE). */
  readonly largeP: readonly [number, number, number, number];
}

/** β∞, β1, β2, β3 for the 1%, 5% and 10% critical values. */
type CritRow = readonly [readonly [number, number, number, number], readonly [number, number, number, number], readonly [number, number, number, number]];

/** The printed tables' scale factors (MacKinnon 1994, Tables 3 and 4; statsmodels' small_scaling, large_scaling). */
const SMALL_P_SCALE = [1, 1, 1e-2] as const;
const LARGE_P_SCALE = [1, 1e-1, 1e-1, 1e-2] as const;

/** MacKinnon (1994) τ_min / τ* / τ_max and Tables 3-4, indexed [regression][N - 1]. */
const P_VALUE_TABLE: Readonly<Record<AdfRegression, readonly PValueRow[]>> = {
  n: [{ tauMin: -19.04, tauStar: -1.04, tauMax: Infinity, smallP: [0.6344, 1.2378, 3.2496], largeP: [0.4797, 9.3557, -0.6999, 3.3066] }],
  c: [
    { tauMin: -18.83, tauStar: -1.61, tauMax: 2.74, smallP: [2.1659, 1.4412, 3.8269], largeP: [1.7339, 9.3202, -1.2745, -1.0368] },
    { tauMin: -18.86, tauStar: -2.62, tauMax: 0.92, smallP: [2.92, 1.5012, 3.9796], largeP: [2.1945, 6.4695, -2.9198, -4.2377] },
  ],
  ct: [
    { tauMin: -16.18, tauStar: -2.89, tauMax: 0.7, smallP: [3.2512, 1.6047, 4.9588], largeP: [2.5261, 6.1654, -3.7956, -6.0285] },
    { tauMin: -21.15, tauStar: -3.19, tauMax: 0.63, smallP: [3.6646, 1.5419, 3.6448], largeP: [2.85, 5.272, -3.6622, -5.1695] },
  ],
};

/** MacKinnon (2010) Table 2 (c, ct) and MacKinnon (1996) (n), indexed [regression][N - 1]. */
const CRIT_TABLE: Readonly<Record<AdfRegression, readonly CritRow[]>> = {
  n: [
    [
      [-2.56574, -2.2358, -3.627, 0],
      [-1.941, -0.2686, -3.365, 31.223],
      [-1.61682, 0.2656, -2.714, 25.364],
    ],
  ],
  c: [
    [
      [-3.43035, -6.5393, -16.786, -79.433],
      [-2.86154, -2.8903, -4.234, -40.04],
      [-2.56677, -1.5384, -2.809, 0],
    ],
    [
      [-3.89644, -10.9519, -33.527, 0],
      [-3.33613, -6.1101, -6.823, 0],
      [-3.04445, -4.2412, -2.72, 0],
    ],
  ],
  ct: [
    [
      [-3.95877, -9.0531, -28.428, -134.155],
      [-3.41049, -4.3904, -9.036, -45.374],
      [-3.12705, -2.5856, -3.925, -22.38],
    ],
    [
      [-4.32762, -15.4387, -35.679, 0],
      [-3.78057, -9.5106, -12.074, 0],
      [-3.49631, -7.0815, -7.538, 21.892],
    ],
  ],
};

/** Critical values of the τ statistic at 1%, 5% and 10%. */
export interface CriticalValues {
  readonly '1%': number;
  readonly '5%': number;
  readonly '10%': number;
}

/**
 * MacKinnon's approximate p-value of a Dickey-Fuller τ statistic (statsmodels `mackinnonp`):
 * the probability, under a unit root (no cointegration for N = 2), of a statistic at or below
 * `tau`. -Infinity gives 0 (statsmodels' coint reports -inf for a perfect fit); NaN gives NaN.
 */
export function mackinnonP(tau: number, regression: AdfRegression, n: MacKinnonN = 1): number {
  const row = P_VALUE_TABLE[regression][n - 1];
  if (Number.isNaN(tau)) return NaN;
  if (tau > row.tauMax) return 1;
  if (tau < row.tauMin) return 0;
  if (tau <= row.tauStar) {
    const [g0, g1, g2] = row.smallP.map((g, i) => g * SMALL_P_SCALE[i]);
    // Horner's order, as numpy.polyval evaluates it (same rounding as statsmodels).
    return normalCdf((g2 * tau + g1) * tau + g0);
  }
  const [g0, g1, g2, g3] = row.largeP.map((g, i) => g * LARGE_P_SCALE[i]);
  return normalCdf(((g3 * tau + g2) * tau + g1) * tau + g0);
}

/**
 * Finite-sample critical values (statsmodels `mackinnoncrit` with a finite `nobs`):
 * β∞ + β1/T + β2/T² + β3/T³ at T = `nobs`, evaluated in Horner's order in 1/T as numpy.polyval.
 */
export function mackinnonCrit(regression: AdfRegression, n: MacKinnonN, nobs: number): CriticalValues {
  const rows = CRIT_TABLE[regression][n - 1];
  const u = 1 / nobs;
  const cv = rows.map(([b0, b1, b2, b3]) => ((b3 * u + b2) * u + b1) * u + b0);
  return { '1%': cv[0], '5%': cv[1], '10%': cv[2] };
}
