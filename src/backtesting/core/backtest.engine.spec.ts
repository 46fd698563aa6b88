import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeMetrics } from '../../quant/metrics';
import { createIndicatorContext, marketData, singleSeries, smaCross, strategyParams, truncateMarketData, type MarketData, type SmaCrossParams } from '../../strategies/core';
import { backtestStrategy, runBacktest } from './backtest.engine';
import { BacktestInputError, type BacktestResult, type Trade } from './backtest.types';
import type { CostModel } from './transaction-costs';

const ROOT = join(__dirname, '../../..');

function readCsv(file: string): { header: string[]; columns: Float64Array[] } {
  const [head, ...lines] = readFileSync(join(ROOT, 'data/samples', file), 'utf8').trim().split(/\r?\n/);
  const header = head.split(',');
  const columns = header.map(() => new Float64Array(lines.length));
  lines.forEach((l, i) => l.split(',').forEach((c, j) => (columns[j][i] = Number(c))));
  return { header, columns };
}

const nyseClose = readCsv('nyse_composite_daily.csv').columns[1];

/** Seeded random walk (with a volume series), so specs are repeatable. */
function walk(n: number, seed: number): { close: Float64Array; volume: Float64Array } {
  let s = seed;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  let p = 50;
  for (let i = 0; i < n; i++) {
    p *= 1 + (rnd() - 0.5) * 0.04;
    close[i] = p;
    volume[i] = 1e5 * (0.5 + rnd());
  }
  return { close, volume };
}

/**
 * The sma-cross backtest in the most obvious form: window sums for the SMAs, a target
 * per bar, then r[t] = p[t-1]·(c[t]/c[t-1]-1) - B/1e4·|p[t-1]-p[t-2]|, equity compounding.
 */
function plainSmaCross(close: Float64Array, fast: number, slow: number, longOnly: boolean, costBps: number, capital: number): { equity: number[]; returns: number[]; targets: number[] } {
  const mean = (t: number, n: number): number => {
    if (t < n - 1) return NaN;
    let s = 0;
    for (let i = t - n + 1; i <= t; i++) s += close[i];
    return s / n;
  };
  const targets: number[] = [];
  for (let t = 0; t < close.length; t++) {
    const f = mean(t, fast);
    const s = mean(t, slow);
    targets.push(Number.isNaN(s) ? 0 : f > s ? 1 : longOnly ? 0 : -1);
  }
  const equity = [capital];
  const returns = [NaN];
  for (let t = 1; t < close.length; t++) {
    const held = targets[t - 1];
    const before = t >= 2 ? targets[t - 2] : 0;
    const r = held * (close[t] / close[t - 1] - 1) - (costBps / 1e4) * Math.abs(held - before);
    returns.push(r);
    equity.push(equity[t - 1] * (1 + r));
  }
  return { equity, returns, targets };
}

function expectClose(actual: number, expected: number, rtol: number, what: string): void {
  const rel = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
  if (!(rel <= rtol || actual === expected)) throw new Error(`${what}: got ${actual}, expected ${expected} (relative difference ${rel})`);
}

function smaCrossBacktest(data: MarketData, given: Readonly<Record<string, number | boolean>>, costs: CostModel, extra: { capital?: number; maxGrossLeverage?: number } = {}): BacktestResult {
  return backtestStrategy(smaCross, strategyParams(smaCross, given), data, { costs, ...extra });
}

