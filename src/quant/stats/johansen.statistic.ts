/**
 * Johansen's cointegration rank test (Johansen 1988, "Statistical analysis of cointegration
 * vectors", J. Economic Dynamics and Control 12; Johansen 1991, Econometrica 59(6)), computed
 * as statsmodels 0.13.5 `statsmodels.tsa.vector_ar.vecm.coint_johansen(endog, det_order,
 * k_ar_diff)` computes it, step for step:
 *
 * 1. Levels x (n rows, k variables). det_order 0: each column demeaned; det_order 1: each
 *    column minus its full-sample OLS line on [linspace(-1, 1, n), 1] (coint_johansen's local
 *    `detrend`, OLS on `np.vander(np.linspace(-1, 1, n), det_order + 1)`; not tsatools.detrend);
 *    det_order -1: untouched.
 * 2. Δx_t = x_t - x_{t-1}; the lagged differences Δx_{t-1} .. Δx_{t-k_ar_diff} (statsmodels'
 *    `lagmat`); the level regressor is statsmodels' `lx = endog[1 : n - k_ar_diff]`, which is
 *    x_{t-k_ar_diff} in the row of Δx_t. For k_ar_diff ≥ 1 that spans the same space as
 *    x_{t-1} once the lagged differences are partialled out (x_{t-1} - x_{t-k} is a sum of
 *    them), so the results equal urca's ca.jo for either `spec`. For k_ar_diff = 0 it is x_t,
 *    not x_{t-1}: statsmodels 0.13.5 regresses Δx_t on x_t there, and so does this function
 *    (verified: the eigenvalues with x_{t-1} differ; a spec pins it). T = n - 1 - k_ar_diff rows.
 * 3. For det_order 0 or 1 (statsmodels' `f = 0`), Δx_t, the lagged differences and the level
 *    regressor are each demeaned over the T rows (an unrestricted constant, as urca's
 *    ecdet = "none"); for det_order -1 nothing is.
 * 4. R0 and R1: residuals of Δx_t and of the level regressor on the lagged differences. Here,
 *    linear in n: one pass accumulates the centred cross-product matrix M of [Δx | level |
 *    lagged Δx] (after a pass for the means), then S = (M_aa - M_az M_zz⁻¹ M_za) / T (the
 *    partial moments, Frisch-Waugh-Lovell; M_zz by Cholesky): S00 = R0'R0/T, S01 = R0'R1/T,
 *    S11 = R1'R1/T, statsmodels' s00, sk0', skk.
 * 5. The eigenvalues λ of S11⁻¹ S10 S00⁻¹ S01 (squared canonical correlations of R0 and R1),
 *    solved in symmetric form: S11 = L Lᵀ, S00 = C Cᵀ, K = L⁻¹ S10 C⁻ᵀ, K Kᵀ w = λ w (cyclic
 *    Jacobi), v = L⁻ᵀ w, so v' S11 v = 1 as statsmodels' `evec` (its `inv(cholesky(du' skk
 *    du))` step). statsmodels uses np.linalg.eig on the non-symmetric product; on the reference
 *    data the eigenvalues and statistics agree with it to 5e-12 relative, the eigenvectors to
 *    1.1e-11 of their largest element (with urca: 1.3e-12, 3e-12).
 * 6. Eigenvalues sorted descending; trace(r) = -T Σ_{i ≥ r} ln(1 - λ_i), max-eig(r) =
 *    -T ln(1 - λ_r), r = 0 .. k-1 (statsmodels `lr1`, `lr2`); critical values `c_sjt(k - r,
 *    det_order)`, `c_sja(k - r, det_order)` (johansen.tables.ts).
 *
 * Reported beyond statsmodels' attributes: each eigenvector divided by its first element (the
 * normalisation urca's ca.jo prints), and the rank at 95%. Reference specs:
 * test/stats-johansen-reference.spec.ts against statsmodels and urca fixtures.
 */
