/**
 * Hurst exponent by the variance of lagged differences: for lags τ = 2..maxLag,
 * σ(τ) = std(x_{t+τ} - x_t) (population std over the n - τ differences), and H is the OLS slope
 * of ln σ(τ) on ln τ, since for a process with Hurst exponent H, Var(x_{t+τ} - x_t) ∝ τ^{2H}
 * (Mandelbrot & Van Ness 1968; the estimator as in Chan 2013, "Algorithmic Trading", ch. 2, and
 * the widespread numpy snippet `polyfit(log(lags), log(tau), 1)` with tau = std of the lagged
 * differences). Apply it to log prices: H < 0.5 mean-reverting, 0.5 a random walk, > 0.5
 * trending. Verified against the numpy computation of scripts/reference/hedge-ratio-reference.py.
 */
import { StatsInputError } from './stats-input.error';

export interface HurstResult {
  /** The slope H. */
  readonly hurst: number;
  /** The intercept of the log-log fit. */
  readonly intercept: number;
  /** The lags used, 2..maxLag. */
  readonly maxLag: number;
}

/** Hurst exponent of `x` (finite values) over lags 2..maxLag (default 20; needs n > maxLag + 1). */
export function hurstExponent(x: Float64Array, maxLag = 20): HurstResult {
  const n = x.length;
  if (!Number.isInteger(maxLag) || maxLag < 3) throw new StatsInputError('BAD_OPTION', 'maxLag', `must be an integer >= 3, got ${maxLag}`);
  if (n < maxLag + 2) throw new StatsInputError('TOO_FEW_OBSERVATIONS', 'x', `${n} values; lags up to ${maxLag} need at least ${maxLag + 2}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(x[i])) throw new StatsInputError('NON_FINITE_VALUE', 'x', `value at index ${i} is ${x[i]}`, i);
  const m = maxLag - 1;
  let su = 0;
  let sv = 0;
  let suu = 0;
  let suv = 0;
  for (let lag = 2; lag <= maxLag; lag++) {
    const cnt = n - lag;
    let mean = 0;
    for (let t = 0; t < cnt; t++) mean += x[t + lag] - x[t];
    mean /= cnt;
    let ss = 0;
    for (let t = 0; t < cnt; t++) {
      const d = x[t + lag] - x[t] - mean;
      ss += d * d;
    }
    if (!(ss > 0)) throw new StatsInputError('CONSTANT_SERIES', 'x', `the differences at lag ${lag} are constant: no variance to scale`);
    const u = Math.log(lag);
    const v = 0.5 * Math.log(ss / cnt);
    su += u;
    sv += v;
    suu += u * u;
    suv += u * v;
  }
  const mu = su / m;
  const mv = sv / m;
  const slope = (suv - su * mv) / (suu - su * mu);
  return { hurst: slope, intercept: mv - slope * mu, maxLag };
}
