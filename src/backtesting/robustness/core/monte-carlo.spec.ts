import { computeMetrics } from '../../../quant/metrics';
import { Xoshiro128 } from '../../../quant/random';
import {
  RobustnessInputError,
  percentileRank,
  stationaryBootstrap,
  stationaryBootstrapIndices,
  defaultMeanBlockLength,
  summarizeDistribution,
  tradeReshuffle,
  type MonteCarloResult,
} from './index';

/** A reproducible fat-tailed daily-like series (Student-ish: normal over a random scale). */
function syntheticReturns(n: number, seed: number): Float64Array {
  const g = Xoshiro128.fromSeed(seed);
  return Float64Array.from({ length: n }, () => 0.0004 + 0.01 * g.nextNormal() * (g.nextDouble() < 0.1 ? 3 : 1));
}

function relDiff(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);
}

function expectError(fn: () => unknown, field: string, problem: string, index?: number): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(RobustnessInputError);
  const e = caught as RobustnessInputError;
  expect({ field: e.field, problem: e.problem, index: e.index }).toEqual({ field, problem, index });
}

describe('stationary bootstrap (Politis & Romano 1994)', () => {
  const returns = syntheticReturns(1500, 1);

  it('is deterministic for a seed and changes with the seed', () => {
    const a = stationaryBootstrap(returns, { runs: 200, seed: 7, meanBlockLength: 10 });
    const b = stationaryBootstrap(returns, { runs: 200, seed: 7n, meanBlockLength: 10 });
    const c = stationaryBootstrap(returns, { runs: 200, seed: 8, meanBlockLength: 10 });
    expect(Array.from(a.finalEquity.samples)).toEqual(Array.from(b.finalEquity.samples));
    expect(Array.from(a.maxDrawdown.samples)).toEqual(Array.from(b.maxDrawdown.samples));
    expect(Array.from(a.sharpe.samples)).toEqual(Array.from(b.sharpe.samples));
    expect(Array.from(c.finalEquity.samples)).not.toEqual(Array.from(a.finalEquity.samples));
    expect(a.seed).toBe('7');
  });

  it('blocks have mean length close to L, wrap circularly, and indices stay in range', () => {
    const n = 50000;
    const out = new Int32Array(n);
    for (const L of [1, 5, 25]) {
      const g = Xoshiro128.fromSeed(L);
      let blocks = 0;
      let breaks = 0;
      let inRange = true;
      const draws = 20;
      for (let d = 0; d < draws; d++) {
        blocks += stationaryBootstrapIndices(n, L, g, out);
        for (let i = 0; i < n; i++) {
          inRange &&= out[i] >= 0 && out[i] < n;
          if (i > 0 && out[i] !== (out[i - 1] + 1) % n) breaks++;
        }
      }
      // Every break of consecutiveness is a block start (a new block may also continue by chance).
      expect(breaks).toBeLessThanOrEqual(blocks - draws);
      expect(inRange).toBe(true);
      // Mean length n·draws/blocks: the geometric mean L, slightly less for the cut last blocks;
      // its sd is about L·sqrt((1 - 1/L) / blocks) < 0.5% of L here.
      expect(Math.abs((n * draws) / blocks - L) / L).toBeLessThan(0.02);
    }
  });

  it('each run is made of the original values: it replays from the seed, and its statistics are computeMetrics of that series', () => {
    const runs = 25;
    const res = stationaryBootstrap(returns, { runs, seed: 99, meanBlockLength: 8, periodsPerYear: 252 });
    const g = Xoshiro128.fromSeed(99);
    const order = new Int32Array(returns.length);
    for (let r = 0; r < runs; r++) {
      stationaryBootstrapIndices(returns.length, 8, g, order);
      const m = computeMetrics(Float64Array.from(order, (i) => returns[i]));
      expect(relDiff(res.finalEquity.samples[r], 1 + m.totalReturn)).toBeLessThan(1e-12);
      expect(relDiff(res.maxDrawdown.samples[r], m.maxDrawdown)).toBeLessThan(1e-12);
      expect(relDiff(res.sharpe.samples[r], m.sharpe)).toBeLessThan(1e-10);
    }
  });

  it('the original values are computeMetrics of the input, ranked among the samples', () => {
    const res = stationaryBootstrap(returns, { runs: 300, seed: 3 });
    const m = computeMetrics(returns);
    expect(relDiff(res.finalEquity.original, 1 + m.totalReturn)).toBeLessThan(1e-12);
    expect(relDiff(res.maxDrawdown.original, m.maxDrawdown)).toBeLessThan(1e-12);
    expect(relDiff(res.sharpe.original, m.sharpe)).toBeLessThan(1e-10);
    expect(res.sharpe.originalRank).toBe(percentileRank(res.sharpe.samples, res.sharpe.original));
    expect(res.meanBlockLength).toBe(defaultMeanBlockLength(1500));
    expect(res.meanBlockLength).toBeCloseTo(Math.cbrt(1500), 12);
    // Bootstrapping a drifting series spreads its final equity around the original's.
    expect(res.finalEquity.summary.std).toBeGreaterThan(0);
    expect(res.finalEquity.originalRank).toBeGreaterThan(0.05);
    expect(res.finalEquity.originalRank).toBeLessThan(0.95);
  });

  it('probability of loss is the share of runs ending below 1; summaries are those of the samples', () => {
    const res = stationaryBootstrap(syntheticReturns(300, 5), { runs: 500, seed: 11, meanBlockLength: 3 });
    const below = res.finalEquity.samples.filter((v) => v < 1).length;
    expect(res.probabilityOfLoss).toBe(below / 500);
    expect(res.probabilityOfLoss).toBeGreaterThan(0);
    expect(res.finalEquity.summary).toEqual(summarizeDistribution(res.finalEquity.samples));
    expect(res.maxDrawdown.summary.max).toBeLessThanOrEqual(0);
  });

  it('a block longer than the series is a rotation: the final equity stays the original one', () => {
    const res = stationaryBootstrap(returns, { runs: 50, seed: 2, meanBlockLength: 1e12 });
    for (const v of res.finalEquity.samples) expect(relDiff(v, res.finalEquity.original)).toBeLessThan(1e-12);
    expect(new Set(res.maxDrawdown.samples).size).toBeGreaterThan(1);
  });

  it('keeps the first k equity paths, from 1 to the final equity', () => {
    const res = stationaryBootstrap(returns, { runs: 10, seed: 4, keepPaths: 3 });
    expect(res.paths).toHaveLength(3);
    res.paths.forEach((p, r) => {
      expect(p).toHaveLength(returns.length + 1);
      expect(p[0]).toBe(1);
      expect(p[returns.length]).toBe(res.finalEquity.samples[r]);
    });
  });

  it('reports progress about every 1% and at the end', () => {
    const calls: [number, number][] = [];
    stationaryBootstrap(returns.subarray(0, 100), { runs: 1000, seed: 1, onProgress: (d, t) => calls.push([d, t]) });
    expect(calls).toHaveLength(100);
    expect(calls[0]).toEqual([10, 1000]);
    expect(calls[99]).toEqual([1000, 1000]);
    const few: number[] = [];
    stationaryBootstrap(returns.subarray(0, 100), { runs: 7, seed: 1, onProgress: (d) => few.push(d) });
    expect(few).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('skips a leading NaN warm-up', () => {
    const warm = new Float64Array(returns.length + 5).fill(NaN);
    warm.set(returns, 5);
    const a = stationaryBootstrap(warm, { runs: 20, seed: 6 });
    const b = stationaryBootstrap(returns, { runs: 20, seed: 6 });
    expect(a.periods).toBe(returns.length);
    expect(Array.from(a.sharpe.samples)).toEqual(Array.from(b.sharpe.samples));
  });

  it('constant resamples have NaN or infinite Sharpe, which the summary counts apart or sorts to the end', () => {
    const res = stationaryBootstrap(Float64Array.of(0, 0, 0.01), { runs: 400, seed: 1, meanBlockLength: 1, periodsPerYear: 1 });
    const nan = res.sharpe.samples.filter((v) => Number.isNaN(v)).length;
    expect(nan).toBeGreaterThan(0); // all-zero resamples: 0/0
    expect(res.sharpe.summary.nanCount).toBe(nan);
    expect(res.sharpe.summary.count).toBe(400 - nan);
    const res2 = stationaryBootstrap(Float64Array.of(0.01, 0.01, 0.02), { runs: 200, seed: 1, meanBlockLength: 1 });
    expect(res2.sharpe.summary.max).toBe(Infinity); // all-0.01 resamples
  });

  it('refuses bad input with typed errors naming the field', () => {
    expectError(() => stationaryBootstrap(returns, { runs: 0, seed: 1 }), 'runs', 'BAD_PARAMETER');
    expectError(() => stationaryBootstrap(returns, { runs: 2.5, seed: 1 }), 'runs', 'BAD_PARAMETER');
    expectError(() => stationaryBootstrap(returns, { runs: 10, seed: -1 }), 'seed', 'BAD_PARAMETER');
    expectError(() => stationaryBootstrap(returns, { runs: 10, seed: 1, meanBlockLength: 0.5 }), 'meanBlockLength', 'BAD_PARAMETER');
    expectError(() => stationaryBootstrap(returns, { runs: 10, seed: 1, meanBlockLength: NaN }), 'meanBlockLength', 'BAD_PARAMETER');
    expectError(() => stationaryBootstrap(returns, { runs: 10, seed: 1, periodsPerYear: 0 }), 'periodsPerYear', 'BAD_PARAMETER');
    expectError(() => stationaryBootstrap(returns, { runs: 10, seed: 1, keepPaths: 11 }), 'keepPaths', 'BAD_PARAMETER');
    expectError(() => stationaryBootstrap(Float64Array.of(0.01), { runs: 10, seed: 1 }), 'returns', 'TOO_FEW_VALUES');
    expectError(() => stationaryBootstrap(Float64Array.of(NaN, 0.01, NaN, 0.02), { runs: 10, seed: 1 }), 'returns', 'NAN_AFTER_START', 2);
    expectError(() => stationaryBootstrap(Float64Array.of(0.01, Infinity), { runs: 10, seed: 1 }), 'returns', 'NON_FINITE_VALUE', 1);
    expectError(() => stationaryBootstrap(Float64Array.of(0.01, -1.5), { runs: 10, seed: 1 }), 'returns', 'BELOW_MINUS_ONE', 1);
  });
});

describe('trade-order reshuffle', () => {
  const trades = syntheticReturns(200, 21).map((r) => r * 5);

  function sameOrDifferent(res: MonteCarloResult): { finalSpread: number; sharpeSpread: number; drawdownsDistinct: number } {
    let finalSpread = 0;
    let sharpeSpread = 0;
    for (let r = 0; r < res.runs; r++) {
      finalSpread = Math.max(finalSpread, relDiff(res.finalEquity.samples[r], res.finalEquity.original));
      sharpeSpread = Math.max(sharpeSpread, relDiff(res.sharpe.samples[r], res.sharpe.original));
    }
    return { finalSpread, sharpeSpread, drawdownsDistinct: new Set(res.maxDrawdown.samples).size };
  }

  it('keeps the final equity and the Sharpe (order-invariant) and changes the drawdown', () => {
    const res = tradeReshuffle(trades, { runs: 300, seed: 5, periodsPerYear: 50 });
    const s = sameOrDifferent(res);
    expect(s.finalSpread).toBeLessThan(1e-12);
    expect(s.sharpeSpread).toBeLessThan(1e-10);
    expect(s.drawdownsDistinct).toBeGreaterThan(250);
    expect(res.maxDrawdown.summary.std).toBeGreaterThan(0);
    expect(res.trades).toBe(200);
    expect(res.probabilityOfLoss).toBe(res.finalEquity.original < 1 ? 1 : 0);
    const again = tradeReshuffle(trades, { runs: 300, seed: 5, periodsPerYear: 50 });
    expect(Array.from(again.maxDrawdown.samples)).toEqual(Array.from(res.maxDrawdown.samples));
  });

  it('with tradeStarts, trades move whole with their periods in order; periods before the first trade are left out', () => {
    // Trade k has k % 3 + 1 periods, period j of it returns (k + 1) / 1000 + j / 1e6 (a readable signature).
    const returns: number[] = [NaN, 0.5]; // a warm-up and a flat-start period before the first trade
    const starts: number[] = [];
    for (let k = 0; k < 30; k++) {
      starts.push(returns.length);
      for (let j = 0; j <= k % 3; j++) returns.push(((k % 2 === 0 ? 1 : -1) * (k + 1)) / 1000 + j / 1e6);
    }
    const values = Float64Array.from(returns);
    const res = tradeReshuffle(values, { runs: 20, seed: 3, tradeStarts: starts, keepPaths: 20 });
    expect(res.periods).toBe(values.length - 2);
    expect(res.trades).toBe(30);
    for (const path of res.paths) {
      const seen: number[] = [];
      let expectJ = 0;
      let current = -1;
      for (let t = 1; t < path.length; t++) {
        const r = path[t] / path[t - 1] - 1;
        const k = Math.round(Math.abs(r) * 1000) - 1;
        const j = Math.round((r - ((k % 2 === 0 ? 1 : -1) * (k + 1)) / 1000) * 1e6);
        if (k !== current) {
          expect(Math.abs(j)).toBe(0); // a trade starts at its first period
          seen.push(k);
          current = k;
          expectJ = 0;
        } else {
          expect(j).toBe(++expectJ);
        }
      }
      expect(seen.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, k) => k));
    }
    expect(new Set(res.paths.map((p) => p.join(','))).size).toBe(20);
  });

  it('refuses bad trade starts and too few trades', () => {
    const r = Float64Array.of(0.01, 0.02, -0.01, 0.03);
    expectError(() => tradeReshuffle(r, { runs: 5, seed: 1, tradeStarts: [0, 2, 2] }), 'tradeStarts', 'BAD_PARAMETER', 2);
    expectError(() => tradeReshuffle(r, { runs: 5, seed: 1, tradeStarts: [0, 4] }), 'tradeStarts', 'BAD_PARAMETER', 1);
    expectError(() => tradeReshuffle(r, { runs: 5, seed: 1, tradeStarts: [1] }), 'returns', 'TOO_FEW_VALUES');
    expectError(() => tradeReshuffle(r, { runs: 5, seed: 1, tradeStarts: [] }), 'returns', 'TOO_FEW_VALUES');
    expectError(() => tradeReshuffle(Float64Array.of(NaN, 0.01, 0.02), { runs: 5, seed: 1, tradeStarts: [0, 1] }), 'returns', 'NAN_AFTER_START', 0);
    expectError(() => tradeReshuffle(Float64Array.of(0.01, NaN, 0.02), { runs: 5, seed: 1 }), 'returns', 'NAN_AFTER_START', 1);
    expectError(() => tradeReshuffle(Float64Array.of(NaN, 0.01), { runs: 5, seed: 1 }), 'returns', 'TOO_FEW_VALUES');
  });
});

