import { randomBytes } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { ConfigModule } from '../src/config/config.module';
import { ZERO, type Decimal } from '../src/common/decimal';
import { orderId, type AccountId } from '../src/common/typed-ids';
import { runMigrations } from '../src/database/data-source.factory';
import { DatabaseModule } from '../src/database/database.module';
import { MetricsModule } from '../src/monitoring/metrics/metrics.module';
import { IngestionRegistryModule } from '../src/data-sources/ingestion/ingestion-registry.module';
import { NewsModule } from '../src/data-sources/news/news.module';
import { SentimentScoringModule } from '../src/data-sources/sentiment/sentiment-scoring.module';
import { QueuesModule } from '../src/queues/queues.module';
import { alignSentiment, computeTargets, createIndicatorContext, getStrategy, marketData, strategyParams } from '../src/strategies/core';
import { DeploymentRunnerService } from '../src/strategies/runner/deployment-runner.service';
import { DeploymentsModule } from '../src/strategies/runner/deployments.module';
import { ORDER_SUBMISSION, type OrderSubmissionPort, type SubmissionResult, type SubmittedOrder, type SymbolExposure } from '../src/trading/orders/order-submission.port';
import { scratchDatabase } from './support/scratch-database';
import { deleteRedisPrefix, privateRedisPrefix } from './support/spawn-server';
import { DeploymentsService } from '../src/strategies/runner/deployments.service';

/** A test double of OUR submission port (as in deployments-runner.spec): fills at once, keeps positions. */
class RecordingOrders implements OrderSubmissionPort {
  readonly submits: SubmittedOrder[] = [];
  private readonly positions = new Map<string, Decimal>();
  async submit(_accountId: AccountId, order: SubmittedOrder): Promise<SubmissionResult> {
    this.submits.push(order);
    const signed = order.side === 'buy' ? order.quantity : order.quantity.neg();
    this.positions.set(order.symbol, (this.positions.get(order.symbol) ?? ZERO).plus(signed));
    return { id: orderId(`00000000-0000-4000-8000-${randomBytes(6).toString('hex')}`), status: 'filled', filledQuantity: order.quantity, created: true };
  }
  async cancel(): Promise<SubmissionResult> {
    throw new Error('not used by the runner');
  }
  async exposure(_accountId: AccountId, symbol: string): Promise<SymbolExposure> {
    return { position: this.positions.get(symbol) ?? ZERO, openBuy: ZERO, openSell: ZERO };
  }
}
const orders = new RecordingOrders();

@Global()
@Module({ providers: [{ provide: ORDER_SUBMISSION, useValue: orders }], exports: [ORDER_SUBMISSION] })
class RecordingOrdersModule {}

/**
 * sentiment-intraday deployed live on stored news sentiment (issue 7): the hand-built day of
 * sentiment-intraday.strategy.spec.ts (half-hour bars; a positive spike with a -3% move at bar 20,
 * 10:30 UTC, is faded long), its items stored as scored articles. An article published after the
 * newest bar's close must not reach that bar's decision.
 */
const HALF_HOUR = 1_800_000;
const PARAMS = { lookback: 6, reactionBars: 2, zScore: 2, zMentions: 2, fadeZ: 2, exitZ: 0.5, maxHoldBars: 3, size: 1, timeZone: 8, openMinute: 360, closeMinute: 1200, weekdays: 127, barMinutes: 0 };
const N = 22;
const TS = Float64Array.from({ length: N }, (_, i) => Date.parse('2024-07-08T00:30:00Z') + i * HALF_HOUR);

/**
 * Closes and the items stored before the test's late burst: a spike with a -3% move at bar 7
 * (out of session), the usual items elsewhere, and -3% moves at bars 20 (10:30) and 21 (11:00)
 * with only the usual items stored for them. The burst (10 items of 0.9) is published at 10:35,
 * after bar 20's close: bar 21's news.
 */
function day(): { close: Float64Array; items: { publishedAt: number; score: number }[]; late: { publishedAt: number; score: number }[] } {
  const close = new Float64Array(N);
  const items: { publishedAt: number; score: number }[] = [];
  let p = 100;
  for (let t = 0; t < N; t++) {
    p *= Math.exp(t === 7 || t === 20 || t === 21 ? -0.03 : [0.001, -0.0004, -0.0006][t % 3]);
    close[t] = p;
    const count = t === 7 ? 10 : t === 14 ? 12 : [1, 2, 1, 3][t % 4];
    const score = t === 7 ? 0.9 : [0.1, 0, -0.1, 0.05][t % 4];
    for (let j = 0; j < count; j++) items.push({ publishedAt: TS[t] - 600_000, score });
  }
  items.sort((a, b) => a.publishedAt - b.publishedAt);
  const late = Array.from({ length: 10 }, () => ({ publishedAt: TS[20] + 300_000, score: 0.9 }));
  return { close, items, late };
}

