/**
 * Fractional Kelly: the growth-optimal fraction of equity f*, times a fraction (half Kelly by
 * default: Kelly sizing is optimal only with the true edge, and an estimated edge is noisy, so
 * practitioners bet a fraction of it), capped.
 *
 * - continuous returns (default): f* = μ / σ², μ the expected excess return and σ its standard
 *   deviation over the same period (the ratio does not depend on the period). Source: E. O.
 *   Thorp, "The Kelly criterion in blackjack, sports betting and the stock market" (2006),
 *   its continuous approximation f* = m/s²; R. C. Merton (1969) for the
 *   continuous-time optimum. f* is a fraction of equity held as notional.
 * - win/loss (param `binary`): f* = p − (1 − p)/b, p the probability of a win, b the win/loss
 *   ratio. Source: J. L. Kelly, "A New Interpretation of Information Rate", Bell System
 *   Technical Journal 35(4), 1956; Thorp 2006 in the p − q/b form. f* is the fraction
 *   of equity lost when the bet loses: with a stop that is the stop distance per unit, so
 *   quantity = f·equity/stopDistance; without one the whole stake is at risk (per unit: price).
 *
 * weight = |target| · fraction · f*, capped at maxLeverage of notional; f* <= 0 (no edge in the
 * target's direction) sizes to zero with reason `no-edge`: Kelly never bets against its own edge.
 */
import type { ParamSpec, ParamValue } from '../../../strategies/core/strategy-params';
import { checkContext, checkPositiveDecimal, checkPositiveNumber, floatToDecimal, isFiniteNumber, isSizingResult, sizeWithinBudget, zeroSize } from './sizing-quantity';
import type { PositionSizer, SizerDefinition, SizingContext, SizingResult } from './sizing.types';

export interface KellyParams {
  readonly [key: string]: number | boolean;
  /** Multiple of full Kelly (0.5 = half Kelly). */
  readonly fraction: number;
  /** Cap on notional as a multiple of equity. */
  readonly maxLeverage: number;
  /** Win/loss form (p, b) instead of the continuous one (μ, σ). */
  readonly binary: boolean;
}

export const KELLY_PARAMS: readonly ParamSpec[] = [
  { name: 'fraction', type: 'float', min: 0.01, max: 1, default: 0.5, description: 'multiple of full Kelly (0.5 = half Kelly)' },
  { name: 'maxLeverage', type: 'float', min: 0.01, max: 100, default: 1, description: 'cap on notional as a multiple of equity' },
  { name: 'binary', type: 'bool', default: false, description: 'win/loss form p - (1-p)/b (winProbability, winLossRatio) instead of mu/sigma^2 (expectedReturn, returnVolatility)' },
];

/** Full-Kelly fraction of the continuous form, μ/σ². */
export function kellyContinuous(expectedReturn: number, volatility: number): number {
  return expectedReturn / (volatility * volatility);
}

/** Full-Kelly fraction of the win/loss form, p − (1 − p)/b. */
export function kellyBinary(winProbability: number, winLossRatio: number): number {
  return winProbability - (1 - winProbability) / winLossRatio;
}

export class KellySizer implements PositionSizer {
  readonly name = 'kelly';

  constructor(readonly params: KellyParams) {}

  /** The full-Kelly fraction, or the zero result naming the missing or bad input. */
  private fullKelly(context: SizingContext): number | SizingResult {
    if (this.params.binary) {
      const p = context.winProbability;
      if (p === undefined) return zeroSize('missing-input', 'winProbability is missing');
      if (!isFiniteNumber(p) || p <= 0 || p >= 1) return zeroSize('invalid-input', `winProbability must be in (0, 1), got ${String(p)}`);
      const bad = checkPositiveNumber('winLossRatio', context.winLossRatio);
      if (bad) return bad;
      return kellyBinary(p, context.winLossRatio!);
    }
    const mu = context.expectedReturn;
    if (mu === undefined) return zeroSize('missing-input', 'expectedReturn is missing');
    if (!isFiniteNumber(mu)) return zeroSize('invalid-input', `expectedReturn must be a finite number, got ${String(mu)}`);
    const bad = checkPositiveNumber('returnVolatility', context.returnVolatility);
    if (bad) return bad;
    return kellyContinuous(mu, context.returnVolatility!);
  }

  size(context: SizingContext): SizingResult {
    const c = checkContext(context);
    if (isSizingResult(c)) return c;
    const f = this.fullKelly(context);
    if (typeof f !== 'number') return f;
    if (!Number.isFinite(f)) return zeroSize('invalid-input', `the Kelly fraction is ${f}`);
    if (f <= 0) return zeroSize('no-edge', `the Kelly fraction is ${f}: no edge in the target's direction`);
    const stake = Math.min(this.params.fraction * f, this.params.maxLeverage);
    const amount = c.equity.times(floatToDecimal(stake)).times(c.scale);
    if (this.params.binary && context.stopDistance !== undefined) {
      const bad = checkPositiveDecimal('stopDistance', context.stopDistance);
      if (bad) return bad;
      return sizeWithinBudget(c, amount, context.stopDistance, this.params.maxLeverage);
    }
    return sizeWithinBudget(c, amount, c.price, this.params.maxLeverage);
  }
}

export const kelly: SizerDefinition = {
  name: 'kelly',
  description: 'fractional Kelly: fraction x (mu/sigma^2, or p - (1-p)/b), leverage capped; zero without an edge',
  source: 'Kelly 1956; Thorp 2006, The Kelly criterion in blackjack, sports betting and the stock market',
  params: KELLY_PARAMS,
  create: (p: Readonly<Record<string, ParamValue>>) => new KellySizer({ fraction: p.fraction as number, maxLeverage: p.maxLeverage as number, binary: p.binary as boolean }),
};
