/**
 * `sma-cross`: the reference trend-following strategy. For each instrument, long (target 1.0 of
 * equity) when SMA(fast) > SMA(slow) strictly at the close of bar t, else flat, or short (-1)
 * when `longOnly` is false. Warm-up (either SMA still NaN) is flat. With several instruments,
 * each gets the same rule and 1/K of equity (equal weights), so gross exposure stays <= 1.
 *
 * SMA is R TTR's (src/quant/indicators/sma.indicator.ts): causal, the first value at bar n-1.
 */
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

export const smaCross: Strategy<SmaCrossParams> = {
  name: 'sma-cross',
  description: 'long (or short) while SMA(fast) is above (below) SMA(slow); equal weights across instruments',
  params: PARAMS,
  check(p) {
    if (!(p.fast < p.slow)) throw new StrategyParamError('fast', `fast (${p.fast}) must be less than slow (${p.slow})`);
  },
  targets(ctx: IndicatorContext, p: SmaCrossParams, out: readonly Float64Array[]) {
    const k = out.length;
    for (let i = 0; i < k; i++) crossInto(ctx.sma(i, p.fast), ctx.sma(i, p.slow), out[i], 1 / k, p.longOnly);
  },
};
