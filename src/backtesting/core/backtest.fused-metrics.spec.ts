/**
 * The engine runs computeMetrics' main pass (metrics-pass.ts) chunk by chunk right behind its
 * own loop over the bars, while each chunk is still in cache (one instrument, no leverage cap),
 * and may write the returns over targets it owns
 * (backtestStrategy). These specs prove both change nothing: the metrics equal
 * computeMetrics(returns, { positions }) on real data to 1e-12 relative (in fact bit for bit),
 * for one instrument and for the Dow Jones 30, with costs, long/short, with and without curves.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeMetrics, type PerformanceMetrics } from '../../quant/metrics';
import { createIndicatorContext, computeTargets, marketData, singleSeries, smaCross, strategyParams, type MarketData } from '../../strategies/core';
import { backtestStrategy, runBacktest } from './backtest.engine';
import type { BacktestOptions, BacktestResult } from './backtest.types';
import type { CostModel } from './transaction-costs';

const ROOT = join(__dirname, '../../..');

function readCsv(file: string): { header: string[]; columns: Float64Array[] } {
  const [head, ...lines] = readFileSync(join(ROOT, 'data/samples', file), 'utf8').trim().split(/\r?\n/);
  const header = head.split(',');
  const columns = header.map(() => new Float64Array(lines.length));
  lines.forEach((l, i) => l.split(',').forEach((c, j) => (columns[j][i] = Number(c))));
  return { header, columns };
}

function expectMetricsClose(actual: PerformanceMetrics, expected: PerformanceMetrics, skip: readonly string[] = []): void {
  const a = actual as unknown as Record<string, number | boolean | null>;
  const e = expected as unknown as Record<string, number | boolean | null>;
  expect(Object.keys(a)).toEqual(Object.keys(e));
  for (const key of Object.keys(e)) {
    if (skip.includes(key)) continue;
    const x = a[key];
    const y = e[key];
    if (typeof y !== 'number' || typeof x !== 'number') {
      expect([key, x]).toEqual([key, y]);
      continue;
    }
    if (Number.isNaN(y)) expect([key, x]).toEqual([key, NaN]);
    else if (x !== y) {
      const rel = Math.abs(x - y) / Math.abs(y);
      if (!(rel <= 1e-12)) throw new Error(`${key}: ${x} vs computeMetrics ${y} (relative ${rel})`);
    }
  }
}

/** The position that earned returns[t] is the one decided at t-1 (positions[t-1]). */
function heldPositions(positions: Float64Array): Float64Array {
  const held = new Float64Array(positions.length);
  held[0] = NaN;
  for (let t = 1; t < positions.length; t++) held[t] = positions[t - 1];
  return held;
}

const COSTS: CostModel = { commissionBps: 5, spreadBps: 4, slippageBps: 1, borrowRateAnnual: 0.03 };
const STORES: readonly NonNullable<BacktestOptions['store']>[] = [{}, { equity: false, drawdown: false, positions: false }, { equity: false, drawdown: false, positions: false, trades: false }];

function run(data: MarketData, given: Readonly<Record<string, number | boolean>>, costs: CostModel, store: BacktestOptions['store']): BacktestResult {
  return backtestStrategy(smaCross, strategyParams(smaCross, given), data, { costs, store });
}

describe('runBacktest: metrics fused into the one-instrument pass', () => {
  const nyse = singleSeries(readCsv('nyse_composite_daily.csv').columns[1]);

  it.each([
    ['long/short, costs', { fast: 10, slow: 50, longOnly: false }, COSTS],
    ['long only, bps only', { fast: 5, slow: 30, longOnly: true }, { commissionBps: 10 }],
    ['long/short, no costs', { fast: 20, slow: 100, longOnly: false }, {}],
  ] as const)('equal computeMetrics(returns, { positions }) on the NYSE composite (%s), whatever is stored', (_, given, costs) => {
    const full = run(nyse, given, costs, {});
    const expected = computeMetrics((full.returns as Float64Array), { positions: heldPositions((full.positions as Float64Array[])[0]) });
    expectMetricsClose(full.metrics, expected);
    for (const store of STORES) {
      const r = run(nyse, given, costs, store);
      expectMetricsClose(r.metrics, expected);
      expect(Array.from(r.returns as Float64Array)).toEqual(Array.from(full.returns as Float64Array));
      expect(r.finalEquity).toBe(full.finalEquity);
      expect(r.costs).toEqual(full.costs);
    }
  });

  it('gives runBacktest on the caller targets the same results and leaves those targets as they were', () => {
    const params = strategyParams(smaCross, { fast: 10, slow: 50, longOnly: false });
    const targets = computeTargets(smaCross, params, createIndicatorContext(nyse));
    const copy = Float64Array.from(targets[0]);
    for (const store of STORES) {
      const own = backtestStrategy(smaCross, params, nyse, { costs: COSTS, store });
      const given = runBacktest(nyse, targets, { costs: COSTS, store });
      expect(Array.from(targets[0])).toEqual(Array.from(copy));
      expect(Array.from(given.returns as Float64Array)).toEqual(Array.from(own.returns as Float64Array));
      expect(given.metrics).toEqual(own.metrics);
      expect(given.trades).toEqual(own.trades);
      if (own.positions !== null) expect(Array.from((given.positions as Float64Array[])[0])).toEqual(Array.from(own.positions[0]));
    }
  });

  it('equal computeMetrics on each Dow Jones 30 stock alone, and on the 30 together (general pass)', () => {
    const { header, columns } = readCsv('dowjones30_daily.csv');
    const symbols = header.slice(1);
    const dow = marketData(symbols, columns.slice(1).map((close) => ({ close })));
    const given = { fast: 10, slow: 40, longOnly: false };
    for (const k of [0, 7, 29]) {
      const one = run(marketData([symbols[k]], [dow.bars[k]]), given, COSTS, {});
      expectMetricsClose(one.metrics, computeMetrics((one.returns as Float64Array), { positions: heldPositions((one.positions as Float64Array[])[0]) }));
    }
    const all = run(dow, given, COSTS, {});
    // Exposure and turnover over 30 instruments are not a single positions series: by hand.
    expectMetricsClose(all.metrics, computeMetrics(all.returns as Float64Array), ['exposure', 'turnover', 'annualTurnover']);
    const positions = all.positions as Float64Array[];
    let inMarket = 0;
    let traded = 0;
    for (let t = 1; t < dow.length; t++) {
      let any = false;
      for (const p of positions) {
        if (p[t - 1] !== 0) any = true;
        traded += Math.abs(p[t - 1] - (t >= 2 ? p[t - 2] : 0));
      }
      if (any) inMarket++;
    }
    expect(all.metrics.exposure).toBe(inMarket / (dow.length - 1));
    expect(all.metrics.turnover).toBeCloseTo(traded / (dow.length - 1), 12);
  });
});

describe('computeMetrics: the branch-free sign split', () => {
  it('gives the branchy totals, also for returns so large that 2r overflows', () => {
    const returns = Float64Array.from([NaN, 0.01, -0.02, 0, -0, 1e308, -1.7e308, 0.03]);
    const m = computeMetrics(returns);
    const finite = Array.from(returns).filter((v) => !Number.isNaN(v));
    const gains = finite.filter((v) => v > 0);
    const losses = finite.filter((v) => v < 0);
    expect(m.avgWin).toBe(gains.reduce((s, v) => s + v, 0) / gains.length);
    expect(m.avgLoss).toBe(losses.reduce((s, v) => s + v, 0) / losses.length);
    expect(m.winRate).toBe(gains.length / (gains.length + losses.length));
  });
});
