import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { runMigrations } from '../src/database/data-source.factory';
import { createTestKey } from './support/market-data-keys';
import { scratchDatabase } from './support/scratch-database';
import { deleteRedisPrefix, freePort, privateRedisPrefix, runServerToExit } from './support/spawn-server';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * DATABASE_REPLICA_URLS: the "replica" is a read-only login role on the same PostgreSQL
 * (default_transaction_read_only = on, SELECT only), so anything the app sends to it that writes
 * fails, and pg_stat_activity shows which statements its connections ran. The replica-safe reads
 * (a bar page, a research run's closes) must run there; every write (a bar import, an order and
 * its fill, a research run's rows) must still succeed, i.e. go to DATABASE_URL, and an order is
 * read back at once (read-your-writes on the primary).
 */
jest.setTimeout(60_000);

async function admin<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

describe('a read replica through DATABASE_REPLICA_URLS', () => {
  const role = `qd_replica_${randomBytes(4).toString('hex')}`;
  const prefix = privateRedisPrefix('replica');
  let scratch: { url: string; drop: () => Promise<void> };
  let replicaUrl: string;
  let t: TestApp;
  let db: DataSource;
  let auth: Record<string, string>;
  const symbol = `RPL${randomBytes(2).toString('hex').toUpperCase()}`;

  /** The statements the replica role's connections ran last (pg_stat_activity keeps one per backend). */
  const replicaStatements = async (): Promise<string[]> =>
    (
      await admin<{ query: string }>(scratch.url, `SELECT query FROM pg_stat_activity WHERE usename = $1 AND datname = current_database()`, [role])
    ).map((r) => r.query);

  beforeAll(async () => {
    scratch = await scratchDatabase('replica');
    await runMigrations({ databaseUrl: scratch.url });
    const dbName = new URL(scratch.url).pathname.slice(1);
    await admin(scratch.url, `CREATE ROLE ${role} LOGIN`);
    await admin(scratch.url, `GRANT CONNECT ON DATABASE "${dbName}" TO ${role}`);
    await admin(scratch.url, `GRANT USAGE ON SCHEMA public TO ${role}`);
    await admin(scratch.url, `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    await admin(scratch.url, `ALTER ROLE ${role} SET default_transaction_read_only = on`);
    const u = new URL(scratch.url);
    u.username = role;
    replicaUrl = u.toString();
    t = await startTestApp({ DATABASE_URL: scratch.url, REDIS_PREFIX: prefix, DATABASE_REPLICA_URLS: replicaUrl });
    db = new DataSource({ type: 'postgres', url: scratch.url });
    await db.initialize();
    auth = { authorization: `Bearer ${await createTestKey(db, 'trader')}` };
  });

  afterAll(async () => {
    await t?.close();
    await db?.destroy();
    await deleteRedisPrefix(prefix);
    await scratch?.drop();
    // The database's grants went with it; the role is cluster-wide.
    await admin(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', `DROP ROLE IF EXISTS ${role}`);
  });

  it('the replica role refuses writes (the control: a write routed there would fail)', async () => {
    await expect(admin(replicaUrl, `INSERT INTO accounts (name) VALUES ('must-fail')`)).rejects.toThrow(/read-only transaction|permission denied/);
  });

  it('a bar import writes to the primary; the bar page is read from the replica', async () => {
    const day0 = Date.UTC(2023, 0, 2);
    const rows = Array.from({ length: 120 }, (_, i) => {
      const close = 100 + 10 * Math.sin(i / 7) + i * 0.05;
      return { ts: new Date(day0 + i * 86_400_000).toISOString(), open: close, high: close + 1, low: close - 1, close, volume: 1000 };
    });
    const imported = await t.app.inject({ method: 'POST', url: '/api/v1/market-data/bars', headers: auth, payload: { symbol, timeframe: '1d', rows } });
    expect(imported.statusCode).toBe(201);

    const page = await t.app.inject({ method: 'GET', url: `/api/v1/market-data/bars?symbol=${symbol}&timeframe=1d&limit=50`, headers: auth });
    expect(page.statusCode).toBe(200);
    expect(page.json<{ data: unknown[] }>().data).toHaveLength(50);
    expect((await replicaStatements()).some((q) => q.includes('AT TIME ZONE') && q.includes('FROM bars'))).toBe(true);
  });

  it("a backtest's closes are read from the replica; its run rows are written to the primary", async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: auth,
      payload: { strategy: 'sma-cross', params: { fast: 5, slow: 20 }, symbols: [symbol], timeframe: '1d' },
    });
    expect(res.statusCode).toBe(202);
    const { id } = res.json<{ id: string }>();
    let status = '';
    for (let i = 0; i < 200 && status !== 'completed' && status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await t.app.inject({ method: 'GET', url: `/api/v1/backtests/${id}`, headers: auth })).json<{ status: string }>().status;
    }
    expect(status).toBe('completed');
    expect((await replicaStatements()).some((q) => q.includes('extract(epoch FROM ts) * 1000') && q.includes('ANY($1::text[])'))).toBe(true);
  });

  it('an order is written to the primary, read back at once, and fills on the next bar', async () => {
    const minute = Date.UTC(2024, 6, 10, 14, 0);
    const bar = (i: number): Record<string, unknown> => ({ ts: new Date(minute + i * 60_000).toISOString(), open: 50, high: 51, low: 49, close: 50, volume: 1_000_000 });
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/market-data/bars', headers: auth, payload: { symbol, timeframe: '1m', rows: [bar(0)] } });
    expect(first.statusCode).toBe(201);
    let placed = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: auth, payload: { clientOrderId: 'rpl-1', symbol, side: 'buy', type: 'market', quantity: '3', timeInForce: 'gtc' } });
    // A new account's first reconciliation may still be running (503 until it has passed).
    for (let i = 0; i < 50 && placed.statusCode === 503; i++) {
      await new Promise((r) => setTimeout(r, 100));
      placed = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: auth, payload: { clientOrderId: 'rpl-1', symbol, side: 'buy', type: 'market', quantity: '3', timeInForce: 'gtc' } });
    }
    expect(placed.statusCode).toBe(201);
    const { id } = placed.json<{ id: string }>();
    const readBack = await t.app.inject({ method: 'GET', url: `/api/v1/orders/${id}`, headers: auth });
    expect(readBack.statusCode).toBe(200);
    expect(readBack.json<{ status: string }>().status).toBe('accepted');

    const next = await t.app.inject({ method: 'POST', url: '/api/v1/market-data/bars', headers: auth, payload: { symbol, timeframe: '1m', rows: [bar(1)] } });
    expect(next.statusCode).toBe(201);
    let status = '';
    for (let i = 0; i < 100 && status !== 'filled'; i++) {
      status = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${id}`, headers: auth })).json<{ status: string }>().status;
      if (status !== 'filled') await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe('filled');
    const [{ n }] = await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM fills WHERE order_id = $1`, [id]);
    expect(n).toBeGreaterThan(0);
  });

  it('with the replica refusing connections, replica-safe reads are answered by the primary', async () => {
    await admin(scratch.url, `ALTER ROLE ${role} NOLOGIN`);
    await admin(scratch.url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [role]);
    // Not cached: a page size asked for nowhere else.
    const page = await t.app.inject({ method: 'GET', url: `/api/v1/market-data/bars?symbol=${symbol}&timeframe=1d&limit=37`, headers: auth });
    expect(page.statusCode).toBe(200);
    expect(page.json<{ data: unknown[] }>().data).toHaveLength(37);
    expect(await replicaStatements()).toEqual([]);
  });

  it('the compiled server refuses to start, in one line naming the replica, when a replica does not answer', async () => {
    const port = await freePort();
    const dead = `postgres://ro:hidden@127.0.0.1:${port}/quantdesk`;
    const r = await runServerToExit({ label: 'norepl', env: { DATABASE_REPLICA_URLS: `${scratch.url},${dead}` } });
    try {
      expect(r.signal).toBeNull();
      expect(r.code).not.toBe(0);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`Cannot reach read replica 2 of 2 at postgres://ro:***@127.0.0.1:${port}/quantdesk`);
      expect(lines[0]).toContain('DATABASE_REPLICA_URLS');
      expect(r.stderr).not.toContain('hidden');
    } finally {
      await r.server.cleanup();
    }
  });
});
