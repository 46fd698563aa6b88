import { allocateLots } from './lot-allocation';
import { ScheduleInputError, type LotSpec, type ScheduleSlice, type ScheduleWindow } from './schedule.types';
import { nonEmptySlices, sliceTimes } from './twap.schedule';
import { DAY_MS } from './volume-profile.estimator';

/**
 * The Almgren-Chriss (2000) model's parameters, in the paper's units with time in days:
 * "Optimal execution of portfolio transactions", Journal of Risk 3(2), 5-39.
 */
export interface AlmgrenChrissParams {
  /** σ: price volatility, currency per share per √day (daily σ of returns × price). */
  readonly sigma: number;
  /** η: temporary impact, currency per share per (share/day) of trading rate. */
  readonly eta: number;
  /** γ: permanent impact, currency per share per share traded; default 0. */
  readonly gamma?: number;
  /** ε: fixed cost per share (half spread plus fees); default 0. */
  readonly epsilon?: number;
  /** λ: risk aversion, 1/currency; 0 is the risk-neutral trader (a straight line, TWAP). */
  readonly lambda: number;
}

export interface AlmgrenChrissPlan {
  readonly slices: ScheduleSlice[];
  /** κ (per day) of the discrete solution; 0 for λ = 0. */
  readonly kappa: number;
  /** Holdings x_0 = X, x_1, ..., x_N = 0 of the continuous optimum at the slice times. */
  readonly holdings: number[];
  /** E[cost] and Var[cost] of the rounded schedule that is sent (the paper's eq. 2 and 3). */
  readonly expectedCost: number;
  readonly variance: number;
}

/** κT below this is the λ → 0 limit: sinh(κ(T−t))/sinh(κT) → (T−t)/T to 1e-12. */
const LINEAR_LIMIT = 1e-6;

/**
 * κ of the discrete-time optimum (Almgren & Chriss 2000, section 3): with τ = T/N and
 * η̃ = η − γτ/2, κ̃² = λσ²/η̃ and κ solves (2/τ²)(cosh κτ − 1) = κ̃², i.e.
 * κ = arccosh(κ̃²τ²/2 + 1)/τ. η̃ must be > 0 (the paper's condition τ < 2η/γ).
 */
export function almgrenChrissKappa(p: AlmgrenChrissParams, tau: number): number {
  const etaTilde = p.eta - ((p.gamma ?? 0) * tau) / 2;
  if (!(etaTilde > 0)) throw new ScheduleInputError('params.eta', 'must exceed gamma·τ/2 (η̃ = η − γτ/2 > 0)');
  const kappaTilde2 = (p.lambda * p.sigma * p.sigma) / etaTilde;
  return Math.acosh((kappaTilde2 * tau * tau) / 2 + 1) / tau;
}

/**
 * sinh(κ(T − t)) / sinh(κT), written with exponentials so that it neither overflows for large
 * κT nor loses digits for small t: (e^{−κt} − e^{−κ(2T−t)}) / (1 − e^{−2κT}).
 */
function remainingFraction(kappa: number, T: number, t: number): number {
  if (kappa * T < LINEAR_LIMIT) return (T - t) / T;
  return (Math.exp(-kappa * t) - Math.exp(-kappa * (2 * T - t))) / -Math.expm1(-2 * kappa * T);
}

function checkParams(p: AlmgrenChrissParams): void {
  const fields: [keyof AlmgrenChrissParams, number | undefined, boolean][] = [
    ['sigma', p.sigma, true],
    ['eta', p.eta, false],
    ['gamma', p.gamma, true],
    ['epsilon', p.epsilon, true],
    ['lambda', p.lambda, true],
  ];
  for (const [name, v, zeroOk] of fields) {
    if (v === undefined && (name === 'gamma' || name === 'epsilon')) continue;
    if (v === undefined || !Number.isFinite(v) || v < 0 || (!zeroOk && v === 0)) {
      throw new ScheduleInputError(`params.${name}`, zeroOk ? 'must be a finite number >= 0' : 'must be a finite number > 0');
    }
  }
}

/**
 * E[cost] = ½γX² + ε Σ|n_k| + (η̃/τ) Σ n_k² and Var[cost] = σ² Σ_{k=1..N} τ x_k² for the trade
 * list n_1..n_N (Almgren & Chriss 2000, eq. 2-3 with η̃ from eq. 4), any trajectory.
 */
export function almgrenChrissCost(trades: readonly number[], p: AlmgrenChrissParams, tau: number): { expectedCost: number; variance: number } {
  const gamma = p.gamma ?? 0;
  const etaTilde = p.eta - (gamma * tau) / 2;
  const X = trades.reduce((a, n) => a + n, 0);
  let remaining = X;
  let sumAbs = 0;
  let sumSq = 0;
  let sumHoldingsSq = 0;
  for (const n of trades) {
    sumAbs += Math.abs(n);
    sumSq += n * n;
    remaining -= n;
    sumHoldingsSq += remaining * remaining;
  }
  return {
    expectedCost: 0.5 * gamma * X * X + (p.epsilon ?? 0) * sumAbs + (etaTilde / tau) * sumSq,
    variance: p.sigma * p.sigma * tau * sumHoldingsSq,
  };
}

/**
 * Implementation shortfall with the Almgren-Chriss optimal trajectory: N slices of τ over
 * T = end − start (days); holdings x_j = X·sinh(κ(T − t_j))/sinh(κT), t_j = jτ (eq. 18), so
 * slice j (sent at t_{j−1}) trades n_j = x_{j−1} − x_j. More risk aversion front-loads the
 * schedule; λ → 0 gives the straight line x_j = X(1 − j/N), i.e. TWAP.
 */
export function almgrenChrissSchedule(window: ScheduleWindow, lots: LotSpec, p: AlmgrenChrissParams): AlmgrenChrissPlan {
  checkParams(p);
  const times = sliceTimes(window);
  const N = times.length;
  const T = (window.end - window.start) / DAY_MS;
  const tau = T / N;
  const kappa = almgrenChrissKappa(p, tau);
  const holdings = Array.from({ length: N + 1 }, (_, j) => (j === N ? 0 : lots.quantity * remainingFraction(kappa, T, j * tau)));
  const linear = kappa * T < LINEAR_LIMIT;
  // In the linear limit the trades are equal by construction; equal weights say so exactly
  // (X(1 − j/N) differences carry float noise that could tip a lot's rounding).
  const trades = times.map((_, j) => (linear ? 1 : holdings[j] - holdings[j + 1]));
  const quantities = allocateLots(trades, lots);
  const { expectedCost, variance } = almgrenChrissCost(quantities, p, tau);
  return { slices: nonEmptySlices(times, quantities), kappa: linear ? 0 : kappa, holdings, expectedCost, variance };
}
