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
import { checkPeriod, firstValue, nonLeadingNaN } from './indicator-errors';

/** How often a running sum is recomputed exactly (bars). */
export const RESYNC = 4096;

export function sma(values: Float64Array, period = 10): Float64Array {
  checkPeriod('period', period);
  const len = values.length;
  const out = new Float64Array(len).fill(NaN);
  smaInto(values, period, out, 'values');
  return out;
}

/** SMA of `x` into `out` (which the caller has filled with NaN where there is no value). */
export function smaInto(x: Float64Array, n: number, out: Float64Array, input: string): void {
  const len = x.length;
  const start = firstValue(x);
  const ready = start + n - 1;
  let sum = 0;
  let sinceSync = 0;
  const end = Math.min(ready, len);
  for (let i = start; i < end; i++) {
    const v = x[i];
    if (v !== v) throw nonLeadingNaN(input, i);
    sum += v;
  }
  for (let i = ready; i < len; i++) {
    const v = x[i];
    if (v !== v) throw nonLeadingNaN(input, i);
    if (i > ready) sum -= x[i - n];
    if (++sinceSync === RESYNC) {
      sinceSync = 0;
      sum = 0;
      for (let j = i - n + 1; j < i; j++) sum += x[j];
    }
    sum += v;
    out[i] = sum / n;
  }
}
