/**
 * Fits a K-state Gaussian HMM of regimes to a series (typically returns) by exact maximum
 * likelihood, the first state drawn from the stationary distribution, as statsmodels'
 * MarkovRegression(k_regimes=K, trend='c', switching_variance=True).fit (statsmodels 0.13.5):
 *
 * 1. `starts` seeded random starts (xoshiro128** from src/quant/random), each run through
 *    Baum-Welch (baum-welch.fit.ts) to its tolerance;
 * 2. the best `POLISHED_STARTS` of them by log-likelihood are polished by BFGS on the exact
 *    log-likelihood (stationary-likelihood.polish.ts), and the best polished one is kept (EM
 *    from different starts can end on different local maxima; polishing a few, not one, guards
 *    against two nearly equal ones swapping order in the polish);
 * 3. states are relabeled by variance, lowest first; the smoothed probabilities (forward-
 *    backward) and the Viterbi path are computed at the final parameters.
 *
 * Variance floor: every variance stays >= varianceFloor · sample variance of x (default 1e-6,
 * population variance).
 * Without a floor the likelihood is unbounded (a state's mean on one observation, its variance
 * to 0); 1e-6 of the overall variance is far below any regime a real series has, so a fit that
 * is not degenerate never touches it.
 */
import { Xoshiro128, normalQuantile } from '../../random';
import { baumWelch, copyParams, type MutableHmmParams } from './baum-welch.fit';
import { HmmWorkspace, backwardPass, forwardPass } from './forward-backward.pass';
import { checkObservations, checkParams, permuteParams, stationaryDistribution, varianceOrder, type GaussianHmmParams } from './gaussian-hmm.model';
import { HmmInputError } from './hmm-input.error';
import { polishStationaryLikelihood } from './stationary-likelihood.polish';
import { viterbiPath } from './viterbi.decoder';

export interface GaussianHmmOptions {
  /** Number of hidden states K (>= 2). */
  readonly states: number;
  /** Random starts (default 10). Ignored when `start` is given. */
  readonly starts?: number;
  /** Seed of the random starts (default 0): same seed, same fit. */
  readonly seed?: number;
  /** Baum-Welch iterations per start at most (default 500). */
  readonly maxIterations?: number;
  /** EM stops when an iteration gains less than tolerance · (1 + |log L|) (default 1e-8; 0: run maxIterations). */
  readonly tolerance?: number;
  /** Variance floor as a fraction of the sample variance of the series (default 1e-6). */
  readonly varianceFloor?: number;
  /** Polish with BFGS on the exact stationary-start log-likelihood (default true). */
  readonly polish?: boolean;
  /** Start from these parameters only, instead of random starts. */
  readonly start?: GaussianHmmParams;
}

/** A fitted model: parameters with states sorted by variance, lowest first. */
export interface GaussianHmmFit extends GaussianHmmParams {
  readonly observations: number;
  /** Exact log-likelihood, first state from the stationary distribution (statsmodels' llf). */
  readonly logLikelihood: number;
  /** Stationary distribution of the transition matrix (the first state's distribution). */
  readonly initial: Float64Array;
  /** P(S_t = k | all observations), row-major n*K: smoothed[t*K + k]. */
  readonly smoothed: Float64Array;
  /** Most likely state path (Viterbi), one state per observation. */
  readonly viterbi: Int32Array;
  /** Baum-Welch iterations of the winning start. */
  readonly iterations: number;
  /** BFGS iterations of the polish (0 without it). */
  readonly polishIterations: number;
  /** The winning start's EM met its tolerance (or the polish met its gradient tolerance). */
  readonly converged: boolean;
  /** Index of the winning start (0 with `start`). */
  readonly start: number;
  /** The absolute variance floor used. */
  readonly varianceFloor: number;
}

const DEFAULTS = { starts: 10, seed: 0, maxIterations: 500, tolerance: 1e-8, varianceFloor: 1e-6 };
/** EM results polished by BFGS (the best by EM log-likelihood). */
const POLISHED_STARTS = 3;
/** Gradient tolerance of the polish, per observation (statsmodels' BFGS default gtol is 1e-5). */
const GRADIENT_TOLERANCE = 1e-9;
const POLISH_ITERATIONS = 500;

function positiveInteger(field: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new HmmInputError(field, 'BAD_OPTION', `${field} must be a positive integer, got ${v}`);
  return v;
}

/** A standard normal draw (inverse CDF of a uniform strictly inside (0, 1)). */
function normal(rng: Xoshiro128): number {
  return normalQuantile((rng.nextUint32() + 0.5) / 4294967296);
}

/**
 * A random start on the standardized series (mean 0, variance 1): means N(0, 0.5²), variances a
 * log-normal spread around 1 (factor e^(1.5 N(0,1))), persistent regimes (each diagonal in
 * [0.6, 0.99), the rest of the row split at random), as regimes of returns are.
 */
function randomStart(rng: Xoshiro128, k: number, floor: number): MutableHmmParams {
  const means = new Float64Array(k);
  const variances = new Float64Array(k);
  const transition = new Float64Array(k * k);
  for (let i = 0; i < k; i++) means[i] = 0.5 * normal(rng);
  for (let i = 0; i < k; i++) variances[i] = Math.max(floor, Math.exp(1.5 * normal(rng)));
  for (let i = 0; i < k; i++) {
    const stay = 0.6 + 0.39 * rng.nextDouble();
    let total = 0;
    for (let j = 0; j < k; j++) if (j !== i) total += transition[i * k + j] = 0.05 + rng.nextDouble();
    for (let j = 0; j < k; j++) transition[i * k + j] = j === i ? stay : ((1 - stay) * transition[i * k + j]) / total;
  }
  return { states: k, means, variances, transition };
}

