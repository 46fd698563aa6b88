import type { Decimal } from '../../../common/decimal';
import type { AccountId, BrokerOrderId, ClientOrderId, FillId } from '../../../common/typed-ids';
import type { OrderSide, OrderStatus, OrderType, TimeInForce } from '../../orders/order.types';

/**
 * A paper order as the broker holds it in memory and as `paper_orders` stores it. Mutable: the
 * broker changes it as updates match it, and writes a copy of the changed fields.
 */
export interface PaperOrderRecord {
  readonly id: BrokerOrderId;
  readonly accountId: AccountId;
  readonly clientOrderId: ClientOrderId;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly quantity: Decimal;
  readonly limitPrice: Decimal | null;
  readonly stopPrice: Decimal | null;
  status: OrderStatus;
  filledQuantity: Decimal;
  /** Σ quantity·price of the fills, for the average fill price. */
  filledNotional: Decimal;
  triggered: boolean;
  /**
   * The no-lookahead bar time (paper-matching.ts); -Infinity when no bar was known. Settled when
   * the order is written: the newest bar stored by then counts too (PaperBrokerRepository.insertOrder).
   */
  notBeforeBarMs: number;
  readonly expiresAtMs: number | null;
  readonly rejectReason: string | null;
  endReason: string | null;
  replacedBy: BrokerOrderId | null;
  readonly submittedAt: Date;
  updatedAt: Date;
}

/** A stored fill, as `paper_fills` holds it. */
export interface PaperFillRecord {
  readonly fillId: FillId;
  readonly accountId: AccountId;
  readonly brokerOrderId: BrokerOrderId;
  readonly clientOrderId: ClientOrderId;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: Decimal;
  readonly price: Decimal;
  readonly commission: Decimal;
  readonly at: Date;
}

/** The order fields a fill or an end changes, copied when the change is made. */
export interface PaperOrderChange {
  readonly id: BrokerOrderId;
  readonly status: OrderStatus;
  readonly filledQuantity: Decimal;
  readonly filledNotional: Decimal;
  readonly triggered: boolean;
  readonly endReason: string | null;
  readonly updatedAt: Date;
}

export function changeOf(o: PaperOrderRecord): PaperOrderChange {
  return {
    id: o.id,
    status: o.status,
    filledQuantity: o.filledQuantity,
    filledNotional: o.filledNotional,
    triggered: o.triggered,
    endReason: o.endReason,
    updatedAt: o.updatedAt,
  };
}
