/**
 * Directional movement: +DI, -DI, DX and ADX (Wilder 1978).
 *
 * Convention: R TTR `ADX(HLC, n=14)`:
 *   up = high[t] - high[t-1], down = low[t-1] - low[t];
 *   +DM = up when up > down and not both negative, else 0; -DM = down when down > up and not
 *   both negative, else 0 (equal moves give 0 to both);
 *   tr as TTR `ATR` (the first bar has none);
 *   TTR's `wilderSum` of tr, +DM and -DM: s[t] = v[t] + s[t-1] * (n-1)/n, whose first value
 *   (at the n-th movement) is v + (n-1)/n * (sum of the n-1 movements before it);
 *   +DI = 100 * s(+DM) / s(tr), -DI = 100 * s(-DM) / s(tr);
 *   DX = 100 * |+DI - -DI| / (+DI + -DI);
 *   ADX = Wilder's EMA of DX (k = 1/n) seeded with the mean of the first n DX values.
 * Warm-up: +DI, -DI and DX are NaN for the first n bars, ADX for the first 2n - 1 bars.
 * Leading NaN (in any of high, low, close) is skipped: the series starts at the first bar where
 * all three are present; a NaN after that throws IndicatorInputError. A window without any
 * directional movement gives DX = 0/0 = NaN, as TTR (and then ADX stays NaN).
 * One pass computes all four (no intermediate arrays).
 */
import { CHUNK, checkPeriod, checkSameLength, firstValueOfAll, nonLeadingNaN, warmupArray } from './indicator-errors';

export interface AdxResult {
  readonly plusDI: Float64Array;
  readonly minusDI: Float64Array;
  readonly dx: Float64Array;
  readonly adx: Float64Array;
}

export function adx(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): AdxResult {
  checkPeriod('period', period);
  const len = checkSameLength({ high, low, close });
  const n = period;
  const start = firstValueOfAll(high, low, close);
  const ready = start + n; // the n-th movement: first DI
  const adxReady = ready + n - 1;
  const plusDI = warmupArray(len, ready);
  const minusDI = warmupArray(len, ready);
  const dxOut = warmupArray(len, ready);
  const adxOut = warmupArray(len, adxReady);
  const result = { plusDI, minusDI, dx: dxOut, adx: adxOut };
  if (start >= len) return result;
  // State carried from chunk to chunk: previous high, low, close; Wilder sums of tr, +DM, -DM; ADX.
  const state = Float64Array.of(high[start], low[start], close[start], 0, 0, 0, 0);
  for (let from = start + 1; from < len; from += CHUNK) {
    adxChunk(high, low, close, result, state, from, Math.min(len, from + CHUNK), ready, adxReady, n);
  }
  return result;
}

/**
 * Bars [from, to) of the one pass. The pass runs in chunks so this function is called many
 * times per series: V8 then optimizes it as a whole instead of only through on-stack replacement
 * of one long loop, which it may throw away and not redo for many calls (measured: a 1,000,000
 * bar ADX sometimes took 6x as long).
 */
function adxChunk(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  out: AdxResult,
  state: Float64Array,
  from: number,
  to: number,
  ready: number,
  adxReady: number,
  n: number,
): void {
  const { plusDI, minusDI, dx: dxOut, adx: adxOut } = out;
  const decay = (n - 1) / n;
  const k = 1 / n;
  const k1 = 1 - k;
  let prevHigh = state[0];
  let prevLow = state[1];
  let prevClose = state[2];
  let sTr = state[3];
  let sPlus = state[4];
  let sMinus = state[5];
  let a = state[6];
  for (let i = from; i < to; i++) {
    const h = high[i];
    const l = low[i];
    const c = close[i];
    if (h !== h) throw nonLeadingNaN('high', i);
    if (l !== l) throw nonLeadingNaN('low', i);
    if (c !== c) throw nonLeadingNaN('close', i);
    const up = h - prevHigh;
    const down = prevLow - l;
    const tr = (h > prevClose ? h : prevClose) - (l < prevClose ? l : prevClose);
    prevHigh = h;
    prevLow = l;
    prevClose = c;
    let pdm = 0;
    let mdm = 0;
    if (up !== down && !(up < 0 && down < 0)) {
      if (up > down) pdm = up;
      else mdm = down;
    }
    if (i < ready) {
      sTr += tr;
      sPlus += pdm;
      sMinus += mdm;
      continue;
    }
    // At `ready` the sums hold the n-1 movements before it: TTR's wilderSum seed.
    sTr = tr + sTr * decay;
    sPlus = pdm + sPlus * decay;
    sMinus = mdm + sMinus * decay;
    const p = (100 * sPlus) / sTr;
    const m = (100 * sMinus) / sTr;
    const dx = (100 * Math.abs(p - m)) / (p + m);
    plusDI[i] = p;
    minusDI[i] = m;
    dxOut[i] = dx;
    if (i < adxReady) {
      a += dx / n;
    } else if (i === adxReady) {
      a += dx / n;
      adxOut[i] = a;
    } else {
      a = dx * k + a * k1;
      adxOut[i] = a;
    }
  }
  state[0] = prevHigh;
  state[1] = prevLow;
  state[2] = prevClose;
  state[3] = sTr;
  state[4] = sPlus;
  state[5] = sMinus;
  state[6] = a;
}
