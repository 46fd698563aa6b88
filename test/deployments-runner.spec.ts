import { randomBytes } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { runMigrations } from '../src/database/data-source.factory';
import { scratchDatabase } from './support/scratch-database';
import { ConfigModule } from '../src/config/config.module';
import { DatabaseModule } from '../src/database/database.module';
import { QueuesModule } from '../src/queues/queues.module';
import { type Decimal, ZERO } from '../src/common/decimal';
import { UnprocessableError } from '../src/common/errors/domain-error';
import { orderId, type AccountId, type OrderId } from '../src/common/typed-ids';
import { ORDER_SUBMISSION, type OrderSubmissionPort, type SubmissionResult, type SubmittedOrder, type SymbolExposure } from '../src/trading/orders/order-submission.port';
import { computeTargets, createIndicatorContext, getStrategy, marketData, strategyParams } from '../src/strategies/core';
import { DeploymentRunnerService } from '../src/strategies/runner/deployment-runner.service';
import { DeploymentsModule } from '../src/strategies/runner/deployments.module';
import { DeploymentsRepository } from '../src/strategies/runner/deployments.repository';

/**
 * A test double of OUR submission port (not of an outside service): it keeps orders by client
 * order id per account, as the order management system does, and fills market orders at once,
 * so the runner's arithmetic (difference from position plus open orders) can be checked.
 * `failNext` makes the next submits throw, as a broker or database outage would.
 */
class RecordingOrders implements OrderSubmissionPort {
  readonly submits: { accountId: AccountId; order: SubmittedOrder }[] = [];
  readonly orders = new Map<string, { id: OrderId; order: SubmittedOrder }>();
  readonly positions = new Map<string, Decimal>();
  failNext: Error | null = null;

  async submit(accountId: AccountId, order: SubmittedOrder): Promise<SubmissionResult> {
    this.submits.push({ accountId, order });
    if (this.failNext) {
      const err = this.failNext;
      this.failNext = null;
      throw err;
    }
    const key = `${accountId}/${order.clientOrderId}`;
    const known = this.orders.get(key);
    if (known) return { id: known.id, status: 'filled', filledQuantity: known.order.quantity, created: false };
    const id = orderId(`00000000-0000-4000-8000-${randomBytes(6).toString('hex')}`);
    this.orders.set(key, { id, order });
    const posKey = `${accountId}/${order.symbol}`;
    const signed = order.side === 'buy' ? order.quantity : order.quantity.neg();
    this.positions.set(posKey, (this.positions.get(posKey) ?? ZERO).plus(signed));
    return { id, status: 'filled', filledQuantity: order.quantity, created: true };
  }

  async cancel(): Promise<SubmissionResult> {
    throw new Error('not used by the runner');
  }

  async exposure(accountId: AccountId, symbol: string): Promise<SymbolExposure> {
    return { position: this.positions.get(`${accountId}/${symbol}`) ?? ZERO, openBuy: ZERO, openSell: ZERO };
  }
}

const orders = new RecordingOrders();

@Global()
@Module({ providers: [{ provide: ORDER_SUBMISSION, useValue: orders }], exports: [ORDER_SUBMISSION] })
class RecordingOrdersModule {}

const DAY = 86_400_000;
const T0 = Date.parse('2024-01-02T00:00:00Z');

let scratch: { url: string; drop: () => Promise<void> } | undefined;

async function start(): Promise<TestingModule> {
  // Role api: no queue worker or schedule, so only this spec's calls tick the runner; a database
  // of its own, because other specs' apps tick every running deployment of the one they share.
  if (!scratch) {
    scratch = await scratchDatabase('deprun');
    await runMigrations({ databaseUrl: scratch.url });
  }
  const config = loadConfig({ ...process.env, QUANTDESK_ROLE: 'api', DATABASE_URL: scratch.url });
  const mod = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), DatabaseModule, QueuesModule.forRoot(config), DeploymentsModule.withOrders(RecordingOrdersModule)],
  }).compile();
  await mod.init();
  return mod;
}