/** `p` on the scale of z = (x - mean) / sd. */
function standardize(p: GaussianHmmParams, mean: number, sd: number): MutableHmmParams {
  return { states: p.states, means: p.means.map((m) => (m - mean) / sd), variances: p.variances.map((v) => v / (sd * sd)), transition: Float64Array.from(p.transition) };
}

/** Fits the model to `x` (finite values, at least 10 per state); see the file header. */
export function fitGaussianHmm(x: Float64Array, options: GaussianHmmOptions): GaussianHmmFit {
  const k = options.states;
  checkObservations(x, k);
  const starts = positiveInteger('starts', options.starts ?? DEFAULTS.starts);
  const seed = options.seed ?? DEFAULTS.seed;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new HmmInputError('seed', 'BAD_OPTION', `seed must be a non-negative integer, got ${seed}`);
  const maxIterations = options.maxIterations ?? DEFAULTS.maxIterations;
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 0) throw new HmmInputError('maxIterations', 'BAD_OPTION', `maxIterations must be a non-negative integer, got ${maxIterations}`);
  const tolerance = options.tolerance ?? DEFAULTS.tolerance;
  if (!(tolerance >= 0)) throw new HmmInputError('tolerance', 'BAD_OPTION', `tolerance must be >= 0, got ${tolerance}`);
  const relativeFloor = options.varianceFloor ?? DEFAULTS.varianceFloor;
  if (!(relativeFloor > 0 && relativeFloor < 1)) throw new HmmInputError('varianceFloor', 'BAD_OPTION', `varianceFloor must be in (0, 1), got ${relativeFloor}`);
  if (options.start !== undefined) {
    checkParams(options.start, 'start');
    if (options.start.states !== k) throw new HmmInputError('start.states', 'BAD_PARAMETERS', `start has ${options.start.states} states, options.states is ${k}`);
  }

  const n = x.length;
  if (x.every((v) => v === x[0])) throw new HmmInputError('observations', 'CONSTANT_SERIES', `all ${n} observations are equal (${x[0]}): no regimes to tell apart`);
  let mean = 0;
  for (let t = 0; t < n; t++) mean += x[t];
  mean /= n;
  let variance = 0;
  for (let t = 0; t < n; t++) variance += (x[t] - mean) * (x[t] - mean);
  variance /= n;
  const sd = Math.sqrt(variance);
  // The fit runs on the standardized series z = (x - mean) / sd: the Gaussian HMM's likelihood is
  // equivariant under this affine map (means and variances map back exactly, log L shifts by
  // n log sd), and the optimizer then sees parameters of order 1 whether x is in fractions or
  // percent. The variance floor is relativeFloor on z's scale.
  const z = Float64Array.from(x, (v) => (v - mean) / sd);
  const floor = relativeFloor;

  const ws = new HmmWorkspace(n, k);
  const em = { maxIterations, tolerance, varianceFloor: floor };
  const candidates: { params: MutableHmmParams; llf: number; iterations: number; converged: boolean; start: number }[] = [];
  if (options.start !== undefined) {
    const r = baumWelch(z, standardize(options.start, mean, sd), em, ws);
    candidates.push({ params: r.params, llf: r.logLikelihood, iterations: r.iterations, converged: r.converged, start: 0 });
  } else {
    const rng = Xoshiro128.fromSeed(seed);
    for (let s = 0; s < starts; s++) {
      const r = baumWelch(z, randomStart(rng, k, floor), em, ws);
      candidates.push({ params: r.params, llf: r.logLikelihood, iterations: r.iterations, converged: r.converged, start: s });
    }
  }
  // Best first; a start whose likelihood broke down (NaN) goes last.
  candidates.sort((a, b) => (Number.isNaN(b.llf) ? -Infinity : b.llf) - (Number.isNaN(a.llf) ? -Infinity : a.llf) || a.start - b.start);

  let best = candidates[0];
  let polishIterations = 0;
  let polishConverged = false;
  if (options.polish ?? true) {
    let bestLlf = -Infinity;
    for (const c of candidates.slice(0, POLISHED_STARTS)) {
      if (!Number.isFinite(c.llf)) continue;
      const params = copyParams(c.params);
      const r = polishStationaryLikelihood(z, params, { varianceFloor: floor, maxIterations: POLISH_ITERATIONS, gradientTolerance: GRADIENT_TOLERANCE }, ws);
      // The polish only accepts improving steps, so r.logLikelihood >= c.llf up to round-off.
      if (r.logLikelihood > bestLlf) {
        bestLlf = r.logLikelihood;
        best = { ...c, params, llf: r.logLikelihood };
        polishIterations = r.iterations;
        polishConverged = r.gradientNorm <= GRADIENT_TOLERANCE;
      }
    }
  }
  if (!Number.isFinite(best.llf)) throw new HmmInputError('observations', 'BAD_PARAMETERS', 'the likelihood could not be evaluated from any start');

  const fitted = permuteParams(best.params, varianceOrder(best.params.variances));
  const sorted: GaussianHmmParams = { states: k, means: fitted.means.map((m) => mean + sd * m), variances: fitted.variances.map((v) => variance * v), transition: fitted.transition };
  const initial = stationaryDistribution(sorted.transition, k);
  const logLikelihood = forwardPass(x, sorted, initial, ws);
  const smoothed = new Float64Array(n * k);
  backwardPass(x, sorted, ws, smoothed);
  return {
    ...sorted,
    observations: n,
    logLikelihood,
    initial,
    smoothed,
    viterbi: viterbiPath(x, sorted, initial).path,
    iterations: best.iterations,
    polishIterations,
    converged: best.converged || polishConverged,
    start: best.start,
    varianceFloor: relativeFloor * variance,
  };
}
