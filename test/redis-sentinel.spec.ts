import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { RedisCacheService } from '../src/common/cache/redis-cache.service';
import { loadConfig, type AppConfig } from '../src/config/app-config';
import { QueuesService } from '../src/queues/queues.service';
import { ensureRedis, redisConnectionOptions } from '../src/queues/redis-connection';
import { OrderFlowStore } from '../src/risk/order-flow.store';
import { deleteRedisPrefix, freePort, privateRedisPrefix } from './support/spawn-server';
import { startIsolatedTestApp, type TestApp } from './support/test-app';

/**
 * Redis through Sentinel: a real Sentinel (`redis-server --sentinel`) on a free port monitors this
 * run's Redis (127.0.0.1:6379) as master `qd-<port>`, and REDIS_URL points at a port nothing listens
 * on, so every client below works only if it asked the Sentinel where the master is. The shared
 * Redis is only read and written under private prefixes, never reconfigured (no failover here:
 * ioredis's sentinel mode re-resolves the master on every reconnect, which is what follows one).
 */

const MASTER = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

async function startSentinel(): Promise<{ port: number; name: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const name = `qd-${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'qd-sentinel-'));
  const conf = join(dir, 'sentinel.conf');
  // Sentinel rewrites its config file, so it lives in a directory of its own.
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${name} ${MASTER.hostname} ${MASTER.port || 6379} 1`,
      // Never declare the shared Redis down during this spec (it has no replica to promote anyway).
      `sentinel down-after-milliseconds ${name} 600000`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('redis-server', [conf, '--sentinel'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if (probe.status !== 'ready') await probe.connect();
      const addr = (await probe.call('SENTINEL', 'get-master-addr-by-name', name)) as string[] | null;
      if (addr && addr.length === 2) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error('Sentinel did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  probe.disconnect();
  return {
    port,
    name,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('Redis through Sentinel', () => {
  let sentinel: Awaited<ReturnType<typeof startSentinel>>;
  let deadUrl: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sentinel = await startSentinel();
    deadUrl = `redis://127.0.0.1:${await freePort()}`;
    env = { REDIS_URL: deadUrl, REDIS_SENTINELS: `127.0.0.1:${sentinel.port}`, REDIS_SENTINEL_NAME: sentinel.name };
  });
  afterAll(async () => {
    await sentinel?.stop();
  });

  it('the start-up check passes through the Sentinel, and fails with the Sentinel named when the master name is unknown', async () => {
    await expect(ensureRedis(loadConfig({ ...process.env, ...env }))).resolves.toBeUndefined();
    // Control: the same REDIS_URL without Sentinels reaches nothing.
    await expect(ensureRedis(loadConfig({ ...process.env, REDIS_URL: deadUrl, REDIS_SENTINELS: '' }))).rejects.toThrow(/Cannot reach Redis at redis:\/\/127\.0\.0\.1/);
    await expect(ensureRedis(loadConfig({ ...process.env, ...env, REDIS_SENTINEL_NAME: 'no-such-master' }))).rejects.toThrow(
      /Cannot reach Redis at master "no-such-master" of Sentinels 127\.0\.0\.1:\d+.*REDIS_SENTINELS/,
    );
  });

  it('a BullMQ Queue and Worker built from the builder add and process a job through the Sentinel', async () => {
    const config: AppConfig = loadConfig({ ...process.env, ...env });
    const prefix = privateRedisPrefix('sentinel_bull');
    const connection = redisConnectionOptions(config);
    const queue = new Queue('sentinel-check', { connection, prefix });
    const seen: unknown[] = [];
    const worker = new Worker(
      'sentinel-check',
      async (job) => {
        seen.push(job.data);
        return { doubled: (job.data as { n: number }).n * 2 };
      },
      { connection, prefix },
    );
    try {
      const job = await queue.add('double', { n: 21 });
      const deadline = Date.now() + 10_000;
      while ((await job.getState()) !== 'completed' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await queue.getJob(job.id as string).then((j) => j?.returnvalue)).toEqual({ doubled: 42 });
      expect(seen).toEqual([{ n: 21 }]);
      // The job is in the master the Sentinel named (this run's Redis), under the prefix.
      const direct = new Redis(MASTER.toString());
      try {
        expect(await direct.exists(`${prefix}:sentinel-check:${job.id}`)).toBe(1);
      } finally {
        direct.disconnect();
      }
    } finally {
      await worker.close();
      await queue.close();
      await deleteRedisPrefix(prefix);
    }
  });

  describe('the app (queues, health, cache, pre-trade gate) configured with Sentinels only', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startIsolatedTestApp('sentinel', env);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('is ready (its Redis check is the queues connection), the gate store is ready and the cache serves from Redis', async () => {
      const health = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toMatchObject({ checks: { redis: { status: 'up' } } });
      await expect(t.app.get(QueuesService).ping()).resolves.toBeUndefined();

      const store = t.app.get(OrderFlowStore);
      const deadline = Date.now() + 5000;
      while (store.redisStatus !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(store.redisStatus).toBe('ready');

      const cache = t.app.get(RedisCacheService);
      let loads = 0;
      const load = (): Promise<{ n: number }> => Promise.resolve({ n: ++loads });
      expect(await cache.getOrLoad('sentinel_check', 'k', 60_000, load)).toEqual({ n: 1 });
      expect(await cache.getOrLoad('sentinel_check', 'k', 60_000, load)).toEqual({ n: 1 });
      expect(loads).toBe(1);
      const direct = new Redis(MASTER.toString());
      try {
        const keys = await direct.keys(`${t.config.redisPrefix}:cache:*sentinel_check*`);
        expect(keys.length).toBe(1);
      } finally {
        direct.disconnect();
      }
    });
  });
});
