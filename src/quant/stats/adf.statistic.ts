/**
 * Augmented Dickey-Fuller unit-root test, as statsmodels 0.13.5's `adfuller`
 * (statsmodels/tsa/stattools.py) computes it; verified against it on real series by
 * test/stats-adf-coint-reference.spec.ts (fixtures from scripts/reference/statsmodels-adf-coint.py).
 *
 * The regression, for lag order p: Δx_t = [α + β·t] + γ·x_{t-1} + Σ_{j=1..p} δ_j·Δx_{t-j} + ε_t,
 * and the statistic is the t-value of γ (τ; Said & Dickey 1984). statsmodels' conventions:
 * - maxLag default: ceil(12·(N/100)^(1/4)) (Schwert 1989, via Greene), capped at
 *   floor(N/2) - ntrend - 1, N the length of x and ntrend the deterministic terms (0, 1, 2); an
 *   explicit maxLag above that cap is refused, as statsmodels raises.
 * - Lag search (autolag aic, bic, t-stat): every candidate p = 0..maxLag is fitted on the same
 *   rows, those the maxLag regression has (N - 1 - maxLag of them), so the criteria compare
 *   like with like; aic/bic take the smallest (the smaller lag on a tie, as Python's min over
 *   (ic, lag) tuples); t-stat steps down from maxLag and stops at the first lag whose last
 *   regressor has |t| ≥ 1.6448536269514722 (the 5% one-sided normal quantile), ending at p = 0,
 *   where the last regressor is x_{t-1} itself. icBest is that criterion, or that |t|.
 * - The chosen p is then re-fitted on all N - 1 - p rows it allows: statistic, nobs and the
 *   critical values come from that fit. autolag 'none' fits p = maxLag directly; icBest null.
 * - The trend regressor is 1, 2, ..., nobs over each fit's rows (statsmodels' add_trend).
 * - p-value: MacKinnon (1994); critical values: MacKinnon (2010) at nobs (mackinnon.tables.ts).
 *
 * Speed: the lag search never re-accumulates over the series. X'X of the maxLag design, its
 * columns ordered [deterministic terms, x_{t-1}, Δx_{t-1}, ..., Δx_{t-maxLag}], is built once
 * (the lagged-difference block by a one-row update along each diagonal, O(maxLag) dot products
 * over the series in all);
 * each candidate is its leading block, and the Cholesky factor of a leading block is the leading
 * block of the full factor. With z = L⁻¹·D·X'y, a model of m columns has SSR = y'y - Σ_{i<m} z_i²
 * and its last coefficient's t-value is z_m / sqrt(SSR/(nobs - m)), so every candidate costs O(1)
 * after one O(k³) factorization. The re-fit at the chosen lag p reuses those cross-products and
 * adds only the maxLag - p leading rows the common sample left out (refitLag), so the series is
 * swept once per test however large the chosen lag.
 */
import { mackinnonCrit, mackinnonP, type AdfRegression, type CriticalValues, type MacKinnonN } from './mackinnon.tables';
import { choleskyEquilibrated, dot, forwardSubstitute, informationCriteria } from './ols.regression';
import { StatsInputError } from './stats-input.error';

export type { AdfRegression, CriticalValues } from './mackinnon.tables';

/** How the lag order is chosen: by information criterion, by the last lag's t-value, or fixed at maxLag. */
export type AdfAutolag = 'aic' | 'bic' | 't-stat' | 'none';

export const ADF_REGRESSIONS: readonly AdfRegression[] = ['n', 'c', 'ct'];
export const ADF_AUTOLAGS: readonly AdfAutolag[] = ['aic', 'bic', 't-stat', 'none'];

/** statsmodels' stop value for autolag 't-stat': scipy.stats.norm.ppf(0.95). */
export const T_STAT_STOP = 1.6448536269514722;

export interface AdfOptions {
  /** Deterministic terms: 'n' none, 'c' constant (default), 'ct' constant and trend. */
  readonly regression?: AdfRegression;
  /** Lag selection (default 'aic', as statsmodels). */
  readonly autolag?: AdfAutolag;
  /** Largest lag searched (or the lag used, with autolag 'none'). Default: Schwert's rule, see the file header. */
  readonly maxLag?: number;
}

export interface AdfResult {
  /** τ: t-value of the lagged level in the final regression. */
  readonly statistic: number;
  /** MacKinnon (1994) approximate p-value. */
  readonly pValue: number;
  /** Lag order p of the final regression. */
  readonly usedLag: number;
  /** Observations of the final regression: N - 1 - usedLag. */
  readonly nobs: number;
  /** MacKinnon (2010) critical values at nobs. */
  readonly criticalValues: CriticalValues;
  /** The selected aic / bic, or |t| of the selected last lag with 't-stat'; null with 'none'. */
  readonly icBest: number | null;
  /** The largest lag considered. */
  readonly maxLag: number;
  readonly regression: AdfRegression;
  readonly autolag: AdfAutolag;
}

