/**
 * `npm run bench -- paper-broker [--orders N] [--rate R] [--latency MS] [--keep-db]`: the paper
 * broker's own share of the order path (issue 5's goal for the whole path: 1,000 submissions a
 * second with p99 under 10 ms end to end). N orders (default 5,000) are submitted at R per second
 * (default 1,000) on a scratch database that is dropped afterwards; printed: the achieved rate
 * and the p50/p99/max of one submit (latency timer, one INSERT, the immediate match), for resting
 * limit orders and for market orders filled at once against a quote (one more statement each).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Decimal } from '../src/common/decimal';
import { accountId, clientOrderId } from '../src/common/typed-ids';
import { loadConfig } from '../src/config/app-config';
import { dropDatabase, ensureDatabase } from '../src/database/database-bootstrap';
import { dataSourceOptions, runMigrations } from '../src/database/data-source.factory';
import { PaperBroker } from '../src/trading/brokers/paper/paper-broker';
import { PaperBrokerRepository } from '../src/trading/brokers/paper/paper-broker.repository';
import type { OrderSpec } from '../src/trading/orders/order.types';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Submits `n` orders at `rate` per second (each started on its schedule, not after the last ended). */
async function paced(n: number, rate: number, submit: (i: number) => Promise<unknown>): Promise<{ perSecond: number; ms: number[] }> {
  const ms: number[] = new Array<number>(n);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const t = performance.now();
    inFlight.push(
      submit(i).then(() => {
        ms[i] = performance.now() - t;
      }),
    );
  }
  await Promise.all(inFlight);
  const elapsed = performance.now() - started;
  return { perSecond: (n * 1000) / elapsed, ms: ms.sort((a, b) => a - b) };
}

async function main(): Promise<void> {
  const orders = Number(arg('--orders') ?? 5000);
  const rate = Number(arg('--rate') ?? 1000);
  const latencyMs = Number(arg('--latency') ?? 0);
  if (!Number.isInteger(orders) || orders < 1) throw new Error('--orders must be a positive integer');
  if (!(rate > 0)) throw new Error('--rate must be > 0');
  if (!Number.isInteger(latencyMs) || latencyMs < 0) throw new Error('--latency must be an integer >= 0');

  const config = loadConfig();
  const base = new URL(config.databaseUrl);
  base.pathname = `/quantdesk_bench_${randomBytes(4).toString('hex')}`;
  const url = base.toString();
  await ensureDatabase(url, true);
  const db = new DataSource(dataSourceOptions({ databaseUrl: url, databasePoolSize: config.databasePoolSize }));
  try {
    await runMigrations({ databaseUrl: url });
    await db.initialize();
    const [{ id }] = await db.query<{ id: string }[]>(`INSERT INTO accounts (name) VALUES ('bench') RETURNING id`);
    const broker = new PaperBroker(new PaperBrokerRepository(db), {
      accountId: accountId(id),
      latencyMs,
      participation: 0.1,
      startingCash: new Decimal(1e9),
      costs: { commissionBps: 1, slippageBps: 2 },
      barTimeframe: '1m',
    });
    await broker.start();
    await broker.onQuote('BENCH', { time: new Date(), bid: 99.99, ask: 100.01, bidSize: 1e9, askSize: 1e9 });
    const order = (i: number, o: Partial<OrderSpec>): OrderSpec => ({
      clientOrderId: clientOrderId(`bench-${o.type}-${i}`),
      symbol: 'BENCH',
      side: 'buy',
      type: 'market',
      quantity: new Decimal(10),
      timeInForce: 'gtc',
      ...o,
    });
    // Warm-up, then the timed runs. The first seconds on a fresh database are much slower (V8
    // optimizing, the pool's connections, the new tables' first pages and statistics), so two
    // seconds of both kinds of order go first.
    const warm = Math.max(1, Math.round(rate));
    await paced(warm, rate, (i) => broker.submit(order(i, { type: 'limit', limitPrice: new Decimal(50), clientOrderId: clientOrderId(`warm-limit-${i}`) })));
    await paced(warm, rate, (i) => broker.submit(order(i, { type: 'market', clientOrderId: clientOrderId(`warm-market-${i}`) })));
    const resting = await paced(orders, rate, (i) => broker.submit(order(i, { type: 'limit', limitPrice: new Decimal(50) })));
    const filled = await paced(orders, rate, (i) => broker.submit(order(i, { type: 'market' })));
    await broker.close();
    const line = (what: string, r: { perSecond: number; ms: number[] }): string =>
      `  ${what.padEnd(44)} ${r.perSecond.toFixed(0).padStart(6)}/s  p50 ${quantile(r.ms, 0.5).toFixed(2)} ms  p99 ${quantile(r.ms, 0.99).toFixed(2)} ms  max ${r.ms[r.ms.length - 1].toFixed(2)} ms`;
    process.stdout.write(
      [
        `paper-broker: ${orders} orders per case at ${rate}/s, latency ${latencyMs} ms, pool ${config.databasePoolSize}`,
        line('limit orders resting (1 INSERT each)', resting),
        line('market orders filled at once on the quote', filled),
      ].join('\n') + '\n',
    );
  } finally {
    if (db.isInitialized) await db.destroy();
    if (!process.argv.includes('--keep-db')) await dropDatabase(url);
    else process.stderr.write(`kept ${url}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
