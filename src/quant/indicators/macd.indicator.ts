/**
 * Moving average convergence/divergence (Appel).
 *
 * Convention: R TTR `MACD(x, nFast=12, nSlow=26, nSig=9, percent=FALSE)`: macd = EMA(x, fast) -
 * EMA(x, slow), a price difference. (TTR's own default is percent=TRUE, 100 * (fast/slow - 1);
 * we chose the price difference, as most charting tools show it.) Both EMAs are TTR's (seeded
 * with the SMA of their first n values, k = 2/(n+1)); signal = EMA(macd, signal) seeded with the
 * mean of the first `signal` MACD values; histogram = macd - signal (TTR has no histogram column).
 * Warm-up: macd is NaN before the `slow`-th value, signal and histogram before the
 * (slow + signal - 1)-th. Leading NaN in `x` is skipped; a NaN after the first value throws
 * IndicatorInputError. Requires fast < slow.
 * One pass computes all three (no intermediate arrays).
 */
import { CHUNK, IndicatorParamError, checkPeriod, firstValue, nonLeadingNaN, warmupArray } from './indicator-errors';

export interface MacdParams {
  readonly fast?: number;
  readonly slow?: number;
  readonly signal?: number;
}

export interface MacdResult {
  readonly macd: Float64Array;
  readonly signal: Float64Array;
  readonly histogram: Float64Array;
}

export function macd(values: Float64Array, params: MacdParams = {}): MacdResult {
  const nf = params.fast ?? 12;
  const ns = params.slow ?? 26;
  const ng = params.signal ?? 9;
  checkPeriod('fast', nf);
  checkPeriod('slow', ns);
  checkPeriod('signal', ng);
  if (nf >= ns) throw new IndicatorParamError('fast', `fast (${nf}) must be less than slow (${ns})`);
  const x = values;
  const len = x.length;
  const start = firstValue(x);
  const kf = 2 / (nf + 1);
  const kf1 = 1 - kf;
  const fastReady = start + nf - 1;
  const slowReady = start + ns - 1;
  const sigReady = slowReady + ng - 1;
  const m = warmupArray(len, slowReady);
  const sig = warmupArray(len, sigReady);
  const hist = warmupArray(len, sigReady);
  let ef = 0;
  let es = 0;
  // Seeds: the fast and slow EMAs start as means.
  const seedEnd = Math.min(slowReady, len - 1);
  for (let i = start; i <= seedEnd; i++) {
    const v = x[i];
    if (v !== v) throw nonLeadingNaN('values', i);
    if (i <= fastReady) ef += v / nf;
    else ef = v * kf + ef * kf1;
    es += v / ns;
  }
  if (slowReady >= len) return { macd: m, signal: sig, histogram: hist };
  const d = ef - es;
  m[slowReady] = d;
  const eg = d / ng;
  if (ng === 1) {
    sig[slowReady] = eg;
    hist[slowReady] = d - eg;
  }
  const result = { macd: m, signal: sig, histogram: hist };
  // State carried from chunk to chunk (see CHUNK): fast EMA, slow EMA, signal EMA (or its seed sum).
  const state = Float64Array.of(ef, es, eg);
  for (let i = slowReady + 1; i < len; i += CHUNK) macdChunk(x, result, state, i, Math.min(len, i + CHUNK), sigReady, nf, ns, ng);
  return result;
}

/** Values [from, to) of the pass. */
function macdChunk(x: Float64Array, out: MacdResult, state: Float64Array, from: number, to: number, sigReady: number, nf: number, ns: number, ng: number): void {
  const { macd: m, signal: sig, histogram: hist } = out;
  const kf = 2 / (nf + 1);
  const kf1 = 1 - kf;
  const ks = 2 / (ns + 1);
  const ks1 = 1 - ks;
  const kg = 2 / (ng + 1);
  const kg1 = 1 - kg;
  let ef = state[0];
  let es = state[1];
  let eg = state[2];
  for (let i = from; i < to; i++) {
    const v = x[i];
    if (v !== v) throw nonLeadingNaN('values', i);
    ef = v * kf + ef * kf1;
    es = v * ks + es * ks1;
    const d = ef - es;
    m[i] = d;
    if (i < sigReady) {
      eg += d / ng;
    } else {
      if (i === sigReady) eg += d / ng;
      else eg = d * kg + eg * kg1;
      sig[i] = eg;
      hist[i] = d - eg;
    }
  }
  state[0] = ef;
  state[1] = es;
  state[2] = eg;
}
