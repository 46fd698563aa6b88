/**
 * The simple default of the sizing stage (DESIGN.md principle 3: each stage has one): the
 * strategy's target read as the signed fraction of equity to hold as notional, the convention
 * of the vectorized backtester (a target of 1.0 is fully long), so a deployment that picks no
 * model trades what it backtested.
 *
 *   quantity = target · equity / price      (then × multiplier, lots, leverage cap)
 */
import type { ParamSpec, ParamValue } from '../../../strategies/core/strategy-params';
import { checkContext, isSizingResult, sizeWithinBudget } from './sizing-quantity';
import type { PositionSizer, SizerDefinition, SizingContext, SizingResult } from './sizing.types';

export interface EquityFractionParams {
  readonly [key: string]: number | boolean;
  /** Cap on notional as a multiple of equity. */
  readonly maxLeverage: number;
}

export const EQUITY_FRACTION_PARAMS: readonly ParamSpec[] = [
  { name: 'maxLeverage', type: 'float', min: 0.01, max: 100, default: 1, description: 'cap on notional as a multiple of equity' },
];

export class EquityFractionSizer implements PositionSizer {
  readonly name = 'equity-fraction';

  constructor(readonly params: EquityFractionParams) {}

  size(context: SizingContext): SizingResult {
    const c = checkContext(context);
    if (isSizingResult(c)) return c;
    return sizeWithinBudget(c, c.equity.times(c.scale), c.price, this.params.maxLeverage);
  }
}

export const equityFraction: SizerDefinition = {
  name: 'equity-fraction',
  description: 'the target as the signed fraction of equity held as notional (the backtester convention); the default',
  source: 'the vectorized backtester convention (docs/ARCHITECTURE.md, Backtests)',
  params: EQUITY_FRACTION_PARAMS,
  create: (p: Readonly<Record<string, ParamValue>>) => new EquityFractionSizer({ maxLeverage: p.maxLeverage as number }),
};
