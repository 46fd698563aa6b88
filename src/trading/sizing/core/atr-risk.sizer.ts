/**
 * ATR risk per trade: fixed fractional with the stop set k average true ranges away, so the
 * size adapts to how far the instrument moves in a bar.
 *
 *   quantity = riskFraction · equity · |target| / (k · ATR)
 *
 * Source: the "Turtle" unit (C. Faith, "Way of the Turtle", 2007: unit = 1% of equity / N,
 * N = 20-day ATR, stops at 2N); Tharp 2007's percent-volatility model. ATR is the context's
 * `atr` when given, else the last value of Wilder's ATR over its `bars` (src/quant/indicators,
 * TTR convention).
 */
import { atr } from '../../../quant/indicators';
import type { ParamSpec, ParamValue } from '../../../strategies/core/strategy-params';
import { checkContext, checkPositiveNumber, floatToDecimal, isSizingResult, sizeWithinBudget, zeroSize } from './sizing-quantity';
import type { PositionSizer, SizerDefinition, SizingContext, SizingResult } from './sizing.types';

export interface AtrRiskParams {
  readonly [key: string]: number | boolean;
  /** Fraction of equity at risk per trade. */
  readonly riskFraction: number;
  /** k: the stop distance in ATRs. */
  readonly atrMultiple: number;
  /** ATR period (bars) when the ATR is computed from bars. */
  readonly atrPeriod: number;
  /** Cap on notional as a multiple of equity. */
  readonly maxLeverage: number;
}

export const ATR_RISK_PARAMS: readonly ParamSpec[] = [
  { name: 'riskFraction', type: 'float', min: 0.0001, max: 1, default: 0.01, description: 'fraction of equity lost if the k-ATR stop is hit' },
  { name: 'atrMultiple', type: 'float', min: 0.1, max: 100, default: 2, description: 'k: the stop distance in ATRs' },
  { name: 'atrPeriod', type: 'int', min: 1, max: 10_000, default: 14, description: 'ATR period (bars), when computed from bars' },
  { name: 'maxLeverage', type: 'float', min: 0.01, max: 100, default: 1, description: 'cap on notional as a multiple of equity' },
];

export class AtrRiskSizer implements PositionSizer {
  readonly name = 'atr-risk';

  constructor(readonly params: AtrRiskParams) {}

  /** The ATR, or the zero result saying why there is none. */
  private averageTrueRange(context: SizingContext): number | SizingResult {
    if (context.atr !== undefined) return checkPositiveNumber('atr', context.atr) ?? context.atr;
    const bars = context.bars;
    if (bars === undefined) return zeroSize('missing-input', 'atr is missing (give atr or bars)');
    let series: Float64Array;
    try {
      series = atr(bars.high, bars.low, bars.close, this.params.atrPeriod).atr;
    } catch (e) {
      return zeroSize('invalid-input', `bars: ${(e as Error).message}`);
    }
    const last = series.length > 0 ? series[series.length - 1] : NaN;
    if (Number.isNaN(last)) return zeroSize('missing-input', `bars has ${bars.close.length} bars, ATR(${this.params.atrPeriod}) needs ${this.params.atrPeriod + 1}`);
    return checkPositiveNumber('atr', last) ?? last;
  }

  size(context: SizingContext): SizingResult {
    const c = checkContext(context);
    if (isSizingResult(c)) return c;
    const a = this.averageTrueRange(context);
    if (typeof a !== 'number') return a;
    const perUnit = floatToDecimal(this.params.atrMultiple * a);
    const risk = c.equity.times(floatToDecimal(this.params.riskFraction)).times(c.scale);
    return sizeWithinBudget(c, risk, perUnit, this.params.maxLeverage);
  }
}

export const atrRisk: SizerDefinition = {
  name: 'atr-risk',
  description: 'risk a fraction of equity with the stop k ATRs away (Wilder ATR from bars or given)',
  source: 'Faith 2007, Way of the Turtle (unit = 1% equity / N); Wilder 1978 ATR',
  params: ATR_RISK_PARAMS,
  create: (p: Readonly<Record<string, ParamValue>>) =>
    new AtrRiskSizer({ riskFraction: p.riskFraction as number, atrMultiple: p.atrMultiple as number, atrPeriod: p.atrPeriod as number, maxLeverage: p.maxLeverage as number }),
};
