import { Xoshiro128 } from '../../random';
import { symmetricEigen } from './symmetric-eigen.decomposition';

function randomSymmetric(seed: number, n: number): Float64Array {
  const rng = Xoshiro128.fromSeed(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.nextDouble() * 2 - 1;
  return a;
}

describe('symmetricEigen', () => {
  it('a 2x2 by hand: [[2, 1], [1, 2]] has eigenvalues 3 and 1, vectors (1, 1)/√2 and (1, -1)/√2', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(3, 15);
    expect(values[1]).toBeCloseTo(1, 15);
    expect(Math.abs(vectors[0])).toBeCloseTo(Math.SQRT1_2, 15);
    expect(vectors[0] * vectors[2]).toBeCloseTo(0.5, 15); // same sign: (1, 1)
    expect(vectors[1] * vectors[3]).toBeCloseTo(-0.5, 15); // opposite signs: (1, -1)
  });

  it.each([3, 7, 12])('decomposes a random symmetric %ix%i: A V = V Λ, Vᵀ V = I, descending', (n) => {
    const a = randomSymmetric(n, n);
    const { values, vectors } = symmetricEigen(a, n);
    for (let j = 1; j < n; j++) expect(values[j]).toBeLessThanOrEqual(values[j - 1]);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i];
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 12);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let av = 0;
        let vtv = 0;
        for (let k = 0; k < n; k++) {
          av += a[i * n + k] * vectors[k * n + j];
          vtv += vectors[k * n + i] * vectors[k * n + j];
        }
        expect(av).toBeCloseTo(values[j] * vectors[i * n + j], 12);
        expect(vtv).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('keeps small eigenvalues to relative accuracy: diag(1, 1e-6, 1e-12) rotated', () => {
    // Q diag(d) Qᵀ with Q a Givens rotation in the (0, 1) plane: the 1e-12 eigenvalue is exact.
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const d = [1, 1e-6, 1e-12];
    const a = Float64Array.from([c * c * d[0] + s * s * d[1], c * s * (d[0] - d[1]), 0, c * s * (d[0] - d[1]), s * s * d[0] + c * c * d[1], 0, 0, 0, d[2]]);
    const { values } = symmetricEigen(a, 3);
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1] / 1e-6).toBeCloseTo(1, 8);
    expect(values[2]).toBe(1e-12);
  });

  it('returns a diagonal matrix as it is, sorted', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([1, 0, 0, 0, 5, 0, 0, 0, 3]), 3);
    expect(Array.from(values)).toEqual([5, 3, 1]);
    expect(Array.from(vectors)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
  });

  it('refuses a wrong size or a non-finite element', () => {
    expect(() => symmetricEigen(new Float64Array(5), 2)).toThrow(RangeError);
    expect(() => symmetricEigen(Float64Array.from([1, NaN, NaN, 1]), 2)).toThrow(RangeError);
  });
});
