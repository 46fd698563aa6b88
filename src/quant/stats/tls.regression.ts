/**
 * Total least squares (orthogonal regression) of a pair: the line y = intercept + slope·x that
 * minimizes the sum of squared perpendicular distances, which, unlike OLS, treats both legs of a
 * spread alike (the slope of y on x is the reciprocal of the slope of x on y). It is the first
 * principal axis of the centered pair (Golub & Van Loan 1980, "An analysis of the total least
 * squares problem", SIAM J. Numer. Anal. 17; for two variables the Deming regression with
 * δ = 1, Deming 1943):
 *
 *   slope = (Syy - Sxx + sqrt((Syy - Sxx)² + 4·Sxy²)) / (2·Sxy),  intercept = ȳ - slope·x̄
 *
 * with S the centered sums of squares and products. When Syy < Sxx the algebraically equal
 * 2·Sxy / (Sxx - Syy + sqrt(...)) is used, which avoids the cancellation of the first form.
 * Centered sums are computed after subtracting the means (two passes), not from raw moments.
 */
import { StatsInputError } from './stats-input.error';

export interface TlsResult {
  /** Hedge ratio: units of x per unit of y along the principal axis. */
  readonly slope: number;
  readonly intercept: number;
  /** Sum of squared perpendicular distances to the line (the smaller eigenvalue of the scatter matrix). */
  readonly orthogonalSsr: number;
  readonly nobs: number;
}

/**
 * TLS line of `y` on `x` (same length, at least 2 finite values each). Throws StatsInputError
 * naming the field: different lengths, a non-finite value, too few values, or a pair with no
 * principal direction that is a line y = a + b·x (x constant, or the scatter perfectly round).
 */
export function tls(y: Float64Array, x: Float64Array): TlsResult {
  const n = y.length;
  if (x.length !== n) throw new StatsInputError('LENGTH_MISMATCH', 'x', `has ${x.length} values, y has ${n}`);
  if (n < 2) throw new StatsInputError('TOO_FEW_OBSERVATIONS', 'y', `${n} values; a line needs at least 2`);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i])) throw new StatsInputError('NON_FINITE_VALUE', 'y', `value at index ${i} is ${y[i]}`, i);
    if (!Number.isFinite(x[i])) throw new StatsInputError('NON_FINITE_VALUE', 'x', `value at index ${i} is ${x[i]}`, i);
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx === 0) throw new StatsInputError('CONSTANT_SERIES', 'x', 'x is constant: the principal axis is vertical, not a line in x');
  const d = syy - sxx;
  const root = Math.hypot(d, 2 * sxy);
  let slope: number;
  if (sxy === 0) {
    if (d > 0 || root === 0) throw new StatsInputError('COLLINEAR_DESIGN', 'x', 'x and y are uncorrelated with Syy >= Sxx: the principal axis is vertical or undefined');
    slope = 0;
  } else {
    slope = d >= 0 ? (d + root) / (2 * sxy) : (2 * sxy) / (root - d);
  }
  // Smaller eigenvalue of [[Sxx, Sxy], [Sxy, Syy]]: (Sxx + Syy - root) / 2, computed as
  // det / larger to keep its relative precision when the pair is tight.
  const larger = (sxx + syy + root) / 2;
  const orthogonalSsr = larger > 0 ? Math.max(0, (sxx * syy - sxy * sxy) / larger) : 0;
  return { slope, intercept: my - slope * mx, orthogonalSsr, nobs: n };
}
