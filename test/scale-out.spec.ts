import { hostname } from 'node:os';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { runMigrations } from '../src/database/data-source.factory';
import { redisConnectionOptions } from '../src/queues/redis-connection';
import { createTestKey } from './support/market-data-keys';
import { scratchDatabase } from './support/scratch-database';
import { deleteRedisPrefix, privateRedisPrefix, spawnServer, type ServerProcess } from './support/spawn-server';

/**
 * Scale-out (issue 8) with the compiled server: one process of role `api` and two of role
 * `worker` on one database and one Redis prefix.
 *
 * - A parameter sweep submitted to the api process is computed by both worker processes and by
 *   no other: each stored chunk names its process (`computed_by`, host:pid).
 * - The deployments tick, a BullMQ job scheduler both workers upsert, exists once and runs once
 *   per interval (two schedulers, or one per process, would run about twice as often).
 * - With both workers SIGKILLed, an order sent to the api process is accepted (201) and filled
 *   by the paper broker on the next bar imported there: the OMS, the pre-trade gate, the paper
 *   book and its matching run inside the process that received the order, not on a queue.
 */
jest.setTimeout(90_000);

const TICK_MS = 250;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A seeded random walk of daily closes (xorshift32; the values only need to vary). */
function dailyBars(n: number): { ts: string; open: number; high: number; low: number; close: number; volume: number }[] {
  let s = 0x9e3779b9;
  let close = 100;
  const day0 = Date.UTC(2000, 0, 3);
  return Array.from({ length: n }, (_, i) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    close = Math.max(5, close * (1 + ((s >>> 0) / 2 ** 32 - 0.5) * 0.04));
    return { ts: new Date(day0 + i * 86_400_000).toISOString(), open: close, high: close * 1.01, low: close * 0.99, close, volume: 1_000_000 };
  });
}

