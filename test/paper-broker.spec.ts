import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Decimal } from '../src/common/decimal';
import { accountId, clientOrderId, type AccountId, type ClientOrderId } from '../src/common/typed-ids';
import { loadConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source.factory';
import { BrokerRejectedError } from '../src/trading/brokers/broker.errors';
import type { BrokerEvent } from '../src/trading/brokers/broker.types';
import { PaperBroker, type PaperBrokerOptions } from '../src/trading/brokers/paper/paper-broker';
import { PaperBrokerFactory } from '../src/trading/brokers/paper/paper-broker.factory';
import { PaperBrokerRepository } from '../src/trading/brokers/paper/paper-broker.repository';
import type { OrderSpec } from '../src/trading/orders/order.types';
import { startTestApp } from './support/test-app';

const d = (x: number | string): Decimal => new Decimal(x);
const tag = (): string => randomBytes(3).toString('hex').toUpperCase();
/** Wednesday 10 July 2024, 15:00 UTC = 11:00 New York: inside the session. */
const NOW = new Date('2024-07-10T15:00:00Z');

describe('PaperBroker against PostgreSQL', () => {
  let db: DataSource;
  let repo: PaperBrokerRepository;
  const brokers: PaperBroker[] = [];

  beforeAll(async () => {
    db = new DataSource(dataSourceOptions(loadConfig(process.env)));
    await db.initialize();
    repo = new PaperBrokerRepository(db);
    await db.query(`SELECT bars_ensure_partitions('2024-07-01', '2024-07-31')`);
  });
  afterAll(async () => {
    for (const b of brokers) await b.close();
    await db.destroy();
  });

  async function newAccount(): Promise<AccountId> {
    const [{ id }] = await db.query<{ id: string }[]>(`INSERT INTO accounts (name) VALUES ($1) RETURNING id`, [`paper-${tag()}-${Date.now()}`]);
    return accountId(id);
  }

  function broker(account: AccountId, over: Partial<PaperBrokerOptions> = {}): { broker: PaperBroker; events: BrokerEvent[] } {
    let now = NOW.getTime();
    const b = new PaperBroker(repo, {
      accountId: account,
      latencyMs: 1,
      participation: 0.1,
      startingCash: d(100_000),
      costs: { commissionBps: 10 },
      barTimeframe: '1m',
      // Each reading moves the clock 1 ms, so times order the fills as they happened.
      clock: () => new Date(now++),
      ...over,
    });
    brokers.push(b);
    const events: BrokerEvent[] = [];
    b.onEvent((e) => events.push(e));
    return { broker: b, events };
  }

  const spec = (o: Partial<OrderSpec> & { symbol: string }): OrderSpec => ({
    clientOrderId: clientOrderId(`c-${tag()}-${Math.random().toString(36).slice(2)}`),
    side: 'buy',
    type: 'market',
    quantity: d(100),
    timeInForce: 'gtc',
    ...o,
  });

  async function storeBar(symbol: string, ts: string, close: number, volume = 1_000_000): Promise<void> {
    await db.query(`INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume) VALUES ($1, '1m', $2, $3, $4, $5, $3, $6)`, [
      symbol,
      ts,
      close,
      close + 1,
      close - 1,
      volume,
    ]);
    // As the import path does in its transaction (writers of bars by SQL call it themselves).
    await db.query(`SELECT bars_latest_refresh($1, '1m')`, [symbol]);
  }

  const kinds = (events: BrokerEvent[]): string[] => events.map((e) => e.kind);

  it('rejects a market order on a symbol without any market data, naming it', async () => {
    const { broker: b, events } = broker(await newAccount());
    const symbol = `NONE${tag()}`;
    const ack = await b.submit(spec({ symbol }));
    expect(ack.status).toBe('rejected');
    expect(ack.rejectReason).toBe(`no market data for ${symbol}`);
    expect(kinds(events)).toEqual(['rejected']);
    expect((await b.getOrderByClientId(ack.clientOrderId))?.status).toBe('rejected');
  });

  it('answers a submit and a cancel only after the configured latency', async () => {
    const symbol = `LAT${tag()}`;
    await storeBar(symbol, '2024-07-10T14:45:00Z', 10);
    const { broker: b } = broker(await newAccount(), { latencyMs: 40 });
    await b.start();
    let t = performance.now();
    const ack = await b.submit(spec({ symbol, type: 'limit', limitPrice: d(9) }));
    expect(performance.now() - t).toBeGreaterThanOrEqual(39);
    t = performance.now();
    await b.cancel(ack.brokerOrderId);
    expect(performance.now() - t).toBeGreaterThanOrEqual(39);
  });

  it('refuses a malformed order with the field and reason, storing nothing', async () => {
    const { broker: b } = broker(await newAccount());
    const bad = spec({ symbol: 'X', type: 'limit' });
    await expect(b.submit(bad)).rejects.toThrow(BrokerRejectedError);
    await expect(b.submit(bad)).rejects.toMatchObject({ details: { field: 'limitPrice' } });
    await expect(b.submit(spec({ symbol: 'X', quantity: d(0) }))).rejects.toMatchObject({ details: { field: 'quantity' } });
    expect(await b.getOrderByClientId(bad.clientOrderId)).toBeNull();
  });

  it("fills a market order on the next bar's open, in partial fills by volume share, with events in a broker's order", async () => {
    const account = await newAccount();
    const symbol = `MKT${tag()}`;
    await storeBar(symbol, '2024-07-10T14:58:00Z', 100);
    const { broker: b, events } = broker(account);
    const ack = await b.submit(spec({ symbol, quantity: d(150) }));
    // The stored bar was over before the order: no fill on it.
    expect(ack.status).toBe('accepted');
    expect(kinds(events)).toEqual(['accepted']);

    await b.onBar(symbol, { time: new Date('2024-07-10T14:59:00Z'), open: 101, high: 102, low: 100, close: 101.5, volume: 1000 });
    await b.onBar(symbol, { time: new Date('2024-07-10T15:00:00Z'), open: 102, high: 103, low: 101, close: 102.5, volume: 5000 });
    expect(kinds(events)).toEqual(['accepted', 'fill', 'fill']);
    const [, first, second] = events;
    if (first.kind !== 'fill' || second.kind !== 'fill') throw new Error('expected fills');
    expect(first.fill.quantity.toFixed()).toBe('100');
    expect(first.fill.price.toFixed()).toBe('101');
    // 10 bps of 100 * 101
    expect(first.fill.commission.toFixed()).toBe('10.1');
    expect(first.cumulativeQuantity.toFixed()).toBe('100');
    expect(first.leavesQuantity.toFixed()).toBe('50');
    expect(second.fill.quantity.toFixed()).toBe('50');
    expect(second.fill.price.toFixed()).toBe('102');
    expect(second.leavesQuantity.toFixed()).toBe('0');
    expect(first.fill.fillId).not.toBe(second.fill.fillId);

    const snap = await b.getOrderByClientId(ack.clientOrderId);
    expect(snap?.status).toBe('filled');
    expect(snap?.averageFillPrice?.toFixed()).toBe(d(101 * 100 + 102 * 50).div(150).toFixed());
    expect(await b.positions()).toEqual([{ symbol, quantity: d(150), averageCost: d(101 * 100 + 102 * 50).div(150) }]);
    const account2 = await b.account();
    expect(account2.cash.toFixed()).toBe(d(100_000).minus(10_100 + 5_100).minus('10.1').minus('5.1').toFixed());
    // marked at the last close, 102.5
    expect(account2.equity.toFixed()).toBe(account2.cash.plus(d(150).mul('102.5')).toFixed());
  });

  it('a bar stored before the order but told to the book after it does not fill the order (no lookahead)', async () => {
    const account = await newAccount();
    const symbol = `RACE${tag()}`;
    await storeBar(symbol, '2024-07-10T14:58:00Z', 100);
    const { broker: b, events } = broker(account);
    await b.start();
    await b.onBar(symbol, { time: new Date('2024-07-10T14:58:00Z'), open: 100, high: 101, low: 99, close: 100, volume: 1_000_000 });
    // An import commits the 14:59 bar; a strategy reads it and orders before BarsStoredNotifier
    // tells the book. The order was decided at that bar's close: its open is in the past.
    await storeBar(symbol, '2024-07-10T14:59:00Z', 105);
    const ack = await b.submit(spec({ symbol, quantity: d(10) }));
    await b.onBar(symbol, { time: new Date('2024-07-10T14:59:00Z'), open: 104, high: 106, low: 103, close: 105, volume: 1_000_000 });
    expect(kinds(events)).toEqual(['accepted']);
    expect((await b.getOrderByClientId(ack.clientOrderId))?.status).toBe('accepted');
    // The next bar is after the order: it fills at that bar's open.
    await b.onBar(symbol, { time: new Date('2024-07-10T15:00:00Z'), open: 106, high: 107, low: 105, close: 106.5, volume: 1_000_000 });
    expect(kinds(events)).toEqual(['accepted', 'fill']);
    const fill = events[1];
    if (fill.kind !== 'fill') throw new Error('expected a fill');
    expect(fill.fill.price.toFixed()).toBe('106');
  });

  it('fills against the latest quote at once: the ack says filled and the events came first', async () => {
    const symbol = `QTE${tag()}`;
    const { broker: b, events } = broker(await newAccount(), { costs: {} });
    await b.onQuote(symbol, { time: NOW, bid: 49.9, ask: 50.1, bidSize: 1000, askSize: 1000 });
    const ack = await b.submit(spec({ symbol, side: 'sell', quantity: d(10) }));
    expect(ack.status).toBe('filled');
    expect(kinds(events)).toEqual(['accepted', 'fill']);
    const fill = events[1];
    if (fill.kind !== 'fill') throw new Error('expected a fill');
    expect(fill.fill.price.toFixed()).toBe('49.9');
    expect(await b.positions()).toEqual([{ symbol, quantity: d(-10), averageCost: d('49.9') }]);
  });

  it('IOC fills what the quote shows and cancels the rest; FOK cancels without a fill', async () => {
    const symbol = `IOC${tag()}`;
    const { broker: b, events } = broker(await newAccount());
    await b.onQuote(symbol, { time: NOW, bid: 20, ask: 20.02, bidSize: 300, askSize: 300 });
    const ioc = await b.submit(spec({ symbol, quantity: d(500), timeInForce: 'ioc' }));
    expect(ioc.status).toBe('cancelled');
    expect(kinds(events)).toEqual(['accepted', 'fill', 'cancelled']);
    expect((await b.getOrderByClientId(ioc.clientOrderId))?.filledQuantity.toFixed()).toBe('300');
    events.length = 0;
    const fok = await b.submit(spec({ symbol, quantity: d(500), timeInForce: 'fok' }));
    expect(fok.status).toBe('cancelled');
    expect(kinds(events)).toEqual(['accepted', 'cancelled']);
  });

  it('cancels and replaces open orders; a filled order cannot be cancelled', async () => {
    const symbol = `CXL${tag()}`;
    await storeBar(symbol, '2024-07-10T14:50:00Z', 30);
    const { broker: b, events } = broker(await newAccount());
    const resting = await b.submit(spec({ symbol, type: 'limit', limitPrice: d(25) }));
    await b.cancel(resting.brokerOrderId);
    expect(kinds(events)).toEqual(['accepted', 'cancelled']);
    expect((await b.getOrderByClientId(resting.clientOrderId))?.status).toBe('cancelled');
    await expect(b.cancel(resting.brokerOrderId)).rejects.toThrow(/cancelled and cannot be cancelled/);

    events.length = 0;
    const old = await b.submit(spec({ symbol, type: 'limit', limitPrice: d(25) }));
    const newId = clientOrderId(`r-${tag()}`);
    const ack = await b.replace(old.brokerOrderId, { clientOrderId: newId, limitPrice: d(29.5), quantity: d(40) });
    expect(ack.status).toBe('accepted');
    expect(events.map((e) => e.kind)).toEqual(['accepted', 'replaced', 'accepted']);
    expect(events[1]).toMatchObject({ kind: 'replaced', brokerOrderId: old.brokerOrderId, replacedBy: ack.brokerOrderId });
    expect((await b.getOrderByClientId(old.clientOrderId))?.status).toBe('replaced');
    await b.onBar(symbol, { time: new Date('2024-07-10T14:51:00Z'), open: 30, high: 30.5, low: 29, close: 29.8, volume: 1_000_000 });
    const replaced = await b.getOrderByClientId(newId);
    expect(replaced).toMatchObject({ status: 'filled', limitPrice: d(29.5) });
    expect(replaced?.quantity.toFixed()).toBe('40');
    expect(replaced?.averageFillPrice?.toFixed()).toBe('29.5');
    await expect(b.cancel(ack.brokerOrderId)).rejects.toThrow(/filled and cannot be cancelled/);
    await expect(b.replace(old.brokerOrderId, { clientOrderId: clientOrderId(`r2-${tag()}`) })).rejects.toThrow(BrokerRejectedError);
  });

  it('refuses a client order id used before on the account, also after a restart', async () => {
    const account = await newAccount();
    const symbol = `DUP${tag()}`;
    await storeBar(symbol, '2024-07-10T14:40:00Z', 10);
    const first = broker(account).broker;
    const s = spec({ symbol });
    await first.submit(s);
    await expect(first.submit(s)).rejects.toThrow(/already used/);
    await first.close();
    await expect(broker(account).broker.submit(s)).rejects.toThrow(/already used/);
  });

  it('two concurrent submits of one client order id: one order, the other refused', async () => {
    const symbol = `CON${tag()}`;
    await storeBar(symbol, '2024-07-10T14:35:00Z', 10);
    const { broker: b } = broker(await newAccount());
    const s = spec({ symbol, type: 'limit', limitPrice: d(9) });
    const results = await Promise.allSettled([b.submit(s), b.submit(s)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await b.listOrders({ status: 'all' })).toHaveLength(1);
    expect((await b.getOrderByClientId(s.clientOrderId))?.status).toBe('accepted');
  });

  it('refuses bars and quotes with unusable prices, naming the field', async () => {
    const { broker: b } = broker(await newAccount());
    await expect(b.onBar('BAD', { time: NOW, close: Number.NaN })).rejects.toMatchObject({ details: { issues: [{ field: 'close' }] } });
    await expect(b.onBar('BAD', { time: NOW, open: 10, high: 9, low: 8, close: 10 })).rejects.toMatchObject({ details: { issues: [{ field: 'high' }] } });
    await expect(b.onQuote('BAD', { time: NOW, bid: 10, ask: 9.9, bidSize: 1, askSize: 1 })).rejects.toMatchObject({ details: { issues: [{ field: 'ask' }] } });
    await expect(b.onQuote('BAD', { time: NOW, bid: 10, ask: 10.1, bidSize: -1, askSize: 1 })).rejects.toMatchObject({ details: { issues: [{ field: 'bidSize' }] } });
    // Nothing of them was kept as market data.
    await expect(b.submit(spec({ symbol: 'BAD' }))).resolves.toMatchObject({ status: 'rejected', rejectReason: 'no market data for BAD' });
  });

  it('stop orders trigger on the bar that touches the stop and fill at max(stop, open)', async () => {
    const symbol = `STP${tag()}`;
    await storeBar(symbol, '2024-07-10T14:30:00Z', 50);
    const { broker: b, events } = broker(await newAccount(), { costs: {} });
    const ack = await b.submit(spec({ symbol, type: 'stop', stopPrice: d(52) }));
    await b.onBar(symbol, { time: new Date('2024-07-10T14:31:00Z'), open: 50, high: 51.5, low: 49.5, close: 51, volume: 1_000_000 });
    expect(kinds(events)).toEqual(['accepted']);
    await b.onBar(symbol, { time: new Date('2024-07-10T14:32:00Z'), open: 51, high: 53, low: 50.5, close: 52.5, volume: 1_000_000 });
    expect(kinds(events)).toEqual(['accepted', 'fill']);
    expect((await b.getOrderByClientId(ack.clientOrderId))?.averageFillPrice?.toFixed()).toBe('52');
  });

  it('expires a day order at the session close', async () => {
    const symbol = `DAY${tag()}`;
    await storeBar(symbol, '2024-07-10T14:20:00Z', 70);
    let now = NOW.getTime();
    const { broker: b, events } = broker(await newAccount(), { clock: () => new Date(now) });
    const ack = await b.submit(spec({ symbol, type: 'limit', limitPrice: d(60), timeInForce: 'day' }));
    await b.expireDue();
    expect(kinds(events)).toEqual(['accepted']);
    now = Date.parse('2024-07-10T20:00:00Z'); // 16:00 New York
    await b.expireDue();
    expect(kinds(events)).toEqual(['accepted', 'expired']);
    expect((await b.getOrderByClientId(ack.clientOrderId))?.status).toBe('expired');
  });

  it('a new instance on the same database sees the same open orders, fills, positions and cash, and keeps matching', async () => {
    const account = await newAccount();
    const symbol = `RST${tag()}`;
    await storeBar(symbol, '2024-07-10T14:10:00Z', 40);
    const first = broker(account);
    const partial = await first.broker.submit(spec({ symbol, quantity: d(300) }));
    const stopLimit = await first.broker.submit(spec({ symbol, side: 'sell', type: 'stop_limit', stopPrice: d(35), limitPrice: d(34), quantity: d(5) }));
    await first.broker.onBar(symbol, { time: new Date('2024-07-10T14:11:00Z'), open: 41, high: 41.5, low: 40.5, close: 41, volume: 1000 });
    // The stop (35) is touched but the bar has no volume: the order now rests as a sell limit at 34.
    await first.broker.onBar(symbol, { time: new Date('2024-07-10T14:11:30Z'), open: 36, high: 36, low: 34.5, close: 35, volume: 0 });
    expect((await first.broker.listOrders({ status: 'open' })).length).toBe(2);
    const fillsBefore = await first.broker.listFills(new Date(0));
    const ordersBefore = await first.broker.listOrders({ status: 'open' });
    const positionsBefore = await first.broker.positions();
    const accountBefore = await first.broker.account();
    expect(fillsBefore).toHaveLength(1);
    expect(ordersBefore.map((o) => o.clientOrderId).sort()).toEqual([partial.clientOrderId, stopLimit.clientOrderId].sort());
    await first.broker.close();

    let later = NOW.getTime() + 60_000;
    const second = broker(account, { clock: () => new Date(later++) });
    expect(await second.broker.listOrders({ status: 'open' })).toEqual(ordersBefore);
    expect(await second.broker.listFills(new Date(0))).toEqual(fillsBefore);
    expect(await second.broker.positions()).toEqual(positionsBefore);
    expect((await second.broker.account()).cash.toFixed()).toBe(accountBefore.cash.toFixed());
    // The restarted book goes on from the stored state: the partial order takes its next 100, and
    // the stop-limit, remembered as triggered, fills as a limit although 35 is never touched again.
    await second.broker.onBar(symbol, { time: new Date('2024-07-10T14:12:00Z'), open: 42, high: 42.5, low: 41.5, close: 42, volume: 1000 });
    expect(kinds(second.events)).toEqual(['fill', 'fill']);
    const snap = await second.broker.getOrderByClientId(partial.clientOrderId as ClientOrderId);
    expect(snap?.filledQuantity.toFixed()).toBe('200');
    expect(snap?.status).toBe('partially_filled');
    expect(await second.broker.listFills(fillsBefore[0].at)).toHaveLength(3);
    const sl = await second.broker.getOrderByClientId(stopLimit.clientOrderId);
    expect(sl?.status).toBe('filled');
    // A sell limit at 34 on a bar opening at 42 sells at the open: max(limit, open).
    expect(sl?.averageFillPrice?.toFixed()).toBe('42');
  });

  it('submitAgainstQuote matches one order against the given (venue) quote only: not stored as the market, no other order moved', async () => {
    const symbol = `VQ${tag()}`;
    await storeBar(symbol, '2024-07-10T14:45:00Z', 50);
    const { broker: b, events } = broker(await newAccount());
    expect(await b.referenceOf(symbol)).toMatchObject({ mid: 50, spread: null, source: 'bar' });
    expect(await b.referenceOf(`NONE${tag()}`)).toBeNull();
    // A resting limit that any ask at or under 50.5 would fill.
    const resting = await b.submit(spec({ symbol, type: 'limit', limitPrice: d('50.5'), quantity: d(100) }));
    expect(resting.status).toBe('accepted');
    const quote = { time: new Date(NOW.getTime() + 60_000), bid: 49.98, ask: 50.02, bidSize: 0, askSize: 300 };
    // ioc for 500 against 300 shown: 300 fill at the ask (plus costs, capped by the limit 50.02), the rest is cancelled.
    const ioc = await b.submitAgainstQuote(spec({ symbol, type: 'limit', limitPrice: d('50.02'), quantity: d(500), timeInForce: 'ioc' }), quote);
    expect(ioc.status).toBe('cancelled');
    const fills = events.filter((e): e is Extract<BrokerEvent, { kind: 'fill' }> => e.kind === 'fill');
    expect(fills.map((f) => [f.fill.clientOrderId, f.fill.quantity.toString(), f.fill.price.toString()])).toEqual([[ioc.clientOrderId, '300', '50.02']]);
    // fok for more than shown: nothing.
    const fok = await b.submitAgainstQuote(spec({ symbol, type: 'limit', limitPrice: d('50.02'), quantity: d(400), timeInForce: 'fok' }), quote);
    expect(fok.status).toBe('cancelled');
    expect((await b.getOrderByClientId(fok.clientOrderId))?.filledQuantity.toString()).toBe('0');
    // The resting order never saw the venue quote, and the symbol's market is still the bar.
    expect((await b.getOrderByClientId(resting.clientOrderId))?.status).toBe('accepted');
    expect(await b.referenceOf(symbol)).toMatchObject({ mid: 50, source: 'bar' });
    // A real quote is the market from then on.
    await b.onQuote(symbol, { time: new Date(NOW.getTime() + 120_000), bid: 50.6, ask: 50.8, bidSize: 100, askSize: 100 });
    expect(await b.referenceOf(symbol)).toMatchObject({ mid: 50.7, source: 'quote' });
    expect((await b.referenceOf(symbol))?.spread).toBeCloseTo(0.2, 12);
    await expect(b.submitAgainstQuote(spec({ symbol, type: 'limit', limitPrice: d(50), timeInForce: 'ioc' }), { ...quote, bid: 51 })).rejects.toMatchObject({
      details: { issues: [{ field: 'ask' }] },
    });
  });

  it('lists orders newest first, open only or all, with a limit', async () => {
    const symbol = `LST${tag()}`;
    await storeBar(symbol, '2024-07-10T14:00:00Z', 10);
    const { broker: b } = broker(await newAccount());
    const a = await b.submit(spec({ symbol, type: 'limit', limitPrice: d(5) }));
    const c = await b.submit(spec({ symbol, type: 'limit', limitPrice: d(6) }));
    await b.cancel(a.brokerOrderId);
    expect((await b.listOrders({ status: 'open' })).map((o) => o.brokerOrderId)).toEqual([c.brokerOrderId]);
    expect((await b.listOrders({ status: 'all' })).map((o) => o.brokerOrderId)).toEqual([c.brokerOrderId, a.brokerOrderId]);
    expect(await b.listOrders({ status: 'all', limit: 1 })).toHaveLength(1);
  });
});

describe('PaperBrokerModule in the application', () => {
  it('gives one started paper broker per account through PaperBrokerFactory', async () => {
    const t = await startTestApp({ PAPER_LATENCY_MS: '0', PAPER_STARTING_CASH: '250000.5' });
    try {
      const db = t.app.get(DataSource);
      const [{ id }] = await db.query<{ id: string }[]>(`INSERT INTO accounts (name) VALUES ($1) RETURNING id`, [`paper-app-${tag()}`]);
      const factory = t.app.get(PaperBrokerFactory);
      const b = await factory.createPaperBroker(accountId(id));
      expect(await factory.createPaperBroker(accountId(id))).toBe(b);
      expect(b.name).toBe('paper');
      expect((await b.account()).cash.toFixed()).toBe('250000.5');
      // A quote fanned out by the factory reaches the account's book (config costs: 1 bps + 2 bps).
      const symbol = `APP${tag()}`;
      await factory.onQuote(symbol, { time: new Date(), bid: 99, ask: 100, bidSize: 10, askSize: 10 });
      const ack = await b.submit({ clientOrderId: clientOrderId(`app-${tag()}`), symbol, side: 'buy', type: 'market', quantity: d(2), timeInForce: 'gtc' });
      expect(ack.status).toBe('filled');
      expect((await b.getOrderByClientId(ack.clientOrderId))?.averageFillPrice?.toFixed()).toBe('100.02');
      await expect(b.listOrders({ status: 'all', limit: 0 })).rejects.toMatchObject({ details: { field: 'limit' } });
    } finally {
      await t.close();
    }
  });
});
