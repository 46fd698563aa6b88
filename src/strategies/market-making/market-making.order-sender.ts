import type { Decimal } from '../../common/decimal';
import type { ClientOrderId } from '../../common/typed-ids';
import type { OrderSide, OrderStatus } from '../../trading/orders/order.types';

/**
 * What a market-making session needs from whatever carries its orders: a Broker directly
 * (BrokerOrderSender, the paper broker in specs) or the OMS's OrderSubmissionPort with its risk
 * gate (PortOrderSender). Orders are limit orders of one symbol; `ref` is the carrier's id for
 * an order (a broker order id, an OMS order id), used to cancel it.
 */
export interface MarketMakingOrderSender {
  /** Sends a limit order; resolves once the carrier accepted or rejected it. */
  submit(order: MarketMakingOrder): Promise<SentOrder>;
  /** Cancels an order; resolves once it has ended, also when it had already ended (filled, expired). */
  cancel(order: { readonly ref: string; readonly clientOrderId: ClientOrderId }): Promise<void>;
  /** The signed position in the symbol now. */
  position(): Promise<Decimal>;
  /** The carrier's orders of this symbol whose client order id starts with `prefix` (open and ended), for a restart. */
  ordersWithPrefix(prefix: string): Promise<MarketMakingOrderState[]>;
  /** Order updates (fills, ends) of this symbol as they happen. Returns the unsubscribe. */
  onUpdate(listener: (update: MarketMakingOrderUpdate) => void): () => void;
  /** Called before each event is processed: a carrier without pushed updates polls here. */
  sync?(): Promise<void>;
}

export interface MarketMakingOrder {
  readonly clientOrderId: ClientOrderId;
  readonly side: OrderSide;
  readonly quantity: Decimal;
  readonly limitPrice: Decimal;
}

export interface SentOrder {
  readonly ref: string;
  readonly status: OrderStatus;
}

export interface MarketMakingOrderState {
  readonly ref: string;
  readonly clientOrderId: ClientOrderId;
  readonly side: OrderSide;
  readonly quantity: Decimal;
  readonly filledQuantity: Decimal;
  readonly limitPrice: Decimal;
  /** Still working (accepted or partially filled). */
  readonly open: boolean;
}

export type MarketMakingOrderUpdate =
  | { readonly kind: 'fill'; readonly clientOrderId: ClientOrderId; readonly side: OrderSide; readonly quantity: Decimal; readonly leavesQuantity: Decimal }
  | { readonly kind: 'ended'; readonly clientOrderId: ClientOrderId; readonly status: OrderStatus };
