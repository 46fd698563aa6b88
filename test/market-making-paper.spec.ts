import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Decimal } from '../src/common/decimal';
import { accountId, type AccountId } from '../src/common/typed-ids';
import { loadConfig } from '../src/config/app-config';
import { dataSourceOptions } from '../src/database/data-source.factory';
import { generateSyntheticMarket, resolveMarketMakingParams, simulateMarketMaking, QUOTE_EVENT, type MarketEvents, type MarketMakingParams } from '../src/strategies/market-making/core';
import { BrokerOrderSender } from '../src/strategies/market-making/broker.order-sender';
import { MarketMakingSession, marketEventAt } from '../src/strategies/market-making/market-making.session';
import { PaperBroker } from '../src/trading/brokers/paper/paper-broker';
import { PaperBrokerRepository } from '../src/trading/brokers/paper/paper-broker.repository';

const tag = (): string => randomBytes(3).toString('hex').toUpperCase();
/** Event time 0 (a Wednesday inside the session; gtc orders do not expire anyway). */
const T0 = Date.parse('2024-07-10T15:00:00Z');
/** One time unit of the stream = one second of clock time. */
const MS_PER_UNIT = 1000;

/**
 * The synthetic stream with steps of 0.05 (σ√dt ≈ 0.45 per step at σ = 2), so that the paper
 * quotes move through the maker's A-S quotes (half spread ≈ 0.85 at the defaults) often enough to
 * fill both sides many times in a few hundred events.
 */
const market = generateSyntheticMarket({ seed: 11, steps: 300, dt: 0.05, tradeRate: 10, meanTradeSize: 2, informedRate: 0.5, informedDrift: 8 });
const params: MarketMakingParams = resolveMarketMakingParams({ qMax: 2, orderSize: 1, tickSize: 0.0078125, volWarmup: 5 });

