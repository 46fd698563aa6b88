/**
 * Ordinary least squares with classical standard errors, reporting what statsmodels 0.13.5's
 * `OLS(y, X).fit()` reports (statsmodels/regression/linear_model.py, `RegressionResults`):
 * params, bse (σ² = SSR / (n - k)), tvalues, ssr, scale, rsquared, llf, aic, bic.
 *
 * Numerics: the normal equations. X'X and X'y are accumulated with typed-array dot products
 * over the long columns (one pass per pair, O(n·k²)); the k×k system is then solved by a
 * hand-written Cholesky factorization of the equilibrated matrix D·X'X·D, D = diag(X'X)^(-1/2)
 * (Jacobi scaling: it removes the columns' units from the condition number, so a price level
 * beside a constant costs no digits). k is small here (an ADF regression has at most ~35
 * columns), where a Cholesky in a Float64Array beats mathjs' general matrices by far and lets
 * the ADF lag search reuse one factorization for every nested model (adf.statistic.ts).
 * statsmodels solves with a pseudo-inverse (SVD); the two agree to ~1e-12 relative on the
 * designs of the reference fixtures. A design whose equilibrated Cholesky pivot falls below
 * COLLINEAR_PIVOT (a column explained by the previous ones to 1 - 1e-10) is refused with
 * StatsInputError('COLLINEAR_DESIGN') rather than solved: the normal equations would have lost
 * most of their digits, and statsmodels' pinv would silently return a minimum-norm solution.
 */
import { StatsInputError } from './stats-input.error';

/**
 * Smallest pivot of the unit-diagonal (equilibrated) Gram matrix accepted: the pivot is
 * 1 - R² of the column regressed (uncentered) on the columns before it.
 */
export const COLLINEAR_PIVOT = 1e-10;

export interface OlsOptions {
  /**
   * Whether the design holds an intercept, which makes R² centered (statsmodels' k_constant).
   * Default: detected, true when a column is constant and non-zero (statsmodels' explicit
   * constant check; an intercept only implied by a combination of columns is not detected).
   */
  readonly hasConstant?: boolean;
}

export interface OlsResult {
  /** Observations n. */
  readonly nobs: number;
  /** Regressors k (columns of the design). */
  readonly k: number;
  /** n - k. */
  readonly dfResid: number;
  /** β̂, one per column, in the columns' order. */
  readonly coefficients: Float64Array;
  /** sqrt(σ² · diag((X'X)⁻¹)) (statsmodels `bse`, nonrobust covariance). */
  readonly standardErrors: Float64Array;
  /** β̂ / se (statsmodels `tvalues`). */
  readonly tValues: Float64Array;
  /** y - Xβ̂. */
  readonly residuals: Float64Array;
  /** Σ residual² (statsmodels `ssr`). */
  readonly ssr: number;
  /** SSR / (n - k) (statsmodels `scale`). */
  readonly sigma2: number;
  /** 1 - SSR / TSS, TSS centered with an intercept, uncentered without (statsmodels `rsquared`). */
  readonly rSquared: number;
  /** Gaussian log-likelihood -n/2·(ln 2π + ln(SSR/n) + 1) (statsmodels `llf`). */
  readonly logLikelihood: number;
  /** -2·llf + 2k (statsmodels `aic`: k = df_model + k_constant, the rank). */
  readonly aic: number;
  /** -2·llf + k·ln n (statsmodels `bic`). */
  readonly bic: number;
}

/** Σ a[i]·b[i] over two equally long arrays (or views). */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Cholesky factorization of the equilibrated form of the symmetric k×k matrix `g` (row-major,
 * row stride `stride`; only the upper triangle is read). On return `l` (k×k, row-major, stride
 * k) holds the lower factor L of D·G·D = L·L', and `scale` holds D (1/sqrt(G_jj)). Because L's
 * leading m×m block is the factor of the leading m×m block of D·G·D, one factorization serves
 * every nested model made of the first m columns. `columnName(j)` names a column in errors.
 */
