import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { Decimal } from '../src/common/decimal';
import { accountId as toAccountId, clientOrderId, type AccountId, type BrokerOrderId, type ClientOrderId } from '../src/common/typed-ids';
import { BrokerTimeoutError, BrokerUnavailableError } from '../src/trading/brokers/broker.errors';
import { BrokerRegistry } from '../src/trading/brokers/broker.registry';
import type { Broker, BrokerEvent, BrokerOrderAck, BrokerOrderQuery, OrderReplacement } from '../src/trading/brokers/broker.types';
import { PaperBrokerFactory } from '../src/trading/brokers/paper/paper-broker.factory';
import type { PaperBroker } from '../src/trading/brokers/paper/paper-broker';
import type { OrderSpec } from '../src/trading/orders/order.types';
import { ReconciliationService } from '../src/trading/reconciliation/reconciliation.service';
import { Job } from 'bullmq';
import { QueuesService } from '../src/queues/queues.service';
import { EquitySnapshotProcessor } from '../src/trading/portfolio/equity-snapshot.processor';
import { RECONCILIATION_SCHEDULER_ID } from '../src/trading/reconciliation/reconciliation.scheduler';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/**
 * The real paper broker of an account, seen by the OMS through a window the spec controls: its
 * events can be held back (the OMS "misses" them, as over a dropped stream) and a submit can be
 * lost on the way (it never reaches the paper broker; the OMS sees a timeout and a failed lookup).
 */
class PaperWindow implements Broker {
  readonly name = 'paper';
  muted = false;
  loseSubmits = false;
  /** Submits that reached the paper broker. */
  delivered = 0;
  private readonly listeners: ((e: BrokerEvent) => void)[] = [];

