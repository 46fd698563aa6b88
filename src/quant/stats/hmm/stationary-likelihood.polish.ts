/**
 * Direct maximization of the exact log-likelihood under the stationary initial distribution,
 * from where EM stopped: BFGS (Nocedal and Wright 2006, "Numerical Optimization", algorithm 6.1
 * with the initial scaling 6.20 and a backtracking Armijo line search) over unconstrained
 * parameters, as statsmodels' MarkovSwitching.fit does after its EM iterations (there: BFGS with
 * complex-step numerical gradients; here: exact gradients).
 *
 * Parameters θ = [means (K), v (K), logits (K(K-1))]: variance_k = floor + exp(v_k), so the
 * variance floor holds as a hard constraint; transition row i is a softmax of logits with the
 * diagonal's logit fixed at 0 (the other K-1 free, in column order).
 *
 * Gradient by Fisher's identity, ∇ log L(θ) = E[∇ log p(x, S; θ) | x], from one forward-backward
 * pass (the expectations are the EM statistics):
 *   ∂/∂mean_k = Σγ_k (x - mean_k) / var_k
 *   ∂/∂var_k  = Σγ_k [(x - mean_k)² / (2 var_k²) - 1 / (2 var_k)]     (times exp(v_k) for v_k)
 *   ∂/∂A_ij   = Σξ_ij / A_ij + Σ_l γ_0(l) ∂log π_l/∂A_ij
 * and, π being stationary (π A = π), dπ = π dA Z with Z = (I - A + 1π)⁻¹ (Kemeny and Snell's
 * fundamental matrix; Golub and Meyer 1986 on stationary-distribution derivatives), so
 * ∂π_l/∂A_ij = π_i Z_jl and Σ_l γ_0(l)/π_l ∂π_l/∂A_ij = π_i q_j with q = Z (γ_0 / π).
 * Through the softmax, ∂/∂logit_im = A_im (G_im - Σ_j A_ij G_ij) for G_ij = ∂/∂A_ij.
 */
import { HmmWorkspace, backwardPass, forwardPass } from './forward-backward.pass';
import { solveInPlace, stationaryDistribution } from './gaussian-hmm.model';
import type { MutableHmmParams } from './baum-welch.fit';

export interface PolishOptions {
  readonly varianceFloor: number;
  /** BFGS iterations at most. */
  readonly maxIterations: number;
  /** Stop when every component of the gradient of log L / n is below this. */
  readonly gradientTolerance: number;
}

export interface PolishResult {
  readonly logLikelihood: number;
  readonly iterations: number;
  /** Largest |∂(log L)/∂θ| / n at the end. */
  readonly gradientNorm: number;
}

/** Relative decrease of f below which an iteration counts as stalled, and how many in a row stop. */
const STALL = 1e-15;
const STALL_ITERATIONS = 5;

/** Smallest transition probability the logit parametrization starts from (log 0 has no logit). */
const MIN_PROBABILITY = 1e-300;

function toTheta(p: MutableHmmParams, floor: number): Float64Array {
  const k = p.states;
  const theta = new Float64Array(2 * k + k * (k - 1));
  let o = 0;
  for (let i = 0; i < k; i++) theta[o++] = p.means[i];
  // A variance on the floor has no finite v; start just above it.
  for (let i = 0; i < k; i++) theta[o++] = Math.log(Math.max(p.variances[i] - floor, floor * 1e-6, Number.MIN_VALUE));
  for (let i = 0; i < k; i++) {
    const diag = Math.max(p.transition[i * k + i], MIN_PROBABILITY);
    for (let j = 0; j < k; j++) if (j !== i) theta[o++] = Math.log(Math.max(p.transition[i * k + j], MIN_PROBABILITY) / diag);
  }
  return theta;
}

function fromTheta(theta: Float64Array, p: MutableHmmParams, floor: number): void {
  const k = p.states;
  let o = 0;
  for (let i = 0; i < k; i++) p.means[i] = theta[o++];
  for (let i = 0; i < k; i++) p.variances[i] = floor + Math.exp(theta[o++]);
  for (let i = 0; i < k; i++) {
    let max = 0;
    const base = o;
    for (let j = 0; j < k; j++) if (j !== i) max = Math.max(max, theta[o++]);
    o = base;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp((j === i ? 0 : theta[o++]) - max);
      p.transition[i * k + j] = e;
      sum += e;
    }
    for (let j = 0; j < k; j++) p.transition[i * k + j] /= sum;
  }
}

/**
 * log L at θ (into p) and, if finite, its gradient into `grad`. Returns -Infinity where the
 * likelihood cannot be evaluated (a non-finite parameter).
 */
