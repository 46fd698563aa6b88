/**
 * Eigen-decomposition of a small dense symmetric matrix by the cyclic Jacobi method (Jacobi
 * 1846; Golub & Van Loan, "Matrix Computations", 4th ed., 8.5.3 "The cyclic Jacobi algorithm",
 * with the rotation of 8.5.2 `symSchur2`; the threshold sweeps of Rutishauser 1966 / Numerical
 * Recipes §11.1). Jacobi is slower than tridiagonal QR for large n but is simple, backward
 * stable, and computes small eigenvalues to high relative accuracy when the matrix is well
 * scaled (Demmel & Veselić 1992), which matters for the Johansen statistics built from
 * log(1 - λ) of eigenvalues near 0. The matrices here are at most 12×12.
 *
 * Row-major Float64Arrays: element (i, j) of an n×n matrix is `a[i * n + j]`. Not mathjs's
 * `eigs`: that works on its own boxed matrices and would convert every call in and out.
 */

export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  readonly values: Float64Array;
  /** n×n row-major; column j (elements `vectors[i * n + j]`) is the unit eigenvector of values[j]. */
  readonly vectors: Float64Array;
}

const MAX_SWEEPS = 100;

/**
 * Eigenvalues (descending) and orthonormal eigenvectors (columns) of the symmetric n×n `a`.
 * Only the upper triangle is read. Converges quadratically; stops when the off-diagonal part
 * is below rounding relative to the diagonal (at most MAX_SWEEPS sweeps, far more than any
 * well-formed input needs: 6-10 sweeps for n ≤ 12).
 */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  if (a.length !== n * n) throw new RangeError(`symmetricEigen: ${a.length} elements is not ${n}x${n}`);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) m[i * n + j] = m[j * n + i] = a[i * n + j];
  for (let i = 0; i < n * n; i++) if (!Number.isFinite(m[i])) throw new RangeError('symmetricEigen: matrix has a non-finite element');
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;

  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] * m[p * n + q];
    if (off === 0) break;
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        const app = m[p * n + p];
        const aqq = m[q * n + q];
        // Skip an element already negligible next to both diagonal entries (it cannot change
        // them in floating point); zero it so the sweep converges.
        if (Math.abs(apq) <= Number.EPSILON * 0.5 * Math.sqrt(Math.abs(app * aqq)) || apq === 0) {
          if (apq !== 0) m[p * n + q] = m[q * n + p] = 0;
          continue;
        }
        rotated = true;
        // symSchur2: the rotation (c, s) that zeroes m[p][q]; t is the smaller root of
        // t² + 2τt - 1 = 0 (|θ| ≤ π/4), computed without cancellation.
        const tau = (aqq - app) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        m[p * n + q] = m[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
    if (!rotated) break;
  }

  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j] - m[i * n + i] || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    values[to] = m[from * n + from];
    for (let i = 0; i < n; i++) vectors[i * n + to] = v[i * n + from];
  });
  return { values, vectors };
}
