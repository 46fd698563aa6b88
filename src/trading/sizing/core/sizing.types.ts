import type { Decimal } from '../../../common/decimal';
import type { ParamSpec, ParamValue } from '../../../strategies/core/strategy-params';

/**
 * The position-sizing stage of the pipeline (DESIGN.md principle 3: targets → position sizing →
 * pre-trade risk gate → execution/routing → broker). A sizer turns a strategy's target into a
 * target position quantity. Money, prices and quantities arrive and leave as decimals (the
 * ledger's units, DESIGN.md principle 4); the statistics a model needs (volatility, ATR, edge)
 * are float64 estimates, and the arithmetic in between is float64 or decimal as each step says.
 */
export interface SizingContext {
  /** Account equity in the account currency; must be > 0 to size anything. */
  readonly equity: Decimal;
  /** Reference price of one unit (last trade or mid) in the account currency; > 0. */
  readonly price: Decimal;
  /** The smallest tradable step (1 for shares, 0.0001 for a crypto pair); > 0. */
  readonly lotSize: Decimal;
  /**
   * The strategy's target for this instrument: its sign is the direction (positive long,
   * negative short) and its magnitude scales the model's full size (1 = the full size, as a
   * strategy's "1.0 of equity" target; 0.5 half of it). 0 is flat.
   */
  readonly target: number;
  /**
   * Scale applied to every model's size after its own caps: the product of the risk-mode
   * multiplier and the regime multiplier (see `sizingMultiplier`), each in [0, 1+]. The risk
   * gate's CAUTIOUS mode passes 0.5 (half size); 0 (HALTED, or a regime that forbids trading)
   * sizes every position to zero.
   */
  readonly multiplier: number;
  /** Distance from entry to the protective stop, per unit (fixed fractional; binary Kelly). */
  readonly stopDistance?: Decimal;
  /** Forecast annualized volatility of the instrument's returns (volatility targeting). */
  readonly volatility?: number;
  /** Recent simple returns, oldest first, from which volatility targeting forecasts σ (EWMA) when `volatility` is absent. */
  readonly returns?: Float64Array;
  /** Average true range in price units (ATR risk per trade). */
  readonly atr?: number;
  /** Bars from which ATR risk per trade computes the ATR (Wilder) when `atr` is absent. */
  readonly bars?: { readonly high: Float64Array; readonly low: Float64Array; readonly close: Float64Array };
  /** Expected return of the position per period (continuous Kelly), same period as `returnVolatility`. */
  readonly expectedReturn?: number;
  /** Standard deviation of the position's return per period (continuous Kelly). */
  readonly returnVolatility?: number;
  /** Probability that a trade wins (binary Kelly), in (0, 1). */
  readonly winProbability?: number;
  /** Average win divided by average loss, b of Kelly's formula (binary Kelly), > 0. */
  readonly winLossRatio?: number;
}

/**
 * Why a size is zero. `missing-input` and `invalid-input` name the field in `detail`; the others
 * are decisions, not faults.
 */
export const SIZING_ZERO_REASONS = ['zero-target', 'zero-multiplier', 'missing-input', 'invalid-input', 'no-edge', 'below-lot-size'] as const;
export type SizingZeroReason = (typeof SIZING_ZERO_REASONS)[number];

export interface SizingResult {
  /**
   * The target position: signed like the target, a whole number of lots, rounded toward zero
   * so neither budget below is ever exceeded.
   */
  readonly quantity: Decimal;
  /** Null when the quantity is non-zero. */
  readonly reason: SizingZeroReason | null;
  /** Which input was missing or invalid, or what made the size zero; null when sized. */
  readonly detail: string | null;
  /**
   * The currency the model allows, multiplier applied: at risk for fixed fractional, ATR and
   * binary Kelly with a stop, notional for volatility targeting and continuous Kelly.
   * |quantity| · perUnit <= budget.
   */
  readonly budget: Decimal;
  /** What one unit uses of the budget: its stop distance, k·ATR, or its price. */
  readonly perUnit: Decimal;
  /** The leverage cap, multiplier applied: multiplier · maxLeverage · equity. |quantity| · price <= notionalCap. */
  readonly notionalCap: Decimal;
}

/** One sizing model with its resolved parameters. Pure: the same context gives the same result. */
export interface PositionSizer {
  readonly name: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  size(context: SizingContext): SizingResult;
}

/** A sizing model as the registry lists it: its name, parameter declarations and a factory. */
export interface SizerDefinition {
  readonly name: string;
  readonly description: string;
  /** Source of the model, for the API listing. */
  readonly source: string;
  readonly params: readonly ParamSpec[];
  /** Builds the sizer from parameters already resolved and checked against `params`. */
  create(params: Readonly<Record<string, ParamValue>>): PositionSizer;
}
