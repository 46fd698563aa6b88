import { Decimal } from '../../common/decimal';
import { brokerOrderId, type ClientOrderId } from '../../common/typed-ids';
import { BrokerRejectedError } from '../../trading/brokers/broker.errors';
import type { Broker } from '../../trading/brokers/broker.types';
import { TERMINAL_STATUSES, type TimeInForce } from '../../trading/orders/order.types';
import type { MarketMakingOrder, MarketMakingOrderSender, MarketMakingOrderState, MarketMakingOrderUpdate, SentOrder } from './market-making.order-sender';

export interface BrokerOrderSenderOptions {
  readonly symbol: string;
  /** Default gtc: quotes rest until the session moves them. */
  readonly timeInForce?: TimeInForce;
  /** How many of the broker's latest orders a restart reads back (default 500). */
  readonly recoverLimit?: number;
}

/**
 * A market-making session's orders straight to a Broker (the paper broker in specs and paper
 * sessions; no OMS, no risk gate). Fills and ends are the broker's own events.
 */
export class BrokerOrderSender implements MarketMakingOrderSender {
  private readonly symbol: string;
  private readonly timeInForce: TimeInForce;
  private readonly recoverLimit: number;

  constructor(
    private readonly broker: Broker,
    options: BrokerOrderSenderOptions,
  ) {
    this.symbol = options.symbol;
    this.timeInForce = options.timeInForce ?? 'gtc';
    this.recoverLimit = options.recoverLimit ?? 500;
  }

  async submit(order: MarketMakingOrder): Promise<SentOrder> {
    const ack = await this.broker.submit({
      clientOrderId: order.clientOrderId,
      symbol: this.symbol,
      side: order.side,
      type: 'limit',
      quantity: order.quantity,
      limitPrice: order.limitPrice,
      timeInForce: this.timeInForce,
    });
    return { ref: ack.brokerOrderId, status: ack.status };
  }

  async cancel(order: { readonly ref: string; readonly clientOrderId: ClientOrderId }): Promise<void> {
    try {
      await this.broker.cancel(brokerOrderId(order.ref));
    } catch (err) {
      // Refused because it has already filled or expired (its events are on their way): ended too.
      if (!(err instanceof BrokerRejectedError)) throw err;
      const snap = await this.broker.getOrderByClientId(order.clientOrderId);
      if (snap === null || !TERMINAL_STATUSES.has(snap.status)) throw err;
    }
  }

  async position(): Promise<Decimal> {
    const held = (await this.broker.positions()).find((p) => p.symbol === this.symbol);
    return held?.quantity ?? new Decimal(0);
  }

  async ordersWithPrefix(prefix: string): Promise<MarketMakingOrderState[]> {
    const orders = await this.broker.listOrders({ status: 'all', limit: this.recoverLimit });
    return orders
      .filter((o) => o.symbol === this.symbol && o.clientOrderId.startsWith(prefix) && o.limitPrice !== null)
      .map((o) => ({
        ref: o.brokerOrderId,
        clientOrderId: o.clientOrderId,
        side: o.side,
        quantity: o.quantity,
        filledQuantity: o.filledQuantity,
        limitPrice: o.limitPrice ?? new Decimal(0),
        open: !TERMINAL_STATUSES.has(o.status),
      }));
  }

  onUpdate(listener: (update: MarketMakingOrderUpdate) => void): () => void {
    return this.broker.onEvent((e) => {
      if (e.kind === 'fill') {
        if (e.fill.symbol !== this.symbol) return;
        listener({ kind: 'fill', clientOrderId: e.fill.clientOrderId, side: e.fill.side, quantity: e.fill.quantity, leavesQuantity: e.leavesQuantity });
      } else if (e.kind === 'cancelled' || e.kind === 'expired' || e.kind === 'rejected' || e.kind === 'replaced') {
        listener({ kind: 'ended', clientOrderId: e.clientOrderId, status: e.kind });
      }
    });
  }
}
