/**
 * Cholesky factorisation A = L·Lᵀ of a small dense symmetric positive definite matrix, and the
 * triangular solves that go with it (Golub & Van Loan, "Matrix Computations", 4th ed., 4.2.5,
 * the gaxpy Cholesky; 3.1 forward and back substitution). Matrices are row-major Float64Arrays:
 * element (i, j) of an n×m matrix is `a[i * m + j]`.
 *
 * Written here rather than taken from mathjs: the callers (the Johansen test) hold their moment
 * matrices in Float64Arrays, and need to know *which* pivot failed and by how much, to refuse a
 * singular input with a typed error instead of returning NaN.
 */

/** The matrix is not (numerically) positive definite: pivot `pivot` failed. */
export class NotPositiveDefiniteError extends Error {
  constructor(
    /** Row/column at which the factorisation stopped. */
    readonly pivot: number,
    /** L[pivot][pivot]² / A[pivot][pivot]: 1 - R² of that column on the previous ones (≤ 0 or tiny). */
    readonly pivotRatio: number,
  ) {
    super(`matrix is not positive definite at pivot ${pivot} (relative pivot ${pivotRatio})`);
    this.name = 'NotPositiveDefiniteError';
  }
}

/**
 * Lower-triangular L (n×n, zeros above the diagonal) with A = L·Lᵀ. Only the lower triangle of
 * `a` is read.
 *
 * `minPivotRatio`: a pivot d_j = A_jj - Σ_k L_jk² is accepted only if d_j > minPivotRatio·A_jj.
 * For a Gram matrix d_j / A_jj is 1 - R² of column j regressed on the columns before it, so a
 * ratio of 1e-12 refuses columns that are linear combinations of the others up to rounding,
 * where a plain d_j > 0 test would accept a pivot made of rounding noise.
 */
export function choleskyFactor(a: Float64Array, n: number, minPivotRatio = 0): Float64Array {
  if (a.length !== n * n) throw new RangeError(`choleskyFactor: ${a.length} elements is not ${n}x${n}`);
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const ajj = a[j * n + j];
    let d = ajj;
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    const ratio = ajj > 0 ? d / ajj : d > 0 ? 1 : -Infinity;
    if (!(d > 0) || !(ratio > minPivotRatio)) throw new NotPositiveDefiniteError(j, ratio);
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Solves L·X = B in place (B is n×m, overwritten by X), L lower-triangular n×n. */
export function solveLowerInPlace(l: Float64Array, n: number, b: Float64Array, m: number): void {
  if (b.length !== n * m) throw new RangeError(`solveLowerInPlace: ${b.length} elements is not ${n}x${m}`);
  for (let i = 0; i < n; i++) {
    const lii = l[i * n + i];
    for (let c = 0; c < m; c++) {
      let s = b[i * m + c];
      for (let k = 0; k < i; k++) s -= l[i * n + k] * b[k * m + c];
      b[i * m + c] = s / lii;
    }
  }
}

/** Solves Lᵀ·X = B in place (B is n×m, overwritten by X), L lower-triangular n×n. */
export function solveLowerTransposedInPlace(l: Float64Array, n: number, b: Float64Array, m: number): void {
  if (b.length !== n * m) throw new RangeError(`solveLowerTransposedInPlace: ${b.length} elements is not ${n}x${m}`);
  for (let i = n - 1; i >= 0; i--) {
    const lii = l[i * n + i];
    for (let c = 0; c < m; c++) {
      let s = b[i * m + c];
      for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k * m + c];
      b[i * m + c] = s / lii;
    }
  }
}
