import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backtestStrategy } from '../../backtesting/core';
import { evaluateChunk } from '../../backtesting/optimization/core';
import { Xoshiro128, normalQuantile } from '../../quant/random';
import { createIndicatorContext } from './indicator.context';
import { marketData, singleSeries, type MarketData } from './market-data.types';
import { BEAR, BULL, SIDEWAYS, regimeProbabilitiesInto } from './regime-labels';
import { attachModelSignal, type ModelSignalSpec } from '../../ml/core/signal';
import { regimeMomentum, regimeMomentumPositionsInto, type RegimeMomentumParams } from './regime-momentum.strategy';
import { StrategyParamError } from './strategy-params';
import { getStrategy, listStrategies } from './strategy.registry';
import { computeTargets, strategyParams, targetsAtBar } from './strategy.runner';

const ROOT = join(__dirname, '../../..');

function sample(file: string): MarketData {
  const [head, ...lines] = readFileSync(join(ROOT, 'data/samples', file), 'utf8').trim().split(/\r?\n/);
  const symbols = head.split(',').slice(1);
  const cols = symbols.map(() => new Float64Array(lines.length));
  lines.forEach((l, i) => l.split(',').slice(1).forEach((c, j) => (cols[j][i] = Number(c))));
  return marketData(symbols, cols.map((close) => ({ close })));
}

function head(data: MarketData, n: number, symbols = data.symbols.length): MarketData {
  return marketData(data.symbols.slice(0, symbols), data.bars.slice(0, symbols).map((b) => ({ close: b.close.slice(0, n) })));
}

const nyse = sample('nyse_composite_daily.csv');
const dow = sample('dowjones30_daily.csv');
const usdchf = sample('usdchf_30min.csv');

/** A small, fast configuration whose refits come every 20 bars (many refit boundaries in a few hundred bars). */
const SMALL = { refitEvery: 20, fitWindow: 150, minFit: 60, rsiPeriod: 10, macdFast: 5, macdSlow: 15, macdSignal: 5, adxPeriod: 7, atrPeriod: 7, cooldown: 3 };

function gaussian(rng: Xoshiro128): number {
  return normalQuantile((rng.nextUint32() + 0.5) / 4294967296);
}

/** Seeded blocks of `block` bars alternating a calm up-trend (+0.15%/bar, sd 0.6%) and a volatile down-trend (-0.2%/bar, sd 2%). */
function twoRegimes(block: number, blocks: number, seed = 42): Float64Array {
  const rng = Xoshiro128.fromSeed(seed);
  const close = new Float64Array(block * blocks);
  let p = 100;
  for (let t = 0; t < close.length; t++) {
    const up = Math.floor(t / block) % 2 === 0;
    const z = gaussian(rng);
    if (t > 0) p *= Math.exp(up ? 0.0015 + 0.006 * z : -0.002 + 0.02 * z);
    close[t] = p;
  }
  return close;
}

function expectSame(a: Float64Array, b: Float64Array, upTo: number, what: string): void {
  for (let t = 0; t <= upTo; t++) if (!Object.is(a[t], b[t])) throw new Error(`${what} t=${t}: ${a[t]} vs ${b[t]}`);
}