import { choleskyFactor, NotPositiveDefiniteError, solveLowerInPlace, solveLowerTransposedInPlace } from './linalg/cholesky.decomposition';
import { symmetricEigen } from './linalg/symmetric-eigen.decomposition';
import { JOHANSEN_MAX_VARIABLES, johansenMaxEigCritical, johansenTraceCritical, type JohansenCriticalValues, type JohansenDetOrder } from './johansen.tables';

export { JOHANSEN_MAX_VARIABLES, type JohansenCriticalValues, type JohansenDetOrder } from './johansen.tables';

/** Why the input was refused. */
export type JohansenInputProblem =
  | 'TOO_FEW_COLUMNS'
  | 'TOO_MANY_COLUMNS'
  | 'LENGTH_MISMATCH'
  | 'NON_FINITE_VALUE'
  | 'TOO_FEW_ROWS'
  | 'BAD_OPTION'
  | 'SINGULAR_MOMENTS';

/**
 * Input the Johansen test cannot be computed from. `field` names the argument at fault
 * (`columns`, `columns[2]`, `detOrder`, `kArDiff`); `index` is the offending row, when there is
 * one. Pure code: callers (CLI, services) map it to their own errors.
 */
export class JohansenInputError extends Error {
  constructor(
    readonly problem: JohansenInputProblem,
    readonly field: string,
    message: string,
    readonly index?: number,
  ) {
    super(`${field}: ${message}`);
    this.name = 'JohansenInputError';
  }
}

export interface JohansenOptions {
  /** Deterministic terms (statsmodels det_order): -1 none, 0 constant (default), 1 constant and linear trend. */
  readonly detOrder?: JohansenDetOrder;
  /** Lagged differences in the VECM (statsmodels k_ar_diff; urca's K - 1). Integer ≥ 0, default 1. */
  readonly kArDiff?: number;
}

export interface JohansenResult {
  /** k, the number of series. */
  readonly variables: number;
  /** T = n - 1 - kArDiff, the rows of the auxiliary regressions (statsmodels `rkt.shape[0]`). */
  readonly nobs: number;
  readonly detOrder: JohansenDetOrder;
  readonly kArDiff: number;
  /** λ_0 ≥ λ_1 ≥ ... ≥ λ_{k-1}, in [0, 1) (statsmodels `eig`). */
  readonly eigenvalues: Float64Array;
  /** Trace statistic for H0: rank ≤ r, r = 0 first (statsmodels `lr1`). */
  readonly traceStat: Float64Array;
  /** Maximum-eigenvalue statistic for H0: rank = r against r + 1, r = 0 first (statsmodels `lr2`). */
  readonly maxEigStat: Float64Array;
  /** [90%, 95%, 99%] critical values of traceStat[r] (statsmodels `cvt`). */
  readonly traceCrit: readonly JohansenCriticalValues[];
  /** [90%, 95%, 99%] critical values of maxEigStat[r] (statsmodels `cvm`). */
  readonly maxEigCrit: readonly JohansenCriticalValues[];
  /**
   * eigenvectors[j] is the cointegrating vector of eigenvalues[j] (column j of statsmodels'
   * `evec`) divided by its first element, so eigenvectors[j][0] = 1 and Σ_i v_i x_i is the
   * relation in units of the first series. If that first element is exactly 0 (the first series
   * is not in the relation) the vector cannot be scaled so: it is left as in
   * `eigenvectorsNormalized`, and its first element 0 (not 1) says so.
   */
  readonly eigenvectors: readonly Float64Array[];
  /**
   * The same vectors as statsmodels' `evec` columns: v' S11 v = 1. Signs: each vector's first
   * non-zero element is positive (statsmodels multiplies the whole matrix by the sign of its
   * first element, leaving the other columns' signs as LAPACK's eig returns them).
   */
  readonly eigenvectorsNormalized: readonly Float64Array[];
  /**
   * Cointegration rank chosen at 95% by the trace test (Johansen's sequential procedure): the
   * first r whose traceStat[r] is below its 95% critical value, k if none is. The trace test is
   * the one Johansen (1995, ch. 12) and Lütkepohl (2005, 8.2) recommend for the sequence, and
   * what statsmodels' `select_coint_rank` uses by default (method "trace").
   */
  readonly rank: number;
  /** The same sequence with the maximum-eigenvalue statistics and their 95% values. */
  readonly rankMaxEig: number;
}

