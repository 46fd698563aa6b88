/**
 * Volatility targeting: hold the notional whose forecast volatility equals a target, so every
 * instrument contributes the same risk whatever its own volatility.
 *
 *   weight = |target| · σ_target / σ_forecast, capped at maxLeverage;  notional = weight · equity
 *
 * Source: R. Carver, "Systematic Trading" (2015), position sizing by volatility targeting
 * (target cash volatility / instrument cash volatility); Harvey, Hoyle, Korgaonkar,
 * Rattray, Sargaison & Van Hemert, "The Impact of Volatility Targeting", Journal of Portfolio
 * Management 45(1), 2018 (exposure scaled by target / forecast volatility).
 * σ_forecast is the context's `volatility` when given, else the RiskMetrics EWMA of its
 * `returns` (ewma-volatility.ts), both annualized like σ_target.
 */
import type { ParamSpec, ParamValue } from '../../../strategies/core/strategy-params';
import { ewmaVolatility } from './ewma-volatility';
import { checkContext, checkPositiveNumber, floatToDecimal, isSizingResult, sizeWithinBudget, zeroSize } from './sizing-quantity';
import type { PositionSizer, SizerDefinition, SizingContext, SizingResult } from './sizing.types';

export interface VolatilityTargetParams {
  readonly [key: string]: number | boolean;
  /** Target annualized volatility of the position (0.10 = 10% a year). */
  readonly targetVolatility: number;
  /** Cap on notional as a multiple of equity: a calm instrument is not levered without bound. */
  readonly maxLeverage: number;
  /** EWMA decay for the forecast from returns. */
  readonly lambda: number;
  /** Periods a year of the returns (252 daily). */
  readonly periodsPerYear: number;
  /** Fewest returns the EWMA forecast needs; fewer sizes to zero (missing-input). */
  readonly minReturns: number;
}

export const VOLATILITY_TARGET_PARAMS: readonly ParamSpec[] = [
  { name: 'targetVolatility', type: 'float', min: 0.001, max: 5, default: 0.1, description: 'target annualized volatility of the position (0.10 = 10%)' },
  { name: 'maxLeverage', type: 'float', min: 0.01, max: 100, default: 2, description: 'cap on notional as a multiple of equity' },
  { name: 'lambda', type: 'float', min: 0.5, max: 0.999, default: 0.94, description: 'EWMA decay of the volatility forecast (RiskMetrics: 0.94 daily)' },
  { name: 'periodsPerYear', type: 'int', min: 1, max: 1_000_000, default: 252, description: 'periods a year of the returns, to annualize the forecast' },
  { name: 'minReturns', type: 'int', min: 1, max: 100_000, default: 20, description: 'fewest returns the EWMA forecast needs' },
];

export class VolatilityTargetSizer implements PositionSizer {
  readonly name = 'volatility-target';

  constructor(readonly params: VolatilityTargetParams) {}

  /** The forecast σ (annualized), or the zero result saying why there is none. */
  forecast(context: SizingContext): number | SizingResult {
    if (context.volatility !== undefined) return checkPositiveNumber('volatility', context.volatility) ?? context.volatility;
    if (context.returns === undefined) return zeroSize('missing-input', 'volatility is missing (give volatility or returns)');
    const f = ewmaVolatility(context.returns, this.params.lambda, this.params.periodsPerYear);
    if (f.observations < this.params.minReturns) return zeroSize('missing-input', `returns has ${f.observations} values, the forecast needs ${this.params.minReturns}`);
    if (!Number.isFinite(f.annualized)) return zeroSize('invalid-input', 'returns has a NaN or infinite value after its first');
    if (!(f.annualized > 0)) return zeroSize('invalid-input', 'returns are all 0: no volatility to scale by');
    return f.annualized;
  }

  size(context: SizingContext): SizingResult {
    const c = checkContext(context);
    if (isSizingResult(c)) return c;
    const sigma = this.forecast(context);
    if (typeof sigma !== 'number') return sigma;
    const weight = Math.min(this.params.targetVolatility / sigma, this.params.maxLeverage);
    const notional = c.equity.times(floatToDecimal(weight)).times(c.scale);
    return sizeWithinBudget(c, notional, c.price, this.params.maxLeverage);
  }
}

export const volatilityTarget: SizerDefinition = {
  name: 'volatility-target',
  description: 'notional whose forecast volatility (given, or EWMA of returns) equals a target, leverage capped',
  source: 'Carver 2015, Systematic Trading; Harvey et al. 2018; RiskMetrics 1996 EWMA (lambda 0.94)',
  params: VOLATILITY_TARGET_PARAMS,
  create: (p: Readonly<Record<string, ParamValue>>) =>
    new VolatilityTargetSizer({
      targetVolatility: p.targetVolatility as number,
      maxLeverage: p.maxLeverage as number,
      lambda: p.lambda as number,
      periodsPerYear: p.periodsPerYear as number,
      minReturns: p.minReturns as number,
    }),
};
