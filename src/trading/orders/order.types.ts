import type { Decimal } from '../../common/decimal';
import type { ClientOrderId } from '../../common/typed-ids';

/** The words of an order, as the API and the brokers spell them (Alpaca's spelling). */
export const ORDER_SIDES = ['buy', 'sell'] as const;
export type OrderSide = (typeof ORDER_SIDES)[number];

export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/** day: expires at the session close; gtc: until cancelled; ioc: fill what you can now, cancel
 * the rest; fok: fill all now or nothing. */
export const TIME_IN_FORCE = ['day', 'gtc', 'ioc', 'fok'] as const;
export type TimeInForce = (typeof TIME_IN_FORCE)[number];

/**
 * The order life cycle. The allowed moves between them are the transition table in
 * `order-state-machine.ts`; nothing else may change an order's status.
 */
export const ORDER_STATUSES = [
  'new',
  'accepted',
  'partially_filled',
  'filled',
  'cancelled',
  'rejected',
  'expired',
  'replaced',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses an order never leaves. */
export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'filled',
  'cancelled',
  'rejected',
  'expired',
  'replaced',
]);

/** What is asked of a broker: an order in the units and decimals the ledger uses. */
export interface OrderSpec {
  readonly clientOrderId: ClientOrderId;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly quantity: Decimal;
  /** Required for limit and stop_limit. */
  readonly limitPrice?: Decimal;
  /** Required for stop and stop_limit. */
  readonly stopPrice?: Decimal;
  readonly timeInForce: TimeInForce;
}
