/**
 * The Gaussian hidden Markov model of regimes: K hidden states, state k emits N(mean_k,
 * variance_k), the state follows a Markov chain with a row-stochastic transition matrix
 * (`transition[i*K + j]` = P(S_t = j | S_{t-1} = i)), and the state of the first observation is
 * drawn from the chain's stationary distribution. This is statsmodels' MarkovRegression(endog,
 * k_regimes=K, trend='c', switching_variance=True) with its default 'steady-state'
 * initialization (statsmodels 0.13.5, tsa/regime_switching; note statsmodels' own
 * `regime_transition[i, j]` is P(S_t = i | S_{t-1} = j), the transpose of ours).
 *
 * Pure code: Float64Array in and out, no framework, no I/O.
 */
import { HmmInputError } from './hmm-input.error';

/** Parameters of a K-state Gaussian HMM (arrays of length K, the transition K*K row-major). */
export interface GaussianHmmParams {
  readonly states: number;
  readonly means: Float64Array;
  readonly variances: Float64Array;
  /** Row-stochastic, row-major: transition[i*K + j] = P(next state j | state i). */
  readonly transition: Float64Array;
}

/**
 * The stationary distribution π of a row-stochastic K*K matrix A (π A = π, Σ π = 1), solved
 * as (I - A + 1 1ᵀ)ᵀ π = 1 (the rank-one completion of Paige, Styan and Wachter 1975; unique
 * for an irreducible chain). statsmodels' `initial_probabilities` solves the same system by
 * least squares (pinv of [(I - A)ᵀ; 1ᵀ]).
 */
export function stationaryDistribution(transition: Float64Array, k: number): Float64Array {
  const m = new Float64Array(k * k);
  // m = (I - A + 1 1ᵀ)ᵀ: m[i*k + j] = δ_ij - A[j*k + i] + 1.
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) m[i * k + j] = (i === j ? 1 : 0) - transition[j * k + i] + 1;
  const pi = new Float64Array(k).fill(1);
  solveInPlace(m, pi, k);
  // Round-off can leave a tiny negative where a state is nearly absorbing-away; clip and renormalize.
  let sum = 0;
  for (let i = 0; i < k; i++) {
    if (!(pi[i] > 0)) pi[i] = 0;
    sum += pi[i];
  }
  for (let i = 0; i < k; i++) pi[i] /= sum;
  return pi;
}

/**
 * Solves m x = b for a small dense k*k system (Gaussian elimination, partial pivoting); `m` is
 * destroyed, `b` becomes x. A singular system leaves non-finite values (the callers check).
 */
export function solveInPlace(m: Float64Array, b: Float64Array, k: number): void {
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r * k + c]) > Math.abs(m[p * k + c])) p = r;
    if (p !== c) {
      for (let j = 0; j < k; j++) {
        const t = m[c * k + j];
        m[c * k + j] = m[p * k + j];
        m[p * k + j] = t;
      }
      const t = b[c];
      b[c] = b[p];
      b[p] = t;
    }
    const d = m[c * k + c];
    for (let r = c + 1; r < k; r++) {
      const f = m[r * k + c] / d;
      if (f === 0) continue;
      for (let j = c; j < k; j++) m[r * k + j] -= f * m[c * k + j];
      b[r] -= f * b[c];
    }
  }
  for (let r = k - 1; r >= 0; r--) {
    let s = b[r];
    for (let j = r + 1; j < k; j++) s -= m[r * k + j] * b[j];
    b[r] = s / m[r * k + r];
  }
}

/**
 * The state order that sorts the variances ascending (ties by the original index): order[new] =
 * old. Regimes are reported lowest variance first ("calm" before "turbulent"), so a fit's
 * labels do not depend on which random start won.
 */
export function varianceOrder(variances: Float64Array): Int32Array {
  const order = Int32Array.from(variances.keys());
  order.sort((a, b) => variances[a] - variances[b] || a - b);
  return order;
}

/**
 * Parameters relabeled by `order` (order[new] = old): means and variances permuted, and the
 * transition matrix permuted on both axes, new[i][j] = old[order[i]][order[j]], so each row
 * still holds the probabilities of leaving the same regime.
 */
export function permuteParams(p: GaussianHmmParams, order: Int32Array): GaussianHmmParams {
  const k = p.states;
  const transition = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) transition[i * k + j] = p.transition[order[i] * k + order[j]];
  return {
    states: k,
    means: Float64Array.from(order, (o) => p.means[o]),
    variances: Float64Array.from(order, (o) => p.variances[o]),
    transition,
  };
}

/** Throws HmmInputError unless `p` is a usable K-state parameter set (finite, variances > 0, rows summing to 1). */
export function checkParams(p: GaussianHmmParams, field = 'params'): void {
  const k = p.states;
  if (!Number.isInteger(k) || k < 2) throw new HmmInputError(`${field}.states`, 'TOO_FEW_STATES', `${field}.states must be an integer >= 2, got ${k}`);
  if (p.means.length !== k || p.variances.length !== k || p.transition.length !== k * k) {
    throw new HmmInputError(field, 'BAD_PARAMETERS', `${field}: means and variances need ${k} values and the transition ${k * k}`);
  }
  for (let i = 0; i < k; i++) {
    if (!Number.isFinite(p.means[i])) throw new HmmInputError(`${field}.means`, 'BAD_PARAMETERS', `${field}.means[${i}] is ${p.means[i]}`);
    if (!(p.variances[i] > 0 && Number.isFinite(p.variances[i]))) throw new HmmInputError(`${field}.variances`, 'BAD_PARAMETERS', `${field}.variances[${i}] must be finite and > 0, got ${p.variances[i]}`);
    let row = 0;
    for (let j = 0; j < k; j++) {
      const a = p.transition[i * k + j];
      if (!(a >= 0 && a <= 1)) throw new HmmInputError(`${field}.transition`, 'BAD_PARAMETERS', `${field}.transition[${i}][${j}] must be in [0, 1], got ${a}`);
      row += a;
    }
    if (Math.abs(row - 1) > 1e-9) throw new HmmInputError(`${field}.transition`, 'BAD_PARAMETERS', `${field}.transition row ${i} sums to ${row}, not 1`);
  }
}

/**
 * Throws HmmInputError unless states >= 2, every observation is finite and there are at least
 * `minimum` of them. Fitting needs 10 per state (the default): fewer leave a state's mean and
 * variance resting on a handful of points, where the likelihood is unbounded as a variance
 * shrinks onto one observation. Evaluating given parameters (decoding) needs one.
 */
export function checkObservations(x: Float64Array, states: number, minimum = 10 * states): void {
  if (!Number.isInteger(states) || states < 2) throw new HmmInputError('states', 'TOO_FEW_STATES', `states must be an integer >= 2, got ${states}`);
  if (x.length < minimum) throw new HmmInputError('observations', 'TOO_FEW_OBSERVATIONS', `${x.length} observations are too few for ${states} states (at least ${minimum}${minimum === 10 * states ? ': 10 per state' : ''})`);
  for (let t = 0; t < x.length; t++) if (!Number.isFinite(x[t])) throw new HmmInputError('observations', 'NON_FINITE_VALUE', `observation ${t} is ${x[t]}`, t);
}
