import { computeMetrics } from '../../../quant/metrics';
import { Xoshiro128, normalCdf, normalQuantile } from '../../../quant/random';
import { EULER_MASCHERONI, RobustnessInputError, deflatedSharpeFromMoments, deflatedSharpeRatio, expectedMaxSharpe, probabilisticSharpeRatio } from './index';

function normalReturns(n: number, seed: number, mean = 0.0005, sd = 0.01): Float64Array {
  const g = Xoshiro128.fromSeed(seed);
  return Float64Array.from({ length: n }, () => mean + sd * g.nextNormal());
}

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof RobustnessInputError ? `${e.field}:${e.problem}` : `other:${String(e)}`;
  }
  return undefined;
}

describe('expected maximum Sharpe of N trials', () => {
  it('is the formula of Bailey & López de Prado (2014); 0 for one trial; grows with N and sqrt(V)', () => {
    const v = 0.0004;
    const n = 50;
    const manual = Math.sqrt(v) * ((1 - EULER_MASCHERONI) * normalQuantile(1 - 1 / n) + EULER_MASCHERONI * normalQuantile(1 - 1 / (n * Math.E)));
    expect(expectedMaxSharpe(v, n)).toBe(manual);
    expect(expectedMaxSharpe(v, 1)).toBe(0);
    expect(expectedMaxSharpe(0, 100)).toBe(0);
    expect(expectedMaxSharpe(v, 100)).toBeGreaterThan(expectedMaxSharpe(v, 10));
    expect(expectedMaxSharpe(4 * v, 10) / expectedMaxSharpe(v, 10)).toBeCloseTo(2, 14);
  });

  it('is close to the simulated mean maximum of N standard normals (V = 1)', () => {
    const g = Xoshiro128.fromSeed(1);
    const n = 20;
    const sims = 20000;
    let sum = 0;
    for (let s = 0; s < sims; s++) {
      let max = -Infinity;
      for (let i = 0; i < n; i++) max = Math.max(max, g.nextNormal());
      sum += max;
    }
    // E[max of 20 N(0,1)] = 1.8675; the paper's formula gives 1.9007 (it is an asymptotic approximation).
    expect(Math.abs(sum / sims - expectedMaxSharpe(1, n))).toBeLessThan(0.06);
  });

  it('refuses a trial count below 1 and a negative variance', () => {
    expect(fieldOf(() => expectedMaxSharpe(0.1, 0))).toBe('trials:BAD_PARAMETER');
    expect(fieldOf(() => expectedMaxSharpe(-0.1, 5))).toBe('trialSharpeVariance:BAD_PARAMETER');
    expect(fieldOf(() => expectedMaxSharpe(NaN, 5))).toBe('trialSharpeVariance:BAD_PARAMETER');
  });
});

describe('probabilistic Sharpe ratio', () => {
  it('is 1/2 at the benchmark, and the normal-returns formula with skew 0 and kurtosis 3', () => {
    expect(probabilisticSharpeRatio({ sharpe: 0.05, benchmarkSharpe: 0.05, observations: 500, skew: -1, kurtosis: 8 })).toBe(0.5);
    const sr = 0.06;
    const t = 1000;
    const z = (sr * Math.sqrt(t - 1)) / Math.sqrt(1 + 0.5 * sr * sr);
    expect(probabilisticSharpeRatio({ sharpe: sr, benchmarkSharpe: 0, observations: t, skew: 0, kurtosis: 3 })).toBe(normalCdf(z));
  });

  it('negative skew and fat tails lower it', () => {
    const base = { sharpe: 0.08, benchmarkSharpe: 0, observations: 750 };
    const normal = probabilisticSharpeRatio({ ...base, skew: 0, kurtosis: 3 });
    expect(probabilisticSharpeRatio({ ...base, skew: -2, kurtosis: 3 })).toBeLessThan(normal);
    expect(probabilisticSharpeRatio({ ...base, skew: 0, kurtosis: 15 })).toBeLessThan(normal);
  });

  it('is NaN for moments that make the variance term non-positive, and refuses bad input', () => {
    expect(probabilisticSharpeRatio({ sharpe: 1, benchmarkSharpe: 0, observations: 100, skew: 5, kurtosis: 1 })).toBeNaN();
    expect(fieldOf(() => probabilisticSharpeRatio({ sharpe: 0.1, benchmarkSharpe: 0, observations: 1, skew: 0, kurtosis: 3 }))).toBe('observations:BAD_PARAMETER');
    expect(fieldOf(() => probabilisticSharpeRatio({ sharpe: NaN, benchmarkSharpe: 0, observations: 10, skew: 0, kurtosis: 3 }))).toBe('sharpe:NON_FINITE_VALUE');
    expect(fieldOf(() => probabilisticSharpeRatio({ sharpe: 0.1, benchmarkSharpe: 0, observations: 10, skew: 0, kurtosis: Infinity }))).toBe('kurtosis:NON_FINITE_VALUE');
  });
});

