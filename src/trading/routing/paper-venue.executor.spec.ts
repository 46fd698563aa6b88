import { Decimal } from '../../common/decimal';
import { brokerOrderId, fillId, type ClientOrderId } from '../../common/typed-ids';
import { Xoshiro128 } from '../../quant/random';
import type { BrokerEvent, BrokerOrderAck } from '../brokers/broker.types';
import type { PaperQuote, PaperReference } from '../brokers/paper/paper-broker';
import type { OrderSpec } from '../orders/order.types';
import type { ChildOrder, LitVenue, MarketState } from './core';
import { PaperVenueExecutor, type PaperVenueBook } from './paper-venue.executor';

/**
 * The executor's own logic against a scripted book: which events count for a child, the bounded
 * wait for its terminal state and the cancel after it. (Against the real paper broker and
 * PostgreSQL: test/routing-paper.spec.ts.)
 */

const market: MarketState = { side: 'buy', mid: 100, spread: 0.02, tickSize: 0.01, volatility: 0.02, averageDailyVolume: 1_000_000 };
const venue: LitVenue = {
  name: 'a',
  kind: 'lit',
  fees: { unit: 'per_share', maker: 0, taker: 0.002 },
  latencyMs: 4,
  lotSize: 100,
  depth: { kind: 'fixed', touchSize: 1000, decay: 1, levels: 2 },
  fillProbability: 1,
};
const child: ChildOrder = { round: 1, phase: 'lit', venue: 'a', side: 'buy', quantity: 600, limitPrice: 100.01, expectedCost: 0 };

type Script = (spec: OrderSpec, quote: PaperQuote, emit: (e: BrokerEvent) => void) => void;

class ScriptedBook implements PaperVenueBook {
  readonly sent: { spec: OrderSpec; quote: PaperQuote }[] = [];
  readonly cancels: string[] = [];
  private readonly listeners = new Set<(e: BrokerEvent) => void>();
  constructor(
    private readonly script: Script,
    private readonly onCancel: (id: string, emit: (e: BrokerEvent) => void) => void = () => undefined,
  ) {}
  private emit = (e: BrokerEvent): void => this.listeners.forEach((l) => l(e));
  onEvent(listener: (e: BrokerEvent) => void): () => boolean {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async referenceOf(): Promise<PaperReference> {
    return { mid: 100, spread: null, source: 'bar', time: new Date(0) };
  }
  async submitAgainstQuote(spec: OrderSpec, quote: PaperQuote): Promise<BrokerOrderAck> {
    this.sent.push({ spec, quote });
    this.script(spec, quote, this.emit);
    return { brokerOrderId: brokerOrderId(`b-${spec.clientOrderId}`), clientOrderId: spec.clientOrderId, status: 'accepted', at: new Date(0) };
  }
  async cancel(id: string): Promise<void> {
    this.cancels.push(id);
    this.onCancel(id, this.emit);
  }
}

const fill = (id: ClientOrderId, quantity: number, price: number, leaves: number, commission = 0): BrokerEvent => ({
  kind: 'fill',
  fill: {
    fillId: fillId(`f-${id}-${quantity}`),
    brokerOrderId: brokerOrderId(`b-${id}`),
    clientOrderId: id,
    symbol: 'X',
    side: 'buy',
    quantity: new Decimal(quantity),
    price: new Decimal(price),
    commission: new Decimal(commission),
    at: new Date(0),
  },
  cumulativeQuantity: new Decimal(quantity),
  leavesQuantity: new Decimal(leaves),
});

const executor = (book: PaperVenueBook, childTimeoutMs = 50) =>
  new PaperVenueExecutor(book, [venue], Xoshiro128.fromSeed(1), { symbol: 'X', clientOrderIdPrefix: 'sor-test', childTimeoutMs, barTimeframe: '1m', sleep: async () => undefined });

describe('PaperVenueExecutor', () => {
  it('sends the child as an ioc limit against its venue quote and counts only its own fills', async () => {
    const book = new ScriptedBook((spec, _q, emit) => {
      // Another order's fill on the same book is not this child's.
      emit(fill('someone-else' as ClientOrderId, 100, 99, 0));
      emit(fill(spec.clientOrderId, 600, 100.01, 0, 0.6));
    });
    const [r] = await executor(book).execute([child], market);
    expect(book.sent[0].spec).toMatchObject({ clientOrderId: 'sor-test-r1-a-0', side: 'buy', type: 'limit', timeInForce: 'ioc' });
    expect(book.sent[0].spec.limitPrice?.toString()).toBe('100.01');
    expect(book.sent[0].quote).toMatchObject({ ask: 100.01, askSize: 600, bidSize: 0 });
    // Venue fee 0.002 · 600 plus the broker's 0.6 commission.
    expect(r).toMatchObject({ venue: 'a', sent: 600, filled: 600, averagePrice: 100.01, clientOrderId: 'sor-test-r1-a-0' });
    expect(r.fees).toBeCloseTo(1.8, 12);
    expect(book.cancels).toEqual([]);
  });

  it('waits at most the timeout for the terminal state, then cancels and reports what filled by then', async () => {
    let id = '' as ClientOrderId;
    const book = new ScriptedBook(
      (spec, _q, emit) => {
        id = spec.clientOrderId;
        // A partial fill and then silence: the order is still open.
        emit(fill(spec.clientOrderId, 200, 100.01, 400));
      },
      (_b, emit) => emit({ kind: 'cancelled', brokerOrderId: brokerOrderId(`b-${id}`), clientOrderId: id, at: new Date(0) }),
    );
    const t0 = Date.now();
    const [r] = await executor(book, 60).execute([child], market);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
    expect(book.cancels).toEqual([`b-${id}`]);
    expect(r).toMatchObject({ filled: 200, averagePrice: 100.01 });
  });

  it('a cancelled child with no fill is an unfilled result that still names its paper order', async () => {
    const book = new ScriptedBook((spec, _q, emit) => emit({ kind: 'cancelled', brokerOrderId: brokerOrderId('x'), clientOrderId: spec.clientOrderId, at: new Date(0) }));
    const [r] = await executor(book).execute([child], market);
    expect(r).toMatchObject({ filled: 0, averagePrice: null, fees: 0, clientOrderId: 'sor-test-r1-a-0' });
  });

  it('numbers children uniquely across rounds, and reads the paper mid for the next round', async () => {
    const book = new ScriptedBook((spec, _q, emit) => emit(fill(spec.clientOrderId, 600, 100.01, 0)));
    const e = executor(book);
    await e.execute([child], market);
    const next = await e.nextRound({ ...market, mid: 50 }, 1000);
    expect(next.mid).toBe(100);
    await e.execute([{ ...child, round: 2 }], next);
    expect(book.sent.map((s) => s.spec.clientOrderId)).toEqual(['sor-test-r1-a-0', 'sor-test-r2-a-1']);
  });
});
