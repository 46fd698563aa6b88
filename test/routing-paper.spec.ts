import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import type { Venue } from '../src/trading/routing/core';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/**
 * Issue 5: "simulation mode uses the venue models with the paper broker". In paper mode (the
 * default) every routed child is a real paper order, filled by the paper broker at the paper
 * book's mid (the latest stored bar here), sized, priced and charged by its venue's model.
 */

const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

interface Child {
  phase: 'dark' | 'lit';
  venue: string;
  quantity: number;
  limitPrice: number;
  filled: number;
  averagePrice: number | null;
  fees: number;
  latencyMs: number;
  clientOrderId: string | null;
}
interface Round {
  round: number;
  mid: number;
  darkQualified: boolean;
  unallocated: number;
  filled: number;
  children: Child[];
}
interface Simulation {
  id: string;
  quantity: number;
  side: 'buy' | 'sell';
  execution: { mode: string; paperAccountId: string | null; clientOrderIdPrefix: string | null };
  arrivalMid: number;
  filledQuantity: number;
  unfilledQuantity: number;
  averagePrice: number | null;
  fees: number;
  rounds: Round[];
}
interface StatsVenue {
  venue: string;
  childOrders: number;
  sharesSent: number;
  sharesFilled: number;
  fillRate: number | null;
  realizedCostBps: number | null;
  latencyMs: number | null;
}
interface PaperOrderRow {
  account_id: string;
  client_order_id: string;
  symbol: string;
  side: string;
  type: string;
  time_in_force: string;
  quantity: string;
  limit_price: string;
  status: string;
  filled_quantity: string;
}
interface PaperFillRow {
  client_order_id: string;
  quantity: string;
  price: string;
  commission: string;
}

