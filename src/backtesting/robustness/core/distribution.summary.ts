/**
 * Summary of a sample distribution (the Monte Carlo runs' final equity, drawdown, Sharpe):
 * mean, standard deviation, extremes and the percentiles 1/5/25/50/75/95/99 with numpy's
 * default 'linear' method (`np.percentile(x, q)`: position (q / 100) · (n - 1) in the sorted
 * sample, linear interpolation between its neighbours, in numpy's two-sided `_lerp` form so the
 * results agree to the last bit). NaN samples (e.g. the Sharpe of a constant resample, 0/0) are
 * left out and counted in `nanCount`; ±Infinity (the Sharpe of a constant non-zero resample) is
 * kept and sorts to the ends, and a percentile next to it is that infinity where numpy would
 * give NaN.
 */

/** The percentiles every summary reports, in percent. */
export const SUMMARY_PERCENTILES = [1, 5, 25, 50, 75, 95, 99] as const;

export interface DistributionPercentiles {
  readonly p1: number;
  readonly p5: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
  readonly p99: number;
}

export interface DistributionSummary {
  /** Samples summarized (the non-NaN ones). */
  readonly count: number;
  /** NaN samples left out. */
  readonly nanCount: number;
  readonly mean: number;
  /** Sample standard deviation, ddof = 1 (NaN below 2 samples). */
  readonly std: number;
  readonly min: number;
  readonly max: number;
  readonly percentiles: DistributionPercentiles;
}

/** numpy's linear-method percentile of an ascending, NaN-free sample (q in percent). */
export function percentileOfSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const t = pos - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  if (a === b || t === 0) return a;
  const diff = b - a;
  // An infinite neighbour wins where it has any weight (numpy gives NaN from inf · 0 and inf - inf there).
  if (!Number.isFinite(diff)) return Number.isFinite(a) ? b : Number.isFinite(b) ? a : NaN;
  // numpy _lerp: a + diff·t, but from the upper end when t >= 0.5.
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** The summary of `samples` (see the file header); all NaN (or none) gives count 0 and NaN statistics. */
export function summarizeDistribution(samples: Float64Array): DistributionSummary {
  const sorted = new Float64Array(samples.length);
  let n = 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (v !== v) continue;
    sorted[n++] = v;
    sum += v;
  }
  const s = sorted.subarray(0, n).sort();
  const mean = n > 0 ? sum / n : NaN;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const d = s[i] - mean;
    m2 += d * d;
  }
  const p = (q: number): number => percentileOfSorted(s, q);
  return {
    count: n,
    nanCount: samples.length - n,
    mean,
    std: n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN,
    min: n > 0 ? s[0] : NaN,
    max: n > 0 ? s[n - 1] : NaN,
    percentiles: { p1: p(1), p5: p(5), p25: p(25), p50: p(50), p75: p(75), p95: p(95), p99: p(99) },
  };
}

/**
 * Where `value` falls in `samples`, as a fraction in [0, 1]: (samples below + half the samples
 * equal) / non-NaN samples, scipy.stats.percentileofscore's kind='mean' divided by 100. 0.5 for
 * a value at the median; NaN for a NaN value or no samples.
 */
export function percentileRank(samples: Float64Array, value: number): number {
  if (value !== value) return NaN;
  let below = 0;
  let equal = 0;
  let n = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (v !== v) continue;
    n++;
    if (v < value) below++;
    else if (v === value) equal++;
  }
  return n > 0 ? (below + 0.5 * equal) / n : NaN;
}
