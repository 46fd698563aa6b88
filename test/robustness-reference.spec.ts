import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Xoshiro128, normalCdf, normalQuantile, shuffleInPlace } from '../src/quant/random';
import {
  deflatedSharpeFromMoments,
  deflatedSharpeRatio,
  probabilityOfBacktestOverfitting,
  summarizeDistribution,
  type BacktestOverfittingResult,
} from '../src/backtesting/robustness/core';

/**
 * src/quant/random and src/backtesting/robustness/core against fixtures from independent
 * Python implementations (numpy, scipy, exact integers): scripts/reference/robustness-reference.py,
 * on real data (data/samples/dowjones30_daily.csv).
 */
const ROOT = join(__dirname, '..');
const RTOL = 1e-9;

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(ROOT, 'test/fixtures/robustness', name), 'utf8')) as T;
}

function expectClose(label: string, actual: number, expected: number, rtol = RTOL): void {
  const rel = actual === expected ? 0 : Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE);
  if (!(rel <= rtol)) throw new Error(`${label}: got ${actual}, reference ${expected} (relative difference ${rel})`);
}

/** The Dow 30 sample: column names and prices by column. */
function readDow(): { names: string[]; dates: string[]; prices: Float64Array[] } {
  const [header, ...lines] = readFileSync(join(ROOT, 'data/samples/dowjones30_daily.csv'), 'utf8').trim().split(/\r?\n/);
  const names = header.split(',').slice(1);
  const prices = names.map(() => new Float64Array(lines.length));
  const dates: string[] = [];
  lines.forEach((line, i) => {
    const cells = line.split(',');
    dates.push(cells[0]);
    for (let j = 0; j < names.length; j++) prices[j][i] = Number(cells[j + 1]);
  });
  return { names, dates, prices };
}

/** r[i] = p[i+1] / p[i] - 1, as the reference script computes them. */
function simpleReturns(p: Float64Array): Float64Array {
  return Float64Array.from({ length: p.length - 1 }, (_, i) => p[i + 1] / p[i] - 1);
}

/** The 40 IBM long/flat momentum rules of the reference script (rule k holds when p[i] > p[i-k]; rows i >= 40). */
function ibmMomentum(p: Float64Array): Float64Array[] {
  const r = simpleReturns(p);
  return Array.from({ length: 40 }, (_, kk) => {
    const k = kk + 1;
    return Float64Array.from({ length: r.length - 40 }, (_, row) => {
      const i = row + 40;
      return (p[i] > p[i - k] ? 1 : 0) * r[i];
    });
  });
}

interface PboFixture {
  readonly rows: number;
  readonly configurations: number;
  readonly blocks: number;
  readonly blockRows: number[];
  readonly combinations: number;
  readonly pbo: number;
  readonly probabilityOfLossOos: number;
  readonly degradationSlope: number;
  readonly degradationIntercept: number;
  readonly chosen: number[];
  readonly lambdaHead: number[];
  readonly lambdaSum: number;
  readonly lambdaSumSq: number;
  readonly isSharpeHead: number[];
  readonly oosSharpeHead: number[];
  readonly isSharpeSum: number;
  readonly oosSharpeSum: number;
}

function expectPbo(res: BacktestOverfittingResult, fx: PboFixture): void {
  expect([res.rows, res.configurations, res.blocks, res.combinations]).toEqual([fx.rows, fx.configurations, fx.blocks, fx.combinations]);
  expect(Array.from(res.blockRows)).toEqual(fx.blockRows);
  expect(Array.from(res.chosen)).toEqual(fx.chosen);
  // Shares of combinations: exact counts over the same combinations.
  expect(res.pbo).toBe(fx.pbo);
  expect(res.probabilityOfLossOos).toBe(fx.probabilityOfLossOos);
  fx.lambdaHead.forEach((v, c) => expectClose(`lambda[${c}]`, res.logits[c], v));
  fx.isSharpeHead.forEach((v, c) => expectClose(`inSampleSharpe[${c}]`, res.inSampleSharpe[c], v));
  fx.oosSharpeHead.forEach((v, c) => expectClose(`outOfSampleSharpe[${c}]`, res.outOfSampleSharpe[c], v));
  const sum = (a: Float64Array, f: (x: number) => number = (x) => x): number => a.reduce((s, x) => s + f(x), 0);
  expectClose('sum lambda', sum(res.logits), fx.lambdaSum);
  expectClose('sum lambda^2', sum(res.logits, (x) => x * x), fx.lambdaSumSq);
  expectClose('sum IS Sharpe', sum(res.inSampleSharpe), fx.isSharpeSum);
  expectClose('sum OOS Sharpe', sum(res.outOfSampleSharpe), fx.oosSharpeSum);
  expectClose('degradation slope', res.degradation.slope, fx.degradationSlope);
  expectClose('degradation intercept', res.degradation.intercept, fx.degradationIntercept);
}

