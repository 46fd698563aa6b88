/**
 * Exponential moving average.
 *
 * Convention: R TTR `EMA(x, n, wilder=FALSE)`: the first value is the SMA of the first n values
 * (the seed, at the n-th value), then out[t] = x[t] * k + out[t-1] * (1 - k) with k = 2 / (n + 1);
 * `wilder: true` uses k = 1 / n (Wilder 1978's smoothing, TTR `EMA(..., wilder=TRUE)`).
 * Warm-up: NaN before the n-th value. Leading NaN in `x` is skipped (the seed is the mean of the
 * first n non-NaN values, as TTR); a NaN after the first value throws IndicatorInputError.
 * One pass, no allocation but the output.
 */
import { CHUNK, checkPeriod, firstValue, nonLeadingNaN, warmupArray } from './indicator-errors';

export interface EmaOptions {
  /** Wilder's smoothing, k = 1/n, instead of k = 2/(n+1). Default false. */
  readonly wilder?: boolean;
}

export function ema(values: Float64Array, period = 10, options: EmaOptions = {}): Float64Array {
  checkPeriod('period', period);
  const out = warmupArray(values.length, firstValue(values) + period - 1);
  emaInto(values, period, options.wilder === true ? 1 / period : 2 / (period + 1), out, 'values');
  return out;
}

/** EMA of `x` with ratio `k` into `out` (the caller has put NaN before the seed). */
export function emaInto(x: Float64Array, n: number, k: number, out: Float64Array, input: string): void {
  const len = x.length;
  const start = firstValue(x);
  const ready = start + n - 1;
  if (ready >= len) {
    for (let i = start; i < len; i++) if (x[i] !== x[i]) throw nonLeadingNaN(input, i);
    return;
  }
  let e = 0;
  for (let i = start; i <= ready; i++) {
    const v = x[i];
    if (v !== v) throw nonLeadingNaN(input, i);
    e += v / n;
  }
  out[ready] = e;
  for (let i = ready + 1; i < len; i += CHUNK) e = emaChunk(x, out, i, Math.min(len, i + CHUNK), k, e, input);
}

/** Values [from, to) of the pass (a function called per chunk: see CHUNK); returns the EMA. */
function emaChunk(x: Float64Array, out: Float64Array, from: number, to: number, k: number, e: number, input: string): number {
  const k1 = 1 - k;
  for (let i = from; i < to; i++) {
    const v = x[i];
    if (v !== v) throw nonLeadingNaN(input, i);
    e = v * k + e * k1;
    out[i] = e;
  }
  return e;
}
