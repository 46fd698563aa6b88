/**
 * Engle-Granger (1987) two-step cointegration test of a pair, as statsmodels 0.13.5's
 * `coint(y, x, trend='c', method='aeg', maxlag, autolag)` (statsmodels/tsa/stattools.py):
 *
 * 1. y regressed on x with an intercept (OLS): y_t = intercept + hedgeRatio·x_t + s_t.
 * 2. ADF without deterministic terms (regression 'n') on the residuals s_t, lag chosen by
 *    `autolag` (default 'aic') up to `maxLag` (default adfuller's, from the residuals' length).
 * 3. p-value: MacKinnon (1994) for N = 2 variables, constant ('c'), even though the ADF
 *    regression has none (the constant is in step 1); critical values: MacKinnon (2010), N = 2,
 *    'c', at T = n - 1 (statsmodels: "the -1 is to match egranger in Stata").
 *    If step 1 fits (almost) perfectly, R² ≥ 1 - 100·sqrt(ε), statsmodels skips the ADF and
 *    reports τ = -Infinity, p = 0 (its CollinearityWarning); so does this (usedLag null,
 *    half-life 0: the spread is rounding noise that never deviates).
 *
 * Added to statsmodels' outcome: the hedge ratio and intercept of step 1, the ADF's usedLag,
 * and the half-life of the residual spread (half-life.statistic.ts).
 * Verified by test/stats-adf-coint-reference.spec.ts.
 */
import { fitAdf, resolveMaxLag, type AdfAutolag } from './adf.statistic';
import { halfLife } from './half-life.statistic';
import { mackinnonCrit, mackinnonP, type CriticalValues } from './mackinnon.tables';
import { ols } from './ols.regression';
import { StatsInputError } from './stats-input.error';

/** statsmodels' SQRTEPS = np.sqrt(np.finfo(np.double).eps). */
const SQRT_EPS = Math.sqrt(Number.EPSILON);

export interface EngleGrangerOptions {
  /** Lag selection of the residuals' ADF (default 'aic', as statsmodels coint). */
  readonly autolag?: AdfAutolag;
  /** Largest lag searched (or used, with 'none'); default adfuller's from the series length. */
  readonly maxLag?: number;
}

export interface EngleGrangerResult {
  /** τ of the residuals' ADF (-Infinity for a perfect fit). */
  readonly statistic: number;
  /** MacKinnon (1994) p-value, N = 2, constant. */
  readonly pValue: number;
  /** MacKinnon (2010) critical values, N = 2, constant, T = n - 1. */
  readonly criticalValues: CriticalValues;
  /** β of y = intercept + β·x. */
  readonly hedgeRatio: number;
  readonly intercept: number;
  /** R² of step 1. */
  readonly rSquared: number;
  /** Lag order of the residuals' ADF; null when the ADF was skipped (perfect fit). */
  readonly usedLag: number | null;
  /** Observations of the residuals' ADF regression; null when skipped. */
  readonly adfNobs: number | null;
  /** The selected information criterion of the residuals' ADF (null with 'none' or skipped). */
  readonly icBest: number | null;
  /** Half-life in bars of the spread s = y - intercept - hedgeRatio·x; Infinity if it does not revert. */
  readonly halfLife: number;
  /** Rows used (the pair's length). */
  readonly nobs: number;
}

/**
 * Engle-Granger test of `y` on `x` (same length, finite values). Throws StatsInputError naming
 * `y`/`x` (length mismatch, non-finite value, too few values, constant series), or `maxLag` /
 * `autolag`.
 */
export function engleGranger(y: Float64Array, x: Float64Array, options: EngleGrangerOptions = {}): EngleGrangerResult {
  const n = y.length;
  if (x.length !== n) throw new StatsInputError('LENGTH_MISMATCH', 'x', `has ${x.length} values, y has ${n}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i])) throw new StatsInputError('NON_FINITE_VALUE', 'y', `value at index ${i} is ${y[i]}`, i);
    if (!Number.isFinite(x[i])) throw new StatsInputError('NON_FINITE_VALUE', 'x', `value at index ${i} is ${x[i]}`, i);
  }
  if (n < 4) throw new StatsInputError('TOO_FEW_OBSERVATIONS', 'y', `${n} values; Engle-Granger needs at least 4`);
  const isConstant = (v: Float64Array): boolean => v.every((e) => e === v[0]);
  if (isConstant(x)) throw new StatsInputError('CONSTANT_SERIES', 'x', 'the regressor is constant: no hedge ratio to estimate');
  if (isConstant(y)) throw new StatsInputError('CONSTANT_SERIES', 'y', 'the series is constant');

  const step1 = ols(y, [x, new Float64Array(n).fill(1)], { hasConstant: true });
  const hedgeRatio = step1.coefficients[0];
  const intercept = step1.coefficients[1];
  const spread = step1.residuals;
  const criticalValues = mackinnonCrit('c', 2, n - 1);
  const autolag = options.autolag ?? 'aic';

  let statistic = -Infinity;
  let usedLag: number | null = null;
  let adfNobs: number | null = null;
  let icBest: number | null = null;
  if (step1.rSquared < 1 - 100 * SQRT_EPS) {
    const adf = fitAdf(spread, 'n', autolag, options.maxLag, 'y');
    statistic = adf.statistic;
    usedLag = adf.usedLag;
    adfNobs = adf.nobs;
    icBest = adf.icBest;
  } else {
    // statsmodels does not look at maxlag when it skips the ADF; a bad option is refused anyway.
    resolveMaxLag(n, 'n', options.maxLag, 'y');
  }
  // A perfect fit leaves a spread of rounding noise, which never deviates: half-life 0.
  const hl = statistic === -Infinity ? { halfLife: 0 } : halfLife(spread, 'spread');
  return {
    statistic,
    pValue: mackinnonP(statistic, 'c', 2),
    criticalValues,
    hedgeRatio,
    intercept,
    rSquared: step1.rSquared,
    usedLag,
    adfNobs,
    icBest,
    halfLife: hl.halfLife,
    nobs: n,
  };
}
