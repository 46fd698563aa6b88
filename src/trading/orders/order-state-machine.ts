import { DomainError } from '../../common/errors/domain-error';
import { ORDER_STATUSES, type OrderStatus } from './order.types';

/**
 * The order life cycle as data (DESIGN.md principle 4; nautilus_trader keeps its order FSM the
 * same way): for each status, the statuses an order may move to. Nothing else may change an
 * order's status: the OMS calls `transition` before it writes a status, so a move that is not
 * here throws and is never stored.
 *
 * - `new`: stored, not yet acknowledged by the broker. It may be rejected (by the pre-trade gate
 *   or the broker), cancelled or expired before an ack, or accepted.
 * - A fill on an order the broker has not acknowledged yet (paper brokers fill at once) implies
 *   the ack: the OMS records `new → accepted` first, so `new` never moves to a fill status.
 * - `partially_filled → partially_filled`: every further partial fill is its own event row.
 * - `replaced`: the order was replaced by a new one (a new row with `replaces_order_id`).
 * - Terminal statuses (filled, cancelled, rejected, expired, replaced) go nowhere.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  new: ['accepted', 'rejected', 'cancelled', 'expired'],
  accepted: ['partially_filled', 'filled', 'cancelled', 'expired', 'replaced', 'rejected'],
  partially_filled: ['partially_filled', 'filled', 'cancelled', 'expired', 'replaced'],
  filled: [],
  cancelled: [],
  rejected: [],
  expired: [],
  replaced: [],
};

/** A status change the transition table does not allow. 409: the order is not in a state for it. */
export class InvalidOrderTransitionError extends DomainError {
  readonly statusCode = 409;
  readonly code = 'INVALID_ORDER_TRANSITION';
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super(`An order cannot move from ${from} to ${to}`, { from, to, allowed: ORDER_TRANSITIONS[from] });
  }
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** Returns `to` when the table allows `from → to`; throws InvalidOrderTransitionError otherwise. */
export function transition(from: OrderStatus, to: OrderStatus): OrderStatus {
  if (!canTransition(from, to)) throw new InvalidOrderTransitionError(from, to);
  return to;
}

/** Statuses in which an order is working at the broker (its unfilled quantity counts as open). */
export const OPEN_STATUSES: readonly OrderStatus[] = ORDER_STATUSES.filter((s) => ORDER_TRANSITIONS[s].length > 0);
