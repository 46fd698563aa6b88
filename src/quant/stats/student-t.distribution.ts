/**
 * The Student t distribution's tails, for the Welch test of src/ml/core/ab (pure: no framework,
 * no I/O). Nothing in src/quant had an incomplete beta yet.
 *
 * - ln Γ(x), x > 0: the Lanczos approximation with g = 671/128 and the 14 coefficients of
 *   Numerical Recipes, 3rd ed. (Press et al. 2007, §6.1 `gammln`), relative error below 1e-15
 *   over x > 0 as the authors state.
 * - I_x(a, b), the regularized incomplete beta: the continued fraction of NR §6.4 (`betacf`,
 *   modified Lentz, W. J. Lentz 1976 / Thompson and Barnett 1986), used directly for
 *   x < (a + 1)/(a + b + 2) and through I_x(a, b) = 1 - I_{1-x}(b, a) otherwise, where it
 *   converges fast. The caller may pass 1 - x separately (`y`) so that x close to 1 loses no
 *   digits (the t tail passes t²/(ν + t²) exactly that way).
 * - t tail: P(T > t) = I_{ν/(ν+t²)}(ν/2, 1/2) / 2 for t > 0 (Abramowitz and Stegun 26.7.1).
 * Checked against scipy.stats.t.sf through scipy.stats.ttest_ind (test/fixtures/ml/welch.json).
 */

// The coefficients are quoted with the digits NR published; each literal parses to the nearest
// double, which is what the approximation assumes.
/* eslint-disable no-loss-of-precision */
const LANCZOS = [
  57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199, 0.339946499848118887e-4, 0.465236289270485756e-4,
  -0.983744753048795646e-4, 0.158088703224912494e-3, -0.210264441724104883e-3, 0.217439618115212643e-3, -0.16431810653676389e-3,
  0.844182239838527433e-4, -0.261908384015814087e-4, 0.368991826595316234e-5,
];

/** ln Γ(x) for x > 0 (NaN otherwise). */
export function logGamma(x: number): number {
  if (!(x > 0)) return NaN;
  let y = x;
  const tmp0 = x + 5.2421875;
  const tmp = (x + 0.5) * Math.log(tmp0) - tmp0;
  let ser = 0.999999999999997092;
  for (let j = 0; j < LANCZOS.length; j++) ser += LANCZOS[j] / ++y;
  return tmp + Math.log((2.5066282746310005 * ser) / x);
}

const FPMIN = 1e-300;
const EPS = 2.220446049250313e-16;
const MAX_ITERATIONS = 100_000;

/** The continued fraction for I_x(a, b) (NR betacf), multiplied by the prefactor outside. */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) <= EPS) return h;
  }
  return h;
}

/**
 * I_x(a, b) for a, b > 0 and x in [0, 1]; `y` = 1 - x if the caller has it more accurately
 * than 1 - x would give. NaN for arguments out of range.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number, y = 1 - x): number {
  if (!(a > 0) || !(b > 0) || !(x >= 0) || !(x <= 1) || !(y >= 0) || !(y <= 1)) return NaN;
  if (x === 0) return 0;
  if (y === 0) return 1;
  const lnFront = a * Math.log(x) + b * Math.log(y) - (logGamma(a) + logGamma(b) - logGamma(a + b));
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, y)) / b;
}

/**
 * P(|T| >= |t|) for T ~ Student t with `df` > 0 degrees of freedom (df may be fractional, as
 * Welch's); NaN for df <= 0 or NaN.
 */
export function studentTTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(t)) return 0;
  const t2 = t * t;
  return regularizedIncompleteBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
}

/** P(T > t) for T ~ Student t with `df` > 0 degrees of freedom. */
export function studentTSf(t: number, df: number): number {
  const half = studentTTwoSidedP(t, df) / 2;
  return t >= 0 ? half : 1 - half;
}
