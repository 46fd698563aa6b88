import { choleskyFactor, NotPositiveDefiniteError, solveLowerInPlace, solveLowerTransposedInPlace } from './cholesky.decomposition';

/** Row-major product of n×p and p×m matrices. */
function matmul(a: Float64Array, b: Float64Array, n: number, p: number, m: number): Float64Array {
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let k = 0; k < p; k++) c[i * m + j] += a[i * p + k] * b[k * m + j];
  return c;
}

function transpose(a: Float64Array, n: number, m: number): Float64Array {
  const t = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) t[j * n + i] = a[i * m + j];
  return t;
}

describe('choleskyFactor', () => {
  // A = Bᵀ B + I for a fixed B: symmetric positive definite.
  const B = Float64Array.from([2, -1, 0.5, 3, 1, 4, -2, 0.25, 1.5, 0, 2, -1, 0.3, 0.7, -0.9, 5], (v) => v);
  const A = matmul(transpose(B, 4, 4), B, 4, 4, 4).map((v, i) => v + (i % 5 === 0 ? 1 : 0));

  it('factors A = L Lᵀ with L lower triangular', () => {
    const L = choleskyFactor(A, 4);
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) expect(L[i * 4 + j]).toBe(0);
    const back = matmul(L, transpose(L, 4, 4), 4, 4, 4);
    for (let i = 0; i < 16; i++) expect(back[i]).toBeCloseTo(A[i], 12);
  });

  it('a 2x2 by hand: [[4, 2], [2, 5]] = [[2, 0], [1, 2]] [[2, 1], [0, 2]]', () => {
    expect(Array.from(choleskyFactor(Float64Array.from([4, 2, 2, 5]), 2))).toEqual([2, 0, 1, 2]);
  });

  it('solves L X = B and Lᵀ X = B', () => {
    const L = choleskyFactor(A, 4);
    const rhs = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8], (v) => v - 4);
    const x = rhs.slice();
    solveLowerInPlace(L, 4, x, 2);
    const lx = matmul(L, x, 4, 4, 2);
    for (let i = 0; i < 8; i++) expect(lx[i]).toBeCloseTo(rhs[i], 12);
    const y = rhs.slice();
    solveLowerTransposedInPlace(L, 4, y, 2);
    const lty = matmul(transpose(L, 4, 4), y, 4, 4, 2);
    for (let i = 0; i < 8; i++) expect(lty[i]).toBeCloseTo(rhs[i], 12);
  });

  it('refuses a matrix that is not positive definite, naming the pivot', () => {
    let caught: unknown;
    try {
      choleskyFactor(Float64Array.from([1, 2, 2, 1]), 2);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(NotPositiveDefiniteError);
    expect((caught as NotPositiveDefiniteError).pivot).toBe(1);
    expect(() => choleskyFactor(Float64Array.from([0, 0, 0, 1]), 2)).toThrow(NotPositiveDefiniteError);
  });

  it('with minPivotRatio, refuses a Gram matrix of a column that is a combination of others up to rounding', () => {
    const u = [0.3, -1.2, 2.5, 0.7, -0.1];
    const v = [1.1, 0.4, -0.6, 2.2, 0.9];
    const w = u.map((e, i) => 0.1 * e + 0.7 * v[i]); // collinear in exact arithmetic
    const cols = [u, v, w];
    const gram = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) gram[i * 3 + j] = cols[i].reduce((s, e, t) => s + e * cols[j][t], 0);
    expect(() => choleskyFactor(gram, 3, 1e-12)).toThrow(NotPositiveDefiniteError);
    // Nudge w off the plane: accepted.
    const w2 = w.map((e, i) => (i === 2 ? e + 1e-3 : e));
    const cols2 = [u, v, w2];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) gram[i * 3 + j] = cols2[i].reduce((s, e, t) => s + e * cols2[j][t], 0);
    expect(choleskyFactor(gram, 3, 1e-12)[8]).toBeGreaterThan(0);
  });

  it('refuses arrays of the wrong size', () => {
    expect(() => choleskyFactor(new Float64Array(5), 2)).toThrow(RangeError);
    expect(() => solveLowerInPlace(new Float64Array(4), 2, new Float64Array(3), 2)).toThrow(RangeError);
  });
});
