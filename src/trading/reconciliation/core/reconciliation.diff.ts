import { ZERO, type Decimal } from '../../../common/decimal';
import type { BrokerFill, BrokerOrderSnapshot, BrokerPosition } from '../../brokers/broker.types';
import { TERMINAL_STATUSES, type OrderStatus } from '../../orders/order.types';

/**
 * Reconciliation: the broker's orders, fills and positions against ours (pure; the service
 * reads both sides and applies the outcome). Rules, as a trading desk runs its start-of-day
 * break check:
 * - a broker fill whose fill id we do not have, on an order we know, is a missed fill: it is
 *   applied once (fill ids are unique, so applying it twice is impossible downstream too);
 * - a broker order with a client order id we never issued is unknown: reported, never adopted
 *   (someone traded the account outside QuantDesk), and reconciliation fails;
 * - an order we hold open that the broker has ended (cancelled, expired, rejected, filled)
 *   takes the broker's status: the broker is the truth about what it did;
 * - an order of ours still `new` (the submit's outcome is unknown: a timeout or a crash) is
 *   resolved by the broker's answer for its client order id: found, it takes the broker's state;
 *   not found after the grace period, it never arrived and is rejected. It is never sent again;
 * - after the missed fills, each symbol's position must equal the broker's; a difference is a
 *   break and reconciliation fails (trading does not start).
 */
export interface OurOrder {
  readonly clientOrderId: string;
  readonly brokerOrderId: string | null;
  readonly symbol: string;
  readonly status: OrderStatus;
  readonly filledQuantity: Decimal;
  readonly createdAt: Date;
}

export interface ReconciliationInput {
  readonly ourOrders: readonly OurOrder[];
  readonly ourFillIds: ReadonlySet<string>;
  /** Signed positions by symbol (absent: flat). */
  readonly ourPositions: ReadonlyMap<string, Decimal>;
  readonly brokerOrders: readonly BrokerOrderSnapshot[];
  readonly brokerFills: readonly BrokerFill[];
  readonly brokerPositions: readonly BrokerPosition[];
  /** Our `new` orders the broker does not know and that are older than this are rejected. */
  readonly now: Date;
  readonly newOrderGraceMs: number;
}

export interface StatusUpdate {
  readonly clientOrderId: string;
  readonly from: OrderStatus;
  readonly to: OrderStatus;
  readonly brokerOrderId: string | null;
}

export interface PositionBreak {
  readonly symbol: string;
  readonly ours: Decimal;
  readonly broker: Decimal;
}

export interface ReconciliationReport {
  /** Fills to apply, oldest first. */
  readonly missedFills: readonly BrokerFill[];
  readonly statusUpdates: readonly StatusUpdate[];
  /** `new` orders the broker never received: to be rejected ("not received by the broker"). */
  readonly neverArrived: readonly string[];
  readonly unknownBrokerOrders: readonly BrokerOrderSnapshot[];
  /** Fills of orders we do not know (reported with the unknown orders, never applied). */
  readonly unknownFills: readonly BrokerFill[];
  readonly positionBreaks: readonly PositionBreak[];
  /** True when trading may start: no unknown order and no position break. */
  readonly ok: boolean;
}

/** Ends a broker reports that no fill implies. */
const BROKER_ENDS: ReadonlySet<OrderStatus> = new Set(['cancelled', 'expired', 'rejected', 'replaced']);

export function reconcile(input: ReconciliationInput): ReconciliationReport {
  const ours = new Map(input.ourOrders.map((o) => [o.clientOrderId, o]));
  const brokerByClient = new Map(input.brokerOrders.map((o) => [o.clientOrderId as string, o]));

  const missedFills: BrokerFill[] = [];
  const unknownFills: BrokerFill[] = [];
  const seen = new Set<string>();
  for (const f of [...input.brokerFills].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    if (input.ourFillIds.has(f.fillId) || seen.has(f.fillId)) continue;
    seen.add(f.fillId);
    if (ours.has(f.clientOrderId)) missedFills.push(f);
    else unknownFills.push(f);
  }

  const unknownBrokerOrders = input.brokerOrders.filter((b) => !ours.has(b.clientOrderId));

  const statusUpdates: StatusUpdate[] = [];
  const neverArrived: string[] = [];
  for (const o of input.ourOrders) {
    if (TERMINAL_STATUSES.has(o.status)) continue;
    const b = brokerByClient.get(o.clientOrderId);
    if (!b) {
      if (o.status === 'new' && input.now.getTime() - o.createdAt.getTime() >= input.newOrderGraceMs) neverArrived.push(o.clientOrderId);
      continue;
    }
    // Fill-driven statuses (partially filled, filled) follow from applying the missed fills;
    // an order still `new` is first accepted; the broker's ends are taken as given.
    let from = o.status;
    if (from === 'new' && b.status !== 'rejected') {
      statusUpdates.push({ clientOrderId: o.clientOrderId, from, to: 'accepted', brokerOrderId: b.brokerOrderId });
      from = 'accepted';
    }
    if (BROKER_ENDS.has(b.status) && b.status !== from) {
      statusUpdates.push({ clientOrderId: o.clientOrderId, from, to: b.status, brokerOrderId: b.brokerOrderId });
    }
  }

  const expected = new Map(input.ourPositions);
  for (const f of missedFills) {
    const signed = f.side === 'buy' ? f.quantity : f.quantity.neg();
    expected.set(f.symbol, (expected.get(f.symbol) ?? ZERO).plus(signed));
  }
  const brokerPos = new Map(input.brokerPositions.map((p) => [p.symbol, p.quantity]));
  const positionBreaks: PositionBreak[] = [];
  for (const symbol of new Set([...expected.keys(), ...brokerPos.keys()])) {
    const a = expected.get(symbol) ?? ZERO;
    const b = brokerPos.get(symbol) ?? ZERO;
    if (!a.equals(b)) positionBreaks.push({ symbol, ours: a, broker: b });
  }
  positionBreaks.sort((x, y) => x.symbol.localeCompare(y.symbol));

  return {
    missedFills,
    statusUpdates,
    neverArrived,
    unknownBrokerOrders,
    unknownFills,
    positionBreaks,
    ok: unknownBrokerOrders.length === 0 && positionBreaks.length === 0,
  };
}
