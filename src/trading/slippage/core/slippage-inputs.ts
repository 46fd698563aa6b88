/** Checks shared by the slippage functions; each throws SlippageInputError naming the field. */
import { Decimal } from '../../../common/decimal';
import { ORDER_SIDES, type OrderSide } from '../../orders/order.types';
import { SlippageInputError } from './slippage.errors';

function isDecimal(x: unknown): x is Decimal {
  return x instanceof Decimal || (typeof x === 'object' && x !== null && Decimal.isDecimal(x));
}

export function checkPositiveDecimal(field: string, value: Decimal, index?: number): Decimal {
  if (!isDecimal(value) || !value.isFinite() || !value.gt(0)) {
    throw new SlippageInputError(field, `${field} must be a finite decimal > 0, got ${String(value)}`, index);
  }
  return value;
}

export function checkNonNegativeNumber(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new SlippageInputError(field, `${field} must be a finite number >= 0, got ${String(value)}`);
  return value;
}

export function checkPositiveNumber(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new SlippageInputError(field, `${field} must be a finite number > 0, got ${String(value)}`);
  return value;
}

export function checkSide(field: string, side: OrderSide, index?: number): OrderSide {
  if (!ORDER_SIDES.includes(side)) throw new SlippageInputError(field, `${field} must be one of ${ORDER_SIDES.join(', ')}, got ${String(side)}`, index);
  return side;
}

/** +1 for a buy, −1 for a sell: the sign that makes a price move against the order positive. */
export function sideSign(side: OrderSide): 1 | -1 {
  return side === 'buy' ? 1 : -1;
}

/** A finite float as a decimal, exactly as it prints. */
export function floatToDecimal(x: number): Decimal {
  return new Decimal(String(x));
}

export const BPS = new Decimal(10_000);