describe('runBacktest: sma-cross on the NYSE composite', () => {
  it.each([
    [10, 50, true, 10],
    [20, 100, false, 5],
    [5, 30, false, 0],
  ])('fast %d slow %d longOnly %s at %d bps equals a plain-loop implementation', (fast, slow, longOnly, bps) => {
    const res = smaCrossBacktest(singleSeries(nyseClose), { fast, slow, longOnly }, { commissionBps: bps }, { capital: 10_000 });
    const ref = plainSmaCross(nyseClose, fast, slow, longOnly, bps, 10_000);
    const equity = res.equity as Float64Array;
    expect(equity).toHaveLength(ref.equity.length);
    for (let t = 0; t < ref.equity.length; t++) expectClose(equity[t], ref.equity[t], 1e-11, `equity[${t}]`);
    expect(Array.from((res.positions as Float64Array[])[0])).toEqual(ref.targets);
    expectClose(res.finalEquity, ref.equity[ref.equity.length - 1], 1e-11, 'finalEquity');
    expect(res.finalEquityMultiple).toBeCloseTo(res.finalEquity / 10_000, 12);
    // The metrics are computeMetrics of the returns, exposure and turnover as from the held positions.
    const held = new Float64Array(nyseClose.length);
    for (let t = 1; t < held.length; t++) held[t] = ref.targets[t - 1];
    const want = computeMetrics(Float64Array.from(ref.returns), { positions: held });
    for (const [k, v] of Object.entries(want)) {
      const got = res.metrics[k as keyof typeof want];
      if (typeof v === 'number' && !Number.isInteger(v)) expectClose(got as number, v, 1e-9, k);
      else expect({ [k]: got }).toEqual({ [k]: v });
    }
    // Costs: bps on the turnover of each bar, in currency.
    let commission = 0;
    for (let t = 1; t < ref.equity.length; t++) commission += ref.equity[t - 1] * (bps / 1e4) * Math.abs(ref.targets[t - 1] - (t >= 2 ? ref.targets[t - 2] : 0));
    expectClose(res.costs.commission, commission, 1e-10, 'commission');
    expect(res.costs.total).toBe(res.costs.commission);
  });

  it.each(['nyse-sma-cross-10-50-long-only-10bps.json', 'nyse-sma-cross-20-100-long-short-5bps.json'])('matches the numpy reference fixture %s', (name) => {
    interface Fixture {
      params: SmaCrossParams;
      costBps: number;
      capital: number;
      bars: number;
      finalEquity: number;
      entries: number;
      exits: number;
      equityEvery100: number[];
      metrics: Record<string, number>;
    }
    const fx = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/backtest', name), 'utf8')) as Fixture;
    const res = smaCrossBacktest(singleSeries(nyseClose), fx.params, { commissionBps: fx.costBps }, { capital: fx.capital });
    expect(res.bars).toBe(fx.bars);
    expectClose(res.finalEquity, fx.finalEquity, 1e-10, 'finalEquity');
    fx.equityEvery100.forEach((v, i) => expectClose((res.equity as Float64Array)[i * 100], v, 1e-10, `equity[${i * 100}]`));
    expect([res.entries, res.exits]).toEqual([fx.entries, fx.exits]);
    for (const [k, v] of Object.entries(fx.metrics)) expectClose(res.metrics[k as keyof typeof res.metrics] as number, v, 1e-9, k);
  });
});