describe('normal distribution against scipy.stats.norm', () => {
  const fx = fixture<{ cdf: { x: number; value: number }[]; ppf: { p: number; value: number }[] }>('normal.json');

  it('Φ (Cody) matches norm.cdf from x = -37.5 to 8.29 to 1e-13 relative', () => {
    for (const { x, value } of fx.cdf) expectClose(`cdf(${x})`, normalCdf(x), value, 1e-13);
  });

  it('Φ⁻¹ (AS 241) matches norm.ppf from p = 1e-300 to 1 - 1e-15 to 1e-13 relative', () => {
    for (const { p, value } of fx.ppf) expectClose(`ppf(${p})`, normalQuantile(p), value, 1e-13);
  });
});

describe('xoshiro128** and SplitMix64 against an exact-integer Python implementation', () => {
  interface PrngFixture {
    streams: { seed: string; state: number[]; uint32: number[] }[];
    fromState: { state: [number, number, number, number]; uint32: number[] };
    doublesSeed7: number[];
    intsSeed2024: { n: number; draws: number[] }[];
    shuffle20Seed99: number[];
  }
  const fx = fixture<PrngFixture>('xoshiro128starstar.json');

  it('seeds give the reference states and first 16 outputs (seeds up to 2^64 - 1)', () => {
    for (const s of fx.streams) {
      const g = Xoshiro128.fromSeed(BigInt(s.seed));
      expect({ seed: s.seed, state: g.state() }).toEqual({ seed: s.seed, state: s.state });
      expect(Array.from({ length: 16 }, () => g.nextUint32())).toEqual(s.uint32);
    }
    const g = Xoshiro128.fromState(fx.fromState.state);
    expect(Array.from({ length: 16 }, () => g.nextUint32())).toEqual(fx.fromState.uint32);
  });

  it('53-bit doubles, Lemire integers in [0, n) and a Fisher–Yates shuffle are bit-identical', () => {
    const g = Xoshiro128.fromSeed(7);
    expect(Array.from({ length: 16 }, () => g.nextDouble())).toEqual(fx.doublesSeed7);
    for (const { n, draws } of fx.intsSeed2024) {
      const h = Xoshiro128.fromSeed(2024);
      expect({ n, draws: Array.from({ length: draws.length }, () => h.nextInt(n)) }).toEqual({ n, draws });
    }
    const a = Float64Array.from({ length: 20 }, (_, i) => i);
    shuffleInPlace(Xoshiro128.fromSeed(99), a);
    expect(Array.from(a)).toEqual(fx.shuffle20Seed99);
  });
});

describe('distribution summary against numpy.percentile', () => {
  it("IBM's daily returns: mean, std (ddof 1), extremes and the 7 percentiles", () => {
    const fx = fixture<{ count: number; mean: number; std: number; min: number; max: number; percentiles: Record<string, number> }>('summary-ibm-returns.json');
    const dow = readDow();
    const s = summarizeDistribution(simpleReturns(dow.prices[dow.names.indexOf('IBM')]));
    expect(s.count).toBe(fx.count);
    expectClose('mean', s.mean, fx.mean);
    expectClose('std', s.std, fx.std);
    expect([s.min, s.max]).toEqual([fx.min, fx.max]);
    const got: Record<string, number> = { '1': s.percentiles.p1, '5': s.percentiles.p5, '25': s.percentiles.p25, '50': s.percentiles.p50, '75': s.percentiles.p75, '95': s.percentiles.p95, '99': s.percentiles.p99 };
    for (const [q, v] of Object.entries(fx.percentiles)) expectClose(`p${q}`, got[q], v);
  });
});