describe('regime-momentum parameters', () => {
  it('declares every parameter with a type, a range and a default, and resolves the defaults', () => {
    for (const s of regimeMomentum.params) {
      expect(s.description.length).toBeGreaterThan(0);
      if (s.type !== 'bool') expect(s.min! <= (s.default as number) && (s.default as number) <= s.max!).toBe(true);
    }
    const p = strategyParams(regimeMomentum, {});
    expect([p.states, p.refitEvery, p.fitWindow, p.minFit, p.hmmStarts, p.hmmIterations, p.adxThreshold, p.longOnly]).toEqual([2, 63, 1000, 252, 2, 100, 20, true]);
    expect([p.bullSize, p.sidewaysSize, p.bearSize, p.atrMultipleBull, p.atrMultipleSideways, p.atrMultipleBear]).toEqual([1, 0.5, 0.5, 3, 2, 1.5]);
  });

  it('is registered by name', () => {
    expect(getStrategy('regime-momentum')).toBe(regimeMomentum);
    expect(listStrategies()).toContain(regimeMomentum);
  });

  it('refuses bad combinations and values with StrategyParamError naming the parameter', () => {
    const refused = (given: Record<string, number | boolean>, param: string, message: RegExp): void => {
      let error: unknown;
      try {
        strategyParams(regimeMomentum, given);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StrategyParamError);
      expect((error as StrategyParamError).param).toBe(param);
      expect((error as StrategyParamError).message).toMatch(message);
    };
    refused({ macdFast: 26 }, 'macdFast', /macdFast \(26\) must be less than macdSlow \(26\)/);
    refused({ minFit: 600, fitWindow: 500 }, 'minFit', /at most fitWindow/);
    refused({ states: 3, minFit: 25 }, 'minFit', /at least 10 per state \(30 for 3 states\)/);
    refused({ rsiWeight: 0, macdWeight: 0 }, 'rsiWeight', /must be > 0/);
    refused({ states: 4 }, 'states', /states must be in \[2, 3\]/);
    refused({ refitEvery: 2.5 }, 'refitEvery', /must be an integer/);
    refused({ longOnly: 0 }, 'longOnly', /true or false/);
    refused({ cooldown: 0 }, 'cooldown', /cooldown must be in/);
    refused({ regimes: 2 }, 'regimes', /unknown parameter/);
  });
});