describe('runBacktest: hand-computed costs, trades and timing', () => {
  // Closes 100, 110, 99, 99; targets long, long, short, flat (decided at each close).
  const data = marketData(['X'], [{ close: Float64Array.of(100, 110, 99, 99) }]);
  const targets = [Float64Array.of(1, 1, -1, 0)];

  it('charges the turnover on the bar the new position is first held, borrow on the short, and splits a reversal', () => {
    const res = runBacktest(data, targets, { capital: 100_000, costs: { commissionBps: 10, borrowRateAnnual: 0.252 } });
    // bar 1: long from flat, delta 1: 0.1 - 0.001; bar 2: -0.1; bar 3: reversal (delta 2) 0.002 + borrow 0.252/252.
    [0.1 - 0.001, 99 / 110 - 1, -0.002 - 0.001].forEach((r, i) => expect((res.returns as Float64Array)[i + 1]).toBeCloseTo(r, 15));
    const e1 = 100_000 * (1 + 0.099);
    const e2 = e1 * (99 / 110);
    const e3 = e2 * (1 - 0.003);
    expect(res.equity?.[3]).toBeCloseTo(e3, 8);
    expect(res.costs.commission).toBeCloseTo(100 + e2 * 0.002, 8);
    expect(res.costs.borrow).toBeCloseTo(e2 * 0.001, 8);
    expect(res.costs.total).toBeCloseTo(100 + e2 * 0.003, 8);
    expect([res.entries, res.exits]).toEqual([2, 1]);
    const [long, short] = res.trades as Trade[];
    expect(long).toMatchObject({ side: 'long', entryIndex: 0, exitIndex: 2, entryPrice: 100, exitPrice: 99, size: 1, holdingBars: 2 });
    // Long: +10% on 100,000, -10% on e1, its entry cost and half of the reversal's cost.
    expect(long.pnl).toBeCloseTo(10_000 - 100 + e1 * (99 / 110 - 1) - e2 * 0.001, 8);
    expect(long.pnlPct).toBeCloseTo(long.pnl / 100_000, 12);
    // Short: still open (not closed at the end), half the reversal's cost and one bar of borrow.
    expect(short).toMatchObject({ side: 'short', entryIndex: 2, exitIndex: null, exitPrice: null, size: -1, holdingBars: 1 });
    expect(short.pnl).toBeCloseTo(-e2 * 0.001 - e2 * 0.001, 8);
    expect(long.pnl + short.pnl).toBeCloseTo(e3 - 100_000, 8);
    [0, 0, e2 / e1 - 1, e3 / e1 - 1].forEach((dd, i) => expect((res.drawdown as Float64Array)[i]).toBeCloseTo(dd, 14));
  });

  it('counts holding bars and P&L of several round trips and ignores the last bar target', () => {
    const close = Float64Array.of(10, 11, 12, 11, 10, 10, 12, 13);
    const res = runBacktest(marketData(['X'], [{ close }]), [Float64Array.of(0, 0.5, 0.5, 0, 0, 1, 1, 1)], { capital: 1000 });
    const trades = res.trades as Trade[];
    expect(trades.map((t) => [t.entryIndex, t.exitIndex, t.holdingBars, t.size])).toEqual([
      [1, 3, 2, 0.5],
      [5, null, 2, 1],
    ]);
    // First: half of equity over 12/11 and 11/12: 1000·(1 + 0.5·(12/11-1))·(1 + 0.5·(11/12-1)) - 1000.
    const e2 = 1000 * (1 + 0.5 * (12 / 11 - 1));
    const e3 = e2 * (1 + 0.5 * (11 / 12 - 1));
    expect(trades[0].pnl).toBeCloseTo(e3 - 1000, 10);
    expect(trades[1].pnl).toBeCloseTo(e3 * (13 / 10) - e3, 10);
    expect(res.finalEquity).toBeCloseTo(e3 * 1.3, 10);
    expect([res.entries, res.exits]).toEqual([2, 1]);
    expect(res.metrics.exposure).toBeCloseTo(4 / 7, 12);
    expect(res.metrics.turnover).toBeCloseTo((0.5 + 0.5 + 1) / 7, 12);
  });

  it('applies every cost item with the trade-bar price, volume and volatility', () => {
    const { close, volume } = walk(60, 7);
    const costs: CostModel = { commissionBps: 1, commissionPerShare: 0.005, commissionMinimum: 1, spreadBps: 4, slippageBps: 2, volatilitySlippage: 0.1, impactCoefficient: 0.5, volatilityWindow: 10 };
    const tg = new Float64Array(60);
    tg.fill(0.8, 30, 45);
    const res = runBacktest(marketData(['X'], [{ close, volume }]), [tg], { capital: 1e6, costs });
    // Entry at close 30, exit at close 45 (the first flat target), equity at those closes from the curve.
    const eq = res.equity as Float64Array;
    const sigmaAt = (d: number): number => {
      const r: number[] = [];
      for (let t = d - 9; t <= d; t++) r.push(close[t] / close[t - 1] - 1);
      const m = r.reduce((a, b) => a + b, 0) / r.length;
      return Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / (r.length - 1));
    };
    let commission = 0;
    let spread = 0;
    let slippage = 0;
    let impact = 0;
    for (const d of [30, 45]) {
      const e = eq[d];
      const shares = (0.8 * e) / close[d];
      commission += 0.8 * e * 1e-4 + Math.max(0.005 * shares, 1);
      spread += 0.8 * e * 2e-4;
      slippage += 0.8 * e * (2e-4 + 0.1 * sigmaAt(d));
      impact += 0.8 * e * 0.5 * sigmaAt(d) * Math.sqrt(shares / volume[d]);
    }
    expect(res.costs.commission).toBeCloseTo(commission, 6);
    expect(res.costs.spread).toBeCloseTo(spread, 6);
    expect(res.costs.slippage).toBeCloseTo(slippage, 6);
    expect(res.costs.impact).toBeCloseTo(impact, 6);
    expect(res.costs.borrow).toBe(0);
    // The equity curve pays them: bar 31 = 0.8·r - cost of entry / equity at 30.
    const entryCost = (0.8 * eq[30] * 1e-4 + Math.max(0.005 * ((0.8 * eq[30]) / close[30]), 1)) / eq[30] + 0.8 * 2e-4 + 0.8 * (2e-4 + 0.1 * sigmaAt(30)) + 0.8 * 0.5 * sigmaAt(30) * Math.sqrt((0.8 * eq[30]) / close[30] / volume[30]);
    expect((res.returns as Float64Array)[31]).toBeCloseTo(0.8 * (close[31] / close[30] - 1) - entryCost, 14);
  });
});

