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
import { CHUNK, checkPeriod, firstValue, nonLeadingNaN, warmupArray } from './indicator-errors';

/** How often a running sum is recomputed exactly (bars); also the length of a loop chunk. */
export const RESYNC = CHUNK;

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
  // Blocks of RESYNC values (a function called per block: see CHUNK), then the sum is recomputed exactly.
  for (let i = ready + 1; i < len; i += RESYNC) {
    sum = smaBlock(x, out, i, Math.min(len, i + RESYNC), n, sum, input);
    const next = i + RESYNC;
    if (next < len) {
      sum = 0;
      for (let j = next - n; j < next; j++) sum += x[j];
    }
  }
}

/** Values [from, to): one value in, one out of the running sum; returns the sum. */
function smaBlock(x: Float64Array, out: Float64Array, from: number, to: number, n: number, sum: number, input: string): number {
  for (let i = from; i < to; i++) {
    const v = x[i];
    if (v !== v) throw nonLeadingNaN(input, i);
    sum += v - x[i - n];
    out[i] = sum / n;
  }
  return sum;
}
