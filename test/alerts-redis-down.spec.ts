import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ALERT_RAISER, type AlertRaiser } from '../src/alerts/alert-raise.port';
import { startSlackServer, type RunningHttp } from './support/alert-provider-servers';
import { createTestKey } from './support/market-data-keys';
import { freePort } from './support/spawn-server';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const SLACK_PATH = '/services/TDOWN/BDOWN/redis';

/** A redis-server of this spec's own (no persistence: a restart comes back EMPTY, the worst case). */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  for (let i = 0; i < 100; i++) {
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return child;
    } catch {
      await sleep(50);
    }
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server on ${port} did not start`);
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/**
 * DESIGN.md principle 5 under a Redis outage: alerts raised while Redis is down wait in the
 * PostgreSQL outbox (pending deliveries), and go out once it is back, even though it comes back
 * empty (no persistence): none lost, none sent twice. The Slack stand-in counts every request.
 */
describe('alerts while Redis is down', () => {
  let redisPort: number;
  let redis: ChildProcess;
  let slack: RunningHttp;
  let t: TestApp;
  let db: DataSource;
  let raiser: AlertRaiser;
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    slack = await startSlackServer(SLACK_PATH);
    t = await startIsolatedTestApp('alerts-redis-down', {
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      ALERTS_ALLOW_INSECURE_WEBHOOKS: 'true',
      ALERTS_ALLOW_ADDRESSES: 'loopback',
      ALERTS_SWEEP_EVERY_MS: '300',
      ALERTS_DELIVERY_BACKOFF_MS: '100',
      ALERTS_HEALTH_CHECK_MS: '250',
      ALERTS_THROTTLE_MAX: '1000',
    });
    db = t.app.get(DataSource);
    raiser = t.app.get<AlertRaiser>(ALERT_RAISER);
    const trader = { authorization: `Bearer ${await createTestKey(db, 'trader')}` };
    const sub = await t.app.inject({ method: 'POST', url: '/api/v1/alerts/subscriptions', headers: trader, payload: { channel: 'slack', minSeverity: 'info', target: `${slack.url}${SLACK_PATH}` } });
    expect(sub.statusCode).toBe(201);
  }, 60_000);
  afterAll(async () => {
    // Redis must answer for the app's queues to close.
    if (redis && redis.exitCode !== null) redis = await startRedis(redisPort);
    await t?.close();
    await slack?.close();
    if (redis) await stopRedis(redis);
  }, 60_000);

  /** Slack texts received, counted per text. */
  const received = (): Map<string, number> => {
    const m = new Map<string, number>();
    for (const r of slack.requests) {
      const text = (JSON.parse(r.body) as { text: string }).text;
      m.set(text, (m.get(text) ?? 0) + 1);
    }
    return m;
  };
  const statusCounts = async (): Promise<Record<string, number>> => {
    const rows = await db.query<{ status: string; n: number }[]>(`SELECT status, count(*)::int AS n FROM alert_deliveries GROUP BY status`);
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  };
  async function until(what: string, check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }
  const raise = (n: number, phase: string): Promise<(string | null)[]> =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        raiser.raise({ rule: 'spec_outage', severity: 'warning', title: `${phase} ${run} #${i}`, body: `alert ${i} of ${phase}`, accountId: null }),
      ),
    );

  it('delivers every alert exactly once across a Redis outage and an empty restart', async () => {
    const before = await raise(10, 'before');
    expect(before.every((id) => id !== null)).toBe(true);
    await until('the first alerts to go out', async () => (await statusCounts()).sent === 10);

    await stopRedis(redis);
    // Raised with Redis gone: standalone and inside callers' transactions (outbox in their tx).
    const during = await raise(10, 'during');
    const inTx = await db.transaction(async (tx) => {
      const ids: (string | null)[] = [];
      for (let i = 0; i < 5; i++) ids.push(await raiser.raise({ rule: 'spec_outage', severity: 'warning', title: `tx ${run} #${i}`, body: `in a transaction ${i}`, accountId: null }, tx));
      return ids;
    });
    // A transaction that rolls back takes its alert with it: never delivered.
    await db
      .transaction(async (tx) => {
        await raiser.raise({ rule: 'spec_outage', severity: 'warning', title: `rolled back ${run}`, body: 'never', accountId: null }, tx);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect([...during, ...inTx].every((id) => id !== null)).toBe(true);
    // The health watch notices (its probe times out after 1.5 s) and writes its own alert.
    await until('the redis_down alert', async () => (await db.query<unknown[]>(`SELECT 1 FROM alerts WHERE rule = 'redis_down'`)).length === 1, 10_000);
    // Several sweeps pass with Redis down: nothing goes out, everything waits.
    await sleep(1000);
    expect(slack.requests).toHaveLength(10);
    const waiting = await statusCounts();
    // 15 raised while down, plus the watch's own "Redis is down" alert (firm-wide, to every subscriber).
    expect(waiting).toEqual({ sent: 10, pending: 16 });

    redis = await startRedis(redisPort);
    await until('the outbox to drain', async () => (await statusCounts()).sent === 26, 45_000);
    // A few more sweep periods: nothing is sent again.
    await sleep(1500);

    const counts = received();
    const expected = [
      ...Array.from({ length: 10 }, (_, i) => `[WARNING] before ${run} #${i}\nalert ${i} of before`),
      ...Array.from({ length: 10 }, (_, i) => `[WARNING] during ${run} #${i}\nalert ${i} of during`),
      ...Array.from({ length: 5 }, (_, i) => `[WARNING] tx ${run} #${i}\nin a transaction ${i}`),
    ];
    for (const text of expected) expect([text, counts.get(text)]).toEqual([text, 1]);
    const down = [...counts.entries()].filter(([text]) => text.startsWith('[CRITICAL] Redis (queues) is down'));
    expect(down).toHaveLength(1);
    expect(down[0][1]).toBe(1);
    expect(slack.requests).toHaveLength(26);
    expect([...counts.keys()].some((text) => text.includes('rolled back'))).toBe(false);
    expect(await statusCounts()).toEqual({ sent: 26 });
    const [{ n }] = await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM alerts WHERE title = $1`, [`rolled back ${run}`]);
    expect(n).toBe(0);
  }, 120_000);
});
