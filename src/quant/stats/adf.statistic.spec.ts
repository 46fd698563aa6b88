import { Xoshiro128, normalQuantile } from '../random';
import { adfTest, defaultMaxLag, type AdfRegression } from './adf.statistic';
import { mackinnonCrit, mackinnonP } from './mackinnon.tables';
import { ols } from './ols.regression';
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

/** Brute force: every lag's regression built and fitted with ols() on the maxLag sample. */
function bruteForceSearch(x: Float64Array, regression: AdfRegression, maxLag: number): { aic: number[]; bic: number[]; lastT: number[] } {
  const xd = x.subarray(1).map((v, i) => v - x[i]);
  const nobs = xd.length - maxLag;
  const out = { aic: [] as number[], bic: [] as number[], lastT: [] as number[] };
  for (let p = 0; p <= maxLag; p++) {
    const cols: Float64Array[] = [];
    if (regression !== 'n') cols.push(new Float64Array(nobs).fill(1));
    if (regression === 'ct') cols.push(Float64Array.from({ length: nobs }, (_, i) => i + 1));
    cols.push(Float64Array.from({ length: nobs }, (_, r) => x[maxLag + r]));
    for (let j = 1; j <= p; j++) cols.push(Float64Array.from({ length: nobs }, (_, r) => xd[maxLag + r - j]));
    const fit = ols(xd.subarray(maxLag), cols);
    out.aic.push(fit.aic);
    out.bic.push(fit.bic);
    out.lastT.push(Math.abs(fit.tValues[cols.length - 1]));
  }
  return out;
}

function argmin(v: number[]): number {
  return v.reduce((best, e, i) => (e < v[best] ? i : best), 0);
}

describe('adfTest', () => {
  const walk = normals(600, 11).map((_, i, e) => e.subarray(0, i + 1).reduce((a, b) => a + b, 0));
  const stationary = ar(600, 0.5, 12);

  it.each(['n', 'c', 'ct'] as const)('lag search (%s) equals fitting every lag on the common sample with ols()', (regression) => {
    const maxLag = 8;
    const brute = bruteForceSearch(stationary, regression, maxLag);
    const aic = adfTest(stationary, { regression, autolag: 'aic', maxLag });
    const bic = adfTest(stationary, { regression, autolag: 'bic', maxLag });
    const t = adfTest(stationary, { regression, autolag: 't-stat', maxLag });
    expect(aic.usedLag).toBe(argmin(brute.aic));
    expect(bic.usedLag).toBe(argmin(brute.bic));
    let tLag = maxLag;
    while (tLag > 0 && brute.lastT[tLag] < 1.6448536269514722) tLag--;
    expect(t.usedLag).toBe(tLag);
    expect(Math.abs((aic.icBest as number) - Math.min(...brute.aic))).toBeLessThan(1e-9);
    expect(Math.abs((bic.icBest as number) - Math.min(...brute.bic))).toBeLessThan(1e-9);
    expect(Math.abs((t.icBest as number) - brute.lastT[tLag])).toBeLessThan(1e-9);
  });

  // The incremental re-fit (common-sample cross-products plus the rows before them) against
  // ols() on the full lag-p sample built from scratch; the price-like series sits at a level
  // 5,000 standard deviations of its steps from zero, where the normal equations are
  // ill-conditioned unless the constant is partialled out.
  it.each(['n', 'c', 'ct'] as const)('re-fit (%s) at a lag below maxLag equals ols() on all N - 1 - p rows, also for a price level far from zero', (regression) => {
    const price = walk.map((v) => 5000 + v);
    for (const series of [stationary, walk, price]) {
      const r = adfTest(series, { regression, autolag: 'aic', maxLag: 16 });
      expect(r.usedLag).toBeLessThan(16);
      const p = r.usedLag;
      const xd = series.subarray(1).map((v, i) => v - series[i]);
      const nobs = xd.length - p;
      const cols: Float64Array[] = [Float64Array.from({ length: nobs }, (_, i) => series[p + i])];
      for (let j = 1; j <= p; j++) cols.push(Float64Array.from({ length: nobs }, (_, i) => xd[p + i - j]));
      if (regression !== 'n') cols.push(new Float64Array(nobs).fill(1));
      if (regression === 'ct') cols.push(Float64Array.from({ length: nobs }, (_, i) => i + 1));
      const direct = ols(xd.subarray(p), cols, { hasConstant: regression !== 'n' }).tValues[0];
      expect(r.nobs).toBe(nobs);
      expect(Math.abs(r.statistic - direct)).toBeLessThan(1e-10 * Math.abs(direct));
    }
  });

  it('re-fits the chosen lag on all the rows it allows: nobs = N - 1 - usedLag, and the same τ as a fixed-lag fit', () => {
    const r = adfTest(stationary, { autolag: 'aic', maxLag: 8 });
    expect(r.nobs).toBe(600 - 1 - r.usedLag);
    const fixed = adfTest(stationary, { autolag: 'none', maxLag: r.usedLag });
    // The same regression reached two ways (common-sample cross-products plus the leading rows,
    // or the lag-p sample directly): equal but for rounding.
    expect(Math.abs(fixed.statistic - r.statistic)).toBeLessThan(1e-12 * Math.abs(r.statistic));
    expect(fixed.icBest).toBeNull();
    expect(r.criticalValues).toEqual(mackinnonCrit('c', 1, r.nobs));
    expect(r.pValue).toBe(mackinnonP(r.statistic, 'c', 1));
  });

  it('rejects a unit root for a stationary AR series and not for a random walk (seeded)', () => {
    expect(adfTest(stationary).pValue).toBeLessThan(0.01);
    expect(adfTest(walk).pValue).toBeGreaterThan(0.1);
    expect(adfTest(walk, { regression: 'ct' }).pValue).toBeGreaterThan(0.1);
  });

  it('defaults maxLag to ceil(12·(N/100)^(1/4)), capped at N/2 - ntrend - 1', () => {
    expect(defaultMaxLag(600)).toBe(Math.ceil(12 * Math.pow(6, 0.25)));
    expect(adfTest(stationary).maxLag).toBe(19);
    expect(defaultMaxLag(20, 'ct')).toBe(7);
    expect(defaultMaxLag(3, 'ct')).toBe(-2);
  });

  it('refuses too short, constant and non-finite series and bad options, naming the field', () => {
    const short = thrown(() => adfTest(Float64Array.from([1, 2, 3]), { regression: 'ct' }));
    expect([short.problem, short.field]).toEqual(['TOO_FEW_OBSERVATIONS', 'x']);
    const flat = thrown(() => adfTest(new Float64Array(50).fill(4)));
    expect([flat.problem, flat.field]).toEqual(['CONSTANT_SERIES', 'x']);
    const nan = thrown(() => adfTest(Float64Array.from([1, 2, NaN, 4, 5, 6, 7, 8])));
    expect([nan.problem, nan.field, nan.index]).toEqual(['NON_FINITE_VALUE', 'x', 2]);
    const big = thrown(() => adfTest(stationary, { maxLag: 300 }));
    expect([big.problem, big.field]).toEqual(['BAD_OPTION', 'maxLag']);
    expect(thrown(() => adfTest(stationary, { maxLag: 1.5 })).field).toBe('maxLag');
    expect(thrown(() => adfTest(stationary, { regression: 'ctt' as AdfRegression })).field).toBe('regression');
    expect(thrown(() => adfTest(stationary, { autolag: 'hqic' as 'aic' })).field).toBe('autolag');
  });
});
