import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { loadConfig, type AppConfig } from '../src/config/app-config';
import { Decimal, ZERO } from '../src/common/decimal';
import type { AccountId, OrderId } from '../src/common/typed-ids';
import { orderId } from '../src/common/typed-ids';
import { ConflictError, UnprocessableError } from '../src/common/errors/domain-error';
import { redisConnectionOptions } from '../src/queues/redis-connection';
import { ORDER_SUBMISSION, type OrderSubmissionPort, type SubmissionResult, type SubmittedOrder, type SymbolExposure } from '../src/trading/orders/order-submission.port';
import type { OrderStatus } from '../src/trading/orders/order.types';
import { ExecutionsService } from '../src/trading/execution/executions.service';
import { EXECUTION_REARM_SCHEDULER_ID, ExecutionTimers } from '../src/trading/execution/execution-timers.service';
import type { ExecutionDto } from '../src/trading/execution/executions.dto';
import { createTestKey } from './support/market-data-keys';
import { scratchDatabase } from './support/scratch-database';
import { runMigrations } from '../src/database/data-source.factory';
import { deleteRedisPrefix, privateRedisPrefix } from './support/spawn-server';

/**
 * A test double of OUR port (the OMS is another module): records every call and, like the OMS,
 * is idempotent on the client order id: a repeat gets the same order back with created = false.
 */
class RecordingOms implements OrderSubmissionPort {
  readonly submits: { accountId: AccountId; order: SubmittedOrder; at: number }[] = [];
  readonly cancels: OrderId[] = [];
  readonly byClientId = new Map<string, { id: OrderId; status: OrderStatus }>();
  /** Symbols whose orders the "risk gate" refuses with a typed error. */
  readonly refuse = new Set<string>();
  /** Symbols whose submits fail like a dropped connection (not a typed refusal). */
  readonly crash = new Set<string>();

  async submit(account: AccountId, order: SubmittedOrder): Promise<SubmissionResult> {
    this.submits.push({ accountId: account, order, at: Date.now() });
    if (this.crash.has(order.symbol)) throw new Error('connection reset by the OMS');
    if (this.refuse.has(order.symbol)) throw new UnprocessableError('RISK_DENIED', `risk gate: ${order.symbol} is restricted`);
    const existing = this.byClientId.get(order.clientOrderId);
    if (existing) return { ...existing, filledQuantity: ZERO, created: false };
    const created = { id: orderId(randomUUID()), status: 'accepted' as OrderStatus };
    this.byClientId.set(order.clientOrderId, created);
    return { ...created, filledQuantity: ZERO, created: true };
  }

  async cancel(_account: AccountId, id: OrderId): Promise<SubmissionResult> {
    this.cancels.push(id);
    return { id, status: 'cancelled', filledQuantity: ZERO, created: false };
  }

  async exposure(): Promise<SymbolExposure> {
    return { position: ZERO, openBuy: ZERO, openSell: ZERO };
  }

  sentIds(parentId: string): string[] {
    return this.submits.filter((s) => s.order.parentOrderId === parentId).map((s) => s.order.clientOrderId);
  }
}

/**
 * The real application with the one submission path (ORDER_SUBMISSION) replaced by the recording
 * OMS: the app's own ExecutionModule sends its children there, so the spec sees every call.
 */
async function startApp(config: AppConfig, oms: RecordingOms): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(ORDER_SUBMISSION)
    .useValue(oms)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(50);
  }
}

type Headers = Record<string, string>;
const bearer = (key: string): Headers => ({ authorization: `Bearer ${key}` });

