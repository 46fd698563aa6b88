/**
 * Protective limit price for a marketable order: the worst price the order accepts, at most
 * `maxSlippageBps` from the reference (arrival or mid), so a market order in a thin or moving
 * book becomes a marketable limit that cannot fill beyond the allowance (as CME Globex's
 * "protection points" turn market orders into limits).
 *
 *   buy:  bound = ref · (1 + bps/1e4), limit = bound rounded DOWN to the tick
 *   sell: bound = ref · (1 − bps/1e4), limit = bound rounded UP to the tick
 *
 * Rounding goes toward the reference (the safe direction): the limit never allows more than
 * the maximum slippage. When no tick lies between the reference and the bound (an allowance
 * smaller than a tick), the limit is on the passive side of the reference and `marketable` is
 * false: the caller decides whether to rest it or widen the allowance. Decimal throughout.
 */
import { Decimal } from '../../../common/decimal';
import type { OrderSide } from '../../orders/order.types';
import { SlippageInputError } from './slippage.errors';
import { BPS, checkPositiveDecimal, checkSide, floatToDecimal, sideSign } from './slippage-inputs';

export interface ProtectiveLimit {
  readonly limitPrice: Decimal;
  /** ref · (1 ± bps/1e4) before rounding to the tick. */
  readonly bound: Decimal;
  /** The slippage the rounded limit allows, in bps of the reference (<= maxSlippageBps). */
  readonly allowedSlippageBps: number;
  /** Whether the limit is at or through the reference (buy limit >= ref, sell limit <= ref). */
  readonly marketable: boolean;
}

/** The protective limit of a `side` order at `referencePrice`; throws SlippageInputError naming a bad field. */
export function protectiveLimitPrice(side: OrderSide, referencePrice: Decimal, maxSlippageBps: number, tickSize: Decimal): ProtectiveLimit {
  checkSide('side', side);
  const ref = checkPositiveDecimal('referencePrice', referencePrice);
  const tick = checkPositiveDecimal('tickSize', tickSize);
  if (typeof maxSlippageBps !== 'number' || !Number.isFinite(maxSlippageBps) || maxSlippageBps < 0) {
    throw new SlippageInputError('maxSlippageBps', `maxSlippageBps must be a finite number >= 0, got ${String(maxSlippageBps)}`);
  }
  // A sell allowance of 100% or more would let the limit reach zero: no protection at all.
  if (side === 'sell' && maxSlippageBps >= 10_000) throw new SlippageInputError('maxSlippageBps', `maxSlippageBps must be < 10000 for a sell, got ${maxSlippageBps}`);
  const s = sideSign(side);
  const bound = ref.times(floatToDecimal(maxSlippageBps).div(BPS).times(s).plus(1));
  let ticks = side === 'buy' ? bound.div(tick).floor() : bound.div(tick).ceil();
  // The 34-digit quotient may round across an integer; step back to the safe side exactly.
  if (side === 'buy') while (ticks.times(tick).gt(bound)) ticks = ticks.minus(1);
  else while (ticks.times(tick).lt(bound)) ticks = ticks.plus(1);
  const limitPrice = ticks.times(tick);
  const move = limitPrice.minus(ref);
  const allowed = move.isZero() ? new Decimal(0) : move.times(s);
  return {
    limitPrice,
    bound,
    allowedSlippageBps: allowed.div(ref).times(BPS).toNumber(),
    marketable: allowed.gte(0),
  };
}
