import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { Decimal } from '../src/common/decimal';
import { accountId as toAccountId, clientOrderId, type AccountId } from '../src/common/typed-ids';
import { BrokerRegistry } from '../src/trading/brokers/broker.registry';
import type { BrokerEvent } from '../src/trading/brokers/broker.types';
import { OrdersService } from '../src/trading/orders/orders.service';
import { ORDER_SUBMISSION, type OrderSubmissionPort } from '../src/trading/orders/order-submission.port';
import { PRE_TRADE_GATE, type PreTradeGate } from '../src/trading/orders/pre-trade-gate';
import { SpecBroker } from './support/spec-broker';
import { startTestApp, type TestApp } from './support/test-app';

interface Order {
  id: string;
  accountId: string;
  clientOrderId: string;
  brokerOrderId: string | null;
  symbol: string;
  side: string;
  type: string;
  status: string;
  quantity: string;
  filledQuantity: string;
  averageFillPrice: string | null;
  limitPrice: string | null;
  replacesOrderId: string | null;
  rejectReason: string | null;
  arrivalPrice: string | null;
  createdAt: string;
}
interface Detail extends Order {
  events: { from: string | null; to: string; reason: string | null }[];
  fills: { fillId: string; quantity: string; price: string; commission: string }[];
}
interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

