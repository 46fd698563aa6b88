/**
 * The arithmetic every sizer shares: checking the common inputs, and turning a budget into a
 * whole number of lots that never exceeds it. Budgets are built in decimal from the float
 * estimates (converted through their shortest round-trip string, as `parseDecimal` does), so
 * the final "does it fit" comparison is exact.
 */
import { Decimal, ZERO } from '../../../common/decimal';
import type { SizingContext, SizingResult, SizingZeroReason } from './sizing.types';

/** The common inputs, checked: all finite, equity/price/lot > 0, multiplier >= 0. */
export interface CheckedContext {
  readonly equity: Decimal;
  readonly price: Decimal;
  readonly lotSize: Decimal;
  /** +1 long, -1 short. */
  readonly direction: 1 | -1;
  /** |target| as a decimal. */
  readonly scale: Decimal;
  readonly multiplier: Decimal;
}

/** A zero size with its reason. */
export function zeroSize(reason: SizingZeroReason, detail: string): SizingResult {
  return { quantity: ZERO, reason, detail, budget: ZERO, perUnit: ZERO, notionalCap: ZERO };
}

/** A finite float as a decimal, exactly as it prints (0.1 stays 0.1). */
export function floatToDecimal(x: number): Decimal {
  return new Decimal(String(x));
}

/** Whether `x` is a finite number (rejects NaN, ±Infinity and non-numbers). */
export function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function isDecimal(x: unknown): x is Decimal {
  return x instanceof Decimal || (typeof x === 'object' && x !== null && Decimal.isDecimal(x));
}

/** A missing or non-finite decimal input as a zero result, or null when `value` is a finite decimal > 0. */
export function checkPositiveDecimal(name: string, value: Decimal | undefined): SizingResult | null {
  if (value === undefined || value === null) return zeroSize('missing-input', `${name} is missing`);
  if (!isDecimal(value) || !value.isFinite()) return zeroSize('invalid-input', `${name} must be a finite decimal, got ${String(value)}`);
  if (!value.gt(0)) return zeroSize('invalid-input', `${name} must be > 0, got ${value.toFixed()}`);
  return null;
}

/** A missing or non-finite float input as a zero result, or null when `value` is finite and > 0. */
export function checkPositiveNumber(name: string, value: number | undefined): SizingResult | null {
  if (value === undefined || value === null) return zeroSize('missing-input', `${name} is missing`);
  if (!isFiniteNumber(value)) return zeroSize('invalid-input', `${name} must be a finite number, got ${String(value)}`);
  if (!(value > 0)) return zeroSize('invalid-input', `${name} must be > 0, got ${value}`);
  return null;
}

/**
 * The inputs every model needs, checked, or the zero result that says which one is wrong.
 * A zero target or multiplier is a decision (flat), not a fault, and is reported as such.
 */
export function checkContext(c: SizingContext): CheckedContext | SizingResult {
  const bad = checkPositiveDecimal('equity', c.equity) ?? checkPositiveDecimal('price', c.price) ?? checkPositiveDecimal('lotSize', c.lotSize);
  if (bad) return bad;
  if (c.target === undefined || c.target === null) return zeroSize('missing-input', 'target is missing');
  if (!isFiniteNumber(c.target)) return zeroSize('invalid-input', `target must be a finite number, got ${String(c.target)}`);
  if (c.multiplier === undefined || c.multiplier === null) return zeroSize('missing-input', 'multiplier is missing');
  if (!isFiniteNumber(c.multiplier) || c.multiplier < 0) return zeroSize('invalid-input', `multiplier must be a finite number >= 0, got ${String(c.multiplier)}`);
  if (c.target === 0) return zeroSize('zero-target', 'target is 0 (flat)');
  if (c.multiplier === 0) return zeroSize('zero-multiplier', 'multiplier is 0 (risk mode or regime allows no position)');
  return {
    equity: c.equity,
    price: c.price,
    lotSize: c.lotSize,
    direction: c.target > 0 ? 1 : -1,
    scale: floatToDecimal(Math.abs(c.target)),
    multiplier: floatToDecimal(c.multiplier),
  };
}

export function isSizingResult(x: CheckedContext | SizingResult): x is SizingResult {
  return 'reason' in x;
}

/** Largest whole number of lots `n` with n · lot · perUnit <= budget (perUnit, lot > 0, budget >= 0). */
function lotsWithin(budget: Decimal, perUnit: Decimal, lot: Decimal): Decimal {
  const unit = lot.times(perUnit);
  // A 34-digit quotient rounded to nearest can land on the next integer when the exact one is
  // just below it, so the floor is checked against the exact product and stepped back.
  let n = budget.div(unit).floor();
  while (n.gt(0) && n.times(unit).gt(budget)) n = n.minus(1);
  return n;
}

/**
 * The sized result: `modelAmount` is the model's full budget in currency before the multiplier
 * (at risk or notional, spent `perUnit` per unit), capped by `maxLeverage` · equity of notional;
 * the multiplier scales both, and the quantity is the whole number of lots that fits in both.
 * The cap applies before the multiplier so CAUTIOUS (0.5) always halves the position, even one
 * the cap has cut.
 */
export function sizeWithinBudget(c: CheckedContext, modelAmount: Decimal, perUnit: Decimal, maxLeverage: number): SizingResult {
  const budget = modelAmount.times(c.multiplier);
  const notionalCap = c.equity.times(floatToDecimal(maxLeverage)).times(c.multiplier);
  const byBudget = lotsWithin(budget, perUnit, c.lotSize);
  const byCap = lotsWithin(notionalCap, c.price, c.lotSize);
  const lots = Decimal.min(byBudget, byCap);
  const base = { budget, perUnit, notionalCap };
  if (lots.isZero()) {
    return { ...base, quantity: new Decimal(0), reason: 'below-lot-size', detail: `the budget ${budget.toFixed()} buys less than one lot of ${c.lotSize.toFixed()}` };
  }
  return { ...base, quantity: lots.times(c.lotSize).times(c.direction), reason: null, detail: null };
}

/**
 * The multiplier a sizing context carries: the risk mode's times the regime's, each a finite
 * number >= 0 (1 = unchanged, 0.5 = half size as CAUTIOUS mode gives, 0 = no position; above 1
 * is allowed for a regime that scales up, the leverage cap still holds). Throws RangeError
 * naming the argument otherwise, since a bad multiplier is a programming error upstream.
 */
export function sizingMultiplier(riskModeMultiplier: number, regimeMultiplier = 1): number {
  if (!isFiniteNumber(riskModeMultiplier) || riskModeMultiplier < 0) throw new RangeError(`riskModeMultiplier must be a finite number >= 0, got ${String(riskModeMultiplier)}`);
  if (!isFiniteNumber(regimeMultiplier) || regimeMultiplier < 0) throw new RangeError(`regimeMultiplier must be a finite number >= 0, got ${String(regimeMultiplier)}`);
  return riskModeMultiplier * regimeMultiplier;
}
