import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backtestStrategy } from '../../backtesting/core';
import { Xoshiro128 } from '../../quant/random';
import { engleGranger, rollingOls } from '../../quant/stats';
import { createIndicatorContext } from './indicator.context';
import { marketData, type MarketData } from './market-data.types';
import { PAIRS_HEDGE, pairPositions, pairsTrading, type PairsTradingParams } from './pairs-trading.strategy';
import { StrategyParamError } from './strategy-params';
import { getStrategy } from './strategy.registry';
import { computeTargets, strategyParams, targetsAtBar } from './strategy.runner';

const ROOT = join(__dirname, '../../..');

function dowPair(y: string, x: string): MarketData {
  const [head, ...lines] = readFileSync(join(ROOT, 'data/samples/dowjones30_daily.csv'), 'utf8').trim().split(/\r?\n/);
  const names = head.split(',');
  const [iy, ix] = [names.indexOf(y), names.indexOf(x)];
  const cy = new Float64Array(lines.length);
  const cx = new Float64Array(lines.length);
  lines.forEach((l, i) => {
    const cells = l.split(',');
    cy[i] = Number(cells[iy]);
    cx[i] = Number(cells[ix]);
  });
  return marketData([y, x], [{ close: cy }, { close: cx }]);
}

/** x a random walk near 100; y = 10 + 1.5·x + AR(1) noise (φ = 0.9) while `linked(t)`, else an independent walk. */
function synthetic(n: number, seed: number, linked: (t: number) => boolean = () => true): MarketData {
  const rng = Xoshiro128.fromSeed(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let px = 100;
  let s = 0;
  for (let t = 0; t < n; t++) {
    px += rng.nextDouble() - 0.5;
    s = 0.9 * s + (rng.nextDouble() - 0.5);
    x[t] = px;
    y[t] = linked(t) ? 10 + 1.5 * px + s : y[t - 1] + 2 * (rng.nextDouble() - 0.5);
  }
  return marketData(['Y', 'X'], [{ close: y }, { close: x }]);
}

const params = (given: Readonly<Record<string, number>> = {}): PairsTradingParams => strategyParams(pairsTrading, given);
const targets = (data: MarketData, p: PairsTradingParams): Float64Array[] => computeTargets(pairsTrading, p, createIndicatorContext(data));

describe('pairPositions (the z-score state machine)', () => {
  const run = (z: number[], entry = 2, exit = 0.5, stop = 4): number[] => {
    const out = new Float64Array(z.length);
    pairPositions(Float64Array.from(z), entry, exit, stop, out);
    return Array.from(out);
  };

  it('enters beyond ±entryZ, holds, exits inside ±exitZ or through it', () => {
    expect(run([0, 1.9, 2.1, 1.5, 0.6, 0.4, 0])).toEqual([0, 0, -1, -1, -1, 0, 0]);
    expect(run([0, -2.5, -1, -0.49, -3])).toEqual([0, 1, 1, 0, 1]);
    // A short spread whose z jumps through the exit band to the other side is closed, not held.
    expect(run([2.5, -1.2])).toEqual([-1, 0]);
    // Exactly at the entry level is not beyond it; exactly at exitZ exits.
    expect(run([2, 2.01, 0.5])).toEqual([0, -1, 0]);
  });

  it('stops beyond ±stopZ against the position, and re-enters only after z came back inside the entry band', () => {
    expect(run([2.5, 3.9, 4.1, 3, 2.5, 1.9, 2.2, 0.3])).toEqual([-1, -1, 0, 0, 0, 0, -1, 0]);
    expect(run([-2.5, -4.5, -2.1, -1.5, -2.1])).toEqual([1, 0, 0, 0, 1]);
    // Beyond the stop on entry: not entered at all.
    expect(run([4.5, 3])).toEqual([0, -1]);
  });

  it('is flat on a NaN z and starts afresh after it', () => {
    expect(run([2.5, NaN, 1.5, 2.5])).toEqual([-1, 0, 0, -1]);
  });
});

describe('pairs-trading targets', () => {
  it('trades a synthetic cointegrated pair with legs in the hedge ratio, gross exposure 1, and profits before costs', () => {
    const data = synthetic(3000, 4);
    const p = params({ formationWindow: 120, zLookbackMultiple: 3 });
    const [wy, wx] = targets(data, p);
    const beta = rollingOls(data.bars[0].close, data.bars[1].close, 120).hedgeRatio;
    let held = 0;
    for (let t = 0; t < data.length; t++) {
      if (wy[t] === 0) {
        expect(wx[t]).toBe(0);
        continue;
      }
      held++;
      expect(Math.abs(wy[t]) + Math.abs(wx[t])).toBeCloseTo(1, 12);
      const ratio = wx[t] / wy[t];
      expect(ratio).toBeCloseTo((-beta[t] * data.bars[1].close[t]) / data.bars[0].close[t], 10);
    }
    expect(held).toBeGreaterThan(100);
    expect(Array.from(wy.subarray(0, 119)).every((v) => v === 0)).toBe(true); // before the first re-test
    const bt = backtestStrategy(pairsTrading, p, data);
    expect(bt.finalEquityMultiple).toBeGreaterThan(1);
    expect(bt.entries).toBeGreaterThan(10);
  });

  it('closes the pair and stays flat once a re-test finds it no longer cointegrated', () => {
    const data = synthetic(2400, 8, (t) => t < 1200);
    const p = params({ formationWindow: 120, retestEvery: 20 });
    const [wy] = targets(data, p);
    const y = data.bars[0].close;
    const x = data.bars[1].close;
    // Every re-test window entirely after the break: where its p-value > alpha, the 20 bars it governs are flat.
    let failed = 0;
    for (let t = 1200 + 119; t + 20 <= data.length; t += 20) {
      if ((t - 119) % 20 !== 0) continue;
      const eg = engleGranger(y.subarray(t - 119, t + 1), x.subarray(t - 119, t + 1));
      if (eg.pValue > p.alpha) {
        failed++;
        for (let u = t; u < t + 20; u++) expect([u, wy[u]]).toEqual([u, 0]);
      }
    }
    expect(failed).toBeGreaterThan(20);
    expect(wy.subarray(0, 1200).some((v) => v !== 0)).toBe(true);
  });

  it('trades KO/PG on the Dow sample with every hedge method, flat on a NaN price', () => {
    const dow = dowPair('KO', 'PG');
    for (const hedge of [PAIRS_HEDGE.ols, PAIRS_HEDGE.tls, PAIRS_HEDGE.kalman]) {
      const [wy, wx] = targets(dow, params({ hedge, formationWindow: 126, alpha: 0.1 }));
      expect([hedge, wy.some((v) => v !== 0)]).toEqual([hedge, true]);
      for (let t = 0; t < dow.length; t++) if (wy[t] !== 0) expect(Math.abs(wy[t]) + Math.abs(wx[t])).toBeCloseTo(1, 12);
      const bt = backtestStrategy(pairsTrading, params({ hedge, formationWindow: 126, alpha: 0.1 }), dow);
      expect(Number.isFinite(bt.finalEquity)).toBe(true);
    }
    const [wy] = targets(dow, params({ formationWindow: 126, alpha: 0.1 }));
    const t0 = wy.findIndex((v) => v !== 0);
    const gap = marketData(dow.symbols, [{ close: Float64Array.from(dow.bars[0].close, (v, i) => (i === t0 ? NaN : v)) }, dow.bars[1]]);
    const withGap = targets(gap, params({ formationWindow: 126, alpha: 0.1 }));
    expect([withGap[0][t0], withGap[1][t0]]).toEqual([0, 0]);
  });

  it('refuses other than 2 instruments', () => {
    const dow = dowPair('KO', 'PG');
    const three = marketData(['a', 'b', 'c'], [dow.bars[0], dow.bars[1], dow.bars[0]]);
    expect(() => targets(three, params())).toThrow(/exactly 2 instruments/);
  });
});

describe('pairs-trading: one strategy, every mode', () => {
  const dow = dowPair('KO', 'PG');
  const sampled = (n: number): number[] => [0, 59, 60, 61, 200, 777, 1500, 2000, n - 2, n - 1];

  it.each([
    ['rolling OLS', { hedge: PAIRS_HEDGE.ols, formationWindow: 60, retestEvery: 5, alpha: 0.2 }],
    ['rolling TLS', { hedge: PAIRS_HEDGE.tls, formationWindow: 60, retestEvery: 7, alpha: 0.2 }],
    ['Kalman', { hedge: PAIRS_HEDGE.kalman, formationWindow: 60, retestEvery: 5, alpha: 0.2 }],
  ] as const)('parity: vectorized targets equal targetsAtBar (%s)', (_name, given) => {
    const p = params(given);
    const all = targets(dow, p);
    expect(all[0].some((v) => v !== 0)).toBe(true);
    for (const t of sampled(dow.length)) {
      const live = targetsAtBar(pairsTrading, p, dow, t);
      for (let k = 0; k < 2; k++) if (!Object.is(live[k], all[k][t])) throw new Error(`t=${t} k=${k}: bar-by-bar ${live[k]}, vectorized ${all[k][t]}`);
    }
    for (let t = 0; t < 200; t++) {
      const live = targetsAtBar(pairsTrading, p, dow, t);
      expect([t, live[0], live[1]]).toEqual([t, all[0][t], all[1][t]]);
    }
  });

  it('causality: changing bars after t never changes a target at or before t', () => {
    const p = params({ formationWindow: 60, retestEvery: 5, alpha: 0.2, hedge: PAIRS_HEDGE.kalman });
    const all = targets(dow, p);
    for (const t of [59, 60, 300, 1500, dow.length - 2]) {
      const y = Float64Array.from(dow.bars[0].close);
      const x = Float64Array.from(dow.bars[1].close);
      for (let i = t + 1; i < y.length; i++) {
        y[i] = i % 2 ? 10 : 90;
        x[i] = i % 3 ? 50 : 5;
      }
      const other = targets(marketData(dow.symbols, [{ close: y }, { close: x }]), p);
      for (let k = 0; k < 2; k++) expect(Array.from(other[k].subarray(0, t + 1))).toEqual(Array.from(all[k].subarray(0, t + 1)));
    }
  });
});

describe('pairs-trading parameters', () => {
  it('declares its parameters with types, ranges and defaults (2.0 / 0.5 / 4.0)', () => {
    expect(pairsTrading.params.map((s) => [s.name, s.type, s.default])).toEqual([
      ['hedge', 'int', 0],
      ['formationWindow', 'int', 252],
      ['entryZ', 'float', 2],
      ['exitZ', 'float', 0.5],
      ['stopZ', 'float', 4],
      ['zLookbackMultiple', 'float', 1],
      ['minLookback', 'int', 10],
      ['maxLookback', 'int', 252],
      ['retestEvery', 'int', 21],
      ['alpha', 'float', 0.05],
      ['kalmanDelta', 'float', 1e-4],
      ['kalmanVe', 'float', 1e-3],
    ]);
    expect(getStrategy('pairs-trading')).toBe(pairsTrading);
  });

  it('refuses crossed thresholds and lookbacks, and out-of-range values, naming the parameter', () => {
    const err = (given: Readonly<Record<string, number>>): StrategyParamError => {
      try {
        params(given);
      } catch (e) {
        if (e instanceof StrategyParamError) return e;
      }
      throw new Error('no StrategyParamError');
    };
    expect(err({ exitZ: 2 }).param).toBe('exitZ');
    expect(err({ stopZ: 1.5 }).param).toBe('stopZ');
    expect(err({ minLookback: 50, maxLookback: 40 }).param).toBe('maxLookback');
    expect(err({ hedge: 3 }).message).toMatch(/hedge must be in \[0, 2\]/);
    expect(err({ formationWindow: 10 }).param).toBe('formationWindow');
  });
});
