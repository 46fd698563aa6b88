import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backtestStrategy } from '../../core/backtest.engine';
import { createIndicatorContext, getStrategy, singleSeries, strategyParams, type MarketData } from '../../../strategies/core';
import { parseGridSpec } from './grid-spec.parser';
import { evaluateChunk, chunkReturns, resolveSweep } from './sweep.evaluator';
import { sweepSpace } from './sweep.space';
import { SWEEP_METRIC_KEYS, type SweepRequest } from './sweep.types';

const NYSE = join(__dirname, '../../../../data/samples/nyse_composite_daily.csv');

function nyse(): MarketData {
  const lines = readFileSync(NYSE, 'utf8').trim().split(/\r?\n/).slice(1);
  return singleSeries(Float64Array.from(lines, (l) => Number(l.split(',')[1])), 'NYSE');
}

/** 1e-9 relative; values within 1e-12 of 0 compare absolutely (a relative difference of ~0 means nothing). */
function close(actual: number | null, expected: number): boolean {
  if (!Number.isFinite(expected)) return actual === null;
  if (actual === null) return false;
  return Math.abs(actual - expected) <= 1e-9 * Math.abs(expected) + 1e-12;
}

describe('sma-cross fused sweep kernel', () => {
  const data = nyse();
  const strategy = getStrategy('sma-cross');
  const cases: { costBps: number; longOnly: boolean }[] = [
    { costBps: 0, longOnly: true },
    { costBps: 10, longOnly: true },
    { costBps: 5, longOnly: false },
    { costBps: 0, longOnly: false },
  ];

  it.each(cases)('equals the generic engine on the NYSE composite (cost %p)', ({ costBps, longOnly }) => {
    const space = sweepSpace(strategy, [parseGridSpec('fast=2:60:7', strategy.params), parseGridSpec('slow=10:250:17', strategy.params)], { longOnly });
    const request: SweepRequest = { strategy: 'sma-cross', space, backtest: { costs: { commissionBps: costBps } } };
    expect(resolveSweep(request, data).kernelRate).toBe(costBps / 1e4);
    const ctx = createIndicatorContext(data);
    const rows = evaluateChunk(request, data, 0, 9 * 15, ctx);
    let compared = 0;
    for (const row of rows) {
      if (row.skipped !== null) {
        expect(Number(row.params.fast)).toBeGreaterThanOrEqual(Number(row.params.slow));
        continue;
      }
      const res = backtestStrategy(strategy, strategyParams(strategy, row.params), data, { costs: { commissionBps: costBps }, store: { equity: false, drawdown: false, positions: false, trades: false } });
      const m = row.metrics;
      if (m === null) throw new Error('an evaluated row has metrics');
      for (const k of SWEEP_METRIC_KEYS) {
        const want = res.metrics[k] as number;
        if (!close(m[k], want)) throw new Error(`${JSON.stringify(row.params)} ${k}: kernel ${m[k]}, engine ${want}`);
      }
      expect(m.trades).toBe(res.entries);
      expect(row.objective).toBe(m.sharpe);
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('equals the engine on a 60,000-bar random walk (runs across many range-table blocks), both modes', () => {
    let seed = 7;
    const prices = new Float64Array(60_000);
    let price = 50;
    for (let i = 0; i < prices.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      price *= 1 + (seed / 2147483648 - 0.499) * 0.03;
      prices[i] = price;
    }
    const walk = singleSeries(prices);
    const space = sweepSpace(strategy, [parseGridSpec('fast=1,7,40', strategy.params), parseGridSpec('slow=60,500,3000', strategy.params), parseGridSpec('longOnly=true,false', strategy.params)]);
    const request: SweepRequest = { strategy: 'sma-cross', space, backtest: { costs: { commissionBps: 3 } } };
    const rows = evaluateChunk(request, walk, 0, 18);
    for (const row of rows) {
      const res = backtestStrategy(strategy, strategyParams(strategy, row.params), walk, { costs: { commissionBps: 3 }, store: { equity: false, drawdown: false, positions: false, trades: false } });
      for (const k of SWEEP_METRIC_KEYS) {
        const want = res.metrics[k] as number;
        if (!close(row.metrics?.[k] ?? null, want)) throw new Error(`${JSON.stringify(row.params)} ${k}: kernel ${row.metrics?.[k]}, engine ${want}`);
      }
      expect(row.metrics?.trades).toBe(res.entries);
    }
  });

  it('equals the engine over a window (costs charged on the window, warm-up before it)', () => {
    const space = sweepSpace(strategy, [parseGridSpec('fast=3,8,21', strategy.params), parseGridSpec('slow=30,55,144', strategy.params), parseGridSpec('longOnly=true,false', strategy.params)]);
    const window = { from: 2000, to: 4500 };
    const request: SweepRequest = { strategy: 'sma-cross', space, backtest: { costs: { commissionBps: 7, spreadBps: 4, slippageBps: 1 } }, window };
    const kernelRows = evaluateChunk(request, data, 0, 18);
    // periodsPerYear is not a summary key's business, but an objective outside the summary forces the engine.
    const engineRows = evaluateChunk({ ...request, objective: 'winRate' }, data, 0, 18);
    expect(resolveSweep({ ...request, objective: 'winRate' }, data).kernelRate).toBeNull();
    for (let i = 0; i < 18; i++) {
      const k = kernelRows[i].metrics;
      const e = engineRows[i].metrics;
      if (k === null || e === null) throw new Error('all rows run');
      for (const key of SWEEP_METRIC_KEYS) {
        if (!close(k[key], e[key] ?? NaN)) throw new Error(`${JSON.stringify(kernelRows[i].params)} ${key}: kernel ${k[key]}, engine ${e[key]}`);
      }
      expect(k.trades).toBe(e.trades);
      expect(k.periods).toBe(2500);
    }
  });

  it('emits the engine\'s per-bar returns', () => {
    const space = sweepSpace(strategy, [parseGridSpec('fast=5,20', strategy.params), parseGridSpec('slow=50,100', strategy.params)], { longOnly: false });
    const request: SweepRequest = { strategy: 'sma-cross', space, backtest: { costs: { commissionBps: 10 } }, window: { from: 1, to: data.length } };
    const out = chunkReturns(request, data, 0, 4);
    expect(out).toHaveLength(4);
    for (const { index, returns } of out) {
      const p = strategyParams(strategy, { fast: index < 2 ? 5 : 20, slow: index % 2 === 0 ? 50 : 100, longOnly: false });
      const res = backtestStrategy(strategy, p, data, { costs: { commissionBps: 10 } });
      for (let t = 1; t < data.length; t++) {
        if (!(Math.abs(returns[t - 1] - (res.returns as Float64Array)[t]) <= 1e-15)) throw new Error(`bar ${t}: ${returns[t - 1]} vs ${(res.returns as Float64Array)[t]}`);
      }
    }
  });

  it('computes each distinct SMA length and each prefix array once for the whole grid', () => {
    const space = sweepSpace(strategy, [parseGridSpec('fast=5:50:5', strategy.params), parseGridSpec('slow=20:200:10', strategy.params)]);
    const ctx = createIndicatorContext(data);
    evaluateChunk({ strategy: 'sma-cross', space }, data, 0, 100, ctx);
    evaluateChunk({ strategy: 'sma-cross', space }, data, 100, 190, ctx);
    // Distinct lengths: fast 5..50 (10) and slow 20..200 (19) share 20, 30, 40, 50: 25 SMAs, their 25 block ranges and 4 kernel tables (per-bar sums and block extremes, block range table, long and short log-wealth).
    const validCombos = space.axes[0].values.flatMap((f) => space.axes[1].values.filter((s) => Number(f) < Number(s))).length;
    expect(ctx.stats.computed).toBe(25 + 25 + 4);
    expect(() => evaluateChunk({ strategy: 'sma-cross', space }, data, 0, 1, createIndicatorContext(data, { memoize: false }))).toThrow('memoizing');
    // Each combination fetches two SMAs and their two block ranges: all hits but the first of
    // each (50 misses); computing a block range fetches its SMA (25 hits); the second chunk
    // finds the 4 kernel tables cached.
    expect(ctx.stats.hits).toBe(4 * validCombos - 50 + 25 + 4);
  });

  it('falls back to the generic engine when the kernel does not fit, with the same numbers', () => {
    const space = sweepSpace(strategy, [parseGridSpec('fast=10,20', strategy.params), parseGridSpec('slow=50,100', strategy.params)]);
    const base: SweepRequest = { strategy: 'sma-cross', space, backtest: { costs: { commissionBps: 10 } } };
    const withBorrow: SweepRequest = { ...base, backtest: { costs: { commissionBps: 10, borrowRateAnnual: 0 }, maxGrossLeverage: 0.5 } };
    expect(resolveSweep(withBorrow, data).kernelRate).toBeNull();
    const rows = evaluateChunk(withBorrow, data, 0, 4);
    for (const row of rows) {
      const res = backtestStrategy(strategy, strategyParams(strategy, row.params), data, { costs: { commissionBps: 10 }, maxGrossLeverage: 0.5 });
      expect(row.metrics?.sharpe).toBe(res.metrics.sharpe);
      expect(row.metrics?.maxDrawdown).toBe(res.metrics.maxDrawdown);
      expect(row.metrics?.trades).toBe(res.entries);
    }
    // Two instruments: sma-cross splits equity, the kernel is single-instrument.
    const two = { length: data.length, symbols: ['A', 'B'], bars: [data.bars[0], { close: data.bars[0].close.map((c, i) => c * (1 + 0.001 * Math.sin(i))) }] };
    expect(resolveSweep(base, two).kernelRate).toBeNull();
    const r2 = evaluateChunk(base, two, 0, 1)[0];
    const res2 = backtestStrategy(strategy, strategyParams(strategy, r2.params), two, { costs: { commissionBps: 10 } });
    expect(r2.metrics?.sharpe).toBe(res2.metrics.sharpe);
  });
});
