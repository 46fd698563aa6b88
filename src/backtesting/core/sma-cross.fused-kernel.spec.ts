/**
 * The fused sma-cross kernel (sma-cross.fused-kernel.ts) against the generic path (the
 * strategy's targets -> runBacktest -> computeMetrics): bit for bit on every number of the
 * result (metrics, costs, curves, returns, positions, trades), on random walks longer than the
 * SMAs' resync blocks, the sample data, NaN warm-up, costs on and off, long-only and long/short,
 * every `store` choice; the same errors; and backtestPath's choice of the path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IndicatorInputError } from '../../quant/indicators/indicator-errors';
import { createIndicatorContext, computeTargets, marketData, singleSeries, smaCross, strategyParams, type MarketData, type SmaCrossParams, type Strategy } from '../../strategies/core';
import { backtestPath, backtestStrategy, runBacktest } from './backtest.engine';
import { BacktestInputError, type BacktestOptions, type BacktestResult } from './backtest.types';
import { CostModelError, type CostModel } from './transaction-costs';

const ROOT = join(__dirname, '../../..');

function column(file: string, name: string): Float64Array {
  const [head, ...lines] = readFileSync(join(ROOT, 'data/samples', file), 'utf8').trim().split(/\r?\n/);
  const j = head.split(',').indexOf(name);
  expect(j).toBeGreaterThan(0);
  return Float64Array.from(lines, (l) => {
    const c = l.split(',')[j];
    return c === '' ? NaN : Number(c);
  });
}

/** A seeded geometric random walk (LCG), `vol` the per-bar step. */
function walk(n: number, seed: number, vol = 0.02): Float64Array {
  let s = seed;
  const out = new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    p *= 1 + (s / 2147483648 - 0.5) * vol;
    out[i] = p;
  }
  return out;
}

/** The generic path for the same run: the targets from a non-memoizing context, then runBacktest. */
function generic(data: MarketData, p: SmaCrossParams, options: BacktestOptions): BacktestResult {
  return runBacktest(data, computeTargets(smaCross, p, createIndicatorContext(data, { memoize: false })), options);
}