describe('regime-momentum position rule on hand-built inputs', () => {
  const n = 20;
  const params = (given: Record<string, number | boolean> = {}): RegimeMomentumParams => strategyParams(regimeMomentum, { cooldown: 5, ...given });
  /** Inputs of n bars: ATR 1, ADX 30, the given closes, scores and one regime (or a mix). */
  function run(close: number[], score: number | number[], regime: [number, number, number], given: Record<string, number | boolean> = {}, adxValue: number | number[] = 30): number[] {
    const len = close.length;
    const regimes = new Float64Array(3 * len);
    for (let t = 0; t < len; t++) {
      regimes[BULL * len + t] = regime[0];
      regimes[SIDEWAYS * len + t] = regime[1];
      regimes[BEAR * len + t] = regime[2];
    }
    const out = new Float64Array(len);
    regimeMomentumPositionsInto(
      {
        close: Float64Array.from(close),
        atr: new Float64Array(len).fill(1),
        rawScore: Float64Array.from({ length: len }, (_, t) => (Array.isArray(score) ? score[t] : score)),
        adx: Float64Array.from({ length: len }, (_, t) => (Array.isArray(adxValue) ? adxValue[t] : adxValue)),
        regimes,
      },
      params(given),
      1,
      out,
    );
    return Array.from(out);
  }
  const bull: [number, number, number] = [1, 0, 0];
  const sideways: [number, number, number] = [0, 1, 0];
  const bear: [number, number, number] = [0, 0, 1];

  it('bull: long score x bullSize; stopped when the close falls below entry - 3 ATR; re-entered after the cooldown at a new entry', () => {
    // Entry at the close of bar 0 (100): stop 97. Bar 5 (98) holds, bar 6 (96.9) stops.
    // Cooldown 5: bars 7..10 stay flat (score still positive); bar 11 re-enters at 96 (stop 93),
    // bar 12 (93.5) holds, bar 13 (92.9) stops again.
    const close = [100, 101, 102, 103, 104, 98, 96.9, 97, 98, 99, 97, 96, 93.5, 92.9, 95, 95, 95, 95, 95, 96];
    const got = run(close, 0.5, bull);
    expect(got).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0, 0, 0.5, 0.5, 0, 0, 0, 0, 0, 0.5, 0.5]);
  });

  it('re-enters before the cooldown once the score has changed sign', () => {
    const close = [100, 101, 102, 103, 104, 98, 96.9, 97, 98, 99, 97, 96, 96, 96, 96, 96, 96, 96, 96, 96];
    const score = close.map((_, t) => (t === 8 ? -0.1 : 0.5));
    // Bar 8: a negative score lifts the block (and, bull allowing longs only, is flat); bar 9 re-enters.
    expect(run(close, score, bull).slice(5, 12)).toEqual([0.5, 0, 0, 0, 0.5, 0.5, 0.5]);
  });

  it('the stop is wider in bull (3 ATR) than sideways (2 ATR); sideways sizes by sidewaysSize', () => {
    const close = [100, 100, 97.5, 97.5, 97.5, 97.5, 97.5, 97.5, 97.5, 97.5, 97.5, 97.5, 97.5, 97.5, 97.5, 97.5, 97.5, 97.5, 97.5, 97.5];
    expect(run(close, 0.8, bull).slice(0, 4)).toEqual([0.8, 0.8, 0.8, 0.8]);
    expect(run(close, 0.8, sideways).slice(0, 4)).toEqual([0.4, 0.4, 0, 0]);
  });

  it('bear: flat when longOnly; otherwise short score x bearSize, stopped above entry + 1.5 ATR; no long in bear', () => {
    const close = [100, 99, 98, 99.4, 101.6, 101, 100, 99, 98, 97, 96, 95, 94, 93, 92, 91, 90, 89, 88, 87];
    expect(run(close, -0.6, bear).every((v) => v === 0)).toBe(true);
    const short = run(close, -0.6, bear, { longOnly: false });
    // Entry 100, stop 101.5: bar 3 (99.4) holds, bar 4 (101.6) stops; cooldown 5 -> back at bar 9.
    expect(short.slice(0, 10)).toEqual([-0.3, -0.3, -0.3, -0.3, 0, 0, 0, 0, 0, -0.3]);
    expect(run(close, 0.6, bear, { longOnly: false }).every((v) => v === 0)).toBe(true);
  });

  it('trades only while ADX is above the threshold; an ADX exit is not a stop (no cooldown) and re-entry takes a new entry price', () => {
    const close = [100, 100, 100, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95];
    const adxValue = close.map((_, t) => (t === 1 || t === 2 ? 15 : 30));
    const got = run(close, 0.5, bull, {}, adxValue);
    // Flat at bars 1-2 (ADX 15 <= 20), back at bar 3 at 95 (stop 92): no stop afterwards.
    expect(got).toEqual([0.5, 0, 0, ...new Array<number>(17).fill(0.5)]);
  });

  it('probability-weighted regimes mix sizes and stop widths', () => {
    // Half bull, half sideways: size 0.5 x (0.5 x 1 + 0.5 x 0.5) = 0.375, stop 2.5 ATR (97.5).
    const close = [100, 97.6, 97.4, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97, 97];
    expect(run(close, 0.5, [0.5, 0.5, 0]).slice(0, 3)).toEqual([0.375, 0.375, 0]);
  });

  it('a missing close or input is flat and forgets the open position', () => {
    const close = [100, 100, NaN, 96, 96, 92.5, 92.5, 92.5, 92.5, 92.5, 92.5, 92.5, 92.5, 92.5, 92.5, 92.5, 92.5, 92.5, 92.5, 92.5];
    // Entry 100; bar 2 is missing; re-entry at bar 3 at 96 (stop 93); bar 5 (92.5) stops.
    expect(run(close, 0.5, bull).slice(0, 7)).toEqual([0.5, 0.5, 0, 0.5, 0.5, 0, 0]);
    expect(run(close, [NaN, ...new Array<number>(n - 1).fill(0.5)], bull)[0]).toBe(0);
  });
});

