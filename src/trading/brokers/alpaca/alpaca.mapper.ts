import { Decimal, ZERO, parseDecimal } from '../../../common/decimal';
import { brokerOrderId, clientOrderId, fillId } from '../../../common/typed-ids';
import { ORDER_SIDES, ORDER_TYPES, TIME_IN_FORCE, type OrderSide, type OrderStatus, type OrderType, type TimeInForce } from '../../orders/order.types';
import type { BrokerAccount, BrokerEvent, BrokerFill, BrokerOrderAck, BrokerOrderSnapshot, BrokerPosition } from '../broker.types';
import { AlpacaWireError, type AlpacaAccount, type AlpacaFillActivity, type AlpacaOrder, type AlpacaOrderStatus, type AlpacaPosition, type AlpacaTradeUpdate } from './alpaca.wire';

/**
 * Alpaca order status -> ours, the one table (Alpaca "Order Lifecycle" docs). `working` means
 * the order is still alive at Alpaca without a status of its own in our life cycle; it reads
 * as `partially_filled` when something has filled and `accepted` otherwise (`resolveWorking`).
 *
 * | Alpaca               | ours      | why                                                         |
 * |----------------------|-----------|-------------------------------------------------------------|
 * | new                  | accepted  | received and routed: Alpaca's "new" is our "accepted"        |
 * | accepted             | accepted  | received by Alpaca, not yet routed (outside market hours)    |
 * | pending_new          | accepted  | routed, the venue has not acknowledged yet                   |
 * | accepted_for_bidding | accepted  | in an auction book                                           |
 * | held                 | accepted  | a bracket leg waiting for its parent                         |
 * | partially_filled     | partially_filled |                                                       |
 * | filled               | filled    |                                                              |
 * | done_for_day         | working   | no more fills today but still open (day orders end expired)  |
 * | pending_cancel       | working   | a cancel was asked; fills may still arrive until `canceled`  |
 * | pending_replace      | working   | a replace was asked; the order can still fill                |
 * | stopped              | working   | a fill is guaranteed but has not happened                    |
 * | suspended            | working   | trading halted; the order stays open                         |
 * | calculated           | working   | filled or done for day, settlement pending (filled if all)   |
 * | canceled             | cancelled | (Alpaca spells it with one l)                                |
 * | expired              | expired   |                                                              |
 * | replaced             | replaced  | the new order carries the rest                               |
 * | rejected             | rejected  |                                                              |
 */
export const ALPACA_STATUS_TABLE: Readonly<Record<AlpacaOrderStatus, OrderStatus | 'working'>> = {
  new: 'accepted',
  accepted: 'accepted',
  pending_new: 'accepted',
  accepted_for_bidding: 'accepted',
  held: 'accepted',
  partially_filled: 'partially_filled',
  filled: 'filled',
  done_for_day: 'working',
  pending_cancel: 'working',
  pending_replace: 'working',
  stopped: 'working',
  suspended: 'working',
  calculated: 'working',
  canceled: 'cancelled',
  expired: 'expired',
  replaced: 'replaced',
  rejected: 'rejected',
};

export function mapOrderStatus(status: string, quantity: Decimal, filled: Decimal): OrderStatus {
  if (!Object.hasOwn(ALPACA_STATUS_TABLE, status)) throw new AlpacaWireError('order.status', `"${status}" is not an Alpaca order status`);
  const ours = ALPACA_STATUS_TABLE[status as AlpacaOrderStatus];
  return ours === 'working' ? resolveWorking(quantity, filled) : ours;
}

function resolveWorking(quantity: Decimal, filled: Decimal): OrderStatus {
  if (filled.gt(0) && quantity.gt(0) && filled.gte(quantity)) return 'filled';
  return filled.gt(0) ? 'partially_filled' : 'accepted';
}

function dec(value: string | null, field: string): Decimal {
  const d = parseDecimal(value);
  if (d === null) throw new AlpacaWireError(field, `must be a decimal string, got ${JSON.stringify(value)}`);
  return d;
}

function optDec(value: string | null, field: string): Decimal | null {
  return value === null || value === '' ? null : dec(value, field);
}

function date(value: string | null, field: string): Date {
  const t = value === null ? NaN : Date.parse(value);
  if (Number.isNaN(t)) throw new AlpacaWireError(field, `must be a timestamp, got ${JSON.stringify(value)}`);
  return new Date(t);
}

function oneOf<T extends string>(values: readonly T[], value: string, field: string): T {
  if (!(values as readonly string[]).includes(value)) throw new AlpacaWireError(field, `"${value}" is not one of ${values.join(', ')}`);
  return value as T;
}

