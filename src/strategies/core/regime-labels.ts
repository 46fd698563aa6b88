/**
 * Causal market regimes for strategies: a Gaussian HMM of log returns (src/quant/stats/hmm)
 * refitted on a fixed schedule on past data only, its states labelled bull / sideways / bear,
 * and at every bar the FILTERED probability of each label. Pure code (no framework, no I/O).
 *
 * Causality (DESIGN principle 2) is the point of this file:
 * - Refit bars are absolute bar indices: r = m · refitEvery (m = 1, 2, ...) at which at least
 *   `minFit` finite returns are available. The fit at r uses only the returns r_{r-fitWindow+1}
 *   .. r_r (a rolling window of at most fitWindow returns ending AT r; r_t = ln(c_t / c_{t-1})
 *   is known at the close of t), a fixed seed and a fixed number of starts, so it is a
 *   deterministic function of the closes 0..r: the live runner, which sees bars 0..t, refits at
 *   the very same bars with the very same data (parity).
 * - The probability at bar t (r ≤ t < next refit) is the forward (filtered) probability
 *   P(S_t = i | returns of the window start .. t; θ_r) under the parameters θ_r fitted at r: the
 *   filter starts from the stationary distribution at the window's first return and runs
 *   through the window and on, one bar at a time, until the next refit. The smoothed
 *   probabilities (forward-backward, fitGaussianHmm's `smoothed`) are never used: they condition
 *   on returns after t and would leak the future into the target.
 * - Before the first refit (or after a refit whose window has no regimes to tell apart, e.g. a
 *   constant price) the probabilities are NaN: no regime, no position.
 *
 * Labels (deterministic; `labelStates`): the states are ranked by their Sharpe ratio per bar,
 * mean / standard deviation (drift per unit of risk; ties by lower variance, then index). The
 * top state is `bull` if its mean is > 0, the bottom state `bear` if its mean is < 0, every
 * other state `sideways`. With K = 2 and the usual equity fit (a calm state drifting up, a
 * turbulent one drifting down) that is calm = bull, turbulent = bear; two states drifting up
 * give bull and sideways; K = 3 adds the middle state as sideways.
 */
import { fitGaussianHmm, HmmInputError, stationaryDistribution, type GaussianHmmParams } from '../../quant/stats/hmm';

/** Regime labels as indices into the probability arrays. */
export const BULL = 0;
export const SIDEWAYS = 1;
export const BEAR = 2;
export type RegimeLabel = typeof BULL | typeof SIDEWAYS | typeof BEAR;

export interface RegimeOptions {
  /** Hidden states K (2 or 3). */
  readonly states: number;
  /** Bars between refits; refit bars are the multiples of it (absolute indices). */
  readonly refitEvery: number;
  /** Returns in the fit's rolling window at most (ending at the refit bar). */
  readonly fitWindow: number;
  /** Finite returns needed in the window before the first fit (>= 10 per state). */
  readonly minFit: number;
  /** Random starts of each fit (xoshiro128** seeded with `seed`). */
  readonly starts: number;
  /** Baum-Welch iterations per start at most. */
  readonly maxIterations: number;
  readonly seed: number;
  /**
   * true: each label's probability is the sum of the filtered probabilities of its states;
   * false: the label of the most probable state gets 1, the others 0 (ties: lower state index).
   */
  readonly weighted: boolean;
}

/** EM tolerance of each refit: relative gain per iteration (looser than the stats default: a regime label does not need 1e-8). */
const FIT_TOLERANCE = 1e-6;

/** Per-state labels (BULL, SIDEWAYS, BEAR) by the rule in the file header. */
export function labelStates(means: Float64Array, variances: Float64Array): Int8Array<ArrayBuffer> {
  const k = means.length;
  const order = Int32Array.from(means.keys());
  const sharpe = (i: number): number => means[i] / Math.sqrt(variances[i]);
  order.sort((a, b) => sharpe(b) - sharpe(a) || variances[a] - variances[b] || a - b);
  const labels = new Int8Array(k).fill(SIDEWAYS);
  if (means[order[0]] > 0) labels[order[0]] = BULL;
  if (means[order[k - 1]] < 0) labels[order[k - 1]] = BEAR;
  return labels;
}

