/**
 * Exponentially weighted moving-average volatility forecast (J.P. Morgan/Reuters,
 * "RiskMetrics — Technical Document", 4th ed. 1996, the exponential estimator): with zero mean,
 *
 *   σ²[t] = λ · σ²[t-1] + (1 − λ) · r[t]²,    λ = 0.94 for daily data,
 *
 * seeded with the first squared return; σ²[T] after the last return is the one-period-ahead
 * forecast. Annualized by sqrt(periodsPerYear) (square-root-of-time, as RiskMetrics scales).
 * Leading NaN (warm-up, e.g. the first value of `returnsFromPrices`) is skipped; a NaN or
 * infinite value after the first return makes the forecast NaN (a gap is not smoothed over).
 */
export interface EwmaVolatility {
  /** Annualized forecast (NaN when there is no return or the series has a gap). */
  readonly annualized: number;
  /** Returns used. */
  readonly observations: number;
}

export function ewmaVolatility(returns: Float64Array, lambda = 0.94, periodsPerYear = 252): EwmaVolatility {
  let i = 0;
  const n = returns.length;
  while (i < n && Number.isNaN(returns[i])) i++;
  if (i >= n) return { annualized: NaN, observations: 0 };
  let v = returns[i] * returns[i];
  const start = i;
  for (i = start + 1; i < n; i++) {
    const r = returns[i];
    v = lambda * v + (1 - lambda) * r * r;
  }
  // A NaN or ±Infinity anywhere after the start propagates into v.
  const annualized = Number.isFinite(v) ? Math.sqrt(v * periodsPerYear) : NaN;
  return { annualized, observations: n - start };
}