describe('scale-out: one api process, two worker processes', () => {
  const prefix = privateRedisPrefix('scale');
  let scratch: { url: string; drop: () => Promise<void> };
  let api: ServerProcess;
  const workers: ServerProcess[] = [];
  let db: DataSource;
  let headers: Record<string, string>;
  const symbol = 'SCALEA';

  const identity = (s: ServerProcess): string => `${hostname()}:${s.child.pid}`;
  const post = (path: string, body: unknown): Promise<Response> => fetch(`${api.baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`${api.baseUrl}${path}`, { headers })).json()) as T;

  beforeAll(async () => {
    scratch = await scratchDatabase('scale');
    await runMigrations({ databaseUrl: scratch.url });
    const env = { DATABASE_URL: scratch.url, REDIS_PREFIX: prefix, DEPLOYMENT_TICK_MS: String(TICK_MS), PAPER_LATENCY_MS: '1' };
    const started = await Promise.all([
      spawnServer({ label: 'scale_api', env: { ...env, QUANTDESK_ROLE: 'api' }, readyTimeoutMs: 60_000 }),
      spawnServer({ label: 'scale_w1', env: { ...env, QUANTDESK_ROLE: 'worker' }, readyTimeoutMs: 60_000 }),
      spawnServer({ label: 'scale_w2', env: { ...env, QUANTDESK_ROLE: 'worker' }, readyTimeoutMs: 60_000 }),
    ]);
    [api] = started;
    workers.push(started[1], started[2]);
    db = new DataSource({ type: 'postgres', url: scratch.url });
    await db.initialize();
    headers = { authorization: `Bearer ${await createTestKey(db, 'trader')}`, 'content-type': 'application/json' };
  });

  afterAll(async () => {
    // The processes share one database and prefix: kill them all, then drop both once.
    for (const s of [api, ...workers]) {
      if (s && s.child.exitCode === null && s.child.signalCode === null) {
        s.child.kill('SIGKILL');
        await s.exited;
      }
    }
    await db?.destroy();
    await deleteRedisPrefix(prefix);
    await scratch?.drop();
  });

  it('a worker process serves only /health and /metrics; the api process serves the API', async () => {
    expect((await fetch(`${workers[0].baseUrl}/api/v1/orders`, { headers })).status).toBe(404);
    expect((await fetch(`${api.baseUrl}/api/v1/orders`, { headers })).status).toBe(200);
  });

  it('a parameter sweep sent to the api process is split across both worker processes', async () => {
    const imported = await post('/api/v1/market-data/bars', { symbol, timeframe: '1d', rows: dailyBars(3000) });
    expect(imported.status).toBe(201);
    // 100 x 96 = 9,600 combinations: 38 chunk jobs of 256.
    const res = await post('/api/v1/optimizations', {
      strategy: 'sma-cross',
      symbols: [symbol],
      timeframe: '1d',
      grid: { fast: '2:101:1', slow: '110:300:2' },
      objective: 'sharpe',
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    let run: { status: string; result?: { chunks?: number } } = { status: 'queued' };
    for (let i = 0; i < 600 && !['completed', 'failed', 'cancelled'].includes(run.status); i++) {
      await sleep(100);
      run = await get(`/api/v1/optimizations/${id}`);
    }
    expect(run.status).toBe('completed');
    expect(run.result?.chunks).toBe(38);

    const byProcess = await db.query<{ computed_by: string | null; n: number }[]>(
      `SELECT computed_by, count(*)::int AS n FROM research_optimization_chunks WHERE run_id = $1 GROUP BY computed_by ORDER BY computed_by`,
      [id],
    );
    const counts = new Map(byProcess.map((r) => [r.computed_by, r.n]));
    // Every chunk was computed once, by one of the two workers; both took part; the api process took none.
    expect([...counts.keys()].sort()).toEqual(workers.map(identity).sort());
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(38);
    expect(counts.has(identity(api))).toBe(false);
  });

  it('the deployments tick, upserted by both workers, is one scheduler and runs once per interval', async () => {
    for (const w of workers) await w.waitForOutput(new RegExp(`Deployments tick scheduled every ${TICK_MS} ms`));
    expect(api.stdout()).not.toMatch(/Deployments tick scheduled/);
    const queue = new Queue('deployments', { connection: redisConnectionOptions(loadConfig(process.env)), prefix });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => s.key)).toEqual(['deployments.tick']);

      const from = Date.now();
      await sleep(3000);
      // Slots up to a second ago: every one of them has had time to be processed.
      const to = Date.now() - 1000;
      const jobs = await queue.getJobs(['completed'], 0, 99);
      const slots = jobs
        .filter((j) => j.repeatJobKey === 'deployments.tick')
        .map((j) => Number(String(j.id).split(':').pop()))
        .filter((ms) => ms >= from && ms < to);
      const expected = (to - from) / TICK_MS;
      expect(new Set(slots).size).toBe(slots.length);
      // At most one run per interval (two schedulers would give about twice as many); at least half
      // of them, so the schedule is running (a loaded machine may still be behind on a few).
      expect(slots.length).toBeLessThanOrEqual(Math.ceil(expected) + 1);
      expect(slots.length).toBeGreaterThanOrEqual(Math.floor(expected / 2));
    } finally {
      await queue.close();
    }
  });

  it('with both workers SIGKILLed, an order through the api process is accepted and fills on the next bar', async () => {
    for (const w of workers) {
      w.child.kill('SIGKILL');
      expect((await w.exited).signal).toBe('SIGKILL');
    }
    const minute = Date.UTC(2024, 6, 10, 14, 0);
    const bar = (i: number): Record<string, unknown> => ({ ts: new Date(minute + i * 60_000).toISOString(), open: 40, high: 41, low: 39, close: 40, volume: 1_000_000 });
    expect((await post('/api/v1/market-data/bars', { symbol, timeframe: '1m', rows: [bar(0)] })).status).toBe(201);
    const placed = await post('/api/v1/orders', { clientOrderId: 'scale-1', symbol, side: 'buy', type: 'market', quantity: '5', timeInForce: 'gtc' });
    expect(placed.status).toBe(201);
    const { id } = (await placed.json()) as { id: string };
    expect((await post('/api/v1/market-data/bars', { symbol, timeframe: '1m', rows: [bar(1)] })).status).toBe(201);
    let order: { status: string; filledQuantity?: string } = { status: '' };
    for (let i = 0; i < 100 && order.status !== 'filled'; i++) {
      order = await get(`/api/v1/orders/${id}`);
      if (order.status !== 'filled') await sleep(50);
    }
    expect(order).toMatchObject({ status: 'filled' });
    const [{ q }] = await db.query<{ q: string }[]>(`SELECT coalesce(sum(quantity), 0)::text AS q FROM fills WHERE order_id = $1`, [id]);
    expect(Number(q)).toBe(5);
    expect((await fetch(`${api.baseUrl}/health/ready`)).status).toBe(200);
  });
});
