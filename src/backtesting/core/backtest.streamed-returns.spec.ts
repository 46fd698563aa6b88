/**
 * store.returns false (backtest.types.ts): the engine keeps no n-sized array of returns, feeds
 * the metrics' main pass chunk by chunk and re-runs itself for the later passes. These specs
 * prove it changes nothing but result.returns: every metric field (Object.is: -0, NaN and the
 * last bit), the trades, the totals and the curves asked for equal those of the default run, on
 * both paths (the fused sma-cross kernel, the generic engine with one instrument and with
 * several under a leverage cap), over series many chunks long; with NaN warm-up, a constant
 * series, returns whose VaR ranks sit in radix buckets too big to collect (the lowerTail
 * fallback, proven to trigger), drawdowns whose peak, trough and recovery fall in different
 * chunks, and returns that are not finite (computeMetrics' NaN dropping and its errors).
 */
import { planRadix, RADIX_BUCKETS, radixBucket, HI_WORD, wordsOf } from '../../quant/metrics/order-statistics';
import { MetricsInputError, type PerformanceMetrics } from '../../quant/metrics';
import { createIndicatorContext, marketData, singleSeries, smaCross, strategyParams } from '../../strategies/core';
import { backtestPath, backtestStrategy, runBacktest } from './backtest.engine';
import { BacktestInputError, storedReturns, type BacktestOptions, type BacktestResult } from './backtest.types';
import type { CostModel } from './transaction-costs';

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** A seeded geometric random walk, `vol` the per-bar step. */
function walk(n: number, seed: number, vol = 0.02): Float64Array {
  const rnd = lcg(seed);
  const out = new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    p *= 1 + (rnd() - 0.5) * vol;
    out[i] = p;
  }
  return out;
}

