/**
 * `sma-cross`: the reference trend-following strategy. For each instrument, long (target 1.0 of
 * equity) when SMA(fast) > SMA(slow) strictly at the close of bar t, else flat, or short (-1)
 * when `longOnly` is false. Warm-up (either SMA still NaN) is flat. With several instruments,
 * each gets the same rule and 1/K of equity (equal weights), so gross exposure stays <= 1.
 *
 * SMA is R TTR's (src/quant/indicators/sma.indicator.ts): causal, the first value at bar n-1.
 * With a memoizing context (a sweep) both SMAs come from it; otherwise (a single run) both are
 * streamed side by side in one pass into the output with the very running sums and resync
 * points of smaInto, so the targets are bit-identical with one full-length array instead of
 * three and one pass over the closes instead of three (the spec compares both paths).
 */
import { firstValue, nonLeadingNaN } from '../../quant/indicators/indicator-errors';
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
 * One instrument's targets without SMA arrays of their own, in one pass: both running sums side
 * by side, each with the very arithmetic of smaInto (window sum at its first value, one value in
 * and one out per bar, the sum recomputed exactly at the start of each block of RESYNC values
 * from its first value on; the two SMAs' blocks are offset by slow - fast), so the comparisons
 * are those of SMA(fast) > SMA(slow) on the arrays, bit for bit. smaInto's NaN check (only a
 * leading warm-up) is kept, in the same order. Series too short for the slow SMA take the
 * two-pass path.
 */
function crossStreaming(x: Float64Array, fastN: number, slowN: number, out: Float64Array, weight: number, longOnly: boolean): void {
  const len = x.length;
  const start = firstValue(x);
  const slowReady = start + slowN - 1;
  if (slowReady >= len || !(fastN < slowN)) {
    crossTwoPass(x, fastN, slowN, out, weight, longOnly);
    return;
  }
  const below = longOnly ? 0 : -weight;
  out.fill(0, 0, slowReady); // warm-up is flat
  let sumS = 0;
  for (let i = start; i <= slowReady; i++) {
    const v = x[i];
    if (v !== v) throw nonLeadingNaN('close', i);
    sumS += v;
  }
  // The fast sum up to slowReady, with its own block starts (fastReady + 1 + m·RESYNC).
  const fastReady = start + fastN - 1;
  let sumF = 0;
  for (let i = start; i <= fastReady; i++) sumF += x[i];
  let nextF = fastReady + 1 + RESYNC;
  for (let i = fastReady + 1; i <= slowReady; i++) {
    if (i === nextF) {
      sumF = windowSum(x, i, fastN);
      nextF += RESYNC;
    }
    sumF += x[i] - x[i - fastN];
  }
  out[slowReady] = sumF / fastN > sumS / slowN ? weight : below;
  const sums = new Float64Array(2);
  sums[0] = sumF;
  sums[1] = sumS;
  let nextS = slowReady + 1 + RESYNC;
  for (let i = slowReady + 1; i < len; ) {
    if (i === nextS) {
      sums[1] = windowSum(x, i, slowN);
      nextS += RESYNC;
    }
    if (i === nextF) {
      sums[0] = windowSum(x, i, fastN);
      nextF += RESYNC;
    }
    const to = Math.min(len, nextS, nextF);
    crossBlock(x, out, i, to, fastN, slowN, sums, weight, below);
    i = to;
  }
}

/** x[at - n] + ... + x[at - 1], in that order (smaInto's resync). */
function windowSum(x: Float64Array, at: number, n: number): number {
  let sum = 0;
  for (let j = at - n; j < at; j++) sum += x[j];
  return sum;
}

/**
 * Bars [from, to) of the one pass: sums[0] and sums[1] are the fast and slow running sums (stored
 * every bar, not after the loop: V8 compiles this loop on-stack in its first call, when the code
 * after it has no type feedback yet, and that compiled loop would deoptimize on every exit).
 */
function crossBlock(x: Float64Array, out: Float64Array, from: number, to: number, fastN: number, slowN: number, sums: Float64Array, weight: number, below: number): void {
  let sumF = sums[0];
  let sumS = sums[1];
  for (let i = from; i < to; i++) {
    const v = x[i];
    if (v !== v) throw nonLeadingNaN('close', i);
    sumF += v - x[i - fastN];
    sumS += v - x[i - slowN];
    out[i] = sumF / fastN > sumS / slowN ? weight : below;
    sums[0] = sumF;
    sums[1] = sumS;
  }
}

/**
 * The two-pass form (short series, or fast >= slow): `out` first holds SMA(slow) (smaInto,
 * which also refuses a non-leading NaN), then each bar's target is written over it.
 */
function crossTwoPass(x: Float64Array, fastN: number, slowN: number, out: Float64Array, weight: number, longOnly: boolean): void {
  const len = x.length;
  const start = firstValue(x);
  const slowReady = start + slowN - 1;
  out.fill(NaN, 0, Math.min(len, slowReady));
  smaInto(x, slowN, start, out, 'close');
  out.fill(0, 0, Math.min(len, slowReady)); // warm-up is flat
  if (slowReady >= len) return;
  const below = longOnly ? 0 : -weight;
  const fastReady = start + fastN - 1;
  let sum = 0;
  for (let i = start; i <= fastReady; i++) sum += x[i];
  if (fastReady >= slowReady) out[fastReady] = sum / fastN > out[fastReady] ? weight : below;
  for (let i = fastReady + 1; i < len; i += RESYNC) {
    sum = crossTwoPassBlock(x, out, i, Math.min(len, i + RESYNC), fastN, sum, slowReady, weight, below);
    const next = i + RESYNC;
    if (next < len) sum = windowSum(x, next, fastN);
  }
}

/** Bars [from, to): the fast running sum, and the target where the slow SMA (in out) exists. */
function crossTwoPassBlock(x: Float64Array, out: Float64Array, from: number, to: number, n: number, sum: number, slowReady: number, weight: number, below: number): number {
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
    // The lengths as small integers (| 0; checked integers in range, so the same values): a
    // resolved params object can hold them as heap doubles (its field representation is shared
    // with other parameter sets), and a double length made every x[i - n] of the SMA loops a
    // float-to-index conversion with its check: ~2 of the ~6 ms of 1M bars' targets.
    const fast = p.fast | 0;
    const slow = p.slow | 0;
    for (let i = 0; i < k; i++) {
      if (ctx.memoizing) crossInto(ctx.sma(i, fast), ctx.sma(i, slow), out[i], 1 / k, p.longOnly);
      else crossStreaming(ctx.close(i), fast, slow, out[i], 1 / k, p.longOnly);
    }
  },
};
