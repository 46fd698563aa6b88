import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { runMigrations } from '../src/database/data-source.factory';
import { BrokerRegistry } from '../src/trading/brokers/broker.registry';
import { scratchDatabase } from './support/scratch-database';
import { SpecBroker } from './support/spec-broker';
import { startIsolatedTestApp, startTestApp, type TestApp } from './support/test-app';

/**
 * The kill switch (issue 6): firm-wide HALTED committed before the answer, every running parent
 * order and every open order cancelled, positions flattened on request, and no new order accepted
 * after the answer, also for orders racing it; and all of it with Redis unreachable (the kill
 * switch goes through no queue).
 */
const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

interface World {
  t: TestApp;
  db: DataSource;
  brokers: SpecBroker[];
  traderA: string;
  traderB: string;
  admin: string;
  accountA: string;
}

async function world(t: TestApp, run: string): Promise<World> {
  const brokers: SpecBroker[] = [];
  t.app.get(BrokerRegistry).register('spec', () => {
    const b = new SpecBroker();
    brokers.push(b);
    return b;
  });
  const svc = t.app.get(ApiKeysService);
  const traderA = (await svc.create({ name: 'a', role: 'trader', account: `ks-a-${run}` })).key;
  const traderB = (await svc.create({ name: 'b', role: 'trader', account: `ks-b-${run}` })).key;
  const admin = (await svc.create({ name: 'ops', role: 'admin', account: `ks-ops-${run}` })).key;
  const db = t.app.get(DataSource);
  const [{ id }] = await db.query<{ id: string }[]>(`SELECT id FROM accounts WHERE name = $1`, [`ks-a-${run}`]);
  return { t, db, brokers, traderA, traderB, admin, accountA: id };
}