describe('deflated Sharpe ratio against the scipy reference', () => {
  interface DsrFixture {
    trials: number;
    chosen: number;
    observations: number;
    sharpe: number;
    trialSharpeVariance: number;
    skew: number;
    kurtosis: number;
    expectedMaxSharpe: number;
    deflatedSharpe: number;
    probabilisticSharpeVsZero: number;
    example: { sharpe: number; trialSharpeVariance: number; trials: number; observations: number; skew: number; kurtosis: number; expectedMaxSharpe: number; deflatedSharpe: number };
  }
  const fx = fixture<DsrFixture>('dsr-ibm-momentum.json');

  it('the best of 40 IBM momentum rules, the 40 rules as the trials', () => {
    const dow = readDow();
    const rules = ibmMomentum(dow.prices[dow.names.indexOf('IBM')]);
    const sharpes = Float64Array.from(rules, (r) => {
      const mean = r.reduce((a, b) => a + b, 0) / r.length;
      return mean / Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1));
    });
    const best = sharpes.indexOf(Math.max(...sharpes));
    expect(best).toBe(fx.chosen);
    const d = deflatedSharpeRatio(rules[best], { trialSharpes: sharpes });
    expect([d.trials, d.observations]).toEqual([fx.trials, fx.observations]);
    expectClose('sharpe', d.sharpe, fx.sharpe);
    expectClose('trialSharpeVariance', d.trialSharpeVariance, fx.trialSharpeVariance);
    expectClose('skew', d.skew, fx.skew);
    expectClose('kurtosis', d.kurtosis, fx.kurtosis);
    expectClose('expectedMaxSharpe', d.expectedMaxSharpe, fx.expectedMaxSharpe);
    expectClose('deflatedSharpe', d.deflatedSharpe, fx.deflatedSharpe);
    expectClose('probabilisticSharpe', d.probabilisticSharpe, fx.probabilisticSharpeVsZero);
  });

  it("the paper's worked example (N = 100, T = 1250, skew -3, kurtosis 10): DSR ≈ 0.9004", () => {
    const e = fx.example;
    const d = deflatedSharpeFromMoments(e);
    expectClose('expectedMaxSharpe', d.expectedMaxSharpe, e.expectedMaxSharpe);
    expectClose('deflatedSharpe', d.deflatedSharpe, e.deflatedSharpe);
    expect(d.deflatedSharpe).toBeCloseTo(0.9004, 4); // Bailey & López de Prado (2014), section 4
  });
});

describe('probability of backtest overfitting (CSCV) against the numpy reference', () => {
  it('the 30 Dow stocks as 30 configurations, S = 16 (12,870 combinations)', () => {
    const fx = fixture<PboFixture>('pbo-dow30-stocks.json');
    const dow = readDow();
    const cols = dow.prices.map(simpleReturns);
    let progressCalls = 0;
    let last = [0, 0];
    const res = probabilityOfBacktestOverfitting(cols, {
      blocks: 16,
      onProgress: (done, total) => {
        progressCalls++;
        last = [done, total];
      },
    });
    expectPbo(res, fx);
    expect(last).toEqual([12870, 12870]);
    expect(progressCalls).toBe(13); // every 1,024 and the last
  });

  it('40 IBM momentum rules, S = 16 over 2,488 rows (uneven blocks), given as a column-major matrix', () => {
    const fx = fixture<PboFixture>('pbo-ibm-momentum.json');
    const dow = readDow();
    const rules = ibmMomentum(dow.prices[dow.names.indexOf('IBM')]);
    const rows = rules[0].length;
    const values = new Float64Array(rows * rules.length);
    rules.forEach((r, j) => values.set(r, j * rows));
    expectPbo(probabilityOfBacktestOverfitting({ values, rows, configurations: rules.length }), fx);
  });
});