/** The unit-root regression's outcome before p-values (shared with Engle-Granger). */
export interface AdfFit {
  readonly statistic: number;
  readonly usedLag: number;
  readonly nobs: number;
  readonly icBest: number | null;
  readonly maxLag: number;
}

function deterministicTerms(regression: AdfRegression): number {
  return regression === 'n' ? 0 : regression === 'c' ? 1 : 2;
}

/** statsmodels' default maxlag for a series of `length` values (see the file header); -1 if too short. */
export function defaultMaxLag(length: number, regression: AdfRegression = 'c'): number {
  const schwert = Math.ceil(12 * Math.pow(length / 100, 1 / 4));
  return Math.min(Math.floor(length / 2) - deterministicTerms(regression) - 1, schwert);
}

/** 1, 2, ..., n (statsmodels add_trend's linear trend). */
function trendColumn(n: number): Float64Array {
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = i + 1;
  return t;
}

/**
 * The maxLag a series of `length` values gets: `maxLagOption` checked against statsmodels' cap
 * floor(N/2) - ntrend - 1, or the default (see the file header). Throws StatsInputError naming
 * `maxLag`, or `field` when the series is too short for any lag.
 */
export function resolveMaxLag(length: number, regression: AdfRegression, maxLagOption: number | undefined, field = 'x'): number {
  const cap = Math.floor(length / 2) - deterministicTerms(regression) - 1;
  if (maxLagOption === undefined) {
    const maxLag = defaultMaxLag(length, regression);
    if (maxLag < 0) throw new StatsInputError('TOO_FEW_OBSERVATIONS', field, `${length} values are too few for regression "${regression}"`);
    return maxLag;
  }
  if (!Number.isInteger(maxLagOption) || maxLagOption < 0) throw new StatsInputError('BAD_OPTION', 'maxLag', `${maxLagOption} is not a non-negative integer`);
  if (maxLagOption > cap) {
    throw new StatsInputError('BAD_OPTION', 'maxLag', `${maxLagOption} is above floor(N/2) - ntrend - 1 = ${cap} for ${length} values and regression "${regression}"`);
  }
  return maxLagOption;
}

/**
 * Checks x and the options, then runs the regression(s): statistic, usedLag, nobs, icBest,
 * maxLag. `field` names x in errors (the caller's argument: `x`, or Engle-Granger's residuals).
 */
export function fitAdf(x: Float64Array, regression: AdfRegression, autolag: AdfAutolag, maxLagOption: number | undefined, field = 'x'): AdfFit {
  if (!ADF_REGRESSIONS.includes(regression)) throw new StatsInputError('BAD_OPTION', 'regression', `"${String(regression)}" is not one of ${ADF_REGRESSIONS.join(', ')}`);
  if (!ADF_AUTOLAGS.includes(autolag)) throw new StatsInputError('BAD_OPTION', 'autolag', `"${String(autolag)}" is not one of ${ADF_AUTOLAGS.join(', ')}`);
  const length = x.length;
  for (let i = 0; i < length; i++) if (!Number.isFinite(x[i])) throw new StatsInputError('NON_FINITE_VALUE', field, `value at index ${i} is ${x[i]}`, i);
  const ntrend = deterministicTerms(regression);
  const maxLag = resolveMaxLag(length, regression, maxLagOption, field);

  const xd = new Float64Array(length - 1);
  let moves = false;
  for (let i = 0; i < length - 1; i++) {
    xd[i] = x[i + 1] - x[i];
    if (xd[i] !== 0) moves = true;
  }
  if (!moves) throw new StatsInputError('CONSTANT_SERIES', field, 'the series is constant (no unit-root regression to fit)');
  // Rows of the maxLag regression; it needs more rows than columns for a residual variance.
  if (length - 1 - maxLag <= ntrend + 1 + maxLag) {
    throw new StatsInputError('TOO_FEW_OBSERVATIONS', field, `${length} values leave ${length - 1 - maxLag} rows for ${ntrend + 1 + maxLag} regressors`);
  }

  const common = commonCrossProducts(x, xd, ntrend, maxLag, field);
  let usedLag = maxLag;
  let icBest: number | null = null;
  if (autolag !== 'none') {
    const best = searchLag(common, maxLag, autolag, field);
    usedLag = best.lag;
    icBest = best.ic;
  }
  const fit = refitLag(common, x, xd, ntrend, maxLag, usedLag, field);
  return { statistic: fit.statistic, usedLag, nobs: fit.nobs, icBest, maxLag };
}

