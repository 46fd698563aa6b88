/**
 * Fixed fractional sizing ("percent risk"): risk a fixed fraction f of equity on each trade,
 * where the risk of one unit is its distance to the protective stop.
 *
 *   quantity = f · equity · |target| / stopDistance      (then × multiplier, lots, leverage cap)
 *
 * Source: R. Vince, "Portfolio Management Formulas" (1990), fixed fractional trading; Van K.
 * Tharp, "Trade Your Way to Financial Freedom" (2nd ed. 2007), the "percent risk" position
 * sizing model: units = (equity · risk%) / risk per unit.
 */
import type { ParamSpec, ParamValue } from '../../../strategies/core/strategy-params';
import { checkContext, checkPositiveDecimal, floatToDecimal, isSizingResult, sizeWithinBudget } from './sizing-quantity';
import type { PositionSizer, SizerDefinition, SizingContext, SizingResult } from './sizing.types';

export interface FixedFractionalParams {
  readonly [key: string]: number | boolean;
  /** Fraction of equity at risk per trade (0.01 = 1%). */
  readonly riskFraction: number;
  /** Cap on notional as a multiple of equity. */
  readonly maxLeverage: number;
}

export const FIXED_FRACTIONAL_PARAMS: readonly ParamSpec[] = [
  { name: 'riskFraction', type: 'float', min: 0.0001, max: 1, default: 0.01, description: 'fraction of equity lost if the stop is hit (0.01 = 1%)' },
  { name: 'maxLeverage', type: 'float', min: 0.01, max: 100, default: 1, description: 'cap on notional as a multiple of equity' },
];

export class FixedFractionalSizer implements PositionSizer {
  readonly name = 'fixed-fractional';

  constructor(readonly params: FixedFractionalParams) {}

  size(context: SizingContext): SizingResult {
    const c = checkContext(context);
    if (isSizingResult(c)) return c;
    const stop = checkPositiveDecimal('stopDistance', context.stopDistance);
    if (stop) return stop;
    const risk = c.equity.times(floatToDecimal(this.params.riskFraction)).times(c.scale);
    return sizeWithinBudget(c, risk, context.stopDistance!, this.params.maxLeverage);
  }
}

export const fixedFractional: SizerDefinition = {
  name: 'fixed-fractional',
  description: 'risk a fixed fraction of equity per trade given the stop distance',
  source: 'Vince 1990, Portfolio Management Formulas; Tharp 2007, percent risk model',
  params: FIXED_FRACTIONAL_PARAMS,
  create: (p: Readonly<Record<string, ParamValue>>) => new FixedFractionalSizer({ riskFraction: p.riskFraction as number, maxLeverage: p.maxLeverage as number }),
};
