import { Xoshiro128 } from '../../random';
import { hurstExponent } from '../hurst.statistic';
import { ols } from '../ols.regression';
import { StatsInputError } from '../stats-input.error';
import { tls } from '../tls.regression';
import { kalmanHedgeRatio } from './kalman-hedge.filter';
import { ROLLING_RESYNC, rollingOls, rollingTls } from './rolling-ols.regression';

/** A seeded cointegrated pair far from zero: x a random walk near 1,000, y = 5 + 0.7·x + AR(1) noise. */
function pair(n: number, seed: number): { y: Float64Array; x: Float64Array } {
  const rng = Xoshiro128.fromSeed(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let px = 1000;
  let s = 0;
  for (let i = 0; i < n; i++) {
    px += rng.nextDouble() - 0.5;
    s = 0.8 * s + (rng.nextDouble() - 0.5);
    x[i] = px;
    y[i] = 5 + 0.7 * px + s;
  }
  return { y, x };
}

describe('rollingOls / rollingTls', () => {
  it('equal ols() and tls() of each window, across resync points, far from zero', () => {
    const { y, x } = pair(3 * ROLLING_RESYNC + 50, 7);
    const w = 40;
    const o = rollingOls(y, x, w);
    const l = rollingTls(y, x, w);
    for (let t = 0; t < y.length; t++) {
      if (t < w - 1) {
        expect([o.hedgeRatio[t], o.intercept[t], l.hedgeRatio[t]].every(Number.isNaN)).toBe(true);
        continue;
      }
      const ys = y.slice(t - w + 1, t + 1);
      const xs = x.slice(t - w + 1, t + 1);
      const fit = ols(ys, [new Float64Array(w).fill(1), xs]);
      const line = tls(ys, xs);
      if (Math.abs(o.hedgeRatio[t] - fit.coefficients[1]) > 1e-7 * Math.abs(fit.coefficients[1])) throw new Error(`ols t=${t}: ${o.hedgeRatio[t]} vs ${fit.coefficients[1]}`);
      if (Math.abs(o.intercept[t] - fit.coefficients[0]) > 1e-7 * Math.max(1, Math.abs(fit.coefficients[0]))) throw new Error(`ols α t=${t}`);
      if (Math.abs(l.hedgeRatio[t] - line.slope) > 1e-7 * Math.abs(line.slope)) throw new Error(`tls t=${t}: ${l.hedgeRatio[t]} vs ${line.slope}`);
      if (Math.abs(l.intercept[t] - line.intercept) > 1e-6 * Math.max(1, Math.abs(line.intercept))) throw new Error(`tls α t=${t}`);
    }
  });

  it('gives NaN for every window holding a NaN (leading and inside), and exact fits again after', () => {
    const { y, x } = pair(700, 11);
    for (let i = 0; i < 5; i++) x[i] = NaN; // a leading warm-up
    y[300] = NaN;
    const w = 30;
    const r = rollingOls(y, x, w);
    for (let t = 0; t < y.length; t++) {
      const holdsNaN = t < 5 + w - 1 || (t >= 300 && t < 300 + w);
      expect([t, Number.isNaN(r.hedgeRatio[t])]).toEqual([t, holdsNaN]);
      if (!holdsNaN) {
        const fit = ols(y.slice(t - w + 1, t + 1), [new Float64Array(w).fill(1), x.slice(t - w + 1, t + 1)]);
        expect(Math.abs(r.hedgeRatio[t] - fit.coefficients[1])).toBeLessThan(1e-7);
      }
    }
  });

  it('recovers a known line exactly and refuses bad input naming the field', () => {
    const x = Float64Array.from({ length: 50 }, (_, i) => 100 + Math.sin(i));
    const y = x.map((v) => 3 - 2 * v);
    const r = rollingOls(y, x, 10);
    expect(r.hedgeRatio[49]).toBeCloseTo(-2, 10);
    expect(r.intercept[49]).toBeCloseTo(3, 8);
    expect(rollingTls(y, x, 10).hedgeRatio[49]).toBeCloseTo(-2, 10);
    expect(() => rollingOls(y, x.subarray(1), 10)).toThrow(StatsInputError);
    expect(() => rollingOls(y, x, 2)).toThrow(/window: must be an integer >= 3/);
    expect(() => rollingOls(y, x, 2.5)).toThrow(expect.objectContaining({ field: 'window' }) as Error);
  });
});

describe('kalmanHedgeRatio', () => {
  it('tracks a hedge ratio that moves, and predicts only over a NaN bar', () => {
    const n = 3000;
    const rng = Xoshiro128.fromSeed(5);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    let px = 50;
    for (let i = 0; i < n; i++) {
      px += rng.nextDouble() - 0.5;
      x[i] = px;
      y[i] = (i < 1500 ? 1.0 : 1.5) * px + 0.1 * (rng.nextDouble() - 0.5);
    }
    y[2000] = NaN;
    const r = kalmanHedgeRatio(y, x, { delta: 1e-4, observationVariance: 1e-3 });
    expect(r.hedgeRatio[0]).toBe(0); // Chan's start: K = 0 on the first bar
    expect(Math.abs(r.hedgeRatio[1400] - 1)).toBeLessThan(0.05);
    expect(Math.abs(r.hedgeRatio[2999] - 1.5)).toBeLessThan(0.05);
    expect([Number.isNaN(r.innovation[2000]), Number.isNaN(r.innovationVariance[2000]), r.hedgeRatio[2000] === r.hedgeRatio[1999]]).toEqual([true, true, true]);
    expect(Number.isFinite(r.innovation[2001])).toBe(true);
  });

  it('refuses bad options naming them', () => {
    const a = new Float64Array(5);
    expect(() => kalmanHedgeRatio(a, a, { delta: 1 })).toThrow(/delta: must be in \(0, 1\)/);
    expect(() => kalmanHedgeRatio(a, a, { observationVariance: 0 })).toThrow(/observationVariance/);
    expect(() => kalmanHedgeRatio(a, a.subarray(1))).toThrow(StatsInputError);
  });
});

describe('hurstExponent', () => {
  it('is near 0.5 for a random walk, below for a mean-reverting AR(1), above for a trending walk', () => {
    const rng = Xoshiro128.fromSeed(9);
    const n = 20_000;
    const walk = new Float64Array(n);
    const ar = new Float64Array(n);
    const trend = new Float64Array(n);
    let d = 0;
    for (let i = 1; i < n; i++) {
      const e = rng.nextDouble() - 0.5;
      walk[i] = walk[i - 1] + e;
      ar[i] = 0.5 * ar[i - 1] + e;
      d = 0.9 * d + e; // persistent increments
      trend[i] = trend[i - 1] + d;
    }
    expect(Math.abs(hurstExponent(walk).hurst - 0.5)).toBeLessThan(0.05);
    expect(hurstExponent(ar).hurst).toBeLessThan(0.2);
    expect(hurstExponent(trend).hurst).toBeGreaterThan(0.7);
  });

  it('refuses short, non-finite or constant series and a bad maxLag', () => {
    expect(() => hurstExponent(new Float64Array(10), 20)).toThrow(/x: 10 values/);
    expect(() => hurstExponent(Float64Array.from({ length: 30 }, (_, i) => (i === 3 ? NaN : i)))).toThrow(/index 3/);
    expect(() => hurstExponent(Float64Array.from({ length: 30 }, (_, i) => i))).toThrow(/constant/);
    expect(() => hurstExponent(new Float64Array(30), 2)).toThrow(/maxLag/);
  });
});