/**
 * Cross-products over the common sample (the rows of the maxLag regression), columns in the
 * order [trend?, x_{t-1}, Δx_{t-1}, ..., Δx_{t-maxLag}] and y = Δx_t; with a constant they are
 * centered (co-moments about the common sample's means), without one they are raw.
 */
interface CommonCrossProducts {
  /** Rows of the common sample: N - 1 - maxLag. */
  readonly nobs: number;
  /** Head columns before the lags: the trend (with 'ct') and the level. */
  readonly q: number;
  /** Columns: q + maxLag. */
  readonly k: number;
  /** Whether the constant is partialled out by centering (regression 'c' or 'ct'). */
  readonly centered: boolean;
  /** X'X (k×k, row-major, upper triangle filled). */
  readonly g: Float64Array;
  /** X'y (k). */
  readonly xy: Float64Array;
  /** y'y. */
  readonly yy: number;
  /** The columns' means over the common sample (zeros when not centered), trend as 1..nobs. */
  readonly means: Float64Array;
  /** y's mean over the common sample (0 when not centered). */
  readonly yMean: number;
}

/** Builds CommonCrossProducts (see searchLag's comments for the update along the diagonals). */
function commonCrossProducts(x: Float64Array, xd: Float64Array, ntrend: number, maxLag: number, field: string): CommonCrossProducts {
  const nobs = xd.length - maxLag;
  // Columns over the common rows (xd index maxLag + r is row r), in the order
  // [trend?, x_{t-1}, Δx_{t-1}, ..., Δx_{t-maxLag}], the constant left out: with a constant every
  // candidate has it, so it is partialled out by centering (Frisch-Waugh-Lovell), which keeps the
  // digits a level far from zero would cost. The level and trend are centered copies; the
  // lagged differences, whose means are tiny beside their spread, are centered in the Gram
  // matrix (Σ(a-ā)(b-b̄) = Σab - n·ā·b̄).
  const centered = ntrend >= 1;
  const headMeans: number[] = [];
  const center = (v: Float64Array): Float64Array => {
    let mean = 0;
    for (let i = 0; i < nobs; i++) mean += v[i];
    mean /= nobs;
    headMeans.push(mean);
    const out = new Float64Array(nobs);
    for (let i = 0; i < nobs; i++) out[i] = v[i] - mean;
    return out;
  };
  const heads: Float64Array[] = [];
  if (ntrend >= 2) heads.push(trendColumn(nobs));
  heads.push(x.subarray(maxLag, maxLag + nobs));
  if (centered) for (let a = 0; a < heads.length; a++) heads[a] = center(heads[a]);
  const q = heads.length;
  const k = q + maxLag;

  // w_j = Δx_{t-j} over the common rows (w_0 = y). Consecutive lags are the same window moved
  // by one row, so R(i+1, j+1) = R(i, j) + (the row entering) - (the row leaving): only R(0, j)
  // is a dot product over the series (Toeplitz-like update of the lagged block).
  const w = (j: number): Float64Array => xd.subarray(maxLag - j, maxLag - j + nobs);
  const lags = maxLag + 1;
  const r = new Float64Array(lags * lags);
  const sums = new Float64Array(lags);
  const w0 = w(0);
  for (let j = 0; j < lags; j++) r[j] = dot(w0, w(j));
  for (let i = 0; i < maxLag; i++) {
    for (let j = i; j < maxLag; j++) {
      r[(i + 1) * lags + j + 1] = r[i * lags + j] + xd[maxLag - 1 - i] * xd[maxLag - 1 - j] - xd[maxLag + nobs - 1 - i] * xd[maxLag + nobs - 1 - j];
    }
  }
  if (centered) {
    let s0 = 0;
    for (let t = 0; t < nobs; t++) s0 += w0[t];
    sums[0] = s0;
    for (let j = 0; j < maxLag; j++) sums[j + 1] = sums[j] + xd[maxLag - 1 - j] - xd[maxLag + nobs - 1 - j];
    for (let i = 0; i < lags; i++) for (let j = i; j < lags; j++) r[i * lags + j] -= (sums[i] * sums[j]) / nobs;
  }

  const g = new Float64Array(k * k);
  const xy = new Float64Array(k);
  const means = new Float64Array(k);
  for (let a = 0; a < q; a++) {
    // A centered head has Σ = 0, so its products with the raw lags are the centered products.
    for (let b = a; b < q; b++) g[a * k + b] = dot(heads[a], heads[b]);
    for (let j = 1; j <= maxLag; j++) g[a * k + q + j - 1] = dot(heads[a], w(j));
    xy[a] = dot(heads[a], w0);
    if (centered) means[a] = headMeans[a];
  }
  for (let i = 1; i <= maxLag; i++) {
    for (let j = i; j <= maxLag; j++) g[(q + i - 1) * k + q + j - 1] = r[i * lags + j];
    xy[q + i - 1] = r[i];
    if (centered) means[q + i - 1] = sums[i] / nobs;
  }
  for (let a = 0; a < k * k; a++) {
    if (!Number.isFinite(g[a])) throw new StatsInputError('NON_FINITE_VALUE', field, 'the series\' cross-products overflow');
  }
  return { nobs, q, k, centered, g, xy, yy: r[0], means, yMean: centered ? sums[0] / nobs : 0 };
}