function bits(a: Float64Array | null): string | null {
  return a === null ? null : Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function expectSameMetrics(actual: PerformanceMetrics, expected: PerformanceMetrics): void {
  const a = actual as unknown as Record<string, unknown>;
  const e = expected as unknown as Record<string, unknown>;
  expect(Object.keys(a)).toEqual(Object.keys(e));
  const differ = Object.keys(e).filter((k) => !Object.is(a[k], e[k]));
  expect(differ.map((k) => `${k}: ${String(a[k])} vs ${String(e[k])}`)).toEqual([]);
}

/** The run without its returns stored equals the default run in everything else. */
function expectSameAsStored(lean: BacktestResult, full: BacktestResult): void {
  expect(lean.returns).toBeNull();
  expect(full.returns).not.toBeNull();
  expectSameMetrics(lean.metrics, full.metrics);
  expect(lean.trades).toEqual(full.trades);
  expect(lean.costs).toEqual(full.costs);
  expect([lean.bars, lean.symbols, lean.capital, lean.finalEquity, lean.finalEquityMultiple, lean.entries, lean.exits]).toEqual([full.bars, full.symbols, full.capital, full.finalEquity, full.finalEquityMultiple, full.entries, full.exits]);
  expect(Object.is(lean.finalEquity, full.finalEquity)).toBe(true);
  expect(bits(lean.equity)).toBe(bits(full.equity));
  expect(bits(lean.drawdown)).toBe(bits(full.drawdown));
  expect(lean.positions === null ? null : lean.positions.map(bits)).toEqual(full.positions === null ? null : full.positions.map(bits));
}

const COSTS: CostModel = { commissionBps: 5, spreadBps: 3, slippageBps: 1, volatilitySlippage: 0.05, borrowRateAnnual: 0.04 };
const STORES: readonly NonNullable<BacktestOptions['store']>[] = [{}, { equity: false, drawdown: false, positions: false }, { equity: false, drawdown: false, positions: false, trades: false }];

/** Both stores of one run: the default (with `store`) and the same with returns off. */
function both(go: (store: BacktestOptions['store']) => BacktestResult, store: NonNullable<BacktestOptions['store']>): void {
  expectSameAsStored(go({ ...store, returns: false }), go(store));
}

/** Whether the VaR/CVaR ranks of these returns take the lowerTail fallback (planRadix gives up). */
function radixGivesUp(returns: Float64Array): boolean {
  const rs = returns.subarray(1);
  const words = wordsOf(rs);
  const counts = new Int32Array(RADIX_BUCKETS);
  for (let i = 0; i < rs.length; i++) counts[radixBucket(words[2 * i + HI_WORD])]++;
  const n = rs.length;
  return planRadix(counts, n, [Math.floor((n - 1) * 0.01), Math.floor((n - 1) * 0.05)]) === null;
}

describe('store.returns false: the fused sma-cross kernel', () => {
  it.each([
    [1, 30_000, { fast: 10, slow: 50, longOnly: false }, COSTS],
    [2, 25_001, { fast: 5, slow: 200, longOnly: true }, { commissionBps: 10 }],
    [3, 40_000, { fast: 20, slow: 100, longOnly: false }, {}],
    [4, 9_000, { fast: 3, slow: 7, longOnly: false }, { commissionPerShare: 0.005, commissionMinimum: 1, borrowRateAnnual: 0.02 }],
  ] as const)('random walk seed %i, %i bars: the same metrics, trades and totals for every store', (seed, n, given, costs) => {
    const data = singleSeries(walk(n, seed));
    const params = strategyParams(smaCross, given);
    expect(backtestPath(smaCross, params, data, { costs })).toBe('sma-cross-fused');
    for (const store of STORES) both((s) => backtestStrategy(smaCross, params, data, { costs, store: s }), store);
  });

  it('with a NaN warm-up longer than a chunk, and a warm-up reaching the last bar', () => {
    const close = walk(20_000, 5);
    close.fill(NaN, 0, 9_000);
    const params = strategyParams(smaCross, { fast: 10, slow: 50, longOnly: false });
    const data = singleSeries(close);
    expect(backtestPath(smaCross, params, data, {})).toBe('sma-cross-fused');
    for (const store of STORES) both((s) => backtestStrategy(smaCross, params, data, { costs: COSTS, store: s }), store);
    // slow - 1 bars after the NaNs: every return is the warm-up's 0 (constant returns, NaN moments).
    const short = singleSeries(walk(9_060, 6).fill(NaN, 0, 9_011));
    const p = strategyParams(smaCross, { fast: 10, slow: 49, longOnly: false });
    expect(backtestPath(smaCross, p, short, {})).toBe('sma-cross-fused');
    both((s) => backtestStrategy(smaCross, p, short, { costs: COSTS, store: s }), {});
  });

  it('on a constant series (every return 0)', () => {
    const data = singleSeries(new Float64Array(20_000).fill(50));
    const params = strategyParams(smaCross, { fast: 10, slow: 50, longOnly: false });
    const lean = backtestStrategy(smaCross, params, data, { store: { returns: false } });
    expect(Number.isNaN(lean.metrics.skew)).toBe(true);
    both((s) => backtestStrategy(smaCross, params, data, { costs: COSTS, store: s }), {});
  });

  it('refuses a result without returns where the returns are needed', () => {
    const data = singleSeries(walk(500, 7));
    const res = backtestStrategy(smaCross, strategyParams(smaCross, {}), data, { store: { returns: false } });
    expect(() => storedReturns(res, 'Monte Carlo')).toThrow(BacktestInputError);
    expect(() => storedReturns(res, 'Monte Carlo')).toThrow('Monte Carlo needs the returns series, which this backtest did not store (store.returns false)');
    const stored = backtestStrategy(smaCross, strategyParams(smaCross, {}), data);
    expect(storedReturns(stored, 'Monte Carlo')).toBe(stored.returns);
  });
});

describe('store.returns false: the generic engine', () => {
  /** Targets in {-1, 0, 0.5, 1} with runs of ~`hold` bars, NaN for the first `warm`. */
  function randomTargets(n: number, seed: number, hold: number, warm = 0, flatShare = 0.3): Float64Array {
    const rnd = lcg(seed);
    const out = new Float64Array(n);
    let w = 0;
    for (let t = 0; t < n; t++) {
      if (rnd() < 1 / hold) w = rnd() < flatShare ? 0 : [-1, 0.5, 1][Math.floor(rnd() * 3)];
      out[t] = t < warm ? NaN : w;
    }
    return out;
  }

  it.each([
    [11, 30_000, 40],
    [12, 17_000, 3],
    [13, 8_300, 400],
  ] as const)('one instrument (seed %i, %i bars, runs of ~%i bars), NaN targets first', (seed, n, hold) => {
    const data = singleSeries(walk(n, seed));
    const targets = [randomTargets(n, seed + 100, hold, 1_000)];
    for (const store of STORES) both((s) => runBacktest(data, targets, { costs: COSTS, store: s }), store);
  });

  it('several instruments under a leverage cap (the general pass)', () => {
    const n = 21_000;
    const data = marketData(
      ['A', 'B', 'C'],
      [1, 2, 3].map((k) => ({ close: walk(n, 20 + k, 0.01 * k) })),
    );
    const targets = [1, 2, 3].map((k) => randomTargets(n, 30 + k, 25 * k, 50 * k));
    for (const store of STORES) both((s) => runBacktest(data, targets, { costs: COSTS, maxGrossLeverage: 1.5, store: s }), store);
  });

  it('backtestStrategy on its own targets with positions stored (the generic path of a memoizing context)', () => {
    const data = singleSeries(walk(20_000, 40));
    const params = strategyParams(smaCross, { fast: 10, slow: 60, longOnly: false });
    const run = (store: BacktestOptions['store']): BacktestResult => backtestStrategy(smaCross, params, data, { ctx: createIndicatorContext(data), costs: COSTS, store });
    expect(backtestPath(smaCross, params, data, { ctx: createIndicatorContext(data) })).toBe('generic');
    both(run, {});
    both(run, { equity: false, drawdown: false, positions: false });
  });

  it('with VaR ranks in radix buckets too big to collect (the lowerTail fallback, on the recomputed returns)', () => {
    // Mostly flat: most returns are exactly 0, so the 5% and/or 1% ranks fall among the zeros.
    const cases: [number, number, number][] = [
      [50_000, 60, 0.95],
      [30_000, 20, 0.96],
      [12_000, 200, 0.97],
    ];
    for (const [n, hold, flat] of cases) {
      const data = singleSeries(walk(n, n));
      const targets = [randomTargets(n, n + 1, hold, 0, flat)];
      const full = runBacktest(data, targets, { costs: COSTS });
      expect(radixGivesUp(full.returns as Float64Array)).toBe(true);
      both((s) => runBacktest(data, targets, { costs: COSTS, store: s }), {});
      both((s) => runBacktest(data, targets, { store: s }), { equity: false, drawdown: false, positions: false, trades: false });
    }
  });

  it('with the max drawdown peak, trough and recovery in different chunks, and one that never recovers', () => {
    // Buy and hold over a crafted path: a shallow drawdown that recovers inside the first chunk,
    // then a deeper one from a peak in chunk 2 to a trough in chunk 3 and back in chunk 4.
    const legs: [number, number][] = [
      [3_000, 150],
      [4_000, 120],
      [6_000, 160],
      [12_000, 170],
      [20_000, 100],
      [33_000, 175],
      [36_000, 160],
    ];
    const path = (ls: [number, number][]): Float64Array => {
      const n = ls[ls.length - 1][0] + 1;
      const out = new Float64Array(n);
      let at = 0;
      let p = 100;
      out[0] = p;
      for (const [to, level] of ls) {
        const step = Math.pow(level / p, 1 / (to - at));
        for (let t = at + 1; t <= to; t++) out[t] = out[t - 1] * step;
        at = to;
        p = level;
      }
      return out;
    };
    for (const close of [path(legs), path(legs.slice(0, 5))]) {
      const data = singleSeries(close);
      const targets = [new Float64Array(close.length).fill(1)];
      const full = runBacktest(data, targets, {});
      expect(full.metrics.maxDrawdown).toBeLessThan(-0.3);
      both((s) => runBacktest(data, targets, { store: s }), {});
    }
  });

  it('with returns that are not finite: a NaN dropped as computeMetrics drops it, an infinity refused the same way', () => {
    const n = 20_000;
    const close = walk(n, 50, 0.001);
    // Bar 12,001 rises 5x; a reversal from -1e308 to 1e308 at bar 12,000's close costs an
    // infinite fraction (turnover 2e308 overflows) and then earns an infinite one: NaN.
    close[12_001] = close[12_000] * 6;
    for (let t = 12_002; t < n; t++) close[t] = close[12_001] * (close[t] / close[12_000]);
    const targets = randomTargets(n, 51, 30);
    targets[11_999] = -1e308;
    targets[12_000] = 1e308;
    targets[12_001] = 0.5;
    const data = singleSeries(close);
    const full = runBacktest(data, [targets], { costs: { commissionBps: 1 } });
    expect(Number.isNaN((full.returns as Float64Array)[12_001])).toBe(true);
    expect(full.metrics.periods).toBe(n - 2);
    both((s) => runBacktest(data, [targets], { costs: { commissionBps: 1 }, store: s }), {});

    // Held from 1e308 over the 5x bar without costs: an infinite return.
    const inf = Float64Array.from(targets);
    inf[11_999] = 1e308;
    const errorOf = (store: BacktestOptions['store']): unknown => {
      try {
        runBacktest(data, [inf], { store });
      } catch (err) {
        return err;
      }
      return null;
    };
    const stored = errorOf({});
    expect(stored).toBeInstanceOf(MetricsInputError);
    const lean = errorOf({ returns: false }) as MetricsInputError;
    expect(lean).toBeInstanceOf(MetricsInputError);
    expect([lean.message, lean.index]).toEqual([(stored as MetricsInputError).message, (stored as MetricsInputError).index]);
    expect(lean.index).toBe(12_001);
  });

  it('reports an engine error the same way', () => {
    const close = walk(20_000, 60);
    close[15_000] = NaN;
    const data = singleSeries(close);
    const targets = [new Float64Array(close.length).fill(1)];
    expect(() => runBacktest(data, targets, { store: { returns: false } })).toThrow(new BacktestInputError('close: a position is held over bar 15000, which has no valid close (NaN)'));
  });
});
