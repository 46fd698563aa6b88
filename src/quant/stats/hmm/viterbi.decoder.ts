/**
 * The most likely state path of a Gaussian HMM (Viterbi 1967; Rabiner 1989 section III.B), in
 * log space so no product underflows: δ_0(i) = log π_i + log b_i(x_0), δ_t(j) = max_i [δ_{t-1}(i)
 * + log A_ij] + log b_j(x_t), then backtracking. Ties go to the lower state index.
 */
import { checkObservations, checkParams, stationaryDistribution, type GaussianHmmParams } from './gaussian-hmm.model';

const LOG_2PI = Math.log(2 * Math.PI);

/** The Viterbi path (state index per observation) and its joint log-probability log p(x, path). */
export interface ViterbiPath {
  readonly path: Int32Array;
  readonly logProbability: number;
}

/**
 * Decodes `x` under `params`; the first state's distribution is `initial` if given, else the
 * stationary distribution of the transition matrix (the model's convention).
 */
export function viterbiPath(x: Float64Array, params: GaussianHmmParams, initial?: Float64Array): ViterbiPath {
  checkParams(params);
  checkObservations(x, params.states, 1);
  const n = x.length;
  const k = params.states;
  const pi = initial ?? stationaryDistribution(params.transition, k);
  const logA = Float64Array.from(params.transition, Math.log);
  const cst = Float64Array.from(params.variances, (v) => -0.5 * (LOG_2PI + Math.log(v)));
  const h = Float64Array.from(params.variances, (v) => 0.5 / v);
  const back = new Int32Array(n * k);
  let prev = new Float64Array(k);
  let cur = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const d = x[0] - params.means[i];
    prev[i] = Math.log(pi[i]) + cst[i] - d * d * h[i];
  }
  for (let t = 1; t < n; t++) {
    const xt = x[t];
    for (let j = 0; j < k; j++) {
      let best = -Infinity;
      let arg = 0;
      for (let i = 0; i < k; i++) {
        const v = prev[i] + logA[i * k + j];
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      const d = xt - params.means[j];
      cur[j] = best + cst[j] - d * d * h[j];
      back[t * k + j] = arg;
    }
    const swap = prev;
    prev = cur;
    cur = swap;
  }
  let state = 0;
  for (let i = 1; i < k; i++) if (prev[i] > prev[state]) state = i;
  const logProbability = prev[state];
  const path = new Int32Array(n);
  for (let t = n - 1; t >= 0; t--) {
    path[t] = state;
    state = back[t * k + state];
  }
  return { path, logProbability };
}
