import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Decimal } from '../src/common/decimal';
import { ConflictError } from '../src/common/errors/domain-error';
import { accountId, orderId, type AccountId, type BrokerOrderId, type ClientOrderId, type OrderId } from '../src/common/typed-ids';
import { loadConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source.factory';
import { generateSyntheticMarket, resolveMarketMakingParams, simulateMarketMaking, QUOTE_EVENT } from '../src/strategies/market-making/core';
import { MarketMakingSession, marketEventAt } from '../src/strategies/market-making/market-making.session';
import { PortOrderSender, PortOrderSenderError } from '../src/strategies/market-making/port.order-sender';
import { BrokerRejectedError } from '../src/trading/brokers/broker.errors';
import { PaperBroker } from '../src/trading/brokers/paper/paper-broker';
import { PaperBrokerRepository } from '../src/trading/brokers/paper/paper-broker.repository';
import type { OrderSubmissionPort, SubmissionResult, SubmittedOrder, SymbolExposure } from '../src/trading/orders/order-submission.port';

const tag = (): string => randomBytes(3).toString('hex').toUpperCase();
const T0 = Date.parse('2024-07-10T15:00:00Z');

/**
 * The OrderSubmissionPort contract (order-submission.port.ts) carried straight to one account's
 * PaperBroker: our own order ids, idempotent on the client order id, cancel answering the final
 * filled quantity and refusing (409) an order no longer open, exposure = position + open
 * quantities. It stands where the OMS stands, so the sender is checked against what the port
 * promises, and only that: no fill stream, no order listing.
 */
class PaperPort implements OrderSubmissionPort {
  private readonly ids = new Map<OrderId, BrokerOrderId>();
  private readonly clientOf = new Map<OrderId, ClientOrderId>();
  private readonly byClient = new Map<string, OrderId>();
  submits = 0;
  exposures = 0;

  constructor(
    private readonly broker: PaperBroker,
    private readonly account: AccountId,
  ) {}

  async submit(account: AccountId, order: SubmittedOrder): Promise<SubmissionResult> {
    if (account !== this.account) throw new Error(`unknown account ${account}`);
    const seen = this.byClient.get(order.clientOrderId);
    if (seen !== undefined) return { ...(await this.result(seen)), created: false };
    this.submits++;
    const ack = await this.broker.submit(order);
    const id = orderId(randomUUID());
    this.ids.set(id, ack.brokerOrderId);
    this.byClient.set(order.clientOrderId, id);
    this.clientOf.set(id, order.clientOrderId);
    return this.result(id);
  }

  async cancel(account: AccountId, id: OrderId): Promise<SubmissionResult> {
    if (account !== this.account) throw new Error(`unknown account ${account}`);
    const broker = this.ids.get(id);
    if (broker === undefined) throw new Error(`unknown order ${id}`);
    try {
      await this.broker.cancel(broker);
    } catch (err) {
      if (err instanceof BrokerRejectedError) throw new ConflictError(`Order ${id} is no longer open`, { id });
      throw err;
    }
    return this.result(id);
  }

  async exposure(account: AccountId, symbol: string): Promise<SymbolExposure> {
    if (account !== this.account) throw new Error(`unknown account ${account}`);
    this.exposures++;
    const [positions, open] = await Promise.all([this.broker.positions(), this.broker.listOrders({ status: 'open' })]);
    const leaves = (side: 'buy' | 'sell'): Decimal => open.filter((o) => o.symbol === symbol && o.side === side).reduce((s, o) => s.plus(o.quantity.minus(o.filledQuantity)), new Decimal(0));
    return { position: positions.find((p) => p.symbol === symbol)?.quantity ?? new Decimal(0), openBuy: leaves('buy'), openSell: leaves('sell') };
  }

  private async result(id: OrderId): Promise<SubmissionResult> {
    const client = this.clientOf.get(id);
    const snap = client === undefined ? null : await this.broker.getOrderByClientId(client);
    if (snap === null) throw new Error(`order ${id} not on the broker`);
    return { id, status: snap.status, filledQuantity: snap.filledQuantity, created: true };
  }
}

describe('market-making session through the OrderSubmissionPort (exposure polling), on a paper account in PostgreSQL', () => {
  let db: DataSource;
  let repo: PaperBrokerRepository;
  const brokers: PaperBroker[] = [];
  const market = generateSyntheticMarket({ seed: 11, steps: 300, dt: 0.05, tradeRate: 10, meanTradeSize: 2, informedRate: 0.5, informedDrift: 8 });
  const params = resolveMarketMakingParams({ qMax: 2, orderSize: 1, tickSize: 0.0078125, volWarmup: 5 });

  beforeAll(async () => {
    db = new DataSource(dataSourceOptions(loadConfig(process.env)));
    await db.initialize();
    repo = new PaperBrokerRepository(db);
  });
  afterAll(async () => {
    for (const b of brokers) await b.close();
    await db.destroy();
  });

  it('sees its fills by polling exposure, keeps inventory = position within the limit, wants the simulator\'s quotes, and refuses to start over orders it cannot adopt', async () => {
    const [{ id }] = await db.query<{ id: string }[]>(`INSERT INTO accounts (name) VALUES ($1) RETURNING id`, [`mm-port-${tag()}`]);
    const account = accountId(id);
    const symbol = `MP${tag()}`;
    const clock = { now: T0 };
    const b = new PaperBroker(repo, { accountId: account, latencyMs: 0, participation: 1, startingCash: new Decimal(1_000_000), costs: {}, barTimeframe: '1m', clock: () => new Date(clock.now) });
    brokers.push(b);
    await b.start();
    const port = new PaperPort(b, account);
    const session = await MarketMakingSession.open({ sessionId: `p${tag()}`, params, sender: new PortOrderSender(port, { accountId: account, symbol }), record: true });
    const e = market.events;
    let maxAbs = 0;
    for (let i = 0; i < e.length; i++) {
      clock.now = T0 + Math.round(e.time[i] * 1000);
      if (e.kind[i] === QUOTE_EVENT) await b.onQuote(symbol, { time: new Date(clock.now), bid: e.bid[i], ask: e.ask[i], bidSize: e.bidSize[i], askSize: e.askSize[i] });
      await session.onEvent(marketEventAt(e, i));
      const q = Number((await port.exposure(account, symbol)).position.toFixed());
      maxAbs = Math.max(maxAbs, Math.abs(q));
    }
    // One poll per event (plus the start and this spec's own).
    expect(port.exposures).toBeGreaterThanOrEqual(2 * e.length);
    const fills = session.appliedFills;
    expect(fills.filter((f) => f.side > 0).length).toBeGreaterThan(2);
    expect(fills.filter((f) => f.side < 0).length).toBeGreaterThan(2);
    expect(maxAbs).toBe(params.qMax);
    // The polled fills are the paper broker's fills, so the inventory is its position (no fill
    // was lost or counted twice, cancels' remainders not taken for fills).
    // One more event (the last one again) polls what the last event's orders filled.
    await session.onEvent(marketEventAt(e, e.length - 1));
    const paperFills = await b.listFills(new Date(0));
    const net = paperFills.reduce((s, f) => s + (f.side === 'buy' ? 1 : -1) * Number(f.quantity.toFixed()), 0);
    expect(session.inventory).toBe(net);
    expect(session.inventory).toBe(Number((await port.exposure(account, symbol)).position.toFixed()));
    expect(port.submits).toBe(session.sent.length);

    // The same quoting as the simulator given these fills.
    const sim = simulateMarketMaking(e, params, { fillModel: 'given', givenFills: fills.filter((f) => f.event < e.length), record: true });
    expect(session.steps.slice(0, e.length).map((s) => s.bidPrice)).toEqual(Array.from(sim.steps?.bid ?? []));
    expect(session.steps.slice(0, e.length).map((s) => s.askPrice)).toEqual(Array.from(sim.steps?.ask ?? []));

    // A restart through the port cannot list the resting orders: it refuses rather than doubling them.
    const open = await b.listOrders({ status: 'open' });
    expect(open.length).toBeGreaterThan(0);
    await session.close();
    await expect(MarketMakingSession.open({ sessionId: `p${tag()}`, params, sender: new PortOrderSender(port, { accountId: account, symbol }) })).rejects.toThrow(PortOrderSenderError);
    await expect(MarketMakingSession.open({ sessionId: `p${tag()}`, params, sender: new PortOrderSender(port, { accountId: account, symbol }) })).rejects.toMatchObject({ field: 'openOrders' });
    expect((await b.listOrders({ status: 'open' })).length).toBe(open.length);
  });
});
