import { Decimal } from '../../common/decimal';
import { orderId, type AccountId, type ClientOrderId } from '../../common/typed-ids';
import type { OrderSubmissionPort, SubmissionResult } from '../../trading/orders/order-submission.port';
import { TERMINAL_STATUSES, type OrderSide, type OrderStatus, type TimeInForce } from '../../trading/orders/order.types';
import type { MarketMakingOrder, MarketMakingOrderSender, MarketMakingOrderState, MarketMakingOrderUpdate, SentOrder } from './market-making.order-sender';

export interface PortOrderSenderOptions {
  readonly accountId: AccountId;
  readonly symbol: string;
  /** Default gtc. */
  readonly timeInForce?: TimeInForce;
}

interface KnownOrder {
  readonly ref: string;
  readonly clientOrderId: ClientOrderId;
  readonly side: OrderSide;
  readonly quantity: Decimal;
  readonly limitPrice: Decimal;
  filled: Decimal;
  open: boolean;
}

/** A carrier that cannot show what it holds, so a session could not adopt it without placing again. */
export class PortOrderSenderError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'PortOrderSenderError';
  }
}

/**
 * A market-making session's orders through the OMS's OrderSubmissionPort: the production path,
 * each order through the pre-trade risk gate, stored, then sent to the account's broker.
 *
 * The port offers submit, cancel and exposure only: no fill stream and no order listing. So:
 *   - fills are observed by polling `exposure` before each event (`sync`): with one order per
 *     side working in the symbol, the open buy (sell) quantity is what is left of the working
 *     buy (sell), and what it lost since the last poll is a fill (a cancel's answer carries the
 *     final filled quantity, so a cancelled order's remainder is not taken for a fill). This
 *     holds only while the session is the only thing with open orders in that account and
 *     symbol, which `ordersWithPrefix` checks at the start;
 *   - a restart cannot adopt open orders (the port cannot list them): `ordersWithPrefix`
 *     refuses to start while the account has open orders in the symbol that this sender did not
 *     place, instead of letting the session place a second set. Give each process start its own
 *     session id (client order ids are idempotency keys in the OMS: a reused one answers with
 *     the old order).
 */
export class PortOrderSender implements MarketMakingOrderSender {
  private readonly accountId: AccountId;
  private readonly symbol: string;
  private readonly timeInForce: TimeInForce;
  private readonly known = new Map<ClientOrderId, KnownOrder>();
  private readonly listeners = new Set<(update: MarketMakingOrderUpdate) => void>();

  constructor(
    private readonly port: OrderSubmissionPort,
    options: PortOrderSenderOptions,
  ) {
    this.accountId = options.accountId;
    this.symbol = options.symbol;
    this.timeInForce = options.timeInForce ?? 'gtc';
  }

  async submit(order: MarketMakingOrder): Promise<SentOrder> {
    const result = await this.port.submit(this.accountId, {
      clientOrderId: order.clientOrderId,
      symbol: this.symbol,
      side: order.side,
      type: 'limit',
      quantity: order.quantity,
      limitPrice: order.limitPrice,
      timeInForce: this.timeInForce,
    });
    const known: KnownOrder = { ref: result.id, clientOrderId: order.clientOrderId, side: order.side, quantity: order.quantity, limitPrice: order.limitPrice, filled: new Decimal(0), open: true };
    this.known.set(order.clientOrderId, known);
    this.settle(known, result);
    return { ref: result.id, status: result.status };
  }

  async cancel(order: { readonly ref: string; readonly clientOrderId: ClientOrderId }): Promise<void> {
    const known = this.known.get(order.clientOrderId);
    if (known !== undefined && !known.open) return;
    let result: SubmissionResult;
    try {
      result = await this.port.cancel(this.accountId, orderId(order.ref));
    } catch (err) {
      // Refused (the OMS answers 409 for an order no longer open): it filled since the last poll.
      // Its side's open quantity says so; anything else is a real failure.
      if (known === undefined) throw err;
      const exposure = await this.port.exposure(this.accountId, this.symbol);
      if (!(known.side === 'buy' ? exposure.openBuy : exposure.openSell).isZero()) throw err;
      this.advance(known, known.quantity, true);
      return;
    }
    if (known !== undefined) this.settle(known, result);
  }

  async position(): Promise<Decimal> {
    return (await this.port.exposure(this.accountId, this.symbol)).position;
  }

  async ordersWithPrefix(prefix: string): Promise<MarketMakingOrderState[]> {
    const exposure = await this.port.exposure(this.accountId, this.symbol);
    const mine = [...this.known.values()].filter((o) => o.clientOrderId.startsWith(prefix));
    const openOf = (side: OrderSide): Decimal => mine.filter((o) => o.open && o.side === side).reduce((s, o) => s.plus(o.quantity.minus(o.filled)), new Decimal(0));
    for (const [side, open] of [['buy', exposure.openBuy], ['sell', exposure.openSell]] as const) {
      if (!open.eq(openOf(side))) {
        throw new PortOrderSenderError(
          'openOrders',
          `account ${this.accountId} has ${open.toFixed()} open to ${side} in ${this.symbol} that this session did not place; the order port cannot list them to adopt, so quoting would double them: cancel them first`,
        );
      }
    }
    return mine.map((o) => ({ ref: o.ref, clientOrderId: o.clientOrderId, side: o.side, quantity: o.quantity, filledQuantity: o.filled, limitPrice: o.limitPrice, open: o.open }));
  }

  onUpdate(listener: (update: MarketMakingOrderUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Polls the exposure: the open quantity a working order lost since the last poll is its fill. */
  async sync(): Promise<void> {
    const exposure = await this.port.exposure(this.accountId, this.symbol);
    for (const [side, open] of [['buy', exposure.openBuy], ['sell', exposure.openSell]] as const) {
      const working = [...this.known.values()].filter((o) => o.open && o.side === side);
      if (working.length !== 1) continue;
      const order = working[0];
      const filled = Decimal.max(order.filled, order.quantity.minus(open));
      this.advance(order, filled, open.isZero());
    }
  }

  private settle(order: KnownOrder, result: SubmissionResult): void {
    this.advance(order, result.filledQuantity, TERMINAL_STATUSES.has(result.status), result.status);
  }

  private advance(order: KnownOrder, filled: Decimal, ended: boolean, status: OrderStatus = 'filled'): void {
    if (!order.open) return;
    if (filled.gt(order.filled)) {
      const quantity = filled.minus(order.filled);
      order.filled = filled;
      this.emit({ kind: 'fill', clientOrderId: order.clientOrderId, side: order.side, quantity, leavesQuantity: ended ? new Decimal(0) : order.quantity.minus(filled) });
    }
    if (ended) {
      order.open = false;
      this.emit({ kind: 'ended', clientOrderId: order.clientOrderId, status: order.filled.eq(order.quantity) ? 'filled' : status });
    }
  }

  private emit(update: MarketMakingOrderUpdate): void {
    for (const l of this.listeners) l(update);
  }
}
