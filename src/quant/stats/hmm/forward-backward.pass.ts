/**
 * Scaled forward-backward recursions of a Gaussian HMM (Rabiner 1989, "A tutorial on hidden
 * Markov models", Proc. IEEE 77(2), section V.A "Scaling"): each α_t is normalized to sum to 1
 * and its scale c_t kept, so nothing underflows however long the series; the log-likelihood is
 * Σ log c_t. Emission densities are computed from their logarithms with the largest of the K
 * subtracted per observation (its value added back to the log-likelihood), so even an outlier
 * far in every state's tail keeps a positive density.
 *
 * Allocation-free: the caller owns an HmmWorkspace sized for the series and reuses it for every
 * iteration; one pass fills the sufficient statistics of the EM M-step and of the gradient.
 */
import type { GaussianHmmParams } from './gaussian-hmm.model';

const LOG_2PI = Math.log(2 * Math.PI);
// The running product of scales is folded into the log-likelihood when it leaves this range,
// so there is one Math.log per ~hundreds of observations instead of one per observation.
const FOLD_LOW = 1e-150;
const FOLD_HIGH = 1e150;

/** Buffers of one series length n and K states, reused across passes. */
export class HmmWorkspace {
  /** α_t(i) normalized (row-major n*K); after a smoothed pass, unchanged. */
  readonly alpha: Float64Array;
  /** β_t(i) scaled as Rabiner's β̂ (row-major n*K). */
  readonly beta: Float64Array;
  /** Emission densities b_j(x_t) · exp(-max_j log b_j(x_t)) (row-major n*K). */
  readonly dens: Float64Array;
  /** 1 / c_t. */
  readonly invScale: Float64Array;
  /** Σ_t γ_t(k). */
  readonly s0: Float64Array;
  /** Σ_t γ_t(k) (x_t - mean_k), about the pass's own means (shifted sums: no cancellation). */
  readonly s1: Float64Array;
  /** Σ_t γ_t(k) (x_t - mean_k)². */
  readonly s2: Float64Array;
  /** Σ_t ξ_t(i, j), the expected transitions i → j (row-major K*K). */
  readonly xi: Float64Array;
  /** γ_0, the smoothed distribution of the first state. */
  readonly gamma0: Float64Array;
  /** Scratch of K values. */
  readonly w: Float64Array;

  constructor(
    readonly n: number,
    readonly k: number,
  ) {
    this.alpha = new Float64Array(n * k);
    this.beta = new Float64Array(n * k);
    this.dens = new Float64Array(n * k);
    this.invScale = new Float64Array(n);
    this.s0 = new Float64Array(k);
    this.s1 = new Float64Array(k);
    this.s2 = new Float64Array(k);
    this.xi = new Float64Array(k * k);
    this.gamma0 = new Float64Array(k);
    this.w = new Float64Array(k);
  }
}

/**
 * Forward pass: fills dens, alpha and invScale and returns the exact log-likelihood
 * log p(x_0..x_{n-1}) with the first state drawn from `initial`.
 */