export function choleskyEquilibrated(g: Float64Array, stride: number, k: number, l: Float64Array, scale: Float64Array, columnName: (j: number) => string): void {
  for (let j = 0; j < k; j++) {
    const d = g[j * stride + j];
    if (!(d > 0)) throw new StatsInputError('COLLINEAR_DESIGN', columnName(j), 'the column is all zeros (or constant beside an intercept)');
    scale[j] = 1 / Math.sqrt(d);
  }
  for (let j = 0; j < k; j++) {
    const rowJ = j * k;
    let pivot = g[j * stride + j] * scale[j] * scale[j];
    for (let p = 0; p < j; p++) pivot -= l[rowJ + p] * l[rowJ + p];
    if (!(pivot > COLLINEAR_PIVOT)) {
      throw new StatsInputError('COLLINEAR_DESIGN', columnName(j), 'the column is (almost) a linear combination of the columns before it');
    }
    const ljj = Math.sqrt(pivot);
    l[rowJ + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      const rowI = i * k;
      // G is read from its upper triangle: G[j][i] with j < i.
      let s = g[j * stride + i] * scale[i] * scale[j];
      for (let p = 0; p < j; p++) s -= l[rowI + p] * l[rowJ + p];
      l[rowI + j] = s / ljj;
    }
  }
}

/** Solves L·z = b in place (b becomes z), L lower triangular k×k (stride k), first m rows. */
export function forwardSubstitute(l: Float64Array, k: number, b: Float64Array, m: number): void {
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let p = 0; p < i; p++) s -= l[i * k + p] * b[p];
    b[i] = s / l[i * k + i];
  }
}

/** Solves L'·x = z in place, over the leading m×m block of L. */
export function backSubstitute(l: Float64Array, k: number, z: Float64Array, m: number): void {
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i];
    for (let p = i + 1; p < m; p++) s -= l[p * k + i] * z[p];
    z[i] = s / l[i * k + i];
  }
}

/**
 * diag((D·G·D)⁻¹) over the leading m×m block from its Cholesky factor: with W = L⁻¹,
 * (L·L')⁻¹ = W'·W, so its j-th diagonal element is Σ_i≥j W_ij².
 */
export function inverseDiagonal(l: Float64Array, k: number, m: number): Float64Array {
  const w = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    // Column j of W = L⁻¹: solve L·w = e_j (zeros above row j).
    w[j * m + j] = 1 / l[j * k + j];
    for (let i = j + 1; i < m; i++) {
      let s = 0;
      for (let p = j; p < i; p++) s -= l[i * k + p] * w[p * m + j];
      w[i * m + j] = s / l[i * k + i];
    }
  }
  const diag = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let i = j; i < m; i++) s += w[i * m + j] * w[i * m + j];
    diag[j] = s;
  }
  return diag;
}

/** statsmodels' Gaussian llf, aic and bic of a fit with `k` regressors (same order of operations). */
export function informationCriteria(ssr: number, nobs: number, k: number): { logLikelihood: number; aic: number; bic: number } {
  const half = nobs / 2;
  const logLikelihood = -half * Math.log(2 * Math.PI) - half * Math.log(ssr / nobs) - half;
  return { logLikelihood, aic: -2 * logLikelihood + 2 * k, bic: -2 * logLikelihood + Math.log(nobs) * k };
}

function isConstantColumn(c: Float64Array): boolean {
  const v = c[0];
  if (v === 0) return false;
  for (let i = 1; i < c.length; i++) if (c[i] !== v) return false;
  return true;
}

/**
 * OLS of `y` on the design whose columns are `columns` (each as long as y). Add a column of
 * ones for an intercept. Throws StatsInputError naming `y` or `columns[j]`: different lengths,
 * a non-finite value, n ≤ k, or a (near) collinear design.
 */