/**
 * A pivot of a moment matrix below this fraction of its diagonal element (1 - R² of a column on
 * the ones before it under 1e-12) is a singular matrix: collinear columns, where statsmodels'
 * `inv` would return numbers made of rounding errors.
 */
const MIN_PIVOT_RATIO = 1e-12;

function validate(columns: readonly Float64Array[], options: JohansenOptions): { n: number; detOrder: JohansenDetOrder; kArDiff: number } {
  const detOrder = options.detOrder ?? 0;
  if (detOrder !== -1 && detOrder !== 0 && detOrder !== 1) throw new JohansenInputError('BAD_OPTION', 'detOrder', `${String(detOrder)} is not -1, 0 or 1 (the cases with critical values)`);
  const kArDiff = options.kArDiff ?? 1;
  if (!Number.isInteger(kArDiff) || kArDiff < 0) throw new JohansenInputError('BAD_OPTION', 'kArDiff', `${String(kArDiff)} is not an integer ≥ 0`);
  const k = columns.length;
  if (k < 2) throw new JohansenInputError('TOO_FEW_COLUMNS', 'columns', `${k} series; the test needs at least 2`);
  if (k > JOHANSEN_MAX_VARIABLES) throw new JohansenInputError('TOO_MANY_COLUMNS', 'columns', `${k} series; critical values exist for at most ${JOHANSEN_MAX_VARIABLES}`);
  const n = columns[0].length;
  for (let j = 0; j < k; j++) {
    const col = columns[j];
    if (col.length !== n) throw new JohansenInputError('LENGTH_MISMATCH', `columns[${j}]`, `${col.length} values, columns[0] has ${n}`);
    for (let i = 0; i < n; i++) if (!Number.isFinite(col[i])) throw new JohansenInputError('NON_FINITE_VALUE', `columns[${j}]`, `value at row ${i} is ${col[i]}`, i);
  }
  // The residual moment matrices (k×k) need more residual degrees of freedom than k: T rows
  // less the k·kArDiff lagged differences and the constant.
  const regressors = k * kArDiff + (detOrder >= 0 ? 1 : 0);
  const needed = regressors + k + 2 + kArDiff;
  if (n < needed) throw new JohansenInputError('TOO_FEW_ROWS', 'columns', `${n} rows; ${k} series with kArDiff ${kArDiff} and detOrder ${detOrder} need at least ${needed}`);
  return { n, detOrder, kArDiff };
}

/** Levels, row-major n×k, detrended as coint_johansen's `detrend(endog, det_order)`. */
function detrendedLevels(columns: readonly Float64Array[], n: number, detOrder: JohansenDetOrder): Float64Array {
  const k = columns.length;
  const y = new Float64Array(n * k);
  // np.linspace(-1, 1, n): -1 + i·step, step = 2 / (n - 1), the last point exactly 1.
  const step = 2 / (n - 1);
  let sMean = 0;
  for (let i = 0; i < n; i++) sMean += i === n - 1 ? 1 : -1 + i * step;
  sMean /= n;
  let sss = 0;
  for (let i = 0; i < n; i++) {
    const s = (i === n - 1 ? 1 : -1 + i * step) - sMean;
    sss += s * s;
  }
  for (let j = 0; j < k; j++) {
    const col = columns[j];
    let mean = 0;
    if (detOrder >= 0) {
      for (let i = 0; i < n; i++) mean += col[i];
      mean /= n;
    }
    let slope = 0;
    if (detOrder === 1) {
      // OLS of y on [s, 1]: slope Σ(s - s̄)(y - ȳ) / Σ(s - s̄)², intercept ȳ - slope·s̄.
      let sxy = 0;
      for (let i = 0; i < n; i++) sxy += ((i === n - 1 ? 1 : -1 + i * step) - sMean) * (col[i] - mean);
      slope = sxy / sss;
    }
    for (let i = 0; i < n; i++) y[i * k + j] = col[i] - mean - (detOrder === 1 ? slope * ((i === n - 1 ? 1 : -1 + i * step) - sMean) : 0);
  }
  return y;
}

