/**
 * Kalman filter hedge ratio, the formulation of Chan 2013, "Algorithmic Trading: Winning
 * Strategies and Their Rationale", ch. 3 (Example 3.3, the EWA/EWC pair):
 *
 *   observation  y_t = [x_t, 1]·θ_t + ε_t,      ε_t ~ N(0, Ve)
 *   state        θ_t = θ_{t-1} + ω_t,           ω_t ~ N(0, Vw),  Vw = δ/(1-δ)·I,  θ = [β, α]
 *
 * started as Chan's code starts it: θ = 0, P = 0, and on the first bar no process noise is added
 * (R = P), so the first update leaves θ at 0 (K = 0). Each bar t: R = P + Vw (t > 0),
 * ŷ = h·θ, Q = h·R·hᵀ + Ve, e = y - ŷ, K = R·hᵀ/Q, θ += K·e, P = R - K·h·R, with h = [x_t, 1].
 * Reported: the filtered (causal) θ after bar t's update, the innovation e_t and its variance
 * Q_t (e/√Q is Chan's z-score of the spread). A bar with a NaN price is not observed: the state
 * is only predicted (R = P + Vw carried into P), and its innovation and variance are NaN.
 *
 * Reference: an independent plain numpy implementation in scripts/reference/hedge-ratio-reference.py,
 * compared in test/stats-hedge-reference.spec.ts.
 */
import { StatsInputError } from '../stats-input.error';

export interface KalmanHedgeOptions {
  /** δ in Vw = δ/(1-δ)·I, in (0, 1); Chan's 0.0001 by default. */
  readonly delta?: number;
  /** Observation noise variance Ve > 0; Chan's 0.001 by default. */
  readonly observationVariance?: number;
}

export interface KalmanHedgeResult {
  /** β_t after the update at t. */
  readonly hedgeRatio: Float64Array;
  /** α_t after the update at t. */
  readonly intercept: Float64Array;
  /** e_t = y_t - (β_{t-1}·x_t + α_{t-1}): the one-step forecast error (NaN where unobserved). */
  readonly innovation: Float64Array;
  /** Q_t = h·R·hᵀ + Ve, the innovation's variance. */
  readonly innovationVariance: Float64Array;
}

export const KALMAN_DEFAULT_DELTA = 1e-4;
export const KALMAN_DEFAULT_VE = 1e-3;

/** Filtered Kalman hedge ratio of y on x (see the file header). Throws StatsInputError naming the field. */
export function kalmanHedgeRatio(y: Float64Array, x: Float64Array, options: KalmanHedgeOptions = {}): KalmanHedgeResult {
  const n = y.length;
  if (x.length !== n) throw new StatsInputError('LENGTH_MISMATCH', 'x', `has ${x.length} values, y has ${n}`);
  const delta = options.delta ?? KALMAN_DEFAULT_DELTA;
  const ve = options.observationVariance ?? KALMAN_DEFAULT_VE;
  if (!(delta > 0 && delta < 1)) throw new StatsInputError('BAD_OPTION', 'delta', `must be in (0, 1), got ${delta}`);
  if (!(ve > 0 && Number.isFinite(ve))) throw new StatsInputError('BAD_OPTION', 'observationVariance', `must be a finite number > 0, got ${ve}`);
  const vw = delta / (1 - delta);
  const beta = new Float64Array(n);
  const alpha = new Float64Array(n);
  const innovation = new Float64Array(n);
  const variance = new Float64Array(n);
  // θ = [b, a]; P = [[p11, p12], [p12, p22]] (symmetric).
  let b = 0;
  let a = 0;
  let p11 = 0;
  let p12 = 0;
  let p22 = 0;
  for (let t = 0; t < n; t++) {
    let r11 = p11;
    const r12 = p12;
    let r22 = p22;
    if (t > 0) {
      r11 += vw;
      r22 += vw;
    }
    const xt = x[t];
    const yt = y[t];
    if (xt !== xt || yt !== yt) {
      p11 = r11;
      p12 = r12;
      p22 = r22;
      beta[t] = b;
      alpha[t] = a;
      innovation[t] = NaN;
      variance[t] = NaN;
      continue;
    }
    // R·hᵀ with h = [x, 1]
    const rh1 = r11 * xt + r12;
    const rh2 = r12 * xt + r22;
    const q = xt * rh1 + rh2 + ve;
    const e = yt - (b * xt + a);
    const k1 = rh1 / q;
    const k2 = rh2 / q;
    b += k1 * e;
    a += k2 * e;
    // P = R - K·(h·R) with h·R = (R·hᵀ)ᵀ; written symmetric.
    p11 = r11 - k1 * rh1;
    p12 = r12 - k1 * rh2;
    p22 = r22 - k2 * rh2;
    beta[t] = b;
    alpha[t] = a;
    innovation[t] = e;
    variance[t] = q;
  }
  return { hedgeRatio: beta, intercept: alpha, innovation, innovationVariance: variance };
}