describe('deflated Sharpe ratio of a returns series', () => {
  const returns = normalReturns(1000, 3);

  it('uses the per-period Sharpe and the non-excess kurtosis of computeMetrics', () => {
    const m = computeMetrics(returns);
    const d = deflatedSharpeRatio(returns, { trials: 25, trialSharpeVariance: 0.001 });
    expect(d.sharpe).toBeCloseTo(m.sharpe / Math.sqrt(252), 14);
    expect(d.kurtosis).toBeCloseTo(m.kurtosis + 3, 14);
    expect(d.skew).toBe(m.skew);
    expect(d.observations).toBe(1000);
    expect(d).toEqual(deflatedSharpeFromMoments({ sharpe: d.sharpe, observations: 1000, skew: d.skew, kurtosis: d.kurtosis, trials: 25, trialSharpeVariance: 0.001 }));
    // Selection among many trials deflates: DSR < PSR(0).
    expect(d.deflatedSharpe).toBeLessThan(d.probabilisticSharpe);
  });

  it('takes N and V from the trial Sharpes (sample variance, ddof 1); one trial is no deflation', () => {
    const trialSharpes = Float64Array.of(0.01, 0.03, 0.02, 0.06);
    const d = deflatedSharpeRatio(returns, { trialSharpes });
    const mean = 0.03;
    const v = ((0.01 - mean) ** 2 + 0 + (0.02 - mean) ** 2 + (0.06 - mean) ** 2) / 3;
    expect(d.trials).toBe(4);
    expect(d.trialSharpeVariance).toBeCloseTo(v, 16);
    const one = deflatedSharpeRatio(returns, { trialSharpes: Float64Array.of(0.05) });
    expect([one.expectedMaxSharpe, one.deflatedSharpe]).toEqual([0, one.probabilisticSharpe]);
  });

  it('refuses ambiguous or missing trial information, constant and non-finite returns', () => {
    expect(fieldOf(() => deflatedSharpeRatio(returns, {}))).toBe('trials:BAD_PARAMETER');
    expect(fieldOf(() => deflatedSharpeRatio(returns, { trialSharpes: Float64Array.of(0.1, 0.2), trials: 2 }))).toBe('trialSharpes:BAD_PARAMETER');
    expect(fieldOf(() => deflatedSharpeRatio(returns, { trialSharpes: new Float64Array(0) }))).toBe('trialSharpes:TOO_FEW_VALUES');
    expect(fieldOf(() => deflatedSharpeRatio(returns, { trialSharpes: Float64Array.of(0.1, NaN) }))).toBe('trialSharpes:NON_FINITE_VALUE');
    expect(fieldOf(() => deflatedSharpeRatio(new Float64Array(10).fill(0.01), { trials: 3, trialSharpeVariance: 0.01 }))).toBe('returns:TOO_FEW_VALUES');
    expect(fieldOf(() => deflatedSharpeRatio(Float64Array.of(0.01, Infinity, 0.02), { trials: 3, trialSharpeVariance: 0.01 }))).toBe('returns:NON_FINITE_VALUE');
    expect(fieldOf(() => deflatedSharpeRatio(Float64Array.of(0.01), { trials: 3, trialSharpeVariance: 0.01 }))).toBe('returns:TOO_FEW_VALUES');
  });
});