export function forwardPass(x: Float64Array, p: GaussianHmmParams, initial: Float64Array, ws: HmmWorkspace): number {
  const n = x.length;
  const k = p.states;
  if (k === 2) return forwardPass2(x, p, initial, ws);
  const { alpha, dens, invScale, w } = ws;
  const a = p.transition;
  const mu = p.means;
  // log b_j(x) = cst_j - (x - mu_j)² · h_j; s1, s2 serve as scratch here (backwardPass refills them).
  const cst = ws.s1;
  const h = ws.s2;
  for (let j = 0; j < k; j++) {
    cst[j] = -0.5 * (LOG_2PI + Math.log(p.variances[j]));
    h[j] = 0.5 / p.variances[j];
  }
  let llf = 0;
  let prod = 1;
  for (let t = 0; t < n; t++) {
    const xt = x[t];
    const o = t * k;
    let m = -Infinity;
    for (let j = 0; j < k; j++) {
      const d = xt - mu[j];
      const lb = cst[j] - d * d * h[j];
      w[j] = lb;
      if (lb > m) m = lb;
    }
    let c = 0;
    for (let j = 0; j < k; j++) {
      const b = Math.exp(w[j] - m);
      dens[o + j] = b;
      let pred = 0;
      if (t === 0) pred = initial[j];
      else for (let i = 0; i < k; i++) pred += alpha[o - k + i] * a[i * k + j];
      const v = pred * b;
      alpha[o + j] = v;
      c += v;
    }
    const inv = 1 / c;
    invScale[t] = inv;
    for (let j = 0; j < k; j++) alpha[o + j] *= inv;
    llf += m;
    prod *= c;
    if (prod < FOLD_LOW || prod > FOLD_HIGH) {
      llf += Math.log(prod);
      prod = 1;
    }
  }
  return llf + Math.log(prod);
}

/** forwardPass for K = 2, unrolled (the common calm/turbulent model; the benchmark's case). */
function forwardPass2(x: Float64Array, p: GaussianHmmParams, initial: Float64Array, ws: HmmWorkspace): number {
  const n = x.length;
  const { alpha, dens, invScale } = ws;
  const a00 = p.transition[0];
  const a01 = p.transition[1];
  const a10 = p.transition[2];
  const a11 = p.transition[3];
  const mu0 = p.means[0];
  const mu1 = p.means[1];
  const c0 = -0.5 * (LOG_2PI + Math.log(p.variances[0]));
  const c1 = -0.5 * (LOG_2PI + Math.log(p.variances[1]));
  const h0 = 0.5 / p.variances[0];
  const h1 = 0.5 / p.variances[1];
  let p0 = initial[0];
  let p1 = initial[1];
  let llf = 0;
  let prod = 1;
  for (let t = 0; t < n; t++) {
    const xt = x[t];
    const d0 = xt - mu0;
    const d1 = xt - mu1;
    const l0 = c0 - d0 * d0 * h0;
    const l1 = c1 - d1 * d1 * h1;
    let b0: number;
    let b1: number;
    if (l0 >= l1) {
      b0 = 1;
      b1 = Math.exp(l1 - l0);
      llf += l0;
    } else {
      b0 = Math.exp(l0 - l1);
      b1 = 1;
      llf += l1;
    }
    const o = 2 * t;
    dens[o] = b0;
    dens[o + 1] = b1;
    const v0 = p0 * b0;
    const v1 = p1 * b1;
    const c = v0 + v1;
    const inv = 1 / c;
    invScale[t] = inv;
    const f0 = v0 * inv;
    const f1 = v1 * inv;
    alpha[o] = f0;
    alpha[o + 1] = f1;
    p0 = f0 * a00 + f1 * a10;
    p1 = f0 * a01 + f1 * a11;
    prod *= c;
    if (prod < FOLD_LOW || prod > FOLD_HIGH) {
      llf += Math.log(prod);
      prod = 1;
    }
  }
  return llf + Math.log(prod);
}

/**
 * Backward pass after forwardPass with the same parameters: fills the sufficient statistics
 * (s0, s1, s2 about p.means, xi, gamma0) and, when `smoothed` is given (n*K), the smoothed
 * probabilities γ_t(i) = P(S_t = i | x), which with Rabiner's scaling are α̂_t(i) β̂_t(i).
 */
