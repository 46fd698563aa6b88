import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestKey } from './support/market-data-keys';
import { startTestApp, type TestApp } from './support/test-app';

interface Order {
  id: string;
  type: string;
  limitPrice: string | null;
  status: string;
  averageFillPrice: string | null;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** PROTECTIVE_LIMIT_BPS: a market order goes out as a limit at most that far through its arrival price. */
describe('protective limit prices for market orders', () => {
  let t: TestApp;
  let trader: Record<string, string>;
  const symbol = `PRT${randomBytes(3).toString('hex').toUpperCase()}`;
  beforeAll(async () => {
    t = await startTestApp({ PAPER_LATENCY_MS: '0', PROTECTIVE_LIMIT_BPS: '50', PROTECTIVE_LIMIT_TICK: '0.01', PAPER_SLIPPAGE_BPS: '0' });
    trader = { authorization: `Bearer ${await createTestKey(t.app.get(DataSource), 'trader')}` };
  });
  afterAll(() => t.close());

  const bar = (i: number, open: number, low: number, high: number) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/market-data/bars',
      headers: trader,
      payload: { symbol, timeframe: '1m', rows: [{ ts: new Date(Date.parse('2024-07-10T14:00:00Z') + i * 60_000).toISOString(), open, high, low, close: open, volume: 1_000_000 }] },
    });
  const get = async (id: string): Promise<Order> => (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${id}`, headers: trader })).json<Order>();

  it('sends a market buy as a limit 50 bps above the mark, which does not fill through it', async () => {
    expect((await bar(0, 100, 99.5, 100.5)).statusCode).toBe(201);
    const body = { clientOrderId: `prt-${symbol}`, symbol, side: 'buy', type: 'market', quantity: '10', timeInForce: 'gtc' };
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: trader, payload: body });
    expect(res.statusCode).toBe(201);
    const order = res.json<Order>();
    // 100 · (1 + 50 / 10,000) = 100.5, on the 0.01 grid.
    expect(order).toMatchObject({ type: 'limit', limitPrice: '100.5' });
    // The client's request is what makes it a repeat, not what was sent.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: trader, payload: body })).statusCode).toBe(200);

    // A gap up beyond the protection: no fill.
    expect((await bar(1, 102, 101, 103)).statusCode).toBe(201);
    await sleep(200);
    expect((await get(order.id)).status).toBe('accepted');
    // Back inside it: filled at no worse than the limit.
    expect((await bar(2, 100.2, 99.8, 100.6)).statusCode).toBe(201);
    let now = await get(order.id);
    for (let k = 0; k < 50 && now.status !== 'filled'; k++) {
      await sleep(50);
      now = await get(order.id);
    }
    expect(now.status).toBe('filled');
    expect(Number(now.averageFillPrice)).toBeLessThanOrEqual(100.5);
  });
});