  constructor(readonly inner: PaperBroker) {
    inner.onEvent((e) => {
      if (!this.muted) for (const l of this.listeners) l(e);
    });
  }
  async submit(order: OrderSpec): Promise<BrokerOrderAck> {
    if (this.loseSubmits) throw new BrokerTimeoutError('submit timed out (lost on the way)');
    this.delivered++;
    return this.inner.submit(order);
  }
  cancel(id: BrokerOrderId): Promise<void> {
    return this.inner.cancel(id);
  }
  replace(id: BrokerOrderId, change: OrderReplacement): Promise<BrokerOrderAck> {
    return this.inner.replace(id, change);
  }
  getOrderByClientId(id: ClientOrderId) {
    if (this.loseSubmits) return Promise.reject(new BrokerUnavailableError('broker unreachable'));
    return this.inner.getOrderByClientId(id);
  }
  listOrders(q: BrokerOrderQuery) {
    return this.inner.listOrders(q);
  }
  listFills(since: Date) {
    return this.inner.listFills(since);
  }
  positions() {
    return this.inner.positions();
  }
  account() {
    return this.inner.account();
  }
  onEvent(listener: (e: BrokerEvent) => void): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }
  start(): Promise<void> {
    return this.inner.start();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

describe('reconciliation against the paper broker (real PostgreSQL)', () => {
  let t: TestApp;
  let db: DataSource;
  let svc: ReconciliationService;
  const run = randomUUID().slice(0, 8);
  const windows = new Map<string, PaperWindow>();
  let adminKey = '';
  let minute = 0;

  const win = (a: string): PaperWindow => {
    const w = windows.get(a);
    if (!w) throw new Error(`no broker for ${a}`);
    return w;
  };
  const newTrader = async (label: string): Promise<{ key: string; account: AccountId }> => {
    const name = `recon-${label}-${run}`;
    const key = (await t.app.get(ApiKeysService).create({ name: label, role: 'trader', account: name })).key;
    const [{ id }] = await db.query<{ id: string }[]>(`SELECT id FROM accounts WHERE name = $1`, [name]);
    return { key, account: toAccountId(id) };
  };
  const bar = async (symbol: string, close: number): Promise<void> => {
    const ts = new Date(Date.UTC(2024, 6, 10, 14, 0) + ++minute * 60_000).toISOString();
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/market-data/bars',
      headers: bearer(adminKey),
      payload: { symbol, timeframe: '1m', rows: [{ ts, open: close, high: close + 1, low: close - 1, close, volume: 1_000_000 }] },
    });
    expect(r.statusCode).toBe(201);
  };
  const order = (key: string, body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: bearer(key), payload: body });

  beforeAll(async () => {
    // Its own queue prefix: a trading.reconcile job scheduled by another suite's app would
    // otherwise run here between two manual passes and take the counts they assert.
    t = await startIsolatedTestApp('reconciliation', { QUANTDESK_BROKER: 'paper-window', PAPER_LATENCY_MS: '0', RECONCILIATION_NEW_ORDER_GRACE_MS: '1000' });
    const factory = t.app.get(PaperBrokerFactory);
    t.app.get(BrokerRegistry).register('paper-window', async (acct) => {
      const w = new PaperWindow(await factory.createPaperBroker(acct));
      windows.set(acct, w);
      return w;
    });
    db = t.app.get(DataSource);
    svc = t.app.get(ReconciliationService);
    adminKey = (await t.app.get(ApiKeysService).create({ name: 'admin', role: 'admin', account: `recon-ops-${run}` })).key;
  });
  afterAll(() => t.close());

  it('applies a fill the broker has but we missed exactly once, however often reconciliation runs', async () => {
    const { key, account } = await newTrader('missed');
    const symbol = `RCA${run.slice(0, 3).toUpperCase()}`;
    await bar(symbol, 50);
    const first = await order(key, { clientOrderId: `m1-${run}`, symbol, side: 'buy', type: 'market', quantity: '10', timeInForce: 'gtc' });
    expect(first.statusCode).toBe(201);
    win(account).muted = true;
    const second = await order(key, { clientOrderId: `m2-${run}`, symbol, side: 'buy', type: 'market', quantity: '7', timeInForce: 'gtc' });
    expect(second.statusCode).toBe(201);
    await bar(symbol, 51); // the paper broker fills both; the OMS hears of neither
    const brokerFills = await win(account).inner.listFills(new Date(0));
    expect(brokerFills.map((f) => f.clientOrderId).sort()).toEqual([`m1-${run}`, `m2-${run}`]);
    const ours = await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM fills WHERE account_id = $1`, [account]);
    expect(Number(ours[0].n)).toBe(0);

    const r1 = await svc.reconcileAccount(account, 'manual');
    const r2 = await svc.reconcileAccount(account, 'manual');
    expect(r1).toMatchObject({ ok: true, missedFills: 2, unknownOrders: 0, positionBreaks: 0 });
    expect(r2).toMatchObject({ ok: true, missedFills: 0 });
    win(account).muted = false;

    const fills = await db.query<{ client_order_id: string; quantity: string }[]>(
      `SELECT o.client_order_id, f.quantity FROM fills f JOIN orders o ON o.id = f.order_id WHERE f.account_id = $1 ORDER BY o.client_order_id`,
      [account],
    );
    expect(fills.map((f) => [f.client_order_id, new Decimal(f.quantity).toFixed()])).toEqual([
      [`m1-${run}`, '10'],
      [`m2-${run}`, '7'],
    ]);
    const [pos] = await db.query<{ quantity: string }[]>(`SELECT quantity FROM positions WHERE account_id = $1 AND symbol = $2`, [account, symbol]);
    expect(new Decimal(pos.quantity).toFixed()).toBe('17');
    const [o2] = await db.query<{ status: string; filled_quantity: string }[]>(`SELECT status, filled_quantity FROM orders WHERE client_order_id = $1`, [`m2-${run}`]);
    expect(o2.status).toBe('filled');

    const report = await t.app.inject({ method: 'GET', url: '/api/v1/reconciliation', headers: bearer(key) });
    expect(report.statusCode).toBe(200);
    const runs = (report.json() as { runs: { accountId: string; ok: boolean }[] }).runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ accountId: account, ok: true });
  });

  it('fails on a broker order we never issued: submit answers 503 (cancels stay allowed) until it is resolved', async () => {
    const { key, account } = await newTrader('unknown');
    const symbol = `RCB${run.slice(0, 3).toUpperCase()}`;
    await bar(symbol, 20);
    const mine = await order(key, { clientOrderId: `u1-${run}`, symbol, side: 'buy', type: 'limit', limitPrice: '5', quantity: '3', timeInForce: 'gtc' });
    expect(mine.statusCode).toBe(201);
    const mineId = (mine.json() as { id: string }).id;
    const stray = await win(account).inner.submit({ clientOrderId: clientOrderId(`outside-${run}`), symbol, side: 'buy', type: 'limit', limitPrice: new Decimal(4), quantity: new Decimal(2), timeInForce: 'gtc' });

    const failed = await svc.reconcileAccount(account, 'manual');
    expect(failed).toMatchObject({ ok: false, unknownOrders: 1 });
    const refused = await order(key, { clientOrderId: `u2-${run}`, symbol, side: 'buy', type: 'limit', limitPrice: '5', quantity: '1', timeInForce: 'gtc' });
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ statusCode: 503, error: 'RECONCILIATION_FAILED', details: { unknownBrokerOrders: [{ clientOrderId: `outside-${run}` }] } });
    expect(await db.query(`SELECT 1 FROM orders WHERE client_order_id = $1`, [`u2-${run}`])).toHaveLength(0);
    const cancel = await t.app.inject({ method: 'DELETE', url: `/api/v1/orders/${mineId}`, headers: bearer(key) });
    expect(cancel.statusCode).toBeLessThan(300);

    // Resolved at the broker: the outside order is cancelled and taken off the account's books.
    await win(account).inner.cancel(stray.brokerOrderId);
    await db.query(`DELETE FROM paper_orders WHERE account_id = $1 AND client_order_id = $2`, [account, `outside-${run}`]);
    expect(await svc.reconcileAccount(account, 'manual')).toMatchObject({ ok: true, unknownOrders: 0 });
    const again = await order(key, { clientOrderId: `u2-${run}`, symbol, side: 'buy', type: 'limit', limitPrice: '5', quantity: '1', timeInForce: 'gtc' });
    expect(again.statusCode).toBe(201);
  });

  it('rejects a new order the broker never received once the grace period is over, and never sends it again', async () => {
    const { key, account } = await newTrader('lost');
    const symbol = `RCC${run.slice(0, 3).toUpperCase()}`;
    await bar(symbol, 30);
    expect((await order(key, { clientOrderId: `l0-${run}`, symbol, side: 'buy', type: 'limit', limitPrice: '10', quantity: '1', timeInForce: 'gtc' })).statusCode).toBe(201);
    win(account).loseSubmits = true;
    const lost = await order(key, { clientOrderId: `l1-${run}`, symbol, side: 'buy', type: 'limit', limitPrice: '10', quantity: '1', timeInForce: 'gtc' });
    expect(lost.statusCode).toBe(201);
    expect(lost.json()).toMatchObject({ status: 'new' });
    win(account).loseSubmits = false;
    const delivered = win(account).delivered;

    // Within the grace period the order is left alone (its submit may still be on the way).
    expect(await svc.reconcileAccount(account, 'manual')).toMatchObject({ ok: true, neverArrived: 0 });
    await new Promise((r) => setTimeout(r, 1200));
    expect(await svc.reconcileAccount(account, 'manual')).toMatchObject({ ok: true, neverArrived: 1 });
    const [row] = await db.query<{ status: string; reject_reason: string }[]>(`SELECT status, reject_reason FROM orders WHERE client_order_id = $1`, [`l1-${run}`]);
    expect(row).toEqual({ status: 'rejected', reject_reason: 'not received by the broker' });
    expect(win(account).delivered).toBe(delivered);
    expect(await win(account).inner.getOrderByClientId(clientOrderId(`l1-${run}`))).toBeNull();
  });

  it('is scheduled on the trading queue every RECONCILIATION_EVERY_MS, and the trading.reconcile job reconciles the accounts this process trades', async () => {
    const queue = t.app.get(QueuesService).raw('trading');
    let schedulers = await queue.getJobSchedulers();
    for (let i = 0; i < 50 && !schedulers.some((s) => s.key === RECONCILIATION_SCHEDULER_ID); i++) {
      await new Promise((r) => setTimeout(r, 100));
      schedulers = await queue.getJobSchedulers();
    }
    expect(schedulers.find((s) => s.key === RECONCILIATION_SCHEDULER_ID)).toMatchObject({ name: 'trading.reconcile', every: 60000 });

    const { key, account } = await newTrader('scheduled');
    const symbol = `RCD${run.slice(0, 3).toUpperCase()}`;
    await bar(symbol, 40);
    await t.app.get(BrokerRegistry).forAccount(account);
    win(account).muted = true;
    expect((await order(key, { clientOrderId: `s1-${run}`, symbol, side: 'buy', type: 'market', quantity: '4', timeInForce: 'gtc' })).statusCode).toBe(201);
    await bar(symbol, 41);
    win(account).muted = false;
    // The job run as the trading queue's worker runs it (called directly: another spec's process
    // on the same Redis prefix could take a queued job, and it trades none of these accounts).
    await t.app.get(EquitySnapshotProcessor).process(new Job(queue, 'trading.reconcile', {}));
    const [latest] = await svc.latest(account);
    expect(latest).toMatchObject({ accountId: account, trigger: 'schedule', ok: true, missedFills: 1 });
    const [pos] = await db.query<{ quantity: string }[]>(`SELECT quantity FROM positions WHERE account_id = $1 AND symbol = $2`, [account, symbol]);
    expect(new Decimal(pos.quantity).toFixed()).toBe('4');
  });
});