describe('strategy runner (deployments)', () => {
  let mod: TestingModule;
  let db: DataSource;
  let accountId: string;
  const symbol = `DEP${randomBytes(3).toString('hex').toUpperCase()}`;

  async function addBars(closes: readonly number[], from: number): Promise<void> {
    await db.query(`SELECT bars_ensure_partitions($1::timestamptz, $2::timestamptz)`, [new Date(T0).toISOString(), new Date(T0 + 400 * DAY).toISOString()]);
    for (let i = 0; i < closes.length; i++) {
      await db.query(`INSERT INTO bars (symbol, timeframe, ts, close) VALUES ($1, '1d', $2, $3)`, [symbol, new Date(T0 + (from + i) * DAY).toISOString(), closes[i]]);
    }
  }

  async function deploy(params: Record<string, number | boolean>, over: Partial<{ capital: number; lookbackBars: number }> = {}): Promise<string> {
    const dep = await mod.get(DeploymentsRepository).insert({
      accountId,
      createdByKeyId: accountId,
      strategy: 'sma-cross',
      params,
      symbols: [symbol],
      timeframe: '1d',
      mode: 'paper',
      capital: over.capital ?? 10_000,
      multiplier: 1,
      lotSize: 1,
      sizer: 'equity-fraction',
      sizerParams: {},
      lookbackBars: over.lookbackBars ?? 1000,
      model: null,
    });
    return dep.id;
  }

  beforeAll(async () => {
    mod = await start();
    db = mod.get(DataSource);
    [{ id: accountId }] = await db.query<{ id: string }[]>(`INSERT INTO accounts (name) VALUES ($1) RETURNING id`, [`dep-${randomBytes(4).toString('hex')}`]);
  });
  afterAll(async () => {
    await mod.close();
    await scratch?.drop();
  });

  it('acts on the newest bar once, sizing the target against capital, and orders only the difference', async () => {
    // Rising closes: SMA(2) > SMA(3) from the third bar on, so the target is 1 (fully long).
    await addBars([100, 101, 102, 103, 104], 0);
    const id = await deploy({ fast: 2, slow: 3 });
    const runner = mod.get(DeploymentRunnerService);

    const first = await runner.tick(id);
    expect(first).toMatchObject({ outcome: 'decided', barMs: T0 + 4 * DAY, sent: 1 });
    const sent = orders.submits.at(-1)!.order;
    // 1 × 10,000 / 104 = 96.15 -> 96 shares
    expect({ side: sent.side, quantity: sent.quantity.toString(), type: sent.type, symbol: sent.symbol }).toEqual({ side: 'buy', quantity: '96', type: 'market', symbol });

    // No new bar: nothing decided, nothing sent.
    const before = orders.submits.length;
    expect(await runner.tick(id)).toMatchObject({ outcome: 'idle', sent: 0 });
    expect(orders.submits.length).toBe(before);

    // A falling bar: SMA(2) = 98.5 < SMA(3) = 100.33, target 0 -> sell the 96 held.
    await addBars([93], 5);
    expect(await runner.tick(id)).toMatchObject({ outcome: 'decided', barMs: T0 + 5 * DAY, sent: 1 });
    expect(orders.submits.at(-1)!.order.side).toBe('sell');
    expect(orders.submits.at(-1)!.order.quantity.toString()).toBe('96');
    expect((await orders.exposure(accountId as AccountId, symbol)).position.toString()).toBe('0');

    const rows = await db.query<{ status: string; client_order_id: string }[]>(`SELECT status, client_order_id FROM deployment_orders WHERE deployment_id = $1 ORDER BY bar_ms`, [id]);
    expect(rows.map((r) => r.status)).toEqual(['submitted', 'submitted']);
    await mod.get(DeploymentsRepository).transition(id, null, ['running'], 'stopped');
  });

  it('uses the same targets as the backtester on the same bars (parity)', async () => {
    const id = await deploy({ fast: 2, slow: 4 });
    await addBars([96, 110], 6);
    await mod.get(DeploymentRunnerService).tick(id);
    const [row] = await db.query<{ target: number }[]>(`SELECT target FROM deployment_orders WHERE deployment_id = $1`, [id]);
    const closes = (await db.query<{ close: number }[]>(`SELECT close FROM bars WHERE symbol = $1 ORDER BY ts`, [symbol])).map((r) => r.close);
    const strategy = getStrategy('sma-cross');
    const all = computeTargets(strategy, strategyParams(strategy, { fast: 2, slow: 4 }), createIndicatorContext(marketData([symbol], [{ close: Float64Array.from(closes) }])));
    expect(row.target).toBe(all[0][closes.length - 1]);
    expect(row.target).toBe(1);
    await mod.get(DeploymentsRepository).transition(id, null, ['running'], 'stopped');
  });

  it('after a crash between recording and sending, a restarted runner sends the same order once, never a second', async () => {
    const id = await deploy({ fast: 2, slow: 3 }, { capital: 5_000 });
    orders.failNext = new Error('connection reset');
    // The decision is recorded (cursor moved, order pending), then sending fails.
    expect(await mod.get(DeploymentRunnerService).tick(id)).toMatchObject({ outcome: 'decided', sent: 0 });
    const [pending] = await db.query<{ status: string; client_order_id: string }[]>(`SELECT status, client_order_id FROM deployment_orders WHERE deployment_id = $1`, [id]);
    expect(pending.status).toBe('pending');

    // A new process: a fresh module on the same database.
    await mod.close();
    mod = await start();
    db = mod.get(DataSource);
    const again = await mod.get(DeploymentRunnerService).tick(id);
    expect(again).toMatchObject({ outcome: 'idle', sent: 1 });
    const tries = orders.submits.filter((s) => s.order.clientOrderId === pending.client_order_id);
    expect(tries).toHaveLength(2); // the failed try and the resend
    expect(tries[0].order.quantity.equals(tries[1].order.quantity)).toBe(true);
    expect([...orders.orders.keys()].filter((k) => k.endsWith(pending.client_order_id))).toHaveLength(1);
    // And a third tick sends nothing more.
    expect(await mod.get(DeploymentRunnerService).tick(id)).toMatchObject({ outcome: 'idle', sent: 0 });
    await mod.get(DeploymentsRepository).transition(id, null, ['running'], 'stopped');
  });

  it('two ticks at once decide a bar once', async () => {
    const id = await deploy({ fast: 2, slow: 3 }, { capital: 2_000 });
    const runner = mod.get(DeploymentRunnerService);
    const outcomes = await Promise.all([runner.tick(id), runner.tick(id), runner.tick(id)]);
    expect(outcomes.filter((o) => o.outcome === 'decided')).toHaveLength(1);
    const rows = await db.query<unknown[]>(`SELECT 1 FROM deployment_orders WHERE deployment_id = $1`, [id]);
    expect(rows).toHaveLength(1);
    await mod.get(DeploymentsRepository).transition(id, null, ['running'], 'stopped');
  });

  it('records a refusal of the submission path (4xx) on the order and does not retry it', async () => {
    const id = await deploy({ fast: 2, slow: 3 }, { capital: 3_000 });
    orders.failNext = new UnprocessableError('MAX_ORDER_NOTIONAL', 'Order notional above the limit');
    expect(await mod.get(DeploymentRunnerService).tick(id)).toMatchObject({ outcome: 'decided', sent: 0 });
    const [row] = await db.query<{ status: string; error: string }[]>(`SELECT status, error FROM deployment_orders WHERE deployment_id = $1`, [id]);
    expect(row).toEqual({ status: 'failed', error: 'MAX_ORDER_NOTIONAL: Order notional above the limit' });
    const count = orders.submits.length;
    expect(await mod.get(DeploymentRunnerService).tick(id)).toMatchObject({ outcome: 'idle', sent: 0 });
    expect(orders.submits.length).toBe(count);
    await mod.get(DeploymentsRepository).transition(id, null, ['running'], 'stopped');
  });

  it('does nothing for a paused or stopped deployment, and tickAll covers only running ones', async () => {
    const id = await deploy({ fast: 2, slow: 3 });
    await mod.get(DeploymentsRepository).transition(id, null, ['running'], 'paused');
    expect(await mod.get(DeploymentRunnerService).tick(id)).toMatchObject({ outcome: 'inactive', sent: 0 });
    const all = await mod.get(DeploymentRunnerService).tickAll();
    expect(all.map((o) => o.deploymentId)).not.toContain(id);
  });
});
