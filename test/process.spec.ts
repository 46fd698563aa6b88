import { connect, type Socket } from 'node:net';
import { Client } from 'pg';
import { Queue, type Job } from 'bullmq';
import { loadConfig } from '../src/config/app-config';
import { redisConnectionOptions } from '../src/queues/redis-connection';
import { freePort, runServerToExit, spawnServer, type ServerProcess } from './support/spawn-server';

/**
 * The compiled server as an operator runs it (`node dist/src/main.js`): start-up on a fresh
 * database, one-line failures, and graceful shutdown on SIGTERM.
 */

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function databaseExists(url: string): Promise<boolean> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return (await query(admin.toString(), 'SELECT 1 FROM pg_database WHERE datname = $1', [name])).length === 1;
}

/** The lines a failed start printed on stderr, and a check that none is a stack frame. */
function expectOneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0];
}

async function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** Opens a POST whose body arrives only when `finish()` is called: a request in flight. */
function slowRequest(
  port: number,
  path: string,
): Promise<{ finish: () => void; answered: () => boolean; response: Promise<{ status: number; body: string }> }> {
  const body = JSON.stringify({ slow: true });
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      );
      socket.write(body.slice(0, 5));
      let raw = '';
      const response = new Promise<{ status: number; body: string }>((done, fail) => {
        socket.on('data', (c: Buffer) => (raw += c.toString()));
        socket.once('error', fail);
        socket.once('close', () => {
          const [head, ...rest] = raw.split('\r\n\r\n');
          done({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0), body: rest.join('\r\n\r\n') });
        });
      });
      resolve({ finish: () => socket.end(body.slice(5)), answered: () => raw !== '', response });
    });
    socket.once('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the server process', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.cleanup();
    server = undefined;
  });

  it('starts with no configuration but its URLs: creates its database and applies the migrations', async () => {
    server = await spawnServer({ label: 'zero' });
    expect(await databaseExists(server.databaseUrl)).toBe(true);
    const migrations = await query<{ name: string }>(server.databaseUrl, 'SELECT name FROM migrations ORDER BY id');
    expect(migrations.map((m) => m.name)).toContain('Foundation1764000000000');
    expect(server.stdout()).toMatch(/"message":"Created the database"/);
    expect(server.stdout()).toMatch(/"message":"Applied migrations: Foundation1764000000000/);
    // Start-up upkeep ran: this month's partition exists, and the schedules are in Redis.
    await server.waitForOutput(/Start-up upkeep done \(partitioned\)/);
    await server.waitForOutput(/Maintenance schedules upserted/);
    const now = new Date();
    const partition = `bars_p${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(await query(server.databaseUrl, 'SELECT to_regclass($1)::text AS t', [partition])).toEqual([{ t: partition }]);
  });

  it('exits at once with one line naming the Redis URL and how to start Redis when Redis does not answer', async () => {
    const port = await freePort();
    const r = await runServerToExit({ label: 'noredis', env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    server = r.server;
    expect(r.signal).toBeNull(); // not killed by the 20 s guard (a start on a loaded 2-core machine can take several seconds)
    expect(r.code).not.toBe(0);
    const line = expectOneLine(r.stderr);
    expect(line).toContain(`redis://127.0.0.1:${port}`);
    expect(line).toContain('docker compose up -d db redis');
    expect(line).toContain('REDIS_URL');
  });

  it('exits at once with one line naming the database URL and how to start PostgreSQL when it does not answer', async () => {
    const port = await freePort();
    const r = await runServerToExit({ label: 'nopg', env: { DATABASE_URL: `postgres://postgres:s3cret@127.0.0.1:${port}/quantdesk` } });
    server = r.server;
    expect(r.signal).toBeNull();
    expect(r.code).not.toBe(0);
    const line = expectOneLine(r.stderr);
    expect(line).toContain(`postgres://postgres:***@127.0.0.1:${port}/quantdesk`);
    expect(line).not.toContain('s3cret');
    expect(line).toContain('docker compose up -d db redis');
    expect(line).toContain('DATABASE_URL');
  });

  it.each([
    ['PORT', 'abc'],
    ['LOG_LEVEL', 'loud'],
    ['QUANTDESK_ROLE', 'boss'],
    ['SHUTDOWN_TIMEOUT_MS', '-1'],
  ])('refuses to start with an invalid %s, naming the variable', async (variable, value) => {
    const r = await runServerToExit({ label: 'badenv', env: { [variable]: value } });
    server = r.server;
    expect(r.signal).toBeNull();
    expect(r.code).not.toBe(0);
    const line = expectOneLine(r.stderr);
    expect(line).toContain(`Invalid configuration: ${variable}`);
    expect(line).toContain(value);
    // Nothing was touched: the configuration is checked before the database.
    expect(await databaseExists(r.server.databaseUrl)).toBe(false);
  });

  describe('on SIGTERM', () => {
    it('stops accepting connections, completes the request in flight and exits 0', async () => {
      server = await spawnServer({ label: 'sigreq', env: { SHUTDOWN_TIMEOUT_MS: '10000' } });
      const slow = await slowRequest(server.port, '/no/such/route');
      await sleep(200);
      server.child.kill('SIGTERM');
      await server.waitForOutput(/SIGTERM received/);
      // The listener closes while the request is still being received.
      const deadline = Date.now() + 5000;
      while (!(await connectionRefused(server.port)) && Date.now() < deadline) await sleep(50);
      expect(await connectionRefused(server.port)).toBe(true);
      expect(slow.answered()).toBe(false); // still in flight: the server waits for its body
      slow.finish();
      const res = await slow.response;
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body)).toMatchObject({ statusCode: 404, error: 'NOT_FOUND' });
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.stdout()).not.toMatch(/Shutdown took longer/);
    });

    describe('with a job running', () => {
      let lock: Client | undefined;
      let queue: Queue | undefined;
      afterEach(async () => {
        await lock?.end().catch(() => undefined);
        await queue?.close();
        lock = undefined;
        queue = undefined;
      });

      /**
       * Starts a server, then a maintenance job that blocks in the database: the test holds the
       * advisory lock bars_ensure_partitions() takes, so the job runs until the test lets go.
       */
      async function serverWithBlockedJob(shutdownTimeoutMs: number): Promise<{ s: ServerProcess; job: Job }> {
        const s = await spawnServer({ label: 'sigjob', env: { SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) } });
        server = s;
        await s.waitForOutput(/Start-up upkeep done/); // the start-up run takes the same lock
        lock = new Client({ connectionString: s.databaseUrl });
        await lock.connect();
        await lock.query(`SELECT pg_advisory_lock(hashtext('bars_ensure_partitions'))`);
        queue = new Queue('maintenance', { connection: redisConnectionOptions(loadConfig({ ...process.env, REDIS_URL })), prefix: s.redisPrefix });
        const job = await queue.add('bars.ensure-partitions', { monthsAhead: 3 });
        const deadline = Date.now() + 10_000;
        while ((await job.getState()) !== 'active' && Date.now() < deadline) await sleep(50);
        expect(await job.getState()).toBe('active');
        return { s, job };
      }

      it('lets the job finish, then exits 0 with the pools closed', async () => {
        const { s, job } = await serverWithBlockedJob(15_000);
        s.child.kill('SIGTERM');
        await s.waitForOutput(/Waiting up to \d+ ms for 1 running maintenance job/);
        await sleep(500);
        expect(s.child.exitCode).toBeNull(); // still draining
        await lock?.query(`SELECT pg_advisory_unlock(hashtext('bars_ensure_partitions'))`);
        expect(await s.exited).toEqual({ code: 0, signal: null });
        expect(await job.getState()).toBe('completed');
        const stored = await queue?.getJob(String(job.id));
        expect(stored?.returnvalue).toEqual({ storage: 'partitioned', partitionsCreated: 0, staleLoadTablesDropped: 0 });
        // Exit 0 comes only from app.close() resolving, i.e. after TypeORM and BullMQ closed their pools.
        expect(s.stdout()).not.toMatch(/Shutdown (took longer|failed)/);
        const left = await query<{ n: number }>(
          s.databaseUrl,
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'quantdesk'`,
        );
        expect(left).toEqual([{ n: 0 }]);
      });

      it('returns a job that outlasts the grace period to the queue, then exits 0', async () => {
        const { s, job } = await serverWithBlockedJob(6000);
        s.child.kill('SIGTERM');
        const deadline = Date.now() + 6000;
        while ((await job.getState()) === 'active' && Date.now() < deadline) await sleep(100);
        expect(await job.getState()).toBe('waiting');
        expect(s.stdout()).toMatch(/did not finish in time; returned to the queue/);
        // Let the blocked query end so the pool can close within the grace period.
        await lock?.query(`SELECT pg_advisory_unlock(hashtext('bars_ensure_partitions'))`);
        expect(await s.exited).toEqual({ code: 0, signal: null });
        // Still there for the next worker; the interrupted run did not complete it.
        expect(await job.getState()).toBe('waiting');
      });
    });
  });
});