describe('sentiment-intraday deployments on stored sentiment (point in time)', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let mod: TestingModule;
  let db: DataSource;
  const symbol = `SNT${randomBytes(3).toString('hex').toUpperCase()}`;
  const prefix = privateRedisPrefix('depsent');

  beforeAll(async () => {
    scratch = await scratchDatabase('depsent');
    await runMigrations({ databaseUrl: scratch.url });
    const config = loadConfig({ ...process.env, QUANTDESK_ROLE: 'api', DATABASE_URL: scratch.url, REDIS_PREFIX: prefix });
    mod = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        QueuesModule.forRoot(config),
        MetricsModule,
        IngestionRegistryModule,
        SentimentScoringModule,
        NewsModule,
        DeploymentsModule.withOrders(RecordingOrdersModule),
      ],
    }).compile();
    await mod.init();
    db = mod.get(DataSource);
  }, 60_000);

  afterAll(async () => {
    await mod?.close();
    await deleteRedisPrefix(prefix);
    await scratch?.drop();
  });

  async function storeItem(publishedAt: number, score: number): Promise<void> {
    const [a] = await db.query<{ id: string; received_at: Date }[]>(
      `INSERT INTO news_articles (provider, source, url, canonical_url, title, published_at, symbols) VALUES ('rss', 'test', $1, $1, 'item', $2, $3) RETURNING id, received_at`,
      [`https://example.com/${symbol}/${randomBytes(6).toString('hex')}`, new Date(publishedAt), [symbol]],
    );
    await db.query(
      `INSERT INTO article_sentiment (article_id, symbol, scorer, score, label, confidence, own_score, published_at, received_at) VALUES ($1, $2, 'vader-finance', $3, 'neutral', 0.5, $3, $4, $5)`,
      [a.id, symbol, score, new Date(publishedAt), a.received_at],
    );
  }

  it('acts on stored sentiment; an article published after a bar\'s close does not reach that bar\'s decision', async () => {
    const { close, items, late } = day();
    await db.query(`SELECT bars_ensure_partitions($1::timestamptz, $2::timestamptz)`, [new Date(TS[0]).toISOString(), new Date(TS[N - 1] + 86_400_000).toISOString()]);
    const addBars = async (from: number, to: number): Promise<void> => {
      for (let t = from; t < to; t++) await db.query(`INSERT INTO bars (symbol, timeframe, ts, close) VALUES ($1, '30m', $2, $3)`, [symbol, new Date(TS[t]).toISOString(), close[t]]);
      await db.query(`SELECT bars_latest_refresh($1, '30m')`, [symbol]);
    };
    await addBars(0, 21);
    for (const it of [...items, ...late]) await storeItem(it.publishedAt, it.score);

    // What the backtester decides (alignSentiment over the same items), and proof the test can
    // fail: had the late burst been counted in bar 20, the decision there would be long.
    const strategy = getStrategy('sentiment-intraday');
    const targetAt = (n: number, its: { publishedAt: number; score: number }[]): number => {
      const ts = TS.subarray(0, n);
      return computeTargets(strategy, strategyParams(strategy, PARAMS), createIndicatorContext(marketData([symbol], [{ close: close.subarray(0, n), sentiment: alignSentiment(ts, its) }], { timestamps: ts })))[0][n - 1];
    };
    const all = [...items, ...late].sort((a, b) => a.publishedAt - b.publishedAt);
    expect(targetAt(21, all)).toBe(0);
    const leaked = [...items, ...late.map((l) => ({ ...l, publishedAt: TS[20] - 60_000 }))].sort((a, b) => a.publishedAt - b.publishedAt);
    expect(targetAt(21, leaked)).toBe(1);
    expect(targetAt(22, all)).toBe(1);

    const [{ id: accountId }] = await db.query<{ id: string }[]>(`INSERT INTO accounts (name) VALUES ($1) RETURNING id`, [`sent-${symbol}`]);
    // Through the service, as POST /api/v1/deployments: accepted now that stored sentiment feeds it.
    const dep = await mod.get(DeploymentsService).create(
      { keyId: accountId, keyName: 'spec', accountId, role: 'trader' },
      { strategy: 'sentiment-intraday', params: PARAMS, symbols: [symbol], timeframe: '30m', capital: 10_000, lookbackBars: 1000 },
    );
    const runner = mod.get(DeploymentRunnerService);
    // Bar 20 (10:30): the burst of 10:35 is not known yet: flat, nothing sent.
    expect(await runner.tick(dep.id)).toMatchObject({ outcome: 'decided', barMs: TS[20], sent: 0 });
    // Bar 21 (11:00): the stored burst is bar 21's spike, the -3% is faded: long.
    await addBars(21, 22);
    expect(await runner.tick(dep.id)).toMatchObject({ outcome: 'decided', barMs: TS[21], sent: 1 });
    const rows = await db.query<{ target: number; bar_ms: string }[]>(`SELECT target, bar_ms FROM deployment_orders WHERE deployment_id = $1 ORDER BY bar_ms`, [dep.id]);
    expect(rows.map((r) => Number(r.target))).toEqual([1]);
    expect(orders.submits.at(-1)?.side).toBe('buy');
  });
});