describe('regime-momentum on a synthetic two-regime series (seeded)', () => {
  const block = 400;
  const close = twoRegimes(block, 6);
  const data = singleSeries(close);
  const given = { refitEvery: 50, fitWindow: 800, minFit: 200 };
  const p = strategyParams(regimeMomentum, given);
  const regimes = new Float64Array(3 * close.length);
  regimeProbabilitiesInto(close, { states: 2, refitEvery: 50, fitWindow: 800, minFit: 200, starts: p.hmmStarts, maxIterations: p.hmmIterations, seed: p.seed, weighted: false }, regimes);
  const longOnly = computeTargets(regimeMomentum, p, createIndicatorContext(data))[0];
  const longShort = computeTargets(regimeMomentum, strategyParams(regimeMomentum, { ...given, longOnly: false }), createIndicatorContext(data))[0];
  const n = close.length;
  /** Shares of bars (from 30 bars into block b, once the fits have seen both regimes) meeting each test. */
  const shares = (b: number, tests: Record<string, (t: number) => boolean>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [name, test] of Object.entries(tests)) {
      let hits = 0;
      for (let t = b * block + 30; t < (b + 1) * block; t++) if (test(t)) hits++;
      out[name] = hits / (block - 30);
    }
    return out;
  };

  it('labels the calm up-trend bull and the volatile down-trend bear', () => {
    for (const b of [2, 3, 4, 5]) {
      const s = shares(b, { bull: (t) => regimes[BULL * n + t] === 1, bear: (t) => regimes[BEAR * n + t] === 1 });
      if (b % 2 === 0) expect(s.bull).toBeGreaterThan(0.95);
      else expect(s.bear).toBeGreaterThan(0.95);
    }
  });

  it('is long in the up regime and flat (long-only) or short in the down regime', () => {
    for (const b of [2, 3, 4, 5]) {
      const s = shares(b, { long: (t) => longOnly[t] > 0, short: (t) => longOnly[t] < 0, lsLong: (t) => longShort[t] > 0, lsShort: (t) => longShort[t] < 0 });
      if (b % 2 === 0) {
        expect(s.long).toBeGreaterThan(0.5);
        expect([s.short, s.lsShort]).toEqual([0, 0]);
      } else {
        expect(s.long).toBeLessThan(0.02);
        expect(s.short).toBe(0);
        expect(s.lsShort).toBeGreaterThan(0.2);
        expect(s.lsLong).toBeLessThan(0.02);
      }
    }
  });
});

