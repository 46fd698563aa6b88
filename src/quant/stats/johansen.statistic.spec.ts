import { normalQuantile, Xoshiro128 } from '../random';
import { JohansenInputError, johansenTest, type JohansenInputProblem, type JohansenOptions } from './johansen.statistic';

/** Standard normal draws by inversion (seeded, so every run sees the same series). */
function normals(rng: Xoshiro128, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => normalQuantile((rng.nextUint32() + 0.5) / 4294967296));
}

function randomWalk(rng: Xoshiro128, n: number, start = 100): Float64Array {
  const e = normals(rng, n);
  const x = new Float64Array(n);
  let level = start;
  for (let i = 0; i < n; i++) x[i] = level += e[i];
  return x;
}

/** x a random walk, y = 2x + AR(1) noise (φ = 0.5): x - 0.5·y is stationary, β ∝ [1, -0.5] in (x, y) order. */
function cointegratedPair(seed: number, n: number): { x: Float64Array; y: Float64Array } {
  const rng = Xoshiro128.fromSeed(seed);
  const x = randomWalk(rng, n);
  const e = normals(rng, n);
  const y = new Float64Array(n);
  let u = 0;
  for (let i = 0; i < n; i++) {
    u = 0.5 * u + e[i];
    y[i] = 2 * x[i] + u;
  }
  return { x, y };
}

function expectProblem(f: () => unknown, problem: JohansenInputProblem, field: string, index?: number): void {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(JohansenInputError);
    const e = err as JohansenInputError;
    expect({ problem: e.problem, field: e.field, index: e.index }).toEqual({ problem, field, index });
    expect(e.message.startsWith(`${field}: `)).toBe(true);
    return;
  }
  throw new Error(`expected JohansenInputError ${problem}`);
}

