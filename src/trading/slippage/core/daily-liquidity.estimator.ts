/**
 * The V and σ of the square-root impact law (expected-cost.estimator.ts) from a symbol's daily
 * bars: the average daily volume and the daily volatility.
 *
 * - V: the mean volume of the bars that have one (a bar without a volume is unknown, not 0).
 * - σ: the sample standard deviation (n − 1 denominator) of the simple close-to-close returns
 *   c_t / c_{t−1} − 1 of consecutive bars.
 * Both are daily because the impact law needs σ and V over the same horizon (Grinold & Kahn,
 * "Active Portfolio Management", 2nd ed. 2000, ch. 16): a daily σ with a daily volume.
 *
 * At least MIN_DAILY_BARS bars are needed: two returns are the fewest a sample standard
 * deviation is defined for.
 */
export const MIN_DAILY_BARS = 3;

export interface DailyLiquidity {
  /** Mean volume per day, in units. */
  readonly averageDailyVolume: number;
  /** Sample standard deviation of daily simple returns (0.02 = 2 % a day). */
  readonly dailyVolatility: number;
  /** Bars used. */
  readonly days: number;
}

export type DailyLiquidityResult = ({ readonly ok: true } & DailyLiquidity) | { readonly ok: false; readonly reason: string };

/**
 * V and σ of daily bars in time order: `closes[i]` and `volumes[i]` of day i (NaN: no volume).
 * Not ok (with the reason) for fewer than MIN_DAILY_BARS bars, a close that is not > 0, or no
 * positive mean volume: the impact law divides by V.
 */
export function dailyLiquidity(closes: Float64Array, volumes: Float64Array): DailyLiquidityResult {
  const n = closes.length;
  if (volumes.length !== n) return { ok: false, reason: `closes (${n}) and volumes (${volumes.length}) differ in length` };
  if (n < MIN_DAILY_BARS) return { ok: false, reason: `${n} daily bar${n === 1 ? '' : 's'}; the estimate needs at least ${MIN_DAILY_BARS}` };
  let volumeSum = 0;
  let withVolume = 0;
  for (let i = 0; i < n; i++) {
    if (!(closes[i] > 0) || !Number.isFinite(closes[i])) return { ok: false, reason: `daily close ${closes[i]} at bar ${i} is not a price > 0` };
    const v = volumes[i];
    if (Number.isFinite(v)) {
      volumeSum += v;
      withVolume++;
    }
  }
  const averageDailyVolume = withVolume > 0 ? volumeSum / withVolume : 0;
  if (!(averageDailyVolume > 0)) return { ok: false, reason: withVolume === 0 ? 'the daily bars have no volume' : 'the daily bars have zero volume' };
  // Two passes (mean, then squared deviations): exact enough for a few dozen returns, and no
  // cancellation as in the one-pass sum-of-squares formula.
  const m = n - 1;
  let mean = 0;
  for (let i = 1; i < n; i++) mean += closes[i] / closes[i - 1] - 1;
  mean /= m;
  let ss = 0;
  for (let i = 1; i < n; i++) {
    const d = closes[i] / closes[i - 1] - 1 - mean;
    ss += d * d;
  }
  return { ok: true, averageDailyVolume, dailyVolatility: Math.sqrt(ss / (m - 1)), days: n };
}