describe('runBacktest: several instruments and the leverage cap', () => {
  const a = walk(200, 1).close;
  const b = walk(200, 2).close;
  const data = marketData(['A', 'B'], [{ close: a }, { close: b }]);

  it('sums weighted returns, scales targets down to maxGrossLeverage and counts turnover per instrument', () => {
    const ta = new Float64Array(200).fill(1.2);
    const tb = new Float64Array(200).fill(-0.6);
    tb.fill(0.6, 100);
    const res = runBacktest(data, [ta, tb], { maxGrossLeverage: 1.5, costs: { commissionBps: 10 } });
    const scale = 1.5 / 1.8;
    const pos = res.positions as Float64Array[];
    expect(pos[0][0]).toBeCloseTo(1.2 * scale, 15);
    expect(pos[1][150]).toBeCloseTo(0.6 * scale, 15);
    let e = 100_000;
    for (let t = 1; t < 200; t++) {
      const wa = 1.2 * scale;
      const wb = (t - 1 >= 100 ? 0.6 : -0.6) * scale;
      let cost = 0;
      if (t === 1) cost = (wa + Math.abs(wb)) * 1e-3;
      if (t === 101) cost = 2 * 0.6 * scale * 1e-3;
      const r = wa * (a[t] / a[t - 1] - 1) + wb * (b[t] / b[t - 1] - 1) - cost;
      expect((res.returns as Float64Array)[t]).toBeCloseTo(r, 14);
      e *= 1 + r;
    }
    expect(res.finalEquity).toBeCloseTo(e, 6);
    expect(res.metrics.turnover).toBeCloseTo((1.8 * scale + 1.2 * scale) / 199, 14);
    // Trades per instrument: A long throughout (open), B short then long (a reversal).
    expect((res.trades as Trade[]).map((t) => [t.symbol, t.side, t.entryIndex, t.exitIndex])).toEqual([
      ['B', 'short', 0, 100],
      ['A', 'long', 0, null],
      ['B', 'long', 100, null],
    ]);
    // Gross under the cap is left alone.
    const free = runBacktest(data, [new Float64Array(200).fill(0.5), new Float64Array(200).fill(0.5)], { maxGrossLeverage: 1.5 });
    expect((free.positions as Float64Array[])[0][10]).toBe(0.5);
  });

  it('runs sma-cross on the Dow Jones 30 with equal weights: the portfolio return is the mean of the one-instrument returns', () => {
    const { header, columns } = readCsv('dowjones30_daily.csv');
    const symbols = header.slice(1);
    const dow = marketData(symbols, columns.slice(1).map((close) => ({ close })));
    const all = smaCrossBacktest(dow, { fast: 10, slow: 40 }, {});
    const singles = symbols.map((_, k) => smaCrossBacktest(marketData([symbols[k]], [dow.bars[k]]), { fast: 10, slow: 40 }, {}));
    for (const t of [1, 50, 500, 1500, dow.length - 1]) {
      const mean = singles.reduce((s, r) => s + (r.returns as Float64Array)[t], 0) / symbols.length;
      expect((all.returns as Float64Array)[t]).toBeCloseTo(mean, 14);
    }
    expect(all.entries).toBe(singles.reduce((s, r) => s + r.entries, 0));
    expect((all.trades as Trade[]).length).toBe(singles.reduce((s, r) => s + (r.trades as Trade[]).length, 0));
    expect((all.positions as Float64Array[])[0][100]).toBeCloseTo((singles[0].positions as Float64Array[])[0][100] / 30, 15);
  });
});