function bits(a: Float64Array | null): string | null {
  return a === null ? null : Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** Every field equal bit for bit (toEqual tells +0 from -0 and NaN equals NaN; arrays by their bytes). */
function expectIdentical(actual: BacktestResult, expected: BacktestResult): void {
  expect(bits(actual.returns)).toBe(bits(expected.returns));
  expect(bits(actual.equity)).toBe(bits(expected.equity));
  expect(bits(actual.drawdown)).toBe(bits(expected.drawdown));
  expect(actual.positions === null ? null : actual.positions.map(bits)).toEqual(expected.positions === null ? null : expected.positions.map(bits));
  expect(actual.metrics).toEqual(expected.metrics);
  expect(Object.keys(actual.metrics)).toEqual(Object.keys(expected.metrics));
  expect(actual.costs).toEqual(expected.costs);
  expect(actual.trades).toEqual(expected.trades);
  const scalars = (r: BacktestResult): unknown[] => [r.bars, r.symbols, r.capital, r.finalEquity, r.finalEquityMultiple, r.entries, r.exits];
  expect(scalars(actual)).toEqual(scalars(expected));
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
}

const COSTS: Record<string, CostModel | undefined> = {
  none: undefined,
  commission: { commissionBps: 10 },
  all: { commissionBps: 5, commissionPerShare: 0.005, commissionMinimum: 1, spreadBps: 3, slippageBps: 2, volatilitySlippage: 0.1, borrowRateAnnual: 0.03 },
  impact: { commissionBps: 2, impactCoefficient: 0.5, volatilityWindow: 10 },
};

describe('sma-cross fused kernel = generic path, bit for bit', () => {
  const withVolume = (close: Float64Array): MarketData => marketData(['close'], [{ close, volume: Float64Array.from(close, (_, i) => 1e6 + ((i * 7919) % 1000) * 1e3) }]);
  const series: Array<[string, MarketData]> = [
    // Longer than 2 x RESYNC (8192): the sums are resynced inside the run, and the blocks cross.
    ['random walk 30,000 bars', withVolume(walk(30_000, 12345))],
    ['random walk 20,000 bars, small steps', withVolume(walk(20_000, 987, 0.002))],
    ['NYSE composite daily', withVolume(column('nyse_composite_daily.csv', 'close'))],
    ['USD/CHF 30 min', withVolume(column('usdchf_30min.csv', 'close'))],
    ['Dow Jones 30: MSFT', withVolume(column('dowjones30_daily.csv', 'MSFT'))],
    // Integer prices held flat for stretches: exact SMA ties (the strict > decides them).
    ['integer prices with flat stretches', withVolume(Float64Array.from({ length: 15_000 }, (_, i) => 100 + (Math.floor(i / 60) % 7) - (Math.floor(i / 25) % 3)))],
    ['NaN warm-up: 123 leading NaNs', withVolume(Float64Array.from(walk(9000, 4242), (v, i) => (i < 123 ? NaN : v)))],
  ];
  const combos: Array<[number, number]> = [
    [10, 50],
    [3, 200],
    [20, 21],
  ];
  for (const [name, data] of series) {
    for (const [costName, costs] of Object.entries(COSTS)) {
      for (const longOnly of [true, false]) {
        it(`${name}, costs ${costName}, ${longOnly ? 'long-only' : 'long/short'}`, () => {
          for (const [fast, slow] of combos) {
            const p = strategyParams(smaCross, { fast, slow, longOnly });
            const options: BacktestOptions = { costs, capital: 250_000, periodsPerYear: 252 };
            expect(backtestPath(smaCross, p, data, options)).toBe('sma-cross-fused');
            const fused = backtestStrategy(smaCross, p, data, options);
            expectIdentical(fused, generic(data, p, options));
            // And against backtestStrategy's generic path (a memoizing context).
            expectIdentical(fused, backtestStrategy(smaCross, p, data, { ...options, ctx: createIndicatorContext(data) }));
          }
        });
      }
    }
  }

  it('every store choice, and trades materialized only when read', () => {
    const data = withVolume(walk(12_000, 31337));
    const p = strategyParams(smaCross, { fast: 5, slow: 30, longOnly: false });
    for (let mask = 0; mask < 16; mask++) {
      const store = { equity: (mask & 1) !== 0, drawdown: (mask & 2) !== 0, positions: (mask & 4) !== 0, trades: (mask & 8) !== 0 };
      const options: BacktestOptions = { costs: COSTS.all, store };
      const fused = backtestStrategy(smaCross, p, data, options);
      expectIdentical(fused, generic(data, p, options));
      expect(fused.trades === null).toBe(!store.trades);
      if (fused.trades !== null) {
        expect(fused.trades).toBe(fused.trades); // one materialization, kept
        expect(fused.trades.length).toBeGreaterThan(100);
      }
    }
  });

  it('the public JSON is unchanged (spread and JSON.stringify see the trades)', () => {
    const data = singleSeries(walk(5000, 77));
    const p = strategyParams(smaCross, { fast: 10, slow: 50, longOnly: true });
    const options: BacktestOptions = { costs: COSTS.commission };
    const fused = backtestStrategy(smaCross, p, data, options);
    const ref = generic(data, p, options);
    expect(JSON.stringify({ ...fused, returns: null })).toBe(JSON.stringify({ ...ref, returns: null }));
    expect({ ...fused }.trades).toEqual(ref.trades);
  });
});

describe('sma-cross fused kernel: errors as the generic path', () => {
  const p = strategyParams(smaCross, { fast: 3, slow: 10, longOnly: false });
  function errorOf(fn: () => unknown): Error {
    try {
      fn();
    } catch (err) {
      return err as Error;
    }
    throw new Error('expected a throw');
  }
  function expectSameError(data: MarketData, options: BacktestOptions): Error {
    const a = errorOf(() => backtestStrategy(smaCross, p, data, options));
    const b = errorOf(() => generic(data, p, options));
    expect([a.constructor, a.message]).toEqual([b.constructor, b.message]);
    return a;
  }

  it('a non-leading NaN close', () => {
    const close = walk(500, 5);
    close[300] = NaN;
    const err = expectSameError(singleSeries(close), {});
    expect(err).toBeInstanceOf(IndicatorInputError);
    expect(err.message).toContain('close[300]');
  });

  it('a NaN after a bad close: the NaN first, as the targets see it before the engine', () => {
    const close = walk(500, 6);
    close[200] = -1; // a trade or a held bar hits it first in the fused loop
    close[201] = 0;
    close[400] = NaN;
    expect(expectSameError(singleSeries(close), {})).toBeInstanceOf(IndicatorInputError);
  });

  it('an invalid close alone: the engine error', () => {
    const close = walk(500, 7);
    close[200] = Infinity;
    expect(expectSameError(singleSeries(close), {})).toBeInstanceOf(BacktestInputError);
  });

  it('impact without volume > 0, invalid options (generic path)', () => {
    const close = walk(500, 8);
    const data = marketData(['close'], [{ close, volume: new Float64Array(500) }]);
    expect(expectSameError(data, { costs: { impactCoefficient: 1 } }).message).toContain('volume > 0');
    expect(backtestPath(smaCross, p, singleSeries(close), { capital: -1 })).toBe('generic');
    expect(expectSameError(singleSeries(close), { capital: -1 })).toBeInstanceOf(BacktestInputError);
    expect(expectSameError(singleSeries(close), { costs: { commissionBps: -1 } })).toBeInstanceOf(CostModelError);
  });
});

describe('backtestPath', () => {
  const data = singleSeries(walk(1000, 9));
  const p = strategyParams(smaCross, { fast: 10, slow: 50, longOnly: true });

  it('the fused kernel for the registered sma-cross, one instrument, no cap, a non-memoizing context, any costs and store', () => {
    expect(backtestPath(smaCross, p, data)).toBe('sma-cross-fused');
    expect(backtestPath(smaCross, p, data, { ctx: createIndicatorContext(data, { memoize: false }) })).toBe('sma-cross-fused');
    expect(backtestPath(smaCross, p, data, { costs: COSTS.all, store: { trades: false, equity: false } })).toBe('sma-cross-fused');
  });

  it('the generic path otherwise', () => {
    // A sweep's memoizing context shares its SMA arrays.
    expect(backtestPath(smaCross, p, data, { ctx: createIndicatorContext(data) })).toBe('generic');
    expect(backtestPath(smaCross, p, data, { maxGrossLeverage: 2 })).toBe('generic');
    const two = marketData(['a', 'b'], [{ close: walk(1000, 1) }, { close: walk(1000, 2) }]);
    expect(backtestPath(smaCross, p, two)).toBe('generic');
    // Too short for the slow SMA (sma-cross's two-pass form).
    expect(backtestPath(smaCross, p, singleSeries(walk(49, 3)))).toBe('generic');
    expect(backtestPath(smaCross, p, singleSeries(Float64Array.from(walk(100, 3), (v, i) => (i < 60 ? NaN : v))))).toBe('generic');
    // Another strategy object, even one with sma-cross's code.
    const lookalike: Strategy<SmaCrossParams> = { ...smaCross };
    expect(backtestPath(lookalike, p, data)).toBe('generic');
    expect(backtestPath(smaCross, p, data, { periodsPerYear: 0 })).toBe('generic');
  });

  it('the generic fallbacks give the same results as before (short series, cap, two instruments)', () => {
    const short = singleSeries(walk(49, 3));
    expectIdentical(backtestStrategy(smaCross, p, short), generic(short, p, {}));
    expectIdentical(backtestStrategy(smaCross, p, data, { maxGrossLeverage: 0.5 }), generic(data, p, { maxGrossLeverage: 0.5 }));
  });
});