/**
 * Fills `w` with row r of [Δx_t | level | Δx_{t-1} .. Δx_{t-kArDiff}] (t = r + kArDiff in the
 * differences, level = statsmodels' lx row r = y[r + 1]).
 */
function fillRow(y: Float64Array, k: number, kArDiff: number, r: number, w: Float64Array): void {
  const t = r + kArDiff; // Δ index: Δ[t] = y[t + 1] - y[t]
  for (let j = 0; j < k; j++) {
    w[j] = y[(t + 1) * k + j] - y[t * k + j];
    w[k + j] = y[(r + 1) * k + j];
  }
  for (let lag = 1; lag <= kArDiff; lag++) {
    const base = 2 * k + (lag - 1) * k;
    const u = t - lag;
    for (let j = 0; j < k; j++) w[base + j] = y[(u + 1) * k + j] - y[u * k + j];
  }
}

function singular(which: string, err: NotPositiveDefiniteError): JohansenInputError {
  return new JohansenInputError(
    'SINGULAR_MOMENTS',
    'columns',
    `${which} is singular at column ${err.pivot} (1 - R² = ${err.pivotRatio.toPrecision(3)}): some series (or their differences) are linear combinations of the others`,
  );
}

/**
 * The Johansen trace and maximum-eigenvalue tests of `columns` (k series of n levels, the same
 * length, k = 2..12, finite), as statsmodels 0.13.5 `coint_johansen(endog, detOrder, kArDiff)`.
 * Throws JohansenInputError for bad input, including collinear series (singular S11 or S00).
 */