/**
 * The regression at lag p on all N - 1 - p rows it allows; τ is the level's t-value.
 *
 * Incremental: the full sample is the common sample plus the maxLag - p rows before it, so its
 * cross-products are the common sample's (already built for the search) plus those rows'
 * contributions, a rank-(maxLag - p) update of the normal equations in O((maxLag - p)·k²)
 * instead of O(N·k) dot products over the series. With a constant the co-moments about the
 * pooled means are combined by the pairwise update of Chan, Golub & LeVeque (1979):
 * S = S_A + S_B + (n_A·n_B/n)·(m_A - m_B)(m_A - m_B)', exact in real arithmetic and free of the
 * cancellation Σab - n·ā·b̄ would suffer on price levels; S_B, over the few leading rows, is
 * accumulated about their own means (two passes). The trend of the leading rows continues the
 * common sample's 1..n_A backwards (0, -1, ...): statsmodels numbers each fit's rows from 1,
 * a shift the constant absorbs (and a centered column does not see).
 *
 * The system is ordered [trend?, Δx_{t-1}, ..., Δx_{t-p}, x_{t-1}], the level last, so with
 * z = L⁻¹·D·X'y from the equilibrated Cholesky, τ = z_last / sqrt(SSR / (nobs - regressors)) and
 * SSR = y'y - ||z||² (the same identities as the search; see the file header).
 */
function refitLag(cp: CommonCrossProducts, x: Float64Array, xd: Float64Array, ntrend: number, maxLag: number, p: number, field: string): { statistic: number; nobs: number } {
  const nA = cp.nobs;
  const nB = maxLag - p;
  const nobs = nA + nB;
  // Columns of the lag-p model as indices into the common cross-products, the level last; the
  // response is index m (handled separately below).
  const order: number[] = [];
  if (ntrend >= 2) order.push(0);
  for (let j = 1; j <= p; j++) order.push(cp.q + j - 1);
  order.push(cp.q - 1);
  const m = order.length;
  const size = m + 1;
  // Full-sample cross-products of [columns..., y] (upper triangle), from the common sample.
  const s = new Float64Array(size * size);
  const at = (a: number, b: number): number => (a <= b ? cp.g[a * cp.k + b] : cp.g[b * cp.k + a]);
  for (let a = 0; a < m; a++) {
    for (let b = a; b < m; b++) s[a * size + b] = at(order[a], order[b]);
    s[a * size + m] = cp.xy[order[a]];
  }
  s[m * size + m] = cp.yy;

  if (nB > 0) {
    // The leading rows: xd index t = p + i is row i of the full fit (y = Δx_t, level x_t, lag j
    // Δx_{t-j}), trend i + 1 - nB in the common sample's numbering.
    const rows = new Float64Array(nB * size);
    for (let i = 0; i < nB; i++) {
      const t = p + i;
      const row = i * size;
      let c = 0;
      if (ntrend >= 2) rows[row + c++] = i + 1 - nB;
      for (let j = 1; j <= p; j++) rows[row + c++] = xd[t - j];
      rows[row + c++] = x[t];
      rows[row + c] = xd[t];
    }
    if (cp.centered) {
      const meanB = new Float64Array(size);
      for (let i = 0; i < nB; i++) for (let a = 0; a < size; a++) meanB[a] += rows[i * size + a];
      for (let a = 0; a < size; a++) meanB[a] /= nB;
      for (let i = 0; i < nB; i++) for (let a = 0; a < size; a++) rows[i * size + a] -= meanB[a];
      const d = new Float64Array(size);
      for (let a = 0; a < m; a++) d[a] = cp.means[order[a]] - meanB[a];
      d[m] = cp.yMean - meanB[m];
      const weight = (nA * nB) / nobs;
      for (let a = 0; a < size; a++) for (let b = a; b < size; b++) s[a * size + b] += weight * d[a] * d[b];
    }
    for (let i = 0; i < nB; i++) {
      const row = i * size;
      for (let a = 0; a < size; a++) {
        const va = rows[row + a];
        for (let b = a; b < size; b++) s[a * size + b] += va * rows[row + b];
      }
    }
  }

  const l = new Float64Array(m * m);
  const scale = new Float64Array(m);
  try {
    choleskyEquilibrated(s, size, m, l, scale, () => field);
  } catch (err) {
    if (err instanceof StatsInputError && err.problem === 'COLLINEAR_DESIGN') {
      throw new StatsInputError('COLLINEAR_DESIGN', field, 'the unit-root regression is (almost) collinear (a series that is constant, or linear with a trend term)');
    }
    throw err;
  }
  const z = new Float64Array(m);
  for (let a = 0; a < m; a++) z[a] = s[a * size + m] * scale[a];
  forwardSubstitute(l, m, z, m);
  let explained = 0;
  for (let a = 0; a < m; a++) explained += z[a] * z[a];
  const ssr = s[m * size + m] - explained;
  const regressors = ntrend + 1 + p;
  return { statistic: z[m - 1] / Math.sqrt(ssr / (nobs - regressors)), nobs };
}