export function backwardPass(x: Float64Array, p: GaussianHmmParams, ws: HmmWorkspace, smoothed?: Float64Array): void {
  if (p.states === 2) {
    backwardPass2(x, p, ws, smoothed);
    return;
  }
  const n = x.length;
  const k = p.states;
  const { alpha, beta, dens, invScale, s0, s1, s2, xi, gamma0, w } = ws;
  const a = p.transition;
  const mu = p.means;
  s0.fill(0);
  s1.fill(0);
  s2.fill(0);
  xi.fill(0);
  const last = (n - 1) * k;
  for (let i = 0; i < k; i++) beta[last + i] = 1;
  for (let t = n - 1; t >= 0; t--) {
    const o = t * k;
    const xt = x[t];
    for (let i = 0; i < k; i++) {
      const g = alpha[o + i] * beta[o + i];
      if (smoothed !== undefined) smoothed[o + i] = g;
      const d = xt - mu[i];
      s0[i] += g;
      s1[i] += g * d;
      s2[i] += g * d * d;
    }
    if (t === 0) break;
    // β̂_{t-1}(i) = Σ_j A_ij b_j(x_t) β̂_t(j) / c_t and ξ_{t-1}(i, j) = α̂_{t-1}(i) A_ij b_j(x_t) β̂_t(j) / c_t.
    const inv = invScale[t];
    for (let j = 0; j < k; j++) w[j] = dens[o + j] * beta[o + j] * inv;
    const q = o - k;
    for (let i = 0; i < k; i++) {
      let s = 0;
      const ai = alpha[q + i];
      for (let j = 0; j < k; j++) {
        const v = a[i * k + j] * w[j];
        s += v;
        xi[i * k + j] += ai * v;
      }
      beta[q + i] = s;
    }
  }
  for (let i = 0; i < k; i++) gamma0[i] = alpha[i] * beta[i];
}

function backwardPass2(x: Float64Array, p: GaussianHmmParams, ws: HmmWorkspace, smoothed?: Float64Array): void {
  const n = x.length;
  const { alpha, beta, dens, invScale, s0, s1, s2, xi, gamma0 } = ws;
  const a00 = p.transition[0];
  const a01 = p.transition[1];
  const a10 = p.transition[2];
  const a11 = p.transition[3];
  const mu0 = p.means[0];
  const mu1 = p.means[1];
  let g0s = 0;
  let g1s = 0;
  let g0d = 0;
  let g1d = 0;
  let g0dd = 0;
  let g1dd = 0;
  let x00 = 0;
  let x01 = 0;
  let x10 = 0;
  let x11 = 0;
  let b0 = 1;
  let b1 = 1;
  const store = smoothed !== undefined;
  for (let t = n - 1; t >= 0; t--) {
    const o = 2 * t;
    beta[o] = b0;
    beta[o + 1] = b1;
    const f0 = alpha[o];
    const f1 = alpha[o + 1];
    const g0 = f0 * b0;
    const g1 = f1 * b1;
    if (store) {
      smoothed[o] = g0;
      smoothed[o + 1] = g1;
    }
    const xt = x[t];
    const d0 = xt - mu0;
    const d1 = xt - mu1;
    g0s += g0;
    g1s += g1;
    const e0 = g0 * d0;
    const e1 = g1 * d1;
    g0d += e0;
    g1d += e1;
    g0dd += e0 * d0;
    g1dd += e1 * d1;
    if (t === 0) break;
    const inv = invScale[t];
    const w0 = dens[o] * b0 * inv;
    const w1 = dens[o + 1] * b1 * inv;
    const pa0 = alpha[o - 2];
    const pa1 = alpha[o - 1];
    const v00 = a00 * w0;
    const v01 = a01 * w1;
    const v10 = a10 * w0;
    const v11 = a11 * w1;
    x00 += pa0 * v00;
    x01 += pa0 * v01;
    x10 += pa1 * v10;
    x11 += pa1 * v11;
    b0 = v00 + v01;
    b1 = v10 + v11;
  }
  s0[0] = g0s;
  s0[1] = g1s;
  s1[0] = g0d;
  s1[1] = g1d;
  s2[0] = g0dd;
  s2[1] = g1dd;
  xi[0] = x00;
  xi[1] = x01;
  xi[2] = x10;
  xi[3] = x11;
  gamma0[0] = alpha[0] * beta[0];
  gamma0[1] = alpha[1] * beta[1];
}