describe('regime-momentum: one strategy, every mode', () => {
  const prefix = head(nyse, 260);

  it('parity at every bar of a prefix with a refit every 20 bars (long/short, weighted)', () => {
    const params = strategyParams(regimeMomentum, { ...SMALL, longOnly: false, probabilityWeighted: true });
    const all = computeTargets(regimeMomentum, params, createIndicatorContext(prefix))[0];
    expect(all.some((v) => v !== 0)).toBe(true);
    for (let t = 0; t < prefix.length; t++) {
      const live = targetsAtBar(regimeMomentum, params, prefix, t)[0];
      if (!Object.is(live, all[t])) throw new Error(`t=${t}: bar-by-bar ${live}, vectorized ${all[t]}`);
    }
  });

  it.each([
    ['NYSE composite, defaults', head(nyse, 2600), {}],
    ['Dow Jones (3 stocks), 3 states', head(dow, 800, 3), { states: 3, refitEvery: 100, fitWindow: 400 }],
    ['USD/CHF 30 min, long/short', head(usdchf, 1500), { longOnly: false, refitEvery: 126, fitWindow: 600 }],
  ] as const)('parity at sampled bars around the refits (%s)', (_name, data, given) => {
    const params = strategyParams(regimeMomentum, given);
    const all = computeTargets(regimeMomentum, params, createIndicatorContext(data));
    const r = params.refitEvery;
    const first = Math.ceil(params.minFit / r) * r;
    const ts = [0, first - 1, first, first + 1, first + r - 1, first + r, 2000, data.length - 1].filter((t) => t < data.length);
    for (const t of ts) {
      const live = targetsAtBar(regimeMomentum, params, data, t);
      for (let k = 0; k < data.bars.length; k++) if (!Object.is(live[k], all[k][t])) throw new Error(`t=${t} k=${k}: bar-by-bar ${live[k]}, vectorized ${all[k][t]}`);
    }
    expect(all.some((a) => a.some((v) => v !== 0))).toBe(true);
  });

  it('causality: changing bars after t never changes a target at or before t, across a refit boundary', () => {
    const data = head(nyse, 1200);
    const params = strategyParams(regimeMomentum, { ...SMALL, refitEvery: 63, fitWindow: 400, minFit: 126, longOnly: false });
    const all = computeTargets(regimeMomentum, params, createIndicatorContext(data))[0];
    for (const t of [125, 126, 127, 188, 189, 190, 700, 1100]) {
      const close = Float64Array.from(data.bars[0].close);
      for (let i = t + 1; i < close.length; i++) close[i] = close[t] * Math.exp(0.002 * (i - t) + 0.03 * Math.sin(i));
      const other = computeTargets(regimeMomentum, params, createIndicatorContext(singleSeries(close)))[0];
      expectSame(other, all, t, `changed after ${t}`);
      expect(Array.from(other.subarray(t + 1))).not.toEqual(Array.from(all.subarray(t + 1)));
    }
  });

  it('close-only data is OHLC with high = low = close (true range |Δclose|); real highs and lows change the stops', () => {
    const data = head(nyse, 1500);
    const close = data.bars[0].close;
    const params = strategyParams(regimeMomentum, { ...SMALL, refitEvery: 63, fitWindow: 400, minFit: 126 });
    const closeOnly = computeTargets(regimeMomentum, params, createIndicatorContext(data))[0];
    const degenerate = computeTargets(regimeMomentum, params, createIndicatorContext(marketData(['x'], [{ close, high: close, low: close }])))[0];
    expectSame(degenerate, closeOnly, close.length - 1, 'high = low = close');
    const high = Float64Array.from(close, (c) => c * 1.01);
    const low = Float64Array.from(close, (c) => c * 0.99);
    const ohlc = computeTargets(regimeMomentum, params, createIndicatorContext(marketData(['x'], [{ close, high, low }])))[0];
    expect(Array.from(ohlc)).not.toEqual(Array.from(closeOnly));
    expect(ohlc.some((v) => v > 0)).toBe(true);
  });

  it('missing prices are flat; leading NaN is a late listing', () => {
    const base = head(nyse, 1500).bars[0].close;
    const close = Float64Array.from(base, (c, t) => (t < 40 || t === 900 || t === 901 ? NaN : c));
    const params = strategyParams(regimeMomentum, { ...SMALL, refitEvery: 63, fitWindow: 400, minFit: 126 });
    const got = computeTargets(regimeMomentum, params, createIndicatorContext(singleSeries(close)))[0];
    expect(got.subarray(0, 40).every((v) => v === 0)).toBe(true);
    expect([got[900], got[901]]).toEqual([0, 0]);
    expect(got.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
    expect(got.subarray(902).some((v) => v > 0)).toBe(true);
  });

  it('a sweep over the momentum parameters fits the regimes once (memoizing context)', () => {
    const data = head(nyse, 1500);
    const ctx = createIndicatorContext(data);
    for (const adxThreshold of [15, 20, 25]) for (const cooldown of [5, 10]) computeTargets(regimeMomentum, strategyParams(regimeMomentum, { refitEvery: 63, fitWindow: 500, adxThreshold, cooldown }), ctx);
    // Regimes, ATR, ADX and the score: computed once, served five times each.
    expect(ctx.stats).toEqual({ computed: 4, hits: 20 });
  });
});

describe('regime-momentum with a model signal (issue 9)', () => {
  // RLS on causal features predicting the next log return; its prediction at t is made at the close of t.
  const SIGNAL: ModelSignalSpec = { kind: 'rls', params: { lambda: 0.99, delta: 1 }, features: ['ret_1', 'ret_5', 'vol_20', 'rsi_14'], label: 'next-return' };
  const plain = head(nyse, 400);
  const data = attachModelSignal(plain, SIGNAL);
  const params = strategyParams(regimeMomentum, { ...SMALL, longOnly: false, signalWeight: 0.5, signalCenter: 0, signalScale: 0.002 });

  it('is off by default: signalWeight 0 gives the same targets with or without a signal', () => {
    const off = strategyParams(regimeMomentum, { ...SMALL, longOnly: false });
    expect(off.signalWeight).toBe(0);
    expectSame(computeTargets(regimeMomentum, off, createIndicatorContext(data))[0], computeTargets(regimeMomentum, off, createIndicatorContext(plain))[0], plain.length - 1, 'signal off');
  });

  it('with signalWeight > 0 the signal changes the targets, and an instrument without one is refused', () => {
    const on = computeTargets(regimeMomentum, params, createIndicatorContext(data))[0];
    const off = computeTargets(regimeMomentum, { ...params, signalWeight: 0 }, createIndicatorContext(data))[0];
    expect(Array.from(on)).not.toEqual(Array.from(off));
    expect(on.some((v) => v !== 0)).toBe(true);
    expect(() => computeTargets(regimeMomentum, params, createIndicatorContext(plain))).toThrow(StrategyParamError);
  });

  it('parity: bar-by-bar on the truncated data (signal truncated with the bars) equals the vectorized run', () => {
    const all = computeTargets(regimeMomentum, params, createIndicatorContext(data))[0];
    for (let t = 0; t < data.length; t += 7) {
      const live = targetsAtBar(regimeMomentum, params, data, t)[0];
      if (!Object.is(live, all[t])) throw new Error(`t=${t}: bar-by-bar ${live}, vectorized ${all[t]}`);
      // A live runner computing the signal on what it has seen gets the same target.
      const seen = attachModelSignal(head(plain, t + 1), SIGNAL);
      const own = computeTargets(regimeMomentum, params, createIndicatorContext(seen))[0][t];
      if (!Object.is(own, all[t])) throw new Error(`t=${t}: live signal ${own}, vectorized ${all[t]}`);
    }
  });

  it('causality: changing bars after t (and so the signal after t) never changes a target at or before t', () => {
    const all = computeTargets(regimeMomentum, params, createIndicatorContext(data))[0];
    for (const t of [80, 150, 260, 390]) {
      const close = Float64Array.from(plain.bars[0].close);
      for (let i = t + 1; i < close.length; i++) close[i] = close[t] * Math.exp(0.002 * (i - t) + 0.03 * Math.sin(i));
      const other = computeTargets(regimeMomentum, params, createIndicatorContext(attachModelSignal(singleSeries(close), SIGNAL)))[0];
      expectSame(other, all, t, `changed after ${t}`);
      expect(Array.from(other.subarray(t + 1))).not.toEqual(Array.from(all.subarray(t + 1)));
    }
  });
});

describe('regime-momentum backtests on real data', () => {
  it('runs through the optimizer\'s generic engine; a combination its check refuses is skipped', () => {
    const data = head(nyse, 2000);
    const ctx = createIndicatorContext(data);
    const space = { axes: [{ name: 'adxThreshold', values: [15, 25] }, { name: 'macdFast', values: [12, 30] }], fixed: { fitWindow: 500 } };
    const rows = evaluateChunk({ strategy: 'regime-momentum', space }, data, 0, 4, ctx);
    expect(rows.map((r) => [r.params.adxThreshold, r.params.macdFast, r.skipped === null])).toEqual([
      [15, 12, true],
      [15, 30, false],
      [25, 12, true],
      [25, 30, false],
    ]);
    expect(rows[1].skipped).toMatch(/macdFast \(30\) must be less than macdSlow \(26\)/);
    for (const r of [rows[0], rows[2]]) expect(Number.isFinite(r.objective)).toBe(true);
    expect(rows[0].objective).not.toBe(rows[2].objective);
  });

  it('runs over the NYSE composite (defaults) with finite metrics', () => {
    const result = backtestStrategy(regimeMomentum, strategyParams(regimeMomentum, {}), nyse);
    const m = result.metrics;
    for (const v of [m.sharpe, m.cagr, m.maxDrawdown, m.annualVolatility, result.finalEquity]) expect(Number.isFinite(v)).toBe(true);
    expect(m.exposure).toBeGreaterThan(0.05);
    expect(m.exposure).toBeLessThan(1);
    expect(result.entries).toBeGreaterThan(10);
  });

  it('runs over the Dow 30 (1/30 of equity each, long/short)', () => {
    const data = head(dow, 1000);
    const result = backtestStrategy(regimeMomentum, strategyParams(regimeMomentum, { longOnly: false, fitWindow: 500 }), data);
    const positions = result.positions ?? [];
    expect(positions).toHaveLength(30);
    expect(positions.every((a) => a.every((v) => Math.abs(v) <= 1 / 30 + 1e-15))).toBe(true);
    expect(positions.some((a) => a.some((v) => v < 0)) && positions.some((a) => a.some((v) => v > 0))).toBe(true);
    expect(Number.isFinite(result.metrics.sharpe) && Number.isFinite(result.finalEquity)).toBe(true);
  });
});
