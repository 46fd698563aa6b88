/**
 * The memoizing indicator context strategies get their indicators from.
 *
 * Why: a parameter sweep (the optimizer) runs one strategy many times over the same data. With
 * `ctx.sma(k, 20)` returning the same Float64Array for the same instrument and period, a grid
 * of fast x slow SMA lengths computes each distinct SMA once, not once per grid point (vectorbt's
 * lesson: cache shared work across the grid). Create one context per MarketData and pass it to
 * every run of the sweep; a single backtest simply uses a fresh one.
 *
 * The arrays returned are shared: strategies must treat them as read-only. Indicators are those
 * of src/quant/indicators (TTR conventions); every one is causal (value at t uses bars 0..t).
 *
 * A context made with `{ memoize: false }` (what a single backtest uses) keeps nothing: it
 * tells strategies so (`memoizing`), and a strategy may then compute its targets with fewer
 * full-length arrays (sma-cross streams its fast SMA), provided the targets are bit-identical
 * to the memoized path's (its spec proves it). That keeps a 10M-bar backtest's memory down.
 */
import { ema, sma } from '../../quant/indicators';
import type { MarketData } from './market-data.types';

export interface IndicatorContext {
  readonly data: MarketData;
  /** Whether series are kept for reuse (a sweep) or not (a single run). */
  readonly memoizing: boolean;
  /** Closes of instrument `k`. */
  close(k: number): Float64Array;
  /** TTR SMA(close of instrument k, period), computed once per (k, period). */
  sma(k: number, period: number): Float64Array;
  /** TTR EMA(close of instrument k, period), computed once per (k, period). */
  ema(k: number, period: number): Float64Array;
  /** Any other derived series, computed once per key (the key must identify the computation). */
  memo(key: string, compute: () => Float64Array): Float64Array;
  /** How many series were computed (cache misses) and served from the cache (hits). */
  readonly stats: { readonly computed: number; readonly hits: number };
}

export function createIndicatorContext(data: MarketData, options: { readonly memoize?: boolean } = {}): IndicatorContext {
  const memoizing = options.memoize ?? true;
  const cache = new Map<string, Float64Array>();
  const stats = { computed: 0, hits: 0 };
  const memo = (key: string, compute: () => Float64Array): Float64Array => {
    if (!memoizing) {
      stats.computed++;
      return compute();
    }
    const hit = cache.get(key);
    if (hit !== undefined) {
      stats.hits++;
      return hit;
    }
    const v = compute();
    stats.computed++;
    cache.set(key, v);
    return v;
  };
  return {
    data,
    memoizing,
    stats,
    memo,
    close: (k) => data.bars[k].close,
    sma: (k, period) => memo(`sma:${k}:${period}`, () => sma(data.bars[k].close, period)),
    ema: (k, period) => memo(`ema:${k}:${period}`, () => ema(data.bars[k].close, period)),
  };
}
