/**
 * Half-life of mean reversion of a spread, in bars: the OLS regression
 * Δs_t = a + λ·s_{t-1} + ε_t (the discretized Ornstein-Uhlenbeck process ds = θ(μ - s)dt + σdW,
 * λ ≈ -θ per bar), half-life = -ln 2 / λ: the bars for a deviation to halve at rate θ = -λ
 * (e.g. Chan 2013, "Algorithmic Trading", ch. 2). The fixtures compute the same regression with
 * statsmodels' OLS (scripts/reference/statsmodels-adf-coint.py).
 *
 * λ ≥ 0 means the spread does not revert (it drifts or explodes): the half-life is Infinity
 * (the CLI prints null).
 */
import { ols } from './ols.regression';
import { StatsInputError } from './stats-input.error';

export interface HalfLifeResult {
  /** -ln 2 / λ in bars; Infinity when λ ≥ 0. */
  readonly halfLife: number;
  /** λ: the coefficient of s_{t-1}. */
  readonly lambda: number;
  /** a: the intercept. */
  readonly intercept: number;
  /** t-value of λ (classical standard error). */
  readonly lambdaTValue: number;
  /** Observations of the regression: the spread's length - 1. */
  readonly nobs: number;
}

/**
 * Half-life of `spread` (see the file header). Throws StatsInputError naming `spread`: fewer
 * than 3 values, a non-finite value, or a constant spread.
 */
export function halfLife(spread: Float64Array, field = 'spread'): HalfLifeResult {
  const n = spread.length;
  if (n < 3) throw new StatsInputError('TOO_FEW_OBSERVATIONS', field, `${n} values; the regression of Δs on s(t-1) needs at least 3`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(spread[i])) throw new StatsInputError('NON_FINITE_VALUE', field, `value at index ${i} is ${spread[i]}`, i);
  const ds = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) ds[i - 1] = spread[i] - spread[i - 1];
  const lagged = spread.subarray(0, n - 1);
  let constant = true;
  for (let i = 1; i < n - 1 && constant; i++) constant = lagged[i] === lagged[0];
  if (constant) throw new StatsInputError('CONSTANT_SERIES', field, 'the spread is constant: it has no deviation to revert');
  const fit = ols(ds, [new Float64Array(n - 1).fill(1), lagged], { hasConstant: true });
  const lambda = fit.coefficients[1];
  return {
    halfLife: lambda < 0 ? -Math.LN2 / lambda : Infinity,
    lambda,
    intercept: fit.coefficients[0],
    lambdaTValue: fit.tValues[1],
    nobs: n - 1,
  };
}