export function johansenTest(columns: readonly Float64Array[], options: JohansenOptions = {}): JohansenResult {
  const { n, detOrder, kArDiff } = validate(columns, options);
  const k = columns.length;
  const T = n - 1 - kArDiff;
  const q = k * kArDiff; // lagged-difference regressors
  const m = 2 * k + q;
  const y = detrendedLevels(columns, n, detOrder);
  const w = new Float64Array(m);

  // Means over the T rows (statsmodels' second detrend, f = 0), then the centred cross products.
  const mean = new Float64Array(m);
  if (detOrder >= 0) {
    for (let r = 0; r < T; r++) {
      fillRow(y, k, kArDiff, r, w);
      for (let a = 0; a < m; a++) mean[a] += w[a];
    }
    for (let a = 0; a < m; a++) mean[a] /= T;
  }
  const M = new Float64Array(m * m);
  for (let r = 0; r < T; r++) {
    fillRow(y, k, kArDiff, r, w);
    for (let a = 0; a < m; a++) w[a] -= mean[a];
    for (let a = 0; a < m; a++) {
      const wa = w[a];
      const row = a * m;
      for (let b = a; b < m; b++) M[row + b] += wa * w[b];
    }
  }
  for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) M[a * m + b] = M[b * m + a];

  // S = (M_aa - M_az M_zz⁻¹ M_za) / T over the first 2k columns [Δx | level].
  const p2 = 2 * k;
  const S = new Float64Array(p2 * p2);
  for (let a = 0; a < p2; a++) for (let b = 0; b < p2; b++) S[a * p2 + b] = M[a * m + b];
  if (q > 0) {
    const Mzz = new Float64Array(q * q);
    for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) Mzz[a * q + b] = M[(p2 + a) * m + p2 + b];
    let Lz: Float64Array;
    try {
      Lz = choleskyFactor(Mzz, q, MIN_PIVOT_RATIO);
    } catch (err) {
      if (err instanceof NotPositiveDefiniteError) throw singular('the moment matrix of the lagged differences', err);
      throw err;
    }
    const G = new Float64Array(q * p2); // Lz⁻¹ M_za
    for (let a = 0; a < q; a++) for (let b = 0; b < p2; b++) G[a * p2 + b] = M[(p2 + a) * m + b];
    solveLowerInPlace(Lz, q, G, p2);
    for (let a = 0; a < p2; a++) {
      for (let b = a; b < p2; b++) {
        let s = 0;
        for (let c = 0; c < q; c++) s += G[c * p2 + a] * G[c * p2 + b];
        S[a * p2 + b] -= s;
        S[b * p2 + a] = S[a * p2 + b];
      }
    }
  }
  const S00 = new Float64Array(k * k);
  const S11 = new Float64Array(k * k);
  const S01 = new Float64Array(k * k); // rows Δx, columns level
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      S00[a * k + b] = S[a * p2 + b] / T;
      S01[a * k + b] = S[a * p2 + k + b] / T;
      S11[a * k + b] = S[(k + a) * p2 + k + b] / T;
    }
  }

  let L11: Float64Array;
  let L00: Float64Array;
  try {
    L11 = choleskyFactor(S11, k, MIN_PIVOT_RATIO);
  } catch (err) {
    if (err instanceof NotPositiveDefiniteError) throw singular('S11 (the lagged levels, net of the lagged differences)', err);
    throw err;
  }
  try {
    L00 = choleskyFactor(S00, k, MIN_PIVOT_RATIO);
  } catch (err) {
    if (err instanceof NotPositiveDefiniteError) throw singular('S00 (the differences, net of the lagged differences)', err);
    throw err;
  }
  // X = L00⁻¹ S01, K = L11⁻¹ Xᵀ = L11⁻¹ S10 L00⁻ᵀ, so H = K Kᵀ = L11⁻¹ S10 S00⁻¹ S01 L11⁻ᵀ (symmetric).
  const X = S01.slice();
  solveLowerInPlace(L00, k, X, k);
  const K = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) K[a * k + b] = X[b * k + a];
  solveLowerInPlace(L11, k, K, k);
  const H = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += K[a * k + c] * K[b * k + c];
      H[a * k + b] = H[b * k + a] = s;
    }
  }
  const eig = symmetricEigen(H, k);
  const V = eig.vectors.slice(); // columns w_j → v_j = L11⁻ᵀ w_j
  solveLowerTransposedInPlace(L11, k, V, k);

  const eigenvalues = new Float64Array(k);
  for (let j = 0; j < k; j++) eigenvalues[j] = Math.min(Math.max(eig.values[j], 0), 1); // rounding outside [0, 1]
  const traceStat = new Float64Array(k);
  const maxEigStat = new Float64Array(k);
  let tail = 0;
  for (let r = k - 1; r >= 0; r--) {
    // log1p(-λ) rather than statsmodels' log(1 - λ): the same number to ~1e-16/λ relative.
    maxEigStat[r] = -T * Math.log1p(-eigenvalues[r]);
    tail += maxEigStat[r];
    traceStat[r] = tail;
  }
  const traceCrit: JohansenCriticalValues[] = [];
  const maxEigCrit: JohansenCriticalValues[] = [];
  for (let r = 0; r < k; r++) {
    traceCrit.push(johansenTraceCritical(k - r, detOrder));
    maxEigCrit.push(johansenMaxEigCritical(k - r, detOrder));
  }

  const eigenvectorsNormalized: Float64Array[] = [];
  const eigenvectors: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(k);
    for (let i = 0; i < k; i++) v[i] = V[i * k + j];
    let first = 0;
    for (let i = 0; i < k && first === 0; i++) first = v[i];
    if (first < 0) for (let i = 0; i < k; i++) v[i] = -v[i];
    eigenvectorsNormalized.push(v);
    eigenvectors.push(v[0] === 0 ? v.slice() : v.map((x) => x / v[0]));
  }

  return {
    variables: k,
    nobs: T,
    detOrder,
    kArDiff,
    eigenvalues,
    traceStat,
    maxEigStat,
    traceCrit,
    maxEigCrit,
    eigenvectors,
    eigenvectorsNormalized,
    rank: rankAt95(traceStat, traceCrit),
    rankMaxEig: rankAt95(maxEigStat, maxEigCrit),
  };
}

/** First r with stat[r] below its 95% critical value; all k if every null is rejected. */
function rankAt95(stat: Float64Array, crit: readonly JohansenCriticalValues[]): number {
  for (let r = 0; r < stat.length; r++) if (stat[r] < crit[r][1]) return r;
  return stat.length;
}
