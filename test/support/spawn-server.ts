import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { dropDatabase } from '../../src/database/database-bootstrap';

/** The compiled server, exactly what `npm start` runs (`npm test` builds it before jest). */
export const SERVER_ENTRY = resolve(__dirname, '../../dist/src/main.js');

const REDIS_URL = (): string => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A TCP port nothing listens on right now (the OS picks it; closed again before returning). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** A Redis key prefix under this run's (so global teardown removes it too if a test crashes). */
export function privateRedisPrefix(label: string): string {
  return `${process.env.REDIS_PREFIX ?? 'qdtest_adhoc'}_${label}_${randomBytes(3).toString('hex')}`;
}

/** Deletes every Redis key under `prefix`. */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/** The URL of a database that does not exist yet, on this run's PostgreSQL server. */
export function freshDatabaseUrl(label: string): string {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/quantdesk_test');
  base.pathname = `/${`${base.pathname.slice(1)}_${label}`.slice(0, 50)}_${randomBytes(3).toString('hex')}`;
  return base.toString();
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly baseUrl: string;
  readonly databaseUrl: string;
  readonly redisPrefix: string;
  stdout(): string;
  stderr(): string;
  /** Settles when the process has exited. */
  readonly exited: Promise<ExitStatus>;
  /** Resolves once stdout contains `pattern` (rejects if the process exits first or after `timeoutMs`). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Kills the process if still running, drops its database and deletes its Redis keys. */
  cleanup(): Promise<void>;
}

export interface SpawnOptions {
  /** Short name used in the database name and Redis prefix. */
  readonly label: string;
  /** Environment variables on top of the generated PORT, DATABASE_URL, REDIS_URL, REDIS_PREFIX. */
  readonly env?: Record<string, string>;
  /** Wait for /health/ready to answer 200 (default true). */
  readonly waitReady?: boolean;
  readonly readyTimeoutMs?: number;
}

/**
 * Starts the compiled server (`node dist/src/main.js`) on a free port, with a database of its own
 * that does not exist yet (the server creates and migrates it) and a Redis prefix of its own,
 * and by default waits until /health/ready answers 200. Call `cleanup()` in a finally/afterEach.
 */
export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run \`npm run build\` first (npm test does)`);
  const port = await freePort();
  const databaseUrl = freshDatabaseUrl(options.label);
  const redisPrefix = privateRedisPrefix(options.label);
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    REDIS_URL: REDIS_URL(),
    REDIS_PREFIX: redisPrefix,
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const child = spawn(process.execPath, [SERVER_ENTRY], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const outputWaiters = new Set<() => void>();
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
    for (const w of outputWaiters) w();
  });
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<ExitStatus>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    for (const w of outputWaiters) w();
  });

  const server: ServerProcess = {
    child,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    databaseUrl: env.DATABASE_URL ?? databaseUrl,
    redisPrefix: env.REDIS_PREFIX ?? redisPrefix,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput(pattern, timeoutMs = 15_000) {
      return new Promise<void>((ok, fail) => {
        const timer = setTimeout(() => finish(new Error(`No output matching ${pattern} within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        const check = (): void => {
          if (pattern.test(out)) finish();
          else if (hasExited) finish(new Error(`Server exited before printing ${pattern}; stderr: ${err}`));
        };
        const finish = (e?: Error): void => {
          clearTimeout(timer);
          outputWaiters.delete(check);
          if (e) fail(e);
          else ok();
        };
        outputWaiters.add(check);
        check();
      });
    },
    async cleanup() {
      if (!hasExited) {
        child.kill('SIGKILL');
        await exited;
      }
      await dropDatabase(server.databaseUrl).catch(() => undefined);
      await deleteRedisPrefix(server.redisPrefix);
    },
  };

  if (options.waitReady === false) return server;
  try {
    await waitReady(server, () => hasExited, options.readyTimeoutMs ?? 30_000);
  } catch (e) {
    await server.cleanup();
    throw e;
  }
  return server;
}

async function waitReady(server: ServerProcess, hasExited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error(`Server exited before it was ready; stderr: ${server.stderr()}`);
    try {
      const res = await fetch(`${server.baseUrl}/health/ready`);
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Server not ready within ${timeoutMs} ms; stderr: ${server.stderr()}`);
}

/**
 * Runs the server expecting it to stop by itself (a start-up failure); kills it after
 * `timeoutMs` (then `code` is null and `signal` SIGKILL, which a test reports as a failure).
 */
export async function runServerToExit(
  options: Omit<SpawnOptions, 'waitReady'> & { timeoutMs?: number },
): Promise<ExitStatus & { stdout: string; stderr: string; server: ServerProcess }> {
  const server = await spawnServer({ ...options, waitReady: false });
  const timer = setTimeout(() => server.child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  const status = await server.exited;
  clearTimeout(timer);
  return { ...status, stdout: server.stdout(), stderr: server.stderr(), server };
}
