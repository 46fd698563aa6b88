/**
 * True range and average true range (Wilder 1978).
 *
 * Convention: R TTR `ATR(HLC, n=14)`: tr[t] = max(high[t], close[t-1]) - min(low[t], close[t-1]),
 * so the first bar has no true range (NaN: there is no previous close, and TTR does not fall
 * back to high - low); atr = Wilder's EMA of tr (k = 1/n) seeded with the mean of the first n
 * true ranges. Warm-up: tr is NaN at the first bar, atr for the first n bars.
 * Leading NaN (in any of high, low, close) is skipped: the series starts at the first bar where
 * all three are present. A NaN after that throws IndicatorInputError.
 * One pass, no allocation but the outputs.
 */
import { CHUNK, checkPeriod, checkSameLength, firstValueOfAll, nonLeadingNaN, warmupArray } from './indicator-errors';

export interface AtrResult {
  readonly tr: Float64Array;
  readonly atr: Float64Array;
}

export function atr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): AtrResult {
  checkPeriod('period', period);
  const len = checkSameLength({ high, low, close });
  const n = period;
  const start = firstValueOfAll(high, low, close);
  const ready = start + n; // the n-th true range
  const tr = warmupArray(len, start + 1);
  const out = warmupArray(len, ready);
  if (start >= len) return { tr, atr: out };
  // State carried from chunk to chunk (see CHUNK): previous close, ATR (or its seed sum).
  const state = Float64Array.of(close[start], 0);
  for (let i = start + 1; i < len; i += CHUNK) atrChunk(high, low, close, tr, out, state, i, Math.min(len, i + CHUNK), ready, n);
  return { tr, atr: out };
}

/** Bars [from, to) of the pass. */
function atrChunk(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  tr: Float64Array,
  out: Float64Array,
  state: Float64Array,
  from: number,
  to: number,
  ready: number,
  n: number,
): void {
  const k = 1 / n;
  const k1 = 1 - k;
  let prevClose = state[0];
  let a = state[1];
  for (let i = from; i < to; i++) {
    const h = high[i];
    const l = low[i];
    const c = close[i];
    if (h !== h) throw nonLeadingNaN('high', i);
    if (l !== l) throw nonLeadingNaN('low', i);
    if (c !== c) throw nonLeadingNaN('close', i);
    const r = (h > prevClose ? h : prevClose) - (l < prevClose ? l : prevClose);
    prevClose = c;
    tr[i] = r;
    if (i < ready) {
      a += r / n;
    } else if (i === ready) {
      a += r / n;
      out[i] = a;
    } else {
      a = r * k + a * k1;
      out[i] = a;
    }
  }
  state[0] = prevClose;
  state[1] = a;
}
