/**
 * Bollinger Bands and %B.
 *
 * Convention: R TTR `BBands(x, n=20, sd=2)` (maType "SMA"): middle = SMA(x, n); the deviation is
 * the POPULATION standard deviation of the same n values (TTR `runSD(x, n, sample=FALSE)`,
 * divisor n); lower/upper = middle -/+ stddev * deviation; percentB = (x - lower) / (upper - lower)
 * (a window of equal values gives 0/0 = NaN, as TTR). For TTR's HLC form pass (high+low+close)/3.
 * Warm-up: NaN before the n-th value. Leading NaN in `x` is skipped; a NaN after the first value
 * throws IndicatorInputError.
 * One pass: a running mean and a running sum of squared deviations updated as a value enters
 * and one leaves (Welford's update, stable where sum(x^2) - n*mean^2 would cancel); both are
 * recomputed over the window every RESYNC values so rounding cannot drift.
 */
import { checkNonNegative, checkPeriod, firstValue, nonLeadingNaN, warmupArray } from './indicator-errors';
import { RESYNC } from './sma.indicator';

export interface BbandsParams {
  readonly period?: number;
  /** Width of the bands in standard deviations. Default 2. */
  readonly stddev?: number;
}

export interface BbandsResult {
  readonly lower: Float64Array;
  readonly middle: Float64Array;
  readonly upper: Float64Array;
  readonly percentB: Float64Array;
}

export function bbands(values: Float64Array, params: BbandsParams = {}): BbandsResult {
  const n = params.period ?? 20;
  const width = params.stddev ?? 2;
  checkPeriod('period', n);
  checkNonNegative('stddev', width);
  const x = values;
  const len = x.length;
  const start = firstValue(x);
  const ready = start + n - 1;
  const lower = warmupArray(len, ready);
  const middle = warmupArray(len, ready);
  const upper = warmupArray(len, ready);
  const percentB = warmupArray(len, ready);
  const result = { lower, middle, upper, percentB };
  // Warm-up: Welford's running mean and squared deviations of the first n - 1 values.
  let mean = 0;
  let m2 = 0;
  const end = Math.min(ready, len);
  for (let i = start; i < end; i++) {
    const v = x[i];
    if (v !== v) throw nonLeadingNaN('values', i);
    const d = v - mean;
    mean += d / (i - start + 1);
    m2 += d * (v - mean);
  }
  if (ready >= len) return result;
  {
    const v = x[ready];
    if (v !== v) throw nonLeadingNaN('values', ready);
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
  }
  const state = Float64Array.of(mean, m2);
  bbandsChunk(x, result, state, ready, ready + 1, n, width, false);
  for (let i = ready + 1; i < len; i += RESYNC) {
    if (i > ready + 1) {
      // Exact mean and squared deviations of the window before i, so rounding cannot drift.
      let s = 0;
      for (let j = i - n; j < i; j++) s += x[j];
      const exactMean = s / n;
      let exactM2 = 0;
      for (let j = i - n; j < i; j++) exactM2 += (x[j] - exactMean) * (x[j] - exactMean);
      state[0] = exactMean;
      state[1] = exactM2;
    }
    bbandsChunk(x, result, state, i, Math.min(len, i + RESYNC), n, width, true);
  }
  return result;
}

/**
 * Values [from, to) (a function called per chunk: see CHUNK in indicator-errors.ts). `state` holds
 * the mean and squared deviations of the window before `from`, or with `slide` false of the window
 * ending at `from` (the n-th value, whose bands only are written).
 */
function bbandsChunk(x: Float64Array, out: BbandsResult, state: Float64Array, from: number, to: number, n: number, width: number, slide: boolean): void {
  const { lower, middle, upper, percentB } = out;
  let mean = state[0];
  let m2 = state[1];
  for (let i = from; i < to; i++) {
    const v = x[i];
    if (v !== v) throw nonLeadingNaN('values', i);
    if (slide) {
      // One value in, one out: mean' = mean + (v - old)/n; M2' = M2 + (v - old)(v - mean' + old - mean).
      const old = x[i - n];
      const prevMean = mean;
      mean += (v - old) / n;
      m2 += (v - old) * (v - mean + old - prevMean);
      if (m2 < 0) m2 = 0;
    }
    const band = width * Math.sqrt(m2 / n);
    const lo = mean - band;
    const hi = mean + band;
    middle[i] = mean;
    lower[i] = lo;
    upper[i] = hi;
    percentB[i] = (v - lo) / (hi - lo);
  }
  state[0] = mean;
  state[1] = m2;
}
