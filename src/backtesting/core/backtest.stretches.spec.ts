/**
 * The one-instrument pass runs the bars that hold a position (the next target equals the one
 * held) in a tight loop of their own (backtest.engine.ts, runBarsFast). These specs hold it bit
 * for bit to the general pass (a finite leverage cap that never binds forces that pass) on
 * targets made to hit the loop's edges: runs of length 1, -0 beside +0, NaN (flat) inside flat
 * runs, long runs across chunk boundaries, and errors raised inside a run.
 */
import { marketData, type MarketData } from '../../strategies/core';
import { runBacktest } from './backtest.engine';
import { BacktestInputError, type BacktestOptions } from './backtest.types';

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function data(n: number, seed: number): MarketData {
  const rnd = seeded(seed);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  let p = 50;
  for (let i = 0; i < n; i++) {
    p *= 1 + (rnd() - 0.5) * 0.04;
    close[i] = p;
    volume[i] = 1e5 * (0.5 + rnd());
  }
  return marketData(['A'], [{ close, volume }]);
}

/** Runs of random length (1 to maxRun bars) of values drawn from `pool`. */
function runsOf(n: number, pool: readonly number[], maxRun: number, seed: number): Float64Array {
  const rnd = seeded(seed);
  const out = new Float64Array(n);
  for (let t = 0; t < n; ) {
    const v = pool[Math.floor(rnd() * pool.length)];
    const len = 1 + Math.floor(rnd() * maxRun);
    for (let i = 0; i < len && t < n; i++) out[t++] = v;
  }
  return out;
}

const COSTS = { commissionBps: 3, commissionPerShare: 0.002, commissionMinimum: 0.5, spreadBps: 2, slippageBps: 1, volatilitySlippage: 0.05, impactCoefficient: 0.3, borrowRateAnnual: 0.04 };

function expectSameAsGeneral(d: MarketData, targets: Float64Array, options: BacktestOptions = {}): void {
  const fast = runBacktest(d, [targets], { costs: COSTS, ...options });
  const general = runBacktest(d, [targets], { costs: COSTS, ...options, maxGrossLeverage: 1e9 });
  expect(Array.from(fast.returns as Float64Array)).toEqual(Array.from(general.returns as Float64Array));
  for (const key of ['equity', 'drawdown'] as const) expect(Array.from(fast[key] ?? [])).toEqual(Array.from(general[key] ?? []));
  expect(Array.from(fast.positions?.[0] ?? [])).toEqual(Array.from(general.positions?.[0] ?? []));
  expect(fast.trades).toEqual(general.trades);
  expect(fast.costs).toEqual(general.costs);
  expect([fast.finalEquity, fast.entries, fast.exits]).toEqual([general.finalEquity, general.entries, general.exits]);
  expect(fast.metrics).toEqual(general.metrics);
}

describe('runBacktest: the stretches of the one-instrument pass', () => {
  it.each([
    ['short runs of long, short, flat and -0', [1, -1, 0, -0, 0.5, -0.25], 3],
    ['NaN and both zeros inside flat runs', [NaN, 0, -0, NaN, 1], 4],
    ['long runs across chunk boundaries', [1, -1, 0, NaN], 30_000],
  ] as const)('equal the general pass bit for bit (%s)', (_, pool, maxRun) => {
    const d = data(40_000, 9);
    const targets = runsOf(40_000, pool, maxRun, 21);
    expectSameAsGeneral(d, targets);
    expectSameAsGeneral(d, targets, { store: { equity: false, drawdown: false, positions: false } });
    expectSameAsGeneral(d, targets, { store: { trades: false } });
  });

  it('raises the general pass error for a missing close inside a held run', () => {
    const d = data(600, 4);
    d.bars[0].close[400] = NaN;
    const targets = new Float64Array(600).fill(-1);
    const failure = (options: BacktestOptions): unknown => {
      try {
        runBacktest(d, [targets], options);
      } catch (e) {
        return e;
      }
      return null;
    };
    const fast = failure({});
    const general = failure({ maxGrossLeverage: 1e9 });
    expect(fast).toBeInstanceOf(BacktestInputError);
    expect(String(fast)).toBe(String(general));
  });
});