describe('smart order routing in paper mode', () => {
  let t: TestApp;
  let db: DataSource;
  let trader: string;
  let traderAccount: string;
  let venues: Venue[];
  const symbol = `SOR${randomBytes(3).toString('hex').toUpperCase()}`;
  const order = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    symbol,
    side: 'buy',
    quantity: 6000,
    spread: 0.02,
    volatility: 0.018,
    averageDailyVolume: 50_000_000,
    ...over,
  });

  const post = (url: string, payload: unknown) => t.app.inject({ method: 'POST', url, headers: bearer(trader), payload: payload as Record<string, unknown> });
  const storeBar = async (ts: string, close: number) => {
    const res = await post('/api/v1/market-data/bars', { symbol, timeframe: '1m', rows: [{ ts, open: close - 0.1, high: close + 0.2, low: close - 0.2, close, volume: 2_000_000 }] });
    expect(res.statusCode).toBe(201);
  };
  const stats = async (): Promise<StatsVenue[]> => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/routing/stats', headers: bearer(trader) });
    expect(res.statusCode).toBe(200);
    return res.json<{ venues: StatsVenue[] }>().venues;
  };
  const simulate = async (body: Record<string, unknown>): Promise<Simulation> => {
    const res = await post('/api/v1/routing/simulate', body);
    expect(res.statusCode).toBe(200);
    return res.json<Simulation>();
  };
  const paperOrders = (ids: string[]): Promise<PaperOrderRow[]> => db.query(`SELECT * FROM paper_orders WHERE client_order_id = ANY($1::text[])`, [ids]);
  const paperFills = (ids: string[]): Promise<PaperFillRow[]> =>
    db.query(
      `SELECT o.client_order_id, f.quantity, f.price, f.commission FROM paper_fills f JOIN paper_orders o ON o.id = f.order_id
        WHERE o.client_order_id = ANY($1::text[]) ORDER BY f.seq`,
      [ids],
    );
  const takerFee = (venue: string, mid: number): number => {
    const v = venues.find((x) => x.name === venue) as Venue;
    return v.fees.unit === 'bps' ? (v.fees.taker * mid) / 1e4 : v.fees.taker;
  };

  beforeAll(async () => {
    // The default execution mode (paper) is what this spec proves; no round wait, no paper latency, to keep it quick.
    t = await startIsolatedTestApp('routing-paper', { PAPER_LATENCY_MS: '0', QUANTDESK_ROUTING_ROUND_INTERVAL_MS: '0' });
    db = t.app.get(DataSource);
    const account = `sor-paper-${randomBytes(4).toString('hex')}`;
    trader = (await t.app.get(ApiKeysService).create({ name: 'routing paper trader', role: 'trader', account })).key;
    [{ id: traderAccount }] = await db.query<{ id: string }[]>(`SELECT id FROM accounts WHERE name = $1`, [account]);
    venues = t.config.routingVenues as Venue[];
    await storeBar('2024-07-10T15:00:00Z', 187.3);
    await storeBar('2024-07-10T15:01:00Z', 187.5);
  });
  afterAll(() => t.close());

  it('refuses a reference price (the paper book prices the order) and a symbol the paper book has no price for, recording nothing', async () => {
    const decisions = async () => Number((await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM routing_decisions`))[0].n);
    const before = await decisions();
    const priced = await post('/api/v1/routing/simulate', order({ referencePrice: 187.5 }));
    expect(priced.statusCode).toBe(400);
    expect(priced.json<{ details: { issues: { field: string }[] } }>().details.issues.map((i) => i.field)).toEqual(['referencePrice']);
    const unknown = await post('/api/v1/routing/simulate', order({ symbol: `${symbol}X` }));
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ statusCode: 422, error: 'NO_MARKET_DATA', details: { symbol: `${symbol}X`, timeframe: '1m' } });
    expect(await decisions()).toBe(before);
  });

  it('sends every child to the paper broker as a paper order of the routing paper account, and the fills, fees and stats follow from its fills', async () => {
    const before = await stats();
    const sims: Simulation[] = [];
    // Fixed seeds: reproducible draws. Buys and sells, different sizes; enough dark pings to see both outcomes.
    for (const [i, seed] of [101, 102, 103, 104, 105, 106, 107, 108].entries()) {
      sims.push(await simulate(order({ seed, quantity: 3000 + 1000 * (i % 4), side: i % 2 ? 'sell' : 'buy' })));
    }
    const children = sims.flatMap((s) => s.rounds.flatMap((r) => r.children));
    const ids = children.map((c) => c.clientOrderId as string);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);

    const paperAccount = sims[0].execution.paperAccountId as string;
    const orders = new Map((await paperOrders(ids)).map((o) => [o.client_order_id, o]));
    const fills = await paperFills(ids);
    // One paper order per child, none on the trader's own account (its OMS and reconciliation never see them).
    expect(orders.size).toBe(children.length);
    expect(paperAccount).not.toBe(traderAccount);
    expect(Number((await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM paper_orders WHERE account_id = $1`, [traderAccount]))[0].n)).toBe(0);

    let darkFilled = 0;
    let darkMissed = 0;
    for (const s of sims) {
      expect(s.execution).toMatchObject({ mode: 'paper', paperAccountId: paperAccount });
      // The paper book's mid: the latest stored bar's close.
      expect(s.arrivalMid).toBe(187.5);
      const mine = s.rounds.flatMap((r) => r.children);
      // Fills sum to the routed quantity, or the rest is reported unfilled.
      expect(mine.reduce((a, c) => a + c.filled, 0)).toBe(s.filledQuantity);
      expect(s.filledQuantity + s.unfilledQuantity).toBe(s.quantity);
      // Each round re-routes exactly what the earlier rounds left.
      let rest = s.quantity;
      for (const r of s.rounds) {
        const dark = r.children.filter((c) => c.phase === 'dark');
        const afterDark = rest - dark.reduce((a, c) => a + c.filled, 0);
        const lit = r.children.filter((c) => c.phase === 'lit');
        if (lit.length) expect(lit.reduce((a, c) => a + c.quantity, 0) + r.unallocated).toBe(afterDark);
        rest -= r.filled;
      }
      expect(rest).toBe(s.unfilledQuantity);

      for (const c of mine) {
        const o = orders.get(c.clientOrderId as string) as PaperOrderRow;
        const f = fills.filter((x) => x.client_order_id === c.clientOrderId);
        // The venue is in the client order id; the paper order is the child as sent.
        expect(o.client_order_id).toMatch(new RegExp(`^${s.execution.clientOrderIdPrefix}-r\\d+-${c.venue}-\\d+$`));
        expect(o).toMatchObject({ account_id: paperAccount, symbol, side: s.side, type: 'limit', time_in_force: c.phase === 'dark' ? 'fok' : 'ioc' });
        expect(Number(o.quantity)).toBe(c.quantity);
        expect(o.status).toBe(c.filled === c.quantity ? 'filled' : 'cancelled');
        const filled = f.reduce((a, x) => a + Number(x.quantity), 0);
        expect(Number(o.filled_quantity)).toBe(c.filled);
        expect(filled).toBe(c.filled);
        const commission = f.reduce((a, x) => a + Number(x.commission), 0);
        // Fees: the venue model's taker fee (a rebate on beta) on the filled shares, plus the paper broker's commission.
        expect(c.fees).toBeCloseTo(takerFee(c.venue, 187.5) * c.filled + commission, 8);
        if (c.filled > 0) {
          expect(c.averagePrice).toBeCloseTo(f.reduce((a, x) => a + Number(x.quantity) * Number(x.price), 0) / filled, 8);
          // The paper broker's slippage never pushes a fill beyond the child's limit.
          const sign = s.side === 'buy' ? 1 : -1;
          for (const x of f) expect(sign * (Number(x.price) - Number(o.limit_price))).toBeLessThanOrEqual(0);
        }
        // Lots of the venue.
        expect(c.filled % 100).toBe(0);
        if (c.phase === 'dark') {
          // At the mid or not at all: all of the ping at exactly the paper mid, or nothing.
          expect(Number(o.limit_price)).toBe(187.5);
          if (c.filled > 0) {
            darkFilled++;
            expect(c.filled).toBe(c.quantity);
            expect(f.map((x) => Number(x.price))).toEqual(f.map(() => 187.5));
          } else darkMissed++;
        } else {
          expect(Number(o.limit_price)).toBeCloseTo(c.limitPrice, 8);
        }
      }
    }
    // Some rest was re-routed (a faded quote) in a later round.
    expect(sims.some((x) => x.rounds.length > 1 && x.rounds[1].children.some((c) => c.filled > 0))).toBe(true);
    expect(darkFilled).toBeGreaterThan(0);
    expect(darkMissed).toBeGreaterThan(0);

    // The venue stats learn exactly these children, with the paper fills' realized cost and the venue latencies.
    const after = await stats();
    for (const v of after) {
      const prior = before.find((b) => b.venue === v.venue) as StatsVenue;
      const mine = children.filter((c) => c.venue === v.venue);
      expect(v.childOrders - prior.childOrders).toBe(mine.length);
      expect(v.sharesSent - prior.sharesSent).toBe(mine.reduce((a, c) => a + c.quantity, 0));
      expect(v.sharesFilled - prior.sharesFilled).toBe(mine.reduce((a, c) => a + c.filled, 0));
      if (mine.some((c) => c.filled > 0)) {
        expect(v.fillRate).toBeCloseTo(v.sharesFilled / v.sharesSent, 12);
        expect(v.realizedCostBps).not.toBeNull();
        expect(v.latencyMs).toBeGreaterThan(0);
      }
    }

    // The decisions are stored with where their children went.
    const rows: { id: string; outcome: { execution: Simulation['execution']; filledQuantity: number } }[] = await db.query(
      `SELECT id, outcome FROM routing_decisions WHERE id = ANY($1::uuid[])`,
      [sims.map((s) => s.id)],
    );
    expect(rows).toHaveLength(sims.length);
    for (const r of rows) {
      const s = sims.find((x) => x.id === r.id) as Simulation;
      expect(r.outcome.execution).toEqual(s.execution);
      expect(r.outcome.filledQuantity).toBe(s.filledQuantity);
    }
  });

  it('prices at the paper book’s mid as it moves: a new stored bar is the next order’s arrival mid', async () => {
    await storeBar('2024-07-10T15:02:00Z', 190.25);
    const s = await simulate(order({ seed: 7, allowDark: false }));
    expect(s.arrivalMid).toBe(190.25);
    const lit = s.rounds[0].children;
    expect(lit.every((c) => c.phase === 'lit')).toBe(true);
    // Buy limits sit at the mid plus the venue book's half spread and levels.
    for (const c of lit) expect(c.limitPrice).toBeGreaterThan(190.25);
    const f = await paperFills(lit.filter((c) => c.filled > 0).map((c) => c.clientOrderId as string));
    expect(f.length).toBeGreaterThan(0);
    for (const x of f) expect(Number(x.price)).toBeGreaterThan(190.25);
  });
});
