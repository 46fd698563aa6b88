import { randomBytes } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue, Worker, type Job } from 'bullmq';
import { loadConfig } from '../src/config/app-config';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { QueuesService } from '../src/queues/queues.service';
import { queueDefaultJobOptions } from '../src/queues/queues.module';
import { ALL_QUEUES } from '../src/queues/queue-registry';
import { redisConnectionOptions } from '../src/queues/redis-connection';
import { deleteRedisPrefix, privateRedisPrefix } from './support/spawn-server';
import { startTestApp, type TestApp } from './support/test-app';

async function waitForState(job: Job, states: readonly string[], timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await job.getState();
    if (states.includes(state) || Date.now() > deadline) return state;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('queue dashboard at /admin/queues', () => {
  let t: TestApp;
  let admin: string;
  let trader: string;
  const prefix = privateRedisPrefix('board');

  beforeAll(async () => {
    t = await startTestApp({ REDIS_PREFIX: prefix, QUANTDESK_ROLE: 'api' });
    const keys = t.app.get(ApiKeysService);
    const account = `board-${randomBytes(3).toString('hex')}`;
    admin = (await keys.create({ name: 'board admin', role: 'admin', account })).key;
    trader = (await keys.create({ name: 'board trader', role: 'trader', account })).key;
  });
  afterAll(async () => {
    await t?.close();
    await deleteRedisPrefix(prefix);
  });

  it.each(['/admin/queues', '/admin/queues/', '/admin/queues/api/queues', '/admin/queues/static/js/main.js', '/admin/queues?x=1'])(
    'answers 401 with the error body without a key: %s',
    async (url) => {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ statusCode: 401, error: 'UNAUTHORIZED', message: expect.any(String), details: expect.anything() });
    },
  );

  it('answers 403 to a trader key', async () => {
    for (const url of ['/admin/queues', '/admin/queues/api/queues']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${trader}` } });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ statusCode: 403, error: 'FORBIDDEN' });
    }
  });

  it('serves the page to an admin key', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: `Bearer ${admin}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toMatch(/<html/i);
    expect(res.body).toContain('/admin/queues');
  });

  it('lists every registry queue through its API, with job counts', async () => {
    await t.app.get(QueuesService).get('maintenance').add('bars.retention', { days: 0 });
    const res = await t.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { authorization: `Bearer ${admin}` } });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ queues: { name: string; counts: Record<string, number> }[] }>();
    expect(body.queues.map((q) => q.name).sort()).toEqual([...ALL_QUEUES].sort());
    expect(body.queues.find((q) => q.name === 'maintenance')?.counts.waiting).toBeGreaterThanOrEqual(1);
  });
});