/** The lag search over the common sample (see the file header); returns the chosen lag and criterion. */
function searchLag(cp: CommonCrossProducts, maxLag: number, autolag: Exclude<AdfAutolag, 'none'>, field: string): { lag: number; ic: number } {
  const { nobs, k, centered } = cp;
  const ntrendFree = cp.q - 1;
  // The common sample's matrix is factored once for every candidate.
  const l = new Float64Array(k * k);
  const scale = new Float64Array(k);
  try {
    choleskyEquilibrated(cp.g, k, k, l, scale, () => field);
  } catch (err) {
    if (err instanceof StatsInputError && err.problem === 'COLLINEAR_DESIGN') {
      throw new StatsInputError('COLLINEAR_DESIGN', field, 'the unit-root regression at maxLag is (almost) collinear');
    }
    throw err;
  }
  const z = Float64Array.from(cp.xy);
  for (let j = 0; j < k; j++) z[j] *= scale[j];
  forwardSubstitute(l, k, z, k);
  const yy = cp.yy;

  // ssr[m]: the model of the first m columns held here, m = (ntrend - constant) + 1 + lag; the
  // model's regressors, constant included, number m + 1 with a constant and m without.
  const first = ntrendFree + 1;
  const extra = centered ? 1 : 0;
  const ssr = new Float64Array(k + 1);
  let explained = 0;
  for (let m = 1; m <= k; m++) {
    explained += z[m - 1] * z[m - 1];
    ssr[m] = yy - explained;
  }

  if (autolag === 't-stat') {
    // Down from maxLag; without a significant last lag the search ends at lag 0.
    const lastT = (lag: number): number => Math.abs(z[first + lag - 1] / Math.sqrt(ssr[first + lag] / (nobs - first - lag - extra)));
    let lag = maxLag;
    while (lag > 0 && lastT(lag) < T_STAT_STOP) lag--;
    return { lag, ic: lastT(lag) };
  }
  let bestLag = 0;
  let bestIc = Infinity;
  for (let lag = 0; lag <= maxLag; lag++) {
    const m = first + lag;
    const crit = informationCriteria(ssr[m], nobs, m + extra);
    const ic = autolag === 'aic' ? crit.aic : crit.bic;
    if (ic < bestIc) {
      bestIc = ic;
      bestLag = lag;
    }
  }
  return { lag: bestLag, ic: bestIc };
}

/**
 * ADF test of `x` (statsmodels `adfuller(x, maxlag, regression, autolag)`; see the file header).
 * Throws StatsInputError naming the field: a non-finite value (`x`), a constant series (`x`),
 * too few values for the regression (`x`), a bad `maxLag`, `regression` or `autolag`.
 */
export function adfTest(x: Float64Array, options: AdfOptions = {}): AdfResult {
  const regression = options.regression ?? 'c';
  const autolag = options.autolag ?? 'aic';
  const fit = fitAdf(x, regression, autolag, options.maxLag);
  return {
    statistic: fit.statistic,
    pValue: mackinnonP(fit.statistic, regression, 1),
    usedLag: fit.usedLag,
    nobs: fit.nobs,
    criticalValues: mackinnonCrit(regression, 1 as MacKinnonN, fit.nobs),
    icBest: fit.icBest,
    maxLag: fit.maxLag,
    regression,
    autolag,
  };
}