describe('johansenTest', () => {
  it('finds rank 1 in a cointegrated pair (y = 2x + noise), eigenvector [1, -0.5] in (x, y) order', () => {
    const { x, y } = cointegratedPair(20261201, 1500);
    const res = johansenTest([x, y], { detOrder: 0, kArDiff: 1 });
    expect(res.rank).toBe(1);
    expect(res.rankMaxEig).toBe(1);
    expect(res.traceStat[0]).toBeGreaterThan(res.traceCrit[0][2]); // rank 0 rejected at 99%
    expect(res.traceStat[1]).toBeLessThan(res.traceCrit[1][1]);
    // x - 0.5·y = -0.5·u is stationary: β = [1, -0.5] in (x, y) order.
    expect(res.eigenvectors[0][0]).toBe(1);
    expect(res.eigenvectors[0][1]).toBeCloseTo(-0.5, 2);
    // Order does not matter: in (y, x) order the same relation is [1, -2].
    const swapped = johansenTest([y, x], { detOrder: 0, kArDiff: 1 });
    expect(swapped.eigenvectors[0][1]).toBeCloseTo(-2, 1);
    for (let j = 0; j < 2; j++) expect(swapped.eigenvalues[j]).toBeCloseTo(res.eigenvalues[j], 12);
  });

  it('finds rank 0 in two independent random walks', () => {
    const rng = Xoshiro128.fromSeed(7);
    const res = johansenTest([randomWalk(rng, 1500), randomWalk(rng, 1500)], { detOrder: 0, kArDiff: 1 });
    expect(res.rank).toBe(0);
    expect(res.traceStat[0]).toBeLessThan(res.traceCrit[0][1]);
  });

  it('holds the definitions: trace is the tail sum of max-eig, eigenvalues descending in [0, 1), crit rows by k - r', () => {
    const rng = Xoshiro128.fromSeed(11);
    const cols = [randomWalk(rng, 400), randomWalk(rng, 400), randomWalk(rng, 400)];
    for (const detOrder of [-1, 0, 1] as const) {
      const res = johansenTest(cols, { detOrder, kArDiff: 2 });
      expect(res.nobs).toBe(400 - 1 - 2);
      for (let r = 0; r < 3; r++) {
        expect(res.eigenvalues[r]).toBeGreaterThanOrEqual(0);
        expect(res.eigenvalues[r]).toBeLessThan(1);
        if (r > 0) expect(res.eigenvalues[r]).toBeLessThanOrEqual(res.eigenvalues[r - 1]);
        expect(res.maxEigStat[r]).toBeCloseTo(-res.nobs * Math.log(1 - res.eigenvalues[r]), 10);
        let tail = 0;
        for (let i = r; i < 3; i++) tail += res.maxEigStat[i];
        expect(res.traceStat[r]).toBeCloseTo(tail, 10);
      }
      expect(res.traceCrit[2]).toEqual(res.maxEigCrit[2]); // one common trend: the same statistic
    }
  });

  it('is invariant to the units of a series: eigenvalues unchanged, that element of each vector rescaled', () => {
    const rng = Xoshiro128.fromSeed(3);
    const a = randomWalk(rng, 600);
    const b = randomWalk(rng, 600);
    const c = Float64Array.from(a, (v, i) => 0.7 * v - 0.3 * b[i] + 0.5 * Math.sin(i));
    const base = johansenTest([a, b, c], { detOrder: 1, kArDiff: 1 });
    const scaled = johansenTest([a, b.map((v) => v * 100), c], { detOrder: 1, kArDiff: 1 });
    for (let j = 0; j < 3; j++) {
      expect(scaled.eigenvalues[j] / base.eigenvalues[j]).toBeCloseTo(1, 9);
      expect(scaled.eigenvectors[j][1] * 100).toBeCloseTo(base.eigenvectors[j][1], 6);
      expect(scaled.eigenvectors[j][2]).toBeCloseTo(base.eigenvectors[j][2], 6);
    }
  });

  it('with kArDiff 0 regresses Δx_t on x_t, as statsmodels 0.13.5 does (lx = endog[1:])', () => {
    // Direct 2x2 computation: R0 = demeaned Δx_t, R1 = demeaned x_t, t = 1..n-1, and the roots of
    // det(S10 S00⁻¹ S01 - λ S11) = 0.
    const { x, y } = cointegratedPair(99, 300);
    const res = johansenTest([x, y], { detOrder: 0, kArDiff: 0 });
    const roots = (lagLevel: boolean): number[] => {
      const T = x.length - 1;
      const r0 = [new Float64Array(T), new Float64Array(T)];
      const r1 = [new Float64Array(T), new Float64Array(T)];
      [x, y].forEach((s, j) => {
        for (let t = 1; t <= T; t++) {
          r0[j][t - 1] = s[t] - s[t - 1];
          r1[j][t - 1] = lagLevel ? s[t - 1] : s[t];
        }
      });
      const demean = (v: Float64Array): void => {
        const mu = v.reduce((acc, e) => acc + e, 0) / v.length;
        for (let i = 0; i < v.length; i++) v[i] -= mu;
      };
      [...r0, ...r1].forEach(demean);
      const dot = (u: Float64Array, v: Float64Array): number => u.reduce((acc, e, i) => acc + e * v[i], 0) / T;
      const s00 = [[dot(r0[0], r0[0]), dot(r0[0], r0[1])], [dot(r0[1], r0[0]), dot(r0[1], r0[1])]];
      const s10 = [[dot(r1[0], r0[0]), dot(r1[0], r0[1])], [dot(r1[1], r0[0]), dot(r1[1], r0[1])]];
      const s11 = [[dot(r1[0], r1[0]), dot(r1[0], r1[1])], [dot(r1[1], r1[0]), dot(r1[1], r1[1])]];
      const det00 = s00[0][0] * s00[1][1] - s00[0][1] * s00[1][0];
      const inv00 = [[s00[1][1] / det00, -s00[0][1] / det00], [-s00[1][0] / det00, s00[0][0] / det00]];
      // A = S10 S00⁻¹ S01 (S01 = S10ᵀ)
      const a = [0, 1].map((i) => [0, 1].map((j) => [0, 1].reduce((acc, p) => acc + [0, 1].reduce((acc2, q) => acc2 + s10[i][p] * inv00[p][q] * s10[j][q], 0), 0)));
      // det(A - λB) = 0 → (b00 b11 - b01²) λ² - (a00 b11 + a11 b00 - 2 a01 b01) λ + det A = 0
      const qa = s11[0][0] * s11[1][1] - s11[0][1] ** 2;
      const qb = -(a[0][0] * s11[1][1] + a[1][1] * s11[0][0] - 2 * a[0][1] * s11[0][1]);
      const qc = a[0][0] * a[1][1] - a[0][1] ** 2;
      const disc = Math.sqrt(qb * qb - 4 * qa * qc);
      return [(-qb + disc) / (2 * qa), (-qb - disc) / (2 * qa)];
    };
    const current = roots(false);
    const lagged = roots(true);
    for (let j = 0; j < 2; j++) expect(res.eigenvalues[j] / current[j]).toBeCloseTo(1, 9);
    expect(Math.abs(res.eigenvalues[1] / lagged[1] - 1)).toBeGreaterThan(1e-3); // x_{t-1} is another model
  });

  it('accepts 12 series (the largest table) and refuses 13', () => {
    const rng = Xoshiro128.fromSeed(5);
    const cols = Array.from({ length: 13 }, () => randomWalk(rng, 300));
    const res = johansenTest(cols.slice(0, 12), { detOrder: -1, kArDiff: 1 });
    expect(res.traceCrit[0]).toEqual([302.9054, 311.1288, 326.9716]); // c_sjt(12, -1)
    expect(res.eigenvectors).toHaveLength(12);
    expectProblem(() => johansenTest(cols), 'TOO_MANY_COLUMNS', 'columns');
  });

  it('refuses bad input with typed errors naming the field', () => {
    const { x, y } = cointegratedPair(1, 200);
    expectProblem(() => johansenTest([x]), 'TOO_FEW_COLUMNS', 'columns');
    expectProblem(() => johansenTest([]), 'TOO_FEW_COLUMNS', 'columns');
    expectProblem(() => johansenTest([x, y.subarray(1)]), 'LENGTH_MISMATCH', 'columns[1]');
    const withNaN = y.slice();
    withNaN[17] = NaN;
    expectProblem(() => johansenTest([x, withNaN]), 'NON_FINITE_VALUE', 'columns[1]', 17);
    const withInf = x.slice();
    withInf[3] = Infinity;
    expectProblem(() => johansenTest([withInf, y]), 'NON_FINITE_VALUE', 'columns[0]', 3);
    expectProblem(() => johansenTest([x, y], { detOrder: 2 } as unknown as JohansenOptions), 'BAD_OPTION', 'detOrder');
    expectProblem(() => johansenTest([x, y], { kArDiff: -1 }), 'BAD_OPTION', 'kArDiff');
    expectProblem(() => johansenTest([x, y], { kArDiff: 1.5 }), 'BAD_OPTION', 'kArDiff');
    // 2 series, kArDiff 1, a constant: 2 + 1 regressors + 2 + 2 + 1 = 8 rows at least.
    expectProblem(() => johansenTest([x.subarray(0, 7), y.subarray(0, 7)]), 'TOO_FEW_ROWS', 'columns');
    expect(johansenTest([x.subarray(0, 8), y.subarray(0, 8)]).nobs).toBe(6);
  });

  it('refuses collinear series (singular S11) and a constant series', () => {
    const rng = Xoshiro128.fromSeed(8);
    const a = randomWalk(rng, 300);
    const b = randomWalk(rng, 300);
    const sum = Float64Array.from(a, (v, i) => v + 3 * b[i]);
    expectProblem(() => johansenTest([a, b, sum], { detOrder: 0, kArDiff: 1 }), 'SINGULAR_MOMENTS', 'columns');
    expectProblem(() => johansenTest([a, b, sum], { detOrder: -1, kArDiff: 0 }), 'SINGULAR_MOMENTS', 'columns');
    expectProblem(() => johansenTest([a, new Float64Array(300).fill(5)], { detOrder: 0, kArDiff: 0 }), 'SINGULAR_MOMENTS', 'columns');
  });
});