export function ols(y: Float64Array, columns: readonly Float64Array[], options: OlsOptions = {}): OlsResult {
  const n = y.length;
  const k = columns.length;
  if (k === 0) throw new StatsInputError('BAD_OPTION', 'columns', 'the design needs at least one column');
  for (let j = 0; j < k; j++) {
    if (columns[j].length !== n) throw new StatsInputError('LENGTH_MISMATCH', `columns[${j}]`, `has ${columns[j].length} values, y has ${n}`);
  }
  if (n <= k) throw new StatsInputError('TOO_FEW_OBSERVATIONS', 'y', `${n} observations for ${k} regressors (need more observations than regressors)`);
  const checkFinite = (v: Float64Array, field: string): void => {
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) throw new StatsInputError('NON_FINITE_VALUE', field, `value at index ${i} is ${v[i]}`, i);
  };
  checkFinite(y, 'y');
  columns.forEach((c, j) => checkFinite(c, `columns[${j}]`));

  const hasConstant = options.hasConstant ?? columns.some(isConstantColumn);
  const constantColumn = columns.findIndex(isConstantColumn);
  let tss = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  if (hasConstant) for (let i = 0; i < n; i++) tss += (y[i] - mean) * (y[i] - mean);
  else tss = dot(y, y);

  // With an explicit constant, the other columns and y are centered first and the slopes solved
  // from the centered Gram matrix (Frisch-Waugh-Lovell: the same slopes, residuals and slope
  // standard errors). It keeps the digits a mean far from zero would cost: a price level beside
  // the intercept, or a trend 1..n, is nearly collinear with the constant until centered.
  const centered = constantColumn >= 0;
  const free: number[] = [];
  for (let j = 0; j < k; j++) if (j !== constantColumn) free.push(j);
  const m = free.length;
  const design: Float64Array[] = free.map((j) => {
    if (!centered) return columns[j];
    const c = columns[j];
    let mj = 0;
    for (let i = 0; i < n; i++) mj += c[i];
    mj /= n;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = c[i] - mj;
    return out;
  });
  const means = free.map((j) => (centered ? columns[j].reduce((a, v) => a + v, 0) / n : 0));
  const response = centered ? y.map((v) => v - mean) : y;

  const g = new Float64Array(m * m);
  const xy = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    for (let b = a; b < m; b++) g[a * m + b] = dot(design[a], design[b]);
    xy[a] = dot(design[a], response);
  }
  const l = new Float64Array(m * m);
  const scale = new Float64Array(m);
  choleskyEquilibrated(g, m, m, l, scale, (a) => `columns[${free[a]}]`);

  // (D·G·D)·(D⁻¹β) = D·X'y.
  const slopes = new Float64Array(m);
  for (let a = 0; a < m; a++) slopes[a] = xy[a] * scale[a];
  forwardSubstitute(l, m, slopes, m);
  backSubstitute(l, m, slopes, m);
  for (let a = 0; a < m; a++) slopes[a] *= scale[a];

  const residuals = Float64Array.from(response);
  for (let a = 0; a < m; a++) {
    const c = design[a];
    const b = slopes[a];
    for (let i = 0; i < n; i++) residuals[i] -= b * c[i];
  }
  const ssr = dot(residuals, residuals);
  const dfResid = n - k;
  const sigma2 = ssr / dfResid;

  const inv = inverseDiagonal(l, m, m);
  const beta = new Float64Array(k);
  const standardErrors = new Float64Array(k);
  for (let a = 0; a < m; a++) {
    beta[free[a]] = slopes[a];
    standardErrors[free[a]] = Math.sqrt(sigma2 * inv[a]) * scale[a];
  }
  if (centered) {
    // Intercept column of value c: β_c = (ȳ - Σ β_j·x̄_j) / c, and
    // var(β_c) = σ²·(1/n + x̄'·Gc⁻¹·x̄) / c², with x̄'·Gc⁻¹·x̄ = ||L⁻¹·D·x̄||².
    const c = columns[constantColumn][0];
    let fitted = mean;
    const w = new Float64Array(m);
    for (let a = 0; a < m; a++) {
      fitted -= slopes[a] * means[a];
      w[a] = means[a] * scale[a];
    }
    forwardSubstitute(l, m, w, m);
    beta[constantColumn] = fitted / c;
    standardErrors[constantColumn] = Math.sqrt(sigma2 * (1 / n + dot(w, w))) / Math.abs(c);
  }
  const tValues = new Float64Array(k);
  for (let j = 0; j < k; j++) tValues[j] = beta[j] / standardErrors[j];

  return {
    nobs: n,
    k,
    dfResid,
    coefficients: beta,
    standardErrors,
    tValues,
    residuals,
    ssr,
    sigma2,
    rSquared: 1 - ssr / tss,
    ...informationCriteria(ssr, n, k),
  };
}
