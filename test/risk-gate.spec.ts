import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { RiskMonitorService } from '../src/risk/risk-monitor.service';
import { BrokerRegistry } from '../src/trading/brokers/broker.registry';
import { SpecBroker } from './support/spec-broker';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/**
 * The pre-trade risk gate through POST /api/v1/orders (issue 6): every denial code answered 422
 * PRE_TRADE_DENIED with details.reason the code, stored as a rejected order, with ZERO broker
 * calls; limits per account and firm-wide (the tighter wins); the modes; the admin routes'
 * roles and validation; the audit.
 */
const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

describe('risk gate (POST /api/v1/orders)', () => {
  let t: TestApp;
  let db: DataSource;
  const brokers: SpecBroker[] = [];
  const run = randomUUID().slice(0, 8);
  const keys = { traderA: '', traderB: '', viewerA: '', admin: '' };
  let adminKeyId = '';
  let accountA = '';
  let accountB = '';
  let n = 0;
  const submits = (): number => brokers.reduce((s, b) => s + b.calls.submit, 0);

  beforeAll(async () => {
    t = await startIsolatedTestApp('risk-gate', { QUANTDESK_BROKER: 'spec', PAPER_STARTING_CASH: '100000' });
    t.app.get(BrokerRegistry).register('spec', () => {
      const b = new SpecBroker();
      brokers.push(b);
      return b;
    });
    db = t.app.get(DataSource);
    const svc = t.app.get(ApiKeysService);
    keys.traderA = (await svc.create({ name: 'trader a', role: 'trader', account: `risk-a-${run}` })).key;
    keys.viewerA = (await svc.create({ name: 'viewer a', role: 'viewer', account: `risk-a-${run}` })).key;
    keys.traderB = (await svc.create({ name: 'trader b', role: 'trader', account: `risk-b-${run}` })).key;
    const admin = await svc.create({ name: 'admin', role: 'admin', account: `risk-ops-${run}` });
    keys.admin = admin.key;
    adminKeyId = admin.id;
    const ids = await db.query<{ name: string; id: string }[]>(`SELECT name, id FROM accounts WHERE name = ANY($1)`, [[`risk-a-${run}`, `risk-b-${run}`]]);
    accountA = ids.find((r) => r.name === `risk-a-${run}`)!.id;
    accountB = ids.find((r) => r.name === `risk-b-${run}`)!.id;
    // Reference prices: fresh bars at 100 (a stale one for STALE).
    const now = Date.now();
    await db.query(`SELECT bars_ensure_partitions($1::timestamptz, $2::timestamptz)`, [new Date(now - 40 * 86_400_000), new Date(now + 86_400_000)]);
    for (const s of ['AAA', 'NOTE', 'COLL', 'FILLPOS', 'GROSS', 'NET', 'OPEN', 'RATE', 'DUP', 'FILLDL', 'BOTH', 'FILLDEF', 'HALT']) {
      await db.query(`INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume) VALUES ($1, '1m', $2, 100, 100, 100, 100, 1000)`, [s, new Date(now - 60_000)]);
      await db.query(`SELECT bars_latest_refresh($1, '1m')`, [s]);
    }
    await db.query(`INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume) VALUES ('STALE', '1d', $1, 100, 100, 100, 100, 1000)`, [new Date(now - 30 * 86_400_000)]);
    await db.query(`SELECT bars_latest_refresh('STALE', '1d')`);
  });
  afterAll(() => t.close());

  const order = (symbol: string, over: Record<string, unknown> = {}): Record<string, unknown> => ({
    clientOrderId: `${symbol.toLowerCase()}-${run}-${++n}`,
    symbol,
    side: 'buy',
    type: 'market',
    quantity: '10',
    timeInForce: 'day',
    ...over,
  });
  const post = (body: Record<string, unknown>, key = keys.traderA) => t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: bearer(key), payload: body });
  const putLimits = async (body: Record<string, unknown>, key = keys.admin) => {
    const res = await t.app.inject({ method: 'PUT', url: '/api/v1/admin/risk/limits', headers: bearer(key), payload: body });
    return res;
  };
  const limitsA = async (limits: Record<string, unknown>): Promise<void> => {
    const res = await putLimits({ accountId: accountA, ...limits });
    expect(res.statusCode).toBe(200);
  };
  const setMode = (mode: string, accountId?: string, key = keys.admin) =>
    t.app.inject({ method: 'PUT', url: '/api/v1/admin/risk/mode', headers: bearer(key), payload: { mode, reason: `spec ${mode}`, ...(accountId ? { accountId } : {}) } });

  /** Posts and expects a 422 with the code, a stored rejected order and no broker call. */
  const expectDenied = async (body: Record<string, unknown>, code: string, key = keys.traderA): Promise<unknown> => {
    const before = submits();
    const res = await post(body, key);
    expect(res.statusCode).toBe(422);
    const json = res.json<{ error: string; details: { reason: string; orderId: string } }>();
    expect(json.error).toBe('PRE_TRADE_DENIED');
    expect(json.details.reason).toBe(code);
    expect(submits()).toBe(before);
    const [row] = await db.query<{ status: string; reject_reason: string }[]>(`SELECT status, reject_reason FROM orders WHERE id = $1`, [json.details.orderId]);
    expect(row).toEqual({ status: 'rejected', reject_reason: `pre-trade: ${code}` });
    return json;
  };
  const expectAccepted = async (body: Record<string, unknown>, key = keys.traderA): Promise<{ id: string; status: string }> => {
    const before = submits();
    const res = await post(body, key);
    expect(res.statusCode).toBe(201);
    expect(submits()).toBe(before + 1);
    return res.json<{ id: string; status: string }>();
  };

  it('with no limits and NORMAL, orders go through', async () => {
    await expectAccepted(order('AAA'));
  });

  it('MAX_ORDER_QUANTITY; a repeat of the denied request answers the same 422 body (the stored denial), even once the limit is lifted', async () => {
    await limitsA({ maxOrderQuantity: 5 });
    const body = order('AAA', { quantity: '6' });
    const first = await expectDenied(body, 'MAX_ORDER_QUANTITY');
    expect(first).toMatchObject({ statusCode: 422, details: { reason: 'MAX_ORDER_QUANTITY', limit: 5, quantity: 6, message: 'Quantity 6 exceeds the maximum 5' } });
    const again = await expectDenied(body, 'MAX_ORDER_QUANTITY');
    expect(again).toEqual(first);
    // The repeat is answered from the stored denial, not by asking the gate again.
    await limitsA({ maxOrderQuantity: 100 });
    expect(await expectDenied(body, 'MAX_ORDER_QUANTITY')).toEqual(first);
    await limitsA({ maxOrderQuantity: 5 });
    await expectAccepted(order('AAA', { quantity: '5' }));
  });

  it('trades_failed counts gate denials by code and broker refusals as broker', async () => {
    const count = async (reason: string): Promise<number> => {
      const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
      const line = body.split('\n').find((l) => l.startsWith(`trades_failed{reason="${reason}"} `));
      return line === undefined ? 0 : Number(line.split(' ')[1]);
    };
    const [broker, quantity] = [await count('broker'), await count('MAX_ORDER_QUANTITY')];
    // REJ*: the spec broker refuses it (BrokerRejectedError): stored rejected, answered 201.
    const refused = await post(order('REJECTME', { quantity: '1' }));
    expect(refused.statusCode).toBe(201);
    expect(refused.json()).toMatchObject({ status: 'rejected' });
    expect(await count('broker')).toBe(broker + 1);
    await expectDenied(order('AAA', { quantity: '6' }), 'MAX_ORDER_QUANTITY');
    expect(await count('MAX_ORDER_QUANTITY')).toBe(quantity + 1);
    expect(await count('broker')).toBe(broker + 1);
  });

  it('MAX_ORDER_NOTIONAL at the reference price (market) or the limit price', async () => {
    await limitsA({ maxOrderNotional: 500 });
    await expectDenied(order('NOTE', { quantity: '6' }), 'MAX_ORDER_NOTIONAL');
    await expectDenied(order('NOTE', { type: 'limit', limitPrice: '120', quantity: '5', timeInForce: 'gtc' }), 'MAX_ORDER_NOTIONAL');
    await expectAccepted(order('NOTE', { quantity: '5' }));
  });

  it('PRICE_COLLAR on limit and stop prices against the reference', async () => {
    await limitsA({ priceCollarPct: 5 });
    await expectDenied(order('COLL', { type: 'limit', limitPrice: '94', timeInForce: 'gtc' }), 'PRICE_COLLAR');
    await expectDenied(order('COLL', { type: 'stop', stopPrice: '106' }), 'PRICE_COLLAR');
    await expectAccepted(order('COLL', { type: 'limit', limitPrice: '104', timeInForce: 'gtc' }));
  });

  it('NO_REFERENCE_PRICE: no bar and no fill, or a stale bar', async () => {
    await limitsA({ priceCollarPct: 5 });
    await expectDenied(order('NOBARS', { type: 'limit', limitPrice: '100', timeInForce: 'gtc' }), 'NO_REFERENCE_PRICE');
    await expectDenied(order('STALE', { type: 'limit', limitPrice: '100', timeInForce: 'gtc' }), 'NO_REFERENCE_PRICE');
  });

  it('MAX_POSITION counts the position and working orders; a reducing order passes', async () => {
    await limitsA({ maxPositionNotional: 1500 });
    expect((await expectAccepted(order('FILLPOS'))).status).toBe('filled'); // 10 @ 100
    await expectDenied(order('FILLPOS', { quantity: '6' }), 'MAX_POSITION'); // 16 x 100 > 1500
    await expectAccepted(order('FILLPOS', { quantity: '5' })); // 15 x 100
    await expectAccepted(order('FILLPOS', { side: 'sell', quantity: '15' }));
  });

  it('MAX_GROSS_EXPOSURE and MAX_NET_EXPOSURE as multiples of equity', async () => {
    await limitsA({ maxGrossExposure: 0.01 });
    await expectDenied(order('GROSS', { quantity: '11' }), 'MAX_GROSS_EXPOSURE'); // 1,100 > 1% of ~100,000
    await limitsA({ maxNetExposure: 0.01 });
    await expectDenied(order('NET', { side: 'sell', quantity: '11' }), 'MAX_NET_EXPOSURE');
    await expectAccepted(order('NET', { side: 'sell', quantity: '5' }));
  });

  it('MAX_OPEN_ORDERS', async () => {
    const [{ open }] = await db.query<{ open: number }[]>(`SELECT count(*)::int AS open FROM orders WHERE account_id = $1 AND status IN ('new', 'accepted', 'partially_filled')`, [accountA]);
    await limitsA({ maxOpenOrders: open + 1 });
    await expectAccepted(order('OPEN'));
    await expectDenied(order('OPEN'), 'MAX_OPEN_ORDERS');
  });

  it('ORDER_RATE per account per minute (another account is not throttled)', async () => {
    await limitsA({ maxOrdersPerMinute: 2 });
    await expectAccepted(order('RATE', { quantity: '1' }));
    await expectAccepted(order('RATE', { quantity: '2' }));
    await expectDenied(order('RATE', { quantity: '3' }), 'ORDER_RATE');
    await expectAccepted(order('RATE', { quantity: '3' }), keys.traderB);
  });

  it('DUPLICATE_ORDER: same side, symbol, quantity and price within the window', async () => {
    await limitsA({ duplicateWindowSeconds: 60 });
    await expectAccepted(order('DUP', { type: 'limit', limitPrice: '99', timeInForce: 'gtc' }));
    await expectDenied(order('DUP', { type: 'limit', limitPrice: '99', timeInForce: 'gtc' }), 'DUPLICATE_ORDER');
    await expectAccepted(order('DUP', { type: 'limit', limitPrice: '98', timeInForce: 'gtc' }));
    await expectAccepted(order('DUP', { side: 'sell', type: 'limit', limitPrice: '99', timeInForce: 'gtc' }));
  });

  it("DAILY_LOSS_LIMIT: realized + unrealized since the day's start equity; reducing still allowed", async () => {
    expect((await expectAccepted(order('FILLDL', { quantity: '100' }, ), keys.traderB)).status).toBe('filled'); // 100 @ 100
    // The mark falls to 40: 6,000 unrealized loss (+1 commission).
    await db.query(`INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume) VALUES ('FILLDL', '1m', $1, 40, 40, 40, 40, 1000)`, [new Date(Date.now() + 1000)]);
    await db.query(`SELECT bars_latest_refresh('FILLDL', '1m')`);
    expect((await putLimits({ accountId: accountB, dailyLossLimit: 5000 })).statusCode).toBe(200);
    await expectDenied(order('FILLDL', { quantity: '1' }), 'DAILY_LOSS_LIMIT', keys.traderB);
    await expectAccepted(order('FILLDL', { side: 'sell', quantity: '10' }), keys.traderB);
    // The fill was evaluated by the automatic rules: the daily loss limit is hit, so B is DEFENSIVE.
    await t.app.get(RiskMonitorService).settled(accountB);
    const status = await t.app.inject({ method: 'GET', url: '/api/v1/risk/status', headers: bearer(keys.traderB) });
    expect(status.json()).toMatchObject({ mode: 'DEFENSIVE', accountMode: 'DEFENSIVE', firmMode: 'NORMAL' });
    const [audit] = await db.query<{ actor: string; reason: string }[]>(`SELECT actor, reason FROM risk_audit WHERE account_id = $1 AND kind = 'mode' ORDER BY id DESC LIMIT 1`, [accountB]);
    expect(audit).toEqual({ actor: 'automatic', reason: 'daily loss limit reached' });
    expect((await putLimits({ accountId: accountB })).statusCode).toBe(200);
    expect((await setMode('NORMAL', accountB)).statusCode).toBe(200);
  });

  it('RESTRICTED_SYMBOL firm-wide, and the tighter of firm and account limits wins', async () => {
    await limitsA({});
    expect((await putLimits({ restrictedSymbols: ['BAD'], maxOrderQuantity: 100 })).statusCode).toBe(200);
    await expectDenied(order('BAD'), 'RESTRICTED_SYMBOL');
    await expectDenied(order('BAD'), 'RESTRICTED_SYMBOL', keys.traderB);
    await limitsA({ maxOrderQuantity: 1000 });
    await expectDenied(order('BOTH', { quantity: '101' }), 'MAX_ORDER_QUANTITY');
    await limitsA({ maxOrderQuantity: 50 });
    await expectDenied(order('BOTH', { quantity: '51' }), 'MAX_ORDER_QUANTITY');
    await expectAccepted(order('BOTH', { quantity: '50' }));
    expect((await putLimits({})).statusCode).toBe(200);
    await limitsA({});
  });

  it('RISK_MODE: DEFENSIVE is reduce-only, HALTED refuses every new order but cancels still work', async () => {
    expect((await expectAccepted(order('FILLDEF', { quantity: '10' }))).status).toBe('filled');
    const working = await expectAccepted(order('HALT', { type: 'limit', limitPrice: '90', timeInForce: 'gtc' }));
    expect((await setMode('DEFENSIVE', accountA)).statusCode).toBe(200);
    await expectDenied(order('FILLDEF', { quantity: '1' }), 'RISK_MODE');
    await expectDenied(order('FILLDEF', { side: 'sell', quantity: '11' }), 'RISK_MODE'); // through zero
    await expectAccepted(order('FILLDEF', { side: 'sell', quantity: '4' }));
    // Another account is not affected by A's mode.
    await expectAccepted(order('FILLDEF', { quantity: '1' }), keys.traderB);

    expect((await setMode('HALTED', accountA)).statusCode).toBe(200);
    await expectDenied(order('FILLDEF', { side: 'sell', quantity: '1' }), 'RISK_MODE');
    const cancel = await t.app.inject({ method: 'DELETE', url: `/api/v1/orders/${working.id}`, headers: bearer(keys.traderA) });
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json<{ status: string }>().status).toBe('cancelled');

    // The firm-wide mode applies to every account; the stricter of firm and account wins.
    expect((await setMode('NORMAL', accountA)).statusCode).toBe(200);
    expect((await setMode('HALTED')).statusCode).toBe(200);
    await expectDenied(order('AAA'), 'RISK_MODE', keys.traderB);
    expect((await setMode('NORMAL')).statusCode).toBe(200);
    await expectAccepted(order('AAA'), keys.traderB);
  });

  it('GET /risk/status for a viewer: mode, drawdown, VaR, exposure, heat', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/risk/status', headers: bearer(keys.viewerA) });
    expect(res.statusCode).toBe(200);
    const s = res.json<{ mode: string; accountId: string; drawdown: { current: number }; var: { horizonDays: number }[]; exposure: { bySymbol: { symbol: string; side: string }[] }; heat: { heat: number } }>();
    expect(s).toMatchObject({ mode: 'NORMAL', accountId: accountA });
    expect(s.var.map((v) => v.horizonDays)).toEqual([1, 10]);
    expect(s.exposure.bySymbol).toEqual(expect.arrayContaining([expect.objectContaining({ symbol: 'FILLDEF', side: 'long' })]));
    expect(typeof s.heat.heat).toBe('number');
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/risk/status?accountId=${accountB}`, headers: bearer(keys.viewerA) })).statusCode).toBe(403);
  });

  describe('admin routes', () => {
    it.each([
      ['PUT', '/api/v1/admin/risk/mode', { mode: 'HALTED', reason: 'x' }],
      ['PUT', '/api/v1/admin/risk/limits', { maxOrderQuantity: 1 }],
      ['GET', '/api/v1/admin/risk/limits', undefined],
      ['POST', '/api/v1/admin/kill-switch', { reason: 'x' }],
      ['GET', '/api/v1/admin/audit', undefined],
    ] as const)('%s %s: 403 for a trader key, nothing changes', async (method, url, payload) => {
      const res = await t.app.inject({ method, url, headers: bearer(keys.traderA), ...(payload ? { payload } : {}) });
      expect(res.statusCode).toBe(403);
      expect((await post(order('AAA', { quantity: '1' }))).statusCode).toBe(201);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['an unknown field', { maxOrderQty: 5 }, 'maxOrderQty'],
      ['a negative limit', { maxOrderQuantity: -1 }, 'maxOrderQuantity'],
      ['a string number', { maxOrderNotional: '1000' }, 'maxOrderNotional'],
      ['a fractional order count', { maxOpenOrders: 1.5 }, 'maxOpenOrders'],
      ['a bad account id', { accountId: 'acct-1' }, 'accountId'],
      ['a bad symbol', { restrictedSymbols: ['A B'] }, 'restrictedSymbols'],
    ])('PUT /admin/risk/limits: %s is a 400 naming it', async (_what, body, field) => {
      const res = await putLimits(body);
      expect(res.statusCode).toBe(400);
      expect(JSON.stringify(res.json())).toContain(field);
    });

    it('PUT /admin/risk/mode validates the mode and needs a reason; an unknown account is a 404', async () => {
      expect((await t.app.inject({ method: 'PUT', url: '/api/v1/admin/risk/mode', headers: bearer(keys.admin), payload: { mode: 'PANIC', reason: 'x' } })).statusCode).toBe(400);
      expect((await t.app.inject({ method: 'PUT', url: '/api/v1/admin/risk/mode', headers: bearer(keys.admin), payload: { mode: 'HALTED' } })).statusCode).toBe(400);
      expect((await setMode('CAUTIOUS', randomUUID())).statusCode).toBe(404);
    });

    it('GET /admin/audit: who, when, from, to, reason of every mode and limit change, newest first', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/admin/audit?accountId=${accountA}&kind=mode&limit=3`, headers: bearer(keys.admin) });
      expect(res.statusCode).toBe(200);
      const page = res.json<{ data: { kind: string; actor: string; actorKeyId: string; from: string; to: string; reason: string; at: string }[]; nextCursor: string | null }>();
      expect(page.data.map((r) => [r.from, r.to])).toEqual([
        ['HALTED', 'NORMAL'],
        ['DEFENSIVE', 'HALTED'],
        ['NORMAL', 'DEFENSIVE'],
      ]);
      expect(page.data[0]).toMatchObject({ kind: 'mode', actor: 'admin', actorKeyId: adminKeyId, reason: 'spec NORMAL' });
      expect(page.nextCursor).toBeNull();
      const limits = await t.app.inject({ method: 'GET', url: `/api/v1/admin/audit?kind=limits&limit=1`, headers: bearer(keys.admin) });
      const [last] = limits.json<{ data: { to: unknown; from: unknown; actorKeyId: string }[] }>().data;
      expect(last).toMatchObject({ to: {}, from: { maxOrderQuantity: 50 }, actorKeyId: adminKeyId });
    });
  });
});
