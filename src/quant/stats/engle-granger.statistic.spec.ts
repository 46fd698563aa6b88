import { Xoshiro128, normalQuantile } from '../random';
import { engleGranger } from './engle-granger.statistic';
import { halfLife } from './half-life.statistic';
import { mackinnonCrit } from './mackinnon.tables';
import { StatsInputError } from './stats-input.error';

/** Seeded N(0, 1) draws by inversion. */
function normals(n: number, seed: number): Float64Array {
  const rng = Xoshiro128.fromSeed(seed);
  return Float64Array.from({ length: n }, () => normalQuantile(rng.nextDouble()));
}

/** x_t = φ·x_{t-1} + 0.3·x_{t-1}-difference + e_t (an AR(2) in levels: serial correlation for the lag search). */
function ar(n: number, phi: number, seed: number): Float64Array {
  const e = normals(n, seed);
  const x = new Float64Array(n);
  for (let t = 2; t < n; t++) x[t] = phi * x[t - 1] + 0.3 * (x[t - 1] - x[t - 2]) + e[t];
  return x;
}

function thrown(fn: () => unknown): StatsInputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatsInputError) return err;
    throw err;
  }
  throw new Error('expected a StatsInputError');
}

describe('engleGranger and halfLife', () => {
  const x = normals(800, 21).map((_, i, e) => 50 + e.subarray(0, i + 1).reduce((a, b) => a + b, 0));
  const spread = ar(800, 0.9, 22);
  const y = x.map((v, i) => 10 + 1.5 * v + spread[i]);

  it('finds the cointegrated pair: hedge ratio near 1.5, small p-value, half-life of the AR spread', () => {
    const r = engleGranger(y, x);
    expect(Math.abs(r.hedgeRatio - 1.5)).toBeLessThan(0.05);
    expect(r.pValue).toBeLessThan(0.01);
    expect(r.criticalValues).toEqual(mackinnonCrit('c', 2, 799));
    // The residual spread's own regression of Δs on (1, s(t-1)).
    const s = y.map((v, i) => v - r.intercept - r.hedgeRatio * x[i]);
    const hl = halfLife(s);
    expect(r.halfLife).toBeCloseTo(hl.halfLife, 9);
    expect(hl.halfLife).toBeCloseTo(-Math.LN2 / hl.lambda, 12);
    // φ_eff ≈ 0.9 + 0.3 momentum: slow reversion, a half-life of some bars.
    expect(hl.halfLife).toBeGreaterThan(2);
    expect(hl.halfLife).toBeLessThan(40);
  });

  it('does not find cointegration between independent random walks', () => {
    const other = normals(800, 23).map((_, i, e) => e.subarray(0, i + 1).reduce((a, b) => a + b, 0));
    expect(engleGranger(other, x).pValue).toBeGreaterThan(0.05);
  });

  it('a perfect fit reports τ = -Infinity and p = 0 (statsmodels skips the ADF), half-life 0', () => {
    const r = engleGranger(x.map((v) => 2 * v + 1), x);
    expect([r.statistic, r.pValue, r.usedLag, r.halfLife]).toEqual([-Infinity, 0, null, 0]);
    expect(thrown(() => engleGranger(x.map((v) => 2 * v + 1), x, { maxLag: 1000 })).field).toBe('maxLag');
  });

  it('half-life is Infinity when the spread does not revert', () => {
    const explode = Float64Array.from({ length: 100 }, (_, i) => Math.pow(1.05, i) + (i % 3));
    expect(halfLife(explode).halfLife).toBe(Infinity);
  });

  it('refuses mismatched, short, constant and non-finite input, naming the field', () => {
    expect(thrown(() => engleGranger(y, x.subarray(1))).field).toBe('x');
    expect(thrown(() => engleGranger(Float64Array.from([1, 2, 3]), Float64Array.from([1, 3, 2]))).problem).toBe('TOO_FEW_OBSERVATIONS');
    expect(thrown(() => engleGranger(y, new Float64Array(800).fill(2))).problem).toBe('CONSTANT_SERIES');
    const bad = Float64Array.from(y);
    bad[5] = Infinity;
    expect([thrown(() => engleGranger(bad, x)).field, thrown(() => engleGranger(bad, x)).index]).toEqual(['y', 5]);
    expect(thrown(() => halfLife(Float64Array.from([1, 2]))).problem).toBe('TOO_FEW_OBSERVATIONS');
    expect(thrown(() => halfLife(new Float64Array(10).fill(3))).problem).toBe('CONSTANT_SERIES');
  });
});
