import { Decimal, ZERO } from '../../common/decimal';
import type { OrderSide } from '../orders/order.types';

/**
 * Position and P&L arithmetic on decimals (pure: no I/O, no framework).
 *
 * Conventions (average-cost method, as Interactive Brokers' "average cost" and most retail
 * brokers report it):
 * - `quantity` is signed: positive long, negative short.
 * - `averageCost` is the volume-weighted price of the shares still held, >= 0, and 0 when flat.
 *   Adding to a position (same sign, or from flat) re-weights it:
 *   c' = (|q|·c + f·p) / |q + d|. Reducing keeps it unchanged. A fill that goes through zero
 *   (a flip) first closes the whole old position at p, then opens the rest at p: the average
 *   cost RESETS to the fill price.
 * - `realizedPnl` grows by closed·(p − c)·sign(q) on every reducing fill, and is NET of
 *   commissions: every fill's commission is subtracted from its symbol's realized P&L.
 * - Unrealized P&L at a mark m is q·(m − c).
 * Together they conserve value: with cash moving by −d·p − commission on each fill (d signed),
 * cashFlows + q·m = realized + unrealized for every symbol (position-ledger.spec.ts proves it
 * on random fill sequences).
 */
export interface PositionState {
  readonly quantity: Decimal;
  readonly averageCost: Decimal;
  readonly realizedPnl: Decimal;
}

export interface LedgerFill {
  readonly side: OrderSide;
  /** > 0. */
  readonly quantity: Decimal;
  /** > 0. */
  readonly price: Decimal;
  /** >= 0, in account currency. */
  readonly commission: Decimal;
}

export const FLAT: PositionState = { quantity: ZERO, averageCost: ZERO, realizedPnl: ZERO };

export interface FillEffect {
  readonly position: PositionState;
  /** What this fill realized (commission included, so it may be negative on an opening fill). */
  readonly realized: Decimal;
  /** Cash change: −signed quantity × price − commission. */
  readonly cashDelta: Decimal;
}

export class LedgerInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerInputError';
  }
}

const signed = (f: LedgerFill): Decimal => (f.side === 'buy' ? f.quantity : f.quantity.neg());

export function applyFill(pos: PositionState, fill: LedgerFill): FillEffect {
  if (!fill.quantity.gt(0)) throw new LedgerInputError(`fill quantity must be > 0, got ${fill.quantity.toFixed()}`);
  if (!fill.price.gt(0)) throw new LedgerInputError(`fill price must be > 0, got ${fill.price.toFixed()}`);
  if (fill.commission.lt(0)) throw new LedgerInputError(`commission must be >= 0, got ${fill.commission.toFixed()}`);
  const d = signed(fill);
  const q = pos.quantity;
  const newQuantity = q.plus(d);
  const cashDelta = d.times(fill.price).neg().minus(fill.commission);

  let averageCost: Decimal;
  let gross = ZERO;
  if (q.isZero() || q.isNegative() === d.isNegative()) {
    // Opening or adding: re-weight the average cost over the shares now held.
    averageCost = q.abs().times(pos.averageCost).plus(fill.quantity.times(fill.price)).div(newQuantity.abs());
  } else {
    const closed = Decimal.min(q.abs(), fill.quantity);
    gross = closed.times(fill.price.minus(pos.averageCost)).times(q.isNegative() ? -1 : 1);
    if (newQuantity.isZero()) averageCost = ZERO;
    else if (newQuantity.isNegative() === q.isNegative()) averageCost = pos.averageCost;
    else averageCost = fill.price; // flipped through zero: the rest opened at this price
  }
  const realized = gross.minus(fill.commission);
  return {
    position: { quantity: newQuantity, averageCost, realizedPnl: pos.realizedPnl.plus(realized) },
    realized,
    cashDelta,
  };
}

/** q·(m − c): what closing the position at the mark would realize (before commission). */
export function unrealizedPnl(pos: PositionState, mark: Decimal): Decimal {
  return pos.quantity.times(mark.minus(pos.averageCost));
}

/** Signed market value q·m (negative for a short). */
export function marketValue(pos: PositionState, mark: Decimal): Decimal {
  return pos.quantity.times(mark);
}
