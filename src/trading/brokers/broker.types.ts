import type { Decimal } from '../../common/decimal';
import type { BrokerOrderId, ClientOrderId, FillId } from '../../common/typed-ids';
import type { RowsStatement } from '../../database/sql-batch';
import type { OrderSide, OrderSpec, OrderStatus, OrderType, TimeInForce } from '../orders/order.types';

/**
 * The one interface every broker implements (paper, Alpaca, ...). One instance serves one
 * account. The order management system is the only caller; it never trusts a broker's
 * answer alone to decide whether an order exists: a submit whose outcome is unknown
 * (`BrokerTimeoutError`) is resolved with `getOrderByClientId`, never by sending again.
 */
export interface Broker {
  /** "paper", "alpaca", ...: stored on each order and used in metrics labels. */
  readonly name: string;

  /** Sends a new order. Resolves when the broker has accepted or rejected it. */
  submit(order: OrderSpec): Promise<BrokerOrderAck>;
  /**
   * Only brokers whose book lives in this database (the paper broker): decides the order in
   * memory and lets the OMS write the broker's side of it in the OMS's own transaction, so a
   * submit is one commit and the order can never be at the broker without being ours, nor ours
   * without being at the broker. Brokers across a network leave it out (OMS: store, then send).
   */
  prepareSubmit?(order: OrderSpec): Promise<PreparedSubmit>;
  /** Asks for a cancel. The outcome arrives as a `cancelled` (or `fill`) event. */
  cancel(id: BrokerOrderId): Promise<void>;
  /** Replaces an open order (a new broker order id; the old one ends as `replaced`). */
  replace(id: BrokerOrderId, change: OrderReplacement): Promise<BrokerOrderAck>;

  /** The broker's view of one order, found by our client order id; null if it never arrived. */
  getOrderByClientId(id: ClientOrderId): Promise<BrokerOrderSnapshot | null>;
  /** Orders the broker knows, for reconciliation. */
  listOrders(query: BrokerOrderQuery): Promise<BrokerOrderSnapshot[]>;
  /** Executions since a time (inclusive), oldest first, for reconciliation. */
  listFills(since: Date): Promise<BrokerFill[]>;
  positions(): Promise<BrokerPosition[]>;
  account(): Promise<BrokerAccount>;

  /** Subscribes to the broker's order events (Alpaca's trade updates). Returns the unsubscribe. */
  onEvent(listener: (event: BrokerEvent) => void): () => void;
  /** Opens streams and timers; `close` ends them. Both are idempotent. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A new order a same-database broker has decided but not yet written (Broker.prepareSubmit). */
export interface PreparedSubmit {
  /** The broker's answer, known before anything is written. */
  readonly ack: BrokerOrderAck;
  /**
   * The broker's side of the order as one set-based statement returning one row, for the OMS to
   * run in the same transaction as its own rows, merged with those of concurrent submits
   * (src/database/sql-batch.ts RowsStatement, runRowsAtomically).
   */
  readonly statement: RowsStatement;
  /** What a failure of `statement` means, when it is the broker's: BrokerRejectedError for a client order id its book already has. null for any other error. */
  refusal(err: unknown): Error | null;
  /**
   * After the transaction committed, with the statement's row: the broker books the order and
   * sends its events (accepted, a fill at once, ...). Never after a rollback. True when it sent
   * more than `accepted` (a fill, an end), so the order has moved on from what was written.
   */
  committed(row: Readonly<Record<string, unknown>>): boolean;
}

export interface OrderReplacement {
  readonly clientOrderId: ClientOrderId;
  readonly quantity?: Decimal;
  readonly limitPrice?: Decimal;
  readonly stopPrice?: Decimal;
  readonly timeInForce?: TimeInForce;
}

export interface BrokerOrderAck {
  readonly brokerOrderId: BrokerOrderId;
  readonly clientOrderId: ClientOrderId;
  /** `accepted` (or further, if it filled at once) or `rejected`. */
  readonly status: OrderStatus;
  readonly rejectReason?: string;
  readonly at: Date;
}

export interface BrokerOrderQuery {
  readonly status: 'open' | 'all';
  readonly since?: Date;
  readonly limit?: number;
}

export interface BrokerOrderSnapshot {
  readonly brokerOrderId: BrokerOrderId;
  readonly clientOrderId: ClientOrderId;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly quantity: Decimal;
  readonly filledQuantity: Decimal;
  readonly averageFillPrice: Decimal | null;
  readonly limitPrice: Decimal | null;
  readonly stopPrice: Decimal | null;
  readonly status: OrderStatus;
  readonly submittedAt: Date;
  readonly updatedAt: Date;
}

/** One execution. `fillId` is unique per broker: the ledger applies a fill id once. */
export interface BrokerFill {
  readonly fillId: FillId;
  readonly brokerOrderId: BrokerOrderId;
  readonly clientOrderId: ClientOrderId;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: Decimal;
  readonly price: Decimal;
  /** Fees charged for this execution, in account currency, >= 0. */
  readonly commission: Decimal;
  /** Where it executed (a venue name for routed orders), if the broker says. */
  readonly venue?: string;
  readonly liquidity?: 'maker' | 'taker';
  readonly at: Date;
}

export interface BrokerPosition {
  readonly symbol: string;
  /** Signed: negative is short. */
  readonly quantity: Decimal;
  readonly averageCost: Decimal;
}

export interface BrokerAccount {
  readonly cash: Decimal;
  readonly equity: Decimal;
  readonly buyingPower: Decimal;
}

/** What a broker tells us about an order after submission, in the order it happened. */
export type BrokerEvent =
  | { readonly kind: 'accepted'; readonly brokerOrderId: BrokerOrderId; readonly clientOrderId: ClientOrderId; readonly at: Date }
  | {
      readonly kind: 'fill';
      readonly fill: BrokerFill;
      /** Filled so far on the order, this fill included. */
      readonly cumulativeQuantity: Decimal;
      /** Still open after this fill; zero means the order is filled. */
      readonly leavesQuantity: Decimal;
    }
  | {
      readonly kind: 'cancelled' | 'expired' | 'rejected';
      readonly brokerOrderId: BrokerOrderId;
      readonly clientOrderId: ClientOrderId;
      readonly reason?: string;
      readonly at: Date;
    }
  | {
      readonly kind: 'replaced';
      readonly brokerOrderId: BrokerOrderId;
      readonly clientOrderId: ClientOrderId;
      readonly replacedBy: BrokerOrderId;
      readonly at: Date;
    };
