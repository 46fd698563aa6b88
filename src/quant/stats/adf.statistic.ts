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
 * after one O(k³) factorization.
 */
import { mackinnonCrit, mackinnonP, type AdfRegression, type CriticalValues, type MacKinnonN } from './mackinnon.tables';
import { choleskyEquilibrated, dot, forwardSubstitute, informationCriteria, ols } from './ols.regression';
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

function ones(n: number): Float64Array {
  return new Float64Array(n).fill(1);
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

  let usedLag = maxLag;
  let icBest: number | null = null;
  if (autolag !== 'none') {
    const best = searchLag(x, xd, ntrend, maxLag, autolag, field);
    usedLag = best.lag;
    icBest = best.ic;
  }
  const fit = fitLag(x, xd, ntrend, usedLag, field);
  return { statistic: fit.statistic, usedLag, nobs: fit.nobs, icBest, maxLag };
}

/** The regression at lag p on all N - 1 - p rows it allows; τ is the level's t-value. */
function fitLag(x: Float64Array, xd: Float64Array, ntrend: number, p: number, field: string): { statistic: number; nobs: number } {
  const nobs = xd.length - p;
  const y = xd.subarray(p);
  const columns: Float64Array[] = [x.subarray(p, p + nobs)];
  for (let j = 1; j <= p; j++) columns.push(xd.subarray(p - j, p - j + nobs));
  if (ntrend >= 1) columns.push(ones(nobs));
  if (ntrend >= 2) columns.push(trendColumn(nobs));
  const fit = olsOrNamed(y, columns, ntrend >= 1, field);
  return { statistic: fit.tValues[0], nobs };
}

/** ols(), with a collinear design reported against the series rather than a design column. */
function olsOrNamed(y: Float64Array, columns: Float64Array[], hasConstant: boolean, field: string): ReturnType<typeof ols> {
  try {
    return ols(y, columns, { hasConstant });
  } catch (err) {
    if (err instanceof StatsInputError && err.problem === 'COLLINEAR_DESIGN') {
      throw new StatsInputError('COLLINEAR_DESIGN', field, 'the unit-root regression is (almost) collinear (a series that is constant, or linear with a trend term)');
    }
    throw err;
  }
}

/** The lag search over the common sample (see the file header); returns the chosen lag and criterion. */
function searchLag(x: Float64Array, xd: Float64Array, ntrend: number, maxLag: number, autolag: Exclude<AdfAutolag, 'none'>, field: string): { lag: number; ic: number } {
  const nobs = xd.length - maxLag;
  // Columns over the common rows (xd index maxLag + r is row r), in the order
  // [trend?, x_{t-1}, Δx_{t-1}, ..., Δx_{t-maxLag}], the constant left out: with a constant every
  // candidate has it, so it is partialled out by centering (Frisch-Waugh-Lovell), which keeps the
  // digits a level far from zero would cost. The level and trend are centered copies; the
  // lagged differences, whose means are tiny beside their spread, are centered in the Gram
  // matrix (Σ(a-ā)(b-b̄) = Σab - n·ā·b̄).
  const centered = ntrend >= 1;
  const center = (v: Float64Array): Float64Array => {
    let mean = 0;
    for (let i = 0; i < nobs; i++) mean += v[i];
    mean /= nobs;
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
  const z = new Float64Array(k);
  for (let a = 0; a < q; a++) {
    // A centered head has Σ = 0, so its products with the raw lags are the centered products.
    for (let b = a; b < q; b++) g[a * k + b] = dot(heads[a], heads[b]);
    for (let j = 1; j <= maxLag; j++) g[a * k + q + j - 1] = dot(heads[a], w(j));
    z[a] = dot(heads[a], w0);
  }
  for (let i = 1; i <= maxLag; i++) {
    for (let j = i; j <= maxLag; j++) g[(q + i - 1) * k + q + j - 1] = r[i * lags + j];
    z[q + i - 1] = r[i];
  }
  const yy = r[0];
  const l = new Float64Array(k * k);
  const scale = new Float64Array(k);
  try {
    choleskyEquilibrated(g, k, k, l, scale, () => field);
  } catch (err) {
    if (err instanceof StatsInputError && err.problem === 'COLLINEAR_DESIGN') {
      throw new StatsInputError('COLLINEAR_DESIGN', field, 'the unit-root regression at maxLag is (almost) collinear');
    }
    throw err;
  }
  for (let j = 0; j < k; j++) z[j] *= scale[j];
  forwardSubstitute(l, k, z, k);

  // ssr[m]: the model of the first m columns held here, m = (ntrend - constant) + 1 + lag; the
  // model's regressors, constant included, number m + 1 with a constant and m without.
  const first = (centered ? ntrend - 1 : 0) + 1;
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