describe('runBacktest: the one-instrument pass', () => {
  it('gives bit-identical results to the general pass (a second, never-traded instrument forces it)', () => {
    const { close, volume } = walk(3000, 5);
    const targets = computeTargetsFor(close);
    const costs: CostModel = { commissionBps: 3, commissionPerShare: 0.002, commissionMinimum: 0.5, spreadBps: 2, slippageBps: 1, volatilitySlippage: 0.05, impactCoefficient: 0.3, borrowRateAnnual: 0.04 };
    const one = runBacktest(marketData(['A'], [{ close, volume }]), [targets], { costs });
    const two = runBacktest(marketData(['A', 'Z'], [{ close, volume }, { close: new Float64Array(3000).fill(1), volume }]), [targets, new Float64Array(3000)], { costs });
    expect(Array.from(two.returns as Float64Array)).toEqual(Array.from(one.returns as Float64Array));
    expect(Array.from(two.equity as Float64Array)).toEqual(Array.from(one.equity as Float64Array));
    expect(two.costs).toEqual(one.costs);
    expect(two.trades).toEqual(one.trades);
    expect(two.metrics).toEqual(one.metrics);
    expect((one.trades as Trade[]).some((t) => t.side === 'short')).toBe(true);
  });
});

/** A long/short target series that changes size as well as side. */
function computeTargetsFor(close: Float64Array): Float64Array {
  const out = new Float64Array(close.length);
  for (let t = 20; t < close.length; t++) out[t] = close[t] > close[t - 20] ? (t % 7 === 0 ? 0.5 : 1) : -0.8;
  return out;
}

describe('runBacktest: causality (no lookahead)', () => {
  const n = 400;
  const base = [walk(n, 11), walk(n, 12)];
  const dataOf = (cs: { close: Float64Array; volume: Float64Array }[]): MarketData => marketData(['A', 'B'], cs.map((c) => ({ close: c.close, volume: c.volume })));
  const costs: CostModel = { commissionBps: 5, commissionPerShare: 0.01, commissionMinimum: 1, spreadBps: 3, slippageBps: 1, volatilitySlippage: 0.2, impactCoefficient: 0.7, borrowRateAnnual: 0.05 };
  const run = (data: MarketData): BacktestResult => smaCrossBacktest(data, { fast: 5, slow: 20, longOnly: false }, costs, { maxGrossLeverage: 0.9 });

  it.each([30, 120, 250, 398])('changing every bar after t = %d changes nothing at or before t', (t) => {
    const full = run(dataOf(base));
    const changed = base.map((c, k) => {
      const close = Float64Array.from(c.close);
      const volume = Float64Array.from(c.volume);
      for (let i = t + 1; i < n; i++) {
        close[i] *= k === 0 ? 1.5 + Math.sin(i) : 0.3;
        volume[i] = 7;
      }
      return { close, volume };
    });
    const other = run(dataOf(changed));
    const prefix = run(truncateMarketData(dataOf(base), t + 1));
    for (const res of [other, prefix]) {
      expect(Array.from((res.equity as Float64Array).subarray(0, t + 1))).toEqual(Array.from((full.equity as Float64Array).subarray(0, t + 1)));
      expect(Array.from((res.returns as Float64Array).subarray(0, t + 1))).toEqual(Array.from((full.returns as Float64Array).subarray(0, t + 1)));
      for (let k = 0; k < 2; k++) expect(Array.from((res.positions as Float64Array[])[k].subarray(0, t + 1))).toEqual(Array.from((full.positions as Float64Array[])[k].subarray(0, t + 1)));
      // Round trips whose exit cost was charged by bar t (exit decided at t-1 or earlier) are the same.
      const done = (r: BacktestResult): Trade[] => (r.trades as Trade[]).filter((x) => x.exitIndex !== null && x.exitIndex < t);
      expect(done(res)).toEqual(done(full));
    }
    // Costs at or before t: the engine keeps totals only, so compare the runs over the first
    // t+1 bars of both data sets (each equals the full run up to t, checked above).
    const otherPrefix = run(truncateMarketData(dataOf(changed), t + 1));
    expect(otherPrefix.costs).toEqual(prefix.costs);
    expect(prefix.costs.total).toBeGreaterThan(0);
    // And the change after t is real: the full runs differ later.
    if (t < 398) expect(other.finalEquity).not.toBe(full.finalEquity);
  });
});