describe('distribution summary', () => {
  /** Plain sort-based percentile: numpy's linear method written the textbook way. */
  function plainPercentile(values: number[], q: number): number {
    const s = values.slice().sort((a, b) => a - b);
    const pos = (q / 100) * (s.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
  }

  it('percentiles match a plain sort-based computation for several sizes', () => {
    for (const n of [1, 2, 3, 10, 101, 1000]) {
      const x = syntheticReturns(n, n);
      const s = summarizeDistribution(x);
      const plain = Array.from(x);
      const got = [s.percentiles.p1, s.percentiles.p5, s.percentiles.p25, s.percentiles.p50, s.percentiles.p75, s.percentiles.p95, s.percentiles.p99];
      [1, 5, 25, 50, 75, 95, 99].forEach((q, i) => expect(Math.abs(got[i] - plainPercentile(plain, q))).toBeLessThanOrEqual(1e-15));
      expect(s.min).toBe(Math.min(...plain));
      expect(s.max).toBe(Math.max(...plain));
    }
  });

  it('leaves NaN out, keeps infinities, and is NaN when empty', () => {
    const s = summarizeDistribution(Float64Array.of(NaN, 1, 2, Infinity, NaN));
    expect([s.count, s.nanCount, s.min, s.max, s.percentiles.p99]).toEqual([3, 2, 1, Infinity, Infinity]);
    expect(s.percentiles.p50).toBe(2);
    // Between 2 and Infinity: Infinity wherever it has weight (numpy: NaN); exactly at 2: 2.
    expect(summarizeDistribution(Float64Array.of(2, Infinity)).percentiles.p1).toBe(Infinity);
    expect(summarizeDistribution(Float64Array.of(-Infinity, 1, 2)).percentiles.p25).toBe(-Infinity);
    expect(summarizeDistribution(Float64Array.of(-Infinity, Infinity)).percentiles.p50).toBeNaN();
    expect(summarizeDistribution(Float64Array.of(1, 2, Infinity)).percentiles.p50).toBe(2);
    const empty = summarizeDistribution(Float64Array.of(NaN));
    expect([empty.count, empty.mean, empty.std, empty.percentiles.p50]).toEqual([0, NaN, NaN, NaN]);
    expect(summarizeDistribution(Float64Array.of(4)).std).toBeNaN();
  });

  it('percentileRank counts below plus half the ties', () => {
    const x = Float64Array.of(1, 2, 2, 3, NaN);
    expect([percentileRank(x, 0), percentileRank(x, 2), percentileRank(x, 3), percentileRank(x, 9), percentileRank(x, NaN)]).toEqual([0, 0.5, 0.875, 1, NaN]);
  });
});
