import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { redisConnectionOptions } from '../src/queues/redis-connection';
import { OrderFlowStore } from '../src/risk/order-flow.store';
import { RiskStateService } from '../src/risk/risk-state.service';
import { BrokerRegistry } from '../src/trading/brokers/broker.registry';
import { SpecBroker } from './support/spec-broker';
import { startIsolatedTestApp, startTestApp, type TestApp } from './support/test-app';

/**
 * The order-rate throttle and the duplicate-order window hold across processes (issue 6): two
 * QuantDesk instances on one database and Redis prefix together admit at most
 * maxOrdersPerMinute orders of an account, and a duplicate sent to the other instance is
 * denied. With Redis unreachable the gate still works from process memory and says so.
 */
const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

describe('order flow limits across two processes', () => {
  let one: TestApp;
  let two: TestApp;
  const brokers: SpecBroker[] = [];
  const run = randomUUID().slice(0, 8);
  let trader = '';
  let admin = '';
  let accountId = '';
  let n = 0;

  const withSpecBroker = (t: TestApp, idPrefix: string): void =>
    t.app.get(BrokerRegistry).register('spec', () => {
      const b = new SpecBroker(idPrefix);
      brokers.push(b);
      return b;
    });
  const order = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    clientOrderId: `flow-${run}-${++n}`,
    symbol: 'FLOW',
    side: 'buy',
    type: 'market',
    quantity: '1',
    timeInForce: 'day',
    ...over,
  });
  const post = (t: TestApp, body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: bearer(trader), payload: body });
  const submits = (): number => brokers.reduce((s, b) => s + b.calls.submit, 0);
  const setLimits = async (limits: Record<string, unknown>): Promise<void> => {
    const res = await one.app.inject({ method: 'PUT', url: '/api/v1/admin/risk/limits', headers: bearer(admin), payload: { accountId, ...limits } });
    expect(res.statusCode).toBe(200);
    // The other process hears of it by NOTIFY; read it now rather than wait.
    await two.app.get(RiskStateService).refresh();
    expect(two.app.get(RiskStateService).scopeLimits(accountId)).toEqual(limits);
  };

  beforeAll(async () => {
    one = await startIsolatedTestApp('risk-flow', { QUANTDESK_BROKER: 'spec', PAPER_STARTING_CASH: '100000' });
    two = await startTestApp({ QUANTDESK_BROKER: 'spec', PAPER_STARTING_CASH: '100000', DATABASE_URL: one.config.databaseUrl, REDIS_PREFIX: one.config.redisPrefix });
    withSpecBroker(one, 'one-');
    withSpecBroker(two, 'two-');
    const keys = one.app.get(ApiKeysService);
    trader = (await keys.create({ name: 'flow trader', role: 'trader', account: `flow-${run}` })).key;
    admin = (await keys.create({ name: 'flow admin', role: 'admin', account: `flow-ops-${run}` })).key;
    [{ id: accountId }] = await one.app.get(DataSource).query<{ id: string }[]>(`SELECT id FROM accounts WHERE name = $1`, [`flow-${run}`]);
    // Both stores connected to Redis before the first order.
    for (let i = 0; i < 100; i++) {
      if ([one, two].every((t) => t.app.get(OrderFlowStore).redisStatus === 'ready')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  it('maxOrdersPerMinute counts the orders of both processes together', async () => {
    await setLimits({ maxOrdersPerMinute: 3 });
    const answers: number[] = [];
    for (const t of [one, two, one, two, two]) answers.push((await post(t, order())).statusCode);
    expect(answers).toEqual([201, 201, 201, 422, 422]);
    expect(submits()).toBe(3);
    const denied = await post(one, order());
    expect(denied.json()).toMatchObject({ error: 'PRE_TRADE_DENIED', details: { reason: 'ORDER_RATE', limit: 3 } });
    expect(one.app.get(OrderFlowStore).shared).toBe(true);
    expect(two.app.get(OrderFlowStore).shared).toBe(true);
    // The count lives in Redis under the app's prefix.
    const redis = new Redis(redisConnectionOptions(one.config));
    try {
      expect(await redis.zcard(`${one.config.redisPrefix}:risk:flow:rate:${accountId}`)).toBe(3);
    } finally {
      redis.disconnect();
    }
  });

  it('a duplicate sent to the other process within the window is denied; a denied order does not use the window', async () => {
    await setLimits({ duplicateWindowSeconds: 30 });
    const before = submits();
    const body = { type: 'limit', limitPrice: '99', timeInForce: 'gtc', quantity: '7' };
    expect((await post(one, order(body))).statusCode).toBe(201);
    const dup = await post(two, order(body));
    expect(dup.statusCode).toBe(422);
    expect(dup.json()).toMatchObject({ details: { reason: 'DUPLICATE_ORDER', limit: 30 } });
    expect((await post(two, order({ ...body, limitPrice: '98' }))).statusCode).toBe(201);
    expect(submits()).toBe(before + 2);

    await setLimits({ duplicateWindowSeconds: 30, maxOpenOrders: 2 });
    const third = { ...body, limitPrice: '97' };
    // Two orders are open (99 and 98): MAX_OPEN_ORDERS denies after the window was reserved, and
    // takes the reservation back, so the same order is not a duplicate once the limit allows it.
    const refused = await post(one, order(third));
    expect(refused.json()).toMatchObject({ details: { reason: 'MAX_OPEN_ORDERS' } });
    await setLimits({ duplicateWindowSeconds: 30 });
    // The release is sent off the request path: give it its round trip.
    await new Promise((r) => setTimeout(r, 100));
    expect((await post(two, order(third))).statusCode).toBe(201);
  });
});

describe('order flow limits with Redis unreachable', () => {
  it('fall back to process memory, with a warning, and still deny past the limit', async () => {
    const warnings: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
    const run = randomUUID().slice(0, 8);
    const base = await startIsolatedTestApp('risk-flow-down', { QUANTDESK_BROKER: 'spec', PAPER_STARTING_CASH: '100000' });
    let t: TestApp | null = null;
    try {
      t = await startTestApp({
        QUANTDESK_ROLE: 'api',
        QUANTDESK_BROKER: 'spec',
        PAPER_STARTING_CASH: '100000',
        DATABASE_URL: base.config.databaseUrl,
        REDIS_URL: 'redis://127.0.0.1:1/0',
        REDIS_PREFIX: `flowdown_${run}`,
      });
      const app = t;
      let submitted = 0;
      app.app.get(BrokerRegistry).register('spec', () => {
        const b = new SpecBroker();
        const submit = b.submit.bind(b);
        b.submit = async (...args: Parameters<SpecBroker['submit']>) => {
          submitted++;
          return submit(...args);
        };
        return b;
      });
      const keys = app.app.get(ApiKeysService);
      const trader = (await keys.create({ name: 'down trader', role: 'trader', account: `down-${run}` })).key;
      const admin = (await keys.create({ name: 'down admin', role: 'admin', account: `down-ops-${run}` })).key;
      const [{ id }] = await app.app.get(DataSource).query<{ id: string }[]>(`SELECT id FROM accounts WHERE name = $1`, [`down-${run}`]);
      const limits = await app.app.inject({ method: 'PUT', url: '/api/v1/admin/risk/limits', headers: bearer(admin), payload: { accountId: id, maxOrdersPerMinute: 2 } });
      expect(limits.statusCode).toBe(200);
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await app.app.inject({
          method: 'POST',
          url: '/api/v1/orders',
          headers: bearer(trader),
          payload: { clientOrderId: `down-${run}-${i}`, symbol: 'DOWN', side: 'buy', type: 'market', quantity: '1', timeInForce: 'day' },
        });
        codes.push(res.statusCode);
        if (i === 2) expect(res.json()).toMatchObject({ details: { reason: 'ORDER_RATE' } });
      }
      expect(codes).toEqual([201, 201, 422]);
      expect(submitted).toBe(2);
      expect(app.app.get(OrderFlowStore).shared).toBe(false);
      expect(warnings.filter((w) => w.startsWith('Order-rate and duplicate-order checks fall back to this process'))).toHaveLength(1);
    } finally {
      spy.mockRestore();
      await t?.close();
      await base.close();
    }
  });
});