describe('retries', () => {
  it('uses the default job options of QueuesModule for the registry queues', async () => {
    const prefix = privateRedisPrefix('defaults');
    const t = await startTestApp({ REDIS_PREFIX: prefix, QUANTDESK_ROLE: 'api', QUEUE_ATTEMPTS: '7', QUEUE_BACKOFF_MS: '250' });
    try {
      const queue = t.app.get<Queue>(getQueueToken('maintenance'));
      expect(queue.defaultJobOptions).toMatchObject({ attempts: 7, backoff: { type: 'exponential', delay: 250 }, removeOnFail: false });
      expect(queue.defaultJobOptions).toEqual(expect.objectContaining(queueDefaultJobOptions(t.config)));
    } finally {
      await t.close();
      await deleteRedisPrefix(prefix);
    }
  });

  it('retries a failing job with exponential backoff, then keeps it failed with its error and stack traces', async () => {
    // A test-only queue (its own prefix) with exactly the production defaults, from the real
    // config loader; only the numbers are made small enough for a test.
    const config = loadConfig({ ...process.env, QUEUE_ATTEMPTS: '3', QUEUE_BACKOFF_MS: '200' });
    const prefix = privateRedisPrefix('retry');
    const connection = redisConnectionOptions(config);
    const queue = new Queue('retry-test', { connection, prefix, defaultJobOptions: queueDefaultJobOptions(config) });
    const attempts: number[] = [];
    const worker = new Worker(
      'retry-test',
      async (job: Job) => {
        attempts.push(Date.now());
        throw new Error(`broken on purpose (attempt ${job.attemptsMade + 1})`);
      },
      { connection, prefix },
    );
    try {
      const job = await queue.add('fail', { n: 1 });
      expect(await waitForState(job, ['failed'])).toBe('failed');
      const stored = await queue.getJob(String(job.id));
      expect(stored?.attemptsMade).toBe(3);
      expect(stored?.failedReason).toBe('broken on purpose (attempt 3)');
      expect(stored?.stacktrace).toHaveLength(3);
      expect(stored?.stacktrace?.[0]).toMatch(/^Error: broken on purpose \(attempt 1\)\n\s+at /);
      expect(stored?.opts.backoff).toEqual({ type: 'exponential', delay: 200 });
      // Exponential: at least 200 ms before the 2nd attempt, at least 400 ms before the 3rd.
      expect(attempts).toHaveLength(3);
      expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(200 - 5);
      expect(attempts[2] - attempts[1]).toBeGreaterThanOrEqual(400 - 5);
      // Failed jobs are kept (removeOnFail: false), so the dashboard can show them.
      expect(await queue.getFailedCount()).toBe(1);
    } finally {
      await worker.close();
      await queue.close();
      await deleteRedisPrefix(prefix);
    }
  });
});

describe('process roles', () => {
  it('leaves jobs waiting in role api (no worker) and processes them in role worker', async () => {
    const prefix = privateRedisPrefix('roles');
    const api = await startTestApp({ REDIS_PREFIX: prefix, QUANTDESK_ROLE: 'api' });
    let worker: TestApp | undefined;
    try {
      const job = await api.app.get(QueuesService).get('maintenance').add('bars.retention', { days: 0 });
      // Nothing consumes it: still waiting after well over a worker's fetch latency.
      await new Promise((r) => setTimeout(r, 1500));
      expect(await job.getState()).toBe('waiting');
      // The same job, picked up once a worker-role process joins.
      worker = await startTestApp({ REDIS_PREFIX: prefix, QUANTDESK_ROLE: 'worker' });
      expect(await waitForState(job, ['completed', 'failed'])).toBe('completed');
    } finally {
      await worker?.close();
      await api.close();
      await deleteRedisPrefix(prefix);
    }
  });

  it('processes jobs in role all', async () => {
    const prefix = privateRedisPrefix('all');
    const all = await startTestApp({ REDIS_PREFIX: prefix, QUANTDESK_ROLE: 'all' });
    try {
      const job = await all.app.get(QueuesService).get('maintenance').add('bars.retention', { days: 0 });
      expect(await waitForState(job, ['completed', 'failed'])).toBe('completed');
    } finally {
      await all.close();
      await deleteRedisPrefix(prefix);
    }
  });

  describe('a worker-role process', () => {
    let t: TestApp;
    const prefix = privateRedisPrefix('workerhttp');
    beforeAll(async () => {
      t = await startTestApp({ REDIS_PREFIX: prefix, QUANTDESK_ROLE: 'worker' });
    });
    afterAll(async () => {
      await t?.close();
      await deleteRedisPrefix(prefix);
    });

    it('answers 404 with the error body on API routes, the docs and the dashboard', async () => {
      for (const url of ['/api/v1/market-data/bars?symbol=X', '/api/docs', '/admin/queues']) {
        const res = await t.app.inject({ method: 'GET', url });
        expect(res.statusCode).toBe(404);
        expect(res.json()).toEqual({ statusCode: 404, error: 'NOT_FOUND', message: expect.stringMatching(/worker process/), details: { role: 'worker' } });
      }
    });

    it('answers 200 on /health/live and /metrics', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    });
  });
});