function evaluate(x: Float64Array, theta: Float64Array, p: MutableHmmParams, floor: number, ws: HmmWorkspace, grad: Float64Array): number {
  for (let i = 0; i < theta.length; i++) if (!Number.isFinite(theta[i])) return -Infinity;
  fromTheta(theta, p, floor);
  const k = p.states;
  const pi = stationaryDistribution(p.transition, k);
  const llf = forwardPass(x, p, pi, ws);
  if (!Number.isFinite(llf)) return -Infinity;
  backwardPass(x, p, ws);
  let o = 0;
  for (let i = 0; i < k; i++) grad[o++] = ws.s1[i] / p.variances[i];
  for (let i = 0; i < k; i++) {
    const v = p.variances[i];
    grad[o++] = (ws.s2[i] / (2 * v * v) - ws.s0[i] / (2 * v)) * (v - floor);
  }
  // q = Z (γ_0 / π): solve (I - A + 1π) q = γ_0 / π.
  const m = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) m[i * k + j] = (i === j ? 1 : 0) - p.transition[i * k + j] + pi[j];
  const q = Float64Array.from(ws.gamma0, (g, l) => (pi[l] > 0 ? g / pi[l] : 0));
  solveInPlace(m, q, k);
  for (let i = 0; i < k; i++) {
    // A_ij G_ij = ξ_ij + A_ij π_i q_j; the softmax term subtracts A_im Σ_j A_ij G_ij.
    let rowTotal = 0;
    for (let j = 0; j < k; j++) rowTotal += ws.xi[i * k + j] + p.transition[i * k + j] * pi[i] * q[j];
    for (let j = 0; j < k; j++) {
      if (j === i) continue;
      const a = p.transition[i * k + j];
      grad[o++] = ws.xi[i * k + j] + a * pi[i] * q[j] - a * rowTotal;
    }
  }
  return llf;
}

/**
 * Maximizes the exact log-likelihood from `p` (updated in place to the best point found).
 * Minimizes f = -log L / n (per observation, as statsmodels' fit does, so the tolerance does not
 * scale with the series length).
 */
export function polishStationaryLikelihood(x: Float64Array, p: MutableHmmParams, options: PolishOptions, ws: HmmWorkspace = new HmmWorkspace(x.length, p.states)): PolishResult {
  const n = x.length;
  const floor = options.varianceFloor;
  let theta: Float64Array = toTheta(p, floor);
  const d = theta.length;
  let g: Float64Array = new Float64Array(d);
  let f = -evaluate(x, theta, p, floor, ws, g) / n;
  for (let i = 0; i < d; i++) g[i] = -g[i] / n;
  const hInv = new Float64Array(d * d);
  for (let i = 0; i < d; i++) hInv[i * d + i] = 1;
  const dir = new Float64Array(d);
  const s = new Float64Array(d);
  const y = new Float64Array(d);
  const hy = new Float64Array(d);
  let trial: Float64Array = new Float64Array(d);
  let gTrial: Float64Array = new Float64Array(d);
  let iterations = 0;
  let stalled = 0;
  const gradNorm = (v: Float64Array): number => v.reduce((m, e) => Math.max(m, Math.abs(e)), 0);
  if (!Number.isFinite(f)) return { logLikelihood: -Infinity, iterations: 0, gradientNorm: NaN };
  while (iterations < options.maxIterations && gradNorm(g) > options.gradientTolerance) {
    let slope = 0;
    for (let i = 0; i < d; i++) {
      let v = 0;
      for (let j = 0; j < d; j++) v -= hInv[i * d + j] * g[j];
      dir[i] = v;
      slope += v * g[i];
    }
    if (!(slope < 0)) {
      // Not a descent direction (round-off in H): restart from steepest descent.
      hInv.fill(0);
      for (let i = 0; i < d; i++) hInv[i * d + i] = 1;
      slope = 0;
      for (let i = 0; i < d; i++) {
        dir[i] = -g[i];
        slope -= g[i] * g[i];
      }
    }
    // The first step (H = I) is capped so it moves no parameter by more than 1.
    let step = iterations === 0 ? Math.min(1, 1 / gradNorm(dir)) : 1;
    let fTrial = Infinity;
    let accepted = false;
    for (let tries = 0; tries < 60; tries++) {
      for (let i = 0; i < d; i++) trial[i] = theta[i] + step * dir[i];
      fTrial = -evaluate(x, trial, p, floor, ws, gTrial) / n;
      if (fTrial <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted || fTrial > f) break; // no decrease left at machine precision
    // Steps that no longer change f beyond its round-off (a flat direction, e.g. a transition
    // probability drifting to 0 at the boundary, where the gradient decays only slowly).
    stalled = f - fTrial <= STALL * Math.abs(f) ? stalled + 1 : 0;
    for (let i = 0; i < d; i++) {
      gTrial[i] = -gTrial[i] / n;
      s[i] = trial[i] - theta[i];
      y[i] = gTrial[i] - g[i];
    }
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < d; i++) {
      sy += s[i] * y[i];
      yy += y[i] * y[i];
    }
    if (sy > 1e-300) {
      if (iterations === 0) {
        hInv.fill(0);
        for (let i = 0; i < d; i++) hInv[i * d + i] = sy / yy;
      }
      // H ← (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ, ρ = 1 / sᵀy, expanded:
      // H + ρ²(yᵀHy + sᵀy) s sᵀ - ρ (H y sᵀ + s yᵀ H).
      const rho = 1 / sy;
      let yhy = 0;
      for (let i = 0; i < d; i++) {
        let v = 0;
        for (let j = 0; j < d; j++) v += hInv[i * d + j] * y[j];
        hy[i] = v;
        yhy += y[i] * v;
      }
      const c = rho * rho * yhy + rho;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) hInv[i * d + j] += c * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j]);
    }
    [theta, trial] = [trial, theta];
    [g, gTrial] = [gTrial, g];
    f = fTrial;
    iterations++;
    if (stalled >= STALL_ITERATIONS) break;
  }
  // Leave p at θ (the last evaluation may have been a rejected trial point).
  const llf = evaluate(x, theta, p, floor, ws, gTrial);
  return { logLikelihood: llf, iterations, gradientNorm: gradNorm(g) };
}