export function toSnapshot(o: AlpacaOrder): BrokerOrderSnapshot {
  // Notional orders have no qty until filled; their filled quantity is then the best we know.
  const filled = dec(o.filled_qty, 'order.filled_qty');
  const quantity = o.qty === null ? filled : dec(o.qty, 'order.qty');
  const submittedAt = date(o.submitted_at ?? o.created_at, 'order.submitted_at');
  return {
    brokerOrderId: brokerOrderId(o.id),
    clientOrderId: clientOrderId(o.client_order_id),
    symbol: o.symbol,
    side: oneOf<OrderSide>(ORDER_SIDES, o.side, 'order.side'),
    // Alpaca also has trailing_stop, which QuantDesk never sends; reading one is an error.
    type: oneOf<OrderType>(ORDER_TYPES, o.type, 'order.type'),
    // opg/cls (auction orders) are not sent by QuantDesk either.
    timeInForce: oneOf<TimeInForce>(TIME_IN_FORCE, o.time_in_force, 'order.time_in_force'),
    quantity,
    filledQuantity: filled,
    averageFillPrice: optDec(o.filled_avg_price, 'order.filled_avg_price'),
    limitPrice: optDec(o.limit_price, 'order.limit_price'),
    stopPrice: optDec(o.stop_price, 'order.stop_price'),
    status: mapOrderStatus(o.status, quantity, filled),
    submittedAt,
    updatedAt: o.updated_at === null ? submittedAt : date(o.updated_at, 'order.updated_at'),
  };
}

export function toAck(o: AlpacaOrder): BrokerOrderAck {
  const s = toSnapshot(o);
  return { brokerOrderId: s.brokerOrderId, clientOrderId: s.clientOrderId, status: s.status, at: s.submittedAt };
}

export function toPosition(p: AlpacaPosition): BrokerPosition {
  // Alpaca sends short quantities negative already; the side decides in case a proxy strips the sign.
  const size = dec(p.qty, 'position.qty').abs();
  const side = oneOf(['long', 'short'] as const, p.side, 'position.side');
  return { symbol: p.symbol, quantity: side === 'short' ? size.neg() : size, averageCost: dec(p.avg_entry_price, 'position.avg_entry_price') };
}

export function toAccount(a: AlpacaAccount): BrokerAccount {
  return { cash: dec(a.cash, 'account.cash'), equity: dec(a.equity, 'account.equity'), buyingPower: dec(a.buying_power, 'account.buying_power') };
}

/**
 * A FILL activity as a BrokerFill. The activity names the order by Alpaca id only, so the
 * caller supplies our client order id. Alpaca charges no commission on US equities and the
 * activity carries no fee field, hence zero.
 */
export function activityToFill(a: AlpacaFillActivity, client: string): BrokerFill {
  return {
    fillId: fillId(a.id),
    brokerOrderId: brokerOrderId(a.order_id),
    clientOrderId: clientOrderId(client),
    symbol: a.symbol,
    side: oneOf<OrderSide>(ORDER_SIDES, a.side, 'activity.side'),
    quantity: dec(a.qty, 'activity.qty'),
    price: dec(a.price, 'activity.price'),
    commission: ZERO,
    at: date(a.transaction_time, 'activity.transaction_time'),
  };
}

/**
 * A trade update as a BrokerEvent, or null for the events that change nothing in our life
 * cycle: done_for_day (still open), pending_new/pending_cancel/pending_replace (requests in
 * flight), calculated, stopped, suspended, restated, order_cancel_rejected and
 * order_replace_rejected (the order simply stays as it was).
 */
export function tradeUpdateToEvent(u: AlpacaTradeUpdate): BrokerEvent | null {
  const o = u.order;
  const ids = { brokerOrderId: brokerOrderId(o.id), clientOrderId: clientOrderId(o.client_order_id) };
  const at = date(u.timestamp ?? o.updated_at ?? o.created_at, 'trade_update.timestamp');
  switch (u.event) {
    case 'new':
    case 'accepted':
      return { kind: 'accepted', ...ids, at };
    case 'fill':
    case 'partial_fill': {
      if (u.execution_id === null) throw new AlpacaWireError('trade_update.execution_id', 'is required on a fill');
      const cumulative = dec(o.filled_qty, 'trade_update.order.filled_qty');
      const quantity = o.qty === null ? cumulative : dec(o.qty, 'trade_update.order.qty');
      const leaves = Decimal.max(ZERO, quantity.minus(cumulative));
      return {
        kind: 'fill',
        fill: {
          fillId: fillId(u.execution_id),
          ...ids,
          symbol: o.symbol,
          side: oneOf<OrderSide>(ORDER_SIDES, o.side, 'trade_update.order.side'),
          quantity: dec(u.qty, 'trade_update.qty'),
          price: dec(u.price, 'trade_update.price'),
          commission: ZERO,
          at,
        },
        cumulativeQuantity: cumulative,
        leavesQuantity: u.event === 'fill' ? ZERO : leaves,
      };
    }
    case 'canceled':
      return { kind: 'cancelled', ...ids, at };
    case 'expired':
      return { kind: 'expired', ...ids, at };
    case 'rejected':
      return { kind: 'rejected', ...ids, at };
    case 'replaced':
      if (o.replaced_by === null) throw new AlpacaWireError('trade_update.order.replaced_by', 'is required on a replaced event');
      return { kind: 'replaced', ...ids, replacedBy: brokerOrderId(o.replaced_by), at };
    default:
      return null;
  }
}

/** The key under which a stream event is emitted once: the execution id of a fill, else event and order. */
export function tradeUpdateKey(u: AlpacaTradeUpdate): string {
  return u.execution_id !== null && (u.event === 'fill' || u.event === 'partial_fill') ? `x:${u.execution_id}` : `${u.event}:${u.order.id}`;
}
