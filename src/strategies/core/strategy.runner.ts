/**
 * Running a strategy: parameter resolution, the vectorized targets and the bar-by-bar call the
 * live/paper runner makes (the same code on truncated data, see strategy.types.ts).
 */
import { createIndicatorContext, type IndicatorContext } from './indicator.context';
import { truncateMarketData, type MarketData } from './market-data.types';
import { resolveParams, type ParamValue, type StrategyParams } from './strategy-params';
import type { Strategy } from './strategy.types';

/** Declared defaults overlaid with `given`, each checked against its ParamSpec, then the strategy's own check. */
export function strategyParams<P extends StrategyParams>(strategy: Strategy<P>, given: Readonly<Record<string, ParamValue>> = {}): P {
  const p = resolveParams(strategy.params, given) as P;
  strategy.check?.(p);
  return p;
}

/**
 * Targets of every instrument for every bar (out[k][t]: decided at the close of t). Pass one
 * `ctx` to many calls over the same data (a sweep) to share indicators.
 */
export function computeTargets<P extends StrategyParams>(strategy: Strategy<P>, params: P, ctx: IndicatorContext): Float64Array[] {
  const out = ctx.data.bars.map(() => new Float64Array(ctx.data.length));
  strategy.targets(ctx, params, out);
  return out;
}

/**
 * The targets at bar t as a live runner computes them when bar t has just closed: the strategy
 * over the data truncated to t+1 bars (a fresh context: nothing of the future is cached), last
 * row. O(t) per call; the parity spec checks it equals computeTargets(...)[k][t].
 */
export function targetsAtBar<P extends StrategyParams>(strategy: Strategy<P>, params: P, data: MarketData, t: number): Float64Array {
  const seen = truncateMarketData(data, t + 1);
  const all = computeTargets(strategy, params, createIndicatorContext(seen));
  return Float64Array.from(all, (a) => a[t]);
}