describe('execution algorithms: parent orders, timers, restart, quality', () => {
  const prefix = privateRedisPrefix('execution');
  // A database of its own too: other specs' apps sweep every running parent of the database
  // they share and would send its children through their own (real) order management system.
  let scratch: { url: string; drop: () => Promise<void> };
  let config: AppConfig;
  const oms = new RecordingOms();
  let app: NestFastifyApplication;
  let db: DataSource;
  let trader: Headers;
  let otherTrader: Headers;
  let viewer: Headers;

  beforeAll(async () => {
    scratch = await scratchDatabase('exec');
    await runMigrations({ databaseUrl: scratch.url });
    config = loadConfig({ ...process.env, DATABASE_URL: scratch.url, REDIS_PREFIX: prefix, QUEUE_BACKOFF_MS: '50' });
    app = await startApp(config, oms);
    db = app.get(DataSource);
    trader = bearer(await createTestKey(db, 'trader'));
    otherTrader = bearer(await createTestKey(db, 'trader'));
    viewer = bearer(await createTestKey(db, 'viewer'));
  });

  afterAll(async () => {
    await app?.close();
    await deleteRedisPrefix(prefix);
    await scratch?.drop();
  });

  async function create(body: Record<string, unknown>, headers = trader): Promise<string> {
    const res = await app.inject({ method: 'POST', url: '/api/v1/executions', headers, payload: body });
    expect(res.statusCode).toBe(202);
    return (res.json() as { id: string }).id;
  }

  async function get(id: string, headers = trader): Promise<ExecutionDto> {
    const res = await app.inject({ method: 'GET', url: `/api/v1/executions/${id}`, headers });
    expect(res.statusCode).toBe(200);
    return res.json() as ExecutionDto;
  }

  const symbol = (label: string): string => `EX${label}${randomUUID().slice(0, 6)}`.toUpperCase();

  it('sends every TWAP slice once, at its time, with deterministic child ids', async () => {
    const sym = symbol('T');
    const started = Date.now();
    const id = await create({ algo: 'twap', symbol: sym, side: 'buy', quantity: '1000', params: { durationSeconds: 2.4, intervalSeconds: 0.6, lotSize: 100, arrivalPrice: '50' } });
    const before = await get(id);
    expect(before.slices.map((s) => s.quantity)).toEqual(['300', '200', '300', '200']);
    expect(before.slices.map((s) => s.childClientOrderId)).toEqual([0, 1, 2, 3].map((i) => `${id}-${i}`));
    await until('all four children', () => oms.sentIds(id).length === 4);
    const sent = oms.submits.filter((s) => s.order.parentOrderId === id);
    expect(sent.map((s) => s.order.clientOrderId)).toEqual([0, 1, 2, 3].map((i) => `${id}-${i}`));
    expect(sent.map((s) => s.order.quantity.toFixed())).toEqual(['300', '200', '300', '200']);
    expect(sent.every((s) => s.order.symbol === sym && s.order.side === 'buy' && s.order.type === 'market')).toBe(true);
    // Each child no earlier than its due time (slice i due at start + 0.6 s · i).
    sent.forEach((s, i) => expect(s.at).toBeGreaterThanOrEqual(started + 600 * i - 300));
    const after = await until('slices marked sent', async () => {
      const v = await get(id);
      return v.slices.every((s) => s.status === 'sent') && v;
    });
    expect(after.children.map((c) => c.orderId)).toEqual(sent.map((s) => oms.byClientId.get(s.order.clientOrderId)?.id));
    expect(after.sentQuantity).toBe('1000');
    expect(after.status).toBe('running');
  });

  it('rejects bad requests with 400s naming the field, a viewer with 403, another account with 404', async () => {
    const bad = async (body: Record<string, unknown>, field: string): Promise<void> => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/executions', headers: trader, payload: body });
      expect(res.statusCode).toBe(400);
      expect((res.json() as { details: { issues: { field: string }[] } }).details.issues.map((i) => i.field)).toContain(field);
    };
    await bad({ algo: 'twap', symbol: 'AAPL', side: 'buy', quantity: '-1', params: { durationSeconds: 60, intervalSeconds: 10 } }, 'quantity');
    await bad({ algo: 'pov', symbol: 'AAPL', side: 'buy', quantity: 10, params: { durationSeconds: 60, intervalSeconds: 10 } }, 'params.participation');
    await bad({ algo: 'twap', symbol: 'AAPL', side: 'buy', quantity: 10, params: { durationSeconds: 60, intervalSeconds: 10, bogus: 1 } }, 'params.bogus');
    await bad({ algo: 'twap', symbol: 'AAPL', side: 'buy', quantity: 10, params: { intervalSeconds: 10 } }, 'params.endAt');
    await bad({ algo: 'twap', symbol: 'AAPL', side: 'buy', quantity: 10, params: { durationSeconds: 60, intervalSeconds: 10, lotSize: 20 } }, 'params.lotSize');
    await bad({ algo: 'is', symbol: 'AAPL', side: 'buy', quantity: 10, params: { durationSeconds: 60, intervalSeconds: 10, sigma: 1, eta: 0.01, gamma: 1e6, lambda: 1 } }, 'params.eta');
    await bad({ algo: 'vwap', symbol: 'AAPL', side: 'buy', quantity: 10, params: { durationSeconds: 60, intervalSeconds: 10, bucketMinutes: 7 } }, 'params.bucketMinutes');
    await bad({ algo: 'twap', symbol: 'AAPL', side: 'buy', quantity: 10, extra: true, params: { durationSeconds: 60, intervalSeconds: 10 } }, 'extra');
    await bad({ algo: 'nope', symbol: 'AAPL', side: 'buy', quantity: 10, params: {} }, 'algo');

    const body = { algo: 'twap', symbol: symbol('A'), side: 'sell', quantity: 10, params: { durationSeconds: 600, intervalSeconds: 300 } };
    expect((await app.inject({ method: 'POST', url: '/api/v1/executions', headers: viewer, payload: body })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/v1/executions', payload: body })).statusCode).toBe(401);
    const id = await create(body);
    expect((await app.inject({ method: 'GET', url: `/api/v1/executions/${id}`, headers: otherTrader })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel`, headers: otherTrader })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/executions/not-a-uuid', headers: trader })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel`, headers: trader })).statusCode).toBe(200);
  });

  it('pause stops sending, resume re-arms and sends what fell due, cancel cancels the working children', async () => {
    const id = await create({ algo: 'twap', symbol: symbol('P'), side: 'sell', quantity: 40, params: { durationSeconds: 4, intervalSeconds: 1 } });
    await until('the first child', () => oms.sentIds(id).length === 1);
    const paused = await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/pause`, headers: trader });
    expect(paused.statusCode).toBe(200);
    expect((paused.json() as ExecutionDto).status).toBe('paused');
    expect((await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/pause`, headers: trader })).statusCode).toBe(409);
    // Slices 1 and 2 fall due while paused: their timers fire and do nothing.
    await sleep(2300);
    expect(oms.sentIds(id)).toEqual([`${id}-0`]);
    expect((await get(id)).slices.map((s) => s.status)).toEqual(['sent', 'pending', 'pending', 'pending']);

    const resumed = await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/resume`, headers: trader });
    expect(resumed.statusCode).toBe(200);
    // The overdue slices 1 and 2 go at once, one after the other; slice 3 at its time.
    await until('the overdue children', () => oms.sentIds(id).length >= 3, 3000);
    expect(oms.sentIds(id).slice(0, 3)).toEqual([0, 1, 2].map((i) => `${id}-${i}`));

    const cancelled = await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/cancel`, headers: trader });
    expect(cancelled.statusCode).toBe(200);
    const body = cancelled.json() as { status: string; cancelledChildren: string[] };
    expect(body.status).toBe('cancelled');
    const view = await get(id);
    expect(view.status).toBe('cancelled');
    const sentIndices = view.slices.filter((s) => s.status === 'sent').map((s) => s.childClientOrderId);
    expect(body.cancelledChildren).toEqual(sentIndices);
    for (const c of view.children) expect(oms.cancels).toContain(c.orderId);
    expect(view.slices.filter((s) => s.status === 'pending')).toEqual([]);
    const count = oms.sentIds(id).length;
    await sleep(1500);
    expect(oms.sentIds(id).length).toBe(count);
    expect((await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/resume`, headers: trader })).statusCode).toBe(409);
  });

  it('a refused child is skipped with the reason and the schedule goes on', async () => {
    const sym = symbol('R');
    oms.refuse.add(sym);
    const id = await create({ algo: 'twap', symbol: sym, side: 'buy', quantity: 2, params: { durationSeconds: 0.4, intervalSeconds: 0.2 } });
    const view = await until('both slices skipped', async () => {
      const v = await get(id);
      return v.slices.every((s) => s.status === 'skipped') && v;
    });
    expect(view.slices[0].note).toMatch(/risk gate/);
    // Nothing left to send or working: the parent is complete (with a fill rate of 0).
    expect(view.status).toBe('completed');
  });

  it('stores execution quality from the children\'s fills (IS vs arrival, VWAP slippage, fill rate) and completes', async () => {
    const sym = symbol('Q');
    const start = Date.now();
    // Market bars over the window: typical prices 100 (volume 100) and 102 (volume 300) → VWAP 101.5.
    await db.query(`SELECT bars_ensure_partitions($1::timestamptz, $2::timestamptz)`, [new Date(start - 86_400_000), new Date(start + 86_400_000)]);
    await db.query(
      `INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume) VALUES ($1, '1m', $2, 100, 101, 99, 100, 100), ($1, '1m', $3, 102, 103, 101, 102, 300)`,
      [sym, new Date(start + 100), new Date(start + 200)],
    );
    const id = await create({ algo: 'twap', symbol: sym, side: 'buy', quantity: '10', params: { durationSeconds: 0.5, intervalSeconds: 0.25, arrivalPrice: 100 } });
    await until('both children sent', async () => (await get(id)).slices.every((s) => s.status === 'sent'));
    const service = app.get(ExecutionsService);
    const fill = (n: number, q: string, p: string, fillId: string) =>
      service.onChildFill(id, { fillId, clientOrderId: `${id}-${n}`, quantity: new Decimal(q), price: new Decimal(p), commission: new Decimal('0.5'), at: new Date(start + 300) });
    expect(await fill(0, '5', '100.1', 'f-1')).toBe(true);
    expect(await fill(0, '5', '100.1', 'f-1')).toBe(false); // the same fill reported twice is applied once
    let view = await get(id);
    expect(view.status).toBe('running');
    expect(view.quality).toMatchObject({ filledQuantity: '5', fillRate: 0.5 });
    expect(await fill(1, '5', '100.3', 'f-2')).toBe(true);
    view = await get(id);
    // Perold: executed 5·0.1 + 5·0.3 = 2, fees 1, on 10·100 = 1,000 → 30 bps; average 100.2 vs VWAP 101.5.
    expect(view.status).toBe('completed');
    expect(view.filledQuantity).toBe('10');
    expect(view.slices.map((s) => s.status)).toEqual(['done', 'done']);
    expect(view.children.map((c) => c.fills.map((f) => [f.fillId, f.quantity, f.price]))).toEqual([[['f-1', '5', '100.1']], [['f-2', '5', '100.3']]]);
    const q = view.quality!;
    expect(q.fillRate).toBe(1);
    expect(q.averagePrice).toBeCloseTo(100.2, 9);
    expect(q.implementationShortfallBps).toBeCloseTo(30, 9);
    expect(q.executionCostBps).toBeCloseTo(20, 9);
    expect(q.marketVwap).toBeCloseTo(101.5, 9);
    expect(q.vwapSlippageBps).toBeCloseTo(((100.2 - 101.5) / 101.5) * 1e4, 9);
    expect(q.commission).toBe('1');
    const [row] = await db.query<{ fill_rate: number }[]>(`SELECT fill_rate FROM execution_quality WHERE parent_id = $1`, [id]);
    expect(row.fill_rate).toBe(1);
  });

  it('VWAP follows the profile learned from stored bars; IS front-loads with risk aversion', async () => {
    const sym = symbol('V');
    const day = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const startAt = day + 86_400_000 + 14 * 3_600_000; // tomorrow 14:00 UTC
    await db.query(`SELECT bars_ensure_partitions($1::timestamptz, $2::timestamptz)`, [new Date(day - 3 * 86_400_000), new Date(day)]);
    // Two past days: 300 traded in the 14:00 hour and 100 in the 15:00 hour → 75% / 25%.
    for (const d of [1, 2]) {
      await db.query(
        `INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume) VALUES ($1, '1m', $2, 10, 10, 10, 10, 300), ($1, '1m', $3, 10, 10, 10, 10, 100)`,
        [sym, new Date(day - d * 86_400_000 + 14 * 3_600_000 + 60_000), new Date(day - d * 86_400_000 + 15 * 3_600_000 + 60_000)],
      );
    }
    const params = { startAt: new Date(startAt).toISOString(), endAt: new Date(startAt + 2 * 3_600_000).toISOString(), intervalSeconds: 3600 };
    const vwap = await get(await create({ algo: 'vwap', symbol: sym, side: 'buy', quantity: 1000, params: { ...params, bucketMinutes: 60, profileDays: 5 } }));
    expect(vwap.plan).toEqual({ profileDays: 2, uniformFallback: false });
    expect(vwap.slices.map((s) => [s.dueAt, s.quantity])).toEqual([
      [new Date(startAt).toISOString(), '750'],
      [new Date(startAt + 3_600_000).toISOString(), '250'],
    ]);
    // Stored closes give the arrival price when none is given.
    expect(vwap.arrivalPrice).toBe('10');

    const is = await get(await create({ algo: 'is', symbol: sym, side: 'sell', quantity: 1000, params: { ...params, intervalSeconds: 1800, sigma: 0.5, eta: 1e-4, lambda: 1e-3 } }));
    const qs = is.slices.map((s) => Number(s.quantity));
    expect(qs.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(qs[0]).toBeGreaterThan(qs[3]);
    expect(is.plan.kappa as number).toBeGreaterThan(0);
    const twapLike = await get(await create({ algo: 'is', symbol: sym, side: 'sell', quantity: 1000, params: { ...params, intervalSeconds: 1800, sigma: 0.5, eta: 1e-4, lambda: 0 } }));
    expect(twapLike.slices.map((s) => s.quantity)).toEqual(['250', '250', '250', '250']);
    for (const v of [vwap, is, twapLike]) expect((await app.inject({ method: 'POST', url: `/api/v1/executions/${v.id}/cancel`, headers: trader })).statusCode).toBe(200);
  });

  it('POV sizes children from the market volume it is told about', async () => {
    const sym = symbol('O');
    const id = await create({ algo: 'pov', symbol: sym, side: 'buy', quantity: 30, params: { durationSeconds: 20, intervalSeconds: 0.3, participation: 0.1, minChildQuantity: 5 } });
    const service = app.get(ExecutionsService);
    expect(await service.onMarketVolume(sym, 30, new Date())).toBe(1); // 10% of 30 = 3 < 5: waits
    await sleep(700);
    expect(oms.sentIds(id)).toEqual([]);
    await service.onMarketVolume(sym, 70, new Date()); // 10% of 100 = 10
    await until('the first POV child', () => oms.sentIds(id).length === 1);
    await service.onMarketVolume(sym, 5000, new Date()); // 500, capped by the 20 left
    await until('the second POV child', () => oms.sentIds(id).length === 2);
    expect(oms.submits.filter((s) => s.order.parentOrderId === id).map((s) => s.order.quantity.toFixed())).toEqual(['10', '20']);
    const view = await until('slices recorded', async () => {
      const v = await get(id);
      return v.slices.length === 2 && v.slices.every((s) => s.status === 'sent') && v;
    });
    expect(view.sentQuantity).toBe('30');
    for (const [i, q] of [[0, '10'], [1, '20']] as const) {
      await service.onChildFill(id, { fillId: `pov-${i}`, clientOrderId: `${id}-${i}`, quantity: new Decimal(q), price: new Decimal('10'), at: new Date() });
    }
    expect((await get(id)).status).toBe('completed');
  });

  it('survives a restart: timers re-armed from PostgreSQL, no sent slice sent again', async () => {
    const id = await create({ algo: 'twap', symbol: symbol('S'), side: 'buy', quantity: 50, params: { durationSeconds: 5, intervalSeconds: 1 } });
    await until('two children before the restart', () => oms.sentIds(id).length >= 2);
    await app.close();
    const sentBefore = oms.sentIds(id);
    // Lose every timer in Redis too (as if Redis had been flushed): only PostgreSQL remembers.
    const queue = new Queue('execution', { connection: redisConnectionOptions(config), prefix: config.redisPrefix });
    await queue.drain(true);
    await queue.close();
    await sleep(1500); // at least one slice falls due while nothing runs
    app = await startApp(config, oms);
    db = app.get(DataSource);
    await until('the rest after the restart', () => oms.sentIds(id).length === 5, 10_000);
    const ids = oms.sentIds(id);
    expect(ids).toEqual([0, 1, 2, 3, 4].map((i) => `${id}-${i}`));
    expect(ids.slice(0, sentBefore.length)).toEqual(sentBefore);
    expect(new Set(ids).size).toBe(ids.length); // each child submitted exactly once
    const view = await until('all sent', async () => {
      const v = await get(id);
      return v.slices.every((s) => s.status === 'sent') && v;
    });
    expect(view.sentQuantity).toBe('50');
  });

  it('a job re-fired for a slice already sent sends nothing; one whose send was not recorded resends the same client id (a repeat at the OMS)', async () => {
    const service = app.get(ExecutionsService);
    const id = await create({ algo: 'twap', symbol: symbol('I'), side: 'buy', quantity: 6, params: { durationSeconds: 600, intervalSeconds: 300 } });
    await until('the first child', () => oms.sentIds(id).length === 1);
    await until('slice 0 recorded as sent', async () => (await get(id)).slices[0].status === 'sent');
    expect(await service.runSlice(id, 0)).toBe('not-pending');
    expect(oms.sentIds(id)).toEqual([`${id}-0`]);
    // As if the process died after the OMS took the child but before the slice was marked sent.
    await db.query(`UPDATE parent_order_slices SET status = 'pending', sent_at = NULL, child_order_id = NULL WHERE parent_id = $1 AND slice_index = 0`, [id]);
    await db.query(`UPDATE parent_orders SET sent_quantity = 0 WHERE id = $1`, [id]);
    expect(await service.runSlice(id, 0)).toBe('repeat');
    expect(oms.sentIds(id)).toEqual([`${id}-0`, `${id}-0`]);
    expect(oms.byClientId.has(`${id}-1`)).toBe(false); // slice 1 is not due for 5 minutes
    const view = await get(id);
    expect(view.slices.map((s) => s.status)).toEqual(['sent', 'pending']);
    expect(view.children).toHaveLength(1);
    expect(view.children[0].orderId).toBe(oms.byClientId.get(`${id}-0`)?.id);
    expect(view.sentQuantity).toBe('3');
    expect(await service.runSlice(id, 0)).toBe('not-pending');
    expect((await get(id)).sentQuantity).toBe('3');
    await service.cancel({ keyId: 'k', keyName: 'k', accountId: view.accountId, role: 'trader' }, id);
  });

  it('slices still pending a minute past the window are skipped, not sent late', async () => {
    const id = await create({ algo: 'twap', symbol: symbol('L'), side: 'buy', quantity: 4, params: { durationSeconds: 600, intervalSeconds: 150 } });
    await until('the first child', () => oms.sentIds(id).length === 1);
    expect((await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/pause`, headers: trader })).statusCode).toBe(200);
    // As if the parent had stayed paused (or the process down) until two minutes after its end.
    await db.query(`UPDATE parent_orders SET start_at = start_at - interval '12 minutes', end_at = now() - interval '2 minutes' WHERE id = $1`, [id]);
    await db.query(`UPDATE parent_order_slices SET due_at = due_at - interval '12 minutes' WHERE parent_id = $1`, [id]);
    expect((await app.inject({ method: 'POST', url: `/api/v1/executions/${id}/resume`, headers: trader })).statusCode).toBe(200);
    const view = await until('the late slices skipped', async () => {
      const v = await get(id);
      return v.slices.slice(1).every((s) => s.status === 'skipped') && v;
    });
    expect(oms.sentIds(id)).toEqual([`${id}-0`]);
    expect(view.slices[1].note).toMatch(/window ended/);
    // Slice 0's child is still working, so the parent is not complete until the OMS closes it.
    expect(view.status).toBe('running');
    expect(await app.get(ExecutionsService).onChildClosed(id, `${id}-0`, 'expired')).toBe(true);
    const closed = await get(id);
    expect(closed.status).toBe('completed');
    expect(closed.slices[0]).toMatchObject({ status: 'done', childStatus: 'expired' });
  });

  it('an OMS that keeps failing is retried with the same client id, then the parent fails with the reason', async () => {
    const sym = symbol('F');
    oms.crash.add(sym);
    const id = await create({ algo: 'twap', symbol: sym, side: 'buy', quantity: 2, params: { durationSeconds: 600, intervalSeconds: 300 } });
    const view = await until('the parent failed', async () => {
      const v = await get(id);
      return v.status === 'failed' && v;
    });
    expect(view.error).toMatch(/connection reset/);
    expect(view.slices[0].status).toBe('pending');
    // QUEUE_ATTEMPTS (5 by default) attempts, every one with the same client order id.
    expect(oms.sentIds(id)).toEqual(new Array(config.queueAttempts).fill(`${id}-0`));
  });

  it('the re-arm sweep is scheduled and arms a parent whose timers Redis lost', async () => {
    const queue = new Queue('execution', { connection: redisConnectionOptions(config), prefix: config.redisPrefix });
    try {
      await app.get(ExecutionTimers).started();
      expect(await queue.getJobScheduler(EXECUTION_REARM_SCHEDULER_ID)).toMatchObject({ every: 60_000 });
      const id = await create({ algo: 'twap', symbol: symbol('W'), side: 'buy', quantity: 3, params: { durationSeconds: 1.5, intervalSeconds: 0.5 } });
      await until('the first child', () => oms.sentIds(id).length === 1);
      await queue.drain(true);
      await sleep(700);
      const stalled = oms.sentIds(id).length;
      expect(stalled).toBeLessThan(3);
      // What the scheduled execution.rearm job runs.
      expect(await app.get(ExecutionTimers).rearmAll()).toBeGreaterThanOrEqual(1);
      await until('the rest after the sweep', () => oms.sentIds(id).length === 3);
      expect(oms.sentIds(id)).toEqual([0, 1, 2].map((i) => `${id}-${i}`));
    } finally {
      await queue.close();
    }
  });

  it('pause and cancel of a final parent are conflicts', async () => {
    const service = app.get(ExecutionsService);
    const id = await create({ algo: 'twap', symbol: symbol('C'), side: 'buy', quantity: 5, params: { durationSeconds: 600, intervalSeconds: 600 } });
    const principal = { keyId: 'k', keyName: 'k', accountId: (await get(id)).accountId, role: 'trader' as const };
    await service.cancel(principal, id);
    await expect(service.pause(principal, id)).rejects.toBeInstanceOf(ConflictError);
    await expect(service.cancel(principal, id)).rejects.toBeInstanceOf(ConflictError);
  });
});
