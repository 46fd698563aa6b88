/**
 * Simple moving average: the mean of the last `period` values.
 *
 * Convention: R TTR `SMA(x, n)` (= `runMean`, a running sum over n): out[t] = (x[t-n+1] + ... + x[t]) / n.
 * Warm-up: NaN before the n-th value. Leading NaN in `x` (an upstream warm-up) is skipped: the
 * window starts at the first non-NaN value, so the first output is n-1 values after it, as TTR.
 * A NaN after that throws IndicatorInputError (TTR refuses non-leading NAs too).
 *
 * One pass with a running sum; the sum is recomputed over the window every RESYNC values so
 * rounding cannot drift over millions of bars.
 */
import { checkPeriod, firstValue, nonLeadingNaN, warmupArray } from './indicator-errors';

/** How often a running sum is recomputed exactly (bars). */
export const RESYNC = 4096;

export function sma(values: Float64Array, period = 10): Float64Array {
  checkPeriod('period', period);
  const start = firstValue(values);
  const out = warmupArray(values.length, start + period - 1);
  smaInto(values, period, start, out, 'values');
  return out;
}

/** SMA of `x` from its first value `start` into `out` (the caller has put NaN before start + n - 1). */
export function smaInto(x: Float64Array, n: number, start: number, out: Float64Array, input: string): void {
  const len = x.length;
  const ready = start + n - 1;
  if (ready >= len) {
    for (let i = start; i < len; i++) if (x[i] !== x[i]) throw nonLeadingNaN(input, i);
    return;
  }
  let sum = 0;
  for (let i = start; i <= ready; i++) {
    const v = x[i];
    if (v !== v) throw nonLeadingNaN(input, i);
    sum += v;
  }
  out[ready] = sum / n;
  let i = ready + 1;
  while (i < len) {
    // Blocks of RESYNC values: one value in, one out; then the sum is recomputed exactly.
    const end = Math.min(len, i + RESYNC);
    for (; i < end; i++) {
      const v = x[i];
      if (v !== v) throw nonLeadingNaN(input, i);
      sum += v - x[i - n];
      out[i] = sum / n;
    }
    if (i < len) {
      sum = 0;
      for (let j = i - n; j < i; j++) sum += x[j];
    }
  }
}
