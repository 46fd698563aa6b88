/**
 * Relative strength index (Wilder 1978).
 *
 * Convention: R TTR `RSI(x, n=14)` with its defaults (maType "EMA", wilder=TRUE): the changes
 * d[t] = x[t] - x[t-1] are split into up = max(d, 0) and down = max(-d, 0); each is smoothed
 * with Wilder's EMA (k = 1/n) seeded with the mean of the first n changes; RSI = 100 * up / (up + down).
 * Warm-up: NaN for the first n values (the first change is at the 2nd value, the seed at the
 * (n+1)-th). Leading NaN in `x` is skipped; a NaN after the first value throws
 * IndicatorInputError. A series without any change so far gives 0/0 = NaN, as TTR.
 * One pass, no allocation but the output.
 */
import { CHUNK, checkPeriod, firstValue, nonLeadingNaN, warmupArray } from './indicator-errors';

export function rsi(values: Float64Array, period = 14): Float64Array {
  checkPeriod('period', period);
  const x = values;
  const n = period;
  const len = x.length;
  const start = firstValue(x);
  const ready = start + n; // the n-th change
  const out = warmupArray(len, ready);
  if (ready >= len) {
    for (let i = start; i < len; i++) if (x[i] !== x[i]) throw nonLeadingNaN('values', i);
    return out;
  }
  let up = 0;
  let down = 0;
  let prev = x[start];
  for (let i = start + 1; i <= ready; i++) {
    const v = x[i];
    if (v !== v) throw nonLeadingNaN('values', i);
    const d = v - prev;
    prev = v;
    if (d > 0) up += d / n;
    else down -= d / n;
  }
  out[ready] = (100 * up) / (up + down);
  // State carried from chunk to chunk (see CHUNK): previous value, average gain, average loss.
  const state = Float64Array.of(prev, up, down);
  for (let i = ready + 1; i < len; i += CHUNK) rsiChunk(x, out, state, i, Math.min(len, i + CHUNK), 1 / n);
  return out;
}

/** Values [from, to) of the pass. */
function rsiChunk(x: Float64Array, out: Float64Array, state: Float64Array, from: number, to: number, k: number): void {
  const k1 = 1 - k;
  let prev = state[0];
  let up = state[1];
  let down = state[2];
  for (let i = from; i < to; i++) {
    const v = x[i];
    if (v !== v) throw nonLeadingNaN('values', i);
    const d = v - prev;
    prev = v;
    // Branch-free (prices go up or down at random): (|d| + d) / 2 is exactly max(d, 0) and
    // (|d| - d) / 2 exactly max(-d, 0); a zero part adds exactly 0, as TTR's EMA of 0.
    const a = Math.abs(d);
    up = (a + d) * 0.5 * k + up * k1;
    down = (a - d) * 0.5 * k + down * k1;
    out[i] = (100 * up) / (up + down);
  }
  state[0] = prev;
  state[1] = up;
  state[2] = down;
}
