import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestKey } from './support/market-data-keys';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

interface Execution {
  status: string;
  slices: { status: string; childClientOrderId: string }[];
  quality: { fillRate: number; implementationShortfallBps: number | null; vwapSlippageBps: number | null } | null;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A TWAP parent in the real app: its children go through the order management system (stored
 * once each, with the parent's id) to the paper broker, fill on the next bars, and the fills come
 * back to the parent, which completes with its execution quality.
 */
describe('execution algorithms through the order management system and the paper broker', () => {
  let t: TestApp;
  let trader: Record<string, string>;
  const symbol = `EXO${randomBytes(3).toString('hex').toUpperCase()}`;
  beforeAll(async () => {
    t = await startIsolatedTestApp('execoms', { PAPER_LATENCY_MS: '0' });
    trader = { authorization: `Bearer ${await createTestKey(t.app.get(DataSource), 'trader')}` };
  });
  afterAll(() => t.close());

  const bar = (i: number, price: number) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/market-data/bars',
      headers: trader,
      payload: { symbol, timeframe: '1m', rows: [{ ts: new Date(Date.now() + i).toISOString(), open: price, high: price + 1, low: price - 1, close: price, volume: 1_000_000 }] },
    });

  it('sends each child once through the OMS, and the children fills complete the parent', async () => {
    expect((await bar(0, 50)).statusCode).toBe(201);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/executions',
      headers: trader,
      payload: { algo: 'twap', symbol, side: 'buy', quantity: '300', params: { durationSeconds: 1.5, intervalSeconds: 0.5, lotSize: 100, arrivalPrice: '50' } },
    });
    expect(created.statusCode).toBe(202);
    const { id } = created.json<{ id: string }>();
    const read = async (): Promise<Execution> => (await t.app.inject({ method: 'GET', url: `/api/v1/executions/${id}`, headers: trader })).json<Execution>();

    // Each child reaches the OMS once, as a market order naming its parent; a new bar fills it.
    const db = t.app.get(DataSource);
    let i = 1;
    const deadline = Date.now() + 30_000;
    let e = await read();
    while (e.status !== 'completed' && Date.now() < deadline) {
      await sleep(300);
      expect((await bar(i++, 50 + i / 10)).statusCode).toBe(201);
      e = await read();
    }
    expect(e.status).toBe('completed');
    const children = await db.query<{ client_order_id: string; parent_order_id: string; status: string; filled_quantity: string }[]>(
      `SELECT client_order_id, parent_order_id, status, filled_quantity::text FROM orders WHERE symbol = $1 ORDER BY client_order_id`,
      [symbol],
    );
    expect(children.map((c) => c.client_order_id)).toEqual([0, 1, 2].map((k) => `${id}-${k}`));
    expect(children.every((c) => c.parent_order_id === id && c.status === 'filled' && c.filled_quantity === '100')).toBe(true);
    expect(e.quality?.fillRate).toBe(1);
    // Bought above the 50 arrival price: a positive shortfall (a cost).
    expect(e.quality?.implementationShortfallBps).toBeGreaterThan(0);

    // Issue 8: the fill rate of the children and the parent's execution quality on /metrics,
    // observed once each end has committed (the parent's just after the GET above could see it).
    const sample = (body: string, series: string): number => {
      const line = body.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? NaN : Number(line.slice(series.length + 1));
    };
    let metrics = '';
    for (let k = 0; k < 50; k++) {
      metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
      if (sample(metrics, 'execution_fill_ratio_count{algo="twap"}') >= 1) break;
      await sleep(100);
    }
    expect(sample(metrics, `order_fill_ratio_count{symbol="${symbol}"}`)).toBe(3);
    expect(sample(metrics, `order_fill_ratio_sum{symbol="${symbol}"}`)).toBe(3);
    expect(sample(metrics, 'orders_closed_total{status="filled"}')).toBeGreaterThanOrEqual(3);
    expect(sample(metrics, 'execution_fill_ratio_count{algo="twap"}')).toBe(1);
    expect(sample(metrics, 'execution_fill_ratio_sum{algo="twap"}')).toBe(1);
    expect(sample(metrics, 'execution_vwap_slippage_bps_count{algo="twap"}')).toBe(1);
    expect(sample(metrics, 'execution_vwap_slippage_bps_sum{algo="twap"}')).toBeCloseTo(e.quality?.vwapSlippageBps as number, 9);
  }, 60_000);

  it('POV participates in the volume of the bars stored for its symbol and bar timeframe', async () => {
    const pov = `POV${randomBytes(3).toString('hex').toUpperCase()}`;
    const store = (timeframe: string, ts: string, volume: number) =>
      t.app.inject({ method: 'POST', url: '/api/v1/market-data/bars', headers: trader, payload: { symbol: pov, timeframe, rows: [{ ts, open: 20, high: 21, low: 19, close: 20, volume }] } });
    expect((await store('1m', new Date(Date.now() - 120_000).toISOString(), 1)).statusCode).toBe(201);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/executions',
      headers: trader,
      payload: { algo: 'pov', symbol: pov, side: 'buy', quantity: '30', params: { durationSeconds: 30, intervalSeconds: 0.3, participation: 0.1, minChildQuantity: 5, arrivalPrice: '20' } },
    });
    expect(created.statusCode).toBe(202);
    const { id } = created.json<{ id: string }>();
    const db = t.app.get(DataSource);
    const children = async (): Promise<string[]> =>
      (await db.query<{ quantity: string }[]>(`SELECT quantity::text FROM orders WHERE parent_order_id = $1 ORDER BY created_at`, [id])).map((r) => r.quantity);

    // A 1h bar is not the parent's timeframe (1m): it adds nothing.
    expect((await store('1h', new Date(Date.now() + 500).toISOString(), 100_000)).statusCode).toBe(201);
    await sleep(1000);
    expect(await children()).toEqual([]);
    // A 1m bar of 100 shares: 10% is a child of 10.
    expect((await store('1m', new Date(Date.now() + 500).toISOString(), 100)).statusCode).toBe(201);
    const deadline = Date.now() + 15_000;
    while ((await children()).length === 0 && Date.now() < deadline) await sleep(100);
    expect(await children()).toEqual(['10']);
    await t.app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel`, headers: trader });
  }, 60_000);
});
