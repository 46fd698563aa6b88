import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestKey } from './support/market-data-keys';
import { startTestApp, type TestApp } from './support/test-app';

interface Stats {
  key?: string;
  count: number;
  meanBps: number;
  totalCost: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Post-trade slippage against the arrival price, from the fills the OMS stored. */
describe('GET /api/v1/slippage', () => {
  let t: TestApp;
  let trader: Record<string, string>;
  const symbol = `SLP${randomBytes(3).toString('hex').toUpperCase()}`;
  beforeAll(async () => {
    t = await startTestApp({ PAPER_LATENCY_MS: '0' });
    trader = { authorization: `Bearer ${await createTestKey(t.app.get(DataSource), 'trader')}` };
  });
  afterAll(() => t.close());

  const bar = (i: number, open: number, close: number) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/market-data/bars',
      headers: trader,
      payload: { symbol, timeframe: '1m', rows: [{ ts: new Date(Date.parse('2024-07-10T14:00:00Z') + i * 60_000).toISOString(), open, high: Math.max(open, close) + 1, low: Math.min(open, close) - 1, close, volume: 1_000_000 }] },
    });
  const order = (side: 'buy' | 'sell', n: number) =>
    t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: trader, payload: { clientOrderId: `slp-${symbol}-${n}`, symbol, side, type: 'market', quantity: '10', timeInForce: 'gtc' } });

  it('measures each fill against its order arrival price, positive as a cost on both sides', async () => {
    const empty = await t.app.inject({ method: 'GET', url: '/api/v1/slippage', headers: trader });
    expect(empty.json()).toMatchObject({ fills: 0, overall: null, bySymbol: [] });

    const db = t.app.get(DataSource);
    const fillCount = async (n: number): Promise<void> => {
      for (let k = 0; k < 100; k++) {
        const [{ c }] = await db.query<{ c: number }[]>(`SELECT count(*)::int AS c FROM fills WHERE symbol = $1`, [symbol]);
        if (c >= n) return;
        await sleep(50);
      }
    };
    expect((await bar(0, 100, 100)).statusCode).toBe(201);
    expect((await order('buy', 1)).statusCode).toBe(201); // arrival: the mark, the close 100
    expect((await bar(1, 101, 103)).statusCode).toBe(201); // fills at 101 + slippage
    await fillCount(1);
    // The mark is now the buy's fill price (newer than any stored bar): the sell's arrival.
    expect((await order('sell', 2)).statusCode).toBe(201);
    expect((await bar(2, 100, 100)).statusCode).toBe(201); // fills near 100: sold below arrival
    await fillCount(2);
    const rows = await db.query<{ side: string; price: string; arrival: string }[]>(
      `SELECT f.side, f.price::text AS price, o.arrival_price::text AS arrival FROM fills f JOIN orders o ON o.id = f.order_id WHERE f.symbol = $1 ORDER BY f.at`,
      [symbol],
    );
    expect(rows.map((r) => r.side)).toEqual(['buy', 'sell']);
    expect(rows[0].arrival).toBe('100');
    expect(rows[1].arrival).toBe(rows[0].price);
    // By hand: s·(fill − arrival)/arrival·1e4 with s = +1 buy, −1 sell.
    const bps = rows.map((r) => (r.side === 'buy' ? 1 : -1) * ((Number(r.price) - Number(r.arrival)) / Number(r.arrival)) * 1e4);
    expect(bps.every((b) => b > 0)).toBe(true);

    const res = await t.app.inject({ method: 'GET', url: '/api/v1/slippage', headers: trader });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ fills: number; truncated: boolean; overall: Stats; bySymbol: Stats[]; byVenue: Stats[] }>();
    expect(body).toMatchObject({ fills: 2, truncated: false });
    expect(body.overall.count).toBe(2);
    expect(body.overall.meanBps).toBeCloseTo((bps[0] + bps[1]) / 2, 9);
    expect(body.bySymbol).toEqual([expect.objectContaining({ key: symbol, count: 2 })]);
    expect(body.byVenue.reduce((s, v) => s + v.count, 0)).toBe(2);
    expect(Number(body.overall.totalCost)).toBeGreaterThan(0);

    // The same fills on /metrics (issue 8's execution quality): the histogram and the currency sum per symbol.
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const value = (re: RegExp): number => Number(re.exec(metrics)?.[1] ?? NaN);
    expect(value(new RegExp(`^slippage_bps_count\\{symbol="${symbol}"\\} (\\S+)$`, 'm'))).toBe(2);
    expect(value(new RegExp(`^slippage_bps_sum\\{symbol="${symbol}"\\} (\\S+)$`, 'm'))).toBeCloseTo(bps[0] + bps[1], 6);
    expect(value(new RegExp(`^implementation_shortfall_usd\\{symbol="${symbol}"\\} (\\S+)$`, 'm'))).toBeCloseTo(Number(body.overall.totalCost), 6);

    expect((await t.app.inject({ method: 'GET', url: '/api/v1/slippage?from=yesterday', headers: trader })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/slippage' })).statusCode).toBe(401);
  });
});
