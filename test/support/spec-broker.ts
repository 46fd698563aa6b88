import { Decimal } from '../../src/common/decimal';
import { brokerOrderId, fillId, type BrokerOrderId, type ClientOrderId } from '../../src/common/typed-ids';
import { BrokerRejectedError, BrokerTimeoutError } from '../../src/trading/brokers/broker.errors';
import type {
  Broker,
  BrokerAccount,
  BrokerEvent,
  BrokerFill,
  BrokerOrderAck,
  BrokerOrderSnapshot,
  BrokerPosition,
  OrderReplacement,
} from '../../src/trading/brokers/broker.types';
import type { OrderSpec } from '../../src/trading/orders/order.types';

/**
 * A test double of OUR Broker interface (specs only), counting every call. What it does with an
 * order depends on the symbol, so one instance serves every case of a spec:
 * - `FILL*`: accepted, then filled in full at once at `fillPrice` (commission 1), the events
 *   emitted before `submit` returns, as a paper broker does;
 * - `REJ*`: refused (BrokerRejectedError);
 * - `TIMEOUT*`: the order arrives but the answer does not (BrokerTimeoutError);
 * - `LOST*`: times out and never arrived;
 * - anything else: accepted and left working (fills are applied by the spec).
 * `submitDelayMs` makes submits slow, so concurrent requests overlap.
 */
export class SpecBroker implements Broker {
  readonly name = 'spec';
  readonly calls = { submit: 0, cancel: 0, replace: 0, getOrderByClientId: 0, start: 0 };
  submitDelayMs = 0;
  fillPrice = new Decimal(100);
  private seq = 0;
  private readonly listeners: ((e: BrokerEvent) => void)[] = [];
  private readonly known = new Map<ClientOrderId, { brokerOrderId: BrokerOrderId; spec: OrderSpec }>();

  /** `idPrefix` keeps the ids of brokers in two app instances on one database apart. */
  constructor(private readonly idPrefix = '') {}

  async submit(order: OrderSpec): Promise<BrokerOrderAck> {
    this.calls.submit++;
    if (this.submitDelayMs > 0) await new Promise((r) => setTimeout(r, this.submitDelayMs));
    if (order.symbol.startsWith('REJ')) throw new BrokerRejectedError('insufficient buying power');
    const id = brokerOrderId(`${this.idPrefix}B-${++this.seq}`);
    const at = new Date();
    if (order.symbol.startsWith('LOST')) throw new BrokerTimeoutError('no answer in 5000 ms');
    this.known.set(order.clientOrderId, { brokerOrderId: id, spec: order });
    if (order.symbol.startsWith('TIMEOUT')) throw new BrokerTimeoutError('no answer in 5000 ms');
    this.emit({ kind: 'accepted', brokerOrderId: id, clientOrderId: order.clientOrderId, at });
    if (order.symbol.startsWith('FILL')) {
      this.emit({
        kind: 'fill',
        fill: this.fill(id, order.clientOrderId, order, order.quantity),
        cumulativeQuantity: order.quantity,
        leavesQuantity: new Decimal(0),
      });
    }
    return { brokerOrderId: id, clientOrderId: order.clientOrderId, status: 'accepted', at };
  }

  fill(id: BrokerOrderId, clientOrderId: ClientOrderId, order: Pick<OrderSpec, 'symbol' | 'side'>, quantity: Decimal, price = this.fillPrice): BrokerFill {
    return {
      fillId: fillId(`${this.idPrefix}F-${++this.seq}`),
      brokerOrderId: id,
      clientOrderId,
      symbol: order.symbol,
      side: order.side,
      quantity,
      price,
      commission: new Decimal(1),
      liquidity: 'taker',
      at: new Date(),
    };
  }

  async cancel(id: BrokerOrderId): Promise<void> {
    this.calls.cancel++;
    const entry = [...this.known.entries()].find(([, v]) => v.brokerOrderId === id);
    if (!entry) throw new BrokerRejectedError(`unknown order ${id}`);
    this.emit({ kind: 'cancelled', brokerOrderId: id, clientOrderId: entry[0], reason: 'user requested', at: new Date() });
  }

  async replace(id: BrokerOrderId, change: OrderReplacement): Promise<BrokerOrderAck> {
    this.calls.replace++;
    const entry = [...this.known.entries()].find(([, v]) => v.brokerOrderId === id);
    if (!entry) throw new BrokerRejectedError(`unknown order ${id}`);
    const next = brokerOrderId(`${this.idPrefix}B-${++this.seq}`);
    const at = new Date();
    this.known.set(change.clientOrderId, { brokerOrderId: next, spec: { ...entry[1].spec, clientOrderId: change.clientOrderId } });
    this.emit({ kind: 'replaced', brokerOrderId: id, clientOrderId: entry[0], replacedBy: next, at });
    return { brokerOrderId: next, clientOrderId: change.clientOrderId, status: 'accepted', at };
  }

  async getOrderByClientId(id: ClientOrderId): Promise<BrokerOrderSnapshot | null> {
    this.calls.getOrderByClientId++;
    const k = this.known.get(id);
    if (!k) return null;
    const now = new Date();
    return {
      brokerOrderId: k.brokerOrderId,
      clientOrderId: id,
      symbol: k.spec.symbol,
      side: k.spec.side,
      type: k.spec.type,
      timeInForce: k.spec.timeInForce,
      quantity: k.spec.quantity,
      filledQuantity: new Decimal(0),
      averageFillPrice: null,
      limitPrice: k.spec.limitPrice ?? null,
      stopPrice: k.spec.stopPrice ?? null,
      status: 'accepted',
      submittedAt: now,
      updatedAt: now,
    };
  }

  brokerIdOf(id: ClientOrderId): BrokerOrderId | undefined {
    return this.known.get(id)?.brokerOrderId;
  }

  async listOrders(): Promise<BrokerOrderSnapshot[]> {
    return [];
  }
  async listFills(): Promise<BrokerFill[]> {
    return [];
  }
  async positions(): Promise<BrokerPosition[]> {
    return [];
  }
  async account(): Promise<BrokerAccount> {
    return { cash: new Decimal(0), equity: new Decimal(0), buyingPower: new Decimal(0) };
  }

  onEvent(listener: (event: BrokerEvent) => void): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  async start(): Promise<void> {
    this.calls.start++;
  }
  async close(): Promise<void> {}

  private emit(e: BrokerEvent): void {
    for (const l of this.listeners) l(e);
  }
}
