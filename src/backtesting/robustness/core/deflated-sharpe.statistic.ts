/**
 * The probabilistic and the deflated Sharpe ratio.
 *
 * PSR: D. H. Bailey and M. López de Prado, "The Sharpe ratio efficient frontier", Journal of
 * Risk 15(2) (2012): the probability that the true Sharpe ratio exceeds a benchmark SR*, given
 * the observed SR over T returns with skewness γ3 and kurtosis γ4 (Mertens' 2002 variance of
 * the Sharpe estimator under non-normal returns):
 *
 *   PSR(SR*) = Φ( (SR - SR*) · sqrt(T - 1) / sqrt(1 - γ3 · SR + (γ4 - 1) / 4 · SR²) )
 *
 * DSR: D. H. Bailey and M. López de Prado, "The deflated Sharpe ratio: correcting for selection
 * bias, backtest overfitting and non-normality", Journal of Portfolio Management 40(5) (2014)
 * 94-107: PSR with SR* = the Sharpe ratio one expects from the best of N unskilled trials,
 *
 *   SR0 = sqrt(V[SR_n]) · ((1 - γ) · Φ⁻¹(1 - 1/N) + γ · Φ⁻¹(1 - 1/(N·e)))
 *
 * with γ the Euler–Mascheroni constant and V[SR_n] the variance of the N trials' Sharpe ratios
 * (the paper's eq. for E[max_n SR_n] under the null of zero true Sharpe). With N = 1 there is no
 * selection and SR0 = 0 (the formula's Φ⁻¹(0) = -∞ has no meaning there).
 *
 * Conventions (all explicit, because each one changes the number):
 * - Every Sharpe ratio here is PER PERIOD (mean / std of the period returns, risk-free 0, not
 *   annualized): SR, SR*, the trials' Sharpes and their variance share the returns' frequency.
 *   An annualized Sharpe S over q periods a year is S / sqrt(q) per period, its variance V / q.
 * - std is the sample standard deviation (ddof = 1), as computeMetrics and empyrical.
 * - γ3 is the biased sample skewness m3 / m2^1.5 and γ4 the biased NON-excess kurtosis
 *   m4 / m2² (3 for normal returns), i.e. scipy.stats.kurtosis(fisher=False, bias=True) =
 *   computeMetrics' (excess) kurtosis + 3.
 * - V[SR_n] is the sample variance (ddof = 1) of the trial Sharpes when they are given.
 * - T counts the finite returns (NaN periods dropped, as computeMetrics).
 * A non-positive variance term under the square root (possible only with inconsistent moments)
 * gives NaN.
 */
import { computeMetrics, MetricsInputError } from '../../../quant/metrics';
import { normalCdf, normalQuantile } from '../../../quant/random';
import { RobustnessInputError, checkInteger } from './robustness-input.error';

export const EULER_MASCHERONI = 0.5772156649015329;

/** E[max of N trial Sharpes] under the null (DSR paper): sqrt(V)·((1-γ)Φ⁻¹(1-1/N) + γΦ⁻¹(1-1/(Ne))); 0 for N = 1. */
export function expectedMaxSharpe(trialSharpeVariance: number, trials: number): number {
  checkInteger('trials', trials, 1);
  if (!Number.isFinite(trialSharpeVariance) || trialSharpeVariance < 0) {
    throw new RobustnessInputError('trialSharpeVariance', 'BAD_PARAMETER', `trialSharpeVariance must be a finite number >= 0, got ${trialSharpeVariance}`);
  }
  if (trials === 1) return 0;
  return Math.sqrt(trialSharpeVariance) * ((1 - EULER_MASCHERONI) * normalQuantile(1 - 1 / trials) + EULER_MASCHERONI * normalQuantile(1 - 1 / (trials * Math.E)));
}

export interface ProbabilisticSharpeInput {
  /** Observed per-period Sharpe ratio. */
  readonly sharpe: number;
  /** Benchmark per-period Sharpe ratio SR* (0: "is it positive at all"). */
  readonly benchmarkSharpe: number;
  /** Returns the Sharpe was measured over, T >= 2. */
  readonly observations: number;
  /** Biased sample skewness γ3. */
  readonly skew: number;
  /** Biased sample kurtosis γ4, NOT excess (3 for normal returns). */
  readonly kurtosis: number;
}

function checkFinite(field: string, value: number): void {
  if (!Number.isFinite(value)) throw new RobustnessInputError(field, 'NON_FINITE_VALUE', `${field} must be a finite number, got ${value}`);
}

