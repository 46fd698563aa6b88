import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestKey } from './support/market-data-keys';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

interface Deployment {
  id: string;
  status: string;
  mode: string;
  sizer: string;
  lastBarTime: string | null;
  orders?: { clientOrderId: string; side: string; quantity: string; status: string; orderId: string | null; target: number }[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A deployment end to end in the real app: bars in, the same sma-cross code the backtester runs,
 * a market order through the order management system to the paper broker, filled on the next
 * bar, and the control routes.
 */
describe('deployments API (paper, end to end)', () => {
  let t: TestApp;
  let trader: Record<string, string>;
  let viewer: Record<string, string>;
  const symbol = `DPL${randomBytes(3).toString('hex').toUpperCase()}`;

  const bars = (rows: { ts: string; open: number; close: number }[]) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/market-data/bars',
      headers: trader,
      payload: { symbol, timeframe: '1m', rows: rows.map((r) => ({ ...r, high: Math.max(r.open, r.close) + 0.5, low: Math.min(r.open, r.close) - 0.5, volume: 1_000_000 })) },
    });
  const get = (url: string, headers = trader) => t.app.inject({ method: 'GET', url, headers });
  const post = (url: string, payload: object = {}, headers = trader) => t.app.inject({ method: 'POST', url, headers, payload });

  async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await read();
      if (ok(v)) return v;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await sleep(100);
    }
  }

  beforeAll(async () => {
    t = await startIsolatedTestApp('deployapi', { PAPER_LATENCY_MS: '0', DEPLOYMENT_TICK_MS: '200' });
    const db = t.app.get(DataSource);
    trader = { authorization: `Bearer ${await createTestKey(db, 'trader')}` };
    viewer = { authorization: `Bearer ${await createTestKey(db, 'viewer')}` };
  });
  afterAll(() => t.close());

  it('refuses bad requests naming the field, and viewers', async () => {
    expect((await post('/api/v1/deployments', { strategy: 'sma-cross', symbols: [symbol] }, viewer)).statusCode).toBe(403);
    const unknown = await post('/api/v1/deployments', { strategy: 'no-such', symbols: [symbol] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details.issues[0].field).toBe('strategy');
    const badParam = await post('/api/v1/deployments', { strategy: 'sma-cross', params: { fast: 50, slow: 10 }, symbols: [symbol] });
    expect(badParam.statusCode).toBe(400);
    expect(badParam.json().details.issues[0].field).toMatch(/^params\./);
    const live = await post('/api/v1/deployments', { strategy: 'sma-cross', symbols: [symbol], mode: 'live' });
    expect(live.statusCode).toBe(400);
    expect(live.json().details.issues).toEqual([expect.objectContaining({ field: 'mode' })]);
    expect((await post('/api/v1/deployments', { strategy: 'sma-cross', symbols: [symbol], capital: -1 })).statusCode).toBe(400);
    expect((await post('/api/v1/deployments', { strategy: 'sma-cross', symbols: [symbol], extra: 1 })).statusCode).toBe(400);
    const sizer = await post('/api/v1/deployments', { strategy: 'sma-cross', symbols: [symbol], sizer: 'martingale' });
    expect(sizer.json().details.issues[0].field).toBe('sizer');
    const sizerParam = await post('/api/v1/deployments', { strategy: 'sma-cross', symbols: [symbol], sizer: 'volatility-target', sizerParams: { targetVolatility: -1 } });
    expect(sizerParam.statusCode).toBe(400);
    expect(sizerParam.json().details.issues[0].field).toBe('sizerParams.targetVolatility');
  });

  it('trades the strategy on stored bars through the order management system and the paper broker', async () => {
    // Rising closes: SMA(2) > SMA(3) from the third bar on: fully long.
    const start = Date.parse('2024-07-10T14:00:00Z');
    const at = (i: number): string => new Date(start + i * 60_000).toISOString();
    expect((await bars([0, 1, 2, 3, 4].map((i) => ({ ts: at(i), open: 100 + i, close: 100 + i })))).statusCode).toBe(201);

    const created = await post('/api/v1/deployments', { strategy: 'sma-cross', params: { fast: 2, slow: 3 }, symbols: [symbol], timeframe: '1m', capital: 10_400 });
    expect(created.statusCode).toBe(201);
    const dep = created.json<Deployment>();
    expect(dep).toMatchObject({ status: 'running', mode: 'paper', sizer: 'equity-fraction' });

    // The tick acts on the newest bar: 1 × 10,400 / 104 = 100 shares, a market order.
    const decided = await until(
      'the first order',
      async () => (await get(`/api/v1/deployments/${dep.id}`)).json<Deployment>(),
      (d) => (d.orders ?? []).some((o) => o.status === 'submitted'),
    );
    const order = decided.orders![0];
    expect(order).toMatchObject({ side: 'buy', quantity: '100', target: 1 });
    expect(decided.lastBarTime).toBe(at(4));

    // The order is in the OMS under the deployment's client order id, once.
    const listed = (await get(`/api/v1/orders?symbol=${symbol}`)).json<{ data: { id: string; clientOrderId: string; status: string }[] }>().data;
    expect(listed.map((o) => o.clientOrderId)).toEqual([order.clientOrderId]);

    // The paper broker fills a market order at the next bar's open; at that bar the target is
    // still fully long, re-sized at the new close (10,400 / 106 = 98.1 -> 98): it sells the 2
    // above target, as the backtester holds a constant fraction.
    expect((await bars([{ ts: at(5), open: 105, close: 106 }])).statusCode).toBe(201);
    await until(
      'the fill',
      async () => (await get(`/api/v1/orders/${listed[0].id}`)).json<{ status: string }>(),
      (o) => o.status === 'filled',
    );
    // The position is what was filled: the buy only. The rebalance decided at bar 5's close
    // cannot fill at bar 5 (the paper book counts every bar stored before the order, even one
    // BarsStoredNotifier has not told it of yet), so it waits for the next bar.
    const positions = (await get('/api/v1/positions')).json<{ data?: { symbol: string; quantity: string }[] } | { symbol: string; quantity: string }[]>();
    const rows = Array.isArray(positions) ? positions : (positions.data ?? []);
    const fills = (await get(`/api/v1/fills?symbol=${symbol}`)).json<{ data: { side: string; quantity: string }[] }>().data;
    const filled = fills.reduce((sum, f) => sum + (f.side === 'buy' ? 1 : -1) * Number(f.quantity), 0);
    expect(Number(rows.find((p) => p.symbol === symbol)?.quantity)).toBe(filled);
    expect(filled).toBe(100);
    const after = await until(
      'the decision at the new bar',
      async () => (await get(`/api/v1/deployments/${dep.id}`)).json<Deployment>(),
      (d) => d.lastBarTime === at(5),
    );
    expect(after.orders!.map((o) => [o.side, o.quantity])).toEqual([
      ['sell', '2'],
      ['buy', '100'],
    ]);
    const rebalance = await until(
      'the rebalance in the OMS',
      async () => (await get(`/api/v1/orders?symbol=${symbol}&side=sell`)).json<{ data: { status: string }[] }>().data,
      (d) => d.length === 1,
    );
    expect(rebalance[0].status).toBe('accepted');

    // Pause, resume, stop: allowed moves answer 200, the others 409 naming the status.
    expect((await post(`/api/v1/deployments/${dep.id}/pause`)).json<Deployment>().status).toBe('paused');
    const again = await post(`/api/v1/deployments/${dep.id}/pause`);
    expect(again.statusCode).toBe(409);
    expect(again.json().details).toEqual({ status: 'paused' });
    expect((await post(`/api/v1/deployments/${dep.id}/resume`)).json<Deployment>().status).toBe('running');
    expect((await post(`/api/v1/deployments/${dep.id}/stop`)).json<Deployment>().status).toBe('stopped');
    expect((await post(`/api/v1/deployments/${dep.id}/resume`)).statusCode).toBe(409);

    // Listing: the trader's own; a viewer of another account sees none of them.
    const mine = (await get('/api/v1/deployments')).json<{ items: Deployment[] }>().items;
    expect(mine.map((d) => d.id)).toContain(dep.id);
    expect((await get(`/api/v1/deployments/${dep.id}`, viewer)).statusCode).toBe(404);
    expect((await get('/api/v1/deployments', viewer)).json<{ items: Deployment[] }>().items).toEqual([]);
  });
});
