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
import { checkPeriod, checkSameLength, firstValueOfAll, nonLeadingNaN, warmupArray } from './indicator-errors';

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
  const decay = (n - 1) / n;
  const k = 1 / n;
  const k1 = 1 - k;
  let prevHigh = high[start];
  let prevLow = low[start];
  let prevClose = close[start];
  let sTr = 0;
  let sPlus = 0;
  let sMinus = 0;
  let a = 0;
  for (let i = start + 1; i < len; i++) {
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
  return result;
}