/** PSR(SR*) (Bailey & López de Prado 2012; see the file header). */
export function probabilisticSharpeRatio(input: ProbabilisticSharpeInput): number {
  checkFinite('sharpe', input.sharpe);
  checkFinite('benchmarkSharpe', input.benchmarkSharpe);
  checkFinite('skew', input.skew);
  checkFinite('kurtosis', input.kurtosis);
  checkInteger('observations', input.observations, 2);
  const sr = input.sharpe;
  const v = 1 - input.skew * sr + ((input.kurtosis - 1) / 4) * sr * sr;
  if (!(v > 0)) return NaN;
  return normalCdf(((sr - input.benchmarkSharpe) * Math.sqrt(input.observations - 1)) / Math.sqrt(v));
}

export interface DeflatedSharpeMoments {
  readonly sharpe: number;
  readonly observations: number;
  readonly skew: number;
  readonly kurtosis: number;
  /** N, the number of trials the strategy was selected from (>= 1). */
  readonly trials: number;
  /** V[SR_n], the variance of the trials' per-period Sharpe ratios. */
  readonly trialSharpeVariance: number;
}

export interface DeflatedSharpeResult extends DeflatedSharpeMoments {
  /** SR0 = E[max of N trial Sharpes] under the null, per period. */
  readonly expectedMaxSharpe: number;
  /** DSR = PSR(SR0): the probability that the true Sharpe is positive after the selection. */
  readonly deflatedSharpe: number;
  /** PSR(0): the same without the selection correction. */
  readonly probabilisticSharpe: number;
}

/** DSR from the moments (e.g. a published example, or moments computed elsewhere). */
export function deflatedSharpeFromMoments(m: DeflatedSharpeMoments): DeflatedSharpeResult {
  const sr0 = expectedMaxSharpe(m.trialSharpeVariance, m.trials);
  const base = { sharpe: m.sharpe, observations: m.observations, skew: m.skew, kurtosis: m.kurtosis };
  return {
    ...m,
    expectedMaxSharpe: sr0,
    deflatedSharpe: probabilisticSharpeRatio({ ...base, benchmarkSharpe: sr0 }),
    probabilisticSharpe: probabilisticSharpeRatio({ ...base, benchmarkSharpe: 0 }),
  };
}

export interface DeflatedSharpeOptions {
  /**
   * Per-period Sharpe ratios of all N trials (the chosen one included), same frequency as the
   * returns: N = its length, V = its sample variance (ddof = 1). Or give `trials` and
   * `trialSharpeVariance` instead.
   */
  readonly trialSharpes?: Float64Array;
  readonly trials?: number;
  readonly trialSharpeVariance?: number;
}

/**
 * DSR of the chosen strategy's simple returns (NaN periods dropped): its per-period Sharpe,
 * skewness and kurtosis come from computeMetrics (periodsPerYear 1, so the Sharpe is per
 * period; kurtosis + 3 for the non-excess convention), the trials from the options.
 */
export function deflatedSharpeRatio(returns: Float64Array, options: DeflatedSharpeOptions): DeflatedSharpeResult {
  let trials: number;
  let variance: number;
  if (options.trialSharpes !== undefined) {
    if (options.trials !== undefined || options.trialSharpeVariance !== undefined) {
      throw new RobustnessInputError('trialSharpes', 'BAD_PARAMETER', 'give either trialSharpes or trials with trialSharpeVariance, not both');
    }
    const s = options.trialSharpes;
    if (s.length < 1) throw new RobustnessInputError('trialSharpes', 'TOO_FEW_VALUES', 'trialSharpes is empty');
    let sum = 0;
    for (let i = 0; i < s.length; i++) {
      if (!Number.isFinite(s[i])) throw new RobustnessInputError('trialSharpes', 'NON_FINITE_VALUE', `trialSharpes[${i}] is ${s[i]}`, i);
      sum += s[i];
    }
    const mean = sum / s.length;
    let m2 = 0;
    for (let i = 0; i < s.length; i++) m2 += (s[i] - mean) ** 2;
    trials = s.length;
    variance = s.length > 1 ? m2 / (s.length - 1) : 0;
  } else {
    if (options.trials === undefined || options.trialSharpeVariance === undefined) {
      throw new RobustnessInputError('trials', 'BAD_PARAMETER', 'give trialSharpes, or trials with trialSharpeVariance');
    }
    trials = options.trials;
    variance = options.trialSharpeVariance;
  }
  let m;
  try {
    m = computeMetrics(returns, { periodsPerYear: 1 });
  } catch (e) {
    if (e instanceof MetricsInputError) throw new RobustnessInputError('returns', e.problem === 'TOO_FEW_RETURNS' ? 'TOO_FEW_VALUES' : 'NON_FINITE_VALUE', e.message, e.index);
    throw e;
  }
  if (!Number.isFinite(m.sharpe) || !Number.isFinite(m.skew)) {
    throw new RobustnessInputError('returns', 'TOO_FEW_VALUES', 'the returns have no variance: their Sharpe ratio and moments are undefined');
  }
  return deflatedSharpeFromMoments({ sharpe: m.sharpe, observations: m.periods, skew: m.skew, kurtosis: m.kurtosis + 3, trials, trialSharpeVariance: variance });
}