describe('runBacktest: options and refusals', () => {
  const data = singleSeries(nyseClose);
  const params = strategyParams(smaCross, {});

  it('can skip the curves and trades and still computes the same metrics', () => {
    const all = backtestStrategy(smaCross, params, data, { costs: { commissionBps: 3 } });
    const lean = backtestStrategy(smaCross, params, data, { costs: { commissionBps: 3 }, store: { equity: false, drawdown: false, positions: false, trades: false } });
    expect([lean.equity, lean.drawdown, lean.positions, lean.trades]).toEqual([null, null, null, null]);
    expect(lean.metrics).toEqual(all.metrics);
    expect([lean.finalEquity, lean.entries, lean.exits]).toEqual([all.finalEquity, all.entries, all.exits]);
    expect(all.metrics.maxDrawdown).toBeCloseTo(Math.min(...(all.drawdown as Float64Array)), 12);
  });

  it('shares indicators across a parameter sweep through one context', () => {
    const ctx = createIndicatorContext(data);
    for (const fast of [5, 10]) for (const slow of [20, 50]) backtestStrategy(smaCross, strategyParams(smaCross, { fast, slow }), data, { ctx });
    expect(ctx.stats).toEqual({ computed: 4, hits: 4 });
    expect(() => backtestStrategy(smaCross, params, singleSeries(nyseClose.slice(0, 100)), { ctx })).toThrow(BacktestInputError);
  });

  it('refuses misaligned, too short or unusable input', () => {
    expect(() => runBacktest(data, [new Float64Array(5)])).toThrow(/targets for 9311 bars/);
    expect(() => runBacktest(data, [])).toThrow(/0 target series for 1 instruments/);
    expect(() => runBacktest(singleSeries(Float64Array.of(1, 2)), [new Float64Array(2)])).toThrow(/at least 3 bars/);
    expect(() => runBacktest(singleSeries(Float64Array.of(1, 2, 3)), [Float64Array.of(Infinity, 0, 0)])).toThrow(/target at bar 0 is Infinity/);
    expect(() => runBacktest(singleSeries(Float64Array.of(1, NaN, 3)), [Float64Array.of(1, 0, 0)])).toThrow(/held over bar 1, which has no valid close/);
    expect(() => runBacktest(singleSeries(Float64Array.of(NaN, 2, 3)), [Float64Array.of(1, 0, 0)])).toThrow(/bar 0, which has no valid close/);
    expect(() => runBacktest(singleSeries(Float64Array.of(1, 2, 3)), [new Float64Array(3)], { costs: { impactCoefficient: 1 } })).toThrow(/needs volume/);
    expect(() => runBacktest(singleSeries(Float64Array.of(1, 2, 3)), [new Float64Array(3)], { costs: { slippageBps: -1 } })).toThrow(/slippageBps must be/);
    expect(() => runBacktest(singleSeries(Float64Array.of(1, 2, 3)), [new Float64Array(3)], { capital: 0 })).toThrow(/capital/);
    // NaN targets are flat; an unlisted instrument (leading NaN close) may be held flat.
    const res = runBacktest(marketData(['A', 'B'], [{ close: Float64Array.of(NaN, NaN, 3, 4) }, { close: Float64Array.of(1, 2, 3, 4) }]), [Float64Array.of(NaN, 0, 1, 1), Float64Array.of(1, 1, 1, 1)]);
    expect((res.returns as Float64Array)[0]).toBeNaN();
    [1, 0.5, 1 / 3 + 1 / 3].forEach((r, i) => expect((res.returns as Float64Array)[i + 1]).toBeCloseTo(r, 15));
  });
});
