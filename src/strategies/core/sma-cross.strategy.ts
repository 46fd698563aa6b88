/**
 * `sma-cross`: the reference trend-following strategy. For each instrument, long (target 1.0 of
 * equity) when SMA(fast) > SMA(slow) strictly at the close of bar t, else flat, or short (-1)
 * when `longOnly` is false. Warm-up (either SMA still NaN) is flat. With several instruments,
 * each gets the same rule and 1/K of equity (equal weights), so gross exposure stays <= 1.
 *
 * SMA is R TTR's (src/quant/indicators/sma.indicator.ts): causal, the first value at bar n-1.
 * With a memoizing context (a sweep) both SMAs come from it; otherwise (a single run) the slow
 * SMA is computed straight into the output and the fast one streamed beside it with the very
 * running sum and resync points of smaInto, so the targets are bit-identical with one
 * full-length array instead of three (the spec compares both paths).
 */
import { firstValue } from '../../quant/indicators/indicator-errors';
import { RESYNC, smaInto } from '../../quant/indicators/sma.indicator';
import type { IndicatorContext } from './indicator.context';
import { StrategyParamError, type ParamSpec } from './strategy-params';
import type { Strategy } from './strategy.types';

export interface SmaCrossParams {
  readonly [key: string]: number | boolean;
  readonly fast: number;
  readonly slow: number;
  readonly longOnly: boolean;
}

const PARAMS: readonly ParamSpec[] = [
  { name: 'fast', type: 'int', min: 1, max: 10_000, default: 10, description: 'fast SMA length (bars), < slow' },
  { name: 'slow', type: 'int', min: 2, max: 10_000, default: 50, description: 'slow SMA length (bars), > fast' },
  { name: 'longOnly', type: 'bool', default: true, description: 'flat instead of short (-1) when SMA(fast) <= SMA(slow)' },
];

/** Targets of one instrument; a plain loop (NaN comparisons are false, so warm-up stays at 0). */
function crossInto(fast: Float64Array, slow: Float64Array, out: Float64Array, weight: number, longOnly: boolean): void {
  const n = out.length;
  const below = longOnly ? 0 : -weight;
  for (let t = 0; t < n; t++) {
    const f = fast[t];
    const s = slow[t];
    // s === s: the slow SMA has left its warm-up (fast, being shorter, has too).
    out[t] = f > s ? weight : s === s ? below : 0;
  }
}

/**
 * One instrument's targets without SMA arrays of their own: `out` first holds SMA(slow)
 * (smaInto, which also refuses a non-leading NaN), then each bar's target is written over it.
 */
function crossStreaming(x: Float64Array, fastN: number, slowN: number, out: Float64Array, weight: number, longOnly: boolean): void {
  const len = x.length;
  const start = firstValue(x);
  const slowReady = start + slowN - 1;
  out.fill(NaN, 0, Math.min(len, slowReady));
  smaInto(x, slowN, start, out, 'close');
  out.fill(0, 0, Math.min(len, slowReady)); // warm-up is flat
  if (slowReady >= len) return;
  const below = longOnly ? 0 : -weight;
  // The fast SMA exactly as smaInto computes it: window sum at its first value, then blocks of
  // RESYNC values from there, the sum recomputed exactly at each block's end.
  const fastReady = start + fastN - 1;
  let sum = 0;
  for (let i = start; i <= fastReady; i++) sum += x[i];
  if (fastReady >= slowReady) out[fastReady] = sum / fastN > out[fastReady] ? weight : below;
  for (let i = fastReady + 1; i < len; i += RESYNC) {
    sum = crossBlock(x, out, i, Math.min(len, i + RESYNC), fastN, sum, slowReady, weight, below);
    const next = i + RESYNC;
    if (next < len) {
      sum = 0;
      for (let j = next - fastN; j < next; j++) sum += x[j];
    }
  }
}

/** Bars [from, to): the fast running sum, and the target where the slow SMA (in out) exists. */
function crossBlock(x: Float64Array, out: Float64Array, from: number, to: number, n: number, sum: number, slowReady: number, weight: number, below: number): number {
  for (let i = from; i < to; i++) {
    sum += x[i] - x[i - n];
    if (i >= slowReady) out[i] = sum / n > out[i] ? weight : below;
  }
  return sum;
}

export const smaCross: Strategy<SmaCrossParams> = {
  name: 'sma-cross',
  description: 'long (or short) while SMA(fast) is above (below) SMA(slow); equal weights across instruments',
  params: PARAMS,
  check(p) {
    if (!(p.fast < p.slow)) throw new StrategyParamError('fast', `fast (${p.fast}) must be less than slow (${p.slow})`);
  },
  targets(ctx: IndicatorContext, p: SmaCrossParams, out: readonly Float64Array[]) {
    const k = out.length;
    for (let i = 0; i < k; i++) {
      if (ctx.memoizing) crossInto(ctx.sma(i, p.fast), ctx.sma(i, p.slow), out[i], 1 / k, p.longOnly);
      else crossStreaming(ctx.close(i), p.fast, p.slow, out[i], 1 / k, p.longOnly);
    }
  },
};
