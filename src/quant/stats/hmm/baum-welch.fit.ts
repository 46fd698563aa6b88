/**
 * Baum-Welch (EM) for a Gaussian HMM from one start (Baum, Petrie, Soules and Weiss 1970;
 * Rabiner 1989 section III.C, with the scaling of section V.A in forward-backward.pass.ts).
 *
 * M-step, closed form from the pass's sufficient statistics: mean_k = Σγ x / Σγ, variance_k =
 * Σγ (x - mean_k)² / Σγ (floored, see `varianceFloor`), A_ij = Σξ_ij / Σ_j Σξ_ij. The first
 * state's distribution is not a free parameter here: it is the stationary distribution of the
 * current A (statsmodels' 'steady-state' initialization), recomputed after every M-step. The
 * M-step for A ignores that π depends on A, so EM alone stops a little short of the exact
 * maximum; stationary-likelihood.polish.ts finishes the job.
 *
 * The E-step allocates nothing (an HmmWorkspace is reused); the M-step writes into the same
 * parameter buffers.
 */
import { HmmWorkspace, backwardPass, forwardPass } from './forward-backward.pass';
import { stationaryDistribution, type GaussianHmmParams } from './gaussian-hmm.model';

/** A parameter set whose buffers the fitting code updates in place. */
export interface MutableHmmParams extends GaussianHmmParams {
  readonly means: Float64Array;
  readonly variances: Float64Array;
  readonly transition: Float64Array;
}

export interface BaumWelchOptions {
  /** EM iterations at most. */
  readonly maxIterations: number;
  /** Stop when an iteration raises the log-likelihood by less than tolerance · (1 + |llf|); 0 runs every iteration. */
  readonly tolerance: number;
  /** Lower bound of every variance (a state collapsing onto a few points has an unbounded likelihood). */
  readonly varianceFloor: number;
}

export interface BaumWelchResult {
  /** The fitted parameters (the `start` buffers, updated in place). */
  readonly params: MutableHmmParams;
  /** Exact log-likelihood at `params` under the stationary initial distribution. */
  readonly logLikelihood: number;
  readonly iterations: number;
  /** The change fell under the tolerance before maxIterations. */
  readonly converged: boolean;
}

/** Copies `p` into fresh buffers the fitting code may update. */
export function copyParams(p: GaussianHmmParams): MutableHmmParams {
  return { states: p.states, means: Float64Array.from(p.means), variances: Float64Array.from(p.variances), transition: Float64Array.from(p.transition) };
}

/** One M-step from the statistics the backward pass left in `ws`, about the current means. */
function mStep(p: MutableHmmParams, ws: HmmWorkspace, floor: number): void {
  const k = p.states;
  for (let i = 0; i < k; i++) {
    const w = ws.s0[i];
    // A state no observation belongs to keeps its parameters (nothing to estimate them from).
    if (w > 0) {
      const shift = ws.s1[i] / w;
      p.means[i] += shift;
      p.variances[i] = Math.max(floor, ws.s2[i] / w - shift * shift);
    }
    let row = 0;
    for (let j = 0; j < k; j++) row += ws.xi[i * k + j];
    if (row > 0) for (let j = 0; j < k; j++) p.transition[i * k + j] = ws.xi[i * k + j] / row;
  }
}

/**
 * Runs EM on `x` from `start` (updated in place) with the workspace `ws` (sized for x and K).
 * Inputs are assumed checked (fitGaussianHmm checks them).
 */
export function baumWelch(x: Float64Array, start: MutableHmmParams, options: BaumWelchOptions, ws: HmmWorkspace = new HmmWorkspace(x.length, start.states)): BaumWelchResult {
  const p = start;
  let llf = forwardPass(x, p, stationaryDistribution(p.transition, p.states), ws);
  let iterations = 0;
  let converged = false;
  while (iterations < options.maxIterations && Number.isFinite(llf)) {
    backwardPass(x, p, ws);
    mStep(p, ws, options.varianceFloor);
    iterations++;
    const next = forwardPass(x, p, stationaryDistribution(p.transition, p.states), ws);
    const change = next - llf;
    llf = next;
    if (Math.abs(change) <= options.tolerance * (1 + Math.abs(llf))) {
      converged = true;
      break;
    }
  }
  return { params: p, logLikelihood: llf, iterations, converged };
}