describe('market-making session against the paper broker (PostgreSQL)', () => {
  let db: DataSource;
  let repo: PaperBrokerRepository;
  const brokers: PaperBroker[] = [];

  beforeAll(async () => {
    db = new DataSource(dataSourceOptions(loadConfig(process.env)));
    await db.initialize();
    repo = new PaperBrokerRepository(db);
  });
  afterAll(async () => {
    for (const b of brokers) await b.close();
    await db.destroy();
  });

  async function newAccount(): Promise<AccountId> {
    const [{ id }] = await db.query<{ id: string }[]>(`INSERT INTO accounts (name) VALUES ($1) RETURNING id`, [`mm-${tag()}-${Date.now()}`]);
    return accountId(id);
  }

  /** A paper broker whose clock is the stream's time, latency 0, no costs. */
  function paper(account: AccountId, clock: { now: number }): PaperBroker {
    const b = new PaperBroker(repo, { accountId: account, latencyMs: 0, participation: 1, startingCash: new Decimal(1_000_000), costs: {}, barTimeframe: '1m', clock: () => new Date(clock.now) });
    brokers.push(b);
    return b;
  }

  async function paperPosition(b: PaperBroker, symbol: string): Promise<number> {
    const p = (await b.positions()).find((x) => x.symbol === symbol);
    return p === undefined ? 0 : Number(p.quantity.toFixed());
  }

  /**
   * Feeds events [from, to) as a live feed would: a quote goes to the paper broker first (it may
   * fill resting orders), then to the session; a trade to the session only. After each event
   * `check` sees the state.
   */
  async function drive(b: PaperBroker, session: MarketMakingSession, symbol: string, events: MarketEvents, clock: { now: number }, from: number, to: number, check?: () => Promise<void>): Promise<void> {
    for (let i = from; i < to; i++) {
      clock.now = T0 + Math.round(events.time[i] * MS_PER_UNIT);
      if (events.kind[i] === QUOTE_EVENT && events.bid[i] === events.bid[i]) {
        await b.onQuote(symbol, { time: new Date(clock.now), bid: events.bid[i], ask: events.ask[i], bidSize: events.bidSize[i], askSize: events.askSize[i] });
      }
      await session.onEvent(marketEventAt(events, i));
      if (check) await check();
    }
  }

  it('wants the simulator\'s quotes event for event given the same fills, places and cancels on the paper broker, fills both ways, and keeps its inventory equal to the paper position within the limit', async () => {
    const symbol = `MM${tag()}`;
    const clock = { now: T0 };
    const b = paper(await newAccount(), clock);
    await b.start();
    const sender = new BrokerOrderSender(b, { symbol });
    const session = await MarketMakingSession.open({ sessionId: `s${tag()}`, params, sender, record: true });
    const events = market.events;
    let maxAbs = 0;
    let maxExposure = 0;
    let atLimit = 0;
    let limitBreaches = 0;
    await drive(b, session, symbol, events, clock, 0, events.length, async () => {
      const q = await paperPosition(b, symbol);
      maxAbs = Math.max(maxAbs, Math.abs(q));
      const w = session.working;
      // Worst case if what rests fills entirely: still within ±qMax.
      const bidRest = w.bid === null ? 0 : w.bid.quantity - w.bid.filled;
      const askRest = w.ask === null ? 0 : w.ask.quantity - w.ask.filled;
      maxExposure = Math.max(maxExposure, q + bidRest, -(q - askRest));
      // No bid resting at the long limit, no ask at the short one.
      if (q >= params.qMax) {
        atLimit++;
        if (bidRest > 0) limitBreaches++;
      }
      if (q <= -params.qMax) {
        atLimit++;
        if (askRest > 0) limitBreaches++;
      }
    });
    await b.flush();

    // (a) Parity: the simulator, given the fills the paper broker made at the events the session
    // applied them, wants the same quotes and holds the same inventory, event for event.
    const fills = session.appliedFills;
    expect(fills.filter((f) => f.side > 0).length).toBeGreaterThan(3);
    expect(fills.filter((f) => f.side < 0).length).toBeGreaterThan(3);
    const sim = simulateMarketMaking(events, params, { fillModel: 'given', givenFills: fills, record: true });
    const steps = sim.steps;
    if (steps === undefined) throw new Error('the simulator recorded no steps');
    expect(session.steps.length).toBe(events.length);
    expect(session.steps.map((s) => s.bidPrice)).toEqual(Array.from(steps.bid));
    expect(session.steps.map((s) => s.askPrice)).toEqual(Array.from(steps.ask));
    expect(session.steps.map((s) => s.inventory)).toEqual(Array.from(steps.inventory));
    expect(sim.fills.bid + sim.fills.ask).toBe(fills.length);
    // Both sides were quoted most of the time after the warm-up (the comparison is not of NaNs).
    expect(session.steps.filter((s) => s.bidSize > 0 && s.askSize > 0).length).toBeGreaterThan(events.length / 2);

    // (b) Orders placed and cancelled on the paper broker; the session's inventory is the paper position.
    expect(session.sent.length).toBeGreaterThan(20);
    expect(session.cancelled.length).toBeGreaterThan(10);
    const paperFills = await b.listFills(new Date(0));
    expect(paperFills.length).toBeGreaterThanOrEqual(fills.length);
    expect(paperFills.every((f) => f.clientOrderId.startsWith('mm-'))).toBe(true);
    const buys = paperFills.filter((f) => f.side === 'buy').reduce((s, f) => s + Number(f.quantity.toFixed()), 0);
    const sells = paperFills.filter((f) => f.side === 'sell').reduce((s, f) => s + Number(f.quantity.toFixed()), 0);
    expect(session.inventory).toBe(buys - sells);
    expect(session.inventory).toBe(await paperPosition(b, symbol));
    const open = await b.listOrders({ status: 'open' });
    const resting = [session.working.bid, session.working.ask].filter((o) => o !== null).map((o) => o.clientOrderId);
    expect(open.map((o) => o.clientOrderId).sort()).toEqual([...resting].sort());

    // (c) The inventory limit held at every event, and it was reached (the limit was exercised).
    expect(maxAbs).toBe(params.qMax);
    expect(maxExposure).toBeLessThanOrEqual(params.qMax);
    expect(atLimit).toBeGreaterThan(0);
    expect(limitBreaches).toBe(0);
    await session.close();
  });

  it('refuses a malformed event naming the field, and orders nothing for it', async () => {
    const symbol = `MB${tag()}`;
    const b = paper(await newAccount(), { now: T0 });
    const session = await MarketMakingSession.open({ sessionId: `b${tag()}`, params: resolveMarketMakingParams({ sigma: 2 }), sender: new BrokerOrderSender(b, { symbol }) });
    await expect(session.onEvent({ kind: 'quote', time: 1, bid: 100.5, ask: 100, bidSize: 1, askSize: 1 })).rejects.toMatchObject({ field: 'ask' });
    await expect(session.onEvent({ kind: 'quote', time: Infinity, bid: 99, ask: 100, bidSize: 1, askSize: 1 })).rejects.toMatchObject({ field: 'time' });
    await expect(session.onEvent({ kind: 'trade', time: 1, price: 100, size: 0, side: 1 })).rejects.toMatchObject({ field: 'size' });
    await session.onEvent({ kind: 'trade', time: 2, price: 100, size: 1, side: 1 });
    await expect(session.onEvent({ kind: 'trade', time: 1, price: 100, size: 1, side: -1 })).rejects.toMatchObject({ field: 'time' });
    expect(session.sent).toEqual([]);
    expect(await b.listOrders({ status: 'all' })).toEqual([]);
    await expect(MarketMakingSession.open({ sessionId: 'no spaces', params, sender: new BrokerOrderSender(b, { symbol }) })).rejects.toMatchObject({ field: 'sessionId' });
    await session.close();
  });

  it('after a restart adopts its open orders from the database instead of placing them again, and continues its client order ids', async () => {
    const symbol = `MR${tag()}`;
    const account = await newAccount();
    const clock = { now: T0 };
    const sessionId = `r${tag()}`;
    const events = market.events;
    const half = Math.floor(events.length / 2);

    const first = paper(account, clock);
    await first.start();
    const s1 = await MarketMakingSession.open({ sessionId, params, sender: new BrokerOrderSender(first, { symbol }) });
    await drive(first, s1, symbol, events, clock, 0, half);
    await s1.close();
    const restingBefore = [s1.working.bid, s1.working.ask].filter((o) => o !== null).map((o) => o.clientOrderId).sort();
    expect(restingBefore.length).toBeGreaterThan(0);
    const inventoryBefore = s1.inventory;
    await first.close();

    // A new process: a new broker object on the same tables, a new session of the same id.
    const second = paper(account, clock);
    await second.start();
    const s2 = await MarketMakingSession.open({ sessionId, params, sender: new BrokerOrderSender(second, { symbol }) });
    expect([s2.working.bid, s2.working.ask].filter((o) => o !== null).map((o) => o.clientOrderId).sort()).toEqual(restingBefore);
    expect(s2.inventory).toBe(inventoryBefore);
    expect(s2.sent).toEqual([]);
    expect((await second.listOrders({ status: 'open' })).map((o) => o.clientOrderId).sort()).toEqual(restingBefore);

    const usedBefore = new Set((await second.listOrders({ status: 'all', limit: 10_000 })).map((o) => o.clientOrderId));
    const seqOf = (id: string): number => Number(id.slice(`mm-${sessionId}-`.length));
    const highest = Math.max(...[...usedBefore].map(seqOf));
    let most = 0;
    await drive(second, s2, symbol, events, clock, half, events.length, async () => {
      const open = await second.listOrders({ status: 'open' });
      most = Math.max(most, open.filter((o) => o.side === 'buy').length, open.filter((o) => o.side === 'sell').length);
    });
    // Never two orders on a side (the adopted ones were moved by cancel-then-place, not doubled).
    expect(most).toBe(1);
    expect(s2.sent.length).toBeGreaterThan(0);
    for (const id of s2.sent) {
      expect(usedBefore.has(id)).toBe(false);
      expect(seqOf(id)).toBeGreaterThan(highest);
    }
    await second.flush();
    expect(s2.inventory).toBe(await paperPosition(second, symbol));
    await s2.close();
  });
});