function helpers(w: World) {
  let n = 0;
  const order = (symbol: string, over: Record<string, unknown> = {}): Record<string, unknown> => ({
    clientOrderId: `${symbol.toLowerCase()}-${++n}-${randomUUID().slice(0, 6)}`,
    symbol,
    side: 'buy',
    type: 'limit',
    limitPrice: '10',
    quantity: '10',
    timeInForce: 'gtc',
    ...over,
  });
  const post = (body: Record<string, unknown>, key: string) => w.t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: bearer(key), payload: body });
  const kill = (payload: Record<string, unknown>, key = w.admin) => w.t.app.inject({ method: 'POST', url: '/api/v1/admin/kill-switch', headers: bearer(key), payload });
  const openOrders = async (): Promise<number> =>
    (await w.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM orders WHERE status IN ('new', 'accepted', 'partially_filled')`))[0].n;
  return { order, post, kill, openOrders };
}

describe('kill switch', () => {
  let w: World;
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    w = await world(await startIsolatedTestApp('risk-kill', { QUANTDESK_BROKER: 'spec', PAPER_STARTING_CASH: '100000' }), run);
  });
  afterAll(() => w.t.close());

  it('halts, cancels parents and open orders, flattens, and refuses every later order', async () => {
    const { order, post, kill, openOrders } = helpers(w);
    expect((await post(order('FILLK', { type: 'market', limitPrice: undefined, timeInForce: 'day' }), w.traderA)).json()).toMatchObject({ status: 'filled' });
    for (const key of [w.traderA, w.traderA, w.traderB]) expect((await post(order('WORK'), key)).statusCode).toBe(201);
    const parent = await w.t.app.inject({
      method: 'POST',
      url: '/api/v1/executions',
      headers: bearer(w.traderA),
      payload: { algo: 'twap', symbol: 'TWAPK', side: 'buy', quantity: '600', params: { durationSeconds: 3600, intervalSeconds: 600, lotSize: 100, arrivalPrice: '50' } },
    });
    expect(parent.statusCode).toBe(202);
    const parentId = parent.json<{ id: string }>().id;
    // The first slice goes out at once.
    for (let i = 0; i < 100 && (await openOrders()) < 4; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await openOrders()).toBe(4);

    // Orders racing the kill switch (slow broker, so some are past the gate and not yet acknowledged).
    for (const b of w.brokers) b.submitDelayMs = 20;
    const racing = Array.from({ length: 20 }, (_, i) => post(order('RACE', { quantity: String(i + 1) }), i % 2 ? w.traderA : w.traderB));
    const res = await kill({ reason: 'spec: stop everything', flatten: true });
    for (const b of w.brokers) b.submitDelayMs = 0;
    expect(res.statusCode).toBe(200);
    const body = res.json<{ mode: string; previousMode: string; cancelledParents: string[]; cancelledOrders: string[]; flattenOrders: { symbol: string; side: string; quantity: string; status: string }[] }>();
    expect(body).toMatchObject({ mode: 'HALTED', previousMode: 'NORMAL', cancelledParents: [parentId] });
    expect(body.flattenOrders).toEqual([expect.objectContaining({ symbol: 'FILLK', side: 'sell', quantity: '10', status: 'filled' })]);

    // Committed before the answer.
    const [state] = await w.db.query<{ mode: string }[]>(`SELECT mode FROM risk_state WHERE scope = 'firm'`);
    expect(state.mode).toBe('HALTED');
    expect(await openOrders()).toBe(0);
    const [p] = await w.db.query<{ status: string }[]>(`SELECT status FROM parent_orders WHERE id = $1`, [parentId]);
    expect(p.status).toBe('cancelled');
    const [pos] = await w.db.query<{ quantity: string }[]>(`SELECT quantity::text AS quantity FROM positions WHERE account_id = $1 AND symbol = 'FILLK'`, [w.accountA]);
    expect(Number(pos.quantity)).toBe(0);
    const audit = await w.db.query<{ kind: string; reason: string }[]>(`SELECT kind, reason FROM risk_audit ORDER BY id`);
    expect(audit).toEqual([
      { kind: 'mode', reason: 'kill switch: spec: stop everything' },
      { kind: 'kill_switch', reason: 'spec: stop everything' },
    ]);

    // The racing requests each ended one way or the other; none left an order working.
    const outcomes = await Promise.all(racing);
    expect(outcomes.every((r) => r.statusCode === 201 || r.statusCode === 422)).toBe(true);
    expect(await openOrders()).toBe(0);

    // After the answer, nothing new goes out, for any account, of any kind.
    const submitsBefore = w.brokers.reduce((s, b) => s + b.calls.submit, 0);
    for (const [key, body2] of [
      [w.traderA, order('AFTER')],
      [w.traderB, order('AFTER', { side: 'sell' })],
      [w.traderA, order('FILLK', { type: 'market', limitPrice: undefined, timeInForce: 'day', side: 'sell' })],
    ] as const) {
      const r = await post(body2, key);
      expect(r.statusCode).toBe(422);
      expect(r.json()).toMatchObject({ error: 'PRE_TRADE_DENIED', details: { reason: 'RISK_MODE' } });
    }
    expect(w.brokers.reduce((s, b) => s + b.calls.submit, 0)).toBe(submitsBefore);

    // The mode as a gauge (issue 8): HALTED is 3.
    const firmMode = async (): Promise<string | undefined> =>
      /^risk_mode\{scope="firm"\} (\S+)$/m.exec((await w.t.app.inject({ method: 'GET', url: '/metrics' })).body)?.[1];
    expect(await firmMode()).toBe('3');

    // Leaving HALTED is an admin's decision.
    const normal = await w.t.app.inject({ method: 'PUT', url: '/api/v1/admin/risk/mode', headers: bearer(w.admin), payload: { mode: 'NORMAL', reason: 'all clear' } });
    expect(normal.json()).toMatchObject({ mode: 'NORMAL', previousMode: 'HALTED', changed: true });
    expect(await firmMode()).toBe('0');
    expect((await post(order('AFTER'), w.traderA)).statusCode).toBe(201);
  });
});

describe('another process', () => {
  it('refuses orders as soon as the kill switch answered in this one (LISTEN/NOTIFY, not the periodic re-read)', async () => {
    const run = randomUUID().slice(0, 8);
    // Re-reads an hour apart: only the notification can tell the second process in time.
    const one = await startIsolatedTestApp('risk-notify', { QUANTDESK_BROKER: 'spec', PAPER_STARTING_CASH: '100000', RISK_STATE_REFRESH_MS: '3600000' });
    const two = await startTestApp({
      QUANTDESK_ROLE: 'api',
      QUANTDESK_BROKER: 'spec',
      PAPER_STARTING_CASH: '100000',
      RISK_STATE_REFRESH_MS: '3600000',
      DATABASE_URL: one.config.databaseUrl,
      REDIS_PREFIX: one.config.redisPrefix,
    });
    try {
      const w = await world(one, run);
      const w2: World = { ...w, t: two, brokers: [] };
      two.app.get(BrokerRegistry).register('spec', () => {
        const b = new SpecBroker();
        w2.brokers.push(b);
        return b;
      });
      const h2 = helpers(w2);
      expect((await h2.post(h2.order('TWO'), w.traderB)).statusCode).toBe(201);
      expect((await helpers(w).kill({ reason: 'from process one' })).statusCode).toBe(200);
      let code = 0;
      const started = Date.now();
      for (let i = 0; i < 40; i++) {
        const r = await h2.post(h2.order('TWO'), w.traderB);
        code = r.statusCode;
        if (code === 422) {
          expect(r.json()).toMatchObject({ details: { reason: 'RISK_MODE' } });
          break;
        }
        await new Promise((res) => setTimeout(res, 25));
      }
      expect(code).toBe(422);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await two.close();
      await one.close();
    }
  });
});

describe('kill switch with Redis unreachable', () => {
  let w: World;
  let drop: () => Promise<void>;
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    const db = await scratchDatabase('risk_kill_noredis');
    drop = db.drop;
    await runMigrations({ databaseUrl: db.url });
    // Nothing listens on this port: every queue call fails or waits.
    const t = await startTestApp({ QUANTDESK_ROLE: 'api', QUANTDESK_BROKER: 'spec', PAPER_STARTING_CASH: '100000', DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:1/0', REDIS_PREFIX: `noredis_${run}` });
    w = await world(t, run);
  });
  afterAll(async () => {
    await w.t.close();
    await drop();
  });

  it('halts and cancels without a queue, and no order is accepted afterwards', async () => {
    const { order, post, kill, openOrders } = helpers(w);
    expect((await post(order('WORK'), w.traderA)).statusCode).toBe(201);
    expect((await post(order('WORK'), w.traderB)).statusCode).toBe(201);
    const started = Date.now();
    const res = await kill({ reason: 'redis is down' });
    expect(res.statusCode).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.json<{ cancelledOrders: string[] }>().cancelledOrders).toHaveLength(2);
    expect(await openOrders()).toBe(0);
    const r = await post(order('AFTER'), w.traderB);
    expect(r.statusCode).toBe(422);
    expect(r.json()).toMatchObject({ details: { reason: 'RISK_MODE' } });
  });
});