/** Log return of bar t (NaN at t = 0 and when either close is missing or not positive). */
function logReturn(close: Float64Array, t: number): number {
  if (t === 0) return NaN;
  const a = close[t - 1];
  const b = close[t];
  return a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b) ? Math.log(b / a) : NaN;
}

/**
 * One step of the forward filter (Rabiner 1989, section V.A, normalized α): `prob` holds
 * P(S_{t-1} | past) on entry and P(S_t | past, x) on return; `pred` is scratch of K values. A
 * missing return (NaN) only propagates the chain (prediction without an observation). Emission
 * densities are taken relative to the largest (log-space), so an outlier cannot zero them all.
 */
function filterStep(p: GaussianHmmParams, prob: Float64Array, pred: Float64Array, x: number): void {
  const k = p.states;
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < k; i++) s += prob[i] * p.transition[i * k + j];
    pred[j] = s;
  }
  if (x !== x) {
    for (let j = 0; j < k; j++) prob[j] = pred[j];
    return;
  }
  let m = -Infinity;
  for (let j = 0; j < k; j++) {
    const d = x - p.means[j];
    const lb = -0.5 * Math.log(p.variances[j]) - (0.5 * d * d) / p.variances[j];
    prob[j] = lb;
    if (lb > m) m = lb;
  }
  let c = 0;
  for (let j = 0; j < k; j++) {
    const v = pred[j] * Math.exp(prob[j] - m);
    prob[j] = v;
    c += v;
  }
  for (let j = 0; j < k; j++) prob[j] /= c;
}

/** The HMM fitted at a refit bar, or null when the window has no regimes to tell apart. */
function fitAt(window: Float64Array, o: RegimeOptions): GaussianHmmParams | null {
  try {
    return fitGaussianHmm(window, { states: o.states, starts: o.starts, seed: o.seed, maxIterations: o.maxIterations, tolerance: FIT_TOLERANCE, polish: false });
  } catch (e) {
    // A constant window (no variance) or a likelihood that broke down from every start: no
    // regime until the next refit, rather than a failed backtest.
    if (e instanceof HmmInputError && (e.problem === 'CONSTANT_SERIES' || e.problem === 'BAD_PARAMETERS')) return null;
    throw e;
  }
}

/**
 * Filtered label probabilities of one instrument's closes into `out` (3·n values, label-major:
 * out[label·n + t], labels BULL, SIDEWAYS, BEAR); NaN where there is no regime (before the
 * first refit, after a refit that found none, at a bar whose close is missing). Returns the
 * refit bars at which a model was fitted. Allocation per refit (the fit), not per bar.
 */
export function regimeProbabilitiesInto(close: Float64Array, o: RegimeOptions, out: Float64Array): number[] {
  const n = close.length;
  const k = o.states;
  out.fill(NaN);
  const returns = new Float64Array(n);
  for (let t = 0; t < n; t++) returns[t] = logReturn(close, t);
  const window = new Float64Array(o.fitWindow);
  const prob = new Float64Array(k);
  const pred = new Float64Array(k);
  const fitted: number[] = [];
  let model: GaussianHmmParams | null = null;
  let labels = new Int8Array(k);
  for (let t = 0; t < n; t++) {
    if (t > 0 && t % o.refitEvery === 0) {
      const from = Math.max(1, t - o.fitWindow + 1);
      let m = 0;
      for (let i = from; i <= t; i++) if (returns[i] === returns[i]) window[m++] = returns[i];
      if (m >= o.minFit) {
        model = fitAt(window.subarray(0, m), o);
        if (model !== null) {
          fitted.push(t);
          labels = labelStates(model.means, model.variances);
          // Filter the window again under the new parameters, from the stationary distribution
          // at its first return up to t - 1; the step below adds bar t.
          prob.set(stationaryDistribution(model.transition, k));
          for (let i = from; i < t; i++) filterStep(model, prob, pred, returns[i]);
        }
      } else {
        model = null;
      }
    }
    if (model === null) continue;
    filterStep(model, prob, pred, returns[t]);
    if (close[t] !== close[t]) continue;
    out[t] = 0;
    out[n + t] = 0;
    out[2 * n + t] = 0;
    if (o.weighted) {
      for (let i = 0; i < k; i++) out[labels[i] * n + t] += prob[i];
    } else {
      let best = 0;
      for (let i = 1; i < k; i++) if (prob[i] > prob[best]) best = i;
      out[labels[best] * n + t] = 1;
    }
  }
  return fitted;
}