describe('orders API (OMS over a broker)', () => {
  let t: TestApp;
  let db: DataSource;
  const brokers = new Map<string, SpecBroker>();
  const run = randomUUID().slice(0, 8);
  const keys: Record<'traderA' | 'traderB' | 'viewerA' | 'admin', string> = { traderA: '', traderB: '', viewerA: '', admin: '' };
  let accountA: AccountId;
  let accountB: AccountId;
  let n = 0;
  const coid = (label: string): string => `${label}-${run}-${++n}`;
  const brokerOf = (acct: string): SpecBroker => {
    const b = brokers.get(acct);
    if (!b) throw new Error(`no broker made for ${acct}`);
    return b;
  };

  beforeAll(async () => {
    t = await startTestApp({ QUANTDESK_BROKER: 'spec', QUANTDESK_PAPER_CASH: '100000' });
    t.app.get(BrokerRegistry).register('spec', (acct) => {
      const b = new SpecBroker();
      brokers.set(acct, b);
      return b;
    });
    db = t.app.get(DataSource);
    const svc = t.app.get(ApiKeysService);
    keys.traderA = (await svc.create({ name: 'trader a', role: 'trader', account: `oms-a-${run}` })).key;
    keys.viewerA = (await svc.create({ name: 'viewer a', role: 'viewer', account: `oms-a-${run}` })).key;
    keys.traderB = (await svc.create({ name: 'trader b', role: 'trader', account: `oms-b-${run}` })).key;
    keys.admin = (await svc.create({ name: 'admin', role: 'admin', account: `oms-ops-${run}` })).key;
    const ids = await db.query<{ name: string; id: string }[]>(`SELECT name, id FROM accounts WHERE name = ANY($1)`, [[`oms-a-${run}`, `oms-b-${run}`]]);
    accountA = toAccountId(ids.find((r) => r.name === `oms-a-${run}`)!.id);
    accountB = toAccountId(ids.find((r) => r.name === `oms-b-${run}`)!.id);
  });
  afterAll(() => t.close());

  const post = (body: Record<string, unknown>, key = keys.traderA) => t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: bearer(key), payload: body });
  const get = (url: string, key = keys.traderA) => t.app.inject({ method: 'GET', url, headers: bearer(key) });
  const market = (symbol: string, over: Record<string, unknown> = {}): Record<string, unknown> => ({
    clientOrderId: coid(symbol.toLowerCase()),
    symbol,
    side: 'buy',
    type: 'market',
    quantity: '10',
    timeInForce: 'day',
    ...over,
  });
  const limit = (symbol: string, over: Record<string, unknown> = {}): Record<string, unknown> =>
    market(symbol, { type: 'limit', limitPrice: '50.25', timeInForce: 'gtc', ...over });
  const detail = async (id: string, key = keys.traderA): Promise<Detail> => {
    const res = await get(`/api/v1/orders/${id}`, key);
    expect(res.statusCode).toBe(200);
    return res.json<Detail>();
  };
  const orderRows = async (acct: string, clientId: string): Promise<number> =>
    (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM orders WHERE account_id = $1 AND client_order_id = $2`, [acct, clientId]))[0].n;

  describe('auth', () => {
    const someId = randomUUID();
    it.each([
      ['POST', '/api/v1/orders'],
      ['GET', '/api/v1/orders'],
      ['GET', `/api/v1/orders/${someId}`],
      ['DELETE', `/api/v1/orders/${someId}`],
      ['PATCH', `/api/v1/orders/${someId}`],
      ['GET', '/api/v1/positions'],
      ['GET', '/api/v1/account'],
      ['GET', '/api/v1/account/equity'],
      ['GET', '/api/v1/fills'],
    ] as const)('%s %s: 401 without a key', async (method, url) => {
      expect((await t.app.inject({ method, url })).statusCode).toBe(401);
    });

    it.each([
      ['POST', '/api/v1/orders'],
      ['DELETE', `/api/v1/orders/${someId}`],
      ['PATCH', `/api/v1/orders/${someId}`],
    ] as const)('%s %s: 403 for a viewer key', async (method, url) => {
      const res = await t.app.inject({ method, url, headers: bearer(keys.viewerA), payload: {} });
      expect(res.statusCode).toBe(403);
    });

    it.each(['/api/v1/orders', '/api/v1/positions', '/api/v1/account', '/api/v1/account/equity', '/api/v1/fills'])('GET %s: 200 for viewer and trader keys', async (url) => {
      expect((await get(url, keys.viewerA)).statusCode).toBe(200);
      expect((await get(url, keys.traderA)).statusCode).toBe(200);
    });

    it('a trader may not name another account; an admin may', async () => {
      expect((await get(`/api/v1/orders?accountId=${accountB}`)).statusCode).toBe(403);
      expect((await get(`/api/v1/positions?accountId=${accountB}`)).statusCode).toBe(403);
      expect((await get(`/api/v1/orders?accountId=${accountA}`)).statusCode).toBe(200);
      expect((await get(`/api/v1/account?accountId=${accountB}`, keys.admin)).json()).toMatchObject({ accountId: accountB });
    });
  });

  describe('validation: 400 naming the field', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['limit without limitPrice', { type: 'limit' }, 'limitPrice'],
      ['stop_limit without stopPrice', { type: 'stop_limit', limitPrice: '10' }, 'stopPrice'],
      ['stop without stopPrice', { type: 'stop' }, 'stopPrice'],
      ['market with a limitPrice', { limitPrice: '10' }, 'limitPrice'],
      ['zero quantity', { quantity: '0' }, 'quantity'],
      ['negative quantity', { quantity: -5 }, 'quantity'],
      ['a quantity that is not a decimal', { quantity: 'ten' }, 'quantity'],
      ['a hex quantity', { quantity: '0x10' }, 'quantity'],
      ['a bad symbol', { symbol: 'AA PL' }, 'symbol'],
      ['an unknown side', { side: 'short' }, 'side'],
      ['an unknown type', { type: 'trailing_stop' }, 'type'],
      ['an unknown time in force', { timeInForce: 'gtd' }, 'timeInForce'],
      ['a bad client order id', { clientOrderId: 'has space' }, 'clientOrderId'],
      ['a negative limit price', { type: 'limit', limitPrice: '-1' }, 'limitPrice'],
      ['an unknown field', { leverage: 10 }, 'leverage'],
    ])('%s', async (_what, over, field) => {
      const body = market('VAL', over);
      const res = await post(body);
      expect(res.statusCode).toBe(400);
      const json = res.json<{ error: string; details: { issues: { field: string; reason: string }[] } }>();
      expect(json.error).toBe('VALIDATION_FAILED');
      expect(json.details.issues.map((i) => i.field)).toContain(field);
      expect(await orderRows(accountA, String(body.clientOrderId))).toBe(0);
    });

    it('a missing quantity and side are both named', async () => {
      const res = await post({ clientOrderId: coid('val'), symbol: 'VAL', type: 'market', timeInForce: 'day' });
      expect(res.statusCode).toBe(400);
      const fields = res.json<{ details: { issues: { field: string }[] } }>().details.issues.map((i) => i.field);
      expect(fields).toEqual(expect.arrayContaining(['quantity', 'side']));
    });
  });

  describe('idempotent submission', () => {
    it('100 concurrent POSTs of one clientOrderId: one 201, 99 200s with the same order, one row, one broker call', async () => {
      await get('/api/v1/orders'); // the key verified and cached, so the requests race at the OMS
      await post(limit('WARM')); // the broker of the account exists
      const b = brokerOf(accountA);
      b.submitDelayMs = 30;
      const before = b.calls.submit;
      const body = limit('IDEM', { quantity: 7 });
      try {
        const res = await Promise.all(Array.from({ length: 100 }, () => post(body)));
        const codes = res.map((r) => r.statusCode);
        expect(codes.filter((c) => c === 201)).toHaveLength(1);
        expect(codes.filter((c) => c === 200)).toHaveLength(99);
        expect(new Set(res.map((r) => r.json<Order>().id)).size).toBe(1);
      } finally {
        b.submitDelayMs = 0;
      }
      expect(b.calls.submit - before).toBe(1);
      expect(await orderRows(accountA, String(body.clientOrderId))).toBe(1);
      // Decimals as a number or a string are the same order.
      const again = await post({ ...body, quantity: '7.000' });
      expect(again.statusCode).toBe(200);
      expect(again.json<Order>()).toMatchObject({ status: 'accepted', quantity: '7', limitPrice: '50.25' });
    });

    it('the same clientOrderId with a different body is a 409 and changes nothing', async () => {
      const body = limit('CONF');
      expect((await post(body)).statusCode).toBe(201);
      const res = await post({ ...body, quantity: '11' });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ error: 'CONFLICT', details: { clientOrderId: body.clientOrderId } });
      expect(await orderRows(accountA, String(body.clientOrderId))).toBe(1);
    });

    it('client order ids are per account: another account may use the same one', async () => {
      const body = limit('PERACCT');
      expect((await post(body, keys.traderA)).statusCode).toBe(201);
      expect((await post(body, keys.traderB)).statusCode).toBe(201);
    });
  });

  describe('fills, position and cash', () => {
    it('a market order filled at once (events before the ack): filled, with its events, fill, position and cash', async () => {
      const body = market('FILLA', { quantity: '10' });
      const res = await post(body, keys.traderB);
      expect(res.statusCode).toBe(201);
      const order = res.json<Order>();
      expect(order).toMatchObject({ status: 'filled', filledQuantity: '10', averageFillPrice: '100', brokerOrderId: expect.stringMatching(/^B-/) });
      const d = await detail(order.id, keys.traderB);
      expect(d.events.map((e) => [e.from, e.to])).toEqual([
        [null, 'new'],
        ['new', 'accepted'],
        ['accepted', 'filled'],
      ]);
      expect(d.fills).toEqual([expect.objectContaining({ quantity: '10', price: '100', commission: '1' })]);

      const positions = (await get('/api/v1/positions', keys.traderB)).json<{ symbol: string; quantity: string; averageCost: string; realizedPnl: string }[]>();
      expect(positions.find((p) => p.symbol === 'FILLA')).toMatchObject({ quantity: '10', averageCost: '100', realizedPnl: '-1' });
      const account = (await get('/api/v1/account', keys.traderB)).json<{ cash: string; equity: string; buyingPower: string }>();
      expect(account).toMatchObject({ cash: '98999', equity: '99999', buyingPower: '98999' });
      const [ledger] = await db.query<{ sum: string }[]>(`SELECT sum(amount)::text AS sum FROM account_cash_ledger WHERE account_id = $1`, [accountB]);
      expect(new Decimal(ledger.sum).toFixed()).toBe('98999');

      // Sell 4 at 110: realized 4·10 − 1 more, average cost kept.
      brokerOf(accountB).fillPrice = new Decimal(110);
      const sell = await post(market('FILLA', { side: 'sell', quantity: 4 }), keys.traderB);
      brokerOf(accountB).fillPrice = new Decimal(100);
      expect(sell.json<Order>()).toMatchObject({ status: 'filled', arrivalPrice: '100' });
      const after = (await get('/api/v1/positions', keys.traderB)).json<{ symbol: string; quantity: string; averageCost: string; realizedPnl: string; unrealizedPnl: string }[]>();
      expect(after.find((p) => p.symbol === 'FILLA')).toMatchObject({ quantity: '6', averageCost: '100', realizedPnl: '38', unrealizedPnl: '60' });
      expect((await get('/api/v1/account', keys.traderB)).json()).toMatchObject({ cash: '99438', equity: '100098' });
    });

    it('a fill applied twice (same fill id) changes nothing the second time', async () => {
      const res = await post(limit('DUP', { quantity: 10 }));
      const order = res.json<Order>();
      const b = brokerOf(accountA);
      const fill = b.fill(b.brokerIdOf(clientOrderId(order.clientOrderId))!, clientOrderId(order.clientOrderId), { symbol: 'DUP', side: 'buy' }, new Decimal(4), new Decimal('50.25'));
      const oms = t.app.get(OrdersService);
      const event: BrokerEvent = { kind: 'fill', fill, cumulativeQuantity: new Decimal(4), leavesQuantity: new Decimal(6) };
      expect(await oms.applyBrokerEvent(accountA, event)).toBe('applied');
      const cash = (await get('/api/v1/account')).json<{ cash: string }>().cash;
      expect(await oms.applyBrokerEvent(accountA, event)).toBe('duplicate');
      const d = await detail(order.id);
      expect(d).toMatchObject({ status: 'partially_filled', filledQuantity: '4' });
      expect(d.fills).toHaveLength(1);
      expect((await get('/api/v1/account')).json<{ cash: string }>().cash).toBe(cash);
    });

    it('exposure: position plus the open quantity of working orders per side', async () => {
      const port = t.app.get<OrderSubmissionPort>(ORDER_SUBMISSION);
      await post(limit('EXPO', { quantity: 5 }), keys.traderB);
      await post(limit('EXPO', { quantity: 3, side: 'sell' }), keys.traderB);
      await post(market('FILLEXPO', { quantity: 2 }), keys.traderB);
      expect(Object.fromEntries(Object.entries(await port.exposure(accountB, 'EXPO')).map(([k, v]) => [k, (v as Decimal).toFixed()]))).toEqual({ position: '0', openBuy: '5', openSell: '3' });
      expect((await port.exposure(accountB, 'FILLEXPO')).position.toFixed()).toBe('2');
    });
  });

  describe('cancel and replace', () => {
    it('cancel: a partially filled order ends cancelled; a second cancel is a 409', async () => {
      const order = (await post(limit('CXL', { quantity: 10 }))).json<Order>();
      const b = brokerOf(accountA);
      const oms = t.app.get(OrdersService);
      const fill = b.fill(b.brokerIdOf(clientOrderId(order.clientOrderId))!, clientOrderId(order.clientOrderId), { symbol: 'CXL', side: 'buy' }, new Decimal(3));
      await oms.applyBrokerEvent(accountA, { kind: 'fill', fill, cumulativeQuantity: new Decimal(3), leavesQuantity: new Decimal(7) });
      const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/orders/${order.id}`, headers: bearer(keys.traderA) });
      expect(res.statusCode).toBe(200);
      expect(res.json<Order>()).toMatchObject({ status: 'cancelled', filledQuantity: '3' });
      expect((await detail(order.id)).events.map((e) => e.to)).toEqual(['new', 'accepted', 'partially_filled', 'cancelled']);
      const again = await t.app.inject({ method: 'DELETE', url: `/api/v1/orders/${order.id}`, headers: bearer(keys.traderA) });
      expect(again.statusCode).toBe(409);
      expect(b.calls.cancel).toBe(1);
    });

    it('replace: a new order takes over (201), the old ends replaced, a repeat is a 200, the replaced order cannot be replaced', async () => {
      const old = (await post(limit('RPL', { quantity: 10 }))).json<Order>();
      const newId = coid('rpl-new');
      const patch = (id: string, body: Record<string, unknown>) =>
        t.app.inject({ method: 'PATCH', url: `/api/v1/orders/${id}`, headers: bearer(keys.traderA), payload: body });
      const res = await patch(old.id, { clientOrderId: newId, limitPrice: '49.5' });
      expect(res.statusCode).toBe(201);
      const replacement = res.json<Order>();
      expect(replacement).toMatchObject({ clientOrderId: newId, status: 'accepted', limitPrice: '49.5', quantity: '10', replacesOrderId: old.id });
      expect((await detail(old.id)).status).toBe('replaced');
      expect((await detail(old.id)).events.map((e) => e.to)).toEqual(['new', 'accepted', 'replaced']);
      const repeat = await patch(old.id, { clientOrderId: newId, limitPrice: 49.5 });
      expect(repeat.statusCode).toBe(200);
      expect(repeat.json<Order>().id).toBe(replacement.id);
      expect((await patch(old.id, { clientOrderId: coid('rpl-other'), limitPrice: '48' })).statusCode).toBe(409);
      expect((await patch(old.id, { clientOrderId: newId, limitPrice: '48' })).statusCode).toBe(409);
      expect(brokerOf(accountA).calls.replace).toBe(1);
      expect((await patch(replacement.id, { clientOrderId: coid('rpl-bad'), limitPrice: '-3' })).statusCode).toBe(400);
    });

    it("another account's order is a 404 to a trader; an admin reaches it", async () => {
      const order = (await post(limit('MINE'))).json<Order>();
      expect((await get(`/api/v1/orders/${order.id}`, keys.traderB)).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/orders/${order.id}`, headers: bearer(keys.traderB) })).statusCode).toBe(404);
      expect((await get(`/api/v1/orders/${order.id}`, keys.admin)).statusCode).toBe(200);
      expect((await get('/api/v1/orders/not-a-uuid')).statusCode).toBe(400);
    });
  });

  describe('broker outcomes', () => {
    it('a broker rejection is stored: 201 with status rejected and the reason', async () => {
      const res = await post(market('REJX'));
      expect(res.statusCode).toBe(201);
      expect(res.json<Order>()).toMatchObject({ status: 'rejected', rejectReason: expect.stringMatching(/insufficient buying power/) });
    });

    it('a timeout is resolved by asking the broker, never by sending again', async () => {
      const b = brokerOf(accountA);
      const before = { ...b.calls };
      const arrived = await post(market('TIMEOUTX'));
      expect(arrived.json<Order>()).toMatchObject({ status: 'accepted', brokerOrderId: expect.stringMatching(/^B-/) });
      const lost = await post(market('LOSTX'));
      expect(lost.json<Order>()).toMatchObject({ status: 'rejected', rejectReason: expect.stringMatching(/did not receive/) });
      expect(b.calls.submit - before.submit).toBe(2);
      expect(b.calls.getOrderByClientId - before.getOrderByClientId).toBe(2);
    });
  });

  describe('pre-trade gate', () => {
    it('a denial makes no broker call, is stored as rejected with its reason, and is answered 422 with details.reason (again on a repeat)', async () => {
      const gate = t.app.get<PreTradeGate>(PRE_TRADE_GATE);
      const spy = jest.spyOn(gate, 'check').mockReturnValue({ allowed: false, reason: 'max_order_notional', details: { limit: '1000' } });
      const b = brokerOf(accountA);
      const before = b.calls.submit;
      const body = market('GATED');
      try {
        const res = await post(body);
        expect(res.statusCode).toBe(422);
        const json = res.json<{ error: string; details: { reason: string; orderId: string; limit: string } }>();
        expect(json).toMatchObject({ error: 'PRE_TRADE_DENIED', details: { reason: 'max_order_notional', limit: '1000' } });
        const d = await detail(json.details.orderId);
        expect(d).toMatchObject({ status: 'rejected', rejectReason: 'pre-trade: max_order_notional' });
        expect(d.events.map((e) => [e.from, e.to])).toEqual([
          [null, 'new'],
          ['new', 'rejected'],
        ]);
        const repeat = await post(body);
        expect(repeat.statusCode).toBe(422);
        expect(repeat.json()).toMatchObject({ details: { reason: 'max_order_notional', orderId: json.details.orderId } });
        expect(spy).toHaveBeenCalledTimes(1);
      } finally {
        spy.mockRestore();
      }
      expect(b.calls.submit).toBe(before);
    });
  });

  describe('pre-trade gate on replace', () => {
    it('a denied replacement is stored rejected and answered 422; the old order keeps working and the broker is not asked', async () => {
      const old = (await post(limit('GATEDRPL'))).json<Order>();
      const gate = t.app.get<PreTradeGate>(PRE_TRADE_GATE);
      const spy = jest.spyOn(gate, 'check').mockReturnValue({ allowed: false, reason: 'halted' });
      const before = brokerOf(accountA).calls.replace;
      try {
        const res = await t.app.inject({
          method: 'PATCH',
          url: `/api/v1/orders/${old.id}`,
          headers: bearer(keys.traderA),
          payload: { clientOrderId: coid('gatedrpl-new'), limitPrice: '1' },
        });
        expect(res.statusCode).toBe(422);
        const { details } = res.json<{ details: { reason: string; orderId: string } }>();
        expect(details.reason).toBe('halted');
        expect(await detail(details.orderId)).toMatchObject({ status: 'rejected', replacesOrderId: old.id });
      } finally {
        spy.mockRestore();
      }
      expect((await detail(old.id)).status).toBe('accepted');
      expect(brokerOf(accountA).calls.replace).toBe(before);
    });
  });

  describe('lists', () => {
    it('pages through every order of the account once, newest first; filters by status, symbol, side and time', async () => {
      const made: string[] = [];
      for (let i = 0; i < 5; i++) made.push((await post(limit('PAGE', { side: i % 2 ? 'sell' : 'buy' }), keys.traderB)).json<Order>().id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await get(`/api/v1/orders?symbol=PAGE&limit=2${cursor ? `&cursor=${cursor}` : ''}`, keys.traderB);
        expect(res.statusCode).toBe(200);
        const page = res.json<Page<Order>>();
        expect(page.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.data.map((o) => o.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...made].reverse());
      const sells = (await get('/api/v1/orders?symbol=PAGE&side=sell', keys.traderB)).json<Page<Order>>().data;
      expect(sells.map((o) => o.id).sort()).toEqual([made[1], made[3]].sort());
      const accepted = (await get('/api/v1/orders?status=accepted&symbol=PAGE', keys.traderB)).json<Page<Order>>().data;
      expect(accepted).toHaveLength(5);
      expect((await get('/api/v1/orders?status=filled&symbol=PAGE', keys.traderB)).json<Page<Order>>().data).toHaveLength(0);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expect((await get(`/api/v1/orders?symbol=PAGE&from=${future}`, keys.traderB)).json<Page<Order>>().data).toHaveLength(0);
      expect((await get(`/api/v1/orders?symbol=PAGE&to=${future}`, keys.traderB)).json<Page<Order>>().data).toHaveLength(5);
      // Account A sees none of them; an admin sees them with accountId and without.
      expect((await get('/api/v1/orders?symbol=PAGE')).json<Page<Order>>().data).toHaveLength(0);
      expect((await get(`/api/v1/orders?symbol=PAGE&accountId=${accountB}&limit=500`, keys.admin)).json<Page<Order>>().data).toHaveLength(5);
      expect((await get('/api/v1/orders?symbol=PAGE&limit=500', keys.admin)).json<Page<Order>>().data.length).toBeGreaterThanOrEqual(5);
      expect((await get('/api/v1/orders?cursor=bogus')).statusCode).toBe(400);
      expect((await get('/api/v1/orders?limit=0')).statusCode).toBe(400);
      expect((await get('/api/v1/orders?status=open')).statusCode).toBe(400);
      expect((await get('/api/v1/orders?from=yesterday')).statusCode).toBe(400);
    });

    it('fills: the account own, newest first, by symbol and order', async () => {
      const order = (await post(market('FILLLIST', { quantity: 3 }), keys.traderB)).json<Order>();
      const page = (await get(`/api/v1/fills?orderId=${order.id}`, keys.traderB)).json<Page<{ orderId: string; quantity: string }>>();
      expect(page.data).toEqual([expect.objectContaining({ orderId: order.id, quantity: '3' })]);
      expect((await get(`/api/v1/fills?orderId=${order.id}`, keys.traderA)).json<Page<unknown>>().data).toHaveLength(0);
      expect((await get('/api/v1/fills?symbol=FILLLIST', keys.traderB)).json<Page<unknown>>().data).toHaveLength(1);
    });
  });
});
