/**
 * Rolling hedge ratios of a pair over the last `window` bars ending at t, O(1) per bar:
 *
 * - rollingOls: y = α + β·x by OLS on bars t-window+1..t, as statsmodels 0.13.5
 *   `RollingOLS(y, add_constant(x), window).fit().params` (statsmodels/regression/rolling.py):
 *   the value at t uses the window ending at t, NaN before the first full window (verified on
 *   gap-free data by test/stats-hedge-reference.spec.ts). Any window holding a NaN gives NaN
 *   (statsmodels' default missing='drop' would refit on fewer rows instead; a strategy must be
 *   flat there), checked against brute-force ols() fits by the unit spec.
 * - rollingTls: the total-least-squares line of the same window (tls.regression.ts' formula,
 *   Golub & Van Loan 1980), from the same centered sums.
 *
 * Running sums of (x - kx), (y - ky), their squares and cross product are updated one value in
 * and one out per bar. The shift (kx, ky) = the first pair of the current block keeps the sums
 * small (S_xx = Σx'² - (Σx')²/n loses digits when the mean is large against the spread), and
 * every RESYNC bars the sums are recomputed exactly over the window with a fresh shift, so the
 * rounding drift of the running update is bounded. Both the resync points and the shift depend
 * only on bars ≤ t, so the values are causal and the same on truncated data (strategy parity).
 */
import { StatsInputError } from '../stats-input.error';

/** Bars between exact recomputations of the window sums. */
export const ROLLING_RESYNC = 512;

export interface RollingHedgeRatio {
  /** β[t]: units of x per unit of y (NaN in warm-up or where the window holds a NaN). */
  readonly hedgeRatio: Float64Array;
  /** α[t]: intercept of y = α + β·x. */
  readonly intercept: Float64Array;
}

type LineFit = (sxx: number, syy: number, sxy: number) => number;

const olsSlope: LineFit = (sxx, _syy, sxy) => (sxx > 0 ? sxy / sxx : NaN);

/** TLS slope from centered sums (tls.regression.ts: the cancellation-free branch for Syy < Sxx). */
const tlsSlope: LineFit = (sxx, syy, sxy) => {
  if (!(sxx > 0) || sxy === 0) return NaN;
  const d = syy - sxx;
  const root = Math.hypot(d, 2 * sxy);
  return d >= 0 ? (d + root) / (2 * sxy) : (2 * sxy) / (root - d);
};

function checkPair(y: Float64Array, x: Float64Array, window: number): void {
  if (x.length !== y.length) throw new StatsInputError('LENGTH_MISMATCH', 'x', `has ${x.length} values, y has ${y.length}`);
  if (!Number.isInteger(window) || window < 3) throw new StatsInputError('BAD_OPTION', 'window', `must be an integer >= 3, got ${window}`);
}

function rolling(y: Float64Array, x: Float64Array, window: number, slope: LineFit): RollingHedgeRatio {
  checkPair(y, x, window);
  const n = y.length;
  const beta = new Float64Array(n).fill(NaN);
  const alpha = new Float64Array(n).fill(NaN);
  let kx = 0;
  let ky = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let nan = 0; // NaN pairs inside the window
  let nextResync = window; // first full window at t = window - 1; resync at t = window, window + RESYNC, ...
  for (let t = 0; t < n; t++) {
    const xi = x[t];
    const yi = y[t];
    if (t === nextResync && nan === 0 && xi === xi && yi === yi) {
      // Exact recomputation of the window ending at t, shifted by its first pair.
      kx = x[t - window + 1];
      ky = y[t - window + 1];
      sx = sy = sxx = syy = sxy = 0;
      for (let j = t - window + 1; j <= t; j++) {
        const dx = x[j] - kx;
        const dy = y[j] - ky;
        sx += dx;
        sy += dy;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
      }
      nextResync += ROLLING_RESYNC;
    } else {
      if (t === nextResync) nextResync += ROLLING_RESYNC;
      if (xi === xi && yi === yi) {
        if (t === 0 || nan === t) {
          // No finite value in the sums yet: shift by this pair.
          kx = xi;
          ky = yi;
        }
        const dx = xi - kx;
        const dy = yi - ky;
        sx += dx;
        sy += dy;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
      } else nan++;
      if (t >= window) {
        const xo = x[t - window];
        const yo = y[t - window];
        if (xo === xo && yo === yo) {
          const dx = xo - kx;
          const dy = yo - ky;
          sx -= dx;
          sy -= dy;
          sxx -= dx * dx;
          syy -= dy * dy;
          sxy -= dx * dy;
        } else nan--;
      }
    }
    if (t >= window - 1 && nan === 0) {
      const mx = sx / window;
      const my = sy / window;
      const cxx = sxx - sx * mx;
      const cyy = syy - sy * my;
      const cxy = sxy - sx * my;
      const b = slope(cxx, cyy, cxy);
      beta[t] = b;
      alpha[t] = ky + my - b * (kx + mx);
    }
  }
  return { hedgeRatio: beta, intercept: alpha };
}

/** Rolling OLS of y = α + β·x over `window` bars (statsmodels RollingOLS); see the file header. */
export function rollingOls(y: Float64Array, x: Float64Array, window: number): RollingHedgeRatio {
  return rolling(y, x, window, olsSlope);
}

/** Rolling TLS line y = α + β·x over `window` bars; NaN where x is constant or x, y are uncorrelated. */
export function rollingTls(y: Float64Array, x: Float64Array, window: number): RollingHedgeRatio {
  return rolling(y, x, window, tlsSlope);
}
