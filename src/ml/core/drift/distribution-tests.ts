/**
 * Feature-distribution drift between a reference window ("expected", e.g. the training window)
 * and a recent window ("actual"): the population stability index and the two-sample
 * Kolmogorov-Smirnov test. Non-finite values (NaN warm-up bars) are dropped from both windows
 * first; a window with no finite value is refused (DriftParamError).
 */
import { DriftParamError } from './drift-errors';

/** Share that stands in for an empty bin's 0 in PSI (so ln(a/e) stays finite). */
export const PSI_EMPTY_BIN_SHARE = 1e-4;

function finiteSorted(x: ArrayLike<number>, field: string): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i])) out.push(x[i]);
  if (out.length === 0) throw new DriftParamError(field, `${field} has no finite value`);
  return Float64Array.from(out).sort();
}

/**
 * numpy.quantile(sorted, q) with the default method 'linear' (Hyndman and Fan type 7):
 * h = (n - 1)·q, interpolated between sorted[floor h] and the next point with numpy's _lerp
 * (a + (b - a)·t below t = 0.5, b - (b - a)·(1 - t) from 0.5, which keeps the result exact at
 * both ends).
 */
export function quantileLinear(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  if (lo >= sorted.length - 1) return sorted[sorted.length - 1];
  const t = h - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Count of sorted values < x (side 'left') or <= x (side 'right'), as numpy.searchsorted. */
function searchSorted(sorted: ArrayLike<number>, x: number, right: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (right ? sorted[mid] <= x : sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Population stability index PSI = sum_i (a_i - e_i) · ln(a_i / e_i) over bins, e_i and a_i
 * the shares of the expected and actual windows in bin i (the credit-scoring convention; see
 * e.g. Yurdakul, "Statistical properties of population stability index", 2018). Rules of
 * thumb: < 0.1 stable, 0.1-0.25 moderate shift, > 0.25 major shift.
 *
 * Convention (reproduced by scripts/reference/ml_drift.py with numpy):
 * - bin edges are the expected window's quantiles at k/bins, k = 1..bins-1 (numpy.quantile,
 *   method 'linear'), duplicates removed (a heavily tied feature gives fewer bins);
 * - a value goes to the bin numpy.searchsorted(edges, x, side='right') names: bins are
 *   [edge_k, edge_{k+1}), the first open to -inf, the last to +inf, so the actual window's
 *   values outside the expected range fall in the end bins;
 * - an empty bin's share 0 is replaced by PSI_EMPTY_BIN_SHARE (1e-4), in either window, with
 *   no renormalization.
 * `bins` (default 10, deciles) must be an integer >= 2.
 */
export function populationStabilityIndex(expected: ArrayLike<number>, actual: ArrayLike<number>, bins = 10): number {
  if (!Number.isInteger(bins) || bins < 2) throw new DriftParamError('bins', `bins must be an integer >= 2, got ${bins}`);
  const e = finiteSorted(expected, 'expected');
  const a = finiteSorted(actual, 'actual');
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const q = quantileLinear(e, k / bins);
    if (edges.length === 0 || q > edges[edges.length - 1]) edges.push(q);
  }
  const share = (sorted: Float64Array): Float64Array => {
    const s = new Float64Array(edges.length + 1);
    let below = 0;
    for (let k = 0; k < edges.length; k++) {
      const upTo = searchSorted(sorted, edges[k], false);
      s[k] = (upTo - below) / sorted.length;
      below = upTo;
    }
    s[edges.length] = (sorted.length - below) / sorted.length;
    for (let k = 0; k < s.length; k++) if (s[k] === 0) s[k] = PSI_EMPTY_BIN_SHARE;
    return s;
  };
  const se = share(e);
  const sa = share(a);
  let psi = 0;
  for (let k = 0; k < se.length; k++) psi += (sa[k] - se[k]) * Math.log(sa[k] / se[k]);
  return psi;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Two-sample Kolmogorov-Smirnov test, two-sided, as scipy.stats.ks_2samp(a, b,
 * method='exact') (scipy 1.17; its default 'auto' picks 'exact' too whenever both samples
 * have at most 10,000 points, so below that the default call agrees as well):
 * - statistic D = max_x |F_a(x) - F_b(x)| over the pooled values, empirical CDFs counting
 *   values <= x (ties between samples handled by evaluating after all tied values). With
 *   g = gcd(n, m) and L = n·m/g, D is h/L for the integer h = max |i·(m/g) - j·(n/g)|, and
 *   is returned as that quotient, as scipy does;
 * - p-value P(D >= d) under H0 for continuous data (ties are not corrected for, as scipy's
 *   exact method): 1 minus the share of the C(n+m, n) monotone lattice paths from (0, 0) to
 *   (n, m) that stay strictly inside |i·(m/g) - j·(n/g)| < h (Hodges 1958; the path count of
 *   scipy's _compute_outer_prob_inside_method). The count is kept normalized,
 *   B(i, j) = [i·B(i-1, j) + j·B(i, j-1)] / (i + j) = paths(i, j) / C(i+j, i), so nothing
 *   overflows; only the band of j that can be inside is visited, O(n · band) time, O(m) memory.
 *   The p-value is exact up to rounding (absolute error ~1e-15; a p-value far below that is
 *   returned as ~0 rather than with full relative precision).
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): { readonly statistic: number; readonly pValue: number } {
  const x = finiteSorted(a, 'a');
  const y = finiteSorted(b, 'b');
  const n = x.length;
  const m = y.length;
  const g = gcd(n, m);
  const an = n / g;
  const bm = m / g;
  const lcm = an * m;
  // h = max |i·bm - j·an| over the pooled values, i = #x <= v, j = #y <= v.
  let h = 0;
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const v = j >= m || (i < n && x[i] <= y[j]) ? x[i] : y[j];
    while (i < n && x[i] <= v) i++;
    while (j < m && y[j] <= v) j++;
    const gap = Math.abs(i * bm - j * an);
    if (gap > h) h = gap;
  }
  const statistic = h / lcm;
  if (h === 0) return { statistic, pValue: 1 };
  // Lattice paths over (i, j), i along x (rows), j along y (columns), inside |i·bm - j·an| < h.
  const row = new Float64Array(m + 1);
  let inside = 0;
  for (let r = 0; r <= n; r++) {
    // j with |r·bm - j·an| < h lie in ((r·bm - h)/an, (r·bm + h)/an); one cell of slack each side,
    // the exact integer test decides.
    const jLo = Math.max(0, Math.floor((r * bm - h) / an));
    const jHi = Math.min(m, Math.ceil((r * bm + h) / an));
    let left = 0;
    for (let c = jLo; c <= jHi; c++) {
      let v = 0;
      if (Math.abs(r * bm - c * an) < h) v = r === 0 && c === 0 ? 1 : (r * row[c] + c * left) / (r + c);
      row[c] = v;
      left = v;
    }
    if (r === n) inside = row[m];
  }
  const pValue = Math.min(1, Math.max(0, 1 - inside));
  return { statistic, pValue };
}
